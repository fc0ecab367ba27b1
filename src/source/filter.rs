//! LDAP search filters (RFC 4515): parsing, printing, value escaping and offline evaluation.
//!
//! # Text form
//!
//! [`Filter`] parses with [`str::parse`] and prints with [`std::fmt::Display`] in canonical
//! RFC 4515 form, with every value escaped by [`escape_value`], so that printing a parsed
//! filter and parsing it again yields the same filter. The parser is slightly more lenient
//! than the RFC where that is unambiguous:
//!
//! * a filter without outer parentheses (`uid=jdoe`, `&(a=b)(c=d)`) is read as if wrapped;
//! * whitespace is ignored around the whole filter, after `(`, and around the members of
//!   `&`, `|` and `!` (`(& (a=b) (c=d))`), but never inside a value, where it is significant;
//! * empty `(&)` and `(|)` are accepted (absolute true and false, RFC 4526).
//!
//! It is stricter in two places where the RFC grammar allows something that is almost
//! always a typo: an unescaped `(` inside a value and an empty substring (`**`) are errors.
//! Nesting deeper than [`MAX_DEPTH`] levels is rejected so hostile input cannot overflow
//! the stack. Error positions are 0-based character (not byte) offsets into the input.
//!
//! # Offline evaluation
//!
//! [`Filter::matches`] approximates what a directory server would answer, for planning from
//! an LDIF export instead of a live server. With no schema at hand it assumes the matching
//! rules most user attributes have:
//!
//! * attribute names compare case-insensitively; a description with options (`cn;lang-de`)
//!   matches values stored under a description carrying at least those options, and a plain
//!   name (`cn`) also matches its subtypes with options, as on a server. Names and numeric
//!   OIDs are not related (`2.5.4.3` does not find `cn`). The DN is not an attribute:
//!   `(dn=...)` matches nothing; use the `:dn:` extensible form to look at DN components.
//! * values are compared like caseIgnoreMatch: decoded as UTF-8, leading and trailing
//!   whitespace removed, inner runs of whitespace collapsed to one space, and lowercased.
//!   Values that are not valid UTF-8 (binary attributes) compare byte for byte.
//! * `=` is true when any value is equal; `~=` is the same case-insensitive equality.
//! * substrings (`*`) match case-insensitively, with the pieces found in order without
//!   overlapping.
//! * `>=` and `<=` compare numerically when both sides are integers, otherwise
//!   case-insensitively by code point (which orders generalized times correctly).
//! * `(attr=*)` is true when the attribute has at least one value. `(objectClass=*)` is
//!   always true, as on a server where every entry has an object class, even when the
//!   export left that attribute out.
//! * extensible matches are evaluated without a matching rule (plain equality) and with the
//!   Active Directory bitwise rules `1.2.840.113556.1.4.803` (AND: `(v & x) == x`) and
//!   `1.2.840.113556.1.4.804` (OR: `(v & x) != 0`), also known as `integerBitAndMatch`
//!   and `integerBitOrMatch`; values are 64-bit integers, so negative 32-bit values such as
//!   AD's `groupType` keep their bit pattern. `:dn:` also considers the attribute values
//!   of the entry's DN. Any other matching rule (for example AD's in-chain rule
//!   `1.2.840.113556.1.4.1941`) cannot be evaluated offline and makes `matches` fail.
//! * as in RFC 4511, an item whose assertion cannot be evaluated (a bitwise match with a
//!   non-integer assertion) is Undefined rather than false: `!` keeps it Undefined and the
//!   entry does not match.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use super::entry::RawEntry;

/// Deepest nesting of parenthesized filters the parser accepts.
pub const MAX_DEPTH: usize = 100;

const BIT_AND_RULE: &str = "1.2.840.113556.1.4.803";
const BIT_OR_RULE: &str = "1.2.840.113556.1.4.804";

/// A parsed LDAP search filter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Filter {
    /// True when every member is true (`(&...)`); empty is absolute true.
    And(Vec<Filter>),
    /// True when any member is true (`(|...)`); empty is absolute false.
    Or(Vec<Filter>),
    /// Negation (`(!...)`).
    Not(Box<Filter>),
    /// Equality match (`(attr=value)`).
    Equal {
        /// Attribute description.
        attr: String,
        /// Assertion value, unescaped.
        value: Vec<u8>,
    },
    /// Approximate match (`(attr~=value)`).
    Approx {
        /// Attribute description.
        attr: String,
        /// Assertion value, unescaped.
        value: Vec<u8>,
    },
    /// Ordering match (`(attr>=value)`).
    GreaterOrEqual {
        /// Attribute description.
        attr: String,
        /// Assertion value, unescaped.
        value: Vec<u8>,
    },
    /// Ordering match (`(attr<=value)`).
    LessOrEqual {
        /// Attribute description.
        attr: String,
        /// Assertion value, unescaped.
        value: Vec<u8>,
    },
    /// Presence (`(attr=*)`).
    Present {
        /// Attribute description.
        attr: String,
    },
    /// Substring match (`(attr=initial*any*final)`).
    Substring {
        /// Attribute description.
        attr: String,
        /// Text the value starts with.
        initial: Option<Vec<u8>>,
        /// Texts found in order between `initial` and `final_`.
        any: Vec<Vec<u8>>,
        /// Text the value ends with.
        final_: Option<Vec<u8>>,
    },
    /// Extensible match (`(attr:dn:rule:=value)`).
    Extensible {
        /// Attribute description; required when there is no matching rule.
        attr: Option<String>,
        /// Matching rule OID or name.
        rule: Option<String>,
        /// Whether the attributes of the entry's DN take part (`:dn`).
        dn_attrs: bool,
        /// Assertion value, unescaped.
        value: Vec<u8>,
    },
}

/// Why a filter could not be parsed or evaluated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid LDAP filter at character {position}: {message}")]
pub struct FilterError {
    /// 0-based character offset into the filter text (the canonical text when evaluating).
    pub position: usize,
    /// What was wrong, and what was expected.
    pub message: String,
}

/// Escapes a value for use inside a filter (`*`, `(`, `)`, `\`, NUL and invalid UTF-8 as `\XX`).
pub fn escape_value(value: &[u8]) -> String {
    let mut out = String::with_capacity(value.len());
    for chunk in value.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '*' => out.push_str("\\2a"),
                '(' => out.push_str("\\28"),
                ')' => out.push_str("\\29"),
                '\\' => out.push_str("\\5c"),
                '\0' => out.push_str("\\00"),
                _ => out.push(c),
            }
        }
        for byte in chunk.invalid() {
            push_hex_escape(&mut out, *byte);
        }
    }
    out
}

fn push_hex_escape(out: &mut String, byte: u8) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('\\');
    out.push(char::from(HEX[usize::from(byte >> 4)]));
    out.push(char::from(HEX[usize::from(byte & 0x0f)]));
}

impl Filter {
    /// Evaluates the filter against an entry; fails only for constructs that need a server.
    pub fn matches(&self, entry: &RawEntry) -> Result<bool, FilterError> {
        // Checked up front, not during evaluation, so that whether a filter is usable does
        // not depend on which entry short-circuits which branch.
        if let Some((item, message)) = self.unsupported() {
            let text = self.to_string();
            let item_text = item.to_string();
            let byte_offset = text.find(&item_text).unwrap_or(0);
            return Err(FilterError {
                position: char_index(text.as_bytes(), byte_offset),
                message,
            });
        }
        // Undefined excludes the entry, like a server does.
        Ok(self.eval(entry) == Some(true))
    }

