//! Reads the contents of a Distributed Map `ItemReader` source file (CSV, JSON or JSON Lines) into
//! items the way Step Functions does, so that a sample file can stand in for the S3 object.
//!
//! Pure: bytes in, items (or the `States.ItemReaderFailed` cause Step Functions would report) out.
//! Malformed input is data: nothing here panics on it.
//!
//! Sources, cited where each rule is applied:
//! - [CSV rules]: how Step Functions parses text delimited files (delimiters, quotes, backslashes,
//!   short and long rows).
//! - [ItemReader]: `ReaderConfig` (`InputType`, `CSVHeaderLocation`, `CSVHeaders`, `CSVDelimiter`,
//!   `MaxItems`) and the 10 KiB limit on CSV headers.
//! - [JSONL]: JSON Lines input, one JSON value per line.
//! - Recordings of real executions (LocalStack snapshots validated against AWS, in
//!   `shared/asl-corpus`): `_extracted/10_item_reader_failed_csv_duplicate_headers.json`,
//!   `10b_item_reader_failed_json_not_list.json`, `10c_item_reader_max_items_path.json`, and the
//!   CSV/JSON item outputs in `localstack/.../scenarios/test_base_scenarios.snapshot.json`
//!   (`test_map_item_reader_*`).
//!
//! What no document or recording settles is either an error whose cause is ours
//! ([`ReaderError::assumed`]) or a [`ReaderAssumption`] listed with the items.
//!
//! [CSV rules]: https://docs.aws.amazon.com/step-functions/latest/dg/example-csv-parse-dist-map.html
//! [ItemReader]: https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itemreader.html
//! [JSONL]: https://aws.amazon.com/blogs/compute/introducing-jsonl-support-with-step-functions-distributed-map

use std::collections::BTreeSet;
use std::fmt;

use serde_json::{Map, Value};

/// The error name of every failure here: the Map Run fails with it.
pub const ITEM_READER_FAILED: &str = "States.ItemReaderFailed";

/// "Currently, Step Functions supports CSV headers of up to 10 KiB." [ItemReader]
///
/// [ItemReader]: https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itemreader.html
pub const CSV_HEADER_LIMIT_BYTES: usize = 10 * 1024;

/// `MaxItems`: "Currently, you can specify a limit of up to 100,000,000" [ItemReader]. Recording
/// 10c runs `MaxItems` 100000001 (through `MaxItemsPath`) to success, and the LocalStack test that
/// recorded it notes that "the Distributed Map state stops reading items beyond 100_000_000": no
/// item past this one is read, whatever `MaxItems` says.
///
/// [ItemReader]: https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itemreader.html
pub const MAX_ITEMS_LIMIT: usize = 100_000_000;

/// `ReaderConfig.InputType`. `PARQUET` and `MANIFEST` are not read from a sample file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputType {
    Csv,
    Json,
    Jsonl,
}

/// `ReaderConfig.CSVHeaderLocation`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeaderLocation {
    /// The first row of the file is the header.
    FirstRow,
    /// The header is `CSVHeaders`; every row of the file is data.
    Given,
}

/// `ReaderConfig.CSVDelimiter` [ItemReader].
///
/// [ItemReader]: https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itemreader.html
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Delimiter {
    #[default]
    Comma,
    Pipe,
    Semicolon,
    Space,
    Tab,
}

impl Delimiter {
    pub fn byte(self) -> u8 {
        match self {
            Delimiter::Comma => b',',
            Delimiter::Pipe => b'|',
            Delimiter::Semicolon => b';',
            Delimiter::Space => b' ',
            Delimiter::Tab => b'\t',
        }
    }

    fn from_name(name: &str) -> Option<Delimiter> {
        Some(match name {
            "COMMA" => Delimiter::Comma,
            "PIPE" => Delimiter::Pipe,
            "SEMICOLON" => Delimiter::Semicolon,
            "SPACE" => Delimiter::Space,
            "TAB" => Delimiter::Tab,
            _ => return None,
        })
    }
}

/// How to read a file: an `ItemReader.ReaderConfig` with its `MaxItems` resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReaderConfig {
    pub input_type: InputType,
    /// Read for CSV only.
    pub csv_header_location: HeaderLocation,
    /// The header with [`HeaderLocation::Given`]; not read with [`HeaderLocation::FirstRow`].
    pub csv_headers: Option<Vec<String>>,
    pub csv_delimiter: Delimiter,
    /// `MaxItems` (or the value `MaxItemsPath` or a JSONata `MaxItems` gave): the first N items;
    /// `None` or 0 read them all.
    pub max_items: Option<i64>,
}

impl ReaderConfig {
    /// A configuration with the defaults: header in the first row, comma, no `MaxItems`.
    pub fn new(input_type: InputType) -> ReaderConfig {
        ReaderConfig {
            input_type,
            csv_header_location: HeaderLocation::FirstRow,
            csv_headers: None,
            csv_delimiter: Delimiter::Comma,
            max_items: None,
        }
    }

    /// Reads an ASL `ItemReader.ReaderConfig` object. `MaxItemsPath` and a JSONata `MaxItems`
    /// (a `{% … %}` string) are left for the caller to evaluate into [`ReaderConfig::max_items`].
    pub fn from_reader_config(config: &Value) -> Result<ReaderConfig, String> {
        let Value::Object(config) = config else {
            return Err("`ReaderConfig` must be an object".into());
        };
        let text = |key: &str| -> Result<Option<&str>, String> {
            match config.get(key) {
                None => Ok(None),
                Some(Value::String(s)) => Ok(Some(s.as_str())),
                Some(_) => Err(format!("`ReaderConfig.{key}` must be a string")),
            }
        };
        let input_type = match text("InputType")? {
            Some("CSV") => InputType::Csv,
            Some("JSON") => InputType::Json,
            Some("JSONL") => InputType::Jsonl,
            Some(other @ ("PARQUET" | "MANIFEST")) => {
                return Err(format!(
                    "`ReaderConfig.InputType` {other} cannot be read from a sample file; mapsim reads CSV, JSON and JSONL files"
                ))
            }
            Some(other) => {
                return Err(format!(
                    "`ReaderConfig.InputType` must be CSV, JSON, JSONL, PARQUET or MANIFEST, not {other:?}"
                ))
            }
            None => {
                return Err(
                    "`ReaderConfig` has no `InputType`: say whether the file is CSV, JSON or JSONL"
                        .into(),
                )
            }
        };
        // ItemsPointer picks the array inside a JSON file; silently reading the top level
        // instead would give other items than AWS, so it is refused until it is supported.
        if config.contains_key("ItemsPointer") {
            return Err(
                "`ReaderConfig.ItemsPointer` is not supported by mapsim's sample-file reader yet"
                    .into(),
            );
        }
        let csv_delimiter = match text("CSVDelimiter")? {
            None => Delimiter::Comma,
            Some(name) => Delimiter::from_name(name).ok_or_else(|| {
                format!(
                    "`ReaderConfig.CSVDelimiter` must be COMMA, PIPE, SEMICOLON, SPACE or TAB, not {name:?}"
                )
            })?,
        };
        let csv_headers = match config.get("CSVHeaders") {
            None => None,
            Some(Value::Array(list)) => {
                let mut headers = Vec::with_capacity(list.len());
                for header in list {
                    let Value::String(header) = header else {
                        return Err("`ReaderConfig.CSVHeaders` must be an array of strings".into());
                    };
                    headers.push(header.clone());
                }
                Some(headers)
            }
            Some(_) => return Err("`ReaderConfig.CSVHeaders` must be an array of strings".into()),
        };
        let csv_header_location =
            match (input_type, text("CSVHeaderLocation")?) {
                (_, Some("FIRST_ROW")) => HeaderLocation::FirstRow,
                (_, Some("GIVEN")) => HeaderLocation::Given,
                (_, Some(other)) => {
                    return Err(format!(
                    "`ReaderConfig.CSVHeaderLocation` must be FIRST_ROW or GIVEN, not {other:?}"
                ))
                }
                // [ItemReader]: "You must specify this field only if you use a CSV file as dataset."
                (InputType::Csv, None) => return Err(
                    "`ReaderConfig` of a CSV file needs `CSVHeaderLocation` (FIRST_ROW or GIVEN)"
                        .into(),
                ),
                (_, None) => HeaderLocation::FirstRow,
            };
        if input_type == InputType::Csv && csv_header_location == HeaderLocation::Given {
            match &csv_headers {
                None => {
                    return Err(
                        "`ReaderConfig.CSVHeaderLocation` GIVEN needs `CSVHeaders`, the list of column names"
                            .into(),
                    )
                }
                Some(list) if list.is_empty() => {
                    return Err("`ReaderConfig.CSVHeaders` must name at least one column".into())
                }
                Some(_) => {}
            }
        }
        let max_items = match config.get("MaxItems") {
            None | Some(Value::String(_)) => None,
            Some(Value::Number(n)) => match (n.as_i64(), n.as_f64()) {
                (Some(i), _) => Some(i),
                (None, Some(f)) if f.fract() == 0.0 && f.abs() <= 9.0e15 => Some(f as i64),
                _ => {
                    return Err(format!(
                        "`ReaderConfig.MaxItems` must be an integer, not {n}"
                    ))
                }
            },
            Some(_) => return Err("`ReaderConfig.MaxItems` must be an integer".into()),
        };
        Ok(ReaderConfig {
            input_type,
            csv_header_location,
            csv_headers,
            csv_delimiter,
            max_items,
        })
    }
}

