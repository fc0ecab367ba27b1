//! How each kind of value reads in `config show`: TOML text, with secrets and the passwords
//! written inside URLs hidden.

use crate::reconcile::policy::{DeactivateMissing, MaxDeactivate, UsernameCase};
use crate::source::mapping_rules::{ActiveRule, AttrExpr};
use secrecy::SecretString;
use std::fmt::{Display, Write as _};
use std::path::{Path, PathBuf};

/// How a value that is not set reads.
const UNSET: &str = "(unset)";

/// How unset project names read: leaving them out means every open project.
pub(super) const ALL_OPEN_PROJECTS: &str = "(unset: all open projects)";

/// A number or boolean, as TOML writes it.
pub(super) fn literal(value: &impl Display) -> String {
    value.to_string()
}

/// An optional value shown as a TOML string.
pub(super) fn opt_quoted(value: &Option<impl Display>) -> String {
    value
        .as_ref()
        .map_or_else(|| UNSET.to_string(), |v| toml_string(&v.to_string()))
}

/// An optional number.
pub(super) fn opt_literal(value: &Option<impl Display>) -> String {
    value
        .as_ref()
        .map_or_else(|| UNSET.to_string(), ToString::to_string)
}

/// Optional project names; none means all open projects.
pub(super) fn projects(value: &Option<Vec<String>>) -> String {
    value
        .as_deref()
        .map_or_else(|| ALL_OPEN_PROJECTS.to_string(), list)
}

/// Optional text.
pub(super) fn opt(value: &Option<String>) -> String {
    value
        .as_deref()
        .map_or_else(|| UNSET.to_string(), toml_string)
}

/// Optional URLs, with any password in them hidden.
pub(super) fn url(value: &Option<String>) -> String {
    opt(&value.as_deref().map(without_url_passwords))
}

/// A webhook URL: only its scheme, host and port (chat webhooks hold their token in the
/// path or query).
pub(super) fn webhook_url(value: &Option<SecretString>) -> String {
    use secrecy::ExposeSecret;
    value.as_ref().map_or_else(
        || UNSET.to_string(),
        |url| toml_string(&crate::notify::redact::redacted_url(url.expose_secret())),
    )
}

/// An optional command, as its argv array.
pub(super) fn command(value: &Option<crate::notify::config::HookCommand>) -> String {
    value.as_ref().map_or_else(
        || UNSET.to_string(),
        |command| {
            let argv: Vec<String> = command.argv().map(String::from).collect();
            list(&argv)
        },
    )
}

/// A path.
pub(super) fn path(value: &Path) -> String {
    toml_string(&value.display().to_string())
}

/// An optional path.
pub(super) fn opt_path(value: &Option<PathBuf>) -> String {
    value.as_deref().map_or_else(|| UNSET.to_string(), path)
}

/// A secret: only whether it is set, not even its length.
pub(super) fn secret(value: &Option<SecretString>) -> String {
    value
        .as_ref()
        .map_or_else(|| UNSET.to_string(), |_| toml_string("********"))
}

/// An attribute expression.
pub(super) fn expr(value: &AttrExpr) -> String {
    toml_string(&value.to_string())
}

/// The account-status rule.
pub(super) fn active(value: &ActiveRule) -> String {
    match value {
        ActiveRule::Auto => toml_string("auto"),
        ActiveRule::None => toml_string("none"),
        ActiveRule::Rules(rules) => names(rules.iter().map(|r| r.name())),
        ActiveRule::DisabledFilter(filter) => toml_string(&filter.to_string()),
    }
}

/// A list of strings.
pub(super) fn list(items: &[String]) -> String {
    names(items.iter().map(String::as_str))
}

/// Which missing users are deactivated.
pub(super) fn deactivate_missing(value: &DeactivateMissing) -> String {
    toml_string(match value {
        DeactivateMissing::Linked => "linked",
        DeactivateMissing::All => "all",
        DeactivateMissing::Never => "never",
    })
}

/// The safety limit: a bare count, or a percentage as a string.
pub(super) fn max_deactivate(value: &MaxDeactivate) -> String {
    match value {
        MaxDeactivate::Count(n) => n.to_string(),
        percent @ MaxDeactivate::Percent(_) => toml_string(&percent.to_string()),
    }
}

/// A setting shown as its name, quoted.
pub(super) fn quoted(value: &impl Display) -> String {
    toml_string(&value.to_string())
}

/// The username comparison rule.
pub(super) fn username_case(value: &UsernameCase) -> String {
    toml_string(match value {
        UsernameCase::Insensitive => "insensitive",
        UsernameCase::Sensitive => "sensitive",
    })
}

fn names<'a>(items: impl Iterator<Item = &'a str>) -> String {
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
