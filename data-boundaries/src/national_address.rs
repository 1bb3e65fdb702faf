//! Converting pre-reform addresses anywhere in Vietnam: "Số 5, P.15, Q.Tân Bình, TP.HCM" to
//! the unit in force since 1 July 2025, with the dataset's lineage (`former_units.csv` with
//! `old_province` and `share`).
//!
//! The address is read right to left, as Vietnamese addresses are written small to large:
//! first the province (the 63 old ones and the 34 new ones, with their abbreviations:
//! "TP.HCM", "BR-VT", "Thừa Thiên Huế"…), then typed districts (quận, huyện, thị xã, thành
//! phố, "Q.3"), then the unit ("P.15", "Phường 15", "xã Tân Phú"…) among the units of that
//! province and district. What decides is said in the answer, and nothing is guessed:
//! - a unit that went whole into one new unit is `matched`;
//! - a unit that was split is `ambiguous` with every new unit that took part of it, unless a
//!   position comes with the address: point-in-polygon then decides, and the answer says so;
//! - same-named units that nothing in the address tells apart are `ambiguous`, all listed;
//! - a district that was never in the province named, or a unit in none of them, is
//!   `not_recognised`, naming what was recognised;
//! - an address written with the new units (no district, a unit of the named province that
//!   exists today) is `current`, and answered as it is.

use std::collections::HashMap;

use crate::address_words::{longest, name_at, street_before, tokenize, Candidate, Conversion, Status, Token};
use crate::model::Share;
use crate::text::fold;
use crate::Dataset;

/// The most alternatives an ambiguous answer lists; the explanation gives the full count.
const MAX_ALTERNATIVES: usize = 20;

/// What a type word before a name says the unit or province is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Phuong,
    Xa,
    ThiTran,
    DacKhu,
}

/// Whether a province is a "Tỉnh" or a "Thành phố" (centrally run city), as its official
/// name says; `Any` for a name the data gives without its type (the new provinces).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ProvinceType {
    Tinh,
    ThanhPho,
    Any,
}

/// A name as the matcher compares it: folded words, and the words with their tones.
#[derive(Debug, Clone)]
struct Name {
    folded: Vec<String>,
    toned: Vec<String>,
}

impl Name {
    /// The name's words as an address's are read (the same tokenizer: "Bà Rịa - Vũng Tàu"
    /// is four words, "Cư M'gar" three).
    fn of(text: &str) -> Name {
        let tokens = national_tokens(text);
        Name {
            folded: tokens.iter().map(|t| t.folded.clone()).collect(),
            toned: tokens.iter().map(|t| t.toned.clone()).collect(),
        }
    }

    fn at(&self, tokens: &[Token], i: usize) -> bool {
        name_at(tokens, i, &self.folded, &self.toned)
    }
}

/// "05" is "5": ward and district numbers are written with and without leading zeros.
fn unpad(word: String) -> String {
    if word.len() > 1 && word.bytes().all(|b| b.is_ascii_digit()) {
        let trimmed = word.trim_start_matches('0');
        return if trimmed.is_empty() { "0".into() } else { trimmed.into() };
    }
    word
}

/// A province as an address may name it: an old one, a new one, or both under one name.
struct Province {
    /// What the answer calls it.
    label: String,
    names: Vec<Name>,
    official: ProvinceType,
    /// The old province of this name, if one existed: searched first.
    own_old: Option<usize>,
    /// The old provinces it may mean: itself, and for a new province's name, every old
    /// province whose units went into it.
    old: Vec<usize>,
    /// The new province of this name, if one exists.
    new_code: Option<String>,
}

/// A district before 1 July 2025.
struct District {
    province: usize,
    name: Name,
    /// As the lineage writes it: "Quận Ba Đình".
    label: String,
}

/// A unit before 1 July 2025, with every lineage link it has (one, or one per new unit that
/// took part of it).
struct OldUnit {
    kind: Kind,
    name: Name,
    district: usize,
    province: usize,
    links: Vec<usize>,
}

/// A unit in force since 1 July 2025.
struct NewUnit {
    commune: usize,
    kind: Kind,
    name: Name,
    province_code: String,
}

/// The country's former units, districts and provinces, prepared once per dataset.
pub struct NationalIndex {
    provinces: Vec<Province>,
    old_province_names: Vec<String>,
    districts: Vec<District>,
    units: Vec<OldUnit>,
    new_units: Vec<NewUnit>,
    province_names: HashMap<String, String>,
    /// First folded word of a name → the units (districts, new units) so named.
    unit_words: HashMap<String, Vec<usize>>,
    district_words: HashMap<String, Vec<usize>>,
    new_unit_words: HashMap<String, Vec<usize>>,
}

