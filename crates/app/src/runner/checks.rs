//! The checks only a worker can tell (module workers, Atomics.wait, OPFS and its handles), asked
//! of the helper process worker and kept in `env` for `Capabilities` to report.

use super::{helper, RunError};
use crate::env;
use crate::load_once;
use futures::FutureExt;
use threadlab_lab::checks::{no_workers, WorkerChecks};

/// The checks only a worker can make, made by the helper process worker (which every run needs
/// anyway) on first need: when the engines start on the visitor's first interaction, or at the
/// start of the first run. `Err` when no worker could be asked; the message says why.
pub async fn worker_checks() -> Result<(WorkerChecks, f64), String> {
    load_once::get(&env::WORKER_CHECKS, || {
        async {
            let start = threadlab_clock::now_ms();
            // A file that did not load is not the workers' fault: said as it is.
            crate::engines::processes::worker_code().await?;
            let started = helper().await;
            // A cancel while the helper started says nothing of what workers can do here.
            let failure = match &started {
                Err(RunError::Engine(why)) => Some(why.clone()),
                Ok(_) | Err(_) => None,
            };
            env::NO_MODULE_WORKER.with(|n| *n.borrow_mut() = failure.clone());
            let checks =
                started.map_err(|e| failure.map_or_else(|| e.to_string(), |why| no_workers(&why)))?.checks().await?;
            Ok((checks, threadlab_clock::now_ms() - start))
        }
        .boxed_local()
    })
    .await
}
