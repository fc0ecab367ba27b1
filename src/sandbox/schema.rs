//! The entity schemas the sandbox serves for `query_schemas`, and their `schema_hash`.
//!
//! The JSON literals below are the single source of truth: [`schemas`] serves them as they are,
//! and [`entity_schemas`] reads the per-type metadata the store needs out of the same values.
//! Attributes that point at types the sandbox does not serve (appointments, timelogs,
//! thumbnails, project schemas, ...) are left out, as the protocol notes (§7.1) allow;
//! `Project` is served with the attributes that security roles need, and user custom
//! attributes with their configurations, types and dense value rows.
//!
//! `schema_hash` must be what ftrack-python-api computes for its schema cache (§11.2):
//! the MD5 of Python's `json.dumps(schemas, sort_keys=True)`, so [`python_json_dumps`]
//! reproduces that text byte for byte.

use md5::{Digest, Md5};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::OnceLock;

pub use super::python_json::python_json_dumps;

/// The id of the user type a new user gets when none is given (ftrack's default user type).
pub const DEFAULT_USER_TYPE_ID: &str = "ac9fa5aa-4361-11e0-b7cc-0019bb4983d8";

/// The `default` placeholder that means "generate a UUID4" (server and Python client alike).
pub const UID_DEFAULT: &str = "{uid}";

/// The values `SecurityRole.type` takes on ftrack servers (§9).
pub const SECURITY_ROLE_TYPES: &[&str] = &["PROJECT", "API", "ASSIGNED"];

fn id() -> Value {
    json!({"type": "string", "default": UID_DEFAULT})
}

fn string() -> Value {
    json!({"type": "string"})
}

fn boolean() -> Value {
    json!({"type": "boolean"})
}

/// A foreign-key scalar: typed `string`, or the Python client drops it (§7, quirk 9).
fn fk(target: &str) -> Value {
    json!({
        "type": "string",
        "format": "foreign_key",
        "description": format!("Foreign key(s): {target}.id"),
    })
}

fn reference(target: &str) -> Value {
    json!({"$ref": target})
}

fn array(target: &str) -> Value {
    json!({"type": "array", "items": {"$ref": target}})
}

/// A key/value collection: the Python client reads it as a mapping of `key` to `value`.
fn mapped_array(target: &str) -> Value {
    json!({
        "type": "mapped_array", "items": {"$ref": target},
        "key_value_attributes": {"key": "key", "value": "value"},
    })
}

fn variable() -> Value {
    json!({"type": "variable"})
}

/// Adds `key: value` to a property fragment.
fn with(mut fragment: Value, key: &str, value: Value) -> Value {
    if let Value::Object(map) = &mut fragment {
        map.insert(key.to_owned(), value);
    }
    fragment
}

fn alias(fragment: Value, internal: &str) -> Value {
    with(fragment, "alias_for", json!(internal))
}

fn default(fragment: Value, value: Value) -> Value {
    with(fragment, "default", value)
}

fn resource() -> Value {
    json!({
        "id": "Resource", "type": "object",
        "primary_key": ["id"], "required": ["resource_type", "id"], "immutable": ["id"],
        "default_projections": ["id"], "system_projections": ["resource_type"],
        "properties": {"id": id(), "resource_type": string()},
    })
}

fn user() -> Value {
    json!({
        "id": "User", "type": "object",
        "primary_key": ["id"],
        "required": ["username", "is_active", "resource_type", "id"],
        "immutable": ["resource_type", "id"],
        "default_projections": ["id"], "system_projections": ["resource_type"],
        "properties": {
            "id": id(),
            "resource_type": default(string(), json!("user")),
            "username": default(string(), json!(UID_DEFAULT)),
            "first_name": alias(default(string(), json!("first")), "firstname"),
            "last_name": alias(default(string(), json!("last")), "lastname"),
            "email": string(),
            "is_active": alias(default(boolean(), json!(false)), "isactive"),
            "is_otp_enabled": alias(default(boolean(), json!(false)), "otp_enabled"),
            "is_totp_enabled": alias(default(boolean(), json!(false)), "totp_enabled"),
            "require_details_update": default(boolean(), json!(false)),
            "thumbnail_id": alias(fk("Component"), "thumbid"),
            "user_type": alias(reference("UserType"), "type"),
            "user_type_id": alias(default(fk("UserType"), json!(DEFAULT_USER_TYPE_ID)), "typeid"),
            "memberships": alias(array("Membership"), "user_memberships"),
            "user_security_roles": alias(array("UserSecurityRole"), "userRoles"),
            "custom_attributes": alias(mapped_array("UserCustomAttributeValue"), "custom_attribute_values"),
        },
    })
}