/// Abbreviations and other names people write for a province (folded), by the folded bare
/// name of the province they mean.
const PROVINCE_ALIASES: [(&str, &[&str]); 7] = [
    ("ho chi minh", &["tphcm", "tp hcm", "hcm", "hcmc", "sai gon", "sg"]),
    ("ha noi", &["hn"]),
    ("ba ria vung tau", &["br vt", "brvt"]),
    ("hue", &["thua thien hue", "tt hue", "t t hue", "tth"]),
    ("dak lak", &["daklak", "dac lac"]),
    ("dak nong", &["daknong"]),
    ("khanh hoa", &["khanhhoa"]),
];

fn kind_of(full_name: &str) -> Kind {
    match fold(full_name).split(' ').take(2).collect::<Vec<_>>()[..] {
        ["phuong", ..] => Kind::Phuong,
        ["thi", "tran"] => Kind::ThiTran,
        ["dac", "khu"] => Kind::DacKhu,
        _ => Kind::Xa,
    }
}

/// The name without its type word ("Phường 15" → "15", "Thị Trấn Ái Tử" → "Ái Tử"), in
/// any case.
fn bare(full_name: &str) -> &str {
    const PREFIXES: [&str; 9] =
        ["thành phố ", "thị trấn ", "thị xã ", "đặc khu ", "phường ", "huyện ", "quận ", "tỉnh ", "xã "];
    PREFIXES
        .iter()
        .find_map(|p| {
            let head = full_name.get(..p.len())?;
            (head.to_lowercase() == *p).then(|| &full_name[p.len()..])
        })
        .unwrap_or(full_name)
}

/// True when `token` is the type word `word` (folded), written as `toned` when written with
/// diacritics: "Quân" is a name, not "Quận".
fn is_type_word(token: Option<&Token>, word: &str, toned: &str) -> bool {
    token.is_some_and(|t| t.folded == word && (!t.marked || t.toned == toned))
}

fn add_word(index: &mut HashMap<String, Vec<usize>>, name: &Name, id: usize) {
    if let Some(first) = name.folded.first() {
        index.entry(first.clone()).or_default().push(id);
    }
}

/// A unit's type word at `tokens[i]`: its kind and length. "TT" (thị trấn) and "T" (tỉnh)
/// are told apart by the province step, which runs first.
fn unit_type_at(tokens: &[Token], i: usize) -> Option<(Kind, usize)> {
    let at = |k: usize, word: &str, toned: &str| is_type_word(tokens.get(i + k), word, toned);
    if at(0, "thi", "thi5") && at(1, "tran", "trân1") {
        Some((Kind::ThiTran, 2))
    } else if at(0, "dac", "đăc5") && at(1, "khu", "khu") {
        Some((Kind::DacKhu, 2))
    } else if at(0, "tt", "tt") {
        Some((Kind::ThiTran, 1))
    } else if at(0, "phuong", "phương2") || ["p", "ph", "f"].iter().any(|w| at(0, w, w)) {
        Some((Kind::Phuong, 1))
    } else if at(0, "xa", "xa4") || at(0, "x", "x") {
        Some((Kind::Xa, 1))
    } else {
        None
    }
}

/// A district's type word at `tokens[i]`: quận, huyện, thị xã, thành phố, and abbreviations.
fn district_type_at(tokens: &[Token], i: usize) -> Option<usize> {
    let at = |k: usize, word: &str, toned: &str| is_type_word(tokens.get(i + k), word, toned);
    if (at(0, "thi", "thi5") && at(1, "xa", "xa4")) || (at(0, "thanh", "thanh2") && at(1, "pho", "phô1")) {
        Some(2)
    } else if at(0, "quan", "quân5") || at(0, "huyen", "huyên5") || ["q", "h", "tx", "tp"].iter().any(|w| at(0, w, w))
    {
        Some(1)
    } else {
        None
    }
}

/// A province's type word at `tokens[i]`: its type and length.
fn province_type_at(tokens: &[Token], i: usize) -> Option<(ProvinceType, usize)> {
    let at = |k: usize, word: &str, toned: &str| is_type_word(tokens.get(i + k), word, toned);
    if at(0, "thanh", "thanh2") && at(1, "pho", "phô1") {
        Some((ProvinceType::ThanhPho, 2))
    } else if at(0, "tp", "tp") {
        Some((ProvinceType::ThanhPho, 1))
    } else if at(0, "tinh", "tinh3") || at(0, "t", "t") {
        Some((ProvinceType::Tinh, 1))
    } else {
        None
    }
}

