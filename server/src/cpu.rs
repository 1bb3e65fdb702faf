//! CPU-heavy request work (batch locates, map pictures) runs here: on tokio's blocking pool,
//! at most one job per core at a time, so the async workers stay free for the health probe
//! and single lookups however many heavy requests arrive (measured before: 48 parallel
//! 10,000-point batches pushed `/healthz` to 0.7 s). A job waiting for its turn holds no
//! thread; the permit travels with the job, so a request that timed out still counts until
//! its work ends.

use std::sync::{Arc, OnceLock};

use tokio::sync::Semaphore;

use crate::http::Problem;

fn permits() -> Arc<Semaphore> {
    static PERMITS: OnceLock<Arc<Semaphore>> = OnceLock::new();
    PERMITS
        .get_or_init(|| Arc::new(Semaphore::new(std::thread::available_parallelism().map_or(2, |n| n.get()))))
        .clone()
}

/// Runs `work` on the blocking pool when a core is free, and returns its result.
pub async fn run<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Result<T, Problem> {
    let permit = permits().acquire_owned().await.map_err(|_| Problem::unavailable("the server is stopping"))?;
    tokio::task::spawn_blocking(move || {
        let _turn = permit;
        work()
    })
    .await
    .map_err(Problem::from)
}
