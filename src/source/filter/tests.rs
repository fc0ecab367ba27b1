//! Parsing, printing and evaluation of filters, with property tests.

use super::evaluate::dn_components;
use super::*;
use proptest::prelude::*;

fn parse(text: &str) -> Filter {
    match text.parse() {
        Ok(filter) => filter,
        Err(e) => panic!("{text:?} should parse: {e}"),
    }
}

fn parse_err(text: &str) -> FilterError {
    match text.parse::<Filter>() {
        Ok(filter) => panic!("{text:?} should not parse, got {filter:?}"),
        Err(e) => e,
    }
}

fn eq(attr: &str, value: &str) -> Filter {
    Filter::Equal {
        attr: attr.into(),
        value: value.into(),
    }
}

fn sample() -> RawEntry {
    let mut e = RawEntry::new("uid=jdoe,OU=People+l=Berlin,dc=example,dc=com");
    for class in ["top", "person", "organizationalPerson", "inetOrgPerson"] {
        e.push("objectClass", class);
    }
    e.push("uid", "jdoe");
    e.push("cn", "John  Doe ");
    e.push("cn", "Johnny");
    e.push("cn;lang-de", "Johann Doe");
    e.push("sn", "Doe");
    e.push("mail", "John.Doe@Example.com");
    e.push("uidNumber", "1001");
    e.push("userAccountControl", "514");
    e.push("groupType", "-2147483646");
    e.push("whenChanged", "20240315120000Z");
    e.push("description", "Senior Engineer (R&D) *");
    e.push("jpegPhoto", vec![0xff, 0x00, 0x2a, 0xfe]);
    e
}

fn check(filter: &str) -> bool {
    match parse(filter).matches(&sample()) {
        Ok(result) => result,
        Err(e) => panic!("{filter:?} should evaluate: {e}"),
    }
}

#[test]
fn escape_value_escapes_specials() {
    assert_eq!(escape_value(b"a*b(c)\\d\0"), "a\\2ab\\28c\\29\\5cd\\00");
    assert_eq!(escape_value(b""), "");
    assert_eq!(escape_value("Jürgen Müller".as_bytes()), "Jürgen Müller");
    assert_eq!(escape_value(&[0x61, 0xff, 0xc3, 0x62]), "a\\ff\\c3b");
    assert_eq!(escape_value(b" lead, trail = "), " lead, trail = ");
}

#[test]
fn canonical_filters_round_trip() {
    let canonical = [
        "(uid=jdoe)",
        "(cn=)",
        "(cn=John Doe)",
        "(cn= spaced )",
        "(objectClass=*)",
        "(cn=J*)",
        "(cn=*Doe)",
        "(cn=*oh*)",
        "(cn=J*o*n*D*e)",
        "(cn=*a*b*)",
        "(mail~=john)",
        "(uidNumber>=1000)",
        "(uidNumber<=2000)",
        "(&)",
        "(|)",
        "(!(uid=root))",
        "(&(objectClass=person)(|(uid=a)(uid=b))(!(cn=x*)))",
        "(cn;lang-de;x-foo=Johann)",
        "(2.5.4.3=John)",
        "(userAccountControl:1.2.840.113556.1.4.803:=2)",
        "(cn:caseExactMatch:=Fred)",
        "(cn:=Betty)",
        "(sn:dn:2.4.6.8.10:=Barney Rubble)",
        "(o:dn:=Ace Industry)",
        "(:1.2.3:=Wilma Flintstone)",
        "(:dn:2.4.6.8.10:=Dino)",
        "(:DN:2.4.6.8.10:=Dino)",
        "(o=Parens R Us \\28for all your parenthetical needs\\29)",
        "(cn=*\\2a*)",
        "(filename=C:\\5cMyFile)",
        "(bin=\\00\\00\\00\\ff)",
        "(sn=Lu\\c4\\8di\\c4\\87)",
        "(sn=Jürgen)",
        "(description=a\\ffb)",
    ];
    for text in canonical {
        let filter = parse(text);
        let printed = filter.to_string();
        assert_eq!(parse(&printed), filter, "{text}");
        // Values that are valid UTF-8 print unescaped, so compare modulo that.
        if !text.contains("\\c4") && !text.contains("DN") {
            assert_eq!(printed, text);
        }
    }
    assert_eq!(parse("(sn=Lu\\c4\\8di\\c4\\87)").to_string(), "(sn=Lučić)");
    assert_eq!(parse("(sn=Lu\\C4\\8Di)"), parse("(sn=Luči)"));
    assert_eq!(
        parse("(:DN:2.4.6.8.10:=Dino)").to_string(),
        "(:dn:2.4.6.8.10:=Dino)"
    );
}

