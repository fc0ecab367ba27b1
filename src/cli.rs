//! Command-line definitions (clap). Parsing only; the commands live in `commands`.

mod examples;

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Keeps the users of an ftrack server in sync with LDAP or Active Directory.
#[derive(Debug, Parser)]
#[command(
    name = "ldap2ftrack",
    version,
    about,
    propagate_version = true,
    after_long_help = examples::TOP
)]
pub struct Cli {
    /// Configuration file (default: $LDAP2FTRACK_CONFIG, else built-in defaults and environment).
    #[arg(short, long, global = true, value_name = "FILE", help_heading = GLOBAL)]
    pub config: Option<PathBuf>,
    /// More detail on stderr (may be repeated).
    #[arg(
        short,
        long,
        global = true,
        conflicts_with = "quiet",
        overrides_with = "verbose",
        help_heading = GLOBAL
    )]
    pub verbose: bool,
    /// Only errors and safety warnings on stderr (no summary line, no progress).
    #[arg(short, long, global = true, overrides_with = "quiet", help_heading = GLOBAL)]
    pub quiet: bool,
    /// Never ask questions: fail instead of prompting (cron, systemd, scripts).
    #[arg(long, global = true, help_heading = GLOBAL)]
    pub no_input: bool,
    /// When to colour the output (NO_COLOR in the environment means never).
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, help_heading = GLOBAL)]
    pub color: ColorChoice,
    /// What to do (on a terminal, `review` when left out).
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The help heading of the options every command takes.
const GLOBAL: &str = "Global options";

/// When to use colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// When writing to a terminal and NO_COLOR is unset.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// The reconciliation console: review every change, resolve conflicts, commit (the default on a terminal).
    #[command(after_long_help = examples::REVIEW)]
    Review(ReviewArgs),
    /// Compute and print the changes a sync would make; never writes anything to ftrack or the state directory.
    #[command(after_long_help = examples::PLAN)]
    Plan(PlanArgs),
    /// Apply changes to ftrack: a saved plan exactly, or a fresh plan (needs --auto-approve or
    /// --decisions when nobody is there to confirm).
    #[command(after_long_help = examples::APPLY)]
    Apply(ApplyArgs),
    /// Long-running (a systemd `simple` service): `apply --changed --auto-approve` every
    /// [sync] interval, reading everything every [sync] full_every; SIGTERM stops it between runs.
    #[command(after_long_help = examples::WATCH)]
    Watch(WatchArgs),
    /// Write a reconciliation report (json, csv, md, html) from a saved plan or apply outcome.
    #[command(after_long_help = examples::REPORT)]
    Report(ReportArgs),
    /// Check the configuration, LDAP (bind, TLS, matching users), ftrack and the state directory, one line each.
    #[command(after_long_help = examples::CHECK)]
    Check,
    /// Serve the ftrack emulator (for tests, benchmarks and trying the tool without a server).
    #[command(after_long_help = examples::SANDBOX)]
    Sandbox(SandboxArgs),
    /// The console on a bundled demo studio and an in-process ftrack sandbox (prints the plan
    /// when not on a terminal); no set-up, no network.
    #[command(after_long_help = examples::DEMO)]
    Demo(DemoArgs),
    /// Show or check the configuration.
    #[command(subcommand, after_long_help = examples::CONFIG)]
    Config(ConfigCommand),
    /// First-run setup: probe the directory and ftrack, propose settings for the kind of
    /// server, and write a commented config with its secrets in separate 0600 files.
    #[command(after_long_help = examples::INIT)]
    Init(InitArgs),
    /// Print a shell completion script to stdout.
    #[command(after_long_help = examples::COMPLETIONS)]
    Completions(CompletionsArgs),
    /// Write the manual pages (one per command) into DIR, or print the main page to stdout.
    #[command(after_long_help = examples::MAN)]
    Man(ManArgs),
}

/// `completions` options.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// `man` options.
#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write ldap2ftrack.1 and ldap2ftrack-COMMAND.1 here (created if missing); without it the
    /// main page goes to stdout.
    #[arg(value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

