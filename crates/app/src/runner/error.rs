//! Why a run gave no report, for callers that act on which it was: a cancelled run says so
//! quietly once another run owns the page, an invalid spec is shown on the page, a run refused
//! because another one goes on is not. `Display` is the sentence users and scripts see.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunError {
    /// Stopped by `cancel()` (the Cancel button, `threadlab.cancel()`).
    Cancelled,
    /// Another run owns the page.
    Busy,
    /// The spec was refused; the sentence names the field and its range.
    InvalidSpec(String),
    /// Nothing could run (the worker code did not load, no worker started, an engine failed as
    /// a whole); the sentence says why. A failing cell is not this: it stays in the report.
    Engine(String),
    /// The runs were measured, but the view module, which makes their report, could not be
    /// loaded; the sentence says why and whether the runs were kept in the history.
    Unreported(String),
}

impl fmt::Display for RunError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RunError::Cancelled => f.write_str("the run was cancelled"),
            RunError::Busy => f.write_str("a run is already in progress: wait for it or cancel it"),
            RunError::InvalidSpec(why) | RunError::Engine(why) | RunError::Unreported(why) => f.write_str(why),
        }
    }
}

impl std::error::Error for RunError {}

/// The engines' errors are sentences; one that reaches the runner stops the run.
impl From<String> for RunError {
    fn from(why: String) -> Self {
        RunError::Engine(why)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn users_see_the_sentences_they_saw_before_the_kinds_existed() {
        // tests/e2e/cancel.test.mjs and validation.test.mjs assert these texts.
        assert_eq!(RunError::Cancelled.to_string(), "the run was cancelled");
        assert!(RunError::Busy.to_string().contains("already in progress"));
        let spec = "invalid spec: tasks: must be 1 to 1024, got 0";
        assert_eq!(RunError::InvalidSpec(spec.into()).to_string(), spec);
        assert_eq!(RunError::from("no worker started".to_string()), RunError::Engine("no worker started".into()));
    }
}
