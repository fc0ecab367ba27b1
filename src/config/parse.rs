//! The check behind each key: a value as given, turned into the setting's type, or a message
//! saying what was expected and what was found.

use super::value::Raw;
use crate::incremental::Period;
use crate::notify::config::{HookCommand, RunWhen};
use crate::reconcile::grace::GracePeriod;
use crate::reconcile::policy::{DeactivateMissing, MaxDeactivate, UsernameCase};
use crate::source::ldap::settings::NestedGroups;
use crate::source::mapping_rules::{ActiveRule, AttrExpr};
use toml::de::DeValue;

/// The expectation for text that must not be empty.
pub(super) const NON_EMPTY: &str = "expected a non-empty string";

const SECONDS: &str = "expected a whole number of seconds greater than 0";

/// Non-empty text.
pub(super) fn text(raw: &Raw) -> Result<String, String> {
    raw.non_empty(NON_EMPTY)
}

/// `true` or `false`.
pub(super) fn boolean(raw: &Raw) -> Result<bool, String> {
    raw.boolean()
}

/// A timeout in whole seconds.
pub(super) fn seconds(raw: &Raw) -> Result<u64, String> {
    raw.whole(1, u64::MAX, SECONDS)
}

/// A length of time: `"24h"`, `"5m"`, `"1h 30m"`.
pub(super) fn period(raw: &Raw) -> Result<Period, String> {
    raw.parsed("expected a length of time such as \"24h\" or \"5m\"")
}

/// Entries per page of an LDAP search.
pub(super) fn page_size(raw: &Raw) -> Result<u32, String> {
    let n = raw.whole(1, 10_000, "expected a whole number from 1 to 10000")?;
    u32::try_from(n).map_err(|e| e.to_string())
}

/// Who resolves nested groups: `client` or `server`.
pub(super) fn nested_groups(raw: &Raw) -> Result<NestedGroups, String> {
    raw.parsed("expected \"client\" or \"server\"")
}

/// Operations per ftrack API call.
pub(super) fn batch_size(raw: &Raw) -> Result<usize, String> {
    let n = raw.whole(1, 5_000, "expected a whole number from 1 to 5000")?;
    usize::try_from(n).map_err(|e| e.to_string())
}

/// Requests kept in flight at once (pages read, batches applied).
pub(super) fn concurrency(raw: &Raw) -> Result<usize, String> {
    let n = raw.whole(1, 32, "expected a whole number from 1 to 32")?;
    usize::try_from(n).map_err(|e| e.to_string())
}

/// A response size limit in MiB.
pub(super) fn megabytes(raw: &Raw) -> Result<u64, String> {
    raw.whole(
        1,
        65_536,
        "expected a whole number of megabytes from 1 to 65536",
    )
}

/// `linked`, `all` or `never`.
pub(super) fn deactivate_missing(raw: &Raw) -> Result<DeactivateMissing, String> {
    raw.parsed("expected \"linked\", \"all\" or \"never\"")
}

/// A grace period: a duration like `"72h"` or `"3d"`.
pub(super) fn grace_period(raw: &Raw) -> Result<GracePeriod, String> {
    raw.parsed("expected a duration like \"72h\" or \"3d\"")
}

/// Consecutive runs a user must be missing from: a whole number from 1 to 10000.
pub(super) fn grace_runs(raw: &Raw) -> Result<u32, String> {
    let n = raw.whole(1, 10_000, "expected a whole number of runs from 1 to 10000")?;
    u32::try_from(n).map_err(|e| e.to_string())
}

/// A list of ftrack usernames.
pub(super) fn usernames(raw: &Raw) -> Result<Vec<String>, String> {
    raw.list("expected a list of ftrack usernames, like [\"admin\", \"pipeline\"]")
}

/// A count (a TOML integer or text) or a percentage (text like `"5%"`).
pub(super) fn max_deactivate(raw: &Raw) -> Result<MaxDeactivate, String> {
    let expected = "expected a count like 25 or a percentage like \"5%\"";
    match raw {
        Raw::Toml(DeValue::Integer(_)) => {
            Ok(MaxDeactivate::Count(raw.whole(0, u64::MAX, expected)?))
        }
        _ => raw.parsed(expected),
    }
}

/// Seats: the most active ftrack users, a whole number above 0.
pub(super) fn seats(raw: &Raw) -> Result<usize, String> {
    let n = raw.whole(
        1,
        u64::MAX,
        "expected a whole number of users greater than 0",
    )?;
    usize::try_from(n).map_err(|e| e.to_string())
}

/// The name or DN of a directory group.
pub(super) fn group_name(raw: &Raw) -> Result<String, String> {
    raw.non_empty("expected a non-empty directory group name or DN")
}

/// The name of an ftrack security role.
pub(super) fn role_name(raw: &Raw) -> Result<String, String> {
    raw.non_empty("expected a non-empty ftrack security role name")
}

