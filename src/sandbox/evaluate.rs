//! Runs parsed queries against the sandbox store: filtering, relation traversal, ordering,
//! paging and projections.
//!
//! Dotted paths follow references (`user.username`) and fan out over collections
//! (`memberships.group.name` is true when some membership's group matches). `like` compares
//! without case, with `%` and `_` wildcards; `is` compares exactly. Collections are served from
//! the store's foreign-key index, so following one costs only the rows it holds.

use super::compare::{compare, literal_text, order_values};
use super::normalise::Form;
use super::projection::Shape;
use super::query::{CompareOp, Criteria, InSource, Ordering, Path, Query, Value as Literal};
use super::schema::{AttributeKind, EntitySchema, entity_schema};
use super::store::{Row, Store, StoreError};
use serde_json::Value;
use std::borrow::Cow;
use std::cell::RefCell;
use std::cmp::Ordering as Order;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;
use std::sync::Arc;

/// One page of query results.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    /// Projected entities.
    pub data: Vec<Value>,
    /// Offset of the next page, when more rows remain.
    pub next_offset: Option<u64>,
}

/// A row with its sort keys and its sequence number (insertion order breaks ties).
type Keyed<'k> = (Vec<Option<Cow<'k, Value>>>, u64, &'k Row);

/// Evaluates queries against one state of the store.
pub struct Evaluator<'s> {
    store: &'s Store,
    // `in` lists by the address of their node in the query being run (it outlives the run).
    in_sets: RefCell<HashMap<usize, Rc<InSet>>>,
}

/// The values of an `in` condition, with the texts hashed: a stored string equals a literal
/// exactly when it equals the literal's text.
struct InSet {
    texts: HashSet<String>,
    literals: Vec<Literal>,
}

impl InSet {
    fn new(literals: Vec<Literal>) -> Self {
        let texts = literals
            .iter()
            .filter(|l| !matches!(l, Literal::Null))
            .map(literal_text)
            .collect();
        Self { texts, literals }
    }

    fn contains(&self, stored: &Value) -> bool {
        match stored {
            Value::String(s) => self.texts.contains(s),
            other => self
                .literals
                .iter()
                .any(|l| compare(other, CompareOp::Eq, l)),
        }
    }
}

pub(super) fn invalid(message: String) -> StoreError {
    StoreError {
        exception: "ValidationError",
        message,
    }
}

pub(super) fn schema_of(name: &str) -> Result<&'static EntitySchema, StoreError> {
    entity_schema(name).ok_or_else(|| invalid(format!("unknown entity type {name:?}")))
}

impl<'s> Evaluator<'s> {
    /// An evaluator over the store as it is now.
    pub fn new(store: &'s Store) -> Self {
        Self {
            store,
            in_sets: RefCell::new(HashMap::new()),
        }
    }

    /// Runs a query and returns the requested page, every entity in full wherever it occurs.
    pub fn run(&self, query: &Query) -> Result<Page, StoreError> {
        self.run_in(query, Form::Denormalised)
    }

    /// Runs a query and returns the requested page in `form`, as the whole of an answer.
    ///
    /// A paged query is ordered in full once and the order is memoised in the store, so the
    /// following pages of the same query (while nothing is written) are served without sorting.
    pub fn run_in(&self, query: &Query, form: Form) -> Result<Page, StoreError> {
        // Cached `in` sets belong to the query they were built for.
        self.in_sets.borrow_mut().clear();
        let schema = schema_of(&query.entity)?;
        check_query(schema, query)?;
        let offset = query.offset.unwrap_or(0);
        let (page, total) = match query.limit {
            Some(limit) => {
                let ordered = self.ordered(schema, query)?;
                let total = ordered.len() as u64;
                let start = offset.min(total) as usize;
                let end = offset.saturating_add(limit).min(total) as usize;
                let page: Vec<&'s Row> = ordered[start..end.max(start)]
                    .iter()
                    .filter_map(|seq| self.store.row_at(&schema.name, *seq))
                    .collect();
                (page, total)
            }
            None => {
                let mut rows = self.matching(schema, query.filter.as_ref())?;
                self.order(schema, &mut rows, &query.order_by)?;
                let total = rows.len() as u64;
                let start = (offset.min(total)) as usize;
                (rows.drain(start..).map(|(_, row)| row).collect(), total)
            }
        };
        let end = query
            .limit
            .map_or(total, |limit| offset.saturating_add(limit).min(total));
        let projections: Vec<Path> = match &query.projections {
            Some(paths) => paths.clone(),
            None => schema
                .default_projections
                .iter()
                .map(|p| Path(p.split('.').map(str::to_string).collect()))
                .collect(),
        };
        let data = if page.is_empty() {
            Vec::new()
        } else {
            let shape = Shape::new(schema, &projections)?;
            self.project_rows(&shape, &page, form)?
        };
        let next_offset = (query.limit.is_some() && end < total).then_some(end);
        Ok(Page { data, next_offset })
    }

