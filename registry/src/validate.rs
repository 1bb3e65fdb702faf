//! Validation of a submitted office, as a pure function: a draft goes in, and either a
//! [`ValidOffice`] comes out or the list of EVERY invalid field, so a form can show all its
//! mistakes at once.
//!
//! The commune an office belongs to is derived from its position by point-in-polygon; the
//! registry does not own the geometry, so the caller passes that as a `locate` closure
//! (the server uses its index, tests may use `data_boundaries::Dataset::locate`). A declared
//! commune that disagrees with the position is an error unless the submission says, with a
//! reason, that the office really lies outside its commune. Positions are never invented: a
//! draft without coordinates and their precision is invalid.

use data_boundaries::text::is_noncharacter;
use data_boundaries::{OfficeKind, PositionPrecision};
use serde_json::Value;

use crate::field_error::FieldError;
use crate::hours;
use crate::model::OfficeRecord;

/// What the registry must know of the communes, whose geometry it does not own: which
/// commune holds a point, and which codes exist. The server answers from its index (the
/// [`data_boundaries::Dataset`] implementation); a bare closure `|lon, lat| -> Option<String>`
/// answers `locate` only and takes every declared code as known.
///
/// `Sync`, so a write can ask it inside its transaction, on whichever thread runs it.
pub trait Communes: Sync {
    /// The code of the commune holding (lon, lat), or `None` outside them all.
    fn locate(&self, lon: f64, lat: f64) -> Option<String>;
    /// Whether a commune has this code.
    fn exists(&self, code: &str) -> bool;
}

impl<F: Fn(f64, f64) -> Option<String> + Sync> Communes for F {
    fn locate(&self, lon: f64, lat: f64) -> Option<String> {
        self(lon, lat)
    }

    fn exists(&self, _code: &str) -> bool {
        true
    }
}

impl Communes for data_boundaries::Dataset {
    fn locate(&self, lon: f64, lat: f64) -> Option<String> {
        data_boundaries::Dataset::locate(self, lon, lat).commune.map(|i| self.communes[i].code.clone())
    }

    fn exists(&self, code: &str) -> bool {
        self.commune_by_code(code).is_some()
    }
}

/// Longest accepted values, in characters.
const MAX_ID: usize = 64;
const MAX_NAME: usize = 200;
const MAX_ADDRESS: usize = 300;
const MAX_SOURCE: usize = 500;
const MAX_NOTES: usize = 2000;
const MAX_REASON: usize = 1000;
const MAX_SERVICES: usize = 50;
const MAX_SERVICE: usize = 100;
const MAX_PHONE: usize = 40;

/// An office as submitted: every field optional and loosely typed, so that what is missing
/// or wrong can be reported field by field instead of failing at the first.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OfficeDraft {
    /// The id; required for imports, generated for a new office when absent.
    pub id: Option<String>,
    /// `commune_seat`, `public_service_agent`, `post_office` or `city_centre`.
    pub kind: Option<String>,
    /// Required.
    pub name: Option<String>,
    /// The postal address; empty (or absent) where none is published.
    pub address: Option<String>,
    /// Required, −180…180.
    pub lon: Option<f64>,
    /// Required, −90…90.
    pub lat: Option<f64>,
    /// Required: `surveyed`, `hand_placed`, `geocoded`, `approximate_geocoded` or `commune_label_point`.
    pub position_precision: Option<String>,
    /// The commune the submitter believes it is in; checked against the position.
    pub commune_code: Option<String>,
    /// Accept a position outside `commune_code` (needs `outside_commune_reason`).
    pub allow_outside_commune: bool,
    /// Why the office lies outside its commune.
    pub outside_commune_reason: Option<String>,
    /// OpenStreetMap `opening_hours` syntax.
    pub opening_hours: Option<String>,
    /// A telephone number.
    pub phone: Option<String>,
    /// Service labels.
    pub services: Vec<String>,
    /// Free notes.
    pub notes: Option<String>,
    /// Where the facts come from; kept from the current record when absent on update.
    pub source: Option<String>,
}

/// The JSON field names a draft accepts.
pub const DRAFT_FIELDS: [&str; 15] = [
    "id",
    "kind",
    "name",
    "address",
    "lon",
    "lat",
    "position_precision",
    "commune_code",
    "allow_outside_commune",
    "outside_commune_reason",
    "opening_hours",
    "phone",
    "services",
    "notes",
    "source",
];

