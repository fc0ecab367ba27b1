use super::*;
use proptest::prelude::*;

const UUID: &str = "24160c98-1234-5678-9abc-def012345678";

fn parse(text: &str) -> Query {
    parse_query(text).unwrap_or_else(|e| panic!("{text:?}: {e}"))
}

/// The criteria of `User where <text>`.
fn filter(text: &str) -> Criteria {
    parse(&format!("User where {text}"))
        .filter
        .unwrap_or_else(|| panic!("{text:?} has no filter"))
}

/// Position and message of the error `text` gives.
fn error(text: &str) -> (usize, String) {
    match parse_query(text) {
        Ok(query) => panic!("{text:?} parsed as {query:?}"),
        Err(e) => (e.position, e.message),
    }
}

fn path(text: &str) -> Path {
    Path(text.split('.').map(str::to_owned).collect())
}

fn query(entity: &str) -> Query {
    Query {
        projections: None,
        entity: entity.to_owned(),
        filter: None,
        order_by: Vec::new(),
        offset: None,
        limit: None,
    }
}

fn select(paths: &[&str], entity: &str) -> Query {
    Query {
        projections: Some(paths.iter().map(|p| path(p)).collect()),
        ..query(entity)
    }
}

fn cmp(attr: &str, op: CompareOp, value: Value) -> Criteria {
    Criteria::Compare {
        path: path(attr),
        op,
        value,
    }
}

fn is(attr: &str, value: Value) -> Criteria {
    cmp(attr, CompareOp::Eq, value)
}

fn text(value: &str) -> Value {
    Value::Text(value.to_owned())
}

fn bare(value: &str) -> Value {
    Value::Bare(value.to_owned())
}

fn and(left: Criteria, right: Criteria) -> Criteria {
    Criteria::And(Box::new(left), Box::new(right))
}

fn or(left: Criteria, right: Criteria) -> Criteria {
    Criteria::Or(Box::new(left), Box::new(right))
}

fn not(inner: Criteria) -> Criteria {
    Criteria::Not(Box::new(inner))
}

fn int(attr: &str, n: i64) -> Criteria {
    is(attr, Value::Integer(n))
}

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

const SAMPLES: &[&str] = &[
    "select id from User offset 0 limit 500",
    "select id from User where (id is \"24160c98-1234-5678-9abc-def012345678\") offset 0 limit 500",
    "select id from Group where name is \"n\" and local is False limit 2",
    "select name from Project order by name descending offset 5 limit 10",
    "User where a is 1 or b is 2 and not c is 3",
    "User where memberships any (group.name is \"Artists\") and not timelogs any ()",
    "Note where author has (first_name is 'Jane' and last_name is \"Doe\")",
    "User where id in (select user_id from Membership where group.name is \"FX\")",
    "User where username is \"o\\\"b\\\\x\"and email like '%@example.com'",
    "User where name is \"日本語 🎬\" and x in (a, 'b', 1, -2.5, none, True)",
    "User where username is \"team limit 5 offset 2\" order by a.b desc, c asc",
    "User where (a>=1)and(b<=2)or(c!=3)",
];

fn exercise(text: &str) {
    match parse_query(text) {
        Ok(query) => {
            let printed = query.to_string();
            assert_eq!(
                parse_query(&printed),
                Ok(query),
                "{text:?} printed as {printed:?}"
            );
        }
        Err(e) => assert!(
            e.position <= text.chars().count(),
            "{text:?}: position {} past the end",
            e.position
        ),
    }
}

#[test]
fn truncated_samples_never_panic() {
    for sample in SAMPLES {
        exercise(sample);
        for (end, _) in sample.char_indices() {
            exercise(&sample[..end]);
        }
    }
}

/// Deterministic xorshift generator, so failures reproduce.
struct Rng(u64);

impl Rng {
    fn below(&mut self, bound: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % bound.max(1) as u64) as usize
    }
}

const FRAGMENTS: &[&str] = &[
    "\"",
    "'",
    "\\",
    "(",
    ")",
    ",",
    "=",
    "!",
    "<",
    ">",
    " ",
    "\t",
    "a",
    "1",
    "-",
    ".",
    "é",
    "日",
    "😀",
    " and ",
    " or ",
    " not ",
    " in ",
    " not_in ",
    "select ",
    " from ",
    " where ",
    " any ",
    " has ",
    " limit 5",
    " offset 2",
    " order by x desc",
    "none",
    "True",
    "1e999",
];

fn mutate(rng: &mut Rng, sample: &str) -> String {
    let mut chars: Vec<char> = sample.chars().collect();
    for _ in 0..=rng.below(3) {
        let at = rng.below(chars.len() + 1);
        let fragment = FRAGMENTS[rng.below(FRAGMENTS.len())];
        match rng.below(4) {
            0 if at < chars.len() => {
                chars.remove(at);
            }
            1 if at < chars.len() => {
                chars.splice(at..=at, fragment.chars());
            }
            2 => {
                let end = (at + rng.below(12)).min(chars.len());
                let copy: Vec<char> = chars[at..end].to_vec();
                chars.splice(at..at, copy);
            }
            _ => {
                chars.splice(at..at, fragment.chars());
            }
        }
    }
    chars.into_iter().collect()
}

