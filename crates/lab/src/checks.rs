//! What this browser offers the modes, one check per need, and why a run cannot be done here.
//!
//! The page fills [`Checks`]: its own checks at load, a worker's once one has answered
//! (`app::env`). Every skip reason is chosen here from the checks; it names the piece that is
//! missing and what the visitor can do about it.

use crate::spec::Mode;
use serde::{Deserialize, Serialize};

/// Checks made inside a dedicated worker, where every engine runs and every file is written.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct WorkerChecks {
    /// `Atomics.wait` returned on a shared `WebAssembly.Memory` (the pool's threads block with it).
    pub atomics_wait: bool,
    /// `navigator.storage.getDirectory()` resolved here.
    pub opfs: bool,
    /// Why it did not, when it did not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opfs_error: Option<String>,
    /// `FileSystemFileHandle.prototype.createSyncAccessHandle` exists (dedicated workers only).
    pub sync_access_handle: bool,
    /// `FileSystemFileHandle.prototype.createWritable` exists.
    pub create_writable: bool,
    /// How long the checks took inside the worker, ms.
    pub ms: f64,
}

/// Every check the modes depend on.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Checks {
    /// `crossOriginIsolated` on the page (the host sent COOP/COEP, or the service worker added them).
    pub cross_origin_isolated: bool,
    /// The page is inside another page's frame.
    pub embedded: bool,
    /// `new WebAssembly.Memory({shared: true})` works on the page.
    pub shared_wasm_memory: bool,
    /// Such a memory can be sent to another context (`postMessage` clones it), as the threads
    /// engine sends its memory to every pool thread. WebKitGTK 2.50 makes one on an isolated
    /// page but refuses to send it (DataCloneError).
    pub shared_memory_to_workers: bool,
    /// The `SharedArrayBuffer` global exists. The threads do not need it (their memory's buffer
    /// is one all the same); reported because some browsers hide it on isolated pages.
    pub shared_array_buffer: bool,
    /// `navigator.storage.getDirectory` exists on the page.
    pub opfs_window: bool,
    /// `FileSystemFileHandle.prototype.createWritable` exists on the page.
    pub create_writable_window: bool,
    /// Whether a module worker started: `None` until one was tried, `Err` with why it did not.
    pub module_workers: Option<Result<(), String>>,
    /// The worker's checks, once a worker answered.
    pub worker: Option<WorkerChecks>,
}

/// The visitor's way out when the browser lacks a piece every current browser has.
const UPDATE: &str = "update the browser, or open the page in a current Chrome, Firefox or Safari";

impl Checks {
    /// Whether the threads engine can share its memory between workers here, as far as the
    /// page can tell (the worker's `Atomics.wait` check comes later).
    pub fn shared_memory(&self) -> bool {
        self.cross_origin_isolated && self.shared_wasm_memory && self.shared_memory_to_workers
    }

    /// Why threads (with or without the GIL) cannot run here; `None` when they can or when only
    /// a check not made yet could tell.
    pub fn threads_blocked(&self) -> Option<String> {
        if !self.cross_origin_isolated {
            return Some(if self.embedded {
                "this page is embedded in one that is not cross-origin isolated, so the browser allows no memory \
                 shared between workers; open the full playground to run threads"
                    .into()
            } else {
                "this page is not cross-origin isolated, so the browser allows no memory shared between workers: \
                 the host must send the COOP/COEP headers (Cross-Origin-Opener-Policy: same-origin, \
                 Cross-Origin-Embedder-Policy: require-corp), as `make serve` and `trunk serve` do"
                    .into()
            });
        }
        if !self.shared_wasm_memory {
            return Some(format!(
                "this browser cannot create a shared WebAssembly.Memory although the page is cross-origin isolated: \
                 {UPDATE}"
            ));
        }
        if !self.shared_memory_to_workers {
            return Some(format!(
                "this browser makes a shared WebAssembly.Memory but will not send it to a worker (DataCloneError), \
                 although the page is cross-origin isolated: its SharedArrayBuffer support is switched off, as in \
                 WebKitGTK, so no two threads can share memory; {UPDATE}"
            ));
        }
        if let Some(Err(why)) = &self.module_workers {
            return Some(no_workers(why));
        }
        if self.worker.as_ref().is_some_and(|w| !w.atomics_wait) {
            return Some(format!(
                "this browser's workers cannot block with Atomics.wait, which every thread of the pool needs: {UPDATE}"
            ));
        }
        None
    }

