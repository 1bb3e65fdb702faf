//! Dataset validation: what is wrong with the data, how badly, and where.
//!
//! Runs on every load. Fatal findings refuse the dataset (the service keeps what it had);
//! warnings and notes are kept and served at `/api/v1/quality`, because planners need to see
//! where the data is weak, not just whether it loaded.

use std::collections::{HashMap, HashSet};
use std::fmt;

use geo::orient::{Direction, Orient};
use geo::{BooleanOps, GeodesicArea, InteriorPoint, MultiPolygon, Polygon};
use serde::Serialize;

use crate::index::CommuneIndex;
use crate::model::{Commune, FormerUnit, Office, OfficeKind, Share};
use crate::pip::{IndexedPolygon, Position};

/// Overlaps smaller than this are float noise along shared borders, not data defects.
pub const OVERLAP_TOLERANCE_M2: f64 = 1.0;
/// Gaps smaller than this are likewise ignored.
pub const GAP_TOLERANCE_M2: f64 = 1.0;

/// How much a finding matters, most severe first (the order sorts reports).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The dataset cannot be served: the load is refused.
    Fatal,
    /// Served, but answers near it may be wrong or approximate.
    Warning,
    /// Worth knowing; nothing is wrong with the answers.
    Info,
}

/// Which check produced a finding.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Check {
    /// A polygon breaks the simple-features rules (fatal): see [`crate::validity`].
    InvalidGeometry,
    /// Two communes, offices or former units share a code or id (fatal).
    DuplicateCode,
    /// Two communes overlap by more than [`OVERLAP_TOLERANCE_M2`] (warning).
    Overlap,
    /// Land inside the city belongs to no unit, beyond [`GAP_TOLERANCE_M2`] (warning).
    Gap,
    /// An office or former unit names a commune code that does not exist (fatal).
    UnknownCommuneCode,
    /// An office's point is outside the commune it serves (warning).
    OfficeOutsideCommune,
    /// A former unit's point is outside the new unit it joined (warning).
    FormerUnitOutsideNewUnit,
    /// A commune has no seat, or more than one (warning).
    SeatCount,
    /// A former unit's `new_name` differs from the name of the commune its `new_code` names
    /// (warning).
    LineageNameMismatch,
    /// An optional file (offices or lineage) is absent (warning).
    MissingFile,
    /// The published area differs from the geometry's by more than 25 % (info).
    AreaMismatch,
}

/// One thing found wrong (or worth noting) in the data.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    /// Fatal, warning or info.
    pub severity: Severity,
    /// The check that produced it.
    pub check: Check,
    /// The file the finding is about, e.g. `former_units.csv`.
    pub file: String,
    /// The feature or row, e.g. `former unit 19807 (Phường Thuận Hòa)`.
    pub subject: String,
    /// What is wrong, in words, with the figures that show it.
    pub message: String,
    /// Codes of the communes involved, so clients can highlight them.
    pub communes: Vec<String>,
    /// A representative lon/lat for the map, where there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<[f64; 2]>,
    /// The area concerned in m², for overlaps and gaps.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub area_m2: Option<f64>,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?} {}: {}: {}", self.severity, self.file, self.subject, self.message)
    }
}

/// Everything validation found, most severe first.
#[derive(Debug, Clone, Serialize, Default)]
pub struct QualityReport {
    /// Sorted by severity (fatal first); within one severity, in the order the checks ran.
    pub findings: Vec<Finding>,
}

impl QualityReport {
    /// The fatal findings only, in report order.
    pub fn fatal(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(|f| f.severity == Severity::Fatal)
    }

    /// True when nothing is fatal, so the dataset may be served (an empty report is usable).
    pub fn is_usable(&self) -> bool {
        self.fatal().next().is_none()
    }

    /// How many findings have this severity.
    pub fn count(&self, severity: Severity) -> usize {
        self.findings.iter().filter(|f| f.severity == severity).count()
    }
}

/// The parsed data as validation sees it.
pub struct Inputs<'a> {
    /// Every commune, as parsed.
    pub communes: &'a [Commune],
    /// The offices, or `None` when the dataset has no offices file (a warning).
    pub offices: Option<&'a [Office]>,
    /// The former units, or `None` when the dataset has no lineage file (a warning).
    pub former_units: Option<&'a [FormerUnit]>,
    /// The index built over `communes`, for the point and neighbour checks.
    pub index: &'a CommuneIndex,
    /// The communes file's name as read (`communes.geojson.gz` for the national folder), which
    /// the findings about communes name.
    pub communes_file: &'a str,
}

const COMMUNES_FILE: &str = "communes.geojson";
const OFFICES_FILE: &str = "offices.csv";
const FORMER_FILE: &str = "former_units.csv";

