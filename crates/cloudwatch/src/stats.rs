//! CloudWatch's statistics over one period's samples.

use serde::Serialize;

/// A statistic as `PutMetricAlarm` (`Statistic`, `ExtendedStatistic`) and dashboards name it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub enum Statistic {
    SampleCount,
    Average,
    Sum,
    Minimum,
    Maximum,
    /// `p99` is `Percentile(99.0)`, `p99.9` `Percentile(99.9)`.
    Percentile(f64),
}

impl Statistic {
    /// `Sum`, `Average`, `SampleCount`, `Minimum`, `Maximum`, or `pNN` (`p0` to `p100`,
    /// decimals allowed: `p99.9`).
    pub fn parse(text: &str) -> Option<Statistic> {
        Some(match text {
            "SampleCount" => Statistic::SampleCount,
            "Average" => Statistic::Average,
            "Sum" => Statistic::Sum,
            "Minimum" => Statistic::Minimum,
            "Maximum" => Statistic::Maximum,
            _ => {
                let digits = text.strip_prefix('p')?;
                if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit() || c == '.') {
                    return None;
                }
                let p: f64 = digits.parse().ok()?;
                if !(0.0..=100.0).contains(&p) {
                    return None;
                }
                Statistic::Percentile(p)
            }
        })
    }

    /// The CloudWatch spelling (`Sum`, `p99`, `p99.9`).
    pub fn name(&self) -> String {
        match self {
            Statistic::SampleCount => "SampleCount".into(),
            Statistic::Average => "Average".into(),
            Statistic::Sum => "Sum".into(),
            Statistic::Minimum => "Minimum".into(),
            Statistic::Maximum => "Maximum".into(),
            Statistic::Percentile(p) => {
                if p.fract() == 0.0 {
                    format!("p{}", *p as i64)
                } else {
                    format!("p{p}")
                }
            }
        }
    }

    /// Whether this is an extended statistic (a percentile: `ExtendedStatistic`).
    pub fn is_extended(&self) -> bool {
        matches!(self, Statistic::Percentile(_))
    }
}

/// The statistic over one period's samples; `None` when there are none. May reorder
/// `values`.
///
/// Percentiles are nearest-rank: the smallest sample with at least p % of the samples at or
/// below it (`p0` is the minimum). CloudWatch's definition ("p95 … means that 95 percent of
/// the data within the period is lower than this value",
/// <https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Statistics-definitions.html>)
/// does not say how it interpolates between samples; nearest rank always answers with a
/// value that was observed, which is the choice made here.
pub fn compute(stat: Statistic, values: &mut [f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let n = values.len() as f64;
    Some(match stat {
        Statistic::SampleCount => n,
        Statistic::Sum => values.iter().sum(),
        Statistic::Average => values.iter().sum::<f64>() / n,
        Statistic::Minimum => values.iter().copied().fold(f64::INFINITY, f64::min),
        Statistic::Maximum => values.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        Statistic::Percentile(p) => {
            values.sort_by(f64::total_cmp);
            let rank = ((p / 100.0) * n).ceil().max(1.0) as usize;
            values.get(rank.min(values.len()) - 1).copied()?
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for text in [
            "Sum",
            "Average",
            "SampleCount",
            "Minimum",
            "Maximum",
            "p99",
            "p99.9",
            "p0",
            "p100",
        ] {
            let stat = Statistic::parse(text).unwrap_or(Statistic::Sum);
            assert_eq!(stat.name(), text);
        }
        for bad in ["sum", "p", "p101", "p-1", "P99", "p9x", "Median"] {
            assert_eq!(Statistic::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn statistics_of_samples() {
        let samples = [4.0, 1.0, 3.0, 2.0];
        let of = |s: Statistic| compute(s, &mut samples.clone());
        assert_eq!(of(Statistic::SampleCount), Some(4.0));
        assert_eq!(of(Statistic::Sum), Some(10.0));
        assert_eq!(of(Statistic::Average), Some(2.5));
        assert_eq!(of(Statistic::Minimum), Some(1.0));
        assert_eq!(of(Statistic::Maximum), Some(4.0));
        assert_eq!(of(Statistic::Percentile(50.0)), Some(2.0));
        assert_eq!(of(Statistic::Percentile(75.0)), Some(3.0));
        assert_eq!(of(Statistic::Percentile(99.0)), Some(4.0));
        assert_eq!(of(Statistic::Percentile(0.0)), Some(1.0));
        assert_eq!(compute(Statistic::Sum, &mut []), None);
        let hundred: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(
            compute(Statistic::Percentile(90.0), &mut hundred.clone()),
            Some(90.0)
        );
        assert_eq!(
            compute(Statistic::Percentile(99.9), &mut hundred.clone()),
            Some(100.0)
        );
    }
}
