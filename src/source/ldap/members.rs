//! A group's members as the server gives them: Active Directory's ranges, followed window by
//! window, and nesting resolved by the server with `LDAP_MATCHING_RULE_IN_CHAIN`.

use super::connect::Connection;
use super::error::DirectoryError;
use super::groups::{MEMBER_DN_ATTRIBUTES, MEMBER_UID_ATTRIBUTE, take_range};
use super::search::{SearchRequest, paged_search};
use super::server::ServerKind;
use super::settings::LdapSettings;
use crate::source::entry::RawEntry;
use crate::source::filter::escape_value;
use ldap3::Scope;

/// The first window of a ranged `member` request: Active Directory's default MaxValRange.
/// The server may answer with fewer values; the next window is as wide as its answer.
const FIRST_WINDOW: u64 = 1500;

/// Active Directory's rule that matches through nested groups (LDAP_MATCHING_RULE_IN_CHAIN).
pub const IN_CHAIN_RULE: &str = "1.2.840.113556.1.4.1941";

/// The member attributes a group search asks for. Active Directory is asked for the first
/// window of `member` explicitly, so a large group comes in ranges on every AD server
/// (Samba returns a plain `member` whole, Windows splits it at MaxValRange), and for the
/// `memberUid` of groups with Unix attributes (RFC 2307).
pub fn member_attributes(kind: ServerKind) -> Vec<String> {
    match kind {
        ServerKind::ActiveDirectory => vec![
            format!("member;range=0-{}", FIRST_WINDOW - 1),
            MEMBER_UID_ATTRIBUTE.to_string(),
        ],
        ServerKind::Ldap => MEMBER_ATTRIBUTES.map(String::from).to_vec(),
    }
}

/// Every attribute that lists a group's members; a server may split any of them into ranges.
pub const MEMBER_ATTRIBUTES: [&str; 3] = [
    MEMBER_DN_ATTRIBUTES[0],
    MEMBER_DN_ATTRIBUTES[1],
    MEMBER_UID_ATTRIBUTE,
];

/// Completes an attribute the server split into ranges, asking for each next window in turn
/// (as wide as the server's last answer) until a range ends with `*` or no values remain.
pub async fn follow_ranges(
    connection: &mut Connection,
    settings: &LdapSettings,
    entry: &mut RawEntry,
    attribute: &str,
) -> Result<(), String> {
    let (mut values, mut next) = take_range(entry, attribute);
    let mut width = (values.len() as u64).max(1);
    while let Some(start) = next {
        let mut part =
            read_window(connection, settings, &entry.dn, attribute, start, width).await?;
        let (part_values, part_next) = take_range(&mut part, attribute);
        // A server whose ranges do not move forward would be asked forever.
        let stalled = part_values.is_empty() || part_next.is_some_and(|n| n <= start);
        if stalled && part_next.is_some() {
            return Err(format!(
                "the server's ranges for {attribute} of {} do not advance",
                entry.dn
            ));
        }
        width = (part_values.len() as u64).max(1);
        values.extend(part_values);
        next = part_next;
    }
    if !values.is_empty() {
        entry.extend(attribute, values);
    }
    Ok(())
}

/// The group's entry holding the values `start` to `start + width - 1` of `attribute`.
async fn read_window(
    connection: &mut Connection,
    settings: &LdapSettings,
    dn: &str,
    attribute: &str,
    start: u64,
    width: u64,
) -> Result<RawEntry, String> {
    let wanted = vec![format!("{attribute};range={start}-{}", start + width - 1)];
    let request = SearchRequest {
        base: dn,
        scope: Scope::Base,
        filter: "(objectClass=*)",
        attributes: &wanted,
        page_size: settings.page_size,
        timeout: settings.timeout,
    };
    let mut found = Vec::new();
    paged_search(connection, &request, &mut |page| found.extend(page))
        .await
        .map_err(|e| format!("the members of {dn} from {start} on could not be read: {e}"))?;
    found
        .pop()
        .ok_or_else(|| format!("the group {dn} vanished while its members were read"))
}

/// Gives a group entry the users the server finds in it, nested groups included
/// (`memberOf` with the in-chain rule, under the user base and filter), as `member` values.
/// Returns why the list may be short, when it may.
pub async fn chained_members(
    connection: &mut Connection,
    settings: &LdapSettings,
    group: &mut RawEntry,
) -> Result<Option<String>, DirectoryError> {
    let users = settings.user_filter.trim();
    let users = if users.starts_with('(') {
        users.to_string()
    } else {
        format!("({users})")
    };
    let filter = format!(
        "(&{users}(memberOf:{IN_CHAIN_RULE}:={}))",
        escape_value(group.dn.as_bytes())
    );
    // "1.1" asks for no attributes: the DNs are all that is needed.
    let no_attributes = vec!["1.1".to_string()];
    let request = SearchRequest {
        base: &settings.user_base_dn,
        scope: Scope::Subtree,
        filter: &filter,
        attributes: &no_attributes,
        page_size: settings.page_size,
        timeout: settings.timeout,
    };
    let mut members = Vec::new();
    let outcome = paged_search(connection, &request, &mut |page| {
        members.extend(page.into_iter().map(|user| user.dn.into_bytes()))
    })
    .await?;
    group.set("member", members);
    Ok(outcome
        .incomplete
        .map(|reason| format!("the members of {}: {reason}", group.dn)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn active_directory_is_asked_for_member_ranges_and_unix_members() {
        assert_eq!(
            member_attributes(ServerKind::ActiveDirectory),
            ["member;range=0-1499", "memberUid"]
        );
        assert_eq!(
            member_attributes(ServerKind::Ldap),
            ["member", "uniqueMember", "memberUid"]
        );
    }
}
