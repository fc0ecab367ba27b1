//! Property tests: each test is named after the invariant it checks.

use crate::access::{Project, RoleKind, RoleScope, SecurityRole, UserRole};
use crate::custom::CustomAttribute;
use crate::model::{
    DirectorySnapshot, DirectoryUser, FtrackGroup, FtrackSnapshot, FtrackUser, Links,
};
use crate::reconcile::plan::{Action, Summary};
use crate::reconcile::policy::{
    DeactivateMissing, MaxDeactivate, RoleGrant, RolePolicy, RoleRule, UsernameCase,
};
use crate::reconcile::roles::RoleChange;
use crate::reconcile::simulate::apply_in_memory;
use crate::reconcile::{Plan, Policy, Scope, compute_plan};
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashSet};

const NAMES: &[&str] = &[
    "ann", "Ann", "bob", "carl", "dora", "eve", "Eve", "fay", "gus", "hal", "anna k",
];
const DIR_GROUPS: &[&str] = &["cn=fx,ou=groups,dc=x", "comp", "light", "misc"];
const FTRACK_GROUPS: &[&str] = &["FX", "Comp", "Light", "Clients"];

fn email_for(name: &str, variant: u8) -> Option<String> {
    match variant {
        0 => None,
        1 => Some("shared@studio.example".to_string()),
        2 => Some("broken-address".to_string()),
        _ => Some(format!(
            "{}@studio.example",
            name.to_lowercase().replace(' ', ".")
        )),
    }
}