/// Runs every check and returns the findings sorted by severity.
pub fn quality_report(inputs: &Inputs) -> QualityReport {
    let mut findings = Vec::new();
    let timed = |name: &str, findings: &mut Vec<Finding>, check: &dyn Fn(&mut Vec<Finding>)| {
        let started = std::time::Instant::now();
        check(findings);
        tracing::debug!(check = name, elapsed_ms = started.elapsed().as_millis() as u64, "validation check done");
    };
    timed("geometry", &mut findings, &|f| check_geometry(inputs.communes, f));
    timed("duplicate_codes", &mut findings, &|f| check_duplicate_codes(inputs, f));
    timed("overlaps", &mut findings, &|f| check_overlaps(inputs, f));
    timed("gaps", &mut findings, &|f| check_gaps(inputs.communes, inputs.index, f));
    timed("offices", &mut findings, &|f| check_offices(inputs, f));
    timed("former_units", &mut findings, &|f| check_former_units(inputs, f));
    // The checks name the usual file; the report names the one that was read.
    for f in findings.iter_mut().filter(|f| f.file == COMMUNES_FILE) {
        f.file = inputs.communes_file.to_string();
    }
    findings.sort_by_key(|f| f.severity);
    QualityReport { findings }
}

fn finding(severity: Severity, check: Check, file: &str, subject: String, message: String) -> Finding {
    Finding {
        severity,
        check,
        file: file.into(),
        subject,
        message,
        communes: Vec::new(),
        location: None,
        area_m2: None,
    }
}

fn commune_subject(c: &Commune) -> String {
    format!("commune {} ({})", c.code, c.full_name)
}

fn check_geometry(communes: &[Commune], findings: &mut Vec<Finding>) {
    for c in communes {
        for (part, polygon) in c.geometry.0.iter().enumerate() {
            for error in crate::polygon_validity::polygon_problems(polygon) {
                let mut f = finding(
                    Severity::Fatal,
                    Check::InvalidGeometry,
                    COMMUNES_FILE,
                    commune_subject(c),
                    format!("part {part} is invalid: {error}"),
                );
                f.communes.push(c.code.clone());
                findings.push(f);
            }
        }
        if let Some(official) = c.area_km2.filter(|a| *a > 0.0) {
            let computed = c.computed_area_km2;
            if (computed - official).abs() / official > 0.25 {
                let mut f = finding(
                    Severity::Info,
                    Check::AreaMismatch,
                    COMMUNES_FILE,
                    commune_subject(c),
                    format!(
                        "published area {official} km² differs from the geometry's {computed:.2} km² by more than 25%"
                    ),
                );
                f.communes.push(c.code.clone());
                findings.push(f);
            }
        }
    }
}

fn duplicates<'a>(keys: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let mut seen = HashSet::new();
    let mut dup: Vec<&str> = keys.filter(|k| !seen.insert(*k)).collect();
    dup.sort_unstable();
    dup.dedup();
    dup
}

fn check_duplicate_codes(inputs: &Inputs, findings: &mut Vec<Finding>) {
    for code in duplicates(inputs.communes.iter().map(|c| c.code.as_str())) {
        let mut f = finding(
            Severity::Fatal,
            Check::DuplicateCode,
            COMMUNES_FILE,
            format!("code {code}"),
            "more than one feature has this code".into(),
        );
        f.communes.push(code.into());
        findings.push(f);
    }
    if let Some(offices) = inputs.offices {
        for id in duplicates(offices.iter().map(|o| o.id.as_str())) {
            findings.push(finding(
                Severity::Fatal,
                Check::DuplicateCode,
                OFFICES_FILE,
                format!("office {id}"),
                "more than one row has this id".into(),
            ));
        }
    }
    if let Some(units) = inputs.former_units {
        // A split unit has one row per new unit; the same link twice is a mistake, and so is
        // a unit that went whole into one unit and also somewhere else.
        let links: Vec<String> = units.iter().map(|u| format!("{} → {}", u.old_code, u.new_code)).collect();
        for link in duplicates(links.iter().map(String::as_str)) {
            findings.push(finding(
                Severity::Fatal,
                Check::DuplicateCode,
                FORMER_FILE,
                format!("old_code {link}"),
                "more than one row has this link".into(),
            ));
        }
        let mut by_code: HashMap<&str, Vec<&FormerUnit>> = HashMap::new();
        for u in units {
            by_code.entry(u.old_code.as_str()).or_default().push(u);
        }
        let mut codes: Vec<&&str> = by_code.keys().collect();
        codes.sort_unstable();
        for code in codes {
            let rows = &by_code[*code];
            let wholes = rows.iter().filter(|u| u.share == Share::Whole).count();
            let problem = if rows.len() == 1 {
                (wholes == 0)
                    .then_some("is the only row of a unit marked share=part: a split unit has a row for each new unit")
            } else if wholes > 0 {
                Some("went whole into one new unit, but another row links it elsewhere: mark a split unit's rows share=part")
            } else {
                None
            };
            if let Some(problem) = problem {
                findings.push(finding(
                    Severity::Fatal,
                    Check::DuplicateCode,
                    FORMER_FILE,
                    format!("old_code {code}"),
                    problem.into(),
                ));
            }
        }
    }
}

