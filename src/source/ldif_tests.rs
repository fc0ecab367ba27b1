//! Tests of the LDIF reader: parsing, selection, mapping and malformed input.

use super::*;
use proptest::prelude::*;

fn parse_ok(input: &str) -> Vec<RawEntry> {
    match parse_ldif("test.ldif", input.as_bytes()) {
        Ok(entries) => entries,
        Err(err) => panic!("unexpected error: {err}"),
    }
}

/// The line and message of a syntax error.
fn parse_err(input: &[u8]) -> (usize, String) {
    match parse_ldif("test.ldif", input) {
        Err(LdifError::Syntax {
            origin,
            line,
            message,
        }) => {
            assert_eq!(origin, "test.ldif");
            (line, message)
        }
        other => panic!("expected a syntax error, got {other:?}"),
    }
}

fn values(entry: &RawEntry, attribute: &str) -> Vec<String> {
    entry
        .values(attribute)
        .iter()
        .map(|v| String::from_utf8_lossy(v).into_owned())
        .collect()
}

#[test]
fn reads_a_simple_entry() {
    let entries = parse_ok("dn: uid=jdoe,ou=people,dc=example,dc=com\nuid: jdoe\ncn: John Doe\n");
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].dn, "uid=jdoe,ou=people,dc=example,dc=com");
    assert_eq!(values(&entries[0], "uid"), ["jdoe"]);
    assert_eq!(values(&entries[0], "cn"), ["John Doe"]);
    assert_eq!(entries[0].attribute_count(), 2);
}

#[test]
fn empty_or_comment_only_input_gives_no_entries() {
    assert!(parse_ok("").is_empty());
    assert!(parse_ok("\n\n\r\n").is_empty());
    assert!(parse_ok("# just a comment\n").is_empty());
    assert!(parse_ok("version: 1\n").is_empty());
    assert!(parse_ok("# exported\nversion: 1\n\n# nothing else\n").is_empty());
}

#[test]
fn accepts_version_one_before_records() {
    let entries = parse_ok("version: 1\n\ndn: cn=a\ncn: a\n");
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].dn, "cn=a");
    // The RFC allows the first record directly on the next line.
    let entries = parse_ok("# header\nversion:   1\ndn: cn=a\n");
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].dn, "cn=a");
    assert_eq!(entries[0].attribute_count(), 0);
}

#[test]
fn rejects_other_versions_naming_the_line() {
    let (line, message) = parse_err(b"# header\n\nversion: 2\n\ndn: cn=a\n");
    assert_eq!(line, 3);
    assert!(
        message.contains("unsupported LDIF version \"2\""),
        "{message}"
    );
    assert!(message.contains("version: 1"), "{message}");
}

#[test]
fn version_is_an_ordinary_attribute_inside_records() {
    let entries = parse_ok("dn: cn=a\nversion: 7\n");
    assert_eq!(values(&entries[0], "version"), ["7"]);
}

#[test]
fn ignores_comments_and_their_continuations() {
    let input = "# top comment\n continued comment: not an attribute\n\
                 dn: cn=a\n# inside the record\n  folded comment\ncn: a\n#last\n";
    let entries = parse_ok(input);
    assert_eq!(entries.len(), 1);
    assert_eq!(values(&entries[0], "cn"), ["a"]);
    assert_eq!(entries[0].attribute_count(), 1);
}

#[test]
fn unfolds_continuation_lines() {
    let input = "dn: uid=jdoe,ou=pe\n ople,dc=example\ndescription: a long\n  value with a space\n";
    let entries = parse_ok(input);
    assert_eq!(entries[0].dn, "uid=jdoe,ou=people,dc=example");
    assert_eq!(
        values(&entries[0], "description"),
        ["a long value with a space"]
    );
}