    /// Every matching row's sequence number in query order, from the memo when it is current.
    fn ordered(
        &self,
        schema: &'static EntitySchema,
        query: &Query,
    ) -> Result<Arc<[u64]>, StoreError> {
        let unpaged = Query {
            offset: None,
            limit: None,
            projections: None,
            ..query.clone()
        }
        .to_string();
        let generation = self.store.generation();
        if let Some(rows) = self.store.order_cache().get(generation, &unpaged) {
            return Ok(rows);
        }
        let mut rows = self.matching(schema, query.filter.as_ref())?;
        self.order(schema, &mut rows, &query.order_by)?;
        let ordered: Arc<[u64]> = rows.into_iter().map(|(seq, _)| seq).collect();
        self.store
            .order_cache()
            .put(generation, unpaged, Arc::clone(&ordered));
        Ok(ordered)
    }

    fn matching(
        &self,
        schema: &'static EntitySchema,
        filter: Option<&Criteria>,
    ) -> Result<Vec<(u64, &'s Row)>, StoreError> {
        let mut out = Vec::new();
        for (seq, row) in self.store.rows_with_seq(&schema.name) {
            if filter.map_or(Ok(true), |c| self.test(schema, row, c))? {
                out.push((seq, row));
            }
        }
        Ok(out)
    }

    fn test(
        &self,
        schema: &'static EntitySchema,
        row: &'s Row,
        criteria: &Criteria,
    ) -> Result<bool, StoreError> {
        Ok(match criteria {
            Criteria::And(a, b) => self.test(schema, row, a)? && self.test(schema, row, b)?,
            Criteria::Or(a, b) => self.test(schema, row, a)? || self.test(schema, row, b)?,
            Criteria::Not(inner) => !self.test(schema, row, inner)?,
            Criteria::Compare { path, op, value } => {
                let values = self.values(schema, row, &path.0)?;
                match op {
                    // Negative operators hold when no reachable value has the property.
                    CompareOp::Ne => !values.iter().any(|v| compare(v, CompareOp::Eq, value)),
                    CompareOp::NotLike => {
                        !values.iter().any(|v| compare(v, CompareOp::Like, value))
                    }
                    _ if values.is_empty() => compare(&Value::Null, *op, value),
                    _ => values.iter().any(|v| compare(v, *op, value)),
                }
            }
            Criteria::In {
                path,
                negated,
                values,
            } => {
                let wanted = self.in_set(values)?;
                let found = self
                    .values(schema, row, &path.0)?
                    .iter()
                    .any(|v| wanted.contains(v));
                found != *negated
            }
            Criteria::Has { path, inner }
            | Criteria::Any {
                path,
                inner: Some(inner),
            } => {
                let (target, related) = self.related(schema, row, &path.0)?;
                let mut any = false;
                for r in related {
                    if self.test(target, r, inner)? {
                        any = true;
                        break;
                    }
                }
                any
            }
            Criteria::Any { path, inner: None } => {
                !self.related(schema, row, &path.0)?.1.is_empty()
            }
        })
    }

