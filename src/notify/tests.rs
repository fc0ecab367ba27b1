//! Tests of the run's JSON and its `text`, and of the per-user JSON.

use super::payload::{RunEnd, RunStatus, UserEvent, run_notice, user_notices};
use crate::apply::engine::{Ending, Refusal};
use crate::apply::outcome::{ItemOutcome, ItemStatus, Outcome, RunInfo, RunMode, SkipCause};
use crate::reconcile::plan::{Action, DirectoryRef, FtrackRef, MatchedBy, PlanItem};
use std::path::Path;

fn item(action: Action, username: &str) -> PlanItem {
    PlanItem {
        name: format!("{username} Example"),
        directory: Some(DirectoryRef {
            dn: format!("uid={username},ou=people,dc=studio,dc=example").into(),
            id: format!("dir-{username}").into(),
        }),
        ftrack: (action != Action::Create).then(|| FtrackRef {
            id: format!("ft-{username}").into(),
            username: username.into(),
        }),
        matched_by: Some(MatchedBy::Link),
        ..PlanItem::bare(action, username.into())
    }
}

fn done(action: Action, username: &str, status: ItemStatus) -> ItemOutcome {
    ItemOutcome {
        item: item(action, username),
        status,
        created_id: (action == Action::Create).then(|| format!("new-{username}").into()),
    }
}

fn outcome(items: Vec<ItemOutcome>) -> Outcome {
    let run = RunInfo {
        run_id: "run-1".into(),
        mode: RunMode::Apply,
        host: "sync01".into(),
        started_at: "2026-03-01T02:00:00Z".into(),
        finished_at: "2026-03-01T02:00:09Z".into(),
        ..RunInfo::default()
    };
    Outcome::new(run, items)
}

fn mixed() -> Outcome {
    outcome(vec![
        done(Action::Create, "ana", ItemStatus::Applied),
        done(Action::Create, "bo", ItemStatus::Applied),
        done(Action::Deactivate, "cy", ItemStatus::Applied),
        done(
            Action::Update,
            "di",
            ItemStatus::Failed {
                error: "email taken".into(),
            },
        ),
        done(
            Action::Conflict,
            "ed",
            ItemStatus::Parked {
                reason: "two entries".into(),
            },
        ),
        done(
            Action::Unchanged,
            "fi",
            ItemStatus::Skipped {
                reason: "in sync".into(),
                cause: SkipCause::InSync,
            },
        ),
    ])
}

#[test]
fn the_run_json_counts_lists_failures_and_says_what_needs_a_person() {
    let outcome = mixed();
    let end = RunEnd {
        outcome: &outcome,
        ending: &Ending::Finished,
        exit_code: 3,
        report: Some(Path::new("/var/lib/ldap2ftrack/report.html")),
        outcome_path: Path::new("/var/lib/ldap2ftrack/last-outcome.json"),
    };
    let notice = run_notice(&end);
    assert_eq!(notice.status, RunStatus::Failed);
    assert!(notice.changed() && notice.needs_attention());
    assert_eq!(
        notice.text,
        "ldap2ftrack apply on sync01: 2 created, 1 deactivated, 1 failed, 1 conflict waiting (exit 3)\n\
         Report: /var/lib/ldap2ftrack/report.html"
    );
    assert_eq!(
        notice.attention,
        ["1 user failed", "1 conflict waiting for a decision"]
    );
    let json = serde_json::to_value(&notice).unwrap();
    assert_eq!(json["counts"]["created"], 2);
    assert_eq!(json["counts"]["deactivated"], 1);
    assert_eq!(json["exit_code"], 3);
    assert_eq!(json["status"], "failed");
    assert_eq!(json["blocked"], serde_json::Value::Null);
    assert_eq!(json["failures"][0]["username"], "di");
    assert_eq!(json["failures"][0]["action"], "update");
    assert_eq!(json["failures"][0]["error"], "email taken");
    assert_eq!(json["report"], "/var/lib/ldap2ftrack/report.html");
    assert_eq!(json["run_id"], "run-1");
}

#[test]
fn a_blocked_run_says_why_and_a_quiet_one_says_no_changes() {
    let outcome = outcome(Vec::new());
    let refusal = Ending::Refused(Refusal::Safety(
        "12 deactivations exceed the safety limit of 5".into(),
    ));
    let blocked = run_notice(&RunEnd {
        outcome: &outcome,
        ending: &refusal,
        exit_code: 4,
        report: None,
        outcome_path: Path::new("last-outcome.json"),
    });
    assert_eq!(blocked.status, RunStatus::Blocked);
    assert_eq!(
        blocked.text,
        "ldap2ftrack apply on sync01: blocked, nothing applied: 12 deactivations exceed the safety limit of 5 (exit 4)"
    );
    assert_eq!(
        blocked.blocked.as_deref(),
        Some("12 deactivations exceed the safety limit of 5")
    );
    assert!(blocked.needs_attention() && !blocked.changed());
    let quiet = run_notice(&RunEnd {
        outcome: &outcome,
        ending: &Ending::Finished,
        exit_code: 0,
        report: None,
        outcome_path: Path::new("last-outcome.json"),
    });
    assert_eq!(quiet.status, RunStatus::Unchanged);
    assert_eq!(
        quiet.text,
        "ldap2ftrack apply on sync01: no changes (exit 0)"
    );
    assert!(!quiet.needs_attention() && !quiet.changed());
}

#[test]
fn only_users_created_or_deactivated_get_a_user_json() {
    let mut outcome = mixed();
    outcome.items.push(done(
        Action::Deactivate,
        "gus",
        ItemStatus::Failed {
            error: "refused".into(),
        },
    ));
    let users = user_notices(&outcome);
    let seen: Vec<(UserEvent, &str)> = users
        .iter()
        .map(|u| (u.event, u.username.as_str()))
        .collect();
    assert_eq!(
        seen,
        [
            (UserEvent::Create, "ana"),
            (UserEvent::Create, "bo"),
            (UserEvent::Deactivate, "cy")
        ]
    );
    let ana = serde_json::to_value(&users[0]).unwrap();
    assert_eq!(ana["event"], "create");
    assert_eq!(ana["ftrack_id"], "new-ana");
    assert_eq!(ana["dn"], "uid=ana,ou=people,dc=studio,dc=example");
    assert_eq!(ana["item"]["action"], "create");
    let cy = serde_json::to_value(&users[2]).unwrap();
    assert_eq!(cy["ftrack_id"], "ft-cy");
    assert_eq!(cy["run_id"], "run-1");
}

#[test]
fn the_text_is_escaped_for_chat_and_shows_hidden_characters() {
    let outcome = outcome(Vec::new());
    let refusal = Ending::Refused(Refusal::Safety("<!channel> & co\u{202e}: limit".into()));
    let notice = run_notice(&RunEnd {
        outcome: &outcome,
        ending: &refusal,
        exit_code: 4,
        report: None,
        outcome_path: Path::new("last-outcome.json"),
    });
    assert_eq!(
        notice.text,
        "ldap2ftrack apply on sync01: blocked, nothing applied: &lt;!channel&gt; &amp; co\\u{202e}: limit (exit 4)"
    );
    // The JSON's own fields keep the words as they are.
    assert_eq!(
        notice.blocked.as_deref(),
        Some("<!channel> & co\u{202e}: limit")
    );
}
