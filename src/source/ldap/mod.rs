//! The live directory: LDAP and Active Directory over TLS, read with paged searches.
//!
//! [`read_directory`] connects (trying each configured URI), binds, reads groups when a group
//! base is configured (following AD range retrieval and nesting), then reads users page by
//! page and maps each page as it arrives, so memory holds mapped users rather than raw entries.
//! Transient failures (unreachable, timeout, busy) are retried with backoff.

pub mod changes;
pub mod connect;
pub mod discover;
pub mod error;
pub mod groups;
pub mod mapper;
pub mod members;
pub mod search;
pub mod server;
pub mod settings;
pub mod tls;

use crate::incremental::store::WatermarkKey;
use crate::model::DirectorySnapshot;
use crate::source::entry::RawEntry;
use crate::source::group_search::{GroupsRead, incomplete_warning, index_groups};
use crate::source::mapping::identity_warning;
use crate::source::mapping_rules::Mapping;
use changes::{ChangeRequest, ChangeTracking, ChangesRead};
use connect::{Connection, connect};
use error::DirectoryError;
use groups::GroupIndex;
use jiff::civil::Date;
use ldap3::Scope;
use mapper::{Mapped, PageMapper};
use members::{MEMBER_ATTRIBUTES, chained_members, follow_ranges, member_attributes};
use search::{SearchOutcome, SearchRequest, paged_search, paged_search_raw};
use server::ServerKind;
use settings::{LdapSettings, NestedGroups};
use std::time::Duration;
use tls::{TlsSeen, Trust};

/// What a directory read has done so far, for progress displays.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadProgress {
    /// Bound to a server.
    Connected {
        /// The URI that answered.
        uri: String,
        /// `ldaps`, `StartTLS`, `none` or `local socket`.
        security: &'static str,
    },
    /// A page of groups arrived.
    Groups {
        /// Groups read so far.
        read: usize,
        /// Pages so far.
        pages: u32,
    },
    /// A page of users arrived.
    Users {
        /// Users read so far.
        read: usize,
        /// Pages so far.
        pages: u32,
    },
    /// A transient failure; the read starts again after `wait`.
    Retrying {
        /// The attempt about to start (2 for the first retry).
        attempt: u32,
        /// The pause before it.
        wait: Duration,
        /// What failed.
        reason: String,
    },
}

/// A completed directory read and how it was made.
#[derive(Debug, Clone)]
pub struct DirectoryRead {
    /// The mapped users; `complete` is false if any page or limit cut the read short.
    pub snapshot: DirectorySnapshot,
    /// Groups read by the group search (0 when groups come only from `memberOf`).
    pub groups: usize,
    /// The URI that answered.
    pub uri: String,
    /// How the connection was protected.
    pub security: &'static str,
    /// What the TLS handshake showed.
    pub tls: TlsSeen,
    /// What kind of server answered.
    pub kind: ServerKind,
    /// Where and what the next watermark is, when changes were asked for.
    pub changes: Option<ChangesRead>,
}

/// Reads and maps every user, retrying transient failures with exponential backoff.
pub async fn read_directory(
    settings: &LdapSettings,
    mapping: &Mapping,
    today: Date,
    progress: &mut dyn FnMut(ReadProgress),
) -> Result<DirectoryRead, DirectoryError> {
    read_directory_changes(settings, mapping, today, None, progress).await
}

/// Like [`read_directory`], but with `changes` reads only the users changed since the saved
/// watermark when it can be trusted (every user otherwise, saying why), and learns the next.
pub async fn read_directory_changes(
    settings: &LdapSettings,
    mapping: &Mapping,
    today: Date,
    changes: Option<&ChangeRequest>,
    progress: &mut dyn FnMut(ReadProgress),
) -> Result<DirectoryRead, DirectoryError> {
    let mut attempt = 1;
    loop {
        match read_once(settings, mapping, today, changes, progress).await {
            Err(error) if error.is_transient() && attempt < settings.attempts => {
                let wait = Duration::from_secs(1 << (attempt - 1).min(5));
                attempt += 1;
                progress(ReadProgress::Retrying {
                    attempt,
                    wait,
                    reason: error.to_string(),
                });
                tokio::time::sleep(wait).await;
            }
            result => return result,
        }
    }
}