/// Project names: a non-empty list, each name once (leaving the key out means all open projects).
pub(super) fn project_names(raw: &Raw) -> Result<Vec<String>, String> {
    let expected = "expected a non-empty list of ftrack project names, like [\"show_a\", \"show_b\"] \
                    (leave the key out for all open projects)";
    let names = raw.list(expected)?;
    if names.is_empty() {
        return Err(raw.mismatch(expected));
    }
    for (i, name) in names.iter().enumerate() {
        if names[..i].contains(name) {
            return Err(format!("project {name:?} is listed twice"));
        }
    }
    Ok(names)
}

/// `insensitive` or `sensitive`.
pub(super) fn username_case(raw: &Raw) -> Result<UsernameCase, String> {
    raw.parsed("expected \"insensitive\" or \"sensitive\"")
}

/// One or more space-separated LDAP URIs.
pub(super) fn ldap_uri(raw: &Raw) -> Result<String, String> {
    let expected = "expected an LDAP URI starting with ldap://, ldaps:// or ldapi://";
    let uri = raw.non_empty(expected)?.trim().to_string();
    // OpenLDAP accepts several space-separated URIs to try in turn; check each one.
    let valid = uri.split_whitespace().all(|one| {
        let lower = one.to_ascii_lowercase();
        ["ldap://", "ldaps://", "ldapi://"]
            .iter()
            .any(|scheme| lower.starts_with(scheme))
    });
    if valid {
        Ok(uri)
    } else {
        Err(raw.mismatch(expected))
    }
}

/// An LDAP filter with balanced parentheses.
pub(super) fn ldap_filter(raw: &Raw) -> Result<String, String> {
    let expected = "expected an LDAP filter in parentheses, like \"(objectClass=person)\"";
    let filter = raw.non_empty(expected)?.trim().to_string();
    let mut depth: i64 = 0;
    let balanced = filter.chars().all(|c| {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            _ => {}
        }
        depth >= 0
    }) && depth == 0;
    if !(balanced && filter.starts_with('(') && filter.ends_with(')')) {
        return Err(raw.mismatch(expected));
    }
    // Every directory read parses the filter: refuse here, with the line, what it would refuse.
    match filter.parse::<crate::source::filter::Filter>() {
        Ok(_) => Ok(filter),
        Err(e) => Err(format!("{}: {e}", raw.found())),
    }
}

/// An http:// or https:// URL, without a trailing slash.
pub(super) fn http_url(raw: &Raw) -> Result<String, String> {
    let expected = "expected a URL starting with http:// or https://";
    let url = raw
        .non_empty(expected)?
        .trim()
        .trim_end_matches('/')
        .to_string();
    let lower = url.to_ascii_lowercase();
    let host = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"));
    match host {
        Some(host) if !host.is_empty() && !host.starts_with('/') => Ok(url),
        _ => Err(raw.mismatch(expected)),
    }
}

/// An attribute expression, `mail | localpart | lowercase`.
pub(super) fn attr_expr(raw: &Raw) -> Result<AttrExpr, String> {
    raw.parsed("expected an attribute expression like \"mail | localpart | lowercase\"")
}

/// How account status is read: `auto`, `none` or a list of rules.
pub(super) fn active_rule(raw: &Raw) -> Result<ActiveRule, String> {
    let expected = "expected \"auto\", \"none\" or a list of account-status rules";
    match raw {
        Raw::Toml(DeValue::String(s)) => ActiveRule::from_names([s.as_ref()]),
        Raw::Toml(DeValue::Array(_)) | Raw::Text(_) => {
            let names = raw.list(expected)?;
            ActiveRule::from_names(names.iter().map(String::as_str))
        }
        Raw::Toml(_) => Err(raw.mismatch(expected)),
    }
}

/// Seconds one webhook attempt may take.
pub(super) fn webhook_timeout(raw: &Raw) -> Result<u64, String> {
    raw.whole(1, 60, "expected a whole number of seconds from 1 to 60")
}

/// Webhook attempts after the first.
pub(super) fn webhook_retries(raw: &Raw) -> Result<u32, String> {
    let n = raw.whole(0, 5, "expected a whole number from 0 to 5")?;
    u32::try_from(n).map_err(|e| e.to_string())
}

/// Seconds one hook command may run.
pub(super) fn hook_timeout(raw: &Raw) -> Result<u64, String> {
    raw.whole(
        1,
        3_600,
        "expected a whole number of seconds from 1 to 3600",
    )
}

/// `always` or `changed`.
pub(super) fn run_when(raw: &Raw) -> Result<RunWhen, String> {
    raw.parsed("expected \"always\" or \"changed\"")
}

const COMMAND: &str = "expected the program and its arguments as an array, like [\"/usr/local/bin/onboard\", \"--studio\"] (no shell is used)";

/// A command as an argv array of non-empty strings; never a string a shell would split.
pub(super) fn hook_command(raw: &Raw) -> Result<HookCommand, String> {
    let Raw::Toml(DeValue::Array(_)) = raw else {
        return Err(raw.mismatch(COMMAND));
    };
    let argv = raw.list(COMMAND)?;
    HookCommand::from_argv(argv).ok_or_else(|| format!("{COMMAND}, found an empty array"))
}