    /// The values of an `in` list or subquery, computed once per query and kept for every row.
    fn in_set(&self, source: &InSource) -> Result<Rc<InSet>, StoreError> {
        let key = std::ptr::from_ref(source) as usize;
        if let Some(set) = self.in_sets.borrow().get(&key) {
            return Ok(Rc::clone(set));
        }
        let set = Rc::new(InSet::new(self.in_values(source)?));
        self.in_sets.borrow_mut().insert(key, Rc::clone(&set));
        Ok(set)
    }

    fn in_values(&self, source: &InSource) -> Result<Vec<Literal>, StoreError> {
        match source {
            InSource::Values(values) => Ok(values.clone()),
            InSource::Subquery(query) => {
                // A fresh evaluator: the subquery is a temporary, and its nodes' addresses must
                // not end up as keys of this evaluator's `in` cache.
                let page = Evaluator::new(self.store).run(&Query {
                    offset: None,
                    limit: None,
                    ..(**query).clone()
                })?;
                let first = query
                    .projections
                    .as_ref()
                    .and_then(|p| p.first())
                    .map(|p| p.0.clone())
                    .unwrap_or_else(|| vec!["id".to_string()]);
                Ok(page
                    .data
                    .iter()
                    .filter_map(|e| dig(e, &first))
                    .map(to_literal)
                    .collect())
            }
        }
    }

    /// Every value reachable along a path (several through collections).
    fn values(
        &self,
        schema: &'static EntitySchema,
        row: &'s Row,
        path: &[String],
    ) -> Result<Vec<Value>, StoreError> {
        let Some((last, relation)) = path.split_last() else {
            return Ok(Vec::new());
        };
        let (target, rows) = if relation.is_empty() {
            (schema, vec![row])
        } else {
            self.related(schema, row, relation)?
        };
        if target.attribute(last).is_none() {
            return Err(invalid(format!(
                "{} has no attribute {last:?}",
                target.name
            )));
        }
        Ok(rows
            .into_iter()
            // An attribute a row does not hold is null, so `is none` finds it.
            .map(|r| r.get(last).cloned().unwrap_or(Value::Null))
            .collect())
    }

    /// The rows a relation path leads to, and their type.
    pub(super) fn related(
        &self,
        schema: &'static EntitySchema,
        row: &'s Row,
        path: &[String],
    ) -> Result<(&'static EntitySchema, Vec<&'s Row>), StoreError> {
        let mut current = (schema, vec![row]);
        for step in path {
            let attribute = current
                .0
                .attribute(step)
                .ok_or_else(|| invalid(format!("{} has no attribute {step:?}", current.0.name)))?;
            current = match &attribute.kind {
                AttributeKind::Reference {
                    target,
                    foreign_key: Some(fk),
                } => {
                    let rows = current
                        .1
                        .iter()
                        .filter_map(|r| r.get(fk).and_then(Value::as_str))
                        .filter_map(|id| self.store.get(target, id))
                        .collect();
                    (schema_of(target)?, rows)
                }
                AttributeKind::Collection {
                    target,
                    inverse_foreign_key: Some(fk),
                } => {
                    let target_schema = schema_of(target)?;
                    let rows = current
                        .1
                        .iter()
                        .filter_map(|r| r.get("id").and_then(Value::as_str))
                        .flat_map(|id| self.pointing_at(target, fk, id))
                        .collect();
                    (target_schema, rows)
                }
                _ => {
                    return Err(invalid(format!(
                        "{}.{step} is not a relation",
                        current.0.name
                    )));
                }
            };
        }
        Ok(current)
    }

