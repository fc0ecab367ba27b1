//! The console's autosave: every decision of a session, written after each change so that a
//! crash or a dropped SSH session loses nothing. It is for recovery only: no headless run
//! reads it, the next console start on the same server and directory asks before restoring
//! it, and a new session moves an earlier autosave aside instead of writing over it.

use crate::atomic_file::write_json_atomically;
use crate::ids::ItemKey;
use crate::reconcile::decision::{DECISIONS_FORMAT_VERSION, Decision, Decisions, Taken};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

/// The autosave of the current (or last unfinished) console session, in the state directory.
pub const AUTOSAVE_FILE: &str = "console-decisions.json";
/// Where the autosave before it is kept when a new session starts or a session ends cleanly.
pub const PREVIOUS_AUTOSAVE_FILE: &str = "console-decisions.previous.json";

/// What a session reviews: its autosave is offered again only for the same pair.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Target {
    /// The ftrack server's URL.
    pub server: String,
    /// The directory: LDAP URIs and base, an LDIF file, or the demo's bundled one.
    pub directory: String,
}

/// One autosave file. It keeps the keys of a decisions file, so older autosaves (decisions
/// only) still read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Autosave {
    /// Layout version (that of the decisions file).
    pub format_version: u32,
    /// When it was written (UTC, RFC 3339); absent in older autosaves.
    #[serde(default)]
    pub saved_at: Option<String>,
    /// The server and directory of the session; absent in older autosaves.
    #[serde(default)]
    pub target: Option<Target>,
    /// Item key -> decision, approvals and skips included.
    #[serde(default)]
    pub decisions: BTreeMap<ItemKey, Decision>,
    /// Item key -> who took its decision and when.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub taken: BTreeMap<ItemKey, Taken>,
}

impl Autosave {
    /// An autosave of `decisions` for `target`, written at `saved_at`.
    pub fn new(target: &Target, decisions: &Decisions, saved_at: String) -> Self {
        Self {
            format_version: DECISIONS_FORMAT_VERSION,
            saved_at: Some(saved_at),
            target: Some(target.clone()),
            decisions: decisions.decisions.clone(),
            taken: decisions.taken.clone(),
        }
    }

    /// The decisions it holds.
    pub fn decisions(&self) -> Decisions {
        Decisions {
            taken: self.taken.clone(),
            ..Decisions::of(self.decisions.clone())
        }
    }

    /// True when it was made for `target` (older autosaves, which do not say, count as made
    /// for it: they come from the same state directory).
    pub fn is_for(&self, target: &Target) -> bool {
        self.target.as_ref().is_none_or(|t| t == target)
    }
}

/// Why an autosave could not be read.
#[derive(Debug, thiserror::Error)]
pub enum AutosaveError {
    /// The file exists but cannot be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: io::Error,
    },
    /// The file is not an autosave.
    #[error("{path} is damaged: {source}")]
    Damaged {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: serde_json::Error,
    },
}

/// The autosave in `state`, if there is one.
pub fn read_autosave(state: &Path) -> Result<Option<Autosave>, AutosaveError> {
    let path = state.join(AUTOSAVE_FILE);
    let bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(source) => return Err(AutosaveError::Io { path, source }),
    };
    serde_json::from_slice(&bytes)
        .map(Some)
        .map_err(|source| AutosaveError::Damaged { path, source })
}

/// Writes the autosave in `state` (creating the directory).
pub fn write_autosave(state: &Path, autosave: &Autosave) -> io::Result<()> {
    crate::atomic_file::create_private_dir(state)?;
    write_json_atomically(&state.join(AUTOSAVE_FILE), autosave)
}

/// Moves the autosave aside as the previous one, so that nothing offers it again but it is
/// still there to read. Returns where it went, or `None` when there was none.
pub fn retire_autosave(state: &Path) -> io::Result<Option<PathBuf>> {
    let current = state.join(AUTOSAVE_FILE);
    let previous = state.join(PREVIOUS_AUTOSAVE_FILE);
    match std::fs::rename(&current, &previous) {
        Ok(()) => Ok(Some(previous)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(server: &str) -> Target {
        Target {
            server: server.to_string(),
            directory: "ldap://dc1 ou=people".to_string(),
        }
    }

    #[test]
    fn an_autosave_round_trips_and_is_offered_only_to_its_target() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(read_autosave(dir.path()).unwrap(), None);
        let mut decisions = Decisions::default();
        decisions.decisions.insert("id-1".into(), Decision::Ignore);
        let saved = Autosave::new(
            &target("https://a"),
            &decisions,
            "2026-01-02T03:04:05Z".into(),
        );
        write_autosave(dir.path(), &saved).unwrap();
        let read = read_autosave(dir.path()).unwrap().unwrap();
        assert_eq!(read, saved);
        assert_eq!(read.decisions(), decisions);
        assert!(read.is_for(&target("https://a")));
        assert!(!read.is_for(&target("https://b")));
    }

    #[test]
    fn an_older_autosave_of_decisions_only_still_reads() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(AUTOSAVE_FILE),
            r#"{"format_version":1,"decisions":{"id-1":{"decision":"approve"}}}"#,
        )
        .unwrap();
        let read = read_autosave(dir.path()).unwrap().unwrap();
        assert_eq!(read.saved_at, None);
        assert!(read.is_for(&target("https://anything")));
        assert_eq!(read.decisions.get(&"id-1".into()), Some(&Decision::Approve));
    }

    #[test]
    fn retiring_keeps_the_autosave_as_the_previous_one() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(retire_autosave(dir.path()).unwrap(), None);
        let saved = Autosave::new(&target("s"), &Decisions::default(), "t".into());
        write_autosave(dir.path(), &saved).unwrap();
        let moved = retire_autosave(dir.path()).unwrap().unwrap();
        assert_eq!(
            read_autosave(dir.path()).unwrap(),
            None,
            "nothing offers it again"
        );
        let kept: Autosave = serde_json::from_slice(&std::fs::read(moved).unwrap()).unwrap();
        assert_eq!(kept, saved);
    }

    #[test]
    fn a_damaged_autosave_is_an_error_that_names_the_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(AUTOSAVE_FILE), "{not json").unwrap();
        let error = read_autosave(dir.path()).unwrap_err().to_string();
        assert!(error.contains(AUTOSAVE_FILE), "{error}");
    }
}
