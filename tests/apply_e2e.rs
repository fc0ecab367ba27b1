//! `ldap2ftrack apply` end to end: the real binary against an in-process sandbox seeded with
//! the demo studio, reading the demo LDIF directory.

use crate::support::sandbox_http::{http, send_as};
use crate::support::{asset, ldap2ftrack, run};
use ldap2ftrack::model::FtrackSnapshot;
use ldap2ftrack::sandbox::faults::Faults;
use ldap2ftrack::sandbox::seed::{seed, snapshot_of};
use ldap2ftrack::sandbox::server::{Credentials, RunningSandbox, start};
use ldap2ftrack::sandbox::store::Store;
use ldap2ftrack::sandbox::traffic::Traffic;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

pub(crate) const API_KEY: &str = "e2e-secret-api-key-7f3a";

/// A sandbox seeded with the demo ftrack data, a home with the demo config and state.
pub(crate) struct World {
    runtime: tokio::runtime::Runtime,
    sandbox: Option<RunningSandbox>,
    home: tempfile::TempDir,
}

impl World {
    fn new(faults: &str) -> Self {
        Self::with_config(faults, "")
    }

    /// `extra` is appended to the demo config (e.g. an `[ftrack]` batch size).
    fn with_config(faults: &str, extra: &str) -> Self {
        Self::with_seed(faults, extra, |_| {})
    }

    /// Like [`World::with_config`], with the demo ftrack data changed by `edit` first.
    pub(crate) fn with_seed(
        faults: &str,
        extra: &str,
        edit: impl FnOnce(&mut FtrackSnapshot),
    ) -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let mut demo =
            ldap2ftrack::ftrack::snapshot::read_snapshot(&asset("assets/demo/ftrack.json"))
                .unwrap();
        edit(&mut demo);
        let mut store = Store::new();
        seed(&mut store, &demo).unwrap();
        let credentials = Credentials {
            api_user: "ldap2ftrack".into(),
            api_key: API_KEY.into(),
        };
        let faults: Faults = faults.parse().unwrap();
        let sandbox = runtime
            .block_on(start(
                "127.0.0.1:0".parse().unwrap(),
                credentials,
                store,
                faults,
            ))
            .unwrap();
        let home = tempfile::tempdir().unwrap();
        let config = std::fs::read_to_string(asset("assets/demo/config.toml")).unwrap();
        std::fs::write(
            home.path().join("config.toml"),
            format!("{config}\n{extra}\n"),
        )
        .unwrap();
        crate::support::demo_state(home.path());
        std::fs::copy(
            asset("assets/demo/directory.ldif"),
            home.path().join("people.ldif"),
        )
        .unwrap();
        Self {
            runtime,
            sandbox: Some(sandbox),
            home,
        }
    }

    pub(crate) fn path(&self, name: &str) -> PathBuf {
        self.home.path().join(name)
    }

    pub(crate) fn url(&self) -> String {
        self.sandbox.as_ref().unwrap().url.clone()
    }

    /// The binary with the ftrack credentials, config, state and LDIF of this world.
    pub(crate) fn cmd(&self, command: &str) -> Command {
        let mut cmd = self.bare(command);
        cmd.args(["--ldif", "people.ldif"]);
        cmd
    }

    /// The binary with credentials, config and state, but no directory source (`apply PLANFILE`).
    pub(crate) fn bare(&self, command: &str) -> Command {
        let mut cmd = ldap2ftrack(self.home.path());
        cmd.env("FTRACK_SERVER", self.url())
            .env("FTRACK_API_USER", "ldap2ftrack")
            .env("FTRACK_API_KEY", API_KEY)
            .args(["-c", "config.toml", command, "--state-dir", "state"]);
        cmd
    }

    /// When the sandbox's requests came and went (`GET /sandbox/traffic`).
    pub(crate) fn traffic(&self) -> Traffic {
        let answer = self.runtime.block_on(send_as(
            http().get(format!("{}/sandbox/traffic", self.url())),
            "ldap2ftrack",
            API_KEY,
        ));
        serde_json::from_value(answer).unwrap()
    }

    pub(crate) fn ftrack(&self) -> FtrackSnapshot {
        snapshot_of(&self.sandbox.as_ref().unwrap().store())
    }

    /// The plan as JSON.
    pub(crate) fn plan_json(&self) -> Value {
        let out = run(self.cmd("plan").args(["--format", "json"]));
        assert_eq!(out.code, 0, "{}", out.stderr);
        serde_json::from_str(&out.stdout).unwrap()
    }
}