    fn pointing_at(&self, target: &str, foreign_key: &str, id: &str) -> Vec<&'s Row> {
        self.store.referring(target, foreign_key, id)
    }

    /// Sorts rows by the orderings; ties keep insertion order.
    fn order(
        &self,
        schema: &'static EntitySchema,
        rows: &mut Vec<(u64, &'s Row)>,
        order_by: &[Ordering],
    ) -> Result<(), StoreError> {
        if order_by.is_empty() {
            return Ok(());
        }
        let mut keyed = Vec::with_capacity(rows.len());
        for (seq, row) in rows.drain(..) {
            let mut keys: Vec<Option<Cow<'s, Value>>> = Vec::with_capacity(order_by.len());
            for o in order_by {
                // An attribute of the row itself is borrowed; a path through relations is looked up.
                keys.push(match o.path.0.as_slice() {
                    [own] => row.get(own).map(Cow::Borrowed),
                    path => self
                        .values(schema, row, path)?
                        .into_iter()
                        .next()
                        .map(Cow::Owned),
                });
            }
            keyed.push((keys, seq, row));
        }
        let compare = |(a, pa, _): &Keyed<'s>, (b, pb, _): &Keyed<'s>| {
            order_by
                .iter()
                .zip(a.iter().zip(b))
                .map(|(o, (x, y))| {
                    let ordering = order_values(x.as_deref(), y.as_deref());
                    if o.descending {
                        ordering.reverse()
                    } else {
                        ordering
                    }
                })
                .find(|o| *o != Order::Equal)
                .unwrap_or_else(|| pa.cmp(pb))
        };
        keyed.sort_unstable_by(compare);
        rows.extend(keyed.into_iter().map(|(_, seq, row)| (seq, row)));
        Ok(())
    }
}

/// Refuses unknown attributes up front, as the server does, even when no row would reach them.
fn check_query(schema: &'static EntitySchema, query: &Query) -> Result<(), StoreError> {
    let paths = query
        .projections
        .iter()
        .flatten()
        .chain(query.order_by.iter().map(|o| &o.path));
    for path in paths {
        check_path(schema, &path.0, true)?;
    }
    if let Some(filter) = &query.filter {
        check_criteria(schema, filter)?;
    }
    Ok(())
}

fn check_criteria(schema: &'static EntitySchema, criteria: &Criteria) -> Result<(), StoreError> {
    match criteria {
        Criteria::And(a, b) | Criteria::Or(a, b) => {
            check_criteria(schema, a)?;
            check_criteria(schema, b)
        }
        Criteria::Not(inner) => check_criteria(schema, inner),
        Criteria::Compare { path, .. } | Criteria::In { path, .. } => {
            check_path(schema, &path.0, false).map(|_| ())
        }
        Criteria::Has { path, inner }
        | Criteria::Any {
            path,
            inner: Some(inner),
        } => {
            let target = check_path(schema, &path.0, true)?;
            check_criteria(target, inner)
        }
        Criteria::Any { path, inner: None } => check_path(schema, &path.0, true).map(|_| ()),
    }
}

/// Walks a path through the schemas; returns the schema it ends in. A projection may end on a
/// relation; a condition compares the last attribute as a value.
fn check_path(
    schema: &'static EntitySchema,
    path: &[String],
    may_end_on_relation: bool,
) -> Result<&'static EntitySchema, StoreError> {
    let mut current = schema;
    for (n, step) in path.iter().enumerate() {
        let last = n + 1 == path.len();
        let attribute = current
            .attribute(step)
            .ok_or_else(|| invalid(format!("{} has no attribute {step:?}", current.name)))?;
        match &attribute.kind {
            AttributeKind::Scalar { .. } if last => return Ok(current),
            AttributeKind::Scalar { .. } => {
                return Err(invalid(format!(
                    "{}.{step} is not a relation",
                    current.name
                )));
            }
            AttributeKind::Reference { target, .. } | AttributeKind::Collection { target, .. } => {
                current = schema_of(target)?;
                if last && !may_end_on_relation {
                    return Ok(current);
                }
            }
        }
    }
    Ok(current)
}

fn dig(entity: &Value, path: &[String]) -> Option<Value> {
    path.iter().try_fold(entity, |v, step| v.get(step)).cloned()
}

fn to_literal(value: Value) -> Literal {
    match value {
        Value::String(s) => Literal::Text(s),
        Value::Bool(b) => Literal::Bool(b),
        Value::Number(n) => n
            .as_i64()
            .map(Literal::Integer)
            .unwrap_or_else(|| Literal::Float(n.as_f64().unwrap_or(f64::NAN))),
        _ => Literal::Null,
    }
}
