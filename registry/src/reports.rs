//! Residents' reports about an office ("it has moved", "it is closed", "the hours are
//! wrong"): anonymous, so nothing about the sender is stored — not an address, not a name,
//! only what they wrote and the position they propose.
//!
//! Staff accept or reject a report with a reason; accepting one that proposes a position
//! moves the office in the same transaction, recorded in its history with the report's id.

use chrono::{DateTime, Utc};
use data_boundaries::PositionPrecision;
use serde::Serialize;

use crate::field_error::FieldError;
use crate::model::ActorRef;

/// The longest report message, in characters.
pub const MAX_MESSAGE: usize = 1000;

/// What a resident says is wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ReportKind {
    /// The office is somewhere else (usually with a proposed position).
    WrongPosition,
    /// The office has closed.
    Closed,
    /// The opening hours are wrong.
    WrongHours,
    /// Anything else (the message must say what).
    Other,
}

impl ReportKind {
    /// Every kind, in order.
    pub const ALL: [ReportKind; 4] =
        [ReportKind::WrongPosition, ReportKind::Closed, ReportKind::WrongHours, ReportKind::Other];

    /// The identifier as stored and serialised.
    pub fn as_str(self) -> &'static str {
        match self {
            ReportKind::WrongPosition => "wrong_position",
            ReportKind::Closed => "closed",
            ReportKind::WrongHours => "wrong_hours",
            ReportKind::Other => "other",
        }
    }

    /// Reads the identifier.
    pub fn parse(text: &str) -> Option<ReportKind> {
        ReportKind::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

/// Where a report stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ReportStatus {
    /// Waiting for staff.
    Open,
    /// Accepted by staff (and applied, when it proposed a position).
    Accepted,
    /// Rejected by staff.
    Rejected,
}

impl ReportStatus {
    /// The identifier as stored and serialised.
    pub fn as_str(self) -> &'static str {
        match self {
            ReportStatus::Open => "open",
            ReportStatus::Accepted => "accepted",
            ReportStatus::Rejected => "rejected",
        }
    }

    /// Reads the identifier.
    pub fn parse(text: &str) -> Option<ReportStatus> {
        [ReportStatus::Open, ReportStatus::Accepted, ReportStatus::Rejected].into_iter().find(|s| s.as_str() == text)
    }
}

/// Which reports to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportFilter {
    /// Only reports in this status.
    Status(ReportStatus),
    /// Every report.
    All,
}

/// A resident's report.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Report {
    /// Sequential id.
    pub id: u64,
    /// The office it is about.
    pub office_id: String,
    /// The office's commune when the report was made (editors see their communes' reports).
    pub commune_code: String,
    /// What is wrong.
    pub kind: ReportKind,
    /// The resident's words (may be empty except for `other`).
    pub message: String,
    /// The position the resident proposes, (lon, lat).
    pub proposed_position: Option<(f64, f64)>,
    /// Where it stands.
    pub status: ReportStatus,
    /// When it was received.
    pub created_at: DateTime<Utc>,
    /// When staff resolved it.
    pub resolved_at: Option<DateTime<Utc>>,
    /// Who resolved it.
    pub resolved_by: Option<ActorRef>,
    /// Why, in the resolver's words.
    pub resolution_reason: Option<String>,
}

/// A report as a resident submits it.
#[derive(Debug, Clone, PartialEq)]
pub struct NewReport {
    /// The office it is about.
    pub office_id: String,
    /// What is wrong.
    pub kind: ReportKind,
    /// What they say (at most 1,000 characters).
    pub message: String,
    /// A proposed position, (lon, lat).
    pub proposed_position: Option<(f64, f64)>,
}

impl NewReport {
    /// Every invalid field of the report (the office's existence is checked when stored).
    pub fn problems(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        let message = self.message.trim();
        if message.chars().count() > MAX_MESSAGE {
            errors.push(FieldError::new("message", format!("is longer than {MAX_MESSAGE} characters")));
        }
        if crate::validate::has_control_characters(&self.message) {
            errors.push(FieldError::new("message", "contains control characters or noncharacters (U+FFFE, U+FFFF, …)"));
        }
        if message.is_empty() && self.kind == ReportKind::Other {
            errors.push(FieldError::new("message", "is required for a report of kind other"));
        }
        if let Some((lon, lat)) = self.proposed_position {
            if !lon.is_finite() || lon.abs() > 180.0 {
                errors.push(FieldError::new("proposed_lon", "must be a finite number in −180…180"));
            }
            if !lat.is_finite() || lat.abs() > 90.0 {
                errors.push(FieldError::new("proposed_lat", "must be a finite number in −90…90"));
            }
        }
        errors
    }
}

/// What staff decide about a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolution {
    /// Accept it. When it proposes a position, the office moves there with this precision,
    /// which the resolver must state (how did they confirm it: on the ground, from the
    /// address?); a report without a position changes no office.
    Accept {
        /// The precision of the proposed position, required when there is one.
        position_precision: Option<PositionPrecision>,
    },
    /// Reject it.
    Reject,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_problems() {
        let ok = NewReport {
            office_id: "x".into(),
            kind: ReportKind::WrongPosition,
            message: String::new(),
            proposed_position: Some((107.5, 16.4)),
        };
        assert!(ok.problems().is_empty());
        let bad = NewReport {
            kind: ReportKind::Other,
            proposed_position: Some((f64::INFINITY, 100.0)),
            message: " ".into(),
            ..ok.clone()
        };
        let fields: Vec<String> = bad.problems().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["message", "proposed_lon", "proposed_lat"]);
        let long = NewReport { message: "á".repeat(1001), ..ok };
        assert_eq!(long.problems().len(), 1);
    }
}
