//! Each record as a row, for both databases: its columns, the values written to them, and how
//! a row read back becomes the record again. The three are written in one order, side by side,
//! so that a column cannot be added to one and forgotten in another; decoding errors are
//! [`StoreError::Corrupt`], naming the record.

use chrono::{DateTime, Utc};
use data_boundaries::{OfficeKind, PositionPrecision};
use serde_json::Value;

use super::sql::{read, values, Columns, SqlValue};
use super::{corrupt, json, signed, unsigned};
use crate::error::StoreError;
use crate::model::{ActorRef, Change, ChangeAction, OfficeRecord, Role};
use crate::reports::{Report, ReportKind, ReportStatus};
use crate::tokens::{StoredToken, TokenInfo};

/// The columns of `offices`, in the order of [`office_values`] and [`office_from_row`].
pub(crate) const OFFICE_COLUMNS: &str = "id, kind, name, address, lon, lat, position_precision, commune_code, \
     outside_commune_reason, opening_hours, phone, services, notes, source, valid_from, valid_to, version";
/// The columns of `changes`, in the order of [`change_values`] and [`change_from_row`].
pub(crate) const CHANGE_COLUMNS: &str =
    "seq, office_id, office_version, action, token_id, token_name, at, reason, report_id, fields, before, after";
/// The columns of `reports`, in the order of [`report_from_row`].
pub(crate) const REPORT_COLUMNS: &str =
    "id, office_id, commune_code, kind, message, proposed_lon, proposed_lat, status, \
     created_at, resolved_at, resolved_by_token_id, resolved_by_name, resolution_reason";
/// The columns of `tokens`, in the order of [`token_values`] and [`token_from_row`].
pub(crate) const TOKEN_COLUMNS: &str = "id, name, role, communes, hash, created_at, revoked_at";

/// An office's row.
pub(crate) fn office_values(o: &OfficeRecord) -> Result<Vec<SqlValue>, StoreError> {
    Ok(values![
        o.id.as_str(),
        o.kind.as_str(),
        o.name.as_str(),
        o.address.as_str(),
        o.lon,
        o.lat,
        o.position_precision.as_str(),
        o.commune_code.as_str(),
        o.outside_commune_reason.as_deref(),
        o.opening_hours.as_deref(),
        o.phone.as_deref(),
        json(&o.services),
        o.notes.as_deref(),
        o.source.as_str(),
        o.valid_from,
        o.valid_to,
        signed(o.version)?,
    ]
    .into())
}

pub(crate) fn office_from_row(row: &dyn Columns) -> Result<OfficeRecord, StoreError> {
    let id: String = read(row, 0)?;
    let kind: String = read(row, 1)?;
    let precision: String = read(row, 6)?;
    let services: Value = read(row, 11)?;
    let version: i64 = read(row, 16)?;
    Ok(OfficeRecord {
        kind: OfficeKind::parse(&kind).ok_or_else(|| corrupt(format!("office {id}: kind {kind:?}")))?,
        position_precision: PositionPrecision::parse(&precision)
            .ok_or_else(|| corrupt(format!("office {id}: precision {precision:?}")))?,
        services: serde_json::from_value(services).map_err(|e| corrupt(format!("office {id}: services: {e}")))?,
        version: unsigned(version)?,
        name: read(row, 2)?,
        address: read(row, 3)?,
        lon: read(row, 4)?,
        lat: read(row, 5)?,
        commune_code: read(row, 7)?,
        outside_commune_reason: read(row, 8)?,
        opening_hours: read(row, 9)?,
        phone: read(row, 10)?,
        notes: read(row, 12)?,
        source: read(row, 13)?,
        valid_from: read(row, 14)?,
        valid_to: read(row, 15)?,
        id,
    })
}

/// A change's row.
pub(crate) fn change_values(c: &Change) -> Result<Vec<SqlValue>, StoreError> {
    Ok(values![
        signed(c.seq)?,
        c.office_id.as_str(),
        signed(c.office_version)?,
        c.action.as_str(),
        c.actor.token_id.as_str(),
        c.actor.name.as_str(),
        c.at,
        c.reason.as_str(),
        c.report_id.map(signed).transpose()?,
        json(&c.fields),
        c.before.as_ref().map(json),
        json(&c.after),
    ]
    .into())
}

