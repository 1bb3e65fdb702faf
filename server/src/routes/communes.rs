//! `GET /api/v1/communes` (summary list) and `GET /api/v1/communes/{code}` (a GeoJSON Feature).

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;

use crate::http::error_responses::{BadRequest, NotFound};
use crate::http::media::GEOJSON;
use crate::http::problem::{ApiResult, Problem};
use crate::http::QueryParams;
use crate::state::AppState;
use crate::views::{commune_feature, round_km2, CommuneFeature, CommuneRef};
use utoipa_axum::{router::OpenApiRouter, routes};

/// One row of the commune table.
#[derive(Serialize, ToSchema)]
pub struct CommuneSummary<'a> {
    #[serde(flatten)]
    pub commune: CommuneRef<'a>,
    /// The official area as published.
    pub area_km2: Option<f64>,
    /// The geodesic area of the served geometry.
    pub area_km2_computed: f64,
    /// Indicative only: see `population_caveat`.
    pub population: Option<u64>,
    pub seat_id: Option<&'a str>,
    pub seat_name: Option<&'a str>,
    pub seat_position_precision: Option<data_boundaries::PositionPrecision>,
    pub former_unit_count: usize,
}

#[derive(Serialize, ToSchema)]
pub struct CommuneList<'a> {
    pub count: usize,
    pub dataset_version: &'a str,
    pub population_caveat: &'static str,
    pub communes: Vec<CommuneSummary<'a>>,
}

/// Every commune (or one province's) with its official and computed area, population, seat
/// and lineage count.
#[utoipa::path(get, path = "/api/v1/communes", tag = "communes",
    params(("province" = Option<String>, Query, description = "Only this province's units: its code (`79`) or name (`Hồ Chí Minh`)")),
    responses(
        (status = 200, description = "All communes, in dataset order", body = CommuneList),
        BadRequest,
    ))]
pub async fn list(State(state): State<AppState>, params: QueryParams) -> ApiResult<Response> {
    params.reject_unknown(&["province"])?;
    let snapshot = state.current();
    let data = &snapshot.data;
    let province = crate::http::query::ProvinceFilter::parse(data, &params)?;
    let communes = data
        .communes
        .iter()
        .enumerate()
        .filter(|(i, _)| province.commune(*i))
        .map(|(i, c)| CommuneSummary {
            commune: CommuneRef::from(c),
            area_km2: c.area_km2,
            area_km2_computed: round_km2(c.computed_area_km2),
            population: c.population,
            seat_id: data.seat(i).map(|o| o.id.as_str()),
            seat_name: data.seat(i).map(|o| o.name.as_str()),
            seat_position_precision: data.seat(i).map(|o| o.position_precision),
            former_unit_count: data.former_units_of(i).count(),
        })
        .collect::<Vec<_>>();
    Ok(Json(CommuneList {
        count: communes.len(),
        dataset_version: &data.version,
        population_caveat: data_boundaries::POPULATION_CAVEAT,
        communes,
    })
    .into_response())
}

/// One commune as a GeoJSON Feature with its geometry, seat and former units.
#[utoipa::path(get, path = "/api/v1/communes/{code}", tag = "communes",
    params(("code" = String, Path, description = "The official commune code, e.g. 19753")),
    responses(
        (status = 200, description = "The commune", body = CommuneFeature, content_type = "application/geo+json"),
        NotFound,
    ))]
pub async fn one(State(state): State<AppState>, Path(code): Path<String>) -> ApiResult<Response> {
    let snapshot = state.current();
    let data = &snapshot.data;
    let index =
        data.commune_by_code(&code).ok_or_else(|| Problem::not_found(format!("no commune has code {code:?}")))?;
    Ok(([(header::CONTENT_TYPE, GEOJSON)], Json(commune_feature(data, index))).into_response())
}

/// This module's routes, each registered with its OpenAPI operation.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list)).routes(routes!(one))
}
