//! Property tests: random and malformed input to the spec parser and the permalink decoder.
//! Whatever arrives (text, JSON of any shape, base64 of anything, extreme numbers), the answer is
//! a valid spec or an error naming a field, never a panic.

use proptest::prelude::*;
use serde_json::{json, Value};
use threadlab_lab::permalink;
use threadlab_lab::Spec;

/// Cases per property; the 6 properties try 6 x CASES inputs in all.
const CASES: u32 = 1000;

const FIELDS: [&str; 9] =
    ["workload", "tasks", "modes", "workers", "repeat", "warmup", "gil", "processes", "time_limit_s"];

/// An error must name a field of the spec (or the spec or permalink as a whole), or the unknown
/// field it refuses.
fn names_a_field(field: &str, message: &str) -> bool {
    let top = field.split(['.', '[']).next().unwrap_or_default();
    FIELDS.contains(&top)
        || top == "spec"
        || top == "permalink"
        || (!field.is_empty() && message.starts_with("unknown field"))
}

fn check(result: Result<Spec, threadlab_lab::SpecError>) -> Result<(), TestCaseError> {
    match result {
        Ok(spec) => prop_assert_eq!(Spec::parse(&spec.to_json()).ok(), Some(spec), "a valid spec must round-trip"),
        Err(e) => {
            prop_assert!(names_a_field(&e.field, &e.message), "error names {:?}: {}", e.field, e.message);
            prop_assert!(!e.message.is_empty());
        }
    }
    Ok(())
}

/// Any JSON value, nested a few levels.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        "\\PC{0,20}".prop_map(Value::from),
        prop::sample::select(vec![
            "fib",
            "fetch",
            "fetch_write",
            "sleep",
            "fault",
            "panic",
            "hang",
            "threads",
            "warm",
            "https://x/{letter}",
            "ftp://x"
        ])
        .prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::from),
            prop::collection::hash_map("[a-z_]{1,12}", inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// A plausible spec with some fields replaced by arbitrary JSON: reaches the deep checks.
fn mutated_spec() -> impl Strategy<Value = Value> {
    let kinds = prop::sample::select(vec![
        "fib",
        "sum",
        "primes",
        "sample_append",
        "mandelbrot",
        "letters",
        "sleep",
        "fetch",
        "fetch_write",
        "fault",
    ]);
    let keys = prop::sample::select(vec![
        "n",
        "ms",
        "width",
        "height",
        "max_iter",
        "url",
        "delay_ms",
        "bytes",
        "timeout_ms",
        "kind",
        "fault",
        "at_task",
        "start",
        "chunksize",
    ]);
    let mutation = (prop::sample::select(FIELDS.to_vec()), keys, any_json(), any::<bool>());
    (kinds, prop::collection::vec(mutation, 0..4)).prop_map(|(kind, mutations)| {
        let mut spec = json!({"workload": {"kind": kind}, "gil": {}, "processes": {}});
        if kind == "fault" {
            spec["workload"]["fault"] = json!("panic");
        }
        let defaults = json!({"n": 20, "ms": 1, "width": 8, "height": 8, "max_iter": 10});
        for key in ["n", "ms", "width", "height", "max_iter"] {
            if matches!(
                (kind, key),
                ("fib" | "sum" | "primes" | "sample_append", "n")
                    | ("sleep", "ms")
                    | ("mandelbrot", "width" | "height" | "max_iter")
            ) {
                spec["workload"][key] = defaults[key].clone();
            }
        }
        for (field, key, value, deep) in mutations {
            if deep && spec[field].is_object() {
                spec[field][key] = value;
            } else {
                spec[field] = value;
            }
        }
        spec
    })
}

proptest! {
    // Failures are reported with their minimal input, not saved to files in the tree.
    #![proptest_config(ProptestConfig { cases: CASES, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn any_text_parses_or_names_a_field(text in "\\PC{0,200}") {
        check(Spec::parse(&text))?;
    }

    #[test]
    fn any_json_parses_or_names_a_field(value in any_json()) {
        check(Spec::from_value(&value))?;
    }

    #[test]
    fn mutated_specs_parse_or_name_a_field(value in mutated_spec()) {
        check(Spec::from_value(&value))?;
    }

    #[test]
    fn any_address_decodes_or_explains(search in "\\PC{0,80}", hash in "\\PC{0,120}") {
        if let Err(e) = permalink::parse(&search, &hash) {
            prop_assert!(names_a_field(&e.field, &e.message), "{:?}", e);
        }
    }

    #[test]
    fn base64_of_anything_decodes_or_explains(bytes in prop::collection::vec(any::<u8>(), 0..300), run in any::<bool>()) {
        use base64::Engine;
        let encoded = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&bytes);
        let hash = format!("#spec={encoded}{}", if run { "&run=1" } else { "" });
        match permalink::parse("", &hash) {
            Ok(link) => prop_assert_eq!(link.run, run),
            Err(e) => prop_assert!(names_a_field(&e.field, &e.message), "{:?}", e),
        }
    }

    #[test]
    fn permalinks_of_valid_specs_round_trip(value in mutated_spec()) {
        if let Ok(spec) = Spec::from_value(&value) {
            let link = permalink::parse("?embed=1", &format!("#{}", permalink::fragment(&spec))).unwrap();
            prop_assert_eq!(link.spec, Some(spec));
            prop_assert!(link.embed);
        }
    }
}
