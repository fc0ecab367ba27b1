//! Grace before deactivation: a linked user missing from the directory (or, when asked, a
//! disabled one) waits a while, in time and/or in runs, before being deactivated.
//!
//! The planner gets the marks recorded by earlier runs and the current instant as inputs, and
//! gives back, with the plan, the marks a run that applies it should record. It counts the run
//! it plans as one of the runs: with `deactivate_after_runs = 3` a user missing from three
//! runs in a row is deactivated by the third. With both a time and a number of runs, both must
//! have passed.

use super::plan::PlanItem;
use crate::ids::FtrackId;
use crate::model::FtrackUser;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::str::FromStr;

const MINUTE: u64 = 60;
const HOUR: u64 = 60 * MINUTE;
const DAY: u64 = 24 * HOUR;
const WEEK: u64 = 7 * DAY;

/// A grace period in whole seconds, written like `"72h"`, `"3d"` or `"1d12h"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct GracePeriod(u64);

impl GracePeriod {
    /// A period of this many seconds.
    pub fn from_secs(seconds: u64) -> Self {
        Self(seconds)
    }

    /// The period in seconds.
    pub fn as_secs(self) -> u64 {
        self.0
    }
}

impl FromStr for GracePeriod {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let expected = || {
            format!(
                "expected a duration like \"72h\", \"3d\" or \"1d12h\" (units w, d, h, m, s), found {s:?}"
            )
        };
        let text: String = s.chars().filter(|c| !c.is_whitespace()).collect();
        if text.is_empty() {
            return Err(expected());
        }
        let mut total: u64 = 0;
        let mut digits = String::new();
        for c in text.chars() {
            if c.is_ascii_digit() {
                digits.push(c);
                continue;
            }
            let unit = match c {
                'w' => WEEK,
                'd' => DAY,
                'h' => HOUR,
                'm' => MINUTE,
                's' => 1,
                _ => return Err(expected()),
            };
            let n: u64 = digits.parse().map_err(|_| expected())?;
            digits.clear();
            total = n
                .checked_mul(unit)
                .and_then(|part| total.checked_add(part))
                .ok_or_else(|| format!("the duration {s:?} is too long"))?;
        }
        if !digits.is_empty() {
            return Err(expected());
        }
        Ok(Self(total))
    }
}

impl fmt::Display for GracePeriod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 == 0 {
            return f.write_str("0s");
        }
        let mut left = self.0;
        for (unit, name) in [(DAY, 'd'), (HOUR, 'h'), (MINUTE, 'm'), (1, 's')] {
            if left >= unit {
                write!(f, "{}{name}", left / unit)?;
                left %= unit;
            }
        }
        Ok(())
    }
}

/// How long a user must be missing (or disabled) before deactivation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Grace {
    /// Time since the user was first seen missing (`deactivate_after`).
    pub after: Option<GracePeriod>,
    /// Consecutive runs that saw the user missing, this one included (`deactivate_after_runs`).
    pub after_runs: Option<u32>,
    /// Whether a directory account that is explicitly disabled is deactivated at once.
    pub disabled_immediately: bool,
}

impl Default for Grace {
    fn default() -> Self {
        Self {
            after: None,
            after_runs: None,
            disabled_immediately: true,
        }
    }
}

impl Grace {
    /// True when some grace is configured (a zero period and one run are none).
    pub fn is_active(&self) -> bool {
        self.after.is_some_and(|p| p.as_secs() > 0) || self.after_runs.is_some_and(|n| n > 1)
    }

