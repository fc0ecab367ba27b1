//! Group membership from group entries: `member` (groupOfNames), `uniqueMember`
//! (groupOfUniqueNames) and `memberUid` (posixGroup), with nested groups resolved.
//!
//! A member of a subgroup counts as a member of every group above it. Nesting is resolved per
//! user, by walking up from the user's own groups, so memory stays linear in groups plus
//! memberships however deep the nesting goes (a group's ancestors are never stored). Cycles
//! (A in B in A) are harmless: each walk visits a group once.

use crate::dn::DnOrName;
use crate::ids::DirectoryGroup;
use crate::source::entry::RawEntry;
use foldhash::{HashMap, HashSet};

/// Attributes that list a group's members by DN.
pub const MEMBER_DN_ATTRIBUTES: [&str; 2] = ["member", "uniqueMember"];
/// The attribute that lists a posixGroup's members by login.
pub const MEMBER_UID_ATTRIBUTE: &str = "memberUid";

/// Every group read, and who is in each; nesting is followed when a user's groups are asked for.
#[derive(Debug, Default)]
pub struct GroupIndex {
    /// Group DN -> the group's number, its place in `names` and `parents`.
    numbers: HashMap<DnOrName, usize>,
    /// The groups' DNs as the server wrote them, by number.
    names: Vec<DirectoryGroup>,
    /// Member DN -> numbers of the groups that list it directly.
    parents_of_dn: HashMap<DnOrName, Vec<usize>>,
    /// Lowercased login -> numbers of the posixGroups that list it.
    parents_of_uid: HashMap<String, Vec<usize>>,
    /// Group number -> numbers of the groups that list it directly (filled by `resolve`).
    parents: Vec<Vec<usize>>,
}

impl GroupIndex {
    /// The index of these group entries with nesting resolved: what a group search gives,
    /// live or from an LDIF export.
    pub fn from_entries<'a>(groups: impl IntoIterator<Item = &'a RawEntry>) -> Self {
        let mut index = Self::default();
        for group in groups {
            index.add(group);
        }
        index.resolve();
        index
    }

    /// The DNs of the groups added, as the directory wrote them.
    pub fn dns(&self) -> &[DirectoryGroup] {
        &self.names
    }

    /// Adds one group entry (call `resolve` once all are added).
    pub fn add(&mut self, group: &RawEntry) {
        let number = self.number(&group.dn);
        for attribute in MEMBER_DN_ATTRIBUTES {
            for member in group.values(attribute) {
                if let Ok(member) = std::str::from_utf8(member) {
                    self.parents_of_dn
                        .entry(member_key(attribute, member))
                        .or_default()
                        .push(number);
                }
            }
        }
        for login in group.values(MEMBER_UID_ATTRIBUTE) {
            if let Ok(login) = std::str::from_utf8(login) {
                self.parents_of_uid
                    .entry(login.trim().to_lowercase())
                    .or_default()
                    .push(number);
            }
        }
    }

    /// The number of the group with this DN, given to it now when it is new. A group read twice
    /// keeps the DN as last written.
    fn number(&mut self, dn: &str) -> usize {
        let next = self.names.len();
        let number = *self.numbers.entry(DnOrName::read(dn)).or_insert(next);
        if number == next {
            self.names.push(DirectoryGroup::new(dn));
        } else {
            self.names[number] = DirectoryGroup::new(dn);
        }
        number
    }

    /// Number of groups added.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// True when no group was added.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// Links every group to the groups that list it, for `groups_of` to walk up.
    pub fn resolve(&mut self) {
        let mut parents = vec![Vec::new(); self.names.len()];
        for (key, &number) in &self.numbers {
            if let Some(listing) = self.parents_of_dn.get(key) {
                parents[number] = listing.clone();
            }
        }
        self.parents = parents;
    }

    /// The DNs of every group a user is in: listed by DN or login, directly or through subgroups,
    /// plus the groups named by the user's own `memberOf` values and their ancestors.
    pub fn groups_of(
        &self,
        user_dn: &str,
        logins: &[String],
        member_of: &[DirectoryGroup],
    ) -> Vec<DirectoryGroup> {
        let mut starts = self.direct_groups(user_dn, logins);
        let mut groups = Vec::new();
        let mut elsewhere = HashSet::default();
        for dn in member_of {
            let key = DnOrName::read(dn);
            match self.numbers.get(&key) {
                Some(&number) => starts.push(number),
                // A memberOf value naming a group outside the group search: kept as written.
                None => {
                    if elsewhere.insert(key) {
                        groups.push(dn.clone());
                    }
                }
            }
        }
        let above = self.walk_up(starts);
        groups.extend(above.into_iter().map(|number| self.names[number].clone()));
        groups.sort();
        groups.dedup();
        groups
    }

    /// Numbers of the groups that list the user directly, by DN or by login.
    fn direct_groups(&self, user_dn: &str, logins: &[String]) -> Vec<usize> {
        let mut direct = Vec::new();
        if let Some(parents) = self.parents_of_dn.get(&DnOrName::read(user_dn)) {
            direct.extend(parents);
        }
        for login in logins {
            if let Some(parents) = self.parents_of_uid.get(&login.trim().to_lowercase()) {
                direct.extend(parents);
            }
        }
        direct
    }

    /// The groups `starts` and every group above them, each once.
    fn walk_up(&self, starts: Vec<usize>) -> HashSet<usize> {
        let mut seen = HashSet::default();
        let mut pending = starts;
        while let Some(number) = pending.pop() {
            // `get`: a group added after the last `resolve` has no links yet.
            if seen.insert(number) {
                pending.extend(self.parents.get(number).into_iter().flatten());
            }
        }
        seen
    }
}

