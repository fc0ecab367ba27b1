//! `ldap2ftrack init` end to end: the real binary probes a real slapd (and a Samba AD DC) and
//! the ftrack sandbox, and writes a config that `config validate` accepts and whose `plan`
//! reads the expected users. Existing files are refused without --force; --no-input names
//! the flag a missing value needs; answers can be piped to the questions.

use crate::ldap_source::person;
use crate::support::cli_sandbox::{API_KEY, CliSandbox};
use crate::support::receiver::nobody_listening;
use crate::support::samba::{
    PEOPLE_DN, READER_PASSWORD as AD_READER_PASSWORD, READER_UPN, SambaDc, UAC_DISABLED,
    UAC_ENABLED,
};
use crate::support::slapd::{READER_DN, READER_PASSWORD, Slapd, require_slapd};
use crate::support::{Run, ldap2ftrack, run};
use ldap2ftrack::model::FtrackSnapshot;
use serde_json::Value;
use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Four people (one locked by ppolicy, one by nsAccountLock) and a group holding two of them.
fn studio() -> String {
    let group = "cn=comp,ou=groups,dc=studio,dc=test";
    let mut ldif = person(1, "ann", &format!("memberOf: {group}"));
    ldif += &person(2, "bob", &format!("memberOf: {group}"));
    ldif += &person(3, "locked", "pwdAccountLockedTime: 20250101000000Z");
    ldif += &person(
        4,
        "nslocked",
        "objectClass: nsAccountLockable\nnsAccountLock: TRUE",
    );
    ldif + &format!(
        "dn: {group}\nobjectClass: groupOfNames\ncn: comp\nmember: uid=ann,ou=people,dc=studio,dc=test\nmember: uid=bob,ou=people,dc=studio,dc=test\n\n"
    )
}

/// A home with the secret files an admin would hand to init.
struct Home {
    dir: tempfile::TempDir,
}

impl Home {
    fn new(bind_password: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("given_password"),
            format!("{bind_password}\n"),
        )
        .unwrap();
        std::fs::write(dir.path().join("given_key"), format!("{API_KEY}\n")).unwrap();
        Self { dir }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn config(&self) -> PathBuf {
        self.path().join("etc/config.toml")
    }

    /// The binary with this home and its config (no ftrack settings in the environment).
    fn cmd(&self) -> Command {
        let mut cmd = ldap2ftrack(self.path());
        cmd.arg("-c").arg(self.config());
        cmd
    }
}

