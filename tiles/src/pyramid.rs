//! The tile store: a pyramid rendered once at load, in parallel on every core, and a bounded
//! cache for the deeper zooms rendered on demand. Tiles are kept pre-compressed (gzip and
//! brotli) so serving one costs no more than copying bytes.

use std::collections::{HashMap, VecDeque};
use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Instant;

use bytes::Bytes;
use rayon::prelude::*;
use sha2::Digest;

use crate::source::{source_tiles_at, TileSource, MAX_ZOOM};
use crate::tile_math::{tiles_covering, TileId};
use data_boundaries::Office;

/// One tile in every encoding we serve. `Bytes` so a response shares the buffer, no copy.
#[derive(Debug)]
pub struct EncodedTile {
    /// The MVT bytes, uncompressed.
    pub raw: Bytes,
    /// `raw` gzip-compressed (default level): `Content-Encoding: gzip`, and what PMTiles holds.
    pub gzip: Bytes,
    /// `raw` brotli-compressed (window 22): `Content-Encoding: br`; see [`EncodedTile::brotli`].
    brotli: OnceLock<Bytes>,
    /// 16 hex digits of SHA-256 over `raw`: a strong validator that changes exactly when the
    /// tile's content does, so a registry edit changes the ETags of the tiles it touched and
    /// no others.
    pub content_hash: String,
}

impl EncodedTile {
    /// Compresses `raw` both ways, once (brotli at quality 9). Compression into memory cannot
    /// fail in practice; if it ever did, that encoding would be empty rather than the tile lost.
    pub fn new(raw: Vec<u8>) -> EncodedTile {
        let tile = EncodedTile::quick(raw);
        let _ = tile.brotli.set(brotli(&tile.raw, 9));
        tile
    }

    /// Like [`EncodedTile::new`], but brotli is left until a client asks for it (then at
    /// quality 5): for tiles rendered again while the service answers an office edit, where
    /// most clients take gzip and the rebuild's time is taken from the reads.
    pub fn quick(raw: Vec<u8>) -> EncodedTile {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        let _ = gz.write_all(&raw);
        let gzip = gz.finish().unwrap_or_default();
        let digest = sha2::Sha256::digest(&raw);
        let content_hash = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
        EncodedTile { raw: raw.into(), gzip: gzip.into(), brotli: OnceLock::new(), content_hash }
    }

    /// `raw` brotli-compressed: `Content-Encoding: br`.
    pub fn brotli(&self) -> Bytes {
        self.brotli.get_or_init(|| brotli(&self.raw, 5)).clone()
    }

    /// Bytes held for the encodings made so far (what the tile costs in memory).
    pub fn bytes(&self) -> usize {
        self.raw.len() + self.gzip.len() + self.brotli.get().map_or(0, Bytes::len)
    }
}

/// `raw` brotli-compressed at `quality`, window 22.
fn brotli(raw: &[u8], quality: u32) -> Bytes {
    let mut out = Vec::new();
    {
        let mut writer = brotli::CompressorWriter::new(&mut out, 4096, quality, 22);
        let _ = writer.write_all(raw);
    }
    out.into()
}

/// Figures from building the pyramid, for the log and BENCHMARKS.md.
#[derive(Debug, Clone, Default)]
pub struct PyramidStats {
    /// Tiles with data in the pyramid (empty tiles are not stored).
    pub tiles: usize,
    /// Their uncompressed MVT bytes, summed.
    pub raw_bytes: usize,
    /// Bytes held for all three encodings, summed ([`EncodedTile::bytes`]).
    pub stored_bytes: usize,
    /// Wall-clock time to render and compress the pyramid.
    pub seconds: f64,
    /// (zoom, tiles with data, average raw bytes)
    pub per_zoom: Vec<(u8, usize, usize)>,
}

/// A tile that has data, or the answer that this valid tile is empty.
pub enum Lookup {
    /// The tile, shared (cloning the `Arc` copies no bytes).
    Tile(Arc<EncodedTile>),
    /// No layer has a feature in this tile (an HTTP server answers 204).
    Empty,
}

/// Every tile of one dataset version: the pyramid rendered up front, deeper zooms rendered on
/// demand into a bounded cache. Shared between threads as it is (`&self` everywhere).
pub struct TileStore {
    source: TileSource,
    pyramid: HashMap<TileId, Arc<EncodedTile>>,
    pyramid_max_zoom: u8,
    deep: Mutex<DeepCache>,
    /// Figures from building the pyramid.
    pub stats: PyramidStats,
}

