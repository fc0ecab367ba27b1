//! What a server says about itself, for `init`: its root DSE, its schema, and the containers
//! below a naming context.

use super::connect::Connection;
use super::error::{DirectoryError, search_failure};
use ldap3::{Scope, SearchEntry};
use std::time::Duration;

/// An entry's attributes: each name with its text values.
pub type Attributes = Vec<(String, Vec<String>)>;

/// The root DSE's attributes, user and operational ones alike.
pub async fn read_root_dse(
    connection: &mut Connection,
    timeout: Duration,
) -> Result<Attributes, DirectoryError> {
    // Servers publish some root DSE attributes only when asked for by name.
    let wanted = vec![
        "*",
        "+",
        "namingContexts",
        "defaultNamingContext",
        "supportedCapabilities",
        "subschemaSubentry",
        "vendorName",
        "vendorVersion",
        "objectClass",
        "structuralObjectClass",
    ];
    Ok(
        read_base(connection, timeout, "", "(objectClass=*)", wanted)
            .await?
            .unwrap_or_default(),
    )
}

/// The `attributeTypes` and `objectClasses` of the subschema entry `dn`; empty when the
/// server does not let the bound account read it.
pub async fn read_schema(
    connection: &mut Connection,
    timeout: Duration,
    dn: &str,
) -> (Vec<String>, Vec<String>) {
    let wanted = vec!["attributeTypes", "objectClasses"];
    let read = read_base(connection, timeout, dn, "(objectClass=subschema)", wanted).await;
    let attributes = read.ok().flatten().unwrap_or_default();
    let values = |name: &str| {
        attributes
            .iter()
            .filter(|(key, _)| key.eq_ignore_ascii_case(name))
            .flat_map(|(_, values)| values.iter().cloned())
            .collect()
    };
    (values("attributeTypes"), values("objectClasses"))
}

/// The DNs of the entries directly below `base` whose RDN is one of `rdns` (such as
/// `ou=people`); none when `base` cannot be searched.
pub async fn find_children(
    connection: &mut Connection,
    timeout: Duration,
    base: &str,
    rdns: &[&str],
) -> Vec<String> {
    let filter = format!(
        "(|{})",
        rdns.iter()
            .map(|rdn| format!("({rdn})"))
            .collect::<String>()
    );
    let found = connection
        .ldap
        .with_timeout(timeout)
        .search(base, Scope::OneLevel, &filter, vec!["1.1"])
        .await
        .and_then(|result| result.success());
    match found {
        Ok((entries, _)) => entries
            .into_iter()
            .map(|entry| SearchEntry::construct(entry).dn)
            .collect(),
        Err(_) => Vec::new(),
    }
}

async fn read_base(
    connection: &mut Connection,
    timeout: Duration,
    base: &str,
    filter: &str,
    attributes: Vec<&str>,
) -> Result<Option<Attributes>, DirectoryError> {
    let answer = connection
        .ldap
        .with_timeout(timeout)
        .search(base, Scope::Base, filter, attributes)
        .await
        .map_err(|e| DirectoryError::Unreachable {
            uri: connection.uri.clone(),
            detail: e.to_string(),
        })?;
    let (entries, result) = (answer.0, answer.1);
    if result.rc != 0 {
        return Err(DirectoryError::Search {
            uri: connection.uri.clone(),
            base: if base.is_empty() {
                "the root DSE"
            } else {
                base
            }
            .to_string(),
            rc: result.rc,
            detail: search_failure(result.rc, &result.text),
        });
    }
    Ok(entries.into_iter().next().map(|entry| {
        let entry = SearchEntry::construct(entry);
        entry.attrs.into_iter().collect()
    }))
}
