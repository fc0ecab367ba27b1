//! What the console starts with: the loaded session (both sides, links, policy) and the
//! options of the command that opened it.

use crate::model::{DirectorySnapshot, FtrackSnapshot, Links};
use crate::reconcile::decision::{Decisions, plan_with_decisions};
use crate::reconcile::{Plan, Policy, Scope};
use crate::source::mapping_rules::Mapping;

/// Everything needed to plan, as loaded by the runtime.
#[derive(Debug, Clone)]
pub struct Session {
    /// The directory as read.
    pub directory: DirectorySnapshot,
    /// ftrack's users and groups as read.
    pub ftrack: FtrackSnapshot,
    /// Identity links from the state directory.
    pub links: Links,
    /// The policy (protected users, deactivation rules, managed groups).
    pub policy: Policy,
    /// The rollout scope of the command line.
    pub scope: Scope,
    /// ftrack URL shown in the status bar and the commit summary.
    pub server: String,
    /// The ftrack API user.
    pub api_user: String,
    /// LDAP URI or LDIF path.
    pub directory_source: String,
    /// How directory attributes became fields, to show where each value came from.
    pub mapping: Mapping,
    /// True when groups also come from a group search (nested groups resolved).
    pub group_search: bool,
}

/// How the console starts.
#[derive(Debug, Clone, Default)]
pub struct AppOptions {
    /// No colours; the selection is shown in reverse video and bold.
    pub monochrome: bool,
    /// Show the demo banner.
    pub demo: bool,
    /// Decisions to start with: the standing ones, with resumed ones laid over them.
    pub decisions: Decisions,
    /// The standing decisions in force for every run (the state directory's).
    pub recorded: Decisions,
    /// An autosave of an unfinished session to offer restoring.
    pub restore: Option<RestoreOffer>,
    /// Who runs the console (the operating-system user), for the session's journal.
    pub operator: String,
}

/// An autosave of an unfinished session, offered at start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestoreOffer {
    /// Its decisions.
    pub decisions: Decisions,
    /// When it was written (UTC, RFC 3339), when it says.
    pub saved_at: Option<String>,
}

/// The plan for a session with decisions applied, as `plan_with_state` makes it.
pub fn plan_session(session: &Session, decisions: &Decisions) -> Plan {
    plan_with_decisions(
        &session.directory,
        &session.ftrack,
        &session.links,
        &session.policy,
        &session.scope,
        decisions,
    )
}
