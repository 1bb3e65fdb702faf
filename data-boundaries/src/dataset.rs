//! A loaded, validated and indexed dataset, and the questions it answers: which commune holds
//! a point, which offices are nearest, what a new unit was formed from.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use crate::error::LoadError;
use crate::index::{CommuneIndex, OfficeIndex};
use crate::load::{self, SourceFiles};
use crate::model::{Commune, FormerUnit, Office, OfficeKind, Province};
use crate::pip::Position;
use crate::validate::{self, QualityReport};

/// Everything the service serves, immutable once built. Reloading builds a new one.
///
/// Answers refer to communes, offices and former units by their index (`usize`) into
/// [`Dataset::communes`], [`Dataset::offices`] and [`Dataset::former_units`]. Coordinates are
/// WGS84 longitude/latitude in degrees; distances are metres.
pub struct Dataset {
    /// The new units, in the order of `communes.geojson`.
    pub communes: Arc<Vec<Commune>>,
    /// Public-service offices in the order of `offices.csv`; empty when the dataset has none.
    pub offices: Vec<Office>,
    /// The units before 1 July 2025, in the order of `former_units.csv`; empty when the
    /// dataset has no lineage.
    pub former_units: Vec<FormerUnit>,
    /// A content hash of the source files (16 hex digits); changes whenever the data does.
    pub version: String,
    /// Everything validation found. A dataset from [`Dataset::load`] or
    /// [`Dataset::from_sources`] holds no fatal finding; one from
    /// [`Dataset::load_for_review`] may.
    pub report: QualityReport,
    commune_index: Arc<CommuneIndex>,
    office_index: OfficeIndex,
    commune_by_code: Arc<HashMap<String, usize>>,
    office_by_id: HashMap<String, usize>,
    seat_of: Vec<Option<usize>>,
    lineage_of: Vec<Vec<usize>>,
    provinces: Arc<Vec<Province>>,
    /// A former unit's code → its lineage links, in file order.
    links_by_old_code: Arc<HashMap<String, Vec<usize>>>,
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

/// The steps of loading a dataset, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoadStep {
    /// Reading (and un-gzipping) the files.
    Reading,
    /// Parsing the GeoJSON and the CSV files.
    Parsing,
    /// Building the point-in-polygon index.
    Indexing,
    /// The quality checks: overlaps, gaps, offices, lineage.
    Checking,
}

impl LoadStep {
    /// How many steps there are.
    pub const COUNT: usize = 4;

    /// The step's position, from 1 to [`LoadStep::COUNT`].
    pub fn number(self) -> usize {
        self as usize + 1
    }

    /// What the step does, for a progress line.
    pub fn describe(self) -> &'static str {
        match self {
            LoadStep::Reading => "reading the files",
            LoadStep::Parsing => "parsing",
            LoadStep::Indexing => "indexing",
            LoadStep::Checking => "checking overlaps, gaps, offices and lineage",
        }
    }
}

impl Dataset {
    /// Loads, validates and indexes the dataset at `dir`: a folder holding `communes.geojson`
    /// (and optionally `offices.csv` and `former_units.csv`), or a single communes GeoJSON file
    /// (gzipped when its name ends in `.gz`). Unreadable files, and fatal validation findings
    /// ([`LoadError::Rejected`]), refuse it; warnings are kept in [`Dataset::report`].
    pub fn load(dir: &Path) -> Result<Dataset, LoadError> {
        Dataset::from_sources(SourceFiles::read(dir)?)
    }

    /// Like [`Dataset::load`], but also returns a dataset with fatal findings, so that a
    /// review can list everything wrong with it. Unreadable files are still an error.
    pub fn load_for_review(dir: &Path) -> Result<Dataset, LoadError> {
        Dataset::load_for_review_with_progress(dir, &|_| {})
    }

    /// [`Dataset::load_for_review`], calling `progress` as each [`LoadStep`] begins (all Vietnam
    /// takes about 20 s, mostly checking).
    pub fn load_for_review_with_progress(dir: &Path, progress: &dyn Fn(LoadStep)) -> Result<Dataset, LoadError> {
        progress(LoadStep::Reading);
        Dataset::build(SourceFiles::read(dir)?, progress)
    }

