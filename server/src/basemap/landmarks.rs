//! The street basemap's landmarks: the named points of its `pois` and `places` layers in the
//! dataset's area, read once at start-up, so that search finds "Đại Nội" (or "dai noi", or
//! "Imperial City") and answers with the commune it lies in and that commune's seat.

use data_boundaries::search::SearchIndex;
use tiles::named_points::{named_points, NamedPoint};
use tiles::tile_math::{tiles_covering, to_unit, TileId};

use super::archive::{decompress, Basemap};

/// The layers whose named points are landmarks (Protomaps basemap schema).
const LAYERS: [&str; 2] = ["pois", "places"];
/// The zoom read: deep enough that a city's named places are in it (Protomaps shows most
/// points of interest from z14), shallow enough to read a city in a second or two.
const ZOOM: u8 = 14;
/// More tiles than this (a country's area) would hold up start-up for minutes: skipped, and
/// said in the log.
const MAX_TILES: usize = 20_000;

/// The landmarks found, and their search index (`Target::Named(i)` is `points[i]`).
pub struct Landmarks {
    pub points: Vec<NamedPoint>,
    pub index: SearchIndex,
}

/// No basemap, no landmarks.
impl Default for Landmarks {
    fn default() -> Landmarks {
        Landmarks::from_points(Vec::new())
    }
}

impl Landmarks {
    fn from_points(points: Vec<NamedPoint>) -> Landmarks {
        let index = SearchIndex::of_names(
            points.iter().map(|p| std::iter::once(p.name.as_str()).chain(p.name_en.as_deref()).collect()),
        );
        Landmarks { points, index }
    }

    /// Reads the named points of `basemap` within `area` (west, south, east, north).
    pub async fn read(basemap: &Basemap, area: [f64; 4]) -> Landmarks {
        let zoom = ZOOM.clamp(basemap.min_zoom, basemap.max_zoom);
        let [west, south, east, north] = area;
        let [x0, y0] = to_unit(west, north);
        let [x1, y1] = to_unit(east, south);
        let tiles: Vec<TileId> = tiles_covering([x0, y0, x1, y1], zoom).collect();
        if tiles.len() > MAX_TILES {
            tracing::warn!(tiles = tiles.len(), "the basemap's landmarks are not indexed: the area is too large");
            return Landmarks::default();
        }
        let mut stored = Vec::new();
        for tile in tiles {
            match basemap.tile(tile.z, tile.x, tile.y).await {
                Ok(Some(bytes)) => stored.push((tile, bytes)),
                Ok(None) => {}
                Err(error) => {
                    tracing::warn!(%error, z = tile.z, x = tile.x, y = tile.y, "a basemap tile could not be read")
                }
            }
        }
        let encoding = basemap.content_encoding;
        let decoded = tokio::task::spawn_blocking(move || {
            let mut points = Vec::new();
            for (tile, bytes) in stored {
                let raw = match decompress(&bytes, encoding) {
                    Ok(raw) => raw,
                    Err(why) => {
                        tracing::warn!(%why, z = tile.z, x = tile.x, y = tile.y, "a basemap tile could not be decompressed");
                        continue;
                    }
                };
                match named_points(&raw, tile, &LAYERS) {
                    Ok(found) => points.extend(found),
                    Err(error) => tracing::warn!(%error, "a basemap tile could not be read"),
                }
            }
            points
        })
        .await;
        let points = decoded.unwrap_or_default();
        tracing::info!(landmarks = points.len(), zoom, "basemap landmarks indexed for search");
        Landmarks::from_points(points)
    }
}
