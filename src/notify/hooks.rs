//! Hook commands: a program and its arguments (never a shell unless the config names one),
//! JSON on stdin, killed with everything it started when its time is up.

use super::config::HookCommand;
use std::process::Stdio;
use std::time::Duration;
use tokio::io::AsyncWriteExt;

/// Lines of a failed hook's stderr quoted in its warning.
const STDERR_LINES: usize = 3;

/// Why a hook did not succeed. It never undoes the change it was told of.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HookFailure {
    /// The program could not be started (missing, not executable).
    #[error("cannot start {program}: {message}")]
    NotStarted {
        /// The program.
        program: String,
        /// The system's message.
        message: String,
    },
    /// It ended with a non-zero status or a signal.
    #[error("{program} {how}{}", stderr_note(.stderr))]
    Failed {
        /// The program.
        program: String,
        /// `exited with status 3` or `was killed by a signal`.
        how: String,
        /// The last lines of its stderr.
        stderr: String,
    },
    /// It was still running when its time was up, and was killed.
    #[error("{program} did not finish within {secs} s and was stopped")]
    TimedOut {
        /// The program.
        program: String,
        /// The timeout.
        secs: u64,
    },
}

fn stderr_note(stderr: &str) -> String {
    if stderr.is_empty() {
        String::new()
    } else {
        format!(": {stderr}")
    }
}

/// One call of a hook.
pub struct HookCall<'a> {
    /// The command.
    pub command: &'a HookCommand,
    /// Which hook it is (`on_run`, ...), given to it as `LDAP2FTRACK_HOOK`.
    pub hook: &'static str,
    /// Its stdin.
    pub input: Vec<u8>,
    /// Time allowed.
    pub timeout: Duration,
    /// Variables removed from its environment (the secrets this tool was given).
    pub hidden_env: &'a [&'static str],
}

/// Runs the hook to its end or its timeout.
pub async fn run_hook(call: HookCall<'_>) -> Result<(), HookFailure> {
    let program = call.command.program.clone();
    let mut command = tokio::process::Command::new(&call.command.program);
    command
        .args(&call.command.args)
        .env("LDAP2FTRACK_HOOK", call.hook)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        // Its own process group, so that a timeout stops what it started too.
        .process_group(0)
        .kill_on_drop(true);
    for name in call.hidden_env {
        command.env_remove(name);
    }
    let mut child = command.spawn().map_err(|e| HookFailure::NotStarted {
        program: program.clone(),
        message: e.to_string(),
    })?;
    let group = child.id();
    let stdin = child.stdin.take();
    let input = call.input;
    let write = async move {
        if let Some(mut stdin) = stdin {
            // A hook that does not read its input is not wrong; a closed pipe is ignored.
            let _ = stdin.write_all(&input).await;
        }
    };
    let both = async { tokio::join!(write, child.wait_with_output()).1 };
    let output = match tokio::time::timeout(call.timeout, both).await {
        Ok(output) => output,
        Err(_) => {
            stop_group(group);
            return Err(HookFailure::TimedOut {
                program,
                secs: call.timeout.as_secs(),
            });
        }
    };
    let output = output.map_err(|e| HookFailure::NotStarted {
        program: program.clone(),
        message: e.to_string(),
    })?;
    if output.status.success() {
        return Ok(());
    }
    let how = match output.status.code() {
        Some(code) => format!("exited with status {code}"),
        None => "was killed by a signal".to_string(),
    };
    Err(HookFailure::Failed {
        program,
        how,
        stderr: last_lines(&output.stderr),
    })
}

/// Kills the hook's process group (the hook itself is killed when its handle drops).
fn stop_group(group: Option<u32>) {
    let Some(pid) = group.and_then(|id| i32::try_from(id).ok()) else {
        return;
    };
    let _ = nix::sys::signal::killpg(
        nix::unistd::Pid::from_raw(pid),
        nix::sys::signal::Signal::SIGKILL,
    );
}

fn last_lines(stderr: &[u8]) -> String {
    let text = String::from_utf8_lossy(stderr);
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let start = lines.len().saturating_sub(STDERR_LINES);
    crate::characters::printable(&lines[start..].join(" / ")).to_string()
}

#[cfg(test)]
mod tests {
    use super::{HookCall, HookFailure, run_hook};
    use crate::notify::config::HookCommand;
    use std::time::Duration;

    fn script(dir: &std::path::Path, name: &str, body: &str) -> HookCommand {
        use std::os::unix::fs::PermissionsExt;
        let path = dir.join(name);
        std::fs::write(&path, format!("#!/bin/bash\n{body}\n")).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o700)).unwrap();
        HookCommand::from_argv(vec![path.display().to_string(), "arg one".into()]).unwrap()
    }

    fn call(command: &HookCommand, secs: u64) -> Result<(), HookFailure> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(run_hook(HookCall {
            command,
            hook: "on_run",
            input: b"{\"x\":1}".to_vec(),
            timeout: Duration::from_secs(secs),
            hidden_env: &["LDAP2FTRACK_TEST_SECRET"],
        }))
    }

    #[test]
    fn a_hook_gets_its_input_and_its_arguments_without_a_shell() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let body = format!(
            "cat > {out}.stdin; printf '%s|%s' \"$1\" \"$LDAP2FTRACK_HOOK\" > {out}",
            out = out.display()
        );
        let command = script(dir.path(), "hook", &body);
        assert_eq!(call(&command, 10), Ok(()));
        assert_eq!(
            std::fs::read_to_string(format!("{}.stdin", out.display())).unwrap(),
            "{\"x\":1}"
        );
        assert_eq!(std::fs::read_to_string(&out).unwrap(), "arg one|on_run");
    }

    #[test]
    fn a_failing_missing_or_endless_hook_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        let failing = script(dir.path(), "fail", "echo 'no ticket system' >&2; exit 3");
        let error = call(&failing, 10).unwrap_err().to_string();
        assert!(
            error.contains("exited with status 3: no ticket system"),
            "{error}"
        );
        let missing = HookCommand::from_argv(vec!["/nonexistent/hook".into()]).unwrap();
        let error = call(&missing, 10).unwrap_err();
        assert!(matches!(error, HookFailure::NotStarted { .. }), "{error}");
        let endless = script(dir.path(), "endless", "sleep 600");
        let error = call(&endless, 1).unwrap_err();
        assert!(
            matches!(error, HookFailure::TimedOut { secs: 1, .. }),
            "{error}"
        );
    }
}
