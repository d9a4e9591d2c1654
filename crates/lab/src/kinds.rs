//! The workload kinds, one entry each: the name a spec uses, what it does, and its fields with
//! their ranges and defaults. Spec parsing and its error messages (`spec`), the page's form
//! (`app::ui::form`) and the README's table of workloads all read this one list.

use crate::limits::{FAULT_DEFAULT_N, MAX_COUNTER_N, MAX_FIB_N, MAX_PASS_MB, MAX_TASKS, MAX_TIMEOUT_MS};
use threadlab_workloads::counter::Sync;
use threadlab_workloads::download::{ENDPOINT_MAX_BYTES, ENDPOINT_MAX_DELAY_MS};
use threadlab_workloads::fault::Fault;
use threadlab_workloads::pass::Via;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    /// An integer from `min` to `max`.
    Int { min: u64, max: u64 },
    /// An http(s) URL (spec::check_url says which).
    Url,
    /// One of the injected faults (`Fault::ALL`).
    Fault,
    /// Synchronisations of a shared counter (`Sync::ALL`): one name or a list of them.
    Syncs,
    /// Ways to pass a `pass` input to process workers (`Via::ALL`): one name or a list of them.
    Vias,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    pub name: &'static str,
    pub ty: FieldType,
    /// Absent: `Default(n)` fills it in, `Optional` leaves it to the workload, `Required` refuses.
    pub absent: Absent,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Absent {
    Required,
    Optional,
    Default(u64),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Kind {
    pub name: &'static str,
    /// What one task does, for the form's picker and the README.
    pub help: &'static str,
    pub fields: &'static [Field],
}

impl Kind {
    pub fn field(&self, name: &str) -> Option<&'static Field> {
        self.fields.iter().find(|f| f.name == name)
    }

    pub fn field_names(&self) -> Vec<&'static str> {
        self.fields.iter().map(|f| f.name).collect()
    }
}

const fn int(name: &'static str, min: u64, max: u64) -> Field {
    Field { name, ty: FieldType::Int { min, max }, absent: Absent::Required }
}

const fn optional(name: &'static str, ty: FieldType) -> Field {
    Field { name, ty, absent: Absent::Optional }
}

const DOWNLOAD: &[Field] = &[
    optional("url", FieldType::Url),
    optional("delay_ms", FieldType::Int { min: 0, max: ENDPOINT_MAX_DELAY_MS as u64 }),
    optional("bytes", FieldType::Int { min: 0, max: ENDPOINT_MAX_BYTES as u64 }),
    optional("timeout_ms", FieldType::Int { min: 1, max: MAX_TIMEOUT_MS }),
];

pub const KINDS: &[Kind] = &[
    Kind { name: "fib", help: "recursive fibonacci", fields: &[int("n", 1, MAX_FIB_N)] },
    Kind { name: "sum", help: "first n integers", fields: &[int("n", 1, 4_000_000_000)] },
    Kind { name: "primes", help: "count primes below n", fields: &[int("n", 2, 20_000_000)] },
    Kind { name: "sample_append", help: "append n random integers", fields: &[int("n", 1, 10_000_000)] },
    Kind {
        name: "mandelbrot",
        help: "image rows",
        fields: &[int("width", 1, 4096), int("height", 1, 4096), int("max_iter", 1, 100_000)],
    },
    Kind { name: "letters", help: "per-letter processing", fields: &[] },
    Kind { name: "sleep", help: "wait, compute nothing", fields: &[int("ms", 0, 10_000)] },
    Kind { name: "fetch", help: "download pages", fields: DOWNLOAD },
    Kind { name: "fetch_write", help: "download, write {letter}.txt", fields: DOWNLOAD },
    Kind {
        name: "fault",
        help: "one task crashes or hangs",
        fields: &[
            Field { name: "fault", ty: FieldType::Fault, absent: Absent::Required },
            Field {
                name: "at_task",
                ty: FieldType::Int { min: 0, max: MAX_TASKS as u64 - 1 },
                absent: Absent::Default(0),
            },
            Field { name: "n", ty: FieldType::Int { min: 1, max: 40 }, absent: Absent::Default(FAULT_DEFAULT_N) },
        ],
    },
    Kind {
        name: "counter",
        help: "add 1 to a shared counter n times",
        fields: &[int("n", 1, MAX_COUNTER_N), optional("sync", FieldType::Syncs)],
    },
    Kind {
        name: "pass",
        help: "read one input of mb megabytes, passed to process workers by copy, transfer or shared memory",
        fields: &[int("mb", 1, MAX_PASS_MB), optional("via", FieldType::Vias)],
    },
];

