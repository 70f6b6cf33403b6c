//! How the run view names, colours and marks what the engine reports: the status of an item
//! (a cell of the item grid), and virtual times and shares as text.
//!
//! Colours come from the Okabe–Ito palette (safe for colour-blind readers); every status also
//! has a word and a glyph, so no status is told by colour alone.

use engine::report::{ChildStatus, ItemChange, ItemMark};
use engine::sim::Simulation;

use crate::i18n::Lang;

/// The status of one child (item or batch) as the item grid shows it: the engine's
/// [`ChildStatus`] refined by its [`ItemMark`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u8)]
pub enum CellStatus {
    Pending = 0,
    Running = 1,
    Retrying = 2,
    Succeeded = 3,
    Caught = 4,
    Failed = 5,
    TimedOut = 6,
    Aborted = 7,
}

impl CellStatus {
    /// Every status, in the order a legend lists them.
    pub const ALL: [CellStatus; 8] = [
        CellStatus::Pending,
        CellStatus::Running,
        CellStatus::Retrying,
        CellStatus::Succeeded,
        CellStatus::Caught,
        CellStatus::Failed,
        CellStatus::TimedOut,
        CellStatus::Aborted,
    ];

    pub fn of(status: ChildStatus, mark: ItemMark) -> CellStatus {
        match (status, mark) {
            (ChildStatus::Pending, _) => CellStatus::Pending,
            (ChildStatus::Running, ItemMark::Retrying) => CellStatus::Retrying,
            (ChildStatus::Running, _) => CellStatus::Running,
            (ChildStatus::Succeeded, ItemMark::Caught) => CellStatus::Caught,
            (ChildStatus::Succeeded, _) => CellStatus::Succeeded,
            (ChildStatus::Failed, _) => CellStatus::Failed,
            (ChildStatus::TimedOut, _) => CellStatus::TimedOut,
            (ChildStatus::Aborted, _) => CellStatus::Aborted,
        }
    }

    pub fn of_change(change: &ItemChange) -> CellStatus {
        CellStatus::of(change.status, change.mark)
    }

    pub fn from_u8(value: u8) -> CellStatus {
        CellStatus::ALL
            .get(usize::from(value))
            .copied()
            .unwrap_or(CellStatus::Pending)
    }

    pub fn index(self) -> usize {
        self as usize
    }

    /// A stable lower-case name (CSS classes, `data-` attributes).
    pub fn key(self) -> &'static str {
        match self {
            CellStatus::Pending => "pending",
            CellStatus::Running => "running",
            CellStatus::Retrying => "retrying",
            CellStatus::Succeeded => "succeeded",
            CellStatus::Caught => "caught",
            CellStatus::Failed => "failed",
            CellStatus::TimedOut => "timed-out",
            CellStatus::Aborted => "aborted",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            CellStatus::Pending => lang.t("Pending", "待機中"),
            CellStatus::Running => lang.t("Running", "実行中"),
            CellStatus::Retrying => lang.t("Retrying", "リトライ待ち"),
            CellStatus::Succeeded => lang.t("Succeeded", "成功"),
            CellStatus::Caught => lang.t("Caught", "キャッチ済み"),
            CellStatus::Failed => lang.t("Failed", "失敗"),
            CellStatus::TimedOut => lang.t("Timed out", "タイムアウト"),
            CellStatus::Aborted => lang.t("Aborted", "中止"),
        }
    }

    /// A glyph that tells the status without colour.
    pub fn glyph(self) -> &'static str {
        match self {
            CellStatus::Pending => "·",
            CellStatus::Running => "▸",
            CellStatus::Retrying => "↻",
            CellStatus::Succeeded => "✓",
            CellStatus::Caught => "↪",
            CellStatus::Failed => "✕",
            CellStatus::TimedOut => "◷",
            CellStatus::Aborted => "⊘",
        }
    }

    /// The fill colour (Okabe–Ito), as RGB.
    pub fn rgb(self) -> [u8; 3] {
        match self {
            CellStatus::Pending => [0xe3, 0xe7, 0xee],
            CellStatus::Running => [0x56, 0xb4, 0xe9],
            CellStatus::Retrying => [0xe6, 0x9f, 0x00],
            CellStatus::Succeeded => [0x00, 0x9e, 0x73],
            CellStatus::Caught => [0x00, 0x72, 0xb2],
            CellStatus::Failed => [0xd5, 0x5e, 0x00],
            CellStatus::TimedOut => [0xcc, 0x79, 0xa7],
            CellStatus::Aborted => [0x6e, 0x6e, 0x6e],
        }
    }

    /// The colour as CSS text.
    pub fn css(self) -> String {
        let [r, g, b] = self.rgb();
        format!("#{r:02x}{g:02x}{b:02x}")
    }

    /// The colour of a glyph drawn on this status's fill (dark on light fills).
    pub fn ink(self) -> &'static str {
        match self {
            CellStatus::Pending | CellStatus::Running | CellStatus::Retrying => "#1b2433",
            _ => "#ffffff",
        }
    }
}

