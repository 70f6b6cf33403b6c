//! Query text to commands: every malformed query is an error with its line and column, and
//! everything Insights has that mapsim's subset has not is refused by name.

use std::borrow::Cow;

use crate::lexer::{tokenize, Token, TokenKind};
use crate::pattern::Pattern;
use crate::plan::{
    Aggregate, AggregateFunction, Command, Comparison, Condition, FieldItem, FieldTable, Group,
    GroupKey, Operand, Slot, SortKey, TextMatcher,
};
use crate::value::{parse_number, Value};
use crate::QueryError;

const SUPPORTED_COMMANDS: &str = "fields, filter, parse, stats, sort, limit, display";

/// Insights' other commands, refused by name rather than as unknown words.
const OTHER_INSIGHTS_COMMANDS: &[&str] = &[
    "dedup",
    "pattern",
    "diff",
    "unmask",
    "unnest",
    "lookup",
    "join",
    "anomaly",
    "filterIndex",
    "eval",
    "subquery",
];

/// Insights' functions outside the subset, refused by name rather than as unknown.
const OTHER_INSIGHTS_FUNCTIONS: &[&str] = &[
    "abs",
    "ceil",
    "floor",
    "greatest",
    "least",
    "log",
    "sqrt",
    "datefloor",
    "dateceil",
    "fromMillis",
    "toMillis",
    "now",
    "coalesce",
    "isempty",
    "isblank",
    "concat",
    "ltrim",
    "rtrim",
    "trim",
    "strlen",
    "toupper",
    "tolower",
    "substr",
    "replace",
    "strcontains",
    "isValidIp",
    "isValidIpV4",
    "isValidIpV6",
    "isIpInSubnet",
    "isIpv4InSubnet",
    "isIpv6InSubnet",
    "jsonParse",
    "jsonStringify",
    "count_distinct",
    "pct",
    "percentile",
    "stddev",
    "earliest",
    "latest",
    "sortsFirst",
    "sortsLast",
    "rate",
    "count_over_time",
    "sum_over_time",
    "histogram",
    "unmask",
];

/// System fields Insights has that the simulated log store does not record.
const UNRECORDED_SYSTEM_FIELDS: &[&str] = &["@ingestionTime", "@ptr", "@entity"];

/// The deepest nesting of parentheses and `not` in a filter: a bound keeps the recursive
/// parser's stack small whatever is pasted.
const MAX_CONDITION_DEPTH: usize = 32;

/// The largest `limit` (CWL_QuerySyntax-Limit: up to 10,000 events by default, 100,000 at most).
pub(crate) const MAX_LIMIT: usize = 100_000;

pub(crate) struct ParsedQuery {
    pub log_groups: Vec<String>,
    pub fields: FieldTable,
    pub commands: Vec<Command>,
}

fn error_at(token: &Token, message: impl Into<String>) -> QueryError {
    QueryError {
        line: token.line,
        column: token.column,
        message: message.into(),
    }
}

fn not_in_subset(what: &str, supported: &str) -> String {
    format!("{what} is not part of mapsim's Logs Insights subset ({supported})")
}

fn is_known_function(name: &str) -> bool {
    OTHER_INSIGHTS_FUNCTIONS
        .iter()
        .any(|known| known.eq_ignore_ascii_case(name))
}

fn aggregate_function(name: &str) -> Option<AggregateFunction> {
    match name.to_ascii_lowercase().as_str() {
        "count" => Some(AggregateFunction::Count),
        "sum" => Some(AggregateFunction::Sum),
        "avg" => Some(AggregateFunction::Average),
        "min" => Some(AggregateFunction::Minimum),
        "max" => Some(AggregateFunction::Maximum),
        _ => None,
    }
}

/// Milliseconds per `bin` unit (CWL_QuerySyntax-Stats lists the units and their plurals).
fn bin_unit_milliseconds(unit: &str) -> Option<i64> {
    match unit {
        "ms" | "msec" | "msecs" | "millisecond" | "milliseconds" => Some(1),
        "s" | "sec" | "secs" | "second" | "seconds" => Some(1000),
        "m" | "min" | "mins" | "minute" | "minutes" => Some(60_000),
        "h" | "hr" | "hrs" | "hour" | "hours" => Some(3_600_000),
        "d" | "day" | "days" => Some(86_400_000),
        "w" | "week" | "weeks" => Some(604_800_000),
        _ => None,
    }
}

