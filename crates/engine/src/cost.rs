//! What a run would cost in AWS, from the engine's own counts: Standard state transitions,
//! Express requests and GB-seconds, Lambda requests and GB-seconds.
//!
//! The prices are a data file (`data/prices.json`) with its sources and the date they were
//! read. How each part is counted:
//!
//! - **State transitions** (Standard): every state entered in a Standard execution — the parent,
//!   and the children of a Distributed Map whose `ExecutionType` is STANDARD — plus one per
//!   retry (AWS bills a retry as a transition), plus one per child execution a Distributed Map
//!   starts, of either type (a redriven child is started again) [AWS pricing; concepts-transitions].
//! - **Express**: one request per execution started; its duration rounded up to 100 ms; its
//!   memory in 64 MB chunks. AWS estimates the memory as 50 MB + the definition's size + the
//!   payload × the Map or Parallel steps; the engine does not weigh those, so a run is billed at
//!   one 64 MB chunk unless the scenario's `pricing.express_memory_mb` says otherwise — the
//!   cost's `notes` say which. GB-hours are priced through the tiers from zero, as if this run
//!   were the month's only use.
//! - **Lambda**: one request per invocation that ran (a throttled one did not), billed per 1 ms
//!   of its simulated duration — to its own end, even when Step Functions stopped waiting at a
//!   timeout — at the Task's `memory_mb` (128 by default) and `architecture`. Other service
//!   integrations are not priced, and the notes say so.
//! - **The free tier** is left out unless the scenario's `pricing.free_tier` is true: then the
//!   month's free allowance is taken off this run's totals.
//! - **Retry share**: what the retries cost — their transitions and their Lambda invocations —
//!   over the total. The longer Express durations that waiting to retry causes are not
//!   attributed to retries.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::program::{KindIr, Program, StateId};
use crate::report::ChildStatus;
use crate::sim::Simulation;

/// The region whose prices apply when nothing says otherwise.
pub const DEFAULT_REGION: &str = "us-east-1";

/// The price file, as written.
#[derive(Debug, Deserialize)]
pub struct PriceTable {
    pub currency: String,
    /// The date the prices were read from the sources.
    pub read: String,
    pub sources: BTreeMap<String, String>,
    pub free_tier: FreeTier,
    pub regions: BTreeMap<String, RegionPrices>,
}

#[derive(Debug, Deserialize)]
pub struct FreeTier {
    pub standard_transitions: u64,
    pub lambda_requests: u64,
    pub lambda_gb_seconds: f64,
}

#[derive(Debug, Deserialize)]
pub struct RegionPrices {
    pub name: String,
    pub standard_per_1000_transitions: f64,
    pub express: Option<ExpressPrices>,
    pub lambda: Option<LambdaPrices>,
}

#[derive(Debug, Deserialize)]
pub struct ExpressPrices {
    pub per_million_requests: f64,
    /// `[GB-hours in the tier (null = the rest), price per GB-hour]`, in order.
    pub gb_hour_tiers: Vec<(Option<f64>, f64)>,
}

#[derive(Debug, Deserialize)]
pub struct LambdaPrices {
    pub per_million_requests: f64,
    pub x86_64_per_gb_second: f64,
    pub arm64_per_gb_second: f64,
}

impl PriceTable {
    /// The price file built into mapsim.
    pub fn builtin() -> &'static PriceTable {
        static TABLE: OnceLock<PriceTable> = OnceLock::new();
        TABLE.get_or_init(|| {
            // The file is part of the program, and a test reads it; an unreadable one (which
            // the test would have caught) prices nothing rather than stopping the run.
            serde_json::from_str(include_str!("../data/prices.json")).unwrap_or(PriceTable {
                currency: "USD".into(),
                read: String::new(),
                sources: BTreeMap::new(),
                free_tier: FreeTier {
                    standard_transitions: 0,
                    lambda_requests: 0,
                    lambda_gb_seconds: 0.0,
                },
                regions: BTreeMap::new(),
            })
        })
    }

    pub fn region(&self, code: &str) -> Option<&RegionPrices> {
        self.regions.get(code)
    }

    pub fn region_names(&self) -> Vec<&str> {
        self.regions.keys().map(String::as_str).collect()
    }
}

