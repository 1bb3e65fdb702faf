//! Converting a pre-reform address ("12 Lê Lợi, Phường Vĩnh Ninh, TP Huế, Thừa Thiên Huế")
//! to the new one ("12 Lê Lợi, Phường Thuận Hoá, Thành phố Huế").
//!
//! The parser tokenises the text, recognises the province, district and unit parts with their
//! abbreviations (P., Ph., X., TT., Q., H., TX., TP., "TT Huế", "T.T.Huế"…), with or without
//! diacritics and with either tone-mark placement, and looks the unit up among the 133 former
//! units. A unit type ("Phường", "Xã") or a district narrows same-named units; when nothing
//! narrows them, every candidate is reported rather than one guessed. The street part is kept
//! exactly as written.

use crate::address_words::{longest, name_at, street_before, tokenize, words, Token};
pub use crate::address_words::{Candidate, Conversion, Status};
use crate::national_address::NationalIndex;
use crate::search::strip_type;
use crate::Dataset;

/// What kind of unit a type word announces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum UnitKind {
    Phuong,
    Xa,
    ThiTran,
}

/// A former unit as the parser matches it.
struct UnitName {
    former: usize,
    kind: UnitKind,
    folded: Vec<String>,
    toned: Vec<String>,
    district: usize,
}

/// What the district phase read from an address.
#[derive(Default)]
struct DistrictReading {
    /// The former districts a typed district phrase named; `None` when there was none.
    filter: Option<Vec<usize>>,
    /// The first token of the earliest district phrase: the street part ends there at the latest.
    admin_start: Option<usize>,
}

/// Same-named former units found at one place in the address.
struct FoundUnit {
    /// Indexes into `AddressIndex::units`, all with the longest name matched there.
    units: Vec<usize>,
    /// The unit type written before the name, if any.
    typed: Option<UnitKind>,
    /// The first token (the type word, or the name).
    at: usize,
}

/// A district (before 1 July 2025) and the spellings that name it.
struct District {
    name: String,
    folded: Vec<String>,
    toned: Vec<String>,
}

/// The former units' names and districts, prepared once per dataset for
/// [`AddressIndex::convert`]: a city's (one province, as Huế's dataset), or the country's when
/// the lineage names the old provinces.
pub struct AddressIndex {
    units: Vec<UnitName>,
    districts: Vec<District>,
    country: Option<NationalIndex>,
}

const PROVINCE_PHRASES: [&[&str]; 8] = [
    &["tinh", "thua", "thien", "hue"],
    &["thua", "thien", "hue"],
    &["tt", "hue"],
    &["t", "t", "hue"],
    &["tth"],
    &["viet", "nam"],
    &["vn"],
    &["tinh"],
];

/// Type words that announce a unit, as token sequences (folded).
fn unit_type_at(tokens: &[Token], i: usize) -> Option<(UnitKind, usize)> {
    let word = |k: usize| tokens.get(i + k).map(|t| t.folded.as_str());
    match (word(0)?, word(1)) {
        ("thi", Some("tran")) => Some((UnitKind::ThiTran, 2)),
        // "TT" is a town (thị trấn) unless it is "TT Huế", the province.
        ("tt", next) if next != Some("hue") => Some((UnitKind::ThiTran, 1)),
        ("phuong" | "p" | "ph", _) => Some((UnitKind::Phuong, 1)),
        ("xa" | "x", _) => Some((UnitKind::Xa, 1)),
        _ => None,
    }
}

/// Type words that announce a district: quận, huyện, thị xã, thành phố and abbreviations.
fn district_type_at(tokens: &[Token], i: usize) -> Option<usize> {
    let word = |k: usize| tokens.get(i + k).map(|t| t.folded.as_str());
    match (word(0)?, word(1)) {
        ("thi", Some("xa")) | ("thanh", Some("pho")) => Some(2),
        ("quan" | "q" | "huyen" | "h" | "tx" | "tp", _) => Some(1),
        _ => None,
    }
}