    /// Every attribute the filter tests, lowercased and without options, each once.
    pub fn attributes(&self) -> Vec<String> {
        let mut names = Vec::new();
        self.collect_attributes(&mut names);
        names.sort();
        names.dedup();
        names
    }

    fn collect_attributes(&self, names: &mut Vec<String>) {
        let mut add = |attr: &str| {
            let base = attr.split(';').next().unwrap_or(attr);
            names.push(base.to_ascii_lowercase());
        };
        match self {
            Filter::And(members) | Filter::Or(members) => {
                members.iter().for_each(|m| m.collect_attributes(names));
            }
            Filter::Not(inner) => inner.collect_attributes(names),
            Filter::Equal { attr, .. }
            | Filter::Approx { attr, .. }
            | Filter::GreaterOrEqual { attr, .. }
            | Filter::LessOrEqual { attr, .. }
            | Filter::Present { attr }
            | Filter::Substring { attr, .. } => add(attr),
            Filter::Extensible { attr, .. } => {
                if let Some(attr) = attr {
                    add(attr);
                }
            }
        }
    }

    /// Combines two filters with AND, merging members of existing ANDs instead of nesting.
    pub fn and(self, other: Filter) -> Filter {
        match (self, other) {
            (Filter::And(mut left), Filter::And(right)) => {
                left.extend(right);
                Filter::And(left)
            }
            (Filter::And(mut left), other) => {
                left.push(other);
                Filter::And(left)
            }
            (first, Filter::And(right)) => {
                let mut members = Vec::with_capacity(right.len() + 1);
                members.push(first);
                members.extend(right);
                Filter::And(members)
            }
            (first, second) => Filter::And(vec![first, second]),
        }
    }

    /// The first item that cannot be evaluated offline, with the reason.
    fn unsupported(&self) -> Option<(&Filter, String)> {
        match self {
            Filter::And(members) | Filter::Or(members) => {
                members.iter().find_map(Filter::unsupported)
            }
            Filter::Not(inner) => inner.unsupported(),
            Filter::Extensible {
                rule: Some(rule), ..
            } if bitwise_rule(rule).is_none() => Some((
                self,
                format!(
                    "matching rule {rule} cannot be evaluated offline; only equality and the \
                     bitwise rules {BIT_AND_RULE} and {BIT_OR_RULE} are supported"
                ),
            )),
            Filter::Extensible {
                attr: None,
                rule: None,
                ..
            } => Some((
                self,
                "an extensible match needs an attribute or a matching rule".to_string(),
            )),
            _ => None,
        }
    }

