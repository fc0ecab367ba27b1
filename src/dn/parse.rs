//! RFC 4514 text to the two forms a [`super::Dn`] keeps: the canonical text (values in the
//! case written) and the folded text that is compared.
//!
//! Beyond RFC 4514 the reader accepts what RFC 2253 and RFC 1779 writers produce: spaces
//! around `,` `=` `+`, `;` between RDNs, quoted values (`cn="Smith, John"`), `<` `>` unescaped,
//! and a backslash before any ASCII punctuation.

use super::DnProblem;
use super::text::{
    escape_raw_value, escape_value, fold_case, hex_value, split_unescaped, write_ber,
};

/// The canonical and the folded text of a DN.
pub(super) struct Parsed {
    pub text: String,
    pub folded: String,
}

/// Where parsing failed and why.
pub(super) type Failure = (DnProblem, usize);

/// Parses a DN, taking a shortcut when it is already written canonically in ASCII.
pub(super) fn parse(input: &str) -> Result<Parsed, Failure> {
    match canonical_ascii(input) {
        Some(has_upper) => Ok(Parsed {
            text: input.to_string(),
            folded: match has_upper {
                true => input.to_ascii_lowercase(),
                false => String::new(),
            },
        }),
        None => parse_fully(input),
    }
    .map(Parsed::without_copy)
}

impl Parsed {
    /// An empty `folded` means "the same as `text`", which most DNs are.
    fn without_copy(mut self) -> Self {
        if self.folded == self.text {
            self.folded = String::new();
        }
        self
    }
}

/// Parses a DN character by character.
pub(super) fn parse_fully(input: &str) -> Result<Parsed, Failure> {
    let mut parser = Parser {
        input: input.as_bytes(),
        at: 0,
        text: String::with_capacity(input.len()),
        folded: String::with_capacity(input.len()),
        value: Vec::new(),
    };
    parser.dn()?;
    Ok(Parsed {
        text: parser.text,
        folded: parser.folded,
    })
}

/// `Some(has uppercase)` when `input` is printable ASCII that `parse_fully` would give back
/// unchanged: no escapes, quotes, `#` or multi-valued RDNs, no spaces around separators.
fn canonical_ascii(input: &str) -> Option<bool> {
    let plain = |b: u8| (b' '..=b'~').contains(&b) && !b"\\\"+;<>#".contains(&b);
    if input.is_empty() || !input.bytes().all(plain) {
        return None;
    }
    for rdn in input.split(',') {
        let (kind, value) = rdn.split_once('=')?;
        let spaced = value.starts_with(' ') || value.ends_with(' ');
        if !is_attribute_type(kind) || spaced {
            return None;
        }
    }
    Some(input.bytes().any(|b| b.is_ascii_uppercase()))
}

/// A descriptor (`cn`, `extensionAttribute1`) or a numeric OID (`2.5.4.3`).
fn is_attribute_type(kind: &str) -> bool {
    let bytes = kind.as_bytes();
    match bytes.first() {
        Some(first) if first.is_ascii_alphabetic() => bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || *b == b'-'),
        Some(first) if first.is_ascii_digit() => kind
            .split('.')
            .all(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())),
        _ => false,
    }
}

