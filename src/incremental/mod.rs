//! Incremental directory reads: whether a run may read only what changed since the last
//! successful one, and the watermark it leaves for the next. Pure: the clock and the server's
//! figures come in as values.
//!
//! A read of changes is made only when a trusted watermark exists for the server and base that
//! answered, the last full read is younger than `full_every`, and (Active Directory) the same
//! domain controller answers with a USN no lower than the saved one. Anything else reads all.

pub mod period;
pub mod store;
pub mod watermark;

use jiff::{SignedDuration, Timestamp};
pub use period::Period;
use serde::{Deserialize, Serialize};
use watermark::{
    ChangeMarker, LatestSeen, at_least, format_generalized, implausible_time, parse_generalized,
    parse_usn,
};

/// How far a time watermark may lie ahead of this machine's clock (server clock skew).
const FUTURE_TOLERANCE: SignedDuration = SignedDuration::from_hours(24);

/// What a successful run leaves for the next one, per server URI and base DN.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Watermark {
    /// The marker the value is of.
    pub marker: ChangeMarker,
    /// Generalized time (`20261202103000Z`) or a USN, as text so a damaged value reads as
    /// untrusted rather than as a damaged file.
    pub value: String,
    /// Active Directory: the domain controller the USN belongs to (its `dsServiceName` and
    /// invocation id); a USN means nothing on another one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server: Option<String>,
    /// When the last full read was made (UTC, RFC 3339): the schedule counts from it.
    pub last_full: String,
    /// A digest of the settings that decide what is read and planned (filters, mapping,
    /// groups, roles, policy, the tool's version): changed settings call for a full read.
    #[serde(default)]
    pub settings: String,
}

/// The configured rhythm of incremental reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    /// A full read at least this often.
    pub full_every: Period,
    /// Time watermarks are moved back by this much, for clock skew and same-second changes.
    pub overlap: Period,
}

/// What the root DSE of the server that answered says about its changes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServerView {
    /// Active Directory: `highestCommittedUSN` and the server's identity, read before the search.
    pub usn: Option<(u64, String)>,
}

/// How this run reads the directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadChoice {
    /// Every entry, and why.
    Full {
        /// Why the read cannot be incremental.
        why: String,
    },
    /// Only entries changed since the watermark.
    Changed {
        /// The marker compared.
        marker: ChangeMarker,
        /// The filter ANDed with the user filter.
        filter: String,
        /// The watermark in words, overlap included.
        since: String,
    },
}

impl ReadChoice {
    /// The time markers the read must also ask for, to learn the next watermark.
    pub fn marker_attributes(&self, view: &ServerView) -> Vec<ChangeMarker> {
        match self {
            _ if view.usn.is_some() => Vec::new(),
            Self::Changed { marker, .. } => vec![*marker],
            Self::Full { .. } => vec![ChangeMarker::ModifyTimestamp, ChangeMarker::WhenChanged],
        }
    }

    /// The read scope a snapshot made this way carries.
    pub fn scope(&self) -> crate::model::ReadScope {
        match self {
            Self::Full { why } => crate::model::ReadScope::Full {
                why: Some(why.clone()),
            },
            Self::Changed { marker, since, .. } => crate::model::ReadScope::Changed {
                marker: marker.to_string(),
                since: since.clone(),
            },
        }
    }
}

/// Decides between a read of changes and a full read; `settings` is the digest of today's
/// settings (see [`Watermark::settings`]).
pub fn choose(
    saved: Option<&Watermark>,
    view: &ServerView,
    now: Timestamp,
    schedule: Schedule,
    settings: &str,
) -> ReadChoice {
    let full = |why: String| ReadChoice::Full { why };
    let Some(saved) = saved else {
        return full("no watermark saved for this server and base yet".to_string());
    };
    if saved.settings != settings {
        return full(
            "the settings that shape the read or the plan changed since the watermark was saved"
                .to_string(),
        );
    }
    match parse_time(&saved.last_full) {
        Err(why) => return full(format!("the time of the last full read is unusable: {why}")),
        Ok(last) => {
            if let Some(why) = implausible_time(last, now + FUTURE_TOLERANCE) {
                return full(format!("the time of the last full read is unusable: {why}"));
            }
            if now.duration_since(last) >= schedule.full_every.signed() {
                return full(format!(
                    "the last full read was at {last}; full_every = \"{}\"",
                    schedule.full_every
                ));
            }
        }
    }
    match saved.marker {
        ChangeMarker::UsnChanged => choose_usn(saved, view),
        marker => choose_time(saved, marker, now, schedule.overlap),
    }
}