fn user_type() -> Value {
    json!({
        "id": "UserType", "type": "object",
        "primary_key": ["id"], "required": ["id"], "immutable": ["id", "name"],
        "default_projections": ["id"],
        "properties": {"id": alias(id(), "typeid"), "name": string()},
    })
}

fn group() -> Value {
    json!({
        "id": "Group", "type": "object",
        "primary_key": ["id"],
        "required": ["name", "local", "resource_type", "id"],
        "immutable": ["resource_type", "link", "id"],
        "default_projections": ["id"], "system_projections": ["resource_type"],
        "properties": {
            "id": id(),
            "resource_type": default(string(), json!("group")),
            "name": default(string(), json!("")),
            "local": boolean(),
            "link": alias(string(), "api_link"),
            "parent": reference("Group"),
            "parent_id": alias(fk("Group"), "group_id"),
            "children": array("Group"),
            "memberships": alias(array("Membership"), "group_memberships"),
        },
    })
}

fn membership() -> Value {
    json!({
        "id": "Membership", "type": "object",
        "primary_key": ["id"], "required": ["group_id", "user_id", "id"], "immutable": ["id"],
        "default_projections": ["id"],
        "properties": {
            "id": id(),
            "user": alias(reference("User"), "membership_user"),
            "user_id": fk("User"),
            "group": alias(reference("Group"), "membership_group"),
            "group_id": fk("Group"),
        },
    })
}

fn security_role() -> Value {
    json!({
        "id": "SecurityRole", "type": "object", "alias_for": "Auth_Role",
        "primary_key": ["id"], "required": ["id"], "immutable": ["id"],
        "default_projections": ["id", "name"],
        "properties": {
            "id": alias(id(), "roleid"),
            "name": string(),
            "type": alias(fk("SecurityRoleType"), "typeid"),
            "user_security_roles": alias(array("UserSecurityRole"), "userRoles"),
        },
    })
}

fn user_security_role() -> Value {
    json!({
        "id": "UserSecurityRole", "type": "object", "alias_for": "Auth_UserRole",
        "primary_key": ["id"], "required": ["id"], "immutable": ["id"],
        "default_projections": ["id", "user_id", "security_role_id"],
        "properties": {
            "id": id(),
            "is_all_open_projects": alias(boolean(), "isallprojects"),
            "is_all_projects": with(
                alias(boolean(), "isallprojects"),
                "description",
                json!("This attribute has been deprecated, use `is_all_open_projects` attribute instead."),
            ),
            "security_role": alias(reference("SecurityRole"), "role"),
            "security_role_id": alias(fk("SecurityRole"), "roleid"),
            "user": reference("User"),
            "user_id": alias(fk("User"), "userid"),
            "user_security_role_projects": alias(array("UserSecurityRoleProject"), "user_role_projects"),
        },
    })
}

fn user_security_role_project() -> Value {
    json!({
        "id": "UserSecurityRoleProject", "type": "object", "alias_for": "UserRoleProject",
        "primary_key": ["id"], "required": ["id"], "immutable": ["id"],
        "default_projections": ["id", "user_security_role_id", "project_id"],
        "properties": {
            "id": id(),
            "project": reference("Project"),
            "project_id": fk("Project"),
            "user_security_role": alias(reference("UserSecurityRole"), "user_role"),
            "user_security_role_id": alias(fk("UserSecurityRole"), "user_role_id"),
        },
    })
}

/// The subset of ftrack's `Project` (internally `Show`) that project access needs. A
/// project is open when it is not private; `status` is `active` (or `hidden`).
fn project() -> Value {
    json!({
        "id": "Project", "type": "object", "alias_for": "Show",
        "primary_key": ["id"], "required": ["status", "context_type", "id", "name"],
        "immutable": ["id"],
        "default_projections": ["context_type", "id", "name"],
        "system_projections": ["context_type"],
        "properties": {
            "id": id(),
            "name": default(string(), json!("")),
            "full_name": alias(string(), "fullname"),
            "is_private": alias(default(boolean(), json!(false)), "private"),
            "status": string(),
            "context_type": string(),
            "user_security_role_projects": alias(array("UserSecurityRoleProject"), "user_role_projects"),
        },
    })
}

/// The type of a custom attribute (`text`, `number`, ...); the server's are built in.
fn custom_attribute_type() -> Value {
    json!({
        "id": "CustomAttributeType", "type": "object",
        "primary_key": ["id"], "required": ["id", "name"], "immutable": ["id", "name"],
        "default_projections": ["id", "name"],
        "properties": {"id": id(), "name": string()},
    })
}