/// The tokens, with "Q3", "P15" and "F7" cut into the type letter and the number, and
/// numbers without leading zeros.
fn national_tokens(address: &str) -> Vec<Token> {
    let mut out = Vec::new();
    for token in tokenize(address) {
        let split = ["q", "p", "f"].iter().find_map(|letter| {
            token
                .folded
                .strip_prefix(letter)
                .filter(|rest| !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_digit()))
        });
        match split {
            Some(number) => {
                let letter = token.folded[..1].to_string();
                let number = unpad(number.to_string());
                out.push(Token { folded: letter.clone(), toned: letter, marked: false, ..token.clone() });
                out.push(Token { folded: number.clone(), toned: number, marked: false, ..token });
            }
            None => out.push(Token { folded: unpad(token.folded.clone()), toned: unpad(token.toned.clone()), ..token }),
        }
    }
    out
}

/// What the province and district steps read.
#[derive(Default)]
struct Reading {
    /// The province named (an index into `provinces`), if any.
    province: Option<usize>,
    /// The districts named, if a district was named.
    districts: Option<Vec<usize>>,
    /// A typed district phrase that is no district of the province named.
    unknown_district: Option<String>,
    /// The first token of the administrative part: the street part ends before it.
    admin_start: Option<usize>,
}

impl Reading {
    fn starts_at(&mut self, i: usize) {
        self.admin_start = Some(self.admin_start.map_or(i, |s| s.min(i)));
    }
}

impl NationalIndex {
    /// Prepares the names of `data`'s former units, districts and provinces, and of its new
    /// units. An index is only good for the dataset it was built from.
    pub fn new(data: &Dataset) -> NationalIndex {
        let mut old_province_names: Vec<String> = Vec::new();
        let mut old_province_of = |name: &str| -> usize {
            old_province_names.iter().position(|p| p == name).unwrap_or_else(|| {
                old_province_names.push(name.to_string());
                old_province_names.len() - 1
            })
        };
        let mut districts: Vec<District> = Vec::new();
        let mut district_ids: HashMap<(usize, String), usize> = HashMap::new();
        let mut units: Vec<OldUnit> = Vec::new();
        let mut unit_ids: HashMap<&str, usize> = HashMap::new();
        // New province code → how many links each old province gave it.
        let mut feeds: HashMap<String, HashMap<usize, usize>> = HashMap::new();
        for (link, u) in data.former_units.iter().enumerate() {
            let province = old_province_of(&u.old_province);
            if let Some(code) = data.commune_by_code(&u.new_code).and_then(|c| data.communes[c].province_code.clone()) {
                *feeds.entry(code).or_default().entry(province).or_default() += 1;
            }
            let district = *district_ids.entry((province, u.old_district.clone())).or_insert_with(|| {
                districts.push(District {
                    province,
                    name: Name::of(bare(&u.old_district)),
                    label: u.old_district.clone(),
                });
                districts.len() - 1
            });
            match unit_ids.get(u.old_code.as_str()) {
                Some(&id) => units[id].links.push(link),
                None => {
                    unit_ids.insert(&u.old_code, units.len());
                    units.push(OldUnit {
                        kind: kind_of(&u.old_name),
                        name: Name::of(bare(&u.old_name)),
                        district,
                        province,
                        links: vec![link],
                    });
                }
            }
        }

        let mut provinces: Vec<Province> = old_province_names
            .iter()
            .enumerate()
            .map(|(id, official)| Province {
                label: official.clone(),
                names: vec![Name::of(bare(official))],
                official: if official.starts_with("Tỉnh") { ProvinceType::Tinh } else { ProvinceType::ThanhPho },
                own_old: Some(id),
                old: vec![id],
                new_code: None,
            })
            .collect();
        let mut province_names: HashMap<String, String> = HashMap::new();
        for c in data.communes.iter() {
            if let (Some(code), Some(name)) = (&c.province_code, &c.province_name) {
                province_names.entry(code.clone()).or_insert_with(|| name.clone());
            }
        }
        let mut new_provinces: Vec<(&String, &String)> = province_names.iter().collect();
        new_provinces.sort();
        for (code, name) in new_provinces {
            // The old provinces that formed it: a province that gave it a link or two is a
            // source disagreement (CHECKS.md), not a merger.
            let given = feeds.get(code).cloned().unwrap_or_default();
            let total: usize = given.values().sum();
            let mut fed: Vec<usize> = given.iter().filter(|(_, &n)| n * 20 >= total).map(|(&p, _)| p).collect();
            fed.sort_unstable();
            let folded = Name::of(name).folded;
            match provinces.iter_mut().find(|p| p.names[0].folded == folded) {
                Some(same_name) => {
                    same_name.new_code = Some(code.clone());
                    for old in fed {
                        if !same_name.old.contains(&old) {
                            same_name.old.push(old);
                        }
                    }
                }
                None => provinces.push(Province {
                    label: name.clone(),
                    names: vec![Name::of(name)],
                    official: ProvinceType::Any,
                    own_old: None,
                    old: fed,
                    new_code: Some(code.clone()),
                }),
            }
        }
        for (bare_name, aliases) in PROVINCE_ALIASES {
            if let Some(p) = provinces.iter_mut().find(|p| p.names[0].folded.join(" ") == bare_name) {
                p.names.extend(aliases.iter().map(|a| Name::of(a)));
            }
        }

        let new_units: Vec<NewUnit> = data
            .communes
            .iter()
            .enumerate()
            .filter_map(|(commune, c)| {
                Some(NewUnit {
                    commune,
                    kind: kind_of(&c.full_name),
                    name: Name::of(&c.name),
                    province_code: c.province_code.clone()?,
                })
            })
            .collect();

        let mut unit_words = HashMap::new();
        for (id, u) in units.iter().enumerate() {
            add_word(&mut unit_words, &u.name, id);
        }
        let mut district_words = HashMap::new();
        for (id, d) in districts.iter().enumerate() {
            add_word(&mut district_words, &d.name, id);
        }
        let mut new_unit_words = HashMap::new();
        for (id, u) in new_units.iter().enumerate() {
            add_word(&mut new_unit_words, &u.name, id);
        }
        NationalIndex {
            provinces,
            old_province_names,
            districts,
            units,
            new_units,
            province_names,
            unit_words,
            district_words,
            new_unit_words,
        }
    }

