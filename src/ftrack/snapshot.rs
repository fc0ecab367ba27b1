//! Reading and writing ftrack snapshot files (`{"users": [...], "groups": [...]}`).

use crate::model::FtrackSnapshot;
use std::path::{Path, PathBuf};

/// A snapshot file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    /// The file cannot be read.
    #[error("ftrack snapshot {path}: cannot read: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The file is not a valid snapshot.
    #[error("ftrack snapshot {path}:{line}:{column}: {message}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What is wrong.
        message: String,
    },
}

/// Parses a snapshot; `path` names it in messages.
pub fn parse_snapshot(path: &Path, text: &str) -> Result<FtrackSnapshot, SnapshotError> {
    serde_json::from_str(text).map_err(|e| SnapshotError::Invalid {
        path: path.to_path_buf(),
        line: e.line(),
        column: e.column(),
        message: e
            .to_string()
            .split(" at line ")
            .next()
            .unwrap_or_default()
            .to_string(),
    })
}

/// Reads a snapshot file.
pub fn read_snapshot(path: &Path) -> Result<FtrackSnapshot, SnapshotError> {
    let text = std::fs::read_to_string(path).map_err(|source| SnapshotError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    parse_snapshot(path, &text)
}

/// Writes a snapshot file (pretty JSON).
pub fn write_snapshot(path: &Path, snapshot: &FtrackSnapshot) -> std::io::Result<()> {
    let mut text = serde_json::to_vec_pretty(snapshot).map_err(std::io::Error::other)?;
    text.push(b'\n');
    crate::atomic_file::write_atomically(path, &text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_users_and_groups_with_defaults() {
        let text = r#"{"users":[{"id":"1","username":"jdoe","is_active":true}],"groups":[{"id":"g","name":"FX"}]}"#;
        let snap = parse_snapshot(Path::new("s.json"), text).unwrap();
        assert_eq!(snap.users[0].first_name, "");
        assert_eq!(snap.users[0].email, None);
        assert_eq!(snap.groups[0].name, "FX");
    }

    #[test]
    fn errors_name_file_line_and_problem() {
        let text = "{\"users\": [\n {\"id\": \"1\", \"username\": \"x\"}\n]}";
        let err = parse_snapshot(Path::new("s.json"), text)
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("ftrack snapshot s.json:2:"), "{err}");
        assert!(err.contains("is_active"), "{err}");
        let err = parse_snapshot(Path::new("s.json"), r#"{"users":[],"extra":1}"#)
            .unwrap_err()
            .to_string();
        assert!(err.contains("unknown field `extra`"), "{err}");
    }
}
