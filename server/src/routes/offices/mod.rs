//! `/api/v1/offices…`: the public-service points, kept in the office registry. Reading
//! (`GET /api/v1/offices`, `GET /api/v1/offices/{id}` with its ETag) is here; writing, history,
//! the change feed, imports and residents' reports are in the submodules named after their
//! path segment.

mod changes;
mod edit;
mod history;
mod import;
mod reports;

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;

use crate::http::conditional::{etag, none_match};
use crate::http::problem::{ApiResult, Problem};
use crate::http::query::QueryParams;
use crate::registry_link::answered;
use crate::state::AppState;
use crate::views::{office_response, OfficeView};
use utoipa_axum::{router::OpenApiRouter, routes};

/// Every office that is open, with the registry version they come from.
#[derive(Serialize, ToSchema)]
pub struct OfficeList<'a> {
    pub count: usize,
    /// The registry version these offices come from (0 without a registry).
    pub registry_version: u64,
    pub offices: Vec<OfficeView<'a>>,
}

/// Every office, optionally only of some kinds.
#[utoipa::path(get, path = "/api/v1/offices", tag = "offices",
    params(("kind" = Option<Vec<data_boundaries::OfficeKind>>, Query, explode = true, description = "Only these kinds (repeat, or separate with commas)")),
    responses(
        (status = 200, description = "The offices", body = OfficeList),
        (status = 400, description = "An unknown kind", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn list(State(state): State<AppState>, params: QueryParams) -> ApiResult<Response> {
    let kinds = params.office_kinds()?;
    let snapshot = state.current();
    let data = &snapshot.data;
    let offices: Vec<OfficeView> = data
        .offices
        .iter()
        .filter(|o| kinds.is_empty() || kinds.contains(&o.kind))
        .map(|o| OfficeView::new(o, None))
        .collect();
    Ok(Json(OfficeList { count: offices.len(), registry_version: snapshot.registry_version, offices }).into_response())
}

/// One office, with an ETag carrying its version (`If-None-Match` gives 304). A closed
/// office is 410 Gone (its history stays readable).
#[utoipa::path(get, path = "/api/v1/offices/{id}", tag = "offices",
    params(("id" = String, Path, description = "The office id")),
    responses(
        (status = 200, description = "The office", body = OfficeView, headers(("ETag" = String, description = "\"v{version}\""))),
        (status = 304, description = "Unchanged since the ETag given"),
        (status = 404, description = "No office has that id", body = Problem, content_type = "application/problem+json"),
        (status = 410, description = "The office was closed", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn one(State(state): State<AppState>, Path(id): Path<String>, headers: HeaderMap) -> ApiResult<Response> {
    let snapshot = state.current();
    let data = &snapshot.data;
    if let Some(index) = data.office_by_id(&id) {
        let office = &data.offices[index];
        if none_match(&headers, &etag(office.version)) {
            let mut response = StatusCode::NOT_MODIFIED.into_response();
            if let Ok(value) = HeaderValue::from_str(&etag(office.version)) {
                response.headers_mut().insert(header::ETAG, value);
            }
            return Ok(response);
        }
        return Ok(office_response(office, StatusCode::OK));
    }
    if let Some(link) = state.registry.clone() {
        let wanted = id.clone();
        if let Some(record) = link.call(move |r| r.office(&wanted), answered).await??.filter(|r| !r.is_current()) {
            let closed = record.valid_to.map(|t| t.to_rfc3339()).unwrap_or_default();
            return Err(Problem::new(
                StatusCode::GONE,
                format!("office {id:?} was closed on {closed}; its history is at /api/v1/offices/{id}/history"),
            ));
        }
    }
    Err(Problem::not_found(format!("no office has id {id:?}")))
}

/// This module's routes, each registered with its OpenAPI operation. The feed's static
/// segments (`changes`, `import`) take precedence over `{id}`.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, edit::create))
        .routes(routes!(one, edit::patch, edit::close))
        .routes(routes!(history::history))
        .routes(routes!(changes::feed))
        .routes(routes!(changes::atom))
        .routes(routes!(import::import))
        .routes(routes!(reports::report))
}
