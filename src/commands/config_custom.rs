//! The `[mapping.custom]` check of `check`: each configured key against the server's user
//! custom attributes. `config validate` cannot know them; nothing is checked without keys.

use crate::config::Config;
use crate::custom::CustomAttribute;
use crate::model::FtrackSnapshot;
use crate::reconcile::custom::CustomPlanner;

/// What `check` found about the configured custom attributes on the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum CustomCheck {
    /// Every key can be written; says how many against what.
    Usable(String),
    /// One line per key ftrack cannot take, starting with where it was given.
    Problems(Vec<String>),
}

/// `check`: every configured key needs a user custom attribute of type text; each problem
/// names the key and its file line. Such keys are never written (the plan warns of them).
pub(super) fn check_live(config: &Config, configurations: Vec<CustomAttribute>) -> CustomCheck {
    let keys = config.policy(None).custom_attributes;
    let ftrack = FtrackSnapshot {
        custom_attributes: configurations,
        ..FtrackSnapshot::default()
    };
    let planner = CustomPlanner::new(&keys, &ftrack);
    let problems: Vec<String> = planner
        .unusable()
        .iter()
        .map(|unusable| {
            let key = format!("mapping.custom.{}", unusable.key);
            format!("{}: {key}: {}", config.origin(&key), unusable.why)
        })
        .collect();
    if !problems.is_empty() {
        return CustomCheck::Problems(problems);
    }
    let attributes = match keys.len() {
        1 => "1 custom attribute".to_string(),
        n => format!("{n} custom attributes"),
    };
    CustomCheck::Usable(format!(
        "{attributes} usable against ftrack's {} user custom attributes",
        ftrack.custom_attributes.len()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::load_text;
    use std::path::Path;

    fn attribute(key: &str, kind: &str) -> CustomAttribute {
        CustomAttribute {
            id: key.to_string(),
            key: key.to_string(),
            label: String::new(),
            kind: kind.to_string(),
        }
    }

    #[test]
    fn each_key_ftrack_cannot_take_is_named_with_its_line() {
        let text = "[mapping.custom]\nphone = \"telephoneNumber\"\nfax = \"fax\"\nbadge = \"employeeNumber\"\n";
        let config = load_text(Path::new("custom.toml"), text).unwrap();
        let server = vec![attribute("phone", "text"), attribute("badge", "number")];
        assert_eq!(
            check_live(&config, server),
            CustomCheck::Problems(vec![
                "custom.toml:4: mapping.custom.badge: its type in ftrack is \"number\", and only text attributes are written".to_string(),
                "custom.toml:3: mapping.custom.fax: ftrack has no user custom attribute with this key".to_string(),
            ])
        );
        let fine = load_text(
            Path::new("custom.toml"),
            "[mapping.custom]\nphone = \"mobile\"\n",
        );
        assert_eq!(
            check_live(
                &fine.unwrap(),
                vec![attribute("phone", "text"), attribute("x", "date")]
            ),
            CustomCheck::Usable(
                "1 custom attribute usable against ftrack's 2 user custom attributes".to_string()
            )
        );
    }
}
