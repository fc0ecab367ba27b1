//! The entity schemas the sandbox serves for `query_schemas`, and their `schema_hash`.
//!
//! The JSON literals below are the single source of truth: [`schemas`] serves them as they are,
//! and [`entity_schemas`] reads the per-type metadata the store needs out of the same values.
//! Attributes that point at types the sandbox does not serve (appointments, timelogs, custom
//! attributes, thumbnails, projects, ...) are left out, as the protocol notes (§7.1) allow.
//!
//! `schema_hash` must be what ftrack-python-api computes for its schema cache (§11.2):
//! the MD5 of Python's `json.dumps(schemas, sort_keys=True)`, so [`python_json_dumps`]
//! reproduces that text byte for byte.

use md5::{Digest, Md5};
use serde_json::{Number, Value, json};
use std::collections::BTreeMap;
use std::sync::OnceLock;

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
            "project_id": fk("Project"),
            "user_security_role": alias(reference("UserSecurityRole"), "user_role"),
            "user_security_role_id": alias(fk("UserSecurityRole"), "user_role_id"),
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

/// Python 3's `json.dumps(value, sort_keys=True)` with default separators and `ensure_ascii`.
pub fn python_json_dumps(value: &Value) -> String {
    let mut out = String::new();
    write_python(&mut out, value);
    out
}

fn write_python(out: &mut String, value: &Value) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Number(n) => write_number(out, n),
        Value::String(s) => write_string(out, s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_python(out, item);
            }
            out.push(']');
        }
        Value::Object(map) => {
            // UTF-8 byte order equals the code point order Python sorts `str` keys by.
            let mut entries: Vec<_> = map.iter().collect();
            entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
            out.push('{');
            for (i, (key, item)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_string(out, key);
                out.push_str(": ");
                write_python(out, item);
            }
            out.push('}');
        }
    }
}

fn write_number(out: &mut String, n: &Number) {
    if let Some(i) = n.as_i64() {
        out.push_str(&i.to_string());
    } else if let Some(u) = n.as_u64() {
        out.push_str(&u.to_string());
    } else if let Some(f) = n.as_f64() {
        // Without serde_json's `arbitrary_precision`, integers beyond u64 arrive here as floats.
        out.push_str(&python_float_repr(f));
    }
}

/// `ensure_ascii`: printable ASCII stays, everything else becomes `\uXXXX` (UTF-16 units, lowercase).
fn write_string(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            ' '..='~' => out.push(ch),
            _ => {
                let mut units = [0u16; 2];
                for unit in ch.encode_utf16(&mut units) {
                    out.push_str("\\u");
                    for shift in [12, 8, 4, 0] {
                        out.push(char::from(HEX[usize::from((*unit >> shift) & 0xf)]));
                    }
                }
            }
        }
    }
    out.push('"');
}

/// Python's `float.__repr__`: shortest round-trip digits, exponent form below 1e-4 or from 1e16.
fn python_float_repr(f: f64) -> String {
    if f.is_nan() {
        return "NaN".to_owned();
    }
    if f.is_infinite() {
        return if f > 0.0 { "Infinity" } else { "-Infinity" }.to_owned();
    }
    let sign = if f.is_sign_negative() { "-" } else { "" };
    if f == 0.0 {
        return format!("{sign}0.0");
    }
    // Rust's `{:e}` gives shortest round-trip digits too (`1.5e-7`), but breaks ties upwards.
    let sci = format!("{:e}", f.abs());
    let (mantissa, exponent) = sci.split_once('e').unwrap_or((&sci, "0"));
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let q = exponent.parse::<i32>().unwrap_or(0) - (digits.len() as i32 - 1);
    let full = half_even(f.abs(), digits.parse().unwrap_or(0), q).to_string();
    // The value is `full` × 10^q; the decimal point sits `decpt` digits in.
    let decpt = full.len() as i32 + q;
    let digits = full.trim_end_matches('0');
    let ndigits = digits.len() as i32;
    if decpt <= -4 || decpt > 16 {
        let exponent = decpt - 1;
        let exp_sign = if exponent < 0 { '-' } else { '+' };
        let (first, rest) = digits.split_at(1);
        let dot = if rest.is_empty() { "" } else { "." };
        return format!(
            "{sign}{first}{dot}{rest}e{exp_sign}{:02}",
            exponent.unsigned_abs()
        );
    }
    let body = if decpt <= 0 {
        format!("0.{}{digits}", "0".repeat(decpt.unsigned_abs() as usize))
    } else if decpt < ndigits {
        let (int, frac) = digits.split_at(decpt as usize);
        format!("{int}.{frac}")
    } else {
        format!("{digits}{}.0", "0".repeat((decpt - ndigits) as usize))
    };
    format!("{sign}{body}")
}

