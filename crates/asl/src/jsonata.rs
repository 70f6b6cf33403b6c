//! A syntax check of JSONata expressions (the text between `{%` and `%}`), without evaluating.
//!
//! Written here because no maintained JSONata crate builds for `wasm32-unknown-unknown` without
//! web dependencies: `jsonata-rs` 0.3 and `jsonata-core` 2.2 both need `getrandom` with its
//! JavaScript backend (and pull in clap, chrono, regex engines). A checker needs only the
//! grammar: a tokenizer and a Pratt parser following the operator table of the reference
//! implementation (jsonata-js), producing no tree — just the first syntax error, with its offset.
//!
//! It also finds what Step Functions refuses although JSONata accepts it: a field name at the
//! top level of an expression (`{% foo.bar %}`), which Step Functions rejects with
//! "Reference to 'foo' at the top level is not supported" because its expressions have no
//! implicit input — data is reached through `$states.input` or a variable.

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

/// Checks the syntax of a JSONata expression.
pub fn check(expression: &str) -> Check {
    let mut parser = Parser {
        lexer: Lexer {
            text: expression,
            pos: 0,
        },
        token: Token::end(0),
        previous_is_operand: false,
        depth: 0,
        context: 0,
        check: Check::default(),
    };
    let outcome = parser.advance().and_then(|()| {
        parser.expression(0)?;
        if parser.token.kind != Kind::End {
            let token = parser.token.clone();
            return Err(parser.unexpected(&token));
        }
        Ok(())
    });
    let mut check = parser.check;
    match outcome {
        Ok(()) => {}
        Err(Fail::Error(error)) => check.error = Some(error),
        Err(Fail::TooDeep) => check.too_deep = true,
    }
    check
}

#[derive(Debug, Clone, PartialEq)]
enum Kind {
    Operator(&'static str),
    Name(String),
    Variable(String),
    String,
    Number,
    Regex,
    Literal,
    End,
}

#[derive(Debug, Clone)]
struct Token {
    kind: Kind,
    start: usize,
    end: usize,
}

impl Token {
    fn end(at: usize) -> Token {
        Token {
            kind: Kind::End,
            start: at,
            end: at,
        }
    }

    fn is(&self, op: &str) -> bool {
        matches!(self.kind, Kind::Operator(o) if o == op)
    }
}

enum Fail {
    Error(SyntaxError),
    TooDeep,
}

fn error(offset: usize, message: String) -> Fail {
    Fail::Error(SyntaxError { offset, message })
}

/// Multi-character operators first, so the longest match wins.
const OPERATORS: &[&str] = &[
    "..", ":=", "!=", ">=", "<=", "**", "~>", "?:", "??", ".", "[", "]", "{", "}", "(", ")", ",",
    "@", "#", ";", ":", "?", "+", "-", "*", "/", "%", "|", "=", "<", ">", "^", "&", "!", "~",
];

/// Binding powers of the infix operators (jsonata-js's operator table).
fn binding_power(op: &str) -> u32 {
    match op {
        "." => 75,
        "[" | "(" | "@" | "#" => 80,
        "{" => 70,
        "*" | "/" | "%" | "**" => 60,
        "+" | "-" | "&" => 50,
        "=" | "<" | ">" | "^" | "!=" | "<=" | ">=" | "~>" | "in" | "?:" | "??" => 40,
        "and" => 30,
        "or" => 25,
        "?" | ".." => 20,
        ":=" => 10,
        _ => 0,
    }
}

struct Lexer<'t> {
    text: &'t str,
    pos: usize,
}

