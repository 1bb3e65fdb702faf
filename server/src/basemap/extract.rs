//! `hue-map basemap extract`: cuts an area out of a PMTiles v3 archive, such as the
//! Protomaps daily planet build, into a small clustered archive that `--basemap` serves.
//!
//! Only what the area needs is read: the header and root directory, the leaf directories
//! that index the area's tiles (each read once, then cached) and the tiles themselves, a
//! range each, several at a time. An archive on a web server is read by HTTP range requests
//! (`remote.rs`, with retries), a local one by memory map. The output is written beside its
//! name and renamed into place when complete, so an interrupted extract leaves no archive
//! that claims tiles it lacks: run it again.

use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use futures_util::{stream, StreamExt};
use pmtiles::{
    AsyncBackend, AsyncPmTilesReader, DirectoryCache, HashMapCache, MmapBackend, PmTilesWriter, PmtError, TileCoord,
    TileId,
};

use tiles::tile_math::{covering_range, tiles_covering, to_unit};

use super::remote::{Fetched, RemoteArchive};

/// Reads at once: enough to hide a CDN's latency, few enough not to be taken for abuse.
const CONCURRENT_READS: usize = 16;
/// More tile positions than this is not an extract of a city or a province (a country to z15
/// is about 10 million): refused before anything is read, rather than held in memory.
const MAX_POSITIONS: u64 = 20_000_000;

/// Where the archive to cut from is.
#[derive(Debug, Clone)]
pub enum Source {
    Url(reqwest::Url),
    Path(PathBuf),
}

impl Source {
    /// An `http(s)://` URL, or else a file path.
    pub fn parse(text: &str) -> Source {
        match reqwest::Url::parse(text) {
            Ok(url) if matches!(url.scheme(), "http" | "https") => Source::Url(url),
            _ => Source::Path(PathBuf::from(text)),
        }
    }
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Source::Url(url) => write!(f, "{url}"),
            Source::Path(path) => write!(f, "{}", path.display()),
        }
    }
}

/// What to cut.
#[derive(Debug, Clone)]
pub struct Extract {
    pub from: Source,
    /// West, south, east, north, in degrees.
    pub bbox: [f64; 4],
    /// The deepest zoom to copy (the source's own deepest, if it stops earlier).
    pub max_zoom: u8,
    pub out: PathBuf,
}

/// What an extract did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExtractReport {
    /// Tiles written (tiles the source lacks are not counted).
    pub tiles: usize,
    /// Tile positions asked of the source.
    pub asked: usize,
    /// What was read from a URL (`None` for a local file).
    pub fetched: Option<Fetched>,
}

#[derive(Debug, thiserror::Error)]
pub enum ExtractError {
    #[error("--bbox must be west,south,east,north with west < east and south < north, in degrees: {0}")]
    BadBbox(String),
    #[error("{from}: {why}")]
    Client { from: String, why: String },
    #[error("{from}: not a PMTiles v3 archive ({source})")]
    NotPmtiles { from: String, source: PmtError },
    #[error("{from}: {source}")]
    Read { from: String, source: PmtError },
    #[error("{bbox:?} up to zoom {max_zoom} is {positions} tile positions, more than {MAX_POSITIONS}: cut a smaller area or stop at a lower --maxzoom")]
    TooLarge { bbox: [f64; 4], max_zoom: u8, positions: u64 },
    #[error("{from} holds no tiles in {bbox:?} up to zoom {max_zoom}")]
    NothingThere { from: String, bbox: [f64; 4], max_zoom: u8 },
    #[error("{path}: {why}")]
    Write { path: String, why: String },
}