/// What a file gave: its items, in file order, and the choices reading it needed that no AWS
/// document or recording settles (each listed once, in the order met).
#[derive(Debug, Clone, PartialEq)]
pub struct ReadItems {
    pub items: Vec<Value>,
    pub assumptions: Vec<ReaderAssumption>,
}

/// What a file gave, as [`read_rows`] keeps it: a CSV file's rows found and checked but each
/// made into an item only when asked ([`CsvRows::item`]); JSON and JSON Lines parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadRows {
    pub rows: ItemRows,
    pub assumptions: Vec<ReaderAssumption>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ItemRows {
    Values(Vec<Value>),
    Csv(CsvRows),
}

impl ItemRows {
    pub fn len(&self) -> usize {
        match self {
            ItemRows::Values(v) => v.len(),
            ItemRows::Csv(rows) => rows.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every item, made now.
    pub fn into_values(self) -> Vec<Value> {
        match self {
            ItemRows::Values(v) => v,
            ItemRows::Csv(rows) => (0..rows.len()).filter_map(|i| rows.item(i)).collect(),
        }
    }
}

/// A CSV file's data rows: the text, the header and where each row starts, all checked when
/// read; an item is made from its row when asked, as [`read_items`] makes it.
#[derive(Debug, Clone, PartialEq)]
pub struct CsvRows {
    text: std::rc::Rc<str>,
    headers: std::rc::Rc<[String]>,
    starts: std::rc::Rc<[usize]>,
    len: usize,
    delimiter: u8,
}

impl CsvRows {
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The first `n` rows (the same text and header, shared).
    pub fn first(&self, n: usize) -> CsvRows {
        CsvRows {
            len: n.min(self.len),
            ..self.clone()
        }
    }

    /// Row `i` as its item: `{header: field, …}` in header order, missing fields empty, extra
    /// ones skipped.
    pub fn item(&self, i: usize) -> Option<Value> {
        if i >= self.len {
            return None;
        }
        let start = *self.starts.get(i)?;
        let mut scanner = CsvScanner::new(&self.text, self.delimiter);
        scanner.pos = start;
        let mut fields = Vec::new();
        match scanner.record(&mut fields) {
            Ok(Record::Fields) => Some(row_item(&self.headers, &mut fields)),
            _ => None,
        }
    }
}

/// A record's fields under the header (see [`read_csv`]).
fn row_item(headers: &[String], fields: &mut Vec<String>) -> Value {
    let mut values = fields.drain(..);
    let mut item = Map::with_capacity(headers.len());
    for header in headers {
        let value = values.next().unwrap_or_default();
        item.insert(header.clone(), Value::String(value));
    }
    Value::Object(item)
}

/// A reading choice this module makes where AWS says nothing; noted only when a file needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ReaderAssumption {
    /// A UTF-8 byte order mark at the start of the file is skipped.
    ByteOrderMark,
    /// An empty line in a CSV file is skipped: no item (rather than one with empty values).
    BlankCsvLine,
    /// A blank line in a JSON Lines file is skipped.
    BlankJsonLine,
    /// A `"` inside an unquoted CSV field (not doubled) is kept as a character.
    QuoteInsideField,
    /// Text after the closing quote of a CSV field, before the delimiter, is kept in the field.
    TextAfterClosingQuote,
    /// A CSV file with `FIRST_ROW` headers and no row at all gives no items, not a failure.
    NoHeaderRow,
}

impl ReaderAssumption {
    /// A stable name, for the run's list of assumptions.
    pub fn key(self) -> &'static str {
        match self {
            ReaderAssumption::ByteOrderMark => "item_reader_byte_order_mark",
            ReaderAssumption::BlankCsvLine => "item_reader_blank_csv_line",
            ReaderAssumption::BlankJsonLine => "item_reader_blank_json_line",
            ReaderAssumption::QuoteInsideField => "item_reader_quote_inside_field",
            ReaderAssumption::TextAfterClosingQuote => "item_reader_text_after_closing_quote",
            ReaderAssumption::NoHeaderRow => "item_reader_no_header_row",
        }
    }

    pub fn text(self) -> &'static str {
        match self {
            ReaderAssumption::ByteOrderMark => {
                "a UTF-8 byte order mark at the start of the ItemReader file is skipped (not settled by any AWS document or recording)"
            }
            ReaderAssumption::BlankCsvLine => {
                "an empty line in a CSV ItemReader file is skipped rather than read as an item of empty strings (not settled by any AWS document or recording)"
            }
            ReaderAssumption::BlankJsonLine => {
                "a blank line in a JSON Lines ItemReader file is skipped (not settled by any AWS document or recording)"
            }
            ReaderAssumption::QuoteInsideField => {
                "a lone double quote inside an unquoted CSV field is kept as a character (AWS documents only enclosing and doubled quotes)"
            }
            ReaderAssumption::TextAfterClosingQuote => {
                "text between the closing double quote of a CSV field and the next delimiter is kept in the field (not settled by any AWS document or recording)"
            }
            ReaderAssumption::NoHeaderRow => {
                "a CSV ItemReader file with CSVHeaderLocation FIRST_ROW and no rows gives no items rather than failing (not settled by any AWS document or recording)"
            }
        }
    }
}

/// 1-based line and column (in characters) in the file. Lines end at `\n`, `\r\n` or a lone `\r`
/// in CSV files, at `\n` in JSON and JSON Lines files (as their parsers count them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub line: u32,
    pub column: u32,
}

