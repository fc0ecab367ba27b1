//! The facts of the run that computed a plan: when, by whom, where, against what, in which
//! scope. Gathered by the command layer (clock, operator and host injected) and saved in the
//! plan, so a report made from it later shows the run, not the moment the report was made.
//! Never a secret: no password, key or token has a field here.

use super::policy::{DeactivateNow, Scope};
use serde::{Deserialize, Serialize};

/// Where and by whom a plan was computed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunFacts {
    /// When the plan was computed (UTC, RFC 3339).
    pub computed_at: String,
    /// The operating-system user that computed it.
    pub operator: String,
    /// The host it was computed on.
    pub host: String,
    /// The ftrack server URL (or the snapshot file read instead).
    pub ftrack: String,
    /// The ftrack API user.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub api_user: String,
    /// Where the directory was read (LDAP URI or LDIF file).
    pub directory: String,
    /// The LDAP user filter in force (the configured one, ANDed with `--ldap-filter`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub filter: String,
    /// The rollout scope in words ("everyone" when the run was not narrowed).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub scope: String,
}

/// The configured user filter ANDed with a run's `--ldap-filter`, as the read used it.
pub fn combined_filter(configured: &str, extra: Option<&str>) -> String {
    match (configured.trim(), extra.map(str::trim)) {
        (configured, None | Some("")) => configured.to_string(),
        ("", Some(extra)) => extra.to_string(),
        (configured, Some(extra)) => {
            format!("(&{}{})", parenthesised(configured), parenthesised(extra))
        }
    }
}

fn parenthesised(filter: &str) -> String {
    if filter.starts_with('(') {
        filter.to_string()
    } else {
        format!("({filter})")
    }
}

/// A rollout scope in words, naming the flags that narrowed it; "everyone" when none did.
pub fn describe_scope(scope: &Scope) -> String {
    let mut parts = Vec::new();
    if !scope.only_users.is_empty() {
        parts.push(format!("only users {}", scope.only_users.join(", ")));
    }
    if !scope.only_groups.is_empty() {
        parts.push(format!("only groups {}", scope.only_groups.join(", ")));
    }
    if let Some(limit) = scope.limit {
        parts.push(format!("the first {limit} directory users"));
    }
    if let Some(filter) = &scope.ldap_filter {
        parts.push(format!("entries matching {filter}"));
    }
    let off: Vec<&str> = [
        (scope.no_create, "creations"),
        (scope.no_update, "updates"),
        (scope.no_deactivate, "deactivations"),
    ]
    .into_iter()
    .filter_map(|(on, what)| on.then_some(what))
    .collect();
    if !off.is_empty() {
        parts.push(format!("no {}", off.join(", ")));
    }
    match &scope.deactivate_now {
        DeactivateNow::Nobody => {}
        DeactivateNow::Everyone => parts.push("grace periods cut short (--now)".to_string()),
        DeactivateNow::Only(keys) => {
            parts.push(format!("grace cut short for {} users", keys.len()))
        }
    }
    if parts.is_empty() {
        "everyone".to_string()
    } else {
        parts.join("; ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scope_is_described_by_what_narrowed_it() {
        assert_eq!(describe_scope(&Scope::default()), "everyone");
        let scope = Scope {
            only_groups: vec!["FX".into(), "Comp".into()],
            limit: Some(5),
            no_deactivate: true,
            no_create: true,
            ..Scope::default()
        };
        assert_eq!(
            describe_scope(&scope),
            "only groups FX, Comp; the first 5 directory users; no creations, deactivations"
        );
    }

    #[test]
    fn filters_combine_as_the_read_does() {
        assert_eq!(
            combined_filter("(objectClass=person)", None),
            "(objectClass=person)"
        );
        assert_eq!(combined_filter("", Some("(ou=fx)")), "(ou=fx)");
        assert_eq!(
            combined_filter("(objectClass=person)", Some("ou=fx")),
            "(&(objectClass=person)(ou=fx))"
        );
    }
}
