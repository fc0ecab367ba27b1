//! The parse error and the wording of its messages.

use super::display::Quoted;
use super::lexer::{TokenKind, is_reserved};

/// A query that could not be parsed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("cannot parse query at character {position}: {message}")]
pub struct QueryError {
    /// 0-based character offset of the problem.
    pub position: usize,
    /// What was expected and what was found.
    pub message: String,
}

impl QueryError {
    pub(super) fn new(position: usize, message: impl Into<String>) -> Self {
        Self {
            position,
            message: message.into(),
        }
    }
}

/// `a`, `a or b`, `a, b or c`.
pub(super) fn alternatives(items: &[&str]) -> String {
    match items {
        [] => "something else".to_owned(),
        [only] => (*only).to_owned(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

pub(super) fn describe(kind: &TokenKind) -> String {
    match kind {
        TokenKind::Word(word) if is_reserved(word) => format!("keyword `{word}`"),
        TokenKind::Word(word) => format!("`{}`", shorten(word)),
        TokenKind::Text(text) => format!("string {}", Quoted(&shorten(text))),
        TokenKind::Symbol(symbol) => format!("`{symbol}`"),
        TokenKind::Open => "`(`".to_owned(),
        TokenKind::Close => "`)`".to_owned(),
        TokenKind::Comma => "`,`".to_owned(),
        TokenKind::End => "end of query".to_owned(),
    }
}

/// Keeps error messages readable when the offending token is huge.
fn shorten(text: &str) -> String {
    const MAX: usize = 32;
    if text.chars().count() <= MAX {
        text.to_owned()
    } else {
        text.chars().take(MAX).chain(['…']).collect()
    }
}