/// Why the Map Run fails with `States.ItemReaderFailed` ([`ITEM_READER_FAILED`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReaderError {
    /// `MaxItems` below zero. Recorded cause (10c, through `MaxItemsPath` -1):
    /// "field MaxItems must be positive".
    NegativeMaxItems { max_items: i64 },
    /// A header name appears twice. Recorded cause for `GIVEN` headers (10):
    /// "CSV headers cannot contain duplicates."; for a `FIRST_ROW` header the same cause is
    /// assumed (not recorded).
    DuplicateHeader {
        header: String,
        location: HeaderLocation,
        /// Where the second one is, for a `FIRST_ROW` header.
        position: Option<Position>,
    },
    /// A JSON file whose top-level value is not an array. Recorded cause for an object (10b):
    /// "Attempting to map over non-iterable node."; for a string, number, boolean or null the
    /// same cause is assumed.
    NotAnArray { found: &'static str },
    /// The CSV header is over [`CSV_HEADER_LIMIT_BYTES`] (a documented limit; the cause is not
    /// recorded). `GIVEN` headers are measured as the header row they stand for.
    HeaderTooLong {
        bytes: usize,
        position: Option<Position>,
    },
    /// The file is not UTF-8 text (the cause is not recorded, nor documented).
    NotUtf8 { position: Position },
    /// A JSON file that is not valid JSON (the cause is not recorded).
    InvalidJson {
        message: String,
        position: Option<Position>,
    },
    /// A line of a JSON Lines file that is not one valid JSON value (the cause is not recorded).
    InvalidJsonLine { message: String, position: Position },
    /// A quoted CSV field that the file ends inside (the cause is not recorded).
    UnclosedQuote { position: Position },
}

impl ReaderError {
    /// Always `States.ItemReaderFailed`.
    pub fn error(&self) -> &'static str {
        ITEM_READER_FAILED
    }

    /// The Map Run's cause: AWS's own text where a recording has it, ours otherwise.
    pub fn cause(&self) -> String {
        match self {
            ReaderError::NegativeMaxItems { .. } => "field MaxItems must be positive".into(),
            ReaderError::DuplicateHeader { .. } => "CSV headers cannot contain duplicates.".into(),
            ReaderError::NotAnArray { .. } => "Attempting to map over non-iterable node.".into(),
            ReaderError::HeaderTooLong { bytes, .. } => format!(
                "The CSV header is {bytes} bytes long; Step Functions supports CSV headers of up to 10 KiB ({CSV_HEADER_LIMIT_BYTES} bytes)."
            ),
            ReaderError::NotUtf8 { .. } => "The ItemReader file is not UTF-8 text.".into(),
            ReaderError::InvalidJson { message, .. } => {
                format!("The ItemReader file is not valid JSON: {message}.")
            }
            ReaderError::InvalidJsonLine { message, position } => format!(
                "Line {} of the JSON Lines file is not a valid JSON value: {message}.",
                position.line
            ),
            ReaderError::UnclosedQuote { .. } => {
                "A quoted CSV field is not closed before the end of the file.".into()
            }
        }
    }

    /// Whether the cause is ours rather than one AWS was recorded giving: the caller reports it
    /// as an assumption.
    pub fn assumed(&self) -> bool {
        match self {
            ReaderError::NegativeMaxItems { .. } => false,
            ReaderError::DuplicateHeader { location, .. } => *location != HeaderLocation::Given,
            ReaderError::NotAnArray { found } => *found != "object",
            ReaderError::HeaderTooLong { .. }
            | ReaderError::NotUtf8 { .. }
            | ReaderError::InvalidJson { .. }
            | ReaderError::InvalidJsonLine { .. }
            | ReaderError::UnclosedQuote { .. } => true,
        }
    }

    /// Where in the file the problem is, when it is in the file.
    pub fn position(&self) -> Option<Position> {
        match self {
            ReaderError::NegativeMaxItems { .. } | ReaderError::NotAnArray { .. } => None,
            ReaderError::DuplicateHeader { position, .. }
            | ReaderError::HeaderTooLong { position, .. }
            | ReaderError::InvalidJson { position, .. } => *position,
            ReaderError::NotUtf8 { position }
            | ReaderError::InvalidJsonLine { position, .. }
            | ReaderError::UnclosedQuote { position } => Some(*position),
        }
    }
}

impl fmt::Display for ReaderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.position() {
            Some(p) => write!(f, "{}:{}: {}", p.line, p.column, self.cause()),
            None => f.write_str(&self.cause()),
        }
    }
}

impl std::error::Error for ReaderError {}

/// Reads the items of an `ItemReader` file: CSV rows as objects of strings keyed by header, the
/// elements of a JSON file's top-level array, or one JSON value per non-blank JSON Lines line;
/// the first `MaxItems` of them.
///
/// CSV and JSON Lines files are read only as far as `MaxItems` needs (a problem further on is not
/// seen, as when a reader streams the file); a JSON file is parsed whole.
pub fn read_items(bytes: &[u8], config: &ReaderConfig) -> Result<ReadItems, ReaderError> {
    let read = read_rows(bytes, config)?;
    Ok(ReadItems {
        items: read.rows.into_values(),
        assumptions: read.assumptions,
    })
}

/// [`read_items`] with a CSV file's items left in their rows until asked for: the same checks
/// and errors, the same assumptions, the same items.
pub fn read_rows(bytes: &[u8], config: &ReaderConfig) -> Result<ReadRows, ReaderError> {
    // 10c: -1 fails the Map Run; 0 reads every item, like no MaxItems; 2 reads the first two.
    let limit = match config.max_items {
        Some(n) if n < 0 => return Err(ReaderError::NegativeMaxItems { max_items: n }),
        None | Some(0) => MAX_ITEMS_LIMIT,
        Some(n) => usize::try_from(n).map_or(MAX_ITEMS_LIMIT, |n| n.min(MAX_ITEMS_LIMIT)),
    };
    let mut notes = Notes::default();
    // Headers given in the definition are checked before the file is read (10: the file there
    // is valid CSV).
    let given_headers = match (config.input_type, config.csv_header_location) {
        (InputType::Csv, HeaderLocation::Given) => {
            let headers = config.csv_headers.clone().unwrap_or_default();
            let bytes = headers.iter().map(String::len).sum::<usize>() + headers.len().max(1) - 1;
            if bytes > CSV_HEADER_LIMIT_BYTES {
                return Err(ReaderError::HeaderTooLong {
                    bytes,
                    position: None,
                });
            }
            if let Some(header) = first_duplicate(&headers) {
                return Err(ReaderError::DuplicateHeader {
                    header: header.to_string(),
                    location: HeaderLocation::Given,
                    position: None,
                });
            }
            Some(headers)
        }
        _ => None,
    };
    let bytes = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => {
            notes.note(ReaderAssumption::ByteOrderMark);
            rest
        }
        None => bytes,
    };
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let valid = bytes.get(..e.valid_up_to()).unwrap_or_default();
            let valid = std::str::from_utf8(valid).unwrap_or_default();
            return Err(ReaderError::NotUtf8 {
                position: text_position(valid, valid.len(), config.input_type == InputType::Csv),
            });
        }
    };
    let rows = match config.input_type {
        InputType::Csv => ItemRows::Csv(read_csv(text, config, given_headers, limit, &mut notes)?),
        InputType::Json => ItemRows::Values(read_json(text, limit)?),
        InputType::Jsonl => ItemRows::Values(read_jsonl(text, limit, &mut notes)?),
    };
    Ok(ReadRows {
        rows,
        assumptions: notes.list,
    })
}

#[derive(Default)]
struct Notes {
    list: Vec<ReaderAssumption>,
}

impl Notes {
    fn note(&mut self, assumption: ReaderAssumption) {
        if !self.list.contains(&assumption) {
            self.list.push(assumption);
        }
    }
}

fn first_duplicate(headers: &[String]) -> Option<&str> {
    let mut seen = BTreeSet::new();
    headers
        .iter()
        .find(|h| !seen.insert(h.as_str()))
        .map(String::as_str)
}

