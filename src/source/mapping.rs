//! Turns raw directory entries into [`DirectoryUser`]s using the configured [`Mapping`].
//!
//! Bad values never panic: an unreadable required value becomes a `problem` on the user, which
//! the planner reports as a conflict with the reason.

use super::entry::RawEntry;
use super::mapping_rules::{ActiveRule, AttrExpr, Mapping, StatusRule};
use crate::ids::{DirectoryGroup, DirectoryId, EntryDn, Username};
use crate::model::{DirectorySnapshot, DirectoryUser, SharedGroups};
use jiff::civil::Date;
use std::collections::BTreeMap;
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

/// Maps every entry to a user and collects warnings that concern the whole read.
pub fn map_entries(entries: &[RawEntry], mapping: &Mapping, today: Date) -> DirectorySnapshot {
    let users: Vec<DirectoryUser> = entries
        .iter()
        .map(|e| map_entry(e, mapping, today))
        .collect();
    let dn_identities = entries
        .iter()
        .filter(|e| e.values(&mapping.id.attribute).is_empty())
        .count();
    let warnings = identity_warning(dn_identities, &mapping.id.attribute)
        .into_iter()
        .collect();
    DirectorySnapshot {
        users,
        complete: true,
        warnings,
        incomplete: Vec::new(),
        groups_found: None,
        read: Default::default(),
    }
}

/// The warning for entries identified by their DN because they lack the identity attribute.
pub fn identity_warning(dn_identities: usize, attribute: &str) -> Option<String> {
    (dn_identities > 0).then(|| {
        format!(
            "{dn_identities} entries have no {attribute} attribute; their DN is used as identity, so renaming or moving them will look like a new user"
        )
    })
}

/// Maps one entry to a user.
pub fn map_entry(entry: &RawEntry, mapping: &Mapping, today: Date) -> DirectoryUser {
    map_entry_sharing(entry, mapping, today, &mut SharedGroups::default())
}

/// Maps one entry to a user whose groups are the values `shared` keeps.
pub fn map_entry_sharing(
    entry: &RawEntry,
    mapping: &Mapping,
    today: Date,
    shared: &mut SharedGroups,
) -> DirectoryUser {
    let mut problems = Vec::new();
    let id = read_identity(entry, &mapping.id, &mut problems);
    let username = read_text(entry, &mapping.username, "username", &mut problems);
    let email = read_text(entry, &mapping.email, "email", &mut problems);
    let mut first_name = read_text(entry, &mapping.first_name, "first name", &mut problems);
    let mut last_name = read_text(entry, &mapping.last_name, "last name", &mut problems);
    let mut display_name = None;
    if first_name.is_none() && last_name.is_none() {
        if let Some(full) = read_text(entry, &mapping.display_name, "display name", &mut problems) {
            let (first, last) = split_display_name(&full);
            first_name = Some(first);
            last_name = last;
        }
    } else {
        // Only shown, never written to ftrack: an unreadable one is not a problem.
        display_name = read_text(
            entry,
            &mapping.display_name,
            "display name",
            &mut Vec::new(),
        )
        .filter(|full| holds_both(full, first_name.as_deref(), last_name.as_deref()));
    }
    let groups = read_groups(entry, &mapping.groups, shared, &mut problems);
    let custom = read_custom(entry, &mapping.custom, &mut problems);
    let disabled_reason = account_disabled(entry, &mapping.active, today, &mut problems);
    DirectoryUser {
        id: DirectoryId::new(id),
        dn: EntryDn::new(&entry.dn),
        username: username.map(Username::new),
        email,
        first_name,
        last_name,
        display_name,
        groups,
        active: disabled_reason.is_none(),
        disabled_reason,
        problems,
        custom,
    }
}

/// The `[mapping.custom]` values the entry has, by ftrack key; an attribute the entry lacks (or
/// holds empty) leaves its key out, so ftrack's value stays as it is.
fn read_custom(
    entry: &RawEntry,
    custom: &BTreeMap<String, AttrExpr>,
    problems: &mut Vec<String>,
) -> BTreeMap<String, String> {
    custom
        .iter()
        .filter_map(|(key, expr)| {
            let what = format!("custom attribute {key}");
            Some((key.clone(), read_text(entry, expr, &what, problems)?))
        })
        .collect()
}