#[test]
fn parses_structure() {
    assert_eq!(
        parse("(cn=a*b*c*d)"),
        Filter::Substring {
            attr: "cn".into(),
            initial: Some(b"a".to_vec()),
            any: vec![b"b".to_vec(), b"c".to_vec()],
            final_: Some(b"d".to_vec()),
        }
    );
    assert_eq!(
        parse("(cn=*x*)"),
        Filter::Substring {
            attr: "cn".into(),
            initial: None,
            any: vec![b"x".to_vec()],
            final_: None,
        }
    );
    assert_eq!(parse("(CN=*)"), Filter::Present { attr: "CN".into() });
    assert_eq!(
        parse("(cn=a\\2a)"),
        Filter::Equal {
            attr: "cn".into(),
            value: b"a*".to_vec()
        }
    );
    assert_eq!(
        parse("(a:dn:=v)"),
        Filter::Extensible {
            attr: Some("a".into()),
            rule: None,
            dn_attrs: true,
            value: b"v".to_vec(),
        }
    );
    assert_eq!(
        parse("(a:dn:dn:=v)"),
        Filter::Extensible {
            attr: Some("a".into()),
            rule: Some("dn".into()),
            dn_attrs: true,
            value: b"v".to_vec(),
        }
    );
    assert_eq!(
        parse("(:rule:=)"),
        Filter::Extensible {
            attr: None,
            rule: Some("rule".into()),
            dn_attrs: false,
            value: Vec::new(),
        }
    );
    assert_eq!(parse("(&)"), Filter::And(Vec::new()));
    assert_eq!(parse("(|)"), Filter::Or(Vec::new()));
}

#[test]
fn tolerates_whitespace_and_missing_outer_parentheses() {
    let expected = Filter::And(vec![eq("a", "b"), eq("c", "d")]);
    assert_eq!(parse("(& (a=b) (c=d))"), expected);
    assert_eq!(parse(" (&(a=b)(c=d)) \n"), expected);
    assert_eq!(parse("( & (a=b)\n\t(c=d) )"), expected);
    assert_eq!(parse("&(a=b)(c=d)"), expected);
    assert_eq!(parse("uid=jdoe"), eq("uid", "jdoe"));
    assert_eq!(parse("  uid=jdoe"), eq("uid", "jdoe"));
    assert_eq!(parse("(! (a=b) )"), Filter::Not(Box::new(eq("a", "b"))));
    // Inside a value whitespace is data.
    assert_eq!(parse("(cn=John Doe )"), eq("cn", "John Doe "));
    assert_eq!(parse("(cn= x)"), eq("cn", " x"));
}

#[test]
fn reports_errors_with_positions() {
    let cases: &[(&str, usize, &str)] = &[
        ("", 0, "expected a filter"),
        ("   ", 3, "expected a filter"),
        ("(", 1, "expected an attribute description"),
        ("()", 1, "expected an attribute description"),
        (
            "(uid=jdoe",
            9,
            "')' to close the filter opened at character 0",
        ),
        (
            "(&(a=b)",
            7,
            "')' to close the filter opened at character 0",
        ),
        ("(uid=jdoe))", 10, "unexpected ')'"),
        ("(a=b)(c=d)", 5, "expected the end of the filter"),
        ("(cn=a\\)", 5, "two hex digits"),
        ("(cn=a\\4)", 5, "two hex digits"),
        ("(cn=a\\zz)", 5, "two hex digits"),
        ("(cn=a\\", 5, "two hex digits"),
        ("(cn=Jürgen\\zz)", 10, "two hex digits"),
        ("(cn=a(b)", 5, "unescaped '('"),
        ("(cn=a\0)", 5, "NUL"),
        ("(cn~=a*)", 6, "unescaped '*'"),
        ("(n>=*)", 4, "unescaped '*'"),
        ("(cn=a**b)", 6, "empty substring"),
        ("(cn=**)", 5, "empty substring"),
        ("(c n=x)", 2, "expected '=', '~=', '>=', '<=' or ':='"),
        ("(cn~x)", 4, "expected '=' after '~'"),
        ("(cn>x)", 4, "expected '=' after '>'"),
        ("(cn;=x)", 4, "attribute option"),
        ("(1=x)", 2, "numeric OID"),
        ("(1.2.=x)", 5, "digit after '.'"),
        ("(=x)", 1, "expected an attribute description"),
        ("(-a=x)", 1, "expected an attribute description"),
        ("(:=x)", 1, "needs a matching rule"),
        ("(a:=x(", 5, "unescaped '('"),
        ("(a::=x)", 3, "'dn', a matching rule or '='"),
        ("(:dn:=x)", 1, "needs a matching rule"),
        ("(a:dn)", 5, "expected ':='"),
        ("(a:r1:r2:=x)", 6, "at most ':dn' and one matching rule"),
        ("(a:1.2.3:=x*)", 11, "unescaped '*'"),
        ("(!a=b)", 2, "'(' to start the filter negated"),
        ("(!(a=b)(c=d))", 7, "'!' takes exactly one filter"),
        ("(&(a=b)x)", 7, "'(' to start a nested filter or ')'"),
        ("((a=b))", 1, "expected '&', '|', '!' or an attribute"),
        ("(a=b) x", 6, "expected the end of the filter"),
    ];
    for (input, position, fragment) in cases {
        let err = parse_err(input);
        assert!(
            err.message.contains(fragment),
            "{input:?}: message {:?} should contain {fragment:?}",
            err.message
        );
        assert_eq!(err.position, *position, "{input:?}: {err}");
    }
    assert_eq!(
        parse_err("(uid=jdoe").to_string(),
        "invalid LDAP filter at character 9: expected ')' to close the filter opened at \
         character 0 but found the end of the filter"
    );
    assert!(parse_err("(c n=x)").message.ends_with("but found ' '"));
}

