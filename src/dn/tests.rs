//! Parsing, comparing and printing DNs, with property tests over many ways of writing one DN.

use super::*;
use proptest::prelude::*;
use std::hash::{BuildHasher, RandomState};

#[track_caller]
fn dn(text: &str) -> Dn {
    Dn::parse(text).unwrap_or_else(|e| panic!("{text:?} should parse: {e}"))
}

#[track_caller]
fn same(a: &str, b: &str) {
    assert_eq!(dn(a), dn(b), "{a:?} and {b:?} name the same entry");
}

#[track_caller]
fn different(a: &str, b: &str) {
    assert_ne!(dn(a), dn(b), "{a:?} and {b:?} name different entries");
}

#[track_caller]
fn canonical(text: &str, expected: &str) {
    assert_eq!(
        dn(text).to_string(),
        expected,
        "the canonical text of {text:?}"
    );
}

#[track_caller]
fn problem(text: &str) -> (DnProblem, usize) {
    match Dn::parse(text) {
        Ok(dn) => panic!("{text:?} should not parse, got {dn:?}"),
        Err(e) => (e.problem(), e.at()),
    }
}

/// The text values of the first RDN.
fn first_values(text: &str) -> Vec<String> {
    dn(text)
        .first_rdn()
        .map_or(Vec::new(), |rdn| rdn.text_values().collect())
}

