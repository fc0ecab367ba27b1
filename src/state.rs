//! The state directory: identity links, last-run figures and the run lock.
//!
//! Files are written atomically (temporary file, fsync, rename) so a crash never leaves a
//! half-written file. Reading never creates anything, so `plan` can read state without writing.

use crate::apply::outcome::Outcome;
use crate::atomic_file::{create_private_dir, write_json_atomically};
use crate::clock::Clock;
use crate::ids::{DirectoryId, FtrackId, Username};
use crate::model::Links;
use crate::reconcile::decision::Decisions;
use crate::reconcile::grace::MissingMarks;
use crate::reconcile::plan::Summary;
use serde::{Deserialize, Serialize};
use std::fs::{self, File, OpenOptions, TryLockError};
use std::io::{self, Read, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

/// Version of the state files' JSON layout.
const STATE_FORMAT_VERSION: u32 = 1;
const LINKS_FILE: &str = "links.json";
const LAST_RUN_FILE: &str = "last-run.json";
const LOCK_FILE: &str = "lock";
const DECISIONS_FILE: &str = "decisions.json";
const LAST_OUTCOME_FILE: &str = "last-outcome.json";
const MISSING_FILE: &str = "missing.json";

/// A state directory that cannot be read or written.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    /// A file could not be read or written.
    #[error("state file {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: io::Error,
    },
    /// A file is not what this version of the tool writes.
    #[error(
        "state file {path} is damaged or from an unknown version: {message}; move it aside to start afresh"
    )]
    Damaged {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// Another run holds the lock.
    #[error("another ldap2ftrack run holds the lock on {path}: {holder}")]
    Locked {
        /// The lock file.
        path: PathBuf,
        /// Who holds it, as the holder wrote it.
        holder: String,
    },
}

/// One recorded identity link, as stored in `links.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkRecord {
    /// Directory stable id.
    pub directory_id: DirectoryId,
    /// ftrack user id.
    pub ftrack_id: FtrackId,
    /// ftrack username when the link was recorded (for people reading the file).
    #[serde(default)]
    pub username: Option<Username>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct LinksFile {
    format_version: u32,
    links: Vec<LinkRecord>,
}

/// `missing.json`: per ftrack user id, when a run first saw it missing and how many runs in
/// a row have.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct MissingFile {
    format_version: u32,
    marks: MissingMarks,
}

/// Figures from the last applied run, used to spot a directory read that came back short.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LastRun {
    /// Layout version.
    pub format_version: u32,
    /// When the run finished (UTC, RFC 3339).
    pub finished_at: String,
    /// Directory entries read.
    pub directory_users: usize,
    /// ftrack users read.
    pub ftrack_users: usize,
    /// What the run planned.
    pub summary: Summary,
}

impl LastRun {
    /// Figures for a run finishing now.
    pub fn now(directory_users: usize, ftrack_users: usize, summary: Summary) -> Self {
        Self {
            format_version: STATE_FORMAT_VERSION,
            finished_at: Clock::System.now_rfc3339(),
            directory_users,
            ftrack_users,
            summary,
        }
    }
}

/// The state directory of one installation.
#[derive(Debug, Clone)]
pub struct StateDir {
    path: PathBuf,
}

/// Holds the run lock until dropped.
#[derive(Debug)]
pub struct RunLock {
    _file: File,
}

impl StateDir {
    /// Refers to a state directory; nothing is created until something is written.
    pub fn at(path: impl Into<PathBuf>) -> Self {
        Self { path: path.into() }
    }

    /// The directory's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Loads the identity links; none when the file does not exist yet.
    pub fn load_links(&self) -> Result<Links, StateError> {
        let path = self.path.join(LINKS_FILE);
        let Some(file) = read_json::<LinksFile>(&path)? else {
            return Ok(Links::new());
        };
        check_version(&path, file.format_version)?;
        Ok(file
            .links
            .into_iter()
            .map(|r| (r.directory_id, r.ftrack_id))
            .collect())
    }

    /// Loads the link records with their usernames.
    pub fn load_link_records(&self) -> Result<Vec<LinkRecord>, StateError> {
        let path = self.path.join(LINKS_FILE);
        Ok(read_json::<LinksFile>(&path)?
            .map(|f| f.links)
            .unwrap_or_default())
    }

