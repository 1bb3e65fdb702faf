//! The link between the office registry (the store, which may be shared by several replicas)
//! and this process: reads and writes on the blocking pool with a note of whether the store
//! answered, sign-in, and a write's wait until this replica serves it.
//!
//! Reads of offices never wait on the database: every answer comes from the immutable
//! in-memory snapshot, which the follower (`office_registry/follower.rs`) keeps up to the registry.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use registry::{Actor, Registry, StoreError, WriteError};

/// The longest a write waits to be served by its own replica before answering anyway. With
/// the store's bounded waits (the connection within 8 s, the write lock within 5 s) a write
/// is answered well inside the 30 s request timeout, so an acknowledged write is never
/// answered with a timeout.
const SERVED_WITHIN: Duration = Duration::from_secs(10);

/// The registry as this process uses it.
pub struct RegistryLink {
    registry: Arc<Registry>,
    /// The last read failed for want of the database.
    reads_failing: AtomicBool,
    /// The last write failed for want of the database (a read-only file still reads).
    writes_failing: AtomicBool,
    /// Wakes the follower at once after a local write.
    wake: tokio::sync::Notify,
    /// The registry version this replica serves, for writers waiting to see theirs.
    served: tokio::sync::watch::Sender<u64>,
}

impl RegistryLink {
    /// Wraps an open registry.
    pub fn new(registry: Registry) -> RegistryLink {
        RegistryLink {
            registry: Arc::new(registry),
            reads_failing: AtomicBool::new(false),
            writes_failing: AtomicBool::new(false),
            wake: tokio::sync::Notify::new(),
            served: tokio::sync::watch::Sender::new(0),
        }
    }

    /// True while the store cannot be reached: reads still answer from the snapshot, writes
    /// get 503.
    pub fn is_degraded(&self) -> bool {
        self.reads_failing.load(Ordering::Relaxed) || self.writes_failing.load(Ordering::Relaxed)
    }

    /// Reads from the store on the blocking pool (the drivers are synchronous), noting
    /// whether the store answered. The outer error is a task that panicked.
    pub async fn read<T: Send + 'static>(
        &self,
        work: impl FnOnce(&Registry) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<Result<T, StoreError>, tokio::task::JoinError> {
        let result = self.on_blocking_pool(work).await?;
        self.note(&self.reads_failing, !is_unavailable(&result));
        Ok(result)
    }

    /// Writes to the store on the blocking pool, noting whether the store could take it.
    /// The outer error is a task that panicked.
    pub async fn write<T: Send + 'static>(
        &self,
        work: impl FnOnce(&Registry) -> Result<T, WriteError> + Send + 'static,
    ) -> Result<Result<T, WriteError>, tokio::task::JoinError> {
        let result = self.on_blocking_pool(work).await?;
        self.note(&self.writes_failing, !matches!(result, Err(WriteError::Unavailable { .. })));
        Ok(result)
    }

    async fn on_blocking_pool<T: Send + 'static>(
        &self,
        work: impl FnOnce(&Registry) -> T + Send + 'static,
    ) -> Result<T, tokio::task::JoinError> {
        let registry = self.registry.clone();
        tokio::task::spawn_blocking(move || work(&registry)).await
    }

    /// Records whether the last read or write (`failing` is its flag) reached the store, and
    /// logs when the registry becomes unreachable or reachable again.
    fn note(&self, failing: &AtomicBool, reached: bool) {
        let was_degraded = self.is_degraded();
        failing.store(!reached, Ordering::Relaxed);
        match (was_degraded, self.is_degraded()) {
            (true, false) => tracing::info!("the office registry is reachable again"),
            (false, true) => tracing::warn!(
                "the office registry cannot be reached or written; serving the last snapshot, refusing writes"
            ),
            _ => {}
        }
    }

    /// The staff member a token belongs to, or `None` for an unknown or revoked one. Every
    /// request asks the store (an indexed read and a SHA-256), so a revocation holds from the
    /// moment it commits, on every replica.
    pub async fn authenticate(&self, token: String) -> Result<Option<Actor>, StoreError> {
        self.read(move |r| r.authenticate(&token)).await.map_err(join_error)?
    }

    /// Completes when a local write asks the follower to look now.
    pub(crate) async fn woken(&self) {
        self.wake.notified().await;
    }

    /// Records the registry version this replica now serves, for writers waiting on it.
    pub(crate) fn serving(&self, version: u64) {
        self.served.send_replace(version);
    }

    /// Waits until this replica serves registry version `seq` (a write's), waking the
    /// follower so it rebuilds now, together with any other write that landed meanwhile.
    pub async fn committed(&self, seq: u64) {
        self.wake.notify_one();
        let mut served = self.served.subscribe();
        if tokio::time::timeout(SERVED_WITHIN, served.wait_for(|version| *version >= seq)).await.is_err() {
            tracing::warn!(seq, "written, but not yet served here; the follower will catch up");
        }
    }
}

fn is_unavailable<T>(result: &Result<T, StoreError>) -> bool {
    result.as_ref().is_err_and(StoreError::is_unavailable)
}

pub(crate) fn join_error(error: tokio::task::JoinError) -> StoreError {
    StoreError::Unavailable { reason: format!("the registry task failed: {error}") }
}