/// What two communes share, summed over their parts.
#[derive(Default)]
struct SharedArea {
    area_m2: f64,
    /// A point inside the largest shared piece, for the map.
    location: Option<[f64; 2]>,
}

fn check_overlaps(inputs: &Inputs, findings: &mut Vec<Finding>) {
    let mut by_pair: HashMap<(usize, usize), SharedArea> = HashMap::new();
    for ((ca, pa), (cb, pb)) in inputs.index.neighbouring_parts() {
        let a = &inputs.communes[ca].geometry.0[pa];
        let b = &inputs.communes[cb].geometry.0[pb];
        let shared = a.intersection(b);
        let area = shared.geodesic_area_unsigned();
        if area <= 0.0 {
            continue;
        }
        let key = (ca.min(cb), ca.max(cb));
        let entry = by_pair.entry(key).or_default();
        entry.area_m2 += area;
        if entry.location.is_none() {
            entry.location = largest(&shared).and_then(|p| p.interior_point()).map(|p| [p.x(), p.y()]);
        }
    }
    let mut pairs: Vec<_> = by_pair.into_iter().filter(|(_, shared)| shared.area_m2 > OVERLAP_TOLERANCE_M2).collect();
    pairs.sort_by_key(|(pair, _)| *pair);
    for ((a, b), SharedArea { area_m2: area, location }) in pairs {
        let (a, b) = (&inputs.communes[a], &inputs.communes[b]);
        let mut f = finding(
            Severity::Warning,
            Check::Overlap,
            COMMUNES_FILE,
            format!("communes {} and {}", a.code, b.code),
            format!("{} and {} overlap by {area:.1} m²; points there lie in both", a.full_name, b.full_name),
        );
        f.communes = vec![a.code.clone(), b.code.clone()];
        f.location = location;
        f.area_m2 = Some(area);
        findings.push(f);
    }
}

fn largest(m: &MultiPolygon<f64>) -> Option<&Polygon<f64>> {
    m.0.iter().max_by(|a, b| a.geodesic_area_unsigned().total_cmp(&b.geodesic_area_unsigned()))
}

/// Gaps are holes in the union of all units that are not holes of some unit (a hole that a
/// unit declares, such as an enclave, is intended).
fn check_gaps(communes: &[Commune], index: &CommuneIndex, findings: &mut Vec<Finding>) {
    let union = geo::unary_union(communes.iter().flat_map(|c| c.geometry.0.iter()));
    let declared_holes: Vec<IndexedPolygon> = communes
        .iter()
        .flat_map(|c| c.geometry.0.iter())
        .flat_map(|p| p.interiors())
        .map(|ring| IndexedPolygon::new(&Polygon::new(ring.clone(), vec![])))
        .collect();
    for hole in union.0.iter().flat_map(|p| p.interiors()) {
        // A union's holes wind clockwise; geodesic area reads a clockwise ring as the rest of
        // the globe, so the hole is measured as the counter-clockwise area it encloses.
        let hole = Polygon::new(hole.clone(), vec![]).orient(Direction::Default);
        let area = hole.geodesic_area_unsigned();
        if area <= GAP_TOLERANCE_M2 {
            continue;
        }
        let Some(point) = hole.interior_point() else { continue };
        let (x, y) = (point.x(), point.y());
        if declared_holes.iter().any(|h| h.position(x, y) == Position::Inside) {
            continue;
        }
        // The hole's own vertices lie on the borders of the units around it.
        let mut nearby: Vec<String> = hole
            .exterior()
            .0
            .iter()
            .flat_map(|c| index.hits(c.x, c.y))
            .map(|h| communes[h.commune].code.clone())
            .collect();
        nearby.sort();
        nearby.dedup();
        let mut f = finding(
            Severity::Warning,
            Check::Gap,
            COMMUNES_FILE,
            format!("gap near {x:.5}, {y:.5}"),
            format!("{area:.1} m² lies inside the city but in no unit (between {})", nearby.join(", ")),
        );
        f.communes = nearby;
        f.location = Some([x, y]);
        f.area_m2 = Some(area);
        findings.push(f);
    }
}

fn code_positions(communes: &[Commune]) -> HashMap<&str, usize> {
    communes.iter().enumerate().map(|(i, c)| (c.code.as_str(), i)).collect()
}

/// True when the commune at `commune` holds the point (boundary included).
fn holds(index: &CommuneIndex, commune: usize, lon: f64, lat: f64) -> bool {
    index.hits(lon, lat).iter().any(|h| h.commune == commune)
}

