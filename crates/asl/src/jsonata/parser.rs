//! The JSONata parser: a Pratt parser following jsonata-js's symbol table, producing [`Node`]s.
//!
//! Each construct reads its tokens the way jsonata-js does — including in which places a `/`
//! opens a regular expression (see [`Parser::advance`]) — so that what parses here parses there.
//! Recursion is bounded twice by [`MAX_EXPRESSION_DEPTH`]: the parser nests at most that many
//! expressions, and no tree it returns is taller (the height of each node is computed as it is
//! built), so whoever walks a tree recursively — an evaluator, `Drop` — stays within a small
//! stack. Runs of one operator (`a & b & c`, `a.b.c`) extend one flat node, so long chains are
//! not tall.

use std::rc::Rc;

use super::lexer::{error, Kind, Lexer, Token};
use super::{Fail, Lambda, Node, Op, Regex, SortTerm};
use crate::limits::MAX_EXPRESSION_DEPTH;

/// How tightly an operator binds its left operand (jsonata-js's operator table; 0 = not infix).
fn binding_power(op: &str) -> u32 {
    match op {
        "[" | "(" | "@" | "#" => 80,
        "." => 75,
        "{" => 70,
        "*" | "/" | "%" => 60,
        "+" | "-" | "&" => 50,
        "=" | "!=" | "<" | "<=" | ">" | ">=" | "^" | "~>" | "in" | "?:" | "??" => 40,
        "and" => 30,
        "or" => 25,
        "?" => 20,
        ":=" => 10,
        _ => 0,
    }
}

fn binary_op(op: &str) -> Option<Op> {
    Some(match op {
        "+" => Op::Add,
        "-" => Op::Subtract,
        "*" => Op::Multiply,
        "/" => Op::Divide,
        "%" => Op::Modulo,
        "&" => Op::Concat,
        "=" => Op::Equal,
        "!=" => Op::NotEqual,
        "<" => Op::Less,
        "<=" => Op::LessOrEqual,
        ">" => Op::Greater,
        ">=" => Op::GreaterOrEqual,
        "and" => Op::And,
        "or" => Op::Or,
        "in" => Op::In,
        "~>" => Op::Apply,
        _ => return None,
    })
}

pub(super) struct Parser<'t> {
    lexer: Lexer<'t>,
    /// The token being looked at.
    token: Token,
    /// Where the last token taken ended.
    previous_end: usize,
    /// Expressions being parsed, one inside the other.
    depth: usize,
    /// How many enclosing constructs give field names a context (path steps, predicates,
    /// group-by, order-by, function bodies); 0 = the top level. Not restored when parsing
    /// fails: nothing is recorded after an error.
    context: usize,
    /// Field names read at the top level: (byte offset, name).
    pub top_level_references: Vec<(usize, String)>,
    regexes: usize,
}