#[test]
fn handles_crlf_line_endings() {
    let input = "version: 1\r\n\r\ndn: cn=a\r\ncn: fol\r\n ded\r\nsn: b\r\n\r\ndn: cn=c\r\n";
    let entries = parse_ok(input);
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0].dn, "cn=a");
    assert_eq!(values(&entries[0], "cn"), ["folded"]);
    assert_eq!(values(&entries[0], "sn"), ["b"]);
    assert_eq!(entries[1].dn, "cn=c");
}

#[test]
fn input_without_final_newline_is_complete() {
    let entries = parse_ok("dn: cn=a\ncn: last");
    assert_eq!(values(&entries[0], "cn"), ["last"]);
}

#[test]
fn skips_a_utf8_byte_order_mark() {
    let entries = parse_ok("\u{feff}dn: cn=a\n");
    assert_eq!(entries[0].dn, "cn=a");
}

#[test]
fn separates_records_by_one_or_more_blank_lines() {
    let entries = parse_ok("\n\ndn: cn=a\ncn: a\n\n\n\ndn: cn=b\ncn: b\n\ndn: cn=c\n\n");
    let dns: Vec<&str> = entries.iter().map(|e| e.dn.as_str()).collect();
    assert_eq!(dns, ["cn=a", "cn=b", "cn=c"]);
    assert_eq!(values(&entries[1], "cn"), ["b"]);
}

#[test]
fn tolerates_spaces_on_a_separator_line() {
    let entries = parse_ok("dn: cn=a\n\n   \ndn: cn=b\n");
    assert_eq!(entries.len(), 2);
}

#[test]
fn a_space_only_line_inside_a_record_is_a_continuation() {
    let input = b"dn: cn=a\ncn: a\n\ndn: cn=b\ncn: b\n  \ndn: cn=c\n";
    // "  " continues "cn: b", so the next dn is still inside the same record.
    let (line, message) = parse_err(input);
    assert_eq!(line, 7);
    assert!(message.contains("second \"dn:\" line"), "{message}");
}

#[test]
fn rejects_a_continuation_with_nothing_to_continue() {
    let (line, message) = parse_err(b"dn: cn=a\n\n continued\n");
    assert_eq!(line, 3);
    assert!(message.contains("no line before it"), "{message}");
    assert_eq!(parse_err(b" dn: cn=a\n").0, 1);
}

#[test]
fn rejects_a_record_without_dn_naming_the_line() {
    let (line, message) = parse_err(b"dn: cn=a\ncn: a\n\n# next\ncn: b\nsn: b\n");
    assert_eq!(line, 5);
    assert!(message.contains("instead of \"dn:\""), "{message}");
    assert_eq!(parse_err(b"version: 1\ncn: b\n").0, 2);
}

#[test]
fn rejects_a_second_dn_in_one_record() {
    let (line, message) = parse_err(b"dn: cn=a\ncn: a\ndn: cn=b\n");
    assert_eq!(line, 3);
    assert!(message.contains("blank line"), "{message}");
}

#[test]
fn plain_values_keep_trailing_spaces_and_drop_leading_ones() {
    let entries = parse_ok("dn:   cn=a  \ncn:    padded  \nempty:\nblank:   \n");
    assert_eq!(entries[0].dn, "cn=a  ");
    assert_eq!(values(&entries[0], "cn"), ["padded  "]);
    assert_eq!(values(&entries[0], "empty"), [""]);
    assert_eq!(values(&entries[0], "blank"), [""]);
}

#[test]
fn values_may_contain_colons() {
    let entries = parse_ok("dn: cn=a\nlabeledURI: http://example.com:8080/ x\n");
    assert_eq!(
        values(&entries[0], "labeleduri"),
        ["http://example.com:8080/ x"]
    );
}

#[test]
fn decodes_base64_values_to_raw_bytes() {
    // "Zm9vAP8=" is b"foo\0\xff": not text, which base64 permits.
    let entries = parse_ok("dn: cn=a\njpegPhoto:: Zm9vAP8=\ncn::Sm9zw6k=\nnothing::\n");
    assert_eq!(entries[0].values("jpegphoto"), [b"foo\0\xff".to_vec()]);
    assert_eq!(values(&entries[0], "cn"), ["José"]);
    assert_eq!(entries[0].values("nothing"), [Vec::<u8>::new()]);
}

