//! `POST /api/v1/offices/{id}/reports`: a resident says the office is not here, is closed, or
//! keeps other hours, optionally proposing where it really is. Anonymous, no personal data
//! asked or kept, and limited per client address (429 with `Retry-After`). Staff read and
//! resolve reports under `/api/v1/reports`.

use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use registry::{FieldError, NewReport, Report, ReportKind, WriteError};
use serde_json::Value;

use crate::http::error_responses::{JsonBodyRefusals, NotFound, RegistryUnavailable, TooManyRequests, Unprocessable};
use crate::http::{ApiResult, JsonBody, Problem};
use crate::net::client::ClientAddr;
use crate::state::AppState;

const FIELDS: [&str; 4] = ["kind", "message", "proposed_lon", "proposed_lat"];

/// Reads a report's body, listing every bad field.
fn new_report(office_id: String, body: &Value) -> Result<NewReport, Vec<FieldError>> {
    let Some(object) = body.as_object() else {
        return Err(vec![FieldError::new("body", "must be a JSON object")]);
    };
    let mut errors: Vec<FieldError> = object
        .keys()
        .filter(|k| !FIELDS.contains(&k.as_str()))
        .map(|k| FieldError::new(k, format!("unknown field; the fields are {}", FIELDS.join(", "))))
        .collect();
    let kind = match object.get("kind").and_then(Value::as_str) {
        Some(text) => ReportKind::parse(text).or_else(|| {
            errors.push(FieldError::new("kind", "must be wrong_position, closed, wrong_hours or other"));
            None
        }),
        None => {
            errors.push(FieldError::new("kind", "is required: wrong_position, closed, wrong_hours or other"));
            None
        }
    };
    let message = match object.get("message") {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(text)) => text.clone(),
        Some(_) => {
            errors.push(FieldError::new("message", "must be text"));
            String::new()
        }
    };
    let mut coordinate = |name: &str| match object.get(name) {
        None | Some(Value::Null) => None,
        Some(Value::Number(n)) => n.as_f64(),
        Some(_) => {
            errors.push(FieldError::new(name, "must be a number"));
            None
        }
    };
    let position = match (coordinate("proposed_lon"), coordinate("proposed_lat")) {
        (Some(lon), Some(lat)) => Some((lon, lat)),
        (None, None) => None,
        _ => {
            errors.push(FieldError::new("proposed_lat", "give both proposed_lon and proposed_lat, or neither"));
            None
        }
    };
    let Some(kind) = kind else {
        if message.chars().count() > registry::reports::MAX_MESSAGE {
            errors.push(FieldError::new(
                "message",
                format!("is longer than {} characters", registry::reports::MAX_MESSAGE),
            ));
        }
        return Err(errors);
    };
    let report = NewReport { office_id, kind, message, proposed_position: position };
    errors.extend(report.problems());
    if errors.is_empty() {
        Ok(report)
    } else {
        Err(errors)
    }
}

/// Reports a problem with an office (anonymous).
#[utoipa::path(post, path = "/api/v1/offices/{id}/reports", tag = "offices",
    params(("id" = String, Path, description = "The office id")),
    request_body(content = Object, description = "`kind` (wrong_position, closed, wrong_hours, other), `message` (at most 1,000 characters), optional `proposed_lon` and `proposed_lat`"),
    responses(
        (status = 201, description = "The report, open", body = Report),
        JsonBodyRefusals, NotFound, Unprocessable, TooManyRequests, RegistryUnavailable,
    ))]
pub async fn report(
    State(state): State<AppState>,
    client: Option<Extension<ClientAddr>>,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<Value>,
) -> ApiResult<Response> {
    let link = state.registry_link()?;
    let report = new_report(id, &body).map_err(WriteError::Invalid)?;
    if let Some((lon, lat)) = report.proposed_position {
        if state.current().data.locate(lon, lat).commune.is_none() {
            let outside = FieldError::new("proposed_lon", format!("({lon}, {lat}) lies outside every commune of Huế"));
            return Err(WriteError::Invalid(vec![outside]).into());
        }
    }
    if let Err(wait) = state.report_limit.check(&client.map(|Extension(client)| client.key())) {
        metrics::counter!("hue_map_registry_rejected_writes_total", "reason" => "rate_limited").increment(1);
        let seconds = wait.as_secs().max(1).to_string();
        return Err(Problem::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too many reports from this address; thank you, and try later",
        )
        .with_header(header::RETRY_AFTER, &seconds));
    }
    let stored = link.write(move |r| r.create_report(&report)).await??;
    metrics::counter!("hue_map_registry_reports_total", "kind" => stored.kind.as_str()).increment(1);
    Ok((StatusCode::CREATED, Json(stored)).into_response())
}
