//! `GET /api/v1/convert-address?address=…` and `POST /api/v1/convert-address`
//! (`{"addresses": [...]}`, up to 1,000): pre-reform addresses to post-reform ones, with the
//! matched old unit, the new unit, a confidence, alternatives when ambiguous, and a plain
//! "not recognised" instead of a guess.

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use data_boundaries::address::{Candidate, Conversion, Status};
use data_boundaries::Dataset;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::http::error_responses::{BadRequest, JsonBodyRefusals};
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
}

/// One reading of an old address.
#[derive(Serialize, ToSchema)]
pub struct CandidateView<'a> {
    /// The street part kept, then the new unit, then "Thành phố Huế".
    pub new_address: &'a str,
    pub old_unit: OldUnit<'a>,
    pub new_unit: CommuneRef<'a>,
    /// The resolution that merged the old unit.
    pub legal_basis: &'a str,
}

fn candidate_view<'a>(data: &'a Dataset, c: &'a Candidate) -> CandidateView<'a> {
    let old = &data.former_units[c.former_unit];
    CandidateView {
        new_address: &c.new_address,
        old_unit: OldUnit { code: &old.old_code, name: &old.old_name, district: &old.old_district },
        new_unit: CommuneRef::from(&data.communes[c.new_commune]),
        legal_basis: &old.resolution,
    }
}

/// Whether the address named one old unit, several, or none we know.
#[derive(Serialize, ToSchema, Clone, Copy)]
#[serde(rename_all = "snake_case")]
pub enum ConversionStatus {
    Matched,
    Ambiguous,
    NotRecognised,
}

/// The answer for one address. `new_address`, `old_unit` and `new_unit` are null unless
/// `status` is `matched`; an ambiguous address lists its readings in `alternatives`.
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
}

fn conversion_view<'a>(data: &'a Dataset, address: &'a str, c: &'a Conversion) -> ConversionView<'a> {
    let best = c.best.as_ref().map(|b| candidate_view(data, b));
    ConversionView {
        address,
        status: match c.status {
            Status::Matched => ConversionStatus::Matched,
            Status::Ambiguous => ConversionStatus::Ambiguous,
            Status::NotRecognised => ConversionStatus::NotRecognised,
        },
        new_address: best.as_ref().map(|b| b.new_address),
        old_unit: best.as_ref().map(|b| b.old_unit.clone()),
        new_unit: best.as_ref().map(|b| b.new_unit.clone()),
        street: c.street.clone(),
        confidence: (c.confidence * 100.0).round() / 100.0,
        alternatives: c.alternatives.iter().map(|a| candidate_view(data, a)).collect(),
        explanation: c.explanation.clone(),
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
    params(("address" = String, Query, description = "A free-text Vietnamese address from before the reform (at most 500 characters)")),
    responses(
        (status = 200, description = "The conversion, or a plain not_recognised", body = ConversionView),
        BadRequest,
    ))]
pub async fn convert_one(State(state): State<AppState>, params: QueryParams) -> ApiResult<Response> {
    let address = params.single("address")?.ok_or_else(|| Problem::invalid_param("address", "is required"))?;
    check_length("address", address)?;
    let snapshot = state.current();
    let conversion = snapshot.addresses.convert(&snapshot.data, address);
    Ok(Json(conversion_view(&snapshot.data, address, &conversion)).into_response())
}

/// A batch of addresses to convert.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddressBatch {
    /// At most 1,000 addresses, each at most 500 characters.
    addresses: Vec<String>,
}

impl Batch for AddressBatch {
    const MAX: usize = MAX_ADDRESSES;
    const ITEMS: &'static str = "addresses";
    const SHAPE: &'static str = "{\"addresses\": [\"...\", ...]}";
    fn count(&self) -> usize {
        self.addresses.len()
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
    for (i, address) in batch.addresses.iter().enumerate() {
        check_length(&format!("addresses[{i}]"), address)?;
    }
    let snapshot = arc_swap::Guard::into_inner(state.current());
    // A thousand conversions and their JSON are CPU work: off the async workers.
    let body = crate::cpu::run(move || {
        let conversions: Vec<Conversion> =
            batch.addresses.iter().map(|a| snapshot.addresses.convert(&snapshot.data, a)).collect();
        let results =
            batch.addresses.iter().zip(&conversions).map(|(a, c)| conversion_view(&snapshot.data, a, c)).collect();
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
