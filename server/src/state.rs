//! Shared state: one snapshot (the dataset and the tiles made from it) behind an atomic
//! pointer. Readers never lock; a reload builds a whole new snapshot and swaps it in, so a
//! request sees the old or the new version, never a mix of the two.

use std::sync::Arc;

use arc_swap::ArcSwap;
use data_boundaries::Dataset;
use tiles::TileStore;

/// One dataset version and everything derived from it.
pub struct Snapshot {
    pub data: Dataset,
    pub tiles: TileStore,
    pub search: data_boundaries::search::SearchIndex,
    pub addresses: data_boundaries::address::AddressIndex,
}

/// Settings that do not change with the data.
#[derive(Clone, Default)]
pub struct Settings {
    /// Absolute base URL clients should use (e.g. behind a proxy); derived from the request's
    /// Host header when unset.
    pub public_url: Option<String>,
    /// A MapLibre style whose sources and layers go under ours.
    pub basemap_style: Option<String>,
    /// Browser origins allowed by CORS; empty or containing "*" means any.
    pub cors_origins: Vec<String>,
}

#[derive(Clone)]
pub struct AppState {
    current: Arc<ArcSwap<Snapshot>>,
    pub settings: Arc<Settings>,
    /// Rendered glyph ranges by start code point; they do not depend on the data.
    pub glyphs: Arc<std::sync::Mutex<std::collections::HashMap<u32, Arc<Vec<u8>>>>>,
    /// Renders /metrics; `None` if the recorder could not be installed.
    pub metrics: Option<metrics_exporter_prometheus::PrometheusHandle>,
}

impl AppState {
    pub fn new(snapshot: Snapshot, settings: Settings, metrics: Option<metrics_exporter_prometheus::PrometheusHandle>) -> AppState {
        AppState { current: Arc::new(ArcSwap::from_pointee(snapshot)), settings: Arc::new(settings), glyphs: Default::default(), metrics }
    }

    /// Serves `snapshot` to every request that starts from now on; requests already running
    /// finish on the snapshot they started with.
    pub fn replace(&self, snapshot: Snapshot) {
        self.current.store(Arc::new(snapshot));
    }

    /// The current snapshot; hold it for the whole request so every part of one answer comes
    /// from the same version.
    pub fn current(&self) -> arc_swap::Guard<Arc<Snapshot>> {
        self.current.load()
    }
}
