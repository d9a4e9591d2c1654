//! Everything between a spec and a report that needs no browser: spec parsing and validation,
//! the run plan, statistics, the report model, the verdict, presets and the executor protocol.
//! No wasm dependencies; tested natively.

pub mod article;
pub mod checks;
pub mod claim;
pub mod estimate;
pub mod export;
pub mod history;
pub mod kinds;
pub mod limits;
pub mod passing;
pub mod permalink;
pub mod plan;
pub mod presets;
pub mod protocol;
pub mod race;
pub mod report;
pub mod runs;
pub mod spec;
pub mod stats;
pub mod text;
pub mod verdict;

pub use spec::{Mode, Spec, SpecError, MAX_WORKERS};
pub use threadlab_workloads::Workload;

/// Version reported in `env.version`.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
