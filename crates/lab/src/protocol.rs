//! Messages between the page and its engines (JSON text over postMessage). Both sides are Rust,
//! so these types are the single definition of the protocol.
//!
//! Requests carry their kind in an `op` field; the page only encodes them. Replies, which the
//! page decodes, are tagged by a key (`{"done": {...}}`): decoding an `op` tag goes through a
//! buffered copy of the message, a second decoder the page's module would have to carry.

use crate::checks::WorkerChecks;
use serde::{Deserialize, Serialize};
use threadlab_workloads::Workload;

/// Page -> an isolated worker running the plain module.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum WorkerRequest {
    /// Run tasks `indices` of `tasks`: one after another, or all in flight at once (`concurrent`,
    /// the asyncio analogue: waits overlap, CPU work still runs one task at a time).
    Run {
        workload: Workload,
        tasks: u32,
        indices: Vec<u32>,
        concurrent: bool,
        worker: u32,
        /// Absolute URL of the built-in latency endpoint, as the page sees it.
        #[serde(default)]
        endpoint: String,
    },
    /// Compute the expected checksum of every task (outside any timed run).
    Expected { workload: Workload, tasks: u32 },
    /// Get the workload's kernel optimised before timing; replies `Done` with no outcomes.
    WarmUp { workload: Workload },
    /// Download `url` (the built-in endpoint) once: replies `Done` if it answered, else `Failed`.
    Ping { url: String },
    /// What this worker offers (`checks::WorkerChecks`): replies `Checks`.
    Check,
    /// Build a `pass` workload's input of `mb` MB and keep it (sequential and async read it in
    /// place), then send the page a copy: a message `{input: ArrayBuffer}`, transferred, before
    /// the `Done` reply. Outside any timed run.
    Input { mb: u32 },
}

/// Worker -> page, tagged by a key (see the module's comment).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WorkerReply {
    Done {
        outcomes: Vec<TaskOutcome>,
    },
    /// `None` where the content is not known in advance (a user's URL).
    Expected {
        checksums: Vec<Option<u64>>,
    },
    Failed {
        error: String,
    },
    Checks {
        checks: WorkerChecks,
    },
}

/// Page -> the threads engine (threaded module, inside its coordinator Worker).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum ThreadsCommand {
    /// Get the workload's kernels optimised, outside any timed run. Replies `Done` with no
    /// outcomes.
    WarmUp {
        workload: Workload,
    },
    /// Download `url` (the built-in endpoint) from the coordinator: `Done` if it answered.
    Ping {
        url: String,
    },
    Run(ThreadsRequest),
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ThreadsRequest {
    pub workload: Workload,
    pub tasks: u32,
    pub workers: u32,
    /// `Some` runs every task under the emulated GIL with this switch interval.
    pub gil_switch_interval_ms: Option<f64>,
    /// Absolute URL of the built-in latency endpoint, as the page sees it.
    #[serde(default)]
    pub endpoint: String,
}

/// The threads engine -> page.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum ThreadsReply {
    Done {
        outcomes: Vec<TaskOutcome>,
        /// The shared counter's value after the run (`counter` workloads).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        counted: Option<u64>,
    },
    Failed {
        error: String,
    },
    /// A thread died (a panic or a trap): the engine's shared memory is no longer trusted.
    Crashed {
        error: String,
    },
}

/// What one task did. Times are absolute milliseconds (`performance.timeOrigin + now()`), the
/// one clock every worker shares.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TaskOutcome {
    pub task: u32,
    pub worker: u32,
    pub start: f64,
    pub end: f64,
    pub checksum: u64,
    /// Intervals spent waiting for the emulated GIL (the first `gil::MAX_LISTED_WAITS`)...
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub gil_waits: Vec<(f64, f64)>,
    /// ...and the total of the waits beyond them, ms.
    #[serde(default, skip_serializing_if = "is_zero_ms")]
    pub gil_wait_unlisted_ms: f64,
    /// Intervals spent blocked on a lock another thread held (the first
    /// `gil::MAX_LISTED_WAITS`), and the total of the others, ms.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lock_waits: Vec<(f64, f64)>,
    #[serde(default, skip_serializing_if = "is_zero_ms")]
    pub lock_wait_unlisted_ms: f64,
    /// When the task's input was on its way to the worker (`pass` workloads in processes): from
    /// the page starting to copy or post the message to the worker receiving it. The task's
    /// `start` is then that first instant, so its span holds the passing and the computing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub passing: Option<(f64, f64)>,
    /// Intervals spent waiting for I/O (network, file system), with the GIL released.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub io_waits: Vec<(f64, f64)>,
    /// Bytes downloaded (I/O tasks).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub bytes: u64,
    /// Why the task failed (an unreachable URL, a timeout...); `checksum` is then meaningless.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

fn is_zero_ms(ms: &f64) -> bool {
    *ms == 0.0
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The replies' shape is what lets the page decode them with one decoder: pinned here, since
    /// nothing else would notice a change of tagging.
    #[test]
    fn replies_are_tagged_by_a_key_and_requests_by_op() {
        let reply = serde_json::to_string(&WorkerReply::Done { outcomes: vec![] }).unwrap();
        assert_eq!(reply, r#"{"done":{"outcomes":[]}}"#);
        let reply = serde_json::to_string(&ThreadsReply::Failed { error: "x".into() }).unwrap();
        assert_eq!(reply, r#"{"Failed":{"error":"x"}}"#);
        let request = serde_json::to_value(WorkerRequest::Ping { url: "u".into() }).unwrap();
        assert_eq!(request["op"], "ping");
    }
}
