//! JSONata expressions (the text between `{%` and `%}`): the one parser of the project.
//!
//! [`parse`] turns an expression into the tree ([`Node`]) that the engine evaluates; [`check`]
//! is the validator's view of the same parse: the first syntax error with its offset, plus what
//! Step Functions refuses although JSONata accepts it — a field name at the top level of an
//! expression (`{% foo.bar %}`), rejected with "Reference to 'foo' at the top level is not
//! supported" because Step Functions' expressions have no implicit input (data is reached
//! through `$states.input` or a variable).
//!
//! Written here because no maintained JSONata crate builds for `wasm32-unknown-unknown` without
//! web dependencies: `jsonata-rs` 0.3 and `jsonata-core` 2.2 both need `getrandom` with its
//! JavaScript backend (and pull in clap, chrono, regex engines). The grammar is jsonata-js's
//! (the implementation Step Functions runs), rule for rule: its tokenizer (`jsonata/lexer.rs`)
//! and its Pratt parser's symbol table (`jsonata/parser.rs`), plus the one check jsonata-js
//! makes after parsing that a validator can make too (a number, `true`, `false` or `null` as a
//! path step). The tree is the parse tree as written, not jsonata-js's rewritten one. Runs of one
//! operator are flat ([`Node::Binary`], [`Node::Path`]) and no tree is taller than
//! [`MAX_EXPRESSION_DEPTH`], so walking one recursively is safe whatever the input.

mod lexer;
mod parser;

use std::rc::Rc;

use crate::limits::MAX_EXPRESSION_DEPTH;

/// The first syntax error of an expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// Byte offset in the expression.
    pub offset: usize,
    pub message: String,
}

/// What checking an expression found.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Check {
    pub error: Option<SyntaxError>,
    /// Field names used at the top level (byte offset, name), which Step Functions rejects.
    pub top_level_references: Vec<(usize, String)>,
    /// The expression nests deeper than the checker follows; the rest was not checked.
    pub too_deep: bool,
}

/// An expression tree. Offsets are not kept: errors are found while parsing.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// A number; a `-` written before a number is folded in (`-1` is `Number(-1.0)`).
    Number(f64),
    String(String),
    Bool(bool),
    Null,
    /// `/pattern/flags`
    Regex(Regex),
    /// `$name`, without the `$`: `$` alone is `""` (the context item), `$$` is `"$"` (the input).
    Variable(String),
    /// A field name: `name`, `` `odd name` ``, or `and`/`or`/`in` where an operand stands.
    Name(String),
    /// `*`
    Wildcard,
    /// `**`
    Descendants,
    /// `%`
    Parent,
    /// `-operand`
    Negate(Box<Node>),
    /// `first op operand op operand …`: operators of one precedence, left-associative, so
    /// evaluated left to right (`a - b + c` is `(a - b) + c`). Flat, so that long chains
    /// (`$a & ', ' & $b & …`) do not nest.
    Binary(Box<Node>, Vec<(Op, Node)>),
    /// `step.step.…`, at least two steps, flat for the same reason.
    Path(Vec<Node>),
    /// `operand[predicate]`
    Filter(Box<Node>, Box<Node>),
    /// `operand[]`: keep a singleton array an array.
    KeepArray(Box<Node>),
    /// `operand{key: value, …}`: group-by.
    Group(Box<Node>, Vec<(Node, Node)>),
    /// `operand^(<key, >key, …)`: order-by.
    Sort(Box<Node>, Vec<SortTerm>),
    /// `operand@$name`: binds each item to a variable (the focus stays on the input).
    Focus(Box<Node>, String),
    /// `operand#$name`: binds each item's position to a variable.
    Index(Box<Node>, String),
    /// `condition ? then : else`
    Condition(Box<Node>, Box<Node>, Option<Box<Node>>),
    /// `left ?? right`: `left` if it has a value, else `right`.
    Coalesce(Box<Node>, Box<Node>),
    /// `left ?: right`: `left` if it is truthy, else `right`.
    Default(Box<Node>, Box<Node>),
    /// `(expression; expression; …)`
    Block(Vec<Node>),
    /// `$name := value`
    Bind(String, Box<Node>),
    /// `procedure(arguments)`; a [`Node::Placeholder`] argument makes a partial application.
    Call(Box<Node>, Vec<Node>),
    /// `?` as an argument of a call.
    Placeholder,
    /// `function($a, $b) <signature> { body }`
    Lambda(Rc<Lambda>),
    /// `[item, …]`; an item may be a [`Node::Range`], which stands nowhere else.
    Array(Vec<Node>),
    /// `start..end`
    Range(Box<Node>, Box<Node>),
    /// `{key: value, …}`
    Object(Vec<(Node, Node)>),
    /// `| pattern | update, delete |`
    Transform {
        pattern: Box<Node>,
        update: Box<Node>,
        delete: Option<Box<Node>>,
    },
}