    /// Where a user stands, given the mark of earlier runs, this run counted.
    pub fn weigh(
        &self,
        previous: Option<&MissingMark>,
        now: Timestamp,
        absence: Absence,
    ) -> GraceState {
        // Whole seconds: the state file and the reasons need no finer time.
        let first_seen = Timestamp::from_second(now.as_second()).unwrap_or(now);
        let mark = previous.map_or(
            MissingMark {
                since: first_seen,
                runs: 1,
            },
            |m| MissingMark {
                since: m.since,
                runs: m.runs.saturating_add(1),
            },
        );
        // A clock that went back counts as no time passed, never as a negative one.
        let elapsed = u64::try_from(now.as_second().saturating_sub(mark.since.as_second()))
            .unwrap_or_default();
        GraceState {
            absence,
            since: mark.since,
            runs: mark.runs,
            seconds_left: self.after.map(|p| p.as_secs().saturating_sub(elapsed)),
            runs_left: self.after_runs.map(|n| n.saturating_sub(mark.runs)),
        }
    }
}

/// What the runs so far recorded about one missing user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct MissingMark {
    /// When a run first saw the user missing.
    pub since: Timestamp,
    /// How many runs in a row saw it missing.
    pub runs: u32,
}

/// Marks per ftrack user.
pub type MissingMarks = BTreeMap<FtrackId, MissingMark>;

/// Why a user waits: gone from the directory, or an account disabled there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Absence {
    /// No directory entry any more.
    Missing,
    /// The directory entry is disabled.
    Disabled,
}

/// Where one user stands in its grace period, on a pending or deactivated plan item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct GraceState {
    /// Missing or disabled.
    pub absence: Absence,
    /// When a run first saw it so.
    pub since: Timestamp,
    /// Runs in a row that saw it so, this one included.
    pub runs: u32,
    /// Seconds until the grace time has passed, when a time is set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seconds_left: Option<u64>,
    /// Runs until the grace has passed, when a number of runs is set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runs_left: Option<u32>,
}

impl GraceState {
    /// True when every configured part of the grace has passed.
    pub fn is_over(&self) -> bool {
        self.seconds_left.unwrap_or(0) == 0 && self.runs_left.unwrap_or(0) == 0
    }

    /// The mark to keep for the next run.
    pub fn mark(&self) -> MissingMark {
        MissingMark {
            since: self.since,
            runs: self.runs,
        }
    }

    /// "missing since 2026-01-02T03:04:05Z (2 runs)".
    pub fn since_words(&self) -> String {
        let what = match self.absence {
            Absence::Missing => "missing",
            Absence::Disabled => "disabled",
        };
        let since = self.since.round(jiff::Unit::Second).unwrap_or(self.since);
        let runs = if self.runs == 1 {
            "1 run".to_string()
        } else {
            format!("{} runs", self.runs)
        };
        format!("{what} since {since} ({runs})")
    }

    /// What is left, "41h 12m and 2 more runs"; empty when nothing is.
    pub fn left_words(&self) -> String {
        let time = self.seconds_left.filter(|&s| s > 0).map(duration_words);
        let runs = self.runs_left.filter(|&n| n > 0).map(|n| match n {
            1 => "1 more run".to_string(),
            n => format!("{n} more runs"),
        });
        match (time, runs) {
            (Some(time), Some(runs)) => format!("{time} and {runs}"),
            (Some(one), None) | (None, Some(one)) => one,
            (None, None) => String::new(),
        }
    }

    /// The reason of a pending item: "missing since ... (1 run); deactivated after 1d 17h
    /// and 2 more runs".
    pub fn pending_reason(&self) -> String {
        format!(
            "{}; deactivated after {}",
            self.since_words(),
            self.left_words()
        )
    }
}

/// The marks a run that applies `items` records: the users waiting or deactivated after a
/// grace, and the earlier marks of active users the run did not look at (out of scope,
/// skipped). Users back in the directory, no longer active or gone from ftrack lose theirs.
pub fn next_marks(
    items: &[PlanItem],
    users: &[FtrackUser],
    previous: &MissingMarks,
) -> MissingMarks {
    let mut marks = MissingMarks::new();
    let mut seen: HashSet<&FtrackId> = HashSet::new();
    for item in items {
        let Some(ftrack) = &item.ftrack else { continue };
        if let Some(state) = &item.grace {
            marks.insert(ftrack.id.clone(), state.mark());
        }
        if item.grace.is_some() || item.directory.is_some() {
            seen.insert(&ftrack.id);
        }
    }
    let active: HashSet<&FtrackId> = users
        .iter()
        .filter(|u| u.is_active)
        .map(|u| &u.id)
        .collect();
    for (id, mark) in previous {
        if !seen.contains(id) && active.contains(id) {
            marks.insert(id.clone(), *mark);
        }
    }
    marks
}

