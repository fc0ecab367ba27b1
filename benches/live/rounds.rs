//! The live `plan` against its two floors, in interleaved rounds so that machine noise hits
//! all three alike: `ldapsearch` reading the same attributes, the stdlib Python script paging
//! the same ftrack projection, and the release binary's `plan --format json -o FILE`.

use crate::child::{Usage, ldif_entries, python, run_measured};
use crate::common::ATTRIBUTES;
use crate::slapd::{READER_DN, READER_PASSWORD, Slapd};
use crate::world::PEOPLE;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// Which entries both LDAP readers take.
pub const USER_FILTER: &str = "(objectClass=inetOrgPerson)";
/// The plan may take at most this many times the sum of the floors.
const RATIO_TARGET: f64 = 1.3;
/// The library's directory read may take at most this many times as long as `ldapsearch`.
const DIRECTORY_TARGET: f64 = 1.1;
/// The plan's peak resident memory may be at most this, in MB.
const RSS_TARGET_MB: f64 = 250.0;

/// The servers and files one benchmark run measures against.
pub struct Live<'a> {
    /// The directory.
    pub slapd: &'a Slapd,
    /// The sandbox's URL.
    pub ftrack_url: &'a str,
    /// The run's scratch directory, also the binary's HOME.
    pub dir: &'a Path,
    /// Users the directory holds.
    pub users: usize,
}

/// What one round measured.
struct Round {
    ldapsearch: Usage,
    directory: Duration,
    python: Usage,
    plan: Usage,
}

impl Round {
    /// The plan's time over the sum of the floors' times.
    fn ratio(&self) -> f64 {
        self.plan.wall.as_secs_f64()
            / (self.ldapsearch.wall.as_secs_f64() + self.python.wall.as_secs_f64())
    }
}

/// The release binary, in a clean environment with HOME in `home`.
pub fn ldap2ftrack(home: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ldap2ftrack"));
    // Each variable removed by name rather than by `env_clear`, which the wrapper cannot see.
    for (key, _) in std::env::vars_os() {
        cmd.env_remove(key);
    }
    cmd.env("HOME", home).current_dir(home);
    cmd
}

/// Writes the configuration of the live plan: slapd over StartTLS with the test CA, the
/// sandbox, and a state directory holding the links of a past sync.
pub fn write_config(live: &Live, key_file: &Path, state: &Path) -> PathBuf {
    let password_file = live.dir.join("bind_password");
    std::fs::write(&password_file, format!("{READER_PASSWORD}\n")).expect("password written");
    let config = live.dir.join("config.toml");
    let text = format!(
        "[ldap]\nuri = \"{}\"\nbind_dn = \"{READER_DN}\"\nbind_password_file = \"{}\"\nuser_base_dn = \"{PEOPLE}\"\nuser_filter = \"{USER_FILTER}\"\nstarttls = true\nca_file = \"{}\"\npage_size = 1000\ntimeout_secs = 300\n\n[ftrack]\nserver = \"{}\"\napi_user = \"{}\"\napi_key_file = \"{}\"\ntimeout_secs = 300\n\n[state]\ndir = \"{}\"\n",
        live.slapd.ldap_uri(),
        password_file.display(),
        live.slapd.ca_file().display(),
        live.ftrack_url,
        crate::sandbox::API_USER,
        key_file.display(),
        state.display(),
    );
    std::fs::write(&config, text).expect("config written");
    config
}

/// `ldapsearch -ZZ -E pr=1000/noprompt` of the users' attributes, its LDIF written to `out`.
fn ldapsearch_floor(live: &Live, out: &Path) -> Usage {
    let mut search = live.slapd.ldap_tool("ldapsearch");
    search
        .args(["-x", "-ZZ", "-LLL", "-E", "pr=1000/noprompt", "-H"])
        .arg(live.slapd.ldap_uri())
        .args([
            "-D",
            READER_DN,
            "-w",
            READER_PASSWORD,
            "-b",
            PEOPLE,
            USER_FILTER,
        ])
        .args(ATTRIBUTES);
    let usage = run_measured(&search, out);
    assert_eq!(ldif_entries(out), live.users, "ldapsearch read every user");
    usage
}

/// The Python script reading every ftrack user.
fn python_floor(live: &Live, python: &Path) -> Usage {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/live/ftrack_floor.py");
    let mut cmd = Command::new(python);
    cmd.arg(script).args([
        live.ftrack_url,
        crate::sandbox::API_USER,
        crate::sandbox::API_KEY,
    ]);
    run_measured(&cmd, &live.dir.join("python.out"))
}

