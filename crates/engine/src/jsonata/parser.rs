//! JSONata syntax: a tokenizer and a Pratt parser producing [`Node`]s.

use std::rc::Rc;

/// An expression tree.
#[derive(Debug, Clone)]
pub enum Node {
    Number(f64),
    Str(String),
    Bool(bool),
    Null,
    Regex(Rc<regex_lite::Regex>, String),
    /// `$name`; `$` alone is `""` (the context item), `$$` is `"$"` (the root).
    Var(String),
    /// A field name in a path.
    Name(String),
    /// `*`
    Wildcard,
    /// `**`
    Descendants,
    Negate(Box<Node>),
    Binary(Op, Box<Node>, Box<Node>),
    /// `lhs.rhs`
    Path(Box<Node>, Box<Node>),
    /// `lhs[predicate]`
    Filter(Box<Node>, Box<Node>),
    /// `lhs{key: value, …}`
    Group(Box<Node>, Vec<(Node, Node)>),
    Condition(Box<Node>, Box<Node>, Option<Box<Node>>),
    Block(Vec<Node>),
    Bind(String, Box<Node>),
    Call(Box<Node>, Vec<Node>),
    Lambda(Rc<Lambda>),
    Array(Vec<Node>),
    Object(Vec<(Node, Node)>),
    /// `a..b` inside an array constructor.
    Range(Box<Node>, Box<Node>),
    /// `lhs ~> rhs`
    Chain(Box<Node>, Box<Node>),
}

#[derive(Debug)]
pub struct Lambda {
    pub params: Vec<String>,
    pub body: Node,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Concat,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    And,
    Or,
    In,
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Number(f64),
    Str(String),
    Name(String),
    Var(String),
    Regex(String, String),
    Op(&'static str),
    End,
}

/// Deepest nesting accepted (keeps recursion bounded on hostile input).
const MAX_DEPTH: usize = 200;

struct Parser {
    chars: Vec<char>,
    pos: usize,
    /// Character offset where the current token starts.
    tok_start: usize,
    tok: Tok,
    depth: usize,
}

/// Parses an expression; the error carries a message and a character offset.
pub fn parse(text: &str) -> Result<Node, (String, usize)> {
    let mut p = Parser {
        chars: text.chars().collect(),
        pos: 0,
        tok_start: 0,
        tok: Tok::End,
        depth: 0,
    };
    p.advance(true)?;
    if p.tok == Tok::End {
        return Err(("the expression is empty".into(), 0));
    }
    let node = p.expression(0)?;
    if p.tok != Tok::End {
        return Err((format!("unexpected {}", p.describe()), p.tok_start));
    }
    Ok(node)
}

const OPERATORS: [&str; 32] = [
    "..", ":=", "!=", "<=", ">=", "**", "~>", "?:", "??", ".", "[", "]", "{", "}", "(", ")", ",",
    "@", "#", ";", ":", "?", "+", "-", "*", "/", "%", "|", "=", "<", ">", "&",
];

impl Parser {
    fn describe(&self) -> String {
        match &self.tok {
            Tok::Number(n) => format!("number {n}"),
            Tok::Str(s) => format!("string {s:?}"),
            Tok::Name(n) => format!("name {n:?}"),
            Tok::Var(v) => format!("${v}"),
            Tok::Regex(r, _) => format!("regex /{r}/"),
            Tok::Op(o) => format!("'{o}'"),
            Tok::End => "end of expression".into(),
        }
    }

    fn err<T>(&self, message: impl Into<String>) -> Result<T, (String, usize)> {
        Err((message.into(), self.tok_start))
    }

