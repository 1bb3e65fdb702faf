//! `GET /api/v1/reports?status=open` and `POST /api/v1/reports/{id}/resolution`: staff read
//! the residents' reports for their communes (an admin sees all) and accept or reject each
//! with a reason. Accepting a report that proposes a position moves the office there, with
//! the precision the resolver states, in the same transaction, and the office's history links
//! the report.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use data_boundaries::PositionPrecision;
use registry::{FieldError, Reason, Report, ReportFilter, ReportStatus, Resolution, ResolvedReport, WriteError};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::http::auth::Staff;
use crate::http::error_responses::{BadRequest, Conflict, JsonBodyRefusals, NotFound, StaffRefusals, Unprocessable};
use crate::http::{ApiResult, JsonBody, Problem, QueryParams};
use crate::state::AppState;

/// The reports this token may resolve, newest first.
#[utoipa::path(get, path = "/api/v1/reports", tag = "offices",
    params(
        ("status" = Option<String>, Query, description = "open (default), accepted, rejected or all"),
        ("Authorization" = String, Header, description = "Bearer TOKEN"),
    ),
    responses(
        (status = 200, description = "The reports", body = ReportList),
        BadRequest, StaffRefusals,
    ))]
pub async fn list(State(state): State<AppState>, Staff(actor): Staff, params: QueryParams) -> ApiResult<Response> {
    let link = state.registry_link()?;
    params.reject_unknown(&["status"])?;
    let filter = match params.single("status")?.unwrap_or("open") {
        "all" => ReportFilter::All,
        text => ReportFilter::Status(ReportStatus::parse(text).ok_or_else(|| {
            Problem::invalid_param("status", format!("must be open, accepted, rejected or all, got {text:?}"))
        })?),
    };
    let reports = link.read(move |r| r.list_reports(&actor, filter)).await??;
    Ok(Json(ReportList { count: reports.len(), reports }).into_response())
}

/// Reports, newest first, and how many.
#[derive(Serialize, ToSchema)]
pub struct ReportList {
    pub count: usize,
    pub reports: Vec<Report>,
}

/// How a member of staff resolves a report.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    /// `accept` or `reject`.
    pub decision: String,
    /// Why, for the history and the resident's sake.
    pub reason: String,
    /// When accepting a proposed position: how it was confirmed (`surveyed`, `geocoded`, …).
    pub position_precision: Option<String>,
}

/// Accepts or rejects a report.
#[utoipa::path(post, path = "/api/v1/reports/{id}/resolution", tag = "offices",
    params(
        ("id" = u64, Path, description = "The report id"),
        ("Authorization" = String, Header, description = "Bearer TOKEN of an editor of the office's commune, or an admin"),
    ),
    request_body = Decision,
    responses(
        (status = 200, description = "The report as resolved, and the change it made (`null` when it moved nothing)", body = ResolvedReport),
        JsonBodyRefusals, StaffRefusals, NotFound, Conflict, Unprocessable,
    ))]
pub async fn resolve(
    State(state): State<AppState>,
    Staff(actor): Staff,
    Path(id): Path<String>,
    JsonBody(decision): JsonBody<Decision>,
) -> ApiResult<Response> {
    let link = state.registry_link()?;
    let id: u64 = id
        .parse()
        .ok()
        .filter(|n| *n <= i64::MAX as u64)
        .ok_or_else(|| Problem::not_found(format!("no report {id:?}")))?;
    let mut errors = Vec::new();
    let reason = Reason::parse(&decision.reason).map_err(|e| errors.push(e)).ok();
    let precision = match decision.position_precision.as_deref() {
        None => None,
        Some(text) => PositionPrecision::parse(text).or_else(|| {
            errors.push(FieldError::new(
                "position_precision",
                "must be surveyed, hand_placed, geocoded, approximate_geocoded or commune_label_point",
            ));
            None
        }),
    };
    let resolution = match decision.decision.as_str() {
        "accept" => Some(Resolution::Accept { position_precision: precision }),
        "reject" => Some(Resolution::Reject),
        _ => {
            errors.push(FieldError::new("decision", "must be accept or reject"));
            None
        }
    };
    let (Some(reason), Some(resolution)) = (reason, resolution) else {
        return Err(WriteError::Invalid(errors).into());
    };
    let snapshot = arc_swap::Guard::into_inner(state.current());
    let resolved = link.write(move |r| r.resolve_report(&actor, id, resolution, &reason, &snapshot.data)).await??;
    if let Some(change) = &resolved.change {
        metrics::counter!("hue_map_registry_edits_total", "action" => "report_accepted").increment(1);
        link.committed(change.seq).await;
    }
    Ok(Json(resolved).into_response())
}

/// This module's routes, each registered with its OpenAPI operation.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list)).routes(routes!(resolve))
}