/// A compact duration with its two largest units: "2d 5h", "41h 12m" reads as "1d 17h".
pub fn duration_words(seconds: u64) -> String {
    let units = [(DAY, "d"), (HOUR, "h"), (MINUTE, "m"), (1, "s")];
    let mut parts = Vec::new();
    let mut left = seconds;
    for (unit, name) in units {
        if left >= unit && parts.len() < 2 {
            parts.push(format!("{}{name}", left / unit));
            left %= unit;
        } else if !parts.is_empty() {
            // Only adjacent units: "1d 0h 5m" shows as "1d", never "1d 5m".
            break;
        }
    }
    if parts.is_empty() {
        "0s".to_string()
    } else {
        parts.join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_read_in_weeks_days_hours_minutes_and_seconds() {
        let read = |s: &str| s.parse::<GracePeriod>().map(GracePeriod::as_secs);
        assert_eq!(read("72h"), Ok(72 * HOUR));
        assert_eq!(read("3d"), Ok(3 * DAY));
        assert_eq!(read("1d12h"), Ok(36 * HOUR));
        assert_eq!(read("1d 12h"), Ok(36 * HOUR));
        assert_eq!(read("2w"), Ok(14 * DAY));
        assert_eq!(read("90m"), Ok(90 * MINUTE));
        for bad in [
            "",
            "72",
            "h",
            "3 days",
            "-1h",
            "1.5h",
            "99999999999999999999w",
        ] {
            assert!(read(bad).is_err(), "{bad:?} must be refused");
        }
        assert_eq!(GracePeriod::from_secs(72 * HOUR).to_string(), "3d");
        assert_eq!(
            GracePeriod::from_secs(36 * HOUR + 30).to_string(),
            "1d12h30s"
        );
    }

    #[test]
    fn durations_read_with_their_two_largest_units() {
        assert_eq!(duration_words(41 * HOUR + 12 * MINUTE), "1d 17h");
        assert_eq!(duration_words(5 * HOUR + 3 * MINUTE), "5h 3m");
        assert_eq!(duration_words(DAY + 5 * MINUTE), "1d");
        assert_eq!(duration_words(59), "59s");
        assert_eq!(duration_words(0), "0s");
    }

    #[test]
    fn a_grace_counts_this_run_and_the_time_since_the_first_mark() {
        let grace = Grace {
            after: Some(GracePeriod::from_secs(72 * HOUR)),
            after_runs: Some(3),
            disabled_immediately: true,
        };
        let start: Timestamp = "2026-03-01T00:00:00Z".parse().unwrap();
        let first = grace.weigh(None, start, Absence::Missing);
        assert_eq!((first.since, first.runs), (start, 1));
        assert_eq!(
            (first.seconds_left, first.runs_left),
            (Some(72 * HOUR), Some(2))
        );
        assert!(!first.is_over());
        let later: Timestamp = "2026-03-02T07:00:00Z".parse().unwrap();
        let second = grace.weigh(Some(&first.mark()), later, Absence::Missing);
        assert_eq!(second.left_words(), "1d 17h and 1 more run");
        let end: Timestamp = "2026-03-04T00:00:00Z".parse().unwrap();
        let third = grace.weigh(Some(&second.mark()), end, Absence::Missing);
        assert!(third.is_over(), "{third:?}");
        let earlier: Timestamp = "2026-02-01T00:00:00Z".parse().unwrap();
        let skewed = grace.weigh(Some(&first.mark()), earlier, Absence::Missing);
        assert_eq!(skewed.seconds_left, Some(72 * HOUR), "a clock gone back");
    }
}
