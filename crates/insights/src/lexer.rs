//! The query text as tokens, each with its 1-based line and column (in characters).

use crate::QueryError;

/// The longest query text read: a query is typed or pasted by a person, and a bound keeps every
/// later step (regexes, lists, nesting) small whatever is pasted.
pub const MAX_QUERY_CHARS: usize = 10_000;

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum TokenKind {
    /// A name: a command, a keyword, a function or a field (`@message`, `item.index`).
    Word(String),
    /// A field name in backticks, which may hold any character but a backtick.
    QuotedName(String),
    /// A string literal in double or single quotes, escapes resolved.
    Text(String),
    /// A number, with the letters written right after it (`5m` → unit `m`), empty when none.
    Number {
        text: String,
        unit: String,
    },
    /// A regular expression literal `/…/flags`.
    Regex {
        pattern: String,
        flags: String,
    },
    Pipe,
    Comma,
    OpenParen,
    CloseParen,
    OpenBracket,
    CloseBracket,
    Star,
    Equal,
    NotEqual,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
    /// `=~`, a regular expression match.
    Matches,
    /// Any other character (`+`, `-`, `/` outside a regex position, `!`, …), refused by the parser.
    Other(char),
    End,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Token {
    pub kind: TokenKind,
    pub line: u32,
    pub column: u32,
}

impl Token {
    /// The token as the query writes it, for messages.
    pub fn describe(&self) -> String {
        match &self.kind {
            TokenKind::Word(word) => format!("`{word}`"),
            TokenKind::QuotedName(name) => format!("`{name}`"),
            TokenKind::Text(text) => format!("the string \"{text}\""),
            TokenKind::Number { text, unit } => format!("`{text}{unit}`"),
            TokenKind::Regex { pattern, .. } => format!("the regular expression /{pattern}/"),
            TokenKind::Pipe => "`|`".into(),
            TokenKind::Comma => "`,`".into(),
            TokenKind::OpenParen => "`(`".into(),
            TokenKind::CloseParen => "`)`".into(),
            TokenKind::OpenBracket => "`[`".into(),
            TokenKind::CloseBracket => "`]`".into(),
            TokenKind::Star => "`*`".into(),
            TokenKind::Equal => "`=`".into(),
            TokenKind::NotEqual => "`!=`".into(),
            TokenKind::Less => "`<`".into(),
            TokenKind::LessOrEqual => "`<=`".into(),
            TokenKind::Greater => "`>`".into(),
            TokenKind::GreaterOrEqual => "`>=`".into(),
            TokenKind::Matches => "`=~`".into(),
            TokenKind::Other(character) => format!("`{character}`"),
            TokenKind::End => "the end of the query".into(),
        }
    }

    /// Whether the token is the word `keyword`, in any case (Insights' commands and keywords are
    /// case-insensitive: its own examples write `FIELDS … | PARSE … | FILTER …`).
    pub fn is_keyword(&self, keyword: &str) -> bool {
        matches!(&self.kind, TokenKind::Word(word) if word.eq_ignore_ascii_case(keyword))
    }
}

fn is_word_start(character: char) -> bool {
    character.is_alphabetic() || character == '_' || character == '@' || character == '$'
}

fn is_word_continue(character: char) -> bool {
    character.is_alphanumeric() || matches!(character, '_' | '@' | '.' | '$')
}

struct Cursor {
    characters: Vec<char>,
    index: usize,
    line: u32,
    column: u32,
}

impl Cursor {
    fn peek(&self) -> Option<char> {
        self.characters.get(self.index).copied()
    }

    fn peek_at(&self, offset: usize) -> Option<char> {
        self.characters.get(self.index + offset).copied()
    }

    fn bump(&mut self) -> Option<char> {
        let character = self.peek()?;
        self.index += 1;
        if character == '\n' {
            self.line += 1;
            self.column = 1;
        } else {
            self.column += 1;
        }
        Some(character)
    }
}

fn error(line: u32, column: u32, message: impl Into<String>) -> QueryError {
    QueryError {
        line,
        column,
        message: message.into(),
    }
}

/// Whether a `/` after these tokens opens a regular expression: after `like`, `=~`, and after
/// the field of `parse <field>`. Elsewhere `/` is division, which the parser refuses by name.
fn regex_may_follow(tokens: &[Token]) -> bool {
    let Some(last) = tokens.last() else {
        return false;
    };
    if last.is_keyword("like") || last.kind == TokenKind::Matches {
        return true;
    }
    // `parse <field> /…/`: the field is the last token, `parse` the one before.
    matches!(last.kind, TokenKind::Word(_) | TokenKind::QuotedName(_))
        && tokens.len() >= 2
        && tokens[tokens.len() - 2].is_keyword("parse")
}

/// Splits `text` into tokens ending with `TokenKind::End`.
pub(crate) fn tokenize(text: &str) -> Result<Vec<Token>, QueryError> {
    let mut cursor = Cursor {
        characters: text.chars().collect(),
        index: 0,
        line: 1,
        column: 1,
    };
    if cursor.characters.len() > MAX_QUERY_CHARS {
        let mut position = Cursor {
            characters: cursor.characters.clone(),
            index: 0,
            line: 1,
            column: 1,
        };
        for _ in 0..MAX_QUERY_CHARS {
            position.bump();
        }
        return Err(error(
            position.line,
            position.column,
            format!("the query is longer than {MAX_QUERY_CHARS} characters"),
        ));
    }
    let mut tokens: Vec<Token> = Vec::new();
    loop {
        // Whitespace and `#` comments (to the end of the line) separate tokens.
        while let Some(character) = cursor.peek() {
            if character.is_whitespace() {
                cursor.bump();
            } else if character == '#' {
                while let Some(character) = cursor.peek() {
                    if character == '\n' {
                        break;
                    }
                    cursor.bump();
                }
            } else {
                break;
            }
        }
        let (line, column) = (cursor.line, cursor.column);
        let Some(character) = cursor.peek() else {
            tokens.push(Token {
                kind: TokenKind::End,
                line,
                column,
            });
            return Ok(tokens);
        };
        let kind = if is_word_start(character) {
            let mut word = String::new();
            while let Some(character) = cursor.peek() {
                if !is_word_continue(character) {
                    break;
                }
                word.push(character);
                cursor.bump();
            }
            TokenKind::Word(word)
        } else if character.is_ascii_digit() {
            lex_number(&mut cursor)
        } else {
            match character {
                '"' | '\'' => lex_text(&mut cursor, line, column)?,
                '`' => {
                    cursor.bump();
                    let mut name = String::new();
                    loop {
                        match cursor.bump() {
                            Some('`') => break,
                            Some(character) => name.push(character),
                            None => {
                                return Err(error(
                                    line,
                                    column,
                                    "the name in backticks starting here is not closed",
                                ))
                            }
                        }
                    }
                    TokenKind::QuotedName(name)
                }
                '/' if regex_may_follow(&tokens) => lex_regex(&mut cursor, line, column)?,
                _ => {
                    cursor.bump();
                    let next = cursor.peek();
                    let two = |cursor: &mut Cursor, kind| {
                        cursor.bump();
                        kind
                    };
                    match (character, next) {
                        ('|', _) => TokenKind::Pipe,
                        (',', _) => TokenKind::Comma,
                        ('(', _) => TokenKind::OpenParen,
                        (')', _) => TokenKind::CloseParen,
                        ('[', _) => TokenKind::OpenBracket,
                        (']', _) => TokenKind::CloseBracket,
                        ('*', _) => TokenKind::Star,
                        ('=', Some('~')) => two(&mut cursor, TokenKind::Matches),
                        ('=', _) => TokenKind::Equal,
                        ('!', Some('=')) => two(&mut cursor, TokenKind::NotEqual),
                        ('<', Some('=')) => two(&mut cursor, TokenKind::LessOrEqual),
                        ('<', _) => TokenKind::Less,
                        ('>', Some('=')) => two(&mut cursor, TokenKind::GreaterOrEqual),
                        ('>', _) => TokenKind::Greater,
                        (other, _) => TokenKind::Other(other),
                    }
                }
            }
        };
        tokens.push(Token { kind, line, column });
    }
}

fn lex_number(cursor: &mut Cursor) -> TokenKind {
    let mut text = String::new();
    while let Some(character) = cursor.peek().filter(char::is_ascii_digit) {
        text.push(character);
        cursor.bump();
    }
    if cursor.peek() == Some('.') && cursor.peek_at(1).is_some_and(|next| next.is_ascii_digit()) {
        text.push('.');
        cursor.bump();
        while let Some(character) = cursor.peek().filter(char::is_ascii_digit) {
            text.push(character);
            cursor.bump();
        }
    }
    // An exponent only when digits follow, so that `5e` stays a number with a unit.
    if matches!(cursor.peek(), Some('e' | 'E')) {
        let sign = matches!(cursor.peek_at(1), Some('+' | '-'));
        let digit_at = if sign { 2 } else { 1 };
        if cursor
            .peek_at(digit_at)
            .is_some_and(|next| next.is_ascii_digit())
        {
            for _ in 0..digit_at {
                if let Some(character) = cursor.bump() {
                    text.push(character);
                }
            }
            while let Some(character) = cursor.peek().filter(char::is_ascii_digit) {
                text.push(character);
                cursor.bump();
            }
        }
    }
    let mut unit = String::new();
    while let Some(character) = cursor.peek().filter(|character| character.is_alphabetic()) {
        unit.push(character);
        cursor.bump();
    }
    TokenKind::Number { text, unit }
}

fn lex_text(cursor: &mut Cursor, line: u32, column: u32) -> Result<TokenKind, QueryError> {
    let Some(quote) = cursor.bump() else {
        return Err(error(line, column, "expected a string"));
    };
    let mut text = String::new();
    loop {
        match cursor.bump() {
            None => {
                return Err(error(
                    line,
                    column,
                    "the string starting here is not closed",
                ))
            }
            Some(character) if character == quote => return Ok(TokenKind::Text(text)),
            Some('\\') => match cursor.bump() {
                None => {
                    return Err(error(
                        line,
                        column,
                        "the string starting here is not closed",
                    ))
                }
                Some('n') => text.push('\n'),
                Some('t') => text.push('\t'),
                Some('r') => text.push('\r'),
                Some(escaped @ ('"' | '\'' | '\\')) => text.push(escaped),
                // Other escapes are kept as written: a glob or a substring may mean them literally.
                Some(other) => {
                    text.push('\\');
                    text.push(other);
                }
            },
            Some(character) => text.push(character),
        }
    }
}

fn lex_regex(cursor: &mut Cursor, line: u32, column: u32) -> Result<TokenKind, QueryError> {
    cursor.bump();
    let mut pattern = String::new();
    loop {
        match cursor.bump() {
            None => {
                return Err(error(
                    line,
                    column,
                    "the regular expression starting here is not closed",
                ))
            }
            Some('/') => break,
            Some('\\') => match cursor.bump() {
                None => {
                    return Err(error(
                        line,
                        column,
                        "the regular expression starting here is not closed",
                    ))
                }
                // `\/` is how a slash is written inside `/…/`; the regex engine wants it bare.
                Some('/') => pattern.push('/'),
                Some(other) => {
                    pattern.push('\\');
                    pattern.push(other);
                }
            },
            Some(character) => pattern.push(character),
        }
    }
    let mut flags = String::new();
    while let Some(character) = cursor.peek().filter(|character| character.is_alphabetic()) {
        flags.push(character);
        cursor.bump();
    }
    Ok(TokenKind::Regex { pattern, flags })
}
