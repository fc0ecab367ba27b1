//! Run history: every apply's outcome kept in the state directory's `history/`, the last
//! [`HISTORY_RUNS`] of them, with an index of their facts and counts for `report --history`.
//!
//! Each outcome is a gzip-compressed JSON file (`<started>-<run id>.json.gz`; a 100,000-user
//! outcome is tens of megabytes as text and a few compressed); `index.json` lists the runs
//! oldest first. Every file is written atomically and readable by its owner only: outcomes
//! name people.

use crate::apply::outcome::{Outcome, OutcomeSummary, RunMode};
use crate::atomic_file::{create_private_dir, write_atomically_with, write_json_atomically};
use crate::state::StateDir;
use flate2::Compression;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use serde::{Deserialize, Serialize};
use std::fs;
use std::io::{self, BufReader, Write};
use std::path::{Path, PathBuf};

/// How many runs the history keeps; older ones are removed as new ones are recorded.
pub const HISTORY_RUNS: usize = 100;
/// The history's folder in the state directory.
const HISTORY_DIR: &str = "history";
/// The index of the runs kept.
const INDEX_FILE: &str = "index.json";

/// One run in the history: its facts and counts, and the file holding its whole outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    /// The run's id (as in the audit log).
    pub run_id: String,
    /// Apply or console.
    pub mode: RunMode,
    /// Start, UTC RFC 3339.
    pub started_at: String,
    /// End, UTC RFC 3339.
    pub finished_at: String,
    /// Operating-system user that ran it.
    pub operator: String,
    /// Host it ran on.
    pub host: String,
    /// The ftrack server.
    pub ftrack: String,
    /// Counts per result.
    pub summary: OutcomeSummary,
    /// Why the run stopped early, if it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stopped: Option<String>,
    /// The run's exit code.
    pub exit_code: i32,
    /// The outcome's file name in the history folder.
    pub file: String,
}

/// Why the history could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    /// A file could not be read or written.
    #[error("run history {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: io::Error,
    },
    /// A file is not what this version writes.
    #[error("run history {path} is damaged: {message}; move it aside to start afresh")]
    Damaged {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// A reference to a run that the history does not hold.
    #[error("{reference}: {why}")]
    NoSuchRun {
        /// The reference as given.
        reference: String,
        /// What the history holds instead.
        why: String,
    },
}

/// The run history of one state directory.
#[derive(Debug, Clone)]
pub struct RunHistory {
    dir: PathBuf,
}

impl RunHistory {
    /// The history kept in `state`.
    pub fn of(state: &StateDir) -> Self {
        Self {
            dir: state.path().join(HISTORY_DIR),
        }
    }

    /// The history folder.
    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// Keeps `outcome` with its exit code, then removes the runs past [`HISTORY_RUNS`].
    pub fn record(&self, outcome: &Outcome, exit_code: i32) -> Result<HistoryEntry, HistoryError> {
        create_private_dir(&self.dir).map_err(|source| self.io(&self.dir, source))?;
        let entry = entry_for(outcome, exit_code);
        let path = self.dir.join(&entry.file);
        write_atomically_with(&path, |out| write_gzip_json(out, outcome))
            .map_err(|source| self.io(&path, source))?;
        let mut entries = self.entries()?;
        entries.retain(|e| e.file != entry.file);
        entries.push(entry.clone());
        let dropped = entries.len().saturating_sub(HISTORY_RUNS);
        let old: Vec<HistoryEntry> = entries.drain(..dropped).collect();
        let index = self.dir.join(INDEX_FILE);
        write_json_atomically(&index, &entries).map_err(|source| self.io(&index, source))?;
        for gone in old {
            let path = self.dir.join(&gone.file);
            match fs::remove_file(&path) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => {
                    return Err(self.io(&path, e));
                }
                _ => {}
            }
        }
        Ok(entry)
    }

    /// The runs kept, oldest first; none when nothing was recorded yet.
    pub fn entries(&self) -> Result<Vec<HistoryEntry>, HistoryError> {
        let path = self.dir.join(INDEX_FILE);
        let bytes = match fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(source) => return Err(self.io(&path, source)),
        };
        serde_json::from_slice(&bytes).map_err(|e| HistoryError::Damaged {
            path,
            message: e.to_string(),
        })
    }

    /// The whole outcome of a run kept in the history.
    pub fn outcome(&self, entry: &HistoryEntry) -> Result<Outcome, HistoryError> {
        let path = self.dir.join(&entry.file);
        let file = fs::File::open(&path).map_err(|source| self.io(&path, source))?;
        serde_json::from_reader(GzDecoder::new(BufReader::new(file))).map_err(|e| {
            HistoryError::Damaged {
                path,
                message: e.to_string(),
            }
        })
    }

    /// The run a reference names: `@1` the latest, `@2` the one before, ...; or a run id (or
    /// a unique start of one).
    pub fn find(&self, reference: &str) -> Result<HistoryEntry, HistoryError> {
        let entries = self.entries()?;
        let missing = |why: String| HistoryError::NoSuchRun {
            reference: reference.to_string(),
            why,
        };
        if entries.is_empty() {
            return Err(missing(format!(
                "no run is recorded in {} yet (every apply and console commit adds one)",
                self.dir.display()
            )));
        }
        match reference.strip_prefix('@') {
            Some(back) => by_position(&entries, back).ok_or_else(|| {
                missing(format!(
                    "give @1 for the latest run, up to @{} for the oldest kept",
                    entries.len()
                ))
            }),
            None => by_id(&entries, reference).map_err(missing),
        }
    }

    fn io(&self, path: &Path, source: io::Error) -> HistoryError {
        HistoryError::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}

