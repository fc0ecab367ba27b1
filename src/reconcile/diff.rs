//! Field-level and group-level differences between a directory user and an ftrack user.

use super::identity::UsernameRule;
use super::plan::{Field, FieldChange, FieldValue, GroupChanges};
use crate::dn::DnOrName;
use crate::ids::DirectoryGroup;
use crate::model::{DirectoryUser, FtrackUser};
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap};

fn text(value: &str) -> Option<FieldValue> {
    Some(FieldValue::Text(value.to_string()))
}

/// Changes that bring an ftrack user's fields to the directory's values.
///
/// A name the directory does not have is left as ftrack has it; emails compare without case,
/// usernames by the configured rule, so case-only differences do not churn.
pub fn field_changes(
    dir: &DirectoryUser,
    ftrack: &FtrackUser,
    rule: UsernameRule,
) -> Vec<FieldChange> {
    let mut changes = Vec::new();
    if let Some(username) = dir.username.as_deref()
        && !rule.same(username, &ftrack.username)
    {
        changes.push(change(Field::Username, &ftrack.username, username));
    }
    if let Some(first) = dir
        .first_name
        .as_deref()
        .filter(|v| *v != ftrack.first_name)
    {
        changes.push(change(Field::FirstName, &ftrack.first_name, first));
    }
    if let Some(last) = dir.last_name.as_deref().filter(|v| *v != ftrack.last_name) {
        changes.push(change(Field::LastName, &ftrack.last_name, last));
    }
    if let Some(email) = dir.email.as_deref() {
        let current = ftrack.email.as_deref().unwrap_or("");
        if !same_email(email, current) {
            changes.push(FieldChange {
                field: Field::Email,
                from: ftrack.email.as_deref().and_then(text),
                to: text(email),
            });
        }
    }
    changes
}

/// Emails compare without case (ASCII quickly, anything else by lower-casing).
fn same_email(a: &str, b: &str) -> bool {
    if a.is_ascii() && b.is_ascii() {
        a.eq_ignore_ascii_case(b)
    } else {
        a.to_lowercase() == b.to_lowercase()
    }
}

fn change(field: Field, from: &str, to: &str) -> FieldChange {
    FieldChange {
        field,
        from: text(from),
        to: text(to),
    }
}

/// Every field of a new user, each from `null`.
pub fn create_changes(dir: &DirectoryUser) -> Vec<FieldChange> {
    let value = |v: &Option<String>| text(v.as_deref().unwrap_or(""));
    [
        (Field::Username, text(dir.username.as_deref().unwrap_or(""))),
        (Field::FirstName, value(&dir.first_name)),
        (Field::LastName, value(&dir.last_name)),
        (Field::Email, value(&dir.email)),
        (Field::IsActive, Some(FieldValue::Flag(true))),
    ]
    .into_iter()
    .map(|(field, to)| FieldChange {
        field,
        from: None,
        to,
    })
    .collect()
}

/// The `is_active` change.
pub fn activity_change(from: bool, to: bool) -> FieldChange {
    FieldChange {
        field: Field::IsActive,
        from: Some(FieldValue::Flag(from)),
        to: Some(FieldValue::Flag(to)),
    }
}

/// Resolves directory groups to managed ftrack groups.
pub struct GroupMapper {
    by_key: HashMap<DnOrName, usize>,
    /// The directory groups of the managed-groups table, as configured, by entry number.
    keys: Vec<String>,
    /// The ftrack group of each entry.
    names: Vec<String>,
    managed: BTreeSet<String>,
    // Directory group values repeat across thousands of users; each is resolved once.
    memo: RefCell<foldhash::HashMap<String, Option<usize>>>,
}

impl GroupMapper {
    /// Builds the lookup from the managed-groups table (directory name or DN -> ftrack name).
    pub fn new(managed: &BTreeMap<String, String>) -> Self {
        let names: Vec<String> = managed.values().cloned().collect();
        let by_key = managed
            .keys()
            .enumerate()
            .map(|(i, dir)| (DnOrName::read(dir), i))
            .collect();
        Self {
            by_key,
            keys: managed.keys().cloned().collect(),
            managed: names.iter().cloned().collect(),
            names,
            memo: RefCell::default(),
        }
    }

    /// The ftrack group a directory group (DN or name) maps to, if it is managed.
    ///
    /// A DN matches a key written as the full DN or as its first RDN value (`cn=fx,...` matches `fx`).
    pub fn target(&self, group: &str) -> Option<&str> {
        self.entry_of(group).map(|i| self.names[i].as_str())
    }

    /// The number of the managed-groups entry a directory group (DN or name) matches, if any.
    pub fn entry_of(&self, group: &str) -> Option<usize> {
        let known = self.memo.borrow().get(group).copied();
        known.unwrap_or_else(|| {
            let resolved = self.resolve(group);
            self.memo.borrow_mut().insert(group.to_string(), resolved);
            resolved
        })
    }

    /// The managed-groups entries by number: the directory group as configured and its
    /// ftrack group.
    pub fn entries(&self) -> impl Iterator<Item = (&str, &str)> {
        self.keys
            .iter()
            .map(String::as_str)
            .zip(self.names.iter().map(String::as_str))
    }

