//! `GET /api/v1/audit` (admins): every change to the registry, newest first, filterable by
//! office, token and time, as JSON or (`?f=csv`) CSV for a spreadsheet.

use axum::extract::State;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, Utc};
use registry::{AuditFilter, Change};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::http::auth::Admin;
use crate::http::error_responses::{BadRequest, StaffRefusals};
use crate::http::media::CSV;
use crate::http::{ApiResult, Problem, QueryParams};
use crate::state::AppState;

fn time(params: &QueryParams, name: &str) -> ApiResult<Option<DateTime<Utc>>> {
    params
        .single(name)?
        .map(|text| {
            DateTime::parse_from_rfc3339(text)
                .map(|t| t.with_timezone(&Utc))
                .map_err(|e| Problem::invalid_param(name, format!("must be an RFC 3339 time: {e}")))
        })
        .transpose()
}

/// Changes, newest first, and how many.
#[derive(Serialize, ToSchema)]
pub struct ChangeList {
    pub count: usize,
    pub changes: Vec<Change>,
}

/// Changes to the registry, newest first.
#[utoipa::path(get, path = "/api/v1/audit", tag = "offices",
    params(
        ("office" = Option<String>, Query, description = "Only this office"),
        ("token" = Option<String>, Query, description = "Only changes made with this token id"),
        ("from" = Option<String>, Query, description = "At or after this RFC 3339 time"),
        ("to" = Option<String>, Query, description = "Before this RFC 3339 time"),
        ("limit" = Option<u32>, Query, minimum = 1, maximum = 1000, description = "At most this many (default 100)"),
        ("f" = Option<String>, Query, description = "json (default) or csv"),
        ("Authorization" = String, Header, description = "Bearer TOKEN of an admin"),
    ),
    responses(
        (status = 200, description = "The changes (as JSON; `f=csv` gives one row per change)", body = ChangeList),
        BadRequest, StaffRefusals,
    ))]
pub async fn audit(State(state): State<AppState>, Admin(_admin): Admin, params: QueryParams) -> ApiResult<Response> {
    let link = state.registry_link()?;
    params.reject_unknown(&["office", "token", "from", "to", "limit", "f"])?;
    let filter = AuditFilter {
        office_id: params.single("office")?.map(str::to_string),
        token_id: params.single("token")?.map(str::to_string),
        from: time(&params, "from")?,
        to: time(&params, "to")?,
        limit: Some(params.integer_in("limit", 100, 1, 1000)? as usize),
    };
    let csv = match params.single("f")? {
        None | Some("json") => false,
        Some("csv") => true,
        Some(other) => return Err(Problem::invalid_param("f", format!("must be json or csv, got {other:?}"))),
    };
    let changes = link.read(move |r| r.audit(&filter)).await??;
    if !csv {
        return Ok(Json(ChangeList { count: changes.len(), changes }).into_response());
    }
    let mut writer = csv::Writer::from_writer(Vec::new());
    let _ = writer.write_record([
        "seq",
        "at",
        "office_id",
        "office_version",
        "action",
        "token_id",
        "token_name",
        "reason",
        "report_id",
        "fields",
    ]);
    for c in &changes {
        let fields: Vec<&str> = c.fields.keys().map(String::as_str).collect();
        let record = [
            c.seq.to_string(),
            c.at.to_rfc3339(),
            c.office_id.clone(),
            c.office_version.to_string(),
            c.action.as_str().to_string(),
            c.actor.token_id.clone(),
            c.actor.name.clone(),
            c.reason.clone(),
            c.report_id.map(|r| r.to_string()).unwrap_or_default(),
            fields.join(" "),
        ];
        let _ = writer.write_record(record.iter().map(|cell| crate::formats::csv_cell::safe(cell).into_owned()));
    }
    let body = writer.into_inner().unwrap_or_default();
    Ok(([(header::CONTENT_TYPE, HeaderValue::from_static(CSV))], body).into_response())
}

/// This module's route, registered with its OpenAPI operation.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(audit))
}
