//! Field values as a query sees them — text, numbers, timestamps — with Insights' comparisons,
//! its natural sort order and the way GetQueryResults prints them.

use std::borrow::Cow;
use std::cmp::Ordering;

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value<'a> {
    /// A string: a JSON string, a `parse` capture, a string literal, `@message`, …
    Text(Cow<'a, str>),
    /// A number, kept as written (a JSON number prints as the message writes it) and read as a
    /// float when compared or summed.
    Number(Cow<'a, str>),
    /// Epoch milliseconds (`@timestamp`, a `bin(…)` start), printed as `2026-12-07 05:00:00.000`.
    Time(i64),
}

impl Value<'_> {
    pub fn into_owned(self) -> Value<'static> {
        match self {
            Value::Text(text) => Value::Text(Cow::Owned(text.into_owned())),
            Value::Number(text) => Value::Number(Cow::Owned(text.into_owned())),
            Value::Time(milliseconds) => Value::Time(milliseconds),
        }
    }

    /// The value as GetQueryResults prints it.
    pub fn text(&self) -> Cow<'_, str> {
        match self {
            Value::Text(text) | Value::Number(text) => Cow::Borrowed(text),
            Value::Time(milliseconds) => Cow::Owned(format_timestamp(*milliseconds)),
        }
    }

    /// The value as a number: numbers and timestamps always, text when it is written as a number.
    pub fn number(&self) -> Option<f64> {
        match self {
            Value::Text(text) | Value::Number(text) => parse_number(text),
            Value::Time(milliseconds) => Some(*milliseconds as f64),
        }
    }

    fn is_typed_number(&self) -> bool {
        matches!(self, Value::Number(_) | Value::Time(_))
    }
}

/// Reads a number written as JSON writes one (`-12`, `3.5`, `1e3`). Rust's float parser also
/// takes `inf`, `NaN` and `+1`, which are words, not numbers, in a log line.
pub(crate) fn parse_number(text: &str) -> Option<f64> {
    let bytes = text.as_bytes();
    let mut index = usize::from(bytes.first() == Some(&b'-'));
    let digits_start = index;
    while bytes.get(index).is_some_and(u8::is_ascii_digit) {
        index += 1;
    }
    if index == digits_start {
        return None;
    }
    if bytes.get(index) == Some(&b'.') {
        index += 1;
        let fraction_start = index;
        while bytes.get(index).is_some_and(u8::is_ascii_digit) {
            index += 1;
        }
        if index == fraction_start {
            return None;
        }
    }
    if matches!(bytes.get(index), Some(b'e' | b'E')) {
        index += 1;
        if matches!(bytes.get(index), Some(b'+' | b'-')) {
            index += 1;
        }
        let exponent_start = index;
        while bytes.get(index).is_some_and(u8::is_ascii_digit) {
            index += 1;
        }
        if index == exponent_start {
            return None;
        }
    }
    if index != bytes.len() {
        return None;
    }
    text.parse().ok()
}

/// Prints a computed figure (a sum, an average) as the shortest text that reads back as the
/// same float: `42`, `12.5`, `0.30000000000000004`.
pub(crate) fn format_number(number: f64) -> String {
    if number == 0.0 {
        // `-0` is the same figure; nobody wants to read it.
        return "0".into();
    }
    format!("{number}")
}

/// Numbers compare as numbers when one side is a number (a JSON number, a number literal, a
/// timestamp) and the other reads as one; otherwise both compare as the text they print as.
pub(crate) fn compare(left: &Value<'_>, right: &Value<'_>) -> Ordering {
    if left.is_typed_number() || right.is_typed_number() {
        if let (Some(left_number), Some(right_number)) = (left.number(), right.number()) {
            return left_number
                .partial_cmp(&right_number)
                .unwrap_or(Ordering::Equal);
        }
    }
    left.text().as_ref().cmp(right.text().as_ref())
}

/// Insights' ascending sort order (CWL_QuerySyntax-Sort): every non-number value before every
/// number; numbers by value; other values in chunks — runs of digits ordered by length, then
/// value; other runs by Unicode code point.
pub(crate) fn natural_order(left: &Value<'_>, right: &Value<'_>) -> Ordering {
    match (left.number(), right.number()) {
        // Equal numbers written differently (`01`, `1`) keep one order whatever the input's.
        (Some(left_number), Some(right_number)) => left_number
            .partial_cmp(&right_number)
            .unwrap_or(Ordering::Equal)
            .then_with(|| left.text().as_ref().cmp(right.text().as_ref())),
        (Some(_), None) => Ordering::Greater,
        (None, Some(_)) => Ordering::Less,
        (None, None) => natural_text_order(&left.text(), &right.text()),
    }
}

