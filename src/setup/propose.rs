//! The settings `init` proposes for a kind of directory server; pure.

use super::detect::{DirectoryKind, SchemaNames};
use crate::source::mapping_rules::StatusRule;

/// Active Directory's people, without the built-in accounts (Administrator, Guest, krbtgt
/// are critical system objects) and without computers (which are `objectClass=user` too).
const AD_USER_FILTER: &str =
    "(&(objectCategory=person)(objectClass=user)(!(isCriticalSystemObject=TRUE)))";
/// The group classes of OpenLDAP and 389-ds trees.
const LDAP_GROUP_FILTER: &str =
    "(|(objectClass=groupOfNames)(objectClass=groupOfUniqueNames)(objectClass=posixGroup))";
/// Containers whose name says they hold people, the most telling first.
const PEOPLE_CONTAINERS: [&str; 4] = ["ou=people", "ou=users", "ou=staff", "ou=employees"];
/// Containers whose name says they hold groups.
const GROUP_CONTAINERS: [&str; 2] = ["ou=groups", "ou=group"];

/// What `init` learnt of the directory before proposing.
#[derive(Debug, Clone)]
pub struct Facts {
    /// The kind of server.
    pub kind: DirectoryKind,
    /// The naming context chosen to hold the users.
    pub naming_context: String,
    /// The server's schema (empty when it could not be read).
    pub schema: SchemaNames,
    /// The DNs of the entries directly below the naming context (and of FreeIPA's
    /// `cn=users,cn=accounts` and `cn=groups,cn=accounts` when present).
    pub containers: Vec<String>,
}

/// A proposed setting and why it was chosen (written as a comment above it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice<T> {
    /// The value.
    pub value: T,
    /// Why, in a sentence for the config file.
    pub why: String,
}

impl<T> Choice<T> {
    fn new(value: T, why: impl Into<String>) -> Self {
        Self {
            value,
            why: why.into(),
        }
    }
}

/// The directory settings proposed for one server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proposal {
    /// Where users are searched.
    pub user_base_dn: Choice<String>,
    /// Which entries are users.
    pub user_filter: Choice<String>,
    /// Where groups are searched (none: groups come from the users' `memberOf` alone).
    pub group_base_dn: Choice<Option<String>>,
    /// Which entries are groups.
    pub group_filter: String,
    /// The identity attribute that survives renames.
    pub id: Choice<String>,
    /// The attribute giving the ftrack username.
    pub username: Choice<String>,
    /// The attribute giving the full name.
    pub display_name: String,
    /// How disabled accounts are told.
    pub active: Choice<Vec<StatusRule>>,
    /// Entries per page.
    pub page_size: Choice<u32>,
}

/// Proposes the directory settings for what was learnt of the server.
pub fn propose(facts: &Facts) -> Proposal {
    let ad = facts.kind.is_active_directory();
    Proposal {
        user_base_dn: user_base(facts),
        user_filter: user_filter(facts),
        group_base_dn: group_base(facts),
        group_filter: if ad {
            "(objectClass=group)".to_string()
        } else {
            LDAP_GROUP_FILTER.to_string()
        },
        id: identity(facts),
        username: if ad {
            Choice::new(
                "sAMAccountName".to_string(),
                "The logon name (sAMAccountName) becomes the ftrack username.",
            )
        } else {
            Choice::new(
                "uid".to_string(),
                "The login (uid) becomes the ftrack username.",
            )
        },
        display_name: if ad { "displayName" } else { "cn" }.to_string(),
        active: active_rules(facts),
        page_size: if ad {
            Choice::new(
                1000,
                "Active Directory sends at most 1,000 entries a page (MaxPageSize).",
            )
        } else {
            Choice::new(500, "Entries per page of the paged search.")
        },
    }
}

/// A container directly below the naming context (or at `path` below it) whose first RDN is
/// one of `names`, in the order of `names`.
fn container(facts: &Facts, names: &[&str], path: &str) -> Option<String> {
    let context = facts.naming_context.to_ascii_lowercase();
    names.iter().find_map(|name| {
        let wanted = format!("{name},{path}{context}");
        facts
            .containers
            .iter()
            .find(|dn| dn.to_ascii_lowercase().replace(", ", ",") == wanted)
            .cloned()
    })
}