    /// Converts one address; `position` (`[lon, lat]`), when given, decides between the new
    /// units a split or same-named unit may mean.
    pub fn convert(&self, data: &Dataset, address: &str, position: Option<[f64; 2]>) -> Conversion {
        let tokens = national_tokens(address);
        let mut used = vec![false; tokens.len()];
        let mut reading = Reading::default();
        self.read_province(&tokens, &mut used, &mut reading);
        self.read_districts(&tokens, &mut used, &mut reading);
        let found = self.find_units(&tokens, &used, &reading);
        let recognised = self.recognised(&reading);
        if let Some(district) = &reading.unknown_district {
            return not_recognised(format!(
                "{recognised}the district {district:?} was not found{}: nothing is guessed",
                reading.province.map(|p| format!(" in {}", self.provinces[p].label)).unwrap_or_default()
            ));
        }
        let Some(found) = found else {
            return not_recognised(format!("{recognised}no commune, ward or town was recognised in the address"));
        };
        let start = reading.admin_start.map_or(found.at, |s| s.min(found.at));
        let street = street_before(address, &tokens, start);
        let new_address = |commune: usize| {
            let c = &data.communes[commune];
            let province = c.province_name.as_deref().map(|p| format!(", {p}")).unwrap_or_default();
            match &street {
                Some(street) => format!("{street}, {}{province}", c.full_name),
                None => format!("{}{province}", c.full_name),
            }
        };

        // Written with today's units: answered as it is, unless an old unit of that name and
        // type would be read otherwise (then both readings are listed).
        if reading.districts.is_none() {
            if let Some(&current) = found.current.first().filter(|_| found.current.len() == 1) {
                let commune = self.new_units[current].commune;
                let same_answer = found.old.iter().all(|&u| {
                    self.units[u].links.iter().all(|&l| {
                        data.former_units[l].share == Share::Whole
                            && data.commune_by_code(&data.former_units[l].new_code) == Some(commune)
                    })
                });
                if same_answer {
                    let name = &data.communes[commune].full_name;
                    return Conversion {
                        status: Status::Current,
                        best: Some(Candidate {
                            former_unit: None,
                            new_commune: commune,
                            new_address: new_address(commune),
                        }),
                        street,
                        alternatives: Vec::new(),
                        confidence: if found.old.is_empty() { 0.95 } else { 0.9 },
                        explanation: format!(
                            "{recognised}{name} is a unit in force since 1 July 2025: the address is already current"
                        ),
                        decided_by_position: false,
                    };
                }
            }
        }

        let mut links: Vec<usize> = found.old.iter().flat_map(|&u| self.units[u].links.iter().copied()).collect();
        let current_reading: Vec<usize> = if reading.districts.is_none() {
            found.current.iter().map(|&n| self.new_units[n].commune).collect()
        } else {
            Vec::new()
        };
        if links.is_empty() && current_reading.is_empty() {
            return not_recognised(format!("{recognised}no such unit was found there: nothing is guessed"));
        }
        let names: Vec<String> = found.old.iter().map(|&u| self.describe(data, u)).collect();
        // A position decides between new units by point-in-polygon.
        let mut decided_by_position = false;
        let mut position_note = String::new();
        if let Some([lon, lat]) = position {
            let here = data.locate(lon, lat);
            let holding: Vec<usize> = here.commune.into_iter().chain(here.also_in.iter().copied()).collect();
            let inside: Vec<usize> = links
                .iter()
                .copied()
                .filter(|&l| data.commune_by_code(&data.former_units[l].new_code).is_some_and(|c| holding.contains(&c)))
                .collect();
            let mut communes: Vec<usize> =
                inside.iter().filter_map(|&l| data.commune_by_code(&data.former_units[l].new_code)).collect();
            communes.sort_unstable();
            communes.dedup();
            if communes.len() == 1 && (links.len() > 1 || !current_reading.is_empty()) {
                links = inside;
                decided_by_position = true;
            } else if links.len() > 1 || !current_reading.is_empty() {
                position_note = format!(
                    "; the position ({lon}, {lat}) lies in none of them, or in more than one, so it cannot decide"
                );
            }
        }
        let candidates: Vec<Candidate> = links
            .iter()
            .filter_map(|&l| {
                let commune = data.commune_by_code(&data.former_units[l].new_code)?;
                Some(Candidate { former_unit: Some(l), new_commune: commune, new_address: new_address(commune) })
            })
            .chain((!decided_by_position).then_some(current_reading.iter()).into_iter().flatten().map(|&commune| {
                Candidate { former_unit: None, new_commune: commune, new_address: new_address(commune) }
            }))
            .collect();
        let distinct_new: Vec<usize> = {
            let mut all: Vec<usize> = candidates.iter().map(|c| c.new_commune).collect();
            all.sort_unstable();
            all.dedup();
            all
        };
        if distinct_new.len() == 1 && candidates.iter().all(|c| c.former_unit.is_some()) {
            let best = candidates.into_iter().next();
            let link = best.as_ref().and_then(|b| b.former_unit).map(|l| &data.former_units[l]);
            let explanation = match (decided_by_position, link) {
                (true, Some(u)) => format!(
                    "{recognised}{}; it was split, and the position given lies in the part that went into {}",
                    names.join(", "),
                    u.new_name
                ),
                _ => format!("{recognised}{}", names.join(", ")),
            };
            let confidence = if decided_by_position {
                0.9
            } else if found.typed {
                0.99
            } else {
                0.9
            };
            return Conversion {
                status: Status::Matched,
                street,
                best,
                alternatives: Vec::new(),
                confidence,
                explanation,
                decided_by_position,
            };
        }
        let total = candidates.len();
        let split = found.old.len() == 1 && current_reading.is_empty();
        let why = if split {
            format!(
                "{} was split among {} new units; give the position (lon, lat) to decide, or the new unit",
                names.join(", "),
                distinct_new.len()
            )
        } else {
            let mut readings = names.clone();
            if !current_reading.is_empty() {
                readings.push("a unit in force today of that name".into());
            }
            format!(
                "several units may be meant: {}; add the unit type, the district or the province",
                readings.join(", ")
            )
        };
        Conversion {
            status: Status::Ambiguous,
            street,
            best: None,
            confidence: 1.0 / distinct_new.len().max(1) as f64,
            alternatives: candidates.into_iter().take(MAX_ALTERNATIVES).collect(),
            explanation: format!(
                "{recognised}{why}{position_note}{}",
                if total > MAX_ALTERNATIVES {
                    format!(" ({total} readings; the first {MAX_ALTERNATIVES} are listed)")
                } else {
                    String::new()
                }
            ),
            decided_by_position: false,
        }
    }

