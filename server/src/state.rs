//! Shared state: one snapshot (the dataset and the tiles made from it) behind an atomic
//! pointer. Readers never lock; a reload builds a whole new snapshot and swaps it in, so a
//! request sees the old or the new version, never a mix of the two.

use std::sync::Arc;

use arc_swap::ArcSwap;
use std::path::Path;

use data_boundaries::{Dataset, Severity};
use tiles::TileStore;

/// One dataset version with one registry version of its offices, and everything derived
/// from the two.
pub struct Snapshot {
    /// The communes, lineage and (from the registry, when there is one) offices.
    pub data: Dataset,
    /// The vector tiles of `data`.
    pub tiles: TileStore,
    /// Name search over `data`.
    pub search: data_boundaries::search::SearchIndex,
    /// Old-address conversion (depends on the communes and lineage only, so shared between
    /// registry versions).
    pub addresses: Arc<data_boundaries::address::AddressIndex>,
    /// Download files, encoded on first request and kept as long as this version serves.
    pub exports: Exports,
    /// The commune of each basemap landmark (by its place in `Landmarks::points`), located
    /// on first need; shared by the registry versions of one dataset, as the geometry is.
    landmark_communes: Arc<std::sync::OnceLock<Vec<Option<usize>>>>,
    /// The registry version whose offices `data` holds; 0 when the offices come from the
    /// dataset file (no registry).
    pub registry_version: u64,
    /// The registry's epoch (new after each restore from a backup, when versions start
    /// again); empty without a registry.
    pub registry_epoch: String,
    /// See [`Snapshot::version`]; made once, as every tile request compares it.
    version: String,
}

impl Snapshot {
    /// The version of everything this snapshot serves, as tile URLs carry it:
    /// `{dataset}-{epoch}-r{registry}-{tiles}`. The dataset's content hash and the registry's
    /// version and epoch say what was drawn; a digest of the pre-rendered tiles says how (a new
    /// build that draws the same data otherwise is told apart). A tile asked for by this
    /// version is cached as immutable, so no two contents may ever share one.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The commune of each landmark in `landmarks` (the server's, which do not change while
    /// it runs), located once per dataset rather than on every search that filters by them.
    pub fn landmark_communes(&self, landmarks: &crate::basemap::landmarks::Landmarks) -> &[Option<usize>] {
        self.landmark_communes
            .get_or_init(|| landmarks.points.iter().map(|p| self.data.locate(p.lon, p.lat).commune).collect())
    }

    fn version_of(data: &Dataset, tiles: &TileStore, registry_version: u64, registry_epoch: &str) -> String {
        use sha2::{Digest, Sha256};
        let mut drawn = Sha256::new();
        for (id, tile) in tiles.pyramid_tiles() {
            drawn.update(format!("{}/{}/{}:{};", id.z, id.x, id.y, tile.content_hash));
        }
        let drawn: String = drawn.finalize().iter().take(4).map(|b| format!("{b:02x}")).collect();
        let epoch: String = registry_epoch.chars().filter(char::is_ascii_alphanumeric).take(8).collect();
        let epoch = if epoch.is_empty() { "0".to_string() } else { epoch };
        format!("{}-{epoch}-r{registry_version}-{drawn}", data.version)
    }

    /// This snapshot with the registry's offices at `registry_version` (of `registry_epoch`):
    /// the office index, seats, search and the tiles that show a changed office are rebuilt;
    /// the geometry, its index, the other tiles and the address index are shared.
    pub fn with_offices(
        &self,
        offices: Vec<data_boundaries::Office>,
        registry_version: u64,
        registry_epoch: &str,
    ) -> Snapshot {
        let data = self.data.with_offices(offices);
        let tiles = self.tiles.with_offices(&data.offices);
        let search = data_boundaries::search::SearchIndex::new(&data);
        let version = Snapshot::version_of(&data, &tiles, registry_version, registry_epoch);
        Snapshot {
            data,
            tiles,
            search,
            addresses: self.addresses.clone(),
            exports: Exports::default(),
            landmark_communes: self.landmark_communes.clone(),
            registry_version,
            registry_epoch: registry_epoch.to_string(),
            version,
        }
    }
}

