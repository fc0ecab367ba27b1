//! The `[roles]` section: security roles from directory groups. Its `[[roles.rule]]` tables
//! come only from the config file and are checked here, each message naming the rule and line.

use super::display::toml_key;
use super::file::{by_position, invalid};
use super::parse::{group_name, project_names, role_name};
use super::value::Raw;
use super::{Config, ConfigError, Origin};
use crate::access::RoleScope;
use crate::reconcile::policy::{RoleGrant, RolePolicy, RoleRule};
use std::ops::Range;
use toml::de::DeValue;

/// The keys of one `[[roles.rule]]` table, in the order messages list them.
const RULE_KEYS: [&str; 3] = ["group", "role", "projects"];

/// The `[roles]` section.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RolesConfig {
    /// The security role a new user gets when no rule gives one; none when unset.
    pub default: Option<String>,
    /// Where the default role applies: these projects, or all open projects when unset.
    pub default_projects: Option<Vec<String>>,
    /// Lets the directory grant the Administrator role and API roles.
    pub allow_privileged: bool,
    /// The `[[roles.rule]]` tables in file order: members of a group get a role.
    pub rule: Vec<RoleRule>,
}

impl RolesConfig {
    /// The planner's role policy.
    pub fn policy(&self) -> RolePolicy {
        RolePolicy {
            default: self.default.as_ref().map(|role| RoleGrant {
                role: role.clone(),
                scope: scope(self.default_projects.as_deref()),
            }),
            rules: self.rule.clone(),
            allow_privileged: self.allow_privileged,
        }
    }
}

/// Named projects, or all open projects when none are named.
fn scope(projects: Option<&[String]>) -> RoleScope {
    match projects {
        Some(names) => RoleScope::Projects(names.iter().cloned().collect()),
        None => RoleScope::AllOpenProjects,
    }
}

/// How the rule at `index` (from 0) is named in messages and origins: `roles.rule[1]` is the
/// first `[[roles.rule]]` of the file.
pub fn rule_key(index: usize) -> String {
    format!("roles.rule[{}]", index + 1)
}

/// Where each rule, and each key of it, was given: `(roles.rule[1].role, origin)`.
pub(super) type RuleOrigins = Vec<(String, Origin)>;

/// Reads the `[[roles.rule]]` tables: every rule needs a group and a role, and no group gets
/// the same role from two rules.
pub(super) fn read_rules(
    value: &DeValue,
    origin: Origin,
    at: &dyn Fn(Range<usize>) -> Origin,
) -> Result<(Vec<RoleRule>, RuleOrigins), ConfigError> {
    let DeValue::Array(items) = value else {
        let found = Raw::Toml(value).found();
        let message = format!(
            "expected [[roles.rule]] tables (two brackets, one table per rule), found {found}"
        );
        return Err(invalid(origin, "roles.rule", message));
    };
    let mut rules: Vec<(RoleRule, Origin)> = Vec::new();
    let mut origins = RuleOrigins::new();
    for (index, item) in items.iter().enumerate() {
        let key = rule_key(index);
        let here = at(item.span());
        let rule = read_rule(item.get_ref(), &key, &here, at, &mut origins)?;
        if let Some(first) = rules.iter().position(|(seen, _)| same_pair(seen, &rule)) {
            let message = format!(
                "group {:?} already gets role {:?} from {} ({}); give each group and role once, \
                 with all its projects",
                rule.group,
                rule.grant.role,
                rule_key(first),
                rules[first].1
            );
            return Err(invalid(here, &key, message));
        }
        origins.push((key, here.clone()));
        rules.push((rule, here));
    }
    Ok((rules.into_iter().map(|(rule, _)| rule).collect(), origins))
}

/// One `[[roles.rule]]` table; the origin of each of its keys is added to `origins`.
fn read_rule(
    value: &DeValue,
    key: &str,
    origin: &Origin,
    at: &dyn Fn(Range<usize>) -> Origin,
    origins: &mut RuleOrigins,
) -> Result<RoleRule, ConfigError> {
    let DeValue::Table(table) = value else {
        let found = Raw::Toml(value).found();
        let message =
            format!("expected a table with group, role and optionally projects, found {found}");
        return Err(invalid(origin.clone(), key, message));
    };
    let (mut group, mut role, mut projects) = (None, None, None);
    for (name, value) in by_position(table) {
        let dotted = format!("{key}.{}", toml_key(name.get_ref()));
        let here = at(name.span());
        let raw = Raw::Toml(value.get_ref());
        let checked = match name.get_ref().as_ref() {
            "group" => group_name(&raw).map(|name| group = Some(name)),
            "role" => role_name(&raw).map(|name| role = Some(name)),
            "projects" => project_names(&raw).map(|names| projects = Some(names)),
            _ => Err(format!(
                "unknown key; expected one of {}",
                RULE_KEYS.join(", ")
            )),
        };
        checked.map_err(|message| invalid(here.clone(), &dotted, message))?;
        origins.push((dotted, here));
    }
    let missing = |what: &str| invalid(origin.clone(), key, format!("missing {what}"));
    let group = group.ok_or_else(|| {
        missing("group, the directory group (name or DN) whose members get the role")
    })?;
    let role =
        role.ok_or_else(|| missing("role, the ftrack security role the group's members get"))?;
    let scope = scope(projects.as_deref());
    Ok(RoleRule {
        group,
        grant: RoleGrant { role, scope },
    })
}

/// True when two rules give one group (compared as the planner matches groups, ignoring case
/// and surrounding spaces) the same role.
fn same_pair(a: &RoleRule, b: &RoleRule) -> bool {
    let fold = |group: &str| group.trim().to_lowercase();
    a.grant.role == b.grant.role && fold(&a.group) == fold(&b.group)
}

/// Settings of `[roles]` that only make sense together: projects for the default role need a
/// default role.
pub(super) fn check_together(config: &Config) -> Result<(), ConfigError> {
    let roles = &config.roles;
    if roles.default_projects.is_some() && roles.default.is_none() {
        let key = "roles.default_projects";
        let message = "says where the default role applies, but roles.default is not set; \
                       set the default role or remove this key";
        return Err(invalid(config.origin(key), key, message.to_string()));
    }
    Ok(())
}
