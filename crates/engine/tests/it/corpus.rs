//! Every real-world definition of the corpus (`aws-samples/`, `aws-solutions-library-samples/`:
//! plain ASL, YAML, CloudFormation/SAM templates) runs to its end under a simple scenario — 100
//! items for each Distributed Map, every Task succeeding after 100 ms, input `{}` — the CLI's
//! default. Many of them then *fail* by their own logic (a Choice on an input field the empty
//! input lacks, an ItemSelector reading a field of the real S3 rows): what is checked is that the
//! engine carries each run to a terminal status with consistent counts, never a stall or panic.

use engine::scenario::{Items, Scenario};
use engine::sim::{ExecutionStatus, SimOptions, Simulation};

use crate::support::shared;

fn files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            files(&path, out);
        } else if path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| matches!(e, "json" | "yaml" | "yml"))
        {
            out.push(path);
        }
    }
}

#[test]
fn every_real_world_definition_runs_to_its_end() {
    let Some(shared) = shared() else {
        return;
    };
    let root = shared.join("asl-corpus");
    let mut paths = Vec::new();
    files(&root.join("aws-samples"), &mut paths);
    files(&root.join("aws-solutions-library-samples"), &mut paths);
    assert!(
        paths.len() >= 15,
        "expected the corpus's real-world definitions, found {}",
        paths.len()
    );
    let scenario = Scenario {
        items: Some(Items::Count(100)),
        ..Scenario::default()
    };
    let mut table = Vec::new();
    let mut machines_run = 0;
    for path in &paths {
        let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let first = asl::load_bytes(&bytes, &asl::LoadOptions::default());
        let names: Vec<Option<String>> = if first.machines.len() > 1 {
            first
                .machines
                .iter()
                .map(|m| Some(m.name.clone()))
                .collect()
        } else {
            vec![None]
        };
        for name in names {
            let loaded = asl::load_bytes(
                &bytes,
                &asl::LoadOptions {
                    machine: name.clone(),
                    ..asl::LoadOptions::default()
                },
            );
            let shown = format!(
                "{}{}",
                path.strip_prefix(&root).unwrap_or(path).display(),
                name.map(|n| format!(" [{n}]")).unwrap_or_default()
            );
            let model = loaded
                .runnable()
                .unwrap_or_else(|| panic!("{shown} is not runnable: {:#?}", loaded.diagnostics));
            let mut sim = Simulation::new(model, &scenario, SimOptions::default())
                .unwrap_or_else(|e| panic!("{shown}: {e}"));
            let mut steps = 0u64;
            while sim.step() {
                steps += 1;
                assert!(steps < 10_000_000, "{shown} does not end");
            }
            let outcome = sim
                .outcome()
                .cloned()
                .unwrap_or_else(|| panic!("{shown}: no outcome"));
            assert_ne!(outcome.status, ExecutionStatus::Running, "{shown}");
            assert_ne!(outcome.error.as_deref(), Some("mapsim.Stalled"), "{shown}");
            for run in sim.map_runs() {
                assert_eq!(run.item_counts.sum(), run.item_counts.total, "{shown}");
                assert_eq!(run.item_counts.running, 0, "{shown}");
            }
            table.push(format!(
                "{:<10} {:<45} {shown}",
                outcome.status.as_str(),
                outcome.error.unwrap_or_default()
            ));
            machines_run += 1;
        }
    }
    println!("{}", table.join("\n"));
    assert!(machines_run >= paths.len());
}
