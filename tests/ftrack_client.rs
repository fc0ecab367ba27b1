//! The ftrack client against the sandbox over real HTTP.

use crate::support::sandbox_http::{http, send_as};
use ldap2ftrack::ftrack::batch::{OnDuplicate, OperationOutcome, write_in_batches};
use ldap2ftrack::ftrack::client::{FtrackClient, RetryPolicy};
use ldap2ftrack::ftrack::error::FtrackError;
use ldap2ftrack::ftrack::query::Select;
use ldap2ftrack::ftrack::read::read_snapshot;
use ldap2ftrack::ftrack::snapshot::read_snapshot as read_snapshot_file;
use ldap2ftrack::ftrack::wire::Operation;
use ldap2ftrack::model::{FtrackSnapshot, FtrackUser};
use ldap2ftrack::sandbox::faults::Faults;
use ldap2ftrack::sandbox::seed::seed;
use ldap2ftrack::sandbox::server::{Credentials, RunningSandbox, start};
use ldap2ftrack::sandbox::store::Store;
use secrecy::SecretString;
use std::time::Duration;

pub(crate) async fn sandbox_with(snapshot: &FtrackSnapshot, faults: Faults) -> RunningSandbox {
    let mut store = Store::new();
    seed(&mut store, snapshot).expect("seed loads");
    let credentials = Credentials {
        api_user: "api".into(),
        api_key: "key".into(),
    };
    start("127.0.0.1:0".parse().unwrap(), credentials, store, faults)
        .await
        .expect("sandbox starts")
}

pub(crate) fn client(url: &str, key: &str) -> FtrackClient {
    FtrackClient::new(
        url,
        "api",
        SecretString::from(key.to_string()),
        Duration::from_secs(10),
    )
    .unwrap()
}

/// An active user with no names, email, groups or type.
fn bare_user(id: String, username: String) -> FtrackUser {
    FtrackUser {
        id: id.into(),
        username: username.into(),
        is_active: true,
        ..FtrackUser::default()
    }
}

fn sorted(mut snapshot: FtrackSnapshot) -> FtrackSnapshot {
    snapshot.users.sort_by(|a, b| a.id.cmp(&b.id));
    snapshot.groups.sort_by(|a, b| a.id.cmp(&b.id));
    for user in &mut snapshot.users {
        user.groups.sort();
    }
    snapshot
}

#[tokio::test]
async fn reads_back_exactly_what_the_server_holds() {
    let mut demo = read_snapshot_file(&crate::support::asset("assets/demo/ftrack.json")).unwrap();
    // Every user has a type on the server: the default one unless the snapshot names another.
    for user in &mut demo.users {
        user.user_type.get_or_insert_with(|| "user".to_string());
    }
    demo.users[0].user_type = Some("service".to_string());
    let sandbox = sandbox_with(&demo, Faults::default()).await;
    let mut read = read_snapshot(&client(&sandbox.url, "key")).await.unwrap();
    // The sandbox added its API user, as a real server has one.
    let api = read
        .users
        .iter()
        .position(|u| u.username == "api")
        .expect("the API user");
    assert!(read.users.remove(api).is_active);
    assert_eq!(sorted(read), sorted(demo));
    sandbox.stop().await;
}

#[tokio::test]
async fn follows_paging_across_many_pages() {
    let users: Vec<FtrackUser> = (0..2500)
        .map(|n| FtrackUser {
            id: format!("{n:08}").into(),
            username: format!("user{n}").into(),
            first_name: "F".into(),
            last_name: "L".into(),
            email: None,
            is_active: n % 7 != 0,
            groups: if n % 3 == 0 {
                vec!["FX".into()]
            } else {
                Vec::new()
            },
            user_type: None,
            ..Default::default()
        })
        .collect();
    let snapshot = FtrackSnapshot {
        users,
        groups: Vec::new(),
        ..Default::default()
    };
    let sandbox = sandbox_with(&snapshot, Faults::default()).await;
    // One page at a time, so that no page is asked for past the end.
    let client = client(&sandbox.url, "key").with_concurrency(1);
    let read = read_snapshot(&client).await.unwrap();
    assert_eq!(read.users.len(), 2500 + 1, "and the API user");
    assert_eq!(
        read.users.iter().filter(|u| u.groups == ["FX"]).count(),
        834
    );
    let stats: serde_json::Value = counters(&sandbox).await;
    assert_eq!(
        stats["operations"]["query"], 4,
        "one group page and three user pages: {stats}"
    );
    sandbox.stop().await;
}

