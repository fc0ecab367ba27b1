//! `ldap2ftrack sandbox` as a process: first line, seeding, API, SIGTERM and dump.

use crate::support::{asset, ldap2ftrack};
use std::io::{BufRead, BufReader};
use std::process::Stdio;

#[test]
fn serves_the_seed_and_dumps_state_on_sigterm() {
    let home = tempfile::tempdir().unwrap();
    let dump = home.path().join("dump.json");
    let (mut child, url) = spawn_sandbox(
        home.path(),
        "u",
        "k",
        &["--dump".as_ref(), dump.as_os_str()],
    );
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let body: serde_json::Value = runtime.block_on(async {
        http()
            .post(format!("{url}/api"))
            .header("ftrack-user", "u")
            .header("ftrack-api-key", "k")
            .body(r#"[{"action": "query", "expression": "select username from User where username is \"ecarter\""},
                      {"action": "update", "entity_type": "User", "entity_key": ["00000000-0000-0000-0000-000000000000"], "entity_data": {}}]"#)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    });
    assert_eq!(body["exception"], "NoResultFoundError", "{body}");
    let page: serde_json::Value = runtime.block_on(async {
        http()
            .post(format!("{url}/api"))
            .header("ftrack-user", "u")
            .header("ftrack-api-key", "k")
            .body(r#"[{"action": "query", "expression": "select username, memberships.group.name from User where username is \"ecarter\""}]"#)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    });
    assert_eq!(page[0]["data"][0]["username"], "ecarter", "{page}");
    assert!(
        page[0]["data"][0]["memberships"]
            .as_array()
            .is_some_and(|m| !m.is_empty())
    );

    let status = std::process::Command::new("kill")
        .arg(child.id().to_string())
        .status()
        .unwrap();
    assert!(status.success());
    assert!(child.wait().unwrap().success(), "exits cleanly on SIGTERM");
    let dumped: ldap2ftrack::model::FtrackSnapshot =
        serde_json::from_slice(&std::fs::read(&dump).unwrap()).unwrap();
    let seeded =
        ldap2ftrack::ftrack::snapshot::read_snapshot(&asset("assets/demo/ftrack.json")).unwrap();
    assert_eq!(dumped.users.len(), seeded.users.len());
}

/// An HTTP client for talking to the sandbox directly.
fn http() -> reqwest::Client {
    ldap2ftrack::ftrack::client::install_crypto_provider();
    reqwest::Client::new()
}

/// Starts `ldap2ftrack sandbox` seeded with the demo; returns the child and the URL it printed.
fn spawn_sandbox(
    home: &std::path::Path,
    user: &str,
    key: &str,
    extra: &[&std::ffi::OsStr],
) -> (std::process::Child, String) {
    let mut child = ldap2ftrack(home)
        .args([
            "sandbox",
            "--listen",
            "127.0.0.1:0",
            "--api-user",
            user,
            "--api-key",
            key,
            "--seed",
        ])
        .arg(asset("assets/demo/ftrack.json"))
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("sandbox starts");
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let url = first
        .trim()
        .strip_prefix("ftrack sandbox listening on ")
        .expect(&first)
        .to_string();
    (child, url)
}

#[test]
fn plan_reads_ftrack_live_and_matches_the_snapshot_plan() {
    let home = tempfile::tempdir().unwrap();
    let (mut child, url) = spawn_sandbox(home.path(), "api", "demo-key", &[]);
    let state = crate::support::demo_state(home.path());
    let plan = |live: bool, key: &str| {
        let mut cmd = ldap2ftrack(home.path());
        cmd.env("FTRACK_SERVER", &url)
            .env("FTRACK_API_USER", "api")
            .env("FTRACK_API_KEY", key)
            .arg("-c")
            .arg(asset("assets/demo/config.toml"))
            .args(["plan", "--format", "json", "--state-dir"])
            .arg(&state)
            .arg("--ldif")
            .arg(asset("assets/demo/directory.ldif"));
        if !live {
            cmd.arg("--ftrack-snapshot")
                .arg(asset("assets/demo/ftrack.json"));
        }
        crate::support::run(&mut cmd)
    };
    let live = plan(true, "demo-key");
    let offline = plan(false, "demo-key");
    assert_eq!(live.code, 0, "{}", live.stderr);
    let live_plan: serde_json::Value = serde_json::from_str(&live.stdout).unwrap();
    let offline_plan: serde_json::Value = serde_json::from_str(&offline.stdout).unwrap();
    assert_eq!(live_plan["summary"], offline_plan["summary"]);
    assert_eq!(live_plan["items"], offline_plan["items"]);

    let refused = plan(true, "wrong-key");
    assert_eq!(refused.code, 69, "{}", refused.stderr);
    assert!(
        refused.stderr.contains("api_key") && !refused.stderr.contains("wrong-key"),
        "{}",
        refused.stderr
    );
    let _ = std::process::Command::new("kill")
        .arg(child.id().to_string())
        .status();
    let _ = child.wait();

    let unreachable = plan(true, "demo-key");
    assert_eq!(unreachable.code, 69, "{}", unreachable.stderr);
    let mut no_source = ldap2ftrack(home.path());
    no_source
        .args(["plan", "--ldif"])
        .arg(asset("assets/demo/directory.ldif"));
    let out = crate::support::run(&mut no_source);
    assert_eq!(out.code, 78, "a missing setting is a configuration error");
    assert!(
        out.stderr.contains("--ftrack-snapshot") && out.stderr.contains("FTRACK_SERVER"),
        "{}",
        out.stderr
    );
}

#[test]
fn check_reports_each_part_on_its_own_line() {
    let home = tempfile::tempdir().unwrap();
    let (mut child, url) = spawn_sandbox(home.path(), "api", "check-key", &[]);
    let check = |key: &str| {
        let mut cmd = ldap2ftrack(home.path());
        cmd.env("FTRACK_SERVER", &url)
            .env("FTRACK_API_USER", "api")
            .env("FTRACK_API_KEY", key)
            .env("LDAP2FTRACK_STATE_DIR", home.path().join("state"))
            .arg("check");
        crate::support::run(&mut cmd)
    };
    let good = check("check-key");
    assert_eq!(good.code, 0, "{}{}", good.stdout, good.stderr);
    assert!(good.stdout.contains("config   ok"), "{}", good.stdout);
    assert!(
        good.stdout.contains("server version 4.13.8.sandbox"),
        "{}",
        good.stdout
    );
    assert!(good.stdout.contains("state    ok"), "{}", good.stdout);
    assert!(good.stdout.contains("ldap     skipped"), "{}", good.stdout);
    let bad = check("wrong-key");
    assert_eq!(bad.code, 69, "{}", bad.stdout);
    assert!(
        bad.stdout.contains("ftrack   FAILED") && !bad.stdout.contains("wrong-key"),
        "{}",
        bad.stdout
    );
    let _ = std::process::Command::new("kill")
        .arg(child.id().to_string())
        .status();
    let _ = child.wait();
}
