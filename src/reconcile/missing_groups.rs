//! Managed groups the directory read did not find at all. A group search that misses a managed
//! group (deleted, renamed, outside the group base, or misspelt in `[groups.managed]`) cannot
//! say who is in it, so its ftrack members keep their membership this run, and the plan says
//! why.
//!
//! Without a group search (groups only from the users' own `memberOf`), a group that no user
//! lists looks the same whether it was emptied or deleted. It is not held back, since an
//! emptied group must empty in ftrack too; the safety limit on membership losses still applies.

use super::diff::GroupMapper;
use super::roles::RolePlanner;
use crate::model::DirectorySnapshot;
use serde::{Deserialize, Serialize};

/// A managed group the directory read did not find.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MissingGroup {
    /// The directory group as `[groups.managed]` names it (name or DN).
    pub directory: String,
    /// The ftrack group it maps to; nobody is removed from it this run.
    pub ftrack: String,
}

/// A role rule whose group the directory read did not find.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MissingRoleGroup {
    /// The directory group as the `[[roles.rule]]` names it (name or DN).
    pub directory: String,
    /// The security role the rule gives; nobody loses it this run.
    pub role: String,
}

/// Which of `count` numbered entries no group of the read matches: neither a group the group
/// search found nor one a user read lists. `entries_of` adds the numbers a group matches.
/// `None` when no group search ran.
fn unseen(
    count: usize,
    directory: &DirectorySnapshot,
    entries_of: impl Fn(&str, &mut Vec<usize>),
) -> Option<Vec<bool>> {
    let found = directory.groups_found.as_ref()?;
    let mut unseen = vec![true; count];
    let mut left = count;
    let mut matched = Vec::new();
    let listed = directory.users.iter().flat_map(|u| &u.groups);
    let names = found.iter().map(String::as_str);
    for group in names.chain(listed.map(|g| g.as_str())) {
        if left == 0 {
            break;
        }
        matched.clear();
        entries_of(group, &mut matched);
        for &entry in &matched {
            if std::mem::take(&mut unseen[entry]) {
                left -= 1;
            }
        }
    }
    Some(unseen)
}

/// The managed groups that neither the group search found nor any user read lists, in
/// `[groups.managed]` order; none when no group search ran.
pub fn find_missing(mapper: &GroupMapper, directory: &DirectorySnapshot) -> Vec<MissingGroup> {
    let count = mapper.entries().count();
    let Some(unseen) = unseen(count, directory, |group, out| {
        out.extend(mapper.entry_of(group))
    }) else {
        return Vec::new();
    };
    mapper
        .entries()
        .zip(unseen)
        .filter(|(_, unseen)| *unseen)
        .map(|((directory, ftrack), _)| MissingGroup {
            directory: directory.to_string(),
            ftrack: ftrack.to_string(),
        })
        .collect()
}

/// The role rules whose group neither the group search found nor any user read lists, in
/// rule order; none when no group search ran.
pub fn find_missing_role_groups(
    roles: &RolePlanner,
    directory: &DirectorySnapshot,
) -> Vec<MissingRoleGroup> {
    let rules: Vec<(&str, &str)> = roles.rule_groups().collect();
    let Some(unseen) = unseen(rules.len(), directory, |group, out| {
        out.extend_from_slice(roles.rules_for(group))
    }) else {
        return Vec::new();
    };
    rules
        .into_iter()
        .zip(unseen)
        .filter(|(_, unseen)| *unseen)
        .map(|((directory, role), _)| MissingRoleGroup {
            directory: directory.to_string(),
            role: role.to_string(),
        })
        .collect()
}

/// The plan's warning naming the role rules whose group is missing, when there are any.
pub fn missing_role_warning(missing: &[MissingRoleGroup]) -> Option<String> {
    if missing.is_empty() {
        return None;
    }
    let named: Vec<String> = missing
        .iter()
        .map(|g| format!("{:?} (role {:?})", g.directory, g.role))
        .collect();
    Some(format!(
        "role rule groups not found in the directory: {}; nobody loses those roles this run (check [[roles.rule]] group, group_base_dn and group_filter)",
        named.join(", ")
    ))
}

/// The plan's warning naming the missing groups, when there are any.
pub fn missing_warning(missing: &[MissingGroup]) -> Option<String> {
    if missing.is_empty() {
        return None;
    }
    let named: Vec<String> = missing
        .iter()
        .map(|g| format!("{:?} (ftrack group {:?})", g.directory, g.ftrack))
        .collect();
    Some(format!(
        "managed groups not found in the directory: {}; nobody is removed from those ftrack groups this run (check [groups.managed], group_base_dn and group_filter)",
        named.join(", ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::DirectoryUser;
    use std::collections::BTreeMap;

    fn mapper() -> GroupMapper {
        let managed: BTreeMap<String, String> = [
            ("cn=comp,ou=groups,dc=x", "Compositing"),
            ("fx", "FX"),
            ("cn=gone,ou=groups,dc=x", "Lighting"),
            ("outside", "Outside"),
        ]
        .into_iter()
        .map(|(d, f)| (d.to_string(), f.to_string()))
        .collect();
        GroupMapper::new(&managed)
    }

    fn read(found: Option<&[&str]>, listed: &[&str]) -> DirectorySnapshot {
        let user = DirectoryUser {
            id: "id-ann".into(),
            dn: "uid=ann,dc=x".into(),
            username: Some("ann".into()),
            email: None,
            first_name: None,
            last_name: None,
            display_name: None,
            groups: listed.iter().map(|g| (*g).into()).collect(),
            active: true,
            disabled_reason: None,
            problems: Vec::new(),
            custom: BTreeMap::new(),
        };
        DirectorySnapshot {
            users: vec![user],
            complete: true,
            groups_found: found.map(|f| f.iter().map(|g| g.to_string()).collect()),
            read: Default::default(),
            ..DirectorySnapshot::default()
        }
    }

    fn ftrack_names(missing: &[MissingGroup]) -> Vec<&str> {
        missing.iter().map(|g| g.ftrack.as_str()).collect()
    }

    #[test]
    fn groups_neither_searched_nor_listed_are_missing() {
        let found = ["CN=Comp, ou=groups,dc=x", "cn=fx,ou=groups,dc=x"];
        let directory = read(Some(&found), &["cn=outside,ou=other,dc=x"]);
        let missing = find_missing(&mapper(), &directory);
        assert_eq!(
            missing,
            [MissingGroup {
                directory: "cn=gone,ou=groups,dc=x".into(),
                ftrack: "Lighting".into()
            }]
        );
        let warning = missing_warning(&missing).expect("a warning");
        assert!(
            warning.contains("\"cn=gone,ou=groups,dc=x\" (ftrack group \"Lighting\")"),
            "{warning}"
        );
    }

    #[test]
    fn a_search_that_found_nothing_misses_every_group_no_user_lists() {
        let missing = find_missing(&mapper(), &read(Some(&[]), &["fx"]));
        assert_eq!(
            ftrack_names(&missing),
            ["Compositing", "Lighting", "Outside"]
        );
    }

    #[test]
    fn without_a_group_search_no_group_is_missing() {
        assert!(find_missing(&mapper(), &read(None, &[])).is_empty());
        assert_eq!(missing_warning(&[]), None);
    }
}
