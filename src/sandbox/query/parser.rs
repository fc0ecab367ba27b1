//! The recursive-descent parser: tokens to a [`Query`].

use super::ast::{Criteria, InSource, Ordering, Path, Query, Value};
use super::error::{QueryError, alternatives, describe};
use super::lexer::{Token, TokenKind, is_reserved, tokenize};
use super::words::{Operator, check_name, operator, split_path, word_value};

/// Deepest nesting of parentheses, `not`, `has`, `any` and subqueries the parser accepts.
pub const MAX_DEPTH: usize = 64;

/// Most `and`/`or` operators one query (subqueries included) may contain.
pub const MAX_CONNECTIVES: usize = 1024;

const OPERATOR_HINT: &str = "an operator (`is`, `is_not`, `=`, `!=`, `>`, `<`, `>=`, `<=`, \
                             `after`, `before`, `like`, `not_like`, `in`, `not_in`, `has` or `any`)";

/// Parses one query.
pub fn parse_query(text: &str) -> Result<Query, QueryError> {
    let mut parser = Parser::new(tokenize(text)?);
    let query = parser.query()?;
    if parser.peek().kind != TokenKind::End {
        return Err(parser.fail("end of query"));
    }
    Ok(query)
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
