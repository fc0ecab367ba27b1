//! Typed identities: a directory entry's stable id, an ftrack user's id and an ftrack username
//! are different things, and the compiler keeps them apart. Each is stored and serialized as
//! the plain string it wraps, so files written before these types read the same. Each reads
//! as `&str` wherever text is wanted; turning text into one is always spelled out. The text is
//! shared, not copied, when an identity is cloned: plan items name the users of both snapshots,
//! and 100,000 of them would otherwise hold a second copy of every id and username.

use serde::{Deserialize, Serialize};
use std::borrow::Borrow;
use std::fmt;
use std::sync::Arc;

macro_rules! text_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(Arc<str>);

        impl $name {
            /// Wraps a value read from a source that names this kind of identity.
            pub fn new(value: impl AsRef<str>) -> Self {
                Self(Arc::from(value.as_ref()))
            }

            /// The value as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// The value as an owned string.
            pub fn into_string(self) -> String {
                self.0.to_string()
            }
        }

        /// Quoted like the string it wraps, so messages read the same as before the type.
        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Debug::fmt(&self.0, f)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        /// Read access as text; making one from text is always explicit.
        impl std::ops::Deref for $name {
            type Target = str;

            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                Self(Arc::from(value))
            }
        }

        impl From<String> for $name {
            fn from(value: String) -> Self {
                Self(Arc::from(value))
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                &*self.0 == other
            }
        }

        impl PartialEq<String> for $name {
            fn eq(&self, other: &String) -> bool {
                *self.0 == **other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                &*self.0 == *other
            }
        }
    };
}

text_id! {
    /// A directory entry's stable identity (entryUUID, objectGUID, ... or its DN as a fallback).
    DirectoryId
}

text_id! {
    /// An ftrack user's primary key.
    FtrackId
}

text_id! {
    /// A directory entry's distinguished name, as read. A plan item shares its user's.
    EntryDn
}

text_id! {
    /// A directory group a user belongs to, as read (a DN, or a name). Thousands of users share
    /// each group, so the reader hands out clones of one value per group.
    DirectoryGroup
}

text_id! {
    /// An ftrack login name. Not checked by the type: the planner says which are usable.
    Username
}

/// Which user a plan item, a decision or a mark is about: a directory entry, or an ftrack
/// user with no directory entry. Written as the directory id, or `ftrack:<id>`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(into = "String", from = "String")]
pub enum ItemKey {
    /// An item with a directory entry, by its stable id.
    Directory(DirectoryId),
    /// An ftrack user that no directory entry accounts for.
    FtrackOnly(FtrackId),
}

const FTRACK_PREFIX: &str = "ftrack:";

impl ItemKey {
    /// Reads a key as written in decisions files and plans.
    pub fn parse(text: &str) -> Self {
        match text.strip_prefix(FTRACK_PREFIX) {
            Some(id) => Self::FtrackOnly(FtrackId::new(id)),
            None => Self::Directory(DirectoryId::new(text)),
        }
    }

    /// The directory id, for a directory entry's key.
    pub fn directory_id(&self) -> Option<&DirectoryId> {
        match self {
            Self::Directory(id) => Some(id),
            Self::FtrackOnly(_) => None,
        }
    }
}

impl fmt::Display for ItemKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Directory(id) => f.write_str(id.as_str()),
            Self::FtrackOnly(id) => write!(f, "{FTRACK_PREFIX}{id}"),
        }
    }
}

impl From<ItemKey> for String {
    fn from(key: ItemKey) -> Self {
        key.to_string()
    }
}

impl From<&str> for ItemKey {
    fn from(text: &str) -> Self {
        Self::parse(text)
    }
}

impl From<String> for ItemKey {
    fn from(text: String) -> Self {
        Self::parse(&text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_item_key_reads_back_as_written() {
        for text in [
            "6f1c2a34-0000-4000-8000-000000000001",
            "ftrack:42",
            "uid=ana,dc=x",
        ] {
            let key = ItemKey::parse(text);
            assert_eq!(key.to_string(), text);
            let json = serde_json::to_string(&key).unwrap();
            assert_eq!(json, format!("\"{text}\""));
            assert_eq!(serde_json::from_str::<ItemKey>(&json).unwrap(), key);
        }
        assert_eq!(
            ItemKey::parse("ftrack:42"),
            ItemKey::FtrackOnly(FtrackId::new("42"))
        );
        assert_eq!(
            ItemKey::parse("42").directory_id(),
            Some(&DirectoryId::new("42"))
        );
    }

    #[test]
    fn ids_serialize_as_the_plain_string() {
        let id = FtrackId::new("abc");
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"abc\"");
        let back: DirectoryId = serde_json::from_str("\"u-1\"").unwrap();
        assert_eq!(back.as_str(), "u-1");
    }
}
