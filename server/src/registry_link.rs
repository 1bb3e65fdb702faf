//! The link between the office registry (the store, which may be shared by several replicas)
//! and the snapshot this process serves.
//!
//! Reads never wait on the database: every answer comes from the immutable in-memory
//! snapshot. After each write this replica commits, and whenever the registry's version moves
//! (another replica, or the command line, wrote), the snapshot is rebuilt with the registry's
//! offices (only the tiles that show a changed office are rendered again) and swapped in
//! atomically. The follower polls the version four times a second, which costs one indexed
//! read, and works the same for SQLite and PostgreSQL.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use registry::{Actor, Registry, StoreError};
use sha2::{Digest, Sha256};

use crate::state::{AppState, Snapshot};

/// How often a replica asks the registry whether anything changed.
const FOLLOW_EVERY: Duration = Duration::from_millis(250);

/// How long a verified token is trusted without checking the store again. Revoking a token
/// takes effect within this long on every replica.
const TOKEN_TRUST: Duration = Duration::from_secs(1);

/// The registry as this process uses it.
pub struct RegistryLink {
    registry: Arc<Registry>,
    degraded: AtomicBool,
    /// Tokens verified within [`TOKEN_TRUST`], by a SHA-256 of the token (never the token):
    /// an Argon2 check costs tens of milliseconds and 19 MiB, too much for every edit of a
    /// busy editor.
    verified: Mutex<HashMap<[u8; 32], (Actor, Instant)>>,
}

impl RegistryLink {
    /// Wraps an open registry.
    pub fn new(registry: Registry) -> RegistryLink {
        RegistryLink { registry: Arc::new(registry), degraded: AtomicBool::new(false), verified: Mutex::default() }
    }

    /// True while the store cannot be reached: reads still answer from the snapshot, writes
    /// get 503.
    pub fn is_degraded(&self) -> bool {
        self.degraded.load(Ordering::Relaxed)
    }

    /// Runs `work` against the store on the blocking pool (the drivers are synchronous),
    /// noting whether the store answered.
    pub async fn call<T: Send + 'static>(
        &self,
        work: impl FnOnce(&Registry) -> T + Send + 'static,
        reachable: impl Fn(&T) -> bool + Send + 'static,
    ) -> Result<T, tokio::task::JoinError> {
        let registry = self.registry.clone();
        let result = tokio::task::spawn_blocking(move || work(&registry)).await?;
        self.set_reachable(reachable(&result));
        Ok(result)
    }

    fn set_reachable(&self, reachable: bool) {
        let was_degraded = self.degraded.swap(!reachable, Ordering::Relaxed);
        if was_degraded && reachable {
            tracing::info!("the office registry is reachable again");
        } else if !was_degraded && !reachable {
            tracing::warn!("the office registry cannot be reached; serving the last snapshot, refusing writes");
        }
    }

    /// The staff member a token belongs to, or `None` for an unknown or revoked one.
    pub async fn authenticate(&self, token: String) -> Result<Option<Actor>, StoreError> {
        let key: [u8; 32] = Sha256::digest(token.as_bytes()).into();
        {
            let mut verified = self.verified.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            verified.retain(|_, (_, at)| at.elapsed() < TOKEN_TRUST);
            if let Some((actor, _)) = verified.get(&key) {
                return Ok(Some(actor.clone()));
            }
        }
        let found = self.call(move |r| r.authenticate(&token), answered).await.map_err(join_error)??;
        if let Some(actor) = &found {
            let mut verified = self.verified.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            verified.insert(key, (actor.clone(), Instant::now()));
        }
        Ok(found)
    }

    /// Brings the served snapshot up to the registry's current version, if it is behind.
    /// Returns the registry version now served.
    pub async fn refresh(&self, state: &AppState) -> Result<u64, StoreError> {
        let _one_builder = state.builder.lock().await;
        let version = self.call(|r| r.registry_version(), |v| !is_unavailable(v)).await.map_err(join_error)??;
        if version == state.current().registry_version {
            return Ok(version);
        }
        let snapshot = self.call(|r| r.snapshot(), |s| !is_unavailable(s)).await.map_err(join_error)??;
        let current = arc_swap::Guard::into_inner(state.current());
        let served = snapshot.registry_version;
        let next = tokio::task::spawn_blocking(move || apply(&current, &snapshot)).await.map_err(join_error)?;
        state.replace(next);
        metrics::gauge!("hue_map_registry_version").set(served as f64);
        Ok(served)
    }

    /// Follows the registry for as long as the process runs.
    pub fn follow(self: Arc<Self>, state: AppState) {
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(FOLLOW_EVERY);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                if let Err(error) = self.refresh(&state).await {
                    tracing::debug!(%error, "registry follow");
                }
            }
        });
    }
}

/// `snapshot`'s offices over `current`'s dataset.
pub fn apply(current: &Snapshot, snapshot: &registry::Snapshot) -> Snapshot {
    let offices = snapshot.offices.iter().map(data_boundaries::Office::from).collect();
    current.with_offices(offices, snapshot.registry_version)
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

/// True for a store answer that says the database could not be reached.
pub fn answered<T>(result: &Result<T, StoreError>) -> bool {
    !is_unavailable(result)
}

/// True for a write answer that says the database could not be reached.
pub fn wrote<T>(result: &Result<T, registry::WriteError>) -> bool {
    !matches!(result, Err(registry::WriteError::Unavailable { .. }))
}
