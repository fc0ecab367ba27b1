//! What `init` learns over the network: the directory's root DSE, schema and containers, the
//! users a filter matches, and whether ftrack takes the API user and key.

use crate::ftrack::client::{FtrackClient, RetryPolicy};
use crate::ftrack::error::FtrackError;
use crate::ftrack::query::Select;
use crate::ftrack::wire::{Operation, QueryResult};
use crate::setup::detect::{DirectoryKind, RootDse, SchemaNames, detect, user_contexts};
use crate::source::ldap::connect::connect;
use crate::source::ldap::discover::{find_children, read_root_dse, read_schema};
use crate::source::ldap::error::DirectoryError;
use crate::source::ldap::settings::LdapSettings;
use crate::source::ldap::{Probe, probe};
use secrecy::SecretString;
use std::time::Duration;

/// RDNs of the containers that may hold people or groups, looked for below a naming context.
const CONTAINER_RDNS: [&str; 7] = [
    "ou=people",
    "ou=users",
    "ou=staff",
    "ou=employees",
    "ou=groups",
    "ou=group",
    "cn=accounts",
];

/// What the directory says about itself.
pub struct Discovery {
    /// The kind of server.
    pub kind: DirectoryKind,
    /// Naming contexts that may hold users, the likeliest first.
    pub contexts: Vec<String>,
    /// The schema's names (empty when unreadable).
    pub schema: SchemaNames,
}

/// A runtime for init's few requests.
fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
}

/// Connects, binds, and reads the root DSE and the schema.
pub fn discover(settings: &LdapSettings) -> Result<Discovery, DirectoryError> {
    let runtime = runtime().map_err(|e| DirectoryError::Settings(e.to_string()))?;
    runtime.block_on(async {
        let mut connection = connect(settings).await?;
        // A server that hides its root DSE is still usable: the base DN is then asked for.
        let attributes = read_root_dse(&mut connection, settings.timeout).await;
        let root = RootDse::new(attributes.unwrap_or_default());
        let schema = match root.first("subschemaSubentry") {
            Some(dn) => {
                let (types, classes) = read_schema(&mut connection, settings.timeout, dn).await;
                SchemaNames::from_definitions(&types, &classes)
            }
            None => SchemaNames::default(),
        };
        let _ = connection.ldap.unbind().await;
        let kind = detect(&root);
        Ok(Discovery {
            kind,
            contexts: user_contexts(kind, &root),
            schema,
        })
    })
}

/// The containers below `context` that may hold people or groups (and FreeIPA's below
/// `cn=accounts`).
pub fn containers(settings: &LdapSettings, context: &str) -> Result<Vec<String>, DirectoryError> {
    let runtime = runtime().map_err(|e| DirectoryError::Settings(e.to_string()))?;
    runtime.block_on(async {
        let mut connection = connect(settings).await?;
        let timeout = settings.timeout;
        let mut found = find_children(&mut connection, timeout, context, &CONTAINER_RDNS).await;
        let accounts = found
            .iter()
            .find(|dn| dn.to_ascii_lowercase().starts_with("cn=accounts,"))
            .cloned();
        if let Some(accounts) = accounts {
            let below = ["cn=users", "cn=groups"];
            found.extend(find_children(&mut connection, timeout, &accounts, &below).await);
        }
        let _ = connection.ldap.unbind().await;
        Ok(found)
    })
}

/// Binds again and counts the users `settings` select.
pub fn count_users(settings: &LdapSettings) -> Result<Probe, DirectoryError> {
    let runtime = runtime().map_err(|e| DirectoryError::Settings(e.to_string()))?;
    runtime.block_on(probe(settings))
}

/// Whether any entry under `base` matches the group `filter` (an empty groups container
/// would make every read look incomplete).
pub fn holds_groups(
    settings: &LdapSettings,
    base: &str,
    filter: &str,
) -> Result<bool, DirectoryError> {
    let groups = LdapSettings {
        user_base_dn: base.to_string(),
        user_filter: filter.to_string(),
        ..settings.clone()
    };
    Ok(count_users(&groups)?.users > 0)
}

/// Reaches ftrack with the API user and key, reads the server's version and looks the API
/// user up; the line to show.
pub fn check_ftrack(server: &str, user: &str, key: SecretString) -> Result<String, FtrackError> {
    let client = FtrackClient::new(server, user, key, Duration::from_secs(30))?;
    let user_query = Select::new("User", &["id", "username", "is_active"])
        .where_is("username", user)
        .expression();
    let operations = [
        Operation::QueryServerInformation { values: None },
        Operation::Query {
            expression: user_query,
        },
    ];
    let quick = RetryPolicy {
        attempts: 2,
        ..RetryPolicy::default()
    };
    let runtime = runtime().map_err(|e| FtrackError::Transport {
        url: server.to_string(),
        message: e.to_string(),
    })?;
    let results = runtime.block_on(client.call_with_retry(&operations, quick))?;
    let version = results
        .first()
        .and_then(|info| info.get("version"))
        .and_then(|v| v.as_str())
        .unwrap_or("unknown");
    let found = results
        .get(1)
        .cloned()
        .and_then(|r| serde_json::from_value::<QueryResult>(r).ok())
        .and_then(|r| r.data.into_iter().next());
    let standing = match found {
        Some(user) if user.get("is_active") == Some(&serde_json::Value::Bool(false)) => {
            "an inactive ftrack user"
        }
        Some(_) => "an active ftrack user",
        None => "no ftrack user of that name (an API key of its own?)",
    };
    Ok(format!(
        "{server} as {user} ({standing}), server version {version}"
    ))
}
