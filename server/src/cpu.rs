//! CPU-heavy request work (batch locates and address conversions, map pictures, reading an
//! import) runs here, on a pool of its own: one thread per core but one, each at a lower
//! scheduling priority (nice 9). So at least one core is always left to the async workers,
//! and when the cores are contended the kernel runs the health probe and single lookups
//! first, however many heavy requests arrive. Measured before: 48 parallel 10,000-point
//! batches pushed `/healthz` to 0.7 s; under every attack at once (`scripts/attack.sh`) a
//! pool at normal priority left single lookups 0.70× of their throughput.
//!
//! The pool's threads are its own because a thread's priority, once lowered, cannot be raised
//! again without privileges: tokio's blocking pool, which the store also uses, must keep
//! normal priority. A job whose request has gone (timed out, client gone) before its turn is
//! skipped; a panicking job answers 500 and the pool goes on.

use std::sync::OnceLock;

use thread_priority::{ThreadPriority, ThreadPriorityValue};

use crate::http::Problem;

/// The pool's threads' priority: about nice 9 (the crate maps 0–99 onto nice 19 … −20).
const BACKGROUND_PRIORITY: u8 = 25;

fn pool() -> &'static rayon::ThreadPool {
    static POOL: OnceLock<rayon::ThreadPool> = OnceLock::new();
    POOL.get_or_init(|| {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        rayon::ThreadPoolBuilder::new()
            .num_threads(cores.saturating_sub(1).max(1))
            .thread_name(|i| format!("hue-map-cpu-{i}"))
            .start_handler(|_| {
                let lower = ThreadPriorityValue::try_from(BACKGROUND_PRIORITY)
                    .map_err(|e| e.to_string())
                    .and_then(|value| {
                        thread_priority::set_current_thread_priority(ThreadPriority::Crossplatform(value))
                            .map_err(|e| format!("{e:?}"))
                    });
                if let Err(error) = lower {
                    tracing::warn!(%error, "cannot lower the CPU pool's priority; heavy requests compete with the rest");
                }
            })
            .panic_handler(|_| tracing::error!("a CPU job panicked"))
            .build()
            .unwrap_or_else(|error| {
                tracing::warn!(%error, "cannot start the CPU pool's threads; heavy requests run on rayon's global pool");
                rayon::ThreadPoolBuilder::new().build().expect("rayon's default pool")
            })
    })
}

/// Runs `work` on the CPU pool when a thread is free, and returns its result.
pub async fn run<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Result<T, Problem> {
    let (answer, answered) = tokio::sync::oneshot::channel();
    pool().spawn(move || {
        if answer.is_closed() {
            return; // nobody waits for it any more
        }
        let _ = answer.send(work());
    });
    answered
        .await
        .map_err(|_| Problem::new(axum::http::StatusCode::INTERNAL_SERVER_ERROR, "internal error; it has been logged"))
}
