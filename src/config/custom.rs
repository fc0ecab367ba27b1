//! The `[mapping.custom]` table: ftrack user custom attribute key = directory attribute
//! expression, with the transforms of the other `[mapping]` keys. Only the config file gives
//! it; each message names the entry and its line.

use super::display::toml_key;
use super::file::{by_position, invalid};
use super::value::Raw;
use super::{ConfigError, Origin};
use crate::source::mapping_rules::AttrExpr;
use std::collections::BTreeMap;
use std::ops::Range;
use toml::de::DeValue;

/// Where each entry was given: `(mapping.custom.phone, origin)`.
pub(super) type EntryOrigins = Vec<(String, Origin)>;

/// Reads the table: every key a usable ftrack key, every value an attribute expression.
pub(super) fn read_table(
    value: &DeValue,
    origin: Origin,
    at: &dyn Fn(Range<usize>) -> Origin,
) -> Result<(BTreeMap<String, AttrExpr>, EntryOrigins), ConfigError> {
    let DeValue::Table(table) = value else {
        let found = Raw::Toml(value).found();
        let message = format!(
            "expected a table of ftrack attribute key = \"directory attribute\" \
             ([mapping.custom]), found {found}"
        );
        return Err(invalid(origin, "mapping.custom", message));
    };
    let mut custom = BTreeMap::new();
    let mut origins = EntryOrigins::new();
    for (key, value) in by_position(table) {
        let name = key.get_ref().to_string();
        let here = at(key.span());
        let dotted = format!("mapping.custom.{}", toml_key(&name));
        let expr = check_key(&name)
            .and_then(|()| expression(value.get_ref()))
            .map_err(|message| invalid(here.clone(), &dotted, message))?;
        custom.insert(name.clone(), expr);
        origins.push((format!("mapping.custom.{name}"), here));
    }
    Ok((custom, origins))
}

/// An ftrack key: not empty, no spaces around it, no control characters.
fn check_key(name: &str) -> Result<(), String> {
    if name.trim().is_empty() {
        return Err("expected an ftrack custom attribute key, found an empty key".to_string());
    }
    if name.trim() != name || name.chars().any(char::is_control) {
        return Err(format!(
            "expected an ftrack custom attribute key without spaces around it or control \
             characters, found {name:?}"
        ));
    }
    Ok(())
}

/// The directory side: an attribute expression like `telephoneNumber` or `c | lowercase`.
fn expression(value: &DeValue) -> Result<AttrExpr, String> {
    let raw = Raw::Toml(value);
    let expected = "expected an attribute expression like \"telephoneNumber\" or \
                    \"preferredLanguage | lowercase\"";
    raw.as_text().ok_or_else(|| raw.mismatch(expected))?.parse()
}
