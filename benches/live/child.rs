//! Running the programs measured side by side as child processes, each timed from spawn to
//! exit with its own peak resident memory.
//!
//! Linux counts into a process's peak RSS the memory of the process it was forked from, up
//! to its `exec`; spawned straight from this benchmark, which holds the sandbox, every child
//! would report at least the benchmark's own peak. So each program is started by a small
//! copy of this binary (`--measure`), which spawns it, waits for it with `wait4` and writes
//! what it took to a report file.

use std::ffi::OsString;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The first argument that makes this binary the measuring wrapper.
const MEASURE: &str = "--measure";

/// What one run of a child took.
#[derive(Debug, Clone, Copy)]
pub struct Usage {
    /// From spawn to exit.
    pub wall: Duration,
    /// Peak resident set size, in MB (10^6 bytes).
    pub max_rss_mb: f64,
}

/// Runs `cmd` through the wrapper with stdout and stderr written to `out` and `out.err`;
/// panics, quoting stderr, when it fails. The environment `cmd` keeps must be given by
/// explicit settings and removals: the wrapper cannot see `Command::env_clear`.
pub fn run_measured(cmd: &Command, out: &Path) -> Usage {
    let err_path = out.with_extension("err");
    let report = out.with_extension("usage");
    let stdout = File::create(out).expect("the output file is created");
    let stderr = File::create(&err_path).expect("the error file is created");
    let status = wrapped(cmd, &report)
        .stdin(Stdio::null())
        .stdout(stdout)
        .stderr(stderr)
        .status()
        .expect("the measuring wrapper runs");
    if !status.success() {
        let stderr = std::fs::read_to_string(&err_path).unwrap_or_default();
        panic!("{cmd:?} failed ({status}):\n{stderr}");
    }
    read_report(&report)
}

/// The wrapper running `cmd`, reporting to `report`.
fn wrapped(cmd: &Command, report: &Path) -> Command {
    let mut wrapper = Command::new(std::env::current_exe().expect("this benchmark's path"));
    wrapper
        .arg(MEASURE)
        .arg(report)
        .arg(cmd.get_program())
        .args(cmd.get_args());
    for (key, value) in cmd.get_envs() {
        match value {
            Some(value) => wrapper.env(key, value),
            None => wrapper.env_remove(key),
        };
    }
    if let Some(dir) = cmd.get_current_dir() {
        wrapper.current_dir(dir);
    }
    wrapper
}

/// The wall time and peak RSS a wrapper wrote.
fn read_report(report: &Path) -> Usage {
    let text = std::fs::read_to_string(report).expect("the wrapper wrote its report");
    let numbers: Vec<f64> = text
        .split_whitespace()
        .map(|n| n.parse().expect("a number"))
        .collect();
    Usage {
        wall: Duration::from_secs_f64(numbers[0]),
        // Linux reports ru_maxrss in KiB.
        max_rss_mb: numbers[1] * 1024.0 / 1e6,
    }
}

/// When this process was started as the wrapper, runs the program its arguments name, writes
/// the report and exits with the program's exit code; otherwise returns.
pub fn measure_if_asked() {
    let args: Vec<OsString> = std::env::args_os().collect();
    if args.get(1).is_none_or(|a| a != MEASURE) || args.len() < 4 {
        return;
    }
    let start = Instant::now();
    let child = Command::new(&args[3])
        .args(&args[4..])
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {:?}: {e}", args[3]));
    let (status, usage) = wait4(child.id());
    let wall = start.elapsed().as_secs_f64();
    let report = format!("{wall} {}\n", usage.ru_maxrss);
    std::fs::write(&args[2], report).expect("the report is written");
    let code = match libc::WIFEXITED(status) {
        true => libc::WEXITSTATUS(status),
        false => 128 + libc::WTERMSIG(status),
    };
    std::process::exit(code);
}

/// Waits for child `pid` to exit; its wait status and resource usage.
fn wait4(pid: u32) -> (i32, libc::rusage) {
    let mut status = 0;
    // SAFETY: an all-zero `rusage` is a valid value of this plain C struct.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        // SAFETY: both pointers are to live locals; `pid` is our own unreaped child, which
        // `std::process::Child` never waits for on its own.
        let reaped = unsafe { libc::wait4(pid as libc::pid_t, &mut status, 0, &mut usage) };
        match reaped {
            -1 if std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted => {}
            -1 => panic!("wait4: {}", std::io::Error::last_os_error()),
            _ => return (status, usage),
        }
    }
}

/// The Python interpreter itself, not a version manager's shim script in front of it, so
/// that its start-up is what is timed.
pub fn python() -> PathBuf {
    let out = Command::new("python3")
        .args(["-c", "import sys; print(sys.executable)"])
        .output()
        .expect("python3 runs");
    assert!(out.status.success(), "python3 runs");
    PathBuf::from(String::from_utf8_lossy(&out.stdout).trim())
}

/// How many entries an LDIF file holds.
pub fn ldif_entries(path: &Path) -> usize {
    let text = std::fs::read(path).expect("the LDIF is read");
    text.split(|b| *b == b'\n')
        .filter(|line| line.starts_with(b"dn: "))
        .count()
}