impl OfficeDraft {
    /// A draft holding a record's current values: the starting point of a partial update.
    ///
    /// `commune_code` is left out unless the office is allowed outside its commune, so a
    /// moved office gets the commune of its new position.
    pub fn from_record(record: &OfficeRecord) -> OfficeDraft {
        OfficeDraft {
            id: Some(record.id.clone()),
            kind: Some(record.kind.as_str().to_string()),
            name: Some(record.name.clone()),
            address: Some(record.address.clone()),
            lon: Some(record.lon),
            lat: Some(record.lat),
            position_precision: Some(record.position_precision.as_str().to_string()),
            // A record's commune is derived from its position, so it is only a declaration
            // when the office lies outside it; otherwise moving the office re-derives it.
            commune_code: record.outside_commune_reason.as_ref().map(|_| record.commune_code.clone()),
            allow_outside_commune: record.outside_commune_reason.is_some(),
            outside_commune_reason: record.outside_commune_reason.clone(),
            opening_hours: record.opening_hours.clone(),
            phone: record.phone.clone(),
            services: record.services.clone(),
            notes: record.notes.clone(),
            source: Some(record.source.clone()),
        }
    }

    /// Reads a draft from a JSON object, listing every field of the wrong type or unknown
    /// (the other fields are still read).
    pub fn from_json(value: &Value) -> (OfficeDraft, Vec<FieldError>) {
        let mut draft = OfficeDraft::default();
        let problems = draft.merge_json(value);
        (draft, problems)
    }

    /// Overlays the fields present in a JSON object (a partial update): `null` clears an
    /// optional field. Returns every field of the wrong type, and unknown fields.
    pub fn merge_json(&mut self, value: &Value) -> Vec<FieldError> {
        let mut problems = Vec::new();
        let Some(object) = value.as_object() else {
            problems.push(FieldError::new("body", "must be a JSON object"));
            return problems;
        };
        for (key, v) in object {
            let p = &mut problems;
            match key.as_str() {
                "id" => self.id = text(key, v, p),
                "kind" => self.kind = text(key, v, p),
                "name" => self.name = text(key, v, p),
                "address" => self.address = text(key, v, p),
                "lon" => self.lon = number(key, v, p),
                "lat" => self.lat = number(key, v, p),
                "position_precision" => self.position_precision = text(key, v, p),
                "commune_code" => self.commune_code = text(key, v, p),
                "allow_outside_commune" => match v {
                    Value::Bool(b) => self.allow_outside_commune = *b,
                    Value::Null => self.allow_outside_commune = false,
                    _ => p.push(FieldError::new(key, "must be true or false")),
                },
                "outside_commune_reason" => self.outside_commune_reason = text(key, v, p),
                "opening_hours" => self.opening_hours = text(key, v, p),
                "phone" => self.phone = text(key, v, p),
                "services" => match v {
                    Value::Null => self.services = Vec::new(),
                    Value::Array(items) => {
                        let strings: Vec<String> =
                            items.iter().filter_map(|i| i.as_str().map(str::to_string)).collect();
                        if strings.len() == items.len() {
                            self.services = strings;
                        } else {
                            p.push(FieldError::new(key, "must be a list of strings"));
                        }
                    }
                    _ => p.push(FieldError::new(key, "must be a list of strings")),
                },
                "notes" => self.notes = text(key, v, p),
                "source" => self.source = text(key, v, p),
                _ => {
                    // An empty key is named as JSON spells it, so the problem still says which.
                    let name = if key.is_empty() { "\"\"" } else { key.as_str() };
                    p.push(FieldError::new(name, format!("unknown field; the fields are {}", DRAFT_FIELDS.join(", "))))
                }
            }
        }
        problems
    }
}

