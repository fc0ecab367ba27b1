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
    Chunk::whole(input).records(origin)
}

/// A run of whole records of an LDIF input, which parses to the same entries and errors (with
/// the same line numbers) on its own as it does as part of the whole input.
#[derive(Debug, Clone, Copy)]
pub struct Chunk<'a> {
    bytes: &'a [u8],
    /// The number of the chunk's first line in the whole input.
    first_line: usize,
    /// Whether no content line comes before the chunk (so it may start with `version:`).
    leads: bool,
}

impl<'a> Chunk<'a> {
    /// The whole input as one chunk.
    pub fn whole(input: &'a [u8]) -> Self {
        Self {
            // Editors on Windows like to prepend a byte order mark; it is not part of the first line.
            bytes: input.strip_prefix(UTF8_BOM).unwrap_or(input),
            first_line: 1,
            leads: true,
        }
    }

    /// At most how many records the chunk holds (its lines that start with `dn:`), for
    /// sizing what is read from it at once.
    pub fn records_at_most(&self) -> usize {
        let starts_record = |at: usize| {
            self.bytes
                .get(at..at + 3)
                .is_some_and(|start| start.eq_ignore_ascii_case(b"dn:"))
        };
        let after_first = memchr::memchr_iter(b'\n', self.bytes)
            .filter(|&newline| starts_record(newline + 1))
            .count();
        usize::from(starts_record(0)) + after_first
    }

    /// The chunk's content records, one entry at a time; nothing follows the first syntax
    /// error. `origin` names the input in errors.
    pub fn records(
        self,
        origin: &'a str,
    ) -> impl Iterator<Item = Result<RawEntry, LdifError>> + 'a {
        Records::new(self).map(move |record| {
            record.map_err(|issue| LdifError::Syntax {
                origin: origin.to_string(),
                line: issue.line,
                message: issue.message,
            })
        })
    }
}

/// Splits an input of at least `at_least` bytes into at most `parts` chunks of whole records,
/// cut after blank lines, so that they can be parsed side by side. Smaller inputs, and inputs
/// whose first part holds no record, stay whole.
pub fn split_records(input: &[u8], parts: usize, at_least: usize) -> Vec<Chunk<'_>> {
    let whole = Chunk::whole(input);
    let bytes = whole.bytes;
    if parts < 2 || bytes.len() < at_least.max(1) {
        return vec![whole];
    }
    let mut cuts: Vec<usize> = (1..parts)
        .filter_map(|part| cut_after(bytes, bytes.len() * part / parts))
        .collect();
    cuts.dedup();
    if cuts
        .first()
        .is_none_or(|&cut| !holds_content(&bytes[..cut]))
    {
        return vec![whole];
    }
    let mut chunks = Vec::with_capacity(cuts.len() + 1);
    let (mut start, mut first_line) = (0, 1);
    for end in cuts.into_iter().chain([bytes.len()]) {
        let piece = &bytes[start..end];
        chunks.push(Chunk {
            bytes: piece,
            first_line,
            leads: start == 0,
        });
        first_line += memchr::memchr_iter(b'\n', piece).count();
        start = end;
    }
    chunks
}

/// Where the first blank line at or after `from` ends, when one does before the input ends.
fn cut_after(bytes: &[u8], from: usize) -> Option<usize> {
    memchr::memchr_iter(b'\n', &bytes[from..])
        .map(|at| from + at + 1)
        .find(|&next| matches!(bytes.get(next..), Some([b'\n', ..] | [b'\r', b'\n', ..])))
        .map(|next| next + if bytes[next] == b'\n' { 1 } else { 2 })
        .filter(|&cut| cut < bytes.len())
}

/// Whether these lines hold a content line (neither blank, a comment nor a continuation).
fn holds_content(bytes: &[u8]) -> bool {
    bytes
        .split(|&b| b == b'\n')
        .any(|line| !matches!(line, [] | [b'\r'] | [b' ', ..] | [b'#', ..]))
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
    fn new(chunk: Chunk<'a>) -> Self {
        Self {
            lines: Lines::new(chunk.bytes, chunk.first_line),
            current: None,
            first_content: chunk.leads,
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
    fn new(input: &'a [u8], first_number: usize) -> Self {
        Self {
            rest: input,
            next_number: first_number,
        }
    }

    /// The next physical line without its LF or CRLF ending, with its number.
    fn physical(&mut self) -> Option<(usize, &'a [u8])> {
        if self.rest.is_empty() {
            return None;
        }
        let (line, rest) = match memchr::memchr(b'\n', self.rest) {
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
#[path = "ldif_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "ldif_split_tests.rs"]
mod split_tests;