    /// Why `fetch_write` cannot write its files here; `None` when it can or when the workers
    /// have not been checked yet.
    pub fn files_blocked(&self) -> Option<String> {
        let worker = self.worker.as_ref()?;
        if !worker.opfs {
            let why = worker.opfs_error.as_deref().unwrap_or("not available");
            return Some(format!(
                "this browser gives its workers no Origin Private File System (navigator.storage.getDirectory: \
                 {why}), so fetch_write has nowhere to write its files: {UPDATE} (a private window may refuse it \
                 too)"
            ));
        }
        if !worker.sync_access_handle && !worker.create_writable {
            return Some(format!(
                "this browser's workers can open the Origin Private File System but cannot write to it (neither \
                 createSyncAccessHandle nor createWritable), so fetch_write cannot write its files: {UPDATE}"
            ));
        }
        None
    }

    /// Why a run of `mode` cannot be done here (`writes_files` for `fetch_write`); `None` when it
    /// can.
    pub fn skip_reason(&self, mode: Mode, writes_files: bool) -> Option<String> {
        let threads = if mode.needs_shared_memory() { self.threads_blocked() } else { None };
        threads.or_else(|| if writes_files { self.files_blocked() } else { None })
    }

    /// Why a cell's variant cannot run here: a `pass` input in a SharedArrayBuffer needs one the
    /// page can make and send, that is cross-origin isolation. `None` when it can, or for any
    /// other variant.
    pub fn variant_skip_reason(&self, variant: Option<&str>) -> Option<String> {
        if variant != Some(threadlab_workloads::pass::Via::Shared.name()) {
            return None;
        }
        if !self.cross_origin_isolated {
            return Some(
                "this page is not cross-origin isolated, so the browser has no SharedArrayBuffer to hand the input \
                 to the processes: the host must send the COOP/COEP headers (Cross-Origin-Opener-Policy: \
                 same-origin, Cross-Origin-Embedder-Policy: require-corp), as `make serve` and `trunk serve` do; \
                 copy and transfer still run"
                    .into(),
            );
        }
        if !self.shared_array_buffer {
            return Some(format!(
                "this browser hides SharedArrayBuffer although the page is cross-origin isolated, so the input \
                 cannot be shared with the processes: {UPDATE}"
            ));
        }
        None
    }

    /// The modes that can run here, for the page's capabilities (files aside).
    pub fn modes(&self) -> Vec<Mode> {
        Mode::ALL.into_iter().filter(|&m| self.skip_reason(m, false).is_none()).collect()
    }
}

