//! RFC 2849 LDIF reader for content records (directory exports such as `ldapsearch -LLL` or `slapcat`).

use std::borrow::Cow;
use std::path::Path;

use base64::Engine as _;
use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

use super::entry::{AttributeNames, RawEntry};
use crate::characters::printable_bytes;

/// An LDIF file that cannot be read, with the 1-based line where the problem starts.
#[derive(Debug, thiserror::Error)]
pub enum LdifError {
    /// The file could not be read from disk.
    #[error("{path}: cannot read: {source}")]
    Io {
        /// The path as given by the caller.
        path: String,
        /// What the operating system reported.
        #[source]
        source: std::io::Error,
    },
    /// The file is not valid LDIF (or uses a feature this reader does not support).
    #[error("{origin}:{line}: {message}")]
    Syntax {
        /// The file name used in messages.
        origin: String,
        /// The 1-based line where the problem starts.
        line: usize,
        /// What is wrong and what to do about it.
        message: String,
    },
}

/// Parses LDIF content records into entries; `origin` names the input in error messages.
pub fn parse_ldif(origin: &str, input: &[u8]) -> Result<Vec<RawEntry>, LdifError> {
    ldif_records(origin, input).collect()
}

/// The content records of an LDIF input, one entry at a time, so that a reader need not hold
/// them all; nothing follows the first syntax error. `origin` names the input in errors.
pub fn ldif_records<'a>(
    origin: &'a str,
    input: &'a [u8],
) -> impl Iterator<Item = Result<RawEntry, LdifError>> + 'a {
    Records::new(input).map(move |record| {
        record.map_err(|issue| LdifError::Syntax {
            origin: origin.to_string(),
            line: issue.line,
            message: issue.message,
        })
    })
}

/// Reads a whole LDIF file and parses its content records.
pub fn read_ldif_file(path: &Path) -> Result<Vec<RawEntry>, LdifError> {
    let (name, input) = read_ldif_bytes(path)?;
    parse_ldif(&name, &input)
}

/// The bytes of an LDIF file, with the name its errors use.
pub fn read_ldif_bytes(path: &Path) -> Result<(String, Vec<u8>), LdifError> {
    let name = path.display().to_string();
    match std::fs::read(path) {
        Ok(input) => Ok((name, input)),
        Err(source) => Err(LdifError::Io { path: name, source }),
    }
}

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

const CHANGE_RECORD_HINT: &str =
    "export the directory as content records (e.g. ldapsearch -LLL or slapcat)";

// Exporters differ on whether they pad base64, so accept both forms.
const BASE64: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// A syntax problem before the origin is attached.
#[derive(Debug)]
struct Issue {
    line: usize,
    message: String,
}

impl Issue {
    fn new(line: usize, message: impl Into<String>) -> Self {
        Self {
            line,
            message: message.into(),
        }
    }
}

/// The content records of an input, parsed as they are reached.
struct Records<'a> {
    lines: Lines<'a>,
    /// The record being read.
    current: Option<RawEntry>,
    /// Whether no content line has been seen yet (only the first may be `version:`).
    first_content: bool,
    names: AttributeNames,
    /// Attributes of the last record: entries of one export look alike, so each is given
    /// room for as many.
    width: usize,
    /// Set after a syntax error, which ends the records.
    failed: bool,
}

impl<'a> Records<'a> {
    fn new(input: &'a [u8]) -> Self {
        // Editors on Windows like to prepend a byte order mark; it is not part of the first line.
        let input = input.strip_prefix(UTF8_BOM).unwrap_or(input);
        Self {
            lines: Lines::new(input),
            current: None,
            first_content: true,
            names: AttributeNames::default(),
            width: 0,
            failed: false,
        }
    }

    /// The next complete record, or the syntax error before it.
    fn advance(&mut self) -> Option<Result<RawEntry, Issue>> {
        loop {
            let Some(line) = self.lines.next() else {
                return self.current.take().map(Ok);
            };
            let result = match line {
                Ok(Line::Blank) => match self.current.take() {
                    Some(entry) => {
                        self.width = entry.attribute_count();
                        return Some(Ok(entry));
                    }
                    None => continue,
                },
                Ok(Line::Content { number, text }) => self.content(number, &text),
                Err(issue) => Err(issue),
            };
            if let Err(issue) = result {
                return Some(Err(issue));
            }
        }
    }

    /// Adds a content line to the record it belongs to (or checks the version line).
    fn content(&mut self, number: usize, text: &[u8]) -> Result<(), Issue> {
        let attr = split_line(text, number)?;
        if std::mem::take(&mut self.first_content) && attr.name.eq_ignore_ascii_case("version") {
            return check_version(&attr, number);
        }
        match self.current.as_mut() {
            None => self.current = Some(start_record(&attr, number, self.width)?),
            Some(entry) => add_attribute(entry, &attr, number, &mut self.names)?,
        }
        Ok(())
    }
}