#[tokio::test]
async fn adversarial_usernames_are_found_through_the_escaper() {
    let names = [r#"o"b\x"#, "team limit 5 offset 2", "山田🎬", r"ends\"];
    let users = names
        .iter()
        .enumerate()
        .map(|(n, name)| bare_user(format!("u{n}"), name.to_string()))
        .collect();
    let sandbox = sandbox_with(
        &FtrackSnapshot {
            users,
            groups: Vec::new(),
            ..Default::default()
        },
        Faults::default(),
    )
    .await;
    let client = client(&sandbox.url, "key");
    for name in names {
        let expression = Select::new("User", &["username"])
            .where_is("username", name)
            .page(0, 10);
        let results = client
            .call(&[Operation::Query { expression }])
            .await
            .unwrap();
        let rows = results[0]["data"].as_array().unwrap();
        assert_eq!(rows.len(), 1, "{name}");
        assert_eq!(rows[0]["username"], name);
    }
    sandbox.stop().await;
}

#[tokio::test]
async fn failures_come_back_typed() {
    let sandbox = sandbox_with(&FtrackSnapshot::default(), Faults::default()).await;
    let wrong_key = client(&sandbox.url, "nope")
        .call(&[Operation::QuerySchemas])
        .await
        .unwrap_err();
    assert!(
        matches!(wrong_key, FtrackError::Auth { .. }),
        "{wrong_key:?}"
    );
    assert!(!wrong_key.is_retryable());
    assert!(
        !wrong_key.to_string().contains("nope"),
        "the key never appears in messages"
    );
    let bad_query = client(&sandbox.url, "key")
        .call(&[Operation::Query {
            expression: "select nope from User".into(),
        }])
        .await
        .unwrap_err();
    assert!(
        matches!(bad_query, FtrackError::Validation { .. }),
        "{bad_query:?}"
    );
    let url = sandbox.url.clone();
    sandbox.stop().await;
    let down = client(&url, "key")
        .call(&[Operation::QuerySchemas])
        .await
        .unwrap_err();
    assert!(
        matches!(down, FtrackError::Transport { .. }) && down.is_retryable(),
        "{down:?}"
    );
}

#[tokio::test]
async fn overload_answers_are_retryable_with_their_retry_after() {
    let faults = Faults {
        error_rate: 1.0,
        error_status: Some(429),
        retry_after: Some(7),
        ..Faults::default()
    };
    let sandbox = sandbox_with(&FtrackSnapshot::default(), faults).await;
    let error = client(&sandbox.url, "key")
        .call(&[Operation::QuerySchemas])
        .await
        .unwrap_err();
    assert_eq!(
        error,
        FtrackError::Status {
            status: 429,
            retry_after: Some(Duration::from_secs(7))
        }
    );
    assert!(error.is_retryable());
    sandbox.stop().await;
}

#[tokio::test]
async fn transient_failures_are_retried_until_they_pass_or_attempts_run_out() {
    let quick = RetryPolicy {
        attempts: 8,
        base_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(5),
    };
    let flaky = Faults {
        error_rate: 0.4,
        drop_rate: 0.1,
        retry_after: Some(0),
        seed: 11,
        ..Faults::default()
    };
    let sandbox = sandbox_with(&FtrackSnapshot::default(), flaky).await;
    let client = client(&sandbox.url, "key");
    for _ in 0..20 {
        client
            .call_with_retry(&[Operation::QuerySchemas], quick)
            .await
            .expect("retries get through");
    }
    let stats: serde_json::Value = counters(&sandbox).await;
    assert!(stats["errors_injected"].as_u64().unwrap() > 0, "{stats}");
    assert_eq!(
        stats["operations"]["query_schemas"], 20,
        "each call succeeded once: {stats}"
    );
    sandbox.stop().await;

    let down = Faults {
        error_rate: 1.0,
        ..Faults::default()
    };
    let sandbox = sandbox_with(&FtrackSnapshot::default(), down).await;
    let three = RetryPolicy {
        attempts: 3,
        ..quick
    };
    let told = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let heard = std::sync::Arc::clone(&told);
    let observed = client_for(&sandbox.url).with_retry_observer(Box::new(move |attempt, why| {
        heard.lock().unwrap().push((attempt, why.to_string()));
    }));
    let error = observed
        .call_with_retry(&[Operation::QuerySchemas], three)
        .await
        .unwrap_err();
    let told = told.lock().unwrap().clone();
    assert_eq!(
        told.iter().map(|(a, _)| *a).collect::<Vec<_>>(),
        [2, 3],
        "each retry is told, with the attempt about to start"
    );
    assert!(told[0].1.contains("503"), "{told:?}");
    assert!(
        matches!(error, FtrackError::Status { status: 503, .. }),
        "{error:?}"
    );
    let stats: serde_json::Value = counters(&sandbox).await;
    assert_eq!(stats["requests"], 3);
    sandbox.stop().await;

    let sandbox = sandbox_with(&FtrackSnapshot::default(), Faults::default()).await;
    let refused = FtrackClient::new(
        &sandbox.url,
        "api",
        SecretString::from("bad".to_string()),
        Duration::from_secs(5),
    )
    .unwrap();
    assert!(matches!(
        refused
            .call_with_retry(&[Operation::QuerySchemas], quick)
            .await,
        Err(FtrackError::Auth { .. })
    ));
    let stats: serde_json::Value = counters(&sandbox).await;
    assert_eq!(stats["requests"], 1, "a refused key is not retried");
    sandbox.stop().await;
}

/// Two tries, a millisecond apart.
const TWO_QUICK_TRIES: RetryPolicy = RetryPolicy {
    attempts: 2,
    base_delay: Duration::from_millis(1),
    max_delay: Duration::from_millis(1),
};

/// Writes `operation` as a batch of its own, retried as [`TWO_QUICK_TRIES`].
async fn write_alone(client: &FtrackClient, operation: Operation) -> Vec<OperationOutcome> {
    write_in_batches(
        client,
        &[operation],
        100,
        TWO_QUICK_TRIES,
        OnDuplicate::Split,
    )
    .await
}

fn create_user(id: &str, username: &str) -> Operation {
    let data = serde_json::json!({"__entity_type__": "User", "id": id, "username": username, "is_active": true});
    let serde_json::Value::Object(entity_data) = data else {
        unreachable!()
    };
    Operation::Create {
        entity_type: "User".into(),
        entity_key: None,
        entity_data,
    }
}

#[tokio::test]
async fn batches_isolate_refused_operations_and_apply_the_rest() {
    let existing = FtrackSnapshot {
        users: vec![bare_user("taken-id".into(), "taken".into())],
        groups: Vec::new(),
        ..Default::default()
    };
    let sandbox = sandbox_with(&existing, Faults::default()).await;
    let client = client_for(&sandbox.url);
    let mut operations: Vec<Operation> = (0..250)
        .map(|n| create_user(&format!("id-{n}"), &format!("new{n}")))
        .collect();
    operations[37] = create_user("id-37", "taken");
    operations[180] = create_user("id-180", "new0");
    let outcomes = write_in_batches(
        &client,
        &operations,
        100,
        TWO_QUICK_TRIES,
        OnDuplicate::Split,
    )
    .await;
    assert_eq!(outcomes.len(), 250);
    let failed: Vec<usize> = outcomes
        .iter()
        .enumerate()
        .filter(|(_, o)| o.is_err())
        .map(|(i, _)| i)
        .collect();
    assert_eq!(failed, [37, 180]);
    assert!(matches!(&outcomes[37], Err(FtrackError::Validation { .. })));
    let state = sandbox.store();
    assert_eq!(
        state.rows("User").count(),
        2 + 248,
        "taken, the API user, the new"
    );
    let stats: serde_json::Value = counters(&sandbox).await;
    assert!(
        stats["requests"].as_u64().unwrap() < 40,
        "halving needs few requests: {stats}"
    );
    sandbox.stop().await;
}

#[tokio::test]
async fn a_create_that_landed_before_a_dropped_connection_is_not_duplicated() {
    let sandbox = sandbox_with(&FtrackSnapshot::default(), Faults::default()).await;
    let client = client_for(&sandbox.url);
    let first = write_alone(&client, create_user("fixed-id", "ann")).await;
    assert!(first[0].is_ok());
    // The same request again, as a retry after a lost answer would send it.
    let again = write_alone(&client, create_user("fixed-id", "ann")).await;
    assert_eq!(
        again[0].as_ref().unwrap()["id"],
        "fixed-id",
        "recognised as already created: {again:?}"
    );
    assert_eq!(
        sandbox.store().rows("User").count(),
        1 + 1,
        "ann and the API user"
    );
    let different = write_alone(&client, create_user("fixed-id", "bob")).await;
    assert!(
        different[0].is_err(),
        "an id holding other data is a real conflict: {different:?}"
    );
    sandbox.stop().await;
}

fn client_for(url: &str) -> FtrackClient {
    client(url, "key")
}

/// The sandbox's request and operation counters.
pub(crate) async fn counters(sandbox: &RunningSandbox) -> serde_json::Value {
    send_as(
        http().get(format!("{}/sandbox/stats", sandbox.url)),
        "api",
        "key",
    )
    .await
}

/// A server on 127.0.0.1 that answers one request with `response` (raw HTTP) and returns what
/// it was sent.
fn answer_once(response: Vec<u8>) -> (String, std::thread::JoinHandle<String>) {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let served = std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        let mut request = Vec::new();
        let mut buffer = [0u8; 4096];
        // The head and the JSON body of one small request.
        while !String::from_utf8_lossy(&request).contains("\r\n\r\n[") {
            let n = stream.read(&mut buffer).unwrap();
            if n == 0 {
                break;
            }
            request.extend_from_slice(&buffer[..n]);
        }
        let _ = stream.write_all(&response);
        String::from_utf8_lossy(&request).into_owned()
    });
    (url, served)
}