fn read_csv(
    text: &str,
    config: &ReaderConfig,
    given_headers: Option<Vec<String>>,
    limit: usize,
    notes: &mut Notes,
) -> Result<CsvRows, ReaderError> {
    let delimiter = config.csv_delimiter.byte();
    let rows = |headers: Vec<String>, starts: Vec<usize>| CsvRows {
        text: std::rc::Rc::from(text),
        headers: std::rc::Rc::from(headers),
        len: starts.len(),
        starts: std::rc::Rc::from(starts),
        delimiter,
    };
    let mut scanner = CsvScanner::new(text, delimiter);
    let mut fields = Vec::new();
    let headers = match given_headers {
        Some(headers) => headers,
        None => loop {
            match scanner.record(&mut fields)? {
                Record::End => {
                    notes.note(ReaderAssumption::NoHeaderRow);
                    scanner.flush_notes(notes);
                    return Ok(rows(Vec::new(), Vec::new()));
                }
                Record::Blank => notes.note(ReaderAssumption::BlankCsvLine),
                Record::Fields => {
                    let length = scanner.record_end - scanner.record_start;
                    if length > CSV_HEADER_LIMIT_BYTES {
                        return Err(ReaderError::HeaderTooLong {
                            bytes: length,
                            position: Some(csv_position(text, scanner.record_start)),
                        });
                    }
                    let headers = std::mem::take(&mut fields);
                    if let Some(duplicate) = first_duplicate(&headers) {
                        let second = headers
                            .iter()
                            .enumerate()
                            .filter(|(_, h)| h.as_str() == duplicate)
                            .nth(1)
                            .and_then(|(i, _)| scanner.field_starts.get(i).copied());
                        return Err(ReaderError::DuplicateHeader {
                            header: duplicate.to_string(),
                            location: HeaderLocation::FirstRow,
                            position: second.map(|offset| csv_position(text, offset)),
                        });
                    }
                    break headers;
                }
            }
        },
    };
    // Every row is read and checked now; its item is made when asked (`CsvRows::item`).
    let mut starts = Vec::new();
    while starts.len() < limit {
        let start = scanner.pos;
        match scanner.record(&mut fields)? {
            Record::End => break,
            Record::Blank => notes.note(ReaderAssumption::BlankCsvLine),
            // Keys come in header order; AWS's recorded outputs list some keys in another order
            // (`"0","{}","True"` for the header `0,True,{}`), which JSON objects do not tell
            // apart.
            // [CSV rules]: "If the number of fields in a row is less than the number of fields
            // in the header, Step Functions provides empty strings for the missing values" and
            // "If the number of fields in a row is more than the number of fields in the
            // header, Step Functions skips the additional fields" (also in the recorded
            // test_map_item_reader_csv_headers_decl_extra_fields and ..._first_row_extra_fields).
            Record::Fields => starts.push(start),
        }
    }
    scanner.flush_notes(notes);
    Ok(rows(headers, starts))
}

enum Record {
    /// The end of the file, before any character of a record.
    End,
    /// An empty line.
    Blank,
    /// A record, its fields in the scanner's output.
    Fields,
}

/// The CSV dialect of [CSV rules]:
/// - `CSVDelimiter` separates fields; newlines (`\n`, `\r\n`, a lone `\r`) separate records; a
///   newline at the end of the file ends the last record and starts none (recorded: the files of
///   `test_map_item_reader_*` end with one and give no empty item).
/// - "strings that are enclosed by double quotation marks can contain commas and newlines
///   without acting as record delimiters"; "You can preserve double quotes by repeating them"
///   (RFC 4180 within quotes; the page's example also doubles quotes in an unquoted field,
///   `{""MyKey"":""MyValue""}`, which reads as `{"MyKey":"MyValue"}`).
/// - "Backslashes only work with other backslashes, double quotation marks, and the configured
///   field separator [...]. A backslash followed by any other character is silently removed":
///   `\\`, `\"` and `\<delimiter>` are those characters, anywhere; before anything else the
///   backslash is dropped and the character read as usual.
/// - Fields are strings, spaces kept (recorded: a row `   ` gives `"   "`).
///
/// Hand-written rather than `csv-core`: csv-core's `escape` applies only to quotes inside quoted
/// fields, so it would keep `\\` doubled, split a field at `\,`, keep a backslash before other
/// characters and keep `""` doubled outside quotes; this dialect needs all four. It adds no
/// dependency to the wasm build either.
///
/// [CSV rules]: https://docs.aws.amazon.com/step-functions/latest/dg/example-csv-parse-dist-map.html
struct CsvScanner<'t> {
    text: &'t str,
    bytes: &'t [u8],
    pos: usize,
    delimiter: u8,
    /// Bytes that end a run of plain characters outside quotes.
    stop_unquoted: [bool; 256],
    /// Bytes that end a run of plain characters inside quotes.
    stop_quoted: [bool; 256],
    /// Byte offsets of the current record: its start, the end of its text (before the newline),
    /// and where each field starts.
    record_start: usize,
    record_end: usize,
    field_starts: Vec<usize>,
    quote_inside_field: bool,
    text_after_closing_quote: bool,
}