#[test]
fn accepts_folded_and_unpadded_base64() {
    let input = "dn: cn=a\ndescription:: SGVsbG8s\n  IHdvcmxk\n IQ\n";
    let entries = parse_ok(input);
    assert_eq!(values(&entries[0], "description"), ["Hello, world!"]);
}

#[test]
fn rejects_invalid_base64_naming_the_line() {
    let (line, message) = parse_err(b"dn: cn=a\ncn: a\nphoto:: not*base64\n");
    assert_eq!(line, 3);
    assert!(
        message.contains("\"photo\" is not valid base64"),
        "{message}"
    );
}

#[test]
fn decodes_a_base64_dn() {
    // "dWlkPWrDtnJnLGRjPWV4YW1wbGU=" is "uid=jörg,dc=example".
    let entries = parse_ok("dn:: dWlkPWrDtnJnLGRjPWV4YW1wbGU=\nuid: jörg\n");
    assert_eq!(entries[0].dn, "uid=jörg,dc=example");
}

#[test]
fn rejects_a_base64_dn_that_is_not_utf8() {
    let (line, message) = parse_err(b"\ndn:: /w==\n");
    assert_eq!(line, 2);
    assert!(message.contains("DN must be UTF-8"), "{message}");
}

#[test]
fn rejects_non_utf8_plain_values_and_dns() {
    let (line, message) = parse_err(b"dn: cn=a\ncn: a\nsn: M\xfcller\n");
    assert_eq!(line, 3);
    assert!(message.contains("\"sn\" is not valid UTF-8"), "{message}");
    assert!(message.contains("sn:: "), "{message}");
    let (line, message) = parse_err(b"# c\ndn: cn=M\xfcller\n");
    assert_eq!(line, 2);
    assert!(message.contains("\"dn\" is not valid UTF-8"), "{message}");
}

#[test]
fn rejects_url_values_naming_the_line() {
    let (line, message) =
        parse_err(b"dn: cn=a\ncn: a\n\ndn: cn=b\njpegPhoto:< file:///tmp/p.jpg\n");
    assert_eq!(line, 5);
    assert_eq!(
        message,
        "URL values (:<) are not supported; inline the value or base64-encode it"
    );
    assert_eq!(parse_err(b"dn:< file:///dn\n").0, 1);
}

#[test]
fn stores_attribute_descriptions_lowercased_with_options() {
    let input = "dn: cn=a\nUserCertificate;Binary:: AAE=\n2.5.4.3: by oid\ncn;lang-en: Alice\n";
    let entries = parse_ok(input);
    let names: Vec<&str> = entries[0].attributes().map(|(name, _)| name).collect();
    assert_eq!(names, ["2.5.4.3", "cn;lang-en", "usercertificate;binary"]);
    assert_eq!(entries[0].values("usercertificate;binary"), [vec![0u8, 1]]);
    assert_eq!(values(&entries[0], "2.5.4.3"), ["by oid"]);
}

#[test]
fn rejects_a_line_without_colon_naming_the_line() {
    let (line, message) = parse_err(b"dn: cn=a\ncn: a\nthis line has no colon\nsn: b\n");
    assert_eq!(line, 3);
    assert!(message.contains("has no colon"), "{message}");
    assert!(message.contains("single space"), "{message}");
}

#[test]
fn rejects_invalid_attribute_descriptions() {
    for bad in ["c n: x", "cn;: x", "1.2..3: x", "-cn: x", ": x", "cn_x: y"] {
        let input = format!("dn: cn=a\n{bad}\n");
        let (line, message) = parse_err(input.as_bytes());
        assert_eq!(line, 2, "{bad}");
        assert!(
            message.contains("not a valid attribute description"),
            "{message}"
        );
    }
}

