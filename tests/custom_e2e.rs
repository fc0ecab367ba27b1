//! User custom attributes end to end: the real binary maps directory attributes to ftrack
//! user custom attributes through `[mapping.custom]`, applies them to the sandbox (updates of
//! existing users batched with their other changes, values of new users set once they
//! exist), warns of keys ftrack cannot take, and a second plan finds nothing left to do.

use crate::apply_e2e::World;
use crate::support::sandbox_http::{http, send_as};
use crate::support::{ldap2ftrack, run};
use ldap2ftrack::custom::CustomAttribute;
use ldap2ftrack::model::{FtrackSnapshot, FtrackUser};
use serde_json::Value;

/// Department and title are text attributes in ftrack; employee_id is a number there, and
/// ftrack has no phone attribute. Small batches make users' operations span several.
const CUSTOM: &str = r#"
[ftrack]
batch_size = 7

[mapping.custom]
department = "departmentNumber"
job_title = "title | uppercase"
employee_id = "uid"
phone = "telephoneNumber"
"#;

fn attribute(key: &str, kind: &str) -> CustomAttribute {
    CustomAttribute {
        id: format!("c0ffee00-0000-4000-8000-{:012}", key.len()),
        key: key.into(),
        label: key.replace('_', " "),
        kind: kind.into(),
    }
}

fn user<'a>(ftrack: &'a mut FtrackSnapshot, username: &str) -> &'a mut FtrackUser {
    let found = ftrack
        .users
        .iter_mut()
        .find(|u| u.username.as_str() == username);
    found.unwrap_or_else(|| panic!("{username} is in the demo"))
}

/// The demo studio with three user attributes; aadeyemi's department is in sync, aaziz's is
/// out of date, and admin (protected, not in the directory) has one the tool must not touch.
fn studio() -> World {
    World::with_seed("", CUSTOM, |ftrack: &mut FtrackSnapshot| {
        ftrack.custom_attributes = vec![
            attribute("department", "text"),
            attribute("job_title", "text"),
            attribute("employee_id", "number"),
        ];
        let set = |ftrack: &mut FtrackSnapshot, who: &str, value: &str| {
            let custom = &mut user(ftrack, who).custom;
            custom.insert("department".into(), value.into());
        };
        set(ftrack, "aadeyemi", "layout");
        set(ftrack, "aaziz", "old lighting");
        set(ftrack, "admin", "management");
    })
}

/// The values of a plan item's ftrack user: by id when it had one, else by its username.
fn values_of<'a>(
    ftrack: &'a FtrackSnapshot,
    item: &Value,
) -> &'a std::collections::BTreeMap<String, String> {
    let found = match item["ftrack"]["id"].as_str() {
        Some(id) => ftrack.users.iter().find(|u| u.id.as_str() == id),
        None => {
            let username = item["username"].as_str().unwrap();
            ftrack
                .users
                .iter()
                .find(|u| u.username.as_str() == username)
        }
    };
    &found
        .unwrap_or_else(|| panic!("{} is in ftrack", item["username"]))
        .custom
}

fn item<'p>(plan: &'p Value, username: &str) -> &'p Value {
    let items = plan["items"].as_array().unwrap();
    let found = items.iter().find(|i| i["username"] == username);
    found.unwrap_or_else(|| panic!("{username} in the plan"))
}

