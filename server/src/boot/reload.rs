//! Hot reload: build a whole new snapshot (load, validate, index, render tiles) in the
//! background and swap it in atomically. A dataset with fatal findings is refused and the old
//! one keeps serving. One reload runs at a time.

use std::path::PathBuf;
use std::sync::Arc;

use crate::state::AppState;

/// What a reload needs to know: where the data is, and how deep to pre-render.
#[derive(Clone)]
pub struct ReloadConfig {
    /// The dataset folder, read afresh on every reload.
    pub data_dir: PathBuf,
    /// Tiles up to this zoom are rendered before the swap.
    pub pyramid_maxzoom: Option<u8>,
}

/// Why a reload did not happen; the previous dataset keeps serving in every case.
#[derive(Debug, thiserror::Error)]
pub enum ReloadError {
    /// The background task that builds the snapshot panicked or was cancelled.
    #[error("the reload task failed: {0}")]
    Task(#[from] tokio::task::JoinError),
    /// The new dataset could not be read, or validation found it unusable.
    #[error(transparent)]
    Refused(#[from] data_boundaries::LoadError),
}

/// Reloads the dataset on demand, one reload at a time.
#[derive(Clone)]
pub struct Reloader {
    config: ReloadConfig,
    running: Arc<tokio::sync::Mutex<()>>,
}

impl Reloader {
    /// A reloader for the dataset `config` names.
    pub fn new(config: ReloadConfig) -> Reloader {
        Reloader { config, running: Arc::new(tokio::sync::Mutex::new(())) }
    }

    /// Reloads now; returns the new dataset version, or why the new data was refused.
    pub async fn reload(&self, state: &AppState) -> Result<String, ReloadError> {
        let _one_at_a_time = self.running.lock().await;
        // Resolve links once, so every file of this reload comes from the same folder even if
        // someone repoints a link while we read.
        let dir = std::fs::canonicalize(&self.config.data_dir).unwrap_or_else(|_| self.config.data_dir.clone());
        let maxzoom = self.config.pyramid_maxzoom;
        let started = std::time::Instant::now();
        let _one_builder = state.builder.lock().await;
        // With a registry, the offices served are the registry's, not the dataset file's:
        // keep the ones being served (the registry follower brings later changes).
        let registry_offices = state.registry.as_ref().map(|_| {
            let current = state.current();
            (current.data.offices.clone(), current.registry_version, current.registry_epoch.clone())
        });
        let built = tokio::task::spawn_blocking(move || {
            crate::state::load_snapshot_with_progress(&dir, maxzoom, &tiles::pyramid::log_progress).map(|snapshot| {
                match registry_offices {
                    Some((offices, version, epoch)) => snapshot.with_offices(offices, version, &epoch),
                    None => snapshot,
                }
            })
        })
        .await?;
        match built {
            Ok(snapshot) => {
                let version = snapshot.data.version.clone();
                let previous = state.current().data.version.clone();
                state.replace(snapshot);
                if previous != version {
                    metrics::gauge!("hue_map_dataset_info", "version" => previous).set(0.0);
                }
                crate::metrics::record_reload(&version);
                tracing::info!(version = %version, elapsed_ms = started.elapsed().as_millis() as u64, "dataset reloaded");
                Ok(version)
            }
            Err(error) => {
                tracing::error!("reload refused, still serving {}: {error}", state.current().data.version);
                Err(error.into())
            }
        }
    }
}

/// Reloads on every SIGHUP until the process ends.
#[cfg(unix)]
pub fn reload_on_sighup(state: AppState, reloader: Reloader) {
    tokio::spawn(async move {
        let Ok(mut hangups) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup()) else {
            tracing::warn!("cannot listen for SIGHUP; reload through /admin/reload only");
            return;
        };
        while hangups.recv().await.is_some() {
            tracing::info!("SIGHUP: reloading the dataset");
            let _ = reloader.reload(&state).await;
        }
    });
}
