//! A loaded, validated and indexed dataset, and the questions it answers: which commune holds
//! a point, which offices are nearest, what a new unit was formed from.

use std::collections::HashMap;
use std::path::Path;

use crate::error::LoadError;
use crate::index::{CommuneIndex, OfficeIndex};
use crate::load::{self, SourceFiles};
use crate::model::{Commune, FormerUnit, Office, OfficeKind};
use crate::pip::Position;
use crate::validate::{self, QualityReport};

/// Everything the service serves, immutable once built. Reloading builds a new one.
pub struct Dataset {
    pub communes: Vec<Commune>,
    pub offices: Vec<Office>,
    pub former_units: Vec<FormerUnit>,
    /// A content hash of the source files; changes whenever the data does.
    pub version: String,
    pub report: QualityReport,
    commune_index: CommuneIndex,
    office_index: OfficeIndex,
    commune_by_code: HashMap<String, usize>,
    office_by_id: HashMap<String, usize>,
    seat_of: Vec<Option<usize>>,
    lineage_of: Vec<Vec<usize>>,
}

/// The answer to "which commune is this point in?".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The commune holding the point, or `None` outside every commune.
    pub commune: Option<usize>,
    /// True when the point is exactly on the chosen commune's border (and inside no commune).
    pub on_boundary: bool,
    /// Other communes sharing the border the point is on.
    pub boundary_with: Vec<usize>,
    /// Other communes whose interior also holds the point (overlapping data).
    pub also_in: Vec<usize>,
}

impl Dataset {
    /// Loads, validates and indexes the dataset in `dir`. Fatal findings refuse it.
    pub fn load(dir: &Path) -> Result<Dataset, LoadError> {
        Dataset::from_sources(SourceFiles::read(dir)?)
    }

    /// Like [`Dataset::load`], but also returns a dataset with fatal findings (for `check`).
    pub fn load_for_review(dir: &Path) -> Result<Dataset, LoadError> {
        Dataset::build(SourceFiles::read(dir)?)
    }

    pub fn from_sources(sources: SourceFiles) -> Result<Dataset, LoadError> {
        let dataset = Dataset::build(sources)?;
        if dataset.report.is_usable() {
            Ok(dataset)
        } else {
            Err(LoadError::Rejected { findings: dataset.report.fatal().cloned().collect() })
        }
    }

    fn build(sources: SourceFiles) -> Result<Dataset, LoadError> {
        let version = sources.version();
        let (path, text) = &sources.communes;
        let communes = load::parse_communes(path, text)?;
        let offices = sources.offices.as_ref().map(|(p, t)| load::parse_offices(p, t)).transpose()?;
        let former_units = sources.former_units.as_ref().map(|(p, t)| load::parse_former_units(p, t)).transpose()?;
        let commune_index = CommuneIndex::new(&communes);
        let report = validate::quality_report(&validate::Inputs {
            communes: &communes,
            offices: offices.as_deref(),
            former_units: former_units.as_deref(),
            index: &commune_index,
        });
        let offices = offices.unwrap_or_default();
        let former_units = former_units.unwrap_or_default();

        let commune_by_code: HashMap<String, usize> =
            communes.iter().enumerate().map(|(i, c)| (c.code.clone(), i)).collect();
        let office_by_id = offices.iter().enumerate().map(|(i, o)| (o.id.clone(), i)).collect();
        let mut seat_of = vec![None; communes.len()];
        for (i, o) in offices.iter().enumerate() {
            if o.kind == OfficeKind::CommuneSeat {
                if let Some(&c) = commune_by_code.get(&o.commune_code) {
                    seat_of[c].get_or_insert(i);
                }
            }
        }
        let mut lineage_of = vec![Vec::new(); communes.len()];
        for (i, u) in former_units.iter().enumerate() {
            if let Some(&c) = commune_by_code.get(&u.new_code) {
                lineage_of[c].push(i);
            }
        }
        Ok(Dataset {
            office_index: OfficeIndex::new(&offices),
            communes,
            offices,
            former_units,
            version,
            report,
            commune_index,
            commune_by_code,
            office_by_id,
            seat_of,
            lineage_of,
        })
    }

    /// Which commune holds the point.
    ///
    /// A point inside a commune gets that commune. A point exactly on a border shared by
    /// several communes gets the one with the smallest code (deterministic), with
    /// `on_boundary` set and the others in `boundary_with`. Where the data overlaps, the
    /// smallest code wins and every other containing commune is listed in `also_in`.
    pub fn locate(&self, lon: f64, lat: f64) -> Location {
        let mut hits = self.commune_index.hits(lon, lat);
        hits.sort_by(|a, b| self.communes[a.commune].code.cmp(&self.communes[b.commune].code));
        let inside: Vec<usize> = hits.iter().filter(|h| h.position == Position::Inside).map(|h| h.commune).collect();
        let touching: Vec<usize> =
            hits.iter().filter(|h| h.position == Position::OnBoundary).map(|h| h.commune).collect();
        match (inside.split_first(), touching.split_first()) {
            (Some((&first, rest)), _) => {
                Location { commune: Some(first), on_boundary: false, boundary_with: Vec::new(), also_in: rest.to_vec() }
            }
            (None, Some((&first, rest))) => {
                Location { commune: Some(first), on_boundary: true, boundary_with: rest.to_vec(), also_in: Vec::new() }
            }
            (None, None) => {
                Location { commune: None, on_boundary: false, boundary_with: Vec::new(), also_in: Vec::new() }
            }
        }
    }

    /// The commune nearest to a point, with the distance in metres to its border.
    pub fn nearest_commune(&self, lon: f64, lat: f64) -> Option<(usize, f64)> {
        self.commune_index.nearest(&self.communes, lon, lat)
    }

    /// The `k` nearest offices (of the given kinds, or any kind when `kinds` is empty),
    /// closest first, with distances in metres.
    pub fn nearest_offices(&self, lon: f64, lat: f64, k: usize, kinds: &[OfficeKind]) -> Vec<(usize, f64)> {
        self.office_index.nearest(&self.offices, lon, lat, k, |o| kinds.is_empty() || kinds.contains(&o.kind))
    }

    pub fn commune_by_code(&self, code: &str) -> Option<usize> {
        self.commune_by_code.get(code).copied()
    }

    pub fn office_by_id(&self, id: &str) -> Option<usize> {
        self.office_by_id.get(id).copied()
    }

    /// The former unit whose pre-reform code is `code` (133 of them: a scan is enough).
    pub fn former_unit_by_code(&self, code: &str) -> Option<usize> {
        self.former_units.iter().position(|u| u.old_code == code)
    }

    /// The commune's administrative seat, if the data has one.
    pub fn seat(&self, commune: usize) -> Option<&Office> {
        self.seat_of[commune].map(|i| &self.offices[i])
    }

    /// The former units merged into this commune on 1 July 2025.
    pub fn former_units_of(&self, commune: usize) -> impl Iterator<Item = &FormerUnit> {
        self.lineage_of[commune].iter().map(|&i| &self.former_units[i])
    }

    /// The bounding box of all communes, `[min_lon, min_lat, max_lon, max_lat]`.
    pub fn bounds(&self) -> [f64; 4] {
        use geo::BoundingRect;
        self.communes
            .iter()
            .filter_map(|c| c.geometry.bounding_rect())
            .fold([f64::INFINITY, f64::INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY], |b, r| {
                [b[0].min(r.min().x), b[1].min(r.min().y), b[2].max(r.max().x), b[3].max(r.max().y)]
            })
    }

    pub fn part_count(&self) -> usize {
        self.commune_index.part_count()
    }
}
