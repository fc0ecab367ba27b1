//! Writing files so that a reader, or a crash, never sees half of one: a temporary file in the
//! same directory, synced, then renamed over the target, and the rename made durable.

use serde::Serialize;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::Path;

/// Owner read and write: every file the tool writes may hold personal data.
const PRIVATE_FILE: u32 = 0o600;
/// Owner only: the directories the tool makes (the state directory, its logs).
const PRIVATE_DIR: u32 = 0o700;

/// Creates a directory (and its parents) readable by its owner only; an existing one is left
/// as it is.
pub fn create_private_dir(path: &Path) -> io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    builder.mode(PRIVATE_DIR);
    builder.create(path)
}

/// The mode a file replacing `path` gets: owner read and write, or stricter when the file
/// there now is stricter.
fn private_mode(path: &Path) -> u32 {
    fs::metadata(path).map_or(PRIVATE_FILE, |m| m.permissions().mode() & PRIVATE_FILE)
}

/// Replaces `path` with `bytes` atomically, readable by its owner only.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_with_mode(path, bytes, private_mode(path))
}

/// Replaces `path` atomically with what `write` writes (buffered), readable by its owner
/// only: for large outputs, which are then never held whole in memory.
pub fn write_atomically_with(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    write_streamed(path, private_mode(path), write)
}

/// Replaces `path` with `bytes` atomically, readable by everyone: only for files that hold no
/// personal data and that another service must read (the metrics for node_exporter).
pub fn write_public_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_with_mode(path, bytes, 0o644)
}

fn write_with_mode(path: &Path, bytes: &[u8], mode: u32) -> io::Result<()> {
    write_streamed(path, mode, |file| file.write_all(bytes))
}

/// Writes a temporary file beside `path` with `write`, syncs it and renames it over `path`.
fn write_streamed(
    path: &Path,
    mode: u32,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "the path names no file"))?;
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let temp = dir.join(format!(
        ".{}.{}.tmp",
        name.to_string_lossy(),
        uuid::Uuid::new_v4().simple()
    ));
    let result = (|| {
        let file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(mode)
            .open(&temp)?;
        // Exactly this mode, whatever the umask (which would narrow a public file).
        file.set_permissions(fs::Permissions::from_mode(mode))?;
        let mut buffered = io::BufWriter::new(file);
        write(&mut buffered)?;
        let file = buffered
            .into_inner()
            .map_err(io::IntoInnerError::into_error)?;
        file.sync_all()?;
        drop(file);
        fs::rename(&temp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&temp);
        return result;
    }
    // Make the rename itself durable; directories cannot be opened everywhere, so best effort.
    if let Ok(dir) = File::open(dir) {
        let _ = dir.sync_all();
    }
    Ok(())
}

/// Replaces `path` with `value` as pretty JSON (and a final newline), atomically.
pub fn write_json_atomically<T: Serialize>(path: &Path, value: &T) -> io::Result<()> {
    write_atomically_with(path, |out| {
        serde_json::to_writer_pretty(&mut *out, value).map_err(io::Error::other)?;
        out.write_all(b"\n")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_the_owners_alone_and_a_stricter_mode_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        let private = dir.path().join("state/logs");
        create_private_dir(&private).unwrap();
        for made in [dir.path().join("state"), private] {
            let mode = fs::metadata(&made).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o700, "{}", made.display());
        }
        let file = dir.path().join("report.html");
        write_atomically(&file, b"one").unwrap();
        assert_eq!(
            fs::metadata(&file).unwrap().permissions().mode() & 0o777,
            0o600
        );
        fs::set_permissions(&file, fs::Permissions::from_mode(0o400)).unwrap();
        write_atomically(&file, b"two").unwrap();
        assert_eq!(
            fs::metadata(&file).unwrap().permissions().mode() & 0o777,
            0o400
        );
        assert_eq!(fs::read(&file).unwrap(), b"two");
        fs::set_permissions(&file, fs::Permissions::from_mode(0o644)).unwrap();
        write_atomically(&file, b"three").unwrap();
        assert_eq!(
            fs::metadata(&file).unwrap().permissions().mode() & 0o777,
            0o600,
            "a wider file is narrowed"
        );
        let metrics = dir.path().join("ldap2ftrack.prom");
        write_public_atomically(&metrics, b"x 1\n").unwrap();
        assert_eq!(
            fs::metadata(&metrics).unwrap().permissions().mode() & 0o777,
            0o644
        );
    }
}
