//! `GET /api/v1/offices/{id}/history`: every version of an office, oldest first, with who
//! (the token's name), when, why, and each changed field before and after. Closed offices
//! keep their history.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use registry::Change;
use serde::Serialize;
use utoipa::ToSchema;

use crate::http::error_responses::{NotFound, RegistryUnavailable};
use crate::http::{ApiResult, Problem};
use crate::state::AppState;

/// An office's versions.
#[derive(Serialize, ToSchema)]
pub struct History {
    /// The office.
    pub office_id: String,
    /// Every change, oldest first: `seq` (the registry version it made), `office_version`,
    /// `action`, `actor`, `at`, `reason`, `report_id`, `fields` (before/after) and the whole
    /// record `before` and `after`.
    pub versions: Vec<Change>,
}

/// Every version of an office.
#[utoipa::path(get, path = "/api/v1/offices/{id}/history", tag = "offices",
    params(("id" = String, Path, description = "The office id")),
    responses(
        (status = 200, description = "The versions, oldest first", body = History),
        NotFound, RegistryUnavailable,
    ))]
pub async fn history(State(state): State<AppState>, Path(id): Path<String>) -> ApiResult<Response> {
    let link = state.registry_link()?;
    let wanted = id.clone();
    let versions = link.read(move |r| r.history(&wanted)).await??;
    if versions.is_empty() {
        return Err(Problem::not_found(format!("no office has id {id:?}")));
    }
    Ok(Json(History { office_id: id, versions }).into_response())
}
