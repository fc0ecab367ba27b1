use super::*;

fn root(attributes: &[(&str, &[&str])]) -> RootDse {
    RootDse::new(
        attributes
            .iter()
            .map(|(name, values)| (*name, values.iter().map(|v| v.to_string()).collect())),
    )
}

const AD_CONTEXTS: [&str; 5] = [
    "DC=studio,DC=example",
    "CN=Configuration,DC=studio,DC=example",
    "CN=Schema,CN=Configuration,DC=studio,DC=example",
    "DC=DomainDnsZones,DC=studio,DC=example",
    "DC=ForestDnsZones,DC=studio,DC=example",
];

#[test]
fn active_directory_and_samba_are_told_by_capability_and_vendor() {
    let windows = root(&[
        (
            "supportedCapabilities",
            &["1.2.840.113556.1.4.800", "1.2.840.113556.1.4.1670"],
        ),
        ("namingContexts", &AD_CONTEXTS),
        ("defaultNamingContext", &["DC=studio,DC=example"]),
    ]);
    assert_eq!(detect(&windows), DirectoryKind::ActiveDirectory);
    assert_eq!(
        user_contexts(DirectoryKind::ActiveDirectory, &windows),
        ["DC=studio,DC=example"]
    );
    let samba = root(&[
        ("supportedcapabilities", &["1.2.840.113556.1.4.800"]),
        ("vendorName", &["Samba Team (https://www.samba.org)"]),
    ]);
    assert_eq!(detect(&samba), DirectoryKind::Samba);
    let lds = root(&[("supportedCapabilities", &["1.2.840.113556.1.4.1851"])]);
    assert_eq!(detect(&lds), DirectoryKind::ActiveDirectory);
    assert!(DirectoryKind::Samba.is_active_directory());
}

#[test]
fn openldap_is_told_by_its_root_dse_class_and_keeps_its_data_contexts() {
    let slapd = root(&[
        ("objectClass", &["top", "OpenLDAProotDSE"]),
        (
            "namingContexts",
            &["dc=studio,dc=test", "cn=config", "dc=archive,dc=test"],
        ),
    ]);
    assert_eq!(detect(&slapd), DirectoryKind::OpenLdap);
    assert_eq!(
        user_contexts(DirectoryKind::OpenLdap, &slapd),
        ["dc=studio,dc=test", "dc=archive,dc=test"]
    );
    let by_structural = root(&[("structuralObjectClass", &["OpenLDAProotDSE"])]);
    assert_eq!(detect(&by_structural), DirectoryKind::OpenLdap);
}

#[test]
fn a_389_server_is_freeipa_when_it_holds_the_ipa_ca_tree() {
    let ds = root(&[
        ("vendorName", &["389 Project"]),
        ("vendorVersion", &["389-Directory/2.3.1 B2023.1"]),
        (
            "namingContexts",
            &["dc=studio,dc=example", "cn=changelog", "o=netscaperoot"],
        ),
    ]);
    assert_eq!(detect(&ds), DirectoryKind::Ds389);
    assert_eq!(
        user_contexts(DirectoryKind::Ds389, &ds),
        ["dc=studio,dc=example"]
    );
    let ipa = root(&[
        ("vendorName", &["389 Project"]),
        (
            "namingContexts",
            &["cn=changelog", "dc=ipa,dc=example", "o=ipaca"],
        ),
        ("defaultNamingContext", &["dc=ipa,dc=example"]),
    ]);
    assert_eq!(detect(&ipa), DirectoryKind::FreeIpa);
    assert_eq!(
        user_contexts(DirectoryKind::FreeIpa, &ipa),
        ["dc=ipa,dc=example"]
    );
    let rhds = root(&[("vendorName", &["Red Hat, Inc."])]);
    assert_eq!(detect(&rhds), DirectoryKind::Ds389);
}

#[test]
fn a_server_that_says_nothing_is_other_and_offers_no_context() {
    let silent = RootDse::default();
    assert_eq!(detect(&silent), DirectoryKind::Other);
    assert!(user_contexts(DirectoryKind::Other, &silent).is_empty());
    // Not AD: AD's context names are no reason to drop a context elsewhere.
    let odd = root(&[("namingContexts", &["cn=schema,o=studio"])]);
    assert_eq!(
        user_contexts(DirectoryKind::Other, &odd),
        ["cn=schema,o=studio"]
    );
}

#[test]
fn schema_names_are_read_from_every_form_of_name() {
    let types = [
        "( 2.5.4.3 NAME ( 'cn' 'commonName' ) DESC 'RFC4519: common name(s)' SUP name )",
        "( 1.3.6.1.4.1.42.2.27.8.1.17 NAME 'pwdAccountLockedTime' DESC 'The time an user account was locked' EQUALITY generalizedTimeMatch NO-USER-MODIFICATION USAGE directoryOperation )",
        "( 1.2.3 NAME 'nameless' DESC 'a DESC naming NAME inside' )",
        "(1.2.4 NAME 'tight')",
    ];
    let classes =
        ["( 2.16.840.1.113730.3.2.2 NAME 'inetOrgPerson' SUP organizationalPerson STRUCTURAL )"];
    let schema = SchemaNames::from_definitions(&types, &classes);
    for name in [
        "cn",
        "commonname",
        "pwdAccountLockedTime",
        "nameless",
        "tight",
    ] {
        assert!(schema.has_attribute(name), "{name}: {schema:?}");
    }
    assert!(!schema.has_attribute("inside"));
    assert!(schema.has_class("inetorgperson"));
    assert!(!schema.has_class("cn"));
    assert!(SchemaNames::default().is_empty());
    // A definition without a name, or cut short, names nothing.
    assert!(
        SchemaNames::from_definitions(&["( 1.2.5 )", "( 1.2.6 NAME"], &[])
            .attributes
            .is_empty()
    );
}