impl OfficeDraft {
    /// Takes `fields` (draft field names) from `given`, keeping every other value: a partial
    /// import row laid over the office's current values. Unknown names are ignored.
    pub fn overlay(&mut self, given: &OfficeDraft, fields: &[String]) {
        for field in fields {
            match field.as_str() {
                "id" => self.id = given.id.clone(),
                "kind" => self.kind = given.kind.clone(),
                "name" => self.name = given.name.clone(),
                "address" => self.address = given.address.clone(),
                "lon" => self.lon = given.lon,
                "lat" => self.lat = given.lat,
                "position_precision" => self.position_precision = given.position_precision.clone(),
                "commune_code" => self.commune_code = given.commune_code.clone(),
                "allow_outside_commune" => self.allow_outside_commune = given.allow_outside_commune,
                "outside_commune_reason" => self.outside_commune_reason = given.outside_commune_reason.clone(),
                "opening_hours" => self.opening_hours = given.opening_hours.clone(),
                "phone" => self.phone = given.phone.clone(),
                "services" => self.services = given.services.clone(),
                "notes" => self.notes = given.notes.clone(),
                "source" => self.source = given.source.clone(),
                _ => {}
            }
        }
    }
}

fn text(key: &str, v: &Value, problems: &mut Vec<FieldError>) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Null => None,
        _ => {
            problems.push(FieldError::new(key, "must be a string"));
            None
        }
    }
}

fn number(key: &str, v: &Value, problems: &mut Vec<FieldError>) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::Null => None,
        _ => {
            problems.push(FieldError::new(key, "must be a number"));
            None
        }
    }
}

/// An office that passed [`validate`]: its commune is derived and every field checked. Only
/// this module can make one, so a write can rely on it.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidOffice {
    pub(crate) id: Option<String>,
    pub(crate) kind: OfficeKind,
    pub(crate) name: String,
    pub(crate) address: String,
    pub(crate) lon: f64,
    pub(crate) lat: f64,
    pub(crate) position_precision: PositionPrecision,
    pub(crate) commune_code: String,
    pub(crate) outside_commune_reason: Option<String>,
    pub(crate) opening_hours: Option<String>,
    pub(crate) phone: Option<String>,
    pub(crate) services: Vec<String>,
    pub(crate) notes: Option<String>,
    pub(crate) source: Option<String>,
}

impl ValidOffice {
    /// The id given, if any.
    pub fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }

    /// The commune the office belongs to (derived from the position, or the declared one
    /// when it is allowed to lie outside).
    pub fn commune_code(&self) -> &str {
        &self.commune_code
    }

    /// The position, (lon, lat).
    pub fn position(&self) -> (f64, f64) {
        (self.lon, self.lat)
    }

    /// The record this office would become: `source` falls back to `default_source`.
    pub(crate) fn to_record(
        &self,
        id: &str,
        default_source: &str,
        valid_from: chrono::DateTime<chrono::Utc>,
        version: u64,
    ) -> OfficeRecord {
        OfficeRecord {
            id: id.to_string(),
            kind: self.kind,
            name: self.name.clone(),
            address: self.address.clone(),
            lon: self.lon,
            lat: self.lat,
            position_precision: self.position_precision,
            commune_code: self.commune_code.clone(),
            outside_commune_reason: self.outside_commune_reason.clone(),
            opening_hours: self.opening_hours.clone(),
            phone: self.phone.clone(),
            services: self.services.clone(),
            notes: self.notes.clone(),
            source: self.source.clone().unwrap_or_else(|| default_source.to_string()),
            valid_from,
            valid_to: None,
            version,
        }
    }
}

/// The reason given for a change: trimmed, not empty, at most 1,000 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reason(String);

