//! I/O for rayon threads. A rayon thread never returns to its event loop, so it cannot await a
//! `fetch`. It hands the job to the coordinator Worker (which has an event loop and shares this
//! module's memory) and blocks on a channel until the answer is back: `memory.atomic.wait`
//! under the hood, the Atomics-slot design. The coordinator runs many jobs at once, so k
//! blocked threads are k requests in flight, as k Python threads in `requests.get` would be.

use futures::channel::mpsc;
use futures::StreamExt;
use std::sync::mpsc as blocking;
use std::sync::OnceLock;
use threadlab_workloads::download::DownloadTask;

pub enum IoJob {
    Download(DownloadTask),
    /// Write the body to a file, read it back and compare.
    Write {
        file: String,
        body: Vec<u8>,
    },
}

/// A body for downloads, nothing for writes; or what went wrong.
pub type IoResult = Result<Vec<u8>, String>;

struct Request {
    job: IoJob,
    reply: blocking::Sender<IoResult>,
}

static SERVICE: OnceLock<mpsc::UnboundedSender<Request>> = OnceLock::new();

/// Starts serving jobs on the calling thread's event loop: call it on the coordinator.
pub fn start() {
    SERVICE.get_or_init(|| {
        let (sender, mut requests) = mpsc::unbounded::<Request>();
        wasm_bindgen_futures::spawn_local(async move {
            while let Some(Request { job, reply }) = requests.next().await {
                wasm_bindgen_futures::spawn_local(async move {
                    let result = match job {
                        IoJob::Download(task) => threadlab_io::download(&task).await,
                        IoJob::Write { file, body } => {
                            threadlab_io::write_and_read_back(&file, &body).await.map(|()| Vec::new())
                        }
                    };
                    let _ = reply.send(result); // the thread may be gone if the run was abandoned
                });
            }
        });
        sender
    });
}

/// Runs `job` on the coordinator and blocks the calling (rayon) thread until it is done.
pub fn call(job: IoJob) -> IoResult {
    let service = SERVICE.get().ok_or("the threads engine's I/O service is not running")?;
    let (reply, answer) = blocking::channel();
    service.unbounded_send(Request { job, reply }).map_err(|_| "the threads engine's I/O service stopped")?;
    answer.recv().map_err(|_| "the threads engine's I/O service dropped the request".to_string())?
}
