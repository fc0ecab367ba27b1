//! Reading every user and group from ftrack into a snapshot, page by page.
//!
//! Responses may be normalised: an entity appears in full once and as a bare reference
//! elsewhere, in any order. Each response is therefore merged into an identity map keyed by
//! type and id before any entity is read.

use super::client::{FtrackClient, RetryPolicy};
use super::error::FtrackError;
use super::many::{QUERIES_PER_REQUEST, VALUES_PER_QUERY};
use super::query::Select;
use super::wire::{Operation, QueryResult};
use crate::ids::{FtrackId, Username};
use crate::model::{FtrackGroup, FtrackSnapshot, FtrackUser};
use futures_util::StreamExt;
use futures_util::stream::FuturesOrdered;
use serde_json::{Map, Value};
use std::collections::HashMap;

/// Rows asked for per request when reading.
pub const PAGE_SIZE: u64 = 1000;

type Identity = (String, String);

/// Every entity of a response merged by type and id.
#[derive(Default)]
pub(super) struct Entities(HashMap<Identity, Map<String, Value>>);

impl Entities {
    /// Merges every entity of a page's rows, without copying the page first.
    pub(super) fn collect_rows(&mut self, rows: &[Value]) {
        rows.iter().for_each(|row| self.collect(row));
    }

    /// Merges every entity found in `value`, nested ones included.
    fn collect(&mut self, value: &Value) {
        match value {
            Value::Array(items) => items.iter().for_each(|v| self.collect(v)),
            Value::Object(map) => {
                if let Some(key) = identity(map) {
                    let entry = self.0.entry(key).or_default();
                    for (k, v) in map {
                        // Keep the fullest version of nested values (a list or object beats a reference).
                        let richer = match (entry.get(k), v) {
                            (None, _) => true,
                            (Some(Value::Object(old)), Value::Object(new)) => new.len() > old.len(),
                            (Some(_), _) => !v.is_null(),
                        };
                        if richer {
                            entry.insert(k.clone(), v.clone());
                        }
                    }
                }
                map.values().for_each(|v| self.collect(v));
            }
            _ => {}
        }
    }

    /// The merged attributes of whatever entity this value refers to.
    pub(super) fn resolve<'e>(&'e self, value: &'e Value) -> Option<&'e Map<String, Value>> {
        let map = value.as_object()?;
        identity(map).and_then(|key| self.0.get(&key)).or(Some(map))
    }
}

fn identity(map: &Map<String, Value>) -> Option<Identity> {
    let entity_type = map.get("__entity_type__")?.as_str()?;
    let id = map.get("id")?.as_str()?;
    Some((entity_type.to_string(), id.to_string()))
}

pub(super) fn text(map: &Map<String, Value>, key: &str) -> String {
    map.get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

/// One page of a query: its merged entities, its rows and the offset it says comes next.
struct Page {
    offset: u64,
    entities: Entities,
    rows: Vec<Value>,
    next: Option<u64>,
}

/// Reads one page of `select` at `offset`, retrying transient failures (reads are safe to repeat).
async fn read_page(
    client: &FtrackClient,
    select: &Select,
    offset: u64,
) -> Result<Page, FtrackError> {
    let operation = Operation::Query {
        expression: select.page(offset, PAGE_SIZE),
    };
    let results = client
        .call_with_retry(std::slice::from_ref(&operation), RetryPolicy::default())
        .await?;
    let page: QueryResult = results
        .into_iter()
        .next()
        .and_then(|r| serde_json::from_value(r).ok())
        .ok_or_else(|| FtrackError::Protocol("a query result without data".to_string()))?;
    let mut entities = Entities::default();
    entities.collect_rows(&page.data);
    Ok(Page {
        offset,
        entities,
        rows: page.data,
        next: page.metadata.next.offset,
    })
}

/// Reads all rows of a query, following `metadata.next.offset`; returns each page's merged
/// entities and rows, in order.
///
/// After the first page, up to the client's concurrency pages are asked for at once, at the offsets the server's
/// paging predicts; they are taken in order, so the result is that of a sequential read.
/// Pages asked for past the end are dropped unread. Should the server page by another step
/// than asked, the guesses in flight are dropped and reading goes on from where it points.
pub(super) async fn read_all(
    client: &FtrackClient,
    select: &Select,
) -> Result<Vec<(Entities, Vec<Value>)>, FtrackError> {
    let mut pages = Vec::new();
    let mut in_flight = FuturesOrdered::new();
    let mut step = PAGE_SIZE;
    let mut ask = 0;
    loop {
        // The first page goes alone: most reads of groups end there, and none is wasted.
        let room = if pages.is_empty() {
            1
        } else {
            client.concurrency()
        };
        while in_flight.len() < room {
            in_flight.push_back(read_page(client, select, ask));
            ask += step;
        }
        let Some(page) = in_flight.next().await else {
            return Ok(pages);
        };
        let page = page?;
        let offset = page.offset;
        pages.push((page.entities, page.rows));
        match page.next {
            Some(next) if next == offset + step => {}
            Some(next) if next > offset => {
                step = next - offset;
                ask = next;
                in_flight = FuturesOrdered::new();
            }
            _ => return Ok(pages),
        }
    }
}

/// Reads all users (with their group names) and all groups.
pub async fn read_snapshot(client: &FtrackClient) -> Result<FtrackSnapshot, FtrackError> {
    let groups = read_groups(client).await?;
    let users_query = Select::new(
        "User",
        &[
            "id",
            "username",
            "first_name",
            "last_name",
            "email",
            "is_active",
            "memberships.group.name",
            "user_type.name",
        ],
    )
    .order_by("id");
    let mut users = Vec::new();
    for (entities, rows) in read_all(client, &users_query).await? {
        for row in &rows {
            let user = entities
                .resolve(row)
                .ok_or_else(|| FtrackError::Protocol("a user row is not an entity".into()))?;
            let mut group_names: Vec<String> = memberships(&entities, user)
                .into_iter()
                .map(|(_, group)| group)
                .collect();
            group_names.sort();
            users.push(FtrackUser {
                id: FtrackId::new(text(user, "id")),
                username: Username::new(text(user, "username")),
                first_name: text(user, "first_name"),
                last_name: text(user, "last_name"),
                email: email(user),
                is_active: is_active(user),
                groups: group_names,
                user_type: user
                    .get("user_type")
                    .and_then(|t| entities.resolve(t))
                    .and_then(|t| t.get("name"))
                    .and_then(Value::as_str)
                    .map(str::to_string),
                roles: Vec::new(),
                custom: Default::default(),
            });
        }
    }
    Ok(FtrackSnapshot {
        users,
        groups,
        ..FtrackSnapshot::default()
    })
}

/// An ftrack user as it stands now, with its memberships, for checking a plan before applying it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveUser {
    /// ftrack id.
    pub id: FtrackId,
    /// Login name.
    pub username: Username,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// Email.
    pub email: Option<String>,
    /// Whether the account may log in.
    pub is_active: bool,
    /// (membership id, group name) pairs.
    pub memberships: Vec<(String, String)>,
}

