//! `ldap2ftrack config show`: the effective configuration with the origin of every value.

use super::Config;
use super::display::{self, toml_key, toml_string};
use super::keys::{self, Key, Kind};
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
        if keys::in_section(section).any(|key| matches!(key.kind, Kind::ManagedGroups)) {
            write_groups(&mut out, config);
        }
    }
    out
}

/// `key = value` and the origin, for every key but the `[groups.managed]` table.
fn row(config: &Config, key: &Key) -> Option<(String, String)> {
    let value = match key.kind {
        Kind::Setting { show, .. } | Kind::Secret { show, .. } => show(config),
        // The file an effective secret was read from, if any.
        Kind::SecretFile { .. } => display::opt_path(&config.secret_files.get(key.name).cloned()),
        Kind::ManagedGroups => return None,
    };
    let text = format!("{} = {value}", key.short_name());
    Some((text, config.origin(key.name).to_string()))
}

fn write_groups(out: &mut String, config: &Config) {
    let managed = &config.groups.managed;
    let rows: Vec<(String, String)> = if managed.is_empty() {
        vec![(
            "# (none: no ftrack group is changed)".to_string(),
            config.origin("groups.managed").to_string(),
        )]
    } else {
        managed
            .iter()
            .map(|(ldap, ftrack)| {
                let origin = match config.origins.get(&format!("groups.managed.{ldap}")) {
                    Some(origin) => origin.to_string(),
                    None => config.origin("groups.managed").to_string(),
                };
                (
                    format!("{} = {}", toml_key(ldap), toml_string(ftrack)),
                    origin,
                )
            })
            .collect()
    };
    write_section(out, "groups.managed", &rows);
}

fn write_section(out: &mut String, name: &str, rows: &[(String, String)]) {
    if !out.is_empty() {
        out.push('\n');
    }
    let _ = writeln!(out, "[{name}]");
    // Line the origins up so they read as a column, except after the few very long values
    // (LDAP filters) that would push the column off the screen.
    let column = rows
        .iter()
        .map(|(text, _)| text.chars().count())
        .filter(|&len| len <= MAX_COLUMN)
        .max()
        .unwrap_or(0);
    for (text, origin) in rows {
        let pad = column.saturating_sub(text.chars().count()) + 4;
        let _ = writeln!(out, "{text}{:pad$}# {origin}", "");
    }
}