fn check_offices(inputs: &Inputs, findings: &mut Vec<Finding>) {
    let Some(offices) = inputs.offices else {
        findings.push(finding(
            Severity::Warning,
            Check::MissingFile,
            OFFICES_FILE,
            "dataset".into(),
            "no offices.csv: seats and nearest-office answers are empty".into(),
        ));
        return;
    };
    let codes = code_positions(inputs.communes);
    let mut seats: HashMap<&str, usize> = HashMap::new();
    for o in offices {
        let subject = format!("office {} ({})", o.id, o.name);
        let Some(&commune) = codes.get(o.commune_code.as_str()) else {
            findings.push(finding(
                Severity::Fatal,
                Check::UnknownCommuneCode,
                OFFICES_FILE,
                subject,
                format!("commune_code {} is not a commune in communes.geojson", o.commune_code),
            ));
            continue;
        };
        if o.kind == OfficeKind::CommuneSeat {
            *seats.entry(o.commune_code.as_str()).or_default() += 1;
        }
        if !holds(inputs.index, commune, o.lon, o.lat) {
            let mut f = finding(
                Severity::Warning,
                Check::OfficeOutsideCommune,
                OFFICES_FILE,
                subject,
                format!(
                    "position ({}, {}) is outside its commune {} (precision: {})",
                    o.lon,
                    o.lat,
                    inputs.communes[commune].full_name,
                    o.position_precision.as_str()
                ),
            );
            f.communes.push(o.commune_code.clone());
            f.location = Some([o.lon, o.lat]);
            findings.push(f);
        }
    }
    for c in inputs.communes {
        let n = seats.get(c.code.as_str()).copied().unwrap_or(0);
        if n != 1 {
            let mut f = finding(
                Severity::Warning,
                Check::SeatCount,
                OFFICES_FILE,
                commune_subject(c),
                format!("has {n} commune seats; exactly one expected"),
            );
            f.communes.push(c.code.clone());
            findings.push(f);
        }
    }
}

fn check_former_units(inputs: &Inputs, findings: &mut Vec<Finding>) {
    let Some(units) = inputs.former_units else {
        findings.push(finding(
            Severity::Warning,
            Check::MissingFile,
            FORMER_FILE,
            "dataset".into(),
            "no former_units.csv: lineage is not available".into(),
        ));
        return;
    };
    let codes = code_positions(inputs.communes);
    // A split unit's point lies in one of the new units that took a part of it.
    let mut new_units_of: HashMap<&str, Vec<usize>> = HashMap::new();
    for u in units {
        if let Some(&commune) = codes.get(u.new_code.as_str()) {
            new_units_of.entry(u.old_code.as_str()).or_default().push(commune);
        }
    }
    let mut point_checked = HashSet::new();
    for u in units {
        let subject = format!("former unit {} ({})", u.old_code, u.old_name);
        let Some(&commune) = codes.get(u.new_code.as_str()) else {
            findings.push(finding(
                Severity::Fatal,
                Check::UnknownCommuneCode,
                FORMER_FILE,
                subject,
                format!("new_code {} is not a commune in communes.geojson", u.new_code),
            ));
            continue;
        };
        let new_unit = &inputs.communes[commune];
        if !u.new_name.is_empty() && crate::text::fold(&u.new_name) != crate::text::fold(&new_unit.full_name) {
            let mut f = finding(
                Severity::Warning,
                Check::LineageNameMismatch,
                FORMER_FILE,
                subject.clone(),
                format!("new_name {:?} does not match {} for code {}", u.new_name, new_unit.full_name, u.new_code),
            );
            f.communes.push(u.new_code.clone());
            findings.push(f);
        }
        let Some([lon, lat]) = u.point else { continue };
        if !point_checked.insert(u.old_code.as_str()) {
            continue;
        }
        let joined = &new_units_of[u.old_code.as_str()];
        if !joined.iter().any(|&c| holds(inputs.index, c, lon, lat)) {
            let actually_in: Vec<String> =
                inputs.index.hits(lon, lat).iter().map(|h| inputs.communes[h.commune].full_name.clone()).collect();
            let where_it_is = if actually_in.is_empty() {
                "outside every unit".to_string()
            } else {
                format!("in {}", actually_in.join(", "))
            };
            let mut f = finding(
                Severity::Warning,
                Check::FormerUnitOutsideNewUnit,
                FORMER_FILE,
                subject,
                format!(
                    "approximate point ({lon}, {lat}) falls {where_it_is}, not in {} which it joined{}",
                    new_unit.full_name,
                    if u.share == Share::Part { " (or any other new unit that took a part of it)" } else { "" }
                ),
            );
            f.communes.push(u.new_code.clone());
            f.location = Some([lon, lat]);
            findings.push(f);
        }
    }
}