    /// Three-valued evaluation (RFC 4511): `None` is Undefined.
    fn eval(&self, entry: &RawEntry) -> Option<bool> {
        match self {
            Filter::And(members) => {
                let mut result = Some(true);
                for member in members {
                    match member.eval(entry) {
                        Some(false) => return Some(false),
                        None => result = None,
                        Some(true) => {}
                    }
                }
                result
            }
            Filter::Or(members) => {
                let mut result = Some(false);
                for member in members {
                    match member.eval(entry) {
                        Some(true) => return Some(true),
                        None => result = None,
                        Some(false) => {}
                    }
                }
                result
            }
            Filter::Not(inner) => inner.eval(entry).map(|b| !b),
            Filter::Equal { attr, value } | Filter::Approx { attr, value } => {
                Some(attribute_values(entry, attr).any(|v| values_equal(v, value)))
            }
            Filter::GreaterOrEqual { attr, value } => {
                Some(attribute_values(entry, attr).any(|v| compare(v, value) != Ordering::Less))
            }
            Filter::LessOrEqual { attr, value } => {
                Some(attribute_values(entry, attr).any(|v| compare(v, value) != Ordering::Greater))
            }
            Filter::Present { attr } => Some(
                base_name(attr).eq_ignore_ascii_case("objectclass")
                    || attribute_values(entry, attr).next().is_some(),
            ),
            Filter::Substring {
                attr,
                initial,
                any,
                final_,
            } => Some(
                attribute_values(entry, attr)
                    .any(|v| substring_match(v, initial.as_deref(), any, final_.as_deref())),
            ),
            Filter::Extensible {
                attr,
                rule,
                dn_attrs,
                value,
            } => eval_extensible(entry, attr.as_deref(), rule.as_deref(), *dn_attrs, value),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Bitwise {
    And,
    Or,
}

fn bitwise_rule(rule: &str) -> Option<Bitwise> {
    // OpenLDAP knows the AD rule OIDs under these names too.
    if rule == BIT_AND_RULE || rule.eq_ignore_ascii_case("integerBitAndMatch") {
        Some(Bitwise::And)
    } else if rule == BIT_OR_RULE || rule.eq_ignore_ascii_case("integerBitOrMatch") {
        Some(Bitwise::Or)
    } else {
        None
    }
}

fn eval_extensible(
    entry: &RawEntry,
    attr: Option<&str>,
    rule: Option<&str>,
    dn_attrs: bool,
    value: &[u8],
) -> Option<bool> {
    let dn_values = if dn_attrs {
        dn_components(&entry.dn)
    } else {
        Vec::new()
    };
    let from_dn = dn_values
        .iter()
        .filter(|(kind, _)| attr.is_none_or(|a| base_name(a).eq_ignore_ascii_case(kind)))
        .map(|(_, v)| v.as_slice());
    // Without an attribute, RFC 4511 applies the rule to every attribute of the entry.
    let from_attrs: Box<dyn Iterator<Item = &[u8]>> = match attr {
        Some(a) => Box::new(attribute_values(entry, a)),
        None => Box::new(entry.attrs.values().flatten().map(Vec::as_slice)),
    };
    let mut candidates = from_attrs.chain(from_dn);
    match rule.map(bitwise_rule) {
        None => Some(candidates.any(|v| values_equal(v, value))),
        Some(Some(op)) => {
            // An assertion that is not an integer has the wrong syntax: Undefined.
            let mask = parse_bits(value)?;
            Some(candidates.any(|v| {
                parse_bits(v).is_some_and(|n| match op {
                    Bitwise::And => n & mask == mask,
                    Bitwise::Or => n & mask != 0,
                })
            }))
        }
        // Rejected by `unsupported` before evaluation starts.
        Some(None) => None,
    }
}

/// The part of an attribute description before its options.
fn base_name(description: &str) -> &str {
    description.split(';').next().unwrap_or(description)
}

/// Whether values stored under `key` answer a filter on `wanted` (subtypes with more options do).
fn description_covers(wanted: &str, key: &str) -> bool {
    let mut wanted_parts = wanted.split(';');
    let mut key_parts = key.split(';');
    let same_base = match (wanted_parts.next(), key_parts.next()) {
        (Some(w), Some(k)) => w.eq_ignore_ascii_case(k),
        _ => false,
    };
    if !same_base {
        return false;
    }
    let key_options: Vec<&str> = key_parts.collect();
    wanted_parts.all(|option| key_options.iter().any(|k| k.eq_ignore_ascii_case(option)))
}

fn attribute_values<'e>(entry: &'e RawEntry, attr: &str) -> impl Iterator<Item = &'e [u8]> {
    let wanted = attr.to_string();
    entry
        .attrs
        .iter()
        .filter(move |(key, _)| description_covers(&wanted, key))
        .flat_map(|(_, values)| values.iter().map(Vec::as_slice))
}

/// caseIgnoreMatch-style preparation: trimmed, inner whitespace collapsed, lowercased.
fn fold(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Like [`fold`] but without trimming: spaces at the edges of a substring piece matter.
fn fold_piece(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_space = false;
    for c in text.chars() {
        if c.is_whitespace() {
            if !in_space {
                out.push(' ');
            }
            in_space = true;
        } else {
            out.extend(c.to_lowercase());
            in_space = false;
        }
    }
    out
}

fn values_equal(stored: &[u8], asserted: &[u8]) -> bool {
    match (std::str::from_utf8(stored), std::str::from_utf8(asserted)) {
        (Ok(s), Ok(a)) => fold(s) == fold(a),
        _ => stored == asserted,
    }
}

fn parse_integer(value: &[u8]) -> Option<i128> {
    std::str::from_utf8(value).ok()?.trim().parse().ok()
}

/// An integer for bitwise rules; unsigned 64-bit values keep their bit pattern.
fn parse_bits(value: &[u8]) -> Option<i64> {
    let text = std::str::from_utf8(value).ok()?.trim();
    text.parse::<i64>()
        .ok()
        .or_else(|| text.parse::<u64>().ok().map(|n| n as i64))
}

fn compare(stored: &[u8], asserted: &[u8]) -> Ordering {
    if let (Some(s), Some(a)) = (parse_integer(stored), parse_integer(asserted)) {
        return s.cmp(&a);
    }
    match (std::str::from_utf8(stored), std::str::from_utf8(asserted)) {
        (Ok(s), Ok(a)) => fold(s).cmp(&fold(a)),
        _ => stored.cmp(asserted),
    }
}

fn substring_match(
    stored: &[u8],
    initial: Option<&[u8]>,
    any: &[Vec<u8>],
    final_: Option<&[u8]>,
) -> bool {
    let all_text = std::str::from_utf8(stored).is_ok()
        && initial
            .into_iter()
            .chain(any.iter().map(Vec::as_slice))
            .chain(final_)
            .all(|piece| std::str::from_utf8(piece).is_ok());
    if !all_text {
        // Binary values: exact bytes, like octetStringSubstringsMatch.
        let any: Vec<&[u8]> = any.iter().map(Vec::as_slice).collect();
        return substring_bytes(stored, initial, &any, final_);
    }
    // Lossy decoding loses nothing here: every input was just checked to be UTF-8.
    let fold_bytes = |piece: &[u8]| fold_piece(&String::from_utf8_lossy(piece));
    let value = fold(&String::from_utf8_lossy(stored));
    let initial = initial.map(fold_bytes);
    let final_ = final_.map(fold_bytes);
    let any: Vec<String> = any.iter().map(|piece| fold_bytes(piece)).collect();
    let any: Vec<&[u8]> = any.iter().map(|piece| piece.as_bytes()).collect();
    substring_bytes(
        value.as_bytes(),
        initial.as_deref().map(str::as_bytes),
        &any,
        final_.as_deref().map(str::as_bytes),
    )
}

/// Byte-level substring test; correct for UTF-8 too, which never matches mid-character.
fn substring_bytes(
    value: &[u8],
    initial: Option<&[u8]>,
    any: &[&[u8]],
    final_: Option<&[u8]>,
) -> bool {
    let mut rest = value;
    if let Some(prefix) = initial {
        match rest.strip_prefix(prefix) {
            Some(r) => rest = r,
            None => return false,
        }
    }
    // Taking the final piece off first keeps `any` from consuming it.
    if let Some(suffix) = final_ {
        match rest.strip_suffix(suffix) {
            Some(r) => rest = r,
            None => return false,
        }
    }
    for piece in any {
        match find(rest, piece) {
            Some(at) => rest = rest.get(at + piece.len()..).unwrap_or(&[]),
            None => return false,
        }
    }
    true
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() {
        return Some(0);
    }
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The attribute type/value pairs of a DN (RFC 4514, tolerating RFC 2253 quotes and `;`).
fn dn_components(dn: &str) -> Vec<(String, Vec<u8>)> {
    let bytes = dn.as_bytes();
    let at = |i: usize| bytes.get(i).copied();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let type_start = i;
        while let Some(c) = at(i) {
            if matches!(c, b'=' | b',' | b'+' | b';') {
                break;
            }
            i += 1;
        }
        let kind = dn.get(type_start..i).unwrap_or("").trim();
        if at(i) != Some(b'=') {
            // Not `type=value`: skip past the separator and keep going.
            i += 1;
            continue;
        }
        i += 1;
        let mut value = Vec::new();
        let mut quoted = false;
        while let Some(c) = at(i) {
            match c {
                b'"' => {
                    quoted = !quoted;
                    i += 1;
                }
                b'\\' => match (at(i + 1).and_then(hex_digit), at(i + 2).and_then(hex_digit)) {
                    (Some(high), Some(low)) => {
                        value.push(high << 4 | low);
                        i += 3;
                    }
                    _ => {
                        if let Some(next) = at(i + 1) {
                            value.push(next);
                        }
                        i += 2;
                    }
                },
                b',' | b'+' | b';' if !quoted => break,
                _ => {
                    value.push(c);
                    i += 1;
                }
            }
        }
        i += 1;
        if !kind.is_empty() {
            out.push((kind.to_string(), value));
        }
    }
    out
}

fn hex_digit(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// The character index of a byte offset (counting bytes that start a UTF-8 character).
fn char_index(bytes: &[u8], byte_offset: usize) -> usize {
    bytes
        .iter()
        .take(byte_offset)
        .filter(|b| (**b & 0xc0) != 0x80)
        .count()
}

impl FromStr for Filter {
    type Err = FilterError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let mut parser = Parser {
            bytes: text.as_bytes(),
            src: text,
            pos: 0,
            depth: 0,
        };
        parser.skip_ws();
        let filter = match parser.peek() {
            None => return Err(parser.expected("a filter such as (uid=jdoe)")),
            Some(b'(') => parser.filter()?,
            // Convenience: a bare `uid=jdoe` or `&(a=b)(c=d)` is read as if wrapped.
            Some(_) => parser.component()?,
        };
        parser.skip_ws();
        match parser.peek() {
            None => Ok(filter),
            Some(b')') => Err(parser.error(
                parser.pos,
                "unexpected ')' after the end of the filter (unbalanced parentheses?)",
            )),
            Some(_) => Err(parser
                .expected("the end of the filter (combine several filters with (&...) or (|...))")),
        }
    }
}

struct Parser<'a> {
    bytes: &'a [u8],
    src: &'a str,
    pos: usize,
    depth: usize,
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn error(&self, at: usize, message: impl Into<String>) -> FilterError {
        FilterError {
            position: char_index(self.bytes, at),
            message: message.into(),
        }
    }

    /// "expected X but found Y" at the current position.
    fn expected(&self, what: &str) -> FilterError {
        let found = match self.src.get(self.pos..).and_then(|s| s.chars().next()) {
            Some(c) => format!("{c:?}"),
            None if self.pos >= self.bytes.len() => "the end of the filter".to_string(),
            None => "a partial character".to_string(),
        };
        self.error(self.pos, format!("expected {what} but found {found}"))
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\r' | b'\n')) {
            self.pos += 1;
        }
    }