fn natural_text_order(left: &str, right: &str) -> Ordering {
    let mut left_chunks = Chunks { rest: left };
    let mut right_chunks = Chunks { rest: right };
    loop {
        match (left_chunks.next(), right_chunks.next()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(left_chunk), Some(right_chunk)) => {
                let both_digits = left_chunk.starts_with(|c: char| c.is_ascii_digit())
                    && right_chunk.starts_with(|c: char| c.is_ascii_digit());
                let order = if both_digits {
                    left_chunk
                        .len()
                        .cmp(&right_chunk.len())
                        .then_with(|| left_chunk.cmp(right_chunk))
                } else {
                    left_chunk.cmp(right_chunk)
                };
                if order != Ordering::Equal {
                    return order;
                }
            }
        }
    }
}

/// Splits text into runs of ASCII digits and runs of anything else.
struct Chunks<'a> {
    rest: &'a str,
}

impl<'a> Iterator for Chunks<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let first = self.rest.chars().next()?;
        let digits = first.is_ascii_digit();
        let end = self
            .rest
            .find(|c: char| c.is_ascii_digit() != digits)
            .unwrap_or(self.rest.len());
        let (chunk, rest) = self.rest.split_at(end);
        self.rest = rest;
        Some(chunk)
    }
}

/// Days since 1970-01-01 to a civil (proleptic Gregorian) date, after Howard Hinnant's
/// `civil_from_days` — written out because the crate takes no date library.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let shifted = days + 719_468;
    let era = shifted.div_euclid(146_097);
    let day_of_era = shifted.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * month_index + 2) / 5 + 1) as u32;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Epoch milliseconds as Insights prints `@timestamp`: `2026-12-07 05:00:00.000`, UTC.
pub(crate) fn format_timestamp(milliseconds: i64) -> String {
    let days = milliseconds.div_euclid(86_400_000);
    let in_day = milliseconds.rem_euclid(86_400_000);
    let (year, month, day) = civil_from_days(days);
    let (hours, minutes) = (in_day / 3_600_000, in_day / 60_000 % 60);
    let (seconds, millis) = (in_day / 1000 % 60, in_day % 1000);
    format!("{year:04}-{month:02}-{day:02} {hours:02}:{minutes:02}:{seconds:02}.{millis:03}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_print_in_utc() {
        assert_eq!(format_timestamp(0), "1970-01-01 00:00:00.000");
        assert_eq!(
            format_timestamp(1_733_547_600_000),
            "2024-12-07 05:00:00.000"
        );
        assert_eq!(
            format_timestamp(1_796_619_600_123),
            "2026-12-07 05:00:00.123"
        );
        assert_eq!(format_timestamp(951_782_400_000), "2000-02-29 00:00:00.000");
        assert_eq!(format_timestamp(-1), "1969-12-31 23:59:59.999");
    }

    #[test]
    fn numbers_read_as_json_writes_them() {
        assert_eq!(parse_number("17"), Some(17.0));
        assert_eq!(parse_number("-1.5e2"), Some(-150.0));
        for word in ["", "-", "inf", "NaN", "+1", "1.", ".5", "1e", "0x10", "1 "] {
            assert_eq!(parse_number(word), None, "{word}");
        }
        assert_eq!(format_number(12.5), "12.5");
        assert_eq!(format_number(42.0), "42");
        assert_eq!(format_number(-0.0), "0");
    }

    #[test]
    fn natural_order_matches_the_documented_example() {
        let documented = [
            "!:",
            "#",
            "*%04",
            "0#",
            "5A",
            "111A",
            "2345_",
            "@",
            "@_",
            "A",
            "A9876fghj",
            "a12345hfh",
            "0",
            "01",
            "1",
            "2",
            "3",
        ];
        let mut shuffled: Vec<Value<'_>> = documented
            .iter()
            .rev()
            .map(|text| Value::Text(Cow::Borrowed(*text)))
            .collect();
        shuffled.sort_by(natural_order);
        let sorted: Vec<String> = shuffled
            .iter()
            .map(|value| value.text().into_owned())
            .collect();
        assert_eq!(sorted, documented);
    }
}