struct Parser<'a> {
    input: &'a [u8],
    at: usize,
    text: String,
    folded: String,
    /// The value being read, unescaped (reused from one value to the next).
    value: Vec<u8>,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.input.get(self.at).copied()
    }

    fn skip_spaces(&mut self) {
        while self.peek() == Some(b' ') {
            self.at += 1;
        }
    }

    fn fail<T>(&self, problem: DnProblem) -> Result<T, Failure> {
        Err((problem, self.at))
    }

    /// RDNs separated by `,` (or `;`); nothing at all is the empty DN.
    fn dn(&mut self) -> Result<(), Failure> {
        self.skip_spaces();
        if self.peek().is_none() {
            return Ok(());
        }
        loop {
            self.rdn()?;
            match self.peek() {
                None => return Ok(()),
                Some(b',' | b';') => {
                    self.at += 1;
                    self.push(",");
                }
                Some(_) => return self.fail(DnProblem::ExpectedSeparator),
            }
        }
    }

    fn push(&mut self, both: &str) {
        self.text.push_str(both);
        self.folded.push_str(both);
    }

    /// Attribute-value pairs separated by `+`, put in the order of their folded text so that
    /// the order they were written in does not matter.
    fn rdn(&mut self) -> Result<(), Failure> {
        let starts = (self.text.len(), self.folded.len());
        self.attribute_value()?;
        let mut parts = 1;
        while self.peek() == Some(b'+') {
            self.at += 1;
            self.push("+");
            self.attribute_value()?;
            parts += 1;
        }
        if parts > 1 {
            self.sort_parts(starts);
        }
        Ok(())
    }

    fn sort_parts(&mut self, (text_start, folded_start): (usize, usize)) {
        let texts = split_unescaped(&self.text[text_start..], b'+');
        let folded = split_unescaped(&self.folded[folded_start..], b'+');
        let mut parts: Vec<(String, String)> = folded
            .zip(texts)
            .map(|(f, t)| (f.to_string(), t.to_string()))
            .collect();
        parts.sort();
        self.text.truncate(text_start);
        self.folded.truncate(folded_start);
        for (i, (folded, text)) in parts.iter().enumerate() {
            if i > 0 {
                self.push("+");
            }
            self.text.push_str(text);
            self.folded.push_str(folded);
        }
    }

    /// `type=value`, spaces allowed around the `=`; the type keeps its case in the text.
    fn attribute_value(&mut self) -> Result<(), Failure> {
        self.skip_spaces();
        let start = self.at;
        while self
            .peek()
            .is_some_and(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
        {
            self.at += 1;
        }
        let kind = std::str::from_utf8(&self.input[start..self.at]).unwrap_or_default();
        match kind {
            "" => return Err((DnProblem::MissingType, start)),
            kind if !is_attribute_type(kind) => return Err((DnProblem::BadType, start)),
            kind => {
                self.text.push_str(kind);
                self.folded.push_str(&kind.to_ascii_lowercase());
            }
        }
        self.skip_spaces();
        if self.peek() != Some(b'=') {
            return self.fail(DnProblem::MissingEquals);
        }
        self.at += 1;
        self.push("=");
        self.skip_spaces();
        self.value()
    }

    fn value(&mut self) -> Result<(), Failure> {
        self.value.clear();
        match self.peek() {
            Some(b'#') => return self.ber(),
            Some(b'"') => self.quoted()?,
            _ => self.string()?,
        }
        self.write_value();
        self.skip_spaces();
        Ok(())
    }

    /// Writes the value read, escaped canonically, into both texts.
    fn write_value(&mut self) {
        let value = std::mem::take(&mut self.value);
        match std::str::from_utf8(&value) {
            Ok(text) => {
                escape_value(text, &mut self.text);
                escape_value(&fold_case(text), &mut self.folded);
            }
            Err(_) => {
                escape_raw_value(&value, &mut self.text);
                escape_raw_value(&value.to_ascii_lowercase(), &mut self.folded);
            }
        }
        self.value = value;
    }

    /// An unquoted value up to the next separator; unescaped trailing spaces are dropped.
    fn string(&mut self) -> Result<(), Failure> {
        let mut significant = 0;
        loop {
            match self.peek() {
                None | Some(b',' | b';' | b'+') => break,
                Some(b'\\') => {
                    self.escape()?;
                    significant = self.value.len();
                }
                Some(b'"' | 0) => return self.fail(DnProblem::Unescaped),
                Some(b) => {
                    self.value.push(b);
                    self.at += 1;
                    if b != b' ' {
                        significant = self.value.len();
                    }
                }
            }
        }
        self.value.truncate(significant);
        Ok(())
    }

    /// A value in double quotes (RFC 2253), where separators need no escape.
    fn quoted(&mut self) -> Result<(), Failure> {
        let open = self.at;
        self.at += 1;
        loop {
            match self.peek() {
                None => return Err((DnProblem::UnterminatedQuote, open)),
                Some(b'"') => {
                    self.at += 1;
                    return Ok(());
                }
                Some(b'\\') => self.escape()?,
                Some(b) => {
                    self.value.push(b);
                    self.at += 1;
                }
            }
        }
    }

    /// `\` and a hex pair (`\2C`, `\C3\A9`) or an escaped punctuation character (`\,`).
    fn escape(&mut self) -> Result<(), Failure> {
        let next = self.input.get(self.at + 1).copied();
        let after = self.input.get(self.at + 2).copied();
        match (next, after) {
            (None, _) => self.fail(DnProblem::UnterminatedEscape),
            (Some(high), Some(low)) if high.is_ascii_hexdigit() && low.is_ascii_hexdigit() => {
                self.value.push(hex_value(high) << 4 | hex_value(low));
                self.at += 3;
                Ok(())
            }
            (Some(c), _) if c.is_ascii_punctuation() || c == b' ' => {
                self.value.push(c);
                self.at += 2;
                Ok(())
            }
            (Some(_), _) => self.fail(DnProblem::BadEscape),
        }
    }

    /// `#` and the hex digits of a BER-encoded value, kept as those bytes.
    fn ber(&mut self) -> Result<(), Failure> {
        let start = self.at;
        self.at += 1;
        while self.peek().is_some_and(|b| b.is_ascii_hexdigit()) {
            self.at += 1;
        }
        let digits = &self.input[start + 1..self.at];
        if digits.is_empty() || digits.len() % 2 == 1 {
            return Err((DnProblem::BadHex, start));
        }
        self.value.clear();
        self.value.extend(
            digits
                .chunks_exact(2)
                .map(|p| hex_value(p[0]) << 4 | hex_value(p[1])),
        );
        let value = std::mem::take(&mut self.value);
        write_ber(&value, &mut self.text);
        write_ber(&value, &mut self.folded);
        self.value = value;
        self.skip_spaces();
        Ok(())
    }
}
