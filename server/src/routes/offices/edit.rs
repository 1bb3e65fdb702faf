//! Writing offices: `POST /api/v1/offices` (create), `PATCH /api/v1/offices/{id}` (an RFC 7396
//! merge patch) and `DELETE /api/v1/offices/{id}` (close: the office leaves every answer but
//! keeps its history). Every write needs a staff token, a `reason`, and (for an existing
//! office) `If-Match` with the version it changes. The answer is sent once this replica serves
//! the change; the others follow within a second.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use registry::{FieldError, OfficeDraft, OfficeRecord, Reason, ValidOffice, WriteError};
use serde_json::{Map, Value};

use crate::http::auth::Staff;
use crate::http::conditional::required_version;
use crate::http::{ApiResult, JsonBody, Problem, QueryParams};
use crate::registry_link::{self, answered, wrote, RegistryLink};
use crate::state::{AppState, Snapshot};
use crate::views::{office_response, OfficeView};

const PROBLEM: &str = "application/problem+json";

/// Takes `reason` out of a write's body: required, non-empty text.
fn take_reason(object: &mut Map<String, Value>, errors: &mut Vec<FieldError>) -> Option<Reason> {
    match object.remove("reason") {
        Some(Value::String(text)) => Reason::parse(&text).map_err(|e| errors.push(e)).ok(),
        Some(_) => {
            errors.push(FieldError::new("reason", "must be text"));
            None
        }
        None => {
            errors.push(FieldError::new("reason", "is required: say why, for the history"));
            None
        }
    }
}

/// Validates a draft against the served communes; with the reason, every problem at once.
fn checked(
    snapshot: &Snapshot,
    draft: &OfficeDraft,
    reason: Option<Reason>,
    mut errors: Vec<FieldError>,
) -> Result<(ValidOffice, Reason), Problem> {
    let data = &snapshot.data;
    let locate = |lon: f64, lat: f64| data.locate(lon, lat).commune.map(|i| data.communes[i].code.clone());
    let valid = match registry::validate(draft, &locate) {
        Ok(valid) => Some(valid),
        Err(more) => {
            for error in more {
                if !errors.iter().any(|e| e.field == error.field) {
                    errors.push(error);
                }
            }
            None
        }
    };
    match (valid, reason) {
        (Some(valid), Some(reason)) if errors.is_empty() => Ok((valid, reason)),
        _ => Err(Problem::from(WriteError::Invalid(errors))),
    }
}

fn as_object(body: &mut Value) -> Result<&mut Map<String, Value>, Problem> {
    body.as_object_mut().ok_or_else(|| Problem::new(StatusCode::BAD_REQUEST, "the body must be a JSON object"))
}

/// The current record, or 404 (410 when it was closed).
async fn current_record(link: &Arc<RegistryLink>, id: &str) -> Result<OfficeRecord, Problem> {
    let wanted = id.to_string();
    match link.call(move |r| r.office(&wanted), answered).await?? {
        Some(record) if record.is_current() => Ok(record),
        Some(_) => Err(Problem::new(StatusCode::GONE, format!("office {id:?} is closed"))),
        None => Err(Problem::not_found(format!("no office has id {id:?}"))),
    }
}

/// Answers with the office as written, once this replica serves it.
async fn written(state: &AppState, link: &RegistryLink, after: &OfficeRecord, status: StatusCode) -> Response {
    if let Err(error) = link.refresh(state).await {
        tracing::warn!(%error, "written, but the snapshot could not be refreshed yet; the follower will retry");
    }
    office_response(&data_boundaries::Office::from(after), status)
}

