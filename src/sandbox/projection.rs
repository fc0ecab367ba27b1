//! Projection of query results: the attributes a query selects, resolved against the schemas
//! once per query ([`Shape`]), then filled in for each row.

use super::evaluate::{Evaluator, invalid, schema_of};
use super::query::Path;
use super::schema::{AttributeKind, EntitySchema};
use super::store::{Row, StoreError};
use serde_json::{Map, Value};

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
    /// An entity with its type, primary key, system projections and the projected paths.
    pub(super) fn project(&self, shape: &Shape, row: &'s Row) -> Result<Value, StoreError> {
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
        for name in &shape.scalars {
            entity.insert(name.clone(), row.get(name).cloned().unwrap_or(Value::Null));
        }
        for relation in &shape.relations {
            let (_, rows) = self.related(schema, row, &relation.step)?;
            let mut projected = rows.into_iter().map(|r| self.project(&relation.shape, r));
            let value = if relation.is_collection {
                Value::Array(projected.collect::<Result<_, _>>()?)
            } else {
                projected.next().transpose()?.unwrap_or(Value::Null)
            };
            let [name] = &relation.step;
            entity.insert(name.clone(), value);
        }
        Ok(Value::Object(entity))
    }
}
