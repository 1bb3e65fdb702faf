//! `GET /api/v1/communes` (summary list) and `GET /api/v1/communes/{code}` (a GeoJSON Feature).

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use crate::problem::{ApiResult, Problem};
use crate::state::AppState;
use crate::views::{commune_feature, round_km2};

pub const GEOJSON: &str = "application/geo+json";

pub async fn list(State(state): State<AppState>) -> Json<Value> {
    let snapshot = state.current();
    let data = &snapshot.data;
    let communes: Vec<Value> = data
        .communes
        .iter()
        .enumerate()
        .map(|(i, c)| {
            json!({
                "code": c.code,
                "name": c.name,
                "full_name": c.full_name,
                "type": c.unit_type,
                "area_km2": c.area_km2,
                "area_km2_computed": round_km2(c.computed_area_km2),
                "population": c.population,
                "seat_id": data.seat(i).map(|o| o.id.as_str()),
                "seat_name": data.seat(i).map(|o| o.name.as_str()),
                "seat_position_precision": data.seat(i).map(|o| o.position_precision),
                "former_unit_count": data.former_units_of(i).count(),
            })
        })
        .collect();
    Json(json!({
        "count": communes.len(),
        "dataset_version": data.version,
        "population_caveat": data_boundaries::POPULATION_CAVEAT,
        "communes": communes,
    }))
}

pub async fn one(State(state): State<AppState>, Path(code): Path<String>) -> ApiResult<Response> {
    let snapshot = state.current();
    let data = &snapshot.data;
    let index = data.commune_by_code(&code).ok_or_else(|| Problem::not_found(format!("no commune has code {code:?}")))?;
    Ok(([(header::CONTENT_TYPE, GEOJSON)], Json(commune_feature(&data, index))).into_response())
}