impl Lexer<'_> {
    fn next(&mut self, prefix: bool) -> Result<Token, Fail> {
        let bytes = self.text.as_bytes();
        // Whitespace and comments.
        loop {
            while bytes
                .get(self.pos)
                .is_some_and(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c))
            {
                self.pos += 1;
            }
            if self.text[self.pos..].starts_with("/*") {
                let start = self.pos;
                match self.text[self.pos + 2..].find("*/") {
                    Some(i) => self.pos += 2 + i + 2,
                    None => {
                        return Err(error(
                            start,
                            "this comment is never closed with `*/`".to_string(),
                        ))
                    }
                }
                continue;
            }
            break;
        }
        let start = self.pos;
        let Some(&first) = bytes.get(start) else {
            return Ok(Token::end(start));
        };
        // A regular expression can only stand where an operand is expected.
        if prefix && first == b'/' {
            return self.regex(start);
        }
        if first == b'"' || first == b'\'' {
            return self.string(start, first);
        }
        if first.is_ascii_digit() {
            return self.number(start);
        }
        for op in OPERATORS {
            if self.text[start..].starts_with(op) {
                self.pos += op.len();
                return Ok(Token {
                    kind: Kind::Operator(op),
                    start,
                    end: self.pos,
                });
            }
        }
        if first == b'`' {
            return match self.text[start + 1..].find('`') {
                Some(i) => {
                    self.pos = start + 1 + i + 1;
                    Ok(Token {
                        kind: Kind::Name(self.text[start + 1..start + 1 + i].to_string()),
                        start,
                        end: self.pos,
                    })
                }
                None => Err(error(
                    start,
                    "this name is never closed with a backtick".to_string(),
                )),
            };
        }
        // A name or a variable: everything up to whitespace or an operator character.
        let mut end = start;
        for (i, c) in self.text[start..].char_indices() {
            let stop = c.is_whitespace()
                || matches!(
                    c,
                    '.' | '['
                        | ']'
                        | '{'
                        | '}'
                        | '('
                        | ')'
                        | ','
                        | '@'
                        | '#'
                        | ';'
                        | ':'
                        | '?'
                        | '+'
                        | '-'
                        | '*'
                        | '/'
                        | '%'
                        | '|'
                        | '='
                        | '<'
                        | '>'
                        | '^'
                        | '&'
                        | '!'
                        | '~'
                        | '"'
                        | '\''
                        | '`'
                );
            // `$` starts a variable; a second `$` right after (`$$`) belongs to it.
            if stop && i > 0 {
                break;
            }
            if stop {
                break;
            }
            end = start + i + c.len_utf8();
        }
        if end == start {
            let c = self.text[start..].chars().next().unwrap_or(' ');
            return Err(error(start, format!("unexpected character `{c}`")));
        }
        self.pos = end;
        let word = &self.text[start..end];
        let kind = if let Some(name) = word.strip_prefix('$') {
            Kind::Variable(name.to_string())
        } else {
            match word {
                "true" | "false" | "null" => Kind::Literal,
                "and" | "or" | "in" if !prefix => Kind::Operator(match word {
                    "and" => "and",
                    "or" => "or",
                    _ => "in",
                }),
                _ => Kind::Name(word.to_string()),
            }
        };
        Ok(Token { kind, start, end })
    }

    fn string(&mut self, start: usize, quote: u8) -> Result<Token, Fail> {
        let bytes = self.text.as_bytes();
        let mut i = start + 1;
        while let Some(&b) = bytes.get(i) {
            if b == b'\\' {
                match bytes.get(i + 1) {
                    Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' | b'\'') => i += 2,
                    Some(b'u') => {
                        let hex = self.text.get(i + 2..i + 6);
                        if !hex.is_some_and(|h| h.bytes().all(|b| b.is_ascii_hexdigit())) {
                            return Err(error(
                                i,
                                "`\\u` must be followed by four hexadecimal digits".to_string(),
                            ));
                        }
                        i += 6;
                    }
                    _ => {
                        return Err(error(
                            i,
                            "unsupported escape sequence in a string".to_string(),
                        ))
                    }
                }
                continue;
            }
            if b == quote {
                self.pos = i + 1;
                return Ok(Token {
                    kind: Kind::String,
                    start,
                    end: self.pos,
                });
            }
            i += 1;
        }
        Err(error(
            start,
            "string literal must be terminated by a matching quote".to_string(),
        ))
    }

    fn number(&mut self, start: usize) -> Result<Token, Fail> {
        let bytes = self.text.as_bytes();
        let mut i = start;
        if bytes[i] == b'0' {
            i += 1;
        } else {
            while bytes.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
        }
        if bytes.get(i) == Some(&b'.') && bytes.get(i + 1).is_some_and(u8::is_ascii_digit) {
            i += 1;
            while bytes.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
        }
        if matches!(bytes.get(i), Some(b'e' | b'E')) {
            let mut j = i + 1;
            if matches!(bytes.get(j), Some(b'+' | b'-')) {
                j += 1;
            }
            if bytes.get(j).is_some_and(u8::is_ascii_digit) {
                while bytes.get(j).is_some_and(u8::is_ascii_digit) {
                    j += 1;
                }
                i = j;
            }
        }
        let literal = &self.text[start..i];
        if literal.parse::<f64>().map_or(true, |f| !f.is_finite()) {
            return Err(error(start, format!("number out of range: {literal}")));
        }
        self.pos = i;
        Ok(Token {
            kind: Kind::Number,
            start,
            end: i,
        })
    }

    fn regex(&mut self, start: usize) -> Result<Token, Fail> {
        let bytes = self.text.as_bytes();
        let mut i = start + 1;
        let mut in_class = false;
        loop {
            let Some(&b) = bytes.get(i) else {
                return Err(error(
                    start,
                    "no terminating / in regular expression".to_string(),
                ));
            };
            match b {
                b'\\' => i += 2,
                b'[' => {
                    in_class = true;
                    i += 1;
                }
                b']' => {
                    in_class = false;
                    i += 1;
                }
                b'/' if !in_class => break,
                _ => i += 1,
            }
        }
        if i == start + 1 {
            return Err(error(start, "empty regular expression".to_string()));
        }
        i += 1;
        while bytes.get(i).is_some_and(u8::is_ascii_alphabetic) {
            i += 1;
        }
        self.pos = i;
        Ok(Token {
            kind: Kind::Regex,
            start,
            end: i,
        })
    }
}

