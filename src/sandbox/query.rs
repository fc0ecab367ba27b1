//! ftrack's query language: tokenizer, recursive-descent parser and canonical printer.
//!
//! # Grammar
//!
//! ```text
//! query      := [ "select" path { "," path } "from" ] Type [ "where" criteria ]
//!               [ "order by" ordering { "," ordering } ] [ paging ]
//! paging     := "offset" N [ "limit" M ] | "limit" M [ "offset" N ]
//! criteria   := and { "or" and }
//! and        := unary { "and" unary }
//! unary      := "not" unary | "(" criteria ")" | condition
//! condition  := path op value | path ("in" | "not_in") "(" (values | query) ")"
//!             | path "has" "(" criteria ")" | path "any" "(" [ criteria ] ")"
//! ordering   := path [ "asc" | "desc" | "ascending" | "descending" ]
//! ```
//!
//! `and` and `or` associate to the left (`a or b or c` is `Or(Or(a, b), c)`), `and` binds
//! tighter than `or`, and `not` binds tightest. Parentheses leave no trace in the tree.
//!
//! # Words and values
//!
//! Keywords and operator words are case-insensitive and reserved: they cannot be used as a
//! single-segment attribute name, an entity type or a bare value (quote the value instead).
//! Attribute and type names are case-sensitive ASCII identifiers. In value position a word
//! is `none` (null), `true`/`false` (any case, so Python's `False` works), a number
//! (`-12`, `0.5`, `1e-7`; an integer too large for `i64` becomes a float) or otherwise a
//! bare value such as an enum name or an unquoted UUID. `null` is not special: it is the
//! bare word `null`.
//!
//! Strings take double or single quotes; a backslash makes the next character literal
//! (`\"`, `\'`, `\\`, and `\x` is `x`). Strings are tokenized before anything else, so
//! `limit 5` inside a string is text, and a keyword glued to a closing quote (`"x"and`)
//! is still a keyword.
//!
//! # Limits and errors
//!
//! Nesting (parentheses, `not`, `has`, `any`, subqueries) deeper than [`MAX_DEPTH`] and
//! more than [`MAX_CONNECTIVES`] `and`/`or` operators are rejected, which bounds the depth
//! of the tree so that parsing, printing, dropping and evaluating it cannot overflow the
//! stack. Error positions are 0-based character (not byte) offsets.
//!
//! # Printing
//!
//! [`Query`]'s `Display` prints canonical text (lower-case keywords, double-quoted strings,
//! only the parentheses precedence needs) that parses back to the same tree, for every tree
//! the parser can produce.

use std::fmt::{self, Write as _};

/// Deepest nesting of parentheses, `not`, `has`, `any` and subqueries the parser accepts.
pub const MAX_DEPTH: usize = 64;

/// Most `and`/`or` operators one query (subqueries included) may contain.
pub const MAX_CONNECTIVES: usize = 1024;

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

const OPERATOR_HINT: &str = "an operator (`is`, `is_not`, `=`, `!=`, `>`, `<`, `>=`, `<=`, \
                             `after`, `before`, `like`, `not_like`, `in`, `not_in`, `has` or `any`)";

/// A query that could not be parsed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("cannot parse query at character {position}: {message}")]
pub struct QueryError {
    /// 0-based character offset of the problem.
    pub position: usize,
    /// What was expected and what was found.
    pub message: String,
}

impl QueryError {
    fn new(position: usize, message: impl Into<String>) -> Self {
        Self {
            position,
            message: message.into(),
        }
    }
}

/// A parsed query.
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    /// Attributes after `select`; `None` when the query has no `select … from`.
    pub projections: Option<Vec<Path>>,
    /// The entity type queried.
    pub entity: String,
    /// The `where` criteria.
    pub filter: Option<Criteria>,
    /// The `order by` terms, most significant first.
    pub order_by: Vec<Ordering>,
    /// Rows to skip.
    pub offset: Option<u64>,
    /// Most rows to return.
    pub limit: Option<u64>,
}

/// An attribute path: names separated by dots (`memberships.group.name`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Path(pub Vec<String>);

