//! `ldap2ftrack sandbox` as a process: first line, seeding, API, control endpoints, SIGTERM
//! and dump, the API user, and the warning when it listens beyond this machine.

use crate::support::sandbox_http::{http, send_as};
use crate::support::{asset, ldap2ftrack};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

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

    let runtime = runtime();
    let body = runtime.block_on(api(
        &url,
        "u",
        "k",
        r#"[{"action": "query", "expression": "select username from User where username is \"ecarter\""},
            {"action": "update", "entity_type": "User", "entity_key": ["00000000-0000-0000-0000-000000000000"], "entity_data": {}}]"#,
    ));
    assert_eq!(body["exception"], "NoResultFoundError", "{body}");
    let page = runtime.block_on(api(
        &url,
        "u",
        "k",
        r#"[{"action": "query", "expression": "select username, memberships.group.name from User where username is \"ecarter\""}]"#,
    ));
    assert_eq!(page[0]["data"][0]["username"], "ecarter", "{page}");
    assert!(
        page[0]["data"][0]["memberships"]
            .as_array()
            .is_some_and(|m| !m.is_empty())
    );
    // The seed has no user "u": the sandbox added it, as a real server has its API user.
    let api_user = runtime.block_on(api(
        &url,
        "u",
        "k",
        r#"[{"action": "query", "expression": "select username, is_active from User where username is \"u\""}]"#,
    ));
    assert_eq!(api_user[0]["data"][0]["username"], "u", "{api_user}");
    assert_eq!(api_user[0]["data"][0]["is_active"], true, "{api_user}");

    // The control endpoints take the API's headers.
    let state = |user: Option<(&str, &str)>| {
        runtime.block_on(async {
            let mut request = http().get(format!("{url}/sandbox/state"));
            if let Some((user, key)) = user {
                request = request
                    .header("ftrack-user", user)
                    .header("ftrack-api-key", key);
            }
            let response = request.send().await.unwrap();
            let status = response.status().as_u16();
            (status, response.json::<serde_json::Value>().await.unwrap())
        })
    };
    let (status, body) = state(None);
    assert_eq!(status, 401, "{body}");
    assert_eq!(body["exception"], "InvalidCredentialsError", "{body}");
    assert_eq!(state(Some(("u", "wrong"))).0, 401);
    let (status, body) = state(Some(("u", "k")));
    assert_eq!(status, 200, "{body}");
    assert!(
        body["users"].as_array().is_some_and(|u| u.len() > 1),
        "{body}"
    );

    assert!(terminate(&child));
    assert!(child.wait().unwrap().success(), "exits cleanly on SIGTERM");
    let dumped: ldap2ftrack::model::FtrackSnapshot =
        serde_json::from_slice(&std::fs::read(&dump).unwrap()).unwrap();
    let seeded =
        ldap2ftrack::ftrack::snapshot::read_snapshot(&asset("assets/demo/ftrack.json")).unwrap();
    assert_eq!(
        dumped.users.len(),
        seeded.users.len() + 1,
        "and the API user"
    );
    assert!(
        dumped
            .users
            .iter()
            .any(|u| u.username == "u" && u.is_active),
        "the API user is dumped with the rest"
    );
}

/// One `/api` request with these credentials; the JSON answer.
async fn api(url: &str, user: &str, key: &str, body: &str) -> serde_json::Value {
    send_as(
        http().post(format!("{url}/api")).body(body.to_string()),
        user,
        key,
    )
    .await
}

/// A single-threaded runtime for a test's own requests to the sandbox.
fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// The binary in `home`, pointed at the sandbox at `url` as `user` with `key`.
fn against(home: &Path, url: &str, user: &str, key: &str) -> Command {
    let mut cmd = ldap2ftrack(home);
    cmd.env("FTRACK_SERVER", url)
        .env("FTRACK_API_USER", user)
        .env("FTRACK_API_KEY", key);
    cmd
}

