//! Group membership from group entries: `member` (groupOfNames), `uniqueMember`
//! (groupOfUniqueNames) and `memberUid` (posixGroup), with nested groups resolved.
//!
//! A member of a subgroup counts as a member of every group above it. Cycles (A in B in A) are
//! harmless: each group's ancestors are collected once with a visited set.

use crate::source::entry::RawEntry;
use std::collections::{BTreeSet, HashMap};

/// Attributes that list a group's members by DN.
pub const MEMBER_DN_ATTRIBUTES: [&str; 2] = ["member", "uniqueMember"];
/// The attribute that lists a posixGroup's members by login.
pub const MEMBER_UID_ATTRIBUTE: &str = "memberUid";

/// A DN in a form that compares loosely: lowercased, no spaces around `,` and `=`, and for
/// `uniqueMember` without the optional `#'0101'B` unique-identifier suffix.
pub fn dn_key(dn: &str) -> String {
    let dn = match dn.rfind("#'") {
        Some(hash) if dn.ends_with("'B") => &dn[..hash],
        _ => dn,
    };
    let mut key = String::with_capacity(dn.len());
    for part in dn.split(',') {
        if !key.is_empty() {
            key.push(',');
        }
        let part = part.trim();
        match part.split_once('=') {
            Some((name, value)) => {
                key.push_str(&name.trim().to_lowercase());
                key.push('=');
                key.push_str(&value.trim().to_lowercase());
            }
            None => key.push_str(&part.to_lowercase()),
        }
    }
    key
}

/// Every group read, and who is in each, with nesting resolved.
#[derive(Debug, Default)]
pub struct GroupIndex {
    /// Group DN key -> the group's DN as the server wrote it.
    names: HashMap<String, String>,
    /// Member DN key -> keys of the groups that list it directly.
    parents_of_dn: HashMap<String, Vec<String>>,
    /// Lowercased login -> keys of the posixGroups that list it.
    parents_of_uid: HashMap<String, Vec<String>>,
    /// Group key -> the group and every group above it (filled by `resolve`).
    ancestors: HashMap<String, BTreeSet<String>>,
}

impl GroupIndex {
    /// Adds one group entry (call `resolve` once all are added).
    pub fn add(&mut self, group: &RawEntry) {
        let key = dn_key(&group.dn);
        self.names.insert(key.clone(), group.dn.clone());
        for attribute in MEMBER_DN_ATTRIBUTES {
            for member in group.values(attribute) {
                if let Ok(member) = std::str::from_utf8(member) {
                    self.parents_of_dn
                        .entry(dn_key(member))
                        .or_default()
                        .push(key.clone());
                }
            }
        }
        for login in group.values(MEMBER_UID_ATTRIBUTE) {
            if let Ok(login) = std::str::from_utf8(login) {
                self.parents_of_uid
                    .entry(login.trim().to_lowercase())
                    .or_default()
                    .push(key.clone());
            }
        }
    }

    /// Number of groups added.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// True when no group was added.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// Computes every group's ancestors, following nesting through any depth and past cycles.
    pub fn resolve(&mut self) {
        let mut ancestors = HashMap::with_capacity(self.names.len());
        for group in self.names.keys() {
            let mut seen = BTreeSet::new();
            let mut pending = vec![group.clone()];
            while let Some(next) = pending.pop() {
                if !seen.insert(next.clone()) {
                    continue;
                }
                if let Some(parents) = self.parents_of_dn.get(&next) {
                    pending.extend(parents.iter().filter(|p| !seen.contains(*p)).cloned());
                }
            }
            ancestors.insert(group.clone(), seen);
        }
        self.ancestors = ancestors;
    }

    /// The DNs of every group a user is in: listed by DN or login, directly or through subgroups,
    /// plus the groups named by the user's own `memberOf` values and their ancestors.
    pub fn groups_of(&self, user_dn: &str, logins: &[String], member_of: &[String]) -> Vec<String> {
        let mut direct: Vec<&String> = Vec::new();
        if let Some(parents) = self.parents_of_dn.get(&dn_key(user_dn)) {
            direct.extend(parents);
        }
        for login in logins {
            if let Some(parents) = self.parents_of_uid.get(&login.trim().to_lowercase()) {
                direct.extend(parents);
            }
        }
        let member_of: Vec<(String, &String)> =
            member_of.iter().map(|dn| (dn_key(dn), dn)).collect();
        let mut keys: BTreeSet<&String> = BTreeSet::new();
        for group in direct
            .into_iter()
            .chain(member_of.iter().map(|(key, _)| key))
        {
            match self.ancestors.get(group) {
                Some(all) => keys.extend(all),
                None => {
                    keys.insert(group);
                }
            }
        }
        let mut groups: Vec<String> = Vec::with_capacity(keys.len());
        for key in keys {
            match self.names.get(key) {
                Some(name) => groups.push(name.clone()),
                // A memberOf value naming a group outside the group search: kept as written.
                None => {
                    if let Some((_, original)) = member_of.iter().find(|(k, _)| k == key) {
                        groups.push((*original).clone());
                    }
                }
            }
        }
        groups.sort();
        groups.dedup();
        groups
    }
}

/// Takes the values of a range-split attribute out of an entry (Active Directory answers a
/// large `member` as `member;range=0-1499`), with the first index of the next range to ask for:
/// `None` once the last range (`...-*`) has come, or when the entry holds no range at all.
pub fn take_range(entry: &mut RawEntry, attribute: &str) -> (Vec<Vec<u8>>, Option<u64>) {
    let prefix = format!("{};range=", attribute.to_ascii_lowercase());
    let ranged: Vec<String> = entry
        .attrs
        .keys()
        .filter(|name| name.starts_with(&prefix))
        .cloned()
        .collect();
    let mut values = Vec::new();
    let mut next = None;
    for name in ranged {
        let end = name[prefix.len()..].split_once('-').map(|(_, end)| end);
        if let Some(end) = end.and_then(|end| end.parse::<u64>().ok()) {
            next = Some(end + 1);
        }
        values.extend(entry.attrs.remove(&name).unwrap_or_default());
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
    fn dn_keys_compare_loosely() {
        assert_eq!(dn_key("CN=FX, OU=Groups ,dc=x"), "cn=fx,ou=groups,dc=x");
        assert_eq!(dn_key("uid=ann,dc=x#'0101'B"), "uid=ann,dc=x");
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