mod init;
pub use init::InitArgs;

/// `demo` options.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// When the console closes, write the demo ftrack server's users and groups to this
    /// snapshot file (to see what a commit did).
    #[arg(long, value_name = "FILE")]
    pub dump: Option<PathBuf>,
    /// Output options (used when printing the plan instead of opening the console).
    #[command(flatten)]
    pub output: OutputArgs,
}

/// `review` options.
#[derive(Debug, Clone, Default, Args)]
pub struct ReviewArgs {
    /// Read the directory from an LDIF export instead of the configured LDAP server.
    #[arg(long, value_name = "FILE")]
    pub ldif: Option<PathBuf>,
    /// State directory (links, decisions, lock, audit log, logs); overrides [state] dir.
    #[arg(long, value_name = "DIR")]
    pub state_dir: Option<PathBuf>,
    /// Where `w` saves the decisions file (for `apply --decisions`).
    #[arg(long, value_name = "FILE", default_value = "decisions.json")]
    pub decisions_file: PathBuf,
    /// Start with the decisions autosaved by the last console session (after a dropped SSH session).
    #[arg(long)]
    pub resume: bool,
    /// Read only the directory entries changed since the last successful `--changed` run (as
    /// `plan --changed`); a commit that applies every change moves the watermark.
    #[arg(long)]
    pub changed: bool,
    /// Rollout scope.
    #[command(flatten)]
    pub scope: ScopeArgs,
}

/// `apply` options.
#[derive(Debug, Args)]
pub struct ApplyArgs {
    /// A plan saved with `plan --out`: applied exactly as saved, or refused (exit 5) if ftrack
    /// changed since.
    #[arg(value_name = "PLANFILE")]
    pub plan_file: Option<PathBuf>,
    /// Apply every change that is not a conflict, without asking. Conflicts are parked.
    #[arg(long)]
    pub auto_approve: bool,
    /// A decisions file (as written by the console): only approved items are applied unless
    /// --auto-approve; ignore, link and rename decisions are kept for later runs.
    #[arg(long, value_name = "FILE")]
    pub decisions: Option<PathBuf>,
    /// Exit 6 when conflicts are left unresolved.
    #[arg(long)]
    pub fail_on_conflict: bool,
    /// Exit 7 when the directory read was incomplete (deactivations and membership removals
    /// were held back), for monitoring.
    #[arg(long)]
    pub fail_on_incomplete: bool,
    /// Directory source, state, safety limit, report and scope.
    #[command(flatten)]
    pub planning: PlanningArgs,
    /// Also write the outcome as JSON here (the state directory always keeps the last one).
    #[arg(long, value_name = "FILE")]
    pub outcome: Option<PathBuf>,
    /// The audit log (JSON Lines, mode 0600); default: audit.jsonl in the state directory.
    #[arg(long, value_name = "FILE")]
    pub audit_log: Option<PathBuf>,
    /// Write Prometheus textfile metrics (last success, duration, counts) here, atomically.
    #[arg(long, value_name = "FILE")]
    pub metrics_file: Option<PathBuf>,
}

/// `watch` options: those of an unattended `apply`, and the rhythm.
#[derive(Debug, Clone, Args)]
pub struct WatchArgs {
    /// Time from the start of one run to the start of the next; overrides [sync] interval.
    #[arg(long, value_name = "DURATION")]
    pub interval: Option<crate::incremental::Period>,
    /// Stop after this many runs (for tests and one-off checks).
    #[arg(long, value_name = "N", hide = true)]
    pub runs: Option<u32>,
    /// State directory; overrides [state] dir.
    #[arg(long, value_name = "DIR")]
    pub state_dir: Option<PathBuf>,
    /// Safety limit on deactivations: a count ("25") or a share of active users ("5%").
    #[arg(long, value_name = "N|P%")]
    pub max_deactivate: Option<String>,
    /// The audit log (JSON Lines, mode 0600); default: audit.jsonl in the state directory.
    #[arg(long, value_name = "FILE")]
    pub audit_log: Option<PathBuf>,
    /// Write Prometheus textfile metrics after every run, atomically.
    #[arg(long, value_name = "FILE")]
    pub metrics_file: Option<PathBuf>,
}

