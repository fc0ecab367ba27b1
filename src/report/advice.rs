//! What a person should do about a row that needs one, and the skip kind that the words of
//! an older plan or outcome tell.

use super::model::Category;
use crate::apply::outcome::{ItemOutcome, ItemStatus, SkipCause};
use crate::reconcile::plan::{ConflictKind, PlanItem, SkipKind};

/// The next step for a plan item in `category`, when it needs a person.
pub(super) fn for_plan_item(item: &PlanItem, category: Category) -> Option<String> {
    match category {
        Category::Conflicted => Some(for_conflict(item)),
        Category::Blocked => Some(for_held(item.reason.as_deref().unwrap_or_default())),
        _ => None,
    }
}

/// The next step for an item of an apply in `category`, when it needs a person.
pub(super) fn for_outcome(outcome: &ItemOutcome, category: Category) -> Option<String> {
    let text = match (&outcome.status, category) {
        (_, Category::Conflicted) => return Some(for_conflict(&outcome.item)),
        (ItemStatus::Failed { .. }, _) => {
            "read the error, fix its cause, then run again; the other changes were applied"
        }
        (ItemStatus::Stale { .. }, _) => {
            "ftrack changed after the plan was made: plan again and review the new plan"
        }
        (ItemStatus::NotAttempted { .. }, _) => "the run stopped first: run again to apply it",
        (
            ItemStatus::Skipped {
                cause: SkipCause::HeldBack,
                ..
            },
            _,
        ) => "approve the change it needs as well, or apply both in a later run",
        (ItemStatus::Skipped { reason, .. }, Category::Blocked) => return Some(for_held(reason)),
        _ => return None,
    };
    Some(text.to_string())
}

fn for_conflict(item: &PlanItem) -> String {
    let kind = item.conflict.as_ref().map(|c| c.kind);
    match kind {
        Some(ConflictKind::EmailTaken) => {
            "if a candidate is the same person, link them (console: m); otherwise correct the email in the directory"
        }
        Some(ConflictKind::UsernameTaken) => {
            "link the entry to the candidate if it is the same person (m), else give it another username (r) or fix the directory"
        }
        Some(ConflictKind::DuplicateUsername | ConflictKind::CaseOnlyDifference) => {
            "give one of the entries another ftrack username (console: r) or fix the directory"
        }
        Some(ConflictKind::MissingValue) => "fill in the missing value in the directory",
        Some(ConflictKind::InvalidValue) => "correct the value in the directory",
        Some(ConflictKind::DuplicateIdentity) => {
            "two entries share one identity: correct the directory (or its export)"
        }
        Some(ConflictKind::RoleRule) => {
            "correct the role rule in the configuration, or create the role or project it names in ftrack"
        }
        None => "resolve it in the console (Enter on the row), then plan again",
    }
    .to_string()
}

fn for_held(reason: &str) -> String {
    if reason.contains("seat limit") {
        "free seats or raise policy.max_active_users, then plan again"
    } else if reason.contains("incomplete") {
        "fix the directory read (see the warnings), then plan again"
    } else {
        "settle what holds it back, then plan again"
    }
    .to_string()
}

/// The skip kind the words of a reason tell, for plans and outcomes saved before kinds were
/// recorded; `None` when the words match no known reason.
pub(super) fn skip_kind_of(reason: &str) -> Option<SkipKind> {
    const WORDS: [(&str, SkipKind); 12] = [
        ("held back", SkipKind::Held),
        ("directory read was incomplete", SkipKind::Held),
        ("protected account", SkipKind::Protected),
        ("service or API account", SkipKind::Protected),
        ("not managed", SkipKind::NotManaged),
        ("deactivate_missing = \"never\"", SkipKind::NotManaged),
        ("out of scope", SkipKind::OutOfScope),
        ("turned off for this run", SkipKind::OutOfScope),
        ("a read of changes", SkipKind::OutOfScope),
        ("; not created", SkipKind::Disabled),
        ("not approved", SkipKind::NotApproved),
        ("by an admin", SkipKind::ByAdmin),
    ];
    if reason.contains("skipped in the console") {
        return Some(SkipKind::ByAdmin);
    }
    WORDS
        .iter()
        .find(|(words, _)| reason.contains(words))
        .map(|(_, kind)| *kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_words_of_every_planner_skip_tell_its_kind() {
        for (reason, kind) in [
            (
                "protected account: never changed or deactivated by this tool",
                SkipKind::Protected,
            ),
            (
                "service or API account: never changed or deactivated by this tool",
                SkipKind::Protected,
            ),
            (
                "not managed: no directory entry is linked to this ftrack user",
                SkipKind::NotManaged,
            ),
            (
                "out of scope for this run (--only-user)",
                SkipKind::OutOfScope,
            ),
            (
                "create turned off for this run (--no-create)",
                SkipKind::OutOfScope,
            ),
            (
                "account disabled in the directory (expired); not created",
                SkipKind::Disabled,
            ),
            (
                "create held back by the seat limit: max_active_users = 3",
                SkipKind::Held,
            ),
            ("ignored by an admin decision (standing)", SkipKind::ByAdmin),
            ("skipped in the console for this run", SkipKind::ByAdmin),
            ("not approved", SkipKind::NotApproved),
        ] {
            assert_eq!(skip_kind_of(reason), Some(kind), "{reason}");
        }
        assert_eq!(skip_kind_of("something new"), None);
    }
}
