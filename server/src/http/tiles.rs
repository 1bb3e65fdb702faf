//! What the tile routes share (ours and the basemap's): the `{z}/{x}/{y}.mvt` path, the
//! cache policy, and which content codings a client accepts.

use axum::http::{header, HeaderMap, StatusCode};
use tiles::{TileId, MAX_ZOOM};

use crate::http::problem::{ApiResult, Problem};

/// Short enough that a data correction reaches users quickly; ETags make revalidation cheap.
pub const TILE_CACHE_CONTROL: &str = "public, max-age=300";

/// For a tile asked for by the version being served (`?v=`, as the TileJSON's URLs carry
/// it): that URL's answer never changes, since any change of the data gives new URLs.
pub const VERSIONED_TILE_CACHE_CONTROL: &str = "public, max-age=31536000, immutable";

/// The cache policy for a tile request with this query string: immutable when its `v` names
/// `serving`, the version this answer comes from (`Snapshot::version`); else short, since a
/// `v` from before a change (or from a replica ahead of this one) is answered with other
/// content than it named.
pub fn tile_cache_control(query: Option<&str>, serving: &str) -> &'static str {
    let asked = query.unwrap_or("").split('&').find_map(|pair| pair.strip_prefix("v="));
    if asked == Some(serving) {
        VERSIONED_TILE_CACHE_CONTROL
    } else {
        TILE_CACHE_CONTROL
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_version_being_served_is_immutable() {
        let policy = |query| tile_cache_control(query, "abc123-e1-r7-d0");
        assert_eq!(policy(Some("v=abc123-e1-r7-d0")), VERSIONED_TILE_CACHE_CONTROL);
        assert_eq!(policy(Some("x=1&v=abc123-e1-r7-d0")), VERSIONED_TILE_CACHE_CONTROL);
        for stale in [
            None,
            Some(""),
            Some("v=abc123-e1-r6-d0"),
            Some("v=abc123-e1-r70-d0"),
            Some("v=abc123-e2-r7-d0"),
            Some("v=abc123"),
        ] {
            assert_eq!(policy(stale), TILE_CACHE_CONTROL, "{stale:?}");
        }
    }
}