#[test]
fn limits_nesting_depth() {
    let nested =
        |levels: usize| format!("{}(a=b){}", "(!".repeat(levels - 1), ")".repeat(levels - 1));
    assert!(nested(MAX_DEPTH).parse::<Filter>().is_ok());
    let err = parse_err(&nested(MAX_DEPTH + 1));
    assert!(err.message.contains("nested"), "{err}");
    assert_eq!(err.position, 2 * MAX_DEPTH);
    // Far beyond the limit must fail cleanly rather than overflow the stack.
    assert!(
        parse_err(&"(!".repeat(1_000_000))
            .message
            .contains("nested")
    );
    assert!(parse_err(&"(&".repeat(100_000)).message.contains("nested"));
}

#[test]
fn equality_and_approx_match_case_insensitively() {
    assert!(check("(uid=jdoe)"));
    assert!(check("(UID=JDoe)"));
    assert!(check("(uid= jdoe )"));
    assert!(!check("(uid=jdo)"));
    assert!(!check("(uid=jdoe2)"));
    assert!(check("(objectClass=INETORGPERSON)"));
    assert!(!check("(objectClass=group)"));
    assert!(check("(cn=john doe)"), "trimmed and inner spaces collapsed");
    assert!(check("(mail=john.doe@example.COM)"));
    assert!(check("(mail~=JOHN.DOE@EXAMPLE.COM)"));
    assert!(!check("(mail~=jdoe@example.com)"));
    assert!(!check("(missing=x)"));
    assert!(!check("(dn=uid=jdoe,ou=People,dc=example,dc=com)"));
    assert!(check("(description=Senior Engineer \\28R&D\\29 \\2a)"));
    // Binary values compare byte for byte.
    assert!(check("(jpegPhoto=\\ff\\00\\2a\\fe)"));
    assert!(!check("(jpegPhoto=\\ff\\00\\2a\\FF)"));
}

#[test]
fn attribute_options_select_subtypes() {
    assert!(check("(cn=Johann Doe)"), "cn also covers cn;lang-de");
    assert!(check("(cn;lang-de=johann doe)"));
    assert!(check("(CN;LANG-DE=johann doe)"));
    assert!(!check("(cn;lang-de=John Doe)"));
    assert!(!check("(cn;lang-fr=Johann Doe)"));
    assert!(check("(cn;lang-de=*)"));
    assert!(!check("(cn;lang-fr=*)"));
}

#[test]
fn presence_matches_attributes_with_values() {
    assert!(check("(uid=*)"));
    assert!(check("(jpegPhoto=*)"));
    assert!(!check("(telephoneNumber=*)"));
    assert!(check("(objectClass=*)"));
    assert!(check("(objectclass=*)"));
    assert!(
        parse("(objectClass=*)")
            .matches(&RawEntry::new("cn=bare"))
            .unwrap(),
        "every directory entry has an object class"
    );
    assert!(!parse("(uid=*)").matches(&RawEntry::new("cn=bare")).unwrap());
}