fn user_base(facts: &Facts) -> Choice<String> {
    if facts.kind == DirectoryKind::FreeIpa
        && let Some(users) = container(facts, &["cn=users"], "cn=accounts,")
    {
        return Choice::new(users, "FreeIPA keeps its users in cn=users,cn=accounts.");
    }
    match container(facts, &PEOPLE_CONTAINERS, "") {
        Some(people) => Choice::new(
            people,
            "The container below the naming context that holds people.",
        ),
        None => Choice::new(
            facts.naming_context.clone(),
            "The whole naming context: no people container (ou=people, ou=users) was found; narrow it to where your people live.",
        ),
    }
}

fn group_base(facts: &Facts) -> Choice<Option<String>> {
    let found = match facts.kind {
        DirectoryKind::FreeIpa => container(facts, &["cn=groups"], "cn=accounts,"),
        _ => container(facts, &GROUP_CONTAINERS, ""),
    };
    match found {
        Some(groups) => Choice::new(
            Some(groups),
            "Groups are read from here, so a managed group that disappears is noticed (nobody is removed from its ftrack group then).",
        ),
        None => Choice::new(
            None,
            "No groups container was found: groups come from the users' memberOf alone.",
        ),
    }
}

fn user_filter(facts: &Facts) -> Choice<String> {
    let schema = &facts.schema;
    if facts.kind.is_active_directory() {
        return Choice::new(
            AD_USER_FILTER.to_string(),
            "People only: not computers (objectClass=user too) and not the built-in accounts (Administrator, Guest, krbtgt are critical system objects).",
        );
    }
    if schema.is_empty() || schema.has_class("inetOrgPerson") {
        return Choice::new(
            "(objectClass=inetOrgPerson)".to_string(),
            "People are inetOrgPerson entries.",
        );
    }
    if schema.has_class("posixAccount") {
        return Choice::new(
            "(objectClass=posixAccount)".to_string(),
            "The schema has no inetOrgPerson: people are POSIX accounts.",
        );
    }
    Choice::new(
        "(objectClass=person)".to_string(),
        "The schema has neither inetOrgPerson nor posixAccount: people are person entries.",
    )
}

fn identity(facts: &Facts) -> Choice<String> {
    let schema = &facts.schema;
    let choice = |attribute: &str, why: &str| Choice::new(attribute.to_string(), why);
    match facts.kind {
        DirectoryKind::ActiveDirectory | DirectoryKind::Samba => choice(
            "objectGUID",
            "objectGUID never changes, even when a user is renamed or moved.",
        ),
        DirectoryKind::Ds389 | DirectoryKind::FreeIpa => choice(
            "nsUniqueId",
            "389 Directory Server gives every entry an nsUniqueId that survives renames.",
        ),
        _ if schema.is_empty() || schema.has_attribute("entryUUID") => choice(
            "entryUUID",
            "entryUUID (RFC 4530) never changes, even when an entry is renamed or moved.",
        ),
        _ if schema.has_attribute("nsUniqueId") => choice(
            "nsUniqueId",
            "The server has no entryUUID; its nsUniqueId survives renames.",
        ),
        _ => choice(
            "entryUUID",
            "The schema shows no entryUUID: check that entries carry it, or name another attribute that never changes.",
        ),
    }
}

fn active_rules(facts: &Facts) -> Choice<Vec<StatusRule>> {
    use StatusRule::{
        AccountExpires, NsAccountLock, PwdAccountLockedTime, ShadowExpire, UserAccountControl,
    };
    match facts.kind {
        DirectoryKind::ActiveDirectory | DirectoryKind::Samba => Choice::new(
            vec![UserAccountControl, AccountExpires],
            "Active Directory: userAccountControl (bit 2, ACCOUNTDISABLE) and a past accountExpires decide who is disabled.",
        ),
        DirectoryKind::Ds389 | DirectoryKind::FreeIpa => Choice::new(
            vec![NsAccountLock],
            "389 Directory Server locks accounts with nsAccountLock: TRUE.",
        ),
        _ => {
            let present: Vec<StatusRule> = [PwdAccountLockedTime, NsAccountLock, ShadowExpire]
                .into_iter()
                .filter(|rule| facts.schema.has_attribute(rule.attribute()))
                .collect();
            if present.is_empty() {
                Choice::new(
                    Vec::new(),
                    "The schema defines none of pwdAccountLockedTime, nsAccountLock, shadowExpire: every entry the filter matches counts as active (exclude leavers in user_filter).",
                )
            } else {
                let names: Vec<&str> = present.iter().map(|r| r.attribute()).collect();
                let why = format!(
                    "The schema defines {}: an entry locked or expired by them is disabled.",
                    names.join(", ")
                );
                Choice::new(present, why)
            }
        }
    }
}

#[cfg(test)]
#[path = "tests/propose.rs"]
mod tests;
