//! The audit log: append-only JSON Lines, readable only by its owner (mode 0600).
//!
//! One `run_start` and one `run_end` event per run; before each batch is sent, a `batch_intent`
//! event naming the users it changes, flushed to disk; after it, one `change` event per
//! applied, failed or stale change. Each has the time (UTC, RFC 3339), the run and who made it.
//! A last line cut short (a full disk, a crash) is repaired when the log is next opened.
//! Secrets never reach this file: events are built from plan items and run facts, which hold
//! none.

use crate::apply::outcome::{ItemOutcome, ItemStatus, Outcome, RunInfo, RunMode};
use crate::apply::preflight::value_text;
use crate::clock::Clock;
use crate::reconcile::custom::CustomChange;
use crate::reconcile::plan::{Plan, PlanItem, Summary};
use serde::Serialize;
use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::{FileExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// An audit log that cannot be opened or written.
#[derive(Debug, thiserror::Error)]
#[error(
    "audit log {path}: {source}; check the path and its permissions (--audit-log or the state directory)"
)]
pub struct AuditError {
    /// The file.
    pub path: PathBuf,
    /// The cause.
    #[source]
    pub source: io::Error,
}

/// An open audit log.
pub struct AuditLog {
    file: File,
    path: PathBuf,
}

/// Who made a run: the part of every event that says where it came from.
#[derive(Serialize)]
struct Origin<'a> {
    time: String,
    run_id: &'a str,
    mode: RunMode,
    host: &'a str,
    os_user: &'a str,
    api_user: &'a str,
}

impl<'a> Origin<'a> {
    fn of(run: &'a RunInfo) -> Self {
        Self {
            time: Clock::System.now_rfc3339(),
            run_id: &run.run_id,
            mode: run.mode,
            host: &run.host,
            os_user: &run.operator,
            api_user: &run.api_user,
        }
    }
}

#[derive(Serialize)]
struct FieldDelta {
    field: &'static str,
    before: String,
    after: String,
}

/// One user a batch is about to change.
#[derive(Serialize)]
struct Intended<'a> {
    username: &'a str,
    action: &'static str,
}

#[derive(Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
enum Event<'a> {
    RunStart {
        #[serde(flatten)]
        origin: Origin<'a>,
        ftrack: &'a str,
        directory: &'a str,
        directory_complete: bool,
        planned: &'a Summary,
    },
    Change {
        #[serde(flatten)]
        origin: Origin<'a>,
        username: &'a str,
        ftrack_id: Option<&'a str>,
        directory_dn: Option<&'a str>,
        action: &'static str,
        changes: Vec<FieldDelta>,
        groups_added: &'a [String],
        groups_removed: &'a [String],
        #[serde(skip_serializing_if = "<[_]>::is_empty")]
        custom: &'a [CustomChange],
        result: &'static str,
        #[serde(skip_serializing_if = "Option::is_none")]
        error: Option<&'a str>,
    },
    BatchIntent {
        #[serde(flatten)]
        origin: Origin<'a>,
        batch: usize,
        users: Vec<Intended<'a>>,
    },
    LogRepaired {
        time: String,
        dropped_partial_line: String,
    },
    RunEnd {
        #[serde(flatten)]
        origin: Origin<'a>,
        summary: &'a crate::apply::outcome::OutcomeSummary,
        requests: usize,
        #[serde(skip_serializing_if = "Option::is_none")]
        stopped: Option<&'a str>,
    },
}