/// The users whose `field` (`id` or `username`, both unique) is one of `values`, with their
/// memberships. Values go out in chunks, many chunk queries to a request.
pub async fn read_users_where(
    client: &FtrackClient,
    field: &str,
    values: &[String],
) -> Result<Vec<LiveUser>, FtrackError> {
    let queries: Vec<Operation> = values
        .chunks(VALUES_PER_QUERY)
        .map(|chunk| {
            let select = Select::new(
                "User",
                &[
                    "id",
                    "username",
                    "first_name",
                    "last_name",
                    "email",
                    "is_active",
                    "memberships.id",
                    "memberships.group.name",
                ],
            )
            .where_in(field, chunk.iter().map(String::as_str))
            .order_by("id");
            // The field is unique, so a chunk matches at most as many users as it has values.
            Operation::Query {
                expression: select.page(0, chunk.len() as u64),
            }
        })
        .collect();
    let mut users = Vec::new();
    for request in queries.chunks(QUERIES_PER_REQUEST) {
        let results = client
            .call_with_retry(request, RetryPolicy::default())
            .await?;
        let pages = results
            .into_iter()
            .map(serde_json::from_value::<QueryResult>)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| FtrackError::Protocol(format!("a query result is malformed: {e}")))?;
        // Normalisation may span the whole response: an entity in full in one result can be
        // a bare reference in another, so every result is merged before any row is read.
        let mut entities = Entities::default();
        for page in &pages {
            entities.collect_rows(&page.data);
        }
        for page in &pages {
            for row in &page.data {
                users.push(live_user(&entities, row)?);
            }
        }
    }
    Ok(users)
}

fn live_user(entities: &Entities, row: &Value) -> Result<LiveUser, FtrackError> {
    let user = entities
        .resolve(row)
        .ok_or_else(|| FtrackError::Protocol("a user row is not an entity".into()))?;
    Ok(LiveUser {
        id: FtrackId::new(text(user, "id")),
        username: Username::new(text(user, "username")),
        first_name: text(user, "first_name"),
        last_name: text(user, "last_name"),
        email: email(user),
        is_active: is_active(user),
        memberships: memberships(entities, user),
    })
}

/// A user's (membership id, group name) pairs, resolved through the response's entities.
fn memberships(entities: &Entities, user: &Map<String, Value>) -> Vec<(String, String)> {
    user.get("memberships")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|m| entities.resolve(m))
        .filter_map(|m| {
            let group = m.get("group").and_then(|g| entities.resolve(g))?;
            Some((text(m, "id"), text(group, "name")))
        })
        .collect()
}

fn email(user: &Map<String, Value>) -> Option<String> {
    user.get("email")
        .and_then(Value::as_str)
        .map(str::to_string)
}

fn is_active(user: &Map<String, Value>) -> bool {
    user.get("is_active")
        .and_then(Value::as_bool)
        .unwrap_or(false)
}

/// Every group's id and name.
pub async fn read_groups(client: &FtrackClient) -> Result<Vec<FtrackGroup>, FtrackError> {
    let select = Select::new("Group", &["id", "name"]).order_by("id");
    let mut groups = Vec::new();
    for (entities, rows) in read_all(client, &select).await? {
        for row in &rows {
            let group = entities
                .resolve(row)
                .ok_or_else(|| FtrackError::Protocol("a group row is not an entity".into()))?;
            groups.push(FtrackGroup {
                id: text(group, "id"),
                name: text(group, "name"),
            });
        }
    }
    Ok(groups)
}
