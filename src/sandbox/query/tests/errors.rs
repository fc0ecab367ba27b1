//! Error positions and messages, and the nesting and `and`/`or` limits.

use super::support::*;
use crate::sandbox::query::*;

#[test]
fn reports_errors_with_positions() {
    let cases: &[(&str, usize, &str)] = &[
        (
            "",
            0,
            "expected `select` or an entity type, found end of query",
        ),
        (
            "select id from User where name is \"abc",
            34,
            "unterminated string: expected a closing `\"` for the string opened here, \
             found end of query",
        ),
        ("User where name is 'abc\\'", 19, "unterminated string"),
        (
            "User where name is",
            18,
            "expected a value, found end of query",
        ),
        (
            "User where name equals \"x\"",
            16,
            "expected an operator (`is`, `is_not`, `=`, `!=`, `>`, `<`, `>=`, `<=`, \
             `after`, `before`, `like`, `not_like`, `in`, `not_in`, `has` or `any`), \
             found `equals`",
        ),
        (
            "User where name is \"x\" foo",
            23,
            "expected `and`, `or`, `order by`, `offset`, `limit` or end of query, found `foo`",
        ),
        (
            "User where name is \"日本語\" bogus",
            25,
            "expected `and`, `or`, `order by`, `offset`, `limit` or end of query, \
             found `bogus`",
        ),
        (
            "User where a is 1 )",
            18,
            "expected `and`, `or`, `order by`, `offset`, `limit` or end of query, found `)`",
        ),
        (
            "select from User",
            7,
            "expected an attribute path, found keyword `from`",
        ),
        ("select id User", 10, "expected `,` or `from`, found `User`"),
        (
            "User where (a is 1",
            18,
            "expected `and`, `or` or `)`, found end of query",
        ),
        (
            "User where a any (b is 1",
            24,
            "expected `and`, `or` or `)`, found end of query",
        ),
        (
            "User where a ~ 1",
            13,
            "expected a name, value, quoted string, operator, `(`, `)` or `,`, \
             found character `~`",
        ),
        (
            "User where a ! 1",
            14,
            "expected `=` after `!`, found whitespace",
        ),
        (
            "User where first-name is 1",
            16,
            "expected a letter, digit or `_` in attribute name, found `-`",
        ),
        (
            "User where a..b is 1",
            13,
            "expected an attribute name, found `.`",
        ),
        (
            "select a. from User",
            9,
            "expected an attribute name, found nothing after `.`",
        ),
        (
            "User where 5 is 1",
            11,
            "expected an attribute name starting with a letter or `_`, found `5`",
        ),
        (
            "select id from a.b",
            16,
            "expected a letter, digit or `_` in entity type, found `.`",
        ),
        ("User order name", 11, "expected `by`, found `name`"),
        (
            "User limit 1 limit 2",
            13,
            "expected `offset` or end of query, found keyword `limit`",
        ),
        (
            "User limit -1",
            11,
            "expected a non-negative integer, found `-1`",
        ),
        (
            "User offset 99999999999999999999999",
            12,
            "expected a non-negative integer",
        ),
        ("User where a in 1", 16, "expected `(`, found `1`"),
        ("User where a has b is 1", 17, "expected `(`, found `b`"),
        (
            "User where a is and b is 1",
            16,
            "expected a value, found keyword `and`",
        ),
        (
            "User where a is 1e999",
            16,
            "expected a number within the range of a 64-bit float, found `1e999`",
        ),
        ("User where a in (1, )", 20, "expected a value, found `)`"),
        (
            "User where a in (1 2)",
            19,
            "expected `,` or `)`, found `2`",
        ),
        (
            "User where a in (select id from Group",
            37,
            "expected `where`, `order by`, `offset`, `limit` or `)`, found end of query",
        ),
        (
            "select id from User where",
            25,
            "expected a condition, found end of query",
        ),
        (
            "User where a is 1 and",
            21,
            "expected a condition, found end of query",
        ),
        (
            "User where a is 1 order by",
            26,
            "expected an attribute path, found end of query",
        ),
        (
            "User order by name sideways",
            19,
            "expected `asc`, `desc`, `,`, `offset`, `limit` or end of query, found `sideways`",
        ),
        (
            "User where x is 'a' 'b'",
            20,
            "expected `and`, `or`, `order by`, `offset`, `limit` or end of query, \
             found string \"b\"",
        ),
    ];
    for &(source, position, message) in cases {
        let (found_position, found_message) = error(source);
        assert_eq!(found_position, position, "{source}: {found_message}");
        assert!(
            found_message.starts_with(message),
            "{source}: {found_message:?} does not start with {message:?}"
        );
    }
}

#[test]
fn error_display_names_the_character() {
    let e = parse_query("User where name is").unwrap_err();
    assert_eq!(
        e.to_string(),
        "cannot parse query at character 18: expected a value, found end of query"
    );
}

#[test]
fn limits_nesting_depth() {
    let nested = |levels: usize| {
        format!(
            "User where {}a is 1{}",
            "(".repeat(levels),
            ")".repeat(levels)
        )
    };
    assert_eq!(parse(&nested(MAX_DEPTH)).filter, Some(int("a", 1)));
    let (position, message) = error(&nested(MAX_DEPTH + 1));
    assert_eq!(position, 11 + MAX_DEPTH);
    assert!(message.contains("at most 64 levels"), "{message}");

    // None of these may overflow the stack.
    for hostile in [
        "(".repeat(100_000),
        format!("User where {}a is 1", "not ".repeat(100_000)),
        format!("User where {}", "a any (".repeat(10_000)),
        format!("User where {}", "a has (".repeat(10_000)),
        format!(
            "User where {}",
            "id in (select id from User where ".repeat(10_000)
        ),
    ] {
        assert!(parse_query(&hostile).is_err());
    }
}

#[test]
fn limits_and_or_operators() {
    let chain = |terms: usize| {
        let conditions = vec!["a is 1"; terms];
        format!("User where {}", conditions.join(" or "))
    };
    assert!(parse_query(&chain(MAX_CONNECTIVES + 1)).is_ok());
    let text = chain(MAX_CONNECTIVES + 2);
    let (position, message) = error(&text);
    assert_eq!(position, text.len() - " or a is 1".len() + 1);
    assert!(message.contains("at most 1024"), "{message}");
}
