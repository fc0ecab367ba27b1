//! Loading an ftrack snapshot file into the sandbox, and writing the sandbox back out as one.

use super::access::{AccessSeed, projects_of, roles_of, user_roles};
use super::custom::{CustomSeed, configurations_of, user_values};
use super::store::{Row, Store, StoreError, Write};
use crate::ids::{FtrackId, Username};
use crate::model::{FtrackGroup, FtrackSnapshot, FtrackUser};
use serde_json::{Value, json};
use std::collections::HashMap;

fn row(value: Value) -> Row {
    match value {
        Value::Object(map) => map,
        _ => Row::new(),
    }
}

/// Loads a snapshot into a store: security roles and projects, user custom attributes,
/// groups, users, then one membership per user and group name, the users' roles (see
/// [`AccessSeed`]) and their custom attribute values (see [`CustomSeed`]).
///
/// A group named by a user but missing from the snapshot's group list is created, and so is
/// a user type, a security role or a project named by a user that the store does not have.
/// Users get exactly the roles the snapshot gives them (no default role).
pub fn seed(store: &mut Store, snapshot: &FtrackSnapshot) -> Result<(), StoreError> {
    let mut writes = Vec::new();
    let mut access = AccessSeed::new(store, snapshot, &mut writes);
    let mut custom = CustomSeed::new(store, &snapshot.custom_attributes, &mut writes);
    let group_ids = group_writes(snapshot, &mut writes);
    let mut type_ids: HashMap<String, String> = store
        .rows("UserType")
        .filter_map(|t| Some((text(t, "name"), t.get("id")?.as_str()?.to_string())))
        .collect();
    for user in &snapshot.users {
        let data = user_data(user, &mut type_ids, &mut writes);
        writes.push(create("User", data));
        for name in &user.groups {
            let group_id = &group_ids[name.as_str()];
            writes.push(create(
                "Membership",
                json!({"user_id": user.id, "group_id": group_id}),
            ));
        }
        access.user_grants(user, &mut writes);
        custom.user_values(user, &mut writes);
    }
    let mut new_id = || uuid::Uuid::new_v4().to_string();
    store.apply(&writes, &mut new_id).map(|_| ())
}

/// Adds the snapshot's groups, and those only users name, to `writes`; their ids by name.
fn group_writes<'s>(
    snapshot: &'s FtrackSnapshot,
    writes: &mut Vec<Write>,
) -> HashMap<&'s str, String> {
    let mut group_ids: HashMap<&str, String> = HashMap::new();
    for group in &snapshot.groups {
        let data = json!({"id": group.id, "name": group.name, "local": false});
        writes.push(create("Group", data));
        group_ids.insert(&group.name, group.id.clone());
    }
    for name in snapshot.users.iter().flat_map(|u| &u.groups) {
        if !group_ids.contains_key(name.as_str()) {
            let id = format!("group-{}", uuid::Uuid::new_v4());
            writes.push(create(
                "Group",
                json!({"id": id, "name": name, "local": false}),
            ));
            group_ids.insert(name, id);
        }
    }
    group_ids
}

/// A user's attributes; a user type the store lacks is added to `writes` first.
fn user_data(
    user: &FtrackUser,
    type_ids: &mut HashMap<String, String>,
    writes: &mut Vec<Write>,
) -> Value {
    let mut data = json!({"id": user.id, "username": user.username, "first_name": user.first_name,
           "last_name": user.last_name, "email": user.email, "is_active": user.is_active});
    if let Some(name) = &user.user_type {
        let type_id = type_ids.entry(name.clone()).or_insert_with(|| {
            let id = format!("usertype-{}", uuid::Uuid::new_v4());
            writes.push(create("UserType", json!({"id": id, "name": name})));
            id
        });
        data["user_type_id"] = json!(type_id);
    }
    data
}

/// Adds the API user, active, unless the store already has a user of that name.
///
/// On a real server the API user is a user like any other: ftrack's clients can look it up,
/// and the server refuses its key once it is deactivated or deleted. A user the store
/// already has is left as it is, inactive or not. Returns whether the user was added.
pub fn ensure_api_user(store: &mut Store, username: &str) -> Result<bool, StoreError> {
    if store.user_by_username(username).is_some() {
        return Ok(false);
    }
    let user = create(
        "User",
        json!({"username": username, "first_name": username, "last_name": "API",
               "is_active": true}),
    );
    let mut new_id = || uuid::Uuid::new_v4().to_string();
    store.apply(&[user], &mut new_id).map(|_| true)
}

