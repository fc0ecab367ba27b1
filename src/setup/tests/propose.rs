use super::*;
use crate::source::mapping_rules::StatusRule;

fn facts(kind: DirectoryKind, context: &str, containers: &[&str], schema: SchemaNames) -> Facts {
    Facts {
        kind,
        naming_context: context.to_string(),
        schema,
        containers: containers.iter().map(|c| c.to_string()).collect(),
    }
}

fn schema(attributes: &[&str], classes: &[&str]) -> SchemaNames {
    SchemaNames {
        attributes: attributes.iter().map(|a| a.to_ascii_lowercase()).collect(),
        classes: classes.iter().map(|c| c.to_ascii_lowercase()).collect(),
    }
}

#[test]
fn active_directory_gets_its_identity_logon_name_and_status_rules() {
    let proposal = propose(&facts(
        DirectoryKind::Samba,
        "DC=studio,DC=test",
        &["OU=People,DC=studio,DC=test", "OU=Groups,DC=studio,DC=test"],
        SchemaNames::default(),
    ));
    assert_eq!(proposal.user_base_dn.value, "OU=People,DC=studio,DC=test");
    assert_eq!(
        proposal.group_base_dn.value.as_deref(),
        Some("OU=Groups,DC=studio,DC=test")
    );
    assert!(
        proposal
            .user_filter
            .value
            .contains("(objectCategory=person)")
    );
    assert!(
        proposal
            .user_filter
            .value
            .contains("(!(isCriticalSystemObject=TRUE))")
    );
    assert_eq!(proposal.group_filter, "(objectClass=group)");
    assert_eq!(proposal.id.value, "objectGUID");
    assert_eq!(proposal.username.value, "sAMAccountName");
    assert_eq!(proposal.display_name, "displayName");
    assert_eq!(
        proposal.active.value,
        [StatusRule::UserAccountControl, StatusRule::AccountExpires]
    );
    assert!(
        proposal
            .active
            .why
            .starts_with("Active Directory: userAccountControl")
    );
    assert_eq!(proposal.page_size.value, 1000);
}

#[test]
fn without_a_people_container_the_whole_context_is_proposed_and_said_so() {
    let proposal = propose(&facts(
        DirectoryKind::ActiveDirectory,
        "DC=studio,DC=test",
        &[],
        SchemaNames::default(),
    ));
    assert_eq!(proposal.user_base_dn.value, "DC=studio,DC=test");
    assert!(proposal.user_base_dn.why.contains("narrow it"));
    assert_eq!(proposal.group_base_dn.value, None);
}

#[test]
fn openldap_rules_follow_its_schema() {
    let full = schema(
        &[
            "entryUUID",
            "pwdAccountLockedTime",
            "shadowExpire",
            "nsAccountLock",
        ],
        &["inetOrgPerson", "posixAccount"],
    );
    let context = "dc=studio,dc=test";
    let found = [
        "ou=People,dc=studio,dc=test",
        "ou=users,dc=studio,dc=test",
        "ou=groups,dc=studio,dc=test",
    ];
    let proposal = propose(&facts(DirectoryKind::OpenLdap, context, &found, full));
    // ou=people is preferred to ou=users, and its case is kept.
    assert_eq!(proposal.user_base_dn.value, "ou=People,dc=studio,dc=test");
    assert_eq!(proposal.user_filter.value, "(objectClass=inetOrgPerson)");
    assert_eq!(proposal.id.value, "entryUUID");
    assert_eq!(proposal.username.value, "uid");
    assert_eq!(
        proposal.active.value,
        [
            StatusRule::PwdAccountLockedTime,
            StatusRule::NsAccountLock,
            StatusRule::ShadowExpire
        ]
    );

    let bare = schema(&["nsUniqueId"], &["posixAccount"]);
    let proposal = propose(&facts(DirectoryKind::Other, context, &[], bare));
    assert_eq!(proposal.user_filter.value, "(objectClass=posixAccount)");
    assert_eq!(proposal.id.value, "nsUniqueId");
    assert!(proposal.active.value.is_empty());
    assert!(
        proposal
            .active
            .why
            .contains("every entry the filter matches counts as active")
    );
}

#[test]
fn a_container_must_sit_directly_below_the_context() {
    let deeper = [
        "ou=people,ou=site2,dc=studio,dc=test",
        "ou=people,dc=other,dc=test",
    ];
    let proposal = propose(&facts(
        DirectoryKind::OpenLdap,
        "dc=studio,dc=test",
        &deeper,
        SchemaNames::default(),
    ));
    assert_eq!(proposal.user_base_dn.value, "dc=studio,dc=test");
}

#[test]
fn the_389_family_uses_nsuniqueid_and_nsaccountlock_and_freeipa_its_accounts_tree() {
    let context = "dc=ipa,dc=example";
    let found = [
        "cn=accounts,dc=ipa,dc=example",
        "cn=users,cn=accounts,dc=ipa,dc=example",
        "cn=groups,cn=accounts,dc=ipa,dc=example",
    ];
    let ipa = propose(&facts(
        DirectoryKind::FreeIpa,
        context,
        &found,
        SchemaNames::default(),
    ));
    assert_eq!(
        ipa.user_base_dn.value,
        "cn=users,cn=accounts,dc=ipa,dc=example"
    );
    assert_eq!(
        ipa.group_base_dn.value.as_deref(),
        Some("cn=groups,cn=accounts,dc=ipa,dc=example")
    );
    assert_eq!(ipa.id.value, "nsUniqueId");
    assert_eq!(ipa.active.value, [StatusRule::NsAccountLock]);
    let ds = propose(&facts(
        DirectoryKind::Ds389,
        context,
        &["ou=people,dc=ipa,dc=example"],
        SchemaNames::default(),
    ));
    assert_eq!(ds.user_base_dn.value, "ou=people,dc=ipa,dc=example");
    assert_eq!(ds.active.value, [StatusRule::NsAccountLock]);
}