/// Whether `reference` names a run of the history rather than a file.
pub fn is_history_reference(reference: &str) -> bool {
    reference.starts_with('@') || reference.starts_with("run:")
}

/// The `n`th latest entry for `@n` (1-based).
fn by_position(entries: &[HistoryEntry], back: &str) -> Option<HistoryEntry> {
    let n: usize = back.parse().ok().filter(|n| *n >= 1)?;
    entries.len().checked_sub(n).map(|i| entries[i].clone())
}

/// The one entry whose run id is or starts with `reference` (`run:` prefix allowed).
fn by_id(entries: &[HistoryEntry], reference: &str) -> Result<HistoryEntry, String> {
    let id = reference.strip_prefix("run:").unwrap_or(reference);
    if id.is_empty() {
        return Err("give a run id after run:".to_string());
    }
    let matches: Vec<&HistoryEntry> = entries
        .iter()
        .filter(|e| e.run_id.starts_with(id))
        .collect();
    match matches.as_slice() {
        [one] => Ok((*one).clone()),
        [] => Err("no run kept has that id (`report --history` lists them)".to_string()),
        many => Err(format!(
            "{} runs start with that id; give more of it",
            many.len()
        )),
    }
}

/// The index entry of `outcome`.
fn entry_for(outcome: &Outcome, exit_code: i32) -> HistoryEntry {
    let run = &outcome.run;
    HistoryEntry {
        run_id: run.run_id.clone(),
        mode: run.mode,
        started_at: run.started_at.clone(),
        finished_at: run.finished_at.clone(),
        operator: run.operator.clone(),
        host: run.host.clone(),
        ftrack: run.ftrack.clone(),
        summary: outcome.summary,
        stopped: outcome.stopped.clone(),
        exit_code,
        file: file_name(&run.started_at, &run.run_id),
    }
}

/// `<start, digits only>-<run id>.json.gz`: sorts by time, and safe as a file name whatever
/// the id holds.
fn file_name(started_at: &str, run_id: &str) -> String {
    let stamp: String = started_at.chars().filter(char::is_ascii_digit).collect();
    let id: String = run_id
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    format!("{stamp}-{id}.json.gz")
}

fn write_gzip_json(out: &mut dyn Write, outcome: &Outcome) -> io::Result<()> {
    // The fastest level: a 100,000-user outcome is tens of megabytes of JSON, compressed on
    // every apply, where time matters more than the last megabytes of disk.
    let mut gzip = GzEncoder::new(out, Compression::fast());
    serde_json::to_writer(&mut gzip, outcome)?;
    gzip.finish()?.flush()
}

#[cfg(test)]
#[path = "history_tests.rs"]
mod tests;
