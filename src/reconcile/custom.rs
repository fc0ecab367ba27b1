//! User custom attributes from the directory: the configured keys ftrack can take (a user
//! attribute of type text), and the changes that bring a user's values to the directory's.
//!
//! Only configured keys are compared. A value the directory lacks leaves ftrack's as it is,
//! like names. A key ftrack has no user attribute for, or whose type is not text, is never
//! written: the plan says so in a warning, and no user becomes a conflict for it.

use crate::model::{DirectoryUser, FtrackSnapshot, FtrackUser};
use serde::{Deserialize, Serialize};
use std::fmt;

/// One custom attribute going from ftrack's value to the directory's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomChange {
    /// The attribute's key.
    pub key: String,
    /// ftrack's value now: `null` for a new user, or when ftrack holds none.
    pub from: Option<String>,
    /// The directory's value.
    pub to: String,
}

impl fmt::Display for CustomChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.from {
            Some(from) => write!(f, "{}: {from:?} -> {:?}", self.key, self.to),
            None => write!(f, "{}: (none) -> {:?}", self.key, self.to),
        }
    }
}

/// A configured key that cannot be written, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unusable {
    /// The key, as `[mapping.custom]` names it.
    pub key: String,
    /// Why, in words.
    pub why: String,
}

impl fmt::Display for Unusable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "custom attribute {:?}: {}; its values are not written",
            self.key, self.why
        )
    }
}

/// The configured keys, checked against the server's user configurations once per plan.
pub struct CustomPlanner<'a> {
    /// Keys that can be written, in configuration order.
    usable: Vec<&'a str>,
    /// Keys that cannot.
    unusable: Vec<Unusable>,
}

impl<'a> CustomPlanner<'a> {
    /// Checks each configured key against ftrack's user custom attribute configurations.
    pub fn new(keys: &'a [String], ftrack: &FtrackSnapshot) -> Self {
        let mut usable = Vec::new();
        let mut unusable = Vec::new();
        for key in keys {
            match key_problem(key, ftrack) {
                None => usable.push(key.as_str()),
                Some(why) => unusable.push(Unusable {
                    key: key.clone(),
                    why,
                }),
            }
        }
        Self { usable, unusable }
    }

    /// The configured keys ftrack cannot take, for the plan's warnings and `check`.
    pub fn unusable(&self) -> &[Unusable] {
        &self.unusable
    }

    /// The changes that give `ftrack` (`None` for a new user) the directory's values.
    pub fn changes(&self, dir: &DirectoryUser, ftrack: Option<&FtrackUser>) -> Vec<CustomChange> {
        if dir.custom.is_empty() {
            return Vec::new();
        }
        self.usable
            .iter()
            .filter_map(|&key| {
                let to = dir.custom.get(key)?;
                let from = ftrack.and_then(|user| user.custom.get(key));
                (from != Some(to)).then(|| CustomChange {
                    key: key.to_string(),
                    from: from.cloned(),
                    to: to.clone(),
                })
            })
            .collect()
    }
}

/// Why ftrack cannot take values for `key`, or `None`.
fn key_problem(key: &str, ftrack: &FtrackSnapshot) -> Option<String> {
    let Some(found) = ftrack.custom_attributes.iter().find(|c| c.key == key) else {
        return Some("ftrack has no user custom attribute with this key".to_string());
    };
    (!found.is_text()).then(|| {
        format!(
            "its type in ftrack is {:?}, and only text attributes are written",
            found.kind
        )
    })
}
