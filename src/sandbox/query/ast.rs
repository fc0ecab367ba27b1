//! The syntax tree a parsed query becomes.

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