/// A FlatGeobuf file, or why it could not be encoded.
pub type EncodedFgb = Result<axum::body::Bytes, crate::formats::fgb::FgbError>;

/// Encoded downloads of one snapshot.
#[derive(Default)]
pub struct Exports {
    /// The communes as FlatGeobuf, or why it could not be encoded.
    pub communes_fgb: std::sync::OnceLock<EncodedFgb>,
    /// The provinces' FlatGeobuf files asked for last (see [`Exports::province_fgb`]).
    recent_province_fgb: std::sync::Mutex<Vec<(usize, Arc<EncodedFgb>)>>,
    /// The offline pack (`/api/v1/offline-pack`), as JSON.
    pub offline_pack: std::sync::OnceLock<axum::body::Bytes>,
    /// One province's offline pack, by the province's place in `Dataset::provinces`.
    pub province_packs: std::sync::OnceLock<Box<[std::sync::OnceLock<axum::body::Bytes>]>>,
}

/// How many provinces' FlatGeobuf files are kept: together the country's provinces weigh as
/// much as the country's own file (about 100 MB), too much to keep them all.
const KEPT_PROVINCE_FILES: usize = 4;

impl Exports {
    /// The FlatGeobuf file of the province at `province` (its place in
    /// `Dataset::provinces`): kept if asked for lately, else made with `encode` and kept in
    /// place of the one asked for least lately. Two first requests at once may both encode.
    pub fn province_fgb(&self, province: usize, encode: impl FnOnce() -> EncodedFgb) -> Arc<EncodedFgb> {
        let recent = || self.recent_province_fgb.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        {
            let mut kept = recent();
            if let Some(at) = kept.iter().position(|(p, _)| *p == province) {
                let entry = kept.remove(at);
                let file = entry.1.clone();
                kept.push(entry);
                return file;
            }
        }
        let file = Arc::new(encode());
        let mut kept = recent();
        kept.retain(|(p, _)| *p != province);
        kept.push((province, file.clone()));
        if kept.len() > KEPT_PROVINCE_FILES {
            kept.remove(0);
        }
        file
    }
}

/// Settings that do not change with the data.
#[derive(Clone, Default)]
pub struct Settings {
    /// Absolute base URL clients should use (e.g. behind a proxy); derived from the request's
    /// Host header when unset.
    pub public_url: Option<String>,
    /// A hosted MapLibre style whose sources and layers go under ours (`--basemap-style`).
    pub basemap_style: Option<crate::basemap::hosted_style::HostedStyle>,
    /// The street basemap served at `/basemap/…` and drawn under ours (`--basemap`).
    pub basemap: Option<Arc<crate::basemap::archive::Basemap>>,
    /// The basemap's named places in the dataset's area, for search (none without a basemap).
    pub landmarks: Arc<crate::basemap::landmarks::Landmarks>,
    /// Browser origins allowed by CORS; empty or containing "*" means any.
    pub cors_origins: Vec<String>,
}

/// What every handler shares: the snapshot being served, and what does not change with it.
#[derive(Clone)]
pub struct AppState {
    current: Arc<ArcSwap<Snapshot>>,
    /// Held by whoever builds the next snapshot (a reload, a registry change), so two
    /// builders never overwrite each other's work.
    pub builder: Arc<tokio::sync::Mutex<()>>,
    /// The office registry, when the service keeps one (`--store`).
    pub registry: Option<Arc<crate::office_registry::link::RegistryLink>>,
    /// Residents' reports per client address: 10 in any 10 minutes.
    pub report_limit: Arc<crate::net::rate_limit::RateLimit<Option<crate::net::client::ClientKey>>>,
    /// Failed sign-ins, per client and per client and token id.
    pub auth_failures: Arc<crate::net::sign_in::SignInFailures>,
    pub settings: Arc<Settings>,
    /// Rendered glyph ranges by start code point; they do not depend on the data.
    pub glyphs: Arc<std::sync::Mutex<std::collections::HashMap<u32, Arc<Vec<u8>>>>>,
    /// Renders /metrics; `None` if the recorder could not be installed.
    pub metrics: Option<metrics_exporter_prometheus::PrometheusHandle>,
}

