//! Tests of the served schema: the types the Python client needs, their consistency, and
//! hashes and JSON that match Python byte for byte.

use crate::sandbox::schema::*;
use serde_json::Number;
use serde_json::{Value, json};
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
    "Project",
    "CustomAttributeType",
    "CustomAttributeConfiguration",
    "UserCustomAttributeValue",
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
        // Value rows are keyed by their configuration and entity, and have no id.
        if pk == &[json!("id")] {
            assert_eq!(property(schema, "id")["default"], "{uid}", "{name}.id");
            assert_eq!(property(schema, "id")["type"], "string", "{name}.id");
        }
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
    assert_eq!(
        kind("Project", "user_security_role_projects"),
        collection("UserSecurityRoleProject", "project_id")
    );
    assert_eq!(
        kind("User", "user_security_roles"),
        collection("UserSecurityRole", "user_id")
    );
    let grant = entity_schema("UserSecurityRole").unwrap();
    assert_eq!(
        grant
            .same_column("is_all_open_projects")
            .collect::<Vec<_>>(),
        ["is_all_projects"]
    );
    assert_eq!(
        grant.same_column("is_all_projects").collect::<Vec<_>>(),
        ["is_all_open_projects"]
    );
    assert_eq!(grant.same_column("security_role_id").count(), 0);
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
