//! Virtual wall-clock: RFC 3339 timestamps ⇄ milliseconds since the Unix epoch.
//!
//! The simulation runs in virtual milliseconds from 0; the scenario's `start_time` anchors
//! that to a date so histories, `$$.Execution.StartTime` and Wait `Timestamp` look real.
//! Pure integer arithmetic (Howard Hinnant's civil-date algorithms), no platform clock.

/// `2024-01-01T00:00:00Z`, the default anchor of virtual time 0.
pub const DEFAULT_START_EPOCH_MS: i64 = 1_704_067_200_000;

pub(crate) fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = i64::from(m);
    let d = i64::from(d);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

pub(crate) fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// The ISO 8601 week number of the day `days` after the epoch.
pub(crate) fn iso_week(days: i64) -> i64 {
    // 1970-01-01 was a Thursday; ISO weekdays run Monday = 1 … Sunday = 7.
    let weekday = (days + 3).rem_euclid(7) + 1;
    let thursday = days - weekday + 4;
    let (year, _, _) = civil_from_days(thursday);
    (thursday - days_from_civil(year, 1, 1)) / 7 + 1
}

/// Formats epoch milliseconds as `2024-01-01T00:00:00.000Z`.
pub fn format_rfc3339(epoch_ms: i64) -> String {
    let days = epoch_ms.div_euclid(86_400_000);
    let ms_of_day = epoch_ms.rem_euclid(86_400_000);
    let (y, m, d) = civil_from_days(days);
    let h = ms_of_day / 3_600_000;
    let min = (ms_of_day / 60_000) % 60;
    let s = (ms_of_day / 1000) % 60;
    let ms = ms_of_day % 1000;
    format!("{y:04}-{m:02}-{d:02}T{h:02}:{min:02}:{s:02}.{ms:03}Z")
}

/// Parses an RFC 3339 timestamp (`2024-01-01T00:00:00Z`, fractions and `±hh:mm` offsets
/// allowed) into epoch milliseconds. `None` if it is not one — Step Functions' `IsTimestamp`
/// and Wait `Timestamp` use this form.
pub fn parse_rfc3339(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| -> Option<i64> {
        let slice = b.get(range)?;
        if slice.is_empty() || !slice.iter().all(u8::is_ascii_digit) {
            return None;
        }
        std::str::from_utf8(slice).ok()?.parse().ok()
    };
    if b.len() < 20 || b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return None;
    }
    if !matches!(b.get(10), Some(b'T' | b't'))
        || b.get(13) != Some(&b':')
        || b.get(16) != Some(&b':')
    {
        return None;
    }
    let y = digits(0..4)?;
    let mo = u32::try_from(digits(5..7)?).ok()?;
    let d = u32::try_from(digits(8..10)?).ok()?;
    let h = digits(11..13)?;
    let mi = digits(14..16)?;
    let s = digits(17..19)?;
    if !(1..=12).contains(&mo) || d == 0 || d > days_in_month(y, mo) || h > 23 || mi > 59 || s > 60
    {
        return None;
    }
    let mut pos = 19;
    let mut millis = 0i64;
    if b.get(pos) == Some(&b'.') {
        pos += 1;
        let start = pos;
        while b.get(pos).is_some_and(u8::is_ascii_digit) {
            pos += 1;
        }
        if pos == start {
            return None;
        }
        let mut scale = 100;
        for &c in b.get(start..pos)?.iter().take(3) {
            millis += i64::from(c - b'0') * scale;
            scale /= 10;
        }
    }
    let offset_ms = match b.get(pos) {
        Some(b'Z' | b'z') if pos + 1 == b.len() => 0,
        Some(sign @ (b'+' | b'-')) if pos + 6 == b.len() && b.get(pos + 3) == Some(&b':') => {
            let oh = digits(pos + 1..pos + 3)?;
            let om = digits(pos + 4..pos + 6)?;
            let total = (oh * 60 + om) * 60_000;
            if *sign == b'+' {
                total
            } else {
                -total
            }
        }
        _ => return None,
    };
    let days = days_from_civil(y, mo, d);
    Some(days * 86_400_000 + ((h * 60 + mi) * 60 + s) * 1000 + millis - offset_ms)
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        _ => 28,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        let cases = [
            ("2024-01-01T00:00:00Z", DEFAULT_START_EPOCH_MS),
            ("1970-01-01T00:00:00Z", 0),
            ("2024-02-29T12:34:56.789Z", 1_709_210_096_789),
            ("2016-03-14T01:59:00+01:00", 1_457_917_140_000),
            ("2016-03-14T01:59:00.5-00:30", 1_457_922_540_500),
        ];
        for (text, ms) in cases {
            assert_eq!(parse_rfc3339(text), Some(ms), "{text}");
        }
        assert_eq!(
            format_rfc3339(1_709_210_096_789),
            "2024-02-29T12:34:56.789Z"
        );
        assert_eq!(format_rfc3339(-1), "1969-12-31T23:59:59.999Z");
    }

    #[test]
    fn iso_weeks() {
        let week = |t: &str| iso_week(parse_rfc3339(t).unwrap_or(0).div_euclid(86_400_000));
        assert_eq!(week("2024-01-01T00:00:00Z"), 1);
        assert_eq!(week("2021-01-03T00:00:00Z"), 53);
        assert_eq!(week("2020-12-31T00:00:00Z"), 53);
        assert_eq!(week("2024-12-30T00:00:00Z"), 1);
    }

    #[test]
    fn rejects_non_timestamps() {
        for text in [
            "",
            "2024-01-01",
            "2024-13-01T00:00:00Z",
            "2023-02-29T00:00:00Z",
            "2024-01-01T00:00:00",
            "2024-01-01 00:00:00Z",
            "2024-01-01T00:00:00.Z",
            "2024-01-01T00:00:00+0100",
            "x024-01-01T00:00:00Z",
        ] {
            assert_eq!(parse_rfc3339(text), None, "{text}");
        }
    }
}
