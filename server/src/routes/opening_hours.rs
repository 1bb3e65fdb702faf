//! `GET /api/v1/opening-hours?value=…`: checks an OpenStreetMap `opening_hours` expression and
//! says whether it is open now (or `at` a given time) in Huế. The editor's form checks hours
//! as they are typed, and the resident's panel shows "open now". It is kept apart from the
//! office resources so their ETags change only when an office does, not every minute.

use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::http::error_responses::BadRequest;
use crate::http::{ApiResult, Problem, QueryParams};
use crate::state::AppState;
use registry::hours::{is_open_at, HUE_OFFSET};

/// Huế's centre, for `sunrise`/`sunset` rules; a few kilometres change them by seconds.
const HUE_CENTRE: (f64, f64) = (107.58, 16.46);

/// The verdict on one expression.
#[derive(Serialize, ToSchema)]
pub struct HoursCheck {
    /// The expression as given.
    pub value: String,
    /// Whether OpenStreetMap tools would accept it.
    pub valid: bool,
    /// The parser's message, when it is not valid.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Whether it is open at `at` (an "unknown" rule counts as closed); absent when invalid.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub open: Option<bool>,
    /// The moment evaluated, in Huế's time (UTC+7).
    pub at: String,
}

/// Checks an `opening_hours` expression and evaluates it now (or at `at`).
#[utoipa::path(get, path = "/api/v1/opening-hours", tag = "offices",
    params(
        ("value" = String, Query, description = "An OpenStreetMap opening_hours expression, e.g. `Mo-Fr 07:00-11:30,13:30-17:00`"),
        ("at" = Option<String>, Query, description = "An RFC 3339 time to evaluate at (default: now)"),
    ),
    responses(
        (status = 200, description = "Whether it is valid, and whether it is open", body = HoursCheck),
        BadRequest,
    ))]
pub async fn check(params: QueryParams) -> ApiResult<Response> {
    params.reject_unknown(&["value", "at"])?;
    let value = params.single("value")?.ok_or_else(|| Problem::invalid_param("value", "is required"))?;
    let at = match params.single("at")? {
        None => Utc::now(),
        Some(text) => DateTime::parse_from_rfc3339(text)
            .map(|t| t.with_timezone(&Utc))
            .map_err(|e| Problem::invalid_param("at", format!("must be an RFC 3339 time: {e}")))?,
    };
    let (valid, error, open) = match is_open_at(value, HUE_CENTRE.0, HUE_CENTRE.1, at) {
        Ok(open) => (true, None, Some(open)),
        Err(message) => (false, Some(message), None),
    };
    let check = HoursCheck {
        value: value.to_string(),
        valid,
        error,
        open,
        at: at.with_timezone(&HUE_OFFSET).to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
    };
    let mut response = Json(check).into_response();
    // "Open now" is true for a minute at most.
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=60"));
    Ok(response)
}

/// This module's routes, each registered with its OpenAPI operation.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(check))
}
