//! The tokenizer: query text to words, strings, comparison symbols and punctuation.

use super::error::QueryError;

/// Words with a meaning in the grammar; compared case-insensitively.
const RESERVED: &[&str] = &[
    "select",
    "from",
    "where",
    "order",
    "by",
    "asc",
    "desc",
    "ascending",
    "descending",
    "offset",
    "limit",
    "and",
    "or",
    "not",
    "is",
    "is_not",
    "after",
    "greater_than",
    "before",
    "less_than",
    "like",
    "not_like",
    "in",
    "not_in",
    "has",
    "any",
    "none",
    "true",
    "false",
];

pub(super) fn is_reserved(word: &str) -> bool {
    RESERVED.iter().any(|k| k.eq_ignore_ascii_case(word))
}

#[derive(Debug, Clone, PartialEq)]
pub(super) enum TokenKind {
    /// A run of letters, digits, `_`, `-` and `.`: keyword, path, number or bare value.
    Word(String),
    /// A quoted string, unescaped.
    Text(String),
    /// `=`, `!=`, `>`, `<`, `>=` or `<=`.
    Symbol(&'static str),
    Open,
    Close,
    Comma,
    End,
}

#[derive(Debug, Clone)]
pub(super) struct Token {
    pub(super) kind: TokenKind,
    /// Character offset of the token's first character.
    pub(super) pos: usize,
}

pub(super) fn tokenize(text: &str) -> Result<Vec<Token>, QueryError> {
    // Characters rather than bytes so that positions are character offsets.
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut pos = 0;
    while let Some(&c) = chars.get(pos) {
        if c.is_whitespace() {
            pos += 1;
            continue;
        }
        let (kind, next) = lex_token(&chars, pos, c)?;
        tokens.push(Token { kind, pos });
        pos = next;
    }
    tokens.push(Token {
        kind: TokenKind::End,
        pos: chars.len(),
    });
    Ok(tokens)
}

/// The token starting with `c` at `pos`, and the position after it.
fn lex_token(chars: &[char], pos: usize, c: char) -> Result<(TokenKind, usize), QueryError> {
    let next = chars.get(pos + 1).copied();
    let token = match (c, next) {
        ('"' | '\'', _) => return lex_string(chars, pos, c),
        ('(', _) => (TokenKind::Open, pos + 1),
        (')', _) => (TokenKind::Close, pos + 1),
        (',', _) => (TokenKind::Comma, pos + 1),
        ('=', _) => (TokenKind::Symbol("="), pos + 1),
        ('!', Some('=')) => (TokenKind::Symbol("!="), pos + 2),
        ('>', Some('=')) => (TokenKind::Symbol(">="), pos + 2),
        ('<', Some('=')) => (TokenKind::Symbol("<="), pos + 2),
        ('>', _) => (TokenKind::Symbol(">"), pos + 1),
        ('<', _) => (TokenKind::Symbol("<"), pos + 1),
        ('!', _) => {
            let found = match next {
                None => "end of query".to_owned(),
                Some(n) if n.is_whitespace() => "whitespace".to_owned(),
                Some(n) => format!("`{n}`"),
            };
            let message = format!("expected `=` after `!`, found {found}");
            return Err(QueryError::new(pos + 1, message));
        }
        _ if is_word_char(c) => lex_word(chars, pos),
        _ => {
            let message = format!(
                "expected a name, value, quoted string, operator, `(`, `)` or `,`, \
                 found character `{c}`"
            );
            return Err(QueryError::new(pos, message));
        }
    };
    Ok(token)
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '-' | '.')
}

fn lex_word(chars: &[char], start: usize) -> (TokenKind, usize) {
    let mut end = start;
    let mut word = String::new();
    while let Some(&c) = chars.get(end).filter(|&&c| is_word_char(c)) {
        word.push(c);
        end += 1;
    }
    (TokenKind::Word(word), end)
}

/// A string opened by `quote` at `start`; a backslash makes the next character literal.
fn lex_string(chars: &[char], start: usize, quote: char) -> Result<(TokenKind, usize), QueryError> {
    let mut text = String::new();
    let mut pos = start + 1;
    loop {
        match chars.get(pos) {
            Some(&c) if c == quote => return Ok((TokenKind::Text(text), pos + 1)),
            Some('\\') if pos + 1 < chars.len() => {
                text.extend(chars.get(pos + 1));
                pos += 2;
            }
            Some(&c) if c != '\\' => {
                text.push(c);
                pos += 1;
            }
            // End of input, possibly right after a backslash that escaped nothing.
            _ => {
                let message = format!(
                    "unterminated string: expected a closing `{quote}` for the string \
                     opened here, found end of query"
                );
                return Err(QueryError::new(start, message));
            }
        }
    }
}