/// Starts `ldap2ftrack sandbox` seeded with the demo; returns the child and the URL it printed.
fn spawn_sandbox(
    home: &Path,
    user: &str,
    key: &str,
    extra: &[&std::ffi::OsStr],
) -> (Child, String) {
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
    let url = listening_url(&mut child);
    (child, url)
}

/// The URL a sandbox prints on its first line.
fn listening_url(child: &mut Child) -> String {
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    first
        .trim()
        .strip_prefix("ftrack sandbox listening on ")
        .expect(&first)
        .to_string()
}

/// Sends SIGTERM to `child`; whether `kill` did so.
fn terminate(child: &Child) -> bool {
    Command::new("kill")
        .arg(child.id().to_string())
        .status()
        .is_ok_and(|status| status.success())
}

/// Stops a sandbox whose exit does not matter to the test.
fn stop_quietly(mut child: Child) {
    terminate(&child);
    let _ = child.wait();
}

#[test]
fn plan_reads_ftrack_live_and_matches_the_snapshot_plan() {
    let home = tempfile::tempdir().unwrap();
    // The demo seed's own API user, so the live read holds just the seed's users.
    let api_user = ldap2ftrack::demo_data::API_USER;
    let (child, url) = spawn_sandbox(home.path(), api_user, "demo-key", &[]);
    let state = crate::support::demo_state(home.path());
    let plan = |live: bool, key: &str| {
        let mut cmd = against(home.path(), &url, api_user, key);
        cmd.arg("-c")
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
    stop_quietly(child);

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
    let (child, url) = spawn_sandbox(home.path(), "api", "check-key", &[]);
    let check = |key: &str| {
        let mut cmd = against(home.path(), &url, "api", key);
        cmd.env("LDAP2FTRACK_STATE_DIR", home.path().join("state"))
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
    stop_quietly(child);
}

/// Starts `ldap2ftrack sandbox` with `args`; returns the child, the URL it printed, and its
/// stderr (read to the end once the child is stopped).
fn spawn_with_stderr(home: &Path, args: &[&str]) -> (Child, String, std::process::ChildStderr) {
    let mut child = ldap2ftrack(home)
        .arg("sandbox")
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("sandbox starts");
    let url = listening_url(&mut child);
    let stderr = child.stderr.take().unwrap();
    (child, url, stderr)
}

/// Stops a sandbox with SIGTERM and returns what it wrote to stderr.
fn stop(mut child: Child, mut stderr: std::process::ChildStderr) -> String {
    use std::io::Read;
    assert!(terminate(&child));
    let mut text = String::new();
    stderr.read_to_string(&mut text).unwrap();
    assert!(child.wait().unwrap().success(), "{text}");
    text
}

#[test]
fn listening_beyond_loopback_is_warned_about() {
    let home = tempfile::tempdir().unwrap();
    let (child, url, stderr) = spawn_with_stderr(home.path(), &["--listen", "0.0.0.0:0"]);
    assert!(url.starts_with("http://0.0.0.0:"), "{url}");
    let text = stop(child, stderr);
    assert!(
        text.contains("warning: --listen 0.0.0.0:0 is not a loopback address")
            && text.contains("reachable from the network")
            && text.contains("API key"),
        "{text}"
    );
    assert!(
        !text.contains("sandbox-key"),
        "the key itself is not shown: {text}"
    );

    let (child, _, stderr) = spawn_with_stderr(home.path(), &["--listen", "127.0.0.1:0"]);
    let text = stop(child, stderr);
    assert!(
        !text.contains("warning"),
        "loopback needs no warning: {text}"
    );
}

#[test]
fn an_inactive_api_user_in_the_seed_is_warned_about_and_refused() {
    let home = tempfile::tempdir().unwrap();
    let seed = home.path().join("seed.json");
    std::fs::write(
        &seed,
        r#"{"users":[{"id":"u1","username":"sync-bot","first_name":"Sync","last_name":"Bot","email":null,"is_active":false}]}"#,
    )
    .unwrap();
    let seed = seed.to_str().unwrap();
    let (child, url, stderr) = spawn_with_stderr(
        home.path(),
        &["--api-user", "sync-bot", "--api-key", "k", "--seed", seed],
    );
    let runtime = runtime();
    let answer = runtime.block_on(api(
        &url,
        "sync-bot",
        "k",
        r#"[{"action": "query_server_information"}]"#,
    ));
    assert_eq!(answer["exception"], "InvalidCredentialsError", "{answer}");
    let text = stop(child, stderr);
    assert!(
        text.contains("warning: the API user \"sync-bot\" is inactive in the seed"),
        "{text}"
    );
}

#[test]
fn the_sync_never_deactivates_its_own_api_user() {
    // The sandbox adds the API user (the seed lacks it); the directory does not know it, and
    // the policy deactivates every ftrack user missing from the directory. Were the API user
    // deactivated, the sandbox would refuse its key from then on, as a real server does.
    let home = tempfile::tempdir().unwrap();
    let seed = home.path().join("seed.json");
    std::fs::write(
        &seed,
        r#"{"users":[
            {"id":"f1","username":"jdoe","first_name":"Jane","last_name":"Doe","email":"jdoe@x.example","is_active":true},
            {"id":"f2","username":"leaver","first_name":"Lee","last_name":"Ver","email":"lee@x.example","is_active":true}
        ]}"#,
    )
    .unwrap();
    std::fs::write(
        home.path().join("dir.ldif"),
        "version: 1\n\ndn: uid=jdoe,ou=people,dc=x\nobjectClass: inetOrgPerson\nuid: jdoe\ngivenName: Jane\nsn: Doe\nmail: jdoe@x.example\nentryUUID: 11111111-1111-1111-1111-111111111111\n",
    )
    .unwrap();
    std::fs::write(
        home.path().join("config.toml"),
        "[policy]\ndeactivate_missing = \"all\"\nmax_deactivate = \"100%\"\n",
    )
    .unwrap();
    let (child, url, stderr) = spawn_with_stderr(
        home.path(),
        &[
            "--api-user",
            "sync-bot",
            "--api-key",
            "k",
            "--seed",
            seed.to_str().unwrap(),
        ],
    );
    let sync = |command: &str, extra: &[&str]| {
        let mut cmd = against(home.path(), &url, "sync-bot", "k");
        cmd.args([
            "-c",
            "config.toml",
            command,
            "--state-dir",
            "state",
            "--ldif",
            "dir.ldif",
        ])
        .args(extra);
        crate::support::run(&mut cmd)
    };
    let plan = sync("plan", &["--format", "json"]);
    assert_eq!(plan.code, 0, "{}", plan.stderr);
    let plan: serde_json::Value = serde_json::from_str(&plan.stdout).unwrap();
    let item = |username: &str| {
        plan["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["username"] == username)
            .unwrap_or_else(|| panic!("no item for {username}: {plan}"))
            .clone()
    };
    assert_eq!(item("leaver")["action"], "deactivate", "{plan}");
    let api_item = item("sync-bot");
    assert_ne!(api_item["action"], "deactivate", "{api_item}");
    assert!(
        api_item.to_string().contains("protected"),
        "the API user is protected: {api_item}"
    );

    let applied = sync("apply", &["--auto-approve"]);
    assert_eq!(applied.code, 0, "{}", applied.stderr);
    let runtime = runtime();
    let users = runtime.block_on(api(
        &url,
        "sync-bot",
        "k",
        r#"[{"action": "query", "expression": "select username, is_active from User order by username"}]"#,
    ));
    let active = |username: &str| {
        users[0]["data"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["username"] == username)
            .map(|u| u["is_active"].clone())
    };
    assert_eq!(
        active("leaver"),
        Some(serde_json::Value::Bool(false)),
        "{users}"
    );
    assert_eq!(
        active("sync-bot"),
        Some(serde_json::Value::Bool(true)),
        "the API user is still active and its key still works: {users}"
    );
    let again = sync("plan", &["--detailed-exitcode"]);
    assert_eq!(
        again.code, 0,
        "nothing left to do, and not locked out: {}",
        again.stderr
    );
    stop(child, stderr);
}

/// A seed with the studio's own roles, two projects and a user holding roles on both.
const ROLES_SEED: &str = r#"{
    "users": [{"id": "u1", "username": "ann", "first_name": "Ann", "last_name": "Lee",
               "email": null, "is_active": true, "groups": [], "user_type": "user",
               "roles": [{"role": "Artist", "scope": {"projects": ["ALPHA"]}},
                         {"role": "Lead", "scope": "all_open_projects"}]}],
    "groups": [],
    "security_roles": [{"id": "r-artist", "name": "Artist", "kind": "project"},
                       {"id": "r-lead", "name": "Lead", "kind": "project"},
                       {"id": "r-client", "name": "Client", "kind": "assigned"}],
    "projects": [{"id": "p-alpha", "name": "ALPHA", "full_name": "Alpha", "is_private": false},
                 {"id": "p-beta", "name": "BETA", "full_name": "Beta", "is_private": true}]
}"#;