/// A custom attribute: for users, `entity_type` "user" with no project and no object type.
/// The sandbox keeps `key` and `entity_type` as they were created (its value rows copy them).
fn custom_attribute_configuration() -> Value {
    json!({
        "id": "CustomAttributeConfiguration", "type": "object", "alias_for": "Variable_Register",
        "primary_key": ["id"], "required": ["id", "key", "entity_type", "type_id", "core", "config"],
        "immutable": ["id", "key", "entity_type"],
        "default_projections": ["id", "key", "label", "entity_type"],
        "properties": {
            "id": alias(id(), "registerid"),
            "key": string(),
            "label": default(string(), json!("")),
            "entity_type": alias(string(), "entity"),
            "object_type_id": alias(string(), "entity_key"),
            "project_id": alias(fk("Project"), "topid"),
            "config": default(string(), json!("{}")),
            "default": alias(variable(), "casted_default"),
            "type": reference("CustomAttributeType"),
            "type_id": fk("CustomAttributeType"),
            "is_hierarchical": default(boolean(), json!(false)),
            "core": default(boolean(), json!(false)),
        },
    })
}

/// A user's value of a user custom attribute: one per user and configuration (dense), keyed
/// by both; clients update it and never create or delete one.
fn user_custom_attribute_value() -> Value {
    json!({
        "id": "UserCustomAttributeValue", "type": "object",
        "primary_key": ["configuration_id", "entity_id"],
        "required": ["configuration_id", "entity_id"],
        "immutable": ["configuration_id", "entity_id", "key"],
        "default_projections": ["configuration_id", "entity_id", "key"],
        "system_projections": ["entity_id", "key", "value"],
        "properties": {
            "configuration_id": alias(fk("CustomAttributeConfiguration"), "register_id"),
            "configuration": reference("CustomAttributeConfiguration"),
            "entity_id": fk("User"),
            "entity": reference("User"),
            "key": string(),
            "value": alias(variable(), "casted_value"),
        },
    })
}

/// Never queried, but the Python client builds Location objects when a session opens (§11.2).
fn location() -> Value {
    json!({
        "id": "Location", "type": "object",
        "primary_key": ["id"], "required": ["name", "id"], "immutable": ["id"],
        "default_projections": ["id"],
        "properties": {"id": id(), "name": string(), "label": string(), "description": string()},
    })
}

/// The `query_schemas` result: a JSON array with one schema object per served entity type.
pub fn schemas() -> Value {
    json!([
        resource(),
        user(),
        user_type(),
        group(),
        membership(),
        security_role(),
        user_security_role(),
        user_security_role_project(),
        project(),
        custom_attribute_type(),
        custom_attribute_configuration(),
        user_custom_attribute_value(),
        location(),
    ])
}

/// Lowercase hex MD5 of Python's `json.dumps(schemas, sort_keys=True)`, as the Python client computes it.
pub fn schema_hash(schemas: &Value) -> String {
    format!("{:x}", Md5::digest(python_json_dumps(schemas).as_bytes()))
}

/// The `schema_hash` of [`schemas`], computed once.
pub fn served_schema_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| schema_hash(&schemas()))
}

/// How an attribute holds its value, read from its schema fragment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttributeKind {
    /// A plain value of schema type `ty` (`string`, `boolean`, `integer`, `number`, ...).
    Scalar {
        /// The fragment's `type`.
        ty: String,
    },
    /// One entity of `target`, mirrored by the scalar `foreign_key` (`user` ↔ `user_id`) if any.
    Reference {
        /// The referenced entity type.
        target: String,
        /// The scalar attribute holding the referenced id, named `<attribute>_id`.
        foreign_key: Option<String>,
    },
    /// The `target` entities whose `inverse_foreign_key` holds this entity's id.
    Collection {
        /// The member entity type.
        target: String,
        /// The member's scalar that points back here (`User.memberships` → `Membership.user_id`).
        inverse_foreign_key: Option<String>,
    },
}

/// One attribute of an entity type.
#[derive(Debug, Clone, PartialEq)]
pub struct Attribute {
    /// What kind of value it holds.
    pub kind: AttributeKind,
    /// The schema `default`; the string [`UID_DEFAULT`] means "generate a UUID4".
    pub default: Option<Value>,
    /// The server's internal name for it (`alias_for`), when the schema gives one.
    pub alias_for: Option<String>,
}

/// Per-type metadata for the store, derived from [`schemas`].
#[derive(Debug, Clone, PartialEq)]
pub struct EntitySchema {
    /// Entity type name, e.g. `User`.
    pub name: String,
    /// Primary key attributes, in `entity_key` order.
    pub primary_key: Vec<String>,
    /// Attributes that must have a value after defaults are applied on create.
    pub required: Vec<String>,
    /// Attributes that cannot change after creation.
    pub immutable: Vec<String>,
    /// Attributes the server computes.
    pub computed: Vec<String>,
    /// Attributes returned when a query has no `select`.
    pub default_projections: Vec<String>,
    /// Attributes added to every row of this type (`resource_type`).
    pub system_projections: Vec<String>,
    /// Every attribute by name.
    pub attributes: BTreeMap<String, Attribute>,
}

