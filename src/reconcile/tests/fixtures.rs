//! Small builders for planner inputs.

use crate::access::{Project, SecurityRole};
use crate::custom::CustomAttribute;
use crate::model::{
    DirectorySnapshot, DirectoryUser, FtrackGroup, FtrackSnapshot, FtrackUser, Links, ReadScope,
};
use crate::reconcile::plan::{Action, PlanItem};
use crate::reconcile::{Plan, Policy, Scope, compute_plan};

/// An active directory user `uid` with id `id-<uid>` and matching email and names.
pub fn dir(uid: &str) -> DirectoryUser {
    DirectoryUser {
        id: format!("id-{uid}").into(),
        dn: format!("uid={uid},ou=people,dc=example").into(),
        username: Some(uid.into()),
        email: Some(format!("{uid}@studio.example")),
        first_name: Some(format!("F{uid}")),
        last_name: Some(format!("L{uid}")),
        display_name: None,
        groups: Vec::new(),
        active: true,
        disabled_reason: None,
        problems: Vec::new(),
        custom: Default::default(),
    }
}

/// An active ftrack user in sync with `dir(uid)`, with id `f-<uid>`.
pub fn ft(uid: &str) -> FtrackUser {
    FtrackUser {
        id: format!("f-{uid}").into(),
        username: uid.into(),
        first_name: format!("F{uid}"),
        last_name: format!("L{uid}"),
        email: Some(format!("{uid}@studio.example")),
        is_active: true,
        groups: Vec::new(),
        user_type: None,
        ..Default::default()
    }
}

/// Inputs for one planner run.
#[derive(Default)]
pub struct Case {
    pub dir: Vec<DirectoryUser>,
    pub ftrack: Vec<FtrackUser>,
    pub groups: Vec<&'static str>,
    pub links: Links,
    pub policy: Policy,
    pub scope: Scope,
    pub incomplete: bool,
    /// The DNs a group search found; `None`: no group search ran.
    pub groups_found: Option<Vec<String>>,
    /// The server's security roles and projects.
    pub security_roles: Vec<SecurityRole>,
    pub projects: Vec<Project>,
    /// The server's user custom attribute configurations.
    pub custom_attributes: Vec<CustomAttribute>,
    /// Whether the directory was read whole or only its changes.
    pub read: ReadScope,
}

impl Case {
    pub fn new(dir: Vec<DirectoryUser>, ftrack: Vec<FtrackUser>) -> Self {
        let policy = Policy {
            max_deactivate: crate::reconcile::policy::MaxDeactivate::Count(1000),
            ..Policy::default()
        };
        Self {
            dir,
            ftrack,
            policy,
            ..Self::default()
        }
    }

    /// Links `dir(uid)`'s id to `ft(ftrack_uid)`'s id.
    pub fn link(mut self, uid: &str, ftrack_uid: &str) -> Self {
        self.links
            .insert(format!("id-{uid}").into(), format!("f-{ftrack_uid}").into());
        self
    }

    pub fn snapshots(&self) -> (DirectorySnapshot, FtrackSnapshot) {
        let directory = DirectorySnapshot {
            users: self.dir.clone(),
            complete: !self.incomplete,
            warnings: Vec::new(),
            incomplete: Vec::new(),
            groups_found: self.groups_found.clone(),
            read: self.read.clone(),
        };
        let ftrack = FtrackSnapshot {
            users: self.ftrack.clone(),
            groups: self
                .groups
                .iter()
                .map(|g| FtrackGroup {
                    id: format!("g-{g}"),
                    name: g.to_string(),
                })
                .collect(),
            security_roles: self.security_roles.clone(),
            projects: self.projects.clone(),
            custom_attributes: self.custom_attributes.clone(),
        };
        (directory, ftrack)
    }

    pub fn plan(&self) -> Plan {
        let (directory, ftrack) = self.snapshots();
        compute_plan(&directory, &ftrack, &self.links, &self.policy, &self.scope)
    }
}

/// The item for a username (panics with the plan when absent or repeated).
pub fn item<'p>(plan: &'p Plan, username: &str) -> &'p PlanItem {
    let found: Vec<&PlanItem> = plan
        .items
        .iter()
        .filter(|i| i.username == username)
        .collect();
    assert_eq!(
        found.len(),
        1,
        "expected one item for {username}: {:#?}",
        plan.items
    );
    found[0]
}

/// Actions by username, in plan order.
pub fn actions(plan: &Plan) -> Vec<(String, Action)> {
    plan.items
        .iter()
        .map(|i| (i.username.to_string(), i.action))
        .collect()
}
