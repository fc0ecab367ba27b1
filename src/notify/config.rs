//! The `[notify]` settings: where the run's summary is posted and which commands hear of it.

use secrecy::SecretString;
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

/// Seconds one webhook attempt may take, by default.
pub const DEFAULT_WEBHOOK_TIMEOUT_SECS: u64 = 5;
/// Webhook attempts after the first, by default.
pub const DEFAULT_WEBHOOK_RETRIES: u32 = 2;
/// Seconds one hook command may run, by default.
pub const DEFAULT_HOOK_TIMEOUT_SECS: u64 = 30;

/// The `[notify]` section.
#[derive(Debug, Clone)]
pub struct NotifyConfig {
    /// Where the run's summary is posted (from `webhook_url` or `webhook_url_file`).
    pub webhook_url: Option<SecretString>,
    /// Extra request headers; their values are secrets (tokens) and never shown.
    pub webhook_headers: BTreeMap<String, SecretString>,
    /// Seconds one webhook attempt may take.
    pub webhook_timeout_secs: u64,
    /// Webhook attempts after the first.
    pub webhook_retries: u32,
    /// Run after every apply (or only one that changed something), the run's JSON on stdin.
    pub on_run: Option<HookCommand>,
    /// When `on_run` runs.
    pub on_run_when: RunWhen,
    /// Run when a run needs a person: refused by a safety limit, conflicts waiting, failures.
    pub on_blocked: Option<HookCommand>,
    /// Run once per user created, the user's JSON on stdin.
    pub on_create: Option<HookCommand>,
    /// Run once per user deactivated, the user's JSON on stdin.
    pub on_deactivate: Option<HookCommand>,
    /// Seconds one hook command may run before it is killed.
    pub hook_timeout_secs: u64,
}

impl Default for NotifyConfig {
    fn default() -> Self {
        Self {
            webhook_url: None,
            webhook_headers: BTreeMap::new(),
            webhook_timeout_secs: DEFAULT_WEBHOOK_TIMEOUT_SECS,
            webhook_retries: DEFAULT_WEBHOOK_RETRIES,
            on_run: None,
            on_run_when: RunWhen::Always,
            on_blocked: None,
            on_create: None,
            on_deactivate: None,
            hook_timeout_secs: DEFAULT_HOOK_TIMEOUT_SECS,
        }
    }
}

impl NotifyConfig {
    /// True when nothing is to be told to anyone.
    pub fn is_empty(&self) -> bool {
        self.webhook_url.is_none()
            && self.on_run.is_none()
            && self.on_blocked.is_none()
            && self.on_create.is_none()
            && self.on_deactivate.is_none()
    }
}

/// A command as a program and its arguments, run without a shell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HookCommand {
    /// The program: a path, or a name looked up in `PATH`.
    pub program: String,
    /// Its arguments, passed as they are.
    pub args: Vec<String>,
}

impl HookCommand {
    /// A command from an argv array; `None` when it is empty.
    pub fn from_argv(mut argv: Vec<String>) -> Option<Self> {
        if argv.is_empty() {
            return None;
        }
        let program = argv.remove(0);
        Some(Self {
            program,
            args: argv,
        })
    }

    /// Why the program cannot be run here: not found (on `PATH`, for a bare name) or not an
    /// executable file.
    pub fn check_runnable(&self, path_var: Option<&std::ffi::OsStr>) -> Result<(), String> {
        use std::os::unix::fs::PermissionsExt;
        let executable = |path: &std::path::Path| {
            std::fs::metadata(path)
                .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        };
        if self.program.contains('/') {
            return match executable(std::path::Path::new(&self.program)) {
                true => Ok(()),
                false => Err(format!("{} is not an executable file", self.program)),
            };
        }
        let found = path_var
            .map(std::env::split_paths)
            .into_iter()
            .flatten()
            .any(|dir| executable(&dir.join(&self.program)));
        match found {
            true => Ok(()),
            false => Err(format!(
                "{} is not found on PATH; give its full path",
                self.program
            )),
        }
    }

    /// The argv, program first.
    pub fn argv(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.program.as_str()).chain(self.args.iter().map(String::as_str))
    }
}

/// When `on_run` runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunWhen {
    /// After every apply.
    Always,
    /// Only after an apply that changed something in ftrack.
    Changed,
}

impl FromStr for RunWhen {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "always" => Ok(Self::Always),
            "changed" => Ok(Self::Changed),
            other => Err(format!(
                "expected \"always\" or \"changed\", found {other:?}"
            )),
        }
    }
}

impl fmt::Display for RunWhen {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Always => "always",
            Self::Changed => "changed",
        })
    }
}