/// Python's dtoa breaks an exact tie between two shortest candidates towards the even one.
fn half_even(x: f64, d: u64, q: i32) -> u64 {
    let (mant, exp2) = odd_mantissa(x);
    // A midpoint (2·lo + 1) × 10^q / 2 equals mant × 2^exp2 only if exp2 = q - 1.
    let Some(p) = 5u128
        .checked_pow(q.unsigned_abs())
        .filter(|_| exp2 == q - 1)
    else {
        return d;
    };
    for lo in [d.saturating_sub(1), d] {
        let a = u128::from(lo) * 2 + 1;
        let tie = if q >= 0 {
            a.checked_mul(p) == Some(u128::from(mant))
        } else {
            u128::from(mant).checked_mul(p) == Some(a)
        };
        let even = if lo % 2 == 0 { lo } else { lo + 1 };
        if lo > 0 && tie && format!("{even}e{q}").parse::<f64>() == Ok(x) {
            return even;
        }
    }
    d
}

/// `x` (finite, non-zero) as `mant × 2^exp` with `mant` odd.
fn odd_mantissa(x: f64) -> (u64, i32) {
    let bits = x.to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i32;
    let frac = bits & ((1 << 52) - 1);
    let (m, e) = if biased == 0 {
        (frac, -1074)
    } else {
        (frac | 1 << 52, biased - 1075)
    };
    let tz = m.trailing_zeros();
    (m >> tz, e + tz as i32)
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
}

/// Every served entity type's metadata, in [`schemas`] order (computed once).
pub fn entity_schemas() -> &'static [EntitySchema] {
    static ALL: OnceLock<Vec<EntitySchema>> = OnceLock::new();
    ALL.get_or_init(|| derive_entity_schemas(&schemas()))
}

