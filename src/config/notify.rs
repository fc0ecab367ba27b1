//! The `[notify]` keys that need more than one value's check: the headers table and the
//! webhook URL, which is checked once it is known (it may come from a file).

use super::file::{by_position, invalid};
use super::value::Raw;
use super::{Config, ConfigError, Origin};
use secrecy::{ExposeSecret, SecretString};
use std::collections::BTreeMap;
use toml::de::DeValue;

/// Headers the client sets itself, which a config must not replace.
const RESERVED: [&str; 4] = [
    "content-type",
    "content-length",
    "host",
    "transfer-encoding",
];

/// Header name -> value (a secret), and the origin of each entry.
pub(super) type Headers = (BTreeMap<String, SecretString>, Vec<(String, Origin)>);

/// `[notify.webhook_headers]`: `Header-Name = "value"`; values are never quoted in errors.
pub(super) fn read_headers(
    value: &DeValue,
    origin: Origin,
    at: &dyn Fn(std::ops::Range<usize>) -> Origin,
) -> Result<Headers, ConfigError> {
    const KEY: &str = "notify.webhook_headers";
    let DeValue::Table(table) = value else {
        let found = Raw::Toml(value).found();
        let message = format!(
            "expected a table of header = \"value\" ([notify.webhook_headers]), found {found}"
        );
        return Err(invalid(origin, KEY, message));
    };
    let mut headers = BTreeMap::new();
    let mut origins = Vec::new();
    for (name, value) in by_position(table) {
        let name = name.get_ref().to_string();
        let entry_origin = at(value.span());
        let dotted = format!("{KEY}.{}", super::display::toml_key(&name));
        if reqwest::header::HeaderName::from_bytes(name.as_bytes()).is_err() {
            let message = "expected an HTTP header name (letters, digits and -)".to_string();
            return Err(invalid(entry_origin, &dotted, message));
        }
        if RESERVED.contains(&name.to_ascii_lowercase().as_str()) {
            let message = "is set by ldap2ftrack itself and cannot be given".to_string();
            return Err(invalid(entry_origin, &dotted, message));
        }
        let text = Raw::Toml(value.get_ref())
            .non_empty_secret("expected a non-empty header value")
            .map_err(|message| invalid(entry_origin.clone(), &dotted, message))?;
        if reqwest::header::HeaderValue::from_str(&text).is_err() {
            let message = "expected a header value of visible ASCII characters (not shown: it may hold a token)".to_string();
            return Err(invalid(entry_origin, &dotted, message));
        }
        headers.insert(name.clone(), SecretString::from(text));
        origins.push((name, entry_origin));
    }
    Ok((headers, origins))
}

/// The webhook URL, once known, must be an http(s) URL with a host.
pub(super) fn check_webhook_url(config: &Config) -> Result<(), ConfigError> {
    let Some(url) = &config.notify.webhook_url else {
        return Ok(());
    };
    crate::notify::redact::check_webhook_url(url.expose_secret()).map_err(|message| {
        let key = match config.secret_files.contains_key("notify.webhook_url_file") {
            true => "notify.webhook_url_file",
            false => "notify.webhook_url",
        };
        ConfigError::Invalid {
            origin: config.origin(key),
            key: key.to_string(),
            message,
        }
    })
}
