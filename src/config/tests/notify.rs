//! Tests of `[notify]`: commands as argv arrays, the webhook URL from a file or the
//! environment, headers, errors with their line, and what `config show` hides.

use super::file::{error_for, load_file, write_config};
use super::layers::env_of;
use crate::config::*;
use crate::notify::config::{HookCommand, RunWhen};
use secrecy::ExposeSecret;

const SLACK: &str = "https://hooks.slack.com/services/T000/B000/tok3n-in-the-path";

#[test]
fn commands_timeouts_and_headers_are_read() {
    let (_dir, _path, config) = load_file(
        "[notify]\n\
         webhook_url = \"https://hooks.example/x?token=abc\"\n\
         webhook_timeout_secs = 2\n\
         webhook_retries = 0\n\
         on_run = [\"/usr/local/bin/posted\", \"--channel\", \"it ops\"]\n\
         on_run_when = \"changed\"\n\
         on_create = [\"onboard\"]\n\
         hook_timeout_secs = 9\n\
         [notify.webhook_headers]\n\
         Authorization = \"Bearer s3cr3t\"\n",
    );
    let notify = config.unwrap().notify;
    assert_eq!(
        notify.webhook_url.unwrap().expose_secret(),
        "https://hooks.example/x?token=abc"
    );
    assert_eq!(
        (notify.webhook_timeout_secs, notify.webhook_retries),
        (2, 0)
    );
    let on_run = notify.on_run.unwrap();
    assert_eq!(
        on_run.argv().collect::<Vec<_>>(),
        ["/usr/local/bin/posted", "--channel", "it ops"]
    );
    assert_eq!(notify.on_run_when, RunWhen::Changed);
    assert_eq!(
        notify.on_create,
        HookCommand::from_argv(vec!["onboard".into()])
    );
    assert_eq!(notify.on_blocked, None);
    assert_eq!(notify.hook_timeout_secs, 9);
    assert_eq!(
        notify.webhook_headers["Authorization"].expose_secret(),
        "Bearer s3cr3t"
    );
}

#[test]
fn bad_notify_values_name_their_line_and_key() {
    let cases = [
        (
            "[notify]\non_run = \"/bin/notify --all\"\n",
            "config.toml:2: notify.on_run: expected the program and its arguments as an array, like [\"/usr/local/bin/onboard\", \"--studio\"] (no shell is used), found \"/bin/notify --all\"",
        ),
        (
            "[notify]\n\non_blocked = []\n",
            "config.toml:3: notify.on_blocked: expected the program and its arguments as an array, like [\"/usr/local/bin/onboard\", \"--studio\"] (no shell is used), found an empty array",
        ),
        (
            "[notify]\non_run_when = \"sometimes\"\n",
            "config.toml:2: notify.on_run_when: expected \"always\" or \"changed\", found \"sometimes\"",
        ),
        (
            "[notify]\nwebhook_timeout_secs = 600\n",
            "config.toml:2: notify.webhook_timeout_secs: expected a whole number of seconds from 1 to 60, found 600",
        ),
        (
            "[notify]\nwebhook_retries = 9\n",
            "config.toml:2: notify.webhook_retries: expected a whole number from 0 to 5, found 9",
        ),
        (
            "[notify]\nwebhook_url = \"ftp://files.example/tok3n\"\n",
            "config.toml:2: notify.webhook_url: expected an http:// or https:// URL, found a ftp: URL",
        ),
        (
            "[notify.webhook_headers]\n\"Bad Header\" = \"x\"\n",
            "config.toml:2: notify.webhook_headers.\"Bad Header\": expected an HTTP header name (letters, digits and -)",
        ),
        (
            "[notify.webhook_headers]\nContent-Type = \"text/plain\"\n",
            "config.toml:2: notify.webhook_headers.Content-Type: is set by ldap2ftrack itself and cannot be given",
        ),
        (
            "[notify]\nwebhook_hedaers = 1\n",
            "config.toml:2: notify.webhook_hedaers: unknown key; expected one of webhook_url, webhook_url_file, webhook_headers, webhook_timeout_secs, webhook_retries, on_run, on_run_when, on_blocked, on_create, on_deactivate, hook_timeout_secs",
        ),
    ];
    for (text, expected) in cases {
        assert_eq!(error_for(text), expected, "for {text:?}");
    }
    // A secret's value is never quoted, even when it is wrong.
    let error = error_for("[notify]\nwebhook_url = \"hooks.example/tok3n\"\n");
    assert!(
        error.starts_with("config.toml:2: notify.webhook_url: expected an http"),
        "{error}"
    );
    assert!(!error.contains("tok3n"), "{error}");
    let error = error_for("[notify.webhook_headers]\nAuthorization = \"Bearer tok3n\\n\"\n");
    assert!(!error.contains("tok3n"), "{error}");
}

#[test]
fn the_webhook_url_comes_from_a_file_or_the_environment_and_show_hides_its_token() {
    let (dir, path) = write_config(
        "[notify]\nwebhook_url_file = \"webhook\"\n[notify.webhook_headers]\nX-Token = \"h3ader-secret\"\n",
    );
    std::fs::write(dir.path().join("webhook"), format!("{SLACK}\n")).unwrap();
    let config = load(Some(&path), &env_of(&[]), &Overrides::default()).unwrap();
    assert_eq!(
        config.notify.webhook_url.as_ref().unwrap().expose_secret(),
        SLACK
    );
    let shown = render_show(&config);
    assert!(
        shown.contains("webhook_url = \"https://hooks.slack.com/***\""),
        "{shown}"
    );
    assert!(shown.contains("X-Token = \"********\""), "{shown}");
    assert!(
        !shown.contains("tok3n") && !shown.contains("h3ader-secret"),
        "{shown}"
    );

    // The environment's file, and a bad URL in a file named by its key and origin.
    let bad = dir.path().join("bad");
    std::fs::write(&bad, "mailto:it@studio.example\n").unwrap();
    let bad = bad.display().to_string();
    let env = env_of(&[("LDAP2FTRACK_WEBHOOK_URL_FILE", bad.as_str())]);
    let error = load(Some(&path), &env, &Overrides::default())
        .unwrap_err()
        .to_string();
    assert_eq!(
        error,
        "env LDAP2FTRACK_WEBHOOK_URL_FILE: notify.webhook_url_file: expected an http:// or https:// URL, found a mailto: URL"
    );
    let env = env_of(&[("LDAP2FTRACK_WEBHOOK_URL", "http://127.0.0.1:9/hook")]);
    let config = load(None, &env, &Overrides::default()).unwrap();
    assert_eq!(
        config.origin("notify.webhook_url").to_string(),
        "env LDAP2FTRACK_WEBHOOK_URL"
    );
}

#[test]
fn hooks_never_see_the_secrets_the_tool_was_given() {
    let hidden = secret_env_vars();
    for name in [
        "LDAP_BIND_PASSWORD",
        "LDAP_BIND_PASSWORD_FILE",
        "FTRACK_API_KEY",
        "FTRACK_API_KEY_FILE",
        "LDAP2FTRACK_WEBHOOK_URL",
        "LDAP2FTRACK_WEBHOOK_URL_FILE",
    ] {
        assert!(hidden.contains(&name), "{name} not hidden: {hidden:?}");
    }
    assert!(!hidden.contains(&"FTRACK_SERVER"));
}