/// Parses `west,south,east,north`.
pub fn parse_bbox(text: &str) -> Result<[f64; 4], ExtractError> {
    let numbers: Vec<f64> = text
        .split(',')
        .map(|n| n.trim().parse::<f64>())
        .collect::<Result<_, _>>()
        .map_err(|_| ExtractError::BadBbox(text.into()))?;
    match numbers.as_slice() {
        &[west, south, east, north]
            if (-180.0..=180.0).contains(&west)
                && (-180.0..=180.0).contains(&east)
                && (-90.0..=90.0).contains(&south)
                && (-90.0..=90.0).contains(&north)
                && west < east
                && south < north =>
        {
            Ok([west, south, east, north])
        }
        _ => Err(ExtractError::BadBbox(text.into())),
    }
}

/// Cuts `extract.bbox` out of `extract.from` into `extract.out`; `progress` is told
/// `(tiles done, tiles to do)`.
pub async fn extract(extract: &Extract, progress: impl Fn(usize, usize)) -> Result<ExtractReport, ExtractError> {
    let from = extract.from.to_string();
    let opened = |source: PmtError| match source {
        PmtError::InvalidMagicNumber | PmtError::UnsupportedPmTilesVersion | PmtError::InvalidHeader => {
            ExtractError::NotPmtiles { from: from.clone(), source }
        }
        source => ExtractError::Read { from: from.clone(), source },
    };
    match &extract.from {
        Source::Url(url) => {
            let remote = Arc::new(
                RemoteArchive::new(url.clone())
                    .map_err(|e| ExtractError::Client { from: from.clone(), why: e.to_string() })?,
            );
            let reader = AsyncPmTilesReader::try_from_cached_source(Shared(remote.clone()), HashMapCache::default())
                .await
                .map_err(opened)?;
            let mut report = copy(&reader, extract, &from, progress).await?;
            report.fetched = Some(remote.fetched());
            Ok(report)
        }
        Source::Path(path) => {
            let backend = MmapBackend::try_from(path).await.map_err(opened)?;
            let reader =
                AsyncPmTilesReader::try_from_cached_source(backend, HashMapCache::default()).await.map_err(opened)?;
            copy(&reader, extract, &from, progress).await
        }
    }
}

/// The tiles of the area, read several at a time and written in tile-id order (a clustered
/// archive), with the source's tile type, compression and metadata.
async fn copy<B, C>(
    reader: &AsyncPmTilesReader<B, C>,
    extract: &Extract,
    from: &str,
    progress: impl Fn(usize, usize),
) -> Result<ExtractReport, ExtractError>
where
    B: AsyncBackend + Sync + Send,
    C: DirectoryCache + Sync + Send,
{
    let read_error = |source| ExtractError::Read { from: from.to_string(), source };
    let header = reader.get_header();
    let max_zoom = extract.max_zoom.min(header.max_zoom);
    let [west, south, east, north] = extract.bbox;
    let positions: u64 = (header.min_zoom..=max_zoom).map(|z| positions_in(extract.bbox, z)).sum();
    if positions > MAX_POSITIONS {
        return Err(ExtractError::TooLarge { bbox: extract.bbox, max_zoom, positions });
    }
    let mut ids: Vec<TileId> =
        (header.min_zoom..=max_zoom).flat_map(|z| tiles_in(extract.bbox, z)).map(TileId::from).collect();
    ids.sort_by_key(|id| id.value());
    let metadata = reader.get_metadata().await.map_err(read_error)?;

    let part = PartFile(part_path(&extract.out));
    let write_error = |why: String| ExtractError::Write { path: part.0.display().to_string(), why };
    let file = File::create(&part.0).map_err(|e| write_error(e.to_string()))?;
    let mut writer = PmTilesWriter::new(header.tile_type)
        .precompressed(header.tile_compression)
        .min_zoom(header.min_zoom)
        .max_zoom(max_zoom)
        .bounds(west, south, east, north)
        .center((west + east) / 2.0, (south + north) / 2.0)
        .center_zoom(max_zoom.min(12).max(header.min_zoom))
        .metadata(metadata)
        .create(BufWriter::new(file))
        .map_err(|e| write_error(e.to_string()))?;

    let asked = ids.len();
    let mut reads =
        stream::iter(ids).map(|id| async move { (id, reader.get_tile(id).await) }).buffered(CONCURRENT_READS);
    let (mut done, mut written) = (0, 0);
    let copied = async {
        while let Some((id, tile)) = reads.next().await {
            if let Some(bytes) = tile.map_err(read_error)? {
                writer.add_tile(TileCoord::from(id), &bytes).map_err(|e| write_error(e.to_string()))?;
                written += 1;
            }
            done += 1;
            progress(done, asked);
        }
        Ok::<(), ExtractError>(())
    }
    .await;
    copied?;
    if written == 0 {
        return Err(ExtractError::NothingThere { from: from.to_string(), bbox: extract.bbox, max_zoom });
    }
    writer.finalize().map_err(|e| write_error(e.to_string()))?;
    std::fs::rename(&part.0, &extract.out)
        .map_err(|e| ExtractError::Write { path: extract.out.display().to_string(), why: e.to_string() })?;
    Ok(ExtractReport { tiles: written, asked, fetched: None })
}

