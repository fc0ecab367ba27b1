//! The text of a canonical DN: escaping values into it, splitting it and reading values back,
//! and the case folding that makes the compared form.
//!
//! A canonical DN escapes with a backslash followed either by one ASCII punctuation character
//! or by two hex digits, so skipping the byte after each backslash is enough to find the
//! separators (`,` between RDNs, `+` between the parts of a multi-valued RDN).

use std::borrow::Cow;
use unicode_normalization::UnicodeNormalization;

/// Characters RFC 4514 escapes anywhere in a value.
const SPECIAL: &[char] = &['"', '+', ',', ';', '<', '>', '\\'];

/// Appends a value to a canonical DN, escaped as RFC 4514 asks: the special characters, a
/// leading `#` or space, a trailing space, and control characters as hex pairs.
pub(super) fn escape_value(value: &str, out: &mut String) {
    for (i, c) in value.char_indices() {
        escape_char(c, i == 0, i + c.len_utf8() == value.len(), out);
    }
}

/// Appends a value that is not UTF-8: printable ASCII as `escape_value` writes it, every
/// other byte as a hex pair.
pub(super) fn escape_raw_value(value: &[u8], out: &mut String) {
    for (i, b) in value.iter().enumerate() {
        if b.is_ascii() && !b.is_ascii_control() {
            escape_char(char::from(*b), i == 0, i + 1 == value.len(), out);
        } else {
            escape_bytes(std::slice::from_ref(b), out);
        }
    }
}

/// Appends one character of a value, `first` and `last` telling where it stands.
fn escape_char(c: char, first: bool, last: bool, out: &mut String) {
    if SPECIAL.contains(&c) || (c == '#' && first) || (c == ' ' && (first || last)) {
        out.push('\\');
        out.push(c);
    } else if c.is_control() {
        let mut buffer = [0; 4];
        escape_bytes(c.encode_utf8(&mut buffer).as_bytes(), out);
    } else {
        out.push(c);
    }
}

/// Appends bytes as hex pairs (`\c3\a9`).
pub(super) fn escape_bytes(bytes: &[u8], out: &mut String) {
    for b in bytes {
        out.push('\\');
        push_hex(*b, out);
    }
}

/// Appends bytes as a `#` value (lowercase hex).
pub(super) fn write_ber(bytes: &[u8], out: &mut String) {
    out.push('#');
    for b in bytes {
        push_hex(*b, out);
    }
}

/// Appends one byte as two lowercase hex digits.
fn push_hex(byte: u8, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push(char::from(HEX[usize::from(byte >> 4)]));
    out.push(char::from(HEX[usize::from(byte & 0xf)]));
}

/// The value of a canonical DN's attribute (escaped as written there) as bytes.
pub(super) fn unescape(value: &str) -> Vec<u8> {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match (bytes[i], bytes.get(i + 1), bytes.get(i + 2)) {
            (b'\\', Some(high), Some(low)) if high.is_ascii_hexdigit() => {
                out.push(hex_value(*high) << 4 | hex_value(*low));
                i += 3;
            }
            (b'\\', Some(c), _) => {
                out.push(*c);
                i += 2;
            }
            (c, _, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

/// The bytes of a `#` value's hex digits (validated by the parser).
pub(super) fn unhex(digits: &str) -> Vec<u8> {
    digits
        .as_bytes()
        .chunks_exact(2)
        .map(|pair| hex_value(pair[0]) << 4 | hex_value(pair[1]))
        .collect()
}

/// The value of one hex digit (0 for anything else; callers check first).
pub(super) fn hex_value(c: u8) -> u8 {
    match c {
        b'0'..=b'9' => c - b'0',
        b'a'..=b'f' => c - b'a' + 10,
        b'A'..=b'F' => c - b'A' + 10,
        _ => 0,
    }
}

/// The pieces of canonical text between unescaped `separator` bytes.
pub(super) fn split_unescaped(text: &str, separator: u8) -> impl Iterator<Item = &str> {
    let mut rest = Some(text);
    std::iter::from_fn(move || {
        let current = rest?;
        match find_unescaped(current, separator) {
            Some(at) => {
                rest = Some(&current[at + 1..]);
                Some(&current[..at])
            }
            None => rest.take(),
        }
    })
}

/// The byte offset of the first unescaped `separator` in canonical text.
pub(super) fn find_unescaped(text: &str, separator: u8) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b if b == separator => return Some(i),
            _ => i += 1,
        }
    }
    None
}

/// Text folded for comparison: lowercase per character, final sigma as sigma, and composed
/// (NFC) so that `é` and `e` plus a combining accent compare equal. ASCII is only lowercased.
pub fn fold_case(text: &str) -> Cow<'_, str> {
    if text.is_ascii() {
        return match text.bytes().any(|b| b.is_ascii_uppercase()) {
            true => Cow::Owned(text.to_ascii_lowercase()),
            false => Cow::Borrowed(text),
        };
    }
    let lower = text
        .chars()
        .flat_map(char::to_lowercase)
        .map(|c| if c == 'ς' { 'σ' } else { c });
    Cow::Owned(lower.nfc().collect())
}