/// The options `plan` and `apply` share: where the directory is read, the state directory,
/// the safety limit, the report of the run, and the rollout scope.
#[derive(Debug, Clone, Default, Args)]
pub struct PlanningArgs {
    /// Read the directory from an LDIF export instead of the configured LDAP server
    /// ([ldap] uri, bind_dn, user_base_dn, ... or LDAP_URI, LDAP_BIND_DN, ...).
    #[arg(long, value_name = "FILE")]
    pub ldif: Option<PathBuf>,
    /// State directory (identity links, decisions, lock, audit log, last-run figures);
    /// overrides [state] dir.
    #[arg(long, value_name = "DIR")]
    pub state_dir: Option<PathBuf>,
    /// Safety limit on deactivations: a count ("25") or a share of active users ("5%").
    #[arg(long, value_name = "N|P%")]
    pub max_deactivate: Option<String>,
    /// Also write a reconciliation report (format from the extension, or --report-format).
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
    /// Format of the --report file.
    #[arg(long, value_enum, value_name = "FORMAT", requires = "report")]
    pub report_format: Option<crate::report::export::ReportFormat>,
    /// Read only the directory entries changed since the last successful `--changed` run
    /// (modifyTimestamp, uSNChanged or whenChanged); nobody is deactivated by such a read. A
    /// full read is made instead every [sync] full_every, and whenever the watermark is
    /// missing or cannot be trusted; the plan says which.
    #[arg(long)]
    pub changed: bool,
    /// Rollout scope.
    #[command(flatten)]
    pub scope: ScopeArgs,
}

/// `report` options.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The saved plan (`plan --format json -o FILE` or `plan --out FILE`) or apply outcome (JSON).
    #[arg(long, value_name = "FILE", required_unless_present_any = ["history", "compare"])]
    pub from: Option<PathBuf>,
    /// List the runs kept in the state directory's history (every apply and console commit,
    /// the last 100), latest first.
    #[arg(long, conflicts_with_all = ["from", "compare"])]
    pub history: bool,
    /// What changed from A to B: who appeared, left or changed (action, result, username, name,
    /// groups). Each is a saved plan or outcome file, or a run of the history: `@1` the latest,
    /// `@2` the one before, or a run id.
    #[arg(long, num_args = 2, value_names = ["A", "B"], conflicts_with = "from")]
    pub compare: Option<Vec<String>>,
    /// State directory holding the history; overrides [state] dir.
    #[arg(long, value_name = "DIR")]
    pub state_dir: Option<PathBuf>,
    /// Report format (default: from the extension of -o, else md).
    #[arg(long, value_enum)]
    pub format: Option<crate::report::export::ReportFormat>,
    /// Write the report to FILE instead of stdout ("-" is stdout); written atomically.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Start a CSV report with a UTF-8 byte-order mark, so Excel reads accents and CJK right.
    #[arg(long)]
    pub bom: bool,
    /// Also list the users already in sync (by default they are only counted).
    #[arg(long)]
    pub unchanged: bool,
}

/// `sandbox` options.
#[derive(Debug, Args)]
pub struct SandboxArgs {
    /// Address to listen on; port 0 picks a free port.
    #[arg(long, value_name = "ADDR:PORT", default_value = "127.0.0.1:0")]
    pub listen: std::net::SocketAddr,
    /// The API user clients must send (ftrack-user header).
    #[arg(long, value_name = "USER", default_value = "sandbox")]
    pub api_user: String,
    /// The API key clients must send (ftrack-api-key header).
    #[arg(long, value_name = "KEY", default_value = "sandbox-key")]
    pub api_key: String,
    /// Load users, groups, security roles and projects from an ftrack snapshot file first.
    #[arg(long, value_name = "FILE")]
    pub seed: Option<PathBuf>,
    /// Write the users, groups, security roles and projects to this snapshot file on exit.
    #[arg(long, value_name = "FILE")]
    pub dump: Option<PathBuf>,
    /// The security role users created through the API get on all open projects; `User` by
    /// default (when the sandbox has that role), `""` for none.
    #[arg(long, value_name = "ROLE")]
    pub default_role: Option<String>,
    /// Faults to inject, e.g. `latency=50ms,error_rate=0.2,error_status=429,retry_after=2,drop_rate=0.05,fail_request=3,seed=7`.
    #[arg(long, value_name = "SPEC", default_value = "")]
    pub faults: crate::sandbox::faults::Faults,
}

