//! Fault injection, reproducible from a seed: added latency, a share of requests answered 503
//! or 429 with `Retry-After`, dropped connections, and "fail request number N".
//!
//! Written as `latency=50ms,error_rate=0.2,error_status=429,retry_after=2,drop_rate=0.05,fail_request=3,seed=7`
//! (and `gzip=1` to compress answers)
//! on the command line, or posted as JSON to `/sandbox/faults`.

use serde::{Deserialize, Serialize};
use std::str::FromStr;
use std::time::Duration;

/// The faults to inject.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Faults {
    /// Delay added to every request, in milliseconds.
    pub latency_ms: u64,
    /// Share of requests (0 to 1) answered with `error_status`.
    pub error_rate: f64,
    /// 503 or 429 (default 503).
    pub error_status: Option<u16>,
    /// `Retry-After` seconds sent with injected errors.
    pub retry_after: Option<u64>,
    /// Share of requests (0 to 1) whose connection is dropped before a response is complete.
    pub drop_rate: f64,
    /// The 1-based number of one request to fail with a 500 ftrack error.
    pub fail_request: Option<u64>,
    /// Seed of the random choices, so a run can be repeated exactly.
    pub seed: u64,
    /// Not a fault: answer with gzip when the client accepts it, as a server behind a
    /// compressing proxy does.
    pub gzip: bool,
}

/// What to do with one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Serve it normally.
    Serve,
    /// Answer with this HTTP status and optional `Retry-After`.
    Reject(u16, Option<u64>),
    /// Answer 500 with an ftrack error body.
    Fail,
    /// Break the connection.
    Drop,
}

/// Decides request by request, deterministically from the seed and the request count.
#[derive(Debug, Clone)]
pub struct FaultPlan {
    faults: Faults,
    state: u64,
    requests: u64,
}

impl FaultPlan {
    /// A plan for these faults, starting from their seed.
    pub fn new(faults: Faults) -> Self {
        let state = faults.seed ^ 0x9E37_79B9_7F4A_7C15;
        Self {
            faults,
            state: state.max(1),
            requests: 0,
        }
    }

    /// The latency to add.
    pub fn latency(&self) -> Duration {
        Duration::from_millis(self.faults.latency_ms)
    }

    /// The verdict for the next request (requests are counted from when the plan was set).
    pub fn decide(&mut self) -> Verdict {
        self.requests += 1;
        if self.faults.fail_request == Some(self.requests) {
            return Verdict::Fail;
        }
        let roll = self.next_unit();
        if roll < self.faults.drop_rate {
            Verdict::Drop
        } else if roll < self.faults.drop_rate + self.faults.error_rate {
            Verdict::Reject(
                self.faults.error_status.unwrap_or(503),
                self.faults.retry_after,
            )
        } else {
            Verdict::Serve
        }
    }

    /// A number in [0, 1) from a xorshift generator.
    fn next_unit(&mut self) -> f64 {
        let mut x = self.state;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.state = x;
        (x >> 11) as f64 / (1u64 << 53) as f64
    }
}

impl FromStr for Faults {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let mut faults = Faults::default();
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (key, value) = part
                .split_once('=')
                .ok_or_else(|| format!("expected key=value, found {part:?}"))?;
            let number = |v: &str| {
                v.parse::<f64>()
                    .map_err(|_| format!("{key}: expected a number, found {v:?}"))
            };
            let whole = |v: &str| {
                v.parse::<u64>()
                    .map_err(|_| format!("{key}: expected a whole number, found {v:?}"))
            };
            match key.trim() {
                "latency" => faults.latency_ms = whole(value.trim_end_matches("ms"))?,
                "error_rate" => faults.error_rate = number(value)?,
                "error_status" => {
                    let status = whole(value)?;
                    if status != 503 && status != 429 {
                        return Err(format!("error_status: expected 503 or 429, found {status}"));
                    }
                    faults.error_status = Some(status as u16);
                }
                "retry_after" => faults.retry_after = Some(whole(value)?),
                "drop_rate" => faults.drop_rate = number(value)?,
                "fail_request" => faults.fail_request = Some(whole(value)?),
                "seed" => faults.seed = whole(value)?,
                "gzip" => faults.gzip = whole(value)? != 0,
                other => {
                    return Err(format!(
                        "unknown fault {other:?}: expected latency, error_rate, error_status, retry_after, drop_rate, fail_request, seed or gzip"
                    ));
                }
            }
        }
        for (name, rate) in [
            ("error_rate", faults.error_rate),
            ("drop_rate", faults.drop_rate),
        ] {
            if !(0.0..=1.0).contains(&rate) {
                return Err(format!(
                    "{name}: expected a share from 0 to 1, found {rate}"
                ));
            }
        }
        Ok(faults)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_command_line_form() {
        let f: Faults = "latency=50ms,error_rate=0.25,error_status=429,retry_after=2,drop_rate=0.1,fail_request=3,seed=7".parse().unwrap();
        assert_eq!(f.latency_ms, 50);
        assert_eq!(f.error_status, Some(429));
        assert_eq!(f.retry_after, Some(2));
        assert_eq!(f.fail_request, Some(3));
        assert!(
            "error_rate=2"
                .parse::<Faults>()
                .unwrap_err()
                .contains("0 to 1")
        );
        assert!(
            "explode=1"
                .parse::<Faults>()
                .unwrap_err()
                .contains("unknown fault")
        );
        assert!("error_status=500".parse::<Faults>().is_err());
    }

    #[test]
    fn verdicts_follow_the_rates_and_repeat_for_a_seed() {
        let faults = Faults {
            error_rate: 0.3,
            drop_rate: 0.1,
            fail_request: Some(5),
            seed: 42,
            ..Faults::default()
        };
        let run = || {
            let mut plan = FaultPlan::new(faults.clone());
            (1..=2000).map(|_| plan.decide()).collect::<Vec<_>>()
        };
        let verdicts = run();
        assert_eq!(verdicts, run(), "same seed, same verdicts");
        assert_eq!(verdicts[4], Verdict::Fail);
        let share = |v: Verdict| verdicts.iter().filter(|x| **x == v).count() as f64 / 2000.0;
        assert!(
            (share(Verdict::Reject(503, None)) - 0.3).abs() < 0.05,
            "{}",
            share(Verdict::Reject(503, None))
        );
        assert!((share(Verdict::Drop) - 0.1).abs() < 0.03);
        assert!(FaultPlan::new(Faults::default()).decide() == Verdict::Serve);
    }
}
