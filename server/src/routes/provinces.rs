//! `GET /api/v1/provinces`: the provinces in force since 1 July 2025 (34 nationally), each
//! with its units and the box that holds them, so a client can list a province's communes
//! or fit the map to it. Empty for a dataset whose units name no province (Huế's).

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::state::AppState;
use crate::views::CommuneRef;

/// One province and its units.
#[derive(Serialize, ToSchema)]
pub struct ProvinceView<'a> {
    pub code: &'a str,
    pub name: &'a str,
    /// `[west, south, east, north]` of its units.
    pub bbox: [f64; 4],
    pub unit_count: usize,
    pub units: Vec<CommuneRef<'a>>,
}

#[derive(Serialize, ToSchema)]
pub struct ProvinceList<'a> {
    pub count: usize,
    pub provinces: Vec<ProvinceView<'a>>,
}

/// Every province, by code, with its units.
#[utoipa::path(get, path = "/api/v1/provinces", tag = "communes",
    responses((status = 200, description = "The provinces, by code; empty when the dataset names none", body = ProvinceList)))]
pub async fn list(State(state): State<AppState>) -> Response {
    let snapshot = state.current();
    let data = &snapshot.data;
    let provinces: Vec<ProvinceView> = data
        .provinces()
        .iter()
        .map(|p| ProvinceView {
            code: &p.code,
            name: &p.name,
            bbox: p.bbox,
            unit_count: p.communes.len(),
            units: p.communes.iter().map(|&i| CommuneRef::from(&data.communes[i])).collect(),
        })
        .collect();
    Json(ProvinceList { count: provinces.len(), provinces }).into_response()
}

/// This module's routes, each registered with its OpenAPI operation.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list))
}