#[test]
fn mutated_samples_never_panic() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for round in 0..5000 {
        let sample = SAMPLES[round % SAMPLES.len()];
        exercise(&mutate(&mut rng, sample));
    }
}

fn arb_name() -> impl Strategy<Value = String> {
    "[A-Za-z_][A-Za-z0-9_]{0,8}".prop_filter("reserved", |s| !is_reserved(s))
}

fn arb_path() -> impl Strategy<Value = Path> {
    proptest::collection::vec(arb_name(), 1..4).prop_map(Path)
}

fn arb_entity() -> impl Strategy<Value = String> {
    "[A-Z][A-Za-z0-9_]{0,10}".prop_filter("reserved", |s| !is_reserved(s))
}

fn arb_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<String>().prop_map(Value::Text),
        "[A-Za-z_][A-Za-z0-9_.-]{0,12}"
            .prop_filter("reserved", |s| !is_reserved(s))
            .prop_map(Value::Bare),
        "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}".prop_map(Value::Bare),
        any::<i64>().prop_map(Value::Integer),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::Float),
        any::<bool>().prop_map(Value::Bool),
        Just(Value::Null),
    ]
}

fn arb_op() -> impl Strategy<Value = CompareOp> {
    use CompareOp::*;
    proptest::sample::select(vec![Eq, Ne, Gt, Lt, Ge, Le, Like, NotLike])
}

fn arb_query(
    projections: impl Strategy<Value = Option<Vec<Path>>>,
    criteria: impl Strategy<Value = Criteria>,
) -> impl Strategy<Value = Query> {
    let ordering =
        (arb_path(), any::<bool>()).prop_map(|(path, descending)| Ordering { path, descending });
    (
        projections,
        arb_entity(),
        proptest::option::of(criteria),
        proptest::collection::vec(ordering, 0..3),
        proptest::option::of(any::<u64>()),
        proptest::option::of(any::<u64>()),
    )
        .prop_map(
            |(projections, entity, filter, order_by, offset, limit)| Query {
                projections,
                entity,
                filter,
                order_by,
                offset,
                limit,
            },
        )
}

fn arb_projections() -> impl Strategy<Value = Vec<Path>> {
    proptest::collection::vec(arb_path(), 1..3)
}

fn arb_criteria() -> impl Strategy<Value = Criteria> {
    let leaf = prop_oneof![
        (arb_path(), arb_op(), arb_value()).prop_map(|(path, op, value)| Criteria::Compare {
            path,
            op,
            value
        }),
        (
            arb_path(),
            any::<bool>(),
            proptest::collection::vec(arb_value(), 0..4)
        )
            .prop_map(|(path, negated, values)| Criteria::In {
                path,
                negated,
                values: InSource::Values(values),
            }),
        arb_path().prop_map(|path| Criteria::Any { path, inner: None }),
    ];
    leaf.prop_recursive(5, 32, 3, |inner| {
        let boxed = inner.clone().prop_map(Box::new);
        prop_oneof![
            (boxed.clone(), boxed.clone()).prop_map(|(l, r)| Criteria::And(l, r)),
            (boxed.clone(), boxed.clone()).prop_map(|(l, r)| Criteria::Or(l, r)),
            boxed.clone().prop_map(Criteria::Not),
            (arb_path(), boxed.clone()).prop_map(|(path, inner)| Criteria::Has { path, inner }),
            (arb_path(), boxed).prop_map(|(path, inner)| Criteria::Any {
                path,
                inner: Some(inner),
            }),
            (
                arb_path(),
                any::<bool>(),
                arb_query(arb_projections().prop_map(Some), inner)
            )
                .prop_map(|(path, negated, query)| Criteria::In {
                    path,
                    negated,
                    values: InSource::Subquery(Box::new(query)),
                }),
        ]
    })
}

proptest! {
    #[test]
    fn printed_queries_parse_back(
        q in arb_query(proptest::option::of(arb_projections()), arb_criteria())
    ) {
        let printed = q.to_string();
        prop_assert_eq!(parse_query(&printed), Ok(q), "{}", printed);
    }

    #[test]
    fn arbitrary_text_never_panics(text in any::<String>()) {
        exercise(&text);
    }

    #[test]
    fn query_like_text_never_panics(
        text in "[a-zA-Z0-9_\"'\\\\()=!<>,. -]{0,60}|(select|from|where|and|or|not|in|any|has|is|\\(|\\)|\"|'|,| |a|1|limit|offset|order|by)*"
    ) {
        exercise(&text);
    }
}
