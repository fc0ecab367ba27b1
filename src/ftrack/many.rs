//! Reading several queries in as few requests as the server allows: the first page of every
//! query goes out together (up to [`QUERIES_PER_REQUEST`] to a request), then the next page
//! of every query that has more, together again, until none has.

use super::client::{FtrackClient, RetryPolicy};
use super::entities::Entities;
use super::error::FtrackError;
use super::query::Select;
use super::read::PAGE_SIZE;
use super::wire::{Operation, QueryResult};
use serde_json::{Map, Value};

/// Queries sent together in one request.
pub const QUERIES_PER_REQUEST: usize = 40;

/// Values per `in (...)` condition, so that queries stay a reasonable size.
pub const VALUES_PER_QUERY: usize = 250;

/// Every row of every query, resolved to its entity's attributes, one list per query.
pub async fn read_many(
    client: &FtrackClient,
    selects: &[Select],
) -> Result<Vec<Vec<Map<String, Value>>>, FtrackError> {
    let mut rows: Vec<Vec<Map<String, Value>>> = vec![Vec::new(); selects.len()];
    // (query, offset) of the pages still to read.
    let mut pending: Vec<(usize, u64)> = (0..selects.len()).map(|q| (q, 0)).collect();
    while !pending.is_empty() {
        let mut next = Vec::new();
        for round in pending.chunks(QUERIES_PER_REQUEST) {
            let operations: Vec<Operation> = round
                .iter()
                .map(|&(q, offset)| Operation::Query {
                    expression: selects[q].page(offset, PAGE_SIZE),
                })
                .collect();
            let pages = pages(client, &operations).await?;
            let entities = merged(&pages);
            for (&(q, offset), page) in round.iter().zip(&pages) {
                for row in &page.data {
                    rows[q].push(resolved(&entities, row)?);
                }
                match page.metadata.next.offset {
                    Some(more) if more > offset => next.push((q, more)),
                    _ => {}
                }
            }
        }
        pending = next;
    }
    Ok(rows)
}

/// The same query for chunks of `values` (`field in (...)`), one select per chunk.
pub fn chunked(select: impl Fn() -> Select, field: &str, values: &[String]) -> Vec<Select> {
    values
        .chunks(VALUES_PER_QUERY)
        .map(|chunk| select().where_in(field, chunk.iter().map(String::as_str)))
        .collect()
}

async fn pages(
    client: &FtrackClient,
    operations: &[Operation],
) -> Result<Vec<QueryResult>, FtrackError> {
    // Reads are safe to repeat, so transient failures are retried.
    let results = client
        .call_with_retry(operations, RetryPolicy::default())
        .await?;
    results
        .into_iter()
        .map(serde_json::from_value::<QueryResult>)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| FtrackError::Protocol(format!("a query result is malformed: {e}")))
}

/// Normalisation may span the whole response: an entity in full in one result can be a bare
/// reference in another, so every result is merged before any row is read.
fn merged(pages: &[QueryResult]) -> Entities {
    let mut entities = Entities::default();
    for page in pages {
        entities.collect_rows(&page.data);
    }
    entities
}

fn resolved(entities: &Entities, row: &Value) -> Result<Map<String, Value>, FtrackError> {
    entities
        .resolve(row)
        .cloned()
        .ok_or_else(|| FtrackError::Protocol("a query row is not an entity".into()))
}
