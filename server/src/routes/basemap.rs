//! `GET /basemap/{z}/{x}/{y}.mvt` and `GET /basemap.json`: the street basemap
//! (`--basemap FILE.pmtiles`) and its TileJSON, for the style to draw under the communes.
//! Without a basemap both are 404 problems that say how to add one.

use std::io::Read;

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::basemap::archive::Basemap;
use tiles::metadata::TileJson;

use crate::http::error_responses::{BadRequest, NotAcceptable, NotFound};
use crate::http::media::MVT;
use crate::http::routing::add_with_extension;
use crate::http::tiles::{accepts, parse_tile, TILE_CACHE_CONTROL};
use crate::http::{ApiResult, BaseUrl, Problem};
use crate::state::AppState;

fn basemap(state: &AppState) -> ApiResult<&Basemap> {
    state.settings.basemap.as_deref().ok_or_else(|| {
        Problem::not_found("this server has no street basemap; start it with --basemap FILE.pmtiles (see the README)")
    })
}

/// One basemap tile, as the archive stores it; 204 where the archive has none.
#[utoipa::path(get, path = "/basemap/{z}/{x}/{y}.mvt", tag = "tiles",
    params(
        ("z" = u8, Path, minimum = 0, maximum = 16, description = "Zoom"),
        ("x" = u32, Path, description = "Column, 0 to 2^z - 1"),
        ("y" = u32, Path, description = "Row, 0 to 2^z - 1 (XYZ scheme)"),
    ),
    responses(
        (status = 200, description = "The tile (gzip when the archive stores it so and the client accepts it)", content_type = "application/vnd.mapbox-vector-tile", body = Vec<u8>),
        (status = 204, description = "The archive has no tile here"),
        BadRequest, NotFound, NotAcceptable,
    ))]
pub async fn tile(
    State(state): State<AppState>,
    Path((z, x, y)): Path<(String, String, String)>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let id = parse_tile(&z, &x, &y)?;
    let basemap = basemap(&state)?;
    let stored = basemap.tile(id.z, id.x, id.y).await.map_err(|error| {
        tracing::error!(%error, "basemap archive read failed");
        Problem::new(StatusCode::INTERNAL_SERVER_ERROR, "the basemap archive could not be read; it has been logged")
    })?;
    let Some(bytes) = stored else {
        return Ok(StatusCode::NO_CONTENT.into_response());
    };
    let (body, encoding) = match basemap.content_encoding {
        None => (bytes, None),
        Some(stored) if accepts(&headers, stored) => (bytes, Some(stored)),
        Some("gzip") => {
            let mut raw = Vec::new();
            flate2::read::GzDecoder::new(&bytes[..]).read_to_end(&mut raw).map_err(|error| {
                tracing::error!(%error, "basemap tile is not valid gzip");
                Problem::new(StatusCode::INTERNAL_SERVER_ERROR, "a basemap tile is damaged; it has been logged")
            })?;
            (raw.into(), None)
        }
        Some(other) => {
            return Err(Problem::new(
                StatusCode::NOT_ACCEPTABLE,
                format!("the basemap stores its tiles with {other}; send Accept-Encoding: {other}"),
            ));
        }
    };
    let mut response = body.into_response();
    let out = response.headers_mut();
    out.insert(header::CONTENT_TYPE, HeaderValue::from_static(MVT));
    if let Some(encoding) = encoding {
        out.insert(header::CONTENT_ENCODING, HeaderValue::from_static(encoding));
    }
    out.insert(header::CACHE_CONTROL, HeaderValue::from_static(TILE_CACHE_CONTROL));
    out.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    Ok(response)
}

/// TileJSON 3.0.0 for the basemap.
#[utoipa::path(get, path = "/basemap.json", tag = "tiles",
    responses(
        (status = 200, description = "TileJSON 3.0.0", body = TileJson),
        NotFound,
    ))]
pub async fn tilejson(State(state): State<AppState>, BaseUrl(base): BaseUrl) -> ApiResult<Json<TileJson>> {
    let basemap = basemap(&state)?;
    let [west, south, east, north] = basemap.bounds;
    let metadata = &basemap.metadata;
    let attribution = basemap.attribution();
    Ok(Json(TileJson {
        tilejson: "3.0.0",
        name: metadata.get("name").and_then(Value::as_str).unwrap_or("Street basemap").to_string(),
        description: None,
        version: None,
        attribution: attribution.to_string(),
        scheme: "xyz",
        tiles: vec![format!("{base}/basemap/{{z}}/{{x}}/{{y}}.mvt")],
        minzoom: basemap.min_zoom,
        maxzoom: basemap.max_zoom,
        bounds: [west, south, east, north],
        center: None,
        vector_layers: metadata.get("vector_layers").cloned().unwrap_or_else(|| json!([])),
        dataset_version: None,
    }))
}

/// This module's routes, each registered with its OpenAPI operation.
pub fn router() -> OpenApiRouter<AppState> {
    add_with_extension(OpenApiRouter::new(), routes!(tile)).routes(routes!(tilejson))
}
