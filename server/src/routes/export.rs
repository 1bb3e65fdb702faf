//! `GET /api/v1/export/communes.geojson` and `GET /api/v1/export/offices.geojson`: the
//! layers as RFC 7946 FeatureCollections (counter-clockwise exteriors, lon/lat), for GIS tools.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use crate::routes::communes::GEOJSON;
use crate::state::AppState;
use crate::views::{commune_feature, OfficeView};

pub async fn communes_geojson(State(state): State<AppState>) -> Response {
    let snapshot = state.current();
    let data = &snapshot.data;
    let features: Vec<_> = (0..data.communes.len()).map(|i| commune_feature(data, i)).collect();
    let body = json!({"type": "FeatureCollection", "dataset_version": data.version, "features": features});
    (
        [(header::CONTENT_TYPE, GEOJSON), (header::CONTENT_DISPOSITION, "attachment; filename=\"hue-communes.geojson\"")],
        Json(body),
    )
        .into_response()
}

/// Offices as points; every feature keeps `position_precision`, so GIS users see which
/// positions are only approximate.
pub async fn offices_geojson(State(state): State<AppState>) -> Response {
    let snapshot = state.current();
    let data = &snapshot.data;
    let features: Vec<_> = data
        .offices
        .iter()
        .map(|o| {
            json!({
                "type": "Feature",
                "id": o.id,
                "geometry": {"type": "Point", "coordinates": [o.lon, o.lat]},
                "properties": OfficeView::new(o, None),
            })
        })
        .collect();
    let body = json!({"type": "FeatureCollection", "dataset_version": data.version, "features": features});
    (
        [(header::CONTENT_TYPE, GEOJSON), (header::CONTENT_DISPOSITION, "attachment; filename=\"hue-offices.geojson\"")],
        Json(body),
    )
        .into_response()
}
