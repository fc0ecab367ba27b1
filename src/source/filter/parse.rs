//! Reading a filter from its RFC 4515 text.

use super::evaluate::{char_index, hex_digit};
use super::{Filter, FilterError, MAX_DEPTH};
use std::str::FromStr;

impl FromStr for Filter {
    type Err = FilterError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let mut parser = Parser {
            bytes: text.as_bytes(),
            src: text,
            pos: 0,
            depth: 0,
        };
        parser.skip_ws();
        let filter = match parser.peek() {
            None => return Err(parser.expected("a filter such as (uid=jdoe)")),
            Some(b'(') => parser.filter()?,
            // Convenience: a bare `uid=jdoe` or `&(a=b)(c=d)` is read as if wrapped.
            Some(_) => parser.component()?,
        };
        parser.skip_ws();
        match parser.peek() {
            None => Ok(filter),
            Some(b')') => Err(parser.error(
                parser.pos,
                "unexpected ')' after the end of the filter (unbalanced parentheses?)",
            )),
            Some(_) => Err(parser
                .expected("the end of the filter (combine several filters with (&...) or (|...))")),
        }
    }
}

struct Parser<'a> {
    bytes: &'a [u8],
    src: &'a str,
    pos: usize,
    depth: usize,
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn error(&self, at: usize, message: impl Into<String>) -> FilterError {
        FilterError {
            position: char_index(self.bytes, at),
            message: message.into(),
        }
    }

    /// "expected X but found Y" at the current position.
    fn expected(&self, what: &str) -> FilterError {
        let found = match self.src.get(self.pos..).and_then(|s| s.chars().next()) {
            Some(c) => format!("{c:?}"),
            None if self.pos >= self.bytes.len() => "the end of the filter".to_string(),
            None => "a partial character".to_string(),
        };
        self.error(self.pos, format!("expected {what} but found {found}"))
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\r' | b'\n')) {
            self.pos += 1;
        }
    }

    /// `( component )`, starting at `(`.
    fn filter(&mut self) -> Result<Filter, FilterError> {
        let open = self.pos;
        if self.peek() != Some(b'(') {
            return Err(self.expected("'('"));
        }
        if self.depth >= MAX_DEPTH {
            return Err(self.error(
                open,
                format!("filter is nested more than {MAX_DEPTH} levels deep"),
            ));
        }
        self.depth += 1;
        self.pos += 1;
        self.skip_ws();
        let filter = self.component()?;
        if self.peek() != Some(b')') {
            let opened_at = char_index(self.bytes, open);
            return Err(self.expected(&format!(
                "')' to close the filter opened at character {opened_at}"
            )));
        }
        self.pos += 1;
        self.depth -= 1;
        Ok(filter)
    }

    /// What stands between the parentheses; leaves the closing `)` for the caller.
    fn component(&mut self) -> Result<Filter, FilterError> {
        match self.peek() {
            Some(b'&') => {
                self.pos += 1;
                Ok(Filter::And(self.list()?))
            }
            Some(b'|') => {
                self.pos += 1;
                Ok(Filter::Or(self.list()?))
            }
            Some(b'!') => {
                self.pos += 1;
                self.skip_ws();
                if self.peek() != Some(b'(') {
                    return Err(self.expected("'(' to start the filter negated by '!'"));
                }
                let inner = self.filter()?;
                self.skip_ws();
                if self.peek() == Some(b'(') {
                    return Err(self.expected("')' ('!' takes exactly one filter)"));
                }
                Ok(Filter::Not(Box::new(inner)))
            }
            Some(b'(') => Err(self.expected("'&', '|', '!' or an attribute description")),
            _ => self.item(),
        }
    }

    fn list(&mut self) -> Result<Vec<Filter>, FilterError> {
        let mut members = Vec::new();
        loop {
            self.skip_ws();
            if self.peek() != Some(b'(') {
                break;
            }
            members.push(self.filter()?);
        }
        match self.peek() {
            None | Some(b')') => Ok(members),
            Some(_) => Err(self.expected("'(' to start a nested filter or ')' to end the list")),
        }
    }

    fn item(&mut self) -> Result<Filter, FilterError> {
        let start = self.pos;
        let attr = self.attribute_description()?;
        if self.peek() == Some(b':') {
            return self.extensible(start, attr);
        }
        if attr.is_empty() {
            return Err(self.expected("an attribute description, '&', '|' or '!'"));
        }
        let attr = attr.to_string();
        match self.peek() {
            Some(b'=') => {
                self.pos += 1;
                self.equality_or_substring(attr)
            }
            Some(op @ (b'~' | b'>' | b'<')) => {
                self.pos += 1;
                if self.peek() != Some(b'=') {
                    return Err(self.expected(&format!("'=' after '{}'", char::from(op))));
                }
                self.pos += 1;
                let value = self.value(false)?;
                Ok(match op {
                    b'~' => Filter::Approx { attr, value },
                    b'>' => Filter::GreaterOrEqual { attr, value },
                    _ => Filter::LessOrEqual { attr, value },
                })
            }
            _ => {
                Err(self.expected("'=', '~=', '>=', '<=' or ':=' after the attribute description"))
            }
        }
    }

    /// An OID (descriptor or numeric) plus `;options`; empty when none starts here.
    fn attribute_description(&mut self) -> Result<&'a str, FilterError> {
        let start = self.pos;
        if self.oid()?.is_empty() {
            return Ok("");
        }
        while self.peek() == Some(b';') {
            self.pos += 1;
            let option_start = self.pos;
            while self
                .peek()
                .is_some_and(|c| c.is_ascii_alphanumeric() || c == b'-')
            {
                self.pos += 1;
            }
            if self.pos == option_start {
                return Err(self.expected("an attribute option after ';'"));
            }
        }
        Ok(self.src.get(start..self.pos).unwrap_or(""))
    }

    /// A descriptor (`cn`) or numeric OID (`2.5.4.3`); empty when none starts here.
    fn oid(&mut self) -> Result<&'a str, FilterError> {
        let start = self.pos;
        match self.peek() {
            Some(c) if c.is_ascii_alphabetic() => {
                while self
                    .peek()
                    .is_some_and(|c| c.is_ascii_alphanumeric() || c == b'-')
                {
                    self.pos += 1;
                }
            }
            Some(c) if c.is_ascii_digit() => {
                let mut components = 0;
                loop {
                    let digits_start = self.pos;
                    while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                        self.pos += 1;
                    }
                    if self.pos == digits_start {
                        return Err(self.expected("a digit after '.' in a numeric OID"));
                    }
                    components += 1;
                    if self.peek() != Some(b'.') {
                        break;
                    }
                    self.pos += 1;
                }
                if components < 2 {
                    return Err(self.expected(
                        "'.' (names start with a letter; a numeric OID has at least two parts)",
                    ));
                }
            }
            _ => {}
        }
        Ok(self.src.get(start..self.pos).unwrap_or(""))
    }

    fn equality_or_substring(&mut self, attr: String) -> Result<Filter, FilterError> {
        let initial = self.value(true)?;
        if self.peek() != Some(b'*') {
            return Ok(Filter::Equal {
                attr,
                value: initial,
            });
        }
        let mut any = Vec::new();
        let final_ = loop {
            self.pos += 1; // the '*'
            let piece = self.value(true)?;
            if self.peek() != Some(b'*') {
                break piece;
            }
            if piece.is_empty() {
                return Err(self.error(
                    self.pos,
                    "empty substring between two '*' (write \\2a for a literal '*')",
                ));
            }
            any.push(piece);
        };
        if initial.is_empty() && any.is_empty() && final_.is_empty() {
            return Ok(Filter::Present { attr });
        }
        Ok(Filter::Substring {
            attr,
            initial: Some(initial).filter(|v| !v.is_empty()),
            any,
            final_: Some(final_).filter(|v| !v.is_empty()),
        })
    }

    /// `attr:dn:rule:=value` and its shorter forms, with `start` at the attribute (or `:`).
    fn extensible(&mut self, start: usize, attr: &str) -> Result<Filter, FilterError> {
        let mut dn_attrs = false;
        let mut rule: Option<String> = None;
        loop {
            if self.peek() != Some(b':') {
                return Err(self.expected("':='"));
            }
            self.pos += 1;
            if self.peek() == Some(b'=') {
                self.pos += 1;
                break;
            }
            let token_start = self.pos;
            let token = self.oid()?;
            if token.is_empty() {
                return Err(self.expected("'dn', a matching rule or '=' after ':'"));
            }
            if rule.is_some() {
                return Err(self.error(
                    token_start,
                    "expected '=' after ':' (an extensible match has at most ':dn' and one matching rule)",
                ));
            }
            // `dn` can only be the dnAttributes flag where it may stand, before the rule.
            if !dn_attrs && token.eq_ignore_ascii_case("dn") {
                dn_attrs = true;
            } else {
                rule = Some(token.to_string());
            }
        }
        if attr.is_empty() && rule.is_none() {
            return Err(self.error(
                start,
                "an extensible match without an attribute needs a matching rule, \
                 as in (:dn:2.5.13.5:=value)",
            ));
        }
        let value = self.value(false)?;
        Ok(Filter::Extensible {
            attr: Some(attr.to_string()).filter(|a| !a.is_empty()),
            rule,
            dn_attrs,
            value,
        })
    }

    /// An assertion value up to `)` or the end (and `*` when `stop_at_star`), unescaped.
    fn value(&mut self, stop_at_star: bool) -> Result<Vec<u8>, FilterError> {
        let mut out = Vec::new();
        loop {
            match self.peek() {
                None | Some(b')') => return Ok(out),
                Some(b'*') if stop_at_star => return Ok(out),
                Some(b'*') => {
                    return Err(self.error(
                        self.pos,
                        "unescaped '*' in value (wildcards only work with '='; write \\2a for a literal '*')",
                    ));
                }
                Some(b'(') => {
                    return Err(self.error(self.pos, "unescaped '(' in value (write it as \\28)"));
                }
                Some(0) => {
                    return Err(self.error(self.pos, "NUL character in value (write it as \\00)"));
                }
                Some(b'\\') => {
                    let high = self.bytes.get(self.pos + 1).copied().and_then(hex_digit);
                    let low = self.bytes.get(self.pos + 2).copied().and_then(hex_digit);
                    match (high, low) {
                        (Some(high), Some(low)) => {
                            out.push(high << 4 | low);
                            self.pos += 3;
                        }
                        _ => {
                            return Err(self.error(
                                self.pos,
                                "invalid escape: '\\' must be followed by two hex digits (write \\5c for a literal '\\')",
                            ));
                        }
                    }
                }
                Some(c) => {
                    out.push(c);
                    self.pos += 1;
                }
            }
        }
    }
}
