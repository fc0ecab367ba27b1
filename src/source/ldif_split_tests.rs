//! Tests of splitting an LDIF input into chunks parsed apart: the same entries, and the same
//! first error at the same line, as parsing the input whole.

use super::*;
use proptest::prelude::*;

/// The input parsed whole, as entries or the first error's message with its line.
fn whole(input: &[u8]) -> Result<Vec<RawEntry>, String> {
    parse_ldif("t", input).map_err(|error| error.to_string())
}

/// The input split into at most `parts` chunks, parsed chunk after chunk.
fn chunked(input: &[u8], parts: usize) -> Result<Vec<RawEntry>, String> {
    let mut entries = Vec::new();
    for chunk in split_records(input, parts, 0) {
        for record in chunk.records("t") {
            entries.push(record.map_err(|error| error.to_string())?);
        }
    }
    Ok(entries)
}

/// `count` small records, each at a known line: record `i`'s `dn:` at line `3 + 4 * i`.
fn records(count: usize) -> String {
    let mut text = String::from("version: 1\n");
    for i in 0..count {
        text.push_str(&format!("\ndn: uid=u{i},dc=x\nuid: u{i}\ncn: User {i}\n"));
    }
    text
}

#[test]
fn chunks_are_cut_after_blank_lines_and_hold_every_record_once() {
    let text = records(1_000);
    let chunks = split_records(text.as_bytes(), 3, 0);
    assert_eq!(chunks.len(), 3);
    let joined: Vec<u8> = chunks.iter().flat_map(|c| c.bytes.to_vec()).collect();
    assert_eq!(joined, text.as_bytes());
    for chunk in &chunks[1..] {
        assert!(chunk.bytes.starts_with(b"dn: uid=u"), "{chunk:?}");
        assert!(!chunk.leads);
    }
    assert_eq!(chunked(text.as_bytes(), 3), whole(text.as_bytes()));
    assert_eq!(whole(text.as_bytes()).unwrap().len(), 1_000);
}

#[test]
fn an_error_in_a_later_chunk_names_the_line_of_the_whole_input() {
    let mut text = records(1_000);
    // Record 900 starts at line 3603 (after its blank line); its uid line is the next.
    text = text.replace("uid: u900\n", "uid u900\n");
    let expected = whole(text.as_bytes()).unwrap_err();
    assert!(expected.starts_with("t:3604: "), "{expected}");
    for parts in 2..=4 {
        assert!(split_records(text.as_bytes(), parts, 0).len() > 1);
        assert_eq!(chunked(text.as_bytes(), parts), Err(expected.clone()));
    }
}

#[test]
fn the_first_error_is_the_one_told_when_several_chunks_hold_one() {
    let text = records(1_000)
        .replace("uid: u100\n", "changetype: add\n")
        .replace("uid: u900\n", "uid u900\n");
    let expected = whole(text.as_bytes()).unwrap_err();
    assert!(expected.starts_with("t:404: change records"), "{expected}");
    assert_eq!(chunked(text.as_bytes(), 4), Err(expected));
}

#[test]
fn small_inputs_and_inputs_that_start_with_no_record_stay_whole() {
    let text = records(100);
    assert_eq!(split_records(text.as_bytes(), 4, text.len() + 1).len(), 1);
    assert_eq!(split_records(text.as_bytes(), 1, 0).len(), 1);
    // Half the input is blank lines and comments: the version line may still come after them.
    let padded = format!("{}# exported\n{text}", "\n".repeat(3 * text.len()));
    assert_eq!(split_records(padded.as_bytes(), 2, 0).len(), 1);
    assert_eq!(chunked(padded.as_bytes(), 2).unwrap().len(), 100);
}

#[test]
fn a_version_line_is_accepted_only_where_the_whole_input_accepts_it() {
    let text = format!("{}\nversion: 1\n", records(500));
    let expected = whole(text.as_bytes()).unwrap_err();
    assert!(expected.contains("instead of \"dn:\""), "{expected}");
    assert_eq!(chunked(text.as_bytes(), 2), Err(expected));
}

#[test]
fn crlf_exports_and_a_byte_order_mark_split_the_same_way() {
    let text = format!("\u{feff}{}", records(600).replace('\n', "\r\n"));
    assert!(split_records(text.as_bytes(), 3, 0).len() > 1);
    assert_eq!(chunked(text.as_bytes(), 3), whole(text.as_bytes()));
    assert_eq!(whole(text.as_bytes()).unwrap().len(), 600);
}

/// A small deterministic generator so the test needs no dependencies and never flakes.
fn mutate(input: &mut [u8], seed: u64) {
    const INTERESTING: &[u8] = b" :<#\r\n\n;=-.\xffdn";
    let mut state = seed;
    let mut below = |n: usize| {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((state >> 33) % n as u64) as usize
    };
    for _ in 0..=below(6) {
        let at = below(input.len());
        input[at] = INTERESTING[below(INTERESTING.len())];
    }
}

#[test]
fn mutated_inputs_parse_to_the_same_entries_or_error_in_chunks() {
    let text = format!("# export\n{}", records(40));
    for seed in 0..2_000 {
        let mut input = text.clone().into_bytes();
        mutate(&mut input, seed);
        for parts in [2, 3, 5] {
            assert_eq!(
                chunked(&input, parts),
                whole(&input),
                "seed {seed}, {parts} parts: {}",
                String::from_utf8_lossy(&input)
            );
        }
    }
}

proptest! {
    #[test]
    fn any_input_parses_the_same_in_chunks(
        input in prop::collection::vec(
            prop::sample::select(b"dn: a\n\r #vrsio1:x=".to_vec()),
            0..400,
        ),
        parts in 2usize..6,
    ) {
        prop_assert_eq!(chunked(&input, parts), whole(&input));
    }
}

#[test]
fn records_are_counted_from_their_dn_lines_at_most() {
    let text = "dn: uid=a,dc=x\nuid: a\ndescription: dn: not a record\n\nDN: uid=b,dc=x\n dn: a continuation\n\n# dn: a comment\n";
    assert_eq!(Chunk::whole(text.as_bytes()).records_at_most(), 2);
    let input = records(40);
    let chunks = split_records(input.as_bytes(), 3, 0);
    assert_eq!(chunks.len(), 3);
    let counted: usize = chunks.iter().map(Chunk::records_at_most).sum();
    assert_eq!(
        counted, 40,
        "every record counted once, in whichever chunk it is"
    );
    assert_eq!(Chunk::whole(b"").records_at_most(), 0);
}
