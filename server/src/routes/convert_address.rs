//! `GET /api/v1/convert-address?address=…[&lon=…&lat=…]` and `POST /api/v1/convert-address`
//! (`{"addresses": [...]}` or `{"items": [{"address": …, "lon": …, "lat": …}]}`, up to 1,000):
//! pre-reform addresses to post-reform ones, with the matched old unit, the new unit, a
//! confidence, alternatives when ambiguous, a plain "not recognised" instead of a guess, and
//! "current" for an address already written with today's units. A position, where given,
//! decides between the new units of a split unit by point-in-polygon, and the answer says so.

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use data_boundaries::address::{Candidate, Conversion, Status};
use data_boundaries::Dataset;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::http::error_responses::{BadRequest, JsonBodyRefusals};
use crate::http::query::check_lon_lat;
use crate::http::{ApiResult, Batch, JsonBatch, Problem, QueryParams};
use crate::state::AppState;
use crate::views::CommuneRef;
use utoipa_axum::{router::OpenApiRouter, routes};

pub const MAX_ADDRESSES: usize = 1_000;
const MAX_ADDRESS_CHARS: usize = 500;

/// An old unit as the conversion matched it.
#[derive(Serialize, ToSchema, Clone)]
pub struct OldUnit<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub district: &'a str,
    /// Its province before the reform, where the dataset says.
    #[serde(skip_serializing_if = "str::is_empty")]
    pub province: &'a str,
    /// `whole` or `part` (the unit was split, and this new unit took a part of it).
    pub share: data_boundaries::Share,
}

/// One reading of an address.
#[derive(Serialize, ToSchema)]
pub struct CandidateView<'a> {
    /// The street part kept, then the new unit, then its province.
    pub new_address: &'a str,
    /// The old unit read; null for a reading as a current address.
    pub old_unit: Option<OldUnit<'a>>,
    pub new_unit: CommuneRef<'a>,
    /// The resolution that merged the old unit; null for a current reading.
    pub legal_basis: Option<&'a str>,
}

fn candidate_view<'a>(data: &'a Dataset, c: &'a Candidate) -> CandidateView<'a> {
    let old = c.former_unit.map(|f| &data.former_units[f]);
    CandidateView {
        new_address: &c.new_address,
        old_unit: old.map(|old| OldUnit {
            code: &old.old_code,
            name: &old.old_name,
            district: &old.old_district,
            province: &old.old_province,
            share: old.share,
        }),
        new_unit: CommuneRef::from(&data.communes[c.new_commune]),
        legal_basis: old.map(|old| old.resolution.as_str()),
    }
}

/// Whether the address named one old unit, several, or none we know.
#[derive(Serialize, ToSchema, Clone, Copy)]
#[serde(rename_all = "snake_case")]
pub enum ConversionStatus {
    Matched,
    Ambiguous,
    NotRecognised,
    /// Already written with the units in force since 1 July 2025: answered as it is.
    Current,
}

/// The answer for one address. `new_address` and `new_unit` are null unless `status` is
/// `matched` or `current` (`old_unit` is null for `current` too); an ambiguous address lists
/// its readings in `alternatives`.
#[derive(Serialize, ToSchema)]
pub struct ConversionView<'a> {
    pub address: &'a str,
    pub status: ConversionStatus,
    pub new_address: Option<&'a str>,
    pub old_unit: Option<OldUnit<'a>>,
    pub new_unit: Option<CommuneRef<'a>>,
    /// The street part as written (house number, street, hamlet…).
    pub street: Option<String>,
    /// 0 to 1: how far the type, district and name agree on one unit.
    pub confidence: f64,
    pub alternatives: Vec<CandidateView<'a>>,
    pub explanation: String,
    /// True when the position given decided between new units (point-in-polygon).
    pub decided_by_position: bool,
}

fn conversion_view<'a>(data: &'a Dataset, address: &'a str, c: &'a Conversion) -> ConversionView<'a> {
    let best = c.best.as_ref().map(|b| candidate_view(data, b));
    ConversionView {
        address,
        status: match c.status {
            Status::Matched => ConversionStatus::Matched,
            Status::Ambiguous => ConversionStatus::Ambiguous,
            Status::NotRecognised => ConversionStatus::NotRecognised,
            Status::Current => ConversionStatus::Current,
        },
        new_address: best.as_ref().map(|b| b.new_address),
        old_unit: best.as_ref().and_then(|b| b.old_unit.clone()),
        new_unit: best.as_ref().map(|b| b.new_unit.clone()),
        street: c.street.clone(),
        confidence: (c.confidence * 100.0).round() / 100.0,
        alternatives: c.alternatives.iter().map(|a| candidate_view(data, a)).collect(),
        explanation: c.explanation.clone(),
        decided_by_position: c.decided_by_position,
    }
}

#[derive(Serialize, ToSchema)]
pub struct ConversionBatch<'a> {
    pub results: Vec<ConversionView<'a>>,
}

