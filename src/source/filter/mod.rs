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

use super::entry::RawEntry;
use evaluate::{bitwise_rule, char_index};

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
}

mod display;
mod evaluate;
mod parse;
#[cfg(test)]
mod tests;