fn choose_usn(saved: &Watermark, view: &ServerView) -> ReadChoice {
    let full = |why: String| ReadChoice::Full { why };
    let usn = match parse_usn(&saved.value) {
        Ok(usn) => usn,
        Err(why) => return full(format!("the saved watermark is unusable: {why}")),
    };
    let Some((highest, identity)) = &view.usn else {
        return full("the watermark is a USN, but the server shows no highestCommittedUSN".into());
    };
    if saved.server.as_deref() != Some(identity.as_str()) {
        return full(format!(
            "another domain controller answered ({identity}; the watermark is from {})",
            saved.server.as_deref().unwrap_or("an unnamed one")
        ));
    }
    if *highest < usn {
        return full(format!(
            "the server's highestCommittedUSN {highest} is lower than the watermark {usn} (restored from a backup?)"
        ));
    }
    let next = usn.saturating_add(1);
    ReadChoice::Changed {
        marker: ChangeMarker::UsnChanged,
        filter: at_least(ChangeMarker::UsnChanged, &next.to_string()),
        since: format!("USN {usn}"),
    }
}

fn choose_time(
    saved: &Watermark,
    marker: ChangeMarker,
    now: Timestamp,
    overlap: Period,
) -> ReadChoice {
    let full = |why: String| ReadChoice::Full { why };
    let mark = match parse_generalized(&saved.value) {
        Ok(mark) => mark,
        Err(why) => return full(format!("the saved watermark is unusable: {why}")),
    };
    if let Some(why) = implausible_time(mark, now + FUTURE_TOLERANCE) {
        return full(format!("the saved watermark is unusable: {why}"));
    }
    let from = mark - overlap.signed();
    let value = format_generalized(from);
    ReadChoice::Changed {
        marker,
        filter: at_least(marker, &value),
        since: format!("{} ({mark} less the overlap of {overlap})", stamp(from)),
    }
}

/// What the read itself saw that the next watermark is made from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Observed {
    /// Active Directory: `highestCommittedUSN` read before the search, and the server identity.
    pub usn: Option<(u64, String)>,
    /// The latest time markers the entries carried.
    pub latest: LatestSeen,
}

/// The watermark a read leaves once its run succeeds, or `None` when the server offers no
/// change marker (every `--changed` run then reads all, and says why).
pub fn next_watermark(
    choice: &ReadChoice,
    saved: Option<&Watermark>,
    observed: &Observed,
    now: Timestamp,
    settings: &str,
) -> Option<Watermark> {
    let last_full = match (choice, saved) {
        (ReadChoice::Changed { .. }, Some(saved)) => saved.last_full.clone(),
        _ => stamp(now),
    };
    if let Some((usn, server)) = &observed.usn {
        return Some(Watermark {
            marker: ChangeMarker::UsnChanged,
            value: usn.to_string(),
            server: Some(server.clone()),
            last_full,
            settings: settings.to_string(),
        });
    }
    let kept = match (choice, saved) {
        (ReadChoice::Changed { marker, .. }, Some(saved)) => parse_generalized(&saved.value)
            .ok()
            .map(|time| (*marker, time)),
        _ => None,
    };
    let seen = match choice {
        ReadChoice::Changed { marker, .. } => match marker {
            ChangeMarker::ModifyTimestamp => observed.latest.modify_timestamp,
            _ => observed.latest.when_changed,
        }
        .map(|time| (*marker, time)),
        ReadChoice::Full { .. } => observed.latest.best(),
    };
    // Never backwards: a read of changes that saw nothing newer keeps the saved mark.
    let (marker, time) = match (kept, seen) {
        (Some(kept), Some(seen)) => (seen.0, kept.1.max(seen.1)),
        (kept, seen) => seen.or(kept)?,
    };
    Some(Watermark {
        marker,
        value: format_generalized(time),
        server: None,
        last_full,
        settings: settings.to_string(),
    })
}

/// A time as RFC 3339 UTC to the second.
fn stamp(time: Timestamp) -> String {
    let second = Timestamp::from_second(time.as_second()).unwrap_or(time);
    second.to_string()
}

fn parse_time(text: &str) -> Result<Timestamp, String> {
    text.parse::<Timestamp>()
        .map_err(|_| format!("{text:?} is not an RFC 3339 time"))
}

#[cfg(test)]
mod tests;