/// A binary operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Add,
    Subtract,
    Multiply,
    Divide,
    Modulo,
    /// `&`
    Concat,
    Equal,
    NotEqual,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
    And,
    Or,
    In,
    /// `~>`: the right side is called with the left side as its first argument.
    Apply,
}

impl Op {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            Op::Add => "+",
            Op::Subtract => "-",
            Op::Multiply => "*",
            Op::Divide => "/",
            Op::Modulo => "%",
            Op::Concat => "&",
            Op::Equal => "=",
            Op::NotEqual => "!=",
            Op::Less => "<",
            Op::LessOrEqual => "<=",
            Op::Greater => ">",
            Op::GreaterOrEqual => ">=",
            Op::And => "and",
            Op::Or => "or",
            Op::In => "in",
            Op::Apply => "~>",
        }
    }
}

/// A function definition.
#[derive(Debug, Clone, PartialEq)]
pub struct Lambda {
    /// Parameter names, without their `$`.
    pub parameters: Vec<String>,
    /// The type signature as written (`<n-n:n>`), if any; not checked.
    pub signature: Option<String>,
    pub body: Node,
}

/// A key of an order-by.
#[derive(Debug, Clone, PartialEq)]
pub struct SortTerm {
    /// `>key`
    pub descending: bool,
    pub key: Node,
}

/// A regular-expression literal.
#[derive(Debug, Clone, PartialEq)]
pub struct Regex {
    /// The pattern as written between the slashes (JavaScript syntax, not checked).
    pub pattern: String,
    /// The flag `i`.
    pub ignore_case: bool,
    /// The flag `m`: `^` and `$` match at line breaks.
    pub multiline: bool,
    /// Its rank among the expression's regular expressions (0, 1, …, in the order written), so
    /// that an evaluator can keep them compiled beside the tree.
    pub index: usize,
}

impl Node {
    /// Calls `visit` with each child node, in the order written.
    pub fn for_each_child<'n>(&'n self, visit: &mut dyn FnMut(&'n Node)) {
        match self {
            Node::Negate(a)
            | Node::KeepArray(a)
            | Node::Focus(a, _)
            | Node::Index(a, _)
            | Node::Bind(_, a) => visit(a),
            Node::Binary(first, rest) => {
                visit(first);
                rest.iter().for_each(|(_, operand)| visit(operand));
            }
            Node::Filter(a, b) | Node::Coalesce(a, b) | Node::Default(a, b) | Node::Range(a, b) => {
                visit(a);
                visit(b);
            }
            Node::Path(items) | Node::Block(items) | Node::Array(items) => {
                items.iter().for_each(visit)
            }
            Node::Group(a, pairs) => {
                visit(a);
                pairs.iter().for_each(|(k, v)| {
                    visit(k);
                    visit(v);
                });
            }
            Node::Object(pairs) => pairs.iter().for_each(|(k, v)| {
                visit(k);
                visit(v);
            }),
            Node::Sort(a, terms) => {
                visit(a);
                terms.iter().for_each(|term| visit(&term.key));
            }
            Node::Condition(a, b, c) => {
                visit(a);
                visit(b);
                if let Some(c) = c {
                    visit(c);
                }
            }
            Node::Call(procedure, arguments) => {
                visit(procedure);
                arguments.iter().for_each(visit);
            }
            Node::Lambda(lambda) => visit(&lambda.body),
            Node::Transform {
                pattern,
                update,
                delete,
            } => {
                visit(pattern);
                visit(update);
                if let Some(delete) = delete {
                    visit(delete);
                }
            }
            Node::Number(_)
            | Node::String(_)
            | Node::Bool(_)
            | Node::Null
            | Node::Regex(_)
            | Node::Variable(_)
            | Node::Name(_)
            | Node::Wildcard
            | Node::Descendants
            | Node::Parent
            | Node::Placeholder => {}
        }
    }
}

/// Why parsing stopped.
enum Fail {
    Error(SyntaxError),
    /// Nesting reached [`MAX_EXPRESSION_DEPTH`] at this byte offset.
    TooDeep(usize),
}

/// Parses an expression into the tree the engine evaluates.
pub fn parse(expression: &str) -> Result<Node, SyntaxError> {
    parser::Parser::new(expression)
        .parse()
        .map_err(|fail| match fail {
            Fail::Error(error) => error,
            Fail::TooDeep(offset) => SyntaxError {
                offset,
                message: format!(
                    "the expression nests more than {MAX_EXPRESSION_DEPTH} levels deep"
                ),
            },
        })
}

/// Checks the syntax of a JSONata expression.
pub fn check(expression: &str) -> Check {
    let mut parser = parser::Parser::new(expression);
    let outcome = parser.parse();
    let mut check = Check {
        top_level_references: std::mem::take(&mut parser.top_level_references),
        ..Check::default()
    };
    match outcome {
        Ok(_) => {}
        Err(Fail::Error(error)) => check.error = Some(error),
        Err(Fail::TooDeep(_)) => check.too_deep = true,
    }
    check
}

#[cfg(test)]
mod tests;
