//! What changed between two plans or runs (`report --compare A B`): who appeared in B, who
//! left (in A, not in B), and who is in both with another action, result, username, name or
//! group change. Users are matched by directory id, else ftrack id, else username.

use crate::apply::outcome::{ItemStatus, Outcome};
use crate::reconcile::Plan;
use crate::reconcile::plan::{GroupChanges, PlanItem};
use serde::Serialize;
use std::collections::BTreeMap;

/// One side of a comparison: a plan, or the outcome of a run.
#[derive(Debug, Clone, Copy)]
pub enum Side<'a> {
    /// A saved plan: what a run would do.
    Plan(&'a Plan),
    /// An apply's outcome: what a run did.
    Run(&'a Outcome),
}

/// How a side is named in the comparison.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SideFacts {
    /// What the admin gave (a file, `@1`, a run id).
    pub label: String,
    /// `plan` or `run`.
    pub kind: &'static str,
    /// When it was computed or run (UTC), when known.
    pub when: String,
    /// Users it holds.
    pub users: usize,
}

/// A user on one side only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UserLine {
    /// Username.
    pub username: String,
    /// Display name.
    pub name: String,
    /// What that side did or would do with the user (`create`, `update: applied`, ...).
    pub state: String,
}

/// One way a user differs between the two sides.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "what", rename_all = "snake_case")]
pub enum Difference {
    /// Another action (and result, for runs).
    State {
        /// In A.
        from: String,
        /// In B.
        to: String,
    },
    /// Another username.
    Username {
        /// In A.
        from: String,
        /// In B.
        to: String,
    },
    /// Another display name.
    Name {
        /// In A.
        from: String,
        /// In B.
        to: String,
    },
    /// Other group changes.
    Groups {
        /// In A.
        from: GroupChanges,
        /// In B.
        to: GroupChanges,
    },
}

/// A user on both sides, with what differs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChangedUser {
    /// Username in B.
    pub username: String,
    /// Display name in B.
    pub name: String,
    /// What differs, in a fixed order.
    pub differences: Vec<Difference>,
}

/// What changed from A to B.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Comparison {
    /// The earlier side.
    pub a: SideFacts,
    /// The later side.
    pub b: SideFacts,
    /// In B, not in A.
    pub appeared: Vec<UserLine>,
    /// In A, not in B.
    pub left: Vec<UserLine>,
    /// In both, differing.
    pub changed: Vec<ChangedUser>,
    /// In both, the same.
    pub same: usize,
}

/// One user of a side, as compared.
struct Entry<'a> {
    item: &'a PlanItem,
    status: Option<&'a ItemStatus>,
}

impl Entry<'_> {
    fn state(&self) -> String {
        match self.status {
            Some(status) => format!("{}: {}", self.item.action.name(), status.name()),
            None => self.item.action.name().to_string(),
        }
    }

    fn line(&self) -> UserLine {
        UserLine {
            username: self.item.username.to_string(),
            name: self.item.name.clone(),
            state: self.state(),
        }
    }
}

impl<'a> Side<'a> {
    fn facts(&self, label: &str) -> SideFacts {
        let (kind, when, users) = match self {
            Self::Plan(plan) => (
                "plan",
                plan.facts
                    .as_ref()
                    .map(|f| f.computed_at.clone())
                    .unwrap_or_default(),
                plan.items.len(),
            ),
            Self::Run(outcome) => ("run", outcome.run.started_at.clone(), outcome.items.len()),
        };
        SideFacts {
            label: label.to_string(),
            kind,
            when,
            users,
        }
    }

    fn entries(&self) -> BTreeMap<String, Entry<'a>> {
        let pairs: Vec<Entry<'a>> = match *self {
            Self::Plan(plan) => plan
                .items
                .iter()
                .map(|item| Entry { item, status: None })
                .collect(),
            Self::Run(outcome) => outcome
                .items
                .iter()
                .map(|o| Entry {
                    item: &o.item,
                    status: Some(&o.status),
                })
                .collect(),
        };
        pairs.into_iter().map(|e| (key(e.item), e)).collect()
    }
}

/// The identity a user is matched by across the two sides.
fn key(item: &PlanItem) -> String {
    match (&item.directory, &item.ftrack) {
        (Some(directory), _) => format!("directory:{}", directory.id),
        (None, Some(ftrack)) => format!("ftrack:{}", ftrack.id),
        (None, None) => format!("username:{}", item.username),
    }
}

/// Compares `a` (labelled `a_label`) with `b`.
pub fn compare(a: Side, a_label: &str, b: Side, b_label: &str) -> Comparison {
    let before = a.entries();
    let after = b.entries();
    let mut comparison = Comparison {
        a: a.facts(a_label),
        b: b.facts(b_label),
        appeared: Vec::new(),
        left: Vec::new(),
        changed: Vec::new(),
        same: 0,
    };
    for (key, entry) in &after {
        match before.get(key) {
            None => comparison.appeared.push(entry.line()),
            Some(earlier) => match differences(earlier, entry) {
                differences if differences.is_empty() => comparison.same += 1,
                differences => comparison.changed.push(ChangedUser {
                    username: entry.item.username.to_string(),
                    name: entry.item.name.clone(),
                    differences,
                }),
            },
        }
    }
    comparison.left = before
        .iter()
        .filter(|(key, _)| !after.contains_key(*key))
        .map(|(_, entry)| entry.line())
        .collect();
    for lines in [&mut comparison.appeared, &mut comparison.left] {
        lines.sort_by(|x, y| x.username.cmp(&y.username));
    }
    comparison
        .changed
        .sort_by(|x, y| x.username.cmp(&y.username));
    comparison
}

fn differences(a: &Entry, b: &Entry) -> Vec<Difference> {
    let mut found = Vec::new();
    let (state_a, state_b) = (a.state(), b.state());
    if state_a != state_b {
        found.push(Difference::State {
            from: state_a,
            to: state_b,
        });
    }
    if a.item.username != b.item.username {
        found.push(Difference::Username {
            from: a.item.username.to_string(),
            to: b.item.username.to_string(),
        });
    }
    if a.item.name != b.item.name {
        found.push(Difference::Name {
            from: a.item.name.clone(),
            to: b.item.name.clone(),
        });
    }
    if a.item.groups != b.item.groups {
        found.push(Difference::Groups {
            from: a.item.groups.clone(),
            to: b.item.groups.clone(),
        });
    }
    found
}

#[cfg(test)]
#[path = "compare_tests.rs"]
mod tests;