    /// `( component )`, starting at `(`.
    fn filter(&mut self) -> Result<Filter, FilterError> {
        let open = self.pos;
        if self.peek() != Some(b'(') {
            return Err(self.expected("'('"));
        }
        if self.depth >= MAX_DEPTH {
            return Err(self.error(
                open,
                format!("filter is nested more than {MAX_DEPTH} levels deep"),
            ));
        }
        self.depth += 1;
        self.pos += 1;
        self.skip_ws();
        let filter = self.component()?;
        if self.peek() != Some(b')') {
            let opened_at = char_index(self.bytes, open);
            return Err(self.expected(&format!(
                "')' to close the filter opened at character {opened_at}"
            )));
        }
        self.pos += 1;
        self.depth -= 1;
        Ok(filter)
    }

    /// What stands between the parentheses; leaves the closing `)` for the caller.
    fn component(&mut self) -> Result<Filter, FilterError> {
        match self.peek() {
            Some(b'&') => {
                self.pos += 1;
                Ok(Filter::And(self.list()?))
            }
            Some(b'|') => {
                self.pos += 1;
                Ok(Filter::Or(self.list()?))
            }
            Some(b'!') => {
                self.pos += 1;
                self.skip_ws();
                if self.peek() != Some(b'(') {
                    return Err(self.expected("'(' to start the filter negated by '!'"));
                }
                let inner = self.filter()?;
                self.skip_ws();
                if self.peek() == Some(b'(') {
                    return Err(self.expected("')' ('!' takes exactly one filter)"));
                }
                Ok(Filter::Not(Box::new(inner)))
            }
            Some(b'(') => Err(self.expected("'&', '|', '!' or an attribute description")),
            _ => self.item(),
        }
    }

    fn list(&mut self) -> Result<Vec<Filter>, FilterError> {
        let mut members = Vec::new();
        loop {
            self.skip_ws();
            if self.peek() != Some(b'(') {
                break;
            }
            members.push(self.filter()?);
        }
        match self.peek() {
            None | Some(b')') => Ok(members),
            Some(_) => Err(self.expected("'(' to start a nested filter or ')' to end the list")),
        }
    }

    fn item(&mut self) -> Result<Filter, FilterError> {
        let start = self.pos;
        let attr = self.attribute_description()?;
        if self.peek() == Some(b':') {
            return self.extensible(start, attr);
        }
        if attr.is_empty() {
            return Err(self.expected("an attribute description, '&', '|' or '!'"));
        }
        let attr = attr.to_string();
        match self.peek() {
            Some(b'=') => {
                self.pos += 1;
                self.equality_or_substring(attr)
            }
            Some(op @ (b'~' | b'>' | b'<')) => {
                self.pos += 1;
                if self.peek() != Some(b'=') {
                    return Err(self.expected(&format!("'=' after '{}'", char::from(op))));
                }
                self.pos += 1;
                let value = self.value(false)?;
                Ok(match op {
                    b'~' => Filter::Approx { attr, value },
                    b'>' => Filter::GreaterOrEqual { attr, value },
                    _ => Filter::LessOrEqual { attr, value },
                })
            }
            _ => {
                Err(self.expected("'=', '~=', '>=', '<=' or ':=' after the attribute description"))
            }
        }
    }

    /// An OID (descriptor or numeric) plus `;options`; empty when none starts here.
    fn attribute_description(&mut self) -> Result<&'a str, FilterError> {
        let start = self.pos;
        if self.oid()?.is_empty() {
            return Ok("");
        }
        while self.peek() == Some(b';') {
            self.pos += 1;
            let option_start = self.pos;
            while self
                .peek()
                .is_some_and(|c| c.is_ascii_alphanumeric() || c == b'-')
            {
                self.pos += 1;
            }
            if self.pos == option_start {
                return Err(self.expected("an attribute option after ';'"));
            }
        }
        Ok(self.src.get(start..self.pos).unwrap_or(""))
    }

    /// A descriptor (`cn`) or numeric OID (`2.5.4.3`); empty when none starts here.
    fn oid(&mut self) -> Result<&'a str, FilterError> {
        let start = self.pos;
        match self.peek() {
            Some(c) if c.is_ascii_alphabetic() => {
                while self
                    .peek()
                    .is_some_and(|c| c.is_ascii_alphanumeric() || c == b'-')
                {
                    self.pos += 1;
                }
            }
            Some(c) if c.is_ascii_digit() => {
                let mut components = 0;
                loop {
                    let digits_start = self.pos;
                    while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                        self.pos += 1;
                    }
                    if self.pos == digits_start {
                        return Err(self.expected("a digit after '.' in a numeric OID"));
                    }
                    components += 1;
                    if self.peek() != Some(b'.') {
                        break;
                    }
                    self.pos += 1;
                }
                if components < 2 {
                    return Err(self.expected(
                        "'.' (names start with a letter; a numeric OID has at least two parts)",
                    ));
                }
            }
            _ => {}
        }
        Ok(self.src.get(start..self.pos).unwrap_or(""))
    }

    fn equality_or_substring(&mut self, attr: String) -> Result<Filter, FilterError> {
        let initial = self.value(true)?;
        if self.peek() != Some(b'*') {
            return Ok(Filter::Equal {
                attr,
                value: initial,
            });
        }
        let mut any = Vec::new();
        let final_ = loop {
            self.pos += 1; // the '*'
            let piece = self.value(true)?;
            if self.peek() != Some(b'*') {
                break piece;
            }
            if piece.is_empty() {
                return Err(self.error(
                    self.pos,
                    "empty substring between two '*' (write \\2a for a literal '*')",
                ));
            }
            any.push(piece);
        };
        if initial.is_empty() && any.is_empty() && final_.is_empty() {
            return Ok(Filter::Present { attr });
        }
        Ok(Filter::Substring {
            attr,
            initial: Some(initial).filter(|v| !v.is_empty()),
            any,
            final_: Some(final_).filter(|v| !v.is_empty()),
        })
    }

    /// `attr:dn:rule:=value` and its shorter forms, with `start` at the attribute (or `:`).
    fn extensible(&mut self, start: usize, attr: &str) -> Result<Filter, FilterError> {
        let mut dn_attrs = false;
        let mut rule: Option<String> = None;
        loop {
            if self.peek() != Some(b':') {
                return Err(self.expected("':='"));
            }
            self.pos += 1;
            if self.peek() == Some(b'=') {
                self.pos += 1;
                break;
            }
            let token_start = self.pos;
            let token = self.oid()?;
            if token.is_empty() {
                return Err(self.expected("'dn', a matching rule or '=' after ':'"));
            }
            if rule.is_some() {
                return Err(self.error(
                    token_start,
                    "expected '=' after ':' (an extensible match has at most ':dn' and one matching rule)",
                ));
            }
            // `dn` can only be the dnAttributes flag where it may stand, before the rule.
            if !dn_attrs && token.eq_ignore_ascii_case("dn") {
                dn_attrs = true;
            } else {
                rule = Some(token.to_string());
            }
        }
        if attr.is_empty() && rule.is_none() {
            return Err(self.error(
                start,
                "an extensible match without an attribute needs a matching rule, \
                 as in (:dn:2.5.13.5:=value)",
            ));
        }
        let value = self.value(false)?;
        Ok(Filter::Extensible {
            attr: Some(attr.to_string()).filter(|a| !a.is_empty()),
            rule,
            dn_attrs,
            value,
        })
    }

    /// An assertion value up to `)` or the end (and `*` when `stop_at_star`), unescaped.
    fn value(&mut self, stop_at_star: bool) -> Result<Vec<u8>, FilterError> {
        let mut out = Vec::new();
        loop {
            match self.peek() {
                None | Some(b')') => return Ok(out),
                Some(b'*') if stop_at_star => return Ok(out),
                Some(b'*') => {
                    return Err(self.error(
                        self.pos,
                        "unescaped '*' in value (wildcards only work with '='; write \\2a for a literal '*')",
                    ));
                }
                Some(b'(') => {
                    return Err(self.error(self.pos, "unescaped '(' in value (write it as \\28)"));
                }
                Some(0) => {
                    return Err(self.error(self.pos, "NUL character in value (write it as \\00)"));
                }
                Some(b'\\') => {
                    let high = self.bytes.get(self.pos + 1).copied().and_then(hex_digit);
                    let low = self.bytes.get(self.pos + 2).copied().and_then(hex_digit);
                    match (high, low) {
                        (Some(high), Some(low)) => {
                            out.push(high << 4 | low);
                            self.pos += 3;
                        }
                        _ => {
                            return Err(self.error(
                                self.pos,
                                "invalid escape: '\\' must be followed by two hex digits (write \\5c for a literal '\\')",
                            ));
                        }
                    }
                }
                Some(c) => {
                    out.push(c);
                    self.pos += 1;
                }
            }
        }
    }
}

