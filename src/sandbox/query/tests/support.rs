//! Helpers shared by the query parser's tests: parsing shortcuts and tree builders.

use crate::sandbox::query::*;

pub(super) fn parse(text: &str) -> Query {
    parse_query(text).unwrap_or_else(|e| panic!("{text:?}: {e}"))
}

/// The criteria of `User where <text>`.
pub(super) fn filter(text: &str) -> Criteria {
    parse(&format!("User where {text}"))
        .filter
        .unwrap_or_else(|| panic!("{text:?} has no filter"))
}

/// Position and message of the error `text` gives.
pub(super) fn error(text: &str) -> (usize, String) {
    match parse_query(text) {
        Ok(query) => panic!("{text:?} parsed as {query:?}"),
        Err(e) => (e.position, e.message),
    }
}

pub(super) fn path(text: &str) -> Path {
    Path(text.split('.').map(str::to_owned).collect())
}

pub(super) fn query(entity: &str) -> Query {
    Query {
        projections: None,
        entity: entity.to_owned(),
        filter: None,
        order_by: Vec::new(),
        offset: None,
        limit: None,
    }
}

pub(super) fn select(paths: &[&str], entity: &str) -> Query {
    Query {
        projections: Some(paths.iter().map(|p| path(p)).collect()),
        ..query(entity)
    }
}

pub(super) fn cmp(attr: &str, op: CompareOp, value: Value) -> Criteria {
    Criteria::Compare {
        path: path(attr),
        op,
        value,
    }
}

pub(super) fn is(attr: &str, value: Value) -> Criteria {
    cmp(attr, CompareOp::Eq, value)
}

pub(super) fn text(value: &str) -> Value {
    Value::Text(value.to_owned())
}

pub(super) fn bare(value: &str) -> Value {
    Value::Bare(value.to_owned())
}

pub(super) fn and(left: Criteria, right: Criteria) -> Criteria {
    Criteria::And(Box::new(left), Box::new(right))
}

pub(super) fn or(left: Criteria, right: Criteria) -> Criteria {
    Criteria::Or(Box::new(left), Box::new(right))
}

pub(super) fn not(inner: Criteria) -> Criteria {
    Criteria::Not(Box::new(inner))
}

pub(super) fn int(attr: &str, n: i64) -> Criteria {
    is(attr, Value::Integer(n))
}
