//! Building ftrack query expressions safely.
//!
//! Every value goes through [`quote`]: backslash first, then the double quote, so a value can
//! never end a string literal early or inject query text. Paging is appended by the builder,
//! never found by searching the expression, so `limit 5` inside a value stays a value.

use std::fmt::Write;

/// A value as a double-quoted ftrack query literal, with `\` and `"` escaped.
pub fn quote(value: &str) -> String {
    let mut quoted = String::with_capacity(value.len() + 2);
    quoted.push('"');
    for c in value.chars() {
        if c == '\\' || c == '"' {
            quoted.push('\\');
        }
        quoted.push(c);
    }
    quoted.push('"');
    quoted
}

/// A `select ... from ...` query under construction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Select {
    projections: Vec<String>,
    entity: String,
    conditions: Vec<String>,
    order_by: Option<String>,
}

impl Select {
    /// Selects these attribute paths (trusted names from code, never user data) from an entity type.
    pub fn new(entity: &str, projections: &[&str]) -> Self {
        Self {
            projections: projections.iter().map(|p| p.to_string()).collect(),
            entity: entity.to_string(),
            conditions: Vec::new(),
            order_by: None,
        }
    }

    /// Adds `path is "value"` (ANDed with the other conditions); the value is quoted.
    pub fn where_is(mut self, path: &str, value: &str) -> Self {
        self.conditions.push(format!("{path} is {}", quote(value)));
        self
    }

    /// Adds `path in ("a", "b", ...)`; an empty list matches nothing.
    pub fn where_in<'v>(mut self, path: &str, values: impl IntoIterator<Item = &'v str>) -> Self {
        let list: Vec<String> = values.into_iter().map(quote).collect();
        if list.is_empty() {
            // `in ()` is not valid query text; this condition is false for every entity.
            self.conditions
                .push("id is none and id is_not none".to_string());
        } else {
            self.conditions
                .push(format!("{path} in ({})", list.join(", ")));
        }
        self
    }

    /// Orders by a trusted attribute path, ascending.
    pub fn order_by(mut self, path: &str) -> Self {
        self.order_by = Some(path.to_string());
        self
    }

    /// The expression without paging.
    pub fn expression(&self) -> String {
        let mut text = format!(
            "select {} from {}",
            self.projections.join(", "),
            self.entity
        );
        if !self.conditions.is_empty() {
            let _ = write!(text, " where {}", self.conditions.join(" and "));
        }
        if let Some(order) = &self.order_by {
            let _ = write!(text, " order by {order}");
        }
        text
    }

    /// The expression for one page.
    pub fn page(&self, offset: u64, limit: u64) -> String {
        format!("{} offset {offset} limit {limit}", self.expression())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_escape_backslash_then_quote() {
        assert_eq!(quote("jdoe"), r#""jdoe""#);
        assert_eq!(quote(r#"o"b\x"#), r#""o\"b\\x""#);
        assert_eq!(quote(r"abc\"), r#""abc\\""#);
        assert_eq!(quote("山田 🎬"), "\"山田 🎬\"");
    }

    #[test]
    fn builds_paged_queries_with_values_kept_inside_literals() {
        let q = Select::new("User", &["id", "username"])
            .where_is("username", r#"team" or id is_not none limit 5"#)
            .order_by("id");
        assert_eq!(
            q.page(500, 500),
            r#"select id, username from User where username is "team\" or id is_not none limit 5" order by id offset 500 limit 500"#
        );
    }

    #[test]
    fn in_lists_quote_every_value_and_handle_empty_lists() {
        let q = Select::new("User", &["id"]).where_in("username", ["a", "b\"c"]);
        assert_eq!(
            q.expression(),
            r#"select id from User where username in ("a", "b\"c")"#
        );
        let none = Select::new("User", &["id"]).where_in("username", []);
        assert!(
            none.expression()
                .ends_with("where id is none and id is_not none")
        );
    }
}
