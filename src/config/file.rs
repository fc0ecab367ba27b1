//! The TOML file layer: walks the spanned document so every error can name its line.

use super::builder::Builder;
use super::custom;
use super::display::toml_key;
use super::keys::{self, Kind};
use super::roles;
use super::value::Raw;
use super::{ConfigError, Origin};
use std::collections::BTreeMap;
use std::path::Path;
use toml::Spanned;
use toml::de::{DeString, DeTable, DeValue};

type Entry<'a, 'i> = (&'a Spanned<DeString<'i>>, &'a Spanned<DeValue<'i>>);

/// Reads the file at `path` and applies its settings to `builder`.
pub(super) fn apply_file(
    builder: &mut Builder,
    path: &Path,
    via: String,
) -> Result<(), ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::ReadFile {
        path: path.to_path_buf(),
        via,
        source,
    })?;
    apply_text(builder, path, &text)
}

/// Applies settings from TOML `text`; `path` names it in messages and anchors relative paths.
pub(super) fn apply_text(
    builder: &mut Builder,
    path: &Path,
    text: &str,
) -> Result<(), ConfigError> {
    let text = text.to_string();
    let doc = DeTable::parse(&text).map_err(|e| ConfigError::Syntax {
        path: path.to_path_buf(),
        line: line_of(&text, e.span().map_or(0, |span| span.start)),
        message: one_line(e.message()),
    })?;
    // Relative paths inside the file mean "next to the file", wherever the tool is run from.
    builder.base_dir = path
        .parent()
        .filter(|dir| !dir.as_os_str().is_empty())
        .map(Path::to_path_buf);
    let at = |span: std::ops::Range<usize>| Origin::File {
        path: path.to_path_buf(),
        line: line_of(&text, span.start),
    };

    for (section, value) in by_position(doc.get_ref()) {
        let name = section.get_ref().as_ref();
        let origin = at(section.span());
        if !keys::is_section(name) {
            return Err(invalid(origin, name, keys::unknown_key_message(name)));
        }
        let DeValue::Table(table) = value.get_ref() else {
            let found = Raw::Toml(value.get_ref()).found();
            return Err(invalid(
                origin,
                name,
                format!("expected a table ([{name}]), found {found}"),
            ));
        };
        for (key, value) in by_position(table) {
            let dotted = format!("{name}.{}", key.get_ref());
            let origin = at(key.span());
            match keys::find(&dotted).map(|key| &key.kind) {
                Some(Kind::ManagedGroups) => managed(builder, value.get_ref(), origin, &at)?,
                Some(Kind::CustomMapping) => {
                    let (custom, origins) =
                        custom::read_table(value.get_ref(), origin.clone(), &at)?;
                    builder.set_custom_mapping(custom, origin, origins);
                }
                Some(Kind::WebhookHeaders) => {
                    let (headers, origins) =
                        super::notify::read_headers(value.get_ref(), origin.clone(), &at)?;
                    builder.set_webhook_headers(headers, origin, origins);
                }
                Some(Kind::RoleRules) => {
                    let (rules, origins) = roles::read_rules(value.get_ref(), origin.clone(), &at)?;
                    builder.set_role_rules(rules, origin, origins);
                }
                _ => builder.set(&dotted, Raw::Toml(value.get_ref()), origin)?,
            }
        }
    }
    Ok(())
}

/// `[groups.managed]`: LDAP group -> ftrack group, both non-empty.
fn managed(
    builder: &mut Builder,
    value: &DeValue,
    origin: Origin,
    at: &dyn Fn(std::ops::Range<usize>) -> Origin,
) -> Result<(), ConfigError> {
    let DeValue::Table(table) = value else {
        let found = Raw::Toml(value).found();
        return Err(invalid(
            origin,
            "groups.managed",
            format!(
                "expected a table of LDAP group = \"ftrack group\" ([groups.managed]), found {found}"
            ),
        ));
    };
    let mut managed = BTreeMap::new();
    let mut origins = Vec::new();
    for (key, value) in by_position(table) {
        let name = key.get_ref().to_string();
        let entry_origin = at(key.span());
        let dotted = format!("groups.managed.{}", toml_key(&name));
        if name.trim().is_empty() {
            return Err(invalid(
                entry_origin,
                &dotted,
                "expected an LDAP group name or DN, found an empty key".to_string(),
            ));
        }
        match value.get_ref().as_str() {
            Some(group) if !group.trim().is_empty() => {
                managed.insert(name.clone(), group.to_string());
                origins.push((name, entry_origin));
            }
            _ => {
                let found = Raw::Toml(value.get_ref()).found();
                return Err(invalid(
                    entry_origin,
                    &dotted,
                    format!("expected a non-empty ftrack group name, found {found}"),
                ));
            }
        }
    }
    builder.set_managed(managed, origin, origins);
    Ok(())
}

/// A key is unknown or its value is not allowed.
pub(super) fn invalid(origin: Origin, key: &str, message: String) -> ConfigError {
    ConfigError::Invalid {
        origin,
        key: key.to_string(),
        message,
    }
}

/// Table entries in file order, so the first problem reported is the first in the file.
pub(super) fn by_position<'a, 'i>(table: &'a DeTable<'i>) -> Vec<Entry<'a, 'i>> {
    let mut entries: Vec<Entry> = table.iter().collect();
    entries.sort_by_key(|(key, _)| key.span().start);
    entries
}

/// 1-based line of a byte offset.
pub(super) fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

fn one_line(message: &str) -> String {
    message
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect::<Vec<_>>()
        .join("; ")
}
