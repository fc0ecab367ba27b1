//! `plan --ldif FILE` on arbitrary bytes: the LDIF reader (whole and in chunks), the user filter, the mapping of
//! entries to users, and the planner against the demo's ftrack users, whose invariants hold
//! for any directory (each entry planned once, each ftrack user at most once, the summary
//! counts the items).
#![no_main]

use fixtures::demo;
use ldap2ftrack::demo_data::TODAY;
use ldap2ftrack::reconcile::plan::Summary;
use ldap2ftrack::reconcile::{Scope, compute_plan};
use ldap2ftrack::source::entry::RawEntry;
use ldap2ftrack::source::ldif::{LdifError, parse_ldif, split_records};
use ldap2ftrack::source::mapping::map_entries;
use ldap2ftrack::source::offline::{LdifSelection, read_entries, user_filter};
use libfuzzer_sys::fuzz_target;
use std::collections::HashSet;

/// The input parsed in chunks of whole records, as large exports are: entries, or the error
/// message with its line.
fn in_chunks(data: &[u8]) -> Result<Vec<RawEntry>, String> {
    let mut entries = Vec::new();
    for chunk in split_records(data, 3, 0) {
        for record in chunk.records("fuzz.ldif") {
            entries.push(record.map_err(|e| e.to_string())?);
        }
    }
    Ok(entries)
}

fuzz_target!(|data: &[u8]| {
    let whole = parse_ldif("fuzz.ldif", data);
    assert_eq!(
        in_chunks(data),
        whole.as_ref().map(Vec::clone).map_err(|e| e.to_string()),
        "chunks parse as the whole input"
    );
    let entries = match whole {
        Ok(entries) => entries,
        Err(LdifError::Syntax { line, .. }) => {
            let lines = data.split(|&b| b == b'\n').count();
            assert!((1..=lines).contains(&line), "line {line} of {lines}");
            return;
        }
        Err(e) => panic!("parsing bytes in memory cannot fail to read: {e}"),
    };
    let demo = demo();
    let filter = user_filter(&demo.config.ldap.user_filter, None).expect("the demo filter parses");
    // The reader's own selection and mapping of what the filter keeps.
    let selection = LdifSelection {
        user_base_dn: None,
        user_filter: filter,
        groups: None,
    };
    let _ = read_entries(entries.clone(), &selection, &demo.config.mapping, TODAY);
    // Every entry is mapped, whether or not the filter keeps it, so the mapping sees them all.
    let directory = map_entries(&entries, &demo.config.mapping, TODAY);
    let plan = compute_plan(
        &directory,
        &demo.ftrack,
        &demo.links,
        &demo.policy,
        &Scope::default(),
    );
    let planned = plan.items.iter().filter(|i| i.directory.is_some()).count();
    assert_eq!(
        planned,
        directory.users.len(),
        "every entry is planned once"
    );
    let mut seen = HashSet::new();
    for user in plan.items.iter().filter_map(|i| i.ftrack.as_ref()) {
        assert!(
            seen.insert(&user.id),
            "ftrack user {} appears twice",
            user.id
        );
    }
    assert_eq!(plan.summary, Summary::count(&plan.items));
});
