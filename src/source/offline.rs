//! The directory from an LDIF export, selected as the live searches select it: users under the
//! user base that the user filter matches and, with a group base, the groups under it that the
//! group filter matches, through which the users' groups are resolved (nesting included).

use super::entry::RawEntry;
use super::filter::{Filter, FilterError};
use super::group_search::{GroupsRead, incomplete_warning, index_groups};
use super::ldap::groups::GroupIndex;
use super::ldap::mapper::Mapped;
use super::ldif::{Chunk, LdifError, read_ldif_bytes, split_records};
use super::mapping::identity_warning;
use super::mapping_rules::Mapping;
use super::subtree::Subtree;
use crate::config::LdapConfig;
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
        /// Which filter (the configured user or group filter, or --ldap-filter).
        which: &'static str,
        /// The filter text.
        text: String,
        /// The parse error.
        #[source]
        source: FilterError,
    },
    /// A filter cannot be evaluated offline against this file.
    #[error("cannot evaluate the {which} filter against entry {dn}: {source}")]
    Evaluate {
        /// Which filter: `user` or `group`.
        which: &'static str,
        /// The entry.
        dn: String,
        /// Why.
        #[source]
        source: FilterError,
    },
}

/// Which entries of an export a read takes.
#[derive(Debug, Clone)]
pub struct LdifSelection {
    /// Users are taken from under this DN (the entry and its subtree); from the whole file
    /// when unset.
    pub user_base_dn: Option<String>,
    /// The user filter, with any `--ldap-filter` ANDed.
    pub user_filter: Filter,
    /// The group search, when a group base is configured.
    pub groups: Option<GroupSelection>,
}

/// Which entries of an export are the groups a group search would find.
#[derive(Debug, Clone)]
pub struct GroupSelection {
    /// Groups are taken from under this DN (the entry and its subtree).
    pub base_dn: String,
    /// The group filter.
    pub filter: Filter,
}

impl LdifSelection {
    /// The selection the `[ldap]` settings make, with an optional extra user filter
    /// (`--ldap-filter`).
    pub fn from_config(ldap: &LdapConfig, extra: Option<&str>) -> Result<Self, OfflineError> {
        let groups = match &ldap.group_base_dn {
            Some(base_dn) => Some(GroupSelection {
                base_dn: base_dn.clone(),
                filter: parse_filter("ldap.group_filter", &ldap.group_filter)?,
            }),
            None => None,
        };
        Ok(Self {
            user_base_dn: ldap.user_base_dn.clone(),
            user_filter: user_filter(&ldap.user_filter, extra)?,
            groups,
        })
    }
}

fn parse_filter(which: &'static str, text: &str) -> Result<Filter, OfflineError> {
    text.parse::<Filter>()
        .map_err(|source| OfflineError::Filter {
            which,
            text: text.to_string(),
            source,
        })
}

/// Parses the configured user filter ANDed with an optional extra one (`--ldap-filter`).
pub fn user_filter(configured: &str, extra: Option<&str>) -> Result<Filter, OfflineError> {
    let filter = parse_filter("ldap.user_filter", configured)?;
    match extra {
        Some(extra) => Ok(filter.and(parse_filter("--ldap-filter", extra)?)),
        None => Ok(filter),
    }
}

fn matches(entry: &RawEntry, filter: &Filter, which: &'static str) -> Result<bool, OfflineError> {
    filter
        .matches(entry)
        .map_err(|source| OfflineError::Evaluate {
            which,
            dn: entry.dn.clone(),
            source,
        })
}

/// Reads an LDIF file and maps the users the selection takes.
pub fn load_ldif_directory(
    path: &Path,
    selection: &LdifSelection,
    mapping: &Mapping,
    today: Date,
) -> Result<DirectorySnapshot, OfflineError> {
    let (name, input) = read_ldif_bytes(path)?;
    let chunks = split_records(&input, parallelism(), SPLIT_AT_LEAST);
    read_chunks(&name, &chunks, selection, mapping, today)
}

/// Exports smaller than this are read on one thread: another would cost more than it saves.
/// Larger ones are read in chunks side by side, because one thread of plain parsing and mapping
/// cannot read a 100,000 user export within the benchmark's target (0.3 s).
const SPLIT_AT_LEAST: usize = 4 << 20;

/// How many threads read an export: one per core, at most four.
fn parallelism() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get().min(4))
}

