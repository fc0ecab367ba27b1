//! The run facts a plan records: gathered here, in the command layer, from an injected clock,
//! operator and host, so the planner stays pure and tests can fix all three.

use crate::apply::outcome::{host, operator};
use crate::clock::Clock;
use crate::config::Config;
use crate::reconcile::Scope;
use crate::reconcile::facts::{RunFacts, combined_filter, describe_scope};

/// Who runs this process, where, and the clock it reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunContext {
    /// The clock ("computed at").
    pub clock: Clock,
    /// The operating-system user.
    pub operator: String,
    /// The host name.
    pub host: String,
}

impl RunContext {
    /// This process: the system clock, its user and its host.
    pub fn of_this_process() -> Self {
        Self {
            clock: Clock::System,
            operator: operator(),
            host: host(),
        }
    }
}

/// Where a plan's inputs came from.
#[derive(Debug, Clone, Copy)]
pub struct Sources<'a> {
    /// The ftrack server URL, or the snapshot file read instead.
    pub ftrack: &'a str,
    /// The ftrack API user (empty for a snapshot).
    pub api_user: &'a str,
    /// Where the directory was read.
    pub directory: &'a str,
}

/// The facts of a plan computed now, in `context`, from `sources`, with the configured user
/// filter and the run's scope. No secret is read or recorded.
pub fn plan_facts(
    context: &RunContext,
    config: &Config,
    sources: Sources<'_>,
    scope: &Scope,
) -> RunFacts {
    RunFacts {
        computed_at: context.clock.now_rfc3339(),
        operator: context.operator.clone(),
        host: context.host.clone(),
        ftrack: sources.ftrack.to_string(),
        api_user: sources.api_user.to_string(),
        directory: sources.directory.to_string(),
        filter: combined_filter(&config.ldap.user_filter, scope.ldap_filter.as_deref()),
        scope: describe_scope(scope),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn the_facts_come_from_the_context_and_never_carry_a_secret() {
        let context = RunContext {
            clock: Clock::fixed_on(date(2025, 3, 4)),
            operator: "admin".into(),
            host: "sync01".into(),
        };
        let mut config = Config::default();
        config.ldap.bind_password = Some("hunter2-secret".to_string().into());
        config.ftrack.api_key = Some("key-secret".to_string().into());
        let scope = Scope {
            ldap_filter: Some("(ou=fx)".into()),
            ..Scope::default()
        };
        let sources = Sources {
            ftrack: "https://studio.ftrackapp.com",
            api_user: "sync",
            directory: "ldaps://ldap.example",
        };
        let facts = plan_facts(&context, &config, sources, &scope);
        assert_eq!(facts.computed_at, "2025-03-04T00:00:00Z");
        assert_eq!(
            (facts.operator.as_str(), facts.host.as_str()),
            ("admin", "sync01")
        );
        assert_eq!(
            facts.filter,
            format!("(&{}(ou=fx))", config.ldap.user_filter)
        );
        assert_eq!(facts.scope, "entries matching (ou=fx)");
        let json = serde_json::to_string(&facts).unwrap();
        assert!(!json.contains("secret"), "{json}");
    }
}
