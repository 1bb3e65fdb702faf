//! `GET /healthz`: the process is up and has a dataset.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;

use crate::state::AppState;
use utoipa_axum::{router::OpenApiRouter, routes};

#[derive(Serialize, ToSchema)]
pub struct Health<'a> {
    /// Always `ok`.
    pub status: &'static str,
    pub dataset_version: &'a str,
    pub communes: usize,
    /// The office registry version being served (0 without a registry).
    pub registry_version: u64,
    /// The version of everything served, as tile URLs carry it (`?v=`): it changes with the
    /// dataset, the offices, a restore of the registry and the drawing of the tiles.
    pub version: &'a str,
    /// `ok`, `degraded` (the registry database cannot be reached: reads answer from memory,
    /// writes get 503) or `none` (this server keeps no registry).
    pub store: &'static str,
}

/// Liveness and the dataset version being served.
#[utoipa::path(get, path = "/healthz", tag = "operations", responses((status = 200, description = "Serving", body = Health)))]
pub async fn healthz(State(state): State<AppState>) -> Response {
    answer(&state)
}

/// The health answer; shared with [`crate::http::fast_path`], which answers it before any layer.
pub fn answer(state: &AppState) -> Response {
    let snapshot = state.current();
    let data = &snapshot.data;
    let store = match &state.registry {
        None => "none",
        Some(link) if link.is_degraded() => "degraded",
        Some(_) => "ok",
    };
    Json(Health {
        status: "ok",
        dataset_version: &data.version,
        communes: data.communes.len(),
        registry_version: snapshot.registry_version,
        version: snapshot.version(),
        store,
    })
    .into_response()
}

/// This module's routes, each registered with its OpenAPI operation.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(healthz))
}