/// How to price a run.
#[derive(Debug, Clone, PartialEq)]
pub struct CostOptions {
    pub region: String,
    /// The state machine itself is an Express workflow (the parent is billed as one).
    pub express_parent: bool,
    /// Take the month's free tier off this run's totals.
    pub free_tier: bool,
    /// The memory an Express execution is billed at, before rounding up to 64 MB chunks.
    pub express_memory_mb: Option<u32>,
}

impl CostOptions {
    /// The scenario's `pricing`, for a Standard state machine.
    pub fn from_scenario(scenario: &crate::scenario::Scenario) -> CostOptions {
        CostOptions {
            region: scenario
                .pricing
                .region
                .clone()
                .unwrap_or_else(|| DEFAULT_REGION.to_string()),
            express_parent: false,
            free_tier: scenario.pricing.free_tier,
            express_memory_mb: scenario.pricing.express_memory_mb,
        }
    }
}

/// What the run would cost: the summary's `cost`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cost {
    pub currency: String,
    pub region: String,
    pub total_usd: f64,
    pub state_transitions: u64,
    pub express_requests: u64,
    pub express_gb_seconds: f64,
    pub lambda_requests: u64,
    pub lambda_gb_seconds: f64,
    /// What the retries cost over the total (0 when the total is 0).
    pub retry_share: f64,
    pub standard_usd: f64,
    pub express_usd: f64,
    pub lambda_usd: f64,
    pub retry_usd: f64,
    pub retry_transitions: u64,
    /// The total per 1,000 items of the run's Distributed Maps (`None` without items).
    pub per_1000_items_usd: Option<f64>,
    /// The memory each Express execution was billed at.
    pub express_billed_memory_mb: u32,
    pub free_tier_applied: bool,
    pub prices_read: String,
    /// What the figure rests on: the price file's region substitutions, the Express memory,
    /// integrations not priced.
    pub notes: Vec<String>,
}

/// The counts a cost is worked out from, gathered from a simulation.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Usage {
    pub transitions: u64,
    pub retry_transitions: u64,
    pub express_requests: u64,
    /// Σ of each Express execution's duration rounded up to 100 ms.
    pub express_billed_ms: u64,
    /// Lambda invocations and ms, by architecture (x86_64, arm64), as GB-ms.
    pub lambda_requests: u64,
    pub lambda_gb_ms: [f64; 2],
    pub lambda_retry_requests: u64,
    pub lambda_retry_gb_ms: [f64; 2],
    pub items: u64,
    /// Task states of other integrations that ran, not priced.
    pub unpriced_tasks: Vec<String>,
}

/// Whether the executions a state runs in are Express ones.
fn express_scope(program: &Program, state: StateId, express_parent: bool) -> bool {
    let mut machine = program.states.get(state as usize).map(|s| s.machine);
    // Walk out through Parallel and Map owners to the nearest Distributed Map processor.
    for _ in 0..=program.machines.len() {
        let Some(m) = machine.and_then(|m| program.machines.get(m as usize)) else {
            break;
        };
        if m.distributed {
            return m.execution_type == asl::ExecutionType::Express;
        }
        match m.owner {
            Some(owner) => machine = program.states.get(owner as usize).map(|s| s.machine),
            None => break,
        }
    }
    express_parent
}

fn round_up_100(ms: u64) -> u64 {
    ms.div_ceil(100) * 100
}

