//! One entity type's rows in the sandbox store, with the indexes that keep lookups cheap: by
//! primary key, by the value the server keeps unique, and by each foreign key.

use super::schema::{AttributeKind, entity_schema};
use foldhash::HashMap;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};

/// One entity's attribute values.
pub type Row = Map<String, Value>;

/// Foreign-key attribute -> referenced id -> sequence numbers of the rows holding it (hashed
/// with foldhash: every projected relation looks rows up here).
type Referrers = HashMap<String, HashMap<String, BTreeSet<u64>>>;

/// The rows of one entity type, in insertion order, and their indexes.
#[derive(Debug, Default, Clone)]
pub struct Table {
    rows: BTreeMap<u64, Row>,
    by_key: HashMap<String, u64>,
    // The value that must be unique per type (see `unique_value`) -> primary key of its holder.
    unique: HashMap<String, String>,
    // So that collections resolve without a scan.
    referrers: Referrers,
}

impl Table {
    /// Rows with their sequence numbers, in insertion order.
    pub fn rows(&self) -> impl Iterator<Item = (u64, &Row)> {
        self.rows.iter().map(|(seq, row)| (*seq, row))
    }

    /// The row stored under a sequence number.
    pub fn row_at(&self, seq: u64) -> Option<&Row> {
        self.rows.get(&seq)
    }

    /// The row with this (joined) primary key.
    pub fn get(&self, key: &str) -> Option<&Row> {
        self.by_key.get(key).and_then(|seq| self.rows.get(seq))
    }

    /// The primary key of the row holding this unique value, if any.
    pub fn holder_of(&self, unique: &str) -> Option<&str> {
        self.unique.get(unique).map(String::as_str)
    }

    /// Rows whose `foreign_key` holds `id`, in insertion order.
    pub fn referring(&self, foreign_key: &str, id: &str) -> impl Iterator<Item = &Row> {
        self.referrers
            .get(foreign_key)
            .and_then(|by_id| by_id.get(id))
            .into_iter()
            .flatten()
            .filter_map(|seq| self.rows.get(seq))
    }

    /// Puts `row` under `key` (a new key gets the sequence number `next_seq` makes), or removes
    /// the row when `row` is `None`; returns the row that stood there before.
    pub fn replace(
        &mut self,
        entity_type: &str,
        key: &str,
        row: Option<Row>,
        next_seq: &mut u64,
    ) -> Option<Row> {
        let foreign_keys = foreign_keys(entity_type);
        let new_unique = row.as_ref().and_then(|r| unique_value(entity_type, r));
        let previous = match self.by_key.get(key).copied() {
            Some(seq) => {
                if let Some(old) = self.rows.get(&seq) {
                    index_references(&mut self.referrers, &foreign_keys, seq, old, false);
                }
                match row {
                    Some(row) => {
                        index_references(&mut self.referrers, &foreign_keys, seq, &row, true);
                        self.rows.insert(seq, row)
                    }
                    None => {
                        self.by_key.remove(key);
                        self.rows.remove(&seq)
                    }
                }
            }
            None => {
                if let Some(row) = row {
                    *next_seq += 1;
                    index_references(&mut self.referrers, &foreign_keys, *next_seq, &row, true);
                    self.by_key.insert(key.to_string(), *next_seq);
                    self.rows.insert(*next_seq, row);
                }
                None
            }
        };
        if let Some(old) = previous.as_ref().and_then(|r| unique_value(entity_type, r))
            && self.unique.get(&old).is_some_and(|holder| holder == key)
        {
            self.unique.remove(&old);
        }
        if let Some(new) = new_unique {
            self.unique.insert(new, key.to_string());
        }
        previous
    }
}

/// Adds (or removes) the row at `seq` under each foreign key it holds.
fn index_references(
    referrers: &mut Referrers,
    foreign_keys: &[&str],
    seq: u64,
    row: &Row,
    add: bool,
) {
    for fk in foreign_keys {
        let Some(id) = row.get(*fk).and_then(Value::as_str) else {
            continue;
        };
        let by_id = referrers.entry((*fk).to_string()).or_default();
        if add {
            by_id.entry(id.to_string()).or_default().insert(seq);
        } else if let Some(seqs) = by_id.get_mut(id) {
            seqs.remove(&seq);
            if seqs.is_empty() {
                by_id.remove(id);
            }
        }
    }
}

/// The scalar attributes of a type that hold another entity's id (`Membership.user_id`).
fn foreign_keys(entity_type: &str) -> Vec<&'static str> {
    entity_schema(entity_type)
        .map(|schema| {
            schema
                .attributes
                .values()
                .filter_map(|a| match &a.kind {
                    AttributeKind::Reference {
                        foreign_key: Some(fk),
                        ..
                    } => Some(fk.as_str()),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The value the server keeps unique for a type: a user's username, a role's or a project's
/// name, one membership per user and group, one grant per user and role, one project row
/// per grant and project.
pub fn unique_value(entity_type: &str, row: &Row) -> Option<String> {
    let text = |k: &str| row.get(k).and_then(Value::as_str);
    let pair = |a: &str, b: &str| Some(format!("{}\u{1f}{}", text(a)?, text(b)?));
    match entity_type {
        "User" => text("username").map(str::to_string),
        "SecurityRole" | "Project" => text("name").map(str::to_string),
        "Membership" => pair("user_id", "group_id"),
        "UserSecurityRole" => pair("user_id", "security_role_id"),
        "UserSecurityRoleProject" => pair("user_security_role_id", "project_id"),
        "CustomAttributeConfiguration" => pair("entity_type", "key"),
        _ => None,
    }
}

/// What a second holder of a unique value is told.
pub fn duplicate_message(entity_type: &str, value: &str) -> String {
    match entity_type {
        "User" => format!("username {value:?} is already taken"),
        "SecurityRole" => format!("a security role named {value:?} already exists"),
        "Project" => format!("a project named {value:?} already exists"),
        "Membership" => "the user is already a member of this group".to_string(),
        "UserSecurityRole" => "the user already has this security role".to_string(),
        "UserSecurityRoleProject" => "the role already gives access to this project".to_string(),
        "CustomAttributeConfiguration" => format!(
            "a custom attribute with the key {:?} already exists for this entity type",
            value.split('\u{1f}').nth(1).unwrap_or(value)
        ),
        _ => format!("{entity_type} {value:?} already exists"),
    }
}
