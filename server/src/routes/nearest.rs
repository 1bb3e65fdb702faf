//! `GET /api/v1/nearest`: the k nearest offices, optionally of given kinds.

use axum::extract::{RawQuery, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;

use crate::params::QueryParams;
use crate::problem::ApiResult;
use crate::state::AppState;
use crate::views::OfficeView;

pub const MAX_K: u64 = 100;

#[derive(Serialize)]
struct NearestView<'a> {
    lon: f64,
    lat: f64,
    offices: Vec<OfficeView<'a>>,
}

pub async fn nearest(State(state): State<AppState>, RawQuery(query): RawQuery) -> ApiResult<Response> {
    let params = QueryParams::parse(query.as_deref())?;
    let (lon, lat) = params.lon_lat()?;
    let k = params.integer_in("k", 5, 1, MAX_K)? as usize;
    let kinds = params.office_kinds()?;
    let snapshot = state.current();
    let data = &snapshot.data;
    let offices: Vec<OfficeView> = data
        .nearest_offices(lon, lat, k, &kinds)
        .into_iter()
        .map(|(i, metres)| OfficeView::new(&data.offices[i], Some(metres)))
        .collect();
    Ok(Json(NearestView { lon, lat, offices }).into_response())
}