#[test]
fn directory_values_reach_ftrack_and_a_second_plan_has_nothing_left() {
    let world = studio();
    let plan = world.plan_json();
    let warnings: Vec<&str> = plan["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap())
        .collect();
    assert!(
        warnings
            .iter()
            .any(|w| w
                .starts_with("custom attribute \"employee_id\": its type in ftrack is \"number\""))
            && warnings.iter().any(|w| w
                .starts_with("custom attribute \"phone\": ftrack has no user custom attribute")),
        "{warnings:?}"
    );
    assert!(
        item(&plan, "aadeyemi")["custom"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["key"] != "department")
    );
    assert_eq!(
        item(&plan, "aaziz")["custom"][0],
        serde_json::json!({"key": "department", "from": "old lighting", "to": "lighting"})
    );
    assert_eq!(item(&plan, "hedwards")["action"], "create");
    let out = run(world.cmd("apply").arg("--auto-approve"));
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    let ftrack = world.ftrack();
    let mut checked = 0;
    for item in plan["items"].as_array().unwrap() {
        let Some(changes) = item["custom"].as_array() else {
            continue;
        };
        let values = values_of(&ftrack, item);
        for change in changes {
            let key = change["key"].as_str().unwrap();
            assert_eq!(
                values.get(key).map(String::as_str),
                change["to"].as_str(),
                "{item}"
            );
            checked += 1;
        }
        assert!(!values.contains_key("employee_id"), "never written: {item}");
    }
    assert!(checked > 100, "only {checked} values checked");
    let admin = ftrack
        .users
        .iter()
        .find(|u| u.username.as_str() == "admin")
        .unwrap();
    assert_eq!(admin.custom["department"], "management");
    let hedwards = ftrack
        .users
        .iter()
        .find(|u| u.username.as_str() == "hedwards")
        .unwrap();
    assert_eq!(hedwards.custom["job_title"], "FX ARTIST");
    let again = world.plan_json();
    let left: Vec<&Value> = again["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["custom"].is_array() || i["action"] == "update" || i["action"] == "create")
        .collect();
    assert!(left.is_empty(), "{left:#?}");
}

#[test]
fn check_names_each_key_ftrack_cannot_take_with_its_line() {
    let world = studio();
    let mut cmd = ldap2ftrack(&world.path(""));
    cmd.env("FTRACK_SERVER", world.url())
        .env("FTRACK_API_USER", "ldap2ftrack")
        .env("FTRACK_API_KEY", crate::apply_e2e::API_KEY)
        .env("LDAP2FTRACK_STATE_DIR", world.path("state"))
        .args(["-c", "config.toml", "check"]);
    let out = run(&mut cmd);
    assert_eq!(out.code, 78, "{}\n{}", out.stdout, out.stderr);
    let failed: Vec<&str> = out
        .stdout
        .lines()
        .filter(|l| l.starts_with("custom   FAILED: "))
        .collect();
    assert_eq!(failed.len(), 2, "{}", out.stdout);
    assert!(
        failed[0].contains("config.toml:")
            && failed[0].contains(": mapping.custom.employee_id: its type in ftrack is \"number\""),
        "{failed:?}"
    );
    assert!(
        failed[1].contains("mapping.custom.phone: ftrack has no user custom attribute"),
        "{failed:?}"
    );
}

#[test]
fn the_plan_and_its_reports_list_custom_changes_like_field_changes() {
    let world = studio();
    let out = run(&mut world.cmd("plan"));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let aaziz = out
        .stdout
        .split("\n~ aaziz")
        .nth(1)
        .expect("aaziz is updated");
    assert!(
        aaziz.contains("\n    custom department: \"old lighting\" -> \"lighting\"\n"),
        "{aaziz}"
    );
    let hedwards = out
        .stdout
        .split("\n+ hedwards")
        .nth(1)
        .expect("hedwards is created");
    assert!(
        hedwards.contains("\n    custom job_title: (none) -> \"FX ARTIST\"\n"),
        "{hedwards}"
    );
    for (file, line) in [
        ("plan.csv", "custom department: old lighting -> lighting"),
        ("plan.md", "custom department: old lighting → lighting"),
        ("plan.html", "custom department: old lighting → lighting"),
    ] {
        let out = run(world.cmd("plan").args(["--report", file]));
        assert_eq!(out.code, 0, "{}", out.stderr);
        let report = std::fs::read_to_string(world.path(file)).unwrap();
        assert!(report.contains(line), "{file}: {report}");
    }
    let out = run(world.cmd("plan").args(["--report", "plan.json"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(world.path("plan.json")).unwrap()).unwrap();
    let rows = report["rows"].as_array().unwrap();
    let row = rows.iter().find(|r| r["username"] == "aaziz").unwrap();
    assert_eq!(row["custom"][0]["to"], "lighting");
}

#[test]
fn a_value_ftrack_can_no_longer_take_fails_its_new_user_and_says_why() {
    // Only hedwards, a new user, has a badge in the directory.
    let world = World::with_seed(
        "",
        "[mapping.custom]\nbadge = \"employeeNumber\"\n",
        |ftrack| {
            ftrack.custom_attributes = vec![attribute("badge", "text")];
        },
    );
    let ldif = std::fs::read_to_string(world.path("people.ldif")).unwrap();
    let entry = "dn: uid=hedwards,ou=people,dc=northlight,dc=example\n";
    assert!(ldif.contains(entry));
    let with_badge = ldif.replace(entry, &format!("{entry}employeeNumber: 4711\n"));
    std::fs::write(world.path("people.ldif"), with_badge).unwrap();
    let saved = run(world.cmd("plan").args(["--out", "plan.json"]));
    assert_eq!(saved.code, 0, "{}", saved.stderr);
    // An admin deletes the attribute (and with it every user's value) after the plan was made.
    let badge = attribute("badge", "text").id;
    let delete = serde_json::json!([{"action": "delete",
        "entity_type": "CustomAttributeConfiguration", "entity_key": [badge]}]);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let request = http().post(format!("{}/api", world.url())).json(&delete);
    let answer = runtime.block_on(send_as(request, "ldap2ftrack", crate::apply_e2e::API_KEY));
    assert_eq!(answer[0]["data"], true, "{answer}");
    let out = run(world
        .bare("apply")
        .args(["plan.json", "--outcome", "outcome.json"]));
    assert_eq!(out.code, 3, "{}\n{}", out.stdout, out.stderr);
    let outcome: Value =
        serde_json::from_str(&std::fs::read_to_string(world.path("outcome.json")).unwrap())
            .unwrap();
    let failed: Vec<(&str, &Value)> = outcome["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["status"]["status"] == "failed")
        .map(|o| {
            (
                o["item"]["username"].as_str().unwrap(),
                &o["status"]["error"],
            )
        })
        .collect();
    let why = "created, but its custom attributes were not set: ftrack has no user custom \
               attribute \"badge\" of type text";
    assert_eq!(failed, [("hedwards", &Value::from(why))]);
    assert!(out.stderr.contains(why), "{}", out.stderr);
    let ftrack = world.ftrack();
    assert!(
        ftrack
            .users
            .iter()
            .any(|u| u.username.as_str() == "hedwards"),
        "created"
    );
}
