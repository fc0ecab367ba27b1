//! A raw directory entry, as read from LDIF or LDAP, before attribute mapping.
//!
//! Large reads hold hundreds of thousands of entries at once, so an entry is kept compact: its
//! attributes are a short vector sorted by name, names are shared between the entries of one
//! read ([`AttributeNames`]), and a single value needs no vector of its own.

use std::collections::HashMap;
use std::sync::Arc;

/// One directory entry: its DN and its attributes with raw byte values.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawEntry {
    /// Distinguished name, as written by the source.
    pub dn: String,
    /// The attributes, sorted by their lowercased description (options such as `;binary` kept).
    attrs: Vec<Attribute>,
}

/// A lowercased attribute description (options such as `;binary` kept), cheap to share.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct AttributeName(Arc<str>);

impl AttributeName {
    /// The name of an attribute description, lowercased.
    pub fn new(description: &str) -> Self {
        Self(Arc::from(description.to_ascii_lowercase()))
    }

    /// The lowercased description.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Hands out one shared [`AttributeName`] per distinct description, so that the entries of a
/// read do not each hold a copy of every name.
#[derive(Debug, Default)]
pub struct AttributeNames {
    /// Every spelling seen, and its lowercase form, to the shared name.
    known: HashMap<Box<str>, AttributeName, foldhash::fast::RandomState>,
}

impl AttributeNames {
    /// The shared name of this description (matched case-insensitively).
    pub fn get(&mut self, description: &str) -> AttributeName {
        // A source spells a name the same way every time, so the spelling is looked up as it
        // is, and lowercased only the first time it is seen.
        if let Some(name) = self.known.get(description) {
            return name.clone();
        }
        let lowercase = description.to_ascii_lowercase();
        let name = match self.known.get(lowercase.as_str()) {
            Some(name) => name.clone(),
            None => AttributeName(Arc::from(lowercase.as_str())),
        };
        self.known.insert(lowercase.into(), name.clone());
        self.known.insert(description.into(), name.clone());
        name
    }
}

/// One attribute of an entry.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Attribute {
    name: AttributeName,
    values: Values,
}

/// The values of one attribute; nearly all attributes hold a single value.
#[derive(Debug, Clone)]
enum Values {
    One(Vec<u8>),
    Many(Vec<Vec<u8>>),
}

impl Values {
    fn as_slice(&self) -> &[Vec<u8>] {
        match self {
            Values::One(value) => std::slice::from_ref(value),
            Values::Many(values) => values,
        }
    }

    fn push(&mut self, value: Vec<u8>) {
        match self {
            Values::One(first) => *self = Values::Many(vec![std::mem::take(first), value]),
            Values::Many(values) => values.push(value),
        }
    }

    fn extend(&mut self, more: Vec<Vec<u8>>) {
        match self {
            Values::Many(values) if values.is_empty() => *values = more,
            _ => more.into_iter().for_each(|value| self.push(value)),
        }
    }

    fn into_vec(self) -> Vec<Vec<u8>> {
        match self {
            Values::One(value) => vec![value],
            Values::Many(values) => values,
        }
    }
}

impl PartialEq for Values {
    fn eq(&self, other: &Self) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl Eq for Values {}

impl RawEntry {
    /// Creates an entry with no attributes.
    pub fn new(dn: impl Into<String>) -> Self {
        Self::with_capacity(dn, 0)
    }

    /// Creates an entry with room for `attributes` distinct attributes.
    pub fn with_capacity(dn: impl Into<String>, attributes: usize) -> Self {
        Self {
            dn: dn.into(),
            attrs: Vec::with_capacity(attributes),
        }
    }

    /// Adds one value to an attribute (the name is matched case-insensitively).
    pub fn push(&mut self, attribute: &str, value: impl Into<Vec<u8>>) {
        self.push_named(&AttributeName::new(attribute), value.into());
    }

    /// Adds one value to the attribute of this (shared) name.
    pub fn push_named(&mut self, name: &AttributeName, value: Vec<u8>) {
        match self.position(name) {
            Ok(at) => self.attrs[at].values.push(value),
            Err(at) => self.attrs.insert(
                at,
                Attribute {
                    name: name.clone(),
                    values: Values::One(value),
                },
            ),
        }
    }

