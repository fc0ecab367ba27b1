//! The words every format shares: titles, section names in the right tense (a plan says what
//! it would do, "to create"; an apply what it did, "created"), markers, counts and run facts.

use crate::reconcile::plan::{DecisionMark, SkipKind};
use crate::report::model::{Category, CommitLog, Report, ReportKind, ReportRow};

/// The report's title.
pub(super) fn title(report: &Report) -> &'static str {
    match report.kind {
        ReportKind::Plan => "ldap2ftrack plan report",
        ReportKind::Apply => "ldap2ftrack apply report",
    }
}

/// The line under the title: what the page is.
pub(super) fn subtitle(report: &Report) -> &'static str {
    match report.kind {
        ReportKind::Plan => "What a sync would change; nothing has been applied.",
        ReportKind::Apply => "What a sync changed in ftrack.",
    }
}

/// The label of [`Report::blocked`]: a plan is refused, an apply stopped.
pub(super) fn blocked_label(report: &Report) -> &'static str {
    match report.kind {
        ReportKind::Plan => "Blocked for unattended apply:",
        ReportKind::Apply => "Stopped early:",
    }
}

/// The marker of a category, as in the text plan (`x` for failures, `#` for blocked items),
/// so colour is never the only signal.
pub(super) fn marker(category: Category) -> char {
    match category {
        Category::Failed => 'x',
        Category::Conflicted => '!',
        Category::Blocked => '#',
        Category::Deactivated => '-',
        Category::Pending => '?',
        Category::Created => '+',
        Category::Updated => '~',
        Category::Reactivated => '^',
        Category::Skipped => '.',
        Category::Unchanged => '=',
    }
}

/// A category in words, lower case, in the tense of the report: "to create" in a plan,
/// "created" in an apply.
pub(super) fn label(kind: ReportKind, category: Category) -> &'static str {
    match (kind, category) {
        (_, Category::Failed) => "failed",
        (ReportKind::Plan, Category::Conflicted) => "conflicts to resolve",
        (ReportKind::Apply, Category::Conflicted) => "conflicts left unresolved",
        (_, Category::Blocked) => "blocked",
        (ReportKind::Plan, Category::Deactivated) => "to deactivate",
        (ReportKind::Apply, Category::Deactivated) => "deactivated",
        (_, Category::Pending) => "pending deactivation (grace period)",
        (ReportKind::Plan, Category::Created) => "to create",
        (ReportKind::Apply, Category::Created) => "created",
        (ReportKind::Plan, Category::Updated) => "to update",
        (ReportKind::Apply, Category::Updated) => "updated",
        (ReportKind::Plan, Category::Reactivated) => "to reactivate",
        (ReportKind::Apply, Category::Reactivated) => "reactivated",
        (ReportKind::Plan, Category::Skipped) => "to leave alone",
        (ReportKind::Apply, Category::Skipped) => "skipped",
        (_, Category::Unchanged) => "unchanged",
    }
}

/// A section's heading: the label with a capital letter.
pub(super) fn heading(kind: ReportKind, category: Category) -> String {
    capitalised(label(kind, category))
}

/// The heading of a group of skipped rows: "Protected", "Other reasons".
pub(super) fn skip_heading(kind: Option<SkipKind>) -> String {
    capitalised(kind.map_or("other reasons", SkipKind::label))
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

/// The categories a summary lists: the usual ones always, the rare ones (failures in a plan,
/// blocked and pending items) only when there are some.
pub(super) fn summary_categories(report: &Report) -> impl Iterator<Item = Category> + '_ {
    Category::ALL.into_iter().filter(|&c| {
        let rare = match c {
            Category::Failed => report.kind == ReportKind::Plan,
            Category::Blocked | Category::Pending => true,
            _ => false,
        };
        !rare || count(report, c) > 0
    })
}

/// The count of a category in the summary.
pub(super) fn count(report: &Report, category: Category) -> usize {
    let s = &report.summary;
    match category {
        Category::Failed => s.failed,
        Category::Conflicted => s.conflicted,
        Category::Blocked => s.blocked,
        Category::Deactivated => s.deactivated,
        Category::Pending => s.pending,
        Category::Created => s.created,
        Category::Updated => s.updated,
        Category::Reactivated => s.reactivated,
        Category::Skipped => s.skipped,
        Category::Unchanged => s.unchanged,
    }
}

