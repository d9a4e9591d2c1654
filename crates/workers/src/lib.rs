//! Starting Web Workers and talking to them, in any context that starts workers: the page (its
//! process workers and the threads coordinator) and the threads coordinator (its pool threads).
//! - [`Port`]: a worker whose messages can be awaited one at a time;
//! - [`module_script`]: a worker script made as one Blob, a module's glue with its bootstrap
//!   appended, so a starting worker fetches nothing;
//! - [`fetch_ok`]: the site's own files, fetched from this context.

mod port;
mod scripts;

pub use port::{error_event_message, live_count, ready_or_error, spawn_module_worker, terminate_all, Port};
pub use scripts::{fetch_ok, load_error, module_script};