impl AuditLog {
    /// Opens (creating it if needed) the log for appending, readable and writable by its owner only.
    pub fn open(path: &Path) -> Result<Self, AuditError> {
        let fail = |source| AuditError {
            path: path.to_path_buf(),
            source,
        };
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            crate::atomic_file::create_private_dir(parent).map_err(fail)?;
        }
        // A link could point the trail at any file the user may write: it is refused.
        if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(fail(std::io::Error::other(
                "it is a symbolic link; give the audit log's real path",
            )));
        }
        let file = OpenOptions::new()
            .create(true)
            .read(true)
            .append(true)
            .mode(0o600)
            .open(path)
            .map_err(fail)?;
        // A file made earlier with wider permissions is narrowed.
        file.set_permissions(std::fs::Permissions::from_mode(0o600))
            .map_err(fail)?;
        let mut log = Self {
            file,
            path: path.to_path_buf(),
        };
        log.repair().map_err(fail)?;
        Ok(log)
    }

    /// Ends the file with a whole line again when the last write was cut short (a full disk,
    /// a crash): the partial line is removed and kept, as text, in a `log_repaired` event.
    fn repair(&mut self) -> io::Result<()> {
        let Some((start, partial)) = partial_last_line(&self.file)? else {
            return Ok(());
        };
        self.file.set_len(start)?;
        let event = Event::LogRepaired {
            time: Clock::System.now_rfc3339(),
            dropped_partial_line: String::from_utf8_lossy(&partial).into_owned(),
        };
        self.append(&event).map_err(|e| e.source)?;
        self.file.sync_data()
    }

    fn append(&mut self, event: &Event<'_>) -> Result<(), AuditError> {
        let mut line = serde_json::to_vec(event).map_err(|e| AuditError {
            path: self.path.clone(),
            source: io::Error::other(e),
        })?;
        line.push(b'\n');
        // One write per event, so concurrent readers never see half a line.
        self.file.write_all(&line).map_err(|source| AuditError {
            path: self.path.clone(),
            source,
        })
    }

    /// Records the start of a run, what it plans and whether its directory read was whole.
    pub fn run_started(&mut self, run: &RunInfo, plan: &Plan) -> Result<(), AuditError> {
        self.append(&Event::RunStart {
            origin: Origin::of(run),
            ftrack: &run.ftrack,
            directory: &run.directory,
            directory_complete: plan.inputs.directory_complete,
            planned: &plan.summary,
        })
    }

    /// Records, durably, the users a batch is about to change, before it is sent.
    pub fn batch_intent(
        &mut self,
        run: &RunInfo,
        batch: usize,
        users: &[&PlanItem],
    ) -> Result<(), AuditError> {
        self.append(&Event::BatchIntent {
            origin: Origin::of(run),
            batch,
            users: users
                .iter()
                .map(|item| Intended {
                    username: &item.username,
                    action: item.action.name(),
                })
                .collect(),
        })?;
        self.file.sync_data().map_err(|source| AuditError {
            path: self.path.clone(),
            source,
        })
    }

    /// Records one change that was applied, failed or found stale (other outcomes are not changes).
    pub fn change(&mut self, run: &RunInfo, outcome: &ItemOutcome) -> Result<(), AuditError> {
        let error = match &outcome.status {
            ItemStatus::Applied => None,
            ItemStatus::Failed { error } => Some(error.as_str()),
            ItemStatus::Stale { reason } => Some(reason.as_str()),
            _ => return Ok(()),
        };
        let item = &outcome.item;
        self.append(&Event::Change {
            origin: Origin::of(run),
            username: &item.username,
            ftrack_id: outcome
                .created_id
                .as_deref()
                .or(item.ftrack.as_ref().map(|f| f.id.as_str())),
            directory_dn: item.directory.as_ref().map(|d| d.dn.as_str()),
            action: item.action.name(),
            changes: item
                .changes
                .iter()
                .map(|c| FieldDelta {
                    field: c.field.name(),
                    before: value_text(c.from.as_ref()),
                    after: value_text(c.to.as_ref()),
                })
                .collect(),
            groups_added: &item.groups.add,
            groups_removed: &item.groups.remove,
            custom: &item.custom,
            result: outcome.status.name(),
            error,
        })
    }

    /// Records the end of a run, and makes the log durable.
    pub fn run_ended(&mut self, outcome: &Outcome) -> Result<(), AuditError> {
        self.append(&Event::RunEnd {
            origin: Origin::of(&outcome.run),
            summary: &outcome.summary,
            requests: outcome.requests,
            stopped: outcome.stopped.as_deref(),
        })?;
        self.file.sync_data().map_err(|source| AuditError {
            path: self.path.clone(),
            source,
        })
    }
}

/// Where the last line of `file` starts and its bytes, when it does not end with a newline.
fn partial_last_line(file: &File) -> io::Result<Option<(u64, Vec<u8>)>> {
    const CHUNK: u64 = 64 * 1024;
    let size = file.metadata()?.len();
    let mut tail = Vec::new();
    let mut start = size;
    while start > 0 {
        let from = start.saturating_sub(CHUNK);
        let mut chunk = vec![0; (start - from) as usize];
        file.read_exact_at(&mut chunk, from)?;
        if start == size && chunk.last() == Some(&b'\n') {
            return Ok(None);
        }
        let newline = chunk.iter().rposition(|b| *b == b'\n');
        chunk.extend_from_slice(&tail);
        tail = chunk;
        if let Some(at) = newline {
            let cut = from + at as u64 + 1;
            return Ok(Some((cut, tail[(at + 1)..].to_vec())));
        }
        start = from;
    }
    Ok((size > 0).then_some((0, tail)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_audit_log_behind_a_symbolic_link_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("elsewhere.txt");
        std::fs::write(&target, "keep me\n").unwrap();
        let link = dir.path().join("audit.jsonl");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        let error = AuditLog::open(&link).err().expect("refused").to_string();
        assert!(error.contains("symbolic link"), "{error}");
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "keep me\n");
    }

    fn lines(path: &Path) -> Vec<serde_json::Value> {
        std::fs::read_to_string(path)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l:?}: {e}")))
            .collect()
    }

    #[test]
    fn a_line_cut_short_is_repaired_on_the_next_open_and_kept_as_text() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.jsonl");
        std::fs::write(&path, "{\"event\":\"run_start\"}\n{\"event\":\"cha").unwrap();
        drop(AuditLog::open(&path).unwrap());
        let events = lines(&path);
        assert_eq!(events.len(), 2, "{events:?}");
        assert_eq!(events[0]["event"], "run_start");
        assert_eq!(events[1]["event"], "log_repaired");
        assert_eq!(events[1]["dropped_partial_line"], "{\"event\":\"cha");
    }

    #[test]
    fn a_partial_line_longer_than_a_read_chunk_is_found_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.jsonl");
        let long = "x".repeat(200_000);
        std::fs::write(&path, format!("{{}}\n{long}")).unwrap();
        drop(AuditLog::open(&path).unwrap());
        let events = lines(&path);
        assert_eq!(events.len(), 2);
        assert_eq!(events[1]["dropped_partial_line"], long.as_str());
    }

    #[test]
    fn a_whole_log_is_left_as_it_is() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.jsonl");
        std::fs::write(&path, "{\"a\":1}\n{\"b\":2}\n").unwrap();
        drop(AuditLog::open(&path).unwrap());
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "{\"a\":1}\n{\"b\":2}\n"
        );
        let empty = dir.path().join("empty.jsonl");
        drop(AuditLog::open(&empty).unwrap());
        assert_eq!(std::fs::read(&empty).unwrap(), b"");
    }
}
