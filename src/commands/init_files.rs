//! The files `init` writes: the config and the secret files beside it, all mode 0600, none
//! written over without leave.

use crate::atomic_file::{create_private_dir, write_atomically};
use secrecy::{ExposeSecret, SecretString};
use std::path::{Path, PathBuf};

/// The file name of the bind password written beside the config.
pub const BIND_PASSWORD: &str = "bind_password";
/// The file name of the ftrack API key written beside the config.
pub const API_KEY: &str = "ftrack_api_key";

/// A secret to be written to a file of its own.
pub struct SecretFile {
    /// Where.
    pub path: PathBuf,
    /// What.
    pub secret: SecretString,
}

/// Where a secret is kept: a file the admin named (left as it is), or one `init` writes.
pub enum SecretPlace {
    /// A file given with a flag; the config names it.
    Given(PathBuf),
    /// A secret given in the environment or typed; written beside the config.
    New(SecretString),
}

/// Everything `init` writes.
pub struct Output {
    /// The config file.
    pub config: PathBuf,
    /// The secret files.
    pub secrets: Vec<SecretFile>,
}

impl Output {
    /// The files that exist already.
    pub fn existing(&self) -> Vec<&Path> {
        std::iter::once(self.config.as_path())
            .chain(self.secrets.iter().map(|s| s.path.as_path()))
            .filter(|path| path.exists() || path.is_symlink())
            .collect()
    }

    /// Writes the secret files, then the config (so that the config never names a file that
    /// is not there yet), each atomically and readable by its owner only.
    pub fn write(&self, config_text: &str) -> std::io::Result<()> {
        if let Some(dir) = self.config.parent().filter(|d| !d.as_os_str().is_empty()) {
            create_private_dir(dir)?;
        }
        for secret in &self.secrets {
            let mut text = secret.secret.expose_secret().to_string();
            text.push('\n');
            write_atomically(&secret.path, text.as_bytes())?;
        }
        write_atomically(&self.config, config_text.as_bytes())
    }
}

/// The directory the config's relative paths are taken from.
pub fn config_dir(config: &Path) -> PathBuf {
    config
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

/// A path given on the command line (relative to the working directory), as the config must
/// name it: absolute, since the config's own relative paths start from its directory.
pub fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

/// Reads a secret from a file given with a flag, as the config loader will: one trailing
/// newline dropped, never empty.
pub fn read_secret(path: &Path, flag: &str) -> Result<SecretString, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("{flag} {}: cannot read it: {e}", path.display()))?;
    let secret = text
        .strip_suffix('\n')
        .map_or(text.as_str(), |t| t.strip_suffix('\r').unwrap_or(t));
    if secret.is_empty() {
        return Err(format!("{flag} {}: the file is empty", path.display()));
    }
    Ok(SecretString::from(secret.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn every_file_is_written_for_its_owner_only_and_existing_ones_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let output = Output {
            config: dir.path().join("etc/config.toml"),
            secrets: vec![SecretFile {
                path: dir.path().join("etc").join(BIND_PASSWORD),
                secret: SecretString::from("pa ss"),
            }],
        };
        assert!(output.existing().is_empty());
        output.write("[ldap]\n").unwrap();
        for path in [&output.config, &output.secrets[0].path] {
            let mode = std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "{}", path.display());
        }
        assert_eq!(
            std::fs::read_to_string(&output.secrets[0].path).unwrap(),
            "pa ss\n"
        );
        assert_eq!(output.existing().len(), 2);
        let read = read_secret(&output.secrets[0].path, "--x").unwrap();
        assert_eq!(read.expose_secret(), "pa ss");
    }

    #[test]
    fn an_empty_secret_file_is_refused_with_its_flag() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("empty");
        std::fs::write(&path, "\n").unwrap();
        let error = read_secret(&path, "--bind-password-file").unwrap_err();
        assert!(error.starts_with("--bind-password-file "), "{error}");
        assert!(error.ends_with("the file is empty"), "{error}");
    }
}
