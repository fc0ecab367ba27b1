//! DNs from a directory on arbitrary text, one a line (a user's DN, then group DNs): DN
//! parsing (printing and parsing again gives the same DN; a DN is within its parent), the DNs
//! and plain names that resolve group membership (`member`, `uniqueMember`, `memberOf`, nested
//! groups), the managed-groups table that maps DNs to ftrack groups, the DN components that
//! `:dn:` filters test, and the DN used as identity when an entry has no id attribute.
#![no_main]

use fixtures::{demo, text};
use ldap2ftrack::demo_data::TODAY;
use ldap2ftrack::dn::{Dn, DnOrName};
use ldap2ftrack::reconcile::diff::GroupMapper;
use ldap2ftrack::source::entry::RawEntry;
use ldap2ftrack::source::filter::Filter;
use ldap2ftrack::source::ldap::groups::GroupIndex;
use ldap2ftrack::source::mapping::map_entry;
use ldap2ftrack::source::mapping_rules::Mapping;
use libfuzzer_sys::fuzz_target;
use std::collections::BTreeMap;
use std::sync::OnceLock;

fn dn_filters() -> &'static [Filter] {
    static FILTERS: OnceLock<Vec<Filter>> = OnceLock::new();
    FILTERS.get_or_init(|| {
        [
            "(ou:dn:=people)",
            "(dc:dn:=example)",
            "(cn:dn:=a b)",
            "(:dn:caseExactMatch:=x)",
        ]
        .iter()
        .map(|f| f.parse().expect("the DN filters parse"))
        .collect()
    })
}

fuzz_target!(|data: &[u8]| {
    let Some(text) = text(data) else { return };
    let mut lines = text.split('\n');
    let user_dn = lines.next().unwrap_or_default();
    let group_dns: Vec<&str> = lines.take(16).collect();

    let mut user = RawEntry::new(user_dn);
    user.push("objectClass", "inetOrgPerson");
    user.push("uid", "jdoe");
    let mut index = GroupIndex::default();
    for (k, group_dn) in group_dns.iter().enumerate() {
        user.push("memberOf", group_dn.as_bytes());
        let mut group = RawEntry::new(*group_dn);
        if k == 0 {
            group.push("member", user_dn.as_bytes());
            group.push("uniqueMember", format!("{user_dn}#'0101'B"));
        } else {
            group.push("member", group_dns[k - 1].as_bytes());
        }
        index.add(&group);
    }
    index.resolve();
    let memberships = index.groups_of(user_dn, &["jdoe".to_string()], &[]);
    if let Some(first) = group_dns.first() {
        assert!(
            memberships
                .iter()
                .any(|g| DnOrName::read(g) == DnOrName::read(first)),
            "{user_dn:?} is a member of {first:?}: {memberships:?}"
        );
    }
    for text in std::iter::once(&user_dn).chain(&group_dns) {
        if let Ok(dn) = Dn::parse(text) {
            let printed = dn.to_string();
            assert_eq!(
                Dn::parse(&printed).as_ref(),
                Ok(&dn),
                "{text:?} printed {printed:?}"
            );
            assert!(dn.parent().is_none_or(|parent| dn.is_within(&parent)));
        }
    }
    let _ = index.groups_of(
        user_dn,
        &[],
        &group_dns
            .iter()
            .map(|g| ldap2ftrack::ids::DirectoryGroup::new(g.to_string()))
            .collect::<Vec<_>>(),
    );

    let managed: BTreeMap<String, String> = group_dns
        .iter()
        .filter(|dn| !dn.trim().is_empty())
        .enumerate()
        .map(|(k, dn)| (dn.to_string(), format!("G{k}")))
        .collect();
    let mapper = GroupMapper::new(&managed);
    for dn in managed.keys() {
        assert!(mapper.target(dn).is_some(), "the managed group {dn:?} maps");
    }
    let demo_mapper = GroupMapper::new(&demo().config.groups.managed);
    for dn in std::iter::once(&user_dn).chain(&group_dns) {
        let _ = demo_mapper.target(dn);
    }

    for filter in dn_filters() {
        let _ = filter.matches(&user);
    }
    let mut nameless = RawEntry::new(user_dn);
    nameless.push("objectClass", "inetOrgPerson");
    let mapped = map_entry(&nameless, &Mapping::default(), TODAY);
    assert_eq!(mapped.dn, user_dn);
    let _ = map_entry(&user, &demo().config.mapping, TODAY);
});