impl EntitySchema {
    /// The attribute called `name`, if the type has one.
    pub fn attribute(&self, name: &str) -> Option<&Attribute> {
        self.attributes.get(name)
    }

    /// Attributes with a schema default, and that default.
    pub fn defaults(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.attributes
            .iter()
            .filter_map(|(name, a)| a.default.as_ref().map(|d| (name.as_str(), d)))
    }

    /// The other scalar attributes stored in the same column as `name`: ftrack keeps
    /// deprecated names as aliases (`UserSecurityRole.is_all_projects` is `is_all_open_projects`).
    pub fn same_column<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> {
        let column = self
            .attribute(name)
            .filter(|a| matches!(a.kind, AttributeKind::Scalar { .. }))
            .and_then(|a| a.alias_for.as_deref());
        self.attributes
            .iter()
            .filter(move |(other, a)| {
                other.as_str() != name
                    && matches!(a.kind, AttributeKind::Scalar { .. })
                    && column.is_some()
                    && a.alias_for.as_deref() == column
            })
            .map(|(other, _)| other.as_str())
    }
}

/// Every served entity type's metadata, in [`schemas`] order (computed once).
pub fn entity_schemas() -> &'static [EntitySchema] {
    static ALL: OnceLock<Vec<EntitySchema>> = OnceLock::new();
    ALL.get_or_init(|| derive_entity_schemas(&schemas()))
}

/// The metadata of entity type `name`, if the sandbox serves it.
pub fn entity_schema(name: &str) -> Option<&'static EntitySchema> {
    // Hashed: every projected and normalised entity looks its type up.
    static BY_NAME: OnceLock<foldhash::HashMap<&'static str, &'static EntitySchema>> =
        OnceLock::new();
    BY_NAME
        .get_or_init(|| {
            // Reversed, so that the first of two schemas of one name wins, as a search would.
            entity_schemas()
                .iter()
                .rev()
                .map(|s| (s.name.as_str(), s))
                .collect()
        })
        .get(name)
        .copied()
}

fn string_list(schema: &Value, key: &str) -> Vec<String> {
    schema[key]
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// The foreign key of the only reference from `member` back to `owner` (`Membership.user_id`).
fn back_reference(all: &[Value], member: &str, owner: &str) -> Option<String> {
    let schema = all.iter().find(|s| s["id"] == member)?;
    let properties = schema["properties"].as_object()?;
    let mut fks = properties
        .iter()
        .filter(|(_, fragment)| fragment["$ref"] == owner)
        .map(|(name, _)| format!("{name}_id"))
        .filter(|fk| properties.contains_key(fk));
    let first = fks.next();
    if fks.next().is_some() { None } else { first }
}

fn derive_entity_schemas(schemas: &Value) -> Vec<EntitySchema> {
    let all = schemas.as_array().map(Vec::as_slice).unwrap_or_default();
    let derive = |schema: &Value| {
        let name = schema["id"].as_str()?.to_owned();
        let properties = schema["properties"].as_object()?;
        let attribute = |(attr, fragment): (&String, &Value)| {
            let kind = if let Some(target) = fragment["$ref"].as_str() {
                let fk = format!("{attr}_id");
                let foreign_key = properties.contains_key(&fk).then_some(fk);
                AttributeKind::Reference {
                    target: target.to_owned(),
                    foreign_key,
                }
            } else if let Some(target) = fragment["items"]["$ref"].as_str() {
                let inverse_foreign_key = back_reference(all, target, &name);
                AttributeKind::Collection {
                    target: target.to_owned(),
                    inverse_foreign_key,
                }
            } else {
                // No `type` and no `$ref`: the Python client drops it, and so do we.
                AttributeKind::Scalar {
                    ty: fragment["type"].as_str()?.to_owned(),
                }
            };
            let default = fragment.get("default").cloned();
            let alias_for = fragment["alias_for"].as_str().map(str::to_owned);
            Some((
                attr.clone(),
                Attribute {
                    kind,
                    default,
                    alias_for,
                },
            ))
        };
        Some(EntitySchema {
            attributes: properties.iter().filter_map(attribute).collect(),
            primary_key: string_list(schema, "primary_key"),
            required: string_list(schema, "required"),
            immutable: string_list(schema, "immutable"),
            computed: string_list(schema, "computed"),
            default_projections: string_list(schema, "default_projections"),
            system_projections: string_list(schema, "system_projections"),
            name,
        })
    };
    all.iter().filter_map(derive).collect()
}
