//! `watermarks.json` in the state directory: one watermark per server URI and base DN, written
//! atomically and readable by the owner only, and only after a run that succeeded.

use super::Watermark;
use crate::atomic_file::{create_private_dir, write_json_atomically};
use crate::state::{StateDir, StateError};
use serde::{Deserialize, Serialize};
use std::io;
use std::path::PathBuf;

const WATERMARKS_FILE: &str = "watermarks.json";
const WATERMARKS_FORMAT_VERSION: u32 = 1;

/// Which directory a watermark belongs to: the URI that answered and the user base DN.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct WatermarkKey {
    /// The LDAP URI that answered.
    pub uri: String,
    /// The user base DN searched.
    pub base: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Entry {
    #[serde(flatten)]
    key: WatermarkKey,
    #[serde(flatten)]
    watermark: Watermark,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct WatermarksFile {
    format_version: u32,
    watermarks: Vec<Entry>,
}

/// The saved watermarks of one state directory.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Watermarks(Vec<(WatermarkKey, Watermark)>);

impl Watermarks {
    /// The watermark saved for `key`, if any.
    pub fn get(&self, key: &WatermarkKey) -> Option<&Watermark> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, w)| w)
    }

    /// Sets the watermark for `key`, replacing the one saved before.
    pub fn set(&mut self, key: WatermarkKey, watermark: Watermark) {
        self.0.retain(|(k, _)| *k != key);
        self.0.push((key, watermark));
        self.0.sort_by(|a, b| a.0.cmp(&b.0));
    }
}

fn path(state: &StateDir) -> PathBuf {
    state.path().join(WATERMARKS_FILE)
}

/// Loads the saved watermarks; none when the file does not exist. Never writes.
pub fn load(state: &StateDir) -> Result<Watermarks, StateError> {
    let path = path(state);
    let text = match std::fs::read(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Watermarks::default()),
        Err(source) => return Err(StateError::Io { path, source }),
    };
    let damaged = |message: String| StateError::Damaged {
        path: path.clone(),
        message,
    };
    let file: WatermarksFile = serde_json::from_slice(&text).map_err(|e| damaged(e.to_string()))?;
    if file.format_version != WATERMARKS_FORMAT_VERSION {
        return Err(damaged(format!(
            "format_version {}, expected {WATERMARKS_FORMAT_VERSION}",
            file.format_version
        )));
    }
    Ok(Watermarks(
        file.watermarks
            .into_iter()
            .map(|e| (e.key, e.watermark))
            .collect(),
    ))
}

/// Records `watermark` for `key`, keeping the others. The caller holds the run lock.
pub fn save(state: &StateDir, key: WatermarkKey, watermark: Watermark) -> Result<(), StateError> {
    let mut all = load(state)?;
    all.set(key, watermark);
    let file = WatermarksFile {
        format_version: WATERMARKS_FORMAT_VERSION,
        watermarks: all
            .0
            .into_iter()
            .map(|(key, watermark)| Entry { key, watermark })
            .collect(),
    };
    let io_error = |path: PathBuf| move |source| StateError::Io { path, source };
    create_private_dir(state.path()).map_err(io_error(state.path().to_path_buf()))?;
    write_json_atomically(&path(state), &file).map_err(io_error(path(state)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::incremental::watermark::ChangeMarker;
    use std::os::unix::fs::PermissionsExt;

    fn mark(value: &str) -> Watermark {
        Watermark {
            marker: ChangeMarker::ModifyTimestamp,
            value: value.into(),
            server: None,
            last_full: "2026-12-02T10:00:00Z".into(),
            settings: "digest".into(),
        }
    }

    fn key(uri: &str) -> WatermarkKey {
        WatermarkKey {
            uri: uri.into(),
            base: "ou=people,dc=x".into(),
        }
    }

    #[test]
    fn watermarks_are_kept_per_server_and_base_in_a_private_file() {
        let dir = tempfile::tempdir().unwrap();
        let state = StateDir::at(dir.path().join("state"));
        assert_eq!(load(&state).unwrap(), Watermarks::default());
        assert!(!state.path().exists(), "loading writes nothing");
        save(&state, key("ldap://a"), mark("20261202100000Z")).unwrap();
        save(&state, key("ldap://b"), mark("20261202110000Z")).unwrap();
        save(&state, key("ldap://a"), mark("20261202120000Z")).unwrap();
        let all = load(&state).unwrap();
        assert_eq!(all.get(&key("ldap://a")), Some(&mark("20261202120000Z")));
        assert_eq!(all.get(&key("ldap://b")), Some(&mark("20261202110000Z")));
        assert_eq!(all.get(&key("ldap://c")), None);
        let mode = std::fs::metadata(path(&state))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    #[test]
    fn a_damaged_file_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        let state = StateDir::at(dir.path());
        std::fs::write(path(&state), "{nope").unwrap();
        assert!(matches!(load(&state), Err(StateError::Damaged { .. })));
    }
}
