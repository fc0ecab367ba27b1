//! The run history: recorded privately, bounded, found by position or id, read back whole.

use super::*;
use crate::apply::outcome::{ItemOutcome, ItemStatus, RunInfo, RunMode};
use crate::reconcile::plan::{Action, PlanItem};
use std::os::unix::fs::PermissionsExt;

fn outcome(n: usize) -> Outcome {
    let run = RunInfo {
        run_id: format!("run-{n:03}"),
        mode: RunMode::Apply,
        host: "sync01".into(),
        operator: "ops".into(),
        started_at: format!("2026-03-01T02:{:02}:{:02}Z", n / 60, n % 60),
        finished_at: format!("2026-03-01T03:{:02}:{:02}Z", n / 60, n % 60),
        ..RunInfo::default()
    };
    let item = PlanItem::bare(Action::Create, format!("user{n}").as_str().into());
    let items = vec![ItemOutcome {
        item,
        status: ItemStatus::Applied,
        created_id: None,
    }];
    Outcome::new(run, items)
}

fn history() -> (tempfile::TempDir, RunHistory) {
    let dir = tempfile::tempdir().unwrap();
    let history = RunHistory::of(&StateDir::at(dir.path().join("state")));
    (dir, history)
}

fn mode(path: &Path) -> u32 {
    fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn a_recorded_run_is_listed_and_read_back_whole_and_privately() {
    let (_dir, history) = history();
    assert!(history.entries().unwrap().is_empty());
    let kept = outcome(1);
    let entry = history.record(&kept, 1).unwrap();
    assert_eq!(entry.exit_code, 1);
    assert_eq!(entry.summary.created, 1);
    assert_eq!(entry.operator, "ops");
    assert_eq!(entry.file, "20260301020001-run-001.json.gz");
    assert_eq!(history.entries().unwrap(), vec![entry.clone()]);
    assert_eq!(history.outcome(&entry).unwrap(), kept);
    assert_eq!(mode(history.path()), 0o700);
    assert_eq!(mode(&history.path().join(&entry.file)), 0o600);
    assert_eq!(mode(&history.path().join("index.json")), 0o600);
    let bytes = fs::read(history.path().join(&entry.file)).unwrap();
    assert_eq!(&bytes[..2], &[0x1f, 0x8b], "gzip");
}

#[test]
fn only_the_last_runs_are_kept_and_the_older_files_are_removed() {
    let (_dir, history) = history();
    for n in 0..HISTORY_RUNS + 3 {
        history.record(&outcome(n), 0).unwrap();
    }
    let entries = history.entries().unwrap();
    assert_eq!(entries.len(), HISTORY_RUNS);
    assert_eq!(entries[0].run_id, "run-003", "the three oldest went");
    assert_eq!(
        entries.last().unwrap().run_id,
        format!("run-{:03}", HISTORY_RUNS + 2)
    );
    let files = fs::read_dir(history.path()).unwrap().count();
    assert_eq!(files, HISTORY_RUNS + 1, "the outcomes and the index");
}

#[test]
fn runs_are_found_by_position_from_the_latest_or_by_id() {
    let (_dir, history) = history();
    let missing = history.find("@1").unwrap_err().to_string();
    assert!(missing.contains("no run is recorded"), "{missing}");
    for n in [10, 11, 20] {
        history.record(&outcome(n), 0).unwrap();
    }
    assert_eq!(history.find("@1").unwrap().run_id, "run-020");
    assert_eq!(history.find("@3").unwrap().run_id, "run-010");
    assert_eq!(history.find("run-011").unwrap().run_id, "run-011");
    assert_eq!(history.find("run:run-02").unwrap().run_id, "run-020");
    for (bad, says) in [
        ("@4", "up to @3"),
        ("@0", "@1 for the latest"),
        ("@x", "@1 for the latest"),
        ("run-01", "2 runs start with that id"),
        ("run-9", "no run kept has that id"),
        ("run:", "give a run id"),
    ] {
        let error = history.find(bad).unwrap_err().to_string();
        assert!(error.contains(says), "{bad}: {error}");
    }
}

#[test]
fn a_damaged_index_is_an_error_naming_the_file() {
    let (_dir, history) = history();
    history.record(&outcome(1), 0).unwrap();
    fs::write(history.path().join("index.json"), "{not json").unwrap();
    let error = history.entries().unwrap_err().to_string();
    assert!(
        error.contains("index.json") && error.contains("damaged"),
        "{error}"
    );
}

#[test]
fn file_names_keep_only_safe_characters() {
    assert_eq!(
        file_name("2026-03-01T02:00:00Z", "../../etc/x y"),
        "20260301020000-etcxy.json.gz"
    );
}
