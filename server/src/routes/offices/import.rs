//! `POST /api/v1/offices/import?dry_run=true|false&reason=…`: many offices at once, as CSV
//! (the `offices.csv` columns) or GeoJSON. A dry run reports each row's outcome (new,
//! changed, unchanged, error) and writes nothing; a real import is one transaction: every
//! row, or none when any row is in error.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use registry::{ImportMode, ImportReport, Once, Reason, WriteError};

use crate::http::auth::Staff;
use crate::http::error_responses::{BadRequest, StaffRefusals, TooLarge, Unprocessable, UnsupportedMediaType};
use crate::http::{ApiResult, Problem, QueryParams};
use crate::state::AppState;

/// Imports offices from CSV or GeoJSON.
#[utoipa::path(post, path = "/api/v1/offices/import", tag = "offices",
    params(
        ("dry_run" = Option<bool>, Query, description = "true (the default): report only; false: write"),
        ("reason" = String, Query, description = "Why, for the history"),
        ("Authorization" = String, Header, description = "Bearer TOKEN"),
        ("Idempotency-Key" = Option<String>, Header, description = "Any unique string (a UUID): the same file imported again under the same key within 24 hours answers the first report (with `Idempotent-Replayed: true`) and writes nothing"),
    ),
    request_body(content = String, content_type = "text/csv", description = "offices.csv columns, or a GeoJSON FeatureCollection (application/geo+json)"),
    responses(
        (status = 200, description = "Each row's outcome; `applied` says whether anything was written (false for a dry run)", body = ImportReport),
        BadRequest, StaffRefusals, TooLarge, UnsupportedMediaType, Unprocessable,
    ))]
pub async fn import(
    State(state): State<AppState>,
    Staff(actor): Staff,
    params: QueryParams,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Response> {
    let link = state.registry_link()?;
    params.reject_unknown(&["dry_run", "reason"])?;
    let mode = match params.single("dry_run")? {
        None | Some("true") => ImportMode::DryRun,
        Some("false") => ImportMode::Apply,
        Some(other) => return Err(Problem::invalid_param("dry_run", format!("must be true or false, got {other:?}"))),
    };
    let reason = Reason::parse(params.single("reason")?.unwrap_or("")).map_err(|e| WriteError::Invalid(vec![e]))?;
    let content_type_bytes = headers.get(header::CONTENT_TYPE).map(|v| v.as_bytes()).unwrap_or_default();
    let key = super::idempotency_key(
        &headers,
        &[b"POST /api/v1/offices/import", reason.as_str().as_bytes(), content_type_bytes, &body],
    )?;
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let essence = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    type Parse = fn(&str) -> Result<Vec<registry::ImportRow>, registry::import::ImportParseError>;
    let parse: Parse = match essence.as_str() {
        "text/csv" => registry::parse_csv,
        "application/geo+json" | "application/json" => registry::parse_geojson,
        _ => {
            return Err(Problem::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                format!("send text/csv or application/geo+json (got {content_type:?})"),
            ))
        }
    };
    // Reading a 2 MiB file is CPU work: off the async workers.
    let rows = crate::cpu::run(move || {
        let text =
            std::str::from_utf8(&body).map_err(|_| Problem::new(StatusCode::BAD_REQUEST, "the file is not UTF-8"))?;
        parse(text).map_err(|e| Problem::new(StatusCode::BAD_REQUEST, format!("{}: {}", e.location, e.reason)))
    })
    .await??;
    let snapshot = arc_swap::Guard::into_inner(state.current());
    let report =
        link.write(move |r| r.import_once(&actor, &rows, &reason, mode, &snapshot.data, key.as_ref())).await??;
    let replayed = matches!(report, Once::Replayed(_));
    let report = report.into_inner();
    if replayed {
        let mut response = Json(report).into_response();
        response.headers_mut().insert(super::REPLAYED, HeaderValue::from_static("true"));
        return Ok(response);
    }
    if report.applied {
        metrics::counter!("hue_map_registry_edits_total", "action" => "import").increment(1);
        link.committed(report.registry_version).await;
    }
    let errors = report.errors();
    if errors == 0 {
        return Ok(Json(report).into_response());
    }
    // A file with a bad row is refused whole: a problem that still lists every row's outcome,
    // so the sheet can be mended in one go.
    metrics::counter!("hue_map_registry_rejected_writes_total", "reason" => "invalid").increment(1);
    let status = StatusCode::UNPROCESSABLE_ENTITY;
    let problem = serde_json::json!({
        "type": "about:blank",
        "title": status.canonical_reason(),
        "status": status.as_u16(),
        "detail": format!(
            "{errors} of {} rows cannot be imported; nothing was written. Each row's outcome is listed.",
            report.outcomes.len()
        ),
        "applied": false,
        "registry_version": report.registry_version,
        "outcomes": report.outcomes,
    });
    Ok((status, [(header::CONTENT_TYPE, crate::http::problem::PROBLEM_JSON)], problem.to_string()).into_response())
}
