//! What a plan reads from ftrack: every user and group, and only what the configuration
//! manages besides (security roles, custom attributes), so that nothing else changes when
//! those are not in use.

use super::access::read_access;
use super::client::FtrackClient;
use super::custom::read_custom;
use super::error::FtrackError;
use super::read::read_snapshot;
use crate::model::FtrackSnapshot;

/// What a plan reads beyond users and groups.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlanningReads {
    /// The security roles, projects and every user's roles (roles are managed).
    pub access: bool,
    /// The user custom attribute configurations and every user's values of these keys.
    pub custom_attributes: Vec<String>,
}

/// Reads users and groups, and what `reads` asks for besides.
pub async fn read_for_planning(
    client: &FtrackClient,
    reads: &PlanningReads,
) -> Result<FtrackSnapshot, FtrackError> {
    // The users, the roles and the custom attributes are read side by side.
    let access = async {
        match reads.access {
            true => read_access(client).await.map(Some),
            false => Ok(None),
        }
    };
    let custom = async {
        match reads.custom_attributes.is_empty() {
            false => read_custom(client, &reads.custom_attributes)
                .await
                .map(Some),
            true => Ok(None),
        }
    };
    let (mut snapshot, access, custom) = tokio::try_join!(read_snapshot(client), access, custom)?;
    if let Some(access) = access {
        access.fill(&mut snapshot);
    }
    if let Some(custom) = custom {
        custom.fill(&mut snapshot);
    }
    Ok(snapshot)
}
