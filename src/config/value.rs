//! Values as given (text or TOML) and the conversions every check is built from.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use toml::de::DeValue;

/// A value as given, and the directory relative paths in it start from (the config file's).
pub(super) struct Given<'a> {
    /// The value.
    pub(super) raw: Raw<'a>,
    /// The config file's directory, while the file's values are applied.
    pub(super) base_dir: Option<&'a Path>,
}

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
