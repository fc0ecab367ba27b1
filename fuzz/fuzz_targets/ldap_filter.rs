//! LDAP filters (`ldap.user_filter`, `--ldap-filter`) on arbitrary text: the parser, its
//! documented round trip (printing a parsed filter and parsing it again gives the same
//! filter), and the offline evaluation against directory entries.
#![no_main]

use fixtures::{demo, text};
use ldap2ftrack::source::entry::RawEntry;
use ldap2ftrack::source::filter::Filter;
use ldap2ftrack::source::offline::user_filter;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

/// Entries with what the demo lacks: options, binary values, integers and an escaped DN.
fn odd_entries() -> &'static [RawEntry] {
    static ENTRIES: OnceLock<Vec<RawEntry>> = OnceLock::new();
    ENTRIES.get_or_init(|| {
        let mut odd = RawEntry::new(r#"cn=J\2c Doe+uid=jdoe,ou="a,b",dc=example;dc=com"#);
        odd.push("objectClass", "user");
        odd.push("cn;lang-de", "Jürgen  Doe ");
        odd.push("userAccountControl", "-2147483646");
        odd.push("objectGUID;binary", [0xff, 0x00, 0x28, 0x2a]);
        odd.push("memberOf", "CN=FX,OU=Groups,DC=example");
        vec![odd, RawEntry::new("")]
    })
}

fuzz_target!(|data: &[u8]| {
    let Some(text) = text(data) else { return };
    let filter = match text.parse::<Filter>() {
        Ok(filter) => filter,
        Err(e) => {
            let chars = text.chars().count();
            assert!(
                e.position <= chars,
                "{text:?}: position {} of {chars}",
                e.position
            );
            return;
        }
    };
    let printed = filter.to_string();
    assert_eq!(
        printed.parse::<Filter>().as_ref(),
        Ok(&filter),
        "{text:?} printed as {printed:?}"
    );
    let _ = filter.attributes();
    let narrowed = user_filter("(objectClass=inetOrgPerson)", Some(text));
    assert!(narrowed.is_ok(), "{narrowed:?}");
    for entry in demo().entries.iter().chain(odd_entries()) {
        if let Err(e) = filter.matches(entry) {
            let chars = printed.chars().count();
            assert!(
                e.position <= chars,
                "{printed:?}: position {} of {chars}",
                e.position
            );
        }
    }
});
