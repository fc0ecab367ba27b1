//! Robustness: mangled and arbitrary text never panics, and printed trees parse back.

use crate::sandbox::query::lexer::is_reserved;
use crate::sandbox::query::*;
use proptest::prelude::*;

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