impl Drop for World {
    fn drop(&mut self) {
        if let Some(sandbox) = self.sandbox.take() {
            self.runtime.block_on(sandbox.stop());
        }
    }
}

/// What matters of ftrack's users, without ids: one line per user.
pub(crate) fn people(snapshot: &FtrackSnapshot) -> BTreeSet<String> {
    snapshot
        .users
        .iter()
        .map(|u| {
            format!(
                "{}|{}|{}|{}|{}|{}",
                u.username,
                u.first_name,
                u.last_name,
                u.email.as_deref().unwrap_or(""),
                u.is_active,
                u.groups.join(",")
            )
        })
        .collect()
}

fn summary(plan: &Value, key: &str) -> u64 {
    plan["summary"][key].as_u64().unwrap()
}

/// Every file under `dir`, recursively.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(files(&path));
        } else {
            found.push(path);
        }
    }
    found
}

#[test]
fn apply_then_plan_again_gives_no_changes_and_leaves_a_record() {
    let world = World::new("");
    let before = world.plan_json();
    assert!(summary(&before, "create") > 0 && summary(&before, "deactivate") > 0);
    let out = run(world
        .cmd("apply")
        .args(["--auto-approve", "--report", "report.html"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stderr.contains("Applied: "), "{}", out.stderr);
    let after = world.plan_json();
    for action in ["create", "update", "reactivate", "deactivate"] {
        assert_eq!(summary(&after, action), 0, "{action} left: {after}");
    }
    assert_eq!(summary(&after, "conflict"), summary(&before, "conflict"));
    // Usernames are unique and every created user is linked.
    let ftrack = world.ftrack();
    let usernames: BTreeSet<&str> = ftrack.users.iter().map(|u| u.username.as_str()).collect();
    assert_eq!(usernames.len(), ftrack.users.len());
    let links = std::fs::read_to_string(world.path("state/links.json")).unwrap();
    let created = summary(&before, "create") as usize;
    let plan_again = run(world.cmd("plan").arg("--detailed-exitcode"));
    assert_eq!(plan_again.code, 0, "{}", plan_again.stderr);
    // The audit log: owner-only, a start, an end and one change per applied item.
    let audit_path = world.path("state/audit.jsonl");
    let mode = std::os::unix::fs::PermissionsExt::mode(
        &std::fs::metadata(&audit_path).unwrap().permissions(),
    );
    assert_eq!(mode & 0o777, 0o600);
    let events: Vec<Value> = std::fs::read_to_string(&audit_path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(events.first().unwrap()["event"], "run_start");
    assert_eq!(events.last().unwrap()["event"], "run_end");
    let changes = events.iter().filter(|e| e["event"] == "change").count() as u64;
    let planned: u64 = ["create", "update", "reactivate", "deactivate"]
        .iter()
        .map(|k| summary(&before, k))
        .sum();
    assert_eq!(changes, planned);
    for event in &events {
        for key in ["time", "run_id", "host", "os_user", "api_user", "mode"] {
            assert!(event.get(key).is_some(), "{key} missing in {event}");
        }
    }
    let created_events = events
        .iter()
        .filter(|e| e["action"] == "create" && e["result"] == "applied")
        .count();
    assert_eq!(created_events, created);
    for event in events.iter().filter(|e| e["action"] == "create") {
        assert!(
            links.contains(event["ftrack_id"].as_str().unwrap()),
            "{event}"
        );
    }
    // No secret in any file written, nor on the terminal.
    let mut written = files(&world.path("state"));
    written.push(world.path("report.html"));
    for path in written {
        let text = String::from_utf8_lossy(&std::fs::read(&path).unwrap()).into_owned();
        assert!(
            !text.contains(API_KEY),
            "the API key is in {}",
            path.display()
        );
    }
    assert!(!out.stderr.contains(API_KEY) && !out.stdout.contains(API_KEY));
}

#[test]
fn conflicts_are_parked_then_resolved_with_a_decisions_file() {
    let world = World::new("");
    let parked = run(world
        .cmd("apply")
        .args(["--auto-approve", "--fail-on-conflict"]));
    assert_eq!(parked.code, 6, "{}", parked.stderr);
    let plan = world.plan_json();
    let conflicts: Vec<&Value> = plan["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["action"] == "conflict")
        .collect();
    assert!(conflicts.len() >= 2, "{plan}");
    // Link the email conflict to its candidate, rename one case conflict, ignore the rest.
    let email = conflicts
        .iter()
        .find(|i| i["conflict"]["kind"] == "email_taken")
        .expect("an email conflict");
    let case = conflicts
        .iter()
        .find(|i| i["conflict"]["kind"] == "case_only_difference")
        .expect("a case conflict");
    let mut decisions = serde_json::Map::new();
    decisions.insert(
        email["directory"]["id"].as_str().unwrap().into(),
        serde_json::json!({"decision": "link", "ftrack_id": email["conflict"]["candidates"][0]["id"]}),
    );
    decisions.insert(
        case["directory"]["id"].as_str().unwrap().into(),
        serde_json::json!({"decision": "rename", "username": "mchen.contractor"}),
    );
    for other in conflicts.iter().filter(|i| {
        i["directory"]["id"] != email["directory"]["id"]
            && i["directory"]["id"] != case["directory"]["id"]
    }) {
        if let Some(id) = other["directory"]["id"].as_str() {
            decisions.insert(id.into(), serde_json::json!({"decision": "ignore"}));
        }
    }
    let file = serde_json::json!({"format_version": 1, "decisions": decisions});
    std::fs::write(world.path("decisions.json"), file.to_string()).unwrap();
    let resolved = run(world.cmd("apply").args([
        "--auto-approve",
        "--fail-on-conflict",
        "--decisions",
        "decisions.json",
    ]));
    assert_eq!(resolved.code, 0, "{}", resolved.stderr);
    let ftrack = world.ftrack();
    assert!(
        ftrack
            .users
            .iter()
            .any(|u| u.username == "mchen.contractor"),
        "the rename was applied"
    );
    let linked_id = email["conflict"]["candidates"][0]["id"].as_str().unwrap();
    let linked = ftrack.users.iter().find(|u| u.id == linked_id).unwrap();
    assert_eq!(
        Some(linked.username.as_str()),
        email["username"].as_str(),
        "the link renamed the candidate"
    );
    // The decisions stand: a plain run afterwards has no conflicts and nothing to do.
    let after = world.plan_json();
    assert_eq!(summary(&after, "conflict"), 0, "{after}");
    assert_eq!(
        summary(&after, "create") + summary(&after, "update"),
        0,
        "{after}"
    );
}

#[test]
fn a_saved_plan_that_went_stale_is_refused_whole() {
    let world = World::new("");
    let saved = run(world.cmd("plan").args(["--out", "plan.json"]));
    assert_eq!(saved.code, 0, "{}", saved.stderr);
    let plan: Value =
        serde_json::from_str(&std::fs::read_to_string(world.path("plan.json")).unwrap()).unwrap();
    let update = plan["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| {
            i["action"] == "update"
                && i["changes"]
                    .as_array()
                    .is_some_and(|c| c.iter().any(|c| c["field"] == "email"))
        })
        .expect("an email update");
    let id = update["ftrack"]["id"].as_str().unwrap().to_string();
    // Someone edits that user in ftrack after the plan was saved.
    let client = ldap2ftrack::ftrack::client::FtrackClient::new(
        &world.url(),
        "ldap2ftrack",
        API_KEY.to_string().into(),
        std::time::Duration::from_secs(10),
    )
    .unwrap();
    let edit = ldap2ftrack::ftrack::wire::Operation::Update {
        entity_type: "User".into(),
        entity_key: ldap2ftrack::ftrack::wire::EntityKey::List(vec![id.clone()]),
        entity_data: serde_json::json!({"email": "changed.by.hand@northlight.example"})
            .as_object()
            .unwrap()
            .clone(),
    };
    world.runtime.block_on(client.call(&[edit])).unwrap();
    let before = people(&world.ftrack());
    // Flags that shape a plan cannot change a saved one: a usage error, nothing applied.
    let out = run(world
        .bare("apply")
        .args(["plan.json", "--max-deactivate", "2"]));
    assert_eq!(out.code, 64, "{}", out.stderr);
    assert!(
        out.stderr.contains("--max-deactivate shapes a new plan"),
        "{}",
        out.stderr
    );
    let out = run(world.bare("apply").arg("plan.json"));
    assert_eq!(out.code, 5, "{}", out.stderr);
    assert!(out.stderr.contains("plan again"), "{}", out.stderr);
    assert_eq!(people(&world.ftrack()), before, "nothing was applied");
}

#[test]
fn the_safety_limit_refuses_everything_and_protected_users_are_never_touched() {
    let world = World::new("");
    let before = people(&world.ftrack());
    let out = run(world
        .cmd("apply")
        .args(["--auto-approve", "--max-deactivate", "1"]));
    assert_eq!(out.code, 4, "{}", out.stderr);
    assert_eq!(people(&world.ftrack()), before, "nothing was applied");
    // Protect one user the plan would deactivate.
    let plan = world.plan_json();
    let leaver = plan["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["action"] == "deactivate")
        .unwrap()["username"]
        .as_str()
        .unwrap()
        .to_string();
    let config = std::fs::read_to_string(world.path("config.toml")).unwrap();
    std::fs::write(
        world.path("config.toml"),
        config.replace(
            "protected_users = [\"admin\"]",
            &format!("protected_users = [\"admin\", \"{leaver}\"]"),
        ),
    )
    .unwrap();
    let out = run(world.cmd("apply").arg("--auto-approve"));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let ftrack = world.ftrack();
    let kept = ftrack.users.iter().find(|u| u.username == leaver).unwrap();
    assert!(kept.is_active, "{leaver} is protected");
}

#[test]
fn a_scoped_or_blocked_run_never_lowers_the_shrink_baseline() {
    let world = World::new("");
    let last_size = || {
        let text = std::fs::read_to_string(world.path("state/last-run.json")).unwrap();
        serde_json::from_str::<Value>(&text).unwrap()["directory_users"]
            .as_u64()
            .unwrap()
    };
    let out = run(world.cmd("apply").arg("--auto-approve"));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let whole = last_size();
    assert!(whole > 250, "{whole}");
    // The directory comes back with a third of its people.
    let ldif = std::fs::read_to_string(world.path("people.ldif")).unwrap();
    let records: Vec<&str> = ldif.split("\n\n").collect();
    std::fs::write(
        world.path("people.ldif"),
        records[..records.len() / 3].join("\n\n") + "\n",
    )
    .unwrap();
    let blocked = run(world.cmd("apply").arg("--auto-approve"));
    assert_eq!(blocked.code, 4, "{}", blocked.stderr);
    for scoped in [
        &["--only-user", "nobody-at-all"][..],
        &["--no-deactivate"][..],
        &["--ldap-filter", "(departmentNumber=fx)"][..],
    ] {
        let out = run(world.cmd("apply").arg("--auto-approve").args(scoped));
        assert!(out.code == 0 || out.code == 4, "{scoped:?}: {}", out.stderr);
        assert_eq!(last_size(), whole, "{scoped:?} lowered the baseline");
    }
    let again = run(world.cmd("apply").arg("--auto-approve"));
    assert_eq!(again.code, 4, "still blocked: {}", again.stderr);
    assert!(again.stderr.contains("far fewer"), "{}", again.stderr);
}

#[test]
fn a_user_the_server_refuses_fails_alone_and_everyone_else_is_applied() {
    let world = World::new("");
    let saved = run(world.cmd("plan").args(["--out", "plan.json"]));
    assert_eq!(saved.code, 0, "{}", saved.stderr);
    // A saved plan is data: edit one create so the server refuses it (usernames hold 255
    // characters), as a plan from an older or tampered run might.
    let long = "x".repeat(300);
    let mut plan: Value =
        serde_json::from_str(&std::fs::read_to_string(world.path("plan.json")).unwrap()).unwrap();
    let creates = plan["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["action"] == "create")
        .count() as u64;
    let victim = plan["items"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|i| i["action"] == "create")
        .unwrap();
    victim["username"] = Value::from(long.as_str());
    for change in victim["changes"].as_array_mut().unwrap() {
        if change["field"] == "username" {
            change["to"] = Value::from(long.as_str());
        }
    }
    // Plans from before saved plans carried a digest are still applied (after today's
    // safety checks); an edited plan with its digest is refused, as tested elsewhere.
    plan.as_object_mut().unwrap().remove("digest");
    std::fs::write(world.path("plan.json"), plan.to_string()).unwrap();
    let out = run(world
        .bare("apply")
        .args(["plan.json", "--outcome", "outcome.json"]));
    assert_eq!(out.code, 3, "{}", out.stderr);
    // The failure is named on stderr (what cron mails), with the server's message.
    let named: Vec<&str> = out
        .stderr
        .lines()
        .filter(|l| l.starts_with("failed: create xxxx"))
        .collect();
    assert_eq!(named.len(), 1, "{}", out.stderr);
    let outcome: Value =
        serde_json::from_str(&std::fs::read_to_string(world.path("outcome.json")).unwrap())
            .unwrap();
    let failed: Vec<&Value> = outcome["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["status"]["status"] == "failed")
        .collect();
    assert_eq!(failed.len(), 1, "{failed:?}");
    assert_eq!(failed[0]["item"]["username"], long.as_str());
    let error = failed[0]["status"]["error"].as_str().unwrap();
    assert!(error.contains("255"), "{error}");
    assert_eq!(outcome["summary"]["created"].as_u64().unwrap(), creates - 1);
    // Planning again: only the refused user's create is left.
    let after = world.plan_json();
    assert_eq!(summary(&after, "create"), 1, "{after}");
    assert_eq!(summary(&after, "update") + summary(&after, "deactivate"), 0);
}

#[test]
fn storms_of_503_and_429_and_dropped_connections_end_in_the_same_state() {
    let calm = World::new("");
    assert_eq!(run(calm.cmd("apply").arg("--auto-approve")).code, 0);
    let stormy = World::with_config(
        "error_rate=0.3,error_status=503,drop_rate=0.15,seed=11",
        "[ftrack]\nbatch_size = 10\nconcurrency = 4",
    );
    let out = run(stormy.cmd("apply").arg("--auto-approve"));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(people(&stormy.ftrack()), people(&calm.ftrack()));
    let busy = World::with_config(
        "error_rate=0.3,error_status=429,retry_after=0,seed=5",
        "[ftrack]\nbatch_size = 10\nconcurrency = 4",
    );
    let out = run(busy.cmd("apply").arg("--auto-approve"));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(people(&busy.ftrack()), people(&calm.ftrack()));
}

#[test]
fn killed_mid_apply_and_run_again_converges_without_duplicates() {
    let reference = World::new("");
    assert_eq!(run(reference.cmd("apply").arg("--auto-approve")).code, 0);
    let world = World::with_config("latency=150ms", "[ftrack]\nbatch_size = 4\nconcurrency = 4");
    let mut child = world
        .cmd("apply")
        .arg("--auto-approve")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Wait until some users exist that the seed did not have, then kill without warning.
    let seeded = people(&World::new("").ftrack()).len();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while world.ftrack().users.len() < seeded + 5 {
        assert!(
            std::time::Instant::now() < deadline,
            "the apply never got going"
        );
        assert!(
            child.try_wait().unwrap().is_none(),
            "the apply ended before it was killed"
        );
        std::thread::yield_now();
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let partial = world.ftrack().users.len();
    assert!(
        partial < reference.ftrack().users.len(),
        "killed before the end"
    );
    let again = run(world.cmd("apply").arg("--auto-approve"));
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert_eq!(people(&world.ftrack()), people(&reference.ftrack()));
    assert_eq!(
        world.ftrack().users.len(),
        reference.ftrack().users.len(),
        "no duplicates"
    );
}

#[test]
fn when_ftrack_stops_answering_mid_apply_the_rest_is_not_attempted() {
    let world = World::with_config("latency=100ms", "[ftrack]\nbatch_size = 4\nconcurrency = 4");
    let child = world
        .cmd("apply")
        .args(["--auto-approve", "--outcome", "outcome.json"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let seeded = people(&World::new("").ftrack()).len();
    while world.ftrack().users.len() < seeded + 3 {
        std::thread::yield_now();
    }
    // From now on every request gets 503, retries included.
    ldap2ftrack::ftrack::client::install_crypto_provider();
    let answer = world.runtime.block_on(async {
        reqwest::Client::new()
            .post(format!("{}/sandbox/faults", world.url()))
            .header("ftrack-user", "ldap2ftrack")
            .header("ftrack-api-key", API_KEY)
            .body(r#"{"error_rate": 1.0, "error_status": 503}"#)
            .send()
            .await
    });
    assert!(answer.unwrap().status().is_success());
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("ftrack stopped answering"), "{stderr}");
    let outcome: Value =
        serde_json::from_str(&std::fs::read_to_string(world.path("outcome.json")).unwrap())
            .unwrap();
    let count = |status: &str| {
        outcome["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|i| i["status"]["status"] == status)
            .count()
    };
    assert!(count("not_attempted") > 0, "{stderr}");
    // Up to four batches of four were in flight when ftrack stopped answering; no other
    // batch was sent after.
    assert!(
        count("failed") <= 4 * 4,
        "the batches in flight failed, the others were not sent: {stderr}"
    );
}

#[test]
fn ctrl_c_stops_after_the_batch_and_a_second_run_meets_the_lock() {
    let world = World::with_config("latency=150ms", "[ftrack]\nbatch_size = 4\nconcurrency = 4");
    let child = world
        .cmd("apply")
        .args(["--auto-approve", "--metrics-file", "metrics.prom"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let seeded = world.ftrack().users.len();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while world.ftrack().users.len() < seeded + 2 {
        assert!(
            std::time::Instant::now() < deadline,
            "the apply never got going"
        );
        std::thread::yield_now();
    }
    // While it runs, another run is refused at once, naming the holder.
    let second = run(world.cmd("apply").arg("--auto-approve"));
    assert_eq!(second.code, 75, "{}", second.stderr);
    assert!(
        second.stderr.contains("ldap2ftrack apply (pid"),
        "{}",
        second.stderr
    );
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(130), "{stderr}");
    assert!(stderr.contains("interrupted"), "{stderr}");
    assert!(stderr.contains("not attempted"), "{stderr}");
    let metrics = std::fs::read_to_string(world.path("metrics.prom")).unwrap();
    assert!(
        metrics.contains("ldap2ftrack_last_run_exit_code 130"),
        "{metrics}"
    );
    assert!(!metrics.contains("last_success"), "{metrics}");
    // A run that cannot even reach ftrack also leaves its exit code for the alert.
    let unreachable = run(world
        .cmd("apply")
        .env("FTRACK_SERVER", "http://127.0.0.1:1")
        .args(["--auto-approve", "--metrics-file", "metrics.prom"]));
    assert_eq!(unreachable.code, 69, "{}", unreachable.stderr);
    let metrics = std::fs::read_to_string(world.path("metrics.prom")).unwrap();
    assert!(
        metrics.contains("ldap2ftrack_last_run_exit_code 69"),
        "{metrics}"
    );
    // What was done is recorded: the created users are linked, and a new run finishes the job.
    let again = run(world.cmd("apply").arg("--auto-approve"));
    assert_eq!(again.code, 0, "{}", again.stderr);
    let plan = world.plan_json();
    assert_eq!(
        summary(&plan, "create") + summary(&plan, "update"),
        0,
        "{plan}"
    );
}

/// The directory ids of the demo's Pavan Patel (new, login `ppatel`) and Priya Patel (renamed
/// from `ppatel` to `priya.patel`, which frees the login Pavan takes).
fn pavan_and_priya(plan: &Value) -> (String, String) {
    let id_of = |username: &str| {
        plan["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["username"] == username)
            .and_then(|i| i["directory"]["id"].as_str())
            .unwrap_or_else(|| panic!("{username} is planned"))
            .to_string()
    };
    (id_of("ppatel"), id_of("priya.patel"))
}

fn write_decisions(world: &World, decisions: &[(&str, &str)]) {
    let map: serde_json::Map<String, Value> = decisions
        .iter()
        .map(|(id, d)| (id.to_string(), serde_json::json!({ "decision": d })))
        .collect();
    let file = serde_json::json!({"format_version": 1, "decisions": map});
    std::fs::write(world.path("decisions.json"), file.to_string()).unwrap();
}

#[test]
fn an_approved_create_brings_the_rename_it_needs_or_is_held_back_with_the_reason() {
    // Only Pavan is approved: Priya's rename, which frees his login, comes along and says so.
    let world = World::new("");
    let plan = world.plan_json();
    let (pavan, priya) = pavan_and_priya(&plan);
    write_decisions(&world, &[(&pavan, "approve")]);
    let out = run(world.cmd("apply").args(["--decisions", "decisions.json"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("also applying priya.patel (update), which ppatel needs"),
        "{}",
        out.stderr
    );
    let ftrack = world.ftrack();
    let emails: BTreeSet<(String, Option<String>)> = ftrack
        .users
        .iter()
        .map(|u| (u.username.to_string(), u.email.clone()))
        .collect();
    assert!(emails.contains(&(
        "ppatel".into(),
        Some("pavan.patel@northlight.example".into())
    )));
    assert!(emails.iter().any(|(u, _)| u == "priya.patel"));
    drop(world);

    // Priya's rename skipped: Pavan is held back with the reason, never reported as stale.
    let world = World::new("");
    write_decisions(&world, &[(&pavan, "approve"), (&priya, "skip")]);
    let out = run(world.cmd("apply").args(["--decisions", "decisions.json"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("held back ppatel: needs rename ppatel -> priya.patel, which was skipped"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains(" 0 stale "), "{}", out.stderr);
    assert!(!out.stderr.contains("since the plan"), "{}", out.stderr);
    let outcome: Value = serde_json::from_str(
        &std::fs::read_to_string(world.path("state/last-outcome.json")).unwrap(),
    )
    .unwrap();
    let pavan_outcome = outcome["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["item"]["username"] == "ppatel")
        .unwrap();
    assert!(
        pavan_outcome["status"]
            .to_string()
            .contains("held back: needs rename ppatel -> priya.patel"),
        "{pavan_outcome}"
    );
    let ftrack = world.ftrack();
    assert!(
        ftrack
            .users
            .iter()
            .any(|u| u.username == "ppatel"
                && u.email.as_deref() == Some("ppatel@northlight.example"))
    );
}

#[test]
fn a_decisions_file_rename_is_checked_like_every_username() {
    let world = World::new("");
    let plan = world.plan_json();
    let anna = plan["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["username"] == "anna k")
        .and_then(|i| i["directory"]["id"].as_str())
        .expect("the demo's login with a space")
        .to_string();
    let before = people(&world.ftrack());
    for bad in ["", "anna\u{202e}k", "anna k"] {
        let file = serde_json::json!({"format_version": 1, "decisions": {
            anna.clone(): {"decision": "rename", "username": bad}
        }});
        std::fs::write(world.path("decisions.json"), file.to_string()).unwrap();
        let out = run(world
            .cmd("apply")
            .args(["--auto-approve", "--decisions", "decisions.json"]));
        assert_ne!(out.code, 0, "{bad:?}: {}", out.stderr);
        assert!(
            out.stderr.contains("cannot be used: username"),
            "{bad:?}: {}",
            out.stderr
        );
        assert!(!out.stderr.contains('\u{202e}'), "never printed raw");
    }
    assert_eq!(people(&world.ftrack()), before, "nothing was applied");
    let standing = std::fs::read_to_string(world.path("state/decisions.json")).unwrap_or_default();
    assert!(!standing.contains("rename"), "nothing was kept: {standing}");
}

#[test]
fn a_saved_plan_is_checked_again_against_todays_rules_and_refused_when_edited() {
    let world = World::new("");
    let saved = run(world.cmd("plan").args(["--out", "plan.json"]));
    assert_eq!(saved.code, 0, "{}", saved.stderr);
    let before = people(&world.ftrack());
    let config = std::fs::read_to_string(world.path("config.toml")).unwrap();
    // Today's safety limit is lower than when the plan was made: refused whole (exit 4).
    std::fs::write(
        world.path("config.toml"),
        config.replace("max_deactivate = \"10%\"", "max_deactivate = 5"),
    )
    .unwrap();
    let out = run(world.bare("apply").arg("plan.json"));
    assert_eq!(out.code, 4, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("10 deactivations exceed the safety limit of 5"),
        "{}",
        out.stderr
    );
    std::fs::write(world.path("config.toml"), &config).unwrap();
    // The links behind its deactivations are gone: a leaver is no longer ours to deactivate.
    let links = world.path("state/links.json");
    let kept = std::fs::read(&links).unwrap();
    std::fs::remove_file(&links).unwrap();
    let out = run(world.bare("apply").arg("plan.json"));
    assert_eq!(out.code, 4, "{}", out.stderr);
    assert!(
        out.stderr.contains("whom no directory entry is linked to"),
        "{}",
        out.stderr
    );
    std::fs::write(&links, kept).unwrap();
    // Edited by hand after it was saved: refused as stale (exit 5).
    let text = std::fs::read_to_string(world.path("plan.json")).unwrap();
    let edited = text.replacen(
        "ahaddad@northlight.example",
        "someone.else@elsewhere.example",
        1,
    );
    assert_ne!(edited, text);
    std::fs::write(world.path("plan.json"), edited).unwrap();
    let out = run(world.bare("apply").arg("plan.json"));
    assert_eq!(out.code, 5, "{}", out.stderr);
    assert!(
        out.stderr.contains("changed after it was saved"),
        "{}",
        out.stderr
    );
    assert_eq!(people(&world.ftrack()), before, "nothing was applied");
    // Unedited and within today's rules, it applies.
    std::fs::write(world.path("plan.json"), text).unwrap();
    let out = run(world.bare("apply").arg("plan.json"));
    assert_eq!(out.code, 0, "{}", out.stderr);
}

/// The audit log's events, one per whole line; a last line cut short is left out.
fn audit_events(path: &std::path::Path) -> Vec<Value> {
    let text = std::fs::read_to_string(path).unwrap();
    text.split_inclusive('\n')
        .filter(|l| l.ends_with('\n'))
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l:?}: {e}")))
        .collect()
}

#[test]
fn a_full_disk_stops_the_run_and_every_change_made_is_in_the_audit_log() {
    let world = World::with_config("", "[ftrack]\nbatch_size = 3");
    let before: BTreeSet<String> = world
        .ftrack()
        .users
        .iter()
        .map(|u| u.username.to_string())
        .collect();
    // The audit log already holds 4 MiB; the run may write files of 4 MiB and 6 KiB at most,
    // so the log fills up a few batches in, as on a full disk.
    let audit = world.path("state/audit.jsonl");
    let padding = format!(
        "{{\"event\":\"earlier\",\"note\":\"{}\"}}\n",
        "x".repeat(1000)
    );
    std::fs::write(&audit, padding.repeat(4096 * 1024 / padding.len())).unwrap();
    let mut limited = Command::new("bash");
    let cmd = world.cmd("apply");
    limited
        .arg("-c")
        .arg("trap '' XFSZ; ulimit -f 4102; exec \"$0\" \"$@\"")
        .arg(cmd.get_program())
        .args(cmd.get_args())
        .arg("--auto-approve")
        .current_dir(world.path(""))
        .envs(cmd.get_envs().filter_map(|(k, v)| Some((k, v?))));
    let out = run(&mut limited);
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(out.stderr.contains("audit log"), "{}", out.stderr);
    let created: Vec<String> = world
        .ftrack()
        .users
        .iter()
        .map(|u| u.username.to_string())
        .filter(|u| !before.contains(u))
        .collect();
    let events = audit_events(&audit);
    let intended: BTreeSet<&str> = events
        .iter()
        .filter(|e| e["event"] == "batch_intent")
        .flat_map(|e| e["users"].as_array().unwrap())
        .map(|u| u["username"].as_str().unwrap())
        .collect();
    assert!(
        !created.is_empty(),
        "some batches went out before the disk filled"
    );
    let plan = world.plan_json();
    assert!(
        summary(&plan, "create") > 0,
        "the run stopped before the end"
    );
    for user in &created {
        assert!(
            intended.contains(user.as_str()),
            "{user} was created unrecorded"
        );
    }
    // With room again, the next run repairs the log and finishes the work.
    let out = run(world.cmd("apply").arg("--auto-approve"));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let text = std::fs::read_to_string(&audit).unwrap();
    assert!(text.ends_with('\n'));
    let events = audit_events(&audit);
    assert_eq!(
        events.len(),
        text.lines().count(),
        "every line is a whole event"
    );
    assert!(events.iter().any(|e| e["event"] == "log_repaired"));
    assert_eq!(summary(&world.plan_json(), "create"), 0);
}

#[test]
fn report_options_are_checked_before_anything_is_applied() {
    let world = World::new("");
    let before = people(&world.ftrack());
    for (report, why) in [
        (&["--report", "run.pdf"][..], "run.pdf"),
        (
            &["--report", "run.md", "--report-format", "docx"][..],
            "docx",
        ),
        (&["--report", "no/such/folder/run.md"][..], "does not exist"),
        (&["--report-format", "json"][..], "--report <FILE>"),
    ] {
        let out = run(world.cmd("apply").arg("--auto-approve").args(report));
        assert_eq!(out.code, 64, "{report:?}: {}", out.stderr);
        assert!(out.stderr.contains(why), "{report:?}: {}", out.stderr);
        assert_eq!(
            people(&world.ftrack()),
            before,
            "{report:?}: nothing applied"
        );
    }
    let out = run(world
        .cmd("apply")
        .args(["--auto-approve", "--report", "run.md"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(world.path("run.md").exists());
}