#[test]
fn keeps_multiple_values_in_order() {
    let input = "dn: cn=a\nmail: one@example.com\ncn: a\nMail: two@example.com\nmail:: dGhyZWU=\n";
    let entries = parse_ok(input);
    assert_eq!(
        values(&entries[0], "mail"),
        ["one@example.com", "two@example.com", "three"]
    );
}

#[test]
fn rejects_change_records_naming_the_line() {
    let input = "version: 1\n\ndn: cn=a\ncn: a\n\n# now a change\ndn: cn=b\nchangetype: modify\nreplace: cn\ncn: b\n-\n";
    let (line, message) = parse_err(input.as_bytes());
    assert_eq!(line, 8);
    assert_eq!(
        message,
        "change records are not supported; export the directory as content records \
         (e.g. ldapsearch -LLL or slapcat)"
    );
    for kind in ["add", "delete", "modrdn", "moddn"] {
        let input = format!("dn: cn=b\nChangeType: {kind}\n");
        assert_eq!(parse_err(input.as_bytes()).0, 2, "{kind}");
    }
}

#[test]
fn rejects_control_lines_naming_the_line() {
    let input =
        "dn: cn=a\n\n\n\n\ndn: cn=b\ncontrol: 1.2.840.113556.1.4.805 true\nchangetype: delete\n";
    let (line, message) = parse_err(input.as_bytes());
    assert_eq!(line, 7);
    assert!(
        message.contains("change records, which are not supported"),
        "{message}"
    );
    assert!(message.contains("ldapsearch -LLL"), "{message}");
}

#[test]
fn reports_the_first_line_of_a_folded_line() {
    let (line, _) = parse_err(b"dn: cn=a\nphoto:: AAAA\n AA*A\n AAAA\n");
    assert_eq!(line, 2);
}

#[test]
fn error_messages_show_hidden_characters_escaped() {
    let err = parse_ldif(
        "people.ldif",
        "dn: cn=a\nevil\u{202e}txt.exe\u{1b}[2J\n".as_bytes(),
    )
    .err()
    .map(|e| e.to_string())
    .unwrap_or_default();
    assert!(err.contains("evil\\u{202e}txt.exe\\u{1b}[2J"), "{err}");
    assert!(!err.chars().any(crate::characters::is_hidden), "{err:?}");
}

#[test]
fn error_display_includes_origin_and_line() {
    let err = parse_ldif("people.ldif", b"dn: cn=a\nbroken\n").err();
    let text = err.map(|e| e.to_string()).unwrap_or_default();
    assert!(text.starts_with("people.ldif:2: expected"), "{text}");
}

#[test]
fn reads_files_and_reports_missing_ones() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("users.ldif");
    std::fs::write(&path, "dn: cn=a\ncn: a\n\ndn: cn=b\ncn: oops\nbad\n").unwrap();
    match read_ldif_file(&path) {
        Err(LdifError::Syntax { origin, line, .. }) => {
            assert_eq!(origin, path.display().to_string());
            assert_eq!(line, 6);
        }
        other => panic!("expected a syntax error, got {other:?}"),
    }
    std::fs::write(&path, "dn: cn=a\ncn: a\n").unwrap();
    assert_eq!(read_ldif_file(&path).unwrap().len(), 1);

    let missing = dir.path().join("missing.ldif");
    let err = read_ldif_file(&missing).unwrap_err();
    assert!(matches!(err, LdifError::Io { .. }));
    assert!(
        err.to_string().contains("missing.ldif: cannot read: "),
        "{err}"
    );
}

#[test]
fn parses_many_entries() {
    let mut input = String::from("version: 1\n");
    for i in 0..100_000 {
        input.push_str(&format!(
            "\ndn: uid=user{i},ou=people,dc=example,dc=com\nobjectClass: inetOrgPerson\n\
             uid: user{i}\nmail: user{i}@example.com\ndescription:: SGVsbG8s\n IHdvcmxk\n"
        ));
    }
    let entries = parse_ok(&input);
    assert_eq!(entries.len(), 100_000);
    assert_eq!(
        entries[99_999].dn,
        "uid=user99999,ou=people,dc=example,dc=com"
    );
    assert_eq!(values(&entries[99_999], "description"), ["Hello, world"]);
}