impl AppState {
    /// State serving `snapshot`, with no registry (see [`AppState::with_registry`]).
    pub fn new(
        snapshot: Snapshot,
        settings: Settings,
        metrics: Option<metrics_exporter_prometheus::PrometheusHandle>,
    ) -> AppState {
        AppState {
            current: Arc::new(ArcSwap::from_pointee(snapshot)),
            builder: Default::default(),
            registry: None,
            report_limit: Arc::new(crate::net::rate_limit::RateLimit::new(10, std::time::Duration::from_secs(600))),
            auth_failures: Arc::new(crate::net::sign_in::SignInFailures::default()),
            settings: Arc::new(settings),
            glyphs: Default::default(),
            metrics,
        }
    }

    /// The registry, or a 404 problem when this server keeps none.
    pub fn registry_link(&self) -> Result<Arc<crate::office_registry::link::RegistryLink>, crate::http::Problem> {
        self.registry.clone().ok_or_else(|| crate::http::Problem::not_found("this server keeps no office registry"))
    }

    /// The same state, keeping its offices in `registry`.
    pub fn with_registry(mut self, registry: Arc<crate::office_registry::link::RegistryLink>) -> AppState {
        self.registry = Some(registry);
        self
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
    load_snapshot_with_progress(dir, Some(pyramid_maxzoom), &tiles::pyramid::log_progress)
}

/// Communes up to which the whole pyramid (z0–z14) is rendered before serving by default:
/// a city or a province. Huế's 40 take 2 s; all 3,321 of Vietnam would take minutes.
const FULL_PYRAMID_COMMUNES: usize = 500;
/// The pre-rendered depth for larger datasets; deeper tiles render on demand, then cached.
const LARGE_DATASET_PYRAMID_MAXZOOM: u8 = 6;

/// The pyramid depth to render before serving when none is asked for.
pub fn default_pyramid_maxzoom(communes: usize) -> u8 {
    if communes <= FULL_PYRAMID_COMMUNES {
        14
    } else {
        LARGE_DATASET_PYRAMID_MAXZOOM
    }
}

/// [`load_snapshot`], reporting the pyramid's progress as `progress(rendered, total)`; with
/// no `pyramid_maxzoom`, the depth follows the dataset's size ([`default_pyramid_maxzoom`]).
pub fn load_snapshot_with_progress(
    dir: &Path,
    pyramid_maxzoom: Option<u8>,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<Snapshot, data_boundaries::LoadError> {
    let started = std::time::Instant::now();
    let data = Dataset::load(dir)?;
    tracing::info!(
        communes = data.communes.len(),
        offices = data.offices.len(),
        former_units = data.former_units.len(),
        warnings = data.report.count(Severity::Warning),
        version = %data.version,
        elapsed_ms = started.elapsed().as_millis() as u64,
        peak_rss_mib = peak_rss_mib(),
        "dataset loaded from {}",
        dir.display()
    );
    let pyramid_maxzoom = pyramid_maxzoom.unwrap_or_else(|| default_pyramid_maxzoom(data.communes.len()));
    let tiles = tiles::TileStore::build_with_progress(
        tiles::TileSource::new(&data),
        pyramid_maxzoom,
        DEEP_TILE_CACHE,
        progress,
    );
    tracing::info!(
        seconds = format!("{:.2}", tiles.stats.seconds),
        tiles = tiles.stats.tiles,
        stored_mib = format!("{:.1}", tiles.stats.stored_bytes as f64 / 1_048_576.0),
        peak_rss_mib = peak_rss_mib(),
        "tiles ready"
    );
    let search = data_boundaries::search::SearchIndex::new(&data);
    let addresses = Arc::new(data_boundaries::address::AddressIndex::new(&data));
    let version = Snapshot::version_of(&data, &tiles, 0, "");
    Ok(Snapshot {
        data,
        tiles,
        search,
        addresses,
        exports: Exports::default(),
        landmark_communes: Arc::default(),
        registry_version: 0,
        registry_epoch: String::new(),
        version,
    })
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
