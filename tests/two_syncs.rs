//! Two syncs writing to one ftrack server from different state directories: the second finds
//! usernames taken under it mid-run. The other sync is a second real client, whose creates
//! land just before this run's first write, so the race happens the same way every time.

use crate::support::asset;
use crate::support::cli_sandbox::{API_KEY, CliSandbox};
use ldap2ftrack::apply::api::{BoxFuture, FtrackApi};
use ldap2ftrack::apply::engine::{ApplyOptions, apply_plan};
use ldap2ftrack::apply::outcome::{ItemStatus, RunInfo, RunMode};
use ldap2ftrack::custom::CustomAttribute;
use ldap2ftrack::ftrack::access::Access;
use ldap2ftrack::ftrack::batch::{OnDuplicate, OperationOutcome};
use ldap2ftrack::ftrack::client::FtrackClient;
use ldap2ftrack::ftrack::error::FtrackError;
use ldap2ftrack::ftrack::read::LiveUser;
use ldap2ftrack::ftrack::wire::Operation;
use ldap2ftrack::ids::FtrackId;
use ldap2ftrack::model::FtrackGroup;
use ldap2ftrack::reconcile::Plan;
use ldap2ftrack::reconcile::decision::{Approval, Decisions, approve};
use ldap2ftrack::reconcile::plan::Action;
use secrecy::SecretString;
use std::sync::Mutex;
use std::time::Duration;

/// This run's client; `other` creates `first` just before this run's first write.
struct WithAnotherSync {
    ours: FtrackClient,
    other: FtrackClient,
    first: Mutex<Option<Vec<Operation>>>,
}

impl FtrackApi for WithAnotherSync {
    fn users_where<'a>(
        &'a self,
        field: &'a str,
        values: &'a [String],
    ) -> BoxFuture<'a, Result<Vec<LiveUser>, FtrackError>> {
        self.ours.users_where(field, values)
    }

    fn groups(&self) -> BoxFuture<'_, Result<Vec<FtrackGroup>, FtrackError>> {
        self.ours.groups()
    }

    fn access<'a>(&'a self, users: &'a [FtrackId]) -> BoxFuture<'a, Result<Access, FtrackError>> {
        self.ours.access(users)
    }

    fn custom_attributes(&self) -> BoxFuture<'_, Result<Vec<CustomAttribute>, FtrackError>> {
        self.ours.custom_attributes()
    }

    fn write<'a>(
        &'a self,
        operations: &'a [Operation],
        on_duplicate: OnDuplicate,
    ) -> BoxFuture<'a, Vec<OperationOutcome>> {
        Box::pin(async move {
            let first = self.first.lock().unwrap().take();
            if let Some(theirs) = first {
                self.other
                    .call(&theirs)
                    .await
                    .expect("the other sync writes");
            }
            self.ours.write(operations, on_duplicate).await
        })
    }

    fn requests(&self) -> usize {
        self.ours.requests()
    }

    fn throttled(&self) -> usize {
        self.ours.throttled()
    }
}

fn client(url: &str) -> FtrackClient {
    FtrackClient::new(
        url,
        "ldap2ftrack",
        SecretString::from(API_KEY),
        Duration::from_secs(10),
    )
    .unwrap()
}

fn create_user(n: usize, username: &str) -> Operation {
    let data = serde_json::json!({
        "__entity_type__": "User",
        "id": format!("00000000-0000-4000-9000-{n:012}"),
        "username": username,
        "first_name": "Other",
        "last_name": "Sync",
        "is_active": true,
    });
    let serde_json::Value::Object(entity_data) = data else {
        unreachable!()
    };
    Operation::Create {
        entity_type: "User".into(),
        entity_key: None,
        entity_data,
    }
}

#[test]
fn usernames_taken_mid_run_are_stale_and_stop_the_run_without_splitting_batches() {
    let home = tempfile::tempdir().unwrap();
    crate::support::demo_state(home.path());
    let out = crate::support::run(
        crate::support::ldap2ftrack(home.path())
            .arg("-c")
            .arg(asset("assets/demo/config.toml"))
            .args(["plan", "--state-dir", "state", "--format", "json", "--ldif"])
            .arg(asset("assets/demo/directory.ldif"))
            .arg("--ftrack-snapshot")
            .arg(asset("assets/demo/ftrack.json")),
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let plan: Plan = serde_json::from_str(&out.stdout).unwrap();
    let creates: Vec<String> = plan
        .items
        .iter()
        .filter(|i| i.action == Action::Create)
        .map(|i| i.username.to_string())
        .collect();
    assert!(creates.len() > 20, "{creates:?}");
    let demo =
        ldap2ftrack::ftrack::snapshot::read_snapshot(&asset("assets/demo/ftrack.json")).unwrap();
    let sandbox = CliSandbox::start(&demo, "ldap2ftrack");
    // The other sync creates every user this run is about to create whose username is free.
    let theirs = creates
        .iter()
        .filter(|name| !demo.users.iter().any(|u| &u.username == *name))
        .enumerate()
        .map(|(n, name)| create_user(n, name))
        .collect();
    let api = WithAnotherSync {
        ours: client(sandbox.url()),
        other: client(sandbox.url()),
        first: Mutex::new(Some(theirs)),
    };
    let approved = approve(plan, &Decisions::default(), Approval::Automatic);
    let options = ApplyOptions {
        batch_size: 10,
        // One batch at a time, so the other sync's creates land before any of this run's.
        concurrency: 1,
        exact: false,
        protected: vec!["ldap2ftrack".into()],
        cancel: Default::default(),
    };
    let run = RunInfo::start(RunMode::Apply, sandbox.url(), "ldap2ftrack", "");
    let applied =
        sandbox
            .runtime()
            .block_on(apply_plan(&approved, &api, &options, &mut Silent, run));
    let outcome = applied.outcome;
    let stopped = outcome.stopped.clone().unwrap_or_default();
    assert!(
        stopped.contains("another sync seems to be writing to this server"),
        "{stopped:?}"
    );
    let stale: Vec<&str> = outcome
        .items
        .iter()
        .filter(|o| matches!(&o.status, ItemStatus::Stale { reason } if reason.contains("was taken in ftrack while this run was applying")))
        .map(|o| o.item.username.as_str())
        .collect();
    assert!(!stale.is_empty());
    assert!(stale.iter().all(|u| creates.iter().any(|c| c == u)));
    assert_eq!(outcome.summary.failed, 0, "{:?}", outcome.summary);
    // One refused batch, one read of its usernames, perhaps one resend: not a request per user.
    let writes_and_reads = api.requests();
    assert!(
        writes_and_reads < 20,
        "{writes_and_reads} requests for {} creates",
        creates.len()
    );
}

struct Silent;
impl ldap2ftrack::apply::engine::ApplyListener for Silent {}
