//! Shared state: one snapshot (the dataset and the tiles made from it) behind an atomic
//! pointer. Readers never lock; a reload builds a whole new snapshot and swaps it in, so a
//! request sees the old or the new version, never a mix of the two.

use std::sync::Arc;

use arc_swap::ArcSwap;
use std::path::Path;

use data_boundaries::{Dataset, Severity};
use tiles::TileStore;

/// One dataset version and everything derived from it.
pub struct Snapshot {
    pub data: Dataset,
    pub tiles: TileStore,
    pub search: data_boundaries::search::SearchIndex,
    pub addresses: data_boundaries::address::AddressIndex,
    /// Download files, encoded on first request and kept as long as this version serves.
    pub exports: Exports,
}

/// Encoded downloads of one dataset version.
#[derive(Default)]
pub struct Exports {
    pub communes_fgb: std::sync::OnceLock<Result<axum::body::Bytes, crate::fgb::FgbError>>,
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
    pub fn new(
        snapshot: Snapshot,
        settings: Settings,
        metrics: Option<metrics_exporter_prometheus::PrometheusHandle>,
    ) -> AppState {
        AppState {
            current: Arc::new(ArcSwap::from_pointee(snapshot)),
            settings: Arc::new(settings),
            glyphs: Default::default(),
            metrics,
        }
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

/// How many on-demand tiles (above the pyramid) to keep.
const DEEP_TILE_CACHE: usize = 20_000;

/// Loads, validates and indexes a dataset, then renders its tile pyramid.
pub fn load_snapshot(dir: &Path, pyramid_maxzoom: u8) -> Result<Snapshot, data_boundaries::LoadError> {
    let started = std::time::Instant::now();
    let data = Dataset::load(dir)?;
    tracing::info!(
        communes = data.communes.len(),
        offices = data.offices.len(),
        former_units = data.former_units.len(),
        warnings = data.report.count(Severity::Warning),
        version = %data.version,
        elapsed_ms = started.elapsed().as_millis() as u64,
        "dataset loaded from {}",
        dir.display()
    );
    let tiles = tiles::TileStore::build(tiles::TileSource::new(&data), pyramid_maxzoom, DEEP_TILE_CACHE);
    tracing::info!(
        seconds = format!("{:.2}", tiles.stats.seconds),
        tiles = tiles.stats.tiles,
        stored_mib = format!("{:.1}", tiles.stats.stored_bytes as f64 / 1_048_576.0),
        peak_rss_mib = peak_rss_mib(),
        "tiles ready"
    );
    let search = data_boundaries::search::SearchIndex::new(&data);
    let addresses = data_boundaries::address::AddressIndex::new(&data);
    Ok(Snapshot { data, tiles, search, addresses, exports: Exports::default() })
}

/// Peak resident memory of this process, from /proc (Linux); 0 elsewhere.
pub fn peak_rss_mib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
        })
        .map(|kib| kib / 1024)
        .unwrap_or(0)
}
