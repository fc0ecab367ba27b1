//! The parser's trees for valid queries, and canonical printing.

use super::support::*;
use crate::sandbox::query::*;

const UUID: &str = "24160c98-1234-5678-9abc-def012345678";

#[test]
fn parses_what_the_python_and_js_clients_send() {
    let paged = |offset, limit| Query {
        offset,
        limit,
        ..select(&["id"], "User")
    };
    assert_eq!(
        parse("select id from User offset 0 limit 500"),
        paged(Some(0), Some(500))
    );
    assert_eq!(
        parse("select id, username from User offset 0 limit 50"),
        Query {
            offset: Some(0),
            limit: Some(50),
            ..select(&["id", "username"], "User")
        }
    );
    assert_eq!(
        parse("select id from User offset 1 limit 1"),
        paged(Some(1), Some(1))
    );
    assert_eq!(parse("select id from User limit 1"), paged(None, Some(1)));
    assert_eq!(parse("select id from User limit 2"), paged(None, Some(2)));
    assert_eq!(
        parse(&format!(
            "select id from User where (id is \"{UUID}\") offset 0 limit 500"
        )),
        Query {
            filter: Some(is("id", text(UUID))),
            ..paged(Some(0), Some(500))
        }
    );
    let ensure = Query {
        filter: Some(and(is("name", text("n")), is("local", Value::Bool(false)))),
        limit: Some(2),
        ..select(&["id"], "Group")
    };
    assert_eq!(
        parse("select id from Group where name is \"n\" and local is False limit 2"),
        ensure
    );
    assert_eq!(
        parse("select id from Group where name is \"n\" and local is false"),
        Query {
            limit: None,
            ..ensure
        }
    );
}

#[test]
fn projections_are_optional() {
    assert_eq!(parse("User"), query("User"));
    assert_eq!(
        parse("User where username is \"jdoe\""),
        Query {
            filter: Some(is("username", text("jdoe"))),
            ..query("User")
        }
    );
    assert_eq!(
        parse("select memberships.group.name, id from User").projections,
        Some(vec![path("memberships.group.name"), path("id")])
    );
}

#[test]
fn parses_orderings_and_paging_in_either_order() {
    let q = parse("select name from Project order by name descending offset 5 limit 10");
    let name_desc = Ordering {
        path: path("name"),
        descending: true,
    };
    assert_eq!(q.order_by, vec![name_desc.clone()]);
    assert_eq!((q.offset, q.limit), (Some(5), Some(10)));

    let q = parse("Task order by a.b asc, c desc, d ascending, e, f DESCENDING");
    let directions: Vec<(String, bool)> = q
        .order_by
        .iter()
        .map(|o| (o.path.to_string(), o.descending))
        .collect();
    let expected = [
        ("a.b", false),
        ("c", true),
        ("d", false),
        ("e", false),
        ("f", true),
    ];
    let expected: Vec<(String, bool)> = expected
        .iter()
        .map(|(p, d)| ((*p).to_owned(), *d))
        .collect();
    assert_eq!(directions, expected);

    let q = parse("User order by name desc limit 10 offset 5");
    assert_eq!(
        (q.offset, q.limit, q.order_by),
        (Some(5), Some(10), vec![name_desc])
    );
    let q = parse("User where a is 1 offset 3");
    assert_eq!((q.offset, q.limit), (Some(3), None));
}

#[test]
fn parses_every_operator() {
    use CompareOp::*;
    let cases = [
        ("username is \"jdoe\"", cmp("username", Eq, text("jdoe"))),
        ("username = \"jdoe\"", cmp("username", Eq, text("jdoe"))),
        ("name is_not \"martin\"", cmp("name", Ne, text("martin"))),
        ("name != \"martin\"", cmp("name", Ne, text("martin"))),
        (
            "start after \"2015-06-01\"",
            cmp("start", Gt, text("2015-06-01")),
        ),
        ("start greater_than 3", cmp("start", Gt, Value::Integer(3))),
        ("start > 3", cmp("start", Gt, Value::Integer(3))),
        (
            "end before \"2015-06-01\"",
            cmp("end", Lt, text("2015-06-01")),
        ),
        ("end less_than 3", cmp("end", Lt, Value::Integer(3))),
        ("end < 3", cmp("end", Lt, Value::Integer(3))),
        ("bid >= 14400", cmp("bid", Ge, Value::Integer(14400))),
        ("bid <= 14400", cmp("bid", Le, Value::Integer(14400))),
        (
            "name like \"%thrones\"",
            cmp("name", Like, text("%thrones")),
        ),
        (
            "name not_like \"%thrones\"",
            cmp("name", NotLike, text("%thrones")),
        ),
        ("asset_id is_not none", cmp("asset_id", Ne, Value::Null)),
        ("is_active is true", is("is_active", Value::Bool(true))),
    ];
    for (source, expected) in cases {
        assert_eq!(filter(source), expected, "{source}");
    }
    assert_eq!(
        filter("status.name in (\"Done\", \"Omitted\")"),
        Criteria::In {
            path: path("status.name"),
            negated: false,
            values: InSource::Values(vec![text("Done"), text("Omitted")]),
        }
    );
    assert_eq!(
        filter("id not_in ()"),
        Criteria::In {
            path: path("id"),
            negated: true,
            values: InSource::Values(Vec::new()),
        }
    );
}

