//! ftrack's query language: tokenizer, recursive-descent parser and canonical printer.
//!
//! # Grammar
//!
//! ```text
//! query      := [ "select" path { "," path } "from" ] Type [ "where" criteria ]
//!               [ "order by" ordering { "," ordering } ] [ paging ]
//! paging     := "offset" N [ "limit" M ] | "limit" M [ "offset" N ]
//! criteria   := and { "or" and }
//! and        := unary { "and" unary }
//! unary      := "not" unary | "(" criteria ")" | condition
//! condition  := path op value | path ("in" | "not_in") "(" (values | query) ")"
//!             | path "has" "(" criteria ")" | path "any" "(" [ criteria ] ")"
//! ordering   := path [ "asc" | "desc" | "ascending" | "descending" ]
//! ```
//!
//! `and` and `or` associate to the left (`a or b or c` is `Or(Or(a, b), c)`), `and` binds
//! tighter than `or`, and `not` binds tightest. Parentheses leave no trace in the tree.
//!
//! # Words and values
//!
//! Keywords and operator words are case-insensitive and reserved: they cannot be used as a
//! single-segment attribute name, an entity type or a bare value (quote the value instead).
//! Attribute and type names are case-sensitive ASCII identifiers. In value position a word
//! is `none` (null), `true`/`false` (any case, so Python's `False` works), a number
//! (`-12`, `0.5`, `1e-7`; an integer too large for `i64` becomes a float) or otherwise a
//! bare value such as an enum name or an unquoted UUID. `null` is not special: it is the
//! bare word `null`.
//!
//! Strings take double or single quotes; a backslash makes the next character literal
//! (`\"`, `\'`, `\\`, and `\x` is `x`). Strings are tokenized before anything else, so
//! `limit 5` inside a string is text, and a keyword glued to a closing quote (`"x"and`)
//! is still a keyword.
//!
//! # Limits and errors
//!
//! Nesting (parentheses, `not`, `has`, `any`, subqueries) deeper than [`MAX_DEPTH`] and
//! more than [`MAX_CONNECTIVES`] `and`/`or` operators are rejected, which bounds the depth
//! of the tree so that parsing, printing, dropping and evaluating it cannot overflow the
//! stack. Error positions are 0-based character (not byte) offsets.
//!
//! # Printing
//!
//! [`Query`]'s `Display` prints canonical text (lower-case keywords, double-quoted strings,
//! only the parentheses precedence needs) that parses back to the same tree, for every tree
//! the parser can produce.

mod ast;
mod display;
mod error;
mod lexer;
mod parser;
mod words;

pub use ast::{CompareOp, Criteria, InSource, Ordering, Path, Query, Value};
pub use error::QueryError;
pub use parser::{MAX_CONNECTIVES, MAX_DEPTH, parse_query};

#[cfg(test)]
mod tests;