impl AddressIndex {
    /// Prepares the names of `data`'s former units and of their old districts. An index is
    /// only good for the dataset it was built from (it holds indexes into it).
    pub fn new(data: &Dataset) -> AddressIndex {
        if data.lineage_names_provinces() {
            return AddressIndex { units: Vec::new(), districts: Vec::new(), country: Some(NationalIndex::new(data)) };
        }
        let mut districts: Vec<District> = Vec::new();
        let mut district_of = |name: &str| -> usize {
            if let Some(i) = districts.iter().position(|d| d.name == name) {
                return i;
            }
            let bare =
                ["Quận ", "Huyện ", "Thị xã ", "Thành phố "].iter().find_map(|p| name.strip_prefix(p)).unwrap_or(name);
            let (folded, toned) = words(bare);
            districts.push(District { name: name.to_string(), folded, toned });
            districts.len() - 1
        };
        let units = data
            .former_units
            .iter()
            .enumerate()
            .map(|(former, u)| {
                let kind = if u.old_name.starts_with("Phường") {
                    UnitKind::Phuong
                } else if u.old_name.starts_with("Thị trấn") {
                    UnitKind::ThiTran
                } else {
                    UnitKind::Xa
                };
                let (folded, toned) = words(strip_type(&u.old_name));
                UnitName { former, kind, folded, toned, district: district_of(&u.old_district) }
            })
            .collect();
        AddressIndex { units, districts, country: None }
    }

    /// Former districts that a name found in the text may mean. Nam Đông joined Phú Lộc on
    /// 1 January 2025, and Phong Điền was a huyện before it became a thị xã, so older spellings
    /// lead to the same district.
    fn districts_named(&self, tokens: &[Token], i: usize) -> Option<(Vec<usize>, usize)> {
        let mut best: Option<(Vec<usize>, usize)> = None;
        for (d, district) in self.districts.iter().enumerate() {
            if name_at(tokens, i, &district.folded, &district.toned)
                && best.as_ref().is_none_or(|b| district.folded.len() > b.1)
            {
                best = Some((vec![d], district.folded.len()));
            }
        }
        if best.is_none() && name_at(tokens, i, &["nam".into(), "dong".into()], &["nam".into(), "đông".into()]) {
            let phu_loc = self.districts.iter().position(|d| d.folded == ["phu", "loc"])?;
            best = Some((vec![phu_loc], 2));
        }
        best
    }

    /// Former units whose name stands at `tokens[i..]`, longest name first.
    fn units_named(&self, tokens: &[Token], i: usize) -> (Vec<usize>, usize) {
        longest(
            self.units
                .iter()
                .enumerate()
                .filter(|(_, unit)| name_at(tokens, i, &unit.folded, &unit.toned))
                .map(|(u, unit)| (u, unit.folded.len())),
        )
    }

    /// Converts one pre-reform address to the new one.
    ///
    /// The address is read in four phases: the province is set aside, then typed districts
    /// ("Q. Thuận Hóa", "huyện A Lưới", "TP Huế"), then the former unit's name (a typed one
    /// such as "P. Vỹ Dạ" first, else the last untyped name), and last the unit type and the
    /// district narrow same-named units. Everything before the first administrative word is
    /// the street part, kept exactly as written. Empty or unrelated text is
    /// [`Status::NotRecognised`]; a name that two units share, with nothing to tell them
    /// apart, is [`Status::Ambiguous`] with every candidate, never a guess.
    ///
    /// ```
    /// use data_boundaries::address::{AddressIndex, Status};
    /// use data_boundaries::Dataset;
    /// let hue = testkit::reference_data_dir(); // ../shared/data/hue, beside the repository
    /// let data = Dataset::load(&hue).unwrap();
    /// let index = AddressIndex::new(&data);
    ///
    /// let c = index.convert(&data, "12 Lê Lợi, Phường Vĩnh Ninh, TP Huế, Thừa Thiên Huế");
    /// assert_eq!(c.status, Status::Matched);
    /// assert_eq!(c.street.as_deref(), Some("12 Lê Lợi"));
    /// assert_eq!(c.best.unwrap().new_address, "12 Lê Lợi, Phường Thuận Hoá, Thành phố Huế");
    ///
    /// // Abbreviations, no diacritics: the same unit.
    /// let c = index.convert(&data, "12 le loi, p. vinh ninh");
    /// assert_eq!(data.communes[c.best.unwrap().new_commune].full_name, "Phường Thuận Hoá");
    ///
    /// // A ward of Thuận Hóa and a commune of A Lưới were both called Hương Phong.
    /// let c = index.convert(&data, "Hương Phong, Huế");
    /// assert_eq!(c.status, Status::Ambiguous);
    /// assert_eq!((c.best, c.alternatives.len()), (None, 2));
    ///
    /// assert_eq!(index.convert(&data, "Hà Nội").status, Status::NotRecognised);
    /// ```
    pub fn convert(&self, data: &Dataset, address: &str) -> Conversion {
        self.convert_at(data, address, None)
    }

