//! The `[roles]` checks: what the file alone shows (`config validate`), and the rules against
//! the server's security roles and projects (`check`). Nothing is checked without `[roles]`.

use crate::access::ADMINISTRATOR;
use crate::config::{Config, ConfigError, rule_key};
use crate::model::FtrackSnapshot;
use crate::reconcile::policy::{RoleGrant, RolePolicy, RoleRule};
use crate::reconcile::roles::RolePlanner;

/// `config validate`: the Administrator role, named by a rule or as the default, needs
/// `allow_privileged` (API roles are known only to the server; `check` finds those).
pub(super) fn check_static(config: &Config) -> Result<(), ConfigError> {
    let roles = &config.roles;
    if roles.allow_privileged {
        return Ok(());
    }
    let default = roles
        .default
        .iter()
        .map(|role| ("roles.default".to_string(), role));
    let rules = roles.rule.iter().enumerate();
    let named =
        default.chain(rules.map(|(i, rule)| (format!("{}.role", rule_key(i)), &rule.grant.role)));
    for (key, role) in named {
        if role.eq_ignore_ascii_case(ADMINISTRATOR) {
            return Err(ConfigError::Invalid {
                origin: config.origin(&key),
                key,
                message: format!(
                    "{role:?} is a privileged role; granting it from the directory needs \
                     [roles] allow_privileged = true"
                ),
            });
        }
    }
    Ok(())
}

/// What `check` found about the role rules on the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum RolesCheck {
    /// Every rule and the default role can be used; says how many against what.
    Usable(String),
    /// The server's security roles were not read, so the rules could not be checked.
    NotRead,
    /// One line per rule (or default) that cannot be used, starting with where it was given.
    Problems(Vec<String>),
}

/// `check`: the rules and the default role against the server's roles and projects, each
/// problem with the file line of its rule. Its members would be conflicts, never created.
pub(super) fn check_live(config: &Config, ftrack: &FtrackSnapshot) -> RolesCheck {
    // Every ftrack server has security roles; none at all means they were not read.
    if ftrack.security_roles.is_empty() {
        return RolesCheck::NotRead;
    }
    let policy = config.roles.policy();
    let only = |default: Option<RoleGrant>, rules: Vec<RoleRule>| RolePolicy {
        default,
        rules,
        allow_privileged: policy.allow_privileged,
    };
    let mut parts: Vec<(String, RolePolicy)> = policy
        .rules
        .iter()
        .enumerate()
        .map(|(i, rule)| (rule_key(i), only(None, vec![rule.clone()])))
        .collect();
    if let Some(default) = &policy.default {
        parts.insert(
            0,
            (
                "roles.default".to_string(),
                only(Some(default.clone()), Vec::new()),
            ),
        );
    }
    let problems: Vec<String> = parts
        .iter()
        .flat_map(|(key, part)| {
            let origin = config.origin(key);
            let found = RolePlanner::new(part, ftrack).problems();
            found
                .into_iter()
                .map(move |problem| format!("{origin}: {key}: {problem}"))
        })
        .collect();
    if !problems.is_empty() {
        return RolesCheck::Problems(problems);
    }
    RolesCheck::Usable(usable(&policy, ftrack))
}

/// "2 rules and the default role usable against ftrack's 8 roles and 12 projects".
fn usable(policy: &RolePolicy, ftrack: &FtrackSnapshot) -> String {
    let rules = match policy.rules.len() {
        0 => None,
        1 => Some("1 rule".to_string()),
        n => Some(format!("{n} rules")),
    };
    let default = policy
        .default
        .as_ref()
        .map(|_| "the default role".to_string());
    let what: Vec<String> = rules.into_iter().chain(default).collect();
    format!(
        "{} usable against ftrack's {} roles and {} projects",
        what.join(" and "),
        ftrack.security_roles.len(),
        ftrack.projects.len()
    )
}

#[cfg(test)]
mod tests;
