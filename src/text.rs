//! Positions in the editor's text: converting the `line:column` of a diagnostic into the
//! offset a `<textarea>` selection understands.
//!
//! Diagnostics count lines and columns from 1 and columns in characters (Unicode scalar
//! values); the DOM counts UTF-16 code units from 0. Getting this wrong puts the caret on the
//! wrong character as soon as the text holds a Japanese state name or an emoji.

/// The number of lines the editor shows for `text` (an empty text still has one line).
pub fn line_count(text: &str) -> usize {
    text.split('\n').count()
}

/// The UTF-16 offset of `line:column` (both from 1) in `text`, as `HTMLTextAreaElement`
/// selection APIs expect. A line past the end gives the end of the text; a column past the
/// end of its line gives the end of that line.
pub fn utf16_offset(text: &str, line: u32, column: u32) -> u32 {
    let mut offset: usize = 0;
    let wanted_line = line.max(1) as usize;
    for (index, content) in text.split('\n').enumerate() {
        if index + 1 == wanted_line {
            let wanted_chars = column.max(1) as usize - 1;
            let within: usize = content
                .trim_end_matches('\r')
                .chars()
                .take(wanted_chars)
                .map(char::len_utf16)
                .sum();
            return saturate(offset + within);
        }
        // The line's characters plus its '\n'.
        offset += content.chars().map(char::len_utf16).sum::<usize>() + 1;
    }
    saturate(text.chars().map(char::len_utf16).sum())
}

fn saturate(offset: usize) -> u32 {
    u32::try_from(offset).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_count_counts_every_line_including_the_last_empty_one() {
        let cases = [
            ("", 1),
            ("{}", 1),
            ("{\n}", 2),
            ("{\n}\n", 3),
            ("\r\n\r\n", 3),
        ];
        for (text, expected) in cases {
            assert_eq!(line_count(text), expected, "{text:?}");
        }
    }

    #[test]
    fn utf16_offset_places_the_caret_on_the_character() {
        let text = "{\n  \"名前\": 1,\n  \"🙂x\": 2\n}";
        let cases = [
            // (line, column, expected offset)
            (1, 1, 0),
            (1, 2, 1),
            (2, 1, 2),
            (2, 3, 4),
            // After `"名前"`: each kanji is one UTF-16 unit.
            (2, 7, 8),
            // The emoji is two UTF-16 units but one column.
            (3, 5, 18),
            // Past the end of a line: end of that line.
            (1, 99, 1),
            // Past the end of the text: end of the text.
            (9, 1, 25),
            // Zero is treated as the first line/column rather than rejected.
            (0, 0, 0),
        ];
        for (line, column, expected) in cases {
            assert_eq!(
                utf16_offset(text, line, column),
                expected,
                "{line}:{column}"
            );
        }
    }

    #[test]
    fn utf16_offset_ignores_carriage_returns_at_line_ends() {
        let text = "ab\r\ncd";
        assert_eq!(utf16_offset(text, 1, 9), 2);
        assert_eq!(utf16_offset(text, 2, 2), 5);
    }
}
