//! The environment layer, and the default state directory that depends on the environment.

use super::builder::Builder;
use super::keys::{Env, KEYS, Key};
use super::value::Raw;
use super::{ConfigError, Origin};
use crate::source::mapping_rules::AttrExpr;
use std::collections::BTreeSet;
use std::path::PathBuf;

const ATTRIBUTE_MAP: &str = "LDAP_ATTRIBUTE_MAP";

/// A variable's value; empty counts as unset, as `FOO= cmd` is the usual way to clear one.
pub(super) fn get(env: &dyn Fn(&str) -> Option<String>, name: &str) -> Option<String> {
    env(name).filter(|value| !value.is_empty())
}

/// Applies every set variable to `builder`.
pub(super) fn apply_env(
    builder: &mut Builder,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<(), ConfigError> {
    for key in KEYS {
        if let Env::Var(name) = key.env
            && let Some(value) = get(env, name)
        {
            builder.set(key.name, Raw::Text(&value), Origin::Env(name.to_string()))?;
        }
    }
    if let Some(value) = get(env, ATTRIBUTE_MAP) {
        apply_attribute_map(builder, &value)?;
    }
    Ok(())
}

/// `LDAP_ATTRIBUTE_MAP=username=uid,email=mail | lowercase`: mapping keys to attribute expressions.
fn apply_attribute_map(builder: &mut Builder, value: &str) -> Result<(), ConfigError> {
    let error = |pair: &str, message: String| ConfigError::AttributeMap {
        pair: pair.to_string(),
        message,
    };
    let map_keys: Vec<&str> = KEYS
        .iter()
        .filter(|key| key.env == Env::AttributeMap)
        .map(Key::short_name)
        .collect();
    let mut seen = BTreeSet::new();
    for pair in value.split(',').map(str::trim) {
        // Tolerate a trailing comma; it is easy to leave one when editing a long list.
        if pair.is_empty() {
            continue;
        }
        let Some((key, expr)) = pair.split_once('=') else {
            return Err(error(
                pair,
                "expected key=attribute, like username=uid".to_string(),
            ));
        };
        let key = key.trim();
        if !map_keys.contains(&key) {
            return Err(error(
                pair,
                format!(
                    "unknown mapping key {key:?}; expected one of {}",
                    map_keys.join(", ")
                ),
            ));
        }
        if !seen.insert(key) {
            return Err(error(pair, format!("mapping key {key:?} is given twice")));
        }
        // Parse here so the error names the pair rather than only the key.
        expr.parse::<AttrExpr>()
            .map_err(|message| error(pair, format!("mapping.{key}: {message}")))?;
        builder.set(
            &format!("mapping.{key}"),
            Raw::Text(expr.trim()),
            Origin::Env(ATTRIBUTE_MAP.to_string()),
        )?;
    }
    Ok(())
}

/// `$XDG_STATE_HOME/ldap2ftrack`, else `$HOME/.local/state/ldap2ftrack`, else `./.ldap2ftrack-state`.
pub(super) fn default_state_dir(env: &dyn Fn(&str) -> Option<String>) -> PathBuf {
    // The XDG spec says relative values are invalid and must be ignored.
    if let Some(state) = get(env, "XDG_STATE_HOME").map(PathBuf::from)
        && state.is_absolute()
    {
        return state.join("ldap2ftrack");
    }
    if let Some(home) = get(env, "HOME") {
        return PathBuf::from(home).join(".local/state/ldap2ftrack");
    }
    PathBuf::from("./.ldap2ftrack-state")
}
