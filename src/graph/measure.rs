//! How wide a line of text will be, estimated without a browser.
//!
//! The layout must be pure (tested natively, the same picture for the same definition), so it
//! cannot ask the DOM. These advance widths, in ems, are a little generous for common sans
//! serif faces (DejaVu Sans, which headless Chromium on Debian falls back to, is among the
//! widest), so text fits the boxes sized for it; names wider than a box are shortened with an
//! ellipsis and shown whole in the tooltip.

/// The estimated width of `text` in pixels at a font size of `px`.
pub fn text_width(text: &str, px: f64) -> f64 {
    text.chars().map(advance).sum::<f64>() * px
}

/// The estimated width of `text` set in a bold face.
pub fn bold_text_width(text: &str, px: f64) -> f64 {
    text_width(text, px) * 1.1
}

fn advance(ch: char) -> f64 {
    match ch {
        'i' | 'j' | 'l' | '.' | ',' | ':' | ';' | '\'' | '|' | '!' | 'I' => 0.3,
        ' ' | 'f' | 't' | 'r' | '(' | ')' | '[' | ']' | '-' | '/' => 0.38,
        'm' | 'w' | 'M' | 'W' | '@' | '%' => 0.9,
        'A'..='Z' => 0.7,
        'a'..='z' | '0'..='9' | '_' | '$' | '#' | '+' | '=' | '<' | '>' | '*' | '?' => 0.6,
        // CJK, kana, full-width forms: one em.
        '\u{1100}'..='\u{115f}'
        | '\u{2e80}'..='\u{a4cf}'
        | '\u{ac00}'..='\u{d7a3}'
        | '\u{f900}'..='\u{faff}'
        | '\u{fe30}'..='\u{fe4f}'
        | '\u{ff00}'..='\u{ff60}'
        | '\u{ffe0}'..='\u{ffe6}' => 1.0,
        _ => 0.65,
    }
}

/// `text` shortened with a trailing ellipsis so that it fits `max_width` pixels at `px`
/// (bold when `bold`); the text itself when it fits.
pub fn fit(text: &str, px: f64, max_width: f64, bold: bool) -> String {
    let width = |s: &str| {
        if bold {
            bold_text_width(s, px)
        } else {
            text_width(s, px)
        }
    };
    if width(text) <= max_width {
        return text.to_string();
    }
    let ellipsis = width("…");
    let mut out = String::new();
    let mut used = 0.0;
    for ch in text.chars() {
        let w = width(ch.encode_utf8(&mut [0; 4]));
        if used + w + ellipsis > max_width {
            break;
        }
        used += w;
        out.push(ch);
    }
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wider_text_measures_wider() {
        assert!(text_width("WWWW", 12.0) > text_width("iiii", 12.0));
        assert!(text_width("処理", 12.0) > text_width("ab", 12.0));
        assert_eq!(text_width("", 12.0), 0.0);
        assert!((text_width("ab", 10.0) * 2.0 - text_width("ab", 20.0)).abs() < 1e-9);
    }

    #[test]
    fn fitting_keeps_short_text_and_shortens_long_text() {
        assert_eq!(fit("Validate", 13.0, 200.0, true), "Validate");
        let long = "ValidateEveryOrderAndChargeThePaymentThenConfirm";
        let fitted = fit(long, 13.0, 120.0, true);
        assert!(fitted.ends_with('…'), "{fitted}");
        assert!(bold_text_width(&fitted, 13.0) <= 120.0);
        assert!(long.starts_with(fitted.trim_end_matches('…')));
    }
}