/// Gathers what a simulation used.
pub fn usage(sim: &Simulation, express_parent: bool) -> Usage {
    let program = sim.program();
    let mut usage = Usage::default();
    for (id, stats) in sim.state_stats().iter().enumerate() {
        let Some(state) = program.states.get(id) else {
            continue;
        };
        if !express_scope(program, id as StateId, express_parent) {
            usage.transitions += stats.entered + stats.retries;
            usage.retry_transitions += stats.retries;
        }
        if let KindIr::Task(task) = &state.kind {
            if task.lambda {
                let gb = f64::from(task.behaviour.memory_mb) / 1024.0;
                let arch = usize::from(task.behaviour.arm64);
                usage.lambda_requests += stats.lambda_invocations;
                usage.lambda_gb_ms[arch] += stats.lambda_ms as f64 * gb;
                usage.lambda_retry_requests += stats.lambda_retry_invocations;
                usage.lambda_retry_gb_ms[arch] += stats.lambda_retry_ms as f64 * gb;
            } else if stats.attempts > 0 {
                usage.unpriced_tasks.push(state.name.to_string());
            }
        }
    }
    for run in sim.map_runs() {
        usage.items += run.item_counts.total;
        for child in &run.children {
            if child.status == ChildStatus::Pending {
                continue;
            }
            usage.transitions += 1;
            if run.setup.express {
                usage.express_requests += 1;
                if child.status != ChildStatus::Running {
                    usage.express_billed_ms +=
                        round_up_100(child.end_ms.saturating_sub(child.start_ms));
                }
            }
        }
    }
    for end in sim.earlier_ends() {
        let Some(run) = end.run.and_then(|r| sim.map_runs().get(r as usize)) else {
            continue;
        };
        usage.transitions += 1;
        if run.setup.express {
            usage.express_requests += 1;
            usage.express_billed_ms += round_up_100(end.end_ms.saturating_sub(end.start_ms));
        }
    }
    if express_parent {
        usage.express_requests += 1;
        usage.express_billed_ms += round_up_100(sim.outcome().map_or(sim.now_ms(), |o| o.end_ms));
    }
    usage
}

/// Prices a simulation's usage.
pub fn estimate(sim: &Simulation, options: &CostOptions) -> Result<Cost, String> {
    price(&usage(sim, options.express_parent), options)
}

