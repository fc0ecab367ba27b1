//! Running the servers' tools from the test harnesses: finding them, running them with a
//! deadline, and failing with their output.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

/// The pause between two exit checks.
const POLL_INTERVAL: Duration = Duration::from_millis(10);

/// Where a tool is: on PATH, or in an sbin directory (not on a normal user's PATH on Debian).
pub fn find_tool(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain(["/usr/sbin", "/usr/local/sbin", "/sbin"].map(PathBuf::from))
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
}

/// Runs a command to completion and panics with its output when it fails.
pub fn run_checked(cmd: &mut Command, what: &str) -> Output {
    let out = cmd
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {what}: {e}"));
    if !out.status.success() {
        panic!(
            "{what} failed ({}):\n{}{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    out
}

/// Runs a command with captured output, killing it when it takes longer than `limit`.
pub fn output_within(cmd: &mut Command, limit: Duration) -> Option<Output> {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .ok()?;
    if wait_until(&mut child, Instant::now() + limit).is_none() {
        let _ = child.kill();
        let _ = child.wait();
        return None;
    }
    child.wait_with_output().ok()
}

/// Polls until the child exits or the deadline passes.
pub fn wait_until(child: &mut Child, deadline: Instant) -> Option<ExitStatus> {
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Some(status),
            Ok(None) if Instant::now() < deadline => sleep(POLL_INTERVAL),
            _ => return None,
        }
    }
}

/// An OpenLDAP client tool (`ldapsearch`, `ldapmodify`, ...) at `path` that ignores the
/// machine's `ldap.conf`, `~/.ldaprc` and `LDAP*` variables, runs in `dir` and trusts `ca`
/// (`LDAPTLS_CACERT`, which a test may override).
pub fn ldap_client(path: &Path, dir: &Path, ca: &Path) -> Command {
    let mut cmd = Command::new(path);
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("LDAP") {
            cmd.env_remove(key);
        }
    }
    cmd.env("LDAPCONF", dir.join("ldap.conf"))
        .env("LDAPRC", "ldaprc")
        .env("HOME", dir)
        .env("LDAPTLS_CACERT", ca)
        .current_dir(dir)
        .stdin(Stdio::null());
    cmd
}
