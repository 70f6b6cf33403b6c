//! Determinism: the same definition, scenario and seed give the same run, bit for bit — here and
//! in a browser (tests/wasm.rs asserts the same digest in headless Chromium).

#[path = "../shared/determinism_case.rs"]
mod case;

#[test]
fn the_determinism_case_has_its_pinned_digest() {
    let (digest, status) = case::run_case();
    assert_eq!(digest, case::EXPECTED_DIGEST, "status {status}");
}

#[test]
fn running_twice_gives_the_same_digest_and_another_seed_does_not() {
    let first = case::run_case();
    let second = case::run_case();
    assert_eq!(first, second);
    let loaded = asl::load(case::DEFINITION, &asl::LoadOptions::default());
    let model = loaded
        .runnable()
        .unwrap_or_else(|| panic!("{:?}", loaded.diagnostics));
    let mut scenario = engine::scenario::parse(case::SCENARIO).unwrap_or_else(|e| panic!("{e:?}"));
    scenario.seed += 1;
    let mut sim =
        engine::sim::Simulation::new(model, &scenario, engine::sim::SimOptions::default())
            .unwrap_or_else(|e| panic!("{e}"));
    sim.run();
    assert_ne!(sim.digest(), first.0);
}