impl Reason {
    /// Checks a reason (field name `reason`).
    pub fn parse(text: &str) -> Result<Reason, FieldError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(FieldError::new("reason", "is required: say why the change is made"));
        }
        if text.chars().count() > MAX_REASON {
            return Err(FieldError::new("reason", format!("is longer than {MAX_REASON} characters")));
        }
        if has_control_characters(text) {
            return Err(FieldError::new("reason", "contains control characters or noncharacters (U+FFFE, U+FFFF, …)"));
        }
        Ok(Reason(text.to_string()))
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Takes `reason` out of a write's body (an office's fields and why they change): required,
/// non-empty text. A missing or bad reason is added to `errors`, so a form sees it with the
/// fields' problems.
pub fn take_reason(body: &mut serde_json::Map<String, Value>, errors: &mut Vec<FieldError>) -> Option<Reason> {
    match body.remove("reason") {
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

/// Validates a write's draft together with the problems already found in its body (its
/// reason's among them): a valid office and its reason, or every problem at once.
pub(crate) fn validate_write(
    draft: &OfficeDraft,
    problems: Vec<FieldError>,
    reason: Option<Reason>,
    communes: &dyn Communes,
) -> Result<(ValidOffice, Reason), Vec<FieldError>> {
    match (validate_parsed(draft, problems, communes)?, reason) {
        (valid, Some(reason)) => Ok((valid, reason)),
        // A missing reason is among `problems`, which made validation fail: not reached.
        (_, None) => Err(vec![FieldError::new("reason", "is required: say why, for the history")]),
    }
}

/// Validates a draft, deriving its commune from its position with `communes`.
///
/// Returns every invalid field at once. Blank optional text counts as absent.
///
/// ```
/// use registry::{validate, OfficeDraft};
/// let draft = OfficeDraft {
///     kind: Some("post_office".into()),
///     name: Some("Bưu cục Phú Xuân".into()),
///     address: Some("1 Lê Lợi".into()),
///     lon: Some(107.58), lat: Some(16.47),
///     position_precision: Some("geocoded".into()),
///     opening_hours: Some("Mo-Fr 07:30-17:00".into()),
///     ..Default::default()
/// };
/// let office = validate(&draft, &|_: f64, _: f64| Some("19753".to_string())).unwrap();
/// assert_eq!(office.commune_code(), "19753");
///
/// let errors = validate(&OfficeDraft { lon: Some(500.0), ..draft }, &|_: f64, _: f64| None).unwrap_err();
/// assert_eq!(errors[0].field, "lon");
/// ```
pub fn validate(draft: &OfficeDraft, communes: &dyn Communes) -> Result<ValidOffice, Vec<FieldError>> {
    let mut errors = Vec::new();
    let e = &mut errors;

    let id = optional(&draft.id);
    if let Some(id) = &id {
        check_id(id, e);
    }
    let kind = match required("kind", &draft.kind, e) {
        Some(k) => OfficeKind::parse(&k).or_else(|| {
            let all: Vec<&str> = OfficeKind::ALL.iter().map(|k| k.as_str()).collect();
            e.push(FieldError::new("kind", format!("{k:?} is not one of {}", all.join(", "))));
            None
        }),
        None => None,
    };
    let name = required("name", &draft.name, e).filter(|n| single_line("name", n, MAX_NAME, e));
    // Empty where none is published (533 national seats): carried as it is, never made up.
    let address = optional(&draft.address);
    if let Some(a) = &address {
        single_line("address", a, MAX_ADDRESS, e);
    }
    let address = address.unwrap_or_default();
    let lon = coordinate("lon", draft.lon, 180.0, e);
    let lat = coordinate("lat", draft.lat, 90.0, e);
    let precision = match required("position_precision", &draft.position_precision, e) {
        Some(p) => PositionPrecision::parse(&p).or_else(|| {
            let all: Vec<&str> = PositionPrecision::ALL.iter().map(|p| p.as_str()).collect();
            e.push(FieldError::new("position_precision", format!("{p:?} is not one of {}", all.join(", "))));
            None
        }),
        None => None,
    };
    let declared = optional(&draft.commune_code);
    if let Some(code) = &declared {
        if code.len() > 10 || !code.bytes().all(|b| b.is_ascii_digit()) {
            e.push(FieldError::new("commune_code", format!("{code:?} is not a commune code (digits)")));
        }
    }
    let outside_reason = optional(&draft.outside_commune_reason);
    if draft.allow_outside_commune {
        match &outside_reason {
            None => e.push(FieldError::new(
                "outside_commune_reason",
                "is required with allow_outside_commune: say why the office lies outside its commune",
            )),
            Some(r) => {
                single_line("outside_commune_reason", r, MAX_SOURCE, e);
            }
        }
    } else if outside_reason.is_some() {
        e.push(FieldError::new("outside_commune_reason", "is only used with allow_outside_commune: true"));
    }
    let commune = match (lon, lat) {
        (Some(lon), Some(lat)) => {
            commune_of(lon, lat, declared.as_deref(), draft, outside_reason.as_deref(), communes, e)
        }
        _ => None,
    };
    let opening_hours = optional(&draft.opening_hours);
    if let Some(h) = &opening_hours {
        if let Err(message) = hours::check_opening_hours(h) {
            e.push(FieldError::new("opening_hours", format!("not valid opening_hours syntax: {message}")));
        }
    }
    let phone = optional(&draft.phone);
    if let Some(p) = &phone {
        check_phone(p, e);
    }
    let services = check_services(&draft.services, e);
    let notes = optional(&draft.notes);
    if let Some(n) = &notes {
        if n.chars().count() > MAX_NOTES {
            e.push(FieldError::new("notes", format!("is longer than {MAX_NOTES} characters")));
        }
        if has_control_characters(n) {
            e.push(FieldError::new("notes", "contains control characters or noncharacters (U+FFFE, U+FFFF, …)"));
        }
    }
    let source = optional(&draft.source);
    if let Some(s) = &source {
        single_line("source", s, MAX_SOURCE, e);
    }

    match (kind, name, lon, lat, precision, commune) {
        (Some(kind), Some(name), Some(lon), Some(lat), Some(position_precision), Some(commune))
            if errors.is_empty() =>
        {
            let (commune_code, outside_commune_reason) = commune;
            Ok(ValidOffice {
                id,
                kind,
                name,
                address,
                lon,
                lat,
                position_precision,
                commune_code,
                outside_commune_reason,
                opening_hours,
                phone,
                services,
                notes,
                source,
            })
        }
        _ => Err(errors),
    }
}

/// Reads and validates a JSON submission in one step: type errors and semantic errors come
/// back together, one per field.
pub fn validate_json(value: &Value, communes: &dyn Communes) -> Result<ValidOffice, Vec<FieldError>> {
    let (draft, problems) = OfficeDraft::from_json(value);
    validate_parsed(&draft, problems, communes)
}

/// Validates a draft whose reading already found `problems`; a field with a reading problem
/// gets no second error.
pub fn validate_parsed(
    draft: &OfficeDraft,
    problems: Vec<FieldError>,
    communes: &dyn Communes,
) -> Result<ValidOffice, Vec<FieldError>> {
    match validate(draft, communes) {
        Ok(valid) if problems.is_empty() => Ok(valid),
        Ok(_) => Err(problems),
        Err(errors) => {
            let mut all = problems;
            for error in errors {
                let position_unknown =
                    error.field == "position" && all.iter().any(|p| p.field == "lon" || p.field == "lat");
                if !position_unknown && !all.iter().any(|p| p.field == error.field) {
                    all.push(error);
                }
            }
            Err(all)
        }
    }
}

/// The commune an office belongs to, and the reason it lies outside, if it does.
fn commune_of(
    lon: f64,
    lat: f64,
    declared: Option<&str>,
    draft: &OfficeDraft,
    outside_reason: Option<&str>,
    communes: &dyn Communes,
    e: &mut Vec<FieldError>,
) -> Option<(String, Option<String>)> {
    let derived = communes.locate(lon, lat);
    let allowed = draft.allow_outside_commune && outside_reason.is_some();
    match (derived, declared) {
        (Some(derived), None) => Some((derived, None)),
        (Some(derived), Some(declared)) if derived == declared => Some((derived, None)),
        (Some(_), Some(declared)) if allowed && !communes.exists(declared) => {
            e.push(FieldError::new("commune_code", format!("no commune has code {declared:?}")));
            None
        }
        (Some(_), Some(declared)) if allowed => Some((declared.to_string(), outside_reason.map(str::to_string))),
        (Some(derived), Some(declared)) => {
            e.push(FieldError::new(
                "commune_code",
                format!(
                    "the position lies in commune {derived}, not {declared}: correct the position or the code, \
                     or set allow_outside_commune with outside_commune_reason"
                ),
            ));
            None
        }
        // An office housed in a neighbouring ward still stands in Huế: a position outside
        // every commune is refused even with allow_outside_commune.
        (None, _) => {
            e.push(FieldError::new(
                "position",
                format!("({lon}, {lat}) lies outside every commune of Huế; check the order of lon and lat"),
            ));
            if draft.allow_outside_commune && declared.is_none() {
                e.push(FieldError::new("commune_code", "is required with allow_outside_commune"));
            }
            None
        }
    }
}

/// Trimmed text, `None` when absent or blank.
fn optional(value: &Option<String>) -> Option<String> {
    value.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string)
}

fn required(field: &str, value: &Option<String>, e: &mut Vec<FieldError>) -> Option<String> {
    let value = optional(value);
    if value.is_none() {
        e.push(FieldError::new(field, "is required"));
    }
    value
}

/// Checks length and control characters; false (with an error) when it fails.
fn single_line(field: &str, value: &str, max: usize, e: &mut Vec<FieldError>) -> bool {
    if value.chars().count() > max {
        e.push(FieldError::new(field, format!("is longer than {max} characters")));
        false
    } else if value.chars().any(char::is_control) {
        e.push(FieldError::new(field, "contains control characters (line breaks, tabs…)"));
        false
    } else if let Some(c) = value.chars().find(|&c| is_noncharacter(c)) {
        e.push(FieldError::new(field, noncharacter(c)));
        false
    } else {
        true
    }
}

fn coordinate(field: &str, value: Option<f64>, limit: f64, e: &mut Vec<FieldError>) -> Option<f64> {
    match value {
        None => {
            e.push(FieldError::new(field, "is required: positions are never invented"));
            None
        }
        Some(v) if !v.is_finite() => {
            e.push(FieldError::new(field, "must be a finite number"));
            None
        }
        Some(v) if v.abs() > limit => {
            e.push(FieldError::new(field, format!("{v} is outside −{limit}…{limit}")));
            None
        }
        Some(v) => Some(v),
    }
}

/// True for text with control characters other than line breaks and tabs, or with Unicode
/// noncharacters (U+FFFE, U+FFFF, …): they have no place in a reason, a note or a message,
/// and would break the Atom feed's XML.
pub fn has_control_characters(text: &str) -> bool {
    text.chars().any(|c| (c.is_control() && !matches!(c, '\n' | '\r' | '\t')) || is_noncharacter(c))
}

fn noncharacter(c: char) -> String {
    format!("contains U+{:04X}, which is not a character text may hold", u32::from(c))
}

/// Ids that are path segments of the API (`/api/v1/offices/changes`), so no office can hide
/// behind one.
const RESERVED_IDS: [&str; 3] = ["changes", "changes.atom", "import"];

fn check_id(id: &str, e: &mut Vec<FieldError>) {
    if RESERVED_IDS.contains(&id) {
        e.push(FieldError::new("id", format!("{id:?} is reserved: it names a path of the API")));
        return;
    }
    let ok = id.len() <= MAX_ID
        && id.bytes().next().is_some_and(|b| b.is_ascii_alphanumeric())
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.');
    if !ok {
        e.push(FieldError::new(
            "id",
            format!(
                "{id:?} must be 1–{MAX_ID} ASCII letters, digits, '-', '_' or '.', starting with a letter or digit"
            ),
        ));
    }
}

fn check_phone(phone: &str, e: &mut Vec<FieldError>) {
    let digits = phone.chars().filter(char::is_ascii_digit).count();
    let allowed = phone.chars().all(|c| c.is_ascii_digit() || " +-.()/".contains(c));
    if !allowed || digits < 3 || phone.chars().count() > MAX_PHONE {
        e.push(FieldError::new("phone", format!("{phone:?} is not a telephone number (digits, spaces, + - . ( ) /)")));
    }
}

fn check_services(services: &[String], e: &mut Vec<FieldError>) -> Vec<String> {
    let cleaned: Vec<String> = services.iter().map(|s| s.trim().to_string()).collect();
    if cleaned.len() > MAX_SERVICES {
        e.push(FieldError::new("services", format!("more than {MAX_SERVICES} entries")));
    } else if cleaned.iter().any(String::is_empty) {
        e.push(FieldError::new("services", "contains an empty entry"));
    } else if cleaned
        .iter()
        .any(|s| s.chars().count() > MAX_SERVICE || s.chars().any(|c| c.is_control() || is_noncharacter(c)))
    {
        e.push(FieldError::new("services", format!("entries are single lines of at most {MAX_SERVICE} characters")));
    } else {
        let mut seen = std::collections::BTreeSet::new();
        if let Some(dup) = cleaned.iter().find(|s| !seen.insert(s.as_str())) {
            e.push(FieldError::new("services", format!("{dup:?} is listed twice")));
        }
    }
    cleaned
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn inside(code: &'static str) -> impl Fn(f64, f64) -> Option<String> {
        move |_, _| Some(code.to_string())
    }

    fn draft() -> OfficeDraft {
        OfficeDraft {
            kind: Some("commune_seat".into()),
            name: Some("Trụ sở".into()),
            address: Some("1 Lê Lợi".into()),
            lon: Some(107.58),
            lat: Some(16.46),
            position_precision: Some("surveyed".into()),
            ..Default::default()
        }
    }

    #[test]
    fn an_unknown_empty_key_is_named_as_json_spells_it() {
        // Found by the office_json fuzz target: `{"": …}` gave a problem with no field name.
        let (_, problems) = OfficeDraft::from_json(&json!({"": "bank", "colour": null}));
        let names: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(names, ["\"\"", "colour"]);
    }

    #[test]
    fn a_good_draft_passes_and_gets_its_commune() {
        let v = validate(&draft(), &inside("19789")).unwrap();
        assert_eq!(v.commune_code(), "19789");
        assert_eq!(v.outside_commune_reason, None);
    }

    #[test]
    fn an_office_whose_address_is_not_published_is_valid_with_none() {
        let unpublished = OfficeDraft { address: None, ..draft() };
        assert_eq!(validate(&unpublished, &inside("19789")).unwrap().address, "");
    }

    #[test]
    fn every_bad_field_is_listed() {
        let bad = OfficeDraft {
            id: Some("bad id!".into()),
            kind: Some("castle".into()),
            name: Some("  ".into()),
            address: Some("two\nlines".into()),
            lon: Some(f64::NAN),
            lat: Some(91.0),
            position_precision: Some("guessed".into()),
            commune_code: Some("abc".into()),
            opening_hours: Some("whenever".into()),
            phone: Some("call me".into()),
            services: vec!["".into()],
            ..Default::default()
        };
        let errors = validate(&bad, &inside("1")).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        for f in [
            "id",
            "kind",
            "name",
            "address",
            "lon",
            "lat",
            "position_precision",
            "commune_code",
            "opening_hours",
            "phone",
            "services",
        ] {
            assert!(fields.contains(&f), "{f} missing from {fields:?}");
        }
    }

    #[test]
    fn the_declared_commune_must_match_unless_allowed_with_a_reason() {
        let declared = OfficeDraft { commune_code: Some("19753".into()), ..draft() };
        let errors = validate(&declared, &inside("19789")).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].field, "commune_code");
        assert!(errors[0].reason.contains("19789"));

        let no_reason = OfficeDraft { allow_outside_commune: true, ..declared.clone() };
        assert_eq!(validate(&no_reason, &inside("19789")).unwrap_err()[0].field, "outside_commune_reason");

        let allowed = OfficeDraft { outside_commune_reason: Some("housed next door".into()), ..no_reason };
        let v = validate(&allowed, &inside("19789")).unwrap();
        assert_eq!(v.commune_code(), "19753");
        assert_eq!(v.outside_commune_reason.as_deref(), Some("housed next door"));
    }

    #[test]
    fn a_position_outside_every_commune_is_refused() {
        let errors = validate(&draft(), &|_: f64, _: f64| None).unwrap_err();
        assert_eq!(errors[0].field, "position");
    }

    #[test]
    fn json_type_errors_and_semantic_errors_come_together() {
        let body = json!({
            "kind": "post_office", "name": "", "address": "x", "lon": "107.5", "lat": 16.4,
            "position_precision": "geocoded", "services": ["a", 2], "colour": "red"
        });
        let errors = validate_json(&body, &inside("1")).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields.iter().filter(|f| **f == "lon").count(), 1, "{fields:?}");
        for f in ["lon", "services", "colour", "name"] {
            assert!(fields.contains(&f), "{f} missing from {fields:?}");
        }
        assert!(!fields.contains(&"position"));
    }

    #[test]
    fn a_partial_update_overlays_the_current_values() {
        let current = validate(&draft(), &inside("1")).unwrap().to_record("x", "s", crate::model::now(), 1);
        let mut d = OfficeDraft::from_record(&current);
        assert!(d.merge_json(&json!({"phone": "0234 3822 123", "notes": null})).is_empty());
        let v = validate(&d, &inside("1")).unwrap();
        assert_eq!(v.phone.as_deref(), Some("0234 3822 123"));
        assert_eq!(v.name, "Trụ sở");
    }

    #[test]
    fn reasons_must_say_something() {
        assert!(Reason::parse("  ").is_err());
        assert_eq!(Reason::parse(" moved ").unwrap().as_str(), "moved");
    }
}
