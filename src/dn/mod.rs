//! Distinguished names (RFC 4514): one type that parses, compares and prints them.
//!
//! Two DNs are equal when they name the same entry as a directory would judge it:
//!
//! * attribute types compare without case (`CN` is `cn`); a numeric OID (`2.5.4.3`) stays as
//!   written and is not related to its name;
//! * spaces around `,` `=` `+` do not count, nor do unescaped spaces at the end of a value;
//! * escapes and hex pairs stand for the characters they encode (`\,` `\2C` and a quoted `,`
//!   are one comma; `\C3\A9` is `é`);
//! * the parts of a multi-valued RDN (`cn=a+uid=b`) may come in any order;
//! * values compare without case (Unicode lowercase, composed as NFC). Strictly, each
//!   attribute has its own matching rule, but the attributes that name entries (`cn`, `uid`,
//!   `ou`, `dc`, ...) are case-ignore on every server in use, and no schema is at hand here;
//! * `#` values (BER encodings) compare as their bytes.
//!
//! A [`Dn`] keeps the canonical text (values in the case written) for printing and a folded
//! copy for comparing and hashing, only when the two differ.

mod name;
mod parse;
mod text;

#[cfg(test)]
mod tests;

pub use name::{DnOrName, PlainName};
pub use text::fold_case;

use std::fmt;
use std::hash::{Hash, Hasher};
use text::{find_unescaped, split_unescaped, unescape, unhex};

/// A parsed distinguished name; equality and hashing follow the rules of the module docs.
#[derive(Clone)]
pub struct Dn {
    /// Canonical RFC 4514 text, values in the case written.
    text: Box<str>,
    /// The folded text compared and hashed; empty when it equals `text`.
    folded: Box<str>,
}

/// What is wrong with a DN's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DnProblem {
    /// An RDN starts without an attribute type (as in `cn=a,,dc=x`).
    #[error("an attribute type (such as cn) is missing")]
    MissingType,
    /// The attribute type is neither a name nor a numeric OID.
    #[error("the attribute type is neither a name (cn) nor a numeric OID (2.5.4.3)")]
    BadType,
    /// The attribute type is not followed by `=`.
    #[error("`=` is missing after the attribute type")]
    MissingEquals,
    /// The text ends in a lone backslash.
    #[error("the backslash at the end escapes nothing")]
    UnterminatedEscape,
    /// A backslash is followed by neither punctuation nor two hex digits.
    #[error("a backslash must be followed by a special character or two hex digits")]
    BadEscape,
    /// A `#` value has no hex digits or an odd number of them.
    #[error("a value starting with # must be hex digits in pairs (escape a literal # as \\#)")]
    BadHex,
    /// A quoted value has no closing quote.
    #[error("the quoted value is not closed")]
    UnterminatedQuote,
    /// A character that must be escaped is not.
    #[error("this character must be escaped with a backslash")]
    Unescaped,
    /// A value is followed by something other than `,` `;` `+` or the end.
    #[error("expected `,` or `+` after the value")]
    ExpectedSeparator,
}

/// A text that is not a DN, with where and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{input:?} is not a DN: {problem} (at byte {at}); special characters in values are written as in cn=Smith\\, John"
)]
pub struct DnError {
    input: String,
    at: usize,
    problem: DnProblem,
}

impl DnError {
    /// What is wrong.
    pub fn problem(&self) -> DnProblem {
        self.problem
    }

    /// The byte offset in the input where the problem was found.
    pub fn at(&self) -> usize {
        self.at
    }
}

impl Dn {
    /// Parses RFC 4514 text (also the looser RFC 2253 forms: spaces around separators, `;`,
    /// quoted values). Empty text is the empty DN (the root).
    pub fn parse(input: &str) -> Result<Dn, DnError> {
        Self::try_parse(input).map_err(|(problem, at)| DnError {
            input: input.to_string(),
            at,
            problem,
        })
    }

    /// Parses a `uniqueMember` value (nameAndOptionalUID, RFC 4517): a DN perhaps followed
    /// by `#'0101'B`, a bit string telling apart entries that reused a DN. The bit string is
    /// dropped: membership is decided by the DN.
    pub fn parse_unique_member(value: &str) -> Result<Dn, DnError> {
        Self::parse(without_uid(value))
    }

    /// Parses without describing a failure, for callers that fall back on something else.
    fn try_parse(input: &str) -> Result<Dn, parse::Failure> {
        let parsed = parse::parse(input)?;
        Ok(Dn {
            text: parsed.text.into_boxed_str(),
            folded: parsed.folded.into_boxed_str(),
        })
    }

    /// The empty DN, which every DN is within.
    pub fn root() -> Dn {
        Dn {
            text: Box::from(""),
            folded: Box::from(""),
        }
    }

    /// True for the empty DN.
    pub fn is_root(&self) -> bool {
        self.text.is_empty()
    }

    /// The text that equality and hashing use.
    fn folded(&self) -> &str {
        if self.folded.is_empty() {
            &self.text
        } else {
            &self.folded
        }
    }