/// Reads the chunks of an export, each on a thread of its own when there are several, to the
/// same snapshot (or error) as a read of the whole export at once.
fn read_chunks(
    name: &str,
    chunks: &[Chunk<'_>],
    selection: &LdifSelection,
    mapping: &Mapping,
    today: Date,
) -> Result<DirectorySnapshot, OfflineError> {
    if let [whole] = chunks[..] {
        return read_records(whole.records(name), selection, mapping, today);
    }
    let Some(group_selection) = &selection.groups else {
        let users = side_by_side(chunks, |chunk| {
            let users = Mapped::with_capacity(chunk.records_at_most());
            map_users(users, chunk.records(name), selection, mapping, None, today)
        });
        return Ok(snapshot(merge_mapped(users)?, None, mapping));
    };
    let parsed = side_by_side(chunks, |chunk| chunk.records(name).collect());
    let entries = parsed
        .into_iter()
        .collect::<Result<Vec<Vec<RawEntry>>, _>>()?
        .concat();
    read_grouped(entries, group_selection, selection, mapping, today)
}

/// `work` done on every chunk, each on a thread of its own; the results in the chunks' order.
fn side_by_side<'a, T: Send>(chunks: &[Chunk<'a>], work: impl Fn(Chunk<'a>) -> T + Sync) -> Vec<T> {
    std::thread::scope(|scope| {
        let work = &work;
        let threads: Vec<_> = chunks
            .iter()
            .map(|&chunk| scope.spawn(move || work(chunk)))
            .collect();
        threads
            .into_iter()
            .map(|thread| {
                thread
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    })
}

/// The users of every chunk in the chunks' order, or the error a read of the whole input
/// would give: the first syntax error wherever it is, else the first filter that cannot be
/// evaluated.
fn merge_mapped(parts: Vec<Result<Mapped, OfflineError>>) -> Result<Mapped, OfflineError> {
    let (syntax, others): (Vec<_>, Vec<_>) = parts
        .into_iter()
        .partition(|part| matches!(part, Err(OfflineError::Ldif(_))));
    if let Some(first) = syntax.into_iter().next() {
        return first;
    }
    let mut parts = others.into_iter();
    let Some(first) = parts.next() else {
        return Ok(Mapped::default());
    };
    // The first part's users are kept where they are and the others added in one step: a
    // large read's users copied as a list grows would fault in twice their memory.
    let mut merged = first?;
    let rest = parts.collect::<Result<Vec<Mapped>, _>>()?;
    merged
        .users
        .reserve_exact(rest.iter().map(|part| part.users.len()).sum());
    for part in rest {
        merged.append(part);
    }
    Ok(merged)
}

/// Maps the users the selection takes from these entries, their groups resolved through the
/// groups it takes when it has a group search.
pub fn read_entries(
    entries: Vec<RawEntry>,
    selection: &LdifSelection,
    mapping: &Mapping,
    today: Date,
) -> Result<DirectorySnapshot, OfflineError> {
    read_records(entries.into_iter().map(Ok), selection, mapping, today)
}

/// [`read_entries`] of records as they are parsed. Without a group
/// search each entry is mapped and dropped as it comes, so the entries are never all held at
/// once.
fn read_records(
    records: impl Iterator<Item = Result<RawEntry, LdifError>>,
    selection: &LdifSelection,
    mapping: &Mapping,
    today: Date,
) -> Result<DirectorySnapshot, OfflineError> {
    let Some(group_selection) = &selection.groups else {
        let users = map_users(Mapped::default(), records, selection, mapping, None, today)?;
        return Ok(snapshot(users, None, mapping));
    };
    let entries = records.collect::<Result<Vec<_>, _>>()?;
    read_grouped(entries, group_selection, selection, mapping, today)
}

/// The users the selection takes from these entries, with the groups the group selection
/// takes from them.
fn read_grouped(
    entries: Vec<RawEntry>,
    group_selection: &GroupSelection,
    selection: &LdifSelection,
    mapping: &Mapping,
    today: Date,
) -> Result<DirectorySnapshot, OfflineError> {
    let groups = read_groups(&entries, group_selection)?;
    let users = map_users(
        Mapped::default(),
        entries.into_iter().map(Ok),
        selection,
        mapping,
        Some(&groups.index),
        today,
    )?;
    Ok(snapshot(users, Some(groups), mapping))
}

/// The users the selection takes, mapped in the order of their entries and added to
/// `mapped` (which may come with room for them). A syntax error is reported before a filter
/// that cannot be evaluated, wherever each is in the file.
fn map_users(
    mut mapped: Mapped,
    records: impl Iterator<Item = Result<RawEntry, LdifError>>,
    selection: &LdifSelection,
    mapping: &Mapping,
    index: Option<&GroupIndex>,
    today: Date,
) -> Result<Mapped, OfflineError> {
    let base = Subtree::new(selection.user_base_dn.as_deref().unwrap_or(""));
    let mut unevaluable = None;
    for record in records {
        let entry = record?;
        if unevaluable.is_some() || !base.holds(&entry.dn) {
            continue;
        }
        match matches(&entry, &selection.user_filter, "user") {
            Ok(true) => mapped.add(&entry, mapping, index, today),
            Ok(false) => {}
            Err(error) => unevaluable = Some(error),
        }
    }
    if mapped.users.capacity() > 2 * mapped.users.len() {
        // Room was made for every record, and most were not users.
        mapped.users.shrink_to_fit();
    }
    unevaluable.map_or(Ok(mapped), Err)
}

/// The groups a group search under the selection's base would find, indexed.
fn read_groups(
    entries: &[RawEntry],
    selection: &GroupSelection,
) -> Result<GroupsRead, OfflineError> {
    let mut groups = Vec::new();
    let base = Subtree::new(&selection.base_dn);
    for entry in entries.iter().filter(|e| base.holds(&e.dn)) {
        if matches(entry, &selection.filter, "group")? {
            groups.push(entry);
        }
    }
    let filter = selection.filter.to_string();
    Ok(index_groups(groups, &selection.base_dn, &filter))
}

/// The users mapped, with the warnings and completeness of the read.
fn snapshot(mapped: Mapped, groups: Option<GroupsRead>, mapping: &Mapping) -> DirectorySnapshot {
    let mut warnings: Vec<String> = identity_warning(mapped.dn_identities, &mapping.id.attribute)
        .into_iter()
        .collect();
    let incomplete: Vec<String> = groups
        .as_ref()
        .and_then(|g| g.incomplete.as_deref())
        .map(incomplete_warning)
        .into_iter()
        .collect();
    warnings.extend(incomplete.iter().cloned());
    DirectorySnapshot {
        users: mapped.users,
        complete: incomplete.is_empty(),
        warnings,
        incomplete,
        groups_found: groups.as_ref().map(GroupsRead::found),
        read: Default::default(),
    }
}

#[cfg(test)]
mod tests;
