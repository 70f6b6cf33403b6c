//! Epoch milliseconds as CloudWatch writes them: RFC 3339 (`GetMetricData`'s timestamps) and
//! the `dd/MM/yy HH:mm:ss` of an alarm's `StateReason`. No clock is read.

/// Days since 1970-01-01 → (year, month, day), the proleptic Gregorian calendar (Howard
/// Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

struct Parts {
    year: i64,
    month: u32,
    day: u32,
    hour: i64,
    minute: i64,
    second: i64,
    millis: i64,
}

fn parts(epoch_ms: i64) -> Parts {
    let days = epoch_ms.div_euclid(86_400_000);
    let in_day = epoch_ms.rem_euclid(86_400_000);
    let (year, month, day) = civil_from_days(days);
    Parts {
        year,
        month,
        day,
        hour: in_day / 3_600_000,
        minute: in_day / 60_000 % 60,
        second: in_day / 1000 % 60,
        millis: in_day % 1000,
    }
}

/// `2026-12-07T05:00:00Z`, with `.123` only when the milliseconds are not 0.
pub fn rfc3339(epoch_ms: i64) -> String {
    let p = parts(epoch_ms);
    let millis = if p.millis == 0 {
        String::new()
    } else {
        format!(".{:03}", p.millis)
    };
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{millis}Z",
        p.year, p.month, p.day, p.hour, p.minute, p.second
    )
}

/// `07/12/26 05:05:00` (UTC), as a `StateReason` dates its datapoints.
pub fn reason_time(epoch_ms: i64) -> String {
    let p = parts(epoch_ms);
    format!(
        "{:02}/{:02}/{:02} {:02}:{:02}:{:02}",
        p.day,
        p.month,
        p.year.rem_euclid(100),
        p.hour,
        p.minute,
        p.second
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_instants() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_704_067_200_000), "2024-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_704_067_200_123), "2024-01-01T00:00:00.123Z");
        // A leap day.
        assert_eq!(rfc3339(1_709_208_000_000), "2024-02-29T12:00:00Z");
        assert_eq!(reason_time(1_704_067_500_000), "01/01/24 00:05:00");
        assert_eq!(rfc3339(-1000), "1969-12-31T23:59:59Z");
    }
}
