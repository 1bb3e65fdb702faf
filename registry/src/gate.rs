//! The one gate every office write passes through: create, update, close, import, a
//! resident's report accepted, and the first seeding all write an office here and nowhere
//! else, so a rule added here holds for every path (before it, an import could make a second
//! seat that PATCH refused).
//!
//! The rules, in this order (validation and the commune from the position come first, in
//! [`crate::validate`], which makes the [`OfficeRecord`] given here):
//! 1. permission: the actor holds the office's current commune and its new one;
//! 2. state: a closed office does not change;
//! 3. precision: a moved office is no longer at the commune's label point;
//! 4. who moved it: a moved office's `source` names who set the new position, unless the
//!    change gives a source of its own;
//! 5. something changed;
//! 6. one open seat per commune (also a unique index in both stores, as a last line);
//! 7. the write (a conditional replace for an existing office), then its history.

use chrono::{DateTime, Utc};
use data_boundaries::{OfficeKind, PositionPrecision};

use crate::error::{FieldError, StoreError, WriteError};
use crate::model::{changed_fields, Actor, Change, ChangeAction, OfficeRecord};
use crate::store::Tx;

/// What a change record says besides the records.
pub(crate) struct ChangeMeta<'a> {
    pub action: ChangeAction,
    pub actor: &'a Actor,
    pub reason: &'a str,
    pub report_id: Option<u64>,
    pub at: DateTime<Utc>,
}

/// Writes `next` (a new office when `before` is `None`, else the next version of `before`)
/// after the rules above, and appends its change record.
pub(crate) fn write_office(
    tx: &mut dyn Tx,
    before: Option<OfficeRecord>,
    mut next: OfficeRecord,
    meta: &ChangeMeta<'_>,
) -> Result<Change, WriteError> {
    if let Some(current) = &before {
        permit(meta.actor, &current.commune_code)?;
    }
    permit(meta.actor, &next.commune_code)?;
    if let Some(current) = &before {
        if !current.is_current() {
            return Err(WriteError::Closed { id: current.id.clone() });
        }
        check_position_precision(current, &next)?;
        note_who_moved_it(current, &mut next, meta.actor);
        if changed_fields(Some(current), &next).is_empty() {
            return Err(WriteError::NoChange { current: Box::new(current.clone()) });
        }
    }
    if before.is_none() && tx.office(&next.id)?.is_some() {
        return Err(WriteError::AlreadyExists { id: next.id.clone() });
    }
    one_seat_per_commune(tx, before.as_ref(), &next)?;
    match &before {
        Some(current) => replace(tx, current, &next)?,
        None => tx.insert_office(&next)?,
    }
    Ok(append(tx, before, next, meta)?)
}

/// Whether `actor` may change offices in `commune`.
pub(crate) fn permit(actor: &Actor, commune: &str) -> Result<(), WriteError> {
    if actor.may_edit(commune) {
        Ok(())
    } else {
        Err(WriteError::Forbidden {
            reason: format!("token {:?} may not change offices in commune {commune}", actor.name),
        })
    }
}

/// A moved office cannot keep a label-point precision: positions are never passed off as
/// something they are not.
fn check_position_precision(current: &OfficeRecord, next: &OfficeRecord) -> Result<(), WriteError> {
    let moved = current.lon != next.lon || current.lat != next.lat;
    if moved && next.position_precision == PositionPrecision::CommuneLabelPoint {
        return Err(FieldError::new(
            "position_precision",
            "the position changed, so it is no longer the commune's label point: say how it was obtained \
             (surveyed, hand_placed, geocoded or approximate_geocoded)",
        )
        .into());
    }
    Ok(())
}

/// A moved office whose `source` still describes the old position would mislead: unless the
/// change gives a source of its own, the position now comes from this person (the history
/// says when and why).
fn note_who_moved_it(current: &OfficeRecord, next: &mut OfficeRecord, actor: &Actor) {
    if (next.lon, next.lat) != (current.lon, current.lat) && next.source == current.source {
        next.source = format!("position set by {}", actor.name);
    }
}

/// A commune has one seat: a seat may not be added to, or moved into, a commune whose seat
/// is another office (close or change that one first). Without this, `locate` would answer
/// with whichever seat sorts first. A seat moved there from its own commune is told where its
/// new position lies, which is what the person moving it needs to know.
fn one_seat_per_commune(
    tx: &mut dyn Tx,
    before: Option<&OfficeRecord>,
    record: &OfficeRecord,
) -> Result<(), WriteError> {
    if record.kind != OfficeKind::CommuneSeat || !record.is_current() {
        return Ok(());
    }
    let Some(seat) = tx.open_seat(&record.commune_code, &record.id)? else {
        return Ok(());
    };
    let error = match before.filter(|b| b.kind == OfficeKind::CommuneSeat && b.commune_code != record.commune_code) {
        Some(moved) => FieldError::new(
            "position",
            format!(
                "({}, {}) lies in commune {}, not in this seat's commune {}; commune {} has its seat, {seat} \
                 (if this office really is housed there, set allow_outside_commune with outside_commune_reason)",
                record.lon, record.lat, record.commune_code, moved.commune_code, record.commune_code
            ),
        ),
        None => FieldError::new(
            "kind",
            format!("commune {} already has a seat, {seat}; close or change that office first", record.commune_code),
        ),
    };
    Err(error.into())
}

/// The conditional replace: `UPDATE … WHERE id = ? AND version = ?`. Writers are serialised,
/// so a miss means the office changed inside this very transaction's view: report it.
fn replace(tx: &mut dyn Tx, current: &OfficeRecord, next: &OfficeRecord) -> Result<(), WriteError> {
    if tx.replace_office(next, current.version)? {
        Ok(())
    } else {
        let now_current =
            tx.office(&current.id)?.ok_or_else(|| WriteError::NotFound { what: "office", id: current.id.clone() })?;
        Err(WriteError::VersionMismatch { current: Box::new(now_current) })
    }
}

/// Appends the change from `before` to `after` as the next registry version.
fn append(
    tx: &mut dyn Tx,
    before: Option<OfficeRecord>,
    after: OfficeRecord,
    meta: &ChangeMeta<'_>,
) -> Result<Change, StoreError> {
    let seq = tx.registry_version()? + 1;
    let change = Change {
        seq,
        office_id: after.id.clone(),
        office_version: after.version,
        action: meta.action,
        actor: meta.actor.reference(),
        at: meta.at,
        reason: meta.reason.to_string(),
        report_id: meta.report_id,
        fields: changed_fields(before.as_ref(), &after),
        before,
        after,
    };
    tx.insert_change(&change)?;
    Ok(change)
}
