//! Change markers and watermarks: LDAP generalized time and USNs, read and written without
//! trusting either side's bytes. Pure: no I/O, no clock.

use jiff::Timestamp;
use jiff::civil::DateTime;
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The attribute a directory server marks changed entries with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ChangeMarker {
    /// OpenLDAP, 389-ds and most servers: the generalized time of the last change.
    #[serde(rename = "modifyTimestamp")]
    ModifyTimestamp,
    /// Active Directory: the update sequence number of the last change on this server.
    #[serde(rename = "uSNChanged")]
    UsnChanged,
    /// Active Directory's own time of the last change, where it is all there is.
    #[serde(rename = "whenChanged")]
    WhenChanged,
}

impl ChangeMarker {
    /// The attribute's name, as filters and attribute lists write it.
    pub fn attribute(self) -> &'static str {
        match self {
            Self::ModifyTimestamp => "modifyTimestamp",
            Self::UsnChanged => "uSNChanged",
            Self::WhenChanged => "whenChanged",
        }
    }

    /// True for the markers holding a time.
    pub fn is_time(self) -> bool {
        !matches!(self, Self::UsnChanged)
    }
}

impl fmt::Display for ChangeMarker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.attribute())
    }
}

/// Watermarks before this are taken for an unset clock or a zeroed value (the "1970" pitfall).
const EARLIEST_SANE_YEAR: i16 = 2000;

/// A time as LDAP generalized time in UTC to the second: `20261202103000Z`.
pub fn format_generalized(time: Timestamp) -> String {
    let floored = Timestamp::from_second(time.as_second()).unwrap_or(time);
    TimeZone::UTC
        .to_datetime(floored)
        .strftime("%Y%m%d%H%M%SZ")
        .to_string()
}

/// Reads LDAP generalized time (RFC 4517): `YYYYMMDDHH[MM[SS]][.fraction](Z|+hhmm|-hhmm)`,
/// as OpenLDAP (`20261202103000Z`) and Active Directory (`20261202103000.0Z`) write it.
pub fn parse_generalized(text: &str) -> Result<Timestamp, String> {
    let bad = || format!("{text:?} is not an LDAP generalized time (such as 20261202103000Z)");
    let text = text.trim();
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    if !matches!(digits, 10 | 12 | 14) {
        return Err(bad());
    }
    let number = |at: usize| -> Result<i32, String> {
        text.get(at..at + 2)
            .and_then(|d| d.parse().ok())
            .ok_or_else(bad)
    };
    let year: i16 = text[..4].parse().map_err(|_| bad())?;
    let (month, day, hour) = (number(4)?, number(6)?, number(8)?);
    let minute = if digits >= 12 { number(10)? } else { 0 };
    let second = if digits >= 14 { number(12)? } else { 0 };
    let mut rest = &text[digits..];
    let mut nanos = 0;
    if let Some(fraction) = rest.strip_prefix(['.', ',']) {
        let len = fraction.bytes().take_while(u8::is_ascii_digit).count();
        if len == 0 {
            return Err(bad());
        }
        let kept: String = fraction[..len]
            .chars()
            .chain("000000000".chars())
            .take(9)
            .collect();
        nanos = kept.parse().map_err(|_| bad())?;
        rest = &fraction[len..];
    }
    let offset_secs = match rest {
        "Z" => 0,
        zone if zone.len() == 5 && (zone.starts_with('+') || zone.starts_with('-')) => {
            let sign = if zone.starts_with('-') { -1 } else { 1 };
            let (h, m) = (
                number_at(zone, 1).ok_or_else(bad)?,
                number_at(zone, 3).ok_or_else(bad)?,
            );
            sign * (h * 3600 + m * 60)
        }
        _ => return Err(bad()),
    };
    let civil = DateTime::new(
        year,
        i8::try_from(month).map_err(|_| bad())?,
        i8::try_from(day).map_err(|_| bad())?,
        i8::try_from(hour).map_err(|_| bad())?,
        i8::try_from(minute).map_err(|_| bad())?,
        i8::try_from(second).map_err(|_| bad())?,
        nanos,
    )
    .map_err(|_| bad())?;
    let utc = TimeZone::UTC.to_timestamp(civil).map_err(|_| bad())?;
    utc.checked_sub(jiff::SignedDuration::from_secs(i64::from(offset_secs)))
        .map_err(|_| bad())
}

fn number_at(text: &str, at: usize) -> Option<i32> {
    text.get(at..at + 2)?.parse().ok()
}

/// Why a time watermark cannot be trusted (before 2000, or later than `latest`), or `None`.
pub fn implausible_time(time: Timestamp, latest: Timestamp) -> Option<String> {
    let year = TimeZone::UTC.to_datetime(time).year();
    if year < EARLIEST_SANE_YEAR {
        Some(format!("it says {time}, before {EARLIEST_SANE_YEAR}"))
    } else if time > latest {
        Some(format!("it says {time}, in the future"))
    } else {
        None
    }
}