/// The live plan, its JSON written to `plan.json` in the scratch directory.
fn live_plan(live: &Live, config: &Path) -> Usage {
    let mut cmd = ldap2ftrack(live.dir);
    cmd.arg("-q")
        .arg("-c")
        .arg(config)
        .args(["plan", "--format", "json", "-o"])
        .arg(live.dir.join("plan.json"));
    run_measured(&cmd, &live.dir.join("plan.out"))
}

/// The plan's summary line, from the JSON it wrote.
fn plan_summary(dir: &Path) -> String {
    let text = std::fs::read_to_string(dir.join("plan.json")).expect("the plan was written");
    let plan: serde_json::Value = serde_json::from_str(&text).expect("the plan is JSON");
    plan["summary"].to_string()
}

/// Runs `rounds` interleaved rounds and prints every figure; returns the path of the LDIF
/// export the last `ldapsearch` wrote.
pub fn run(live: &Live, config: &Path, rounds: usize) -> PathBuf {
    let python = python();
    let export = live.dir.join("export.ldif");
    let mut all = Vec::new();
    for round in 1..=rounds {
        let measured = Round {
            ldapsearch: ldapsearch_floor(live, &export),
            directory: crate::directory::read_time(live.slapd, live.users),
            python: python_floor(live, &python),
            plan: live_plan(live, config),
        };
        print_round(round, &measured);
        all.push(measured);
    }
    println!("  plan summary: {}", plan_summary(live.dir));
    print_verdict(&all);
    export
}

fn print_round(round: usize, r: &Round) {
    println!(
        "  round {round}: ldapsearch {:.2} s, directory read {:.2} s, python {:.2} s, plan {:.2} s ({:.2}x the floors), plan peak RSS {:.0} MB",
        r.ldapsearch.wall.as_secs_f64(),
        r.directory.as_secs_f64(),
        r.python.wall.as_secs_f64(),
        r.plan.wall.as_secs_f64(),
        r.ratio(),
        r.plan.max_rss_mb
    );
}

/// The median of some durations.
pub fn median(mut values: Vec<Duration>) -> Duration {
    values.sort();
    values[values.len() / 2]
}

/// "PASS" or "MISS".
pub fn verdict(ok: bool) -> &'static str {
    if ok { "PASS" } else { "MISS" }
}

/// Medians, best round, the ratio of medians and the peak RSS, against the targets.
fn print_verdict(all: &[Round]) {
    let med = |f: fn(&Round) -> Duration| median(all.iter().map(f).collect());
    let (search, python, plan) = (
        med(|r| r.ldapsearch.wall),
        med(|r| r.python.wall),
        med(|r| r.plan.wall),
    );
    let ratio = plan.as_secs_f64() / (search + python).as_secs_f64();
    let best = all.iter().map(Round::ratio).fold(f64::INFINITY, f64::min);
    let rss = all.iter().map(|r| r.plan.max_rss_mb).fold(0.0, f64::max);
    let python_rss = all.iter().map(|r| r.python.max_rss_mb).fold(0.0, f64::max);
    println!(
        "  medians of {}: ldapsearch {:.2} s + python {:.2} s = floors {:.2} s; plan {:.2} s",
        all.len(),
        search.as_secs_f64(),
        python.as_secs_f64(),
        (search + python).as_secs_f64(),
        plan.as_secs_f64()
    );
    println!(
        "  plan / floors: {ratio:.2}x median, {best:.2}x best round (target <= {RATIO_TARGET}x: {})",
        verdict(ratio <= RATIO_TARGET)
    );
    let directory = med(|r| r.directory);
    let directory_ratio = directory.as_secs_f64() / search.as_secs_f64();
    println!(
        "  directory read alone (library, in process): {:.2} s median, {directory_ratio:.2}x ldapsearch (target <= {DIRECTORY_TARGET}x: {})",
        directory.as_secs_f64(),
        verdict(directory_ratio <= DIRECTORY_TARGET)
    );
    println!(
        "  plan peak RSS: {rss:.0} MB, highest of the rounds (target <= {RSS_TARGET_MB} MB: {}); python floor {python_rss:.0} MB",
        verdict(rss <= RSS_TARGET_MB)
    );
}