struct Parser<'t> {
    lexer: Lexer<'t>,
    token: Token,
    /// Whether the token before the current one ends an operand (so `/` is division, not a regex).
    previous_is_operand: bool,
    depth: usize,
    /// How many enclosing constructs give field names a context (path steps, predicates, group
    /// expressions, function bodies); 0 = the top level.
    context: usize,
    check: Check,
}

impl Parser<'_> {
    fn advance(&mut self) -> Result<(), Fail> {
        let prefix = !self.previous_is_operand;
        let token = self.lexer.next(prefix)?;
        self.previous_is_operand = match &token.kind {
            Kind::Name(_)
            | Kind::Variable(_)
            | Kind::String
            | Kind::Number
            | Kind::Regex
            | Kind::Literal => true,
            Kind::Operator(op) => matches!(*op, ")" | "]" | "}"),
            Kind::End => false,
        };
        self.token = token;
        Ok(())
    }

    fn describe(token: &Token, text: &str) -> String {
        match token.kind {
            Kind::End => "the end of the expression".to_string(),
            _ => format!("`{}`", &text[token.start..token.end]),
        }
    }

    fn unexpected(&self, token: &Token) -> Fail {
        if token.kind == Kind::End {
            return error(token.start, "unexpected end of expression".to_string());
        }
        error(
            token.start,
            format!(
                "syntax error: unexpected {}",
                Self::describe(token, self.lexer.text)
            ),
        )
    }

    fn expect(&mut self, op: &str) -> Result<(), Fail> {
        if !self.token.is(op) {
            let token = self.token.clone();
            let found = Self::describe(&token, self.lexer.text);
            return Err(error(
                token.start,
                format!("expected `{op}`, found {found}"),
            ));
        }
        self.advance()
    }

    fn nested<T>(&mut self, f: impl FnOnce(&mut Self) -> Result<T, Fail>) -> Result<T, Fail> {
        if self.depth >= MAX_EXPRESSION_DEPTH {
            return Err(Fail::TooDeep);
        }
        self.depth += 1;
        let result = f(self);
        self.depth -= 1;
        result
    }

    fn in_context<T>(&mut self, f: impl FnOnce(&mut Self) -> Result<T, Fail>) -> Result<T, Fail> {
        self.context += 1;
        let result = f(self);
        self.context -= 1;
        result
    }

    fn expression(&mut self, rbp: u32) -> Result<(), Fail> {
        self.nested(|p| {
            let token = p.token.clone();
            p.advance()?;
            p.prefix(&token)?;
            while let Kind::Operator(op) = p.token.kind {
                if binding_power(op) <= rbp {
                    break;
                }
                let token = p.token.clone();
                p.advance()?;
                p.infix(&token)?;
            }
            Ok(())
        })
    }

    /// An operand, or an operator in prefix position.
    fn prefix(&mut self, token: &Token) -> Result<(), Fail> {
        match &token.kind {
            Kind::Number | Kind::String | Kind::Regex | Kind::Literal | Kind::Variable(_) => Ok(()),
            Kind::Name(name) => {
                if (name == "function" || name == "λ") && self.token.is("(") {
                    return self.lambda();
                }
                if self.context == 0 {
                    self.check
                        .top_level_references
                        .push((token.start, name.clone()));
                }
                Ok(())
            }
            Kind::End => Err(self.unexpected(token)),
            Kind::Operator(op) => match *op {
                "-" => self.expression(70),
                "*" | "**" | "%" => Ok(()),
                "(" => {
                    // A block: expressions separated by `;`.
                    while !self.token.is(")") {
                        self.expression(0)?;
                        if !self.token.is(";") {
                            break;
                        }
                        self.advance()?;
                    }
                    self.expect(")")
                }
                "[" => {
                    // An array constructor; `a..b` ranges allowed.
                    if !self.token.is("]") {
                        loop {
                            self.expression(0)?;
                            if !self.token.is(",") {
                                break;
                            }
                            self.advance()?;
                        }
                    }
                    self.expect("]")
                }
                "{" => self.object_body(),
                "|" => {
                    // A transform: | location | update [, delete] |
                    self.expression(0)?;
                    self.expect("|")?;
                    self.expression(0)?;
                    if self.token.is(",") {
                        self.advance()?;
                        self.expression(0)?;
                    }
                    self.expect("|")
                }
                _ => Err(error(
                    token.start,
                    format!("the symbol `{op}` cannot be used as a unary operator"),
                )),
            },
        }
    }

    /// `{ key: value, … }` after the `{`.
    fn object_body(&mut self) -> Result<(), Fail> {
        if !self.token.is("}") {
            loop {
                self.expression(0)?;
                self.expect(":")?;
                self.expression(0)?;
                if !self.token.is(",") {
                    break;
                }
                self.advance()?;
            }
        }
        self.expect("}")
    }

    /// `function($a, $b) <signature>? { body }` after the keyword.
    fn lambda(&mut self) -> Result<(), Fail> {
        self.expect("(")?;
        if !self.token.is(")") {
            loop {
                match &self.token.kind {
                    Kind::Variable(_) => self.advance()?,
                    _ => {
                        let token = self.token.clone();
                        let found = Self::describe(&token, self.lexer.text);
                        return Err(error(
                            token.start,
                            format!("parameters of a function must be variables such as `$x`, found {found}"),
                        ));
                    }
                }
                if !self.token.is(",") {
                    break;
                }
                self.advance()?;
            }
        }
        self.expect(")")?;
        if self.token.is("<") {
            // A type signature: skip to the matching `>`.
            let mut depth = 0usize;
            loop {
                let token = self.token.clone();
                match &token.kind {
                    Kind::End => return Err(self.unexpected(&token)),
                    Kind::Operator("<") => depth += 1,
                    Kind::Operator(">") => {
                        depth -= 1;
                        if depth == 0 {
                            self.advance()?;
                            break;
                        }
                    }
                    _ => {}
                }
                self.advance()?;
            }
        }
        self.expect("{")?;
        self.in_context(|p| p.expression(0))?;
        self.expect("}")
    }

    fn infix(&mut self, token: &Token) -> Result<(), Fail> {
        let Kind::Operator(op) = token.kind else {
            return Err(self.unexpected(token));
        };
        let bp = binding_power(op);
        match op {
            "." => self.in_context(|p| p.expression(bp)),
            "[" => {
                // A predicate or index; `[]` keeps singleton arrays.
                if self.token.is("]") {
                    return self.advance();
                }
                self.in_context(|p| p.expression(0))?;
                self.expect("]")
            }
            "{" => self.in_context(|p| p.object_body()),
            "(" => {
                // A function call; `?` placeholders make a partial application.
                if !self.token.is(")") {
                    loop {
                        if self.token.is("?") {
                            self.advance()?;
                        } else {
                            self.expression(0)?;
                        }
                        if !self.token.is(",") {
                            break;
                        }
                        self.advance()?;
                    }
                }
                self.expect(")")
            }
            "@" | "#" => match &self.token.kind {
                Kind::Variable(_) => self.advance(),
                _ => {
                    let token = self.token.clone();
                    Err(error(
                        token.start,
                        format!("`{op}` must be followed by a variable such as `$x`"),
                    ))
                }
            },
            "?" => {
                // condition ? then : else
                self.expression(0)?;
                if self.token.is(":") {
                    self.advance()?;
                    self.expression(0)?;
                }
                Ok(())
            }
            "^" => {
                // Sort: expr ^( <key, >key, … )
                self.expect("(")?;
                self.in_context(|p| {
                    loop {
                        if p.token.is("<") || p.token.is(">") {
                            p.advance()?;
                        }
                        p.expression(0)?;
                        if !p.token.is(",") {
                            break;
                        }
                        p.advance()?;
                    }
                    Ok(())
                })?;
                self.expect(")")
            }
            ":=" => self.expression(bp - 1),
            "~>" | "and" | "or" | "in" | "=" | "!=" | "<" | "<=" | ">" | ">=" | "+" | "-" | "*"
            | "/" | "%" | "&" | "**" | ".." | "?:" | "??" => self.expression(bp),
            _ => Err(self.unexpected(token)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(expression: &str) {
        let check = check(expression);
        assert_eq!(check.error, None, "{expression}");
    }

    fn bad(expression: &str) {
        assert!(
            check(expression).error.is_some(),
            "{expression} should not parse"
        );
    }

    #[test]
    fn accepts_what_jsonata_accepts() {
        for e in [
            "10",
            "1+2",
            "$states.input.data.items",
            "$sum($states.input.numbers)",
            "$not(null in $each($states.input.data.address, function($v) { $length($trim($v)) > 0 ? $v : null }))",
            "($e := $x.email; $n := $x.first & ' ' & $x.last; $x.interests[category = 'home']{'customer': $n, 'total': $sum(estimatedValue), category: {type: yearBuilt}})",
            "$map($questions, function($v, $i, $a) {{\"question\": $questions[$i].Alias, \"answer\": $answers[$i]}})",
            "$states.result.Blocks[BlockType='QUERY'].Query",
            "$string($merge([$reduce($states.input.data, function($acc, $v) {$merge([$acc, { ($v.question): $v.answer }])}, {}), {\"processed_date\": $now('[Y0001]-[M01]-[D01]')}]))",
            "[1..5]",
            "$x ~> $uppercase()",
            "$match($s, /ab+c/i)",
            "$a / 2",
            "$x.y^(>price, <name)",
            "$f := function($x) <n:n> { $x * 2 }",
            "$states.input.Items",
            "$x ? 1",
            "$partial := $substring(?, 0, 5)",
            "$count($x[])",
            "/* comment */ 1",
            "$x.`weird name`",
            "-1 * -$x",
            "$states.input.a ?? 'default'",
            "$x ?: 'default'",
            "| $ | {'a': 1}, ['b'] |",
        ] {
            ok(e);
        }
    }

    #[test]
    fn rejects_what_jsonata_rejects() {
        for e in [
            "420.",
            "10 + * 2",
            "$.store.book[?(@.price < 10)].title",
            "$sum($states.input.items.numbers",
            "a[1,2)",
            "\"unterminated",
            "1 +",
            "{\"a\":}",
            "$x :=",
            "$match(\"a\", /abc",
            "",
            "(1",
            "function(a) { 1 }",
        ] {
            bad(e);
        }
    }

    #[test]
    fn finds_top_level_references() {
        assert_eq!(
            check("foo.bar").top_level_references,
            vec![(0, "foo".to_string())]
        );
        assert!(check("$states.input.foo.bar")
            .top_level_references
            .is_empty());
        assert!(check("$x[name = 'a']").top_level_references.is_empty());
        assert!(check("$map($x, function($v) { name })")
            .top_level_references
            .is_empty());
        assert_eq!(check("{'a': phone}").top_level_references.len(), 1);
    }

    #[test]
    fn deep_nesting_is_reported_not_overflowed() {
        let expression = "(".repeat(10_000) + &")".repeat(10_000);
        assert!(check(&expression).too_deep);
    }
}