/// True when a display name holds both the first and the last name (in either order), so it
/// is a full name and not, say, a login in `cn`.
fn holds_both(full: &str, first: Option<&str>, last: Option<&str>) -> bool {
    match (first, last) {
        (Some(first), Some(last)) => full.contains(first) && full.contains(last),
        _ => false,
    }
}

/// Splits "Jean-Luc Picard" into ("Jean-Luc", Some("Picard")); a single word is all first name.
fn split_display_name(full: &str) -> (String, Option<String>) {
    match full.rsplit_once(char::is_whitespace) {
        Some((first, last)) if !first.trim().is_empty() => {
            (first.trim().to_string(), Some(last.to_string()))
        }
        _ => (full.to_string(), None),
    }
}

/// Decodes, trims and NFC-normalises one value; `None` for non-UTF-8 or control characters.
fn clean_value(raw: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(raw).ok()?.trim();
    if text.is_ascii() {
        // ASCII is NFC, and its control characters are the C0 ones and DEL.
        let control = text.bytes().any(|b| b.is_ascii_control());
        return (!control).then(|| text.to_string());
    }
    if text.chars().any(char::is_control) {
        return None;
    }
    // Nearly every value is NFC already (all ASCII ones are): the quick check spares
    // recomposing them, which was a fifth of the time of reading a large LDIF export.
    Some(match is_nfc_quick(text.chars()) {
        IsNormalized::Yes => text.to_string(),
        IsNormalized::No | IsNormalized::Maybe => text.nfc().collect(),
    })
}

fn read_text(
    entry: &RawEntry,
    expr: &AttrExpr,
    what: &str,
    problems: &mut Vec<String>,
) -> Option<String> {
    let raw = entry.values(&expr.attribute).first()?;
    match clean_value(raw) {
        Some(text) if text.is_empty() => None,
        Some(text) => Some(expr.transform_owned(text)),
        None => {
            problems.push(format!(
                "{what} ({}) is not readable text: it is not valid UTF-8 or contains control characters",
                expr.attribute
            ));
            None
        }
    }
}

fn read_identity(entry: &RawEntry, expr: &AttrExpr, problems: &mut Vec<String>) -> String {
    let Some(raw) = entry.values(&expr.attribute).first() else {
        return format!("dn:{}", entry.dn.to_lowercase());
    };
    if expr.attribute.eq_ignore_ascii_case("objectGUID")
        && let Ok(bytes) = <[u8; 16]>::try_from(raw.as_slice())
    {
        return format_guid(bytes);
    }
    match clean_value(raw) {
        Some(text) if !text.is_empty() => expr.transform_owned(text),
        _ => {
            problems.push(format!(
                "identity attribute {} has an unreadable value; the DN is used instead",
                expr.attribute
            ));
            format!("dn:{}", entry.dn.to_lowercase())
        }
    }
}

/// Formats an Active Directory objectGUID in its canonical text form (its first three fields
/// are stored little-endian).
pub fn format_guid(bytes: [u8; 16]) -> String {
    uuid::Uuid::from_bytes_le(bytes).hyphenated().to_string()
}

fn read_groups(
    entry: &RawEntry,
    expr: &AttrExpr,
    shared: &mut SharedGroups,
    problems: &mut Vec<String>,
) -> Vec<DirectoryGroup> {
    let mut groups = Vec::new();
    for raw in entry.values(&expr.attribute) {
        match clean_value(raw) {
            Some(text) if !text.is_empty() => {
                groups.push(shared.value(&expr.transform_owned(text)))
            }
            Some(_) => {}
            None => problems.push(format!(
                "a group value ({}) is not readable text",
                expr.attribute
            )),
        }
    }
    groups.sort();
    groups.dedup();
    groups
}

/// Returns why the account is disabled, or `None` when it is active.
fn account_disabled(
    entry: &RawEntry,
    rule: &ActiveRule,
    today: Date,
    problems: &mut Vec<String>,
) -> Option<String> {
    let rules: Vec<StatusRule> = match rule {
        ActiveRule::None => return None,
        ActiveRule::Auto => StatusRule::ALL
            .into_iter()
            .filter(|r| !entry.values(r.attribute()).is_empty())
            .collect(),
        ActiveRule::Rules(rules) => rules.clone(),
        ActiveRule::DisabledFilter(filter) => {
            // Validated when the configuration was read, so evaluation cannot fail here.
            return match filter.matches(entry) {
                Ok(true) => Some(format!("matches the disabled-account filter {filter}")),
                Ok(false) => None,
                Err(e) => {
                    problems.push(format!(
                        "the disabled-account filter cannot be evaluated: {e}"
                    ));
                    None
                }
            };
        }
    };
    rules
        .into_iter()
        .find_map(|r| check_status(entry, r, today, problems))
}

