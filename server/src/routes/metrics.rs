//! `GET /metrics`: Prometheus' text format (the recorder and what it records are in
//! `crate::metrics`).

use axum::extract::State;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use utoipa_axum::router::OpenApiRouter;

use crate::http::media::PROMETHEUS_TEXT;
use crate::state::AppState;

/// The current metrics.
async fn render(State(state): State<AppState>) -> Response {
    metrics::gauge!("hue_map_pyramid_tiles").set(state.current().tiles.stats.tiles as f64);
    let body = state.metrics.as_ref().map(|h| h.render()).unwrap_or_default();
    ([(header::CONTENT_TYPE, HeaderValue::from_static(PROMETHEUS_TEXT))], body).into_response()
}

/// This module's route (not in the OpenAPI document: Prometheus reads it).
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().route("/metrics", get(render))
}
