//! The experiment form <-> spec JSON. The form never validates on its own: it hands whatever
//! was typed to `Spec::parse`, whose errors name the field.

use crate::env::Capabilities;
use crate::runner;
use serde_json::{json, Map, Value};
use std::rc::Rc;
use threadlab_dom::{by_id, document, el, on};
use threadlab_lab::kinds;
use threadlab_lab::presets::{self, Preset};
use threadlab_lab::Spec;
use wasm_bindgen::prelude::*;
use web_sys::{HtmlInputElement, HtmlSelectElement};

/// The parameter fields of a workload kind (their inputs' ids are `param-<name>`), from `lab::kinds`.
fn params_of(kind: &str) -> &'static [kinds::Field] {
    kinds::find(kind).map_or(&[], |k| k.fields)
}

/// The value of an input or a select (`param-fault` is a select).
fn field_value(id: &str) -> String {
    js_sys::Reflect::get(&by_id(id), &"value".into()).ok().and_then(|v| v.as_string()).unwrap_or_default()
}

fn set_field_value(id: &str, value: &str) {
    let _ = js_sys::Reflect::set(&by_id(id), &"value".into(), &value.into());
}

fn input(id: &str) -> HtmlInputElement {
    by_id(id).unchecked_into()
}

fn select(id: &str) -> HtmlSelectElement {
    by_id(id).unchecked_into()
}

/// A typed number as JSON; anything else stays text so the spec error can quote it.
fn number(text: &str) -> Value {
    let t = text.trim();
    if let Ok(n) = t.parse::<u64>() {
        return json!(n);
    }
    match t.parse::<f64>() {
        Ok(f) if f.is_finite() => json!(f),
        _ => Value::String(t.to_string()),
    }
}

fn mode_boxes() -> Vec<HtmlInputElement> {
    let list = document().query_selector_all("input[name=mode]").expect("valid selector");
    (0..list.length()).filter_map(|i| list.item(i)?.dyn_into().ok()).collect()
}

pub fn read_form() -> Value {
    let kind = select("kind").value();
    let mut workload = Map::new();
    workload.insert("kind".into(), Value::String(kind.clone()));
    for p in params_of(&kind) {
        let text = field_value(&format!("param-{}", p.name));
        // Left empty, a field that may be absent is: its default or the workload's applies.
        let value = match p.ty {
            _ if p.absent != kinds::Absent::Required && text.trim().is_empty() => continue,
            kinds::FieldType::Int { .. } => number(&text),
            kinds::FieldType::Url | kinds::FieldType::Fault => Value::String(text.trim().to_string()),
            kinds::FieldType::Syncs | kinds::FieldType::Vias => {
                text.split([',', ' ']).filter(|s| !s.is_empty()).map(Value::from).collect()
            }
        };
        workload.insert(p.name.into(), value);
    }
    let modes: Vec<Value> = mode_boxes().iter().filter(|b| b.checked()).map(|b| Value::String(b.value())).collect();
    let workers: Vec<Value> =
        input("workers").value().split([',', ' ']).filter(|s| !s.trim().is_empty()).map(number).collect();
    let mut processes = json!({"start": select("process-start").value()});
    // Empty: Pool.map's default chunksize.
    let chunksize = input("chunksize").value();
    if !chunksize.trim().is_empty() {
        processes["chunksize"] = number(&chunksize);
    }
    json!({
        "workload": workload,
        "tasks": number(&input("tasks").value()),
        "modes": modes,
        "workers": workers,
        "repeat": number(&input("repeat").value()),
        "warmup": number(&input("warmup").value()),
        "gil": {"switch_interval_ms": number(&input("switch-interval").value())},
        "processes": processes,
        "time_limit_s": number(&input("time-limit").value()),
    })
}

/// The workload's fields as JSON (`{"kind": "fib", "n": 30}`), through its JSON text: the
/// page's module then needs no second serializer, to JSON values.
pub fn workload_fields(spec: &Spec) -> Value {
    serde_json::to_string(&spec.workload).ok().and_then(|text| serde_json::from_str(&text).ok()).unwrap_or_default()
}

