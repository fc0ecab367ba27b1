//! `ldap2ftrack sandbox` as a process: first line, seeding, API, SIGTERM and dump.

use crate::support::{asset, ldap2ftrack};
use std::io::{BufRead, BufReader};
use std::process::Stdio;

#[test]
fn serves_the_seed_and_dumps_state_on_sigterm() {
    let home = tempfile::tempdir().unwrap();
    let dump = home.path().join("dump.json");
    let mut child = ldap2ftrack(home.path())
        .args([
            "sandbox",
            "--listen",
            "127.0.0.1:0",
            "--api-user",
            "u",
            "--api-key",
            "k",
            "--seed",
        ])
        .arg(asset("assets/demo/ftrack.json"))
        .arg("--dump")
        .arg(&dump)
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
