//! A raw directory entry, as read from LDIF or LDAP, before attribute mapping.

use std::borrow::Cow;
use std::collections::BTreeMap;

/// One directory entry: its DN and its attributes with raw byte values.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawEntry {
    /// Distinguished name, as written by the source.
    pub dn: String,
    /// Attribute values keyed by the lowercased attribute name (options such as `;binary` kept).
    pub attrs: BTreeMap<String, Vec<Vec<u8>>>,
}

impl RawEntry {
    /// Creates an entry with no attributes.
    pub fn new(dn: impl Into<String>) -> Self {
        Self {
            dn: dn.into(),
            attrs: BTreeMap::new(),
        }
    }

    /// Adds one value to an attribute (the name is matched case-insensitively).
    pub fn push(&mut self, attribute: &str, value: impl Into<Vec<u8>>) {
        let name = lowercase(attribute);
        match self.attrs.get_mut(name.as_ref()) {
            Some(values) => values.push(value.into()),
            None => {
                self.attrs.insert(name.into_owned(), vec![value.into()]);
            }
        }
    }

    /// All values of an attribute (case-insensitive name); empty when absent.
    pub fn values(&self, attribute: &str) -> &[Vec<u8>] {
        self.attrs
            .get(lowercase(attribute).as_ref())
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }
}

/// The name lowercased, copied only when it has capitals.
fn lowercase(name: &str) -> Cow<'_, str> {
    match name.bytes().any(|b| b.is_ascii_uppercase()) {
        true => Cow::Owned(name.to_ascii_lowercase()),
        false => Cow::Borrowed(name),
    }
}