fn text(row: &Row, key: &str) -> String {
    row.get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

fn create(entity_type: &str, data: Value) -> Write {
    Write::Create {
        entity_type: entity_type.to_string(),
        key: None,
        data: row(data),
    }
}

/// The store's users, groups, security roles, projects and user custom attributes in the
/// snapshot format (group memberships and roles by name, values that differ from their
/// attribute's default by key).
pub fn snapshot_of(store: &Store) -> FtrackSnapshot {
    let groups: Vec<FtrackGroup> = store
        .rows("Group")
        .map(|g| FtrackGroup {
            id: text(g, "id"),
            name: text(g, "name"),
        })
        .collect();
    let group_names: HashMap<String, String> = groups
        .iter()
        .map(|g| (g.id.clone(), g.name.clone()))
        .collect();
    let mut memberships: HashMap<String, Vec<String>> = HashMap::new();
    for m in store.rows("Membership") {
        if let Some(name) = group_names.get(&text(m, "group_id")) {
            memberships
                .entry(text(m, "user_id"))
                .or_default()
                .push(name.clone());
        }
    }
    let users = store
        .rows("User")
        .map(|u| {
            let id = text(u, "id");
            let mut groups = memberships.remove(&id).unwrap_or_default();
            groups.sort();
            FtrackUser {
                username: Username::new(text(u, "username")),
                first_name: text(u, "first_name"),
                last_name: text(u, "last_name"),
                email: u.get("email").and_then(Value::as_str).map(str::to_string),
                is_active: u.get("is_active").and_then(Value::as_bool).unwrap_or(false),
                groups,
                user_type: u
                    .get("user_type_id")
                    .and_then(Value::as_str)
                    .and_then(|type_id| store.get("UserType", type_id))
                    .map(|t| text(t, "name")),
                roles: user_roles(store, &id),
                custom: user_values(store, &id),
                id: FtrackId::new(id),
            }
        })
        .collect();
    FtrackSnapshot {
        users,
        groups,
        security_roles: roles_of(store),
        projects: projects_of(store),
        custom_attributes: configurations_of(store),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ftrack::snapshot::parse_snapshot;
    use std::path::Path;

    #[test]
    fn the_demo_snapshot_loads_and_comes_back_unchanged() {
        let snapshot = parse_snapshot(Path::new("demo"), crate::demo_data::FTRACK).unwrap();
        let mut store = Store::new();
        seed(&mut store, &snapshot).unwrap();
        let mut back = snapshot_of(&store);
        let mut original = snapshot.clone();
        // The snapshot names no roles: the sandbox has the built-in ones.
        original.security_roles = crate::sandbox::access::built_in_roles();
        // Users without a type get the server's default type.
        for u in &mut original.users {
            u.user_type.get_or_insert_with(|| "user".to_string());
        }
        for s in [&mut back, &mut original] {
            s.users.sort_by(|a, b| a.id.cmp(&b.id));
            s.groups.sort_by(|a, b| a.id.cmp(&b.id));
            for u in &mut s.users {
                u.groups.sort();
            }
        }
        assert_eq!(back, original);
        assert_eq!(
            store.rows("Membership").count(),
            snapshot.users.iter().map(|u| u.groups.len()).sum::<usize>()
        );
    }

    #[test]
    fn user_types_named_by_users_are_created_once_and_read_back() {
        let snapshot: FtrackSnapshot = serde_json::from_value(json!({
            "users": [
                {"id": "u1", "username": "render-bot", "is_active": true, "user_type": "service"},
                {"id": "u2", "username": "ingest-bot", "is_active": true, "user_type": "service"},
                {"id": "u3", "username": "ann", "is_active": true, "user_type": "user"}
            ]
        }))
        .unwrap();
        let mut store = Store::new();
        seed(&mut store, &snapshot).unwrap();
        assert_eq!(store.rows("UserType").count(), 2);
        let types: Vec<Option<String>> = snapshot_of(&store)
            .users
            .into_iter()
            .map(|u| u.user_type)
            .collect();
        assert_eq!(
            types,
            [
                Some("service".into()),
                Some("service".into()),
                Some("user".into())
            ]
        );
    }

    #[test]
    fn groups_named_only_by_users_are_created() {
        let snapshot: FtrackSnapshot = serde_json::from_value(json!({
            "users": [{"id": "u1", "username": "ann", "is_active": true, "groups": ["FX"]}]
        }))
        .unwrap();
        let mut store = Store::new();
        seed(&mut store, &snapshot).unwrap();
        assert_eq!(snapshot_of(&store).users[0].groups, ["FX"]);
    }

    #[test]
    fn the_api_user_is_added_once_and_active() {
        let mut store = Store::new();
        assert_eq!(ensure_api_user(&mut store, "sync-bot"), Ok(true));
        assert_eq!(ensure_api_user(&mut store, "sync-bot"), Ok(false));
        let users = snapshot_of(&store).users;
        assert_eq!(users.len(), 1);
        let user = &users[0];
        assert_eq!(
            (
                user.username.as_str(),
                user.first_name.as_str(),
                user.is_active
            ),
            ("sync-bot", "sync-bot", true)
        );
        assert_eq!(user.id.len(), 36, "a generated UUID: {}", user.id);
    }

    #[test]
    fn an_api_user_in_the_seed_is_left_as_it_is() {
        let snapshot: FtrackSnapshot = serde_json::from_value(json!({
            "users": [{"id": "u1", "username": "sync-bot", "first_name": "Sync", "is_active": false}]
        }))
        .unwrap();
        let mut store = Store::new();
        seed(&mut store, &snapshot).unwrap();
        assert_eq!(ensure_api_user(&mut store, "sync-bot"), Ok(false));
        let users = snapshot_of(&store).users;
        assert_eq!(users.len(), 1);
        assert_eq!(
            (users[0].first_name.as_str(), users[0].is_active),
            ("Sync", false)
        );
    }

    #[test]
    fn a_snapshot_breaking_server_rules_is_refused_whole() {
        let snapshot: FtrackSnapshot = serde_json::from_value(json!({
            "users": [{"id": "u1", "username": "ann", "is_active": true}, {"id": "u2", "username": "ann", "is_active": true}]
        }))
        .unwrap();
        let mut store = Store::new();
        assert_eq!(
            seed(&mut store, &snapshot).unwrap_err().exception,
            "DuplicateEntryError"
        );
        assert_eq!(store.rows("User").count(), 0);
    }
}
