//! `GET /openapi.json`: the API description in OpenAPI 3.1, built from the same registrations
//! as the routes (see `crate::openapi`).

use std::sync::Arc;

use axum::routing::get;
use axum::Router;

use crate::http::media::{typed, OPENAPI_31};
use crate::openapi::Documents;
use crate::state::AppState;

/// This module's route (the document does not describe itself).
pub fn router(documents: Arc<Documents>) -> Router<AppState> {
    Router::new().route("/openapi.json", get(move || async move { typed(documents.v31.clone(), OPENAPI_31) }))
}