impl<'t> CsvScanner<'t> {
    fn new(text: &'t str, delimiter: u8) -> CsvScanner<'t> {
        let mut stop_unquoted = [false; 256];
        let mut stop_quoted = [false; 256];
        for b in [delimiter, b'\n', b'\r', b'"', b'\\'] {
            stop_unquoted[usize::from(b)] = true;
        }
        for b in [b'"', b'\\'] {
            stop_quoted[usize::from(b)] = true;
        }
        CsvScanner {
            text,
            bytes: text.as_bytes(),
            pos: 0,
            delimiter,
            stop_unquoted,
            stop_quoted,
            record_start: 0,
            record_end: 0,
            field_starts: Vec::new(),
            quote_inside_field: false,
            text_after_closing_quote: false,
        }
    }

    fn flush_notes(&self, notes: &mut Notes) {
        if self.quote_inside_field {
            notes.note(ReaderAssumption::QuoteInsideField);
        }
        if self.text_after_closing_quote {
            notes.note(ReaderAssumption::TextAfterClosingQuote);
        }
    }

    /// Reads the next record into `fields` (cleared first).
    fn record(&mut self, fields: &mut Vec<String>) -> Result<Record, ReaderError> {
        fields.clear();
        self.field_starts.clear();
        self.record_start = self.pos;
        match self.bytes.get(self.pos) {
            None => return Ok(Record::End),
            Some(b'\n') => {
                self.pos += 1;
                return Ok(Record::Blank);
            }
            Some(b'\r') => {
                self.pos += 1;
                if self.bytes.get(self.pos) == Some(&b'\n') {
                    self.pos += 1;
                }
                return Ok(Record::Blank);
            }
            Some(_) => {}
        }
        loop {
            self.field_starts.push(self.pos);
            let (field, record_ended) = self.field()?;
            fields.push(field);
            if record_ended {
                return Ok(Record::Fields);
            }
        }
    }

    /// Reads one field from `pos`; says whether the record ends after it.
    fn field(&mut self) -> Result<(String, bool), ReaderError> {
        let bytes = self.bytes;
        let start = self.pos;
        let mut out = String::new();
        let mut i = start;
        let mut quoted = bytes.get(i) == Some(&b'"');
        if quoted {
            i += 1;
        }
        let mut just_closed = false;
        loop {
            let stop = if quoted {
                &self.stop_quoted
            } else {
                &self.stop_unquoted
            };
            let mut j = i;
            while j < bytes.len() && !stop[usize::from(bytes[j])] {
                j += 1;
            }
            if j > i {
                if just_closed {
                    self.text_after_closing_quote = true;
                    just_closed = false;
                }
                // Runs end at ASCII bytes, so they are whole characters.
                out.push_str(self.text.get(i..j).unwrap_or_default());
            }
            let Some(&byte) = bytes.get(j) else {
                if quoted {
                    return Err(ReaderError::UnclosedQuote {
                        position: csv_position(self.text, start),
                    });
                }
                self.pos = j;
                self.record_end = j;
                return Ok((out, true));
            };
            match byte {
                b'\\' => {
                    if just_closed {
                        self.text_after_closing_quote = true;
                        just_closed = false;
                    }
                    match bytes.get(j + 1) {
                        Some(&next) if next == b'\\' || next == b'"' || next == self.delimiter => {
                            out.push(char::from(next));
                            i = j + 2;
                        }
                        _ => i = j + 1,
                    }
                }
                b'"' => {
                    if bytes.get(j + 1) == Some(&b'"') {
                        out.push('"');
                        i = j + 2;
                    } else if quoted {
                        quoted = false;
                        just_closed = true;
                        i = j + 1;
                    } else {
                        if just_closed {
                            self.text_after_closing_quote = true;
                            just_closed = false;
                        }
                        self.quote_inside_field = true;
                        out.push('"');
                        i = j + 1;
                    }
                }
                b'\n' => {
                    self.pos = j + 1;
                    self.record_end = j;
                    return Ok((out, true));
                }
                b'\r' => {
                    self.pos = if bytes.get(j + 1) == Some(&b'\n') {
                        j + 2
                    } else {
                        j + 1
                    };
                    self.record_end = j;
                    return Ok((out, true));
                }
                // The delimiter (the only other byte that stops a run outside quotes).
                _ => {
                    self.pos = j + 1;
                    return Ok((out, false));
                }
            }
        }
    }
}

/// The position of a byte offset in a CSV text.
fn csv_position(text: &str, offset: usize) -> Position {
    text_position(text, offset, true)
}

/// The position of a byte offset; with `lone_cr`, a `\r` not followed by `\n` ends a line too
/// (as it ends a CSV record).
fn text_position(text: &str, offset: usize, lone_cr: bool) -> Position {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let bytes = text.as_bytes();
    let mut line = 1usize;
    let mut line_start = 0;
    for (i, &b) in bytes.iter().enumerate().take(offset) {
        let breaks = b == b'\n' || (lone_cr && b == b'\r' && bytes.get(i + 1) != Some(&b'\n'));
        if breaks {
            line += 1;
            line_start = i + 1;
        }
    }
    let column = text
        .get(line_start..offset)
        .map_or(0, |s| s.chars().count())
        + 1;
    Position {
        line: saturating_u32(line),
        column: saturating_u32(column),
    }
}

fn saturating_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// serde_json counts lines at `\n` and columns in bytes; turns its column into characters.
fn json_position(text: &str, error: &serde_json::Error) -> Option<Position> {
    let line = error.line();
    if line == 0 {
        return None;
    }
    let line_text = text.split('\n').nth(line - 1).unwrap_or_default();
    let mut before = error.column().saturating_sub(1).min(line_text.len());
    while !line_text.is_char_boundary(before) {
        before -= 1;
    }
    let column = line_text.get(..before).map_or(0, |s| s.chars().count()) + 1;
    Some(Position {
        line: saturating_u32(line),
        column: saturating_u32(column),
    })
}

/// serde_json's message without its " at line L column C" (the position is kept apart).
fn json_message(error: &serde_json::Error) -> String {
    let text = error.to_string();
    match text.rfind(" at line ") {
        Some(at) => text[..at].to_string(),
        None => text,
    }
}

/// A JSON file: its top-level array's elements (recorded: test_map_item_reader_base_json,
/// ..._json_max_items, ..._json_with_items_path); anything else fails (10b).
fn read_json(text: &str, limit: usize) -> Result<Vec<Value>, ReaderError> {
    let value: Value = serde_json::from_str(text).map_err(|e| ReaderError::InvalidJson {
        message: json_message(&e),
        position: json_position(text, &e),
    })?;
    match value {
        Value::Array(mut items) => {
            items.truncate(limit);
            Ok(items)
        }
        Value::Object(_) => Err(ReaderError::NotAnArray { found: "object" }),
        Value::String(_) => Err(ReaderError::NotAnArray { found: "string" }),
        Value::Number(_) => Err(ReaderError::NotAnArray { found: "number" }),
        Value::Bool(_) => Err(ReaderError::NotAnArray { found: "boolean" }),
        Value::Null => Err(ReaderError::NotAnArray { found: "null" }),
    }
}

/// A JSON Lines file [JSONL]: one JSON value per line ("individual JSON objects separated by
/// newlines"); a line may end with `\r\n`.
///
/// [JSONL]: https://aws.amazon.com/blogs/compute/introducing-jsonl-support-with-step-functions-distributed-map
fn read_jsonl(text: &str, limit: usize, notes: &mut Notes) -> Result<Vec<Value>, ReaderError> {
    let mut items = Vec::new();
    let mut offset = 0;
    for (index, raw) in text.split('\n').enumerate() {
        if items.len() >= limit {
            break;
        }
        let line_start = offset;
        offset += raw.len() + 1;
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        if line.bytes().all(|b| matches!(b, b' ' | b'\t' | b'\r')) {
            // The empty remainder after the file's last newline is no line.
            if !(raw.is_empty() && line_start == text.len()) {
                notes.note(ReaderAssumption::BlankJsonLine);
            }
            continue;
        }
        match serde_json::from_str::<Value>(line) {
            Ok(value) => items.push(value),
            Err(e) => {
                let column = json_position(line, &e).map_or(1, |p| p.column);
                return Err(ReaderError::InvalidJsonLine {
                    message: json_message(&e),
                    position: Position {
                        line: saturating_u32(index + 1),
                        column,
                    },
                });
            }
        }
    }
    Ok(items)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn csv(location: HeaderLocation, headers: Option<&[&str]>) -> ReaderConfig {
        ReaderConfig {
            csv_header_location: location,
            csv_headers: headers.map(|h| h.iter().map(|s| s.to_string()).collect()),
            ..ReaderConfig::new(InputType::Csv)
        }
    }

    fn first_row() -> ReaderConfig {
        csv(HeaderLocation::FirstRow, None)
    }

    fn given(headers: &[&str]) -> ReaderConfig {
        csv(HeaderLocation::Given, Some(headers))
    }

    fn read_ok(file: &[u8], config: &ReaderConfig) -> ReadItems {
        read_items(file, config).unwrap_or_else(|e| panic!("{e}"))
    }

    /// The file's items, compared with `expect` (JSON text): objects compare as maps.
    fn check(config: &ReaderConfig, file: &str, expect: &str) {
        let expect: Value = serde_json::from_str(expect).unwrap_or_else(|e| panic!("{e}"));
        let got = Value::Array(read_ok(file.as_bytes(), config).items);
        assert_eq!(got, expect, "file {file:?}");
    }

    fn fail(config: &ReaderConfig, file: &[u8]) -> ReaderError {
        match read_items(file, config) {
            Ok(read) => panic!("expected a failure, read {:?}", read.items),
            Err(e) => e,
        }
    }

    fn at(line: u32, column: u32) -> Option<Position> {
        Some(Position { line, column })
    }

    // The next five are the files and outputs of the recorded test_map_item_reader_* runs.

    #[test]
    fn recorded_first_row_header() {
        check(
            &first_row(),
            "Col1,Col2,Col3\nValue1,Value2,Value3\nValue4,Value5,Value6\n,,,\ntrue,1,'HelloWorld'\nNull,None,\n   \n",
            r#"[{"Col1":"Value1","Col2":"Value2","Col3":"Value3"},{"Col1":"Value4","Col2":"Value5","Col3":"Value6"},{"Col1":"","Col2":"","Col3":""},{"Col1":"true","Col2":"1","Col3":"'HelloWorld'"},{"Col1":"Null","Col2":"None","Col3":""},{"Col1":"   ","Col2":"","Col3":""}]"#,
        );
    }

    #[test]
    fn recorded_given_headers() {
        check(
            &given(&["H1", "H2", "H3"]),
            "Value1,Value2,Value3\nValue4,Value5,Value6\n,,,\ntrue,1,'HelloWorld'\nNull,None,\n   \n",
            r#"[{"H1":"Value1","H2":"Value2","H3":"Value3"},{"H1":"Value4","H2":"Value5","H3":"Value6"},{"H1":"","H2":"","H3":""},{"H1":"true","H2":"1","H3":"'HelloWorld'"},{"H1":"Null","H2":"None","H3":""},{"H1":"   ","H2":"","H3":""}]"#,
        );
    }

    #[test]
    fn recorded_extra_fields_are_skipped() {
        check(
            &given(&["H1"]),
            "Value1,Value2,Value3\nValue4,Value5,Value6\n,,,\ntrue,1,'HelloWorld'\nNull,None,\n   \n",
            r#"[{"H1":"Value1"},{"H1":"Value4"},{"H1":""},{"H1":"true"},{"H1":"Null"},{"H1":"   "}]"#,
        );
        check(
            &first_row(),
            "H1,\nValue4,Value5,Value6\n,,,\ntrue,1,'HelloWorld'\nNull,None,\n   \n",
            r#"[{"":"Value5","H1":"Value4"},{"":"","H1":""},{"":"1","H1":"true"},{"":"None","H1":"Null"},{"":"","H1":"   "}]"#,
        );
    }

    #[test]
    fn recorded_header_names_are_strings() {
        check(
            &first_row(),
            "0,True,{}\nValue4,Value5,Value6\n,,,\ntrue,1,'HelloWorld'\nNull,None,\n   \n",
            r#"[{"0":"Value4","{}":"Value6","True":"Value5"},{"0":"","{}":"","True":""},{"0":"true","{}":"'HelloWorld'","True":"1"},{"0":"Null","{}":"","True":"None"},{"0":"   ","{}":"","True":""}]"#,
        );
    }

    #[test]
    fn recorded_json_files() {
        let file = r#"[{"verdict": "true", "statement_date": "6/11/2008", "statement_source": "speech"}, {"verdict": "false", "statement_date": "6/7/2022", "statement_source": "television"}, {"verdict": "mostly-true", "statement_date": "5/18/2016", "statement_source": "news"}]"#;
        let json_config = ReaderConfig::new(InputType::Json);
        check(
            &json_config,
            file,
            r#"[{"verdict":"true","statement_date":"6/11/2008","statement_source":"speech"},{"verdict":"false","statement_date":"6/7/2022","statement_source":"television"},{"verdict":"mostly-true","statement_date":"5/18/2016","statement_source":"news"}]"#,
        );
        let two = ReaderConfig {
            max_items: Some(2),
            ..json_config.clone()
        };
        check(
            &two,
            file,
            r#"[{"verdict":"true","statement_date":"6/11/2008","statement_source":"speech"},{"verdict":"false","statement_date":"6/7/2022","statement_source":"television"}]"#,
        );
        check(
            &json_config,
            r#"[["from-bucket-item-0"]]"#,
            r#"[["from-bucket-item-0"]]"#,
        );
    }

    #[test]
    fn items_keep_the_header_order() {
        let read = read_ok(b"b,a,c\n1,2,3\n", &first_row());
        let keys: Vec<&String> = read.items[0]
            .as_object()
            .map(|o| o.keys().collect())
            .unwrap_or_default();
        assert_eq!(keys, ["b", "a", "c"]);
    }

    #[test]
    fn rows_kept_until_asked_make_the_items_read_at_once() {
        let file = "id,name,note\n1,\"Smith, J\",\"said \"\"hi\"\"\"\n\n2,a\\,b,x\\y\n3\n4,d,e,extra\r\n5,\"two\nlines\",z\n";
        for config in [first_row(), given(&["a", "b", "c"])] {
            let Ok(read) = read_rows(file.as_bytes(), &config) else {
                panic!("a valid file")
            };
            let ItemRows::Csv(rows) = &read.rows else {
                panic!("CSV rows")
            };
            let eager = read_ok(file.as_bytes(), &config);
            assert_eq!(read.assumptions, eager.assumptions);
            let lazy: Vec<Value> = (0..rows.len()).filter_map(|i| rows.item(i)).collect();
            assert_eq!(lazy, eager.items);
            assert_eq!(rows.item(rows.len()), None);
            let first = rows.first(2);
            assert_eq!(first.len(), 2);
            assert_eq!(first.item(1), eager.items.get(1).cloned());
            assert_eq!(first.item(2), None);
        }
    }

    #[test]
    fn recording_10_given_duplicate_headers() {
        let e = fail(&given(&["a", "a"]), b"Value1,Value2\nValue4,Value5\n");
        assert_eq!(e.error(), "States.ItemReaderFailed");
        assert_eq!(e.cause(), "CSV headers cannot contain duplicates.");
        assert!(!e.assumed());
        assert_eq!(e.position(), None);
        // The recorded run: headers H1, H1, H3 over a valid file.
        let e = fail(
            &given(&["H1", "H1", "H3"]),
            b"Value1,Value2,Value3\nValue4,Value5,Value6\n,,,\ntrue,1,'HelloWorld'\nNull,None,\n   \n",
        );
        assert_eq!(e.cause(), "CSV headers cannot contain duplicates.");
    }

    #[test]
    fn first_row_duplicate_headers_fail_the_same_way_by_assumption() {
        let e = fail(&first_row(), b"a,b,a\n1,2,3\n");
        assert_eq!(e.cause(), "CSV headers cannot contain duplicates.");
        assert!(e.assumed());
        assert_eq!(e.position(), at(1, 5));
        assert_eq!(e.to_string(), "1:5: CSV headers cannot contain duplicates.");
    }

    #[test]
    fn recording_10b_json_object_is_not_iterable() {
        let e = fail(
            &ReaderConfig::new(InputType::Json),
            br#"{"Hello": "world"}"#,
        );
        assert_eq!(e.cause(), "Attempting to map over non-iterable node.");
        assert!(!e.assumed());
        for scalar in [&b"\"text\""[..], b"5", b"true", b"null"] {
            let e = fail(&ReaderConfig::new(InputType::Json), scalar);
            assert_eq!(e.cause(), "Attempting to map over non-iterable node.");
            assert!(e.assumed(), "{e:?}");
        }
    }

    #[test]
    fn recording_10c_max_items() {
        let file = "Col1,Col2\nValue1,Value2\nValue3,Value4\nValue5,Value6\nValue7,Value8\n";
        let with = |max_items| ReaderConfig {
            max_items: Some(max_items),
            ..first_row()
        };
        let e = fail(&with(-1), file.as_bytes());
        assert_eq!(e.cause(), "field MaxItems must be positive");
        assert!(!e.assumed());
        let all = r#"[{"Col1":"Value1","Col2":"Value2"},{"Col1":"Value3","Col2":"Value4"},{"Col1":"Value5","Col2":"Value6"},{"Col1":"Value7","Col2":"Value8"}]"#;
        check(&with(0), file, all);
        check(
            &with(2),
            file,
            r#"[{"Col1":"Value1","Col2":"Value2"},{"Col1":"Value3","Col2":"Value4"}]"#,
        );
        check(&with(100_000_000), file, all);
        check(&with(100_000_001), file, all);
        check(&first_row(), file, all);
    }

    #[test]
    fn max_items_stops_reading_csv_and_jsonl() {
        // A broken row after the first N is not read.
        let config = ReaderConfig {
            max_items: Some(1),
            ..first_row()
        };
        check(&config, "a\n1\n\"unclosed\n", r#"[{"a":"1"}]"#);
        let config = ReaderConfig {
            max_items: Some(1),
            ..ReaderConfig::new(InputType::Jsonl)
        };
        check(&config, "1\n{oops\n", "[1]");
    }

    #[test]
    fn quoted_fields() {
        // RFC 4180: delimiters, newlines and doubled quotes inside quotes.
        check(
            &given(&["a", "b", "c"]),
            "\"x,y\",\"line 1\nline 2\",\"say \"\"hi\"\"\"\n\"\",\"\"\"\",plain\n",
            r#"[{"a":"x,y","b":"line 1\nline 2","c":"say \"hi\""},{"a":"","b":"\"","c":"plain"}]"#,
        );
        // The example of the CSV rules page, read with its CSVHeaders.
        check(
            &given(&["MyLetters", "MyNumbers", "MyString", "MyObject", "MyArray"]),
            "abc,123,\"This string contains commas, a double quotation marks (\"\"), and a newline (\n)\",{\"\"MyKey\"\":\"\"MyValue\"\"},\"[1,2,3]\"\n",
            r#"[{"MyLetters":"abc","MyNumbers":"123","MyString":"This string contains commas, a double quotation marks (\"), and a newline (\n)","MyObject":"{\"MyKey\":\"MyValue\"}","MyArray":"[1,2,3]"}]"#,
        );
        // A CRLF inside quotes is kept.
        check(&given(&["a"]), "\"1\r\n2\"\r\n", r#"[{"a":"1\r\n2"}]"#);
    }

    #[test]
    fn backslashes() {
        // The CSV rules page's example.
        check(
            &first_row(),
            "path,size\nC:\\\\Program Files\\\\MyApp.exe,6534512\n",
            r#"[{"path":"C:\\Program Files\\MyApp.exe","size":"6534512"}]"#,
        );
        // \" and \<delimiter> are the characters; before anything else the backslash goes.
        check(
            &given(&["a", "b"]),
            "x\\,y,\\\"q\\\"\n\"in \\\"quotes\\\"\",\\n\\t\\\n",
            r#"[{"a":"x,y","b":"\"q\""},{"a":"in \"quotes\"","b":"nt"}]"#,
        );
        let pipe = ReaderConfig {
            csv_delimiter: Delimiter::Pipe,
            ..given(&["a", "b"])
        };
        check(&pipe, "a\\|b|c\\,d\n", r#"[{"a":"a|b","b":"c,d"}]"#);
    }

    #[test]
    fn delimiters() {
        let cases = [
            (Delimiter::Comma, "1,2\n"),
            (Delimiter::Pipe, "1|2\n"),
            (Delimiter::Semicolon, "1;2\n"),
            (Delimiter::Space, "1 2\n"),
            (Delimiter::Tab, "1\t2\n"),
        ];
        for (delimiter, file) in cases {
            let config = ReaderConfig {
                csv_delimiter: delimiter,
                ..given(&["a", "b"])
            };
            check(&config, file, r#"[{"a":"1","b":"2"}]"#);
        }
        // A comma is data with another delimiter.
        let config = ReaderConfig {
            csv_delimiter: Delimiter::Semicolon,
            ..given(&["a", "b"])
        };
        check(&config, "1,5;2\n", r#"[{"a":"1,5","b":"2"}]"#);
    }

    #[test]
    fn line_ends_and_blank_lines() {
        let expect = r#"[{"a":"1","b":"2"},{"a":"3","b":"4"}]"#;
        for file in [
            "a,b\n1,2\n3,4",
            "a,b\n1,2\n3,4\n",
            "a,b\r\n1,2\r\n3,4\r\n",
            "a,b\r1,2\r3,4\r",
        ] {
            check(&first_row(), file, expect);
            assert!(read_ok(file.as_bytes(), &first_row())
                .assumptions
                .is_empty());
        }
        for file in ["\na,b\n1,2\n\n3,4\n\n", "a,b\r\n\r\n1,2\r\n3,4\r\n\r\n"] {
            check(&first_row(), file, expect);
            assert_eq!(
                read_ok(file.as_bytes(), &first_row()).assumptions,
                [ReaderAssumption::BlankCsvLine]
            );
        }
    }

    #[test]
    fn byte_order_mark() {
        let read = read_ok(b"\xEF\xBB\xBFa,b\n1,2\n", &first_row());
        assert_eq!(read.items, [json!({"a": "1", "b": "2"})]);
        assert_eq!(read.assumptions, [ReaderAssumption::ByteOrderMark]);
        let json = super::read_items(b"\xEF\xBB\xBF[1]", &ReaderConfig::new(InputType::Json));
        assert_eq!(json.map(|r| r.items).ok(), Some(vec![json!(1)]));
    }

    #[test]
    fn odd_quotes_are_kept_and_noted() {
        let read = read_ok(b"a,b\nab\"c,\"x\"y\n", &first_row());
        assert_eq!(read.items, [json!({"a": "ab\"c", "b": "xy"})]);
        assert_eq!(
            read.assumptions,
            [
                ReaderAssumption::QuoteInsideField,
                ReaderAssumption::TextAfterClosingQuote
            ]
        );
    }

    #[test]
    fn empty_files() {
        let read = read_ok(b"", &first_row());
        assert!(read.items.is_empty());
        assert_eq!(read.assumptions, [ReaderAssumption::NoHeaderRow]);
        let read = read_ok(b"a,b\n", &first_row());
        assert!(read.items.is_empty() && read.assumptions.is_empty());
        assert!(read_ok(b"", &given(&["a"])).items.is_empty());
        assert!(read_ok(b"", &ReaderConfig::new(InputType::Jsonl))
            .items
            .is_empty());
        let e = fail(&ReaderConfig::new(InputType::Json), b"");
        assert!(matches!(e, ReaderError::InvalidJson { .. }), "{e:?}");
    }

    #[test]
    fn header_limit_is_10_kib() {
        let name = |n: usize| "h".repeat(n);
        let file = format!("{}\nv\n", name(CSV_HEADER_LIMIT_BYTES));
        assert_eq!(read_ok(file.as_bytes(), &first_row()).items.len(), 1);
        let file = format!("x,{}\nv\n", name(CSV_HEADER_LIMIT_BYTES - 1));
        let e = fail(&first_row(), file.as_bytes());
        assert!(
            matches!(e, ReaderError::HeaderTooLong { bytes: 10241, .. }),
            "{e:?}"
        );
        assert!(e.assumed());
        assert_eq!(e.position(), at(1, 1));
        // Given headers count as the row they stand for: names and delimiters.
        let half = name(CSV_HEADER_LIMIT_BYTES / 2);
        let e = fail(&given(&[&half, &half]), b"1,2\n");
        assert!(
            matches!(e, ReaderError::HeaderTooLong { bytes: 10241, .. }),
            "{e:?}"
        );
        let fits = name(CSV_HEADER_LIMIT_BYTES / 2 - 1);
        assert_eq!(read_ok(b"1,2\n", &given(&[&fits, &half])).items.len(), 1);
    }

    #[test]
    fn non_utf8_has_a_position() {
        let e = fail(&first_row(), b"a,b\n1,\xff\n");
        assert_eq!(e.position(), at(2, 3));
        assert!(e.assumed());
        let e = fail(
            &ReaderConfig::new(InputType::Jsonl),
            b"{\"\xc3\xa9\":1}\n\"\xc3\x28\"",
        );
        assert!(matches!(e, ReaderError::NotUtf8 { .. }), "{e:?}");
        assert_eq!(e.position(), at(2, 2));
    }

    #[test]
    fn unclosed_quote_has_a_position() {
        let e = fail(&first_row(), b"a,b\n1,\"abc\n2,3\n");
        assert_eq!(e.position(), at(2, 3));
        assert!(e.assumed());
        assert_eq!(
            e.to_string(),
            "2:3: A quoted CSV field is not closed before the end of the file."
        );
    }

    #[test]
    fn invalid_json_has_a_position_in_characters() {
        let e = fail(
            &ReaderConfig::new(InputType::Json),
            "[\n  {\"é\": 1},\n  {\"é\": ]\n]".as_bytes(),
        );
        assert_eq!(e.position(), at(3, 9));
        assert!(e.assumed());
        assert!(
            e.cause()
                .starts_with("The ItemReader file is not valid JSON: "),
            "{e}"
        );
        assert!(!e.cause().contains("at line"), "{e}");
        let e = fail(&ReaderConfig::new(InputType::Json), b"[1] [2]");
        assert_eq!(e.position(), at(1, 5));
    }

    #[test]
    fn json_lines() {
        let config = ReaderConfig::new(InputType::Jsonl);
        check(
            &config,
            "{\"a\":1}\r\n[2]\n\"three\"\n4\n",
            r#"[{"a":1},[2],"three",4]"#,
        );
        let read = read_ok(b"{\"a\":1}\n\n  \n{\"b\":2}", &config);
        assert_eq!(read.items, [json!({"a": 1}), json!({"b": 2})]);
        assert_eq!(read.assumptions, [ReaderAssumption::BlankJsonLine]);
        let e = fail(&config, "{\"a\":1}\n\n{oops}\n".as_bytes());
        assert_eq!(e.position(), at(3, 2));
        assert!(
            e.cause().starts_with("Line 3 of the JSON Lines file"),
            "{e}"
        );
        // Two values on one line are not one JSON Lines line.
        let e = fail(&config, b"{} {}\n");
        assert_eq!(e.position(), at(1, 4));
    }

    #[test]
    fn reader_config_from_asl() {
        let read = |v: Value| ReaderConfig::from_reader_config(&v);
        assert_eq!(
            read(
                json!({"InputType": "CSV", "CSVHeaderLocation": "GIVEN", "CSVHeaders": ["a", "b"], "CSVDelimiter": "TAB", "MaxItems": 5})
            ),
            Ok(ReaderConfig {
                input_type: InputType::Csv,
                csv_header_location: HeaderLocation::Given,
                csv_headers: Some(vec!["a".into(), "b".into()]),
                csv_delimiter: Delimiter::Tab,
                max_items: Some(5),
            })
        );
        assert_eq!(
            read(json!({"InputType": "JSONL"})),
            Ok(ReaderConfig::new(InputType::Jsonl))
        );
        // MaxItemsPath and JSONata MaxItems are the caller's to evaluate.
        let config = read(json!({"InputType": "JSON", "MaxItemsPath": "$.n"}));
        assert_eq!(config.map(|c| c.max_items), Ok(None));
        let config = read(json!({"InputType": "JSON", "MaxItems": "{% $n %}"}));
        assert_eq!(config.map(|c| c.max_items), Ok(None));
        let config = read(json!({"InputType": "JSON", "MaxItems": -1}));
        assert_eq!(config.map(|c| c.max_items), Ok(Some(-1)));
        let refused = [
            json!({"InputType": "PARQUET"}),
            json!({"InputType": "MANIFEST"}),
            json!({"InputType": "XML"}),
            json!({}),
            json!({"InputType": "CSV"}),
            json!({"InputType": "CSV", "CSVHeaderLocation": "GIVEN"}),
            json!({"InputType": "CSV", "CSVHeaderLocation": "GIVEN", "CSVHeaders": []}),
            json!({"InputType": "CSV", "CSVHeaderLocation": "GIVEN", "CSVHeaders": [1]}),
            json!({"InputType": "CSV", "CSVHeaderLocation": "LAST_ROW"}),
            json!({"InputType": "CSV", "CSVHeaderLocation": "FIRST_ROW", "CSVDelimiter": "COLON"}),
            json!({"InputType": "JSON", "MaxItems": 1.5}),
            json!({"InputType": "JSON", "ItemsPointer": "/items"}),
            json!("CSV"),
        ];
        for config in refused {
            assert!(read(config.clone()).is_err(), "{config}");
        }
        let parquet = read(json!({"InputType": "PARQUET"}))
            .err()
            .unwrap_or_default();
        assert!(
            parquet.contains("PARQUET cannot be read from a sample file"),
            "{parquet}"
        );
    }

    // (proptest is a native dev-dependency: these run natively only.)
    #[cfg(not(target_arch = "wasm32"))]
    mod properties {
        use super::*;
        use proptest::prelude::*;

        fn configs() -> Vec<ReaderConfig> {
            let mut configs = vec![
                ReaderConfig::new(InputType::Json),
                ReaderConfig::new(InputType::Jsonl),
            ];
            for delimiter in [Delimiter::Comma, Delimiter::Tab, Delimiter::Space] {
                for location in [HeaderLocation::FirstRow, HeaderLocation::Given] {
                    configs.push(ReaderConfig {
                        csv_delimiter: delimiter,
                        ..csv(location, Some(&["a", "b"]))
                    });
                }
            }
            configs
        }

        /// Bytes that steer the readers into their less travelled states, among any others.
        fn file() -> impl Strategy<Value = Vec<u8>> {
            let byte = prop_oneof![
                any::<u8>(),
                prop::sample::select(&b"\",\\\n\r\t {}[]:1a\xEF\xBB\xBF\xC3\xA9"[..]),
            ];
            prop::collection::vec(byte, 0..200)
        }

        /// Fields of any of the characters that matter, quoted as RFC 4180 says with backslashes
        /// doubled (the only extra escaping AWS's dialect needs inside quotes).
        fn quote(field: &str) -> String {
            format!("\"{}\"", field.replace('\\', "\\\\").replace('"', "\"\""))
        }

        proptest! {
            #[test]
            fn arbitrary_bytes_never_panic(file in file(), max_items in -1i64..4) {
                for config in configs() {
                    let config = ReaderConfig { max_items: Some(max_items), ..config };
                    match read_items(&file, &config) {
                        Ok(read) => {
                            if config.input_type == InputType::Csv {
                                for item in &read.items {
                                    let fields = item.as_object().map(|o| o.values().all(Value::is_string));
                                    prop_assert_eq!(fields, Some(true));
                                }
                            }
                            prop_assert!(max_items < 1 || read.items.len() <= max_items as usize);
                        }
                        Err(e) => {
                            prop_assert!(!e.cause().is_empty());
                            if let Some(p) = e.position() {
                                prop_assert!(p.line >= 1 && p.column >= 1);
                            }
                        }
                    }
                }
            }

            #[test]
            fn quoted_rows_read_back(
                rows in prop::collection::vec(
                    prop::collection::vec("[a-z,;|\"\\\\\r\n é]{0,6}", 3),
                    0..8,
                ),
                crlf in any::<bool>(),
            ) {
                let newline = if crlf { "\r\n" } else { "\n" };
                let file: String = rows
                    .iter()
                    .map(|row| {
                        let fields: Vec<String> = row.iter().map(|f| quote(f)).collect();
                        fields.join(",") + newline
                    })
                    .collect();
                let read = read_items(file.as_bytes(), &given(&["a", "b", "c"]));
                let expect: Vec<Value> = rows
                    .iter()
                    .map(|row| json!({"a": row[0], "b": row[1], "c": row[2]}))
                    .collect();
                prop_assert_eq!(read.map(|r| r.items), Ok(expect));
            }
        }
    }
}
