//! What a group search gives, live or from an LDIF export: the group entries it found become
//! one [`GroupIndex`] (nesting resolved), through which every user's groups are resolved, and
//! a search that finds no group makes the read incomplete. Both reads call these, so an
//! offline plan of a directory gives the memberships a live one does.

use super::entry::RawEntry;
use super::ldap::groups::GroupIndex;

/// The groups a group search found.
#[derive(Debug, Default)]
pub struct GroupsRead {
    /// Every group found, indexed for resolving users' memberships.
    pub index: GroupIndex,
    /// Why the search makes the read incomplete, when it does (it found no group).
    pub incomplete: Option<String>,
}

impl GroupsRead {
    /// The DNs of the groups found, for the directory snapshot.
    pub fn found(&self) -> Vec<String> {
        self.index.dns().iter().map(|dn| dn.to_string()).collect()
    }
}

/// Indexes the group entries a search under `base` with `filter` found.
pub fn index_groups<'a>(
    entries: impl IntoIterator<Item = &'a RawEntry>,
    base: &str,
    filter: &str,
) -> GroupsRead {
    let index = GroupIndex::from_entries(entries);
    // An empty group base would take every user out of every managed group.
    let incomplete = index
        .is_empty()
        .then(|| format!("the group search under {base} ({filter}) found no groups"));
    GroupsRead { index, incomplete }
}

/// The warning for one reason the read is incomplete.
pub fn incomplete_warning(reason: &str) -> String {
    format!("incomplete directory read: {reason}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn group(dn: &str, members: &[&str]) -> RawEntry {
        let mut entry = RawEntry::new(dn);
        for member in members {
            entry.push("member", member.as_bytes());
        }
        entry
    }

    #[test]
    fn the_groups_found_are_indexed_with_their_nesting() {
        let groups = [
            group("cn=fx,ou=groups,dc=x", &["cn=comp,ou=groups,dc=x"]),
            group("cn=comp,ou=groups,dc=x", &["uid=ann,ou=people,dc=x"]),
        ];
        let read = index_groups(&groups, "ou=groups,dc=x", "(objectClass=groupOfNames)");
        assert_eq!(read.incomplete, None);
        assert_eq!(
            read.found(),
            ["cn=fx,ou=groups,dc=x", "cn=comp,ou=groups,dc=x"]
        );
        assert_eq!(
            read.index.groups_of("uid=ann,ou=people,dc=x", &[], &[]),
            ["cn=comp,ou=groups,dc=x", "cn=fx,ou=groups,dc=x"]
        );
    }

    #[test]
    fn a_search_that_finds_no_group_makes_the_read_incomplete() {
        let read = index_groups(&[], "ou=groups,dc=x", "(objectClass=groupOfNames)");
        let reason = read.incomplete.expect("incomplete");
        assert_eq!(
            reason,
            "the group search under ou=groups,dc=x ((objectClass=groupOfNames)) found no groups"
        );
        assert_eq!(
            incomplete_warning(&reason),
            format!("incomplete directory read: {reason}")
        );
    }
}