/// The Map Run the run view shows: the one the user picked, else the parent's latest (a Map
/// Run of a nested Distributed Map only when the parent has none).
pub fn shown_run(sim: &Simulation, picked: Option<usize>) -> Option<usize> {
    let runs = sim.map_runs();
    if let Some(picked) = picked.filter(|&run| run < runs.len()) {
        return Some(picked);
    }
    runs.iter()
        .rposition(|run| !run.setup.nested)
        .or_else(|| runs.len().checked_sub(1))
}

/// Virtual time as `hh:mm:ss.mmm` (hours grow past 24 rather than rolling into days).
pub fn clock(ms: u64) -> String {
    let seconds = ms / 1000;
    format!(
        "{:02}:{:02}:{:02}.{:03}",
        seconds / 3600,
        (seconds / 60) % 60,
        seconds % 60,
        ms % 1000
    )
}

/// Virtual time as `hh:mm:ss`, for axes and sentences.
pub fn clock_seconds(ms: u64) -> String {
    let seconds = ms / 1000;
    format!(
        "{:02}:{:02}:{:02}",
        seconds / 3600,
        (seconds / 60) % 60,
        seconds % 60
    )
}

/// A duration for people: `850 ms`, `1.25 s`, `2 min 5 s`, `3 h 4 min`.
pub fn duration(ms: u64) -> String {
    if ms < 1000 {
        format!("{ms} ms")
    } else if ms < 60_000 {
        format!("{} s", trim_decimals(ms as f64 / 1000.0, 2))
    } else if ms < 3_600_000 {
        let seconds = ms / 1000;
        format!("{} min {} s", seconds / 60, seconds % 60)
    } else {
        let minutes = ms / 60_000;
        format!("{} h {} min", minutes / 60, minutes % 60)
    }
}

/// A share in percent with at most two decimals and no trailing zeros: `5`, `1.2`, `0.05`.
pub fn percent(value: f64) -> String {
    trim_decimals(value, 2)
}

fn trim_decimals(value: f64, decimals: usize) -> String {
    let text = format!("{value:.decimals$}");
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_refine_statuses() {
        let cases = [
            (ChildStatus::Pending, ItemMark::Plain, CellStatus::Pending),
            (ChildStatus::Running, ItemMark::Plain, CellStatus::Running),
            (
                ChildStatus::Running,
                ItemMark::Retrying,
                CellStatus::Retrying,
            ),
            (
                ChildStatus::Succeeded,
                ItemMark::Plain,
                CellStatus::Succeeded,
            ),
            (ChildStatus::Succeeded, ItemMark::Caught, CellStatus::Caught),
            (ChildStatus::Failed, ItemMark::Caught, CellStatus::Failed),
            (ChildStatus::TimedOut, ItemMark::Plain, CellStatus::TimedOut),
            (
                ChildStatus::Aborted,
                ItemMark::Retrying,
                CellStatus::Aborted,
            ),
        ];
        for (status, mark, expected) in cases {
            assert_eq!(
                CellStatus::of(status, mark),
                expected,
                "{status:?} {mark:?}"
            );
        }
    }

    #[test]
    fn statuses_round_trip_through_bytes_and_differ_in_colour_word_and_glyph() {
        for status in CellStatus::ALL {
            assert_eq!(CellStatus::from_u8(status as u8), status);
        }
        assert_eq!(CellStatus::from_u8(200), CellStatus::Pending);
        for (i, a) in CellStatus::ALL.iter().enumerate() {
            for b in CellStatus::ALL.iter().skip(i + 1) {
                assert_ne!(a.rgb(), b.rgb());
                assert_ne!(a.glyph(), b.glyph());
                assert_ne!(a.label(Lang::En), b.label(Lang::En));
                assert_ne!(a.label(Lang::Ja), b.label(Lang::Ja));
            }
        }
    }

    #[test]
    fn times_and_shares_read_well() {
        assert_eq!(clock(0), "00:00:00.000");
        assert_eq!(clock(452_123), "00:07:32.123");
        assert_eq!(clock(90_061_001), "25:01:01.001");
        assert_eq!(clock_seconds(452_999), "00:07:32");
        let durations = [
            (850, "850 ms"),
            (1250, "1.25 s"),
            (30_000, "30 s"),
            (125_000, "2 min 5 s"),
            (11_040_000, "3 h 4 min"),
        ];
        for (ms, text) in durations {
            assert_eq!(duration(ms), text);
        }
        assert_eq!(percent(5.0), "5");
        assert_eq!(percent(1.2), "1.2");
        assert_eq!(percent(0.049), "0.05");
        assert_eq!(percent(12.346), "12.35");
    }
}
