//! `GET /api/v1/locate` and `POST /api/v1/locate`: which commune holds a point, its seat,
//! what it was formed from, and for points outside Huế the nearest commune.

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use data_boundaries::Dataset;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::http::error_responses::{BadRequest, JsonBodyRefusals};
use crate::http::query::check_lon_lat;
use crate::http::{ApiResult, Batch, JsonBatch, Problem, QueryParams};
use crate::state::AppState;
use crate::views::{round_metres, CommuneRef, FormerUnitRef, OfficeView};
use utoipa_axum::{router::OpenApiRouter, routes};

/// The most points one batch may carry.
pub const MAX_BATCH_POINTS: usize = 10_000;

/// Which commune holds a point, its seat and what it was formed from; outside Huế, the nearest commune.
#[utoipa::path(get, path = "/api/v1/locate", tag = "residents",
    params(
        ("lon" = f64, Query, minimum = -180, maximum = 180, description = "Longitude, WGS 84"),
        ("lat" = f64, Query, minimum = -90, maximum = 90, description = "Latitude, WGS 84"),
    ),
    responses(
        (status = 200, description = "The location", body = LocationView),
        BadRequest,
    ))]
pub async fn locate_one(State(state): State<AppState>, params: QueryParams) -> ApiResult<Response> {
    let (lon, lat) = params.lon_lat()?;
    let snapshot = state.current();
    Ok(Json(location_view(&snapshot.data, lon, lat)).into_response())
}

/// Points to locate in one request.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PointBatch {
    /// `[lon, lat]` pairs, WGS 84; at most 10,000.
    points: Vec<[f64; 2]>,
}

impl Batch for PointBatch {
    const MAX: usize = MAX_BATCH_POINTS;
    const ITEMS: &'static str = "points";
    const SHAPE: &'static str = "{\"points\": [[lon, lat], ...]}";
    fn count(&self) -> usize {
        self.points.len()
    }
}

/// Locates up to 10,000 points in one request; answers in the same order.
#[utoipa::path(post, path = "/api/v1/locate", tag = "residents",
    request_body = PointBatch,
    responses(
        (status = 200, description = "One location per point", body = BatchView),
        JsonBodyRefusals,
    ))]
pub async fn locate_many(
    State(state): State<AppState>,
    JsonBatch(batch): JsonBatch<PointBatch>,
) -> ApiResult<Response> {
    for (i, &[lon, lat]) in batch.points.iter().enumerate() {
        check_lon_lat(&format!("points[{i}][0]"), &format!("points[{i}][1]"), lon, lat)?;
    }
    let snapshot = arc_swap::Guard::into_inner(state.current());
    // Ten thousand lookups and their JSON are CPU work: off the async workers.
    let body = crate::cpu::run(move || {
        let results: Vec<LocationView> =
            batch.points.iter().map(|&[lon, lat]| location_view(&snapshot.data, lon, lat)).collect();
        serde_json::to_vec(&BatchView { results })
    })
    .await?
    .map_err(|error| {
        Problem::new(StatusCode::INTERNAL_SERVER_ERROR, format!("the answer could not be written: {error}"))
    })?;
    Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response())
}

/// A commune near a point outside every commune.
#[derive(Serialize, ToSchema)]
pub struct NearestCommune<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub full_name: &'a str,
    pub distance_m: f64,
}

/// The answer for one point, serialised straight from borrowed data (no intermediate JSON
/// tree: batches of 10,000 answers stay cheap).
#[derive(Serialize, ToSchema)]
pub struct LocationView<'a> {
    pub lon: f64,
    pub lat: f64,
    pub commune: Option<CommuneRef<'a>>,
    /// True when the point lies on a shared border; `commune` is then the smallest code.
    pub on_boundary: bool,
    /// The other communes whose border the point lies on.
    pub boundary_with: Vec<&'a str>,
    /// Other communes that also contain the point, where the data overlaps.
    pub also_in: Vec<&'a str>,
    /// The province the unit is in (after 1 July 2025), where the dataset says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub province: Option<ProvinceRef<'a>>,
    pub seat: Option<OfficeView<'a>>,
    /// The former units the unit was formed from, each whole or in part.
    pub former_units: Vec<FormerUnitRef<'a>>,
    /// Said when some of `former_units` were split: which of them the point was in cannot
    /// be told, since no boundaries of the former units are published.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lineage_note: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nearest_commune: Option<NearestCommune<'a>>,
}

/// A province after 1 July 2025.
#[derive(Serialize, ToSchema)]
pub struct ProvinceRef<'a> {
    pub code: &'a str,
    pub name: &'a str,
}

#[derive(Serialize, ToSchema)]
pub struct BatchView<'a> {
    pub results: Vec<LocationView<'a>>,
}

/// The full answer for one point, shared by the single and batch endpoints.
pub fn location_view(data: &Dataset, lon: f64, lat: f64) -> LocationView<'_> {
    let location = data.locate(lon, lat);
    let codes = |list: &[usize]| list.iter().map(|&i| data.communes[i].code.as_str()).collect::<Vec<_>>();
    let Some(index) = location.commune else {
        let nearest_commune = data.nearest_commune(lon, lat).map(|(i, metres)| {
            let c = &data.communes[i];
            NearestCommune { code: &c.code, name: &c.name, full_name: &c.full_name, distance_m: round_metres(metres) }
        });
        return LocationView {
            lon,
            lat,
            commune: None,
            on_boundary: false,
            boundary_with: Vec::new(),
            also_in: Vec::new(),
            province: None,
            seat: None,
            former_units: Vec::new(),
            lineage_note: None,
            nearest_commune,
        };
    };
    let seat = data
        .seat(index)
        .map(|o| OfficeView::new(o, Some(data_boundaries::geodesy::distance_m(lon, lat, o.lon, o.lat))));
    let commune = &data.communes[index];
    let former_units: Vec<FormerUnitRef> =
        data.former_units_of(index).map(|u| FormerUnitRef::new(data, u, index)).collect();
    let split = former_units.iter().filter(|u| u.share == data_boundaries::Share::Part).count();
    let lineage_note = (split > 0).then(|| {
        format!(
            "{split} of the {} former units were split between {} and other units (see rest_went_to): \
             which former unit the point was in cannot be told, as no boundaries of the former units are published",
            former_units.len(),
            commune.full_name
        )
    });
    LocationView {
        lon,
        lat,
        commune: Some(CommuneRef::from(commune)),
        on_boundary: location.on_boundary,
        boundary_with: codes(&location.boundary_with),
        also_in: codes(&location.also_in),
        province: commune
            .province_code
            .as_deref()
            .zip(commune.province_name.as_deref())
            .map(|(code, name)| ProvinceRef { code, name }),
        seat,
        former_units,
        lineage_note,
        nearest_commune: None,
    }
}

/// This module's routes, each registered with its OpenAPI operation.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(locate_one, locate_many))
}