/// One `order by` term.
#[derive(Debug, Clone, PartialEq)]
pub struct Ordering {
    /// The attribute sorted on.
    pub path: Path,
    /// True for `desc`/`descending`.
    pub descending: bool,
}

/// A boolean expression over an entity's attributes.
#[derive(Debug, Clone, PartialEq)]
pub enum Criteria {
    /// Both sides hold.
    And(Box<Criteria>, Box<Criteria>),
    /// Either side holds.
    Or(Box<Criteria>, Box<Criteria>),
    /// The inner criteria do not hold.
    Not(Box<Criteria>),
    /// `path op value`.
    Compare {
        /// Attribute compared.
        path: Path,
        /// Comparison.
        op: CompareOp,
        /// Right-hand side.
        value: Value,
    },
    /// `path in (…)` or `path not_in (…)`.
    In {
        /// Attribute tested.
        path: Path,
        /// True for `not_in`.
        negated: bool,
        /// The values or subquery.
        values: InSource,
    },
    /// `path has (…)`: the related entity satisfies the inner criteria.
    Has {
        /// Scalar relation.
        path: Path,
        /// Criteria on the related entity.
        inner: Box<Criteria>,
    },
    /// `path any (…)`: some element of the collection satisfies the inner criteria.
    Any {
        /// Collection relation.
        path: Path,
        /// Criteria on an element; `None` for `any ()` (the collection is not empty).
        inner: Option<Box<Criteria>>,
    },
}

/// A comparison operator; synonyms (`=`, `after`, `less_than`, …) map to one variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompareOp {
    /// `is`, `=`.
    Eq,
    /// `is_not`, `!=`.
    Ne,
    /// `>`, `after`, `greater_than`.
    Gt,
    /// `<`, `before`, `less_than`.
    Lt,
    /// `>=`.
    Ge,
    /// `<=`.
    Le,
    /// `like` (SQL pattern, `%` wildcard).
    Like,
    /// `not_like`.
    NotLike,
}

/// The right-hand side of `in`/`not_in`.
#[derive(Debug, Clone, PartialEq)]
pub enum InSource {
    /// A parenthesised list of values (possibly empty).
    Values(Vec<Value>),
    /// A `select` subquery whose single projection supplies the values.
    Subquery(Box<Query>),
}

/// A literal value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A quoted string, unescaped.
    Text(String),
    /// An unquoted word such as an enum name or a UUID.
    Bare(String),
    /// An integer.
    Integer(i64),
    /// A number with a fraction or exponent, or an integer too large for `i64`.
    Float(f64),
    /// `true` or `false`, any case.
    Bool(bool),
    /// `none`, any case.
    Null,
}

/// Parses one query.
pub fn parse_query(text: &str) -> Result<Query, QueryError> {
    let mut parser = Parser::new(tokenize(text)?);
    let query = parser.query()?;
    if parser.peek().kind != TokenKind::End {
        return Err(parser.fail("end of query"));
    }
    Ok(query)
}

// ---------------------------------------------------------------------------------------
// Tokenizer

