//! `GET /viewer/{file}`: the web map's own scripts, styles, icons and manifest (the page
//! itself is `/`), and `GET /sw.js`, its service worker, which must be served from the root
//! to look after every URL of the site.

use axum::extract::Path;
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use utoipa_axum::router::OpenApiRouter;

use crate::state::AppState;

async fn viewer_file(Path(name): Path<String>, headers: HeaderMap) -> Response {
    crate::assets::viewer_file(&name, &headers)
}

async fn service_worker(headers: HeaderMap) -> Response {
    crate::assets::viewer_file("sw.js", &headers)
}

/// This module's route (not in the OpenAPI document: it serves the web map).
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().route("/viewer/{file}", get(viewer_file)).route("/sw.js", get(service_worker))
}
