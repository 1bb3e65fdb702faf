//! `GET /api/v1/whoami`: who a token belongs to and what it may edit, so the editor's screens
//! can sign in (check a pasted token) and list the offices of its communes.

use axum::response::{IntoResponse, Response};
use axum::Json;
use registry::Actor;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::http::auth::Staff;
use crate::http::error_responses::{NotFound, StaffRefusals};
use crate::state::AppState;

/// The token's holder: `token_id`, `name`, `role` (`editor` or `admin`), and for an editor
/// the `communes` it may edit.
#[utoipa::path(get, path = "/api/v1/whoami", tag = "offices",
    params(("Authorization" = String, Header, description = "Bearer TOKEN")),
    responses(
        (status = 200, description = "The token's holder and rights", body = Actor),
        StaffRefusals, NotFound,
    ))]
pub async fn whoami(Staff(actor): Staff) -> Response {
    Json(actor).into_response()
}

/// This module's routes, each registered with its OpenAPI operation.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(whoami))
}