/// Changes an office: a JSON merge patch (RFC 7396) of its fields as `GET` shows them, plus a
/// required `reason`. `If-Match` must carry the version being changed.
#[utoipa::path(patch, path = "/api/v1/offices/{id}", tag = "offices",
    params(
        ("id" = String, Path, description = "The office id"),
        ("If-Match" = String, Header, description = "The office's ETag, e.g. \"v3\""),
        ("Authorization" = String, Header, description = "Bearer TOKEN (an editor of the office's commune, or an admin)"),
    ),
    request_body(content = Object, content_type = "application/merge-patch+json",
        description = "The fields to change (`lon`, `lat`, `position_precision`, `address`, `opening_hours`, `phone`, `services`, `notes`, …; `null` clears one) and `reason`"),
    responses(
        (status = 200, description = "The office as changed, with its new ETag", body = OfficeView),
        (status = 400, description = "The body is not a JSON object, or If-Match is malformed", body = Problem, content_type = PROBLEM),
        (status = 401, description = "No token, or an unknown or revoked one", body = Problem, content_type = PROBLEM),
        (status = 403, description = "The token may not edit this office", body = Problem, content_type = PROBLEM),
        (status = 404, description = "No such office", body = Problem, content_type = PROBLEM),
        (status = 412, description = "The office changed since that version; the ETag header has the current one", body = Problem, content_type = PROBLEM),
        (status = 415, description = "The body is not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, each named in invalid_params", body = Problem, content_type = PROBLEM),
        (status = 428, description = "If-Match is missing", body = Problem, content_type = PROBLEM),
        (status = 503, description = "The registry database is unavailable; retry", body = Problem, content_type = PROBLEM),
    ))]
pub async fn patch(
    State(state): State<AppState>,
    Staff(actor): Staff,
    Path(id): Path<String>,
    headers: HeaderMap,
    JsonBody(mut body): JsonBody<Value>,
) -> ApiResult<Response> {
    let link = registry_link::of(&state)?;
    let expected = required_version(&headers)?;
    let object = as_object(&mut body)?;
    let mut errors = Vec::new();
    let reason = take_reason(object, &mut errors);
    if object.get("id").is_some_and(|v| v.as_str() != Some(id.as_str())) {
        errors.push(FieldError::new("id", "cannot be changed"));
        object.remove("id");
    }
    let current = current_record(&link, &id).await?;
    if current.version != expected {
        return Err(WriteError::VersionMismatch { current: Box::new(current) }.into());
    }
    let mut draft = OfficeDraft::from_record(&current);
    errors.extend(draft.merge_json(&body));
    let snapshot = arc_swap::Guard::into_inner(state.current());
    let (valid, reason) = checked(&snapshot, &draft, reason, errors)?;
    let change = link.call(move |r| r.update(&actor, &id, expected, &valid, &reason), wrote).await??;
    metrics::counter!("hue_map_registry_edits_total", "action" => "update").increment(1);
    Ok(written(&state, &link, &change.after, StatusCode::OK).await)
}

/// Adds an office (an agent point, a post office…): its fields as `GET` shows them (`id` is
/// generated when absent) and a `reason`.
#[utoipa::path(post, path = "/api/v1/offices", tag = "offices",
    params(("Authorization" = String, Header, description = "Bearer TOKEN")),
    request_body(content = Object, description = "`kind`, `name`, `address`, `lon`, `lat`, `position_precision`, optional `id`, `opening_hours`, `phone`, `services`, `notes`, `commune_code`, and `reason`"),
    responses(
        (status = 201, description = "The new office, with its ETag and Location", body = OfficeView),
        (status = 400, description = "The body is not a JSON object", body = Problem, content_type = PROBLEM),
        (status = 401, description = "No token, or an unknown or revoked one", body = Problem, content_type = PROBLEM),
        (status = 403, description = "The token may not edit that commune", body = Problem, content_type = PROBLEM),
        (status = 409, description = "An office with that id exists", body = Problem, content_type = PROBLEM),
        (status = 415, description = "The body is not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, each named in invalid_params", body = Problem, content_type = PROBLEM),
        (status = 503, description = "The registry database is unavailable; retry", body = Problem, content_type = PROBLEM),
    ))]