    /// "Phường 15 (Quận Tân Bình, Thành phố Hồ Chí Minh)".
    fn describe(&self, data: &Dataset, unit: usize) -> String {
        let u = &data.former_units[self.units[unit].links[0]];
        format!("{} ({}, {})", u.old_name, u.old_district, self.old_province_names[self.units[unit].province])
    }

    /// What the province and district steps recognised, as the start of an explanation.
    fn recognised(&self, reading: &Reading) -> String {
        let mut parts = Vec::new();
        if let Some(p) = reading.province {
            parts.push(format!("province {}", self.provinces[p].label));
        }
        if let Some(districts) = &reading.districts {
            let mut names: Vec<&str> = districts.iter().map(|&d| self.districts[d].label.as_str()).collect();
            names.dedup();
            parts.push(names.join(" or "));
        }
        if parts.is_empty() {
            String::new()
        } else {
            format!("recognised {}; ", parts.join(", "))
        }
    }

    /// Step 1: the province, the last one named (addresses end with it). A name right after a
    /// unit's or district's type word is that unit's ("Xã Hà Nam"), not a province; "Tỉnh X"
    /// must be a tỉnh and "TP X" a city (else "TP Hà Tĩnh" is the district).
    fn read_province(&self, tokens: &[Token], used: &mut [bool], reading: &mut Reading) {
        let mut last: Option<(usize, usize, usize)> = None; // (start, end, province)
        for i in 0..tokens.len() {
            let typed = province_type_at(tokens, i);
            let (kind, name_start) = match typed {
                Some((kind, len)) => (kind, i + len),
                None => (ProvinceType::Any, i),
            };
            if typed.is_none()
                && i > 0
                && (unit_type_at(tokens, i - 1).is_some() || district_type_at(tokens, i - 1).is_some())
            {
                continue;
            }
            let mut best: Option<(usize, usize)> = None; // (province, length)
            for (p, province) in self.provinces.iter().enumerate() {
                let fits =
                    kind == ProvinceType::Any || province.official == ProvinceType::Any || province.official == kind;
                if !fits {
                    continue;
                }
                for name in &province.names {
                    if name.at(tokens, name_start) && best.is_none_or(|(_, len)| name.folded.len() > len) {
                        best = Some((p, name.folded.len()));
                    }
                }
            }
            if let Some((p, len)) = best {
                let end = name_start + len;
                if last.is_none_or(|(start, ..)| i >= start) {
                    last = Some((i, end, p));
                }
            }
        }
        if let Some((start, end, p)) = last {
            used[start..end].iter_mut().for_each(|u| *u = true);
            reading.province = Some(p);
            reading.starts_at(start);
        }
        // "Việt Nam" and "VN" are the country.
        for i in 0..tokens.len() {
            let word = |k: usize| tokens.get(i + k).map(|t| t.folded.as_str());
            match (word(0), word(1)) {
                (Some("viet"), Some("nam")) => {
                    used[i] = true;
                    used[i + 1] = true;
                }
                (Some("vn"), _) => used[i] = true,
                _ => {}
            }
        }
    }

