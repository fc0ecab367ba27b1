//! `plan` and `config` driven through the real binary.

use crate::support::{asset, demo_plan, ldap2ftrack, run};
use std::path::Path;

const SYNCED_LDIF: &str = "version: 1\n\ndn: uid=jdoe,ou=people,dc=x\nobjectClass: inetOrgPerson\nuid: jdoe\ngivenName: Jane\nsn: Doe\nmail: jdoe@x.example\nentryUUID: 11111111-1111-1111-1111-111111111111\n";
const SYNCED_FTRACK: &str = r#"{"users":[{"id":"f1","username":"jdoe","first_name":"Jane","last_name":"Doe","email":"jdoe@x.example","is_active":true}]}"#;

fn synced_files(home: &Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let ldif = home.join("dir.ldif");
    let snap = home.join("ftrack.json");
    std::fs::write(&ldif, SYNCED_LDIF).unwrap();
    std::fs::write(&snap, SYNCED_FTRACK).unwrap();
    (ldif, snap)
}

#[test]
fn plan_prints_markers_and_one_summary_line() {
    let home = tempfile::tempdir().unwrap();
    let out = run(&mut demo_plan(home.path()));
    assert_eq!(out.code, 0, "{}", out.stderr);
    for marker in ["\n+ ", "\n~ ", "\n- ", "\n^ ", "! "] {
        assert!(
            out.stdout.contains(marker),
            "missing {marker:?} in\n{}",
            out.stdout
        );
    }
    let summary: Vec<&str> = out
        .stderr
        .lines()
        .filter(|l| l.starts_with("Plan: "))
        .collect();
    assert_eq!(summary.len(), 1, "{}", out.stderr);
    assert!(summary[0].contains("10 to deactivate"), "{}", summary[0]);
    assert!(
        !out.stdout.contains('\u{1b}'),
        "no colour when not on a terminal"
    );
}

