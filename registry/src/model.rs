//! What the registry keeps: office records with their version and validity period, who may
//! change them ([`Actor`]), and the change records that make up every office's history and
//! the change feed.
//!
//! A record is never deleted: closing an office sets `valid_to`, so its history stays
//! readable and the current snapshot simply leaves it out (as the OpenStreetMap API marks an
//! element deleted rather than erasing it).

use std::collections::BTreeMap;

use chrono::{DateTime, SubsecRound, Utc};
use data_boundaries::{OfficeKind, PositionPrecision};
use serde::{Deserialize, Serialize};

/// One office as the registry keeps it, at one version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OfficeRecord {
    /// Stable identifier, e.g. `seat-19753`.
    pub id: String,
    /// What kind of public-service point this is.
    #[serde(with = "kind_text")]
    pub kind: OfficeKind,
    /// The office's name.
    pub name: String,
    /// The postal address: for label-point positions, the reliable part.
    pub address: String,
    /// WGS84 longitude.
    pub lon: f64,
    /// WGS84 latitude.
    pub lat: f64,
    /// How far the position can be trusted.
    #[serde(with = "precision_text")]
    pub position_precision: PositionPrecision,
    /// The commune the office belongs to: the one holding its position, unless
    /// `outside_commune_reason` explains why it lies elsewhere.
    pub commune_code: String,
    /// Why the office lies outside `commune_code` (e.g. housed in a neighbouring ward), when it
    /// does.
    pub outside_commune_reason: Option<String>,
    /// Opening hours in OpenStreetMap `opening_hours` syntax, already validated.
    pub opening_hours: Option<String>,
    /// A telephone number as published.
    pub phone: Option<String>,
    /// The services offered, as free text labels.
    pub services: Vec<String>,
    /// Free notes for the public.
    pub notes: Option<String>,
    /// Where the record's facts come from.
    pub source: String,
    /// When the office entered the registry.
    pub valid_from: DateTime<Utc>,
    /// When the office was closed; `None` while it is current.
    pub valid_to: Option<DateTime<Utc>>,
    /// 1 when created, +1 on every change: the value an update must name.
    pub version: u64,
}

impl OfficeRecord {
    /// True while the office has not been closed (it is in the current snapshot).
    pub fn is_current(&self) -> bool {
        self.valid_to.is_none()
    }

    /// Whether the office is open at `at`, evaluated in Huế's local time (UTC+7, no daylight
    /// saving) with Vietnam's public holidays for `PH` rules.
    ///
    /// `None` when the office has no opening hours. An "unknown" rule counts as not open.
    pub fn is_open_at(&self, at: DateTime<Utc>) -> Option<bool> {
        let hours = self.opening_hours.as_deref()?;
        crate::hours::is_open_at(hours, self.lon, self.lat, at).ok()
    }
}

/// What a token may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// May change any office and manage everything.
    Admin,
    /// May change offices in their own communes only.
    Editor,
}

impl Role {
    /// The identifier as stored and serialised: `admin` or `editor`.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Editor => "editor",
        }
    }

    /// Reads `admin` or `editor`.
    pub fn parse(text: &str) -> Option<Role> {
        match text {
            "admin" => Some(Role::Admin),
            "editor" => Some(Role::Editor),
            _ => None,
        }
    }
}

/// Who is making a change: an authenticated token (see
/// [`Registry::authenticate`](crate::Registry::authenticate)), or the system itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Actor {
    /// The token's public id (`system` for the registry's own changes).
    pub token_id: String,
    /// The token's name, e.g. the person or office it was issued to.
    pub name: String,
    /// What the token may do.
    pub role: Role,
    /// For editors, the codes of the communes whose offices they may change.
    pub communes: Vec<String>,
}

/// The token id recorded for changes made by the registry or its operator, not by a token.
pub const SYSTEM_TOKEN_ID: &str = "system";

impl Actor {
    /// An administrator acting without a token: the dataset seed, or the operator at the
    /// command line. `name` is recorded in the history.
    pub fn system(name: &str) -> Actor {
        Actor { token_id: SYSTEM_TOKEN_ID.to_string(), name: name.to_string(), role: Role::Admin, communes: Vec::new() }
    }