fn check_status(
    entry: &RawEntry,
    rule: StatusRule,
    today: Date,
    problems: &mut Vec<String>,
) -> Option<String> {
    let attribute = rule.attribute();
    let value = entry
        .values(attribute)
        .first()
        .and_then(|raw| clean_value(raw))?;
    let mut unreadable = || {
        problems.push(format!("{attribute} has an unexpected value {value:?}"));
        None
    };
    match rule {
        StatusRule::UserAccountControl => match value.parse::<i64>() {
            Ok(flags) if flags & 0x2 != 0 => Some(format!(
                "disabled in Active Directory (userAccountControl {flags} has ACCOUNTDISABLE)"
            )),
            Ok(_) => None,
            Err(_) => unreadable(),
        },
        StatusRule::NsAccountLock => match value.to_ascii_lowercase().as_str() {
            "true" => Some("locked (nsAccountLock: TRUE)".to_string()),
            "false" | "" => None,
            _ => unreadable(),
        },
        StatusRule::PwdAccountLockedTime => Some(format!(
            "locked by password policy (pwdAccountLockedTime {value})"
        )),
        StatusRule::ShadowExpire => match value.parse::<i64>() {
            Ok(-1) => None,
            Ok(days) => match days_since_1970(days) {
                Some(expiry) if expiry <= today => {
                    Some(format!("expired on {expiry} (shadowExpire {days})"))
                }
                Some(_) => None,
                None => unreadable(),
            },
            Err(_) => unreadable(),
        },
        StatusRule::AccountExpires => match value.parse::<i64>() {
            Ok(ticks) => account_expiry(ticks)
                .filter(|expiry| *expiry <= today)
                .map(|expiry| format!("expired on {expiry} (accountExpires {ticks})")),
            Err(_) => unreadable(),
        },
    }
}

/// 100-ns intervals from 1601-01-01 to 1970-01-01, as Windows counts time.
const FILETIME_UNIX_EPOCH: i64 = 116_444_736_000_000_000;

/// The UTC date an `accountExpires` value names, or `None` when it never expires: 0,
/// 0x7FFFFFFFFFFFFFFF, or a moment past the calendar's end (year 9999).
fn account_expiry(ticks: i64) -> Option<Date> {
    if ticks <= 0 || ticks == i64::MAX {
        return None;
    }
    let days = (ticks - FILETIME_UNIX_EPOCH).div_euclid(864_000_000_000);
    days_since_1970(days)
}

