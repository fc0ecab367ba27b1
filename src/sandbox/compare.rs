//! How query literals compare with stored values: equality, ordering and `like`.

use super::query::{CompareOp, Value as Literal};
use serde_json::Value;
use std::cmp::Ordering as Order;

/// Whether a stored value satisfies `op literal`.
pub fn compare(stored: &Value, op: CompareOp, literal: &Literal) -> bool {
    if matches!(literal, Literal::Null) {
        return match op {
            CompareOp::Eq => stored.is_null(),
            CompareOp::Ne => !stored.is_null(),
            _ => false,
        };
    }
    if stored.is_null() {
        return matches!(op, CompareOp::Ne | CompareOp::NotLike);
    }
    match op {
        CompareOp::Eq => order_literal(stored, literal) == Some(Order::Equal),
        CompareOp::Ne => order_literal(stored, literal) != Some(Order::Equal),
        CompareOp::Gt => order_literal(stored, literal) == Some(Order::Greater),
        CompareOp::Lt => order_literal(stored, literal) == Some(Order::Less),
        CompareOp::Ge => matches!(
            order_literal(stored, literal),
            Some(Order::Greater | Order::Equal)
        ),
        CompareOp::Le => matches!(
            order_literal(stored, literal),
            Some(Order::Less | Order::Equal)
        ),
        CompareOp::Like => like(&text_of(stored), &literal_text(literal)),
        CompareOp::NotLike => !like(&text_of(stored), &literal_text(literal)),
    }
}

/// A literal as text, the way it compares with a stored string.
pub fn literal_text(literal: &Literal) -> String {
    match literal {
        Literal::Text(s) | Literal::Bare(s) => s.clone(),
        Literal::Integer(i) => i.to_string(),
        Literal::Float(f) => f.to_string(),
        Literal::Bool(b) => b.to_string(),
        Literal::Null => String::new(),
    }
}

fn text_of(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn order_literal(stored: &Value, literal: &Literal) -> Option<Order> {
    match (stored, literal) {
        (Value::Bool(a), Literal::Bool(b)) => Some(a.cmp(b)),
        (Value::Bool(a), Literal::Text(t) | Literal::Bare(t)) => {
            Some(a.to_string().cmp(&t.to_lowercase()))
        }
        (Value::Number(n), Literal::Integer(i)) => n.as_f64()?.partial_cmp(&(*i as f64)),
        (Value::Number(n), Literal::Float(f)) => n.as_f64()?.partial_cmp(f),
        (Value::Number(n), Literal::Text(t) | Literal::Bare(t)) => {
            n.as_f64()?.partial_cmp(&t.parse::<f64>().ok()?)
        }
        (Value::String(s), Literal::Text(t) | Literal::Bare(t)) => Some(s.as_str().cmp(t.as_str())),
        (Value::String(s), literal) => Some(s.as_str().cmp(literal_text(literal).as_str())),
        _ => None,
    }
}

pub fn order_values(a: Option<&Value>, b: Option<&Value>) -> Order {
    match (a, b) {
        (None | Some(Value::Null), None | Some(Value::Null)) => Order::Equal,
        (None | Some(Value::Null), _) => Order::Less,
        (_, None | Some(Value::Null)) => Order::Greater,
        (Some(Value::Number(x)), Some(Value::Number(y))) => {
            x.as_f64().partial_cmp(&y.as_f64()).unwrap_or(Order::Equal)
        }
        (Some(Value::Bool(x)), Some(Value::Bool(y))) => x.cmp(y),
        // The common case compares in place; mixed kinds compare as text.
        (Some(Value::String(x)), Some(Value::String(y))) => x.cmp(y),
        (Some(x), Some(y)) => text_of(x).cmp(&text_of(y)),
    }
}

/// SQL `LIKE` without case: `%` any run, `_` one character.
pub fn like(text: &str, pattern: &str) -> bool {
    let text: Vec<char> = text.to_lowercase().chars().collect();
    let pattern: Vec<char> = pattern.to_lowercase().chars().collect();
    // Classic wildcard matching with backtracking to the last `%`.
    let (mut t, mut p, mut star, mut mark) = (0, 0, None, 0);
    while t < text.len() {
        if p < pattern.len() && pattern[p] == '%' {
            star = Some(p);
            mark = t;
            p += 1;
        } else if p < pattern.len() && (pattern[p] == '_' || pattern[p] == text[t]) {
            t += 1;
            p += 1;
        } else if let Some(s) = star {
            p = s + 1;
            mark += 1;
            t = mark;
        } else {
            return false;
        }
    }
    pattern[p..].iter().all(|c| *c == '%')
}
