//! `GET /api/v1/offline-pack`: what the web map needs to answer residents with no network
//! (Huế floods every year): the communes simplified to a few metres, the offices, the former
//! units, and the URL of every tile and glyph range the map draws them with. The service
//! worker saves it and those URLs; offline, the page answers "which commune, which office"
//! from it. Its ETag changes with the dataset and the registry, and the worker refreshes then.

use std::collections::BTreeSet;

use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use geo::{MultiPolygon, Simplify};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::http::conditional::none_match;
use crate::state::{AppState, Snapshot};
use crate::views::{CommuneRef, FormerUnitView, OfficeView};
use tiles::glyphs::{GlyphRange, FONT_STACK};

/// How far a simplified border may stray, in degrees: 4e-5° is about 4.4 m north–south and
/// 4.3 m east–west at Huế's latitude, within the pack's promise of 5 m.
const SIMPLIFY_DEGREES: f64 = 4e-5;
/// Coordinates are written to 5 decimals (about 1.1 m).
const COORDINATE_SCALE: f64 = 1e5;
/// Offline, the map has the tiles down to this zoom (streets-level for a commune).
const OFFLINE_MAX_ZOOM: u8 = 14;

/// A commune as the offline map needs it.
#[derive(Serialize, ToSchema)]
pub struct PackCommune<'a> {
    #[serde(flatten)]
    pub commune: CommuneRef<'a>,
    /// The outline as GeoJSON MultiPolygon coordinates, simplified to about 5 m.
    #[schema(value_type = Vec<Vec<Vec<Vec<f64>>>>)]
    pub coordinates: Vec<Vec<Vec<[f64; 2]>>>,
}

/// Everything the web map answers offline with.
#[derive(Serialize, ToSchema)]
pub struct OfflinePack<'a> {
    /// The dataset and registry versions together; also the ETag.
    pub version: String,
    /// How far the simplified borders may be from the real ones, in metres.
    pub border_tolerance_m: f64,
    pub communes: Vec<PackCommune<'a>>,
    pub offices: Vec<OfficeView<'a>>,
    pub former_units: Vec<FormerUnitView<'a>>,
    /// The tiles (to z14, those with data) and glyph ranges to save for the map offline.
    pub urls: Vec<String>,
}

fn rounded(value: f64) -> f64 {
    (value * COORDINATE_SCALE).round() / COORDINATE_SCALE
}

fn coordinates(geometry: &MultiPolygon<f64>) -> Vec<Vec<Vec<[f64; 2]>>> {
    geometry
        .simplify(SIMPLIFY_DEGREES)
        .iter()
        .map(|polygon| {
            std::iter::once(polygon.exterior())
                .chain(polygon.interiors())
                .map(|ring| ring.coords().map(|c| [rounded(c.x), rounded(c.y)]).collect())
                .collect()
        })
        .collect()
}

/// The glyph ranges the map's labels need: every character of the names it shows.
fn glyph_urls(snapshot: &Snapshot) -> Vec<String> {
    let data = &snapshot.data;
    let names = data
        .communes
        .iter()
        .flat_map(|c| [c.name.as_str(), c.full_name.as_str()])
        .chain(data.offices.iter().map(|o| o.name.as_str()))
        .chain(data.former_units.iter().map(|u| u.old_name.as_str()))
        .chain(std::iter::once("0123456789 ()≈-–,."));
    let ranges: BTreeSet<u32> =
        names.flat_map(str::chars).filter_map(|c| GlyphRange::containing(c as u32)).map(GlyphRange::start).collect();
    let font = FONT_STACK.replace(' ', "%20");
    ranges
        .into_iter()
        .filter_map(|start| GlyphRange::new(start, start + 255).ok())
        .map(|range| format!("/fonts/{font}/{range}.pbf"))
        .collect()
}

fn pack(snapshot: &Snapshot) -> OfflinePack<'_> {
    let data = &snapshot.data;
    let tiles = snapshot
        .tiles
        .pyramid_tiles()
        .into_iter()
        .filter(|(id, _)| id.z <= OFFLINE_MAX_ZOOM)
        .map(|(id, _)| format!("/tiles/{}/{}/{}.mvt", id.z, id.x, id.y));
    OfflinePack {
        version: version(snapshot),
        border_tolerance_m: 5.0,
        communes: data
            .communes
            .iter()
            .map(|c| PackCommune { commune: CommuneRef::from(c), coordinates: coordinates(&c.geometry) })
            .collect(),
        offices: data.offices.iter().map(|o| OfficeView::new(o, None)).collect(),
        former_units: data.former_units.iter().map(FormerUnitView::from).collect(),
        urls: tiles.chain(glyph_urls(snapshot)).collect(),
    }
}

fn version(snapshot: &Snapshot) -> String {
    format!("{}-r{}", snapshot.data.version, snapshot.registry_version)
}

/// The offline pack of the data being served.
#[utoipa::path(get, path = "/api/v1/offline-pack", tag = "residents",
    responses(
        (status = 200, description = "The pack, with an ETag that changes with the dataset and the registry", body = OfflinePack),
        (status = 304, description = "Unchanged since the ETag sent in If-None-Match"),
    ))]
pub async fn offline_pack(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let snapshot = state.current();
    let etag = format!("\"{}\"", version(&snapshot));
    let mut response = if none_match(&headers, &etag) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let body = snapshot.exports.offline_pack.get_or_init(|| match serde_json::to_vec(&pack(&snapshot)) {
            Ok(bytes) => axum::body::Bytes::from(bytes),
            // Serialising plain strings and numbers cannot fail; an empty object says so if it did.
            Err(_) => axum::body::Bytes::from_static(b"{}"),
        });
        ([(header::CONTENT_TYPE, "application/json")], body.clone()).into_response()
    };
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&etag) {
        headers.insert(header::ETAG, value);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

/// This module's routes, each registered with its OpenAPI operation.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(offline_pack))
}