/// Fills the form with `spec`, as a custom experiment (`load_preset` then names its preset).
pub fn write_form(spec: &Spec) {
    select("preset").set_value("");
    describe_preset(None);
    let workload = workload_fields(spec);
    let kind = workload["kind"].as_str().unwrap_or("fib").to_string();
    select("kind").set_value(&kind);
    for p in params_of(&kind) {
        let text = match &workload[p.name] {
            Value::Null => String::new(),
            Value::String(s) => s.clone(),
            Value::Array(list) => list.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(", "),
            other => other.to_string(),
        };
        set_field_value(&format!("param-{}", p.name), &text);
    }
    show_params(&kind);
    input("tasks").set_value(&spec.tasks.to_string());
    for b in mode_boxes() {
        b.set_checked(spec.modes.iter().any(|m| m.name() == b.value()));
    }
    let workers: Vec<String> = spec.workers.iter().map(u32::to_string).collect();
    input("workers").set_value(&workers.join(", "));
    input("repeat").set_value(&spec.repeat.to_string());
    input("warmup").set_value(&spec.warmup.to_string());
    input("switch-interval").set_value(&spec.gil.switch_interval_ms.to_string());
    input("time-limit").set_value(&spec.time_limit_s.to_string());
    select("process-start").set_value(spec.processes.start.name());
    input("chunksize").set_value(&spec.processes.chunksize.map(|n| n.to_string()).unwrap_or_default());
}

fn show_params(kind: &str) {
    let labels = document().query_selector_all("[data-param]").expect("valid selector");
    for i in 0..labels.length() {
        if let Some(label) = labels.item(i).and_then(|n| n.dyn_into::<web_sys::Element>().ok()) {
            let name = label.get_attribute("data-param").unwrap_or_default();
            label.toggle_attribute_with_force("hidden", !params_of(kind).iter().any(|p| p.name == name)).ok();
        }
    }
}

pub fn load_preset(p: &Preset) {
    match Spec::from_value(&p.spec) {
        Ok(spec) => write_form(&spec),
        Err(e) => super::show_error(&format!("preset {} is broken: {e}", p.id)),
    }
    select("preset").set_value(p.id);
    describe_preset(Some(p));
}

/// Under the preset picker: the claim the preset tests, and how it was sized for Wasm.
fn describe_preset(p: Option<&Preset>) {
    by_id("preset-claim").set_text_content(p.map(|p| format!("The article's claim: {}", p.claim)).as_deref());
    by_id("preset-scaling").set_text_content(p.map(|p| p.scaling));
}

pub fn bind(caps: Rc<Capabilities>) {
    let add_option = |picker: &str, value: &str, text: &str| {
        let option = el("option", "", text);
        option.set_attribute("value", value).ok();
        select(picker).append_child(&option).ok();
    };
    for p in presets::all() {
        add_option("preset", p.id, p.title);
    }
    for k in kinds::KINDS {
        add_option("kind", k.name, &format!("{}: {}", k.name, k.help));
    }
    show_params(&select("kind").value());

    on("preset", "change", |_| {
        let id = select("preset").value();
        match presets::find(&id) {
            Some(p) => load_preset(&p),
            None => describe_preset(None),
        }
    });
    on("kind", "change", |_| show_params(&select("kind").value()));
    on("spec-form", "input", |e| {
        // Editing any field but the preset picker makes the experiment a custom one.
        let from_preset =
            e.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()).is_some_and(|t| t.id() == "preset");
        if !from_preset {
            select("preset").set_value("");
            describe_preset(None);
        }
    });
    let c = caps.clone();
    on("spec-form", "submit", move |e| {
        e.prevent_default();
        // An invalid spec passes: the run controller explains it.
        let spec = Spec::from_value(&read_form()).map_err(|e| e.to_string());
        if spec.as_ref().is_ok_and(|spec| !super::agrees_to_long_run(spec, &c)) {
            return;
        }
        super::run_from_page(spec, caps.clone());
    });
    on("cancel", "click", |_| runner::cancel());
}