/// Reads a saved USN: a whole number above zero.
pub fn parse_usn(text: &str) -> Result<u64, String> {
    match text.trim().parse::<u64>() {
        Ok(0) => Err("a USN of 0 marks no change".to_string()),
        Ok(usn) => Ok(usn),
        Err(_) => Err(format!("{text:?} is not a USN (a whole number)")),
    }
}

/// The filter that finds entries whose `marker` is at least `value` (already formatted).
pub fn at_least(marker: ChangeMarker, value: &str) -> String {
    format!("({}>={value})", marker.attribute())
}

/// The latest change marker seen in one read, entry by entry.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LatestSeen {
    /// The latest `modifyTimestamp` seen.
    pub modify_timestamp: Option<Timestamp>,
    /// The latest `whenChanged` seen.
    pub when_changed: Option<Timestamp>,
}

impl LatestSeen {
    /// Notes one value of `marker` (values that do not read as generalized time are ignored).
    pub fn observe(&mut self, marker: ChangeMarker, value: &str) {
        let slot = match marker {
            ChangeMarker::ModifyTimestamp => &mut self.modify_timestamp,
            ChangeMarker::WhenChanged => &mut self.when_changed,
            ChangeMarker::UsnChanged => return,
        };
        if let Ok(time) = parse_generalized(value) {
            *slot = Some(slot.map_or(time, |seen| seen.max(time)));
        }
    }

    /// The marker the entries carried (modifyTimestamp first) and its latest value.
    pub fn best(&self) -> Option<(ChangeMarker, Timestamp)> {
        self.modify_timestamp
            .map(|t| (ChangeMarker::ModifyTimestamp, t))
            .or(self.when_changed.map(|t| (ChangeMarker::WhenChanged, t)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    #[test]
    fn generalized_time_is_written_in_utc_to_the_second() {
        assert_eq!(
            format_generalized(at("2026-12-02T10:30:00.9Z")),
            "20261202103000Z"
        );
        assert_eq!(
            format_generalized(at("2026-12-02T11:30:07+01:00")),
            "20261202103007Z"
        );
    }

    #[test]
    fn generalized_time_reads_openldap_ad_and_offsets() {
        let want = at("2026-12-02T10:30:00Z");
        for text in [
            "20261202103000Z",
            "20261202103000.0Z",
            "20261202113000+0100",
            "20261202093000-0100",
            "202612021030Z",
        ] {
            assert_eq!(parse_generalized(text), Ok(want), "{text}");
        }
        assert_eq!(
            parse_generalized("20261202103000.25Z"),
            Ok(at("2026-12-02T10:30:00.25Z"))
        );
        for bad in [
            "",
            "0",
            "2026-12-02T10:30:00Z",
            "20261302103000Z",
            "20261202103000",
            "20261202103000.Z",
            "20261202103000+01",
            "20261202103000Zjunk",
            "19691231235959 Z",
        ] {
            assert!(parse_generalized(bad).is_err(), "{bad:?}");
        }
        let round = format_generalized(at("2031-01-05T00:00:01Z"));
        assert_eq!(parse_generalized(&round), Ok(at("2031-01-05T00:00:01Z")));
    }

    #[test]
    fn watermarks_of_1970_and_the_future_are_implausible() {
        let now = at("2026-12-02T10:30:00Z");
        assert!(implausible_time(Timestamp::UNIX_EPOCH, now).is_some());
        assert!(implausible_time(at("1999-12-31T23:59:59Z"), now).is_some());
        assert!(implausible_time(at("2026-12-03T10:30:00Z"), now).is_some());
        assert_eq!(implausible_time(at("2026-12-02T10:00:00Z"), now), None);
    }

    #[test]
    fn usns_are_whole_numbers_above_zero() {
        assert_eq!(parse_usn("12345"), Ok(12345));
        assert!(parse_usn("0").is_err());
        assert!(parse_usn("-4").is_err());
        assert!(parse_usn("12a").is_err());
        assert_eq!(
            at_least(ChangeMarker::UsnChanged, "12346"),
            "(uSNChanged>=12346)"
        );
    }

    #[test]
    fn the_latest_marker_seen_prefers_modify_timestamp() {
        let mut seen = LatestSeen::default();
        assert_eq!(seen.best(), None);
        seen.observe(ChangeMarker::WhenChanged, "20261202103000.0Z");
        assert_eq!(
            seen.best(),
            Some((ChangeMarker::WhenChanged, at("2026-12-02T10:30:00Z")))
        );
        seen.observe(ChangeMarker::ModifyTimestamp, "20261201000000Z");
        seen.observe(ChangeMarker::ModifyTimestamp, "20261202000000Z");
        seen.observe(ChangeMarker::ModifyTimestamp, "garbage");
        seen.observe(ChangeMarker::ModifyTimestamp, "20261130000000Z");
        assert_eq!(
            seen.best(),
            Some((ChangeMarker::ModifyTimestamp, at("2026-12-02T00:00:00Z")))
        );
    }
}
