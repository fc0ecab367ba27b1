//! Incremental runs end to end: the real binary reads slapd with `--changed` and applies to the
//! sandbox. Between runs an entry is modified, one added, one deleted and one renamed (modrdn);
//! the read of changes sees the first three and never deactivates the deleted user, which a
//! later full read does. A run that fails leaves the watermark where it was. `watch` makes its
//! runs the same way and stops on SIGTERM.

use crate::console_e2e::Tmux;
use crate::ldap_source::{PEOPLE, person, write_config};
use crate::support::cli_sandbox::{API_KEY, CliSandbox};
use crate::support::process::wait_until;
use crate::support::slapd::{ADMIN_DN, ADMIN_PASSWORD, READER_PASSWORD, Slapd, require_slapd};
use crate::support::{Run, run};
use ldap2ftrack::model::FtrackSnapshot;
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Four people last changed long ago; dan later than the others, so that the watermark a full
/// read leaves (dan's time) lies more than the overlap after everyone else's.
fn fixture() -> String {
    let mut ldif = String::new();
    for (n, uid) in [(1, "ann"), (2, "bob"), (3, "cat")] {
        ldif += &person(n, uid, "modifyTimestamp: 20200101000000Z");
    }
    ldif += &person(4, "dan", "modifyTimestamp: 20210101000000Z");
    ldif
}

struct Studio {
    server: Slapd,
    sandbox: CliSandbox,
    home: tempfile::TempDir,
    config: PathBuf,
}

impl Studio {
    fn start() -> Self {
        require_slapd();
        let server = Slapd::start(&fixture());
        let home = tempfile::tempdir().unwrap();
        let config = write_config(&server, home.path(), READER_PASSWORD);
        let sandbox = CliSandbox::start(&FtrackSnapshot::default(), "sync");
        Self {
            server,
            sandbox,
            home,
            config,
        }
    }

    fn cmd(&self) -> Command {
        let mut cmd = self.sandbox.ldap2ftrack(self.home.path());
        cmd.arg("-c").arg(&self.config);
        cmd
    }

    fn sync(&self, args: &[&str]) -> Run {
        run(self.cmd().args(args))
    }

    /// `plan --changed` as JSON.
    fn changed_plan(&self) -> Value {
        let out = self.sync(&["plan", "--changed", "--format", "json"]);
        assert_eq!(out.code, 0, "{}", out.stderr);
        serde_json::from_str(&out.stdout).unwrap()
    }

    fn apply_changed(&self) -> Run {
        let out = self.sync(&["apply", "--changed", "--auto-approve"]);
        assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
        out
    }

    fn watermarks(&self) -> Option<String> {
        std::fs::read_to_string(self.home.path().join("state/watermarks.json")).ok()
    }

    /// Runs `ldapmodify` (with `-a` for adds) as the admin over `ldif`.
    fn modify(&self, tool: &str, ldif: &str) {
        let file = self.home.path().join("change.ldif");
        std::fs::write(&file, ldif).unwrap();
        let out = run(self
            .server
            .ldap_tool(tool)
            .args(["-x", "-H", &self.server.ldap_uri(), "-D", ADMIN_DN, "-w"])
            .arg(ADMIN_PASSWORD)
            .arg("-f")
            .arg(&file));
        assert_eq!(out.code, 0, "{tool}: {}", out.stderr);
    }

    fn active(&self, username: &str) -> Option<bool> {
        let snapshot = self.sandbox.snapshot();
        let user = snapshot
            .users
            .iter()
            .find(|u| u.username.as_str() == username);
        user.map(|u| u.is_active)
    }

    /// Sets the sandbox's faults (JSON object), as `POST /sandbox/faults` does.
    fn faults(&self, json: &'static str) {
        ldap2ftrack::ftrack::client::install_crypto_provider();
        let url = format!("{}/sandbox/faults", self.sandbox.url());
        let answer = self.sandbox.runtime().block_on(async move {
            reqwest::Client::new()
                .post(url)
                .header("ftrack-user", "sync")
                .header("ftrack-api-key", API_KEY)
                .body(json)
                .send()
                .await
        });
        assert!(answer.unwrap().status().is_success());
    }
}