#[test]
fn parses_relations() {
    assert_eq!(
        filter("author has (first_name is \"Jane\" and last_name is \"Doe\")"),
        Criteria::Has {
            path: path("author"),
            inner: Box::new(and(
                is("first_name", text("Jane")),
                is("last_name", text("Doe"))
            )),
        }
    );
    assert_eq!(
        filter("memberships any (group.name is \"Artists\")"),
        Criteria::Any {
            path: path("memberships"),
            inner: Some(Box::new(is("group.name", text("Artists")))),
        }
    );
    assert_eq!(
        filter("not timelogs any ()"),
        not(Criteria::Any {
            path: path("timelogs"),
            inner: None,
        })
    );
}

#[test]
fn parses_subqueries() {
    let inner = Query {
        filter: Some(is("group.name", text("FX"))),
        ..select(&["user_id"], "Membership")
    };
    assert_eq!(
        filter("id in (select user_id from Membership where group.name is \"FX\")"),
        Criteria::In {
            path: path("id"),
            negated: false,
            values: InSource::Subquery(Box::new(inner)),
        }
    );
    let nested = filter(
        "id not_in (select user_id from Membership where group_id in \
         (select id from Group where local is true limit 3))",
    );
    let Criteria::In {
        negated: true,
        values: InSource::Subquery(outer),
        ..
    } = nested
    else {
        panic!("{nested:?}");
    };
    let Some(Criteria::In {
        values: InSource::Subquery(innermost),
        ..
    }) = outer.filter
    else {
        panic!("{outer:?}");
    };
    assert_eq!(innermost.limit, Some(3));
}

#[test]
fn and_binds_tighter_than_or_and_both_associate_left() {
    let (a, b, c) = (int("a", 1), int("b", 2), int("c", 3));
    assert_eq!(
        filter("a is 1 or b is 2 and c is 3"),
        or(a.clone(), and(b.clone(), c.clone()))
    );
    assert_eq!(
        filter("a is 1 and b is 2 or c is 3"),
        or(and(a.clone(), b.clone()), c.clone())
    );
    assert_eq!(
        filter("(a is 1 or b is 2) and c is 3"),
        and(or(a.clone(), b.clone()), c.clone())
    );
    assert_eq!(
        filter("a is 1 or b is 2 or c is 3"),
        or(or(a.clone(), b.clone()), c.clone())
    );
    assert_eq!(
        filter("not a is 1 and b is 2"),
        and(not(a.clone()), b.clone())
    );
    assert_eq!(
        filter("not (a is 1 and b is 2)"),
        not(and(a.clone(), b.clone()))
    );
    assert_eq!(filter("not not ((a is 1))"), not(not(a)));
}

