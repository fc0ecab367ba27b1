//! Running the real binary in a clean environment.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub mod certs;
pub mod cli_sandbox;
pub mod faketime;
pub mod process;
pub mod receiver;
pub mod samba;
pub mod sandbox_http;
pub mod slapd;

/// The crate root, where `assets/` lives.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A path under the crate root.
pub fn asset(relative: &str) -> PathBuf {
    root().join(relative)
}

/// What the binary keeps of the tests' environment: what moves the clock (libfaketime) and
/// the time zone, so that it lives at the same time as the servers a test starts.
const TIME_VARIABLES: [&str; 4] = [
    "LD_PRELOAD",
    "FAKETIME",
    "FAKETIME_DONT_FAKE_MONOTONIC",
    "TZ",
];

/// The binary with an empty environment (no config, no colour hints), HOME in `home`.
pub fn ldap2ftrack(home: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ldap2ftrack"));
    cmd.env_clear().env("HOME", home).current_dir(home);
    for name in TIME_VARIABLES {
        if let Some(value) = std::env::var_os(name) {
            cmd.env(name, value);
        }
    }
    cmd
}

/// What a run printed, decoded.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs a command to completion.
pub fn run(cmd: &mut Command) -> Run {
    let Output {
        status,
        stdout,
        stderr,
    } = cmd.output().expect("the binary runs");
    Run {
        code: status.code().expect("exited normally"),
        stdout: String::from_utf8(stdout).expect("utf-8 stdout"),
        stderr: String::from_utf8(stderr).expect("utf-8 stderr"),
    }
}

/// The JSON plan `cmd` (the binary with its config) makes against the ftrack snapshot
/// `ftrack.json` in its working directory; the run must succeed.
pub fn json_plan(cmd: &mut Command) -> serde_json::Value {
    json_plan_with(cmd, &[])
}

/// [`json_plan`] with more `plan` arguments (such as `--ldif FILE`).
pub fn json_plan_with(cmd: &mut Command, extra: &[&std::ffi::OsStr]) -> serde_json::Value {
    let out = run(cmd
        .args([
            "plan",
            "--ftrack-snapshot",
            "ftrack.json",
            "--format",
            "json",
        ])
        .args(extra));
    assert_eq!(out.code, 0, "{}", out.stderr);
    serde_json::from_str(&out.stdout).expect("a JSON plan")
}

/// `plan` of the demo directory against the demo ftrack snapshot, with the demo's links.
pub fn demo_plan(home: &Path) -> Command {
    let state = demo_state(home);
    let mut cmd = ldap2ftrack(home);
    cmd.arg("-c")
        .arg(asset("assets/demo/config.toml"))
        .arg("plan")
        .arg("--ldif")
        .arg(asset("assets/demo/directory.ldif"))
        .arg("--ftrack-snapshot")
        .arg(asset("assets/demo/ftrack.json"))
        .arg("--state-dir")
        .arg(state);
    cmd
}

/// A state directory holding the demo's identity links.
pub fn demo_state(home: &Path) -> PathBuf {
    let state = home.join("state");
    std::fs::create_dir_all(&state).unwrap();
    std::fs::copy(asset("assets/demo/links.json"), state.join("links.json")).unwrap();
    state
}