fn item<'p>(plan: &'p Value, username: &str) -> &'p Value {
    plan["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["username"] == username)
        .unwrap_or_else(|| panic!("{username} in {plan:#}"))
}

fn dns(plan: &Value) -> Vec<String> {
    let mut dns: Vec<String> = plan["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["directory"]["dn"].as_str().map(String::from))
        .collect();
    dns.sort();
    dns
}

#[test]
fn a_read_of_changes_sees_modify_add_and_modrdn_and_deactivates_nobody() {
    let studio = Studio::start();
    // No watermark yet: the first --changed run reads everything, says why, and keeps dan's time.
    let first = studio.changed_plan();
    assert_eq!(first["directory_read"]["kind"], "full", "{first:#}");
    assert!(
        first["directory_read"]["why"]
            .as_str()
            .unwrap()
            .contains("no watermark"),
        "{first:#}"
    );
    assert_eq!(studio.watermarks(), None, "plan never writes the watermark");
    let applied = studio.apply_changed();
    assert!(
        applied.stderr.contains("full directory read"),
        "{}",
        applied.stderr
    );
    let saved: Value = serde_json::from_str(&studio.watermarks().unwrap()).unwrap();
    let mark = &saved["watermarks"][0];
    assert_eq!(mark["uri"], studio.server.ldap_uri());
    assert_eq!(mark["base"], PEOPLE);
    assert_eq!(mark["marker"], "modifyTimestamp");
    assert_eq!(mark["value"], "20210101000000Z");
    assert_eq!(studio.active("bob"), Some(true));

    studio.modify(
        "ldapmodify",
        &format!("dn: uid=ann,{PEOPLE}\nchangetype: modify\nreplace: sn\nsn: Annesdottir\n"),
    );
    studio.modify(
        "ldapmodify",
        &format!(
            "dn: uid=eve,{PEOPLE}\nchangetype: add\nobjectClass: inetOrgPerson\nuid: eve\ncn: Eve Five\nsn: Five\ngivenName: Eve\nmail: eve@studio.test\n"
        ),
    );
    studio.modify(
        "ldapmodify",
        &format!("dn: uid=bob,{PEOPLE}\nchangetype: delete\n"),
    );
    studio.modify(
        "ldapmodify",
        &format!(
            "dn: uid=cat,{PEOPLE}\nchangetype: modrdn\nnewrdn: cn=Person 3\ndeleteoldrdn: 0\n"
        ),
    );

    let changed = studio.changed_plan();
    assert_eq!(changed["directory_read"]["kind"], "changed", "{changed:#}");
    assert_eq!(changed["directory_read"]["marker"], "modifyTimestamp");
    assert!(
        changed["directory_read"]["since"]
            .as_str()
            .unwrap()
            .starts_with("2020-12-31T23:55:00Z"),
        "the watermark less the 5m overlap: {changed:#}"
    );
    // ann, eve and the renamed cat changed; dan is read again inside the overlap; bob is gone.
    assert_eq!(
        dns(&changed),
        [
            format!("cn=Person 3,{PEOPLE}"),
            format!("uid=ann,{PEOPLE}"),
            format!("uid=dan,{PEOPLE}"),
            format!("uid=eve,{PEOPLE}"),
        ]
    );
    assert_eq!(changed["inputs"]["directory_users"], 4);
    assert_eq!(item(&changed, "ann")["action"], "update");
    assert_eq!(item(&changed, "eve")["action"], "create");
    assert_eq!(item(&changed, "bob")["action"], "unchanged");
    assert_eq!(changed["summary"]["deactivate"], 0);
    assert!(changed["blocked"].is_null(), "{changed:#}");
    let text = studio.sync(&["plan", "--changed"]);
    assert!(
        text.stdout
            .contains("read: incremental read: only entries changed since 2020-12-31T23:55:00Z"),
        "{}",
        text.stdout
    );

    let applied = studio.apply_changed();
    assert!(
        applied
            .stderr
            .contains("Applied: 1 created, 1 updated, 0 reactivated, 0 deactivated"),
        "{}",
        applied.stderr
    );
    assert_eq!(studio.active("eve"), Some(true));
    assert_eq!(
        studio.active("bob"),
        Some(true),
        "a read of changes finds no leavers"
    );
    let moved: Value = serde_json::from_str(&studio.watermarks().unwrap()).unwrap();
    let value = moved["watermarks"][0]["value"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        value.as_str() > "20250101000000Z",
        "the changes' own time: {value}"
    );
    assert_eq!(
        moved["watermarks"][0]["last_full"], mark["last_full"],
        "a read of changes does not restart the full-read schedule"
    );

    // A plain (full) apply finds bob gone, and leaves the watermark alone.
    let full = studio.sync(&["apply", "--auto-approve"]);
    assert_eq!(full.code, 0, "{}", full.stderr);
    assert_eq!(studio.active("bob"), Some(false));
    let after: Value = serde_json::from_str(&studio.watermarks().unwrap()).unwrap();
    assert_eq!(after, moved);

    // Other settings may plan unchanged entries differently: the next read is a full one.
    let out = run(studio
        .cmd()
        .env("LDAP_USER_FILTER", "(objectClass=person)")
        .args(["plan", "--changed", "--format", "json"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let plan: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(plan["directory_read"]["kind"], "full", "{plan:#}");
    assert!(
        plan["directory_read"]["why"]
            .as_str()
            .unwrap()
            .contains("settings"),
        "{plan:#}"
    );
}

#[test]
fn a_run_that_fails_leaves_the_watermark_where_it_was() {
    let studio = Studio::start();
    studio.apply_changed();
    let before = studio.watermarks().unwrap();
    studio.modify(
        "ldapmodify",
        &format!(
            "dn: uid=dan,{PEOPLE}\nchangetype: modify\nreplace: givenName\ngivenName: Daniel\n"
        ),
    );
    // Every ftrack request now fails: the run fails and keeps no watermark.
    studio.faults(r#"{"fail_request": 1}"#);
    let failed = studio.sync(&["apply", "--changed", "--auto-approve"]);
    assert_ne!(failed.code, 0, "{}", failed.stderr);
    assert_eq!(studio.watermarks().unwrap(), before);
    studio.faults("{}");
    let plan = studio.changed_plan();
    assert_eq!(item(&plan, "dan")["action"], "update", "{plan:#}");
    studio.apply_changed();
    assert_ne!(studio.watermarks().unwrap(), before);
    let snapshot = studio.sandbox.snapshot();
    let dan = snapshot.users.iter().find(|u| u.username.as_str() == "dan");
    assert_eq!(dan.unwrap().first_name, "Daniel");
}

/// The lines `watch` wrote to stderr until `stop` returned true for one.
fn read_until(
    lines: &mut impl Iterator<Item = String>,
    stop: impl Fn(&str) -> bool,
) -> Vec<String> {
    let mut seen = Vec::new();
    for line in lines.by_ref() {
        let done = stop(&line);
        seen.push(line);
        if done {
            return seen;
        }
    }
    panic!("watch ended before the line came: {seen:#?}");
}

#[test]
fn watch_runs_incremental_applies_and_a_full_one_first() {
    let studio = Studio::start();
    let out = studio.sync(&["-q", "watch", "--interval", "0s", "--runs", "3"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let runs: Vec<&str> = out
        .stderr
        .lines()
        .filter(|l| l.starts_with("watch: run "))
        .collect();
    assert_eq!(runs.len(), 3, "{}", out.stderr);
    assert!(
        runs[0].contains("full directory read (no watermark"),
        "{}",
        runs[0]
    );
    assert!(runs[0].contains("Applied: 4 created"), "{}", runs[0]);
    assert!(runs[0].ends_with("watermark saved · exit 0"), "{}", runs[0]);
    for later in &runs[1..] {
        assert!(later.contains("incremental read"), "{later}");
        assert!(later.contains("Applied: 0 created"), "{later}");
    }
    for username in ["ann", "bob", "cat", "dan"] {
        assert_eq!(studio.active(username), Some(true), "{username}");
    }
    let audit = std::fs::read_to_string(studio.home.path().join("state/audit.jsonl")).unwrap();
    for username in ["ann", "bob", "cat", "dan"] {
        assert!(
            audit.contains(username),
            "the audit log took {username}'s creation"
        );
    }
}

#[test]
fn watch_stops_on_sigterm_between_runs() {
    let studio = Studio::start();
    let mut child = studio
        .cmd()
        .args(["-q", "watch", "--interval", "1h"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = BufReader::new(child.stderr.take().unwrap());
    let mut lines = stderr.lines().map_while(Result::ok);
    let first = read_until(&mut lines, |l| l.starts_with("watch: run 1:"));
    assert!(first.last().unwrap().contains("exit 0"), "{first:#?}");
    let pid = child.id().to_string();
    let killed = Command::new("sh")
        .args(["-c", "kill -TERM \"$1\"", "sh", &pid])
        .status()
        .unwrap();
    assert!(killed.success());
    let rest: Vec<String> = lines.collect();
    let status = wait_until(&mut child, Instant::now() + Duration::from_secs(30))
        .expect("watch stops within 30 s of SIGTERM");
    assert_eq!(status.code(), Some(0), "{rest:#?}");
    assert!(rest.iter().any(|l| l.contains("stopping")), "{rest:#?}");
    assert!(
        !rest.iter().any(|l| l.starts_with("watch: run 2")),
        "{rest:#?}"
    );
    assert!(watermark_file(studio.home.path()).is_file());
}

#[test]
fn the_console_reads_changes_and_its_commit_moves_the_watermark() {
    let studio = Studio::start();
    studio.apply_changed();
    let before: Value = serde_json::from_str(&studio.watermarks().unwrap()).unwrap();
    assert_eq!(before["watermarks"][0]["value"], "20210101000000Z");
    studio.modify(
        "ldapmodify",
        &format!("dn: uid=ann,{PEOPLE}\nchangetype: modify\nreplace: sn\nsn: Annesdottir\n"),
    );
    let home = studio.home.path();
    let command = format!(
        "HOME={home} FTRACK_SERVER={url} FTRACK_API_USER=sync FTRACK_API_KEY={API_KEY} {binary} -c {config} review --changed; echo exit=$? >> exit.txt; sleep 600",
        home = home.display(),
        url = studio.sandbox.url(),
        binary = env!("CARGO_BIN_EXE_ldap2ftrack"),
        config = studio.config.display(),
    );
    let console = Tmux::start(&command, home);
    let screen = console.wait_for("Update 1");
    assert!(screen.contains("incremental read"), "{screen}");
    assert!(screen.contains("4-Deactivate 0"), "{screen}");
    console.keys(&["y"]);
    console.wait_for("approved 1");
    console.keys(&["c"]);
    let summary = console.wait_for("Enter apply");
    assert!(summary.contains("nobody is deactivated"), "{summary}");
    console.keys(&["Enter"]);
    console.wait_for("updated 1");
    console.keys(&["Q"]);
    assert_eq!(console.wait_for_exit(home), "exit=0");
    let ann = studio.sandbox.snapshot();
    let ann = ann.users.iter().find(|u| u.username.as_str() == "ann");
    assert_eq!(ann.unwrap().last_name, "Annesdottir");
    let after: Value = serde_json::from_str(&studio.watermarks().unwrap()).unwrap();
    let moved = after["watermarks"][0]["value"].as_str().unwrap();
    assert!(
        moved > "20210101000000Z",
        "the commit applied every change, so the watermark moved to ann's change: {after:#}"
    );
    assert_eq!(studio.active("bob"), Some(true), "nobody was deactivated");
}

fn watermark_file(home: &Path) -> PathBuf {
    home.join("state/watermarks.json")
}
