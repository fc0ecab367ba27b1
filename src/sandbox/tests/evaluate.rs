//! Tests of query evaluation against the sandbox store.

use crate::ftrack::wire::{EntityKey, Operation};
use crate::sandbox::compare::like;
use crate::sandbox::dispatch::execute_reads;
use crate::sandbox::evaluate::*;
use crate::sandbox::normalise::{Form, normalise};
use crate::sandbox::query::parse_query;
use crate::sandbox::request::Request;
use crate::sandbox::store::Store;
use crate::sandbox::store::Write;
use serde_json::Value;
use serde_json::json;

fn create(entity_type: &str, data: Value) -> Write {
    let Value::Object(data) = data else {
        panic!("not an object")
    };
    Write::Create {
        entity_type: entity_type.into(),
        key: None::<EntityKey>,
        data,
    }
}

/// Three users, two groups; ann and bob are in FX, ann also in Lighting; cy is inactive.
fn studio() -> Store {
    let mut store = Store::new();
    let mut n = 0;
    let mut new_id = move || {
        n += 1;
        format!("gen-{n}")
    };
    let writes = [
        create(
            "User",
            json!({"id": "u1", "username": "ann", "first_name": "Ann", "email": "ann@x.example", "is_active": true}),
        ),
        create(
            "User",
            json!({"id": "u2", "username": "bob", "first_name": "Bob", "is_active": true}),
        ),
        create(
            "User",
            json!({"id": "u3", "username": r#"o"b\x limit 5"#, "first_name": "山田", "is_active": false}),
        ),
        create("Group", json!({"id": "g1", "name": "FX", "local": false})),
        create(
            "Group",
            json!({"id": "g2", "name": "Lighting", "local": false}),
        ),
        create(
            "Membership",
            json!({"id": "m1", "user_id": "u1", "group_id": "g1"}),
        ),
        create(
            "Membership",
            json!({"id": "m2", "user_id": "u2", "group_id": "g1"}),
        ),
        create(
            "Membership",
            json!({"id": "m3", "user_id": "u1", "group_id": "g2"}),
        ),
    ];
    store.apply(&writes, &mut new_id).expect("studio builds");
    store
}

fn run(store: &Store, text: &str) -> Page {
    let query = parse_query(text).unwrap_or_else(|e| panic!("{text}: {e}"));
    Evaluator::new(store)
        .run(&query)
        .unwrap_or_else(|e| panic!("{text}: {e}"))
}

fn usernames(page: &Page) -> Vec<String> {
    page.data
        .iter()
        .map(|e| e["username"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn filters_with_every_comparison() {
    let store = studio();
    let cases = [
        (
            r#"select username from User where username is "ann""#,
            vec!["ann"],
        ),
        (
            "select username from User where is_active is true",
            vec!["ann", "bob"],
        ),
        (
            "select username from User where is_active is False",
            vec![r#"o"b\x limit 5"#],
        ),
        (
            "select username from User where email is none",
            vec!["bob", r#"o"b\x limit 5"#],
        ),
        (
            "select username from User where email is_not none",
            vec!["ann"],
        ),
        (
            r#"select username from User where username like "A%""#,
            vec!["ann"],
        ),
        (
            r#"select username from User where username not_like "%n%""#,
            vec!["bob", r#"o"b\x limit 5"#],
        ),
        (
            r#"select username from User where username in ("ann", 'bob')"#,
            vec!["ann", "bob"],
        ),
        (
            r#"select username from User where username not_in ("ann")"#,
            vec!["bob", r#"o"b\x limit 5"#],
        ),
        (
            r#"select username from User where username is "o\"b\\x limit 5""#,
            vec![r#"o"b\x limit 5"#],
        ),
        (
            r#"select username from User where first_name is "山田""#,
            vec![r#"o"b\x limit 5"#],
        ),
        ("select username from User where id is u2", vec!["bob"]),
        (
            r#"select username from User where not (username is "ann" or username is "bob")"#,
            vec![r#"o"b\x limit 5"#],
        ),
    ];
    for (text, expected) in cases {
        assert_eq!(usernames(&run(&store, text)), expected, "{text}");
    }
}

#[test]
fn conditions_follow_relations() {
    let store = studio();
    let cases = [
        (
            r#"select username from User where memberships any (group.name is "Lighting")"#,
            vec!["ann"],
        ),
        (
            r#"select username from User where memberships.group.name is "FX""#,
            vec!["ann", "bob"],
        ),
        (
            "select username from User where not memberships any ()",
            vec![r#"o"b\x limit 5"#],
        ),
        (
            r#"select username from User where id in (select user_id from Membership where group.name is "FX")"#,
            vec!["ann", "bob"],
        ),
    ];
    for (text, expected) in cases {
        assert_eq!(usernames(&run(&store, text)), expected, "{text}");
    }
    let members = run(
        &store,
        r#"select user.username from Membership where group has (name is "FX")"#,
    );
    let names: Vec<&str> = members
        .data
        .iter()
        .map(|m| m["user"]["username"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["ann", "bob"]);
}

#[test]
fn pages_order_and_report_the_next_offset() {
    let store = studio();
    let first = run(
        &store,
        "select username from User order by username descending offset 0 limit 2",
    );
    assert_eq!(usernames(&first), [r#"o"b\x limit 5"#, "bob"]);
    assert_eq!(first.next_offset, Some(2));
    let last = run(
        &store,
        "select username from User order by username descending offset 2 limit 2",
    );
    assert_eq!(usernames(&last), ["ann"]);
    assert_eq!(last.next_offset, None);
    let beyond = run(&store, "select username from User offset 10 limit 5");
    assert!(beyond.data.is_empty());
    assert_eq!(beyond.next_offset, None);
}

#[test]
fn later_pages_see_writes_made_between_pages() {
    let mut store = studio();
    let page = "select username from User order by username offset 1 limit 1";
    assert_eq!(usernames(&run(&store, page)), ["bob"]);
    // The memoised order of the first read must not hide a user created since.
    let mut new_id = || "gen-x".to_string();
    store
        .apply(
            &[create(
                "User",
                json!({"id": "u0", "username": "aaron", "is_active": true}),
            )],
            &mut new_id,
        )
        .expect("aaron is created");
    assert_eq!(usernames(&run(&store, page)), ["ann"]);
    // A different filter over the same rows is not served from the memo either.
    let filtered =
        "select username from User where is_active is true order by username offset 1 limit 1";
    assert_eq!(usernames(&run(&store, filtered)), ["ann"]);
    let inactive =
        "select username from User where is_active is false order by username offset 0 limit 1";
    assert_eq!(usernames(&run(&store, inactive)), [r#"o"b\x limit 5"#]);
}

#[test]
fn projections_nest_relations_and_add_system_attributes() {
    let store = studio();
    let page = run(
        &store,
        r#"select username, memberships.group.name from User where username is "ann""#,
    );
    let ann = &page.data[0];
    assert_eq!(ann["__entity_type__"], "User");
    assert_eq!(ann["id"], "u1");
    assert_eq!(ann["resource_type"], "user");
    let groups: Vec<&str> = ann["memberships"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["group"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(groups, ["FX", "Lighting"]);
    assert_eq!(ann["memberships"][0]["__entity_type__"], "Membership");
    let plain = run(&store, "User where id is u2");
    assert_eq!(
        plain.data[0],
        json!({"__entity_type__": "User", "id": "u2", "resource_type": "user"})
    );
}

/// A single query's answer normalised as it is projected equals the full answer normalised
/// afterwards, whether or not an entity type is projected at two places.
#[test]
fn answers_normalised_while_projected_equal_answers_normalised_after() {
    let store = studio();
    let queries = [
        "select username, memberships.group.name from User order by id",
        "select id, username, memberships.group.name, user_type.name from User order by id offset 1 limit 2",
        "select name, memberships.user.username from Group order by name",
        "select username, memberships.group.memberships.user.username from User order by id",
        "select group.name, user.username from Membership order by id",
        "Membership",
    ];
    let mut shared = 0;
    for text in queries {
        let query = parse_query(text).unwrap();
        let evaluator = Evaluator::new(&store);
        let mut after = evaluator.run(&query).unwrap();
        let whole = after.data.clone();
        normalise(&mut after.data);
        let during = evaluator.run_in(&query, Form::Normalised).unwrap();
        assert_eq!(during, after, "{text}");
        shared += usize::from(after.data != whole);
    }
    assert_eq!(
        shared, 5,
        "every query but the last shares entities between rows"
    );
}

#[test]
fn unknown_attributes_and_types_are_errors() {
    let store = studio();
    for text in [
        "select nope from User",
        "select id from User where nope is 1",
        "select id from Spaceship",
        "select username.x from User",
    ] {
        let query = parse_query(text).unwrap();
        assert_eq!(
            Evaluator::new(&store).run(&query).unwrap_err().exception,
            "ValidationError",
            "{text}"
        );
    }
}

#[test]
fn like_patterns() {
    assert!(like("Jane Doe", "%doe"));
    assert!(like("jdoe", "j_oe"));
    assert!(!like("jdoe", "j_e"));
    assert!(like("a%b", "a%"));
    assert!(like("", "%"));
    assert!(!like("x", ""));
}

/// Requests that only read may share the store; one write among them sends the request to the
/// store alone, and nothing of it runs on the shared one.
#[test]
fn only_requests_that_only_read_run_on_the_shared_store() {
    let store = studio();
    let query = Request::Wire(Operation::Query {
        expression: "select username from User order by id".into(),
    });
    let information = Request::Wire(Operation::QueryServerInformation { values: None });
    let results = execute_reads(&store, &[query.clone(), information], Form::Normalised)
        .expect("reads only")
        .expect("the reads run");
    assert_eq!(results[0]["data"][0]["username"], "ann");
    assert!(results[1]["version"].is_string(), "{}", results[1]);
    let delete = Request::Wire(Operation::Delete {
        entity_type: "User".into(),
        entity_key: EntityKey::List(vec!["u2".into()]),
    });
    assert!(execute_reads(&store, &[query, delete], Form::Normalised).is_none());
    assert_eq!(run(&store, "User").data.len(), 3, "nothing was deleted");
}
