//! `[notify]` end to end: the real binary against the sandbox, a local webhook receiver and
//! hook scripts that record their input.

use crate::apply_e2e::{API_KEY, World};
use crate::support::receiver::{Answer, Receiver, nobody_listening};
use crate::support::run;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

const URL_TOKEN: &str = "T000-url-t0ken";
const HEADER_TOKEN: &str = "hdr-t0ken-42";

/// A script that saves its stdin, and its hook name and view of the API key, under `$1`.
const RECORD: &str = r#"#!/bin/bash
PATH=/usr/bin:/bin
mkdir -p "$1"
file=$(mktemp "$1/XXXXXX")
cat > "$file.json"
printf '%s|%s' "$LDAP2FTRACK_HOOK" "${FTRACK_API_KEY:-no key}" > "$file.env"
"#;

/// A script that fails after reading its input.
const FAIL: &str = "#!/bin/bash\ncat > /dev/null\necho 'ticket system down' >&2\nexit 1\n";

fn script(world: &World, name: &str, body: &str) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let path = world.path(name);
    std::fs::write(&path, body).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o700)).unwrap();
    path
}

/// `["<home>/record", "<home>/<dir>"]`.
fn recording(world: &World, dir: &str) -> String {
    let record = script(world, "record", RECORD);
    format!(
        "[{:?}, {:?}]",
        record.display().to_string(),
        world.path(dir).display().to_string()
    )
}

/// The JSON each call of a hook recorded in `dir`, and what it saw of its environment.
fn calls(world: &World, dir: &str) -> Vec<(Value, String)> {
    let dir = world.path(dir);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut calls: Vec<(Value, String)> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|json| {
            let env = std::fs::read_to_string(json.with_extension("env")).unwrap();
            (
                serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap(),
                env,
            )
        })
        .collect();
    calls.sort_by_key(|(json, _)| json["username"].as_str().unwrap_or("").to_string());
    calls
}