fn is_calendar_unit(unit: &str) -> bool {
    matches!(
        unit,
        "mo" | "mon"
            | "mons"
            | "month"
            | "months"
            | "q"
            | "qtr"
            | "qtrs"
            | "quarter"
            | "quarters"
            | "y"
            | "yr"
            | "yrs"
            | "year"
            | "years"
    )
}

struct Parser {
    tokens: Vec<Token>,
    position: usize,
    fields: FieldTable,
    depth: usize,
}

pub(crate) fn parse_query(text: &str) -> Result<ParsedQuery, QueryError> {
    let tokens = tokenize(text)?;
    let mut parser = Parser {
        tokens,
        position: 0,
        fields: FieldTable::default(),
        depth: 0,
    };
    let log_groups = parser.source_clauses()?;
    let mut commands = Vec::new();
    loop {
        commands.push(parser.command()?);
        let token = parser.next();
        match token.kind {
            TokenKind::End => break,
            TokenKind::Pipe => {
                if parser.peek().kind == TokenKind::End {
                    return Err(error_at(parser.peek(), "expected a command after `|`"));
                }
            }
            _ => {
                return Err(error_at(
                    &token,
                    format!(
                        "expected `|` or the end of the query, found {}",
                        token.describe()
                    ),
                ))
            }
        }
    }
    Ok(ParsedQuery {
        log_groups,
        fields: parser.fields,
        commands,
    })
}

impl Parser {
    fn peek(&self) -> &Token {
        // The lexer always ends the list with `End`, and `next` never moves past it.
        &self.tokens[self.position.min(self.tokens.len() - 1)]
    }

    fn peek_second(&self) -> &Token {
        &self.tokens[(self.position + 1).min(self.tokens.len() - 1)]
    }

    fn next(&mut self) -> Token {
        let token = self.peek().clone();
        if token.kind != TokenKind::End {
            self.position += 1;
        }
        token
    }

    fn expect(&mut self, kind: TokenKind, shown: &str) -> Result<Token, QueryError> {
        if self.peek().kind == kind {
            Ok(self.next())
        } else {
            Err(error_at(
                self.peek(),
                format!("expected {shown}, found {}", self.peek().describe()),
            ))
        }
    }

    fn eat_keyword(&mut self, keyword: &str) -> bool {
        if self.peek().is_keyword(keyword) {
            self.next();
            true
        } else {
            false
        }
    }

    /// Leading `SOURCE 'log-group' |` clauses, as CloudWatch dashboards write them.
    fn source_clauses(&mut self) -> Result<Vec<String>, QueryError> {
        let mut log_groups = Vec::new();
        while self.peek().is_keyword("source") {
            self.next();
            let token = self.next();
            match &token.kind {
                TokenKind::Text(name) => log_groups.push(name.clone()),
                TokenKind::Word(word) if word.eq_ignore_ascii_case("logGroups") => {
                    return Err(error_at(
                        &token,
                        not_in_subset(
                            "`SOURCE logGroups(…)`",
                            "name each log group with `SOURCE '<log group>' |`",
                        ),
                    ))
                }
                _ => {
                    return Err(error_at(
                        &token,
                        format!(
                            "expected a log group name in quotes after SOURCE, found {}",
                            token.describe()
                        ),
                    ))
                }
            }
            self.expect(TokenKind::Pipe, "`|` after the SOURCE clause")?;
        }
        Ok(log_groups)
    }

    fn command(&mut self) -> Result<Command, QueryError> {
        let token = self.next();
        let TokenKind::Word(word) = &token.kind else {
            return Err(error_at(
                &token,
                format!(
                    "expected a command ({SUPPORTED_COMMANDS}), found {}",
                    token.describe()
                ),
            ));
        };
        match word.to_ascii_lowercase().as_str() {
            "fields" => self.fields_command(),
            "display" => self.display_command(),
            "filter" => Ok(Command::Filter(self.condition()?)),
            "parse" => self.parse_command(),
            "stats" => self.stats_command(),
            "sort" => self.sort_command(),
            "limit" => self.limit_command(),
            "source" => Err(error_at(
                &token,
                "SOURCE clauses come first, before every command",
            )),
            _ if OTHER_INSIGHTS_COMMANDS
                .iter()
                .any(|known| known.eq_ignore_ascii_case(word)) =>
            {
                Err(error_at(
                    &token,
                    not_in_subset(
                        &format!("`{word}`"),
                        &format!("supported: {SUPPORTED_COMMANDS}"),
                    ),
                ))
            }
            _ => Err(error_at(
                &token,
                format!("unknown command `{word}` (supported: {SUPPORTED_COMMANDS})"),
            )),
        }
    }