const SAMPLE: &[u8] = b"version: 1\r\n# comment\n continued\n\ndn: uid=a,dc=x\nuid: a\n\
    cn:: Sm9zw6k=\ndescription: long\n  line\nmail: a@x\nmail: b@x\n\n\ndn:: dWlkPWIsZGM9eA==\n\
    userCertificate;binary:: AAECAw==\njpegPhoto:< file:///x\nchangetype: add\ncontrol: 1.2\n";

/// A small deterministic generator so the test needs no dependencies and never flakes.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

#[test]
fn never_panics_on_truncated_input() {
    for end in 0..=SAMPLE.len() {
        let _ = parse_ldif("t", &SAMPLE[..end]);
        let _ = parse_ldif("t", &SAMPLE[end..]);
    }
}

#[test]
fn never_panics_on_mutated_input() {
    const INTERESTING: &[u8] = b" :<#\r\n;=-.\xff\xc3dn";
    let mut rng = Lcg(0x5eed);
    for _ in 0..5_000 {
        let mut input = SAMPLE.to_vec();
        for _ in 0..=rng.below(8) {
            let at = rng.below(input.len() + 1);
            let byte = if rng.below(2) == 0 {
                INTERESTING[rng.below(INTERESTING.len())]
            } else {
                rng.next() as u8
            };
            match rng.below(3) {
                0 => input.insert(at, byte),
                1 if at < input.len() => input[at] = byte,
                _ if at < input.len() => {
                    input.remove(at);
                }
                _ => input.push(byte),
            }
        }
        let _ = parse_ldif("t", &input);
    }
}

/// Writes entries as LDIF, base64-encoding every value and folding at `width`.
fn write_ldif(entries: &[RawEntry], width: usize) -> String {
    let mut out = String::from("version: 1\n");
    for entry in entries {
        out.push('\n');
        let dn = BASE64.encode(entry.dn.as_bytes());
        push_folded(&mut out, &format!("dn:: {dn}"), width);
        for (name, values) in entry.attributes() {
            for value in values {
                push_folded(
                    &mut out,
                    &format!("{name}:: {}", BASE64.encode(value)),
                    width,
                );
            }
        }
    }
    out
}

fn push_folded(out: &mut String, line: &str, width: usize) {
    let (first, mut rest) = line.split_at(width.min(line.len()));
    out.push_str(first);
    while !rest.is_empty() {
        let (chunk, tail) = rest.split_at((width - 1).min(rest.len()));
        out.push_str("\n ");
        out.push_str(chunk);
        rest = tail;
    }
    out.push('\n');
}

fn arb_entry() -> impl Strategy<Value = RawEntry> {
    let attrs = prop::collection::btree_map(
        "[a-z][a-z0-9-]{0,8}(;[a-z0-9-]{1,5})?",
        prop::collection::vec(prop::collection::vec(any::<u8>(), 0..40), 1..4),
        0..5,
    );
    ("\\PC{0,40}", attrs).prop_map(|(dn, attrs)| {
        let mut entry = RawEntry::new(dn);
        for (name, values) in attrs {
            if name != "dn" && name != "changetype" && name != "control" {
                for value in values {
                    entry.push(&name, value);
                }
            }
        }
        entry
    })
}

proptest! {
    #[test]
    fn round_trips_folded_base64(
        entries in prop::collection::vec(arb_entry(), 0..5),
        width in 2usize..80,
    ) {
        let text = write_ldif(&entries, width);
        let parsed = parse_ldif("t", text.as_bytes()).map_err(|e| e.to_string());
        prop_assert_eq!(parsed, Ok(entries));
    }

    #[test]
    fn never_panics_on_arbitrary_bytes(input in prop::collection::vec(any::<u8>(), 0..200)) {
        let _ = parse_ldif("t", &input);
    }
}