#[tokio::test]
async fn the_api_key_never_follows_a_redirect() {
    let elsewhere = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let target = format!("http://{}/api", elsewhere.local_addr().unwrap());
    let (url, served) = answer_once(
        format!("HTTP/1.1 307 Temporary Redirect\r\nLocation: {target}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            .into_bytes(),
    );
    let error = client(&url, "secret-key-1")
        .call(&[Operation::QuerySchemas])
        .await
        .unwrap_err();
    assert!(
        matches!(&error, FtrackError::Redirect { status: 307, location, .. } if *location == target),
        "{error:?}"
    );
    let message = error.to_string();
    assert!(message.contains("set [ftrack] server"), "{message}");
    assert!(!message.contains("secret-key-1"));
    assert!(
        served.join().unwrap().contains("ftrack-api-key"),
        "asked the first server only"
    );
    // The call has returned: a followed redirect would have connected by now.
    elsewhere.set_nonblocking(true).unwrap();
    assert!(
        elsewhere.accept().is_err(),
        "nothing was sent to where the redirect pointed"
    );
}

#[tokio::test]
async fn a_response_larger_than_the_cap_is_refused_without_reading_it_all() {
    // Announced too large.
    let (url, served) = answer_once(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 5000\r\nConnection: close\r\n\r\n".to_vec(),
    );
    let error = client(&url, "key")
        .with_max_response(1024)
        .call(&[Operation::QuerySchemas])
        .await
        .unwrap_err();
    assert!(
        matches!(error, FtrackError::TooLarge { limit: 1024, .. }),
        "{error:?}"
    );
    served.join().unwrap();
    // Not announced: sent in chunks until it passes the cap.
    let mut chunked = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n".to_vec();
    for _ in 0..3 {
        chunked.extend_from_slice(format!("{:x}\r\n{}\r\n", 600, " ".repeat(600)).as_bytes());
    }
    chunked.extend_from_slice(b"0\r\n\r\n");
    let (url, served) = answer_once(chunked);
    let error = client(&url, "key")
        .with_max_response(1024)
        .call(&[Operation::QuerySchemas])
        .await
        .unwrap_err();
    assert!(matches!(error, FtrackError::TooLarge { .. }), "{error:?}");
    assert!(error.to_string().contains("max_response_mb"));
    served.join().unwrap();
}

/// 1,200 users holding roles (more than a page of role rows), some on named projects.
fn studio_with_roles() -> FtrackSnapshot {
    use ldap2ftrack::access::{Project, RoleScope, UserRole};
    let projects = ["SHOW", "VAULT"].map(|name| Project {
        id: format!("p-{name}"),
        name: name.into(),
        full_name: name.into(),
        is_private: name == "VAULT",
    });
    let users = (0..1200)
        .map(|n| {
            let mut user = bare_user(format!("u{n:04}"), format!("user{n}"));
            user.roles = vec![UserRole {
                role: "User".into(),
                scope: if n % 3 == 0 {
                    RoleScope::Projects(["SHOW".to_string(), "VAULT".to_string()].into())
                } else {
                    RoleScope::AllOpenProjects
                },
            }];
            if n % 100 == 0 {
                user.roles.push(UserRole {
                    role: "Project Manager".into(),
                    scope: RoleScope::AllOpenProjects,
                });
            }
            user
        })
        .collect();
    FtrackSnapshot {
        users,
        projects: projects.into(),
        ..FtrackSnapshot::default()
    }
}

fn by_role(roles: &[ldap2ftrack::access::UserRole]) -> Vec<ldap2ftrack::access::UserRole> {
    let mut roles = roles.to_vec();
    roles.sort_by(|a, b| a.role.cmp(&b.role));
    roles
}

#[tokio::test]
async fn roles_and_project_grants_read_back_as_seeded_in_few_requests() {
    use ldap2ftrack::ftrack::access::{read_access, read_access_of};
    let seeded = studio_with_roles();
    let sandbox = sandbox_with(&seeded, Faults::default()).await;
    let everyone = client(&sandbox.url, "key");
    let access = read_access(&everyone).await.unwrap();
    // Four queries in one request, then the pages beyond the first of the role rows.
    assert!(everyone.requests() <= 4, "{} requests", everyone.requests());
    assert!(access.roles.iter().any(|r| r.name == "Project Manager"));
    assert_eq!(access.projects.len(), 2);
    for user in &seeded.users {
        let read = access.user_roles.get(&user.id).map(|r| by_role(r));
        assert_eq!(read, Some(by_role(&user.roles)), "{}", user.username);
    }
    let some: Vec<_> = seeded
        .users
        .iter()
        .step_by(7)
        .map(|u| u.id.clone())
        .collect();
    let few = client(&sandbox.url, "key");
    let subset = read_access_of(&few, &some).await.unwrap();
    assert_eq!(few.requests(), 2, "roles and holdings, then project grants");
    assert_eq!(subset.user_roles.len(), some.len());
    for id in &some {
        let user = seeded.users.iter().find(|u| &u.id == id).unwrap();
        assert_eq!(by_role(&subset.user_roles[id]), by_role(&user.roles));
    }
    sandbox.stop().await;
}

/// Two users holding "Project Manager", on a sandbox that serves the role removal under
/// `removal`.
async fn removal_sandbox(
    removal: ldap2ftrack::sandbox::access::RemovalAction,
) -> (RunningSandbox, String) {
    use ldap2ftrack::access::{RoleScope, UserRole};
    let manager = UserRole {
        role: "Project Manager".into(),
        scope: RoleScope::AllOpenProjects,
    };
    let users = ["u1", "u2"]
        .map(|id| {
            let mut user = bare_user(id.to_string(), format!("user-{id}"));
            user.roles = vec![manager.clone()];
            user
        })
        .to_vec();
    let mut store = Store::new();
    seed(
        &mut store,
        &FtrackSnapshot {
            users,
            ..FtrackSnapshot::default()
        },
    )
    .unwrap();
    store.set_removal_action(removal);
    let role_id = store
        .rows("SecurityRole")
        .find(|r| r["name"] == "Project Manager")
        .map(|r| r["id"].as_str().unwrap().to_string())
        .unwrap();
    let credentials = Credentials {
        api_user: "api".into(),
        api_key: "key".into(),
    };
    let sandbox = start(
        "127.0.0.1:0".parse().unwrap(),
        credentials,
        store,
        Faults::default(),
    )
    .await
    .unwrap();
    (sandbox, role_id)
}

fn removal(user: &str, role_id: &str) -> Operation {
    Operation::RemoveUserSecurityRole {
        user_id: user.into(),
        role_id: role_id.into(),
    }
}

fn holds_a_role(sandbox: &RunningSandbox, user: &str) -> bool {
    ldap2ftrack::sandbox::seed::snapshot_of(&sandbox.store())
        .users
        .iter()
        .any(|u| u.id.as_str() == user && !u.roles.is_empty())
}

#[tokio::test]
async fn a_server_naming_the_removal_revoke_is_learned_once_and_remembered() {
    use ldap2ftrack::ftrack::removal::write_with_removal_name;
    use ldap2ftrack::sandbox::access::RemovalAction;
    let (sandbox, role) = removal_sandbox(RemovalAction::Revoke).await;
    let client = client(&sandbox.url, "key");
    let first =
        write_with_removal_name(&client, &[removal("u1", &role)], 10, OnDuplicate::Report).await;
    assert!(first[0].is_ok(), "{first:?}");
    assert!(client.revokes_roles());
    assert!(!holds_a_role(&sandbox, "u1"));
    let learned_after = client.requests();
    let second =
        write_with_removal_name(&client, &[removal("u2", &role)], 10, OnDuplicate::Report).await;
    assert!(second[0].is_ok(), "{second:?}");
    assert_eq!(
        client.requests(),
        learned_after + 1,
        "sent under the learned name at once"
    );
    assert!(!holds_a_role(&sandbox, "u2"));
    sandbox.stop().await;
}

#[tokio::test]
async fn ftracks_own_removal_name_is_used_as_it_is() {
    use ldap2ftrack::ftrack::removal::write_with_removal_name;
    use ldap2ftrack::sandbox::access::RemovalAction;
    let (sandbox, role) = removal_sandbox(RemovalAction::Remove).await;
    let client = client(&sandbox.url, "key");
    let done =
        write_with_removal_name(&client, &[removal("u1", &role)], 10, OnDuplicate::Report).await;
    assert!(done[0].is_ok(), "{done:?}");
    assert_eq!(client.requests(), 1);
    assert!(!client.revokes_roles());
    assert!(!holds_a_role(&sandbox, "u1"));
    sandbox.stop().await;
}