impl Iterator for Records<'_> {
    type Item = Result<RawEntry, Issue>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed {
            return None;
        }
        let record = self.advance();
        self.failed = matches!(record, Some(Err(_)));
        record
    }
}

/// A logical line: physical lines with their folded continuations joined, comments dropped.
enum Line<'a> {
    /// An empty line, which ends the current record.
    Blank,
    /// A content line and the number of its first physical line.
    Content { number: usize, text: Cow<'a, [u8]> },
}

/// Iterates over the logical lines of an LDIF input.
struct Lines<'a> {
    rest: &'a [u8],
    next_number: usize,
}

impl<'a> Lines<'a> {
    fn new(input: &'a [u8]) -> Self {
        Self {
            rest: input,
            next_number: 1,
        }
    }

    /// The next physical line without its LF or CRLF ending, with its number.
    fn physical(&mut self) -> Option<(usize, &'a [u8])> {
        if self.rest.is_empty() {
            return None;
        }
        let (line, rest) = match self.rest.iter().position(|&b| b == b'\n') {
            Some(end) => (&self.rest[..end], &self.rest[end + 1..]),
            None => (self.rest, &[][..]),
        };
        self.rest = rest;
        let number = self.next_number;
        self.next_number += 1;
        Some((number, line.strip_suffix(b"\r").unwrap_or(line)))
    }

    fn continues(&self) -> bool {
        self.rest.first() == Some(&b' ')
    }

    fn skip_continuations(&mut self) {
        while self.continues() {
            self.physical();
        }
    }

    fn join_continuations(&mut self, first: &'a [u8]) -> Cow<'a, [u8]> {
        if !self.continues() {
            return Cow::Borrowed(first);
        }
        let mut joined = first.to_vec();
        while self.continues() {
            let Some((_, line)) = self.physical() else {
                break;
            };
            joined.extend_from_slice(line.get(1..).unwrap_or_default());
        }
        Cow::Owned(joined)
    }
}

impl<'a> Iterator for Lines<'a> {
    type Item = Result<Line<'a>, Issue>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let (number, first) = self.physical()?;
            match first.first() {
                None => return Some(Ok(Line::Blank)),
                // Nothing to continue: tolerate stray spaces on a separator line, but a
                // value here was almost certainly meant for a line that is not there.
                Some(b' ') if first.iter().all(|&b| b == b' ') => return Some(Ok(Line::Blank)),
                Some(b' ') => {
                    return Some(Err(Issue::new(
                        number,
                        "line starts with a space but there is no line before it to continue; \
                         remove the leading space or the blank line above it",
                    )));
                }
                Some(b'#') => self.skip_continuations(),
                Some(_) => {
                    let text = self.join_continuations(first);
                    return Some(Ok(Line::Content { number, text }));
                }
            }
        }
    }
}

/// How a value is written after the attribute description.
enum Value<'a> {
    /// `attr: text`, leading spaces removed.
    Text(&'a [u8]),
    /// `attr:: base64`, still encoded.
    Base64(&'a [u8]),
    /// `attr:< url`, which this reader does not fetch.
    Url,
}

/// One `description: value` line.
struct AttrLine<'a> {
    name: &'a str,
    value: Value<'a>,
}

fn split_line(text: &[u8], number: usize) -> Result<AttrLine<'_>, Issue> {
    let Some(colon) = text.iter().position(|&b| b == b':') else {
        return Err(Issue::new(
            number,
            format!(
                "expected \"attribute: value\" but \"{}\" has no colon; \
                 if it continues the previous line, start it with a single space",
                printable_bytes(text)
            ),
        ));
    };
    let (name, rest) = (&text[..colon], &text[colon + 1..]);
    let name = attribute_description(name).ok_or_else(|| {
        Issue::new(
            number,
            format!(
                "\"{}\" is not a valid attribute description; expected a name such as \"cn\" \
                 or a numeric OID, optionally followed by \";options\", then a colon",
                printable_bytes(name)
            ),
        )
    })?;
    let value = match rest.split_first() {
        Some((b':', encoded)) => Value::Base64(encoded),
        Some((b'<', _)) => Value::Url,
        _ => Value::Text(trim_leading_spaces(rest)),
    };
    Ok(AttrLine { name, value })
}

fn trim_leading_spaces(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|&b| b != b' ').unwrap_or(bytes.len());
    &bytes[start..]
}

/// The description as text when it is `type *(";" option)` per RFC 4512.
fn attribute_description(name: &[u8]) -> Option<&str> {
    let mut parts = name.split(|&b| b == b';');
    let valid = parts.next().is_some_and(is_attribute_type)
        && parts.all(|option| !option.is_empty() && option.iter().all(|&b| is_key_char(b)));
    if valid {
        std::str::from_utf8(name).ok()
    } else {
        None
    }
}