/// One attempt: connects, reads groups (when a group base is set) and users, and gathers the
/// warnings of the read.
async fn read_once(
    settings: &LdapSettings,
    mapping: &Mapping,
    today: Date,
    changes: Option<&ChangeRequest>,
    progress: &mut dyn FnMut(ReadProgress),
) -> Result<DirectoryRead, DirectoryError> {
    let mut connection = connect(settings).await?;
    let mut tracking = match changes {
        Some(request) => {
            let key = WatermarkKey {
                uri: connection.uri.clone(),
                base: settings.user_base_dn.clone(),
            };
            let kind = connection.kind;
            Some(
                ChangeTracking::start(&mut connection.ldap, settings.timeout, kind, key, request)
                    .await,
            )
        }
        None => None,
    };
    tracing::info!(uri = %connection.uri, security = connection.security, "directory connected");
    progress(ReadProgress::Connected {
        uri: connection.uri.clone(),
        security: connection.security,
    });
    let mut warnings: Vec<String> = verification_warning(settings, &connection.uri)
        .into_iter()
        .collect();
    let mut incomplete = Vec::new();
    let groups: Option<GroupsRead> = match &settings.group_base_dn {
        Some(base) => {
            Some(read_groups(&mut connection, settings, base, &mut incomplete, progress).await?)
        }
        None => None,
    };
    let group_count = groups.as_ref().map_or(0, |g| g.index.len());
    let groups_found = groups.as_ref().map(GroupsRead::found);
    let (mapped, outcome) = read_users(
        &mut connection,
        settings,
        mapping,
        groups.as_ref().map(|g| &g.index),
        today,
        tracking.as_mut(),
        progress,
    )
    .await?;
    incomplete.extend(outcome.incomplete);
    warnings.extend(referral_warning(outcome.referrals, &settings.user_base_dn));
    warnings.extend(identity_warning(
        mapped.dn_identities,
        &mapping.id.attribute,
    ));
    let complete = incomplete.is_empty();
    let incomplete: Vec<String> = incomplete.iter().map(|r| incomplete_warning(r)).collect();
    warnings.extend(incomplete.iter().cloned());
    let _ = connection.ldap.unbind().await;
    let read = tracking
        .as_ref()
        .map_or_else(Default::default, |t| t.choice.scope());
    Ok(DirectoryRead {
        snapshot: DirectorySnapshot {
            users: mapped.users,
            complete,
            warnings,
            incomplete,
            groups_found,
            read,
        },
        groups: group_count,
        uri: connection.uri,
        security: connection.security,
        tls: connection.tls,
        kind: connection.kind,
        changes: tracking.map(ChangeTracking::finish),
    })
}

/// The warning that the server's certificate is not checked, when it is not.
fn verification_warning(settings: &LdapSettings, uri: &str) -> Option<String> {
    (settings.trust == Trust::NoVerification).then(|| {
        format!(
            "TLS certificate verification is OFF for {uri} ([ldap] tls_verify = false): the server is not authenticated, and anyone on the network path could read the bind password and the directory"
        )
    })
}

/// The warning that search references were left unfollowed, when there were any.
fn referral_warning(referrals: usize, base: &str) -> Option<String> {
    (referrals > 0).then(|| {
        format!(
            "{referrals} search references (referrals to other servers) under {base} were not followed"
        )
    })
}

/// Searches the users page by page, decoding and mapping each page while the server sends
/// the next.
async fn read_users(
    connection: &mut Connection,
    settings: &LdapSettings,
    mapping: &Mapping,
    index: Option<&GroupIndex>,
    today: Date,
    tracking: Option<&mut ChangeTracking>,
    progress: &mut dyn FnMut(ReadProgress),
) -> Result<(Mapped, SearchOutcome), DirectoryError> {
    let mut attributes = mapping.attributes();
    if settings.group_base_dn.is_some() {
        attributes.push("uid".to_string());
    }
    let filter = match &tracking {
        Some(tracking) => {
            attributes.extend(tracking.attributes().map(String::from));
            tracking.filter(&settings.user_filter)
        }
        None => settings.user_filter.clone(),
    };
    let request = SearchRequest {
        base: &settings.user_base_dn,
        scope: Scope::Subtree,
        filter: &filter,
        attributes: &attributes,
        page_size: settings.page_size,
        timeout: settings.timeout,
    };
    let mut mapper = PageMapper::new(mapping, index, today, tracking);
    let mut read = 0;
    let mut pages = 0;
    let mut outcome = paged_search_raw(connection, &request, &mut |page| {
        pages += 1;
        read += page.entries();
        mapper.map(page);
        progress(ReadProgress::Users { read, pages });
    })
    .await?;
    let (mapped, findings) = mapper.finish();
    findings.add_to(&mut outcome, request.base);
    Ok((mapped, outcome))
}