    /// [`AddressIndex::convert`], with the position (`[lon, lat]`) the address is at, where
    /// known: nationally it decides between the new units that took parts of a split unit,
    /// or between same-named units, by point-in-polygon, and the answer says so.
    pub fn convert_at(&self, data: &Dataset, address: &str, position: Option<[f64; 2]>) -> Conversion {
        if let Some(country) = &self.country {
            return country.convert(data, address, position);
        }
        let tokens = tokenize(address);
        let mut used = vec![false; tokens.len()];
        let province_given = mark_province(&tokens, &mut used);
        let districts = self.read_districts(&tokens, &mut used, province_given);
        let Some(found) = self.find_unit(&tokens, &used) else {
            return Conversion {
                status: Status::NotRecognised,
                street: None,
                best: None,
                alternatives: Vec::new(),
                confidence: 0.0,
                explanation: "no commune, ward or town from before 1 July 2025 was recognised in the address".into(),
                decided_by_position: false,
            };
        };
        let start = districts.admin_start.map_or(found.at, |s| s.min(found.at));
        let street = street_before(address, &tokens, start);
        let (candidates, reasons) = self.narrow(&found, districts.filter.as_deref());
        let agreeing = found.typed.is_some() as u8 + districts.filter.is_some() as u8;
        self.answer(data, street, candidates, &reasons, agreeing)
    }

    /// Phase 2: typed districts ("Q. Thuận Hóa", "huyện A Lưới", "TP Huế"), marked as used;
    /// then a bare "Huế", which is the city itself.
    fn read_districts(&self, tokens: &[Token], used: &mut [bool], province_given: bool) -> DistrictReading {
        let mut reading = DistrictReading::default();
        let mut i = 0;
        while i < tokens.len() {
            if used[i] {
                i += 1;
                continue;
            }
            if let Some(type_len) = district_type_at(tokens, i) {
                let after = i + type_len;
                if let Some((ds, len)) = self.districts_named(tokens, after) {
                    reading.filter.get_or_insert_with(Vec::new).extend(ds);
                    used[i..after + len].iter_mut().for_each(|u| *u = true);
                    reading.admin_start = Some(reading.admin_start.map_or(i, |s: usize| s.min(i)));
                    i = after + len;
                    continue;
                }
                // "TP Huế": the old provincial city (Phú Xuân and Thuận Hóa since 2025) when a
                // province is also named; otherwise today's Thành phố Huế, the province.
                if tokens.get(after).is_some_and(|t| t.folded == "hue") {
                    if province_given {
                        let city: Vec<usize> = self
                            .districts
                            .iter()
                            .enumerate()
                            .filter(|(_, d)| d.folded == ["phu", "xuan"] || d.folded == ["thuan", "hoa"])
                            .map(|(d, _)| d)
                            .collect();
                        reading.filter.get_or_insert_with(Vec::new).extend(city);
                    }
                    used[i..=after].iter_mut().for_each(|u| *u = true);
                    reading.admin_start = Some(reading.admin_start.map_or(i, |s: usize| s.min(i)));
                    i = after + 1;
                    continue;
                }
            }
            i += 1;
        }
        // A bare "Huế" is the city itself.
        for (i, t) in tokens.iter().enumerate() {
            if !used[i] && t.folded == "hue" {
                used[i] = true;
            }
        }
        reading
    }

    /// Phase 3: the former unit's name among the unused tokens. Typed ones first ("P. Vỹ
    /// Dạ"), else untyped names, the later the likelier (a district name after the unit, such
    /// as "Hương Thủy", is read from what no unit took). `None` when no name is found.
    fn find_unit(&self, tokens: &[Token], used: &[bool]) -> Option<FoundUnit> {
        let mut typed: Vec<FoundUnit> = Vec::new();
        let mut untyped: Vec<FoundUnit> = Vec::new();
        let mut i = 0;
        while i < tokens.len() {
            if used[i] {
                i += 1;
                continue;
            }
            if let Some((kind, type_len)) = unit_type_at(tokens, i) {
                let (units, len) = self.units_named(tokens, i + type_len);
                if !units.is_empty() {
                    typed.push(FoundUnit { units, typed: Some(kind), at: i });
                    i += type_len + len;
                    continue;
                }
            }
            let (units, len) = self.units_named(tokens, i);
            if !units.is_empty() {
                untyped.push(FoundUnit { units, typed: None, at: i });
                i += len;
                continue;
            }
            i += 1;
        }
        typed.into_iter().next().or_else(|| untyped.into_iter().max_by_key(|f| (tokens[f.at].segment, f.at)))
    }