    /// The old provinces the reading's province may mean; `None` when none was named.
    fn old_provinces<'a>(&'a self, reading: &Reading) -> Option<&'a [usize]> {
        reading.province.map(|p| self.provinces[p].old.as_slice())
    }

    /// The old province of the name read, alone, when the name was an old province's: an
    /// old address is read in its own province before the new province's others.
    fn own_old_province(&self, reading: &Reading) -> Option<[usize; 1]> {
        reading.province.and_then(|p| self.provinces[p].own_old).map(|p| [p])
    }

    /// Step 2: typed districts ("Q.3", "huyện Củ Chi", "TP Thủ Đức"), within the province.
    fn read_districts(&self, tokens: &[Token], used: &mut [bool], reading: &mut Reading) {
        let allowed = self.old_provinces(reading).map(<[usize]>::to_vec);
        let mut i = 0;
        while i < tokens.len() {
            if used[i] {
                i += 1;
                continue;
            }
            // "Thi tran Quan Chu": right after a unit's type word, "Quan" is the unit's name.
            let after_unit_type =
                (1..=2).any(|k| i >= k && unit_type_at(tokens, i - k).is_some_and(|(_, len)| len == k));
            let Some(type_len) = district_type_at(tokens, i).filter(|_| !after_unit_type) else {
                i += 1;
                continue;
            };
            let after = i + type_len;
            let candidates = tokens.get(after).and_then(|t| self.district_words.get(&t.folded)).into_iter().flatten();
            let (best, length) = longest_named(
                tokens,
                after,
                candidates
                    .map(|&d| (d, &self.districts[d]))
                    .filter(|(_, district)| allowed.as_ref().is_none_or(|a| a.contains(&district.province)))
                    .map(|(d, district)| (d, &district.name)),
            );
            if best.is_empty() {
                // "TP Huế, Thừa Thiên Huế": the province named again.
                let province_again = reading
                    .province
                    .and_then(|p| self.provinces[p].names.iter().find(|n| n.at(tokens, after)).map(|n| n.folded.len()));
                if let Some(len) = province_again {
                    used[i..after + len].iter_mut().for_each(|u| *u = true);
                    reading.starts_at(i);
                    i = after + len;
                    continue;
                }
                // A district of another province: the two never existed together. Said,
                // never searched elsewhere.
                let elsewhere = tokens
                    .get(after)
                    .and_then(|t| self.district_words.get(&t.folded))
                    .into_iter()
                    .flatten()
                    .find(|&&d| self.districts[d].name.at(tokens, after));
                if let (Some(&d), true) = (elsewhere, allowed.is_some()) {
                    let district = &self.districts[d];
                    reading.unknown_district =
                        Some(format!("{} (of {})", district.label, self.old_province_names[district.province]));
                }
                i += 1;
                continue;
            }
            used[i..after + length].iter_mut().for_each(|u| *u = true);
            reading.starts_at(i);
            reading.districts.get_or_insert_with(Vec::new).extend(best);
            i = after + length;
        }
    }

    /// Step 3: the unit among the unused tokens, typed first ("P.15"), else the untyped name
    /// in the latest segment; with the current units of the same name.
    fn find_units(&self, tokens: &[Token], used: &[bool], reading: &Reading) -> Option<Found> {
        if let Some(own) = self.own_old_province(reading) {
            let found = self.find_units_in(tokens, used, reading, Some(&own));
            if found.as_ref().is_some_and(|f| !f.old.is_empty()) {
                return found;
            }
        }
        self.find_units_in(tokens, used, reading, self.old_provinces(reading))
    }

    fn find_units_in(
        &self,
        tokens: &[Token],
        used: &[bool],
        reading: &Reading,
        provinces: Option<&[usize]>,
    ) -> Option<Found> {
        let new_province = reading.province.and_then(|p| self.provinces[p].new_code.as_deref());
        let mut typed: Option<Found> = None;
        let mut untyped: Option<Found> = None;
        let mut i = 0;
        while i < tokens.len() {
            if used[i] {
                i += 1;
                continue;
            }
            let kind = unit_type_at(tokens, i);
            let name_start = kind.map_or(i, |(_, len)| i + len);
            let old = self.old_named(tokens, name_start, kind.map(|k| k.0), provinces, reading.districts.as_deref());
            let current =
                self.new_named(tokens, name_start, kind.map(|k| k.0), new_province, reading.province.is_some());
            let length = old.1.max(current.1);
            if length == 0 {
                i += 1;
                continue;
            }
            let found = Found { old: old.0, current: current.0, at: i, typed: kind.is_some() };
            if kind.is_some() {
                if typed.is_none() {
                    typed = Some(found);
                }
            } else if untyped.as_ref().is_none_or(|u| tokens[u.at].segment <= tokens[i].segment) {
                untyped = Some(found);
            }
            i = name_start + length;
        }
        typed.or(untyped)
    }

    /// Old units named at `tokens[i..]` (longest name), of `kind`, in the provinces and
    /// districts given; and the name's length (0 when none).
    fn old_named(
        &self,
        tokens: &[Token],
        i: usize,
        kind: Option<Kind>,
        provinces: Option<&[usize]>,
        districts: Option<&[usize]>,
    ) -> (Vec<usize>, usize) {
        if is_house_number(tokens, i, kind) {
            return (Vec::new(), 0);
        }
        let candidates = tokens.get(i).and_then(|t| self.unit_words.get(&t.folded)).into_iter().flatten();
        longest_named(
            tokens,
            i,
            candidates
                .map(|&u| (u, &self.units[u]))
                .filter(|(_, unit)| {
                    kind.is_none_or(|k| k == unit.kind)
                        && provinces.is_none_or(|p| p.contains(&unit.province))
                        && districts.is_none_or(|d| d.contains(&unit.district))
                })
                .map(|(u, unit)| (u, &unit.name)),
        )
    }

    /// Today's units named at `tokens[i..]` (longest name), of `kind`, in the new province
    /// named; none when a province was named that is no new one.
    fn new_named(
        &self,
        tokens: &[Token],
        i: usize,
        kind: Option<Kind>,
        new_province: Option<&str>,
        province_named: bool,
    ) -> (Vec<usize>, usize) {
        if province_named && new_province.is_none() {
            return (Vec::new(), 0);
        }
        if is_house_number(tokens, i, kind) {
            return (Vec::new(), 0);
        }
        let candidates = tokens.get(i).and_then(|t| self.new_unit_words.get(&t.folded)).into_iter().flatten();
        longest_named(
            tokens,
            i,
            candidates
                .map(|&n| (n, &self.new_units[n]))
                .filter(|(_, unit)| {
                    kind.is_none_or(|k| k == unit.kind) && new_province.is_none_or(|p| p == unit.province_code)
                })
                .map(|(n, unit)| (n, &unit.name)),
        )
    }

    /// The name of the new province `code`.
    pub fn province_name(&self, code: &str) -> Option<&str> {
        self.province_names.get(code).map(String::as_str)
    }
}