fn is_attribute_type(name: &[u8]) -> bool {
    match name.first() {
        Some(b) if b.is_ascii_alphabetic() => name.iter().all(|&b| is_key_char(b)),
        Some(b) if b.is_ascii_digit() => name
            .split(|&b| b == b'.')
            .all(|arc| !arc.is_empty() && arc.iter().all(u8::is_ascii_digit)),
        _ => false,
    }
}

fn is_key_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-'
}

fn check_version(attr: &AttrLine<'_>, number: usize) -> Result<(), Issue> {
    let version = value_bytes(attr, number)?;
    if version.trim_ascii() == b"1" {
        Ok(())
    } else {
        Err(Issue::new(
            number,
            format!(
                "unsupported LDIF version \"{}\"; only \"version: 1\" is supported",
                printable_bytes(&version)
            ),
        ))
    }
}

fn start_record(attr: &AttrLine<'_>, number: usize, width: usize) -> Result<RawEntry, Issue> {
    if !attr.name.eq_ignore_ascii_case("dn") {
        return Err(Issue::new(
            number,
            format!(
                "record starts with \"{}:\" instead of \"dn:\"; every entry must begin with \
                 its DN, and records must be separated by a blank line",
                attr.name
            ),
        ));
    }
    let dn = value_bytes(attr, number)?;
    let dn = String::from_utf8(dn).map_err(|_| {
        Issue::new(
            number,
            "the base64 DN does not decode to UTF-8 text; a DN must be UTF-8",
        )
    })?;
    Ok(RawEntry::with_capacity(dn, width))
}

fn add_attribute(
    entry: &mut RawEntry,
    attr: &AttrLine<'_>,
    number: usize,
    names: &mut AttributeNames,
) -> Result<(), Issue> {
    reject_change_syntax(attr.name, number)?;
    if attr.name.eq_ignore_ascii_case("dn") {
        return Err(Issue::new(
            number,
            "second \"dn:\" line in one record; separate records with a blank line",
        ));
    }
    let value = value_bytes(attr, number)?;
    entry.push_named(&names.get(attr.name), value);
    Ok(())
}

// Reading a change record as content would turn deletions and modifications into
// entries, so refuse the whole file instead of guessing.
fn reject_change_syntax(name: &str, number: usize) -> Result<(), Issue> {
    if name.eq_ignore_ascii_case("changetype") {
        Err(Issue::new(
            number,
            format!("change records are not supported; {CHANGE_RECORD_HINT}"),
        ))
    } else if name.eq_ignore_ascii_case("control") {
        Err(Issue::new(
            number,
            format!(
                "control lines belong to change records, which are not supported; \
                 {CHANGE_RECORD_HINT}"
            ),
        ))
    } else {
        Ok(())
    }
}

fn value_bytes(attr: &AttrLine<'_>, number: usize) -> Result<Vec<u8>, Issue> {
    match attr.value {
        Value::Text(text) => match std::str::from_utf8(text) {
            Ok(_) => Ok(text.to_vec()),
            Err(_) => Err(Issue::new(
                number,
                format!(
                    "value of \"{name}\" is not valid UTF-8; save the file as UTF-8 or \
                     base64-encode the value as \"{name}:: ...\"",
                    name = attr.name
                ),
            )),
        },
        Value::Base64(encoded) => decode_base64(encoded).map_err(|err| {
            Issue::new(
                number,
                format!(
                    "value of \"{}\" is not valid base64 ({err}); re-encode it, or write \
                     plain text after a single colon",
                    attr.name
                ),
            )
        }),
        Value::Url => Err(Issue::new(
            number,
            "URL values (:<) are not supported; inline the value or base64-encode it",
        )),
    }
}

fn decode_base64(encoded: &[u8]) -> Result<Vec<u8>, base64::DecodeError> {
    // Folding and the fill after "::" leave whitespace that is not part of the encoding.
    if encoded.iter().any(u8::is_ascii_whitespace) {
        let compact: Vec<u8> = encoded
            .iter()
            .copied()
            .filter(|b| !b.is_ascii_whitespace())
            .collect();
        BASE64.decode(compact)
    } else {
        BASE64.decode(encoded)
    }
}

#[cfg(test)]
mod tests {
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
        let entries =
            parse_ok("dn: uid=jdoe,ou=people,dc=example,dc=com\nuid: jdoe\ncn: John Doe\n");
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
        let input =
            "dn: uid=jdoe,ou=pe\n ople,dc=example\ndescription: a long\n  value with a space\n";
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
        let input =
            "dn: cn=a\nmail: one@example.com\ncn: a\nMail: two@example.com\nmail:: dGhyZWU=\n";
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
        let input = "dn: cn=a\n\n\n\n\ndn: cn=b\ncontrol: 1.2.840.113556.1.4.805 true\nchangetype: delete\n";
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
}