    fn resolve(&self, group: &str) -> Option<usize> {
        find_group(group, |key| self.by_key.get(key).copied())
    }

    /// True when this ftrack group is managed.
    pub fn is_managed(&self, ftrack_group: &str) -> bool {
        self.managed.contains(ftrack_group)
    }

    /// The managed ftrack groups a directory user should be in, sorted and unique.
    pub fn desired(&self, dir_groups: &[DirectoryGroup]) -> Vec<&str> {
        let mut desired: Vec<&str> = dir_groups.iter().filter_map(|g| self.target(g)).collect();
        desired.sort_unstable();
        desired.dedup();
        desired
    }

    /// Membership changes for a directory user's groups against an ftrack user's groups,
    /// allocating nothing when they are already in sync (the usual case).
    pub fn changes_for(&self, dir_groups: &[DirectoryGroup], current: &[String]) -> GroupChanges {
        // Users are in a handful of groups: resolve each once into a small buffer.
        let mut buffer = [""; 8];
        let mut count = 0;
        for target in dir_groups.iter().filter_map(|g| self.target(g)) {
            if count == buffer.len() {
                return self.changes(&self.desired(dir_groups), current);
            }
            buffer[count] = target;
            count += 1;
        }
        let desired = &buffer[..count];
        let missing = desired.iter().any(|t| !current.iter().any(|c| c == t));
        let extra = current
            .iter()
            .any(|c| !desired.contains(&c.as_str()) && self.is_managed(c));
        if missing || extra {
            self.changes(&self.desired(dir_groups), current)
        } else {
            GroupChanges::default()
        }
    }

    /// Membership changes that bring an ftrack user's managed groups to the desired set.
    pub fn changes(&self, desired: &[&str], current: &[String]) -> GroupChanges {
        // Users belong to a handful of groups: linear scans, and no allocation when in sync.
        let missing = desired.iter().any(|g| !current.iter().any(|c| c == g));
        let extra = current
            .iter()
            .any(|c| self.is_managed(c) && !desired.contains(&c.as_str()));
        if !missing && !extra {
            return GroupChanges::default();
        }
        let mut remove: Vec<String> = current
            .iter()
            .filter(|c| self.is_managed(c) && !desired.contains(&c.as_str()))
            .cloned()
            .collect();
        remove.sort_unstable();
        remove.dedup();
        GroupChanges {
            add: desired
                .iter()
                .filter(|g| !current.iter().any(|c| c == *g))
                .map(|g| String::from(*g))
                .collect(),
            remove,
        }
    }
}

/// What a table keyed by group (DN or plain name) holds for a directory group, `get` being
/// the table's lookup: under the group itself, else, for a DN, under the value of its first
/// RDN (`cn=fx,ou=groups,...` finds `fx`). DNs compare as DNs, names without case.
pub(super) fn find_group<T>(group: &str, get: impl Fn(&DnOrName) -> Option<T>) -> Option<T> {
    let group = DnOrName::read(group);
    get(&group).or_else(|| group.first_rdn_names().find_map(|name| get(&name)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mapper() -> GroupMapper {
        let mut managed = BTreeMap::new();
        managed.insert(
            "cn=Lighting, ou=groups,dc=x".to_string(),
            "Lighting".to_string(),
        );
        managed.insert("fx".to_string(), "FX".to_string());
        GroupMapper::new(&managed)
    }

    #[test]
    fn groups_match_by_dn_or_first_rdn() {
        let m = mapper();
        assert_eq!(m.target("CN=lighting,OU=Groups,DC=x"), Some("Lighting"));
        assert_eq!(m.target("cn=fx,ou=groups,dc=x"), Some("FX"));
        assert_eq!(m.target("FX"), Some("FX"));
        assert_eq!(m.target("cn=lighting,ou=other,dc=x"), None);
        assert_eq!(m.target("comp"), None);
    }

    #[test]
    fn escaped_and_hex_written_dns_match() {
        let managed = BTreeMap::from([
            (r"cn=R\+D,ou=groups,dc=x".to_string(), "R&D".to_string()),
            ("Smith, John".to_string(), "Smith".to_string()),
        ]);
        let m = GroupMapper::new(&managed);
        assert_eq!(m.target(r"CN=R\2BD, OU=Groups,DC=x"), Some("R&D"));
        assert_eq!(m.target(r"cn=\52\+d,ou=groups,dc=x"), Some("R&D"));
        assert_eq!(m.target("cn=R,ou=groups,dc=x"), None);
        assert_eq!(m.target(r"cn=Smith\, John,ou=people,dc=x"), Some("Smith"));
        assert_eq!(m.target(r"cn=smith\2c john,dc=x"), Some("Smith"));
        assert_eq!(m.target("cn=Smith,cn=John,dc=x"), None);
    }

    #[test]
    fn group_changes_touch_only_managed_groups() {
        let m = mapper();
        let desired = m.desired(&["fx".into()]);
        let current = vec!["Lighting".to_string(), "Clients".to_string()];
        let changes = m.changes(&desired, &current);
        assert_eq!(changes.add, vec!["FX"]);
        assert_eq!(changes.remove, vec!["Lighting"]);
    }
}
