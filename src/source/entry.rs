//! A raw directory entry, as read from LDIF or LDAP, before attribute mapping.

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
        self.attrs
            .entry(attribute.to_ascii_lowercase())
            .or_default()
            .push(value.into());
    }

    /// All values of an attribute (case-insensitive name); empty when absent.
    pub fn values(&self, attribute: &str) -> &[Vec<u8>] {
        self.attrs
            .get(&attribute.to_ascii_lowercase())
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }
}