#[derive(Debug, Clone, PartialEq)]
enum TokenKind {
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
struct Token {
    kind: TokenKind,
    /// Character offset of the token's first character.
    pos: usize,
}

fn tokenize(text: &str) -> Result<Vec<Token>, QueryError> {
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

// ---------------------------------------------------------------------------------------
// Parser

enum Operator {
    Compare(CompareOp),
    In { negated: bool },
    Has,
    Any,
}

/// The operator a token spells, if any.
fn operator(kind: &TokenKind) -> Option<Operator> {
    let word = match kind {
        TokenKind::Symbol(symbol) => *symbol,
        TokenKind::Word(word) => word.as_str(),
        _ => return None,
    };
    let op = match word.to_ascii_lowercase().as_str() {
        "is" | "=" => Operator::Compare(CompareOp::Eq),
        "is_not" | "!=" => Operator::Compare(CompareOp::Ne),
        ">" | "after" | "greater_than" => Operator::Compare(CompareOp::Gt),
        "<" | "before" | "less_than" => Operator::Compare(CompareOp::Lt),
        ">=" => Operator::Compare(CompareOp::Ge),
        "<=" => Operator::Compare(CompareOp::Le),
        "like" => Operator::Compare(CompareOp::Like),
        "not_like" => Operator::Compare(CompareOp::NotLike),
        "in" => Operator::In { negated: false },
        "not_in" => Operator::In { negated: true },
        "has" => Operator::Has,
        "any" => Operator::Any,
        _ => return None,
    };
    Some(op)
}

struct Parser {
    tokens: Vec<Token>,
    /// Index of the next token; never moves past the final `End` token.
    index: usize,
    /// Returned by `peek` should `tokens` ever be exhausted, so `peek` cannot panic.
    end: Token,
    depth: usize,
    connectives: usize,
    /// What the checks made at the current token would have accepted, for error messages.
    expected: Vec<&'static str>,
}

impl Parser {
    fn new(tokens: Vec<Token>) -> Self {
        let end_pos = tokens.last().map_or(0, |t| t.pos);
        Self {
            tokens,
            index: 0,
            end: Token {
                kind: TokenKind::End,
                pos: end_pos,
            },
            depth: 0,
            connectives: 0,
            expected: Vec::new(),
        }
    }

    fn peek(&self) -> &Token {
        self.tokens.get(self.index).unwrap_or(&self.end)
    }

    fn advance(&mut self) {
        if self.index + 1 < self.tokens.len() {
            self.index += 1;
        }
        self.expected.clear();
    }

    /// Notes that `what` would have been accepted at the current token.
    fn hint(&mut self, what: &'static str) {
        if !self.expected.contains(&what) {
            self.expected.push(what);
        }
    }

    /// "expected <everything tried here>, found <current token>".
    fn fail(&mut self, what: &'static str) -> QueryError {
        self.hint(what);
        let token = self.peek();
        let message = format!(
            "expected {}, found {}",
            alternatives(&self.expected),
            describe(&token.kind)
        );
        QueryError::new(token.pos, message)
    }

    fn at_keyword(&self, keyword: &str) -> bool {
        matches!(&self.peek().kind, TokenKind::Word(w) if w.eq_ignore_ascii_case(keyword))
    }

    fn eat_keyword(&mut self, keyword: &str, hint: &'static str) -> bool {
        let found = self.at_keyword(keyword);
        if found {
            self.advance();
        } else {
            self.hint(hint);
        }
        found
    }

    fn expect_keyword(&mut self, keyword: &str, hint: &'static str) -> Result<(), QueryError> {
        if self.eat_keyword(keyword, hint) {
            Ok(())
        } else {
            Err(self.fail(hint))
        }
    }

    fn eat(&mut self, kind: &TokenKind, hint: &'static str) -> bool {
        let found = self.peek().kind == *kind;
        if found {
            self.advance();
        } else {
            self.hint(hint);
        }
        found
    }

    fn expect(&mut self, kind: &TokenKind, hint: &'static str) -> Result<(), QueryError> {
        if self.eat(kind, hint) {
            Ok(())
        } else {
            Err(self.fail(hint))
        }
    }

    /// Runs `parse` one nesting level deeper; `at` is where the new level opens.
    fn nested<T>(
        &mut self,
        at: usize,
        parse: impl FnOnce(&mut Self) -> Result<T, QueryError>,
    ) -> Result<T, QueryError> {
        if self.depth >= MAX_DEPTH {
            let message = format!("expected at most {MAX_DEPTH} levels of nesting, found more");
            return Err(QueryError::new(at, message));
        }
        self.depth += 1;
        let result = parse(self);
        self.depth -= 1;
        result
    }

    /// Consumes `and`/`or` if present, counting it against [`MAX_CONNECTIVES`].
    fn connective(&mut self, keyword: &str, hint: &'static str) -> Result<bool, QueryError> {
        if !self.at_keyword(keyword) {
            self.hint(hint);
            return Ok(false);
        }
        if self.connectives >= MAX_CONNECTIVES {
            let message =
                format!("expected at most {MAX_CONNECTIVES} `and`/`or` operators, found more");
            return Err(QueryError::new(self.peek().pos, message));
        }
        self.connectives += 1;
        self.advance();
        Ok(true)
    }

    /// A query up to (not including) what ends it: end of input or a subquery's `)`.
    fn query(&mut self) -> Result<Query, QueryError> {
        let projections = if self.eat_keyword("select", "`select`") {
            Some(self.projections()?)
        } else {
            None
        };
        let entity = self.entity_type()?;
        let filter = if self.eat_keyword("where", "`where`") {
            Some(self.criteria()?)
        } else {
            None
        };
        let order_by = if self.eat_keyword("order", "`order by`") {
            self.expect_keyword("by", "`by`")?;
            self.orderings()?
        } else {
            Vec::new()
        };
        let (offset, limit) = self.paging()?;
        Ok(Query {
            projections,
            entity,
            filter,
            order_by,
            offset,
            limit,
        })
    }

    fn projections(&mut self) -> Result<Vec<Path>, QueryError> {
        let mut paths = vec![self.path("an attribute path")?];
        while self.eat(&TokenKind::Comma, "`,`") {
            paths.push(self.path("an attribute path")?);
        }
        self.expect_keyword("from", "`from`")?;
        Ok(paths)
    }

    fn entity_type(&mut self) -> Result<String, QueryError> {
        let token = self.peek();
        match &token.kind {
            TokenKind::Word(word) if !is_reserved(word) => {
                check_name(word, token.pos, "entity type")?;
                let entity = word.clone();
                self.advance();
                Ok(entity)
            }
            _ => Err(self.fail("an entity type")),
        }
    }

    fn orderings(&mut self) -> Result<Vec<Ordering>, QueryError> {
        let mut orderings = Vec::new();
        loop {
            let path = self.path("an attribute path")?;
            let descending = self.direction();
            orderings.push(Ordering { path, descending });
            if !self.eat(&TokenKind::Comma, "`,`") {
                return Ok(orderings);
            }
        }
    }

    /// An optional sort direction; ascending when absent.
    fn direction(&mut self) -> bool {
        if self.eat_keyword("asc", "`asc`") || self.eat_keyword("ascending", "`asc`") {
            false
        } else {
            self.eat_keyword("desc", "`desc`") || self.eat_keyword("descending", "`desc`")
        }
    }

    /// `offset` and `limit`, each at most once, in either order.
    fn paging(&mut self) -> Result<(Option<u64>, Option<u64>), QueryError> {
        let (mut offset, mut limit) = (None, None);
        loop {
            if offset.is_none() && self.eat_keyword("offset", "`offset`") {
                offset = Some(self.count()?);
            } else if limit.is_none() && self.eat_keyword("limit", "`limit`") {
                limit = Some(self.count()?);
            } else {
                return Ok((offset, limit));
            }
        }
    }

    fn count(&mut self) -> Result<u64, QueryError> {
        let count = match &self.peek().kind {
            TokenKind::Word(word) if word.bytes().all(|b| b.is_ascii_digit()) => {
                word.parse::<u64>().ok()
            }
            _ => None,
        };
        match count {
            Some(count) => {
                self.advance();
                Ok(count)
            }
            // Digits that overflow `u64` land here too.
            None => Err(self.fail("a non-negative integer")),
        }
    }

    fn criteria(&mut self) -> Result<Criteria, QueryError> {
        let mut left = self.conjunction()?;
        while self.connective("or", "`or`")? {
            let right = self.conjunction()?;
            left = Criteria::Or(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn conjunction(&mut self) -> Result<Criteria, QueryError> {
        let mut left = self.unary()?;
        while self.connective("and", "`and`")? {
            let right = self.unary()?;
            left = Criteria::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Criteria, QueryError> {
        let at = self.peek().pos;
        if self.at_keyword("not") {
            self.advance();
            return self.nested(at, |p| Ok(Criteria::Not(Box::new(p.unary()?))));
        }
        if self.peek().kind == TokenKind::Open {
            self.advance();
            return self.nested(at, Self::closed_criteria);
        }
        self.condition()
    }

    /// Criteria followed by `)`.
    fn closed_criteria(&mut self) -> Result<Criteria, QueryError> {
        let criteria = self.criteria()?;
        self.expect(&TokenKind::Close, "`)`")?;
        Ok(criteria)
    }

    fn condition(&mut self) -> Result<Criteria, QueryError> {
        let path = self.path("a condition")?;
        let Some(op) = operator(&self.peek().kind) else {
            return Err(self.fail(OPERATOR_HINT));
        };
        self.advance();
        match op {
            Operator::Compare(op) => Ok(Criteria::Compare {
                path,
                op,
                value: self.value()?,
            }),
            Operator::In { negated } => Ok(Criteria::In {
                path,
                negated,
                values: self.in_source()?,
            }),
            Operator::Has => {
                let inner = Box::new(self.open_nested(Self::closed_criteria)?);
                Ok(Criteria::Has { path, inner })
            }
            Operator::Any => {
                let inner = self.open_nested(Self::optional_closed_criteria)?;
                Ok(Criteria::Any {
                    path,
                    inner: inner.map(Box::new),
                })
            }
        }
    }

    /// `(` then `parse` one level deeper.
    fn open_nested<T>(
        &mut self,
        parse: impl FnOnce(&mut Self) -> Result<T, QueryError>,
    ) -> Result<T, QueryError> {
        let at = self.peek().pos;
        self.expect(&TokenKind::Open, "`(`")?;
        self.nested(at, parse)
    }

    /// `)` alone (for `any ()`) or criteria followed by `)`.
    fn optional_closed_criteria(&mut self) -> Result<Option<Criteria>, QueryError> {
        if self.eat(&TokenKind::Close, "`)`") {
            return Ok(None);
        }
        self.closed_criteria().map(Some)
    }

    fn in_source(&mut self) -> Result<InSource, QueryError> {
        self.open_nested(|p| {
            if p.at_keyword("select") {
                let query = p.query()?;
                p.expect(&TokenKind::Close, "`)`")?;
                Ok(InSource::Subquery(Box::new(query)))
            } else {
                p.value_list().map(InSource::Values)
            }
        })
    }

    /// Comma-separated values up to and including `)`; may be empty.
    fn value_list(&mut self) -> Result<Vec<Value>, QueryError> {
        let mut values = Vec::new();
        if self.eat(&TokenKind::Close, "`)`") {
            return Ok(values);
        }
        loop {
            values.push(self.value()?);
            if !self.eat(&TokenKind::Comma, "`,`") {
                self.expect(&TokenKind::Close, "`)`")?;
                return Ok(values);
            }
        }
    }

    fn value(&mut self) -> Result<Value, QueryError> {
        let token = self.peek();
        let value = match &token.kind {
            TokenKind::Text(text) => Some(Value::Text(text.clone())),
            TokenKind::Word(word) => word_value(word, token.pos)?,
            _ => None,
        };
        match value {
            Some(value) => {
                self.advance();
                Ok(value)
            }
            None => Err(self.fail("a value")),
        }
    }

    fn path(&mut self, what: &'static str) -> Result<Path, QueryError> {
        let token = self.peek();
        match &token.kind {
            TokenKind::Word(word) if !is_reserved(word) => {
                let path = split_path(word, token.pos)?;
                self.advance();
                Ok(path)
            }
            _ => Err(self.fail(what)),
        }
    }
}

fn is_reserved(word: &str) -> bool {
    RESERVED.iter().any(|k| k.eq_ignore_ascii_case(word))
}

/// The value an unquoted word stands for; `None` for a keyword, which is no value.
fn word_value(word: &str, pos: usize) -> Result<Option<Value>, QueryError> {
    let value = if word.eq_ignore_ascii_case("none") {
        Value::Null
    } else if word.eq_ignore_ascii_case("true") {
        Value::Bool(true)
    } else if word.eq_ignore_ascii_case("false") {
        Value::Bool(false)
    } else if is_reserved(word) {
        return Ok(None);
    } else if let Some(is_float) = numeric_shape(word) {
        number(word, is_float, pos)?
    } else {
        Value::Bare(word.to_owned())
    };
    Ok(Some(value))
}

/// `Some(is_float)` when `word` is `-?digits[.digits][(e|E)-?digits]`.
///
/// Checked by hand because `str::parse::<f64>` also accepts `inf` and `NaN`, which
/// must stay bare words.
fn numeric_shape(word: &str) -> Option<bool> {
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let unsigned = word.strip_prefix('-').unwrap_or(word);
    let (mantissa, exponent) = match unsigned.split_once(['e', 'E']) {
        Some((mantissa, exponent)) => (mantissa, Some(exponent)),
        None => (unsigned, None),
    };
    let (whole, fraction) = match mantissa.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (mantissa, None),
    };
    let exponent_ok = exponent.is_none_or(|e| all_digits(e.strip_prefix('-').unwrap_or(e)));
    let shape_ok = all_digits(whole) && fraction.is_none_or(all_digits) && exponent_ok;
    shape_ok.then_some(fraction.is_some() || exponent.is_some())
}

fn number(word: &str, is_float: bool, pos: usize) -> Result<Value, QueryError> {
    if !is_float && let Ok(integer) = word.parse::<i64>() {
        return Ok(Value::Integer(integer));
    }
    match word.parse::<f64>() {
        // Infinity would print as `inf`, which reads back as a bare word.
        Ok(float) if float.is_finite() => Ok(Value::Float(float)),
        _ => Err(QueryError::new(
            pos,
            format!("expected a number within the range of a 64-bit float, found `{word}`"),
        )),
    }
}

/// Splits a dotted word into attribute names, checking each.
fn split_path(word: &str, pos: usize) -> Result<Path, QueryError> {
    let segments: Vec<&str> = word.split('.').collect();
    let mut start = pos;
    for (i, segment) in segments.iter().enumerate() {
        if segment.is_empty() {
            let found = if i + 1 < segments.len() {
                "`.`"
            } else {
                "nothing after `.`"
            };
            let message = format!("expected an attribute name, found {found}");
            return Err(QueryError::new(start, message));
        }
        check_name(segment, start, "attribute name")?;
        start += segment.chars().count() + 1;
    }
    Ok(Path(segments.into_iter().map(str::to_owned).collect()))
}

/// Checks that `name` (at `pos`) is an ASCII identifier: a letter or `_`, then letters,
/// digits and `_`.
fn check_name(name: &str, pos: usize, what: &str) -> Result<(), QueryError> {
    for (i, c) in name.chars().enumerate() {
        if c == '_' || c.is_ascii_alphabetic() || (i > 0 && c.is_ascii_digit()) {
            continue;
        }
        let message = if i == 0 {
            format!("expected an {what} starting with a letter or `_`, found `{c}`")
        } else {
            format!("expected a letter, digit or `_` in {what}, found `{c}`")
        };
        return Err(QueryError::new(pos + i, message));
    }
    Ok(())
}

/// `a`, `a or b`, `a, b or c`.
fn alternatives(items: &[&str]) -> String {
    match items {
        [] => "something else".to_owned(),
        [only] => (*only).to_owned(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

fn describe(kind: &TokenKind) -> String {
    match kind {
        TokenKind::Word(word) if is_reserved(word) => format!("keyword `{word}`"),
        TokenKind::Word(word) => format!("`{}`", shorten(word)),
        TokenKind::Text(text) => format!("string {}", Quoted(&shorten(text))),
        TokenKind::Symbol(symbol) => format!("`{symbol}`"),
        TokenKind::Open => "`(`".to_owned(),
        TokenKind::Close => "`)`".to_owned(),
        TokenKind::Comma => "`,`".to_owned(),
        TokenKind::End => "end of query".to_owned(),
    }
}

/// Keeps error messages readable when the offending token is huge.
fn shorten(text: &str) -> String {
    const MAX: usize = 32;
    if text.chars().count() <= MAX {
        text.to_owned()
    } else {
        text.chars().take(MAX).chain(['…']).collect()
    }
}

// ---------------------------------------------------------------------------------------
// Printing

/// A string in double quotes with `"` and `\` escaped.
struct Quoted<'a>(&'a str);

impl fmt::Display for Quoted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_char('"')?;
        for c in self.0.chars() {
            if matches!(c, '"' | '\\') {
                f.write_char('\\')?;
            }
            f.write_char(c)?;
        }
        f.write_char('"')
    }
}

/// Writes `items` separated by `, `.
fn write_list<T: fmt::Display>(f: &mut fmt::Formatter<'_>, items: &[T]) -> fmt::Result {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        write!(f, "{item}")?;
    }
    Ok(())
}

impl fmt::Display for Query {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(projections) = &self.projections {
            f.write_str("select ")?;
            write_list(f, projections)?;
            f.write_str(" from ")?;
        }
        f.write_str(&self.entity)?;
        if let Some(filter) = &self.filter {
            write!(f, " where {filter}")?;
        }
        if !self.order_by.is_empty() {
            f.write_str(" order by ")?;
            write_list(f, &self.order_by)?;
        }
        if let Some(offset) = self.offset {
            write!(f, " offset {offset}")?;
        }
        if let Some(limit) = self.limit {
            write!(f, " limit {limit}")?;
        }
        Ok(())
    }
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.join("."))
    }
}

impl fmt::Display for Ordering {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path)?;
        if self.descending {
            f.write_str(" desc")?;
        }
        Ok(())
    }
}

