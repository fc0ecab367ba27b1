//! Projection of query results: the attributes a query selects, resolved against the schemas
//! once per query ([`Shape`]), then filled in for each row.

use super::evaluate::{Evaluator, invalid, schema_of};
use super::normalise::{Form, Written, retain_reference};
use super::query::Path;
use super::schema::{AttributeKind, EntitySchema};
use super::store::{Row, StoreError};
use serde_json::{Map, Value};
use std::collections::HashSet;

/// What to project of one entity type: its scalars and, for each relation, what to project of
/// the entities it leads to.
pub struct Shape {
    schema: &'static EntitySchema,
    scalars: Vec<String>,
    relations: Vec<Relation>,
}

/// A projected relation.
struct Relation {
    /// One step, as [`Evaluator::related`] takes it.
    step: [String; 1],
    is_collection: bool,
    shape: Shape,
}

impl Shape {
    /// Resolves projected paths against `schema`; relations keep the order they are first named in.
    pub fn new(schema: &'static EntitySchema, paths: &[Path]) -> Result<Self, StoreError> {
        let mut scalars = Vec::new();
        let mut nested: Vec<(String, Vec<Path>)> = Vec::new();
        for path in paths {
            let Some((first, rest)) = path.0.split_first() else {
                continue;
            };
            let attribute = schema
                .attribute(first)
                .ok_or_else(|| invalid(format!("{} has no attribute {first:?}", schema.name)))?;
            match (&attribute.kind, rest.is_empty()) {
                (AttributeKind::Scalar { .. }, true) => scalars.push(first.clone()),
                (AttributeKind::Scalar { .. }, false) => {
                    return Err(invalid(format!(
                        "{}.{first} is not a relation",
                        schema.name
                    )));
                }
                _ => match nested.iter_mut().find(|(n, _)| n == first) {
                    Some((_, sub)) => sub.extend((!rest.is_empty()).then(|| Path(rest.to_vec()))),
                    None => nested.push((
                        first.clone(),
                        (!rest.is_empty())
                            .then(|| Path(rest.to_vec()))
                            .into_iter()
                            .collect(),
                    )),
                },
            }
        }
        let relations = nested
            .into_iter()
            .map(|(name, sub)| Relation::new(schema, name, &sub))
            .collect::<Result<_, _>>()?;
        Ok(Self {
            schema,
            scalars,
            relations,
        })
    }

    /// Whether no entity type is projected at two places of the shape: then every occurrence
    /// of an entity in the answer carries the same attributes and relations.
    fn types_once(&self) -> bool {
        fn note<'a>(shape: &'a Shape, types: &mut HashSet<&'a str>) -> bool {
            types.insert(shape.schema.name.as_str())
                && shape.relations.iter().all(|r| note(&r.shape, types))
        }
        note(self, &mut HashSet::new())
    }
}

impl Relation {
    fn new(schema: &'static EntitySchema, name: String, sub: &[Path]) -> Result<Self, StoreError> {
        let kind = schema.attribute(&name).map(|a| &a.kind);
        let target = match kind {
            Some(
                AttributeKind::Reference { target, .. } | AttributeKind::Collection { target, .. },
            ) => schema_of(target)?,
            _ => return Err(invalid(format!("{}.{name} is not a relation", schema.name))),
        };
        Ok(Self {
            is_collection: matches!(kind, Some(AttributeKind::Collection { .. })),
            shape: Shape::new(target, sub)?,
            step: [name],
        })
    }
}

impl<'s> Evaluator<'s> {
    /// The rows projected by `shape`, as one whole answer in `form`. When the shape projects
    /// each entity type at one place only, the answer is normalised as it is projected: a
    /// repeated entity is written once and its later occurrences are not projected at all,
    /// which gives what normalising the full answer afterwards gives, for less work.
    pub(super) fn project_rows(
        &self,
        shape: &Shape,
        rows: &[&'s Row],
        form: Form,
    ) -> Result<Vec<Value>, StoreError> {
        let mut written = (form == Form::Normalised && shape.types_once()).then(Written::default);
        let mut data = Vec::with_capacity(rows.len());
        for row in rows {
            data.push(self.project(shape, row, written.as_mut())?);
        }
        if written.is_none() {
            form.apply(&mut data);
        }
        Ok(data)
    }

    /// An entity with its type, primary key, system projections and the projected paths; only
    /// its type and primary key when `written` says it was written before.
    fn project(
        &self,
        shape: &Shape,
        row: &'s Row,
        mut written: Option<&mut Written>,
    ) -> Result<Value, StoreError> {
        let schema = shape.schema;
        let mut entity = Map::new();
        entity.insert(
            "__entity_type__".to_string(),
            Value::String(schema.name.clone()),
        );
        for name in schema.primary_key.iter().chain(&schema.system_projections) {
            if let Some(v) = row.get(name) {
                entity.insert(name.clone(), v.clone());
            }
        }
        if let Some(written) = written.as_deref_mut()
            && written.seen_before(&entity)
        {
            retain_reference(&mut entity);
            return Ok(Value::Object(entity));
        }
        for name in &shape.scalars {
            entity.insert(name.clone(), row.get(name).cloned().unwrap_or(Value::Null));
        }
        for relation in &shape.relations {
            let (_, rows) = self.related(schema, row, &relation.step)?;
            // A reference leads to one row at most; only a collection's are all projected.
            let wanted = if relation.is_collection {
                rows.len()
            } else {
                1
            };
            let mut projected = Vec::with_capacity(wanted.min(rows.len()));
            for related in rows.into_iter().take(wanted) {
                projected.push(self.project(&relation.shape, related, written.as_deref_mut())?);
            }
            let value = if relation.is_collection {
                Value::Array(projected)
            } else {
                projected.into_iter().next().unwrap_or(Value::Null)
            };
            let [name] = &relation.step;
            entity.insert(name.clone(), value);
        }
        Ok(Value::Object(entity))
    }
}
