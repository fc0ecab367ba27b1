//! The directory from an LDIF export: entries selected by the user filter, then mapped.

use super::entry::RawEntry;
use super::filter::{Filter, FilterError};
use super::ldif::{LdifError, read_ldif_file};
use super::mapping::map_entries;
use super::mapping_rules::Mapping;
use crate::model::DirectorySnapshot;
use jiff::civil::Date;
use std::path::Path;

/// Why an LDIF directory could not be read.
#[derive(Debug, thiserror::Error)]
pub enum OfflineError {
    /// The LDIF file is unreadable or malformed.
    #[error(transparent)]
    Ldif(#[from] LdifError),
    /// A filter is not valid RFC 4515.
    #[error("{which} {text:?}: {source}")]
    Filter {
        /// Which filter (the configured user filter or --ldap-filter).
        which: &'static str,
        /// The filter text.
        text: String,
        /// The parse error.
        #[source]
        source: FilterError,
    },
    /// The filter cannot be evaluated offline against this file.
    #[error("cannot evaluate the user filter against entry {dn}: {source}")]
    Evaluate {
        /// The entry.
        dn: String,
        /// Why.
        #[source]
        source: FilterError,
    },
}

/// Parses the configured user filter ANDed with an optional extra one (`--ldap-filter`).
pub fn user_filter(configured: &str, extra: Option<&str>) -> Result<Filter, OfflineError> {
    let parse = |which, text: &str| {
        text.parse::<Filter>()
            .map_err(|source| OfflineError::Filter {
                which,
                text: text.to_string(),
                source,
            })
    };
    let filter = parse("ldap.user_filter", configured)?;
    match extra {
        Some(extra) => Ok(filter.and(parse("--ldap-filter", extra)?)),
        None => Ok(filter),
    }
}

/// The entries a filter selects.
pub fn select_entries(
    entries: Vec<RawEntry>,
    filter: &Filter,
) -> Result<Vec<RawEntry>, OfflineError> {
    let mut selected = Vec::with_capacity(entries.len());
    for entry in entries {
        let keep = filter
            .matches(&entry)
            .map_err(|source| OfflineError::Evaluate {
                dn: entry.dn.clone(),
                source,
            })?;
        if keep {
            selected.push(entry);
        }
    }
    Ok(selected)
}

/// Reads an LDIF file and maps the entries the filter selects to directory users.
pub fn load_ldif_directory(
    path: &Path,
    filter: &Filter,
    mapping: &Mapping,
    today: Date,
) -> Result<DirectorySnapshot, OfflineError> {
    let entries = select_entries(read_ldif_file(path)?, filter)?;
    Ok(map_entries(&entries, mapping, today))
}