fn planned(plan: &Value, action: &str) -> BTreeSet<String> {
    plan["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["action"] == action)
        .map(|i| i["username"].as_str().unwrap().to_string())
        .collect()
}

fn usernames(calls: &[(Value, String)]) -> BTreeSet<String> {
    calls
        .iter()
        .map(|(json, _)| json["username"].as_str().unwrap().to_string())
        .collect()
}

fn write_url_file(world: &World, url: &str) -> String {
    let file = world.path("webhook_url");
    std::fs::write(&file, format!("{url}\n")).unwrap();
    file.display().to_string()
}

#[test]
fn the_webhook_and_every_hook_hear_of_the_run_and_of_each_user() {
    let receiver = Receiver::start(Answer::Ok);
    let world = World::with_seed("", "", |_| {});
    let notify = format!(
        "[notify]\nwebhook_url_file = {url_file:?}\non_run = {on_run}\non_blocked = {on_blocked}\n\
         on_create = {on_create}\non_deactivate = {on_deactivate}\n\
         [notify.webhook_headers]\nAuthorization = \"Bearer {HEADER_TOKEN}\"\n",
        url_file = write_url_file(
            &world,
            &format!("{}/hook/{URL_TOKEN}?key={URL_TOKEN}", receiver.url)
        ),
        on_run = recording(&world, "on_run"),
        on_blocked = recording(&world, "on_blocked"),
        on_create = recording(&world, "on_create"),
        on_deactivate = recording(&world, "on_deactivate"),
    );
    append_config(&world, &notify);
    let plan = world.plan_json();
    // `plan` tells nobody.
    assert!(receiver.received().is_empty());
    let out = run(world
        .cmd("apply")
        .args(["--auto-approve", "--report", "report.html", "-v"]));
    assert_eq!(out.code, 0, "{}", out.stderr);

    let received = receiver.received();
    assert_eq!(received.len(), 1, "{received:?}");
    let hook = &received[0];
    assert_eq!(hook.path, format!("/hook/{URL_TOKEN}"));
    assert_eq!(
        hook.authorization.as_deref(),
        Some(format!("Bearer {HEADER_TOKEN}").as_str())
    );
    assert_eq!(hook.content_type.as_deref(), Some("application/json"));
    let body = &hook.body;
    let created = planned(&plan, "create");
    let deactivated = planned(&plan, "deactivate");
    assert_eq!(body["mode"], "apply");
    assert_eq!(body["exit_code"], 0);
    assert_eq!(body["status"], "changed");
    assert_eq!(body["counts"]["created"], created.len());
    assert_eq!(body["counts"]["deactivated"], deactivated.len());
    assert_eq!(body["counts"]["parked"], planned(&plan, "conflict").len());
    assert_eq!(body["blocked"], Value::Null);
    for key in ["run_id", "host", "started_at", "finished_at", "outcome"] {
        assert!(
            body[key].as_str().is_some_and(|v| !v.is_empty()),
            "{key}: {body}"
        );
    }
    assert!(
        body["report"].as_str().unwrap().ends_with("report.html"),
        "{body}"
    );
    let text = body["text"].as_str().unwrap();
    assert!(
        text.starts_with(&format!(
            "ldap2ftrack apply on {}: {} created",
            body["host"].as_str().unwrap(),
            created.len()
        )),
        "{text}"
    );
    assert!(
        text.contains("conflicts waiting (exit 0)\nReport: "),
        "{text}"
    );

    // on_run gets the same JSON; conflicts waiting call on_blocked.
    let on_run = calls(&world, "on_run");
    assert_eq!(on_run.len(), 1);
    assert_eq!(on_run[0].0, *body);
    assert_eq!(on_run[0].1, "on_run|no key");
    let on_blocked = calls(&world, "on_blocked");
    assert_eq!(on_blocked.len(), 1);
    let attention = on_blocked[0].0["attention"].to_string();
    assert!(attention.contains("waiting for a decision"), "{attention}");

    // One call per user, with the user's JSON, and never the API key.
    let on_create = calls(&world, "on_create");
    assert_eq!(usernames(&on_create), created);
    assert_eq!(on_create.len(), created.len());
    for (json, env) in &on_create {
        assert_eq!(json["event"], "create");
        assert_eq!(json["run_id"], body["run_id"]);
        assert!(
            json["ftrack_id"].is_string() && json["dn"].is_string(),
            "{json}"
        );
        assert_eq!(env, "on_create|no key");
    }
    let on_deactivate = calls(&world, "on_deactivate");
    assert_eq!(usernames(&on_deactivate), deactivated);
    assert!(
        on_deactivate
            .iter()
            .all(|(json, _)| json["event"] == "deactivate")
    );

    // Tokens appear nowhere the admin or a log reads.
    assert!(
        out.stderr.contains("webhook http://127.0.0.1:"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("/***: delivered (1 attempt)"),
        "{}",
        out.stderr
    );
    let shown = run(crate::support::ldap2ftrack(&world.path("")).args([
        "-c",
        "config.toml",
        "config",
        "show",
    ]));
    assert_eq!(shown.code, 0, "{}", shown.stderr);
    assert!(
        shown.stdout.contains("webhook_url = \"http://127.0.0.1:"),
        "{}",
        shown.stdout
    );
    assert!(
        shown.stdout.contains("Authorization = \"********\""),
        "{}",
        shown.stdout
    );
    for text in [&out.stderr, &out.stdout, &shown.stdout, &shown.stderr] {
        assert!(
            !text.contains(URL_TOKEN) && !text.contains(HEADER_TOKEN) && !text.contains(API_KEY),
            "{text}"
        );
    }
}

#[test]
fn a_safety_limit_block_calls_on_blocked_and_the_webhook_says_why() {
    let receiver = Receiver::start(Answer::Ok);
    let world = World::with_seed("", "", |_| {});
    let notify = format!(
        "[notify]\nwebhook_url = \"{}/hook\"\non_run = {on_run}\non_run_when = \"changed\"\n\
         on_blocked = {on_blocked}\non_create = {on_create}\n",
        receiver.url,
        on_run = recording(&world, "on_run"),
        on_blocked = recording(&world, "on_blocked"),
        on_create = recording(&world, "on_create"),
    );
    append_config(&world, &notify);
    let out = run(world
        .cmd("apply")
        .args(["--auto-approve", "--max-deactivate", "1"]));
    assert_eq!(out.code, 4, "{}", out.stderr);
    let received = receiver.received();
    assert_eq!(received.len(), 1);
    let body = &received[0].body;
    assert_eq!(body["status"], "blocked");
    assert_eq!(body["exit_code"], 4);
    let why = body["blocked"].as_str().unwrap();
    assert!(why.contains("safety limit of 1"), "{why}");
    assert!(
        body["text"]
            .as_str()
            .unwrap()
            .contains("blocked, nothing applied: "),
        "{body}"
    );
    let on_blocked = calls(&world, "on_blocked");
    assert_eq!(on_blocked.len(), 1);
    assert_eq!(on_blocked[0].0["blocked"], why);
    assert_eq!(on_blocked[0].1, "on_blocked|no key");
    // Nothing changed: on_run (only when changed) and on_create are not called.
    assert!(calls(&world, "on_run").is_empty());
    assert!(calls(&world, "on_create").is_empty());
}

#[test]
fn a_webhook_that_is_down_or_hangs_and_a_failing_hook_never_fail_the_run() {
    // Nobody listening: two attempts, a warning, the run applied with exit 0.
    let world = World::with_seed("", "", |_| {});
    let fail = script(&world, "fail", FAIL);
    append_config(
        &world,
        &format!(
            "[notify]\nwebhook_url = \"{}\"\nwebhook_retries = 1\non_create = [{:?}]\n",
            nobody_listening(),
            fail.display().to_string()
        ),
    );
    let created = planned(&world.plan_json(), "create");
    let out = run(world.cmd("apply").arg("--auto-approve"));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("/***: not delivered after 2 attempts: cannot connect: "),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("(the run itself is not affected)"),
        "{}",
        out.stderr
    );
    let first = created.iter().next().unwrap();
    assert!(
        out.stderr.contains(&format!(
            "on_create hook failed for {first} (the change stays applied): {} exited with status 1: ticket system down",
            fail.display()
        )),
        "{}",
        out.stderr
    );
    assert!(
        planned(&world.plan_json(), "create").is_empty(),
        "the users stay created"
    );

    // A receiver that never answers: each attempt ends at its timeout, then the run ends.
    let hanging = Receiver::start(Answer::Hang);
    let world = World::with_seed("", "", |_| {});
    append_config(
        &world,
        &format!(
            "[notify]\nwebhook_url = \"{}/hook\"\nwebhook_timeout_secs = 1\nwebhook_retries = 1\n",
            hanging.url
        ),
    );
    let out = run(world.cmd("apply").arg("--auto-approve"));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(hanging.received().len(), 2, "one attempt and one retry");
    assert!(
        out.stderr
            .contains("not delivered after 2 attempts: no answer within the timeout"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_run_that_fails_before_applying_is_told_with_its_exit_code() {
    let receiver = Receiver::start(Answer::Ok);
    let world = World::with_seed("", "", |_| {});
    let notify = format!(
        "[notify]\nwebhook_url = \"{}/hook\"\non_blocked = {on_blocked}\n",
        receiver.url,
        on_blocked = recording(&world, "on_blocked"),
    );
    append_config(&world, &notify);
    let gone = nobody_listening().replace("/hook", "");
    let out = run(world
        .cmd("apply")
        .arg("--auto-approve")
        .env("FTRACK_SERVER", &gone));
    assert_eq!(out.code, 69, "{}", out.stderr);
    let received = receiver.received();
    assert_eq!(received.len(), 1);
    let body = &received[0].body;
    assert_eq!(body["status"], "error");
    assert_eq!(body["exit_code"], 69);
    let text = body["text"].as_str().unwrap();
    assert!(
        text.contains(": failed before applying anything: ") && text.ends_with("(exit 69)"),
        "{text}"
    );
    let on_blocked = calls(&world, "on_blocked");
    assert_eq!(on_blocked.len(), 1);
    assert_eq!(on_blocked[0].0["status"], "error");
}

fn append_config(world: &World, text: &str) {
    let path: &Path = &world.path("config.toml");
    let config = std::fs::read_to_string(path).unwrap();
    std::fs::write(path, format!("{config}\n{text}")).unwrap();
}

#[test]
fn config_validate_names_a_hook_program_that_cannot_run() {
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("notify.toml");
    let validate = |text: &str| {
        std::fs::write(&config, text).unwrap();
        run(crate::support::ldap2ftrack(home.path())
            .env("PATH", "/usr/bin:/bin")
            .arg("-c")
            .arg(&config)
            .args(["config", "validate"]))
    };
    let out = validate(
        "[notify]\non_run = [\"true\"]\n\non_create = [\"/nonexistent/onboard\", \"--x\"]\n",
    );
    assert_eq!(out.code, 78, "{}", out.stderr);
    assert!(
        out.stderr.contains(
            "notify.toml:4: notify.on_create: /nonexistent/onboard is not an executable file"
        ),
        "{}",
        out.stderr
    );
    let out = validate("[notify]\non_blocked = [\"no-such-pager-xyz\"]\n");
    assert_eq!(out.code, 78, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("notify.toml:2: notify.on_blocked: no-such-pager-xyz is not found on PATH"),
        "{}",
        out.stderr
    );
    let out =
        validate("[notify]\non_run = [\"true\"]\non_deactivate = [\"/bin/sh\", \"-c\", \"cat\"]\n");
    assert_eq!(out.code, 0, "{}", out.stderr);
}

#[test]
fn a_webhook_whose_certificate_no_trusted_ca_signed_is_refused() {
    use ldap2ftrack::notify::webhook::Webhook;
    use secrecy::SecretString;
    // slapd's LDAPS port is a TLS server whose certificate a test CA signed, which no system
    // trusts: the handshake fails before any byte of the run's JSON is sent.
    let server = crate::support::slapd::Slapd::start("");
    let url = server.ldaps_uri().replace("ldaps://", "https://") + "/hook";
    let url = SecretString::from(url);
    let headers = std::collections::BTreeMap::new();
    let webhook = Webhook {
        url: &url,
        headers: &headers,
        timeout: std::time::Duration::from_secs(5),
        retries: 0,
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let delivery = runtime.block_on(webhook.deliver(&serde_json::json!({"text": "x"})));
    let error = delivery.error.expect("refused");
    assert!(error.contains("certificate"), "{error}");
    assert_eq!(delivery.attempts, 1);
}
