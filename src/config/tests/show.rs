//! Tests of secrets (inline, from files, given twice), redaction, and `config show`.

use super::file::write_config;
use super::layers::{env_of, flag, flags};
use crate::config::*;
use secrecy::ExposeSecret;

#[test]
fn secret_files_are_read_without_one_trailing_newline() {
    let (dir, path) = write_config(
        "[ldap]\nbind_password_file = \"bind_password\"\n[ftrack]\napi_key_file = \"/nonexistent/api_key\"\n",
    );
    std::fs::write(dir.path().join("bind_password"), "pa ss\n").unwrap();
    let key_file = dir.path().join("api_key");
    std::fs::write(&key_file, "k3y\r\n").unwrap();
    // The environment's file replaces the file's (which does not exist, and is never read).
    let key_path = key_file.display().to_string();
    let env = env_of(&[("FTRACK_API_KEY_FILE", &key_path)]);
    let config = load(Some(&path), &env, &Overrides::default()).unwrap();
    assert_eq!(
        config.ldap.bind_password.as_ref().unwrap().expose_secret(),
        "pa ss"
    );
    assert_eq!(
        config.ftrack.api_key.as_ref().unwrap().expose_secret(),
        "k3y"
    );
    let file_line = Origin::File {
        path: path.clone(),
        line: 2,
    };
    assert_eq!(config.origin("ldap.bind_password"), file_line);
    assert_eq!(config.origin("ldap.bind_password_file"), file_line);
    assert_eq!(
        config.origin("ftrack.api_key").to_string(),
        "env FTRACK_API_KEY_FILE"
    );

    // A higher layer's inline secret replaces a lower layer's file.
    let env = env_of(&[("FTRACK_API_KEY", "inline"), ("FTRACK_API_KEY_FILE", "")]);
    let config = load(Some(&path), &env, &Overrides::default()).unwrap();
    assert_eq!(
        config.ftrack.api_key.as_ref().unwrap().expose_secret(),
        "inline"
    );
    assert_eq!(
        config.origin("ftrack.api_key").to_string(),
        "env FTRACK_API_KEY"
    );
    assert_eq!(config.origin("ftrack.api_key_file"), Origin::Default);
}

#[test]
fn unreadable_or_empty_secret_files_are_errors() {
    let (dir, path) =
        write_config("[ftrack]\nserver = \"https://x\"\napi_key_file = \"missing\"\n");
    let err = load(Some(&path), &|_| None, &Overrides::default())
        .unwrap_err()
        .to_string();
    let missing = dir.path().join("missing");
    let expected = format!(
        "{}:3: ftrack.api_key_file: cannot read secret file {}: ",
        path.display(),
        missing.display()
    );
    assert!(err.starts_with(&expected), "{err}");

    std::fs::write(dir.path().join("empty"), "\n").unwrap();
    let empty = dir.path().join("empty").display().to_string();
    let env = env_of(&[("LDAP_BIND_PASSWORD_FILE", &empty)]);
    let err = load(None, &env, &Overrides::default())
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        format!(
            "env LDAP_BIND_PASSWORD_FILE: ldap.bind_password_file: secret file {empty} is empty"
        )
    );
}

#[test]
fn a_secret_file_of_more_than_one_line_is_an_error_that_does_not_show_it() {
    let (dir, path) = write_config("[ftrack]\nserver = \"https://x\"\napi_key_file = \"key\"\n");
    std::fs::write(dir.path().join("key"), "s3cret-one\ns3cret-two\n").unwrap();
    let err = load(Some(&path), &|_| None, &Overrides::default())
        .unwrap_err()
        .to_string();
    assert!(err.contains(":3: ftrack.api_key_file:"), "{err}");
    assert!(err.contains("holds more than one line"), "{err}");
    assert!(!err.contains("s3cret"), "{err}");
}

#[test]
fn a_secret_and_its_file_at_one_level_are_an_error() {
    let (_dir, path) =
        write_config("[ldap]\nbind_password = \"x\"\nbind_password_file = \"/etc/pw\"\n");
    let err = load(Some(&path), &|_| None, &Overrides::default()).unwrap_err();
    assert!(matches!(err, ConfigError::SecretGivenTwice { .. }));
    let p = path.display();
    assert_eq!(
        err.to_string(),
        format!(
            "{p}:3: ldap.bind_password_file: ldap.bind_password is also set ({p}:2); give the secret or its file, not both"
        )
    );

    let env = env_of(&[("FTRACK_API_KEY", "k"), ("FTRACK_API_KEY_FILE", "/etc/k")]);
    let err = load(None, &env, &Overrides::default())
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        "env FTRACK_API_KEY_FILE: ftrack.api_key_file: ftrack.api_key is also set (env FTRACK_API_KEY); \
         give the secret or its file, not both"
    );

    // At different levels the higher one simply wins.
    let (_dir, path) = write_config("[ftrack]\napi_key = \"from-file\"\n");
    let env = env_of(&[("FTRACK_API_KEY", "from-env")]);
    let config = load(Some(&path), &env, &Overrides::default()).unwrap();
    assert_eq!(
        config.ftrack.api_key.as_ref().unwrap().expose_secret(),
        "from-env"
    );
}