/// The bbox as the unit-square box the tile grid is cut from (`tiles::tile_math`).
fn unit_box([west, south, east, north]: [f64; 4]) -> [f64; 4] {
    let [x0, y0] = to_unit(west, north);
    let [x1, y1] = to_unit(east, south);
    [x0, y0, x1, y1]
}

/// Every tile of zoom `z` that the bbox touches.
pub fn tiles_in(bbox: [f64; 4], z: u8) -> impl Iterator<Item = TileCoord> {
    tiles_covering(unit_box(bbox), z).filter_map(|t| TileCoord::new(t.z, t.x, t.y).ok())
}

/// How many tiles of zoom `z` the bbox touches.
fn positions_in(bbox: [f64; 4], z: u8) -> u64 {
    let [x0, y0, x1, y1] = covering_range(unit_box(bbox), z);
    u64::from(x1 - x0 + 1) * u64::from(y1 - y0 + 1)
}

/// The archive being written: removed when dropped, whatever went wrong, unless it has been
/// renamed into place (then there is nothing left to remove).
struct PartFile(PathBuf);

impl Drop for PartFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// The file written until the extract is complete.
fn part_path(out: &Path) -> PathBuf {
    let mut name = out.file_name().unwrap_or_default().to_os_string();
    name.push(".part");
    out.with_file_name(name)
}

/// Lets the reader own a handle to the remote archive while the extract reads its counters.
struct Shared(Arc<RemoteArchive>);

impl AsyncBackend for Shared {
    async fn read(&self, offset: u64, length: usize) -> pmtiles::PmtResult<pmtiles::BackendResponse> {
        self.0.read(offset, length).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tiles_of_a_bbox_are_the_ones_it_touches() {
        // Huế's middle at zoom 0, 1 and 10.
        let bbox = [107.5, 16.4, 107.7, 16.5];
        assert_eq!(tiles_in(bbox, 0).count(), 1);
        let z1: Vec<(u32, u32)> = tiles_in(bbox, 1).map(|c| (c.x(), c.y())).collect();
        assert_eq!(z1, [(1, 0)], "east of Greenwich, north of the equator");
        let z10: Vec<(u32, u32)> = tiles_in(bbox, 10).map(|c| (c.x(), c.y())).collect();
        assert_eq!(z10, [(817, 464), (818, 464)], "(107.5 + 180) / 360 × 1024 = 817.8; 107.7 gives 818.4");
        // The whole world is every tile.
        assert_eq!(tiles_in([-180.0, -90.0, 180.0, 90.0], 3).count(), 64);
    }

    #[test]
    fn a_bbox_is_four_numbers_in_order() {
        assert_eq!(parse_bbox("107.3, 16.0,108.2,16.8").unwrap(), [107.3, 16.0, 108.2, 16.8]);
        for bad in ["107,16,108", "108.2,16,107.3,16.8", "a,b,c,d", "107,16,200,17", "107,17,108,16"] {
            assert!(parse_bbox(bad).is_err(), "{bad}");
        }
    }
}