/// Prices a usage (separate from [`usage`] so that hand-worked examples can be tested).
pub fn price(usage: &Usage, options: &CostOptions) -> Result<Cost, String> {
    let table = PriceTable::builtin();
    let region = table.region(&options.region).ok_or_else(|| {
        format!(
            "no prices for the region {:?}; the price file has {}",
            options.region,
            table.region_names().join(", ")
        )
    })?;
    let fallback = table.region(DEFAULT_REGION);
    let mut notes = Vec::new();
    let express = match region.express.as_ref() {
        Some(e) => Some(e),
        None => {
            if usage.express_requests > 0 {
                notes.push(format!(
                    "the price file has no Express prices for {}; {DEFAULT_REGION}'s are used",
                    options.region
                ));
            }
            fallback.and_then(|f| f.express.as_ref())
        }
    };
    let lambda = match region.lambda.as_ref() {
        Some(l) => Some(l),
        None => {
            if usage.lambda_requests > 0 {
                notes.push(format!(
                    "the price file has no Lambda prices for {}; {DEFAULT_REGION}'s are used",
                    options.region
                ));
            }
            fallback.and_then(|f| f.lambda.as_ref())
        }
    };
    let free = &table.free_tier;

    // Standard.
    let per_transition = region.standard_per_1000_transitions / 1000.0;
    let billed_transitions = if options.free_tier {
        usage.transitions.saturating_sub(free.standard_transitions)
    } else {
        usage.transitions
    };
    let standard_usd = billed_transitions as f64 * per_transition;

    // Express.
    let memory = options.express_memory_mb.unwrap_or(64).max(1);
    let billed_memory = memory.div_ceil(64) * 64;
    if usage.express_requests > 0 {
        notes.push(match options.express_memory_mb {
            Some(m) => format!("Express executions billed at {billed_memory} MB (pricing.express_memory_mb {m}, in 64 MB chunks)"),
            None => format!(
                "Express executions billed at {billed_memory} MB: AWS's estimate is 50 MB + the definition's size + the payload × the Map or Parallel steps, which stays in the first 64 MB chunk unless payloads are large (pricing.express_memory_mb sets it)"
            ),
        });
    }
    let express_gb_seconds =
        usage.express_billed_ms as f64 / 1000.0 * f64::from(billed_memory) / 1024.0;
    let express_usd = express.map_or(0.0, |e| {
        let requests = usage.express_requests as f64 * e.per_million_requests / 1e6;
        let mut hours = express_gb_seconds / 3600.0;
        let mut duration = 0.0;
        for (size, price) in &e.gb_hour_tiers {
            if hours <= 0.0 {
                break;
            }
            let here = size.map_or(hours, |s| hours.min(s));
            duration += here * price;
            hours -= here;
        }
        requests + duration
    });

    // Lambda.
    let gb_seconds = [
        usage.lambda_gb_ms[0] / 1000.0,
        usage.lambda_gb_ms[1] / 1000.0,
    ];
    let lambda_gb_seconds = gb_seconds[0] + gb_seconds[1];
    let (lambda_usd, lambda_unit) = match lambda {
        None => (0.0, [0.0, 0.0]),
        Some(l) => {
            let unit = [l.x86_64_per_gb_second, l.arm64_per_gb_second];
            let mut requests = usage.lambda_requests;
            let mut billed = gb_seconds;
            if options.free_tier {
                requests = requests.saturating_sub(free.lambda_requests);
                let mut allowance = free.lambda_gb_seconds;
                for b in &mut billed {
                    let off = b.min(allowance);
                    *b -= off;
                    allowance -= off;
                }
            }
            let usd = requests as f64 * l.per_million_requests / 1e6
                + billed[0] * unit[0]
                + billed[1] * unit[1];
            (usd, unit)
        }
    };
    let lambda_request_price = lambda.map_or(0.0, |l| l.per_million_requests / 1e6);
    let retry_usd = usage.retry_transitions as f64 * per_transition
        + usage.lambda_retry_requests as f64 * lambda_request_price
        + usage.lambda_retry_gb_ms[0] / 1000.0 * lambda_unit[0]
        + usage.lambda_retry_gb_ms[1] / 1000.0 * lambda_unit[1];
    let total_usd = standard_usd + express_usd + lambda_usd;
    let retry_usd = retry_usd.min(total_usd);
    if !usage.unpriced_tasks.is_empty() {
        notes.push(format!(
            "not priced: the service integrations of {} (only Lambda's are in the price file)",
            usage.unpriced_tasks.join(", ")
        ));
    }
    notes.push(if options.free_tier {
        "the month's free tier is taken off this run's totals (pricing.free_tier)".to_string()
    } else {
        "the free tier is left out (the run is priced as if the month's allowance were spent)"
            .to_string()
    });
    Ok(Cost {
        currency: table.currency.clone(),
        region: options.region.clone(),
        total_usd,
        state_transitions: usage.transitions,
        express_requests: usage.express_requests,
        express_gb_seconds,
        lambda_requests: usage.lambda_requests,
        lambda_gb_seconds,
        retry_share: if total_usd > 0.0 {
            retry_usd / total_usd
        } else {
            0.0
        },
        standard_usd,
        express_usd,
        lambda_usd,
        retry_usd,
        retry_transitions: usage.retry_transitions,
        per_1000_items_usd: (usage.items > 0).then(|| total_usd / usage.items as f64 * 1000.0),
        express_billed_memory_mb: billed_memory,
        free_tier_applied: options.free_tier,
        prices_read: table.read.clone(),
        notes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options() -> CostOptions {
        CostOptions {
            region: DEFAULT_REGION.into(),
            express_parent: false,
            free_tier: false,
            express_memory_mb: None,
        }
    }

    #[test]
    fn the_price_file_reads_and_has_the_default_region_whole() {
        let table = PriceTable::builtin();
        let home = table.region(DEFAULT_REGION).expect("us-east-1");
        assert!(home.express.is_some() && home.lambda.is_some());
        assert!(table.regions.len() >= 18, "{:?}", table.region_names());
        assert_eq!(table.read, "2026-12-07");
    }

    /// AWS's Express pricing example: 100 million workflows a month of 10 s each at 64 MB cost
    /// $100.00 in requests and $382.97 in duration (17,361.11 GB-hours through the three tiers)
    /// [aws.amazon.com/step-functions/pricing, "Express Workflows pricing example"].
    #[test]
    fn the_express_example_of_the_pricing_page() {
        let usage = Usage {
            express_requests: 100_000_000,
            express_billed_ms: 100_000_000 * 10_000,
            ..Usage::default()
        };
        let cost = price(&usage, &options()).expect("priced");
        assert!((cost.express_gb_seconds - 62_500_000.0).abs() < 1e-3);
        assert!(
            (cost.express_usd - 482.97).abs() < 0.01,
            "{}",
            cost.express_usd
        );
    }

    /// Standard: $0.025 per 1,000 transitions; 100,000 transitions cost $2.50, and with the
    /// free tier 96,000 of them are billed ($2.40) [the pricing page's table and free tier].
    #[test]
    fn standard_transitions_with_and_without_the_free_tier() {
        let usage = Usage {
            transitions: 100_000,
            retry_transitions: 10_000,
            ..Usage::default()
        };
        let cost = price(&usage, &options()).expect("priced");
        assert!((cost.total_usd - 2.5).abs() < 1e-9);
        assert!((cost.retry_share - 0.1).abs() < 1e-9);
        let free = CostOptions {
            free_tier: true,
            ..options()
        };
        let cost = price(&usage, &free).expect("priced");
        assert!((cost.total_usd - 2.4).abs() < 1e-9);
        let paris = CostOptions {
            region: "eu-west-3".into(),
            ..options()
        };
        let cost = price(&usage, &paris).expect("priced");
        assert!((cost.total_usd - 2.97).abs() < 1e-9);
    }

    /// Lambda: 3 million requests of 120 ms at 1,536 MB — AWS's mobile-backend example with
    /// the free tier left out — is 540,000 GB-s × $0.0000166667 = $9.00 and $0.60 of requests.
    #[test]
    fn lambda_requests_and_gb_seconds() {
        let gb = 1536.0 / 1024.0;
        let usage = Usage {
            lambda_requests: 3_000_000,
            lambda_gb_ms: [3_000_000.0 * 120.0 * gb, 0.0],
            ..Usage::default()
        };
        let cost = price(&usage, &options()).expect("priced");
        assert!((cost.lambda_gb_seconds - 540_000.0).abs() < 1e-6);
        assert!((cost.lambda_usd - (0.6 + 540_000.0 * 0.0000166667)).abs() < 1e-9);
        let arm = Usage {
            lambda_gb_ms: [0.0, 3_000_000.0 * 120.0 * gb],
            ..usage
        };
        let cost = price(&arm, &options()).expect("priced");
        assert!((cost.lambda_usd - (0.6 + 540_000.0 * 0.0000133334)).abs() < 1e-9);
    }

    #[test]
    fn an_unknown_region_is_refused_with_the_known_ones() {
        let err = price(
            &Usage::default(),
            &CostOptions {
                region: "mars-1".into(),
                ..options()
            },
        )
        .expect_err("refused");
        assert!(err.contains("mars-1") && err.contains("us-east-1"), "{err}");
    }

    #[test]
    fn a_region_without_lambda_prices_says_whose_it_used() {
        let usage = Usage {
            lambda_requests: 10,
            lambda_gb_ms: [1000.0, 0.0],
            ..Usage::default()
        };
        let cost = price(
            &usage,
            &CostOptions {
                region: "eu-west-1".into(),
                ..options()
            },
        )
        .expect("priced");
        assert!(cost
            .notes
            .iter()
            .any(|n| n.contains("us-east-1's are used")));
    }
}
