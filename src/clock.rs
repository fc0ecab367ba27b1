//! Where "now" comes from. Code that needs the time takes a [`Clock`] (or a date read from
//! one) instead of asking the system, so the demo and the tests can fix it.

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;

/// The source of the current time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Clock {
    /// The system's clock (every real run).
    #[default]
    System,
    /// Always the same instant (the demo's story date, tests).
    Fixed(Timestamp),
}

impl Clock {
    /// A clock fixed at midnight UTC of `date`.
    pub fn fixed_on(date: Date) -> Self {
        let midnight = date
            .to_zoned_datetime(TimeZone::UTC)
            .map_or(Timestamp::UNIX_EPOCH, |zoned| zoned.timestamp());
        Self::Fixed(midnight)
    }

    /// The current instant.
    pub fn now(self) -> Timestamp {
        match self {
            Self::System => Timestamp::now(),
            Self::Fixed(instant) => instant,
        }
    }

    /// Today's date in UTC, the calendar that account-expiry rules count in.
    pub fn today(self) -> Date {
        TimeZone::UTC.to_datetime(self.now()).date()
    }

    /// The current instant in RFC 3339, UTC, to the second.
    pub fn now_rfc3339(self) -> String {
        let now = self.now();
        now.round(jiff::Unit::Second).unwrap_or(now).to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn a_fixed_clock_gives_its_instant_and_utc_date() {
        let clock = Clock::fixed_on(date(2022, 1, 8));
        assert_eq!(clock.today(), date(2022, 1, 8));
        assert_eq!(clock.now_rfc3339(), "2022-01-08T00:00:00Z");
        let late: Timestamp = "2022-01-08T23:59:59.7-05:00".parse().unwrap();
        assert_eq!(
            Clock::Fixed(late).today(),
            date(2022, 1, 9),
            "UTC, not the offset"
        );
        assert_eq!(Clock::Fixed(late).now_rfc3339(), "2022-01-09T05:00:00Z");
    }
}