    /// Saves the identity links atomically, sorted by directory id.
    pub fn save_links(&self, mut records: Vec<LinkRecord>) -> Result<(), StateError> {
        records.sort_by(|a, b| a.directory_id.cmp(&b.directory_id));
        let file = LinksFile {
            format_version: STATE_FORMAT_VERSION,
            links: records,
        };
        self.write_json(LINKS_FILE, &file)
    }

    /// Loads the last run's figures, if a run was recorded.
    pub fn load_last_run(&self) -> Result<Option<LastRun>, StateError> {
        let path = self.path.join(LAST_RUN_FILE);
        let last = read_json::<LastRun>(&path)?;
        if let Some(l) = &last {
            check_version(&path, l.format_version)?;
        }
        Ok(last)
    }

    /// Saves the last run's figures atomically.
    pub fn save_last_run(&self, last: &LastRun) -> Result<(), StateError> {
        self.write_json(LAST_RUN_FILE, last)
    }

    /// Loads the standing decisions (ignore, link, rename); none when there are none yet.
    pub fn load_decisions(&self) -> Result<Decisions, StateError> {
        let path = self.path.join(DECISIONS_FILE);
        let Some(decisions) = read_json::<Decisions>(&path)? else {
            return Ok(Decisions::default());
        };
        check_version(&path, decisions.format_version)?;
        Ok(decisions)
    }

    /// Saves the standing part of `decisions` atomically (one-run approvals and skips are dropped).
    pub fn save_decisions(&self, decisions: &Decisions) -> Result<(), StateError> {
        self.write_json(DECISIONS_FILE, &decisions.standing())
    }

    /// Loads the missing marks of the grace period; none when no run recorded any.
    pub fn load_missing_marks(&self) -> Result<MissingMarks, StateError> {
        let path = self.path.join(MISSING_FILE);
        let Some(file) = read_json::<MissingFile>(&path)? else {
            return Ok(MissingMarks::new());
        };
        check_version(&path, file.format_version)?;
        Ok(file.marks)
    }

    /// Saves the missing marks atomically, replacing the earlier ones.
    pub fn save_missing_marks(&self, marks: &MissingMarks) -> Result<(), StateError> {
        let file = MissingFile {
            format_version: STATE_FORMAT_VERSION,
            marks: marks.clone(),
        };
        self.write_json(MISSING_FILE, &file)
    }

    /// Saves the outcome of the last apply, for `report --from` and for people.
    pub fn save_last_outcome(&self, outcome: &Outcome) -> Result<PathBuf, StateError> {
        self.write_json(LAST_OUTCOME_FILE, outcome)?;
        Ok(self.path.join(LAST_OUTCOME_FILE))
    }

    /// Takes the run lock, or fails at once naming the holder. `holder` describes this run.
    pub fn lock(&self, holder: &str) -> Result<RunLock, StateError> {
        self.ensure_dir()?;
        let path = self.path.join(LOCK_FILE);
        let io_error = |source| StateError::Io {
            path: path.clone(),
            source,
        };
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .mode(0o600)
            .open(&path)
            .map_err(io_error)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                let mut text = String::new();
                let _ = file.read_to_string(&mut text);
                let holder = text.trim();
                return Err(StateError::Locked {
                    path: path.clone(),
                    holder: if holder.is_empty() {
                        "unknown holder".to_string()
                    } else {
                        holder.to_string()
                    },
                });
            }
            Err(TryLockError::Error(e)) => return Err(io_error(e)),
        }
        file.set_len(0).map_err(io_error)?;
        file.write_all(holder.as_bytes()).map_err(io_error)?;
        file.sync_all().map_err(io_error)?;
        Ok(RunLock { _file: file })
    }

    fn ensure_dir(&self) -> Result<(), StateError> {
        let io_error = |source| StateError::Io {
            path: self.path.clone(),
            source,
        };
        create_private_dir(&self.path).map_err(io_error)
    }

    fn write_json<T: Serialize>(&self, name: &str, value: &T) -> Result<(), StateError> {
        self.ensure_dir()?;
        let path = self.path.join(name);
        write_json_atomically(&path, value).map_err(|source| StateError::Io { path, source })
    }
}

fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<Option<T>, StateError> {
    let text = match fs::read(path) {
        Ok(text) => text,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(source) => {
            return Err(StateError::Io {
                path: path.to_path_buf(),
                source,
            });
        }
    };
    serde_json::from_slice(&text)
        .map(Some)
        .map_err(|e| StateError::Damaged {
            path: path.to_path_buf(),
            message: e.to_string(),
        })
}

fn check_version(path: &Path, version: u32) -> Result<(), StateError> {
    if version == STATE_FORMAT_VERSION {
        Ok(())
    } else {
        Err(StateError::Damaged {
            path: path.to_path_buf(),
            message: format!("format_version {version}, expected {STATE_FORMAT_VERSION}"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_round_trip_and_missing_file_is_empty() {
        let dir = tempfile::tempdir().unwrap();
        let state = StateDir::at(dir.path().join("state"));
        assert!(state.load_links().unwrap().is_empty());
        assert!(
            !state.path().exists(),
            "reading must not create the directory"
        );
        state
            .save_links(vec![
                LinkRecord {
                    directory_id: "b".into(),
                    ftrack_id: "2".into(),
                    username: Some("bob".into()),
                },
                LinkRecord {
                    directory_id: "a".into(),
                    ftrack_id: "1".into(),
                    username: None,
                },
            ])
            .unwrap();
        let links = state.load_links().unwrap();
        assert_eq!(links.get("a").map(|id| id.as_str()), Some("1"));
        assert_eq!(links.get("b").map(|id| id.as_str()), Some("2"));
        let records = state.load_link_records().unwrap();
        assert_eq!(records[0].directory_id, "a", "saved sorted");
        let leftovers: Vec<_> = fs::read_dir(state.path())
            .unwrap()
            .filter_map(Result::ok)
            .filter(|e| e.file_name().to_string_lossy().contains(".tmp"))
            .collect();
        assert!(leftovers.is_empty());
    }

    #[test]
    fn damaged_or_future_files_are_reported() {
        let dir = tempfile::tempdir().unwrap();
        let state = StateDir::at(dir.path());
        fs::write(dir.path().join(LINKS_FILE), "{not json").unwrap();
        assert!(matches!(
            state.load_links(),
            Err(StateError::Damaged { .. })
        ));
        fs::write(
            dir.path().join(LINKS_FILE),
            r#"{"format_version":9,"links":[]}"#,
        )
        .unwrap();
        let err = state.load_links().unwrap_err().to_string();
        assert!(err.contains("format_version 9"), "{err}");
    }

    #[test]
    fn last_run_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let state = StateDir::at(dir.path());
        assert_eq!(state.load_last_run().unwrap(), None);
        let last = LastRun::now(
            300,
            280,
            Summary {
                create: 3,
                ..Summary::default()
            },
        );
        state.save_last_run(&last).unwrap();
        assert_eq!(state.load_last_run().unwrap(), Some(last));
    }

    #[test]
    fn missing_marks_round_trip_privately_and_none_is_empty() {
        use crate::reconcile::grace::MissingMark;
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let state = StateDir::at(dir.path().join("state"));
        assert!(state.load_missing_marks().unwrap().is_empty());
        assert!(
            !state.path().exists(),
            "reading must not create the directory"
        );
        let marks = MissingMarks::from([(
            FtrackId::new("f-1"),
            MissingMark {
                since: "2026-03-01T09:00:00Z".parse().unwrap(),
                runs: 2,
            },
        )]);
        state.save_missing_marks(&marks).unwrap();
        assert_eq!(state.load_missing_marks().unwrap(), marks);
        let mode = fs::metadata(state.path().join(MISSING_FILE))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
        fs::write(
            state.path().join(MISSING_FILE),
            r#"{"format_version":9,"marks":{}}"#,
        )
        .unwrap();
        assert!(matches!(
            state.load_missing_marks(),
            Err(StateError::Damaged { .. })
        ));
    }

    #[test]
    fn second_lock_fails_naming_the_holder_and_drop_releases() {
        let dir = tempfile::tempdir().unwrap();
        let state = StateDir::at(dir.path().join("s"));
        let first = state.lock("pid 42 on render01 (apply)").unwrap();
        match state.lock("pid 43") {
            Err(StateError::Locked { holder, .. }) => {
                assert_eq!(holder, "pid 42 on render01 (apply)")
            }
            other => panic!("expected Locked, got {other:?}"),
        }
        drop(first);
        assert!(state.lock("pid 44").is_ok());
    }
}