    /// A field as written: a name or a name in backticks. System fields the store does not
    /// record are refused here, wherever they are named.
    fn field_name(&mut self) -> Result<(String, Token), QueryError> {
        let token = self.next();
        let name = match &token.kind {
            TokenKind::Word(name) | TokenKind::QuotedName(name) => name.clone(),
            _ => {
                return Err(error_at(
                    &token,
                    format!("expected a field name, found {}", token.describe()),
                ))
            }
        };
        if UNRECORDED_SYSTEM_FIELDS
            .iter()
            .any(|unrecorded| name == *unrecorded || name.starts_with(&format!("{unrecorded}.")))
        {
            return Err(error_at(
                &token,
                format!(
                    "`{name}` is not recorded by mapsim's log store (system fields: @timestamp, @message, @logStream, @log)"
                ),
            ));
        }
        Ok((name, token))
    }

    /// A field, or the name a `stats` result goes by (`count(*)`, `avg(x)`, `bin(5m)`), which
    /// later commands may name to sort, filter or display it.
    fn field_or_result_name(&mut self, context: &str) -> Result<(String, Token), QueryError> {
        let is_call = matches!(&self.peek().kind, TokenKind::Word(_))
            && self.peek_second().kind == TokenKind::OpenParen;
        if !is_call {
            return self.field_name();
        }
        let token = self.peek().clone();
        let TokenKind::Word(name) = &token.kind else {
            return self.field_name();
        };
        if let Some(function) = aggregate_function(name) {
            let (_, _, text) = self.aggregate_call(function)?;
            return Ok((text, token));
        }
        if name.eq_ignore_ascii_case("bin") {
            let (_, text) = self.bin_call()?;
            return Ok((text, token));
        }
        Err(self.function_refusal(&token, name, context))
    }

    fn function_refusal(&self, token: &Token, name: &str, context: &str) -> QueryError {
        if is_known_function(name) {
            error_at(token, not_in_subset(&format!("function `{name}`"), context))
        } else {
            error_at(token, format!("unknown function `{name}` ({context})"))
        }
    }

    /// After an item of a list: arithmetic is refused by name, anything else is left to the
    /// caller.
    fn refuse_arithmetic(&self) -> Result<(), QueryError> {
        let token = self.peek();
        let operator = match token.kind {
            TokenKind::Other(operator @ ('+' | '-' | '/' | '%' | '^')) => operator,
            TokenKind::Star => '*',
            _ => return Ok(()),
        };
        Err(error_at(
            token,
            not_in_subset(
                &format!("arithmetic (`{operator}`)"),
                "values are compared, not computed",
            ),
        ))
    }

    fn alias(&mut self) -> Result<Option<String>, QueryError> {
        if self.eat_keyword("as") {
            Ok(Some(self.field_name()?.0))
        } else {
            Ok(None)
        }
    }

    fn fields_command(&mut self) -> Result<Command, QueryError> {
        let mut items = Vec::new();
        loop {
            let (name, _) = self.field_or_result_name(
                "`fields` takes field names, each optionally `as` a new name",
            )?;
            self.refuse_arithmetic()?;
            let source = self.fields.slot(&name);
            let target = match self.alias()? {
                Some(alias) => self.fields.slot(&alias),
                None => source,
            };
            items.push(FieldItem { source, target });
            if self.peek().kind != TokenKind::Comma {
                return Ok(Command::Fields(items));
            }
            self.next();
        }
    }

    fn display_command(&mut self) -> Result<Command, QueryError> {
        let mut slots = Vec::new();
        loop {
            let (name, _) = self.field_or_result_name("`display` takes field names")?;
            self.refuse_arithmetic()?;
            slots.push(self.fields.slot(&name));
            if self.peek().kind != TokenKind::Comma {
                return Ok(Command::Display(slots));
            }
            self.next();
        }
    }

