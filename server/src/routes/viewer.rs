//! `GET /viewer/{file}`: the web map's own scripts and styles (the page itself is `/`).

use axum::extract::Path;
use axum::response::Response;
use axum::routing::get;
use utoipa_axum::router::OpenApiRouter;

use crate::state::AppState;

async fn viewer_file(Path(name): Path<String>) -> Response {
    crate::assets::viewer_file(&name)
}

/// This module's route (not in the OpenAPI document: it serves the web map).
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().route("/viewer/{file}", get(viewer_file))
}
