//! Vector tiles for the Huế map: Web Mercator tile maths, an MVT 2.1 encoder, clipping,
//! topology-preserving simplification over shared arcs, the five layers, an in-memory
//! pyramid, TileJSON metadata and PMTiles export. Depends on the domain model only; no HTTP.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod clean;
pub mod clip;
pub mod fill;
#[cfg(feature = "fuzzing")]
pub mod fuzzing;
pub mod glyphs;
pub mod metadata;
pub mod mvt;
pub mod named_points;
pub mod pmtiles_export;
pub mod pyramid;
pub mod simplify;
pub mod source;
pub mod static_map;
pub mod style;
pub mod tile_math;
pub mod topology;
mod vertices;
pub mod xml;

pub use pyramid::{EncodedTile, Lookup, PyramidStats, TileStore};
pub use source::{TileSource, LAYERS, MAX_ZOOM};
pub use tile_math::TileId;
