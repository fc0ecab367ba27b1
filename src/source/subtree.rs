//! Which entries a subtree search under a base DN takes: the base entry and every entry below
//! it. An LDIF read selects its users and groups with it, as the live searches do on the server.
//!
//! RDNs are compared as [`dn_key`] compares DNs (attribute types and values without case,
//! spacing around `,` and `=` ignored); a comma escaped in a value never separates RDNs.

use super::ldap::groups::dn_key;

/// True when `dn` is `base` or lies below it. An empty base is the root: it holds every entry.
pub fn is_within(dn: &str, base: &str) -> bool {
    let base = rdns(base);
    let dn = rdns(dn);
    let Some(start) = dn.len().checked_sub(base.len()) else {
        return false;
    };
    dn[start..]
        .iter()
        .zip(&base)
        .all(|(ours, theirs)| dn_key(ours) == dn_key(theirs))
}

/// The RDNs of a DN, first to last, split at the commas that are not escaped (`\,`); an empty
/// or blank DN has none.
fn rdns(dn: &str) -> Vec<&str> {
    if dn.trim().is_empty() {
        return Vec::new();
    }
    let mut parts = Vec::new();
    let mut start = 0;
    let mut escaped = false;
    for (at, c) in dn.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            ',' => {
                parts.push(&dn[start..at]);
                start = at + 1;
            }
            _ => {}
        }
    }
    parts.push(&dn[start..]);
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_base_and_everything_below_it_are_within() {
        let base = "ou=People,dc=studio,dc=test";
        for dn in [
            "ou=people,dc=studio,dc=test",
            "uid=ann,ou=people,dc=studio,dc=test",
            "UID=Ann , OU=PEOPLE,DC=Studio, dc = test",
            "cn=x,ou=contractors,ou=people,dc=studio,dc=test",
            "cn=Doe\\, Jane,ou=people,dc=studio,dc=test",
        ] {
            assert!(is_within(dn, base), "{dn}");
        }
    }

    #[test]
    fn entries_beside_above_or_merely_ending_alike_are_not() {
        let base = "ou=people,dc=studio,dc=test";
        for dn in [
            "dc=studio,dc=test",
            "ou=groups,dc=studio,dc=test",
            "uid=ann,ou=otherpeople,dc=studio,dc=test",
            "uid=ann,ou=people,dc=studio,dc=test,dc=org",
            // One RDN whose value holds an escaped comma, directly under dc=studio.
            "cn=x\\,ou=people,dc=studio,dc=test",
        ] {
            assert!(!is_within(dn, base), "{dn}");
        }
    }

    #[test]
    fn an_empty_base_is_the_root_and_holds_everything() {
        assert!(is_within("uid=ann,dc=x", ""));
        assert!(is_within("uid=ann,dc=x", "  "));
        assert!(!is_within("", "dc=x"));
    }

    #[test]
    fn commas_split_rdns_unless_escaped() {
        assert_eq!(rdns("cn=a\\,b,dc=x"), ["cn=a\\,b", "dc=x"]);
        assert_eq!(rdns("cn=a\\\\,dc=x"), ["cn=a\\\\", "dc=x"]);
        assert!(rdns("").is_empty());
    }
}
