//! `GET /api/v1/nearest`: the k nearest offices, optionally of given kinds.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;

use crate::http::error_responses::BadRequest;
use crate::http::problem::{ApiResult, Problem};
use crate::http::query::QueryParams;
use crate::state::AppState;
use crate::views::OfficeView;
use utoipa_axum::{router::OpenApiRouter, routes};

pub const MAX_K: u64 = 100;

#[derive(Serialize, ToSchema)]
pub struct NearestView<'a> {
    pub lon: f64,
    pub lat: f64,
    /// Nearest first, each with `distance_m`.
    pub offices: Vec<OfficeView<'a>>,
}

/// The k nearest offices to a point, by great-circle distance, optionally of some kinds.
#[utoipa::path(get, path = "/api/v1/nearest", tag = "residents",
    params(
        ("lon" = f64, Query, minimum = -180, maximum = 180, description = "Longitude, WGS 84"),
        ("lat" = f64, Query, minimum = -90, maximum = 90, description = "Latitude, WGS 84"),
        ("k" = Option<u32>, Query, minimum = 1, maximum = 100, description = "How many (default 5)"),
        ("kind" = Option<Vec<data_boundaries::OfficeKind>>, Query, explode = true, description = "Only these kinds"),
        ("open_at" = Option<String>, Query, description = "Only offices whose opening_hours say they are open at this RFC 3339 time (offices with unknown hours are left out)"),
    ),
    responses(
        (status = 200, description = "The nearest offices", body = NearestView),
        BadRequest,
    ))]
pub async fn nearest(State(state): State<AppState>, params: QueryParams) -> ApiResult<Response> {
    let (lon, lat) = params.lon_lat()?;
    let k = params.integer_in("k", 5, 1, MAX_K)? as usize;
    let kinds = params.office_kinds()?;
    let open_at = params
        .single("open_at")?
        .map(|text| {
            chrono::DateTime::parse_from_rfc3339(text)
                .map(|t| t.with_timezone(&chrono::Utc))
                .map_err(|e| Problem::invalid_param("open_at", format!("must be an RFC 3339 time: {e}")))
        })
        .transpose()?;
    let snapshot = state.current();
    let data = &snapshot.data;
    let is_open = |o: &data_boundaries::Office| match (open_at, o.opening_hours.as_deref()) {
        (None, _) => true,
        (Some(at), Some(hours)) => registry::hours::is_open_at(hours, o.lon, o.lat, at).unwrap_or(false),
        (Some(_), None) => false,
    };
    // With a time, look further than k: the nearest offices may be closed then.
    let reach = if open_at.is_some() { data.offices.len() } else { k };
    let offices: Vec<OfficeView> = data
        .nearest_offices(lon, lat, reach, &kinds)
        .into_iter()
        .filter(|&(i, _)| is_open(&data.offices[i]))
        .take(k)
        .map(|(i, metres)| OfficeView::new(&data.offices[i], Some(metres)))
        .collect();
    Ok(Json(NearestView { lon, lat, offices }).into_response())
}

/// This module's routes, each registered with its OpenAPI operation.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(nearest))
}