/// Why nothing runs when no module worker starts: every engine is one.
pub fn no_workers(why: &str) -> String {
    format!("this browser did not start a module worker ({why}), and every mode runs in one: {UPDATE}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn webkit() -> Checks {
        // Safari's engine as the issue first saw it: isolated, shared memory, no SharedArrayBuffer global.
        Checks {
            cross_origin_isolated: true,
            shared_wasm_memory: true,
            shared_memory_to_workers: true,
            shared_array_buffer: false,
            opfs_window: true,
            module_workers: Some(Ok(())),
            worker: Some(WorkerChecks {
                atomics_wait: true,
                opfs: true,
                sync_access_handle: true,
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    #[test]
    fn threads_run_without_the_shared_array_buffer_global() {
        let c = webkit();
        assert!(c.shared_memory());
        assert_eq!(c.skip_reason(Mode::Threads, false), None);
        assert_eq!(c.modes(), Mode::ALL.to_vec());
    }

    #[test]
    fn not_isolated_names_the_headers_and_embedded_names_the_full_playground() {
        let c = Checks { cross_origin_isolated: false, ..webkit() };
        let reason = c.skip_reason(Mode::ThreadsGil, false).unwrap();
        assert!(reason.contains("not cross-origin isolated") && reason.contains("COOP/COEP"), "{reason}");
        let embedded = Checks { embedded: true, ..c.clone() };
        assert!(embedded.skip_reason(Mode::Threads, false).unwrap().contains("open the full playground"));
        assert_eq!(c.skip_reason(Mode::Processes, false), None);
        assert_eq!(c.modes(), vec![Mode::Sequential, Mode::Processes, Mode::Async]);
        assert!(!c.shared_memory());
    }

    #[test]
    fn an_isolated_page_without_shared_memory_is_not_blamed_on_headers() {
        let c = Checks { shared_wasm_memory: false, ..webkit() };
        let reason = c.threads_blocked().unwrap();
        assert!(reason.contains("shared WebAssembly.Memory") && !reason.contains("COOP"), "{reason}");
        assert!(reason.contains("update the browser"), "{reason}");
    }

    #[test]
    fn a_memory_that_cannot_be_sent_blocks_threads_with_its_own_reason() {
        // WebKitGTK 2.50: isolated, the memory is made, but postMessage refuses it.
        let c = Checks { shared_memory_to_workers: false, ..webkit() };
        assert!(!c.shared_memory());
        let reason = c.skip_reason(Mode::Threads, false).unwrap();
        assert!(reason.contains("will not send it to a worker") && !reason.contains("COOP"), "{reason}");
        assert_eq!(c.modes(), vec![Mode::Sequential, Mode::Processes, Mode::Async]);
    }

    #[test]
    fn a_worker_that_cannot_wait_blocks_threads_only() {
        let mut c = webkit();
        c.worker.as_mut().unwrap().atomics_wait = false;
        assert!(c.skip_reason(Mode::Threads, true).unwrap().contains("Atomics.wait"));
        assert_eq!(c.skip_reason(Mode::Async, true), None);
    }

    #[test]
    fn no_module_worker_says_why() {
        let c = Checks { module_workers: Some(Err("SyntaxError".into())), ..webkit() };
        let reason = c.threads_blocked().unwrap();
        assert!(reason.contains("module worker (SyntaxError)"), "{reason}");
    }

    #[test]
    fn files_need_the_directory_and_one_way_to_write() {
        let mut c = webkit();
        assert_eq!(c.skip_reason(Mode::Processes, true), None, "sync access handles are enough");
        let w = c.worker.as_mut().unwrap();
        w.sync_access_handle = false;
        w.create_writable = true;
        assert_eq!(c.skip_reason(Mode::Processes, true), None, "createWritable is enough");
        c.worker.as_mut().unwrap().create_writable = false;
        let reason = c.skip_reason(Mode::Sequential, true).unwrap();
        assert!(reason.contains("cannot write to it"), "{reason}");
        assert_eq!(c.skip_reason(Mode::Sequential, false), None, "fetch alone writes nothing");

        let w = c.worker.as_mut().unwrap();
        w.opfs = false;
        w.opfs_error = Some("TypeError: not a function".into());
        let reason = c.skip_reason(Mode::Async, true).unwrap();
        assert!(reason.contains("navigator.storage.getDirectory: TypeError: not a function"), "{reason}");
        // Threads that cannot run say so first.
        c.cross_origin_isolated = false;
        assert!(c.skip_reason(Mode::Threads, true).unwrap().contains("cross-origin isolated"));
    }

    #[test]
    fn unchecked_workers_block_nothing() {
        let c = Checks { worker: None, module_workers: None, ..webkit() };
        assert_eq!(c.files_blocked(), None);
        assert_eq!(c.threads_blocked(), None);
    }

    #[test]
    fn worker_checks_travel_as_json() {
        let w = WorkerChecks { opfs_error: Some("x".into()), ms: 1.5, ..Default::default() };
        let back: WorkerChecks = serde_json::from_str(&serde_json::to_string(&w).unwrap()).unwrap();
        assert_eq!(back, w);
    }

    #[test]
    fn a_shared_input_needs_isolation_and_other_variants_need_nothing() {
        let isolated = Checks { cross_origin_isolated: true, shared_array_buffer: true, ..Default::default() };
        assert_eq!(isolated.variant_skip_reason(Some("shared")), None);
        assert_eq!(isolated.variant_skip_reason(Some("copy")), None);
        let open = Checks::default();
        assert!(open.variant_skip_reason(Some("shared")).unwrap().contains("not cross-origin isolated"));
        assert_eq!(open.variant_skip_reason(Some("transfer")), None);
        assert_eq!(open.variant_skip_reason(Some("none")), None);
        assert_eq!(open.variant_skip_reason(None), None);
        let hidden = Checks { shared_array_buffer: false, ..isolated };
        assert!(hidden.variant_skip_reason(Some("shared")).unwrap().contains("hides SharedArrayBuffer"));
    }
}
