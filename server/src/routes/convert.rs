//! `GET /api/v1/convert-address?address=…` and `POST /api/v1/convert-address`
//! (`{"addresses": [...]}`, up to 1,000): pre-reform addresses to post-reform ones, with the
//! matched old unit, the new unit, a confidence, alternatives when ambiguous, and a plain
//! "not recognised" instead of a guess.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use data_boundaries::address::{Candidate, Status};
use data_boundaries::Dataset;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::params::QueryParams;
use crate::problem::{ApiResult, Problem};
use crate::routes::locate::require_json;
use crate::state::{AppState, Snapshot};

pub const MAX_ADDRESSES: usize = 1_000;
const MAX_ADDRESS_CHARS: usize = 500;

fn candidate_json(data: &Dataset, c: &Candidate) -> Value {
    let old = &data.former_units[c.former_unit];
    let new = &data.communes[c.new_commune];
    json!({
        "new_address": c.new_address,
        "old_unit": {"code": old.old_code, "name": old.old_name, "district": old.old_district},
        "new_unit": {"code": new.code, "name": new.name, "full_name": new.full_name, "type": new.unit_type},
        "legal_basis": old.resolution,
    })
}

fn conversion_json(snapshot: &Snapshot, address: &str) -> Value {
    let data = &snapshot.data;
    let c = snapshot.addresses.convert(data, address);
    let status = match c.status {
        Status::Matched => "matched",
        Status::Ambiguous => "ambiguous",
        Status::NotRecognised => "not_recognised",
    };
    let best = c.best.as_ref().map(|b| candidate_json(data, b));
    json!({
        "address": address,
        "status": status,
        "new_address": best.as_ref().map(|b| b["new_address"].clone()),
        "old_unit": best.as_ref().map(|b| b["old_unit"].clone()),
        "new_unit": best.as_ref().map(|b| b["new_unit"].clone()),
        "street": c.street,
        "confidence": (c.confidence * 100.0).round() / 100.0,
        "alternatives": c.alternatives.iter().map(|a| candidate_json(data, a)).collect::<Vec<_>>(),
        "explanation": c.explanation,
    })
}

fn check_length(name: &str, address: &str) -> ApiResult<()> {
    if address.chars().count() > MAX_ADDRESS_CHARS {
        return Err(Problem::invalid_param(name, format!("must be at most {MAX_ADDRESS_CHARS} characters")));
    }
    Ok(())
}

pub async fn convert_one(State(state): State<AppState>, RawQuery(query): RawQuery) -> ApiResult<Json<Value>> {
    let params = QueryParams::parse(query.as_deref())?;
    let address = params.single("address")?.ok_or_else(|| Problem::invalid_param("address", "is required"))?;
    check_length("address", address)?;
    Ok(Json(conversion_json(&state.current(), address)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Batch {
    addresses: Vec<String>,
}

pub async fn convert_many(State(state): State<AppState>, headers: HeaderMap, body: Result<Bytes, BytesRejection>) -> ApiResult<Json<Value>> {
    require_json(&headers)?;
    let body = body.map_err(|e| Problem::new(e.status(), e.body_text()))?;
    let batch: Batch = serde_json::from_slice(&body)
        .map_err(|e| Problem::new(StatusCode::BAD_REQUEST, format!("the body must be {{\"addresses\": [\"...\", ...]}}: {e}")))?;
    if batch.addresses.len() > MAX_ADDRESSES {
        return Err(Problem::new(StatusCode::PAYLOAD_TOO_LARGE, format!("{} addresses sent; at most {MAX_ADDRESSES} per request", batch.addresses.len())));
    }
    for (i, address) in batch.addresses.iter().enumerate() {
        check_length(&format!("addresses[{i}]"), address)?;
    }
    let snapshot = state.current();
    let results: Vec<Value> = batch.addresses.iter().map(|a| conversion_json(&snapshot, a)).collect();
    Ok(Json(json!({ "results": results })))
}