    /// Reads the next token. `operand` says whether an operand is expected (then `/` starts a
    /// regular expression, not a division).
    fn advance(&mut self, operand: bool) -> Result<(), (String, usize)> {
        // Skip whitespace and /* comments */.
        loop {
            while self.chars.get(self.pos).is_some_and(|c| c.is_whitespace()) {
                self.pos += 1;
            }
            if self.chars.get(self.pos) == Some(&'/') && self.chars.get(self.pos + 1) == Some(&'*')
            {
                let start = self.pos;
                self.pos += 2;
                loop {
                    match (self.chars.get(self.pos), self.chars.get(self.pos + 1)) {
                        (Some('*'), Some('/')) => {
                            self.pos += 2;
                            break;
                        }
                        (Some(_), _) => self.pos += 1,
                        (None, _) => return Err(("unclosed comment".into(), start)),
                    }
                }
                continue;
            }
            break;
        }
        self.tok_start = self.pos;
        let Some(&c) = self.chars.get(self.pos) else {
            self.tok = Tok::End;
            return Ok(());
        };
        if c == '/' && operand {
            self.pos += 1;
            let mut body = String::new();
            loop {
                match self.chars.get(self.pos) {
                    None => return Err(("unclosed regular expression".into(), self.tok_start)),
                    Some('\\') => {
                        body.push('\\');
                        if let Some(n) = self.chars.get(self.pos + 1) {
                            body.push(*n);
                        }
                        self.pos += 2;
                    }
                    Some('/') => {
                        self.pos += 1;
                        break;
                    }
                    Some(ch) => {
                        body.push(*ch);
                        self.pos += 1;
                    }
                }
            }
            let mut flags = String::new();
            while let Some(f) = self.chars.get(self.pos).filter(|f| f.is_ascii_alphabetic()) {
                flags.push(*f);
                self.pos += 1;
            }
            self.tok = Tok::Regex(body, flags);
            return Ok(());
        }
        if c == '"' || c == '\'' {
            self.pos += 1;
            let mut s = String::new();
            loop {
                match self.chars.get(self.pos) {
                    None => return Err(("unclosed string".into(), self.tok_start)),
                    Some('\\') => {
                        let escaped = self.chars.get(self.pos + 1).copied();
                        self.pos += 2;
                        match escaped {
                            Some('n') => s.push('\n'),
                            Some('t') => s.push('\t'),
                            Some('r') => s.push('\r'),
                            Some('b') => s.push('\u{8}'),
                            Some('f') => s.push('\u{c}'),
                            Some('u') => {
                                let hex: String = self
                                    .chars
                                    .get(self.pos..self.pos + 4)
                                    .map(|h| h.iter().collect())
                                    .unwrap_or_default();
                                let code = u32::from_str_radix(&hex, 16)
                                    .ok()
                                    .and_then(char::from_u32)
                                    .ok_or_else(|| ("bad \\u escape".to_string(), self.pos))?;
                                s.push(code);
                                self.pos += 4;
                            }
                            Some(other) => s.push(other),
                            None => return Err(("unclosed string".into(), self.tok_start)),
                        }
                    }
                    Some(q) if *q == c => {
                        self.pos += 1;
                        break;
                    }
                    Some(ch) => {
                        s.push(*ch);
                        self.pos += 1;
                    }
                }
            }
            self.tok = Tok::Str(s);
            return Ok(());
        }
        if c.is_ascii_digit() {
            let start = self.pos;
            while self.chars.get(self.pos).is_some_and(|c| c.is_ascii_digit()) {
                self.pos += 1;
            }
            // A fraction, but not the `..` range operator.
            if self.chars.get(self.pos) == Some(&'.')
                && self
                    .chars
                    .get(self.pos + 1)
                    .is_some_and(|c| c.is_ascii_digit())
            {
                self.pos += 1;
                while self.chars.get(self.pos).is_some_and(|c| c.is_ascii_digit()) {
                    self.pos += 1;
                }
            } else if self.chars.get(self.pos) == Some(&'.')
                && self.chars.get(self.pos + 1) != Some(&'.')
            {
                // `420.` is a number in JavaScript's grammar.
                self.pos += 1;
            }
            if matches!(self.chars.get(self.pos), Some('e' | 'E')) {
                let save = self.pos;
                self.pos += 1;
                if matches!(self.chars.get(self.pos), Some('+' | '-')) {
                    self.pos += 1;
                }
                if self.chars.get(self.pos).is_some_and(|c| c.is_ascii_digit()) {
                    while self.chars.get(self.pos).is_some_and(|c| c.is_ascii_digit()) {
                        self.pos += 1;
                    }
                } else {
                    self.pos = save;
                }
            }
            let text: String = self
                .chars
                .get(start..self.pos)
                .unwrap_or(&[])
                .iter()
                .collect();
            let n: f64 = text
                .trim_end_matches('.')
                .parse()
                .map_err(|_| (format!("bad number {text}"), start))?;
            self.tok = Tok::Number(n);
            return Ok(());
        }
        if c == '`' {
            self.pos += 1;
            let start = self.pos;
            while self.chars.get(self.pos).is_some_and(|c| *c != '`') {
                self.pos += 1;
            }
            if self.chars.get(self.pos).is_none() {
                return Err(("unclosed `name`".into(), self.tok_start));
            }
            let name: String = self
                .chars
                .get(start..self.pos)
                .unwrap_or(&[])
                .iter()
                .collect();
            self.pos += 1;
            self.tok = Tok::Name(name);
            return Ok(());
        }
        if c == '$' {
            self.pos += 1;
            if self.chars.get(self.pos) == Some(&'$') {
                self.pos += 1;
                self.tok = Tok::Var("$".into());
                return Ok(());
            }
            let start = self.pos;
            while self
                .chars
                .get(self.pos)
                .is_some_and(|c| c.is_alphanumeric() || *c == '_')
            {
                self.pos += 1;
            }
            self.tok = Tok::Var(
                self.chars
                    .get(start..self.pos)
                    .unwrap_or(&[])
                    .iter()
                    .collect(),
            );
            return Ok(());
        }
        for op in OPERATORS {
            let len = op.chars().count();
            if self
                .chars
                .get(self.pos..self.pos + len)
                .is_some_and(|s| s.iter().copied().eq(op.chars()))
            {
                self.pos += len;
                self.tok = Tok::Op(op);
                return Ok(());
            }
        }
        if c.is_alphabetic() || c == '_' {
            let start = self.pos;
            while self
                .chars
                .get(self.pos)
                .is_some_and(|c| c.is_alphanumeric() || *c == '_')
            {
                self.pos += 1;
            }
            self.tok = Tok::Name(
                self.chars
                    .get(start..self.pos)
                    .unwrap_or(&[])
                    .iter()
                    .collect(),
            );
            return Ok(());
        }
        Err((format!("unexpected character {c:?}"), self.pos))
    }