impl<'t> Parser<'t> {
    pub fn new(text: &'t str) -> Parser<'t> {
        Parser {
            lexer: Lexer { text, pos: 0 },
            token: Token::end_at(0),
            previous_end: 0,
            depth: 0,
            context: 0,
            top_level_references: Vec::new(),
            regexes: 0,
        }
    }

    /// The whole text as one expression.
    pub fn parse(&mut self) -> Result<Node, Fail> {
        self.advance(false)?;
        let (node, _) = self.expression(0)?;
        if self.token.kind != Kind::End {
            let token = self.token.clone();
            return Err(self.unexpected(&token));
        }
        Ok(node)
    }

    /// Moves to the next token. jsonata-js reads the token after an operand's first token and
    /// after a closing `)`, `]` or `}` of a block, array, object, predicate or call in infix
    /// position (`/` divides there), and everything else in prefix position (`/` opens a
    /// regular expression). So `$a / 2` divides, `$split($s, /,/)` matches, and, as there,
    /// `[/a/]` is refused.
    fn advance(&mut self, infix: bool) -> Result<(), Fail> {
        self.previous_end = self.token.end;
        self.token = self.lexer.next(infix)?;
        Ok(())
    }

    /// Takes the current token and moves on.
    fn take(&mut self, infix: bool) -> Result<Token, Fail> {
        let token = std::mem::replace(&mut self.token, Token::end_at(0));
        self.previous_end = token.end;
        self.token = self.lexer.next(infix)?;
        Ok(token)
    }

    fn describe(&self, token: &Token) -> String {
        match token.kind {
            Kind::End => "the end of the expression".to_string(),
            _ => format!("`{}`", &self.lexer.text[token.start..token.end]),
        }
    }

    fn unexpected(&self, token: &Token) -> Fail {
        if token.kind == Kind::End {
            return error(token.start, "unexpected end of expression");
        }
        error(
            token.start,
            format!("syntax error: unexpected {}", self.describe(token)),
        )
    }

    fn expect(&mut self, op: &str, infix: bool) -> Result<(), Fail> {
        if !self.token.is(op) {
            let found = self.describe(&self.token);
            return Err(error(
                self.token.start,
                format!("expected `{op}`, found {found}"),
            ));
        }
        self.advance(infix)
    }

    /// A node's height (1 + its tallest child's), or the end of parsing if it is too tall.
    fn height(&self, tallest_child: usize) -> Result<usize, Fail> {
        if tallest_child >= MAX_EXPRESSION_DEPTH {
            return Err(Fail::TooDeep(self.token.start));
        }
        Ok(tallest_child + 1)
    }

    /// An expression whose operators bind more tightly than `rbp`, and its height.
    fn expression(&mut self, rbp: u32) -> Result<(Node, usize), Fail> {
        if self.depth >= MAX_EXPRESSION_DEPTH {
            return Err(Fail::TooDeep(self.token.start));
        }
        self.depth += 1;
        let token = self.take(true)?;
        let start = token.start;
        let mut left = self.prefix(token)?;
        while let Kind::Operator(op) = self.token.kind {
            if binding_power(op) <= rbp {
                break;
            }
            self.advance(false)?;
            left = self.infix(op, left, start)?;
        }
        self.depth -= 1;
        Ok(left)
    }

    /// An expression, counted in `tallest` (the height of the tallest child of a node).
    fn child(&mut self, rbp: u32, tallest: &mut usize) -> Result<Node, Fail> {
        let (node, height) = self.expression(rbp)?;
        *tallest = (*tallest).max(height);
        Ok(node)
    }

    /// An operand, or an operator in prefix position, and its height.
    fn prefix(&mut self, token: Token) -> Result<(Node, usize), Fail> {
        let mut tallest = 0;
        let node = match token.kind {
            Kind::Number(n) => Node::Number(n),
            Kind::String(s) => Node::String(s),
            Kind::Bool(b) => Node::Bool(b),
            Kind::Null => Node::Null,
            Kind::Regex {
                pattern,
                ignore_case,
                multiline,
            } => {
                self.regexes += 1;
                Node::Regex(Regex {
                    pattern,
                    ignore_case,
                    multiline,
                    index: self.regexes - 1,
                })
            }
            Kind::Variable(name) => Node::Variable(name),
            Kind::Name(name) => {
                // `function` before `(` starts a function definition, not a field.
                let lambda = (name == "function" || name == "λ") && self.token.is("(");
                if self.context == 0 && !lambda {
                    self.top_level_references.push((token.start, name.clone()));
                }
                Node::Name(name)
            }
            Kind::End => return Err(self.unexpected(&token)),
            Kind::Operator(op) => match op {
                // The words are field names where an operand is expected.
                "and" | "or" | "in" => {
                    if self.context == 0 {
                        self.top_level_references
                            .push((token.start, op.to_string()));
                    }
                    Node::Name(op.to_string())
                }
                "-" => match self.expression(70)? {
                    (Node::Number(n), height) => return Ok((Node::Number(-n), height)),
                    (operand, height) => {
                        tallest = height;
                        Node::Negate(Box::new(operand))
                    }
                },
                "*" => Node::Wildcard,
                "**" => Node::Descendants,
                "%" => Node::Parent,
                "(" => {
                    let mut expressions = Vec::new();
                    while !self.token.is(")") {
                        expressions.push(self.child(0, &mut tallest)?);
                        if !self.token.is(";") {
                            break;
                        }
                        self.advance(false)?;
                    }
                    self.expect(")", true)?;
                    Node::Block(expressions)
                }
                "[" => {
                    let mut items = Vec::new();
                    if !self.token.is("]") {
                        loop {
                            let mut item = self.child(0, &mut tallest)?;
                            if self.token.is("..") {
                                self.advance(false)?;
                                let end = self.child(0, &mut tallest)?;
                                // The range is one level more.
                                tallest = self.height(tallest)?;
                                item = Node::Range(Box::new(item), Box::new(end));
                            }
                            items.push(item);
                            if !self.token.is(",") {
                                break;
                            }
                            self.advance(false)?;
                        }
                    }
                    self.expect("]", true)?;
                    Node::Array(items)
                }
                "{" => Node::Object(self.object_body(&mut tallest)?),
                "|" => {
                    let pattern = self.child(0, &mut tallest)?;
                    self.expect("|", false)?;
                    let update = self.child(0, &mut tallest)?;
                    let delete = self.optional_child(",", &mut tallest)?;
                    self.expect("|", false)?;
                    Node::Transform {
                        pattern: Box::new(pattern),
                        update: Box::new(update),
                        delete,
                    }
                }
                _ => {
                    return Err(error(
                        token.start,
                        format!("the symbol `{op}` cannot be used as a unary operator"),
                    ))
                }
            },
        };
        Ok((node, self.height(tallest)?))
    }

    /// An expression after `separator`, if that comes next.
    fn optional_child(
        &mut self,
        separator: &str,
        tallest: &mut usize,
    ) -> Result<Option<Box<Node>>, Fail> {
        if !self.token.is(separator) {
            return Ok(None);
        }
        self.advance(false)?;
        Ok(Some(Box::new(self.child(0, tallest)?)))
    }

    /// `key: value, … }` after a `{`.
    fn object_body(&mut self, tallest: &mut usize) -> Result<Vec<(Node, Node)>, Fail> {
        let mut pairs = Vec::new();
        if !self.token.is("}") {
            loop {
                let key = self.child(0, tallest)?;
                self.expect(":", false)?;
                let value = self.child(0, tallest)?;
                pairs.push((key, value));
                if !self.token.is(",") {
                    break;
                }
                self.advance(false)?;
            }
        }
        self.expect("}", true)?;
        Ok(pairs)
    }

    /// What follows the operator `op` (already taken), `left` being the operand before it and
    /// its height, which starts at `left_start`. Returns the new node and its height.
    fn infix(
        &mut self,
        op: &'static str,
        (left, left_height): (Node, usize),
        left_start: usize,
    ) -> Result<(Node, usize), Fail> {
        if let Some(op) = binary_op(op) {
            let (operand, operand_height) = self.expression(binding_power(op.symbol()))?;
            return match left {
                // A run of operators of one precedence extends one flat node.
                Node::Binary(first, mut rest)
                    if rest.first().is_some_and(|(o, _)| {
                        binding_power(o.symbol()) == binding_power(op.symbol())
                    }) =>
                {
                    rest.push((op, operand));
                    let height = left_height.max(self.height(operand_height)?);
                    Ok((Node::Binary(first, rest), height))
                }
                left => {
                    let height = self.height(left_height.max(operand_height))?;
                    Ok((Node::Binary(Box::new(left), vec![(op, operand)]), height))
                }
            };
        }
        let mut tallest = left_height;
        let node = match op {
            "." => {
                let step_start = self.token.start;
                self.context += 1;
                let (step, step_height) = self.expression(75)?;
                self.context -= 1;
                literal_step(&step, step_start)?;
                if let Node::Path(mut steps) = left {
                    steps.push(step);
                    let height = left_height.max(self.height(step_height)?);
                    return Ok((Node::Path(steps), height));
                }
                literal_step(&left, left_start)?;
                if let (Node::String(name), 0) = (&left, self.context) {
                    // A string as a first step is a field name.
                    self.top_level_references.push((left_start, name.clone()));
                }
                tallest = tallest.max(step_height);
                Node::Path(vec![left, step])
            }
            "[" => {
                if self.token.is("]") {
                    self.advance(false)?;
                    Node::KeepArray(Box::new(left))
                } else {
                    self.context += 1;
                    let predicate = self.child(0, &mut tallest)?;
                    self.context -= 1;
                    self.expect("]", true)?;
                    Node::Filter(Box::new(left), Box::new(predicate))
                }
            }
            "{" => {
                self.context += 1;
                let pairs = self.object_body(&mut tallest)?;
                self.context -= 1;
                Node::Group(Box::new(left), pairs)
            }
            "(" => self.call(left, &mut tallest)?,
            "@" | "#" => {
                let variable_start = self.token.start;
                let Node::Variable(name) = self.child(80, &mut tallest)? else {
                    return Err(error(
                        variable_start,
                        format!("`{op}` must be followed by a variable such as `$x`"),
                    ));
                };
                let left = Box::new(left);
                match op {
                    "@" => Node::Focus(left, name),
                    _ => Node::Index(left, name),
                }
            }
            "?" => {
                let then = self.child(0, &mut tallest)?;
                let otherwise = self.optional_child(":", &mut tallest)?;
                Node::Condition(Box::new(left), Box::new(then), otherwise)
            }
            "??" | "?:" => {
                // As in jsonata-js, the right operand extends as far as it can.
                let right = Box::new(self.child(0, &mut tallest)?);
                let left = Box::new(left);
                match op {
                    "??" => Node::Coalesce(left, right),
                    _ => Node::Default(left, right),
                }
            }
            "^" => {
                self.expect("(", false)?;
                self.context += 1;
                let mut terms = Vec::new();
                loop {
                    let descending = self.token.is(">");
                    if descending || self.token.is("<") {
                        self.advance(false)?;
                    }
                    let key = self.child(0, &mut tallest)?;
                    terms.push(SortTerm { descending, key });
                    if !self.token.is(",") {
                        break;
                    }
                    self.advance(false)?;
                }
                self.context -= 1;
                self.expect(")", false)?;
                Node::Sort(Box::new(left), terms)
            }
            ":=" => {
                let Node::Variable(name) = left else {
                    return Err(error(
                        left_start,
                        "the left side of `:=` must be a variable such as `$x`",
                    ));
                };
                let value = self.child(binding_power(":=") - 1, &mut tallest)?;
                Node::Bind(name, Box::new(value))
            }
            _ => {
                return Err(error(
                    self.previous_end.saturating_sub(op.len()),
                    format!("syntax error: unexpected `{op}`"),
                ))
            }
        };
        Ok((node, self.height(tallest)?))
    }

    /// The arguments of a call after its `(`; a function definition if `function` is called.
    fn call(&mut self, function: Node, tallest: &mut usize) -> Result<Node, Fail> {
        let mut arguments = Vec::new();
        // Where each argument is written, for the messages of a function definition.
        let mut spans = Vec::new();
        if !self.token.is(")") {
            loop {
                let start = self.token.start;
                if self.token.is("?") {
                    self.advance(false)?;
                    arguments.push(Node::Placeholder);
                } else {
                    arguments.push(self.child(0, tallest)?);
                }
                spans.push((start, self.previous_end));
                if !self.token.is(",") {
                    break;
                }
                self.advance(false)?;
            }
        }
        self.expect(")", true)?;
        if !matches!(&function, Node::Name(name) if name == "function" || name == "λ") {
            return Ok(Node::Call(Box::new(function), arguments));
        }
        let mut parameters = Vec::with_capacity(arguments.len());
        for (argument, (start, end)) in arguments.into_iter().zip(spans) {
            let Node::Variable(name) = argument else {
                return Err(error(
                    start,
                    format!(
                        "parameters of a function must be variables such as `$x`, found `{}`",
                        &self.lexer.text[start..end.max(start)]
                    ),
                ));
            };
            parameters.push(name);
        }
        let signature = if self.token.is("<") {
            Some(self.signature()?)
        } else {
            None
        };
        self.expect("{", false)?;
        // The definition replaces the call: its height is its body's.
        *tallest = 0;
        self.context += 1;
        let body = self.child(0, tallest)?;
        self.context -= 1;
        self.expect("}", false)?;
        Ok(Node::Lambda(Rc::new(Lambda {
            parameters,
            signature,
            body,
        })))
    }

    /// A type signature `<…>` after a function's parameters, as written.
    fn signature(&mut self) -> Result<String, Fail> {
        let start = self.token.start;
        let mut depth = 1usize;
        while depth > 0 && !self.token.is("{") && self.token.kind != Kind::End {
            self.advance(false)?;
            if self.token.is(">") {
                depth -= 1;
            } else if self.token.is("<") {
                depth += 1;
            }
        }
        let end = self.token.end;
        self.expect(">", false)?;
        Ok(self.lexer.text[start..end].to_string())
    }
}

/// jsonata-js refuses a number, `true`, `false` or `null` as a step of a path (`$x.0`).
fn literal_step(step: &Node, start: usize) -> Result<(), Fail> {
    let mut base = step;
    while let Node::Filter(inner, _) | Node::KeepArray(inner) = base {
        base = inner;
    }
    let literal = match base {
        Node::Number(n) => n.to_string(),
        Node::Bool(b) => b.to_string(),
        Node::Null => "null".to_string(),
        _ => return Ok(()),
    };
    Err(error(
        start,
        format!("the literal value `{literal}` cannot be a step of a path (a field of that name is written in backticks)"),
    ))
}
