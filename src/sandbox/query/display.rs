//! Canonical printing: the `Display` of [`Query`] and of its parts.

use super::ast::{CompareOp, Criteria, InSource, Ordering, Path, Query, Value};
use std::fmt::{self, Write as _};

/// A string in double quotes with `"` and `\` escaped.
pub(super) struct Quoted<'a>(pub(super) &'a str);

impl fmt::Display for Quoted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_char('"')?;
        for c in self.0.chars() {
            if matches!(c, '"' | '\\') {
                f.write_char('\\')?;
            }
            f.write_char(c)?;
        }
        f.write_char('"')
    }
}

/// Writes `items` separated by `, `.
fn write_list<T: fmt::Display>(f: &mut fmt::Formatter<'_>, items: &[T]) -> fmt::Result {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        write!(f, "{item}")?;
    }
    Ok(())
}

impl fmt::Display for Query {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(projections) = &self.projections {
            f.write_str("select ")?;
            write_list(f, projections)?;
            f.write_str(" from ")?;
        }
        f.write_str(&self.entity)?;
        if let Some(filter) = &self.filter {
            write!(f, " where {filter}")?;
        }
        if !self.order_by.is_empty() {
            f.write_str(" order by ")?;
            write_list(f, &self.order_by)?;
        }
        if let Some(offset) = self.offset {
            write!(f, " offset {offset}")?;
        }
        if let Some(limit) = self.limit {
            write!(f, " limit {limit}")?;
        }
        Ok(())
    }
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.join("."))
    }
}

impl fmt::Display for Ordering {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path)?;
        if self.descending {
            f.write_str(" desc")?;
        }
        Ok(())
    }
}

impl Criteria {
    /// Binding strength: `or` 1, `and` 2, everything else 3.
    fn precedence(&self) -> u8 {
        match self {
            Criteria::Or(..) => 1,
            Criteria::And(..) => 2,
            _ => 3,
        }
    }

    /// Writes `self`, in parentheses if it binds more loosely than `min` allows.
    fn write_operand(&self, f: &mut fmt::Formatter<'_>, min: u8) -> fmt::Result {
        if self.precedence() < min {
            write!(f, "({self})")
        } else {
            write!(f, "{self}")
        }
    }
}

impl fmt::Display for Criteria {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Operators associate to the left, so a right operand of the same strength needs
        // parentheses to keep its shape.
        match self {
            Criteria::Or(left, right) => {
                left.write_operand(f, 1)?;
                f.write_str(" or ")?;
                right.write_operand(f, 2)
            }
            Criteria::And(left, right) => {
                left.write_operand(f, 2)?;
                f.write_str(" and ")?;
                right.write_operand(f, 3)
            }
            Criteria::Not(inner) => {
                f.write_str("not ")?;
                inner.write_operand(f, 3)
            }
            Criteria::Compare { path, op, value } => write!(f, "{path} {op} {value}"),
            Criteria::In {
                path,
                negated,
                values,
            } => {
                let op = if *negated { "not_in" } else { "in" };
                write!(f, "{path} {op} {values}")
            }
            Criteria::Has { path, inner } => write!(f, "{path} has ({inner})"),
            Criteria::Any { path, inner: None } => write!(f, "{path} any ()"),
            Criteria::Any {
                path,
                inner: Some(inner),
            } => write!(f, "{path} any ({inner})"),
        }
    }
}

impl fmt::Display for CompareOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CompareOp::Eq => "is",
            CompareOp::Ne => "is_not",
            CompareOp::Gt => ">",
            CompareOp::Lt => "<",
            CompareOp::Ge => ">=",
            CompareOp::Le => "<=",
            CompareOp::Like => "like",
            CompareOp::NotLike => "not_like",
        })
    }
}

impl fmt::Display for InSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InSource::Values(values) => {
                f.write_char('(')?;
                write_list(f, values)?;
                f.write_char(')')
            }
            InSource::Subquery(query) => write!(f, "({query})"),
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Text(text) => write!(f, "{}", Quoted(text)),
            Value::Bare(word) => f.write_str(word),
            Value::Integer(integer) => write!(f, "{integer}"),
            // `{:?}` keeps a `.0` or an exponent, so the number reads back as a float.
            Value::Float(float) => write!(f, "{float:?}"),
            Value::Bool(flag) => write!(f, "{flag}"),
            Value::Null => f.write_str("none"),
        }
    }
}
