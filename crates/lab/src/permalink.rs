//! Permalinks (the contract): `?preset=<id>` loads a preset, `#spec=<base64url JSON spec>` any
//! spec, and `&run=1` (in the query or the fragment) runs it. Decoding never panics: a bad link
//! gives an error that says what is wrong with it.

use crate::presets;
use crate::spec::{Spec, SpecError};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

/// What an address asks for.
#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    pub spec: Option<Spec>,
    /// The preset the spec came from, if any.
    pub preset: Option<String>,
    pub run: bool,
    pub embed: bool,
}

/// The fragment for a spec: `spec=<base64url of its JSON>`.
pub fn fragment(spec: &Spec) -> String {
    format!("spec={}", URL_SAFE_NO_PAD.encode(spec.to_json()))
}

/// The full playground's address for `spec`, from the page's origin and path (`base`). It never
/// carries a query, so a link never keeps `embed=1`.
pub fn address(base: &str, spec: &Spec, run: bool) -> String {
    format!("{base}#{}{}", fragment(spec), if run { "&run=1" } else { "" })
}

fn params(part: &str) -> impl Iterator<Item = (&str, &str)> {
    part.split('&').filter(|p| !p.is_empty()).map(|p| p.split_once('=').unwrap_or((p, "")))
}

fn link_error(message: String) -> SpecError {
    SpecError { field: "permalink".into(), message }
}

/// Reads `location.search` and `location.hash` (with or without their leading `?` / `#`).
/// `Ok(Link { spec: None, .. })` when the address names no experiment.
pub fn parse(search: &str, hash: &str) -> Result<Link, SpecError> {
    let (search, hash) = (search.trim_start_matches('?'), hash.trim_start_matches('#'));
    let mut link = Link { spec: None, preset: None, run: false, embed: false };
    for (key, value) in params(search).chain(params(hash)) {
        match key {
            "run" => link.run = value == "1",
            "embed" => link.embed = value == "1",
            "preset" => {
                let preset = presets::find(value)
                    .ok_or_else(|| link_error(format!("unknown preset {value:?}; pick one from the list")))?;
                link.spec = Some(Spec::from_value(&preset.spec)?);
                link.preset = Some(preset.id.to_string());
            }
            "spec" => {
                // Padding and the standard alphabet are tolerated: links get pasted and mangled.
                let cleaned: String = value.trim_end_matches('=').replace('+', "-").replace('/', "_");
                let bytes = URL_SAFE_NO_PAD
                    .decode(cleaned.as_bytes())
                    .map_err(|e| link_error(format!("#spec= is not base64url ({e}); copy the whole link again")))?;
                let text = String::from_utf8(bytes).map_err(|_| link_error("#spec= does not decode to text".into()))?;
                link.spec = Some(Spec::parse(&text)?);
                link.preset = None;
            }
            _ => {}
        }
    }
    Ok(link)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_counters_synchronisations_survive_the_round_trip() {
        let spec = Spec::parse(r#"{"workload": {"kind": "counter", "n": 1000, "sync": ["lock", "none"]}}"#).unwrap();
        let link = parse("", &format!("#{}", fragment(&spec))).unwrap();
        assert_eq!(link.spec.as_ref(), Some(&spec));
        assert_eq!(spec.workload.variants(), ["lock", "none"]);
    }

    #[test]
    fn a_spec_survives_the_round_trip_and_run_is_read_from_either_part() {
        let spec = Spec::parse(
            r#"{"workload": {"kind": "fetch", "url": "https://example.org/{letter}?a=1&b=2"}, "workers": [3]}"#,
        )
        .unwrap();
        let link = parse("", &format!("#{}&run=1", fragment(&spec))).unwrap();
        assert_eq!(link.spec.as_ref(), Some(&spec));
        assert!(link.run && !link.embed);
        let link = parse("?run=1&embed=1", &format!("#{}", fragment(&spec))).unwrap();
        assert!(link.run && link.embed);
        let chunked =
            Spec::parse(r#"{"workload": {"kind": "fib", "n": 20}, "processes": {"start": "warm", "chunksize": 2}}"#)
                .unwrap();
        assert_eq!(parse("", &fragment(&chunked)).unwrap().spec.unwrap().processes.chunksize, Some(2));
        let to_run = address("https://example.org/lab/", &spec, true);
        let (base, hash) = to_run.split_once('#').unwrap();
        assert_eq!(base, "https://example.org/lab/");
        assert_eq!(parse("", hash).unwrap(), Link { spec: Some(spec), preset: None, run: true, embed: false });
    }

    #[test]
    fn presets_load_by_id() {
        let link = parse("?preset=sum-sweep", "").unwrap();
        assert_eq!(link.preset.as_deref(), Some("sum-sweep"));
        assert!(link.spec.is_some() && !link.run);
        assert_eq!(parse("", "").unwrap().spec, None);
    }

    #[test]
    fn bad_links_say_what_is_wrong() {
        assert!(parse("?preset=nope", "").unwrap_err().message.contains("unknown preset"));
        assert!(parse("", "#spec=!!!").unwrap_err().message.contains("not base64url"));
        let not_json = URL_SAFE_NO_PAD.encode("{nope");
        assert_eq!(parse("", &format!("#spec={not_json}")).unwrap_err().field, "spec");
        let invalid = URL_SAFE_NO_PAD.encode(r#"{"workload": {"kind": "fib", "n": 99}}"#);
        assert_eq!(parse("", &format!("#spec={invalid}")).unwrap_err().field, "workload.n");
        let zero = URL_SAFE_NO_PAD.encode(r#"{"workload": {"kind": "fib", "n": 20}, "processes": {"chunksize": 0}}"#);
        assert_eq!(parse("", &format!("#spec={zero}")).unwrap_err().field, "processes.chunksize");
        let bad_utf8 = URL_SAFE_NO_PAD.encode([0xff, 0xfe]);
        assert!(parse("", &format!("#spec={bad_utf8}")).unwrap_err().message.contains("text"));
    }
}
