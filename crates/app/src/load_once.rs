//! Something the page loads once and every caller shares (a compiled module, a JS module),
//! loaded on first use and tried again after a failure.

use futures::future::{FutureExt, LocalBoxFuture, Shared};
use std::cell::RefCell;
use std::thread::LocalKey;

type Loading<T> = Shared<LocalBoxFuture<'static, Result<T, String>>>;

/// The slot, kept in a `thread_local!`.
pub struct LoadOnce<T: Clone + 'static>(RefCell<Option<Loading<T>>>);

impl<T: Clone + 'static> LoadOnce<T> {
    pub const fn new() -> LoadOnce<T> {
        LoadOnce(RefCell::new(None))
    }
}

/// The loaded value: the first caller starts `load`, the others wait for the same attempt. A
/// failed attempt is forgotten (unless a newer one has replaced it meanwhile).
pub async fn get<T: Clone + 'static>(
    slot: &'static LocalKey<LoadOnce<T>>,
    load: fn() -> LocalBoxFuture<'static, Result<T, String>>,
) -> Result<T, String> {
    let loading = slot.with(|s| s.0.borrow_mut().get_or_insert_with(|| load().shared()).clone());
    let result = loading.clone().await;
    if result.is_err() {
        slot.with(|s| {
            let mut s = s.0.borrow_mut();
            if s.as_ref().is_some_and(|l| Shared::ptr_eq(l, &loading)) {
                *s = None;
            }
        });
    }
    result
}

/// The value if it has loaded, without starting or waiting for a load.
pub fn loaded<T: Clone + 'static>(slot: &'static LocalKey<LoadOnce<T>>) -> Option<T> {
    slot.with(|s| s.0.borrow().as_ref().and_then(|l| l.peek().cloned()).and_then(Result::ok))
}
