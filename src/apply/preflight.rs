//! Before anything is written: is ftrack still as it was when the plan was made?
//!
//! An item whose ftrack user changed since planning (a field the plan changes holds another
//! value, the user vanished, or a username a create needs was taken) is stale and left alone.

use crate::ftrack::read::LiveUser;
use crate::ids::FtrackId;
use crate::reconcile::plan::{Action, Field, FieldValue, PlanItem};
use std::collections::{HashMap, HashSet};

/// ftrack as it is now, for the users a plan touches.
#[derive(Debug, Default)]
pub struct LiveState {
    /// Users by id.
    pub by_id: HashMap<FtrackId, LiveUser>,
    /// Ids by case-folded username.
    pub id_by_username: HashMap<String, FtrackId>,
}

impl LiveState {
    /// Indexes users read from ftrack.
    pub fn new(users: Vec<LiveUser>) -> Self {
        let mut state = Self::default();
        for user in users {
            state
                .id_by_username
                .insert(user.username.to_lowercase(), user.id.clone());
            state.by_id.insert(user.id.clone(), user);
        }
        state
    }
}

/// The text of a planned value, as ftrack would hold it (`null` and empty are alike).
pub fn value_text(value: Option<&FieldValue>) -> String {
    match value {
        Some(FieldValue::Text(text)) => text.clone(),
        Some(FieldValue::Flag(flag)) => flag.to_string(),
        None => String::new(),
    }
}

fn live_value(user: &LiveUser, field: Field) -> String {
    match field {
        Field::Username => user.username.to_string(),
        Field::FirstName => user.first_name.clone(),
        Field::LastName => user.last_name.clone(),
        Field::Email => user.email.clone().unwrap_or_default(),
        Field::IsActive => user.is_active.to_string(),
    }
}

/// The username an item gives its ftrack user, if it sets one.
pub fn new_username(item: &PlanItem) -> Option<String> {
    item.changes
        .iter()
        .find(|c| c.field == Field::Username)
        .map(|c| value_text(c.to.as_ref()))
}

/// Why an item can no longer be applied as planned, or `None` when it still can.
/// `leaving` holds the ids of users this run renames, whose current usernames become free.
pub fn staleness(item: &PlanItem, live: &LiveState, leaving: &HashSet<&str>) -> Option<String> {
    if let Some(wanted) = new_username(item) {
        let holder = live.id_by_username.get(&wanted.to_lowercase());
        let own = item.ftrack.as_ref().map(|f| &f.id);
        if let Some(holder) = holder
            && Some(holder) != own
            && !leaving.contains(holder.as_str())
        {
            let held_by = live.by_id.get(holder).map_or_else(
                || holder.to_string(),
                |u| format!("{} ({holder})", u.username),
            );
            return Some(format!(
                "the username {wanted:?} belongs to ftrack user {held_by} and this run does not free it (apply that user's rename in the same run, or plan again)"
            ));
        }
    }
    if item.action == Action::Create {
        return None;
    }
    let planned = item.ftrack.as_ref()?;
    let Some(user) = live.by_id.get(&planned.id) else {
        return Some(format!(
            "ftrack user {} ({}) no longer exists",
            planned.username, planned.id
        ));
    };
    if user.username != planned.username {
        return Some(format!(
            "the ftrack username changed from {:?} to {:?}",
            planned.username, user.username
        ));
    }
    item.changes.iter().find_map(|change| {
        let then = value_text(change.from.as_ref());
        let now = live_value(user, change.field);
        (then != now).then(|| {
            format!(
                "{} changed in ftrack from {then:?} to {now:?} since the plan was made",
                change.field.name()
            )
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reconcile::plan::{FieldChange, FtrackRef, GroupChanges};

    fn live(username: &str, email: &str, active: bool) -> LiveUser {
        LiveUser {
            id: format!("f-{username}").into(),
            username: username.into(),
            first_name: "Ann".into(),
            last_name: "Lee".into(),
            email: Some(email.into()),
            is_active: active,
            memberships: Vec::new(),
        }
    }

    fn update(username: &str, field: Field, from: &str, to: &str) -> PlanItem {
        PlanItem {
            action: Action::Update,
            username: username.into(),
            name: String::new(),
            directory: None,
            ftrack: Some(FtrackRef {
                id: format!("f-{username}").into(),
                username: username.into(),
            }),
            matched_by: None,
            changes: vec![FieldChange {
                field,
                from: Some(FieldValue::Text(from.into())),
                to: Some(FieldValue::Text(to.into())),
            }],
            groups: GroupChanges::default(),
            reason: None,
            conflict: None,
            needs: Vec::new(),
            grace: None,
            roles: Vec::new(),
            custom: Vec::new(),
            skip: None,
            decided: None,
        }
    }

    fn staleness_of(item: &PlanItem, state: &LiveState) -> Option<String> {
        staleness(item, state, &HashSet::new())
    }

    #[test]
    fn changed_fields_vanished_users_and_taken_usernames_are_stale() {
        let state = LiveState::new(vec![live("ann", "ann@x", true), live("bob", "bob@x", true)]);
        assert_eq!(
            staleness_of(&update("ann", Field::Email, "ann@x", "a@x"), &state),
            None
        );
        let moved = staleness_of(&update("ann", Field::Email, "old@x", "a@x"), &state).unwrap();
        assert!(moved.contains("email changed"), "{moved}");
        let gone = staleness_of(&update("cy", Field::Email, "cy@x", "c@x"), &state).unwrap();
        assert!(gone.contains("no longer exists"), "{gone}");
        let renamed_onto_bob =
            staleness_of(&update("ann", Field::Username, "ann", "Bob"), &state).unwrap();
        assert!(
            renamed_onto_bob.contains("ftrack user bob (f-bob)"),
            "{renamed_onto_bob}"
        );
        let mut create = update("bob", Field::Username, "", "bob");
        create.action = Action::Create;
        create.ftrack = None;
        assert!(staleness_of(&create, &state).is_some());
        // Unless the holder is being renamed away in the same run.
        assert!(staleness(&create, &state, &HashSet::from(["f-bob"])).is_none());
    }
}
