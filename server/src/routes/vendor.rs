//! `GET /vendor/maplibre-gl/{file}`: MapLibre GL JS, from npm, served by us so the map
//! makes no outside request.

use axum::extract::Path;
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use utoipa_axum::router::OpenApiRouter;

use crate::state::AppState;

async fn maplibre_file(Path(name): Path<String>, headers: HeaderMap) -> Response {
    crate::assets::maplibre_file(&name, &headers)
}

/// This module's route (not in the OpenAPI document: it serves the web map's library).
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().route("/vendor/maplibre-gl/{file}", get(maplibre_file))
}