    fn is_op(&self, op: &str) -> bool {
        self.tok
            == Tok::Op(match OPERATORS.iter().find(|o| **o == op) {
                Some(o) => o,
                None => return false,
            })
    }

    fn expect(&mut self, op: &str, operand_after: bool) -> Result<(), (String, usize)> {
        if self.is_op(op) {
            self.advance(operand_after)
        } else {
            self.err(format!("expected '{op}' but found {}", self.describe()))
        }
    }

    /// Binding power of the current token as an infix operator.
    fn infix_power(&self) -> u8 {
        match &self.tok {
            Tok::Op(".") => 75,
            Tok::Op("[") | Tok::Op("(") => 80,
            Tok::Op("{") => 70,
            Tok::Op("*" | "/" | "%") => 60,
            Tok::Op("+" | "-" | "&") => 50,
            Tok::Op("=" | "!=" | "<" | "<=" | ">" | ">=") => 40,
            Tok::Op("~>") => 40,
            Tok::Name(n) if n == "in" => 40,
            Tok::Name(n) if n == "and" => 30,
            Tok::Name(n) if n == "or" => 25,
            Tok::Op("?" | "?:" | "??") => 20,
            Tok::Op(":=") => 10,
            _ => 0,
        }
    }

    fn expression(&mut self, rbp: u8) -> Result<Node, (String, usize)> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return self.err("the expression is nested too deeply");
        }
        let mut left = self.prefix()?;
        while rbp < self.infix_power() {
            left = self.infix(left)?;
        }
        self.depth -= 1;
        Ok(left)
    }

    fn prefix(&mut self) -> Result<Node, (String, usize)> {
        let tok = self.tok.clone();
        match tok {
            Tok::Number(n) => {
                self.advance(false)?;
                Ok(Node::Number(n))
            }
            Tok::Str(s) => {
                self.advance(false)?;
                Ok(Node::Str(s))
            }
            Tok::Regex(body, flags) => {
                let pattern = if flags.contains('i') {
                    format!("(?i){body}")
                } else {
                    body.clone()
                };
                let regex = regex_lite::Regex::new(&pattern).map_err(|e| {
                    (
                        format!("bad regular expression /{body}/: {e}"),
                        self.tok_start,
                    )
                })?;
                self.advance(false)?;
                Ok(Node::Regex(Rc::new(regex), body))
            }
            Tok::Var(v) => {
                self.advance(false)?;
                Ok(Node::Var(v))
            }
            Tok::Name(n) => {
                match n.as_str() {
                    "true" | "false" | "null" => {
                        self.advance(false)?;
                        return Ok(match n.as_str() {
                            "true" => Node::Bool(true),
                            "false" => Node::Bool(false),
                            _ => Node::Null,
                        });
                    }
                    "function" | "λ" => {
                        self.advance(true)?;
                        return self.lambda();
                    }
                    "and" | "or" | "in" => {
                        // Operators used as field names.
                    }
                    _ => {}
                }
                self.advance(false)?;
                Ok(Node::Name(n))
            }
            Tok::Op("-") => {
                self.advance(true)?;
                let operand = self.expression(70)?;
                Ok(match operand {
                    Node::Number(n) => Node::Number(-n),
                    other => Node::Negate(Box::new(other)),
                })
            }
            Tok::Op("*") => {
                self.advance(false)?;
                Ok(Node::Wildcard)
            }
            Tok::Op("**") => {
                self.advance(false)?;
                Ok(Node::Descendants)
            }
            Tok::Op("(") => {
                self.advance(true)?;
                let mut items = Vec::new();
                while !self.is_op(")") {
                    items.push(self.expression(0)?);
                    if self.is_op(";") {
                        self.advance(true)?;
                    } else if !self.is_op(")") {
                        return self
                            .err(format!("expected ';' or ')' but found {}", self.describe()));
                    }
                }
                self.advance(false)?;
                Ok(Node::Block(items))
            }
            Tok::Op("[") => {
                self.advance(true)?;
                let mut items = Vec::new();
                if !self.is_op("]") {
                    loop {
                        let item = self.expression(0)?;
                        if self.is_op("..") {
                            self.advance(true)?;
                            let end = self.expression(0)?;
                            items.push(Node::Range(Box::new(item), Box::new(end)));
                        } else {
                            items.push(item);
                        }
                        if self.is_op(",") {
                            self.advance(true)?;
                            continue;
                        }
                        break;
                    }
                }
                self.expect("]", false)?;
                Ok(Node::Array(items))
            }
            Tok::Op("{") => {
                self.advance(true)?;
                let pairs = self.object_pairs()?;
                Ok(Node::Object(pairs))
            }
            Tok::End => self.err("the expression ends where a value was expected"),
            _ => self.err(format!("unexpected {}", self.describe())),
        }
    }

    fn object_pairs(&mut self) -> Result<Vec<(Node, Node)>, (String, usize)> {
        let mut pairs = Vec::new();
        if !self.is_op("}") {
            loop {
                let key = self.expression(0)?;
                self.expect(":", true)?;
                let value = self.expression(0)?;
                pairs.push((key, value));
                if self.is_op(",") {
                    self.advance(true)?;
                    continue;
                }
                break;
            }
        }
        self.expect("}", false)?;
        Ok(pairs)
    }

    fn lambda(&mut self) -> Result<Node, (String, usize)> {
        self.expect("(", true)?;
        let mut params = Vec::new();
        while !self.is_op(")") {
            match &self.tok {
                Tok::Var(v) => params.push(v.clone()),
                _ => {
                    return self.err(format!(
                        "expected a $parameter but found {}",
                        self.describe()
                    ))
                }
            }
            self.advance(false)?;
            if self.is_op(",") {
                self.advance(true)?;
            } else if !self.is_op(")") {
                return self.err(format!("expected ',' or ')' but found {}", self.describe()));
            }
        }
        self.advance(false)?;
        if self.is_op("<") {
            return self
                .err("function signatures (<…>) are not supported by mapsim's JSONata evaluator");
        }
        self.expect("{", true)?;
        let body = self.expression(0)?;
        self.expect("}", false)?;
        Ok(Node::Lambda(Rc::new(Lambda { params, body })))
    }

    fn infix(&mut self, left: Node) -> Result<Node, (String, usize)> {
        let tok = self.tok.clone();
        match tok {
            Tok::Op(".") => {
                self.advance(true)?;
                let right = self.expression(75)?;
                Ok(Node::Path(Box::new(left), Box::new(right)))
            }
            Tok::Op("[") => {
                self.advance(true)?;
                if self.is_op("]") {
                    // `expr[]`: keep as an array.
                    self.advance(false)?;
                    return Ok(Node::Call(
                        Box::new(Node::Var("__array".into())),
                        vec![left],
                    ));
                }
                let predicate = self.expression(0)?;
                self.expect("]", false)?;
                Ok(Node::Filter(Box::new(left), Box::new(predicate)))
            }
            Tok::Op("{") => {
                self.advance(true)?;
                let pairs = self.object_pairs()?;
                Ok(Node::Group(Box::new(left), pairs))
            }
            Tok::Op("(") => {
                self.advance(true)?;
                let mut args = Vec::new();
                while !self.is_op(")") {
                    if self.is_op("?") {
                        return self.err("partial application (?) is not supported by mapsim's JSONata evaluator");
                    }
                    args.push(self.expression(0)?);
                    if self.is_op(",") {
                        self.advance(true)?;
                    } else if !self.is_op(")") {
                        return self
                            .err(format!("expected ',' or ')' but found {}", self.describe()));
                    }
                }
                self.advance(false)?;
                Ok(Node::Call(Box::new(left), args))
            }
            Tok::Op("?") => {
                self.advance(true)?;
                let then = self.expression(0)?;
                let otherwise = if self.is_op(":") {
                    self.advance(true)?;
                    Some(Box::new(self.expression(0)?))
                } else {
                    None
                };
                Ok(Node::Condition(Box::new(left), Box::new(then), otherwise))
            }
            Tok::Op("?:") | Tok::Op("??") => {
                self.err("the ?: and ?? operators are not supported by mapsim's JSONata evaluator")
            }
            Tok::Op(":=") => {
                let Node::Var(name) = left else {
                    return self.err("the left side of := must be a $variable");
                };
                self.advance(true)?;
                let value = self.expression(9)?;
                Ok(Node::Bind(name, Box::new(value)))
            }
            Tok::Op("~>") => {
                self.advance(true)?;
                let right = self.expression(40)?;
                Ok(Node::Chain(Box::new(left), Box::new(right)))
            }
            _ => {
                let (op, power) = match &tok {
                    Tok::Op("+") => (Op::Add, 50),
                    Tok::Op("-") => (Op::Sub, 50),
                    Tok::Op("*") => (Op::Mul, 60),
                    Tok::Op("/") => (Op::Div, 60),
                    Tok::Op("%") => (Op::Mod, 60),
                    Tok::Op("&") => (Op::Concat, 50),
                    Tok::Op("=") => (Op::Eq, 40),
                    Tok::Op("!=") => (Op::Ne, 40),
                    Tok::Op("<") => (Op::Lt, 40),
                    Tok::Op("<=") => (Op::Le, 40),
                    Tok::Op(">") => (Op::Gt, 40),
                    Tok::Op(">=") => (Op::Ge, 40),
                    Tok::Name(n) if n == "and" => (Op::And, 30),
                    Tok::Name(n) if n == "or" => (Op::Or, 25),
                    Tok::Name(n) if n == "in" => (Op::In, 40),
                    _ => return self.err(format!("unexpected {}", self.describe())),
                };
                self.advance(true)?;
                let right = self.expression(power)?;
                Ok(Node::Binary(op, Box::new(left), Box::new(right)))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_rejects() {
        for ok in [
            "1+2",
            "$states.input.a[0].b",
            "$x := 5",
            "($a := 1; $b := 2; $a + $b)",
            "function($v) { $v * 2 }",
            "a{'k': v}",
            "[1..5]",
            "$split(x, /[-:T.]/)",
            "10 / 2",
            "x ~> $f()",
            "/* comment */ 1",
            "`odd name`.x",
        ] {
            if let Err(e) = parse(ok) {
                panic!("{ok}: {e:?}");
            }
        }
        for (bad, offset) in [
            ("10 + * 2", 7),
            ("(1", 2),
            ("", 0),
            ("1 2", 2),
            ("{'a' 1}", 5),
        ] {
            match parse(bad) {
                Ok(n) => panic!("{bad} parsed as {n:?}"),
                Err((_, o)) => assert_eq!(o, offset, "{bad}"),
            }
        }
    }
}
