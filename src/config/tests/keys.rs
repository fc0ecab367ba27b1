//! Tests of the key table against what the compiler cannot check: the `Config` structs,
//! `config show`, the environment's names and the pairing of secrets with their files.

use crate::config::keys::{self, Env, KEYS, Kind};
use crate::config::*;
use std::collections::BTreeSet;

/// `section.field` for every field of every section of [`Config`], read from its derived
/// `Debug` (sections at the first level of indentation, fields at the second), so a field
/// added to a struct is seen here without being listed anywhere.
fn config_fields() -> (BTreeSet<String>, BTreeSet<String>) {
    let debug = format!("{:#?}", Config::default());
    let (mut sections, mut fields) = (BTreeSet::new(), BTreeSet::new());
    let mut section = "";
    for line in debug.lines() {
        if let Some(name) = field_at(line, 4) {
            section = name;
            sections.insert(name.to_string());
        } else if let Some(name) = field_at(line, 8) {
            fields.insert(format!("{section}.{name}"));
        }
    }
    (sections, fields)
}

/// The field name of a `name: value` line indented by exactly `indent` spaces.
fn field_at(line: &str, indent: usize) -> Option<&str> {
    let (name, _) = line.strip_prefix(&" ".repeat(indent))?.split_once(": ")?;
    let is_field = !name.is_empty() && name.chars().all(|c| c.is_ascii_lowercase() || c == '_');
    is_field.then_some(name)
}

#[test]
fn every_field_of_the_config_has_a_key_and_every_key_a_field() {
    let (mut sections, fields) = config_fields();
    // Bookkeeping for `config show`, not settings.
    assert!(sections.remove("origins") && sections.remove("secret_files"));
    let table: BTreeSet<String> = keys::sections().into_iter().map(String::from).collect();
    assert_eq!(
        sections, table,
        "sections of Config (left) and of keys::KEYS (right)"
    );

    let keys: BTreeSet<String> = KEYS
        .iter()
        .filter(|key| !matches!(key.kind, Kind::SecretFile { .. }))
        .map(|key| key.name.to_string())
        .collect();
    let no_row: Vec<&String> = fields.difference(&keys).collect();
    assert!(
        no_row.is_empty(),
        "fields without a row in keys::KEYS: {no_row:?}"
    );
    let no_field: Vec<&String> = keys.difference(&fields).collect();
    assert!(
        no_field.is_empty(),
        "rows without a field in Config: {no_field:?}"
    );
}

#[test]
fn names_and_variables_are_unique_and_sections_contiguous() {
    let names: BTreeSet<&str> = KEYS.iter().map(|key| key.name).collect();
    assert_eq!(names.len(), KEYS.len(), "a key is in the table twice");

    let variables: Vec<&str> = KEYS
        .iter()
        .filter_map(|key| match key.env {
            Env::Var(name) => Some(name),
            _ => None,
        })
        .collect();
    let unique: BTreeSet<&str> = variables.iter().copied().collect();
    assert_eq!(unique.len(), variables.len(), "a variable sets two keys");

    // A section split in two would be listed twice by `config show` and in messages.
    let sections = keys::sections();
    let unique: BTreeSet<&str> = sections.iter().copied().collect();
    assert_eq!(unique.len(), sections.len(), "{sections:?}");
}

#[test]
fn every_secret_has_a_file_key_and_a_file_variable() {
    for key in KEYS {
        let Kind::Secret { file, .. } = key.kind else {
            continue;
        };
        let file_key = keys::find(file).unwrap_or_else(|| panic!("{file} is not in the table"));
        assert!(
            matches!(file_key.kind, Kind::SecretFile { secret } if secret == key.name),
            "{file} does not name {}",
            key.name
        );
        // The `*_FILE` convention of the environment, as for the keys.
        if let (Env::Var(name), Env::Var(file_name)) = (key.env, file_key.env) {
            assert_eq!(file_name, format!("{name}_FILE"));
        } else {
            assert_eq!((key.env, file_key.env), (Env::None, Env::None));
        }
        assert!(keys::is_secret(key.name) && !keys::is_secret(file));
    }
}

#[test]
fn config_show_lists_every_key_in_its_section() {
    let shown = render_show(&Config::default());
    for key in KEYS {
        let heading = match key.kind {
            Kind::ManagedGroups | Kind::CustomMapping | Kind::WebhookHeaders => {
                format!("[{}]\n", key.name)
            }
            _ => format!("[{}]\n", key.section()),
        };
        let section = shown
            .split_once(&heading)
            .map(|(_, rest)| rest.split("\n[").next().unwrap_or(""))
            .unwrap_or_else(|| panic!("no {heading:?} in {shown}"));
        let listed = match key.kind {
            Kind::ManagedGroups | Kind::CustomMapping | Kind::WebhookHeaders => !section.is_empty(),
            // With no rules (as here), a comment in the section says so.
            Kind::RoleRules => section.contains(&format!("[[{}]]", key.name)),
            _ => section
                .lines()
                .any(|line| line.starts_with(&format!("{} = ", key.short_name()))),
        };
        assert!(listed, "{} is not shown:\n{shown}", key.name);
    }
}