#[test]
fn substrings_match_case_insensitively() {
    assert!(check("(cn=jo*)"));
    assert!(check("(cn=*DOE)"));
    assert!(check("(cn=*n d*)"));
    assert!(check("(cn=J*o*n*D*e)"));
    assert!(check("(mail=*@example.com)"));
    assert!(check("(cn=Joh*nny)"));
    assert!(!check("(cn=Johnny*y)"), "pieces must not overlap");
    assert!(!check("(cn=*y*y)"), "any must not overlap final");
    assert!(check("(cn=J*n*n*y)"));
    assert!(!check("(cn=x*)"));
    assert!(!check("(cn=*x)"));
    assert!(!check("(cn=*x*)"));
    assert!(!check("(cn=John *x)"));
    assert!(
        check("(cn=John *)"),
        "a space at the edge of a piece counts"
    );
    assert!(!check("(cn=Johnny *)"));
    assert!(check("(description=*\\2a)"));
    assert!(check("(description=*\\28r&d\\29*)"));
    assert!(check("(jpegPhoto=\\ff*\\fe)"));
    assert!(!check("(jpegPhoto=\\fe*)"));
    assert!(!check("(missing=a*)"));
}

#[test]
fn ordering_is_numeric_for_integers_and_lexical_otherwise() {
    assert!(check("(uidNumber>=1000)"));
    assert!(check("(uidNumber>=1001)"));
    assert!(!check("(uidNumber>=1002)"));
    assert!(check("(uidNumber>=999)"), "numeric, not lexical");
    assert!(check("(uidNumber<=10000)"), "numeric, not lexical");
    assert!(!check("(uidNumber<=1000)"));
    assert!(check("(uidNumber<= 1001 )"));
    assert!(check("(groupType<=0)"));
    assert!(check("(whenChanged>=20240101000000Z)"));
    assert!(!check("(whenChanged>=20250101000000Z)"));
    assert!(check("(whenChanged<=20250101000000Z)"));
    assert!(check("(sn>=doa)"));
    assert!(check("(sn>=DOE)"));
    assert!(!check("(sn>=dof)"));
    assert!(check("(sn<=E)"));
    assert!(!check("(missing>=0)"));
    assert!(!check("(missing<=0)"));
}

#[test]
fn boolean_operators_combine() {
    assert!(check("(&(uid=jdoe)(objectClass=person))"));
    assert!(!check("(&(uid=jdoe)(objectClass=group))"));
    assert!(check("(|(uid=x)(uid=jdoe))"));
    assert!(!check("(|(uid=x)(uid=y))"));
    assert!(check("(!(uid=x))"));
    assert!(!check("(!(uid=jdoe))"));
    assert!(
        check("(!(missing=x))"),
        "absent attribute is false, not undefined"
    );
    assert!(check("(&)"));
    assert!(!check("(|)"));
    assert!(check("(!(|))"));
}

#[test]
fn active_directory_bitwise_rules() {
    let disabled = "(userAccountControl:1.2.840.113556.1.4.803:=2)";
    assert!(check(disabled), "514 = NORMAL_ACCOUNT | ACCOUNTDISABLE");
    assert!(!check(&format!("(!{disabled})")));
    let mut enabled = sample();
    enabled.set("useraccountcontrol", vec![b"512".to_vec()]);
    assert!(!parse(disabled).matches(&enabled).unwrap());
    assert!(
        parse(&format!("(&(objectClass=person)(!{disabled}))"))
            .matches(&enabled)
            .unwrap()
    );
    assert!(check("(userAccountControl:1.2.840.113556.1.4.803:=514)"));
    assert!(!check("(userAccountControl:1.2.840.113556.1.4.803:=515)"));
    assert!(check("(userAccountControl:1.2.840.113556.1.4.804:=3)"));
    assert!(!check("(userAccountControl:1.2.840.113556.1.4.804:=1)"));
    assert!(check("(userAccountControl:integerBitAndMatch:=2)"));
    // Security groups have the sign bit of the 32-bit groupType set.
    assert!(check("(groupType:1.2.840.113556.1.4.803:=2147483648)"));
    assert!(check("(groupType:1.2.840.113556.1.4.803:=2)"));
    assert!(!check("(groupType:1.2.840.113556.1.4.803:=4)"));
    assert!(
        !check("(uid:1.2.840.113556.1.4.803:=0)"),
        "non-integer values"
    );
    assert!(!check("(missing:1.2.840.113556.1.4.804:=1)"));
    // A non-integer assertion is Undefined: neither it nor its negation matches.
    assert!(!check("(userAccountControl:1.2.840.113556.1.4.803:=two)"));
    assert!(!check(
        "(!(userAccountControl:1.2.840.113556.1.4.803:=two))"
    ));
    assert!(check(
        "(|(uid=jdoe)(userAccountControl:1.2.840.113556.1.4.803:=two))"
    ));
    // Without an attribute every integer attribute is tried.
    assert!(check("(:1.2.840.113556.1.4.803:=512)"));
    assert!(!check("(:1.2.840.113556.1.4.804:=4096)"));
}

