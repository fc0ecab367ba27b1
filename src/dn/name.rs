//! Values that may or may not be DNs: group keys in the configuration (`fx` or
//! `cn=fx,ou=groups,dc=x`), group values from an LDIF file, member values of any quality.

use super::Dn;
use super::text::fold_case;

/// A plain name (`fx`, `Pipeline TD`) folded for comparison: trimmed, case folded as DN
/// values are, and without spaces around `,` and `=`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PlainName(Box<str>);

impl PlainName {
    /// Folds a name.
    pub fn new(name: &str) -> PlainName {
        let folded = fold_case(name.trim());
        let mut key = String::with_capacity(folded.len());
        let mut chars = folded.chars().peekable();
        while let Some(c) = chars.next() {
            if c == ',' || c == '=' {
                key.truncate(key.trim_end_matches(' ').len());
                key.push(c);
                while chars.peek() == Some(&' ') {
                    chars.next();
                }
            } else {
                key.push(c);
            }
        }
        PlainName(key.into_boxed_str())
    }

    /// The folded text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A value that names a directory entry or group: a [`Dn`] when it parses as one, otherwise
/// a [`PlainName`]. The two never compare equal.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum DnOrName {
    /// The value parsed as a DN.
    Dn(Dn),
    /// The value did not parse as a DN (a group name such as `fx`, or a malformed DN).
    Name(PlainName),
}

impl DnOrName {
    /// Reads a value as a DN, or as a plain name when it is not one.
    pub fn read(value: &str) -> DnOrName {
        match Dn::try_parse(value) {
            Ok(dn) => DnOrName::Dn(dn),
            Err(_) => DnOrName::Name(PlainName::new(value)),
        }
    }

    /// Reads a `uniqueMember` value: as `read`, after dropping a `#'0101'B` unique identifier.
    pub fn read_unique_member(value: &str) -> DnOrName {
        DnOrName::read(super::without_uid(value))
    }

    /// The DN, when the value is one.
    pub fn as_dn(&self) -> Option<&Dn> {
        match self {
            DnOrName::Dn(dn) => Some(dn),
            DnOrName::Name(_) => None,
        }
    }

    /// The text values of a DN's first RDN as plain names (`fx` for `cn=fx,ou=groups`), for
    /// matching a DN against a configured group name; none for a plain name.
    pub fn first_rdn_names(&self) -> impl Iterator<Item = DnOrName> + '_ {
        self.as_dn()
            .and_then(Dn::first_rdn)
            .into_iter()
            .flat_map(|rdn| rdn.text_values())
            .map(|value| DnOrName::Name(PlainName::new(&value)))
    }
}