    /// Adds values to an attribute, recording it even when `values` is empty (an attribute
    /// listed without values).
    pub fn extend(&mut self, attribute: &str, values: Vec<Vec<u8>>) {
        let name = AttributeName::new(attribute);
        match self.position(&name) {
            Ok(at) => self.attrs[at].values.extend(values),
            Err(at) => self.attrs.insert(
                at,
                Attribute {
                    name,
                    values: Values::Many(values),
                },
            ),
        }
    }

    /// Replaces all values of an attribute.
    pub fn set(&mut self, attribute: &str, values: Vec<Vec<u8>>) {
        self.take(attribute);
        self.extend(attribute, values);
    }

    /// Removes an attribute, returning its values.
    pub fn take(&mut self, attribute: &str) -> Option<Vec<Vec<u8>>> {
        let at = self.find(attribute)?;
        Some(self.attrs.remove(at).values.into_vec())
    }

    /// All values of an attribute (case-insensitive name); empty when absent.
    pub fn values(&self, attribute: &str) -> &[Vec<u8>] {
        self.find(attribute)
            .map_or(&[], |at| self.attrs[at].values.as_slice())
    }

    /// Every attribute with its values, in the order of their lowercased names.
    pub fn attributes(&self) -> impl Iterator<Item = (&str, &[Vec<u8>])> {
        self.attrs
            .iter()
            .map(|a| (a.name.as_str(), a.values.as_slice()))
    }

    /// How many distinct attributes the entry has.
    pub fn attribute_count(&self) -> usize {
        self.attrs.len()
    }

    /// Where the attribute of this name is, or where it would go.
    fn position(&self, name: &AttributeName) -> Result<usize, usize> {
        self.attrs
            .binary_search_by(|a| a.name.as_str().cmp(name.as_str()))
    }

    /// The index of an attribute, its name matched case-insensitively: stored names are
    /// lowercase and sorted, so the asked name is lowercased as it is compared.
    fn find(&self, attribute: &str) -> Option<usize> {
        let wanted = attribute.bytes().map(|b| b.to_ascii_lowercase());
        self.attrs
            .binary_search_by(|a| a.name.as_str().bytes().cmp(wanted.clone()))
            .ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_found_case_insensitively_and_kept_in_order() {
        let mut entry = RawEntry::new("cn=a");
        entry.push("CN", "one");
        entry.push("cn", "two");
        entry.push("mail", "a@x");
        assert_eq!(entry.values("Cn"), [b"one".to_vec(), b"two".to_vec()]);
        assert_eq!(entry.values("MAIL"), [b"a@x".to_vec()]);
        assert!(entry.values("sn").is_empty());
        let names: Vec<&str> = entry.attributes().map(|(name, _)| name).collect();
        assert_eq!(names, ["cn", "mail"]);
    }

    #[test]
    fn one_value_equals_a_list_of_one() {
        let mut pushed = RawEntry::new("cn=a");
        pushed.push("cn", "x");
        let mut extended = RawEntry::new("cn=a");
        extended.extend("cn", vec![b"x".to_vec()]);
        assert_eq!(pushed, extended);
    }

    #[test]
    fn empty_attributes_are_recorded_and_can_be_taken() {
        let mut entry = RawEntry::new("cn=g");
        entry.extend("member;range=0-*", Vec::new());
        assert_eq!(entry.attribute_count(), 1);
        entry.extend("member;range=0-*", vec![b"m".to_vec()]);
        assert_eq!(entry.take("MEMBER;range=0-*"), Some(vec![b"m".to_vec()]));
        assert_eq!(entry.attribute_count(), 0);
        entry.set("member", vec![b"a".to_vec()]);
        entry.set("member", vec![b"b".to_vec()]);
        assert_eq!(entry.values("member"), [b"b".to_vec()]);
    }

    #[test]
    fn shared_names_are_lowercase_and_reused() {
        let mut names = AttributeNames::default();
        let first = names.get("givenName");
        let second = names.get("GIVENNAME");
        assert_eq!(first.as_str(), "givenname");
        assert!(Arc::ptr_eq(&first.0, &second.0));
    }
}
