//! Tests of `[mapping.custom]`: entries with their transforms and lines, every error with its
//! line, the file as its only source, `config show`, and the planner policy made from it.

use super::file::{error_for, load_file};
use super::layers::{env_of, flag, flags};
use crate::config::*;
use crate::source::mapping_rules::{AttrExpr, Transform};

const CUSTOM: &str = r#"
[mapping]
username = "uid"

[mapping.custom]
phone = "telephoneNumber"
locale = "preferredLanguage | lowercase"
"employee id" = "employeeNumber"
"#;

#[test]
fn entries_are_read_with_their_transforms_and_lines() {
    let (_dir, path, result) = load_file(CUSTOM);
    let config = result.unwrap();
    let custom = &config.mapping.custom;
    assert_eq!(custom["phone"], AttrExpr::plain("telephoneNumber"));
    assert_eq!(custom["locale"].attribute, "preferredLanguage");
    assert_eq!(custom["locale"].transforms, [Transform::Lowercase]);
    assert_eq!(custom["employee id"], AttrExpr::plain("employeeNumber"));
    let line = |line| Origin::File {
        path: path.clone(),
        line,
    };
    assert_eq!(config.origin("mapping.custom"), line(5));
    assert_eq!(config.origin("mapping.custom.phone"), line(6));
    assert_eq!(config.origin("mapping.custom.employee id"), line(8));
    assert_eq!(
        config.policy(None).custom_attributes,
        ["employee id", "locale", "phone"]
    );
    let attributes = config.mapping.attributes();
    assert!(attributes.contains(&"preferredlanguage".to_string()));
}

#[test]
fn errors_name_the_entry_and_its_line() {
    let cases = [
        (
            "[mapping]\ncustom = \"phone\"\n",
            "config.toml:2: mapping.custom: expected a table of ftrack attribute key",
        ),
        (
            "[mapping.custom]\nphone = \"telephone Number\"\n",
            "config.toml:2: mapping.custom.phone: expected an LDAP attribute name",
        ),
        (
            "[mapping.custom]\nok = \"mail\"\nlocale = \"preferredLanguage | reverse\"\n",
            "config.toml:3: mapping.custom.locale: unknown transform \"reverse\"",
        ),
        (
            "[mapping.custom]\nphone = 5\n",
            "config.toml:2: mapping.custom.phone: expected an attribute expression like \"telephoneNumber\"",
        ),
        (
            "[mapping.custom]\n\"\" = \"mail\"\n",
            "config.toml:2: mapping.custom.\"\": expected an ftrack custom attribute key, found an empty key",
        ),
        (
            "[mapping.custom]\n\" phone\" = \"mail\"\n",
            "config.toml:2: mapping.custom.\" phone\": expected an ftrack custom attribute key without spaces",
        ),
    ];
    for (text, expected) in cases {
        let error = error_for(text);
        assert!(error.starts_with(expected), "{error}\nexpected: {expected}");
    }
}

#[test]
fn only_the_file_gives_it() {
    let overrides = flags(vec![flag("mapping.custom", "phone=mail", "--set")]);
    let error = load(None, &|_| None, &overrides).unwrap_err().to_string();
    assert!(
        error.contains("mapping.custom: can only be set in the config file"),
        "{error}"
    );
    let env = env_of(&[("LDAP_ATTRIBUTE_MAP", "custom=mail")]);
    let error = load(None, &env, &Overrides::default())
        .unwrap_err()
        .to_string();
    assert!(error.contains("unknown mapping key \"custom\""), "{error}");
}

#[test]
fn config_show_lists_each_entry_with_its_line() {
    let (_dir, path, result) = load_file(CUSTOM);
    let shown = render_show(&result.unwrap()).replace(&path.display().to_string(), "cfg");
    let start = shown.find("[mapping.custom]").expect("the table is shown");
    let table: Vec<&str> = shown[start..].lines().take(4).collect();
    let squeezed: Vec<String> = table
        .iter()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect();
    assert_eq!(
        squeezed,
        [
            "[mapping.custom]",
            "\"employee id\" = \"employeeNumber\" # cfg:8",
            "locale = \"preferredLanguage | lowercase\" # cfg:7",
            "phone = \"telephoneNumber\" # cfg:6",
        ]
    );
    assert!(
        shown.find("[mapping]").unwrap() < start && start < shown.find("[groups.managed]").unwrap()
    );
    let none = render_show(&Config::default());
    assert!(
        none.contains("[mapping.custom]\n# (none: no custom attribute is synced)    # default\n"),
        "{none}"
    );
}

#[test]
fn the_example_maps_custom_attributes() {
    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/config.example.toml");
    let config = load(Some(example.as_ref()), &|_| None, &Overrides::default()).unwrap();
    let keys: Vec<&str> = config.mapping.custom.keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        ["department", "employee_id", "locale", "phone", "timezone"]
    );
    assert_eq!(
        config.mapping.custom["phone"],
        AttrExpr::plain("telephoneNumber")
    );
}