    /// The RDNs, from the entry's own (the first written) to the top.
    pub fn rdns(&self) -> impl Iterator<Item = Rdn<'_>> {
        split_unescaped(&self.text, b',')
            .filter(|rdn| !rdn.is_empty())
            .map(Rdn)
    }

    /// The entry's own RDN (`cn=fx` of `cn=fx,ou=groups,dc=x`); `None` for the root.
    pub fn first_rdn(&self) -> Option<Rdn<'_>> {
        self.rdns().next()
    }

    /// The DN one level up (`ou=groups,dc=x` for `cn=fx,ou=groups,dc=x`); the root for a
    /// single RDN, `None` for the root itself.
    pub fn parent(&self) -> Option<Dn> {
        if self.is_root() {
            return None;
        }
        let after_comma = |text: &str| find_unescaped(text, b',').map_or(text.len(), |at| at + 1);
        let text = &self.text[after_comma(&self.text)..];
        let folded = &self.folded[after_comma(&self.folded)..];
        Some(Dn {
            text: Box::from(text),
            folded: Box::from(if folded == text { "" } else { folded }),
        })
    }

    /// True when this DN is `base` or below it, as a search with that base would find it.
    pub fn is_within(&self, base: &Dn) -> bool {
        let (own, base) = (self.folded(), base.folded());
        if base.is_empty() || own == base {
            return true;
        }
        let mut rest = own;
        while let Some(at) = find_unescaped(rest, b',') {
            rest = &rest[at + 1..];
            if rest == base {
                return true;
            }
        }
        false
    }

    /// The attribute types and values of every RDN (what `:dn:` filters look at).
    pub fn attribute_values(&self) -> impl Iterator<Item = AttributeValue<'_>> {
        self.rdns().flat_map(|rdn| rdn.parts())
    }
}

/// Drops a trailing `#'0101'B` unique identifier from a nameAndOptionalUID value.
fn without_uid(value: &str) -> &str {
    let Some(bits) = value.strip_suffix("'B") else {
        return value;
    };
    match bits.rfind("#'") {
        Some(hash) if bits[hash + 2..].bytes().all(|b| b == b'0' || b == b'1') => &value[..hash],
        _ => value,
    }
}

impl std::str::FromStr for Dn {
    type Err = DnError;

    fn from_str(input: &str) -> Result<Dn, DnError> {
        Dn::parse(input)
    }
}

impl PartialEq for Dn {
    fn eq(&self, other: &Dn) -> bool {
        self.folded() == other.folded()
    }
}

impl Eq for Dn {}

impl Hash for Dn {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.folded().hash(state);
    }
}

impl fmt::Display for Dn {
    /// The canonical RFC 4514 text: no spaces around separators, values in the case written,
    /// the parts of multi-valued RDNs sorted, only the characters that need it escaped.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl fmt::Debug for Dn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Dn({:?})", &*self.text)
    }
}

/// One RDN of a [`Dn`]: one attribute value, or several joined by `+`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rdn<'a>(&'a str);

impl<'a> Rdn<'a> {
    /// The attribute values, in canonical order.
    pub fn parts(self) -> impl Iterator<Item = AttributeValue<'a>> {
        split_unescaped(self.0, b'+').map(|part| {
            let (kind, value) = part.split_once('=').unwrap_or((part, ""));
            AttributeValue { kind, value }
        })
    }

    /// The values as text (those that are UTF-8 and not `#` values), in canonical order.
    pub fn text_values(self) -> impl Iterator<Item = String> + 'a {
        self.parts().filter_map(|part| match part.value() {
            Value::Text(text) => Some(text),
            Value::Bytes(_) | Value::Ber(_) => None,
        })
    }
}

impl fmt::Display for Rdn<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

/// One `type=value` of an RDN, as the canonical text has it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttributeValue<'a> {
    kind: &'a str,
    value: &'a str,
}

impl AttributeValue<'_> {
    /// The attribute type as written (`cn`, `CN` or `2.5.4.3`).
    pub fn attribute(&self) -> &str {
        self.kind
    }

    /// The value with its escapes undone.
    pub fn value(&self) -> Value {
        match self.value.strip_prefix('#') {
            Some(digits) => Value::Ber(unhex(digits)),
            None => match String::from_utf8(unescape(self.value)) {
                Ok(text) => Value::Text(text),
                Err(bytes) => Value::Bytes(bytes.into_bytes()),
            },
        }
    }
}

/// An attribute value of a DN, unescaped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// A string value.
    Text(String),
    /// A string value whose hex pairs are not UTF-8.
    Bytes(Vec<u8>),
    /// A `#` value: the BER encoding, as raw bytes.
    Ber(Vec<u8>),
}

impl Value {
    /// The value's bytes (for a `#` value, the BER encoding).
    pub fn as_bytes(&self) -> &[u8] {
        match self {
            Value::Text(text) => text.as_bytes(),
            Value::Bytes(bytes) | Value::Ber(bytes) => bytes,
        }
    }
}
