//! `GET /tiles/{z}/{x}/{y}.mvt` and `GET /tiles.json` (TileJSON 3.0.0).
//!
//! Tiles are served pre-compressed (brotli or gzip, by Accept-Encoding) with a strong ETag
//! made of a hash of the tile's content and the encoding, so a reload or an office edit
//! changes exactly the ETags of the tiles whose content changed, and revalidation answers 304
//! for all the others.

use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use sha2::Digest;
use tiles::metadata::TileJson;
use tiles::Lookup;

use crate::http::conditional::{unchanged, validated};

use crate::http::error_responses::BadRequest;
use crate::http::media::MVT;
use crate::http::routing::add_with_extension;
use crate::http::tiles::{accepts, parse_tile, tile_cache_control};
use crate::http::{ApiResult, BaseUrl};
use crate::state::AppState;
use utoipa_axum::{router::OpenApiRouter, routes};

#[derive(Clone, Copy, PartialEq, Debug)]
enum Encoding {
    Brotli,
    Gzip,
    Identity,
}

impl Encoding {
    fn tag(self) -> &'static str {
        match self {
            Encoding::Brotli => "br",
            Encoding::Gzip => "gzip",
            Encoding::Identity => "identity",
        }
    }
}

/// The best encoding the client accepts.
fn negotiate(headers: &HeaderMap) -> Encoding {
    let accepted = |name: &str| accepts(headers, name);
    if accepted("br") {
        Encoding::Brotli
    } else if accepted("gzip") {
        Encoding::Gzip
    } else {
        Encoding::Identity
    }
}

/// One Mapbox Vector Tile (MVT 2.1) of the five layers; 204 when the tile is empty.
#[utoipa::path(get, path = "/tiles/{z}/{x}/{y}.mvt", tag = "tiles",
    params(
        ("z" = u8, Path, minimum = 0, maximum = 16, description = "Zoom"),
        ("x" = u32, Path, description = "Column, 0 to 2^z - 1"),
        ("y" = u32, Path, description = "Row, 0 to 2^z - 1 (XYZ scheme)"),
        ("v" = Option<String>, Query, description = "The data version the TileJSON's URLs carry: when it is the version being served, the answer is cached as immutable"),
    ),
    responses(
        (status = 200, description = "The tile (brotli or gzip by Accept-Encoding)", content_type = "application/vnd.mapbox-vector-tile", body = Vec<u8>),
        (status = 204, description = "Nothing in this tile"),
        (status = 304, description = "Unchanged since the ETag given"),
        BadRequest,
    ))]
pub async fn tile(
    State(state): State<AppState>,
    Path((z, x, y)): Path<(String, String, String)>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let id = parse_tile(&z, &x, &y)?;
    let snapshot = state.current();
    let cache_control = tile_cache_control(query.as_deref(), snapshot.version());
    let ready = snapshot.tiles.get_ready(id);
    crate::metrics::record_tile(ready.is_some());
    let lookup = match ready {
        Some(lookup) => lookup,
        None => {
            // Rendering a deep tile on demand is CPU work: keep it off the async workers.
            let snapshot_for_render = arc_swap::Guard::into_inner(snapshot);
            tokio::task::spawn_blocking(move || snapshot_for_render.tiles.get(id)).await?
        }
    };
    Ok(answer(lookup, &headers, cache_control))
}

/// A tile (or its absence) as the answer to a request with these headers: the encoding the
/// client accepts best, a 304 when its ETag matches, and `cache_control`. Shared with
/// [`crate::http::fast_path`], which answers tiles already in memory before any layer.
pub fn answer(lookup: Lookup, headers: &HeaderMap, cache_control: &'static str) -> Response {
    let encoding = negotiate(headers);
    // The ETag follows the tile's content, so an office edit changes only its own tiles'.
    let etag = match &lookup {
        Lookup::Tile(tile) => format!("\"{}-{}\"", tile.content_hash, encoding.tag()),
        Lookup::Empty => "\"empty\"".to_string(),
    };
    let mut response = unchanged(headers, &etag, cache_control).unwrap_or_else(|| {
        let response = match lookup {
            Lookup::Empty => StatusCode::NO_CONTENT.into_response(),
            Lookup::Tile(tile) => {
                let body = match encoding {
                    Encoding::Brotli => tile.brotli(),
                    Encoding::Gzip => tile.gzip.clone(),
                    Encoding::Identity => tile.raw.clone(),
                };
                let mut response = body.into_response();
                let headers = response.headers_mut();
                headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(MVT));
                if encoding != Encoding::Identity {
                    headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static(encoding.tag()));
                }
                response
            }
        };
        validated(response, &etag, cache_control)
    });
    let headers = response.headers_mut();
    headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    response
}

/// TileJSON 3.0.0 for the vector tiles, with the layer schema. Its tile URLs carry the data
/// version (`?v=`), so any change of the dataset or the registry gives new URLs and a client
/// never draws a tile cached from before it; the document itself is revalidated every time.
#[utoipa::path(get, path = "/tiles.json", tag = "tiles", responses(
    (status = 200, description = "TileJSON 3.0.0", body = TileJson, headers(("ETag" = String, description = "The data version"))),
    (status = 304, description = "Unchanged since the ETag given"),
))]
pub async fn tilejson(State(state): State<AppState>, BaseUrl(base): BaseUrl, headers: HeaderMap) -> Response {
    let snapshot = state.current();
    let version = snapshot.version();
    // The document holds the base URL (from --public-url, or the request's Host): two hosts'
    // documents differ, and so do their tags.
    let host: String = sha2::Sha256::digest(base.as_bytes()).iter().take(4).map(|b| format!("{b:02x}")).collect();
    let tag = format!("\"{version}-{host}\"");
    unchanged(&headers, &tag, "no-cache").unwrap_or_else(|| {
        let document = tiles::metadata::tilejson(
            &snapshot.tiles,
            Some(&format!("{base}/tiles/{{z}}/{{x}}/{{y}}.mvt?v={version}")),
            &snapshot.data.version,
        );
        validated(Json(document).into_response(), &tag, "no-cache")
    })
}

/// This module's routes, each registered with its OpenAPI operation.
pub fn router() -> OpenApiRouter<AppState> {
    add_with_extension(OpenApiRouter::new(), routes!(tile)).routes(routes!(tilejson))
}
