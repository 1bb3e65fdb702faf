//! The link between the office registry (the store, which may be shared by several replicas)
//! and the snapshot this process serves.
//!
//! Reads never wait on the database: every answer comes from the immutable in-memory
//! snapshot. After each write this replica commits, and whenever the registry's version moves
//! (another replica, or the command line, wrote), the snapshot is rebuilt with the registry's
//! offices (only the tiles that show a changed office are rendered again) and swapped in
//! atomically. The follower polls the version four times a second, which costs one indexed
//! read, and works the same for SQLite and PostgreSQL.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use registry::{Actor, Registry, StoreError, WriteError};

use crate::state::{AppState, Snapshot};

/// How often a replica asks the registry whether anything changed.
const FOLLOW_EVERY: Duration = Duration::from_millis(250);

/// After a rebuild the follower waits this long before the next, so that the writes of a
/// busy moment share one rebuild (measured: at 10 edits a second, a rebuild per edit cost
/// reads 12–20 % of their throughput).
const GATHER: Duration = Duration::from_millis(200);

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

    /// Brings the served snapshot up to the registry's current version, if it is behind.
    /// Returns the registry version now served.
    pub async fn refresh(&self, state: &AppState) -> Result<u64, StoreError> {
        let _one_builder = state.builder.lock().await;
        let version = self.read(|r| r.registry_version()).await.map_err(join_error)??;
        if version == state.current().registry_version {
            return Ok(version);
        }
        let snapshot = self.read(|r| r.current_offices()).await.map_err(join_error)??;
        let current = arc_swap::Guard::into_inner(state.current());
        let served = snapshot.registry_version;
        let next = tokio::task::spawn_blocking(move || apply(&current, &snapshot)).await.map_err(join_error)?;
        state.replace(next);
        metrics::gauge!("hue_map_registry_version").set(served as f64);
        Ok(served)
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

    /// Follows the registry for as long as the process runs: every quarter second, or at once
    /// after a local write, then at most once per [`GATHER`].
    pub fn follow(self: Arc<Self>, state: AppState) {
        self.served.send_replace(state.current().registry_version);
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(FOLLOW_EVERY);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tokio::select! {
                    _ = tick.tick() => {}
                    () = self.wake.notified() => {}
                }
                match self.refresh(&state).await {
                    Ok(version) => {
                        self.served.send_replace(version);
                    }
                    Err(error) => tracing::debug!(%error, "registry follow"),
                }
                tokio::time::sleep(GATHER).await;
            }
        });
    }
}

/// The registry's current offices over `current`'s dataset.
pub fn apply(current: &Snapshot, registry: &registry::CurrentOffices) -> Snapshot {
    let offices = registry.offices.iter().map(data_boundaries::Office::from).collect();
    current.with_offices(offices, registry.registry_version)
}

fn is_unavailable<T>(result: &Result<T, StoreError>) -> bool {
    result.as_ref().is_err_and(StoreError::is_unavailable)
}

fn join_error(error: tokio::task::JoinError) -> StoreError {
    StoreError::Unavailable { reason: format!("the registry task failed: {error}") }
}

/// The registry of a request's state, or a 404 problem when this server keeps none.
pub fn of(state: &AppState) -> Result<Arc<RegistryLink>, crate::http::Problem> {
    state.registry.clone().ok_or_else(|| crate::http::Problem::not_found("this server keeps no office registry"))
}
