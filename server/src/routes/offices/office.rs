//! `/api/v1/offices/{id}`: one office. `GET` answers from memory with an ETag carrying its
//! version; `PATCH` (an RFC 7396 merge patch) and `DELETE` (close: the office leaves every
//! answer but keeps its history) need a staff token, a `reason`, and `If-Match` with the
//! version they change. A write answers once this replica serves it; the others follow
//! within a second.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use registry::{take_reason, Reason, WriteError};
use serde_json::{Map, Value};

use super::written;
use crate::http::auth::Staff;
use crate::http::conditional::{etag, required_version, unchanged, validated};
use crate::http::error_responses::{
    BadRequest, Gone, JsonBodyRefusals, NotFound, StaffRefusals, TooLarge, Unprocessable, VersionedWriteRefusals,
};
use crate::http::{ApiResult, JsonBody, Problem, QueryParams};
use crate::state::AppState;
use crate::views::{office_response, OfficeView};

/// One office, with an ETag carrying its version (`If-None-Match` gives 304). A closed
/// office is 410 Gone (its history stays readable).
#[utoipa::path(get, path = "/api/v1/offices/{id}", tag = "offices",
    params(("id" = String, Path, description = "The office id")),
    responses(
        (status = 200, description = "The office", body = OfficeView, headers(("ETag" = String, description = "\"v{version}\""))),
        (status = 304, description = "Unchanged since the ETag given"),
        NotFound, Gone,
    ))]
pub async fn one(State(state): State<AppState>, Path(id): Path<String>, headers: HeaderMap) -> ApiResult<Response> {
    let snapshot = state.current();
    let data = &snapshot.data;
    if let Some(index) = data.office_by_id(&id) {
        let office = &data.offices[index];
        // Revalidated every time: an office changes when staff edit it, not on a schedule.
        let etag = etag(office.version);
        let answer = || validated(office_response(office, None, StatusCode::OK), &etag, "no-cache");
        return Ok(unchanged(&headers, &etag, "no-cache").unwrap_or_else(answer));
    }
    if let Some(link) = state.registry.clone() {
        let wanted = id.clone();
        if let Some(record) = link.read(move |r| r.office(&wanted)).await??.filter(|r| !r.is_current()) {
            let closed = record.valid_to.map(|t| t.to_rfc3339()).unwrap_or_default();
            return Err(Problem::new(
                StatusCode::GONE,
                format!("office {id:?} was closed on {closed}; its history is at /api/v1/offices/{id}/history"),
            ));
        }
    }
    Err(Problem::not_found(format!("no office has id {id:?}")))
}

/// A write refused because the office is closed is 410 Gone at the office's own URL, as
/// `GET` answers there (its history stays readable); every other refusal as usual.
fn gone(error: WriteError) -> Problem {
    match error {
        WriteError::Closed { .. } => Problem::new(StatusCode::GONE, error.to_string()),
        other => Problem::from(other),
    }
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
        JsonBodyRefusals, StaffRefusals, NotFound, VersionedWriteRefusals, Unprocessable,
    ))]
pub async fn patch(
    State(state): State<AppState>,
    Staff(actor): Staff,
    Path(id): Path<String>,
    headers: HeaderMap,
    JsonBody(patch): JsonBody<Map<String, Value>>,
) -> ApiResult<Response> {
    let link = state.registry_link()?;
    let expected = required_version(&headers)?;
    let snapshot = arc_swap::Guard::into_inner(state.current());
    let change = link.write(move |r| r.patch(&actor, &id, expected, patch, &snapshot.data)).await?.map_err(gone)?;
    metrics::counter!("hue_map_registry_edits_total", "action" => "update").increment(1);
    Ok(written(&link, &change, StatusCode::OK).await)
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
        (status = 200, description = "The office as closed (`valid_to` set), with its new ETag", body = OfficeView),
        BadRequest, StaffRefusals, NotFound, TooLarge, VersionedWriteRefusals, Unprocessable,
    ))]
pub async fn close(
    State(state): State<AppState>,
    Staff(actor): Staff,
    Path(id): Path<String>,
    headers: HeaderMap,
    params: QueryParams,
    body: Bytes,
) -> ApiResult<Response> {
    let link = state.registry_link()?;
    params.reject_unknown(&["reason"])?;
    let expected = required_version(&headers)?;
    let mut errors = Vec::new();
    let reason = if body.iter().all(u8::is_ascii_whitespace) {
        let text = params.single("reason")?.unwrap_or("");
        Reason::parse(text).map_err(|e| errors.push(e)).ok()
    } else {
        registry::json_keys::check(&body).map_err(|why| Problem::new(StatusCode::BAD_REQUEST, why))?;
        let mut value: Value = serde_json::from_slice(&body).map_err(|e| {
            Problem::new(StatusCode::BAD_REQUEST, format!("the body must be {{\"reason\": \"...\"}}: {e}"))
        })?;
        let object = value
            .as_object_mut()
            .ok_or_else(|| Problem::new(StatusCode::BAD_REQUEST, "the body must be {\"reason\": \"...\"}"))?;
        take_reason(object, &mut errors)
    };
    let Some(reason) = reason.filter(|_| errors.is_empty()) else {
        return Err(WriteError::Invalid(errors).into());
    };
    let change = link.write(move |r| r.close(&actor, &id, expected, &reason)).await?.map_err(gone)?;
    metrics::counter!("hue_map_registry_edits_total", "action" => "close").increment(1);
    Ok(written(&link, &change, StatusCode::OK).await)
}
