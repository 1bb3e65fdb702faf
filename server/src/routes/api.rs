//! `GET /api`: the API description in OpenAPI 3.0, with one path per collection: what the
//! OGC API – Features "OpenAPI 3.0" conformance class and its test suites read.

use std::sync::Arc;

use axum::routing::get;
use axum::Router;

use crate::http::media::{typed, OPENAPI_30};
use crate::openapi::Documents;
use crate::state::AppState;

/// This module's route (the document does not describe itself).
pub fn router(documents: Arc<Documents>) -> Router<AppState> {
    Router::new().route("/api", get(move || async move { typed(documents.v30.clone(), OPENAPI_30) }))
}
