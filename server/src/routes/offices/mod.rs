//! `/api/v1/offices`: the public-service points, kept in the office registry: the list, and
//! adding one. Deeper paths are in the submodule their segment names: `office.rs` for
//! `/api/v1/offices/{id}`, and `history.rs`, `changes.rs`, `import.rs`, `reports.rs`.

mod changes;
mod history;
mod import;
mod office;
mod reports;

use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::http::auth::Staff;
use crate::http::error_responses::{BadRequest, Conflict, JsonBodyRefusals, StaffRefusals, Unprocessable};
use crate::http::{ApiResult, JsonBody, Problem, QueryParams};
use crate::office_registry::link::RegistryLink;
use crate::state::AppState;
use crate::views::{office_response, OfficeView};
use registry::{IdempotencyKey, Once};

/// Every office that is open, with the registry version they come from.
#[derive(Serialize, ToSchema)]
pub struct OfficeList<'a> {
    pub count: usize,
    /// The registry version these offices come from (0 without a registry).
    pub registry_version: u64,
    pub offices: Vec<OfficeView<'a>>,
}

/// Every office, optionally only of some kinds.
#[utoipa::path(get, path = "/api/v1/offices", tag = "offices",
    params(("kind" = Option<Vec<data_boundaries::OfficeKind>>, Query, explode = true, description = "Only these kinds (repeat, or separate with commas)")),
    responses(
        (status = 200, description = "The offices", body = OfficeList),
        BadRequest,
    ))]
pub async fn list(State(state): State<AppState>, params: QueryParams) -> ApiResult<Response> {
    let kinds = params.office_kinds()?;
    let snapshot = state.current();
    let data = &snapshot.data;
    let offices: Vec<OfficeView> = data
        .offices
        .iter()
        .filter(|o| kinds.is_empty() || kinds.contains(&o.kind))
        .map(|o| OfficeView::new(o, None))
        .collect();
    Ok(Json(OfficeList { count: offices.len(), registry_version: snapshot.registry_version, offices }).into_response())
}

/// Adds an office (an agent point, a post office…): its fields as `GET` shows them (`id` is
/// generated when absent) and a `reason`.
#[utoipa::path(post, path = "/api/v1/offices", tag = "offices",
    params(
        ("Authorization" = String, Header, description = "Bearer TOKEN"),
        ("Idempotency-Key" = Option<String>, Header, description = "Any unique string (a UUID): the same key for the same request within 24 hours answers the first result (with `Idempotent-Replayed: true`) and creates nothing more; the same key for another request is a 422"),
    ),
    request_body(content = Object, description = "`kind`, `name`, `address`, `lon`, `lat`, `position_precision`, optional `id`, `opening_hours`, `phone`, `services`, `notes`, `commune_code`, and `reason`"),
    responses(
        (status = 201, description = "The new office, with its ETag and Location", body = OfficeView),
        JsonBodyRefusals, StaffRefusals, Conflict, Unprocessable,
    ))]
pub async fn create(
    State(state): State<AppState>,
    Staff(actor): Staff,
    headers: HeaderMap,
    JsonBody(body): JsonBody<Map<String, Value>>,
) -> ApiResult<Response> {
    let link = state.registry_link()?;
    let request = serde_json::to_vec(&body).unwrap_or_default();
    let key = idempotency_key(&headers, &[b"POST /api/v1/offices", &request])?;
    let snapshot = arc_swap::Guard::into_inner(state.current());
    let once = link.write(move |r| r.create_from_body(&actor, body, &snapshot.data, key.as_ref())).await??;
    let replayed = matches!(once, Once::Replayed(_));
    let change = once.into_inner();
    if !replayed {
        metrics::counter!("hue_map_registry_edits_total", "action" => "create").increment(1);
    }
    let mut response = written(&link, &change, StatusCode::CREATED).await;
    if replayed {
        response.headers_mut().insert(REPLAYED, HeaderValue::from_static("true"));
    }
    if let Ok(location) = HeaderValue::from_str(&format!("/api/v1/offices/{}", change.after.id)) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    Ok(response)
}

/// Answers with an office as a write left it (closed ones with `valid_to`), once this
/// replica serves the change: every office write answers this one representation.
pub(crate) async fn written(link: &RegistryLink, change: &registry::Change, status: StatusCode) -> Response {
    link.committed(change.seq).await;
    office_response(&data_boundaries::Office::from(&change.after), change.after.valid_to, status)
}

/// Marks an answer given again for a repeated `Idempotency-Key` (nothing was written).
pub(crate) const REPLAYED: HeaderName = HeaderName::from_static("idempotent-replayed");

/// The request's `Idempotency-Key`, if it sent one, bound to what makes the request itself
/// (`request`): the same key with another request is refused.
pub(crate) fn idempotency_key(headers: &HeaderMap, request: &[&[u8]]) -> Result<Option<IdempotencyKey>, Problem> {
    let Some(value) = headers.get("idempotency-key") else {
        return Ok(None);
    };
    let text = value.to_str().unwrap_or("\u{0}");
    IdempotencyKey::new(text, request).map(Some).map_err(|e| Problem::invalid_param(e.field, e.reason))
}

/// This module's routes, each registered with its OpenAPI operation. The feed's static
/// segments (`changes`, `import`) take precedence over `{id}`.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(office::one, office::patch, office::close))
        .routes(routes!(history::history))
        .routes(routes!(changes::feed))
        .routes(routes!(changes::atom))
        .routes(routes!(import::import))
        .routes(routes!(reports::report))
}