impl Criteria {
    /// Binding strength: `or` 1, `and` 2, everything else 3.
    fn precedence(&self) -> u8 {
        match self {
            Criteria::Or(..) => 1,
            Criteria::And(..) => 2,
            _ => 3,
        }
    }

    /// Writes `self`, in parentheses if it binds more loosely than `min` allows.
    fn write_operand(&self, f: &mut fmt::Formatter<'_>, min: u8) -> fmt::Result {
        if self.precedence() < min {
            write!(f, "({self})")
        } else {
            write!(f, "{self}")
        }
    }
}

impl fmt::Display for Criteria {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Operators associate to the left, so a right operand of the same strength needs
        // parentheses to keep its shape.
        match self {
            Criteria::Or(left, right) => {
                left.write_operand(f, 1)?;
                f.write_str(" or ")?;
                right.write_operand(f, 2)
            }
            Criteria::And(left, right) => {
                left.write_operand(f, 2)?;
                f.write_str(" and ")?;
                right.write_operand(f, 3)
            }
            Criteria::Not(inner) => {
                f.write_str("not ")?;
                inner.write_operand(f, 3)
            }
            Criteria::Compare { path, op, value } => write!(f, "{path} {op} {value}"),
            Criteria::In {
                path,
                negated,
                values,
            } => {
                let op = if *negated { "not_in" } else { "in" };
                write!(f, "{path} {op} {values}")
            }
            Criteria::Has { path, inner } => write!(f, "{path} has ({inner})"),
            Criteria::Any { path, inner: None } => write!(f, "{path} any ()"),
            Criteria::Any {
                path,
                inner: Some(inner),
            } => write!(f, "{path} any ({inner})"),
        }
    }
}

impl fmt::Display for CompareOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CompareOp::Eq => "is",
            CompareOp::Ne => "is_not",
            CompareOp::Gt => ">",
            CompareOp::Lt => "<",
            CompareOp::Ge => ">=",
            CompareOp::Le => "<=",
            CompareOp::Like => "like",
            CompareOp::NotLike => "not_like",
        })
    }
}

impl fmt::Display for InSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InSource::Values(values) => {
                f.write_char('(')?;
                write_list(f, values)?;
                f.write_char(')')
            }
            InSource::Subquery(query) => write!(f, "({query})"),
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Text(text) => write!(f, "{}", Quoted(text)),
            Value::Bare(word) => f.write_str(word),
            Value::Integer(integer) => write!(f, "{integer}"),
            // `{:?}` keeps a `.0` or an exponent, so the number reads back as a float.
            Value::Float(float) => write!(f, "{float:?}"),
            Value::Bool(flag) => write!(f, "{flag}"),
            Value::Null => f.write_str("none"),
        }
    }
}

#[cfg(test)]
#[path = "query_tests.rs"]
mod tests;