    /// Phase 4a: the unit type, then the districts, narrow same-named units (each only when
    /// some candidate survives it). Returns the candidates left (never empty) and what
    /// decided between them.
    fn narrow(&self, found: &FoundUnit, districts: Option<&[usize]>) -> (Vec<usize>, Vec<&'static str>) {
        let mut candidates: Vec<usize> = found.units.clone();
        let mut reasons = Vec::new();
        if let Some(kind) = found.typed {
            let narrowed: Vec<usize> = candidates.iter().copied().filter(|&u| self.units[u].kind == kind).collect();
            if !narrowed.is_empty() {
                if narrowed.len() < candidates.len() {
                    reasons.push("the unit type");
                }
                candidates = narrowed;
            }
        }
        if let Some(districts) = districts {
            let narrowed: Vec<usize> =
                candidates.iter().copied().filter(|&u| districts.contains(&self.units[u].district)).collect();
            if !narrowed.is_empty() {
                if narrowed.len() < candidates.len() {
                    reasons.push("the district");
                }
                candidates = narrowed;
            }
        }
        (candidates, reasons)
    }

    /// Phase 4b: the answer for the remaining candidates (one: matched; more: ambiguous).
    /// `agreeing` counts what confirmed the name (a unit type, a district: 0 to 2).
    fn answer(
        &self,
        data: &Dataset,
        street: Option<String>,
        candidates: Vec<usize>,
        reasons: &[&str],
        agreeing: u8,
    ) -> Conversion {
        let to_candidate = |u: usize| -> Option<Candidate> {
            let former = &data.former_units[self.units[u].former];
            let new_commune = data.commune_by_code(&former.new_code)?;
            let new_name = &data.communes[new_commune].full_name;
            let new_address = match &street {
                Some(street) => format!("{street}, {new_name}, Thành phố Huế"),
                None => format!("{new_name}, Thành phố Huế"),
            };
            Some(Candidate { former_unit: Some(self.units[u].former), new_commune, new_address })
        };
        let mut alternatives: Vec<Candidate> = candidates.iter().filter_map(|&u| to_candidate(u)).collect();
        let name = &data.former_units[self.units[candidates[0]].former].old_name;
        if alternatives.len() == 1 {
            let confidence = match agreeing {
                2 => 0.99,
                1 => 0.95,
                _ => 0.85,
            };
            let explanation = if reasons.is_empty() {
                format!("recognised {name}")
            } else {
                format!("recognised {name}; {} decided between same-named units", reasons.join(" and "))
            };
            Conversion {
                status: Status::Matched,
                street,
                best: alternatives.pop(),
                alternatives: Vec::new(),
                confidence,
                explanation,
                decided_by_position: false,
            }
        } else {
            let names: Vec<String> = alternatives
                .iter()
                .filter_map(|c| c.former_unit.map(|f| &data.former_units[f]))
                .map(|u| format!("{} ({})", u.old_name, u.old_district))
                .collect();
            Conversion {
                status: Status::Ambiguous,
                street,
                best: None,
                confidence: 1.0 / alternatives.len().max(1) as f64,
                alternatives,
                explanation: format!(
                    "several units had this name: {}; add the unit type or the district",
                    names.join(", ")
                ),
                decided_by_position: false,
            }
        }
    }
}

/// Phase 1: marks the province's words as used, so "Huế" in it is not read as anything else.
/// True when the province named is Thừa Thiên Huế (not just "tỉnh" or "Việt Nam").
fn mark_province(tokens: &[Token], used: &mut [bool]) -> bool {
    let mut province_given = false;
    for i in 0..tokens.len() {
        for phrase in PROVINCE_PHRASES {
            if phrase.iter().enumerate().all(|(k, w)| tokens.get(i + k).is_some_and(|t| t.folded == *w && !used[i + k]))
            {
                if phrase.len() > 1 || phrase[0] != "tinh" {
                    province_given |= phrase.contains(&"hue") || phrase == ["tth"];
                }
                for k in 0..phrase.len() {
                    used[i + k] = true;
                }
            }
        }
    }
    province_given
}