/// A number alone is a house number; "Phường 10" or "P.10", with its type word, is a ward.
fn is_house_number(tokens: &[Token], i: usize, kind: Option<Kind>) -> bool {
    kind.is_none() && tokens.get(i).is_some_and(|t| t.folded.bytes().all(|b| b.is_ascii_digit()))
}

/// Of `candidates` (an id and its name), those whose name stands at `tokens[i..]`, longest
/// name only, with that name's length in words (0 when none).
fn longest_named<'n>(
    tokens: &[Token],
    i: usize,
    candidates: impl Iterator<Item = (usize, &'n Name)>,
) -> (Vec<usize>, usize) {
    longest(candidates.filter(|(_, name)| name.at(tokens, i)).map(|(id, name)| (id, name.folded.len())))
}

/// The units found at one place in the address.
struct Found {
    /// Old units (indexes into `units`).
    old: Vec<usize>,
    /// Today's units of the same name (indexes into `new_units`).
    current: Vec<usize>,
    /// The first token (the type word, or the name).
    at: usize,
    /// Whether a type word stood before the name.
    typed: bool,
}

fn not_recognised(explanation: String) -> Conversion {
    Conversion {
        status: Status::NotRecognised,
        street: None,
        best: None,
        alternatives: Vec::new(),
        confidence: 0.0,
        explanation,
        decided_by_position: false,
    }
}

