//! Values as given (text or TOML) and the checks that turn them into typed settings.

use crate::source::filter::Filter;
use crate::source::mapping_rules::{ActiveRule, AttrExpr};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use toml::de::DeValue;

/// A value as given: text from the environment or a flag, or a typed TOML value from the file.
pub(super) enum Raw<'a> {
    /// Text, converted to the key's type (`"true"`, `"500"`, `"a, b"`).
    Text(&'a str),
    /// A TOML value, which must already have the key's type.
    Toml(&'a DeValue<'a>),
}

impl Raw<'_> {
    /// How the value reads in an error message.
    pub(super) fn found(&self) -> String {
        match self {
            Self::Text(s) => format!("{s:?}"),
            Self::Toml(value) => match value {
                DeValue::String(s) => format!("{:?}", s.as_ref()),
                DeValue::Integer(i) => i.to_string(),
                DeValue::Float(f) => f.to_string(),
                DeValue::Boolean(b) => b.to_string(),
                DeValue::Datetime(d) => format!("the date-time {d}"),
                DeValue::Array(_) => "an array".to_string(),
                DeValue::Table(_) => "a table".to_string(),
            },
        }
    }

    /// What kind of value this is, without the value itself (for secrets).
    fn kind(&self) -> &'static str {
        match self {
            Self::Text(s) if s.trim().is_empty() => "an empty value",
            Self::Text(_) => "text",
            Self::Toml(value) => match value {
                DeValue::String(s) if s.trim().is_empty() => "an empty string",
                DeValue::String(_) => "a string",
                DeValue::Integer(_) => "an integer",
                DeValue::Float(_) => "a number",
                DeValue::Boolean(_) => "a boolean",
                DeValue::Datetime(_) => "a date-time",
                DeValue::Array(_) => "an array",
                DeValue::Table(_) => "a table",
            },
        }
    }

    /// Like [`Raw::non_empty`], but an error names only the kind of value found, never the
    /// value: a mistyped secret is still a secret.
    pub(super) fn non_empty_secret(&self, expected: &str) -> Result<String, String> {
        match self.as_text() {
            Some(s) if !s.trim().is_empty() => Ok(s.to_string()),
            _ => Err(format!(
                "{expected}, found {} (not shown: this key holds a secret)",
                self.kind()
            )),
        }
    }

    pub(super) fn mismatch(&self, expected: &str) -> String {
        format!("{expected}, found {}", self.found())
    }

    /// The value as a string; `None` when it is a TOML value of another type.
    pub(super) fn as_text(&self) -> Option<&str> {
        match self {
            Self::Text(s) => Some(s),
            Self::Toml(value) => value.as_str(),
        }
    }

    pub(super) fn non_empty(&self, expected: &str) -> Result<String, String> {
        match self.as_text() {
            Some(s) if !s.trim().is_empty() => Ok(s.to_string()),
            _ => Err(self.mismatch(expected)),
        }
    }

    pub(super) fn boolean(&self) -> Result<bool, String> {
        let parsed = match self {
            Self::Text(s) => match s.trim().to_ascii_lowercase().as_str() {
                "true" => Some(true),
                "false" => Some(false),
                _ => None,
            },
            Self::Toml(value) => value.as_bool(),
        };
        parsed.ok_or_else(|| self.mismatch("expected true or false"))
    }

    pub(super) fn whole(&self, min: u64, max: u64, expected: &str) -> Result<u64, String> {
        let parsed = match self {
            Self::Text(s) => s.trim().parse::<u64>().ok(),
            Self::Toml(value) => value
                .as_integer()
                .and_then(|i| u64::from_str_radix(i.as_str(), i.radix()).ok()),
        };
        parsed
            .filter(|n| (min..=max).contains(n))
            .ok_or_else(|| self.mismatch(expected))
    }

    /// A list: a TOML array of strings, or comma-separated text.
    pub(super) fn list(&self, expected: &str) -> Result<Vec<String>, String> {
        match self {
            Self::Text(s) => Ok(s
                .split(',')
                .map(str::trim)
                .filter(|item| !item.is_empty())
                .map(String::from)
                .collect()),
            Self::Toml(DeValue::Array(items)) => items
                .iter()
                .map(|item| match item.get_ref().as_str() {
                    Some(s) if !s.trim().is_empty() => Ok(s.to_string()),
                    _ => Err(format!(
                        "{expected}, found {} in the list",
                        Raw::Toml(item.get_ref()).found()
                    )),
                })
                .collect(),
            Self::Toml(_) => Err(self.mismatch(expected)),
        }
    }

    /// A string parsed with `FromStr`, whose error already says what was expected.
    pub(super) fn parsed<T: FromStr<Err = String>>(&self, expected: &str) -> Result<T, String> {
        self.as_text()
            .ok_or_else(|| self.mismatch(expected))?
            .parse()
    }

    /// A path; relative paths in the file are taken from the file's directory.
    pub(super) fn path(&self, base_dir: Option<&Path>) -> Result<PathBuf, String> {
        let path = PathBuf::from(self.non_empty("expected a non-empty path")?);
        Ok(match (self, base_dir) {
            (Self::Toml(_), Some(base)) if path.is_relative() => base.join(path),
            _ => path,
        })
    }
}

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
    match filter.parse::<Filter>() {
        Ok(_) => Ok(filter),
        Err(e) => Err(format!("{}: {e}", raw.found())),
    }
}

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

pub(super) fn attr_expr(raw: &Raw) -> Result<AttrExpr, String> {
    raw.parsed("expected an attribute expression like \"mail | localpart | lowercase\"")
}

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