#[test]
fn parses_literals() {
    let cases = [
        ("'single'", text("single")),
        ("\"it's\"", text("it's")),
        ("'say \"hi\"'", text("say \"hi\"")),
        (r#""o\"b\\x""#, text("o\"b\\x")),
        (r"'it\'s'", text("it's")),
        (r#""\a\b\"""#, text("ab\"")),
        ("\"\"", text("")),
        ("\"日本語 テスト 🎬🦀\"", text("日本語 テスト 🎬🦀")),
        ("\"line\nbreak\ttab\"", text("line\nbreak\ttab")),
        ("42", Value::Integer(42)),
        ("-7", Value::Integer(-7)),
        ("0.5", Value::Float(0.5)),
        ("-2.25", Value::Float(-2.25)),
        ("1e-7", Value::Float(1e-7)),
        ("99999999999999999999", Value::Float(1e20)),
        ("true", Value::Bool(true)),
        ("TRUE", Value::Bool(true)),
        ("True", Value::Bool(true)),
        ("False", Value::Bool(false)),
        ("none", Value::Null),
        ("None", Value::Null),
        ("null", bare("null")),
        (UUID, bare(UUID)),
        ("Approved", bare("Approved")),
        ("in_progress", bare("in_progress")),
        ("v1.2.3", bare("v1.2.3")),
        ("inf", bare("inf")),
        ("Zoë", bare("Zoë")),
    ];
    for (literal, expected) in cases {
        assert_eq!(
            filter(&format!("x is {literal}")),
            is("x", expected),
            "{literal}"
        );
    }
    assert_eq!(
        filter("x in (a, 'b', \"c\", 1, none)"),
        Criteria::In {
            path: path("x"),
            negated: false,
            values: InSource::Values(vec![
                bare("a"),
                text("b"),
                text("c"),
                Value::Integer(1),
                Value::Null
            ]),
        }
    );
    assert_eq!(filter("key=some_key"), is("key", bare("some_key")));
}

#[test]
fn keywords_are_case_insensitive_and_names_are_not() {
    let q = parse(
        "SELECT Id FROM user WHERE a IS 1 AND NOT b IS_NOT 2 Or c LIKE 'x' \
         ORDER BY Id DESC OFFSET 1 LIMIT 2",
    );
    assert_eq!(q.projections, Some(vec![path("Id")]));
    assert_eq!(q.entity, "user");
    assert_eq!(
        q.filter,
        Some(or(
            and(int("a", 1), not(cmp("b", CompareOp::Ne, Value::Integer(2)))),
            cmp("c", CompareOp::Like, text("x"))
        ))
    );
    assert_eq!((q.offset, q.limit), (Some(1), Some(2)));
}

#[test]
fn accepts_client_quirks() {
    let xy = and(is("name", text("x")), is("id", text("y")));
    assert_eq!(filter("name is \"x\"and id is \"y\""), xy);
    assert_eq!(filter("name is \"x\"AND id is 'y'"), xy);
    assert_eq!(
        filter("name is 'x'or id is \"y\""),
        or(is("name", text("x")), is("id", text("y")))
    );
    assert_eq!(
        filter("(a>=1)and(b<=2)or(c!=3)"),
        or(
            and(
                cmp("a", CompareOp::Ge, Value::Integer(1)),
                cmp("b", CompareOp::Le, Value::Integer(2))
            ),
            cmp("c", CompareOp::Ne, Value::Integer(3))
        )
    );
    assert_eq!(filter("a=-1"), int("a", -1));
    assert_eq!(filter("a>-1"), cmp("a", CompareOp::Gt, Value::Integer(-1)));
    assert_eq!(
        filter("x in(\"a\",'b',c,1)"),
        filter("x in (\"a\", 'b', c, 1)")
    );
    assert_eq!(
        parse("\n\tselect\r\n  id ,name\tfrom   User\nwhere  a is 1  "),
        Query {
            filter: Some(int("a", 1)),
            ..select(&["id", "name"], "User")
        }
    );
}

#[test]
fn paging_words_inside_strings_stay_text() {
    let q = parse("select id from User where username is \"team limit 5 offset 2\"");
    assert_eq!(
        q.filter,
        Some(is("username", text("team limit 5 offset 2")))
    );
    assert_eq!((q.offset, q.limit), (None, None));
    // What the Python client sends after its regex mangled the string above.
    let q = parse("select id from User where username is \"team  \" offset 2 limit 5");
    assert_eq!(q.filter, Some(is("username", text("team  "))));
    assert_eq!((q.offset, q.limit), (Some(2), Some(5)));
}

#[test]
fn prints_canonical_text() {
    let cases = [
        (
            "SELECT a, b.c FROM Task WHERE x = 'y' AND NOT (c IS 1 OR d IS 2) \
             ORDER BY a DESC, b ASCENDING LIMIT 3 OFFSET 4",
            "select a, b.c from Task where x is \"y\" and not (c is 1 or d is 2) \
             order by a desc, b offset 4 limit 3",
        ),
        ("User", "User"),
        (
            r#"User where n is 'o"b\\x' or (a is 1 or b is 2)"#,
            r#"User where n is "o\"b\\x" or (a is 1 or b is 2)"#,
        ),
        (
            "User where a after 1.0 and b greater_than 1e20 and c < -0.5",
            "User where a > 1.0 and b > 1e20 and c < -0.5",
        ),
        (
            "User where id in (select user_id from Membership where group.name is 'FX') \
             and x not_in (a,b) and m any () and u has (n like 'j%') and t is False",
            "User where id in (select user_id from Membership where group.name is \"FX\") \
             and x not_in (a, b) and m any () and u has (n like \"j%\") and t is false",
        ),
        ("User where a is none", "User where a is none"),
    ];
    for (source, canonical) in cases {
        let q = parse(source);
        assert_eq!(q.to_string(), canonical);
        assert_eq!(parse(canonical), q);
    }
}
