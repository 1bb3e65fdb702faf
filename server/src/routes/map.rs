//! `GET /api/v1/map.svg`: a still picture of the map for a box and a size, drawn from the
//! vector tiles in the style's colours (`tiles::static_map`). The web map shows it first, so a
//! phone shows the communes without starting WebGL until the resident touches the map; other
//! apps can put a map in a page, a report or an e-mail.

use axum::extract::State;
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use tiles::static_map::{self, View, ViewError, MAX_SIZE};

use crate::http::bbox::{parse_bbox, Crs};
use crate::http::conditional::{unchanged, validated};
use crate::http::error_responses::BadRequest;
use crate::http::problem::{ApiResult, Problem};
use crate::http::query::QueryParams;
use crate::http::tiles::TILE_CACHE_CONTROL;
use crate::state::AppState;
use utoipa_axum::{router::OpenApiRouter, routes};

const SVG: &str = "image/svg+xml";

/// Pictures drawn at once, at most one per core: drawing one decodes up to some 40 tiles, and
/// may render deep ones. A permit is held by the drawing itself, so a request that times out
/// while its picture is being drawn still counts until the drawing ends.
fn view(params: &QueryParams) -> ApiResult<View> {
    params.reject_unknown(&["bbox", "width", "height"])?;
    let raw =
        params.single("bbox")?.ok_or_else(|| Problem::invalid_param("bbox", "is required: west,south,east,north"))?;
    let bbox = parse_bbox(raw, Crs::Crs84)?;
    let size = |name: &str| -> ApiResult<u32> {
        let raw = params.single(name)?.ok_or_else(|| Problem::invalid_param(name, "is required, in pixels"))?;
        raw.trim().parse::<u32>().ok().filter(|v| (1..=MAX_SIZE).contains(v)).ok_or_else(|| {
            Problem::invalid_param(name, format!("must be a whole number of pixels from 1 to {MAX_SIZE}, got {raw:?}"))
        })
    };
    let (width, height) = (size("width")?, size("height")?);
    View::new(bbox, width, height).map_err(|e| {
        let parameter = if matches!(e, ViewError::Size(..) | ViewError::TooManyPixels(_)) { "width" } else { "bbox" };
        Problem::invalid_param(parameter, e.to_string())
    })
}

/// The map of a box as SVG: unit fills, borders, office symbols and names, in the style's
/// colours. The box is fitted into the picture and centred. The data attribution is in the
/// picture's `<desc>`; show it beside the picture.
#[utoipa::path(get, path = "/api/v1/map.svg", tag = "tiles",
    params(
        ("bbox" = String, Query, description = "west,south,east,north in degrees (WGS 84), west of east", example = "107.45,16.36,107.71,16.56"),
        ("width" = u32, Query, minimum = 1, maximum = 4096, description = "Width in pixels (width × height at most 2048 × 2048)"),
        ("height" = u32, Query, minimum = 1, maximum = 4096, description = "Height in pixels"),
    ),
    responses(
        (status = 200, description = "The picture", content_type = "image/svg+xml", body = String),
        (status = 304, description = "Unchanged since the ETag given"),
        BadRequest,
    ))]
pub async fn map_svg(State(state): State<AppState>, params: QueryParams, headers: HeaderMap) -> ApiResult<Response> {
    let view = view(&params)?;
    let snapshot = arc_swap::Guard::into_inner(state.current());
    // The picture changes with the dataset, the offices, the view asked for, and our drawing.
    let digest = Sha256::digest(format!(
        "{}-r{}-{view:?}-{}",
        snapshot.data.version,
        snapshot.registry_version,
        env!("CARGO_PKG_VERSION")
    ));
    let etag = format!("\"map-{}\"", digest.iter().take(8).map(|b| format!("{b:02x}")).collect::<String>());
    if let Some(response) = unchanged(&headers, &etag, TILE_CACHE_CONTROL) {
        return Ok(response);
    }
    // Decoding tiles (and rendering deep ones) is CPU work: keep it off the async workers.
    let svg = crate::cpu::run(move || static_map::render(&snapshot.tiles, &view, tiles::metadata::ATTRIBUTION)).await?;
    Ok(validated(([(header::CONTENT_TYPE, SVG)], svg).into_response(), &etag, TILE_CACHE_CONTROL))
}

/// This module's routes, each registered with its OpenAPI operation.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(map_svg))
}