/// Progress as plain log lines, one every 1,000 tiles: for logs and for output that is not a
/// terminal.
pub fn log_progress(rendered: usize, total: usize) {
    if rendered.is_multiple_of(1000) || rendered == total {
        tracing::info!("pyramid: {rendered}/{total} tiles rendered");
    }
}

/// FIFO-bounded cache of on-demand tiles.
struct DeepCache {
    tiles: HashMap<TileId, Option<Arc<EncodedTile>>>,
    order: VecDeque<TileId>,
    capacity: usize,
}

impl TileStore {
    /// Renders every tile from z0 to `pyramid_max_zoom` (capped at [`MAX_ZOOM`]) that holds
    /// data, on every core; deeper tiles are rendered on demand, and the last
    /// `deep_cache_tiles` of them kept (0 keeps none: each is rendered every time).
    pub fn build(source: TileSource, pyramid_max_zoom: u8, deep_cache_tiles: usize) -> TileStore {
        TileStore::build_with_progress(source, pyramid_max_zoom, deep_cache_tiles, &log_progress)
    }

    /// [`TileStore::build`], calling `progress(rendered, total)` after each tile (from any
    /// thread), for a progress bar; [`log_progress`] logs a line every 1,000 tiles.
    pub fn build_with_progress(
        source: TileSource,
        pyramid_max_zoom: u8,
        deep_cache_tiles: usize,
        progress: &(dyn Fn(usize, usize) + Sync),
    ) -> TileStore {
        let started = Instant::now();
        let pyramid_max_zoom = pyramid_max_zoom.min(MAX_ZOOM);
        let ids: Vec<TileId> = (0..=pyramid_max_zoom).flat_map(|z| tiles_covering(source.bounds, z)).collect();
        tracing::info!(
            candidates = ids.len(),
            max_zoom = pyramid_max_zoom,
            threads = rayon::current_num_threads(),
            "rendering the tile pyramid"
        );
        let done = std::sync::atomic::AtomicUsize::new(0);
        let total = ids.len();
        let tiles: Vec<(TileId, Arc<EncodedTile>)> = ids
            .par_iter()
            .filter_map(|&id| {
                let rendered = source.render(id).map(|raw| (id, Arc::new(EncodedTile::new(raw))));
                let finished = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                progress(finished, total);
                rendered
            })
            .collect();
        let mut stats =
            PyramidStats { tiles: tiles.len(), seconds: started.elapsed().as_secs_f64(), ..Default::default() };
        for z in 0..=pyramid_max_zoom {
            let at_zoom: Vec<&Arc<EncodedTile>> = tiles.iter().filter(|(id, _)| id.z == z).map(|(_, t)| t).collect();
            let raw: usize = at_zoom.iter().map(|t| t.raw.len()).sum();
            stats.per_zoom.push((z, at_zoom.len(), if at_zoom.is_empty() { 0 } else { raw / at_zoom.len() }));
        }
        stats.raw_bytes = tiles.iter().map(|(_, t)| t.raw.len()).sum();
        stats.stored_bytes = tiles.iter().map(|(_, t)| t.bytes()).sum();
        tracing::info!(
            tiles = stats.tiles,
            seconds = format!("{:.2}", stats.seconds),
            stored_mib = format!("{:.1}", stats.stored_bytes as f64 / 1048576.0),
            "tile pyramid z0-z{pyramid_max_zoom} ready"
        );
        TileStore {
            source,
            pyramid: tiles.into_iter().collect(),
            pyramid_max_zoom,
            deep: Mutex::new(DeepCache { tiles: HashMap::new(), order: VecDeque::new(), capacity: deep_cache_tiles }),
            stats,
        }
    }

    /// The same tiles with the `offices` layer drawn from `offices` (the registry's current
    /// offices): only the pyramid tiles that can show an office that was added, removed or
    /// changed are rendered again; every other tile is shared with `self`, bytes and ETag.
    /// The on-demand cache starts empty.
    pub fn with_offices(&self, offices: &[Office]) -> TileStore {
        let started = Instant::now();
        let source = self.source.with_offices(offices);
        let touched = self.source.offices_changed(&source);
        let mut pyramid = self.pyramid.clone();
        let mut ids: Vec<TileId> = (0..=self.pyramid_max_zoom)
            .flat_map(|z| touched.iter().flat_map(move |p| source_tiles_at(*p, z)))
            .collect();
        ids.sort();
        ids.dedup();
        let rendered: Vec<(TileId, Option<Arc<EncodedTile>>)> =
            ids.par_iter().map(|&id| (id, source.render(id).map(|raw| Arc::new(EncodedTile::quick(raw))))).collect();
        for (id, tile) in rendered {
            match tile {
                Some(tile) => pyramid.insert(id, tile),
                None => pyramid.remove(&id),
            };
        }
        tracing::info!(
            offices_changed = touched.len(),
            tiles_rendered = ids.len(),
            ms = started.elapsed().as_millis() as u64,
            "offices layer updated"
        );
        let capacity = self.deep.lock().map(|cache| cache.capacity).unwrap_or(0);
        TileStore {
            source,
            pyramid,
            pyramid_max_zoom: self.pyramid_max_zoom,
            deep: Mutex::new(DeepCache { tiles: HashMap::new(), order: VecDeque::new(), capacity }),
            stats: self.stats.clone(),
        }
    }