#[test]
fn roles_and_projects_are_seeded_served_and_dumped() {
    let home = tempfile::tempdir().unwrap();
    let seed = home.path().join("seed.json");
    std::fs::write(&seed, ROLES_SEED).unwrap();
    let dump = home.path().join("dump.json");
    let args = ["--api-user", "u", "--api-key", "k", "--seed"];
    let (child, url, stderr) = spawn_with_stderr(
        home.path(),
        &[
            &args[..],
            &[
                seed.to_str().unwrap(),
                "--default-role",
                "Artist",
                "--dump",
                dump.to_str().unwrap(),
            ],
        ]
        .concat(),
    );
    let runtime = runtime();
    let answer = runtime.block_on(api(
        &url,
        "u",
        "k",
        r#"[{"action": "create", "entity_type": "User", "entity_data": {"id": "u2", "username": "bo", "is_active": true}},
            {"action": "grant_user_security_role_project", "user_id": "u1", "role_id": "r-artist", "project_id": "p-beta"},
            {"action": "query", "expression": "select name from Project where user_security_role_projects any (user_security_role.user.username is \"ann\") order by name"}]"#,
    ));
    let names: Vec<&str> = answer[2]["data"]
        .as_array()
        .unwrap_or_else(|| panic!("{answer}"))
        .iter()
        .filter_map(|p| p["name"].as_str())
        .collect();
    assert_eq!(names, ["ALPHA", "BETA"], "{answer}");
    let text = stop(child, stderr);
    assert!(
        text.contains("get the role \"Artist\" on all open projects"),
        "{text}"
    );

    let mut expected: serde_json::Value = serde_json::from_str(ROLES_SEED).unwrap();
    expected["users"][0]["roles"][0]["scope"]["projects"] = serde_json::json!(["ALPHA", "BETA"]);
    let dumped: serde_json::Value = serde_json::from_slice(&std::fs::read(&dump).unwrap()).unwrap();
    assert_eq!(dumped["security_roles"], expected["security_roles"]);
    assert_eq!(dumped["projects"], expected["projects"]);
    let user = |name: &str| {
        dumped["users"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["username"] == name)
            .unwrap_or_else(|| panic!("no {name}: {dumped}"))
            .clone()
    };
    assert_eq!(user("ann")["roles"], expected["users"][0]["roles"]);
    assert_eq!(
        user("bo")["roles"],
        serde_json::json!([{"role": "Artist", "scope": "all_open_projects"}])
    );
    assert!(user("u").get("roles").is_none(), "the API user has no role");
}

#[test]
fn a_default_role_the_sandbox_lacks_stops_it() {
    let home = tempfile::tempdir().unwrap();
    let out = crate::support::run(ldap2ftrack(home.path()).args([
        "sandbox",
        "--listen",
        "127.0.0.1:0",
        "--default-role",
        "Nope",
    ]));
    assert_ne!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.contains("--default-role")
            && out.stderr.contains("\"Nope\"")
            && out.stderr.contains("Project Manager"),
        "{}",
        out.stderr
    );
}
