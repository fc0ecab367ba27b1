//! From planned custom attribute changes to updates of the users' values.
//!
//! ftrack keeps one `UserCustomAttributeValue` per user and user attribute, keyed by the
//! attribute's configuration and the user, so a value is always written with an `update`
//! (as ftrack's Python client does), never a create. The configurations are read just before
//! applying, so the plan names attributes by key only.

use crate::custom::CustomAttribute;
use crate::ftrack::wire::{EntityKey, Operation};
use crate::ids::FtrackId;
use crate::reconcile::plan::PlanItem;
use serde_json::{Map, Value};
use std::collections::HashMap;

/// The entity type of a user's value of a user custom attribute.
pub const VALUE_ENTITY: &str = "UserCustomAttributeValue";

/// A change names an attribute ftrack cannot take.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MissingCustom {
    /// No user custom attribute of type text has this key.
    #[error("ftrack has no user custom attribute {0:?} of type text")]
    Attribute(String),
}

/// ftrack's user custom attributes of type text, by key, read just before applying.
#[derive(Debug, Clone, Default)]
pub struct LiveCustom {
    ids: HashMap<String, String>,
}

impl LiveCustom {
    /// Keeps the text attributes of a read.
    pub fn new(configurations: Vec<CustomAttribute>) -> Self {
        Self {
            ids: configurations
                .into_iter()
                .filter(CustomAttribute::is_text)
                .map(|c| (c.key, c.id))
                .collect(),
        }
    }

    /// The updates that give the item's user its planned values.
    pub fn operations(
        &self,
        item: &PlanItem,
        user_id: &FtrackId,
    ) -> Result<Vec<Operation>, MissingCustom> {
        item.custom
            .iter()
            .map(|change| {
                let configuration_id = self
                    .ids
                    .get(&change.key)
                    .ok_or_else(|| MissingCustom::Attribute(change.key.clone()))?;
                let mut data = Map::new();
                data.insert("value".into(), Value::String(change.to.clone()));
                Ok(Operation::Update {
                    entity_type: VALUE_ENTITY.into(),
                    entity_key: EntityKey::List(vec![
                        configuration_id.clone(),
                        user_id.to_string(),
                    ]),
                    entity_data: data,
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reconcile::custom::CustomChange;
    use serde_json::json;

    fn attribute(key: &str, kind: &str) -> CustomAttribute {
        CustomAttribute {
            id: format!("c-{key}"),
            key: key.into(),
            label: String::new(),
            kind: kind.into(),
        }
    }

    fn item_with(keys: &[&str]) -> PlanItem {
        let mut item: PlanItem = serde_json::from_value(json!({
            "action": "update", "username": "ann", "name": "", "directory": null, "ftrack": null,
            "matched_by": null, "changes": [], "groups": {"add": [], "remove": []}, "reason": null
        }))
        .unwrap();
        item.custom = keys
            .iter()
            .map(|key| CustomChange {
                key: key.to_string(),
                from: None,
                to: format!("new {key}"),
            })
            .collect();
        item
    }

    #[test]
    fn each_value_is_an_update_of_the_users_row() {
        let live = LiveCustom::new(vec![attribute("phone", "text"), attribute("n", "number")]);
        let operations = live
            .operations(&item_with(&["phone"]), &"u-1".into())
            .unwrap();
        let wire = serde_json::to_value(&operations).unwrap();
        assert_eq!(
            wire,
            json!([{"action": "update", "entity_type": "UserCustomAttributeValue",
                    "entity_key": ["c-phone", "u-1"], "entity_data": {"value": "new phone"}}])
        );
        for missing in ["n", "fax"] {
            assert_eq!(
                live.operations(&item_with(&["phone", missing]), &"u-1".into()),
                Err(MissingCustom::Attribute(missing.into()))
            );
        }
    }
}
