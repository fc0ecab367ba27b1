//! Which entries a subtree search under a base DN takes: the base entry and every entry below
//! it. An LDIF read selects its users and groups with it, as the live searches do on the server.
//!
//! DNs are compared as RFC 4514 reads them (see [`Dn`]); a comma escaped in a value never
//! separates RDNs.

use crate::dn::Dn;

/// The entries a subtree search under one base takes, the base read once for every entry
/// it is asked about (a large export asks 100,000 times).
#[derive(Debug, Clone)]
pub struct Subtree {
    /// The base; `None` when the base is not a DN, which holds nothing.
    base: Option<Dn>,
}

impl Subtree {
    /// The subtree under `base`; an empty base is the root, which holds every entry.
    pub fn new(base: &str) -> Self {
        let base = if base.trim().is_empty() {
            Some(Dn::root())
        } else {
            Dn::parse(base).ok()
        };
        Self { base }
    }

    /// True when `dn` is the base or lies below it. A DN that cannot be read as one is within
    /// nothing but the root.
    pub fn holds(&self, dn: &str) -> bool {
        match &self.base {
            Some(base) if base.is_root() => true,
            Some(base) => Dn::parse(dn).is_ok_and(|dn| dn.is_within(base)),
            None => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn is_within(dn: &str, base: &str) -> bool {
        Subtree::new(base).holds(dn)
    }

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
    fn a_base_that_is_not_a_dn_holds_nothing() {
        assert!(!is_within("uid=ann,dc=x", "not a dn"));
    }

    #[test]
    fn an_empty_base_is_the_root_and_holds_everything() {
        assert!(is_within("uid=ann,dc=x", ""));
        assert!(is_within("uid=ann,dc=x", "  "));
        assert!(!is_within("", "dc=x"));
    }
}