    fn condition(&mut self) -> Result<Condition, QueryError> {
        let mut left = self.conjunction()?;
        while self.eat_keyword("or") {
            let right = self.conjunction()?;
            left = Condition::Or(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn conjunction(&mut self) -> Result<Condition, QueryError> {
        let mut left = self.negation()?;
        while self.eat_keyword("and") {
            let right = self.negation()?;
            left = Condition::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn deeper(&mut self) -> Result<(), QueryError> {
        self.depth += 1;
        if self.depth > MAX_CONDITION_DEPTH {
            return Err(error_at(
                self.peek(),
                format!(
                    "the condition nests deeper than {MAX_CONDITION_DEPTH} parentheses and `not`s"
                ),
            ));
        }
        Ok(())
    }

    fn negation(&mut self) -> Result<Condition, QueryError> {
        if self.peek().is_keyword("not") {
            self.next();
            self.deeper()?;
            let inner = self.negation()?;
            self.depth -= 1;
            return Ok(Condition::Not(Box::new(inner)));
        }
        self.predicate()
    }

    fn predicate(&mut self) -> Result<Condition, QueryError> {
        if self.peek().kind == TokenKind::OpenParen {
            self.next();
            self.deeper()?;
            let inner = self.condition()?;
            self.depth -= 1;
            self.expect(TokenKind::CloseParen, "`)`")?;
            return Ok(inner);
        }
        if let TokenKind::Word(name) = &self.peek().kind {
            if self.peek_second().kind == TokenKind::OpenParen
                && name.eq_ignore_ascii_case("ispresent")
            {
                self.next();
                self.next();
                let (field, _) = self.field_name()?;
                self.expect(TokenKind::CloseParen, "`)`")?;
                return Ok(Condition::IsPresent(self.fields.slot(&field)));
            }
        }
        let operand = self.operand()?;
        self.refuse_arithmetic()?;
        let token = self.peek().clone();
        let comparison = match token.kind {
            TokenKind::Equal => Some(Comparison::Equal),
            TokenKind::NotEqual => Some(Comparison::NotEqual),
            TokenKind::Less => Some(Comparison::Less),
            TokenKind::LessOrEqual => Some(Comparison::LessOrEqual),
            TokenKind::Greater => Some(Comparison::Greater),
            TokenKind::GreaterOrEqual => Some(Comparison::GreaterOrEqual),
            _ => None,
        };
        if let Some(comparison) = comparison {
            self.next();
            let right = self.operand()?;
            self.refuse_arithmetic()?;
            return Ok(Condition::Compare {
                left: operand,
                comparison,
                right,
            });
        }
        if token.kind == TokenKind::Matches {
            self.next();
            let matcher = self.text_matcher(true)?;
            return Ok(Condition::Like {
                operand,
                matcher,
                negated: false,
            });
        }
        let negated = token.is_keyword("not");
        if negated {
            self.next();
        }
        let keyword = self.peek().clone();
        let condition = if keyword.is_keyword("like") {
            self.next();
            Condition::Like {
                operand,
                matcher: self.text_matcher(false)?,
                negated,
            }
        } else if keyword.is_keyword("in") {
            self.next();
            Condition::In {
                operand,
                values: self.value_list()?,
                negated,
            }
        } else {
            let expected = if negated {
                "`like` or `in` after `not`"
            } else {
                "a comparison (`=`, `!=`, `<`, `<=`, `>`, `>=`, `like`, `not like`, `=~`, `in`)"
            };
            return Err(error_at(
                &keyword,
                format!("expected {expected}, found {}", keyword.describe()),
            ));
        };
        Ok(condition)
    }

    fn operand(&mut self) -> Result<Operand, QueryError> {
        let token = self.peek().clone();
        match &token.kind {
            TokenKind::Text(text) => {
                self.next();
                Ok(Operand::Literal(Value::Text(Cow::Owned(text.clone()))))
            }
            TokenKind::Number { .. } | TokenKind::Other('-') => {
                Ok(Operand::Literal(self.number_literal()?))
            }
            TokenKind::Word(word)
                if (word.eq_ignore_ascii_case("true") || word.eq_ignore_ascii_case("false"))
                    && self.peek_second().kind != TokenKind::OpenParen =>
            {
                // JSON booleans are discovered as the text `true` / `false`.
                self.next();
                Ok(Operand::Literal(Value::Text(Cow::Owned(
                    word.to_ascii_lowercase(),
                ))))
            }
            TokenKind::Word(_) | TokenKind::QuotedName(_) => {
                let (name, _) =
                    self.field_or_result_name("`filter` supports the function ispresent")?;
                Ok(Operand::Field(self.fields.slot(&name)))
            }
            _ => Err(error_at(
                &token,
                format!(
                    "expected a field name or a value, found {}",
                    token.describe()
                ),
            )),
        }
    }

    fn number_literal(&mut self) -> Result<Value<'static>, QueryError> {
        let sign = self.peek().clone();
        let negative = sign.kind == TokenKind::Other('-');
        if negative {
            self.next();
        }
        let token = self.next();
        match &token.kind {
            TokenKind::Number { text, unit } if unit.is_empty() => {
                let written = if negative {
                    format!("-{text}")
                } else {
                    text.clone()
                };
                if parse_number(&written).is_none() {
                    return Err(error_at(&token, format!("`{written}` is not a number")));
                }
                Ok(Value::Number(Cow::Owned(written)))
            }
            TokenKind::Number { text, unit } => Err(error_at(
                &token,
                format!("unexpected unit `{unit}` after `{text}` (time units belong in `bin(…)`)"),
            )),
            _ if negative => Err(error_at(
                &sign,
                not_in_subset("arithmetic (`-`)", "values are compared, not computed"),
            )),
            _ => Err(error_at(
                &token,
                format!("expected a number, found {}", token.describe()),
            )),
        }
    }

    fn value_list(&mut self) -> Result<Vec<Value<'static>>, QueryError> {
        self.expect(TokenKind::OpenBracket, "`[`")?;
        let mut values = Vec::new();
        if self.peek().kind == TokenKind::CloseBracket {
            self.next();
            return Ok(values);
        }
        loop {
            match self.operand()? {
                Operand::Literal(value) => values.push(value),
                Operand::Field(_) => {
                    let token = &self.tokens[self.position.saturating_sub(1)];
                    return Err(error_at(
                        token,
                        "a list after `in` holds strings and numbers, not fields",
                    ));
                }
            }
            let token = self.next();
            match token.kind {
                TokenKind::Comma => {}
                TokenKind::CloseBracket => return Ok(values),
                _ => {
                    return Err(error_at(
                        &token,
                        format!("expected `,` or `]`, found {}", token.describe()),
                    ))
                }
            }
        }
    }

    /// The pattern after `like` (a string or a regex) or `=~` (a regex only).
    fn text_matcher(&mut self, regex_only: bool) -> Result<TextMatcher, QueryError> {
        let token = self.next();
        match &token.kind {
            TokenKind::Text(text) if !regex_only => Ok(TextMatcher::Substring(text.clone())),
            TokenKind::Regex { pattern, flags } => Ok(TextMatcher::Regex(Box::new(
                self.compile_regex(&token, pattern, flags)?,
            ))),
            _ => {
                let expected = if regex_only {
                    "a /regular expression/"
                } else {
                    "a string or a /regular expression/"
                };
                Err(error_at(
                    &token,
                    format!("expected {expected}, found {}", token.describe()),
                ))
            }
        }
    }

    fn compile_regex(
        &self,
        token: &Token,
        pattern: &str,
        flags: &str,
    ) -> Result<Pattern, QueryError> {
        if let Some(flag) = flags.chars().find(|flag| *flag != 'i') {
            return Err(error_at(
                token,
                format!("regular expression flag `{flag}` is not supported (supported: i)"),
            ));
        }
        Pattern::regex(pattern, !flags.is_empty()).map_err(|message| error_at(token, message))
    }

    fn parse_command(&mut self) -> Result<Command, QueryError> {
        let (source_name, _) = self.field_name()?;
        let source = self.fields.slot(&source_name);
        let token = self.next();
        let pattern = match &token.kind {
            TokenKind::Regex { pattern, flags } => {
                let compiled = self.compile_regex(&token, pattern, flags)?;
                if compiled.group_names.is_empty() {
                    return Err(error_at(
                        &token,
                        "the regular expression has no named capturing group `(?<name>…)`",
                    ));
                }
                if self.peek().is_keyword("as") {
                    return Err(error_at(
                        self.peek(),
                        "a regular expression names its fields with `(?<name>…)`; `as` follows a glob pattern in quotes",
                    ));
                }
                compiled
            }
            TokenKind::Text(glob) => {
                let as_token = self.peek().clone();
                if !self.eat_keyword("as") {
                    return Err(error_at(
                        &as_token,
                        format!(
                            "expected `as` and the names of the glob's `*`s, found {}",
                            as_token.describe()
                        ),
                    ));
                }
                let mut names = vec![self.field_name()?.0];
                while self.peek().kind == TokenKind::Comma {
                    self.next();
                    names.push(self.field_name()?.0);
                }
                let stars = glob.matches('*').count();
                if stars != names.len() {
                    return Err(error_at(
                        &as_token,
                        format!(
                            "the glob has {stars} `*` but {} names follow `as`",
                            names.len()
                        ),
                    ));
                }
                Pattern::glob(glob, names).map_err(|message| error_at(&token, message))?
            }
            _ => {
                return Err(error_at(
                    &token,
                    format!(
                        "expected a glob pattern in quotes or a /regular expression/, found {}",
                        token.describe()
                    ),
                ))
            }
        };
        let targets = pattern
            .group_names
            .iter()
            .map(|name| self.fields.slot(name))
            .collect::<Vec<Slot>>();
        Ok(Command::Parse {
            source,
            pattern: Box::new(pattern),
            targets,
        })
    }

    /// `name(…)` of an aggregate: its argument and the name its result goes by.
    fn aggregate_call(
        &mut self,
        function: AggregateFunction,
    ) -> Result<(AggregateFunction, Option<Slot>, String), QueryError> {
        let name_token = self.next();
        let TokenKind::Word(name) = &name_token.kind else {
            return Err(error_at(&name_token, "expected an aggregate function"));
        };
        let name = name.to_ascii_lowercase();
        self.expect(TokenKind::OpenParen, "`(`")?;
        let token = self.peek().clone();
        let (argument, text) = match &token.kind {
            TokenKind::CloseParen if function == AggregateFunction::Count => (None, String::new()),
            TokenKind::Star if function == AggregateFunction::Count => {
                self.next();
                (None, "*".to_string())
            }
            _ => {
                if let TokenKind::Word(inner) = &token.kind {
                    if self.peek_second().kind == TokenKind::OpenParen {
                        return Err(self.function_refusal(
                            &token,
                            inner,
                            "an aggregate takes a field name",
                        ));
                    }
                }
                let (field, _) = self.field_name()?;
                (Some(self.fields.slot(&field)), field)
            }
        };
        self.refuse_arithmetic()?;
        self.expect(TokenKind::CloseParen, "`)`")?;
        Ok((function, argument, format!("{name}({text})")))
    }

    /// `bin(period)`: the period in milliseconds and the name the group goes by.
    fn bin_call(&mut self) -> Result<(i64, String), QueryError> {
        self.next();
        self.expect(TokenKind::OpenParen, "`(`")?;
        let token = self.next();
        let TokenKind::Number { text, unit } = &token.kind else {
            return Err(error_at(
                &token,
                format!("expected a period such as `5m`, found {}", token.describe()),
            ));
        };
        let Some(unit_milliseconds) = bin_unit_milliseconds(unit) else {
            let message = if unit.is_empty() {
                "expected a time unit after the number (ms, s, m, h, d, w)".to_string()
            } else if is_calendar_unit(unit) {
                not_in_subset(
                    &format!("the calendar unit `{unit}`"),
                    "bin takes ms, s, m, h, d, w",
                )
            } else {
                format!("unknown time unit `{unit}` (bin takes ms, s, m, h, d, w)")
            };
            return Err(error_at(&token, message));
        };
        let count = parse_number(text).unwrap_or(0.0);
        let period = (count * unit_milliseconds as f64).round();
        // Ten years is far beyond any simulated run; the bound keeps the arithmetic in range.
        if !(1.0..=315_576_000_000.0).contains(&period) {
            return Err(error_at(
                &token,
                "the period must be at least 1 ms and at most 10 years",
            ));
        }
        self.expect(TokenKind::CloseParen, "`)`")?;
        Ok((period as i64, format!("bin({text}{unit})")))
    }

    fn stats_command(&mut self) -> Result<Command, QueryError> {
        const CONTEXT: &str = "stats supports count, sum, avg, min, max";
        let mut aggregates = Vec::new();
        loop {
            let token = self.peek().clone();
            let TokenKind::Word(name) = &token.kind else {
                return Err(error_at(
                    &token,
                    format!(
                        "expected an aggregate such as `count(*)`, found {}",
                        token.describe()
                    ),
                ));
            };
            if self.peek_second().kind != TokenKind::OpenParen {
                return Err(error_at(
                    &token,
                    format!(
                        "expected an aggregate such as `count(*)`, found {}",
                        token.describe()
                    ),
                ));
            }
            let Some(function) = aggregate_function(name) else {
                return Err(self.function_refusal(&token, name, CONTEXT));
            };
            let (function, argument, text) = self.aggregate_call(function)?;
            self.refuse_arithmetic()?;
            let target_name = self.alias()?.unwrap_or(text);
            aggregates.push(Aggregate {
                function,
                argument,
                target: self.fields.slot(&target_name),
            });
            if self.peek().kind != TokenKind::Comma {
                break;
            }
            self.next();
        }
        let mut groups = Vec::new();
        if self.eat_keyword("by") {
            loop {
                let token = self.peek().clone();
                let is_call = self.peek_second().kind == TokenKind::OpenParen;
                let group = match &token.kind {
                    TokenKind::Word(name) if is_call && name.eq_ignore_ascii_case("bin") => {
                        let (period_milliseconds, text) = self.bin_call()?;
                        let timestamp = self.fields.slot("@timestamp");
                        let target_name = self.alias()?.unwrap_or(text);
                        Group {
                            key: GroupKey::Bin {
                                period_milliseconds,
                                timestamp,
                            },
                            target: self.fields.slot(&target_name),
                        }
                    }
                    TokenKind::Word(name) if is_call => {
                        return Err(self.function_refusal(
                            &token,
                            name,
                            "stats groups by fields and bin(period)",
                        ))
                    }
                    _ => {
                        let (field, _) = self.field_name()?;
                        let source = self.fields.slot(&field);
                        let target = match self.alias()? {
                            Some(alias) => self.fields.slot(&alias),
                            None => source,
                        };
                        Group {
                            key: GroupKey::Field(source),
                            target,
                        }
                    }
                };
                groups.push(group);
                self.refuse_arithmetic()?;
                if self.peek().kind != TokenKind::Comma {
                    break;
                }
                self.next();
            }
        }
        if self.peek().is_keyword("offset") {
            return Err(error_at(self.peek(), not_in_subset("`offset`", CONTEXT)));
        }
        Ok(Command::Stats { aggregates, groups })
    }

    fn sort_command(&mut self) -> Result<Command, QueryError> {
        let mut keys = Vec::new();
        loop {
            let (name, _) = self.field_or_result_name("`sort` takes field names")?;
            self.refuse_arithmetic()?;
            // The sort page does not say which order a bare `sort f` takes; mapsim takes
            // descending, the order of every example in Insights' documentation.
            let descending = if self.eat_keyword("asc") {
                false
            } else {
                self.eat_keyword("desc");
                true
            };
            keys.push(SortKey {
                slot: self.fields.slot(&name),
                descending,
            });
            if self.peek().kind != TokenKind::Comma {
                return Ok(Command::Sort(keys));
            }
            self.next();
        }
    }

    fn limit_command(&mut self) -> Result<Command, QueryError> {
        let token = self.next();
        match &token.kind {
            TokenKind::Number { text, unit } if unit.is_empty() => match text.parse::<usize>() {
                Ok(limit) if (1..=MAX_LIMIT).contains(&limit) => Ok(Command::Limit(limit)),
                _ => Err(error_at(
                    &token,
                    format!("the limit must be a whole number from 1 to {MAX_LIMIT}"),
                )),
            },
            TokenKind::Word(word) if word.eq_ignore_ascii_case("any") => Err(error_at(
                &token,
                not_in_subset("`limit any`", "limit takes a number"),
            )),
            _ => Err(error_at(
                &token,
                format!(
                    "expected the number of rows after `limit`, found {}",
                    token.describe()
                ),
            )),
        }
    }
}
