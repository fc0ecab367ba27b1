//! What a word means: operator words, value words and dotted attribute paths.

use super::ast::{CompareOp, Path, Value};
use super::error::QueryError;
use super::lexer::{TokenKind, is_reserved};

pub(super) enum Operator {
    Compare(CompareOp),
    In { negated: bool },
    Has,
    Any,
}

/// The operator a token spells, if any.
pub(super) fn operator(kind: &TokenKind) -> Option<Operator> {
    let word = match kind {
        TokenKind::Symbol(symbol) => *symbol,
        TokenKind::Word(word) => word.as_str(),
        _ => return None,
    };
    let op = match word.to_ascii_lowercase().as_str() {
        "is" | "=" => Operator::Compare(CompareOp::Eq),
        "is_not" | "!=" => Operator::Compare(CompareOp::Ne),
        ">" | "after" | "greater_than" => Operator::Compare(CompareOp::Gt),
        "<" | "before" | "less_than" => Operator::Compare(CompareOp::Lt),
        ">=" => Operator::Compare(CompareOp::Ge),
        "<=" => Operator::Compare(CompareOp::Le),
        "like" => Operator::Compare(CompareOp::Like),
        "not_like" => Operator::Compare(CompareOp::NotLike),
        "in" => Operator::In { negated: false },
        "not_in" => Operator::In { negated: true },
        "has" => Operator::Has,
        "any" => Operator::Any,
        _ => return None,
    };
    Some(op)
}

/// The value an unquoted word stands for; `None` for a keyword, which is no value.
pub(super) fn word_value(word: &str, pos: usize) -> Result<Option<Value>, QueryError> {
    let value = if word.eq_ignore_ascii_case("none") {
        Value::Null
    } else if word.eq_ignore_ascii_case("true") {
        Value::Bool(true)
    } else if word.eq_ignore_ascii_case("false") {
        Value::Bool(false)
    } else if is_reserved(word) {
        return Ok(None);
    } else if let Some(is_float) = numeric_shape(word) {
        number(word, is_float, pos)?
    } else {
        Value::Bare(word.to_owned())
    };
    Ok(Some(value))
}

/// `Some(is_float)` when `word` is `-?digits[.digits][(e|E)-?digits]`.
///
/// Checked by hand because `str::parse::<f64>` also accepts `inf` and `NaN`, which
/// must stay bare words.
fn numeric_shape(word: &str) -> Option<bool> {
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let unsigned = word.strip_prefix('-').unwrap_or(word);
    let (mantissa, exponent) = match unsigned.split_once(['e', 'E']) {
        Some((mantissa, exponent)) => (mantissa, Some(exponent)),
        None => (unsigned, None),
    };
    let (whole, fraction) = match mantissa.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (mantissa, None),
    };
    let exponent_ok = exponent.is_none_or(|e| all_digits(e.strip_prefix('-').unwrap_or(e)));
    let shape_ok = all_digits(whole) && fraction.is_none_or(all_digits) && exponent_ok;
    shape_ok.then_some(fraction.is_some() || exponent.is_some())
}

fn number(word: &str, is_float: bool, pos: usize) -> Result<Value, QueryError> {
    if !is_float && let Ok(integer) = word.parse::<i64>() {
        return Ok(Value::Integer(integer));
    }
    match word.parse::<f64>() {
        // Infinity would print as `inf`, which reads back as a bare word.
        Ok(float) if float.is_finite() => Ok(Value::Float(float)),
        _ => Err(QueryError::new(
            pos,
            format!("expected a number within the range of a 64-bit float, found `{word}`"),
        )),
    }
}

/// Splits a dotted word into attribute names, checking each.
pub(super) fn split_path(word: &str, pos: usize) -> Result<Path, QueryError> {
    let segments: Vec<&str> = word.split('.').collect();
    let mut start = pos;
    for (i, segment) in segments.iter().enumerate() {
        if segment.is_empty() {
            let found = if i + 1 < segments.len() {
                "`.`"
            } else {
                "nothing after `.`"
            };
            let message = format!("expected an attribute name, found {found}");
            return Err(QueryError::new(start, message));
        }
        check_name(segment, start, "attribute name")?;
        start += segment.chars().count() + 1;
    }
    Ok(Path(segments.into_iter().map(str::to_owned).collect()))
}

/// Checks that `name` (at `pos`) is an ASCII identifier: a letter or `_`, then letters,
/// digits and `_`.
pub(super) fn check_name(name: &str, pos: usize, what: &str) -> Result<(), QueryError> {
    for (i, c) in name.chars().enumerate() {
        if c == '_' || c.is_ascii_alphabetic() || (i > 0 && c.is_ascii_digit()) {
            continue;
        }
        let message = if i == 0 {
            format!("expected an {what} starting with a letter or `_`, found `{c}`")
        } else {
            format!("expected a letter, digit or `_` in {what}, found `{c}`")
        };
        return Err(QueryError::new(pos + i, message));
    }
    Ok(())
}