/// A member value as compared: `uniqueMember` values may end in a `#'0101'B` unique identifier.
fn member_key(attribute: &str, member: &str) -> DnOrName {
    match attribute {
        "uniqueMember" => DnOrName::read_unique_member(member),
        _ => DnOrName::read(member),
    }
}

/// Takes the values of a range-split attribute out of an entry (Active Directory answers a
/// large `member` as `member;range=0-1499`), with the first index of the next range to ask for:
/// `None` once the last range (`...-*`) has come, or when the entry holds no range at all.
pub fn take_range(entry: &mut RawEntry, attribute: &str) -> (Vec<Vec<u8>>, Option<u64>) {
    let prefix = format!("{};range=", attribute.to_ascii_lowercase());
    let ranged: Vec<String> = entry
        .attributes()
        .map(|(name, _)| name)
        .filter(|name| name.starts_with(&prefix))
        .map(str::to_string)
        .collect();
    let mut values = Vec::new();
    let mut next = None;
    for name in ranged {
        let end = name[prefix.len()..].split_once('-').map(|(_, end)| end);
        if let Some(end) = end.and_then(|end| end.parse::<u64>().ok()) {
            next = Some(end + 1);
        }
        values.extend(entry.take(&name).unwrap_or_default());
    }
    (values, next)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn group(dn: &str, members: &[&str], uids: &[&str]) -> RawEntry {
        let mut entry = RawEntry::new(dn);
        for m in members {
            entry.push("member", m.as_bytes());
        }
        for u in uids {
            entry.push("memberUid", u.as_bytes());
        }
        entry
    }

    #[test]
    fn member_dns_compare_as_dns() {
        let mut index = GroupIndex::default();
        let mut leads = group("CN=Leads, OU=Groups ,dc=x", &[], &[]);
        leads.push("uniqueMember", r"uid=ann,dc=x#'0101'B");
        index.add(&leads);
        let people = [
            r"cn=Smith\, John,ou=people,dc=x",
            r"CN = Smith\2C John, OU=People,DC=X",
            r"cn=R\+D Lead+uid=rd,ou=people,dc=x",
            r"cn=Zo\C3\AB \C3\86r\C3\B8,ou=people,dc=x",
        ];
        index.add(&group("cn=fx,dc=x", &people, &[]));
        index.add(&group(
            "cn=all,dc=x",
            &["cn=leads,ou=groups,dc=x", "CN=FX,DC=X"],
            &[],
        ));
        index.resolve();
        assert_eq!(index.len(), 3);
        let fx = ["cn=all,dc=x", "cn=fx,dc=x"];
        assert_eq!(
            index.groups_of(r"cn=smith\, john,ou=people,dc=x", &[], &[]),
            fx
        );
        // Without the escape the comma starts another RDN: another entry.
        assert!(
            index
                .groups_of("cn=Smith,cn=John,ou=people,dc=x", &[], &[])
                .is_empty()
        );
        assert_eq!(
            index.groups_of("uid=rd+cn=r\\+d lead,ou=people,dc=x", &[], &[]),
            fx
        );
        assert_eq!(index.groups_of("cn=zoë ærø,ou=people,dc=x", &[], &[]), fx);
        assert_eq!(
            index.groups_of("uid=ann,dc=x", &[], &[]),
            ["CN=Leads, OU=Groups ,dc=x", "cn=all,dc=x"]
        );
    }

    #[test]
    fn nesting_is_followed_through_cycles() {
        let mut index = GroupIndex::default();
        index.add(&group("cn=fx,dc=x", &["cn=comp,dc=x"], &[]));
        index.add(&group("cn=comp,dc=x", &["uid=ann,dc=x", "cn=fx,dc=x"], &[]));
        index.add(&group("cn=all,dc=x", &["cn=FX, dc=x"], &["bob"]));
        index.resolve();
        assert_eq!(
            index.groups_of("UID=ann,dc=x", &[], &[]),
            ["cn=all,dc=x", "cn=comp,dc=x", "cn=fx,dc=x"]
        );
        assert_eq!(
            index.groups_of("uid=bob,dc=x", &["Bob".into()], &[]),
            ["cn=all,dc=x"]
        );
        assert!(index.groups_of("uid=cy,dc=x", &[], &[]).is_empty());
        // memberOf values are expanded the same way, and unknown groups are kept as written.
        assert_eq!(
            index.groups_of(
                "uid=dee,dc=x",
                &[],
                &["cn=comp,dc=x".into(), "cn=elsewhere,dc=y".into()]
            ),
            [
                "cn=all,dc=x",
                "cn=comp,dc=x",
                "cn=elsewhere,dc=y",
                "cn=fx,dc=x"
            ]
        );
    }

    /// An index of groups `cn=gN,dc=x`, each listing the groups numbered beside it, and those
    /// in `ann_in` listing `uid=ann,dc=x` too.
    fn nested(listings: &[(usize, &[usize])], ann_in: &[usize]) -> GroupIndex {
        let mut index = GroupIndex::default();
        for (number, members) in listings {
            let mut entry = group(&format!("cn=g{number},dc=x"), &[], &[]);
            for member in *members {
                entry.push("member", format!("cn=g{member},dc=x"));
            }
            if ann_in.contains(number) {
                entry.push("member", "uid=ann,dc=x");
            }
            index.add(&entry);
        }
        index.resolve();
        index
    }

    /// The sorted DNs of the groups numbered.
    fn names(numbers: impl IntoIterator<Item = usize>) -> Vec<String> {
        let mut names: Vec<String> = numbers
            .into_iter()
            .map(|n| format!("cn=g{n},dc=x"))
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_long_chain_puts_its_bottom_member_in_every_group() {
        const LENGTH: usize = 10_000;
        let below: Vec<[usize; 1]> = (0..LENGTH).map(|n| [n.saturating_sub(1)]).collect();
        let listings: Vec<(usize, &[usize])> = (0..LENGTH)
            .map(|n| (n, if n == 0 { &[][..] } else { &below[n][..] }))
            .collect();
        let index = nested(&listings, &[0]);
        assert_eq!(index.groups_of("uid=ann,dc=x", &[], &[]), names(0..LENGTH));
        let from_the_middle = index.groups_of("uid=bob,dc=x", &[], &["cn=g5000,dc=x".into()]);
        assert_eq!(from_the_middle, names(5000..LENGTH));
    }

    #[test]
    fn a_cycle_is_walked_once_and_reaches_the_groups_above_it() {
        // g0 in g1 in g2 in g0, g2 also in g3, and g4 lists itself.
        let index = nested(
            &[(1, &[0]), (2, &[1]), (0, &[2]), (3, &[2]), (4, &[4])],
            &[1],
        );
        assert_eq!(index.groups_of("uid=ann,dc=x", &[], &[]), names(0..4));
        let own = index.groups_of("uid=bob,dc=x", &[], &["cn=g4,dc=x".into()]);
        assert_eq!(own, names([4]));
    }

    #[test]
    fn a_diamond_gives_each_group_once() {
        // g0 in g1 and in g2, both in g3; bob is in g1 by memberUid, g1 read a second time.
        let mut index = nested(&[(0, &[]), (1, &[0]), (2, &[0]), (3, &[1, 2])], &[0]);
        index.add(&group("cn=g1,dc=x", &[], &["bob"]));
        index.resolve();
        assert_eq!(index.groups_of("uid=ann,dc=x", &[], &[]), names(0..4));
        let bob = index.groups_of("uid=bob,dc=x", &["bob".into()], &["cn=g2,dc=x".into()]);
        assert_eq!(bob, names(1..4));
    }

    /// Ann's groups found the slow way: add any group that lists ann or a group already
    /// found, until no group is left to add. `lists[g][m]`: group g lists group m, or ann
    /// when m is the group count.
    fn groups_by_fixpoint(lists: &[Vec<bool>]) -> Vec<String> {
        let ann = lists.len();
        let mut found = vec![false; ann];
        let mut changed = true;
        while changed {
            changed = false;
            for (number, list) in lists.iter().enumerate() {
                let reaches = list[ann] || (0..ann).any(|m| list[m] && found[m]);
                if reaches && !found[number] {
                    found[number] = true;
                    changed = true;
                }
            }
        }
        names((0..ann).filter(|n| found[*n]))
    }

    /// Up to seven groups, each listing any of the groups and ann (the last column).
    fn any_nesting() -> impl proptest::strategy::Strategy<Value = Vec<Vec<bool>>> {
        use proptest::prelude::*;
        (1..8usize).prop_flat_map(|count| {
            proptest::collection::vec(proptest::collection::vec(any::<bool>(), count + 1), count)
        })
    }

    proptest::proptest! {
        #[test]
        fn any_nesting_gives_what_a_fixpoint_gives(lists in any_nesting()) {
            let ann = lists.len();
            let members: Vec<Vec<usize>> =
                lists.iter().map(|list| (0..ann).filter(|m| list[*m]).collect()).collect();
            let listings: Vec<(usize, &[usize])> =
                members.iter().enumerate().map(|(n, m)| (n, m.as_slice())).collect();
            let ann_in: Vec<usize> = (0..ann).filter(|g| lists[*g][ann]).collect();
            let index = nested(&listings, &ann_in);
            proptest::prop_assert_eq!(
                index.groups_of("uid=ann,dc=x", &[], &[]),
                groups_by_fixpoint(&lists)
            );
        }
    }

    #[test]
    fn ranges_are_taken_until_the_last_one() {
        let mut first = RawEntry::new("cn=big,dc=x");
        first.push("member;range=0-1", b"uid=a".to_vec());
        first.push("member;range=0-1", b"uid=b".to_vec());
        first.push("cn", b"big".to_vec());
        let (values, next) = take_range(&mut first, "member");
        assert_eq!((values.len(), next), (2, Some(2)));
        assert!(first.values("member;range=0-1").is_empty() && !first.values("cn").is_empty());
        let mut last = RawEntry::new("cn=big,dc=x");
        last.push("member;range=2-*", b"uid=c".to_vec());
        assert_eq!(
            take_range(&mut last, "member"),
            (vec![b"uid=c".to_vec()], None)
        );
        let mut plain = RawEntry::new("cn=small,dc=x");
        plain.push("member", b"uid=a".to_vec());
        assert_eq!(take_range(&mut plain, "member"), (Vec::new(), None));
    }
}
