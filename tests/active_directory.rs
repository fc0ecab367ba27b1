//! The LDAP source against a real Active Directory domain controller (Samba 4).

use crate::support::samba::{
    ADMIN_PASSWORD, ADMIN_UPN, BASE_DN, PEOPLE_DN, READER_DN, READER_PASSWORD, READER_UPN, SambaDc,
    UAC_ENABLED,
};

/// A user without a password, under OU=People.
fn ad_user(cn: &str, login: &str, extra: &str) -> String {
    format!(
        "dn: CN={cn},{PEOPLE_DN}\nobjectClass: user\nsAMAccountName: {login}\n\
         userPrincipalName: {login}@studio.test\nuserAccountControl: {UAC_ENABLED}\n{extra}\n"
    )
}

/// `ldapsearch` as `who`, over StartTLS, of one base entry; returns (exit code, output).
fn search_as(dc: &SambaDc, who: &str, password: &str, starttls: bool) -> (i32, String) {
    let mut search = dc.ldap_tool("ldapsearch");
    search.args(["-x", "-LLL", "-H"]).arg(dc.ldap_uri());
    if starttls {
        search.arg("-ZZ");
    }
    search.args(["-D", who, "-w", password, "-b", BASE_DN, "-s", "base", "dn"]);
    let out = search.output().unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out.status.code().unwrap_or(-1), text)
}

#[test]
fn the_dc_needs_tls_for_simple_binds_and_takes_dns_and_upns() {
    let dc = SambaDc::start(&ad_user("Ann Lee", "ann", ""));
    let (code, text) = search_as(&dc, READER_DN, READER_PASSWORD, false);
    assert_eq!(code, 8, "a simple bind without TLS is refused: {text}");
    assert!(text.contains("Transport encryption required"), "{text}");
    for who in [READER_DN, READER_UPN, ADMIN_UPN] {
        let password = if who == ADMIN_UPN {
            ADMIN_PASSWORD
        } else {
            READER_PASSWORD
        };
        let (code, text) = search_as(&dc, who, password, true);
        assert_eq!(code, 0, "{who}: {text}");
        assert!(text.contains(&format!("dn: {BASE_DN}")), "{text}");
    }
    let (code, text) = search_as(&dc, READER_UPN, "wrong", true);
    assert_eq!(code, 49, "{text}");
    let found = dc
        .ldap_tool("ldapsearch")
        .args(["-x", "-LLL", "-ZZ", "-H"])
        .arg(dc.ldap_uri())
        .args(["-D", READER_UPN, "-w", READER_PASSWORD, "-b", PEOPLE_DN])
        .args(["(sAMAccountName=ann)", "objectGUID", "userPrincipalName"])
        .output()
        .unwrap();
    let found = String::from_utf8_lossy(&found.stdout);
    assert!(found.contains("objectGUID:: "), "{found}");
    assert!(
        found.contains("userPrincipalName: ann@studio.test"),
        "{found}"
    );
}