/// "3 need a person first (conflicts to resolve 2, blocked 1)", or `None` when nothing does.
pub(super) fn attention_line(report: &Report) -> Option<String> {
    let parts: Vec<String> = Category::ALL
        .into_iter()
        .filter(|c| c.needs_a_person())
        .map(|c| (c, count(report, c)))
        .filter(|(_, n)| *n > 0)
        .map(|(c, n)| format!("{} {n}", label(report.kind, c)))
        .collect();
    let total: usize = Category::ALL
        .into_iter()
        .filter(|c| c.needs_a_person())
        .map(|c| count(report, c))
        .sum();
    (total > 0).then(|| {
        let verb = if total == 1 { "needs" } else { "need" };
        format!("{total} {verb} a person first ({})", parts.join(", "))
    })
}

/// The skipped rows' counts by reason, in report order: "protected 3, out of scope 2".
pub(super) fn skipped_by_line(report: &Report) -> Option<String> {
    let parts: Vec<String> = SkipKind::ALL
        .into_iter()
        .filter_map(|k| {
            report
                .summary
                .skipped_by
                .get(&k)
                .map(|n| format!("{} {n}", k.label()))
        })
        .collect();
    (!parts.is_empty()).then(|| parts.join(", "))
}

/// The run facts as label/value pairs, in display order (empty values left out). A plan's
/// are those of the run that computed it; when the report was made comes last, apart.
pub(super) fn run_facts(report: &Report) -> Vec<(&'static str, String)> {
    let run = &report.run;
    let ftrack = if run.api_user.is_empty() {
        run.ftrack.clone()
    } else {
        format!("{} (API user {})", run.ftrack, run.api_user)
    };
    let (started, by) = match report.kind {
        ReportKind::Plan => ("Computed", "Computed by"),
        ReportKind::Apply => ("Started", "Run by"),
    };
    let made = match (&report.made_at, &report.made_from) {
        (Some(at), Some(from)) => format!("{at} from {from}"),
        (Some(at), None) => at.clone(),
        (None, Some(from)) => format!("from {from}"),
        (None, None) => String::new(),
    };
    [
        ("Run id", run.run_id.clone()),
        (started, run.started_at.clone()),
        ("Finished", run.finished_at.clone()),
        (by, run.operator.clone()),
        ("Host", run.host.clone()),
        ("ftrack", ftrack),
        ("Directory", run.directory.clone()),
        ("User filter", run.filter.clone()),
        ("Scope", run.scope.clone()),
        ("Report made", made),
    ]
    .into_iter()
    .filter(|(_, value)| !value.is_empty())
    .collect()
}

/// A person's decision as "skip this time, by admin at 2025-01-02T03:04:05Z".
pub(super) fn decided_text(mark: &DecisionMark) -> String {
    format!("{}, by {} at {}", mark.decision, mark.by, mark.at)
}

/// The rows of a category, in report order.
pub(super) fn rows_of(report: &Report, category: Category) -> Vec<&ReportRow> {
    report
        .rows
        .iter()
        .filter(|r| r.category == category)
        .collect()
}

/// Skipped rows grouped by reason, in report order (rows come sorted by it).
pub(super) fn skip_groups<'a>(
    rows: &[&'a ReportRow],
) -> Vec<(Option<SkipKind>, Vec<&'a ReportRow>)> {
    let mut groups: Vec<(Option<SkipKind>, Vec<&ReportRow>)> = Vec::new();
    for row in rows {
        match groups.last_mut() {
            Some((kind, group)) if *kind == row.skip => group.push(row),
            _ => groups.push((row.skip, vec![row])),
        }
    }
    groups
}

/// A commit's heading and its counts, for the session part of a report (values unescaped).
pub(super) fn commit_texts(n: usize, commit: &CommitLog) -> (String, String) {
    let s = commit.summary;
    (
        format!(
            "Commit {n}: run {}, {} to {}",
            commit.run_id, commit.started_at, commit.finished_at
        ),
        format!(
            "created {} · updated {} · reactivated {} · deactivated {} · failed {} · stale {} · not attempted {}",
            s.created, s.updated, s.reactivated, s.deactivated, s.failed, s.stale, s.not_attempted
        ),
    )
}

/// Control and bidirectional-formatting characters spelled out (`\n`, `\u{202e}`), so
/// directory values can neither break a layout nor reorder what a reader sees.
pub(super) fn visible(text: &str) -> String {
    let hidden = crate::characters::is_hidden;
    if !text.chars().any(hidden) {
        return text.to_string();
    }
    text.chars()
        .map(|c| {
            if hidden(c) {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}
