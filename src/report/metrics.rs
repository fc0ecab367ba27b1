//! Prometheus textfile metrics for node_exporter's textfile collector, written atomically.
//!
//! `ldap2ftrack_last_success_timestamp_seconds` survives failed runs: it is carried over from
//! the previous file, so an alert on its age fires when runs keep failing.

use crate::apply::outcome::OutcomeSummary;
use std::fmt::Write as _;
use std::io;
use std::path::Path;

const LAST_SUCCESS: &str = "ldap2ftrack_last_success_timestamp_seconds";

/// What one run contributes to the metrics file.
#[derive(Debug, Clone, Copy)]
pub struct RunMetrics {
    /// When the run ended, seconds since the epoch.
    pub finished_at: i64,
    /// Wall time of the run.
    pub duration_secs: f64,
    /// The process exit code.
    pub exit_code: i32,
    /// Counts.
    pub summary: OutcomeSummary,
    /// Whether the directory read behind the run was complete; unknown when the run failed
    /// before it had a plan.
    pub directory_complete: Option<bool>,
}

/// The textfile content; `previous` is the old file's text, for the last success time.
pub fn render_metrics(run: &RunMetrics, previous: Option<&str>) -> String {
    let last_success = if run.exit_code == 0 {
        Some(run.finished_at as f64)
    } else {
        previous.and_then(|text| {
            text.lines()
                .find_map(|l| l.strip_prefix(LAST_SUCCESS))
                .and_then(|v| v.trim().parse::<f64>().ok())
        })
    };
    let mut out = String::new();
    let mut gauge = |name: &str, help: &str, samples: &[(&str, f64)]| {
        let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} gauge");
        for (labels, value) in samples {
            let _ = writeln!(out, "{name}{labels} {value}");
        }
    };
    if let Some(time) = last_success {
        gauge(
            LAST_SUCCESS,
            "End of the last apply that exited 0.",
            &[("", time)],
        );
    }
    gauge(
        "ldap2ftrack_last_run_timestamp_seconds",
        "End of the last apply.",
        &[("", run.finished_at as f64)],
    );
    gauge(
        "ldap2ftrack_last_run_duration_seconds",
        "Wall time of the last apply.",
        &[("", run.duration_secs)],
    );
    gauge(
        "ldap2ftrack_last_run_exit_code",
        "Exit code of the last apply.",
        &[("", f64::from(run.exit_code))],
    );
    if let Some(complete) = run.directory_complete {
        gauge(
            "ldap2ftrack_last_run_directory_complete",
            "1 when the last apply's directory read was complete; 0 when deactivations and membership removals were held back.",
            &[("", f64::from(u8::from(complete)))],
        );
    }
    let s = &run.summary;
    let counts = [
        ("created", s.created),
        ("updated", s.updated),
        ("reactivated", s.reactivated),
        ("deactivated", s.deactivated),
        ("failed", s.failed),
        ("stale", s.stale),
        ("parked", s.parked),
        ("skipped", s.skipped),
        ("not_attempted", s.not_attempted),
    ];
    let labelled: Vec<(String, f64)> = counts
        .iter()
        .map(|(status, n)| (format!("{{status=\"{status}\"}}"), *n as f64))
        .collect();
    let samples: Vec<(&str, f64)> = labelled.iter().map(|(l, n)| (l.as_str(), *n)).collect();
    gauge(
        "ldap2ftrack_last_run_users",
        "Users per result in the last apply.",
        &samples,
    );
    out
}

/// Writes the metrics file atomically (a temporary file renamed over the old one).
pub fn write_metrics(path: &Path, run: &RunMetrics) -> io::Result<()> {
    let previous = std::fs::read_to_string(path).ok();
    let text = render_metrics(run, previous.as_deref());
    // Counts only, no personal data; node_exporter reads it as another user.
    crate::atomic_file::write_public_atomically(path, text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_incomplete_directory_read_shows_in_the_metrics() {
        let run = |directory_complete| RunMetrics {
            finished_at: 1_700_000_000,
            duration_secs: 1.0,
            exit_code: 0,
            summary: OutcomeSummary::default(),
            directory_complete,
        };
        let name = "ldap2ftrack_last_run_directory_complete";
        assert!(render_metrics(&run(Some(false)), None).contains(&format!("\n{name} 0\n")));
        assert!(render_metrics(&run(Some(true)), None).contains(&format!("\n{name} 1\n")));
        assert!(!render_metrics(&run(None), None).contains(name));
    }

    #[test]
    fn a_failed_run_keeps_the_last_success_time() {
        let ok = RunMetrics {
            finished_at: 1_700_000_000,
            duration_secs: 1.5,
            exit_code: 0,
            summary: OutcomeSummary {
                created: 3,
                ..OutcomeSummary::default()
            },
            directory_complete: Some(true),
        };
        let first = render_metrics(&ok, None);
        assert!(
            first.contains("ldap2ftrack_last_success_timestamp_seconds 1700000000"),
            "{first}"
        );
        assert!(
            first.contains("ldap2ftrack_last_run_users{status=\"created\"} 3"),
            "{first}"
        );
        let failed = RunMetrics {
            finished_at: 1_700_000_600,
            exit_code: 3,
            ..ok
        };
        let second = render_metrics(&failed, Some(&first));
        assert!(
            second.contains("ldap2ftrack_last_success_timestamp_seconds 1700000000"),
            "{second}"
        );
        assert!(
            second.contains("ldap2ftrack_last_run_timestamp_seconds 1700000600"),
            "{second}"
        );
        assert!(second.contains("ldap2ftrack_last_run_exit_code 3"));
        assert!(!render_metrics(&failed, None).contains("last_success"));
    }
}
