//! A configured length of time, written as people write it: `"24h"`, `"5m"`, `"1h 30m"`.

use jiff::SignedDuration;
use std::fmt;
use std::str::FromStr;
use std::time::Duration;

/// A positive length of time, to the second.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Period(Duration);

impl Period {
    /// A period of whole seconds.
    pub const fn from_secs(secs: u64) -> Self {
        Self(Duration::from_secs(secs))
    }

    /// The period as a standard duration.
    pub fn duration(self) -> Duration {
        self.0
    }

    /// The period as a signed duration, for time arithmetic.
    pub fn signed(self) -> SignedDuration {
        SignedDuration::try_from(self.0).unwrap_or(SignedDuration::MAX)
    }
}

impl FromStr for Period {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let bad = || format!("{text:?} is not a length of time such as \"24h\", \"5m\" or \"90s\"");
        let signed: SignedDuration = text.trim().parse().map_err(|_| bad())?;
        if signed.is_negative() || signed.subsec_nanos() != 0 {
            return Err(bad());
        }
        Duration::try_from(signed).map(Self).map_err(|_| bad())
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut secs = self.0.as_secs();
        if secs == 0 {
            return f.write_str("0s");
        }
        let mut parts = Vec::new();
        for (unit, size) in [("h", 3_600), ("m", 60), ("s", 1)] {
            if secs >= size {
                parts.push(format!("{}{unit}", secs / size));
                secs %= size;
            }
        }
        f.write_str(&parts.join(" "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_read_and_write_as_people_write_them() {
        for (text, secs, shown) in [
            ("24h", 86_400, "24h"),
            ("5m", 300, "5m"),
            ("1h 30m", 5_400, "1h 30m"),
            ("90s", 90, "1m 30s"),
            ("0s", 0, "0s"),
        ] {
            let period: Period = text.parse().unwrap();
            assert_eq!(period, Period::from_secs(secs), "{text}");
            assert_eq!(period.to_string(), shown);
            assert_eq!(shown.parse::<Period>(), Ok(period));
        }
        for bad in ["", "soon", "-5m", "1.5s", "5", "2d"] {
            assert!(bad.parse::<Period>().is_err(), "{bad:?}");
        }
    }
}