pub(crate) fn change_from_row(row: &dyn Columns) -> Result<Change, StoreError> {
    let seq = unsigned(read(row, 0)?)?;
    let action: String = read(row, 3)?;
    let report_id: Option<i64> = read(row, 8)?;
    let (fields, before, after): (Value, Option<Value>, Value) = (read(row, 9)?, read(row, 10)?, read(row, 11)?);
    let what = |part: &str, e: serde_json::Error| corrupt(format!("change {seq}: {part}: {e}"));
    Ok(Change {
        seq,
        office_id: read(row, 1)?,
        office_version: unsigned(read(row, 2)?)?,
        action: ChangeAction::parse(&action).ok_or_else(|| corrupt(format!("change {seq}: action {action:?}")))?,
        actor: ActorRef { token_id: read(row, 4)?, name: read(row, 5)? },
        at: read(row, 6)?,
        reason: read(row, 7)?,
        report_id: report_id.map(unsigned).transpose()?,
        fields: serde_json::from_value(fields).map_err(|e| what("fields", e))?,
        before: before.map(serde_json::from_value).transpose().map_err(|e| what("before", e))?,
        after: serde_json::from_value(after).map_err(|e| what("after", e))?,
    })
}

pub(crate) fn report_from_row(row: &dyn Columns) -> Result<Report, StoreError> {
    let id = unsigned(read(row, 0)?)?;
    let (kind, status): (String, String) = (read(row, 3)?, read(row, 7)?);
    let (proposed_lon, proposed_lat): (Option<f64>, Option<f64>) = (read(row, 5)?, read(row, 6)?);
    let (resolved_by_token_id, resolved_by_name): (Option<String>, Option<String>) = (read(row, 10)?, read(row, 11)?);
    Ok(Report {
        id,
        office_id: read(row, 1)?,
        commune_code: read(row, 2)?,
        kind: ReportKind::parse(&kind).ok_or_else(|| corrupt(format!("report {id}: kind {kind:?}")))?,
        message: read(row, 4)?,
        proposed_position: proposed_lon.zip(proposed_lat),
        status: ReportStatus::parse(&status).ok_or_else(|| corrupt(format!("report {id}: status {status:?}")))?,
        created_at: read(row, 8)?,
        resolved_at: read(row, 9)?,
        resolved_by: resolved_by_token_id
            .map(|token_id| ActorRef { token_id, name: resolved_by_name.unwrap_or_default() }),
        resolution_reason: read(row, 12)?,
    })
}

/// A token's row.
pub(crate) fn token_values(t: &StoredToken) -> Vec<SqlValue> {
    values![
        t.info.id.as_str(),
        t.info.name.as_str(),
        t.info.role.as_str(),
        json(&t.info.communes),
        t.hash.as_str(),
        t.info.created_at,
        t.info.revoked_at,
    ]
    .into()
}

pub(crate) fn token_from_row(row: &dyn Columns) -> Result<StoredToken, StoreError> {
    let id: String = read(row, 0)?;
    let (role, communes): (String, Value) = (read(row, 2)?, read(row, 3)?);
    let revoked_at: Option<DateTime<Utc>> = read(row, 6)?;
    Ok(StoredToken {
        info: TokenInfo {
            role: Role::parse(&role).ok_or_else(|| corrupt(format!("token {id}: role {role:?}")))?,
            communes: serde_json::from_value(communes).map_err(|e| corrupt(format!("token {id}: communes: {e}")))?,
            name: read(row, 1)?,
            created_at: read(row, 5)?,
            revoked_at,
            id,
        },
        hash: read(row, 4)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::sql::count;

    #[test]
    fn every_column_of_a_written_row_has_a_value() {
        let office = crate::model::tests::record();
        assert_eq!(office_values(&office).unwrap().len(), count(OFFICE_COLUMNS));
        let info = TokenInfo {
            id: "t".into(),
            name: "n".into(),
            role: Role::Admin,
            communes: vec![],
            created_at: Utc::now(),
            revoked_at: None,
        };
        assert_eq!(token_values(&StoredToken { info, hash: "h".into() }).len(), count(TOKEN_COLUMNS));
    }
}