/// Custom attribute values: none, some of the configured keys, and `fax`, which ftrack lacks.
fn custom_values(variant: u8) -> BTreeMap<String, String> {
    let pairs: &[(&str, &str)] = match variant {
        0 => &[],
        1 => &[("phone", "1")],
        2 => &[("phone", "2"), ("dept", "fx")],
        _ => &[("fax", "9"), ("dept", "")],
    };
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn subset<T: for<'a> From<&'a str>>(all: &[&str], mask: u8) -> Vec<T> {
    all.iter()
        .enumerate()
        .filter(|(i, _)| mask & (1 << i) != 0)
        .map(|(_, g)| T::from(g))
        .collect()
}

fn directory_user() -> impl Strategy<Value = DirectoryUser> {
    (
        0..NAMES.len(),
        0u8..14,
        prop::bool::weighted(0.85),
        0u8..8,
        0u8..3,
        0u8..16,
        0u8..4,
    )
        .prop_map(|(name, id, active, email, first, groups, custom)| {
            let username = NAMES[name].to_string();
            DirectoryUser {
                id: format!("d{id}").into(),
                dn: format!("uid={username},ou=people,dc=x").into(),
                email: email_for(&username, email),
                first_name: (first > 0).then(|| format!("First{first}")),
                last_name: Some("Last".to_string()),
                display_name: None,
                groups: subset(DIR_GROUPS, groups),
                active,
                disabled_reason: (!active).then(|| "locked".to_string()),
                problems: Vec::new(),
                username: Some(username.into()),
                custom: custom_values(custom),
            }
        })
}

/// Roles an ftrack user may hold before the run: none, managed ones, and an unmanaged one.
fn held_roles(pick: u8) -> Vec<UserRole> {
    let holds = |role: &str, scope: RoleScope| UserRole {
        role: role.into(),
        scope,
    };
    let on_a = RoleScope::Projects(["A".to_string()].into());
    match pick {
        0 => Vec::new(),
        1 => vec![holds("User", RoleScope::AllOpenProjects)],
        2 => vec![holds("Project Manager", RoleScope::AllOpenProjects)],
        3 => vec![holds("User", on_a)],
        _ => vec![holds("Administrator", RoleScope::AllOpenProjects)],
    }
}

/// Role rules on the directory groups, and the server's roles and projects.
fn role_policy(default: bool) -> RolePolicy {
    let rule = |group: &str, role: &str, scope: RoleScope| RoleRule {
        group: group.into(),
        grant: RoleGrant {
            role: role.into(),
            scope,
        },
    };
    let on = |p: &str| RoleScope::Projects([p.to_string()].into());
    RolePolicy {
        default: default.then(|| RoleGrant {
            role: "User".into(),
            scope: RoleScope::AllOpenProjects,
        }),
        rules: vec![
            rule("fx", "Project Manager", RoleScope::AllOpenProjects),
            rule("comp", "User", on("A")),
            rule("light", "User", on("B")),
        ],
        allow_privileged: false,
    }
}

fn server_access() -> (Vec<SecurityRole>, Vec<Project>) {
    let role = |name: &str| SecurityRole {
        id: format!("r-{name}"),
        name: name.into(),
        kind: RoleKind::Project,
    };
    let project = |name: &str| Project {
        id: format!("p-{name}"),
        name: name.into(),
        full_name: name.into(),
        is_private: false,
    };
    (
        vec![role("User"), role("Project Manager"), role("Administrator")],
        vec![project("A"), project("B")],
    )
}

fn ftrack_user() -> impl Strategy<Value = FtrackUser> {
    (
        0..NAMES.len(),
        prop::bool::weighted(0.8),
        0u8..8,
        0u8..3,
        0u8..16,
        0u8..6,
        0u8..4,
    )
        .prop_map(|(name, is_active, email, first, groups, roles, custom)| {
            let username = NAMES[name].to_string();
            FtrackUser {
                id: format!("f-{username}").into(),
                email: email_for(&username, email),
                first_name: format!("First{first}"),
                last_name: "Last".to_string(),
                is_active,
                groups: subset(FTRACK_GROUPS, groups),
                username: username.into(),
                user_type: None,
                roles: held_roles(roles),
                custom: custom_values(custom),
            }
        })
}

#[derive(Debug, Clone)]
pub(super) struct World {
    pub(super) directory: DirectorySnapshot,
    pub(super) ftrack: FtrackSnapshot,
    pub(super) links: Links,
    pub(super) policy: Policy,
    pub(super) scope: Scope,
}

pub(super) fn world() -> impl Strategy<Value = World> {
    (
        prop::collection::vec(directory_user(), 0..12),
        prop::collection::vec(ftrack_user(), 0..10),
        prop::collection::vec((0u8..14, 0..NAMES.len()), 0..8),
        0u8..3,
        any::<bool>(),
        any::<bool>(),
        prop::option::of(0usize..6),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(
            |(dir, mut ftrack, links, missing, sensitive, protect, limit, only_bob, default)| {
                let mut seen = HashSet::new();
                ftrack.retain(|u| seen.insert(u.username.clone()));
                let links = links
                    .into_iter()
                    .map(|(d, f)| (format!("d{d}").into(), format!("f-{}", NAMES[f]).into()))
                    .collect();
                let managed: BTreeMap<String, String> =
                    [("fx", "FX"), ("comp", "Comp"), ("light", "Light")]
                        .into_iter()
                        .map(|(k, v)| (k.to_string(), v.to_string()))
                        .collect();
                let policy = Policy {
                    deactivate_missing: [
                        DeactivateMissing::Linked,
                        DeactivateMissing::All,
                        DeactivateMissing::Never,
                    ][missing as usize],
                    protected_users: if protect {
                        vec!["hal".to_string()]
                    } else {
                        Vec::new()
                    },
                    max_deactivate: MaxDeactivate::Count(1000),
                    username_case: if sensitive {
                        UsernameCase::Sensitive
                    } else {
                        UsernameCase::Insensitive
                    },
                    managed_groups: managed,
                    previous_directory_count: None,
                    roles: role_policy(default),
                    custom_attributes: ["dept", "fax", "phone"].map(String::from).to_vec(),
                    ..Default::default()
                };
                let (security_roles, projects) = server_access();
                let scope = Scope {
                    only_users: if only_bob {
                        vec!["bob".to_string(), "Eve".to_string()]
                    } else {
                        Vec::new()
                    },
                    limit,
                    ..Scope::default()
                };
                let groups = ["FX", "Clients"]
                    .iter()
                    .map(|g| FtrackGroup {
                        id: format!("g-{g}"),
                        name: g.to_string(),
                    })
                    .collect();
                World {
                    directory: DirectorySnapshot {
                        users: dir,
                        complete: true,
                        warnings: Vec::new(),
                        incomplete: Vec::new(),
                        groups_found: None,
                        read: Default::default(),
                    },
                    ftrack: FtrackSnapshot {
                        users: ftrack,
                        groups,
                        security_roles,
                        projects,
                        custom_attributes: ["phone", "dept"].map(text_attribute).to_vec(),
                    },
                    links,
                    policy,
                    scope,
                }
            },
        )
}

fn text_attribute(key: &str) -> CustomAttribute {
    CustomAttribute {
        id: format!("c-{key}"),
        key: key.to_string(),
        label: String::new(),
        kind: "text".to_string(),
    }
}

pub(super) fn plan(w: &World) -> Plan {
    compute_plan(&w.directory, &w.ftrack, &w.links, &w.policy, &w.scope)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn planning_a_synced_pair_gives_no_changes(users in prop::collection::vec(directory_user(), 0..12)) {
        let mut seen = HashSet::new();
        let users: Vec<DirectoryUser> = users
            .into_iter()
            .filter(|u| u.active && u.email.as_deref().is_some_and(|e| e.ends_with(".example") && !e.starts_with("shared")))
            .filter(|u| !u.username.as_deref().unwrap_or_default().contains(' '))
            .filter(|u| seen.insert(u.username.clone().unwrap_or_default().to_lowercase()))
            .enumerate()
            .map(|(i, u)| DirectoryUser { id: format!("d{i}").into(), groups: Vec::new(), ..u })
            .collect();
        let ftrack_users: Vec<FtrackUser> = users.iter().map(|u| FtrackUser {
            id: format!("f{}", u.id).into(),
            username: u.username.clone().unwrap_or_default(),
            first_name: u.first_name.clone().unwrap_or_default(),
            last_name: u.last_name.clone().unwrap_or_default(),
            email: u.email.clone(),
            is_active: true,
            groups: Vec::new(), user_type: None,
            ..Default::default()
        }).collect();
        let links = users.iter().map(|u| (u.id.clone(), format!("f{}", u.id).into())).collect();
        let w = World {
            directory: DirectorySnapshot { users, complete: true, warnings: Vec::new(), incomplete: Vec::new(), groups_found: None, read: Default::default() },
            ftrack: FtrackSnapshot { users: ftrack_users, groups: Vec::new(), ..Default::default() },
            links,
            policy: Policy { max_deactivate: MaxDeactivate::Count(1000), ..Policy::default() },
            scope: Scope::default(),
        };
        let p = plan(&w);
        prop_assert!(!p.has_changes(), "{:#?}", p.items);
        prop_assert_eq!(p.summary.conflict, 0);
    }

    #[test]
    fn applying_a_plan_then_planning_again_gives_no_changes(w in world()) {
        let w = World { scope: Scope::default(), ..w };
        let first = plan(&w);
        let mut after = w.clone();
        apply_in_memory(&first, &mut after.ftrack, &mut after.links);
        let second = plan(&after);
        prop_assert!(!second.has_changes(), "first: {:#?}\nsecond: {:#?}", first.items, second.items);
    }

    #[test]
    fn users_in_a_scoped_run_are_in_sync_after_applying_it(w in world()) {
        let first = plan(&w);
        let touched: HashSet<String> = first
            .items
            .iter()
            .filter(|i| i.action.is_change())
            .flat_map(|i| [i.directory.as_ref().map(|d| d.id.to_string()), i.ftrack.as_ref().map(|f| f.id.to_string())])
            .flatten()
            .collect();
        let mut after = w.clone();
        apply_in_memory(&first, &mut after.ftrack, &mut after.links);
        let unscoped = World { scope: Scope::default(), ..after };
        for item in plan(&unscoped).items.iter().filter(|i| i.action.is_change()) {
            let ids = [item.directory.as_ref().map(|d| d.id.as_str()), item.ftrack.as_ref().map(|f| f.id.as_str())];
            prop_assert!(!ids.iter().flatten().any(|id| touched.contains(*id)), "{:#?}", item);
        }
    }

    #[test]
    fn each_directory_entry_and_ftrack_user_appears_at_most_once(w in world()) {
        let p = plan(&w);
        let directory_items = p.items.iter().filter(|i| i.directory.is_some()).count();
        prop_assert_eq!(directory_items, w.directory.users.len());
        let mut seen = HashSet::new();
        for item in p.items.iter().filter_map(|i| i.ftrack.as_ref()) {
            prop_assert!(seen.insert(item.id.clone()), "ftrack user {} appears twice", item.id);
        }
        prop_assert!(p.items.len() <= w.directory.users.len() + w.ftrack.users.len());
    }

    #[test]
    fn the_summary_and_groups_to_create_agree_with_every_item(w in world()) {
        let p = plan(&w);
        prop_assert_eq!(p.summary, Summary::count(&p.items));
        let existing: HashSet<&str> = w.ftrack.groups.iter().map(|g| g.name.as_str()).collect();
        let wanted: BTreeSet<&str> = p.items.iter()
            .filter(|i| i.action.is_change())
            .flat_map(|i| i.groups.add.iter().map(String::as_str))
            .filter(|g| !existing.contains(g))
            .collect();
        prop_assert_eq!(p.groups_to_create.iter().map(String::as_str).collect::<Vec<_>>(), wanted.into_iter().collect::<Vec<_>>());
    }

    #[test]
    fn output_does_not_depend_on_input_order(w in world(), seed in any::<u64>()) {
        let mut shuffled = w.clone();
        let mut state = seed | 1;
        let mut next = move |n: usize| { state ^= state << 13; state ^= state >> 7; state ^= state << 17; (state % n.max(1) as u64) as usize };
        for i in (1..shuffled.directory.users.len()).rev() { let j = next(i + 1); shuffled.directory.users.swap(i, j); }
        for i in (1..shuffled.ftrack.users.len()).rev() { let j = next(i + 1); shuffled.ftrack.users.swap(i, j); }
        prop_assert_eq!(plan(&w), plan(&shuffled));
    }

    #[test]
    fn skipped_conflicted_and_unchanged_items_carry_no_operations(w in world()) {
        for item in plan(&w).items {
            if !item.action.is_change() {
                prop_assert!(item.changes.is_empty() && item.groups.is_empty() && item.roles.is_empty() && item.custom.is_empty(), "{:#?}", item);
            }
        }
    }

    #[test]
    fn only_managed_roles_change_and_other_roles_are_left_alone(w in world()) {
        let p = plan(&w);
        let managed: BTreeSet<&str> = w.policy.roles.rules.iter().map(|r| r.grant.role.as_str()).collect();
        let default = w.policy.roles.default.as_ref().map(|d| d.role.as_str());
        for item in &p.items {
            for change in &item.roles {
                let role = change.role();
                let granted_default = matches!(change, RoleChange::Grant { .. }) && Some(role) == default;
                prop_assert!(managed.contains(role) || granted_default, "{:#?}", item);
                prop_assert_ne!(role, "Administrator");
            }
        }
    }

    #[test]
    fn protected_and_out_of_scope_users_are_never_changed(w in world()) {
        let p = plan(&w);
        for item in p.items.iter().filter(|i| i.action.is_change()) {
            if let Some(f) = &item.ftrack {
                prop_assert!(!w.policy.protected_users.iter().any(|u| u.eq_ignore_ascii_case(&f.username)), "{:#?}", item);
            }
            if !w.scope.only_users.is_empty() {
                let directory_name = item.directory.as_ref().and_then(|d| {
                    w.directory.users.iter().find(|u| u.id == d.id && u.dn == d.dn).and_then(|u| u.username.clone())
                });
                let names = [Some(item.username.clone()), directory_name, item.ftrack.as_ref().map(|f| f.username.clone())];
                prop_assert!(names.iter().flatten().any(|n| w.scope.only_users.iter().any(|u| u.eq_ignore_ascii_case(n))), "{:#?}", item);
            }
        }
        let deactivations = p.items.iter().filter(|i| i.action == Action::Deactivate).count();
        if w.scope.limit.is_some() {
            prop_assert!(p.items.iter().filter(|i| i.action == Action::Deactivate).all(|i| i.directory.is_some()));
        }
        prop_assert_eq!(deactivations, p.summary.deactivate);
    }

    #[test]
    fn a_read_of_changes_never_deactivates_anyone(mut w in world()) {
        w.directory.read = crate::model::ReadScope::Changed {
            marker: "modifyTimestamp".into(),
            since: "2026-12-02T10:25:00Z".into(),
        };
        let p = plan(&w);
        prop_assert_eq!(p.summary.deactivate, 0);
        prop_assert!(p.items.iter().all(|i| i.action != Action::Deactivate), "{:#?}", p.items);
        prop_assert!(p.items.iter().all(|i| !(i.directory.is_none() && i.action.is_change())), "{:#?}", p.items);
    }
}