/// The metadata of entity type `name`, if the sandbox serves it.
pub fn entity_schema(name: &str) -> Option<&'static EntitySchema> {
    entity_schemas().iter().find(|s| s.name == name)
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
            Some((attr.clone(), Attribute { kind, default }))
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write as _;
    use std::process::{Command, Stdio};

    /// The types the Python client needs to open a session and manage users and groups.
    const NEEDED: &[&str] = &[
        "User",
        "UserType",
        "Group",
        "Membership",
        "SecurityRole",
        "UserSecurityRole",
        "UserSecurityRoleProject",
        "Resource",
        "Location",
    ];

    /// Runs `python3 -c script` with `stdin` and returns its stdout.
    fn python(script: &str, stdin: &str) -> String {
        let mut child = Command::new("python3")
            .args(["-c", script])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| {
                panic!("python3 is required for this test but could not be started: {e}")
            });
        child
            .stdin
            .take()
            .unwrap()
            .write_all(stdin.as_bytes())
            .unwrap();
        let output = child.wait_with_output().unwrap();
        assert!(
            output.status.success(),
            "python3 failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).unwrap()
    }

    /// Compares two texts, showing where they first differ instead of both in full.
    fn assert_same_text(mine: &str, python: &str) {
        let at = mine
            .bytes()
            .zip(python.bytes())
            .take_while(|(a, b)| a == b)
            .count();
        if at < mine.len().max(python.len()) {
            let near = |t: &str| {
                t.get(at.saturating_sub(40)..(at + 40).min(t.len()))
                    .unwrap_or(t)
                    .to_owned()
            };
            panic!(
                "differs at byte {at}:\n  ours:   {}\n  python: {}",
                near(mine),
                near(python)
            );
        }
    }

    const DUMPS: &str =
        "import json,sys; sys.stdout.write(json.dumps(json.load(sys.stdin), sort_keys=True))";

    fn property<'a>(schema: &'a Value, name: &str) -> &'a Value {
        &schema["properties"][name]
    }

    fn find(name: &str) -> Value {
        schemas()
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["id"] == name)
            .cloned()
            .unwrap()
    }

    #[test]
    fn every_needed_type_is_served_once() {
        let all = schemas();
        let ids: Vec<&str> = all
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["id"].as_str().unwrap())
            .collect();
        for needed in NEEDED {
            assert_eq!(
                ids.iter().filter(|id| *id == needed).count(),
                1,
                "{needed} in {ids:?}"
            );
        }
    }

    #[test]
    fn schemas_are_consistent_for_the_python_client() {
        let all = schemas();
        let ids: Vec<&str> = all
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["id"].as_str().unwrap())
            .collect();
        for schema in all.as_array().unwrap() {
            let name = &schema["id"];
            let props = schema["properties"].as_object().unwrap();
            let pk = schema["primary_key"].as_array().unwrap();
            assert!(!pk.is_empty(), "{name}");
            assert!(
                !schema["default_projections"].as_array().unwrap().is_empty(),
                "{name}"
            );
            for key in [
                "primary_key",
                "required",
                "immutable",
                "computed",
                "default_projections",
                "system_projections",
            ] {
                for attr in schema[key].as_array().into_iter().flatten() {
                    assert!(
                        props.contains_key(attr.as_str().unwrap()),
                        "{name}.{key}: {attr}"
                    );
                }
            }
            assert_eq!(property(schema, "id")["default"], "{uid}", "{name}.id");
            assert_eq!(property(schema, "id")["type"], "string", "{name}.id");
            for (attr, fragment) in props {
                let target = fragment
                    .get("$ref")
                    .or_else(|| fragment["items"].get("$ref"));
                assert!(
                    fragment.get("type").is_some() || target.is_some(),
                    "{name}.{attr} would be dropped"
                );
                if let Some(target) = target {
                    assert!(
                        ids.contains(&target.as_str().unwrap()),
                        "{name}.{attr} points at unserved {target}"
                    );
                }
                if fragment["format"] == "foreign_key" {
                    assert_eq!(fragment["type"], "string", "{name}.{attr}");
                }
            }
        }
    }

    #[test]
    fn defaults_follow_the_server() {
        let user = find("User");
        for (attr, expected) in [
            ("first_name", json!("first")),
            ("last_name", json!("last")),
            ("is_active", json!(false)),
            ("is_otp_enabled", json!(false)),
            ("is_totp_enabled", json!(false)),
            ("require_details_update", json!(false)),
            ("resource_type", json!("user")),
            ("user_type_id", json!(DEFAULT_USER_TYPE_ID)),
        ] {
            assert_eq!(property(&user, attr)["default"], expected, "User.{attr}");
        }
        assert_eq!(user["system_projections"], json!(["resource_type"]));
        let group = find("Group");
        assert_eq!(property(&group, "name")["default"], "");
        assert_eq!(property(&group, "resource_type")["default"], "group");
        assert!(
            group["immutable"]
                .as_array()
                .unwrap()
                .contains(&json!("link"))
        );
    }

    #[test]
    fn entity_schemas_are_derived_from_the_json() {
        assert_eq!(entity_schemas().len(), schemas().as_array().unwrap().len());
        let membership = entity_schema("Membership").unwrap();
        assert_eq!(membership.primary_key, ["id"]);
        assert_eq!(
            membership.attribute("user").unwrap().kind,
            AttributeKind::Reference {
                target: "User".into(),
                foreign_key: Some("user_id".into())
            }
        );
        let kind = |t: &str, a: &str| entity_schema(t).unwrap().attribute(a).unwrap().kind.clone();
        let collection = |target: &str, inverse: &str| AttributeKind::Collection {
            target: target.into(),
            inverse_foreign_key: Some(inverse.into()),
        };
        assert_eq!(
            kind("User", "memberships"),
            collection("Membership", "user_id")
        );
        assert_eq!(
            kind("Group", "memberships"),
            collection("Membership", "group_id")
        );
        assert_eq!(kind("Group", "children"), collection("Group", "parent_id"));
        assert_eq!(
            kind("SecurityRole", "user_security_roles"),
            collection("UserSecurityRole", "security_role_id")
        );
        assert_eq!(
            kind("User", "user_type_id"),
            AttributeKind::Scalar {
                ty: "string".into()
            }
        );
        let user = entity_schema("User").unwrap();
        assert!(user.defaults().any(|(a, d)| a == "id" && d == UID_DEFAULT));
        assert_eq!(user.system_projections, ["resource_type"]);
        assert!(entity_schema("Project").is_none());
    }

    #[test]
    fn schema_hash_matches_python() {
        let all = schemas();
        let input = serde_json::to_string(&all).unwrap();
        assert_same_text(&python_json_dumps(&all), &python(DUMPS, &input));
        let script = "import json,sys,hashlib; print(hashlib.md5(json.dumps(json.load(sys.stdin), sort_keys=True).encode()).hexdigest())";
        assert_eq!(schema_hash(&all), python(script, &input).trim());
        assert_eq!(served_schema_hash(), schema_hash(&all));
    }

    #[test]
    fn serializer_matches_python_byte_for_byte() {
        let value = json!({
            "名前": "山田 太郎", "emoji": "🎬 ok 😀", "quotes": "say \"hi\" / 'yo'", "back\\slash": "a\\b",
            "control": "\u{0}\u{1}\u{8}\u{9}\u{a}\u{b}\u{c}\u{d}\u{1f}\u{7f}\u{80}\u{ff}\u{2028}\u{fffd}",
            "floats": [1.5, 1e-7, 0.1, 1e16, 1e15, 123456789.125, -0.0, 0.0001, 1e-5, 2.5e300, -3.25, 100.0],
            "ints": [0, -1, 9007199254740993_u64, u64::MAX, i64::MIN],
            "nested": {"b": [], "a": {}, "A": [null, true, false, {"z": 1, "y": [1, [2]]}]},
            "": "empty key", "é": 1, "z": 2, "~": 3,
        });
        let input = serde_json::to_string(&value).unwrap();
        assert_same_text(&python_json_dumps(&value), &python(DUMPS, &input));
    }

    #[test]
    fn float_repr_matches_python_for_many_values() {
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut floats: Vec<f64> = vec![
            5e-324,
            f64::MIN_POSITIVE,
            f64::MAX,
            f64::EPSILON,
            0.1 + 0.2,
            1.0 / 3.0,
            9_999_999_999_999_998.0,
            123_456_789_012_345_680.0,
            1_234_567_890_123_456.8,
            9_007_199_254_740_992.0,
            0.5,
            1e22,
            1e-4,
            9.99e-5,
            1_326_347_258_894_865.0 / 8.0,
            5e-5,
            2.5,
        ];
        for _ in 0..3000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let f = f64::from_bits(state);
            // Raw bit patterns, everyday magnitudes, and eighths with 17-18 digits (shortest-digit ties).
            floats.push(match state % 3 {
                0 => f,
                1 => (state % 100_000_000) as f64 / 10f64.powi((state % 23) as i32),
                _ => (state % 10u64.pow(17)) as f64 / 8.0,
            });
        }
        let value = Value::Array(
            floats
                .into_iter()
                .filter_map(Number::from_f64)
                .map(Value::Number)
                .collect(),
        );
        let input = serde_json::to_string(&value).unwrap();
        assert_same_text(&python_json_dumps(&value), &python(DUMPS, &input));
    }
}
