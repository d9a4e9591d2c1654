//! Page-side handles on the workers that execute tasks (each talks to its worker through a
//! `threadlab_workers::Port`, tracked so a cancel can stop every one of them):
//! - [`processes`]: isolated workers running the worker module (sequential, async, processes);
//! - [`threads`]: the coordinator worker of the threaded module (threads, threads-gil).

pub mod processes;
pub mod threads;

/// Absolute URL of a file of the built site, resolved against the page.
pub fn site_url(path: &str) -> String {
    let base =
        web_sys::window().and_then(|w| w.document()).and_then(|d| d.base_uri().ok().flatten()).unwrap_or_default();
    web_sys::Url::new_with_base(path, &base).map(|u| u.href()).unwrap_or_else(|_| path.to_string())
}