/// The date a number of days since 1970-01-01 (a `shadowExpire` value) names, if the
/// calendar holds it.
fn days_since_1970(days: i64) -> Option<Date> {
    let span = jiff::Span::new().try_days(days).ok()?;
    Date::constant(1970, 1, 1).checked_add(span).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_with_control_characters_are_unreadable_ascii_or_not() {
        assert_eq!(clean_value(b"  Ann \t"), Some("Ann".to_string()));
        assert_eq!(clean_value(b"An\x7fn"), None);
        assert_eq!(clean_value(b"An\x01n"), None);
        assert_eq!(clean_value("Ann\u{85}é".as_bytes()), None);
        assert_eq!(
            clean_value("Ame\u{301}lie".as_bytes()),
            Some("Amélie".to_string())
        );
    }

    fn entry(pairs: &[(&str, &[u8])]) -> RawEntry {
        let mut e = RawEntry::new("uid=jdoe,ou=people,dc=example");
        for (k, v) in pairs {
            e.push(k, v.to_vec());
        }
        e
    }

    /// Day 20000 since 1970-01-01.
    const TODAY: Date = Date::constant(2024, 10, 4);

    #[test]
    fn maps_standard_attributes_trimmed_and_normalised() {
        let e = entry(&[
            ("entryUUID", b"1111"),
            ("uid", b" jdoe "),
            ("mail", b"Jane.Doe@studio.example"),
            ("givenName", "Jose\u{301}".as_bytes()),
            ("sn", b"Doe"),
            ("memberOf", b"cn=b,dc=x"),
            ("memberOf", b"cn=a,dc=x"),
            ("memberOf", b"cn=a,dc=x"),
        ]);
        let u = map_entry(&e, &Mapping::default(), TODAY);
        assert_eq!(u.id, "1111");
        assert_eq!(u.username.as_deref(), Some("jdoe"));
        assert_eq!(u.first_name.as_deref(), Some("José"));
        assert_eq!(u.groups, vec!["cn=a,dc=x", "cn=b,dc=x"]);
        assert!(u.active && u.problems.is_empty());
    }

    #[test]
    fn splits_display_name_when_names_missing() {
        let e = entry(&[("uid", b"jl"), ("cn", b"Jean-Luc  Picard")]);
        let u = map_entry(&e, &Mapping::default(), TODAY);
        assert_eq!(u.first_name.as_deref(), Some("Jean-Luc"));
        assert_eq!(u.last_name.as_deref(), Some("Picard"));
        let single = map_entry(&entry(&[("cn", b"Madonna")]), &Mapping::default(), TODAY);
        assert_eq!(single.first_name.as_deref(), Some("Madonna"));
        assert_eq!(single.last_name, None);
    }

    #[test]
    fn the_display_name_is_kept_when_it_is_the_full_name_in_the_directorys_order() {
        let e = entry(&[
            ("uid", b"tyamada"),
            ("givenName", "太郎".as_bytes()),
            ("sn", "山田".as_bytes()),
            ("cn", "山田 太郎".as_bytes()),
        ]);
        let u = map_entry(&e, &Mapping::default(), TODAY);
        assert_eq!(u.display_name.as_deref(), Some("山田 太郎"));
        // A cn that is a login, not a name, is not used.
        let login = entry(&[("givenName", b"Jane"), ("sn", b"Doe"), ("cn", b"jdoe")]);
        assert_eq!(
            map_entry(&login, &Mapping::default(), TODAY).display_name,
            None
        );
        // An unreadable one is no problem: it is only shown.
        let bad = entry(&[("givenName", b"Jane"), ("sn", b"Doe"), ("cn", &[0xff])]);
        let u = map_entry(&bad, &Mapping::default(), TODAY);
        assert!(u.display_name.is_none() && u.problems.is_empty());
    }

    #[test]
    fn missing_identity_falls_back_to_dn_with_warning() {
        let e = entry(&[("uid", b"jdoe")]);
        let snap = map_entries(&[e], &Mapping::default(), TODAY);
        assert_eq!(snap.users[0].id, "dn:uid=jdoe,ou=people,dc=example");
        assert_eq!(snap.warnings.len(), 1);
        assert!(snap.warnings[0].contains("entryUUID"));
    }

    #[test]
    fn bad_values_become_problems_not_panics() {
        let e = entry(&[("uid", &[0xff, 0xfe]), ("mail", b"a\0b@x.example")]);
        let u = map_entry(&e, &Mapping::default(), TODAY);
        assert_eq!(u.username, None);
        assert_eq!(u.email, None);
        assert_eq!(u.problems.len(), 2, "{:?}", u.problems);
    }

    #[test]
    fn transforms_apply() {
        let mapping = Mapping {
            username: "mail | localpart | lowercase".parse().unwrap(),
            ..Mapping::default()
        };
        let u = map_entry(
            &entry(&[("mail", b"Jane.Doe@Studio.example")]),
            &mapping,
            TODAY,
        );
        assert_eq!(u.username.as_deref(), Some("jane.doe"));
    }

    #[test]
    fn custom_attributes_are_read_with_their_transforms_and_absent_ones_left_out() {
        let mapping = Mapping {
            custom: BTreeMap::from([
                ("phone".to_string(), "telephoneNumber".parse().unwrap()),
                (
                    "locale".to_string(),
                    "preferredLanguage | lowercase".parse().unwrap(),
                ),
                ("employee_id".to_string(), "employeeNumber".parse().unwrap()),
                (
                    "department".to_string(),
                    "departmentNumber".parse().unwrap(),
                ),
            ]),
            ..Mapping::default()
        };
        let e = entry(&[
            ("uid", b"jdoe"),
            ("telephoneNumber", b" +46 8 123 "),
            ("preferredLanguage", b"SV-se"),
            ("departmentNumber", b""),
        ]);
        let u = map_entry(&e, &mapping, TODAY);
        let expected = BTreeMap::from([
            ("locale".to_string(), "sv-se".to_string()),
            ("phone".to_string(), "+46 8 123".to_string()),
        ]);
        assert_eq!(u.custom, expected);
        assert!(u.problems.is_empty(), "{:?}", u.problems);
        let attributes = mapping.attributes();
        for wanted in ["telephonenumber", "preferredlanguage", "employeenumber"] {
            assert!(attributes.contains(&wanted.to_string()), "{attributes:?}");
        }
        // An unreadable value is a problem that names the key, like any other value.
        let bad = map_entry(&entry(&[("telephoneNumber", &[0xff])]), &mapping, TODAY);
        assert!(bad.custom.is_empty());
        assert!(
            bad.problems[0].contains("custom attribute phone"),
            "{:?}",
            bad.problems
        );
    }

    #[test]
    fn objectguid_is_formatted_canonically() {
        let guid = [
            0x33, 0x22, 0x11, 0x00, 0x55, 0x44, 0x77, 0x66, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd,
            0xee, 0xff,
        ];
        let mapping = Mapping {
            id: AttrExpr::plain("objectGUID"),
            ..Mapping::default()
        };
        let u = map_entry(&entry(&[("objectGUID", &guid)]), &mapping, TODAY);
        assert_eq!(u.id, "00112233-4455-6677-8899-aabbccddeeff");
    }

    #[test]
    fn account_status_rules() {
        let cases: &[(&str, &[u8], bool)] = &[
            ("userAccountControl", b"514", false),
            ("userAccountControl", b"512", true),
            ("nsAccountLock", b"TRUE", false),
            ("nsAccountLock", b"false", true),
            ("pwdAccountLockedTime", b"20260101000000Z", false),
            ("shadowExpire", b"19999", false),
            ("shadowExpire", b"20000", false),
            ("shadowExpire", b"20001", true),
            ("shadowExpire", b"-1", true),
            // 2024-10-04 00:00 and 2024-10-05 00:00 UTC, in 100-ns intervals since 1601.
            ("accountExpires", b"133724736000000000", false),
            ("accountExpires", b"133725600000000000", true),
            ("accountExpires", b"0", true),
            ("accountExpires", b"9223372036854775807", true),
            // Past the calendar's end (year 9999): never, in practice.
            ("accountExpires", b"9000000000000000000", true),
        ];
        for (attr, value, active) in cases {
            let u = map_entry(
                &entry(&[("uid", b"x"), (attr, value)]),
                &Mapping::default(),
                TODAY,
            );
            assert_eq!(
                u.active,
                *active,
                "{attr}={:?}",
                String::from_utf8_lossy(value)
            );
            assert_eq!(u.disabled_reason.is_none(), *active);
        }
    }

    #[test]
    fn an_expired_account_says_on_which_date_whatever_today_is() {
        let expired = |value: &[u8], today: Date| {
            map_entry(
                &entry(&[("uid", b"x"), ("shadowExpire", value)]),
                &Mapping::default(),
                today,
            )
        };
        let reason = "expired on 2022-01-08 (shadowExpire 19000)";
        for today in [TODAY, Date::constant(2031, 2, 3)] {
            assert_eq!(
                expired(b"19000", today).disabled_reason.as_deref(),
                Some(reason)
            );
        }
        let beyond_the_calendar = expired(b"99999999999", TODAY);
        assert!(beyond_the_calendar.active);
        assert!(
            beyond_the_calendar.problems[0].contains("shadowExpire"),
            "{:?}",
            beyond_the_calendar.problems
        );
    }

    #[test]
    fn rules_can_be_restricted_or_turned_off() {
        let e = entry(&[("uid", b"x"), ("nsAccountLock", b"TRUE")]);
        let none = Mapping {
            active: ActiveRule::None,
            ..Mapping::default()
        };
        assert!(map_entry(&e, &none, TODAY).active);
        let shadow_only = Mapping {
            active: ActiveRule::Rules(vec![StatusRule::ShadowExpire]),
            ..Mapping::default()
        };
        assert!(map_entry(&e, &shadow_only, TODAY).active);
    }

    #[test]
    fn unreadable_status_value_is_a_problem() {
        let u = map_entry(
            &entry(&[("uid", b"x"), ("userAccountControl", b"lots")]),
            &Mapping::default(),
            TODAY,
        );
        assert_eq!(u.problems.len(), 1);
        assert!(u.problems[0].contains("userAccountControl"));
    }
}