#[test]
fn a_secret_of_the_wrong_type_is_an_error_that_does_not_show_it() {
    for (text, kind) in [
        ("[ldap]\nbind_password = 8675309\n", "found an integer"),
        ("[ftrack]\napi_key = 8675309.5\n", "found a number"),
        ("[ftrack]\napi_key = [\"8675309\"]\n", "found an array"),
    ] {
        let (_dir, path) = write_config(text);
        let err = load(Some(&path), &|_| None, &Overrides::default())
            .unwrap_err()
            .to_string();
        assert!(err.contains(":2: ") && err.contains(kind), "{err}");
        assert!(!err.contains("8675309"), "{err}");
    }
}

#[test]
fn debug_never_shows_secrets() {
    let env = env_of(&[
        ("LDAP_BIND_PASSWORD", "hunter2-ldap"),
        ("FTRACK_API_KEY", "hunter2-ftrack"),
    ]);
    let overrides = flags(vec![flag("ftrack.api_key", "hunter2-flag", "--api-key")]);
    let config = load(None, &env, &overrides).unwrap();
    let debug = format!("{config:?} {overrides:?}");
    assert!(!debug.contains("hunter2"), "{debug}");
    assert_eq!(
        config.ftrack.api_key.as_ref().unwrap().expose_secret(),
        "hunter2-flag"
    );
}

#[test]
fn show_redacts_secrets_and_names_origins() {
    let dir = tempfile::tempdir().unwrap();
    let key_file = dir.path().join("api_key");
    std::fs::write(&key_file, "hunter2-key\n").unwrap();
    let text = format!(
        "[ldap]\nuri = \"ldaps://ldap.studio.example\"\n[ftrack]\napi_key_file = {:?}\n\
         [groups.managed]\n\"cn=comp,ou=groups,dc=studio\" = \"Compositing\"\nanimation = \"Animation\"\n",
        key_file.display().to_string()
    );
    let path = dir.path().join("config.toml");
    std::fs::write(&path, text).unwrap();
    let env = env_of(&[("LDAP_BIND_PASSWORD", "hunter2-pw"), ("HOME", "/home/ann")]);
    let overrides = flags(vec![flag(
        "policy.max_deactivate",
        "5%",
        "--max-deactivate",
    )]);
    let config = load(Some(&path), &env, &overrides).unwrap();
    let shown = render_show(&config);
    assert!(!shown.contains("hunter2"), "{shown}");
    assert!(
        shown
            .lines()
            .any(|line| line.starts_with("bind_password = \"********\" ")
                && line.ends_with("  # env LDAP_BIND_PASSWORD")),
        "{shown}"
    );
    // The temporary directory's name varies in length, so the padding before origins is
    // normalised before comparing with the snapshot.
    let shown: String = shown
        .replace(&dir.path().display().to_string(), "/cfg")
        .lines()
        .map(|line| match line.split_once("  # ") {
            Some((setting, origin)) => format!("{}    # {origin}\n", setting.trim_end()),
            None => format!("{line}\n"),
        })
        .collect();
    insta::assert_snapshot!("config_show", shown);
}

#[test]
fn show_lines_origins_up_in_a_column() {
    let shown = render_show(&Config::default());
    let mapping: Vec<&str> = shown
        .lines()
        .skip_while(|line| *line != "[mapping]")
        .take(4)
        .collect();
    assert_eq!(
        mapping,
        [
            "[mapping]",
            "id = \"entryUUID\"            # default",
            "username = \"uid\"            # default",
            "email = \"mail\"              # default",
        ]
    );
    assert!(
        shown.contains("[groups.managed]\n# (none: no ftrack group is changed)    # default\n")
    );
    assert!(shown.contains("\nbind_password = (unset)    "));
    assert!(shown.contains("\ndir = \"./.ldap2ftrack-state\"    # default\n"));
}

#[test]
fn show_hides_passwords_written_inside_urls() {
    let (_dir, path) = write_config(
        "[ldap]\nuri = \"ldaps://sync:s3cret@dc1.example ldap://dc2.example\"\n[ftrack]\nserver = \"https://api:t0ken@studio.ftrackapp.com/path\"\n",
    );
    let config = load(Some(&path), &|_| None, &Overrides::default()).unwrap();
    let shown = render_show(&config);
    assert!(
        !shown.contains("s3cret") && !shown.contains("t0ken"),
        "{shown}"
    );
    assert!(
        shown.contains("ldaps://sync:***@dc1.example ldap://dc2.example"),
        "{shown}"
    );
    assert!(
        shown.contains("https://api:***@studio.ftrackapp.com/path"),
        "{shown}"
    );
}
