//! The environment layer, and the default state directory that depends on the environment.

use super::keys::{Builder, Raw};
use super::{ConfigError, Origin};
use crate::source::mapping_rules::AttrExpr;
use std::collections::BTreeSet;
use std::path::PathBuf;

/// Environment variables and the keys they set; names follow ftrack's and OpenLDAP's own tools.
pub(super) const VARIABLES: &[(&str, &str)] = &[
    ("FTRACK_SERVER", "ftrack.server"),
    ("FTRACK_API_USER", "ftrack.api_user"),
    ("FTRACK_API_KEY", "ftrack.api_key"),
    ("FTRACK_API_KEY_FILE", "ftrack.api_key_file"),
    ("LDAP_URI", "ldap.uri"),
    ("LDAP_BIND_DN", "ldap.bind_dn"),
    ("LDAP_BIND_PASSWORD", "ldap.bind_password"),
    ("LDAP_BIND_PASSWORD_FILE", "ldap.bind_password_file"),
    ("LDAP_USER_BASE_DN", "ldap.user_base_dn"),
    ("LDAP_USER_FILTER", "ldap.user_filter"),
    ("LDAPTLS_CACERT", "ldap.ca_file"),
    ("LDAP2FTRACK_STATE_DIR", "state.dir"),
];

const ATTRIBUTE_MAP: &str = "LDAP_ATTRIBUTE_MAP";

/// The mapping keys `LDAP_ATTRIBUTE_MAP` may set (all attribute expressions).
const MAP_KEYS: [&str; 7] = [
    "id",
    "username",
    "email",
    "first_name",
    "last_name",
    "display_name",
    "groups",
];

/// A variable's value; empty counts as unset, as `FOO= cmd` is the usual way to clear one.
pub(super) fn get(env: &dyn Fn(&str) -> Option<String>, name: &str) -> Option<String> {
    env(name).filter(|value| !value.is_empty())
}

/// Applies every set variable to `builder`.
pub(super) fn apply_env(
    builder: &mut Builder,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<(), ConfigError> {
    for (name, key) in VARIABLES {
        if let Some(value) = get(env, name) {
            builder.set(key, Raw::Text(&value), Origin::Env(name.to_string()))?;
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
        if !MAP_KEYS.contains(&key) {
            return Err(error(
                pair,
                format!(
                    "unknown mapping key {key:?}; expected one of {}",
                    MAP_KEYS.join(", ")
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