    /// Whether this actor may change an office in commune `code`.
    pub fn may_edit(&self, code: &str) -> bool {
        match self.role {
            Role::Admin => true,
            Role::Editor => self.communes.iter().any(|c| c == code),
        }
    }

    /// The reference recorded in the history.
    pub fn reference(&self) -> ActorRef {
        ActorRef { token_id: self.token_id.clone(), name: self.name.clone() }
    }
}

/// Who made a change, as the history keeps it (the token may be revoked later; the name
/// stays).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActorRef {
    /// The token id, or `system`.
    pub token_id: String,
    /// The token's name at the time of the change.
    pub name: String,
}

/// What kind of change made a version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ChangeAction {
    /// Imported from the dataset's `offices.csv` on first start.
    Seed,
    /// Created by staff.
    Create,
    /// Edited by staff.
    Update,
    /// Closed by staff (kept, with its history, but no longer current).
    Close,
    /// Created or changed by a bulk import.
    Import,
    /// Changed by accepting a resident's report.
    ReportAccepted,
}

impl ChangeAction {
    /// The identifier as stored and serialised.
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeAction::Seed => "seed",
            ChangeAction::Create => "create",
            ChangeAction::Update => "update",
            ChangeAction::Close => "close",
            ChangeAction::Import => "import",
            ChangeAction::ReportAccepted => "report_accepted",
        }
    }

    /// Reads the stored identifier.
    pub fn parse(text: &str) -> Option<ChangeAction> {
        [
            ChangeAction::Seed,
            ChangeAction::Create,
            ChangeAction::Update,
            ChangeAction::Close,
            ChangeAction::Import,
            ChangeAction::ReportAccepted,
        ]
        .into_iter()
        .find(|a| a.as_str() == text)
    }
}

/// One field's value before and after a change (`null` where it had none).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldChange {
    /// The value before (`null` for a new office).
    pub before: serde_json::Value,
    /// The value after.
    pub after: serde_json::Value,
}

/// One version of one office: who made it, when, why, and what changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Change {
    /// The registry version this change created: changes are numbered 1, 2, 3… across the
    /// whole registry, in commit order, with no gaps.
    pub seq: u64,
    /// The office changed.
    pub office_id: String,
    /// The office's version after the change.
    pub office_version: u64,
    /// What kind of change it was.
    pub action: ChangeAction,
    /// Who made it.
    pub actor: ActorRef,
    /// When it was committed (UTC).
    pub at: DateTime<Utc>,
    /// Why, in the actor's words.
    pub reason: String,
    /// The resident's report it applied, for `report_accepted`.
    pub report_id: Option<u64>,
    /// The fields whose value changed.
    pub fields: BTreeMap<String, FieldChange>,
    /// The whole record before (`None` for a new office).
    pub before: Option<OfficeRecord>,
    /// The whole record after.
    pub after: OfficeRecord,
}

/// The current offices and the registry version they are at, read consistently.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CurrentOffices {
    /// The highest committed change sequence the snapshot includes.
    pub registry_version: u64,
    /// The store's epoch: new after each restore from a backup, when sequences start again.
    pub epoch: String,
    /// Every office not closed, ordered by id.
    pub offices: Vec<OfficeRecord>,
}

/// A page of the change feed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Feed {
    /// The store's epoch: changes after a restore from a backup come in a new epoch, and
    /// sequence numbers from another epoch do not name the same changes.
    pub epoch: String,
    /// The registry version when the page was read: when the last change's `seq` is below it,
    /// there is more to fetch.
    pub registry_version: u64,
    /// Changes after the requested sequence, oldest first.
    pub changes: Vec<Change>,
    /// After a restore from a backup: the sequence numbers (above the first, up to the
    /// second) that named changes the restore undid. A mirror that has read any of them must
    /// start again.
    #[serde(skip)]
    pub undone: Option<(u64, u64)>,
}

/// Which changes an audit query returns (all given conditions must hold).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AuditFilter {
    /// Only changes of this office.
    pub office_id: Option<String>,
    /// Only changes made with this token.
    pub token_id: Option<String>,
    /// Only changes at or after this time.
    pub from: Option<DateTime<Utc>>,
    /// Only changes before this time.
    pub to: Option<DateTime<Utc>>,
    /// At most this many (default 100, at most 1,000).
    pub limit: Option<usize>,
}

/// The largest page the change queries return.
pub const MAX_PAGE: usize = 1000;