/// One address of the evaluation set, and the new units a right answer may name.
#[derive(Debug, Clone)]
pub struct WrittenForm {
    /// The address, as people write it.
    pub address: String,
    /// The former unit's code.
    pub old_code: String,
    /// The new units (indexes into `Dataset::communes`) the unit went into: one for a whole
    /// unit, several for a split one.
    pub new_units: Vec<usize>,
}

/// The evaluation set: every former unit in the dataset's lineage, in four written forms
/// (in full; with abbreviations; without diacritics; with the district number or name
/// abbreviated as "Q.3", "H.", "TX.", "TP."), each with a street part. Deterministic, so a
/// benchmark and a test read the same addresses.
pub fn written_forms(data: &Dataset) -> Vec<WrittenForm> {
    let mut by_code: Vec<(&crate::FormerUnit, Vec<usize>)> = Vec::new();
    let mut position: HashMap<&str, usize> = HashMap::new();
    for u in &data.former_units {
        let commune = data.commune_by_code(&u.new_code);
        match position.get(u.old_code.as_str()) {
            Some(&i) => by_code[i].1.extend(commune),
            None => {
                position.insert(&u.old_code, by_code.len());
                by_code.push((u, commune.into_iter().collect()));
            }
        }
    }
    let abbreviate_unit = |name: &str| {
        [("Phường ", "P. "), ("Xã ", "X. "), ("Thị trấn ", "TT. ")]
            .iter()
            .find_map(|(long, short)| name.strip_prefix(long).map(|rest| format!("{short}{rest}")))
            .unwrap_or_else(|| name.to_string())
    };
    let abbreviate_district = |name: &str| {
        [("Quận ", "Q."), ("Huyện ", "H. "), ("Thị xã ", "TX. "), ("Thành phố ", "TP. ")]
            .iter()
            .find_map(|(long, short)| name.strip_prefix(long).map(|rest| format!("{short}{rest}")))
            .unwrap_or_else(|| name.to_string())
    };
    let mut forms = Vec::new();
    for (n, (u, new_units)) in by_code.into_iter().enumerate() {
        let street = format!("{} đường số {}", n % 200 + 1, n % 30 + 1);
        let province = bare(&u.old_province);
        let written = [
            format!("{street}, {}, {}, {}", u.old_name, u.old_district, u.old_province),
            format!("{street}, {}, {}, {province}", abbreviate_unit(&u.old_name), abbreviate_district(&u.old_district)),
            strip_marks(&format!("{street}, {}, {}, {province}", u.old_name, u.old_district)),
            format!("{}, {}, T. {province}", u.old_name, abbreviate_district(&u.old_district)),
        ];
        for address in written {
            forms.push(WrittenForm { address, old_code: u.old_code.clone(), new_units: new_units.clone() });
        }
    }
    forms
}

/// The text without its diacritics, case kept: "Phường Đồng Xuân" → "Phuong Dong Xuan".
fn strip_marks(text: &str) -> String {
    use unicode_normalization::char::is_combining_mark;
    use unicode_normalization::UnicodeNormalization;
    text.nfd()
        .filter(|c| !is_combining_mark(*c))
        .map(|c| match c {
            'đ' => 'd',
            'Đ' => 'D',
            _ => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::tone_key;

    #[test]
    fn the_type_words_tone_keys_are_the_texts() {
        for (word, key) in [
            ("thị", "thi5"),
            ("trấn", "trân1"),
            ("đặc", "đăc5"),
            ("phường", "phương2"),
            ("xã", "xa4"),
            ("thành", "thanh2"),
            ("phố", "phô1"),
            ("quận", "quân5"),
            ("huyện", "huyên5"),
            ("tỉnh", "tinh3"),
        ] {
            assert_eq!(tone_key(word), key, "{word}");
        }
        assert_eq!(bare("Thị Trấn Ái Tử"), "Ái Tử");
        assert_eq!(bare("Phường 15"), "15");
    }
}