pub fn find(name: &str) -> Option<&'static Kind> {
    KINDS.iter().find(|k| k.name == name)
}

pub fn names() -> Vec<&'static str> {
    KINDS.iter().map(|k| k.name).collect()
}

/// `1e7` for 10000000, `4e9`, but `4096` and `120000`: a range's bound as the README writes it.
fn bound(n: u64) -> String {
    let zeros = n.to_string().chars().rev().take_while(|&c| c == '0').count();
    if zeros >= 4 && n / 10u64.pow(zeros as u32) < 10 {
        format!("{}e{zeros}", n / 10u64.pow(zeros as u32))
    } else {
        n.to_string()
    }
}

fn describe(f: &Field) -> String {
    let range = match f.ty {
        FieldType::Int { min, max } => format!("{} to {}", bound(min), bound(max)),
        FieldType::Url => "an http(s) URL".into(),
        FieldType::Fault => Fault::ALL.map(|f| format!("\"{}\"", f.name())).join(" \\| "),
        FieldType::Syncs => {
            format!("{} or a list of them", Sync::ALL.map(|s| format!("\"{}\"", s.name())).join(" \\| "))
        }
        FieldType::Vias => {
            format!("{} or a list of them", Via::ALL.map(|v| format!("\"{}\"", v.name())).join(" \\| "))
        }
    };
    let absent = match f.absent {
        Absent::Optional if matches!(f.ty, FieldType::Syncs | FieldType::Vias) => ", default all three".into(),
        Absent::Required => String::new(),
        Absent::Optional => ", optional".into(),
        Absent::Default(d) => format!(", default {d}"),
    };
    format!("`{}`: {range}{absent}", f.name)
}

/// The README's table of workloads (between its `workloads` markers), made from `KINDS`.
pub fn readme_table() -> String {
    let mut out = String::from("| kind | a task | fields |\n|---|---|---|\n");
    for k in KINDS {
        let fields = if k.fields.is_empty() {
            "none".into()
        } else {
            k.fields.iter().map(describe).collect::<Vec<_>>().join("; ")
        };
        out.push_str(&format!("| `{}` | {} | {fields} |\n", k.name, k.help));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const BEGIN: &str = "<!-- workloads: made from crates/lab/src/kinds.rs; a test checks it -->\n";
    const END: &str = "<!-- /workloads -->";

    #[test]
    fn bounds_are_written_short() {
        assert_eq!(bound(4_000_000_000), "4e9");
        assert_eq!(bound(10_000_000), "1e7");
        assert_eq!(bound(4096), "4096");
        assert_eq!(bound(10_000), "1e4");
        assert_eq!(bound(120_000), "120000");
    }

    /// The README's table is this list's: UPDATE_README=1 writes it in place.
    #[test]
    fn the_readme_lists_every_kind_with_its_fields() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md");
        let readme = std::fs::read_to_string(path).expect("README.md");
        let start = readme.find(BEGIN).expect("README.md has the workloads table's start marker") + BEGIN.len();
        let end = readme[start..].find(END).expect("README.md has the workloads table's end marker") + start;
        let table = readme_table();
        if std::env::var_os("UPDATE_README").is_some() {
            std::fs::write(path, format!("{}{table}{}", &readme[..start], &readme[end..])).expect("README.md written");
            return;
        }
        assert_eq!(
            readme[start..end],
            table,
            "README.md's workloads table is stale: run UPDATE_README=1 cargo test -p threadlab-lab"
        );
    }

    #[test]
    fn every_kind_is_a_workload_the_spec_parses() {
        for k in KINDS {
            let mut fields = serde_json::Map::new();
            fields.insert("kind".into(), k.name.into());
            for f in k.fields.iter().filter(|f| f.absent == Absent::Required) {
                let value = match f.ty {
                    FieldType::Int { min, .. } => serde_json::Value::from(min),
                    FieldType::Url => "https://example.com/".into(),
                    FieldType::Fault => "panic".into(),
                    FieldType::Syncs => "lock".into(),
                    FieldType::Vias => "copy".into(),
                };
                fields.insert(f.name.into(), value);
            }
            let spec = serde_json::json!({ "workload": fields });
            let parsed = crate::Spec::from_value(&spec).unwrap_or_else(|e| panic!("{}: {e}", k.name));
            assert_eq!(parsed.workload.kind_name(), k.name);
        }
    }
}