    /// Parses, validates and indexes files already read into memory (by a test, a fuzzer or
    /// [`SourceFiles::read`]). Refuses fatal findings like [`Dataset::load`].
    pub fn from_sources(sources: SourceFiles) -> Result<Dataset, LoadError> {
        let dataset = Dataset::build(sources, &|_| {})?;
        if dataset.report.is_usable() {
            Ok(dataset)
        } else {
            Err(LoadError::Rejected { findings: dataset.report.fatal().cloned().collect() })
        }
    }

    fn build(sources: SourceFiles, progress: &dyn Fn(LoadStep)) -> Result<Dataset, LoadError> {
        progress(LoadStep::Parsing);
        let version = sources.version();
        let SourceFiles { communes: (path, text), offices, former_units } = sources;
        let communes = load::parse_communes(&path, &text)?;
        // The national text is 155 MB; nothing after parsing needs it.
        drop(text);
        let offices = offices.as_ref().map(|(p, t)| load::parse_offices(p, t)).transpose()?;
        let former_units = former_units.as_ref().map(|(p, t)| load::parse_former_units(p, t)).transpose()?;
        progress(LoadStep::Indexing);
        let commune_index = CommuneIndex::new(&communes);
        progress(LoadStep::Checking);
        let report = validate::quality_report(&validate::Inputs {
            communes: &communes,
            offices: offices.as_deref(),
            former_units: former_units.as_deref(),
            index: &commune_index,
            communes_file: &path.file_name().map_or_else(|| "communes.geojson".into(), |n| n.to_string_lossy()),
        });
        let offices = offices.unwrap_or_default();
        let former_units = former_units.unwrap_or_default();

        let commune_by_code: HashMap<String, usize> =
            communes.iter().enumerate().map(|(i, c)| (c.code.clone(), i)).collect();
        let office_by_id = offices_by_id(&offices);
        let seat_of = seats(communes.len(), &commune_by_code, &offices);
        let mut lineage_of = vec![Vec::new(); communes.len()];
        for (i, u) in former_units.iter().enumerate() {
            if let Some(&c) = commune_by_code.get(&u.new_code) {
                lineage_of[c].push(i);
            }
        }
        let provinces = Arc::new(provinces_of(&communes));
        let mut links_by_old_code: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, u) in former_units.iter().enumerate() {
            links_by_old_code.entry(u.old_code.clone()).or_default().push(i);
        }
        let links_by_old_code = Arc::new(links_by_old_code);
        Ok(Dataset {
            office_index: OfficeIndex::new(&offices),
            provinces,
            links_by_old_code,
            communes: Arc::new(communes),
            offices,
            former_units,
            version,
            report,
            commune_index: Arc::new(commune_index),
            commune_by_code: Arc::new(commune_by_code),
            office_by_id,
            seat_of,
            lineage_of,
        })
    }

    /// The same communes, lineage and quality report with another set of offices: the
    /// registry's current ones, which replace the dataset's `offices.csv` once it has seeded
    /// the registry. The geometry and its index are shared, not copied; only the office index
    /// and the seats are rebuilt. The report still describes the dataset as loaded (the
    /// registry validates each office when it is written).
    pub fn with_offices(&self, offices: Vec<Office>) -> Dataset {
        Dataset {
            communes: self.communes.clone(),
            office_index: OfficeIndex::new(&offices),
            office_by_id: offices_by_id(&offices),
            seat_of: seats(self.communes.len(), &self.commune_by_code, &offices),
            offices,
            former_units: self.former_units.clone(),
            version: self.version.clone(),
            report: self.report.clone(),
            commune_index: self.commune_index.clone(),
            commune_by_code: self.commune_by_code.clone(),
            lineage_of: self.lineage_of.clone(),
            provinces: self.provinces.clone(),
            links_by_old_code: self.links_by_old_code.clone(),
        }
    }

    /// Which commune holds the point (`lon`, `lat` in degrees).
    ///
    /// A point inside a commune gets that commune. A point exactly on a border shared by
    /// several communes gets the one with the smallest code (deterministic), with
    /// `on_boundary` set and the others in `boundary_with`. Where the data overlaps, the
    /// smallest code wins and every other containing commune is listed in `also_in`. A point
    /// outside every commune, or with a non-finite coordinate, gets `commune: None`.
    ///
    /// ```
    /// use data_boundaries::Dataset;
    /// let hue = testkit::reference_data_dir(); // ../shared/data/hue, beside the repository
    /// let data = Dataset::load(&hue).unwrap();
    ///
    /// let ngo_mon = data.locate(107.5794, 16.4668);
    /// assert_eq!(data.communes[ngo_mon.commune.unwrap()].full_name, "Phường Phú Xuân");
    /// assert!(!ngo_mon.on_boundary && ngo_mon.also_in.is_empty());
    ///
    /// // Đà Nẵng is outside Huế: no commune, and no guess.
    /// assert_eq!(data.locate(108.2022, 16.0544).commune, None);
    /// assert_eq!(data.locate(f64::NAN, 16.4668).commune, None);
    /// ```
    ///
    /// On a shared border (two synthetic squares, codes "1" and "2", sharing the edge x = 1):
    ///
    /// ```
    /// use data_boundaries::load::SourceFiles;
    /// use data_boundaries::Dataset;
    /// let square = |code: &str, x: f64| format!(
    ///     r#"{{"type":"Feature","properties":{{"code":"{code}","name":"Ô {code}","type":"xa"}},
    ///     "geometry":{{"type":"Polygon","coordinates":[[[{x},0],[{x1},0],[{x1},1],[{x},1],[{x},0]]]}}}}"#,
    ///     x1 = x + 1.0,
    /// );
    /// let text = format!(r#"{{"type":"FeatureCollection","features":[{},{}]}}"#, square("2", 1.0), square("1", 0.0));
    /// let sources = SourceFiles { communes: ("communes.geojson".into(), text), offices: None, former_units: None };
    /// let data = Dataset::from_sources(sources).unwrap();
    /// let code = |i: usize| data.communes[i].code.as_str();
    ///
    /// let here = data.locate(1.0, 0.5);
    /// assert_eq!(code(here.commune.unwrap()), "1", "the smallest code wins");
    /// assert!(here.on_boundary);
    /// assert_eq!(here.boundary_with.iter().map(|&i| code(i)).collect::<Vec<_>>(), ["2"]);
    /// ```
    pub fn locate(&self, lon: f64, lat: f64) -> Location {
        let mut hits = self.commune_index.hits(lon, lat);
        if let [only] = hits.as_slice() {
            // The usual answer, without the lists below.
            let on_boundary = only.position == Position::OnBoundary;
            return Location {
                commune: Some(only.commune),
                on_boundary,
                boundary_with: Vec::new(),
                also_in: Vec::new(),
            };
        }
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

    /// The commune whose border is nearest to the point, with the distance in metres to that
    /// border. Meant for points outside every commune (ask [`Dataset::locate`] first): for a
    /// point inside, the distance is to the nearest border, not 0. `None` only when the
    /// dataset has no communes.
    pub fn nearest_commune(&self, lon: f64, lat: f64) -> Option<(usize, f64)> {
        self.commune_index.nearest(&self.communes, lon, lat)
    }

    /// The `k` offices nearest to the point, of the given kinds (any kind when `kinds` is
    /// empty), closest first, each with its great-circle (haversine) distance in metres.
    ///
    /// Fewer than `k` come back when fewer offices match; `k == 0` gives none. Offices at the
    /// same distance are ordered by id, so the answer never depends on the index's layout.
    ///
    /// ```
    /// use data_boundaries::{Dataset, OfficeKind};
    /// let hue = testkit::reference_data_dir(); // ../shared/data/hue, beside the repository
    /// let data = Dataset::load(&hue).unwrap();
    ///
    /// let nearest = data.nearest_offices(107.5794, 16.4668, 3, &[OfficeKind::CommuneSeat]);
    /// assert_eq!(nearest.len(), 3);
    /// let (first, metres) = nearest[0];
    /// assert_eq!(data.offices[first].id, "seat-19753"); // Phú Xuân's seat, about 1.3 km away
    /// assert!((1_300.0..1_350.0).contains(&metres));
    /// assert!(nearest.windows(2).all(|pair| pair[0].1 <= pair[1].1), "closest first");
    ///
    /// assert_eq!(data.nearest_offices(107.5794, 16.4668, 500, &[]).len(), data.offices.len());
    /// assert!(data.nearest_offices(107.5794, 16.4668, 0, &[]).is_empty());
    /// ```
    pub fn nearest_offices(&self, lon: f64, lat: f64, k: usize, kinds: &[OfficeKind]) -> Vec<(usize, f64)> {
        self.office_index.nearest(&self.offices, lon, lat, k, |o| kinds.is_empty() || kinds.contains(&o.kind))
    }

    /// The communes whose area meets the box `west, south, east, north` (degrees), in
    /// ascending index order, each once.
    ///
    /// The box is closed: a commune that only touches an edge or a corner of it is included.
    /// The test is against the polygons themselves, not their bounding boxes; the R-tree over
    /// commune parts picks the candidates. `west > east` means the box crosses the
    /// antimeridian (from `west` to 180° and from -180° to `east`). A box with
    /// `south > north` or a NaN edge meets nothing.
    ///
    /// ```
    /// use data_boundaries::Dataset;
    /// let hue = testkit::reference_data_dir(); // ../shared/data/hue, beside the repository
    /// let data = Dataset::load(&hue).unwrap();
    ///
    /// let around_ngo_mon = data.communes_in_bbox(107.578, 16.466, 107.581, 16.468);
    /// assert_eq!(around_ngo_mon.len(), 1);
    /// assert_eq!(data.communes[around_ngo_mon[0]].code, "19753");
    /// let [west, south, east, north] = data.bounds();
    /// assert_eq!(data.communes_in_bbox(west, south, east, north).len(), 40);
    /// assert!(data.communes_in_bbox(0.0, 0.0, 1.0, 1.0).is_empty());
    /// ```
    pub fn communes_in_bbox(&self, west: f64, south: f64, east: f64, north: f64) -> Vec<usize> {
        use geo::Intersects;
        let mut found: Vec<usize> = lon_lat_boxes(west, south, east, north)
            .flat_map(|b| {
                let rect = geo::Rect::new(geo::coord! { x: b[0], y: b[1] }, geo::coord! { x: b[2], y: b[3] });
                self.commune_index
                    .parts_meeting(b)
                    .filter(move |&(commune, part)| rect.intersects(&self.communes[commune].geometry.0[part]))
                    .map(|(commune, _)| commune)
            })
            .collect();
        found.sort_unstable();
        found.dedup();
        found
    }

    /// The offices whose point lies in the box `west, south, east, north` (degrees), edges
    /// included, in ascending index order. The office R-tree answers it; the box follows the
    /// rules of [`Dataset::communes_in_bbox`] (`west > east` crosses the antimeridian;
    /// `south > north` or NaN meets nothing).
    pub fn offices_in_bbox(&self, west: f64, south: f64, east: f64, north: f64) -> Vec<usize> {
        let mut found: Vec<usize> =
            lon_lat_boxes(west, south, east, north).flat_map(|b| self.office_index.within(b)).collect();
        found.sort_unstable();
        found.dedup();
        found
    }

    /// The former units whose approximate point lies in the box `west, south, east, north`
    /// (degrees), edges included, in ascending index order, with the box rules of
    /// [`Dataset::communes_in_bbox`]. A unit without a point is in no box. A scan (10,587
    /// links nationally take well under a millisecond).
    pub fn former_units_in_bbox(&self, west: f64, south: f64, east: f64, north: f64) -> Vec<usize> {
        let boxes: Vec<[f64; 4]> = lon_lat_boxes(west, south, east, north).collect();
        (0..self.former_units.len())
            .filter(|&i| {
                let Some([lon, lat]) = self.former_units[i].point else { return false };
                boxes.iter().any(|b| b[0] <= lon && lon <= b[2] && b[1] <= lat && lat <= b[3])
            })
            .collect()
    }

    /// The index of the commune whose official code is exactly `code` (text: `"19753"`;
    /// leading zeros count), or `None`.
    pub fn commune_by_code(&self, code: &str) -> Option<usize> {
        self.commune_by_code.get(code).copied()
    }

    /// The index of the office whose id is exactly `id` (e.g. `"seat-19753"`), or `None`.
    pub fn office_by_id(&self, id: &str) -> Option<usize> {
        self.office_by_id.get(id).copied()
    }

    /// The first lineage link of the former unit whose pre-reform code is `code`; a split
    /// unit has more ([`Dataset::links_of_former_unit`]).
    pub fn former_unit_by_code(&self, code: &str) -> Option<usize> {
        self.links_by_old_code.get(code).and_then(|links| links.first().copied())
    }

    /// Every lineage link of the former unit `code`: one for a unit that went whole into a
    /// new unit, one per new unit for a split one. Empty for an unknown code.
    pub fn links_of_former_unit(&self, code: &str) -> &[usize] {
        self.links_by_old_code.get(code).map_or(&[], Vec::as_slice)
    }

    /// Whether the lineage names the former units' provinces (a national dataset's does; a
    /// city's, all in one province, need not): the address converter reads provinces then.
    pub fn lineage_names_provinces(&self) -> bool {
        self.former_units.iter().any(|u| !u.old_province.is_empty())
    }

    /// The provinces (after 1 July 2025) the communes name, by code; empty for a dataset
    /// whose communes name none (Huế's).
    pub fn provinces(&self) -> &[Province] {
        &self.provinces
    }

    /// The province named by `text`: its code ("01"), or its name with or without
    /// diacritics ("Hà Nội", "ha noi").
    pub fn province_named(&self, text: &str) -> Option<usize> {
        let text = text.trim();
        let folded = crate::text::fold(text);
        self.provinces.iter().position(|p| p.code == text || crate::text::fold(&p.name) == folded)
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

    /// How many polygons the communes have in all (a commune of two islands counts twice).
    pub fn part_count(&self) -> usize {
        self.commune_index.part_count()
    }
}

/// The box `west, south, east, north` as one or two `[min_lon, min_lat, max_lon, max_lat]`
/// boxes: two when it crosses the antimeridian (`west > east`), none when `south > north` or
/// an edge is NaN.
fn lon_lat_boxes(west: f64, south: f64, east: f64, north: f64) -> impl Iterator<Item = [f64; 4]> {
    // Written so that NaN fails the comparison and gives no box.
    let valid = south <= north && !west.is_nan() && !east.is_nan();
    let boxes = if !valid {
        [None, None]
    } else if west <= east {
        [Some([west, south, east, north]), None]
    } else {
        [Some([west, south, 180.0, north]), Some([-180.0, south, east, north])]
    };
    boxes.into_iter().flatten()
}

/// Office positions in the list by id.
fn offices_by_id(offices: &[Office]) -> HashMap<String, usize> {
    offices.iter().enumerate().map(|(i, o)| (o.id.clone(), i)).collect()
}

/// Each commune's seat: the first `commune_seat` office that names it.
fn seats(commune_count: usize, commune_by_code: &HashMap<String, usize>, offices: &[Office]) -> Vec<Option<usize>> {
    let mut seat_of = vec![None; commune_count];
    for (i, o) in offices.iter().enumerate() {
        if o.kind == OfficeKind::CommuneSeat {
            if let Some(&c) = commune_by_code.get(&o.commune_code) {
                seat_of[c].get_or_insert(i);
            }
        }
    }
    seat_of
}

/// The communes' provinces, by code, each with its units and their bounding box.
fn provinces_of(communes: &[Commune]) -> Vec<Province> {
    use geo::BoundingRect;
    let mut provinces: Vec<Province> = Vec::new();
    for (i, c) in communes.iter().enumerate() {
        let (Some(code), Some(name)) = (&c.province_code, &c.province_name) else { continue };
        let at = match provinces.iter().position(|p| &p.code == code) {
            Some(at) => at,
            None => {
                provinces.push(Province {
                    code: code.clone(),
                    name: name.clone(),
                    communes: Vec::new(),
                    bbox: [f64::INFINITY, f64::INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY],
                });
                provinces.len() - 1
            }
        };
        let province = &mut provinces[at];
        province.communes.push(i);
        if let Some(r) = c.geometry.bounding_rect() {
            let b = province.bbox;
            province.bbox = [b[0].min(r.min().x), b[1].min(r.min().y), b[2].max(r.max().x), b[3].max(r.max().y)];
        }
    }
    provinces.sort_by(|a, b| a.code.cmp(&b.code));
    provinces
}
