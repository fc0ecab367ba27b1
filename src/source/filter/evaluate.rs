//! Offline evaluation of a filter against an entry (see the module docs for the rules).

use super::{BIT_AND_RULE, BIT_OR_RULE, Filter};
use crate::dn::{Dn, Value};
use crate::source::entry::RawEntry;
use std::cmp::Ordering;

impl Filter {
    /// Three-valued evaluation (RFC 4511): `None` is Undefined.
    pub(super) fn eval(&self, entry: &RawEntry) -> Option<bool> {
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
pub(super) enum Bitwise {
    And,
    Or,
}

pub(super) fn bitwise_rule(rule: &str) -> Option<Bitwise> {
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
        .map(|(_, v)| v.as_bytes());
    // Without an attribute, RFC 4511 applies the rule to every attribute of the entry.
    let from_attrs: Box<dyn Iterator<Item = &[u8]>> = match attr {
        Some(a) => Box::new(attribute_values(entry, a)),
        None => Box::new(
            entry
                .attributes()
                .flat_map(|(_, values)| values.iter().map(Vec::as_slice)),
        ),
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

fn attribute_values<'e>(entry: &'e RawEntry, wanted: &str) -> impl Iterator<Item = &'e [u8]> {
    entry
        .attributes()
        .filter(move |(key, _)| description_covers(wanted, key))
        .flat_map(|(_, values)| values.iter().map(Vec::as_slice))
}

/// caseIgnoreMatch-style preparation: trimmed, inner whitespace collapsed, lowercased.
fn fold(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Whether [`fold`] separates words at this ASCII byte. `str::split_whitespace` also splits at
/// vertical tab, which `u8::is_ascii_whitespace` keeps.
fn is_fold_space(b: &u8) -> bool {
    *b == b' ' || (b'\t'..=b'\r').contains(b)
}

/// [`fold`] of ASCII text, without allocating: words lowercased, joined by single spaces.
fn ascii_folded(text: &[u8]) -> impl Iterator<Item = u8> + '_ {
    text.split(is_fold_space)
        .filter(|word| !word.is_empty())
        .enumerate()
        .flat_map(|(at, word)| {
            let space = (at > 0).then_some(b' ');
            space
                .into_iter()
                .chain(word.iter().map(u8::to_ascii_lowercase))
        })
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
    if stored.is_ascii() && asserted.is_ascii() {
        // Most values are one word (`objectClass` ones all are), and one word folds to itself
        // lowercased: comparing without case spares the word-by-word walk.
        if !stored.iter().any(is_fold_space) && !asserted.iter().any(is_fold_space) {
            return stored.eq_ignore_ascii_case(asserted);
        }
        return ascii_folded(stored).eq(ascii_folded(asserted));
    }
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

/// The attribute types and values of a DN; none when the text is not a DN (which no server
/// sends).
pub(super) fn dn_components(dn: &str) -> Vec<(String, Value)> {
    Dn::parse(dn)
        .map(|dn| {
            dn.attribute_values()
                .map(|part| (part.attribute().to_string(), part.value()))
                .collect()
        })
        .unwrap_or_default()
}

pub(super) fn hex_digit(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// The character index of a byte offset (counting bytes that start a UTF-8 character).
pub(super) fn char_index(bytes: &[u8], byte_offset: usize) -> usize {
    bytes
        .iter()
        .take(byte_offset)
        .filter(|b| (**b & 0xc0) != 0x80)
        .count()
}
