//! What the office writes share: reading the `reason`, validating a draft against the served
//! communes (every problem at once), and answering once this replica serves the change.
//! Not a route module: the routes are in `mod.rs` (`/api/v1/offices`) and `office.rs`
//! (`/api/v1/offices/{id}`).

use std::sync::Arc;

use axum::http::StatusCode;
use axum::response::Response;
use registry::{FieldError, OfficeDraft, OfficeRecord, Reason, ValidOffice, WriteError};
use serde_json::{Map, Value};

use crate::http::Problem;
use crate::registry_link::{answered, RegistryLink};
use crate::state::Snapshot;
use crate::views::office_response;

/// Takes `reason` out of a write's body: required, non-empty text.
pub(super) fn take_reason(object: &mut Map<String, Value>, errors: &mut Vec<FieldError>) -> Option<Reason> {
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
pub(super) fn checked(
    snapshot: &Snapshot,
    draft: &OfficeDraft,
    reason: Option<Reason>,
    errors: Vec<FieldError>,
) -> Result<(ValidOffice, Reason), Problem> {
    let data = &snapshot.data;
    let locate = |lon: f64, lat: f64| data.locate(lon, lat).commune.map(|i| data.communes[i].code.clone());
    let errors = match (registry::validate::validate_parsed(draft, errors, &locate), reason) {
        (Ok(valid), Some(reason)) if data.commune_by_code(valid.commune_code()).is_some() => {
            return Ok((valid, reason))
        }
        (Ok(valid), Some(_)) => {
            vec![FieldError::new("commune_code", format!("no commune has code {:?}", valid.commune_code()))]
        }
        // `take_reason` has already listed the missing reason, so this is never reached.
        (Ok(_), None) => vec![FieldError::new("reason", "is required")],
        (Err(errors), _) => errors,
    };
    Err(WriteError::Invalid(errors).into())
}

pub(super) fn as_object(body: &mut Value) -> Result<&mut Map<String, Value>, Problem> {
    body.as_object_mut().ok_or_else(|| Problem::new(StatusCode::BAD_REQUEST, "the body must be a JSON object"))
}

/// The current record, or 404 (410 when it was closed).
pub(super) async fn current_record(link: &Arc<RegistryLink>, id: &str) -> Result<OfficeRecord, Problem> {
    let wanted = id.to_string();
    match link.call(move |r| r.office(&wanted), answered).await?? {
        Some(record) if record.is_current() => Ok(record),
        Some(_) => Err(Problem::new(StatusCode::GONE, format!("office {id:?} is closed"))),
        None => Err(Problem::not_found(format!("no office has id {id:?}"))),
    }
}

/// Answers with the office as written, once this replica serves it.
pub(super) async fn written(link: &RegistryLink, change: &registry::Change, status: StatusCode) -> Response {
    link.committed(change.seq).await;
    office_response(&data_boundaries::Office::from(&change.after), status)
}
