//! `ldap2ftrack config show`: the effective configuration with the origin of every value.

use super::Config;
use super::keys::SECTIONS;
use crate::reconcile::policy::{DeactivateMissing, MaxDeactivate, UsernameCase};
use crate::source::mapping_rules::{ActiveRule, AttrExpr};
use secrecy::SecretString;
use std::fmt::Write as _;
use std::path::Path;

const UNSET: &str = "(unset)";

/// Rows longer than this do not widen the origin column.
const MAX_COLUMN: usize = 48;

/// Renders the effective configuration as TOML-like text, one `key = value    # origin` per line.
///
/// Secrets show as `"********"`; their values never appear.
pub fn render_show(config: &Config) -> String {
    let mut out = String::new();
    for (section, keys) in SECTIONS {
        if *section == "groups" {
            continue;
        }
        let rows: Vec<(String, String)> = keys
            .iter()
            .map(|key| {
                let dotted = format!("{section}.{key}");
                let value = value_of(config, &dotted);
                (
                    format!("{key} = {value}"),
                    config.origin(&dotted).to_string(),
                )
            })
            .collect();
        write_section(&mut out, section, &rows);
        if *section == "mapping" {
            write_groups(&mut out, config);
        }
    }
    out
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

fn value_of(config: &Config, key: &str) -> String {
    let (ldap, ftrack, mapping, policy) = (
        &config.ldap,
        &config.ftrack,
        &config.mapping,
        &config.policy,
    );
    match key {
        "ldap.uri" => opt(ldap.uri.as_deref().map(without_url_passwords).as_deref()),
        "ldap.bind_dn" => opt(ldap.bind_dn.as_deref()),
        "ldap.bind_password" => secret(ldap.bind_password.as_ref()),
        "ldap.user_base_dn" => opt(ldap.user_base_dn.as_deref()),
        "ldap.user_filter" => toml_string(&ldap.user_filter),
        "ldap.group_base_dn" => opt(ldap.group_base_dn.as_deref()),
        "ldap.group_filter" => toml_string(&ldap.group_filter),
        "ldap.starttls" => ldap.starttls.to_string(),
        "ldap.ca_file" => opt_path(ldap.ca_file.as_deref()),
        "ldap.allow_insecure" => ldap.allow_insecure.to_string(),
        "ldap.tls_verify" => ldap.tls_verify.to_string(),
        "ldap.page_size" => ldap.page_size.to_string(),
        "ldap.timeout_secs" => ldap.timeout_secs.to_string(),
        "ftrack.server" => opt(ftrack
            .server
            .as_deref()
            .map(without_url_passwords)
            .as_deref()),
        "ftrack.api_user" => opt(ftrack.api_user.as_deref()),
        "ftrack.api_key" => secret(ftrack.api_key.as_ref()),
        "ftrack.batch_size" => ftrack.batch_size.to_string(),
        "ftrack.timeout_secs" => ftrack.timeout_secs.to_string(),
        "ftrack.max_response_mb" => ftrack.max_response_mb.to_string(),
        "mapping.id" => expr(&mapping.id),
        "mapping.username" => expr(&mapping.username),
        "mapping.email" => expr(&mapping.email),
        "mapping.first_name" => expr(&mapping.first_name),
        "mapping.last_name" => expr(&mapping.last_name),
        "mapping.display_name" => expr(&mapping.display_name),
        "mapping.groups" => expr(&mapping.groups),
        "mapping.active" => match &mapping.active {
            ActiveRule::Auto => toml_string("auto"),
            ActiveRule::None => toml_string("none"),
            ActiveRule::Rules(rules) => list(rules.iter().map(|r| r.name())),
            ActiveRule::DisabledFilter(filter) => toml_string(&filter.to_string()),
        },
        "policy.deactivate_missing" => toml_string(match policy.deactivate_missing {
            DeactivateMissing::Linked => "linked",
            DeactivateMissing::All => "all",
            DeactivateMissing::Never => "never",
        }),
        "policy.protected_users" => list(policy.protected_users.iter().map(String::as_str)),
        "policy.max_deactivate" => match policy.max_deactivate {
            MaxDeactivate::Count(n) => n.to_string(),
            percent @ MaxDeactivate::Percent(_) => toml_string(&percent.to_string()),
        },
        "policy.username_case" => toml_string(match policy.username_case {
            UsernameCase::Insensitive => "insensitive",
            UsernameCase::Sensitive => "sensitive",
        }),
        "state.dir" => toml_string(&config.state.dir.display().to_string()),
        // The `*_file` keys: the file an effective secret was read from, if any.
        _ => opt_path(config.secret_files.get(key).map(|p| p.as_path())),
    }
}

fn opt(value: Option<&str>) -> String {
    value.map_or_else(|| UNSET.to_string(), toml_string)
}

fn opt_path(value: Option<&Path>) -> String {
    value.map_or_else(
        || UNSET.to_string(),
        |p| toml_string(&p.display().to_string()),
    )
}

fn secret(value: Option<&SecretString>) -> String {
    // Only whether it is set; not even its length.
    value.map_or_else(|| UNSET.to_string(), |_| toml_string("********"))
}

fn expr(value: &AttrExpr) -> String {
    toml_string(&value.to_string())
}

fn list<'a>(items: impl Iterator<Item = &'a str>) -> String {
    let items: Vec<String> = items.map(toml_string).collect();
    format!("[{}]", items.join(", "))
}

/// A TOML basic string.
pub(super) fn toml_string(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A TOML key: bare when it can be, quoted otherwise (DNs always need quotes).
pub(super) fn toml_key(key: &str) -> String {
    let bare = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if bare {
        key.to_string()
    } else {
        toml_string(key)
    }
}
/// URLs (one, or several separated by spaces) with any password in them replaced by `***`:
/// `ldap://sync:secret@dc1` shows as `ldap://sync:***@dc1`.
fn without_url_passwords(text: &str) -> String {
    text.split(' ')
        .map(|url| {
            let Some((scheme, rest)) = url.split_once("://") else {
                return url.to_string();
            };
            let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
            let (authority, path) = rest.split_at(authority_end);
            match authority.rsplit_once('@') {
                Some((userinfo, host)) => {
                    let user = userinfo.split_once(':').map_or(userinfo, |(user, _)| user);
                    let hidden = if userinfo.contains(':') { ":***" } else { "" };
                    format!("{scheme}://{user}{hidden}@{host}{path}")
                }
                None => url.to_string(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}
