//! What the tile routes share (ours and the basemap's): the `{z}/{x}/{y}.mvt` path, the
//! cache policy, and which content codings a client accepts.

use axum::http::{header, HeaderMap, StatusCode};
use tiles::{TileId, MAX_ZOOM};

use crate::http::problem::{ApiResult, Problem};

/// Short enough that a data correction reaches users quickly; ETags make revalidation cheap.
pub const TILE_CACHE_CONTROL: &str = "public, max-age=300";

/// Whether `Accept-Encoding` accepts the content coding `name` (q=0 means refused).
pub fn accepts(headers: &HeaderMap, name: &str) -> bool {
    headers.get_all(header::ACCEPT_ENCODING).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(',')).any(
        |item| {
            let mut parts = item.split(';');
            let token = parts.next().unwrap_or("").trim();
            let refused = parts.any(
                |p| matches!(p.trim().strip_prefix("q="), Some(q) if q.trim().parse::<f32>().is_ok_and(|q| q == 0.0)),
            );
            token.eq_ignore_ascii_case(name) && !refused
        },
    )
}

/// The tile a `{z}/{x}/{y}.mvt` (or `.pbf`) path names, or a problem naming the bad part.
pub fn parse_tile(z: &str, x: &str, y_file: &str) -> ApiResult<TileId> {
    let y = y_file.strip_suffix(".mvt").or_else(|| y_file.strip_suffix(".pbf")).ok_or_else(|| {
        Problem::invalid_param("y", format!("tiles are served as {{z}}/{{x}}/{{y}}.mvt, got {y_file:?}"))
    })?;
    let z: u8 = z.parse().ok().filter(|z| *z <= MAX_ZOOM).ok_or_else(|| {
        Problem::invalid_param("z", format!("must be a whole number from 0 to {MAX_ZOOM}, got {z:?}"))
    })?;
    let size = 1u64 << z;
    let coordinate = |name: &str, raw: &str| -> ApiResult<u32> {
        raw.parse::<u32>().ok().filter(|v| (*v as u64) < size).ok_or_else(|| {
            Problem::invalid_param(
                name,
                format!("must be a whole number from 0 to {} at zoom {z}, got {raw:?}", size - 1),
            )
        })
    };
    let (x, y) = (coordinate("x", x)?, coordinate("y", y)?);
    TileId::new(z, x, y).ok_or_else(|| Problem::new(StatusCode::BAD_REQUEST, "tile outside the grid"))
}
