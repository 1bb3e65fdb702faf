//! `GET /api/v1/export/communes.geojson`: every commune as one RFC 7946 FeatureCollection
//! (counter-clockwise exteriors, lon/lat), for download into GIS tools.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use crate::routes::communes::GEOJSON;
use crate::state::AppState;
use crate::views::commune_feature;

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