/// `init --no-input` with every answer a flag.
fn init_flags(home: &Home, uri: &str, ca: &Path, bind_dn: &str, ftrack: &str) -> Command {
    let mut cmd = home.cmd();
    cmd.args([
        "--no-input",
        "init",
        "--uri",
        uri,
        "--starttls",
        "--ca-file",
    ])
    .arg(ca)
    .args(["--bind-dn", bind_dn, "--bind-password-file"])
    .arg(home.path().join("given_password"))
    .args(["--ftrack-server", ftrack, "--ftrack-api-user", "sync"])
    .arg("--ftrack-api-key-file")
    .arg(home.path().join("given_key"));
    cmd
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// `plan --format json` with the written config; the run must succeed.
fn plan(home: &Home) -> Value {
    let out = run(home.cmd().args(["plan", "--format", "json"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    serde_json::from_str(&out.stdout).unwrap()
}

fn created(plan: &Value) -> Vec<String> {
    let mut names: Vec<String> = plan["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|item| item["action"] == "create")
        .map(|item| item["username"].as_str().unwrap().to_string())
        .collect();
    names.sort();
    names
}

fn assert_validates(home: &Home) {
    let out = run(home.cmd().args(["config", "validate"]));
    assert_eq!(
        out.code,
        0,
        "{}\n{}",
        out.stderr,
        std::fs::read_to_string(home.config()).unwrap()
    );
}

#[test]
fn init_without_input_writes_a_config_that_validates_and_plans_the_directory() {
    require_slapd();
    let server = Slapd::start(&studio());
    let sandbox = CliSandbox::start(&FtrackSnapshot::default(), "sync");
    let home = Home::new(READER_PASSWORD);
    let ca = server.ca_file();
    let out = run(&mut init_flags(
        &home,
        &server.ldap_uri(),
        &ca,
        READER_DN,
        sandbox.url(),
    ));
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert!(
        out.stdout.contains("server   OpenLDAP at "),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains(
            "users    4 match (objectClass=inetOrgPerson) under ou=people,dc=studio,dc=test"
        ),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("ftrack   ok: "), "{}", out.stdout);

    let text = std::fs::read_to_string(home.config()).unwrap();
    assert_eq!(mode(&home.config()), 0o600);
    assert!(
        text.contains("user_base_dn = \"ou=people,dc=studio,dc=test\""),
        "{text}"
    );
    assert!(
        text.contains("group_base_dn = \"ou=groups,dc=studio,dc=test\""),
        "{text}"
    );
    assert!(text.contains("id = \"entryUUID\""), "{text}");
    assert!(
        text.contains("active = [\"pwdaccountlockedtime\", \"nsaccountlock\", \"shadowexpire\"]"),
        "{text}"
    );
    // The secrets stay in the files the admin named; nothing new is written for them.
    let given = home.path().join("given_password");
    assert!(
        text.contains(&format!("bind_password_file = \"{}\"", given.display())),
        "{text}"
    );
    assert!(
        !text.contains(READER_PASSWORD) && !text.contains(API_KEY),
        "{text}"
    );
    assert!(!home.path().join("etc/bind_password").exists());
    assert!(!out.stdout.contains(READER_PASSWORD) && !out.stderr.contains(READER_PASSWORD));

    assert_validates(&home);
    let plan = plan(&home);
    assert_eq!(created(&plan), ["ann", "bob"], "{plan}");
}

#[test]
fn init_refuses_to_replace_a_config_without_force_and_replaces_it_with() {
    require_slapd();
    let server = Slapd::start(&studio());
    let sandbox = CliSandbox::start(&FtrackSnapshot::default(), "sync");
    let home = Home::new(READER_PASSWORD);
    std::fs::create_dir_all(home.config().parent().unwrap()).unwrap();
    std::fs::write(home.config(), "# mine\n").unwrap();
    let ca = server.ca_file();
    // A refused bind, or an ftrack server nobody answers for, stops init before it writes.
    let wrong = Home::new("not-the-password");
    let bind_refused = run(&mut init_flags(
        &wrong,
        &server.ldap_uri(),
        &ca,
        READER_DN,
        sandbox.url(),
    ));
    assert_eq!(bind_refused.code, 69, "{}", bind_refused.stderr);
    assert!(
        bind_refused.stderr.contains("refused the bind"),
        "{}",
        bind_refused.stderr
    );
    assert!(!wrong.config().exists());
    let elsewhere = Home::new(READER_PASSWORD);
    let ftrack_down = run(&mut init_flags(
        &elsewhere,
        &server.ldap_uri(),
        &ca,
        READER_DN,
        &nobody_listening(),
    ));
    assert_eq!(ftrack_down.code, 69, "{}", ftrack_down.stderr);
    assert!(
        ftrack_down.stderr.contains("error: ftrack: "),
        "{}",
        ftrack_down.stderr
    );
    assert!(!elsewhere.config().exists());

    let refused = run(&mut init_flags(
        &home,
        &server.ldap_uri(),
        &ca,
        READER_DN,
        sandbox.url(),
    ));
    assert_eq!(refused.code, 1, "{}", refused.stderr);
    assert!(
        refused.stderr.contains("already exists"),
        "{}",
        refused.stderr
    );
    assert!(refused.stderr.contains("--force"), "{}", refused.stderr);
    assert_eq!(std::fs::read_to_string(home.config()).unwrap(), "# mine\n");

    let forced =
        run(init_flags(&home, &server.ldap_uri(), &ca, READER_DN, sandbox.url()).arg("--force"));
    assert_eq!(forced.code, 0, "{}", forced.stderr);
    assert!(
        std::fs::read_to_string(home.config())
            .unwrap()
            .starts_with("# ldap2ftrack configuration")
    );
    assert_validates(&home);
}

#[test]
fn init_without_input_names_the_flag_a_missing_value_needs() {
    let home = Home::new(READER_PASSWORD);
    let out = run(home.cmd().args(["--no-input", "init"]));
    assert_eq!(out.code, 64, "{}", out.stderr);
    assert!(out.stderr.contains("--uri (or LDAP_URI)"), "{}", out.stderr);
    assert!(!home.config().exists());

    let nowhere = run(ldap2ftrack(home.path()).args(["--no-input", "init", "--uri", "ldap://x"]));
    assert_eq!(nowhere.code, 64, "{}", nowhere.stderr);
    assert!(nowhere.stderr.contains("-c FILE"), "{}", nowhere.stderr);
}

/// Runs `cmd` with `answers` on its standard input.
fn answering(cmd: &mut Command, answers: &str) -> Run {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(answers.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    Run {
        code: output.status.code().unwrap(),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}

#[test]
fn init_asks_what_is_missing_and_keeps_typed_secrets_in_files_of_their_own() {
    require_slapd();
    let server = Slapd::start(&studio());
    let sandbox = CliSandbox::start(&FtrackSnapshot::default(), "sync");
    let home = Home::new(READER_PASSWORD);
    // URI, StartTLS, CA file, bind DN, password, user base, filter, group base (Enter keeps
    // the proposals), ftrack server, API user, API key, and yes to writing.
    let answers = [
        server.ldap_uri().as_str(),
        "y",
        &server.ca_file().display().to_string(),
        READER_DN,
        READER_PASSWORD,
        "",
        "(&(objectClass=inetOrgPerson)(!(uid=bob)))",
        "-",
        sandbox.url(),
        "sync",
        API_KEY,
        "",
    ]
    .join("\n");
    let out = answering(home.cmd().arg("init"), &format!("{answers}\n"));
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert!(!out.stderr.contains(READER_PASSWORD) && !out.stderr.contains(API_KEY));
    let dir = home.config().parent().unwrap().to_path_buf();
    for (name, secret) in [
        ("bind_password", READER_PASSWORD),
        ("ftrack_api_key", API_KEY),
    ] {
        let path = dir.join(name);
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            format!("{secret}\n")
        );
        assert_eq!(mode(&path), 0o600, "{name}");
    }
    let text = std::fs::read_to_string(home.config()).unwrap();
    assert!(
        text.contains("bind_password_file = \"bind_password\""),
        "{text}"
    );
    assert!(text.contains("api_key_file = \"ftrack_api_key\""), "{text}");
    assert!(
        text.contains("# Set when init ran (it proposed (objectClass=inetOrgPerson))."),
        "{text}"
    );
    assert!(!text.contains("\ngroup_base_dn"), "{text}");
    assert_validates(&home);
    assert_eq!(created(&plan(&home)), ["ann"]);

    // A second run on the same files: a "no" keeps them.
    let again = answering(home.cmd().arg("init"), "n\n");
    assert_eq!(again.code, 1, "{}", again.stderr);
    assert!(again.stderr.contains("already exists"), "{}", again.stderr);
    assert_eq!(std::fs::read_to_string(home.config()).unwrap(), text);
}

/// Three people under OU=People (one disabled), a group, and the service account elsewhere.
fn ad_studio() -> String {
    let user = |cn: &str, uac: u32| {
        format!(
            "dn: CN={cn},{PEOPLE_DN}\nobjectClass: user\nsAMAccountName: {cn}\nuserPrincipalName: {cn}@studio.test\nmail: {cn}@studio.test\ngivenName: {cn}\nsn: Tester\nuserAccountControl: {uac}\n\n"
        )
    };
    user("ann", UAC_ENABLED)
        + &user("bob", UAC_ENABLED)
        + &user("carol", UAC_DISABLED)
        + &format!(
            "dn: CN=comp,OU=Groups,DC=studio,DC=test\nobjectClass: group\nmember: CN=ann,{PEOPLE_DN}\n\n"
        )
}

#[test]
fn init_recognises_active_directory_and_proposes_its_rules() {
    let dc = SambaDc::start(&ad_studio());
    let sandbox = CliSandbox::start(&FtrackSnapshot::default(), "sync");
    let home = Home::new(AD_READER_PASSWORD);
    let ca = dc.ca_file();
    let out = run(&mut init_flags(
        &home,
        &dc.ldap_uri(),
        &ca,
        READER_UPN,
        sandbox.url(),
    ));
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("Active Directory"), "{}", out.stdout);
    let text = std::fs::read_to_string(home.config()).unwrap();
    for line in [
        format!("user_base_dn = \"{PEOPLE_DN}\""),
        "id = \"objectGUID\"".to_string(),
        "username = \"sAMAccountName\"".to_string(),
        "active = [\"useraccountcontrol\", \"accountexpires\"]".to_string(),
        "group_filter = \"(objectClass=group)\"".to_string(),
        "page_size = 1000".to_string(),
    ] {
        assert!(text.contains(&line), "{line} missing from:\n{text}");
    }
    assert!(
        text.contains("# Active Directory: userAccountControl"),
        "{text}"
    );
    assert_validates(&home);
    assert_eq!(created(&plan(&home)), ["ann", "bob"]);
}