impl fmt::Display for Filter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Filter::And(members) => {
                f.write_str("(&")?;
                for member in members {
                    write!(f, "{member}")?;
                }
                f.write_str(")")
            }
            Filter::Or(members) => {
                f.write_str("(|")?;
                for member in members {
                    write!(f, "{member}")?;
                }
                f.write_str(")")
            }
            Filter::Not(inner) => write!(f, "(!{inner})"),
            Filter::Equal { attr, value } => write!(f, "({attr}={})", escape_value(value)),
            Filter::Approx { attr, value } => write!(f, "({attr}~={})", escape_value(value)),
            Filter::GreaterOrEqual { attr, value } => {
                write!(f, "({attr}>={})", escape_value(value))
            }
            Filter::LessOrEqual { attr, value } => write!(f, "({attr}<={})", escape_value(value)),
            Filter::Present { attr } => write!(f, "({attr}=*)"),
            Filter::Substring {
                attr,
                initial,
                any,
                final_,
            } => {
                write!(f, "({attr}=")?;
                if let Some(initial) = initial {
                    f.write_str(&escape_value(initial))?;
                }
                f.write_str("*")?;
                for piece in any {
                    write!(f, "{}*", escape_value(piece))?;
                }
                if let Some(final_) = final_ {
                    f.write_str(&escape_value(final_))?;
                }
                f.write_str(")")
            }
            Filter::Extensible {
                attr,
                rule,
                dn_attrs,
                value,
            } => {
                f.write_str("(")?;
                if let Some(attr) = attr {
                    f.write_str(attr)?;
                }
                if *dn_attrs {
                    f.write_str(":dn")?;
                }
                if let Some(rule) = rule {
                    write!(f, ":{rule}")?;
                }
                write!(f, ":={})", escape_value(value))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn parse(text: &str) -> Filter {
        match text.parse() {
            Ok(filter) => filter,
            Err(e) => panic!("{text:?} should parse: {e}"),
        }
    }

    fn parse_err(text: &str) -> FilterError {
        match text.parse::<Filter>() {
            Ok(filter) => panic!("{text:?} should not parse, got {filter:?}"),
            Err(e) => e,
        }
    }

    fn eq(attr: &str, value: &str) -> Filter {
        Filter::Equal {
            attr: attr.into(),
            value: value.into(),
        }
    }

    fn sample() -> RawEntry {
        let mut e = RawEntry::new("uid=jdoe,OU=People+l=Berlin,dc=example,dc=com");
        for class in ["top", "person", "organizationalPerson", "inetOrgPerson"] {
            e.push("objectClass", class);
        }
        e.push("uid", "jdoe");
        e.push("cn", "John  Doe ");
        e.push("cn", "Johnny");
        e.push("cn;lang-de", "Johann Doe");
        e.push("sn", "Doe");
        e.push("mail", "John.Doe@Example.com");
        e.push("uidNumber", "1001");
        e.push("userAccountControl", "514");
        e.push("groupType", "-2147483646");
        e.push("whenChanged", "20240315120000Z");
        e.push("description", "Senior Engineer (R&D) *");
        e.push("jpegPhoto", vec![0xff, 0x00, 0x2a, 0xfe]);
        e
    }

    fn check(filter: &str) -> bool {
        match parse(filter).matches(&sample()) {
            Ok(result) => result,
            Err(e) => panic!("{filter:?} should evaluate: {e}"),
        }
    }

    #[test]
    fn escape_value_escapes_specials() {
        assert_eq!(escape_value(b"a*b(c)\\d\0"), "a\\2ab\\28c\\29\\5cd\\00");
        assert_eq!(escape_value(b""), "");
        assert_eq!(escape_value("Jürgen Müller".as_bytes()), "Jürgen Müller");
        assert_eq!(escape_value(&[0x61, 0xff, 0xc3, 0x62]), "a\\ff\\c3b");
        assert_eq!(escape_value(b" lead, trail = "), " lead, trail = ");
    }

    #[test]
    fn canonical_filters_round_trip() {
        let canonical = [
            "(uid=jdoe)",
            "(cn=)",
            "(cn=John Doe)",
            "(cn= spaced )",
            "(objectClass=*)",
            "(cn=J*)",
            "(cn=*Doe)",
            "(cn=*oh*)",
            "(cn=J*o*n*D*e)",
            "(cn=*a*b*)",
            "(mail~=john)",
            "(uidNumber>=1000)",
            "(uidNumber<=2000)",
            "(&)",
            "(|)",
            "(!(uid=root))",
            "(&(objectClass=person)(|(uid=a)(uid=b))(!(cn=x*)))",
            "(cn;lang-de;x-foo=Johann)",
            "(2.5.4.3=John)",
            "(userAccountControl:1.2.840.113556.1.4.803:=2)",
            "(cn:caseExactMatch:=Fred)",
            "(cn:=Betty)",
            "(sn:dn:2.4.6.8.10:=Barney Rubble)",
            "(o:dn:=Ace Industry)",
            "(:1.2.3:=Wilma Flintstone)",
            "(:dn:2.4.6.8.10:=Dino)",
            "(:DN:2.4.6.8.10:=Dino)",
            "(o=Parens R Us \\28for all your parenthetical needs\\29)",
            "(cn=*\\2a*)",
            "(filename=C:\\5cMyFile)",
            "(bin=\\00\\00\\00\\ff)",
            "(sn=Lu\\c4\\8di\\c4\\87)",
            "(sn=Jürgen)",
            "(description=a\\ffb)",
        ];
        for text in canonical {
            let filter = parse(text);
            let printed = filter.to_string();
            assert_eq!(parse(&printed), filter, "{text}");
            // Values that are valid UTF-8 print unescaped, so compare modulo that.
            if !text.contains("\\c4") && !text.contains("DN") {
                assert_eq!(printed, text);
            }
        }
        assert_eq!(parse("(sn=Lu\\c4\\8di\\c4\\87)").to_string(), "(sn=Lučić)");
        assert_eq!(parse("(sn=Lu\\C4\\8Di)"), parse("(sn=Luči)"));
        assert_eq!(
            parse("(:DN:2.4.6.8.10:=Dino)").to_string(),
            "(:dn:2.4.6.8.10:=Dino)"
        );
    }

    #[test]
    fn parses_structure() {
        assert_eq!(
            parse("(cn=a*b*c*d)"),
            Filter::Substring {
                attr: "cn".into(),
                initial: Some(b"a".to_vec()),
                any: vec![b"b".to_vec(), b"c".to_vec()],
                final_: Some(b"d".to_vec()),
            }
        );
        assert_eq!(
            parse("(cn=*x*)"),
            Filter::Substring {
                attr: "cn".into(),
                initial: None,
                any: vec![b"x".to_vec()],
                final_: None,
            }
        );
        assert_eq!(parse("(CN=*)"), Filter::Present { attr: "CN".into() });
        assert_eq!(
            parse("(cn=a\\2a)"),
            Filter::Equal {
                attr: "cn".into(),
                value: b"a*".to_vec()
            }
        );
        assert_eq!(
            parse("(a:dn:=v)"),
            Filter::Extensible {
                attr: Some("a".into()),
                rule: None,
                dn_attrs: true,
                value: b"v".to_vec(),
            }
        );
        assert_eq!(
            parse("(a:dn:dn:=v)"),
            Filter::Extensible {
                attr: Some("a".into()),
                rule: Some("dn".into()),
                dn_attrs: true,
                value: b"v".to_vec(),
            }
        );
        assert_eq!(
            parse("(:rule:=)"),
            Filter::Extensible {
                attr: None,
                rule: Some("rule".into()),
                dn_attrs: false,
                value: Vec::new(),
            }
        );
        assert_eq!(parse("(&)"), Filter::And(Vec::new()));
        assert_eq!(parse("(|)"), Filter::Or(Vec::new()));
    }

    #[test]
    fn tolerates_whitespace_and_missing_outer_parentheses() {
        let expected = Filter::And(vec![eq("a", "b"), eq("c", "d")]);
        assert_eq!(parse("(& (a=b) (c=d))"), expected);
        assert_eq!(parse(" (&(a=b)(c=d)) \n"), expected);
        assert_eq!(parse("( & (a=b)\n\t(c=d) )"), expected);
        assert_eq!(parse("&(a=b)(c=d)"), expected);
        assert_eq!(parse("uid=jdoe"), eq("uid", "jdoe"));
        assert_eq!(parse("  uid=jdoe"), eq("uid", "jdoe"));
        assert_eq!(parse("(! (a=b) )"), Filter::Not(Box::new(eq("a", "b"))));
        // Inside a value whitespace is data.
        assert_eq!(parse("(cn=John Doe )"), eq("cn", "John Doe "));
        assert_eq!(parse("(cn= x)"), eq("cn", " x"));
    }

    #[test]
    fn reports_errors_with_positions() {
        let cases: &[(&str, usize, &str)] = &[
            ("", 0, "expected a filter"),
            ("   ", 3, "expected a filter"),
            ("(", 1, "expected an attribute description"),
            ("()", 1, "expected an attribute description"),
            (
                "(uid=jdoe",
                9,
                "')' to close the filter opened at character 0",
            ),
            (
                "(&(a=b)",
                7,
                "')' to close the filter opened at character 0",
            ),
            ("(uid=jdoe))", 10, "unexpected ')'"),
            ("(a=b)(c=d)", 5, "expected the end of the filter"),
            ("(cn=a\\)", 5, "two hex digits"),
            ("(cn=a\\4)", 5, "two hex digits"),
            ("(cn=a\\zz)", 5, "two hex digits"),
            ("(cn=a\\", 5, "two hex digits"),
            ("(cn=Jürgen\\zz)", 10, "two hex digits"),
            ("(cn=a(b)", 5, "unescaped '('"),
            ("(cn=a\0)", 5, "NUL"),
            ("(cn~=a*)", 6, "unescaped '*'"),
            ("(n>=*)", 4, "unescaped '*'"),
            ("(cn=a**b)", 6, "empty substring"),
            ("(cn=**)", 5, "empty substring"),
            ("(c n=x)", 2, "expected '=', '~=', '>=', '<=' or ':='"),
            ("(cn~x)", 4, "expected '=' after '~'"),
            ("(cn>x)", 4, "expected '=' after '>'"),
            ("(cn;=x)", 4, "attribute option"),
            ("(1=x)", 2, "numeric OID"),
            ("(1.2.=x)", 5, "digit after '.'"),
            ("(=x)", 1, "expected an attribute description"),
            ("(-a=x)", 1, "expected an attribute description"),
            ("(:=x)", 1, "needs a matching rule"),
            ("(a:=x(", 5, "unescaped '('"),
            ("(a::=x)", 3, "'dn', a matching rule or '='"),
            ("(:dn:=x)", 1, "needs a matching rule"),
            ("(a:dn)", 5, "expected ':='"),
            ("(a:r1:r2:=x)", 6, "at most ':dn' and one matching rule"),
            ("(a:1.2.3:=x*)", 11, "unescaped '*'"),
            ("(!a=b)", 2, "'(' to start the filter negated"),
            ("(!(a=b)(c=d))", 7, "'!' takes exactly one filter"),
            ("(&(a=b)x)", 7, "'(' to start a nested filter or ')'"),
            ("((a=b))", 1, "expected '&', '|', '!' or an attribute"),
            ("(a=b) x", 6, "expected the end of the filter"),
        ];
        for (input, position, fragment) in cases {
            let err = parse_err(input);
            assert!(
                err.message.contains(fragment),
                "{input:?}: message {:?} should contain {fragment:?}",
                err.message
            );
            assert_eq!(err.position, *position, "{input:?}: {err}");
        }
        assert_eq!(
            parse_err("(uid=jdoe").to_string(),
            "invalid LDAP filter at character 9: expected ')' to close the filter opened at \
             character 0 but found the end of the filter"
        );
        assert!(parse_err("(c n=x)").message.ends_with("but found ' '"));
    }

    #[test]
    fn limits_nesting_depth() {
        let nested =
            |levels: usize| format!("{}(a=b){}", "(!".repeat(levels - 1), ")".repeat(levels - 1));
        assert!(nested(MAX_DEPTH).parse::<Filter>().is_ok());
        let err = parse_err(&nested(MAX_DEPTH + 1));
        assert!(err.message.contains("nested"), "{err}");
        assert_eq!(err.position, 2 * MAX_DEPTH);
        // Far beyond the limit must fail cleanly rather than overflow the stack.
        assert!(
            parse_err(&"(!".repeat(1_000_000))
                .message
                .contains("nested")
        );
        assert!(parse_err(&"(&".repeat(100_000)).message.contains("nested"));
    }

    #[test]
    fn equality_and_approx_match_case_insensitively() {
        assert!(check("(uid=jdoe)"));
        assert!(check("(UID=JDoe)"));
        assert!(check("(uid= jdoe )"));
        assert!(!check("(uid=jdo)"));
        assert!(!check("(uid=jdoe2)"));
        assert!(check("(objectClass=INETORGPERSON)"));
        assert!(!check("(objectClass=group)"));
        assert!(check("(cn=john doe)"), "trimmed and inner spaces collapsed");
        assert!(check("(mail=john.doe@example.COM)"));
        assert!(check("(mail~=JOHN.DOE@EXAMPLE.COM)"));
        assert!(!check("(mail~=jdoe@example.com)"));
        assert!(!check("(missing=x)"));
        assert!(!check("(dn=uid=jdoe,ou=People,dc=example,dc=com)"));
        assert!(check("(description=Senior Engineer \\28R&D\\29 \\2a)"));
        // Binary values compare byte for byte.
        assert!(check("(jpegPhoto=\\ff\\00\\2a\\fe)"));
        assert!(!check("(jpegPhoto=\\ff\\00\\2a\\FF)"));
    }

    #[test]
    fn attribute_options_select_subtypes() {
        assert!(check("(cn=Johann Doe)"), "cn also covers cn;lang-de");
        assert!(check("(cn;lang-de=johann doe)"));
        assert!(check("(CN;LANG-DE=johann doe)"));
        assert!(!check("(cn;lang-de=John Doe)"));
        assert!(!check("(cn;lang-fr=Johann Doe)"));
        assert!(check("(cn;lang-de=*)"));
        assert!(!check("(cn;lang-fr=*)"));
    }

    #[test]
    fn presence_matches_attributes_with_values() {
        assert!(check("(uid=*)"));
        assert!(check("(jpegPhoto=*)"));
        assert!(!check("(telephoneNumber=*)"));
        assert!(check("(objectClass=*)"));
        assert!(check("(objectclass=*)"));
        assert!(
            parse("(objectClass=*)")
                .matches(&RawEntry::new("cn=bare"))
                .unwrap(),
            "every directory entry has an object class"
        );
        assert!(!parse("(uid=*)").matches(&RawEntry::new("cn=bare")).unwrap());
    }

    #[test]
    fn substrings_match_case_insensitively() {
        assert!(check("(cn=jo*)"));
        assert!(check("(cn=*DOE)"));
        assert!(check("(cn=*n d*)"));
        assert!(check("(cn=J*o*n*D*e)"));
        assert!(check("(mail=*@example.com)"));
        assert!(check("(cn=Joh*nny)"));
        assert!(!check("(cn=Johnny*y)"), "pieces must not overlap");
        assert!(!check("(cn=*y*y)"), "any must not overlap final");
        assert!(check("(cn=J*n*n*y)"));
        assert!(!check("(cn=x*)"));
        assert!(!check("(cn=*x)"));
        assert!(!check("(cn=*x*)"));
        assert!(!check("(cn=John *x)"));
        assert!(
            check("(cn=John *)"),
            "a space at the edge of a piece counts"
        );
        assert!(!check("(cn=Johnny *)"));
        assert!(check("(description=*\\2a)"));
        assert!(check("(description=*\\28r&d\\29*)"));
        assert!(check("(jpegPhoto=\\ff*\\fe)"));
        assert!(!check("(jpegPhoto=\\fe*)"));
        assert!(!check("(missing=a*)"));
    }

    #[test]
    fn ordering_is_numeric_for_integers_and_lexical_otherwise() {
        assert!(check("(uidNumber>=1000)"));
        assert!(check("(uidNumber>=1001)"));
        assert!(!check("(uidNumber>=1002)"));
        assert!(check("(uidNumber>=999)"), "numeric, not lexical");
        assert!(check("(uidNumber<=10000)"), "numeric, not lexical");
        assert!(!check("(uidNumber<=1000)"));
        assert!(check("(uidNumber<= 1001 )"));
        assert!(check("(groupType<=0)"));
        assert!(check("(whenChanged>=20240101000000Z)"));
        assert!(!check("(whenChanged>=20250101000000Z)"));
        assert!(check("(whenChanged<=20250101000000Z)"));
        assert!(check("(sn>=doa)"));
        assert!(check("(sn>=DOE)"));
        assert!(!check("(sn>=dof)"));
        assert!(check("(sn<=E)"));
        assert!(!check("(missing>=0)"));
        assert!(!check("(missing<=0)"));
    }

    #[test]
    fn boolean_operators_combine() {
        assert!(check("(&(uid=jdoe)(objectClass=person))"));
        assert!(!check("(&(uid=jdoe)(objectClass=group))"));
        assert!(check("(|(uid=x)(uid=jdoe))"));
        assert!(!check("(|(uid=x)(uid=y))"));
        assert!(check("(!(uid=x))"));
        assert!(!check("(!(uid=jdoe))"));
        assert!(
            check("(!(missing=x))"),
            "absent attribute is false, not undefined"
        );
        assert!(check("(&)"));
        assert!(!check("(|)"));
        assert!(check("(!(|))"));
    }

    #[test]
    fn active_directory_bitwise_rules() {
        let disabled = "(userAccountControl:1.2.840.113556.1.4.803:=2)";
        assert!(check(disabled), "514 = NORMAL_ACCOUNT | ACCOUNTDISABLE");
        assert!(!check(&format!("(!{disabled})")));
        let mut enabled = sample();
        enabled
            .attrs
            .insert("useraccountcontrol".into(), vec![b"512".to_vec()]);
        assert!(!parse(disabled).matches(&enabled).unwrap());
        assert!(
            parse(&format!("(&(objectClass=person)(!{disabled}))"))
                .matches(&enabled)
                .unwrap()
        );
        assert!(check("(userAccountControl:1.2.840.113556.1.4.803:=514)"));
        assert!(!check("(userAccountControl:1.2.840.113556.1.4.803:=515)"));
        assert!(check("(userAccountControl:1.2.840.113556.1.4.804:=3)"));
        assert!(!check("(userAccountControl:1.2.840.113556.1.4.804:=1)"));
        assert!(check("(userAccountControl:integerBitAndMatch:=2)"));
        // Security groups have the sign bit of the 32-bit groupType set.
        assert!(check("(groupType:1.2.840.113556.1.4.803:=2147483648)"));
        assert!(check("(groupType:1.2.840.113556.1.4.803:=2)"));
        assert!(!check("(groupType:1.2.840.113556.1.4.803:=4)"));
        assert!(
            !check("(uid:1.2.840.113556.1.4.803:=0)"),
            "non-integer values"
        );
        assert!(!check("(missing:1.2.840.113556.1.4.804:=1)"));
        // A non-integer assertion is Undefined: neither it nor its negation matches.
        assert!(!check("(userAccountControl:1.2.840.113556.1.4.803:=two)"));
        assert!(!check(
            "(!(userAccountControl:1.2.840.113556.1.4.803:=two))"
        ));
        assert!(check(
            "(|(uid=jdoe)(userAccountControl:1.2.840.113556.1.4.803:=two))"
        ));
        // Without an attribute every integer attribute is tried.
        assert!(check("(:1.2.840.113556.1.4.803:=512)"));
        assert!(!check("(:1.2.840.113556.1.4.804:=4096)"));
    }

    #[test]
    fn extensible_equality_and_dn_components() {
        assert!(check("(uid:=JDOE)"));
        assert!(!check("(ou:=People)"), "ou is only in the DN");
        assert!(check("(ou:dn:=people)"));
        assert!(check("(l:dn:=berlin)"), "multi-valued RDN");
        assert!(check("(dc:dn:=EXAMPLE)"));
        assert!(!check("(dc:dn:=org)"));
        assert!(check("(uid:dn:=jdoe)"));
        let mut escaped = RawEntry::new("cn=Doe\\, John,ou=A\\2bB+x=\"q,r\",dc=ex");
        escaped.push("objectClass", "person");
        let matches = |f: &str| parse(f).matches(&escaped).unwrap();
        assert!(matches("(cn:dn:=Doe, John)"));
        assert!(matches("(ou:dn:=a+b)"));
        assert!(matches("(x:dn:=q,r)"));
        assert!(!matches("(cn:dn:=Doe)"));
        // The DN parser must survive any garbage.
        for dn in [
            "", "=", ",,,", "a", "a=", "=b", "\\", "a=\\", "a=\"", "+;,=\\4",
        ] {
            let _ = dn_components(dn);
            let _ = parse("(a:dn:=b)").matches(&RawEntry::new(dn));
        }
    }

    #[test]
    fn unsupported_rules_are_errors_with_positions() {
        let err = parse("(&(objectClass=user)(memberOf:1.2.840.113556.1.4.1941:=cn=g,dc=x))")
            .matches(&sample())
            .unwrap_err();
        assert_eq!(err.position, 20);
        assert!(err.message.contains("1.2.840.113556.1.4.1941"), "{err}");
        // The error does not depend on short-circuiting for a particular entry.
        let err2 = parse("(&(objectClass=nothing)(cn:caseExactMatch:=x))")
            .matches(&sample())
            .unwrap_err();
        assert_eq!(err2.position, 23);
        let bad = Filter::Extensible {
            attr: None,
            rule: None,
            dn_attrs: false,
            value: Vec::new(),
        };
        assert!(bad.matches(&sample()).is_err());
    }

    #[test]
    fn and_flattens() {
        let (a, b, c, d) = (eq("a", "1"), eq("b", "2"), eq("c", "3"), eq("d", "4"));
        assert_eq!(
            a.clone().and(b.clone()),
            Filter::And(vec![a.clone(), b.clone()])
        );
        assert_eq!(
            Filter::And(vec![a.clone(), b.clone()]).and(c.clone()),
            Filter::And(vec![a.clone(), b.clone(), c.clone()])
        );
        assert_eq!(
            a.clone().and(Filter::And(vec![b.clone(), c.clone()])),
            Filter::And(vec![a.clone(), b.clone(), c.clone()])
        );
        assert_eq!(
            Filter::And(vec![a.clone(), b.clone()]).and(Filter::And(vec![c.clone(), d.clone()])),
            Filter::And(vec![a.clone(), b.clone(), c.clone(), d.clone()])
        );
        let or = Filter::Or(vec![c.clone(), d.clone()]);
        assert_eq!(a.clone().and(or.clone()), Filter::And(vec![a, or]));
        assert_eq!(
            parse("(objectClass=person)")
                .and(parse("(uid=jdoe)"))
                .to_string(),
            "(&(objectClass=person)(uid=jdoe))"
        );
    }

    /// Deterministic xorshift so the fuzz test is reproducible without extra crates.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    /// Parsing never panics, and whatever parses prints back to the same filter.
    fn exercise(input: &str) {
        if let Ok(filter) = input.parse::<Filter>() {
            let printed = filter.to_string();
            assert_eq!(
                printed.parse::<Filter>().as_ref(),
                Ok(&filter),
                "{input:?} printed as {printed:?}"
            );
            let _ = filter.matches(&sample());
        }
    }

    #[test]
    fn never_panics_on_truncations_and_mutations() {
        let seeds = [
            "(&(objectClass=person)(|(uid=a*b*c)(cn~=x))(!(mail=*)))",
            "(userAccountControl:1.2.840.113556.1.4.803:=2)",
            "(:dn:2.4.6.8.10:=Dino)",
            "(cn;lang-de=J\\c3\\bcrgen\\2a)",
            "(& (uidNumber>=1000) (uidNumber<=2000) (sn:dn:=Rubble))",
            "uid=jdö*",
        ];
        let alphabet: Vec<char> = "()&|!=~<>*:;\\.-0123456789abcdefABCDEFdn \t\0ü"
            .chars()
            .collect();
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        for seed in seeds {
            for (i, _) in seed.char_indices() {
                exercise(&seed[..i]);
                exercise(&seed[i..]);
            }
            for _ in 0..3000 {
                let mut chars: Vec<char> = seed.chars().collect();
                for _ in 0..=rng.below(4) {
                    let at = rng.below(chars.len() + 1);
                    let c = alphabet[rng.below(alphabet.len())];
                    match rng.below(3) {
                        0 => chars.insert(at, c),
                        1 if at < chars.len() => {
                            chars.remove(at);
                        }
                        _ if at < chars.len() => chars[at] = c,
                        _ => chars.push(c),
                    }
                }
                exercise(&chars.into_iter().collect::<String>());
            }
        }
    }

    fn arb_attr() -> impl Strategy<Value = String> {
        prop_oneof![
            "[a-zA-Z][a-zA-Z0-9-]{0,8}(;[a-zA-Z0-9-]{1,5}){0,2}",
            "[0-9]{1,3}(\\.[0-9]{1,3}){1,3}",
        ]
    }

    fn arb_value() -> impl Strategy<Value = Vec<u8>> {
        prop_oneof![
            proptest::collection::vec(any::<u8>(), 0..12),
            "\\PC{0,10}".prop_map(String::into_bytes),
        ]
    }

    fn arb_piece() -> impl Strategy<Value = Vec<u8>> {
        arb_value().prop_filter("non-empty", |v| !v.is_empty())
    }

    fn arb_filter() -> impl Strategy<Value = Filter> {
        let leaf = prop_oneof![
            (arb_attr(), arb_value()).prop_map(|(attr, value)| Filter::Equal { attr, value }),
            (arb_attr(), arb_value()).prop_map(|(attr, value)| Filter::Approx { attr, value }),
            (arb_attr(), arb_value())
                .prop_map(|(attr, value)| Filter::GreaterOrEqual { attr, value }),
            (arb_attr(), arb_value()).prop_map(|(attr, value)| Filter::LessOrEqual { attr, value }),
            arb_attr().prop_map(|attr| Filter::Present { attr }),
            (
                arb_attr(),
                proptest::option::of(arb_piece()),
                proptest::collection::vec(arb_piece(), 0..3),
                proptest::option::of(arb_piece()),
            )
                .prop_filter("not presence", |(_, i, a, f)| {
                    i.is_some() || !a.is_empty() || f.is_some()
                })
                .prop_map(|(attr, initial, any, final_)| Filter::Substring {
                    attr,
                    initial,
                    any,
                    final_,
                }),
            (
                proptest::option::of(arb_attr()),
                proptest::option::of(prop_oneof![
                    Just(BIT_AND_RULE.to_string()),
                    Just("caseIgnoreMatch".to_string()),
                    "[0-9]{1,2}(\\.[0-9]{1,2}){1,4}",
                ]),
                any::<bool>(),
                arb_value(),
            )
                .prop_filter("attr or rule", |(a, r, _, _)| a.is_some() || r.is_some())
                .prop_map(|(attr, rule, dn_attrs, value)| Filter::Extensible {
                    attr,
                    rule,
                    dn_attrs,
                    value,
                }),
        ];
        leaf.prop_recursive(4, 32, 4, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..4).prop_map(Filter::And),
                proptest::collection::vec(inner.clone(), 0..4).prop_map(Filter::Or),
                inner.prop_map(|f| Filter::Not(Box::new(f))),
            ]
        })
    }

    proptest! {
        #[test]
        fn display_then_parse_is_identity(filter in arb_filter()) {
            let printed = filter.to_string();
            prop_assert_eq!(printed.parse::<Filter>(), Ok(filter));
        }

        #[test]
        fn arbitrary_text_never_panics(text in "\\PC{0,40}|[()&|!=~<>*:\\\\a-c0-9 ]{0,40}") {
            exercise(&text);
        }

        #[test]
        fn escaped_values_survive(value in proptest::collection::vec(any::<u8>(), 0..32)) {
            let text = format!("(cn={})", escape_value(&value));
            prop_assert_eq!(text.parse::<Filter>(), Ok(Filter::Equal { attr: "cn".into(), value }));
        }
    }
}
