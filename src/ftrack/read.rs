//! Reading every user and group from ftrack into a snapshot, page by page.
//!
//! Pages are decoded straight into typed rows (`user_rows.rs` for users); responses may be
//! normalised, so each response's rows are merged by id before any of them is read.

use super::client::{FtrackClient, RetryPolicy};
use super::error::FtrackError;
use super::many::{QUERIES_PER_REQUEST, VALUES_PER_QUERY};
use super::query::Select;
use super::user_rows::{ResolvedUser, UserRow, resolve_users};
use super::wire::{Operation, QueryPage};
use crate::ids::{FtrackId, Username};
use crate::model::{FtrackGroup, FtrackSnapshot, FtrackUser};
use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use std::collections::BTreeMap;

/// Rows asked for per request when reading.
pub const PAGE_SIZE: u64 = 1000;

/// The attributes every read of users asks for, before what each adds.
const USER_ATTRIBUTES: [&str; 6] = [
    "id",
    "username",
    "first_name",
    "last_name",
    "email",
    "is_active",
];

/// `USER_ATTRIBUTES` and then `more`.
fn user_projection(more: &[&'static str]) -> Vec<&'static str> {
    [USER_ATTRIBUTES.as_slice(), more].concat()
}

/// One page of a query: its offset, its rows and the offset it says comes next.
struct Page<R> {
    offset: u64,
    rows: Vec<R>,
    next: Option<u64>,
}

/// Reads one page of `select` at `offset`, retrying transient failures (reads are safe to repeat).
async fn read_page<R: DeserializeOwned>(
    client: &FtrackClient,
    select: &Select,
    offset: u64,
) -> Result<Page<R>, FtrackError> {
    let operation = Operation::Query {
        expression: select.page(offset, PAGE_SIZE),
    };
    let results: Vec<QueryPage<R>> = client
        .call_with_retry_as(std::slice::from_ref(&operation), RetryPolicy::default())
        .await?;
    let page = results
        .into_iter()
        .next()
        .ok_or_else(|| FtrackError::Protocol("a query result without data".to_string()))?;
    Ok(Page {
        offset,
        rows: page.data,
        next: page.metadata.next.offset,
    })
}

/// Reads all rows of a query, following `metadata.next.offset`, and hands each page's rows to
/// `on_page` in order (each page is one response, so normalisation never spans two pages; no
/// page is held once it is handed over).
///
/// After the first page, up to the client's concurrency pages are asked for at once, at the
/// offsets the server's paging predicts. A server working on requests side by side may answer
/// them out of order, so a page that comes early waits (up to as many again as are asked for)
/// while the next requests go out: waiting for the earliest page before asking for more would
/// let the server idle. Pages are handed over in order, so the result is that of a sequential
/// read. Pages asked for past the end are dropped unread. Should the server page by another
/// step than asked, the guesses in flight are dropped and reading goes on from where it points.
pub(super) async fn read_pages<R: DeserializeOwned>(
    client: &FtrackClient,
    select: &Select,
    mut on_page: impl FnMut(Vec<R>) -> Result<(), FtrackError>,
) -> Result<(), FtrackError> {
    let mut first = true;
    let mut running = FuturesUnordered::new();
    let mut early: BTreeMap<u64, Page<R>> = BTreeMap::new();
    let mut step = PAGE_SIZE;
    let mut ask = 0;
    let mut expect = 0;
    loop {
        // The first page goes alone: most reads of groups end there, and none is wasted.
        let room = if first { 1 } else { client.concurrency() };
        while running.len() < room && running.len() + early.len() < 2 * room {
            running.push(read_page(client, select, ask));
            ask += step;
        }
        let Some(page) = running.next().await else {
            return Ok(());
        };
        let page: Page<R> = page?;
        early.insert(page.offset, page);
        while let Some(page) = early.remove(&expect) {
            first = false;
            let offset = page.offset;
            on_page(page.rows)?;
            match page.next {
                Some(next) if next == offset + step => expect = next,
                Some(next) if next > offset => {
                    step = next - offset;
                    (ask, expect) = (next, next);
                    running = FuturesUnordered::new();
                    early.clear();
                }
                _ => return Ok(()),
            }
        }
    }
}

/// Reads all users (with their group names) and all groups, side by side: over a link with
/// latency, reading the groups first would delay the users by a round trip.
pub async fn read_snapshot(client: &FtrackClient) -> Result<FtrackSnapshot, FtrackError> {
    let (groups, users) = tokio::try_join!(read_groups(client), read_users(client))?;
    Ok(FtrackSnapshot {
        users,
        groups,
        ..FtrackSnapshot::default()
    })
}

/// Every user with its group names and user type.
async fn read_users(client: &FtrackClient) -> Result<Vec<FtrackUser>, FtrackError> {
    let projection = user_projection(&["memberships.group.name", "user_type.name"]);
    let users_query = Select::new("User", &projection).order_by("id");
    let mut users = Vec::new();
    read_pages::<UserRow>(client, &users_query, |rows| {
        users.extend(resolve_users(rows).into_iter().map(snapshot_user));
        Ok(())
    })
    .await?;
    // Read by growing a list; the spare room would stay unused while planning.
    users.shrink_to_fit();
    Ok(users)
}

fn snapshot_user(resolved: ResolvedUser) -> FtrackUser {
    let user = resolved.user;
    let mut groups: Vec<String> = user.memberships.into_iter().map(|(_, g)| g).collect();
    groups.sort();
    FtrackUser {
        id: user.id,
        username: user.username,
        first_name: user.first_name,
        last_name: user.last_name,
        email: user.email,
        is_active: user.is_active,
        groups,
        user_type: resolved.user_type,
        roles: Vec::new(),
        custom: Default::default(),
    }
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
            let projection = user_projection(&["memberships.id", "memberships.group.name"]);
            let select = Select::new("User", &projection)
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
        let pages: Vec<QueryPage<UserRow>> = client
            .call_with_retry_as(request, RetryPolicy::default())
            .await?;
        // Normalisation may span the whole response: an entity in full in one result can be
        // a bare reference in another, so the rows of every result are resolved together.
        let rows: Vec<UserRow> = pages.into_iter().flat_map(|page| page.data).collect();
        users.extend(
            resolve_users(rows)
                .into_iter()
                .map(|resolved| resolved.user),
        );
    }
    Ok(users)
}

/// A group as a query row.
#[derive(Deserialize)]
struct GroupRow {
    id: Option<String>,
    name: Option<String>,
}

/// Every group's id and name.
pub async fn read_groups(client: &FtrackClient) -> Result<Vec<FtrackGroup>, FtrackError> {
    let select = Select::new("Group", &["id", "name"]).order_by("id");
    let mut groups = Vec::new();
    read_pages::<GroupRow>(client, &select, |rows| {
        groups.extend(rows.into_iter().map(|row| FtrackGroup {
            id: row.id.unwrap_or_default(),
            name: row.name.unwrap_or_default(),
        }));
        Ok(())
    })
    .await?;
    Ok(groups)
}