/// `config` subcommands.
#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Print the effective configuration with where each value came from (secrets redacted).
    #[command(after_long_help = examples::CONFIG_SHOW)]
    Show,
    /// Check the configuration; exits 78 when it is invalid.
    #[command(after_long_help = examples::CONFIG_VALIDATE)]
    Validate,
}

/// Where the plan is written and how.
#[derive(Debug, Clone, Args)]
pub struct OutputArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Write the plan to FILE instead of stdout ("-" is stdout).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Also list unchanged and skipped users in text output.
    #[arg(long)]
    pub all: bool,
    /// Exit 2 when the plan has changes, 0 when it has none.
    #[arg(long)]
    pub detailed_exitcode: bool,
    /// Exit 6 when the plan holds conflicts, which a person must resolve (before the 2 of
    /// --detailed-exitcode).
    #[arg(long)]
    pub fail_on_conflict: bool,
}

/// Output formats of a plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Human-readable, one line per user with a marker (+ ~ - ^ ! = .).
    Text,
    /// Machine-readable JSON with `format_version`.
    Json,
}

/// `plan` options.
#[derive(Debug, Args)]
pub struct PlanArgs {
    /// Also save the plan as JSON for `apply PLANFILE` (applied exactly, or refused if stale).
    #[arg(long, value_name = "PLANFILE")]
    pub out: Option<PathBuf>,
    /// Read ftrack users from a snapshot file instead of the configured server
    /// (ftrack.server, ftrack.api_user, ftrack.api_key or FTRACK_SERVER, FTRACK_API_USER, FTRACK_API_KEY).
    #[arg(long, value_name = "FILE")]
    pub ftrack_snapshot: Option<PathBuf>,
    /// Directory source, state, safety limit, report and scope.
    #[command(flatten)]
    pub planning: PlanningArgs,
    /// Output options.
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Staged-rollout flags shared by the commands that plan.
#[derive(Debug, Clone, Default, Args)]
pub struct ScopeArgs {
    /// Only these users (directory or ftrack usernames): several after one flag, or repeated.
    #[arg(long = "only-user", value_name = "LOGIN", num_args = 1..)]
    pub only_users: Vec<String>,
    /// Only members of these groups (directory group name or DN, or ftrack group): several
    /// after one flag, or repeated.
    #[arg(long = "only-group", value_name = "NAME", num_args = 1..)]
    pub only_groups: Vec<String>,
    /// An extra LDAP filter, ANDed with the configured user filter; ftrack users it does not
    /// read are left alone (out of scope), never deactivated.
    #[arg(long, value_name = "EXPR", value_parser = ldap_filter_text)]
    pub ldap_filter: Option<String>,
    /// Only the first N directory users (by username).
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
    /// Plan no creations.
    #[arg(long)]
    pub no_create: bool,
    /// Plan no updates or reactivations.
    #[arg(long)]
    pub no_update: bool,
    /// Plan no deactivations.
    #[arg(long)]
    pub no_deactivate: bool,
    /// Deactivate users waiting out a grace period (`deactivate_after`) now, within the
    /// safety limits; narrow it with --only-user.
    #[arg(long)]
    pub now: bool,
}

/// Accepts an `--ldap-filter` only if it parses (RFC 4515), so a typo is a usage error.
fn ldap_filter_text(text: &str) -> Result<String, String> {
    text.parse::<crate::source::filter::Filter>()
        .map(|_| text.to_string())
        .map_err(|e| e.to_string())
}
