//! `ldap2ftrack config show`: the effective configuration with the origin of every value.

use super::display::{self, toml_key, toml_string};
use super::keys::{self, Key, Kind};
use super::{Config, rule_key};
use crate::access::RoleScope;
use std::fmt::Write as _;

/// Rows longer than this do not widen the origin column.
const MAX_COLUMN: usize = 48;

/// Renders the effective configuration as TOML-like text, one `key = value    # origin` per line.
///
/// Secrets show as `"********"`; their values never appear.
pub fn render_show(config: &Config) -> String {
    let mut out = String::new();
    for section in keys::sections() {
        let rows: Vec<(String, String)> = keys::in_section(section)
            .filter_map(|key| row(config, key))
            .collect();
        if !rows.is_empty() {
            write_section(&mut out, section, &rows);
        }
        if keys::in_section(section).any(|key| matches!(key.kind, Kind::CustomMapping)) {
            write_custom(&mut out, config);
        }
        if keys::in_section(section).any(|key| matches!(key.kind, Kind::ManagedGroups)) {
            write_groups(&mut out, config);
        }
        if keys::in_section(section).any(|key| matches!(key.kind, Kind::WebhookHeaders)) {
            write_headers(&mut out, config);
        }
        if keys::in_section(section).any(|key| matches!(key.kind, Kind::RoleRules)) {
            write_rules(&mut out, config);
        }
    }
    out
}

/// `key = value` and the origin, for every key but the `[groups.managed]`,
/// `[mapping.custom]` and `[[roles.rule]]` tables (the rules stand for themselves in a
/// comment when there are none).
fn row(config: &Config, key: &Key) -> Option<(String, String)> {
    let value = match key.kind {
        Kind::Setting { show, .. } | Kind::Secret { show, .. } => show(config),
        // The file an effective secret was read from, if any.
        Kind::SecretFile { .. } => display::opt_path(&config.secret_files.get(key.name).cloned()),
        Kind::ManagedGroups | Kind::CustomMapping | Kind::WebhookHeaders => return None,
        Kind::RoleRules if config.roles.rule.is_empty() => {
            let none = "# (no [[roles.rule]]: no role is managed)".to_string();
            return Some((none, config.origin(key.name).to_string()));
        }
        Kind::RoleRules => return None,
    };
    let text = format!("{} = {value}", key.short_name());
    Some((text, config.origin(key.name).to_string()))
}

fn write_groups(out: &mut String, config: &Config) {
    let entries = config
        .groups
        .managed
        .iter()
        .map(|(ldap, ftrack)| (ldap.clone(), toml_string(ftrack)));
    let none = "# (none: no ftrack group is changed)";
    write_table(out, config, "groups.managed", entries.collect(), none);
}

/// `[mapping.custom]`: ftrack key = directory attribute expression.
fn write_custom(out: &mut String, config: &Config) {
    let entries = config
        .mapping
        .custom
        .iter()
        .map(|(key, expr)| (key.clone(), display::expr(expr)));
    let none = "# (none: no custom attribute is synced)";
    write_table(out, config, "mapping.custom", entries.collect(), none);
}

/// `[notify.webhook_headers]`: names only; values may be tokens.
fn write_headers(out: &mut String, config: &Config) {
    let entries = config
        .notify
        .webhook_headers
        .keys()
        .map(|name| (name.clone(), toml_string("********")));
    let none = "# (none: the webhook is posted with no extra header)";
    write_table(
        out,
        config,
        "notify.webhook_headers",
        entries.collect(),
        none,
    );
}

/// A table given only by the file, one `key = value` line per entry with its own origin,
/// or the `none` comment when it is empty.
fn write_table(
    out: &mut String,
    config: &Config,
    name: &str,
    entries: Vec<(String, String)>,
    none: &str,
) {
    let rows: Vec<(String, String)> = if entries.is_empty() {
        vec![(none.to_string(), config.origin(name).to_string())]
    } else {
        entries
            .into_iter()
            .map(|(key, value)| {
                let origin = match config.origins.get(&format!("{name}.{key}")) {
                    Some(origin) => origin.to_string(),
                    None => config.origin(name).to_string(),
                };
                (format!("{} = {value}", toml_key(&key)), origin)
            })
            .collect()
    };
    write_section(out, name, &rows);
}

/// Each `[[roles.rule]]` as TOML, each line with its origin, the origins in one column.
fn write_rules(out: &mut String, config: &Config) {
    let blocks: Vec<[(String, String); 4]> = (0..config.roles.rule.len())
        .map(|index| rule_rows(config, index))
        .collect();
    let column = column(blocks.iter().flatten());
    for rows in &blocks {
        out.push('\n');
        write_rows(out, rows, column);
    }
}

/// The header and keys of one rule, with their origins.
fn rule_rows(config: &Config, index: usize) -> [(String, String); 4] {
    let rule = &config.roles.rule[index];
    let key = rule_key(index);
    // A key left out (projects) is given by the rule itself.
    let origin = |name: &str| match config.origins.get(&format!("{key}{name}")) {
        Some(origin) => origin.to_string(),
        None => config.origin(&key).to_string(),
    };
    let projects = match &rule.grant.scope {
        RoleScope::AllOpenProjects => display::ALL_OPEN_PROJECTS.to_string(),
        RoleScope::Projects(names) => display::list(&names.iter().cloned().collect::<Vec<_>>()),
    };
    [
        ("[[roles.rule]]".to_string(), origin("")),
        (
            format!("group = {}", toml_string(&rule.group)),
            origin(".group"),
        ),
        (
            format!("role = {}", toml_string(&rule.grant.role)),
            origin(".role"),
        ),
        (format!("projects = {projects}"), origin(".projects")),
    ]
}

fn write_section(out: &mut String, name: &str, rows: &[(String, String)]) {
    if !out.is_empty() {
        out.push('\n');
    }
    let _ = writeln!(out, "[{name}]");
    write_rows(out, rows, column(rows));
}

/// Where the origins of these rows start. They read as a column, except after the few very
/// long values (LDAP filters, DNs) that would push the column off the screen.
fn column<'a>(rows: impl IntoIterator<Item = &'a (String, String)>) -> usize {
    rows.into_iter()
        .map(|(text, _)| text.chars().count())
        .filter(|&len| len <= MAX_COLUMN)
        .max()
        .unwrap_or(0)
}

/// `text    # origin` lines, the origins from `column` on.
fn write_rows(out: &mut String, rows: &[(String, String)], column: usize) {
    for (text, origin) in rows {
        let pad = column.saturating_sub(text.chars().count()) + 4;
        let _ = writeln!(out, "{text}{:pad$}# {origin}", "");
    }
}