#[test]
fn escaped_commas_are_part_of_the_value() {
    let smith = r"cn=Smith\, John,ou=people,dc=x";
    same(smith, r"CN=smith\2c john , OU=People,DC=x");
    same(smith, r#"cn="Smith, John",ou=people,dc=x"#);
    different(smith, "cn=Smith,cn=John,ou=people,dc=x");
    canonical(r#"cn="Smith, John" ; ou=people;dc=x"#, smith);
    assert_eq!(dn(smith).rdns().count(), 3);
    assert_eq!(first_values(smith), ["Smith, John"]);
}

#[test]
fn escaped_plus_signs_are_part_of_the_value() {
    same(r"cn=R\+D,ou=groups,dc=x", r"CN=R\2BD, OU=Groups,DC=x");
    different(r"cn=R\+D,dc=x", "cn=R+d=x,dc=x");
    assert_eq!(problem("cn=R+D,dc=x"), (DnProblem::MissingEquals, 6));
    canonical(r"cn=R\2bD,dc=x", r"cn=R\+D,dc=x");
    assert_eq!(first_values(r"cn=R\+D,dc=x"), ["R+D"]);
}

#[test]
fn hex_pairs_and_non_ascii_values() {
    let zoe = "cn=Zoë Ærø,dc=x";
    same(zoe, r"cn=Zo\C3\AB \C3\86r\c3\b8,dc=x");
    same(zoe, "CN=ZOË ÆRØ,DC=X");
    same(zoe, "cn=Zoe\u{308} Ærø,dc=x");
    canonical(r"cn=Zo\C3\AB \C3\86r\C3\B8,dc=x", zoe);
    same("cn=ΟΔΟΣ", "cn=οδος");
    // Hex pairs that are not UTF-8 stay bytes.
    canonical(r"cn=a\FF,dc=x", r"cn=a\ff,dc=x");
    let raw = dn(r"cn=a\ff");
    let value = raw.attribute_values().next().map(|part| part.value());
    assert_eq!(value, Some(Value::Bytes(vec![b'a', 0xff])));
    canonical(r"cn=tab\09here", r"cn=tab\09here");
}

#[test]
fn special_characters_are_escaped_only_where_needed() {
    canonical(r"cn=\#1 <a\> b\=c\;d", r"cn=\#1 \<a\> b=c\;d");
    canonical(r"cn=\ padded\ ", r"cn=\ padded\ ");
    canonical(r"cn=a\\b\22", r#"cn=a\\b\""#);
    canonical("cn=#0403616263,dc=x", "cn=#0403616263,dc=x");
    same("cn=#0403616263", "CN=#0403616263");
    different("cn=#0403616263", "cn=abc");
    let ber = dn("cn=#0403616263")
        .attribute_values()
        .next()
        .map(|p| p.value());
    assert_eq!(ber, Some(Value::Ber(vec![4, 3, b'a', b'b', b'c'])));
}

#[test]
fn multi_valued_rdns_compare_in_any_order() {
    same("cn=a+uid=b,dc=x", "UID=B + cn=A,dc=x");
    different("cn=a+uid=b,dc=x", "cn=a,uid=b,dc=x");
    canonical("uid=b+CN=A,dc=x", "CN=A+uid=b,dc=x");
    assert_eq!(first_values("uid=b+cn=a,dc=x"), ["a", "b"]);
}

#[test]
fn spacing_and_case_do_not_count() {
    same("cn = a , dc = x", "cn=a,dc=x");
    same("  CN=A,DC=X  ", "cn=a,dc=x");
    canonical(" CN = Ann Lee ,  dc=x ", "CN=Ann Lee,dc=x");
    different(r"cn=a\ ,dc=x", "cn=a,dc=x");
    different("cn=a  b", "cn=a b");
    // Numeric OIDs stay as written: a name and its OID are different types here.
    same("2.5.4.3=A,dc=x", "2.5.4.3=a,DC=x");
    different("2.5.4.3=a", "cn=a");
}

#[test]
fn parents_go_one_rdn_up() {
    let parent = |text: &str| dn(text).parent();
    assert_eq!(parent("cn=a,ou=b,dc=x"), Some(dn("ou=b,dc=x")));
    assert_eq!(parent(r"cn=Smith\, John,dc=x"), Some(dn("dc=x")));
    assert_eq!(parent("CN=A,OU=B"), Some(dn("ou=b")));
    assert_eq!(
        parent("CN=A,OU=B").map(|p| p.to_string()),
        Some("OU=B".into())
    );
    assert_eq!(parent("dc=x"), Some(Dn::root()));
    assert_eq!(Dn::root().parent(), None);
    assert!(dn("").is_root() && dn("   ").is_root());
}

#[test]
fn is_within_means_descendant_or_self() {
    let base = dn("OU=People, DC=x");
    assert!(dn("cn=a,ou=people,dc=x").is_within(&base));
    assert!(dn("cn=b,cn=a,ou=people,dc=x").is_within(&base));
    assert!(dn("ou=people,dc=x").is_within(&base));
    assert!(dn("ou=people,dc=x").is_within(&Dn::root()));
    assert!(!dn("cn=a,xou=people,dc=x").is_within(&base));
    assert!(!dn("cn=a,ou=people,dc=y").is_within(&base));
    assert!(!dn("dc=x").is_within(&base));
    assert!(!dn(r"cn=a\,ou=people,dc=x").is_within(&dn("ou=people,dc=x")));
    assert!(!Dn::root().is_within(&base));
}

#[test]
fn malformed_dns_are_errors_with_positions() {
    assert_eq!(problem("cn=a,,dc=x"), (DnProblem::MissingType, 5));
    assert_eq!(problem("cn=a,"), (DnProblem::MissingType, 5));
    assert_eq!(problem("=a"), (DnProblem::MissingType, 0));
    assert_eq!(problem(r"cn=a\"), (DnProblem::UnterminatedEscape, 4));
    assert_eq!(problem(r"cn=a\zz"), (DnProblem::BadEscape, 4));
    assert_eq!(problem(r"cn=a\4"), (DnProblem::BadEscape, 4));
    assert_eq!(problem("cn=a,dc"), (DnProblem::MissingEquals, 7));
    assert_eq!(problem("c n=a"), (DnProblem::MissingEquals, 2));
    assert_eq!(problem("1cn=a"), (DnProblem::BadType, 0));
    assert_eq!(problem("cn=#123"), (DnProblem::BadHex, 3));
    assert_eq!(problem("cn=#"), (DnProblem::BadHex, 3));
    assert_eq!(problem("cn=#12 3"), (DnProblem::ExpectedSeparator, 7));
    assert_eq!(problem(r#"cn="abc"#), (DnProblem::UnterminatedQuote, 3));
    assert_eq!(problem(r#"cn="a"b"#), (DnProblem::ExpectedSeparator, 6));
    assert_eq!(problem(r#"cn=a"b"#), (DnProblem::Unescaped, 4));
    assert_eq!(problem("fx"), (DnProblem::MissingEquals, 2));
    let message = Dn::parse("cn=a,,dc=x").unwrap_err().to_string();
    assert!(message.contains("\"cn=a,,dc=x\" is not a DN"), "{message}");
    assert!(message.contains("attribute type"), "{message}");
}

#[test]
fn unique_members_lose_their_bit_string() {
    let ann = dn("uid=ann,dc=x");
    assert_eq!(
        Dn::parse_unique_member("uid=ann,dc=x#'0101'B"),
        Ok(ann.clone())
    );
    assert_eq!(Dn::parse_unique_member("UID=ann, dc=x"), Ok(ann));
    assert_eq!(
        Dn::parse_unique_member("uid=a#b,dc=x").map(|d| d.to_string()),
        Ok("uid=a#b,dc=x".to_string())
    );
    assert_eq!(
        DnOrName::read_unique_member("uid=ann,dc=x#'1'B"),
        DnOrName::read("uid=ann,dc=x")
    );
}

#[test]
fn values_that_are_not_dns_are_plain_names() {
    assert_eq!(DnOrName::read(" FX "), DnOrName::read("fx"));
    assert!(matches!(DnOrName::read("fx"), DnOrName::Name(_)));
    assert_ne!(DnOrName::read("cn=fx"), DnOrName::read("fx"));
    assert_eq!(DnOrName::read("cn=a,,dc=x"), DnOrName::read("CN=A , ,DC=X"));
    let smith = DnOrName::read(r"cn=Smith\, John,dc=x");
    let names: Vec<DnOrName> = smith.first_rdn_names().collect();
    assert_eq!(names, [DnOrName::read("smith, John")]);
    assert_eq!(DnOrName::read("fx").first_rdn_names().count(), 0);
}

/// The attribute types the property tests write.
const TYPES: &[&str] = &["cn", "uid", "ou", "dc", "2.5.4.3", "displayName"];

/// A DN as its parts: RDNs of (type index, value).
type Parts = Vec<Vec<(usize, String)>>;

fn any_value() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            4 => proptest::char::range('a', 'e'),
            2 => proptest::sample::select(vec![
                ' ', ',', '+', '"', '\\', ';', '<', '>', '=', '#', '\u{1}', 'é', 'Ø', 'ß', '中',
            ]),
        ],
        0..6,
    )
    .prop_map(|chars| chars.into_iter().collect())
}

fn any_parts() -> impl Strategy<Value = Parts> {
    let part = (0..TYPES.len(), any_value());
    proptest::collection::vec(proptest::collection::vec(part, 1..3), 0..4)
}

/// Writes `parts` as a DN, taking each choice of spacing, escaping, quoting, case and order
/// from `choices` (cycled).
fn write(parts: &Parts, choices: &[u8]) -> String {
    let mut choice = choices.iter().copied().cycle();
    let mut next = move |n: u8| choice.next().map_or(0, |c| c % n);
    let mut out = String::new();
    for (r, rdn) in parts.iter().enumerate() {
        if r > 0 {
            out.push_str([",", " , ", ";", ", "][usize::from(next(4))]);
        }
        let mut order: Vec<&(usize, String)> = rdn.iter().collect();
        if next(2) == 1 {
            order.reverse();
        }
        for (a, (kind, value)) in order.into_iter().enumerate() {
            if a > 0 {
                out.push_str(["+", " + "][usize::from(next(2))]);
            }
            let kind = TYPES[*kind];
            match next(2) {
                0 => out.push_str(kind),
                _ => out.push_str(&kind.to_ascii_uppercase()),
            }
            out.push_str(["=", " = "][usize::from(next(2))]);
            write_value(value, &mut next, &mut out);
        }
    }
    out
}

fn write_value(value: &str, next: &mut impl FnMut(u8) -> u8, out: &mut String) {
    if next(4) == 0 {
        out.push('"');
        for c in value.chars() {
            if c == '"' || c == '\\' {
                out.push('\\');
            }
            out.push(c);
        }
        out.push('"');
        return;
    }
    let count = value.chars().count();
    for (i, c) in value.chars().enumerate() {
        let must = "\"+,;\\".contains(c)
            || (i == 0 && (c == '#' || c == ' '))
            || (i + 1 == count && c == ' ');
        match next(3) {
            0 if !must => out.push(if next(2) == 0 {
                c
            } else {
                c.to_ascii_uppercase()
            }),
            1 if c.is_ascii_punctuation() || c == ' ' => {
                out.push('\\');
                out.push(c);
            }
            _ => {
                for b in c.to_string().bytes() {
                    out.push_str(&format!("\\{b:02X}"));
                }
            }
        }
    }
}

proptest! {
    #[test]
    fn any_two_writings_of_one_dn_are_equal_and_hash_equal(
        parts in any_parts(),
        first in proptest::collection::vec(any::<u8>(), 1..40),
        second in proptest::collection::vec(any::<u8>(), 1..40),
    ) {
        let (a, b) = (write(&parts, &first), write(&parts, &second));
        let (dn_a, dn_b) = (dn(&a), dn(&b));
        prop_assert_eq!(&dn_a, &dn_b, "{} and {}", a, b);
        let state = RandomState::new();
        prop_assert_eq!(state.hash_one(&dn_a), state.hash_one(&dn_b));
    }

    #[test]
    fn the_canonical_text_parses_back_to_the_same_dn(
        parts in any_parts(),
        choices in proptest::collection::vec(any::<u8>(), 1..40),
    ) {
        let written = dn(&write(&parts, &choices));
        let printed = written.to_string();
        let again = dn(&printed);
        prop_assert_eq!(&again, &written);
        prop_assert_eq!(again.to_string(), printed);
        let state = RandomState::new();
        prop_assert_eq!(state.hash_one(&again), state.hash_one(&written));
    }

    #[test]
    fn the_shortcut_for_plain_dns_agrees_with_the_full_parser(text in "[a-cA-C0-9=,. -]{0,16}") {
        let quick = parse::parse(&text).map(|p| (p.text.clone(), p.folded.clone()));
        let full = parse::parse_fully(&text).map(|p| {
            let folded = if p.folded == p.text { String::new() } else { p.folded };
            (p.text, folded)
        });
        prop_assert_eq!(quick, full);
    }

    #[test]
    fn any_text_parses_or_fails_without_panicking(text in "\\PC{0,24}") {
        if let Ok(parsed) = Dn::parse(&text) {
            prop_assert_eq!(dn(&parsed.to_string()), parsed.clone());
            let _ = parsed.parent();
            prop_assert!(parsed.is_within(&Dn::root()));
        }
        let _ = DnOrName::read(&text);
    }
}
