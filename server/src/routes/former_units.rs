//! `GET /api/v1/former-units?q=…` and `GET /api/v1/former-units/{old_code}`: the 133 units
//! before 1 July 2025, each with the new unit it joined and the legal basis.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use data_boundaries::text::fold;
use serde::Serialize;
use utoipa::ToSchema;

use crate::http::error_responses::{BadRequest, NotFound};
use crate::http::problem::{ApiResult, Problem};
use crate::http::query::QueryParams;
use crate::state::AppState;
use crate::views::FormerUnitDetail;
use utoipa_axum::{router::OpenApiRouter, routes};

#[derive(Serialize, ToSchema)]
pub struct FormerUnitList<'a> {
    pub count: usize,
    pub former_units: Vec<FormerUnitDetail<'a>>,
}

/// The units before 1 July 2025, optionally filtered by name or old district.
#[utoipa::path(get, path = "/api/v1/former-units", tag = "reform",
    params(("q" = Option<String>, Query, description = "Part of the old unit's or old district's name, diacritics optional")),
    responses(
        (status = 200, description = "The former units", body = FormerUnitList),
        BadRequest,
    ))]
pub async fn list(State(state): State<AppState>, params: QueryParams) -> ApiResult<Response> {
    let q = params.single("q")?.map(fold).filter(|q| !q.is_empty());
    let snapshot = state.current();
    let data = &snapshot.data;
    let units: Vec<FormerUnitDetail> = data
        .former_units
        .iter()
        .filter(|u| {
            q.as_ref()
                .is_none_or(|q| fold(&u.old_name).contains(q.as_str()) || fold(&u.old_district).contains(q.as_str()))
        })
        .map(|u| FormerUnitDetail::new(data, u))
        .collect();
    Ok(Json(FormerUnitList { count: units.len(), former_units: units }).into_response())
}

/// One former unit and the new unit it joined.
#[utoipa::path(get, path = "/api/v1/former-units/{old_code}", tag = "reform",
    params(("old_code" = String, Path, description = "The unit's code before the reform")),
    responses(
        (status = 200, description = "The former unit", body = FormerUnitDetail),
        NotFound,
    ))]
pub async fn one(State(state): State<AppState>, Path(code): Path<String>) -> ApiResult<Response> {
    let snapshot = state.current();
    let data = &snapshot.data;
    let index = data
        .former_unit_by_code(&code)
        .ok_or_else(|| Problem::not_found(format!("no former unit has code {code:?}")))?;
    Ok(Json(FormerUnitDetail::new(data, &data.former_units[index])).into_response())
}

/// This module's routes, each registered with its OpenAPI operation.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list)).routes(routes!(one))
}
