//! Export of the pyramid as one PMTiles v3 archive, to publish behind any CDN or object store
//! when one server is not enough.

use std::fs::File;
use std::io::BufWriter;
use std::path::Path;

use pmtiles::{Compression, PmTilesWriter, TileCoord, TileType};

use crate::metadata;
use crate::{TileId, TileStore};

/// Why an archive could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The output file could not be created.
    #[error("{path}: cannot create the file: {source}")]
    Create {
        /// The path asked for, as displayed.
        path: String,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// The PMTiles writer failed while adding tiles or finishing the archive (the file may be
    /// left incomplete).
    #[error("writing the PMTiles archive failed: {0}")]
    Write(String),
}

/// Writes every tile up to `max_zoom` (gzip-compressed, as PMTiles readers expect for MVT),
/// in tile-id order (a clustered archive), with TileJSON-style metadata. Returns the number of tiles written.
pub fn export_pmtiles(store: &TileStore, path: &Path, max_zoom: u8, version: &str) -> Result<usize, ExportError> {
    let file = File::create(path).map_err(|source| ExportError::Create { path: path.display().to_string(), source })?;
    let [x0, y0, x1, y1] = store.source().bounds;
    let [west, north] = crate::tile_math::to_lon_lat(x0, y0);
    let [east, south] = crate::tile_math::to_lon_lat(x1, y1);
    let meta = metadata::TileJson { maxzoom: max_zoom, ..metadata::tilejson(store, None, version) };
    let write_error = |e: pmtiles::PmtError| ExportError::Write(e.to_string());
    let mut writer = PmTilesWriter::new(TileType::Mvt)
        .precompressed(Compression::Gzip)
        .internal_compression(Compression::Gzip)
        .min_zoom(0)
        .max_zoom(max_zoom)
        .bounds(west, south, east, north)
        .center((west + east) / 2.0, (south + north) / 2.0)
        .center_zoom(10.min(max_zoom))
        .metadata(serde_json::to_string(&meta).map_err(|e| ExportError::Write(e.to_string()))?)
        .create(BufWriter::new(file))
        .map_err(write_error)?;
    // Tile-id (Hilbert) order makes the archive clustered, as PMTiles v3 recommends: a
    // reader's neighbouring tiles sit in neighbouring bytes, so a CDN serves ranges well.
    let mut coords = Vec::new();
    for z in 0..=max_zoom {
        let ids: Vec<TileId> = if z <= store.pyramid_max_zoom() {
            store.pyramid_tiles().into_iter().filter(|(id, _)| id.z == z).map(|(id, _)| id).collect()
        } else {
            crate::tile_math::tiles_covering(store.source().bounds, z).collect()
        };
        for id in ids {
            let coord = TileCoord::new(id.z, id.x, id.y).map_err(write_error)?;
            coords.push((pmtiles::TileId::from(coord).value(), id, coord));
        }
    }
    coords.sort_unstable_by_key(|(tile_id, _, _)| *tile_id);
    let mut written = 0;
    for (_, id, coord) in coords {
        if let crate::Lookup::Tile(tile) = store.get(id) {
            writer.add_tile(coord, &tile.gzip).map_err(write_error)?;
            written += 1;
        }
    }
    writer.finalize().map_err(write_error)?;
    Ok(written)
}
