//! Keeps this replica's snapshot up to the registry: every quarter second, or at once after
//! a local write, the registry's version is read (one indexed read, the same for SQLite and
//! PostgreSQL) and, when it moved (another replica, or the command line, wrote), the snapshot
//! is rebuilt with the registry's offices (only the tiles that show a changed office are
//! rendered again) and swapped in atomically.

use std::sync::Arc;
use std::time::Duration;

use registry::StoreError;

use crate::office_registry::link::{join_error, RegistryLink};
use crate::state::{AppState, Snapshot};

/// How often a replica asks the registry whether anything changed.
const FOLLOW_EVERY: Duration = Duration::from_millis(250);

/// After a rebuild the follower waits this long before the next, so that the writes of a
/// busy moment share one rebuild (measured: at 10 edits a second, a rebuild per edit cost
/// reads 12–20 % of their throughput).
const GATHER: Duration = Duration::from_millis(200);

/// Follows the registry for as long as the process runs: every quarter second, or at once
/// after a local write, then at most once per [`GATHER`].
pub fn follow(link: Arc<RegistryLink>, state: AppState) {
    link.serving(state.current().registry_version);
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(FOLLOW_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = tick.tick() => {}
                () = link.woken() => {}
            }
            match refresh(&link, &state).await {
                Ok(version) => link.serving(version),
                Err(error) => tracing::debug!(%error, "registry follow"),
            }
            tokio::time::sleep(GATHER).await;
        }
    });
}

/// Brings the served snapshot up to the registry's current version, if it is behind.
/// Returns the registry version now served.
pub async fn refresh(link: &RegistryLink, state: &AppState) -> Result<u64, StoreError> {
    let _one_builder = state.builder.lock().await;
    let version = link.read(|r| r.registry_version()).await.map_err(join_error)??;
    if version == state.current().registry_version {
        return Ok(version);
    }
    let offices = link.read(|r| r.current_offices()).await.map_err(join_error)??;
    let current = arc_swap::Guard::into_inner(state.current());
    let served = offices.registry_version;
    let next = tokio::task::spawn_blocking(move || apply(&current, &offices)).await.map_err(join_error)?;
    state.replace(next);
    metrics::gauge!("hue_map_registry_version").set(served as f64);
    Ok(served)
}

/// The registry's current offices over `current`'s dataset.
pub fn apply(current: &Snapshot, registry: &registry::CurrentOffices) -> Snapshot {
    let offices = registry.offices.iter().map(data_boundaries::Office::from).collect();
    current.with_offices(offices, registry.registry_version, &registry.epoch)
}
