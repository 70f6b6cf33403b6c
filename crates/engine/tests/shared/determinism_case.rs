//! The determinism case shared by the native test (tests/it/determinism.rs) and the browser test
//! (tests/wasm.rs): one definition and scenario that exercise every source of randomness and
//! every floating-point path — lognormal and uniform latencies, probability faults, seeded item
//! fractions, FULL-jitter backoff with `BackoffRate` powers, States.UUID / States.MathRandom,
//! JSONata `$random`/`$uuid`, Lambda throttling — so that a platform difference anywhere changes
//! the digest.

/// The digest both platforms must produce.
pub const EXPECTED_DIGEST: &str = "0e63ad46dc6c261d";

pub const DEFINITION: &str = r#"{
  "StartAt": "Prepare",
  "States": {
    "Prepare": {
      "Type": "Pass",
      "Parameters": {"runId.$": "States.UUID()", "pick.$": "States.MathRandom(1, 1000)", "items.$": "States.ArrayRange(0, 49, 1)"},
      "Next": "Fan"
    },
    "Fan": {
      "Type": "Map",
      "ItemsPath": "$.items",
      "MaxConcurrency": 7,
      "ItemProcessor": {
        "StartAt": "Inline",
        "States": {"Inline": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:inline", "End": true,
          "Retry": [{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 1, "BackoffRate": 1.7, "MaxAttempts": 4, "JitterStrategy": "FULL"}]}}
      },
      "ResultPath": "$.inline",
      "Next": "Process"
    },
    "Process": {
      "Type": "Map",
      "ItemProcessor": {
        "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
        "StartAt": "Work",
        "States": {
          "Work": {
            "Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:work",
            "Retry": [
              {"ErrorEquals": ["Lambda.ServiceException", "Lambda.TooManyRequestsException"], "IntervalSeconds": 1, "BackoffRate": 2.5, "MaxAttempts": 5, "MaxDelaySeconds": 20, "JitterStrategy": "FULL"}
            ],
            "Catch": [{"ErrorEquals": ["DataValidationError"], "Next": "Note", "ResultPath": "$.error"}],
            "Next": "Tag"
          },
          "Tag": {
            "Type": "Pass", "QueryLanguage": "JSONata",
            "Output": {"item": "{% $states.input %}", "r": "{% $random() %}", "id": "{% $uuid() %}"},
            "End": true
          },
          "Note": {"Type": "Pass", "End": true}
        }
      },
      "MaxConcurrency": 300,
      "ToleratedFailurePercentage": 3,
      "ResultWriter": {"Resource": "arn:aws:states:::s3:putObject", "Parameters": {"Bucket": "b", "Prefix": "p"}},
      "End": true
    }
  }
}"#;

pub const SCENARIO: &str = r#"{
  "seed": 20240601,
  "items": {"count": 3000},
  "tasks": {
    "Inline": {"latency": {"lognormal": {"median_ms": 40, "p99_ms": 700}}, "faults": [{"error": "Glitch", "probability": 0.3}]},
    "Work": {
      "latency": {"lognormal": {"median_ms": 90, "p99_ms": 1500}},
      "faults": [
        {"error": "DataValidationError", "items": {"fraction": 0.004}},
        {"error": "Lambda.ServiceException", "probability": 0.07},
        {"error": "Boom", "items": {"indices": [5, 77, 1999]}, "attempts": [0]}
      ]
    }
  },
  "limits": {"lambda_concurrency": 120}
}"#;

/// Runs the case and returns the digest and the parent's final status.
pub fn run_case() -> (String, String) {
    let loaded = asl::load(DEFINITION, &asl::LoadOptions::default());
    let Some(model) = loaded.runnable() else {
        return (
            format!("definition errors: {:?}", loaded.diagnostics),
            String::new(),
        );
    };
    let scenario = match engine::scenario::parse(SCENARIO) {
        Ok(s) => s,
        Err(e) => return (format!("scenario errors: {e:?}"), String::new()),
    };
    let mut sim =
        match engine::sim::Simulation::new(model, &scenario, engine::sim::SimOptions::default()) {
            Ok(s) => s,
            Err(e) => return (format!("setup error: {e}"), String::new()),
        };
    let status = sim.run().status.as_str().to_string();
    (sim.digest(), status)
}