/// Searches the groups under `base` page by page, completes their members (ranges, or
/// nesting resolved by the server when so configured), and indexes them as an LDIF read does.
async fn read_groups(
    connection: &mut Connection,
    settings: &LdapSettings,
    base: &str,
    incomplete: &mut Vec<String>,
    progress: &mut dyn FnMut(ReadProgress),
) -> Result<GroupsRead, DirectoryError> {
    let by_server = settings.nested_groups == NestedGroups::Server;
    if by_server && connection.kind != ServerKind::ActiveDirectory {
        return Err(DirectoryError::Settings(format!(
            "[ldap] nested_groups = \"server\" needs Active Directory, and {} is not: set nested_groups = \"client\"",
            connection.uri
        )));
    }
    // "1.1" asks for no attributes: the server lists the members itself below.
    let attributes = match by_server {
        true => vec!["1.1".to_string()],
        false => member_attributes(connection.kind),
    };
    let request = SearchRequest {
        base,
        scope: Scope::Subtree,
        filter: &settings.group_filter,
        attributes: &attributes,
        page_size: settings.page_size,
        timeout: settings.timeout,
    };
    let mut entries: Vec<RawEntry> = Vec::new();
    let mut pages = 0;
    let outcome = paged_search(connection, &request, &mut |page| {
        pages += 1;
        entries.extend(page);
        progress(ReadProgress::Groups {
            read: entries.len(),
            pages,
        });
    })
    .await?;
    incomplete.extend(outcome.incomplete);
    for entry in &mut entries {
        if by_server {
            incomplete.extend(chained_members(connection, settings, entry).await?);
        } else {
            for attribute in MEMBER_ATTRIBUTES {
                if let Err(reason) = follow_ranges(connection, settings, entry, attribute).await {
                    incomplete.push(reason);
                }
            }
        }
    }
    let groups = index_groups(&entries, base, &settings.group_filter);
    incomplete.extend(groups.incomplete.clone());
    Ok(groups)
}

/// What `check` reports about the directory.
#[derive(Debug, Clone)]
pub struct Probe {
    /// The URI that answered.
    pub uri: String,
    /// How the connection was protected.
    pub security: &'static str,
    /// What the TLS handshake showed.
    pub tls: TlsSeen,
    /// What kind of server answered.
    pub kind: ServerKind,
    /// The server's "who am I" answer (`dn:...`), or the bind DN when it has none.
    pub identity: String,
    /// Entries the user filter matches under the user base.
    pub users: usize,
    /// Why that count may be short, when it may.
    pub incomplete: Option<String>,
    /// With a group base, the entries the group filter matches under it.
    pub groups: Option<usize>,
}

/// Connects, binds, asks who we are, and counts the users the filter matches (and the
/// groups, with a group base).
pub async fn probe(settings: &LdapSettings) -> Result<Probe, DirectoryError> {
    let mut connection = connect(settings).await?;
    let identity = match connection
        .ldap
        .with_timeout(settings.timeout)
        .extended(ldap3::exop::WhoAmI)
        .await
    {
        Ok(ldap3::result::ExopResult(exop, result)) if result.rc == 0 => exop
            .val
            .map(|v| String::from_utf8_lossy(&v).into_owned())
            .filter(|v| !v.is_empty())
            .unwrap_or_else(|| "anonymous".to_string()),
        _ => settings.identity(),
    };
    // "1.1" asks for no attributes: only the count matters.
    let no_attributes = vec!["1.1".to_string()];
    let request = SearchRequest {
        base: &settings.user_base_dn,
        scope: Scope::Subtree,
        filter: &settings.user_filter,
        attributes: &no_attributes,
        page_size: settings.page_size,
        timeout: settings.timeout,
    };
    let mut users = 0;
    let outcome = paged_search(&mut connection, &request, &mut |page| users += page.len()).await?;
    let groups = match &settings.group_base_dn {
        Some(base) => {
            let request = SearchRequest {
                base,
                filter: &settings.group_filter,
                ..request
            };
            let mut groups = 0;
            paged_search(&mut connection, &request, &mut |page| groups += page.len()).await?;
            Some(groups)
        }
        None => None,
    };
    let _ = connection.ldap.unbind().await;
    Ok(Probe {
        uri: connection.uri,
        security: connection.security,
        tls: connection.tls,
        kind: connection.kind,
        identity,
        users,
        incomplete: outcome.incomplete,
        groups,
    })
}
