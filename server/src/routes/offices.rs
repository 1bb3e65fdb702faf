//! `GET /api/v1/offices` and `GET /api/v1/offices/{id}`.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;

use crate::http::problem::{ApiResult, Problem};
use crate::http::query::QueryParams;
use crate::state::AppState;
use crate::views::OfficeView;
use utoipa_axum::{router::OpenApiRouter, routes};

#[derive(Serialize, ToSchema)]
pub struct OfficeList<'a> {
    pub count: usize,
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
    Ok(Json(OfficeList { count: offices.len(), offices }).into_response())
}

/// One office.
#[utoipa::path(get, path = "/api/v1/offices/{id}", tag = "offices",
    params(("id" = String, Path, description = "The office id")),
    responses(
        (status = 200, description = "The office", body = OfficeView),
        (status = 404, description = "No office has that id", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn one(State(state): State<AppState>, Path(id): Path<String>) -> ApiResult<Response> {
    let snapshot = state.current();
    let data = &snapshot.data;
    let index = data.office_by_id(&id).ok_or_else(|| Problem::not_found(format!("no office has id {id:?}")))?;
    Ok(Json(OfficeView::new(&data.offices[index], None)).into_response())
}

/// This module's routes, each registered with its OpenAPI operation.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list)).routes(routes!(one))
}
