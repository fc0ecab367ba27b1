//! What an incremental read needs from the server: Active Directory's highest committed USN and
//! the identity of the domain controller (read from the root DSE before the search, so changes
//! made during the search are seen by the next run), and the change markers entries carry.

use super::server::ServerKind;
use crate::incremental::store::{WatermarkKey, Watermarks};
use crate::incremental::watermark::{ChangeMarker, LatestSeen};
use crate::incremental::{
    Observed, ReadChoice, Schedule, ServerView, Watermark, choose, next_watermark,
};
use crate::source::entry::RawEntry;
use jiff::Timestamp;
use ldap3::{Ldap, Scope, SearchEntry};
use std::fmt::Write;
use std::time::Duration;

/// A request to read only what changed since the saved watermark, when that can be trusted.
#[derive(Debug, Clone)]
pub struct ChangeRequest {
    /// The watermarks saved by earlier successful runs.
    pub saved: Watermarks,
    /// How often a full read is due, and the overlap.
    pub schedule: Schedule,
    /// The time of this run (this machine's clock).
    pub now: Timestamp,
    /// The digest of the settings that shape the read and the plan.
    pub settings: String,
}

/// What an incremental-capable read found out: where to keep the next watermark, and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangesRead {
    /// The server URI and base the watermark belongs to.
    pub key: WatermarkKey,
    /// The watermark to save once the run succeeds; `None` when the server offers no marker.
    pub next: Option<Watermark>,
}

/// One read's use of a [`ChangeRequest`]: the choice made, and what the entries showed.
pub struct ChangeTracking {
    key: WatermarkKey,
    saved: Option<Watermark>,
    view: ServerView,
    now: Timestamp,
    settings: String,
    /// Full read or changes only, and why.
    pub choice: ReadChoice,
    markers: Vec<ChangeMarker>,
    latest: LatestSeen,
}

impl ChangeTracking {
    /// Reads what the server says of its changes and decides how to read.
    pub async fn start(
        ldap: &mut Ldap,
        timeout: Duration,
        kind: ServerKind,
        key: WatermarkKey,
        request: &ChangeRequest,
    ) -> Self {
        let view = match kind {
            ServerKind::ActiveDirectory => active_directory_view(ldap, timeout).await,
            ServerKind::Ldap => ServerView::default(),
        };
        let saved = request.saved.get(&key).cloned();
        let choice = choose(
            saved.as_ref(),
            &view,
            request.now,
            request.schedule,
            &request.settings,
        );
        let markers = choice.marker_attributes(&view);
        Self {
            key,
            saved,
            view,
            now: request.now,
            settings: request.settings.clone(),
            choice,
            markers,
            latest: LatestSeen::default(),
        }
    }

    /// The user filter, narrowed to the changed entries when only those are read.
    pub fn filter(&self, user_filter: &str) -> String {
        match &self.choice {
            ReadChoice::Full { .. } => user_filter.to_string(),
            ReadChoice::Changed { filter, .. } => {
                let user_filter = user_filter.trim();
                if user_filter.starts_with('(') {
                    format!("(&{user_filter}{filter})")
                } else {
                    format!("(&({user_filter}){filter})")
                }
            }
        }
    }

    /// The marker attributes the read must ask for besides the mapped ones.
    pub fn attributes(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.markers.iter().map(|m| m.attribute())
    }

    /// Notes the change markers of a page of entries.
    pub fn observe(&mut self, page: &[RawEntry]) {
        for entry in page {
            for &marker in &self.markers {
                for value in entry.values(marker.attribute()) {
                    self.latest.observe(marker, &String::from_utf8_lossy(value));
                }
            }
        }
    }

    /// Where and what the next watermark is, once the read is over.
    pub fn finish(self) -> ChangesRead {
        let observed = Observed {
            usn: self.view.usn.clone(),
            latest: self.latest,
        };
        ChangesRead {
            next: next_watermark(
                &self.choice,
                self.saved.as_ref(),
                &observed,
                self.now,
                &self.settings,
            ),
            key: self.key,
        }
    }
}

/// The root DSE's `highestCommittedUSN`, with `dsServiceName` and the invocation id of the
/// server it names as the identity; nothing when they cannot be read.
async fn active_directory_view(ldap: &mut Ldap, timeout: Duration) -> ServerView {
    let root = read_base(
        ldap,
        timeout,
        "",
        vec!["highestCommittedUSN", "dsServiceName"],
    )
    .await;
    let Some(root) = root else {
        return ServerView::default();
    };
    let first = |entry: &SearchEntry, name: &str| {
        entry
            .attrs
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .and_then(|(_, v)| v.first().cloned())
    };
    let (Some(usn), Some(service)) = (
        first(&root, "highestCommittedUSN").and_then(|u| u.trim().parse::<u64>().ok()),
        first(&root, "dsServiceName"),
    ) else {
        return ServerView::default();
    };
    let invocation = read_base(ldap, timeout, &service, vec!["invocationId"])
        .await
        .and_then(|entry| {
            let binary = entry
                .bin_attrs
                .into_iter()
                .flat_map(|(k, v)| v.into_iter().map(move |v| (k.clone(), v)));
            // A GUID whose bytes happen to be UTF-8 arrives among the text values.
            let text = entry
                .attrs
                .into_iter()
                .flat_map(|(k, v)| v.into_iter().map(move |v| (k.clone(), v.into_bytes())));
            binary
                .chain(text)
                .find(|(k, _)| k.eq_ignore_ascii_case("invocationId"))
                .map(|(_, bytes)| hex(&bytes))
        });
    let identity = match invocation {
        Some(id) => format!("{service} (invocation {id})"),
        None => service,
    };
    ServerView {
        usn: Some((usn, identity)),
    }
}

async fn read_base(
    ldap: &mut Ldap,
    timeout: Duration,
    base: &str,
    attributes: Vec<&str>,
) -> Option<SearchEntry> {
    let (entries, _) = ldap
        .with_timeout(timeout)
        .search(base, Scope::Base, "(objectClass=*)", attributes)
        .await
        .and_then(|result| result.success())
        .ok()?;
    entries.into_iter().next().map(SearchEntry::construct)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().fold(String::new(), |mut out, b| {
        let _ = write!(out, "{b:02x}");
        out
    })
}
