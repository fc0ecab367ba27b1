//! Reading user custom attributes: the server's user configurations, and every user's values
//! of the configured keys. Flat queries, each page by page:
//!
//! - `CustomAttributeConfiguration`: `id, key, label, type.name` where `entity_type` is `user`;
//! - `UserCustomAttributeValue`: `entity_id, value` of one configuration, one query per
//!   configured key ftrack has (its rows are dense: one per user, the default when unset).

use super::client::FtrackClient;
use super::entities::{Entities, text};
use super::error::FtrackError;
use super::query::Select;
use super::read::read_pages;
use crate::custom::{CustomAttribute, USER_ENTITY_TYPE, value_text};
use crate::ids::FtrackId;
use crate::model::FtrackSnapshot;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashMap};

/// The server's user custom attribute configurations, and each user's values of the keys read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CustomRead {
    /// Every user custom attribute configuration.
    pub configurations: Vec<CustomAttribute>,
    /// User -> key -> value as text (null values left out).
    pub values: HashMap<FtrackId, BTreeMap<String, String>>,
}

impl CustomRead {
    /// Puts the configurations into a snapshot, and each user's values on the user.
    pub fn fill(mut self, snapshot: &mut FtrackSnapshot) {
        for user in &mut snapshot.users {
            user.custom = self.values.remove(&user.id).unwrap_or_default();
        }
        snapshot.custom_attributes = self.configurations;
    }
}

/// Reads the user configurations and every user's values of `keys` (keys ftrack has no user
/// configuration for are not read).
pub async fn read_custom(
    client: &FtrackClient,
    keys: &[String],
) -> Result<CustomRead, FtrackError> {
    let configurations = read_configurations(client).await?;
    let mut values: HashMap<FtrackId, BTreeMap<String, String>> = HashMap::new();
    for key in keys {
        let Some(configuration) = configurations.iter().find(|c| &c.key == key) else {
            continue;
        };
        for (user, value) in read_values(client, &configuration.id).await? {
            values.entry(user).or_default().insert(key.clone(), value);
        }
    }
    Ok(CustomRead {
        configurations,
        values,
    })
}

/// Every user custom attribute configuration, with its type's name.
pub async fn read_configurations(
    client: &FtrackClient,
) -> Result<Vec<CustomAttribute>, FtrackError> {
    let select = Select::new(
        "CustomAttributeConfiguration",
        &["id", "key", "label", "type.name"],
    )
    .where_is("entity_type", USER_ENTITY_TYPE)
    .order_by("id");
    let mut found = Vec::new();
    read_pages::<Value>(client, &select, |rows| {
        let entities = Entities::of(&rows);
        for row in &rows {
            found.push(configuration(&entities, resolved(&entities, row)?));
        }
        Ok(())
    })
    .await?;
    Ok(found)
}

fn configuration(entities: &Entities, row: &Map<String, Value>) -> CustomAttribute {
    let kind = row
        .get("type")
        .and_then(|t| entities.resolve(t))
        .map(|t| text(t, "name"))
        .unwrap_or_default();
    CustomAttribute {
        id: text(row, "id"),
        key: text(row, "key"),
        label: text(row, "label"),
        kind,
    }
}

/// Each user's value of one configuration, as text; null values are left out.
async fn read_values(
    client: &FtrackClient,
    configuration_id: &str,
) -> Result<Vec<(FtrackId, String)>, FtrackError> {
    // One row per user: ordered by user, the pages follow each other without gaps.
    let select = Select::new("UserCustomAttributeValue", &["entity_id", "value"])
        .where_is("configuration_id", configuration_id)
        .order_by("entity_id");
    let mut found = Vec::new();
    read_pages::<Value>(client, &select, |rows| {
        let entities = Entities::of(&rows);
        for row in &rows {
            let row = resolved(&entities, row)?;
            if let Some(value) = row.get("value").and_then(value_text) {
                found.push((FtrackId::new(text(row, "entity_id")), value));
            }
        }
        Ok(())
    })
    .await?;
    Ok(found)
}

fn resolved<'e>(
    entities: &'e Entities,
    row: &'e Value,
) -> Result<&'e Map<String, Value>, FtrackError> {
    entities
        .resolve(row)
        .ok_or_else(|| FtrackError::Protocol("a query row is not an entity".into()))
}