#[test]
fn extensible_equality_and_dn_components() {
    assert!(check("(uid:=JDOE)"));
    assert!(!check("(ou:=People)"), "ou is only in the DN");
    assert!(check("(ou:dn:=people)"));
    assert!(check("(l:dn:=berlin)"), "multi-valued RDN");
    assert!(check("(dc:dn:=EXAMPLE)"));
    assert!(!check("(dc:dn:=org)"));
    assert!(check("(uid:dn:=jdoe)"));
    let mut escaped = RawEntry::new("cn=Doe\\, John,ou=A\\2bB+x=\"q,r\",dc=ex");
    escaped.push("objectClass", "person");
    let matches = |f: &str| parse(f).matches(&escaped).unwrap();
    assert!(matches("(cn:dn:=Doe, John)"));
    assert!(matches("(ou:dn:=a+b)"));
    assert!(matches("(x:dn:=q,r)"));
    assert!(!matches("(cn:dn:=Doe)"));
    // The DN parser must survive any garbage.
    for dn in [
        "", "=", ",,,", "a", "a=", "=b", "\\", "a=\\", "a=\"", "+;,=\\4",
    ] {
        let _ = dn_components(dn);
        let _ = parse("(a:dn:=b)").matches(&RawEntry::new(dn));
    }
}

#[test]
fn unsupported_rules_are_errors_with_positions() {
    let err = parse("(&(objectClass=user)(memberOf:1.2.840.113556.1.4.1941:=cn=g,dc=x))")
        .matches(&sample())
        .unwrap_err();
    assert_eq!(err.position, 20);
    assert!(err.message.contains("1.2.840.113556.1.4.1941"), "{err}");
    // The error does not depend on short-circuiting for a particular entry.
    let err2 = parse("(&(objectClass=nothing)(cn:caseExactMatch:=x))")
        .matches(&sample())
        .unwrap_err();
    assert_eq!(err2.position, 23);
    let bad = Filter::Extensible {
        attr: None,
        rule: None,
        dn_attrs: false,
        value: Vec::new(),
    };
    assert!(bad.matches(&sample()).is_err());
}

#[test]
fn and_flattens() {
    let (a, b, c, d) = (eq("a", "1"), eq("b", "2"), eq("c", "3"), eq("d", "4"));
    assert_eq!(
        a.clone().and(b.clone()),
        Filter::And(vec![a.clone(), b.clone()])
    );
    assert_eq!(
        Filter::And(vec![a.clone(), b.clone()]).and(c.clone()),
        Filter::And(vec![a.clone(), b.clone(), c.clone()])
    );
    assert_eq!(
        a.clone().and(Filter::And(vec![b.clone(), c.clone()])),
        Filter::And(vec![a.clone(), b.clone(), c.clone()])
    );
    assert_eq!(
        Filter::And(vec![a.clone(), b.clone()]).and(Filter::And(vec![c.clone(), d.clone()])),
        Filter::And(vec![a.clone(), b.clone(), c.clone(), d.clone()])
    );
    let or = Filter::Or(vec![c.clone(), d.clone()]);
    assert_eq!(a.clone().and(or.clone()), Filter::And(vec![a, or]));
    assert_eq!(
        parse("(objectClass=person)")
            .and(parse("(uid=jdoe)"))
            .to_string(),
        "(&(objectClass=person)(uid=jdoe))"
    );
}

/// Deterministic xorshift so the fuzz test is reproducible without extra crates.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Parsing never panics, and whatever parses prints back to the same filter.
fn exercise(input: &str) {
    if let Ok(filter) = input.parse::<Filter>() {
        let printed = filter.to_string();
        assert_eq!(
            printed.parse::<Filter>().as_ref(),
            Ok(&filter),
            "{input:?} printed as {printed:?}"
        );
        let _ = filter.matches(&sample());
    }
}