fn check_length(name: &str, address: &str) -> ApiResult<()> {
    if address.chars().count() > MAX_ADDRESS_CHARS {
        return Err(Problem::invalid_param(name, format!("must be at most {MAX_ADDRESS_CHARS} characters")));
    }
    Ok(())
}

/// Converts one address from before 1 July 2025 to its new form.
#[utoipa::path(get, path = "/api/v1/convert-address", tag = "reform",
    params(
        ("address" = String, Query, description = "A free-text Vietnamese address from before the reform (at most 500 characters)"),
        ("lon" = Option<f64>, Query, minimum = -180, maximum = 180, description = "Where the address is (WGS 84), if known: decides between the new units of a split unit; give lat with it"),
        ("lat" = Option<f64>, Query, minimum = -90, maximum = 90, description = "Latitude, with lon"),
    ),
    responses(
        (status = 200, description = "The conversion, or a plain not_recognised", body = ConversionView),
        BadRequest,
    ))]
pub async fn convert_one(State(state): State<AppState>, params: QueryParams) -> ApiResult<Response> {
    params.reject_unknown(&["address", "lon", "lat"])?;
    let address = params.single("address")?.ok_or_else(|| Problem::invalid_param("address", "is required"))?;
    check_length("address", address)?;
    let position = match (params.single("lon")?, params.single("lat")?) {
        (None, None) => None,
        _ => {
            let (lon, lat) = params.lon_lat()?;
            Some([lon, lat])
        }
    };
    let snapshot = state.current();
    let conversion = snapshot.addresses.convert_at(&snapshot.data, address, position);
    Ok(Json(conversion_view(&snapshot.data, address, &conversion)).into_response())
}

/// A batch of addresses to convert: plain `addresses`, or `items` each with an optional
/// position; not both.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddressBatch {
    /// At most 1,000 addresses, each at most 500 characters.
    #[serde(default)]
    addresses: Vec<String>,
    /// At most 1,000 addresses, each with the position it is at where known.
    #[serde(default)]
    items: Vec<AddressItem>,
}

/// One address, and where it is if known.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddressItem {
    address: String,
    lon: Option<f64>,
    lat: Option<f64>,
}

impl Batch for AddressBatch {
    const MAX: usize = MAX_ADDRESSES;
    const ITEMS: &'static str = "addresses";
    const SHAPE: &'static str =
        "{\"addresses\": [\"...\", ...]} or {\"items\": [{\"address\": \"...\", \"lon\": 106.7, \"lat\": 10.8}, ...]}";
    fn count(&self) -> usize {
        self.addresses.len() + self.items.len()
    }
}

/// Converts up to 1,000 addresses in one request, answers in the same order.
#[utoipa::path(post, path = "/api/v1/convert-address", tag = "reform",
    request_body = AddressBatch,
    responses(
        (status = 200, description = "One conversion per address", body = ConversionBatch),
        JsonBodyRefusals,
    ))]
pub async fn convert_many(
    State(state): State<AppState>,
    JsonBatch(batch): JsonBatch<AddressBatch>,
) -> ApiResult<Response> {
    if !batch.addresses.is_empty() && !batch.items.is_empty() {
        return Err(Problem::invalid_param("items", "send addresses or items, not both"));
    }
    let mut requests: Vec<(String, Option<[f64; 2]>)> = batch.addresses.into_iter().map(|a| (a, None)).collect();
    for (i, item) in batch.items.into_iter().enumerate() {
        let position = match (item.lon, item.lat) {
            (None, None) => None,
            (Some(lon), Some(lat)) => {
                check_lon_lat(&format!("items[{i}].lon"), &format!("items[{i}].lat"), lon, lat)?;
                Some([lon, lat])
            }
            _ => return Err(Problem::invalid_param(format!("items[{i}]"), "give lon and lat together, or neither")),
        };
        requests.push((item.address, position));
    }
    for (i, (address, _)) in requests.iter().enumerate() {
        check_length(&format!("addresses[{i}]"), address)?;
    }
    let snapshot = arc_swap::Guard::into_inner(state.current());
    // A thousand conversions and their JSON are CPU work: off the async workers.
    let body = crate::cpu::run(move || {
        let conversions: Vec<Conversion> =
            requests.iter().map(|(a, position)| snapshot.addresses.convert_at(&snapshot.data, a, *position)).collect();
        let results =
            requests.iter().zip(&conversions).map(|(a, c)| conversion_view(&snapshot.data, &a.0, c)).collect();
        serde_json::to_vec(&ConversionBatch { results })
    })
    .await?
    .map_err(|error| {
        Problem::new(StatusCode::INTERNAL_SERVER_ERROR, format!("the answer could not be written: {error}"))
    })?;
    Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response())
}

/// This module's routes, each registered with its OpenAPI operation.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(convert_one, convert_many))
}