    /// The renderer the store draws from (its bounds, arc count).
    pub fn source(&self) -> &TileSource {
        &self.source
    }

    /// The deepest pre-rendered zoom (after capping at [`MAX_ZOOM`]).
    pub fn pyramid_max_zoom(&self) -> u8 {
        self.pyramid_max_zoom
    }

    /// Every pre-rendered tile, in z/x/y order.
    pub fn pyramid_tiles(&self) -> Vec<(TileId, Arc<EncodedTile>)> {
        let mut tiles: Vec<_> = self.pyramid.iter().map(|(id, t)| (*id, t.clone())).collect();
        tiles.sort_by_key(|(id, _)| *id);
        tiles
    }

    /// The tile at `id` if it needs no rendering (pre-rendered or already cached); `None`
    /// when it would have to be rendered now. Lets a server answer without a thread hop.
    pub fn get_ready(&self, id: TileId) -> Option<Lookup> {
        if id.z <= self.pyramid_max_zoom {
            return Some(self.pyramid.get(&id).map_or(Lookup::Empty, |t| Lookup::Tile(t.clone())));
        }
        let cache = self.deep.lock().ok()?;
        let found = cache.tiles.get(&id).cloned()?;
        Some(found.map_or(Lookup::Empty, Lookup::Tile))
    }

    /// The tile at `id`, rendering it if it is deeper than the pyramid and not cached.
    ///
    /// `id` should be at most [`MAX_ZOOM`]: deeper ids are rendered too, from the
    /// [`MAX_ZOOM`] geometry, but a server should refuse them. An id of the pyramid's zooms
    /// that holds no data is [`Lookup::Empty`] without rendering. Two threads asking for the
    /// same uncached tile may both render it; both get the same bytes.
    ///
    /// ```
    /// use tiles::{Lookup, TileId, TileSource, TileStore};
    /// let hue = testkit::reference_data_dir(); // ../shared/data/hue, beside the repository
    /// let data = data_boundaries::Dataset::load(&hue).unwrap();
    /// // A small pyramid (z0–z6) and room for 16 deeper tiles.
    /// let store = TileStore::build(TileSource::new(&data), 6, 16);
    ///
    /// // Ngọ Môn's z10 tile is below the pyramid: rendered now, then cached.
    /// let ngo_mon = TileId::new(10, 818, 464).unwrap();
    /// assert!(store.get_ready(ngo_mon).is_none());
    /// let Lookup::Tile(tile) = store.get(ngo_mon) else { panic!("Huế is in this tile") };
    /// assert!(!tile.raw.is_empty() && !tile.gzip.is_empty());
    /// assert!(matches!(store.get_ready(ngo_mon), Some(Lookup::Tile(_))));
    ///
    /// // The open sea off Africa holds no data: a valid tile, but empty.
    /// assert!(matches!(store.get(TileId::new(6, 32, 32).unwrap()), Lookup::Empty));
    /// ```
    pub fn get(&self, id: TileId) -> Lookup {
        if let Some(ready) = self.get_ready(id) {
            return ready;
        }
        // Render outside the lock: two racing requests may both render, which is harmless.
        let rendered = self.source.render(id).map(|raw| Arc::new(EncodedTile::new(raw)));
        if let Ok(mut cache) = self.deep.lock() {
            if cache.capacity > 0 && !cache.tiles.contains_key(&id) {
                while cache.tiles.len() >= cache.capacity {
                    match cache.order.pop_front() {
                        Some(old) => {
                            cache.tiles.remove(&old);
                        }
                        None => break,
                    }
                }
                cache.tiles.insert(id, rendered.clone());
                cache.order.push_back(id);
            }
        }
        rendered.map_or(Lookup::Empty, Lookup::Tile)
    }
}