#[test]
fn verbose_may_be_repeated() {
    let home = tempfile::tempdir().unwrap();
    let out = run(demo_plan(home.path()).args(["-v", "-vv"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
}

#[test]
fn plan_never_writes_the_state_directory() {
    let home = tempfile::tempdir().unwrap();
    let out = run(&mut demo_plan(home.path()));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let files: Vec<String> = std::fs::read_dir(home.path().join("state"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(files, ["links.json"]);
}

#[test]
fn detailed_exitcode_tells_changes_from_none() {
    let home = tempfile::tempdir().unwrap();
    let out = run(demo_plan(home.path()).arg("--detailed-exitcode"));
    assert_eq!(out.code, 2, "{}", out.stderr);
    // The demo holds conflicts: a person is needed, which outranks "changes present".
    let out = run(demo_plan(home.path()).args(["--detailed-exitcode", "--fail-on-conflict"]));
    assert_eq!(out.code, 6, "{}", out.stderr);

    let (ldif, snap) = synced_files(home.path());
    let out = run(ldap2ftrack(home.path())
        .args(["plan", "--detailed-exitcode", "--state-dir", "st", "--ldif"])
        .arg(&ldif)
        .arg("--ftrack-snapshot")
        .arg(&snap));
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    let no_conflicts = run(ldap2ftrack(home.path())
        .args(["plan", "--fail-on-conflict", "--state-dir", "st", "--ldif"])
        .arg(&ldif)
        .arg("--ftrack-snapshot")
        .arg(&snap));
    assert_eq!(no_conflicts.code, 0, "{}", no_conflicts.stderr);
    assert!(
        out.stderr.contains("0 to create, 0 to update"),
        "{}",
        out.stderr
    );
}

#[test]
fn json_plan_goes_to_a_file_with_the_documented_shape() {
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("plan.json");
    let out = run(demo_plan(home.path())
        .args(["--format", "json", "-o"])
        .arg(&file));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.is_empty());
    let plan: serde_json::Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert_eq!(plan["format_version"], 2);
    assert!(plan["seats"]["active_before"].is_u64());
    assert!(plan["seats"]["active_after"].is_u64());
    for key in [
        "create",
        "update",
        "deactivate",
        "reactivate",
        "conflict",
        "skip",
        "unchanged",
    ] {
        assert!(plan["summary"][key].is_u64(), "summary.{key}");
    }
    assert!(plan["blocked"].is_null());
    let first = &plan["items"][0];
    for key in [
        "action",
        "username",
        "directory",
        "ftrack",
        "changes",
        "groups",
        "reason",
    ] {
        assert!(first.get(key).is_some(), "items[0].{key} in {first}");
    }
    let counted: u64 = plan["summary"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_u64().unwrap())
        .sum();
    assert_eq!(plan["items"].as_array().unwrap().len() as u64, counted);
}

#[test]
fn safety_limit_blocks_and_says_why() {
    let home = tempfile::tempdir().unwrap();
    let out = run(demo_plan(home.path()).args(["--max-deactivate", "3"]));
    assert_eq!(out.code, 0, "plan itself succeeds: {}", out.stderr);
    assert!(
        out.stdout.starts_with(
            "BLOCKED for unattended apply: 10 deactivations exceed the safety limit of 3"
        ),
        "{}",
        out.stdout
    );
    assert!(out.stderr.contains("blocked"), "{}", out.stderr);
    // -q keeps only what matters, and a blocked plan matters.
    let quiet = run(demo_plan(home.path()).args(["--max-deactivate", "3", "-q"]));
    assert!(
        quiet
            .stderr
            .contains("warning: this plan is blocked for unattended apply"),
        "{}",
        quiet.stderr
    );
    assert!(!quiet.stderr.contains("Plan: "), "{}", quiet.stderr);
}

#[test]
fn scope_flags_narrow_the_plan() {
    let home = tempfile::tempdir().unwrap();
    let out = run(demo_plan(home.path()).args(["--only-user", "ecarter", "--format", "json"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let plan: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(plan["summary"]["update"], 1);
    assert_eq!(plan["summary"]["create"], 0);
    assert_eq!(plan["summary"]["deactivate"], 0);

    // Several users after one flag, as after repeated flags.
    for args in [
        &["--only-user", "ecarter", "dmorgan"][..],
        &["--only-user", "ecarter", "--only-user", "dmorgan"][..],
    ] {
        let out = run(demo_plan(home.path()).args(args).args(["--format", "json"]));
        assert_eq!(out.code, 0, "{}", out.stderr);
        let plan: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
        let mut in_scope: Vec<&str> = plan["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|i| i["action"] != "skip")
            .map(|i| i["username"].as_str().unwrap())
            .collect();
        in_scope.sort_unstable();
        assert_eq!(in_scope, ["dmorgan", "ecarter"], "{args:?}");
    }

    let out =
        run(demo_plan(home.path()).args(["--no-deactivate", "--no-create", "--format", "json"]));
    let plan: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(plan["summary"]["deactivate"], 0);
    assert_eq!(plan["summary"]["create"], 0);
    assert_eq!(plan["summary"]["update"], 20);

    let out = run(demo_plan(home.path()).args([
        "--ldap-filter",
        "(departmentNumber=fx)",
        "--format",
        "json",
    ]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let plan: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let directory_items = plan["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| !i["directory"].is_null())
        .count();
    assert!(
        directory_items > 5 && directory_items < 60,
        "{directory_items}"
    );
    // Linked users the filter did not read are out of scope, not leavers: only entries it
    // read (disabled accounts) can be deactivated.
    assert_eq!(plan["blocked"], serde_json::Value::Null);
    for item in plan["items"].as_array().unwrap() {
        if item["action"] == "deactivate" {
            assert!(!item["directory"].is_null(), "{item}");
        }
    }
    let ftrack_only = plan["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["directory"].is_null())
        .collect::<Vec<_>>();
    assert!(ftrack_only.len() > 200, "{}", ftrack_only.len());
    for item in ftrack_only {
        assert_eq!(item["action"], "skip", "{item}");
    }
    let out = run(demo_plan(home.path()).args(["--ldap-filter", "(departmentNumber=fx)", "--all"]));
    assert!(
        out.stdout
            .contains("out of scope for this run (--ldap-filter)"),
        "{}",
        out.stdout
    );
}

#[test]
fn colour_only_when_asked() {
    let home = tempfile::tempdir().unwrap();
    let out = run(demo_plan(home.path()).args(["--color", "always"]));
    assert!(out.stdout.contains("\u{1b}["), "colour requested");

    // Log lines on stderr follow the same choice (here: retries against a closed port).
    let unreachable = |color: &str| {
        run(ldap2ftrack(home.path())
            .envs([
                ("FTRACK_SERVER", "http://127.0.0.1:1"),
                ("FTRACK_API_USER", "sync"),
                ("FTRACK_API_KEY", "k"),
            ])
            .args(["--color", color, "-c"])
            .arg(asset("assets/demo/config.toml"))
            .args(["plan", "--ldif"])
            .arg(asset("assets/demo/directory.ldif")))
    };
    let plain = unreachable("never");
    assert!(plain.stderr.contains("WARN"), "{}", plain.stderr);
    assert!(!plain.stderr.contains('\u{1b}'), "{}", plain.stderr);
    let coloured = unreachable("always");
    assert!(coloured.stderr.contains("\u{1b}["), "{}", coloured.stderr);
}

#[test]
fn bad_inputs_fail_with_clear_messages_and_exit_codes() {
    let home = tempfile::tempdir().unwrap();
    let (ldif, snap) = synced_files(home.path());

    let config = home.path().join("bad.toml");
    std::fs::write(&config, "[ldap]\nuri = \"ldap://x\"\npage_size = 0\n").unwrap();
    let out = run(ldap2ftrack(home.path())
        .arg("-c")
        .arg(&config)
        .args(["config", "validate"]));
    assert_eq!(out.code, 78, "{}", out.stderr);
    assert!(
        out.stderr.contains("bad.toml:3") && out.stderr.contains("ldap.page_size"),
        "{}",
        out.stderr
    );

    let out = run(ldap2ftrack(home.path()).args(["plan", "--bogus"]));
    assert_eq!(out.code, 64, "{}", out.stderr);

    let out = run(ldap2ftrack(home.path())
        .args(["plan", "--ldif", "missing.ldif", "--ftrack-snapshot"])
        .arg(&snap));
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("missing.ldif"), "{}", out.stderr);

    let changes = home.path().join("changes.ldif");
    std::fs::write(
        &changes,
        "dn: uid=a,dc=x\nchangetype: modify\nreplace: mail\nmail: a@x.example\n",
    )
    .unwrap();
    let out = run(ldap2ftrack(home.path())
        .args(["plan", "--ftrack-snapshot"])
        .arg(&snap)
        .arg("--ldif")
        .arg(&changes));
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("changes.ldif:2"), "{}", out.stderr);

    let out = run(ldap2ftrack(home.path())
        .args(["plan", "--ldif"])
        .arg(&ldif)
        .args(["--ftrack-snapshot"])
        .arg(&ldif));
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("ftrack snapshot"), "{}", out.stderr);

    let out = run(ldap2ftrack(home.path())
        .args(["plan", "--ldap-filter", "(uid=", "--ldif"])
        .arg(&ldif)
        .arg("--ftrack-snapshot")
        .arg(&snap));
    assert_eq!(
        out.code, 64,
        "a bad filter is a usage error: {}",
        out.stderr
    );
    assert!(
        out.stderr.contains("--ldap-filter") && out.stderr.contains("invalid LDAP filter"),
        "{}",
        out.stderr
    );

    // A cause the message already quotes is not repeated after it.
    let out = run(ldap2ftrack(home.path())
        .args(["plan", "--ldif", "missing.ldif", "--ftrack-snapshot"])
        .arg(&snap));
    let first_line = out.stderr.lines().next().unwrap_or_default();
    assert_eq!(
        first_line.matches("No such file").count(),
        1,
        "{}",
        out.stderr
    );
}

#[test]
fn config_validate_refuses_what_every_directory_read_would_refuse() {
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("ldap.toml");
    let validate = |text: &str| {
        std::fs::write(&config, text).unwrap();
        run(ldap2ftrack(home.path())
            .arg("-c")
            .arg(&config)
            .args(["config", "validate"]))
    };
    let base = "[ldap]\nuri = \"ldap://ldap.example\"\nbind_dn = \"cn=sync\"\nbind_password = \"pw\"\nuser_base_dn = \"dc=example\"\n";
    let out = validate(base);
    assert_eq!(out.code, 78, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("ldap.toml:2: ldap.uri: refusing to send the bind password"),
        "{}",
        out.stderr
    );
    let out = validate(&format!(
        "{base}starttls = true\nca_file = \"missing-ca.pem\"\n"
    ));
    assert_eq!(out.code, 78, "{}", out.stderr);
    assert!(
        out.stderr.contains("ldap.toml:7: ldap.ca_file") && out.stderr.contains("missing-ca.pem"),
        "{}",
        out.stderr
    );
    for fixed in ["starttls = true\n", "allow_insecure = true\n"] {
        let out = validate(&format!("{base}{fixed}"));
        assert_eq!(out.code, 0, "{fixed}: {}", out.stderr);
    }
}

#[test]
fn config_show_redacts_secrets_and_names_origins() {
    let home = tempfile::tempdir().unwrap();
    let out = run(ldap2ftrack(home.path())
        .env("FTRACK_API_KEY", "sup3r-s3cret-key")
        .env("LDAP_URI", "ldaps://ldap.studio.example")
        .args(["config", "show"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(!out.stdout.contains("sup3r-s3cret-key"));
    assert!(out.stdout.contains("env FTRACK_API_KEY"), "{}", out.stdout);
    assert!(
        out.stdout.contains("ldaps://ldap.studio.example"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("env LDAP_URI"), "{}", out.stdout);
}

#[test]
fn allow_insecure_is_warned_about_on_every_run() {
    let home = tempfile::tempdir().unwrap();
    std::fs::write(
        home.path().join("insecure.toml"),
        "[ldap]\nuri = \"ldap://127.0.0.1:1\"\nbind_dn = \"cn=sync\"\nbind_password = \"pw\"\nuser_base_dn = \"dc=example\"\nallow_insecure = true\n",
    )
    .unwrap();
    let out = run(ldap2ftrack(home.path())
        .args(["-q", "-c", "insecure.toml", "plan", "--ftrack-snapshot"])
        .arg(crate::support::asset("assets/demo/ftrack.json")));
    assert_eq!(out.code, 69, "nothing listens there: {}", out.stderr);
    assert!(
        out.stderr
            .contains("warning: [ldap] allow_insecure = true: the bind password may cross the network unencrypted"),
        "even with -q: {}",
        out.stderr
    );
    assert!(!out.stderr.contains("pw\n"), "{}", out.stderr);
}