#[test]
fn never_panics_on_truncations_and_mutations() {
    let seeds = [
        "(&(objectClass=person)(|(uid=a*b*c)(cn~=x))(!(mail=*)))",
        "(userAccountControl:1.2.840.113556.1.4.803:=2)",
        "(:dn:2.4.6.8.10:=Dino)",
        "(cn;lang-de=J\\c3\\bcrgen\\2a)",
        "(& (uidNumber>=1000) (uidNumber<=2000) (sn:dn:=Rubble))",
        "uid=jdö*",
    ];
    let alphabet: Vec<char> = "()&|!=~<>*:;\\.-0123456789abcdefABCDEFdn \t\0ü"
        .chars()
        .collect();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for seed in seeds {
        for (i, _) in seed.char_indices() {
            exercise(&seed[..i]);
            exercise(&seed[i..]);
        }
        for _ in 0..3000 {
            let mut chars: Vec<char> = seed.chars().collect();
            for _ in 0..=rng.below(4) {
                let at = rng.below(chars.len() + 1);
                let c = alphabet[rng.below(alphabet.len())];
                match rng.below(3) {
                    0 => chars.insert(at, c),
                    1 if at < chars.len() => {
                        chars.remove(at);
                    }
                    _ if at < chars.len() => chars[at] = c,
                    _ => chars.push(c),
                }
            }
            exercise(&chars.into_iter().collect::<String>());
        }
    }
}

fn arb_attr() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z][a-zA-Z0-9-]{0,8}(;[a-zA-Z0-9-]{1,5}){0,2}",
        "[0-9]{1,3}(\\.[0-9]{1,3}){1,3}",
    ]
}

fn arb_value() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..12),
        "\\PC{0,10}".prop_map(String::into_bytes),
    ]
}

fn arb_piece() -> impl Strategy<Value = Vec<u8>> {
    arb_value().prop_filter("non-empty", |v| !v.is_empty())
}

fn arb_filter() -> impl Strategy<Value = Filter> {
    let leaf = prop_oneof![
        (arb_attr(), arb_value()).prop_map(|(attr, value)| Filter::Equal { attr, value }),
        (arb_attr(), arb_value()).prop_map(|(attr, value)| Filter::Approx { attr, value }),
        (arb_attr(), arb_value()).prop_map(|(attr, value)| Filter::GreaterOrEqual { attr, value }),
        (arb_attr(), arb_value()).prop_map(|(attr, value)| Filter::LessOrEqual { attr, value }),
        arb_attr().prop_map(|attr| Filter::Present { attr }),
        (
            arb_attr(),
            proptest::option::of(arb_piece()),
            proptest::collection::vec(arb_piece(), 0..3),
            proptest::option::of(arb_piece()),
        )
            .prop_filter("not presence", |(_, i, a, f)| {
                i.is_some() || !a.is_empty() || f.is_some()
            })
            .prop_map(|(attr, initial, any, final_)| Filter::Substring {
                attr,
                initial,
                any,
                final_,
            }),
        (
            proptest::option::of(arb_attr()),
            proptest::option::of(prop_oneof![
                Just(BIT_AND_RULE.to_string()),
                Just("caseIgnoreMatch".to_string()),
                "[0-9]{1,2}(\\.[0-9]{1,2}){1,4}",
            ]),
            any::<bool>(),
            arb_value(),
        )
            .prop_filter("attr or rule", |(a, r, _, _)| a.is_some() || r.is_some())
            .prop_map(|(attr, rule, dn_attrs, value)| Filter::Extensible {
                attr,
                rule,
                dn_attrs,
                value,
            }),
    ];
    leaf.prop_recursive(4, 32, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Filter::And),
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Filter::Or),
            inner.prop_map(|f| Filter::Not(Box::new(f))),
        ]
    })
}

proptest! {
    #[test]
    fn display_then_parse_is_identity(filter in arb_filter()) {
        let printed = filter.to_string();
        prop_assert_eq!(printed.parse::<Filter>(), Ok(filter));
    }

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,40}|[()&|!=~<>*:\\\\a-c0-9 ]{0,40}") {
        exercise(&text);
    }

    #[test]
    fn escaped_values_survive(value in proptest::collection::vec(any::<u8>(), 0..32)) {
        let text = format!("(cn={})", escape_value(&value));
        prop_assert_eq!(text.parse::<Filter>(), Ok(Filter::Equal { attr: "cn".into(), value }));
    }
}