/// Now, at the microsecond precision both databases keep, so a record read back equals the
/// record written.
pub(crate) fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

/// The fields that differ between two versions of a record (`version` itself left out).
pub(crate) fn changed_fields(before: Option<&OfficeRecord>, after: &OfficeRecord) -> BTreeMap<String, FieldChange> {
    let to_map = |record: &OfficeRecord| match serde_json::to_value(record) {
        Ok(serde_json::Value::Object(map)) => map,
        _ => serde_json::Map::new(),
    };
    let old = before.map(to_map).unwrap_or_default();
    let new = to_map(after);
    let mut fields = BTreeMap::new();
    for (key, value) in new {
        if key == "version" {
            continue;
        }
        let previous = old.get(&key).cloned().unwrap_or(serde_json::Value::Null);
        let unchanged = previous == value || (before.is_none() && value.is_null());
        if !unchanged {
            fields.insert(key, FieldChange { before: previous, after: value });
        }
    }
    fields
}

/// Serialises [`OfficeKind`] as its identifier (the type itself only serialises).
mod kind_text {
    use data_boundaries::OfficeKind;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(kind: &OfficeKind, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(kind.as_str())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<OfficeKind, D::Error> {
        let text = String::deserialize(d)?;
        OfficeKind::parse(&text).ok_or_else(|| serde::de::Error::custom(format!("unknown office kind {text:?}")))
    }
}

/// Serialises [`PositionPrecision`] as its identifier.
mod precision_text {
    use data_boundaries::PositionPrecision;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(p: &PositionPrecision, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(p.as_str())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<PositionPrecision, D::Error> {
        let text = String::deserialize(d)?;
        PositionPrecision::parse(&text)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown position precision {text:?}")))
    }
}

/// The office as the rest of the service reads it (locate, nearest, tiles, exports).
impl From<&OfficeRecord> for data_boundaries::Office {
    fn from(record: &OfficeRecord) -> data_boundaries::Office {
        data_boundaries::Office {
            id: record.id.clone(),
            kind: record.kind,
            commune_code: record.commune_code.clone(),
            name: record.name.clone(),
            address: record.address.clone(),
            lon: record.lon,
            lat: record.lat,
            position_precision: record.position_precision,
            source: record.source.clone(),
            opening_hours: record.opening_hours.clone(),
            phone: record.phone.clone(),
            services: record.services.clone(),
            notes: record.notes.clone(),
            version: record.version,
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// An office for unit tests (the stores' tests use it too).
    pub(crate) fn record() -> OfficeRecord {
        OfficeRecord {
            id: "seat-1".into(),
            kind: OfficeKind::CommuneSeat,
            name: "Seat".into(),
            address: "1 Street".into(),
            lon: 107.5,
            lat: 16.4,
            position_precision: PositionPrecision::CommuneLabelPoint,
            commune_code: "19753".into(),
            outside_commune_reason: None,
            opening_hours: None,
            phone: None,
            services: vec![],
            notes: None,
            source: "test".into(),
            valid_from: now(),
            valid_to: None,
            version: 1,
        }
    }

    #[test]
    fn a_record_round_trips_through_json() {
        let r = record();
        let text = serde_json::to_string(&r).unwrap();
        assert!(text.contains(r#""kind":"commune_seat""#));
        assert_eq!(serde_json::from_str::<OfficeRecord>(&text).unwrap(), r);
    }

    #[test]
    fn changed_fields_name_only_what_changed() {
        let before = record();
        let mut after = before.clone();
        after.lon = 107.6;
        after.version = 2;
        after.services = vec!["post".into()];
        let fields = changed_fields(Some(&before), &after);
        assert_eq!(fields.keys().collect::<Vec<_>>(), ["lon", "services"]);
        assert_eq!(fields["lon"].before, serde_json::json!(107.5));
        let created = changed_fields(None, &before);
        assert!(created.contains_key("name") && !created.contains_key("valid_to") && !created.contains_key("version"));
    }

    #[test]
    fn editors_edit_only_their_communes() {
        let editor = Actor { token_id: "t".into(), name: "n".into(), role: Role::Editor, communes: vec!["1".into()] };
        assert!(editor.may_edit("1") && !editor.may_edit("2"));
        assert!(Actor::system("x").may_edit("2"));
    }
}
