//! The watermark of a `--changed` read, kept after its apply only when the run succeeded whole:
//! every planned change applied, nothing stopped the run, the audit log took it all, and no
//! scope narrowed what was considered. Otherwise the next run reads the same changes again.

use super::engine::{Applied, Ending};
use super::outcome::ItemStatus;
use crate::incremental::store;
use crate::reconcile::Scope;
use crate::source::ldap::changes::ChangesRead;
use crate::state::{StateDir, StateError};

/// What became of a read's watermark after its apply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WatermarkKept {
    /// Saved: the next `--changed` run reads from it.
    Saved,
    /// Left where it was, and why.
    Held(&'static str),
    /// The server marks no changes: every `--changed` run reads all.
    NoMarker,
}

/// Why the watermark must stay where it is after this apply, or `None` when it may move.
pub fn held_because(applied: &Applied, audit_failed: bool, scope: &Scope) -> Option<&'static str> {
    let outcome = &applied.outcome;
    let s = outcome.summary;
    let unapplied = outcome
        .items
        .iter()
        .any(|o| o.item.action.is_change() && !matches!(o.status, ItemStatus::Applied));
    if !matches!(applied.ending, Ending::Finished) || outcome.stopped.is_some() {
        Some("the run did not finish")
    } else if s.failed > 0 || s.stale > 0 || s.not_attempted > 0 {
        Some("some changes failed or were not attempted")
    } else if unapplied {
        Some("some planned changes were not approved or not applied")
    } else if audit_failed {
        Some("the audit log could not record every change")
    } else if scope.narrows_users() || scope.no_create || scope.no_update || scope.no_deactivate {
        Some("the run's scope left changes out")
    } else {
        None
    }
}

/// Saves the read's next watermark when the apply succeeded whole; says what became of it.
pub fn keep_watermark(
    state: &StateDir,
    changes: &ChangesRead,
    applied: &Applied,
    audit_failed: bool,
    scope: &Scope,
) -> Result<WatermarkKept, StateError> {
    if let Some(why) = held_because(applied, audit_failed, scope) {
        return Ok(WatermarkKept::Held(why));
    }
    let Some(next) = &changes.next else {
        return Ok(WatermarkKept::NoMarker);
    };
    store::save(state, changes.key.clone(), next.clone())?;
    Ok(WatermarkKept::Saved)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::apply::engine::Refusal;
    use crate::apply::outcome::{ItemOutcome, Outcome, RunInfo, RunMode};
    use crate::incremental::Watermark;
    use crate::incremental::store::WatermarkKey;
    use crate::incremental::watermark::ChangeMarker;
    use crate::reconcile::plan::{Action, PlanItem};

    fn item(action: Action) -> PlanItem {
        PlanItem::bare(action, "ann".into())
    }

    fn applied(statuses: Vec<(Action, ItemStatus)>, ending: Ending) -> Applied {
        let run = RunInfo::start(RunMode::Apply, "https://ftrack.example", "sync", "");
        let items = statuses
            .into_iter()
            .map(|(action, status)| ItemOutcome {
                item: item(action),
                status,
                created_id: None,
            })
            .collect();
        Applied {
            outcome: Outcome::new(run, items),
            ending,
        }
    }

    fn skipped() -> ItemStatus {
        ItemStatus::Skipped {
            reason: "not approved".into(),
            cause: Default::default(),
        }
    }

    fn changes() -> ChangesRead {
        ChangesRead {
            key: WatermarkKey {
                uri: "ldap://dir".into(),
                base: "ou=people,dc=x".into(),
            },
            next: Some(Watermark {
                marker: ChangeMarker::ModifyTimestamp,
                value: "20261202103000Z".into(),
                server: None,
                last_full: "2026-12-02T10:00:00Z".into(),
                settings: "digest".into(),
            }),
        }
    }

    #[test]
    fn only_a_run_that_applied_every_change_moves_the_watermark() {
        let scope = Scope::default();
        let whole = applied(
            vec![
                (Action::Create, ItemStatus::Applied),
                (Action::Unchanged, skipped()),
            ],
            Ending::Finished,
        );
        assert_eq!(held_because(&whole, false, &scope), None);
        assert!(held_because(&whole, true, &scope).is_some(), "audit failed");
        let narrowed = Scope {
            only_users: vec!["ann".into()],
            ..Scope::default()
        };
        assert!(held_because(&whole, false, &narrowed).is_some());
        let unapproved = applied(
            vec![
                (Action::Create, ItemStatus::Applied),
                (Action::Update, skipped()),
            ],
            Ending::Finished,
        );
        assert!(held_because(&unapproved, false, &scope).is_some());
        let failed = applied(
            vec![(
                Action::Create,
                ItemStatus::Failed {
                    error: "refused".into(),
                },
            )],
            Ending::Finished,
        );
        assert!(held_because(&failed, false, &scope).is_some());
        let refused = applied(
            Vec::new(),
            Ending::Refused(Refusal::Safety("over the limit".into())),
        );
        assert!(held_because(&refused, false, &scope).is_some());
    }

    #[test]
    fn a_held_watermark_is_not_written_and_a_kept_one_is() {
        let dir = tempfile::tempdir().unwrap();
        let state = StateDir::at(dir.path());
        let scope = Scope::default();
        let interrupted = applied(vec![], Ending::Interrupted);
        let kept = keep_watermark(&state, &changes(), &interrupted, false, &scope).unwrap();
        assert!(matches!(kept, WatermarkKept::Held(_)));
        assert_eq!(store::load(&state).unwrap(), Default::default());
        let whole = applied(vec![], Ending::Finished);
        let kept = keep_watermark(&state, &changes(), &whole, false, &scope).unwrap();
        assert_eq!(kept, WatermarkKept::Saved);
        let saved = store::load(&state).unwrap();
        assert_eq!(saved.get(&changes().key), changes().next.as_ref());
        let unmarked = ChangesRead {
            next: None,
            ..changes()
        };
        let kept = keep_watermark(&state, &unmarked, &whole, false, &scope).unwrap();
        assert_eq!(kept, WatermarkKept::NoMarker);
    }
}