pub async fn create(
    State(state): State<AppState>,
    Staff(actor): Staff,
    JsonBody(mut body): JsonBody<Value>,
) -> ApiResult<Response> {
    let link = registry_link::of(&state)?;
    let mut errors = Vec::new();
    let reason = take_reason(as_object(&mut body)?, &mut errors);
    let (draft, problems) = OfficeDraft::from_json(&body);
    errors.extend(problems);
    let snapshot = arc_swap::Guard::into_inner(state.current());
    let (valid, reason) = checked(&snapshot, &draft, reason, errors)?;
    let change = link.call(move |r| r.create(&actor, &valid, &reason), wrote).await??;
    metrics::counter!("hue_map_registry_edits_total", "action" => "create").increment(1);
    let mut response = written(&state, &link, &change.after, StatusCode::CREATED).await;
    if let Ok(location) = HeaderValue::from_str(&format!("/api/v1/offices/{}", change.after.id)) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    Ok(response)
}

/// Closes an office: it leaves every answer (locate, nearest, tiles, exports) but stays in
/// the history. The `reason` comes as `{"reason": "..."}` or `?reason=`.
#[utoipa::path(delete, path = "/api/v1/offices/{id}", tag = "offices",
    params(
        ("id" = String, Path, description = "The office id"),
        ("reason" = Option<String>, Query, description = "Why it closes (or in a JSON body)"),
        ("If-Match" = String, Header, description = "The office's ETag"),
        ("Authorization" = String, Header, description = "Bearer TOKEN"),
    ),
    responses(
        (status = 200, description = "The office as closed (valid_to set)", body = Object),
        (status = 400, description = "A malformed body or If-Match", body = Problem, content_type = PROBLEM),
        (status = 401, description = "No token, or an unknown or revoked one", body = Problem, content_type = PROBLEM),
        (status = 403, description = "The token may not edit this office", body = Problem, content_type = PROBLEM),
        (status = 404, description = "No such office", body = Problem, content_type = PROBLEM),
        (status = 412, description = "The office changed since that version", body = Problem, content_type = PROBLEM),
        (status = 422, description = "No reason", body = Problem, content_type = PROBLEM),
        (status = 428, description = "If-Match is missing", body = Problem, content_type = PROBLEM),
        (status = 503, description = "The registry database is unavailable; retry", body = Problem, content_type = PROBLEM),
    ))]
pub async fn close(
    State(state): State<AppState>,
    Staff(actor): Staff,
    Path(id): Path<String>,
    headers: HeaderMap,
    params: QueryParams,
    body: Bytes,
) -> ApiResult<Response> {
    let link = registry_link::of(&state)?;
    params.reject_unknown(&["reason"])?;
    let expected = required_version(&headers)?;
    let mut errors = Vec::new();
    let reason = if body.iter().all(u8::is_ascii_whitespace) {
        let text = params.single("reason")?.unwrap_or("");
        Reason::parse(text).map_err(|e| errors.push(e)).ok()
    } else {
        let mut value: Value = serde_json::from_slice(&body).map_err(|e| {
            Problem::new(StatusCode::BAD_REQUEST, format!("the body must be {{\"reason\": \"...\"}}: {e}"))
        })?;
        take_reason(as_object(&mut value)?, &mut errors)
    };
    let Some(reason) = reason.filter(|_| errors.is_empty()) else {
        return Err(WriteError::Invalid(errors).into());
    };
    let change = link.call(move |r| r.close(&actor, &id, expected, &reason), wrote).await??;
    metrics::counter!("hue_map_registry_edits_total", "action" => "close").increment(1);
    if let Err(error) = link.refresh(&state).await {
        tracing::warn!(%error, "closed, but the snapshot could not be refreshed yet");
    }
    Ok(axum::Json(change.after).into_response_with_etag())
}

/// A closed record as JSON, with its ETag.
trait WithEtag {
    fn into_response_with_etag(self) -> Response;
}

impl WithEtag for axum::Json<OfficeRecord> {
    fn into_response_with_etag(self) -> Response {
        use axum::response::IntoResponse;
        let etag = crate::http::conditional::etag(self.0.version);
        let mut response = self.into_response();
        if let Ok(value) = HeaderValue::from_str(&etag) {
            response.headers_mut().insert(header::ETAG, value);
        }
        response
    }
}
