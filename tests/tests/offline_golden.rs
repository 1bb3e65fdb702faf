//! The offline pack against the server: the pack's borders stay shared between neighbours,
//! and the golden cases that `web-viewer/test/offline.golden.test.js` checks `offline.js`
//! against (in Node, without a browser) come from here: a few thousand points (on true
//! borders, on the pack's borders, near them, inside and outside Huế) and every search query
//! the tests use, each with the server's own answer, written with the pack to
//! `target/golden/offline.json`.

use std::collections::{BTreeSet, HashMap};

use data_boundaries::Dataset;
use e2e::{json, Server, Value};

/// Where the golden cases go; the Node test reads them from there.
fn golden_path() -> std::path::PathBuf {
    testkit::workspace_root().join("target/golden/offline.json")
}

/// The queries the tests type (Rust and browser suites), and a few more that exercise tones,
/// prefixes and substrings; every commune's and every fifth former unit's name are added.
const QUERIES: &[&str] = &[
    "thuan hoa",
    "Thuận Hóa",
    "Thuận Hoá",
    "Thuận Hòa",
    "vinh ninh",
    "dinh tien hoang",
    "hue",
    "Huế",
    "phu xuan",
    "Phú Xuân",
    "Hương Thủy",
    "Hương Thuỷ",
    "huong",
    "Hương",
    "an cuu",
    "Vỹ Dạ",
    "vy da",
    "ph",
    "p",
    "Thuận",
    "thuan",
    "Hoá",
    "uận",
    "ận H",
    "xuan phu",
    "Phường",
    "le loi",
    "Lê Lợi",
    "đông",
    "Kim Long",
    // What people type: a wrong vowel shape, other spaces, decomposed marks, capitals, no letters.
    "Hué",
    "Thuạn",
    "thuan\u{a0}hoa",
    "Thuận\tHoá",
    "Thua\u{323}\u{302}n Hoa\u{301}",
    "ĐÔNG BA",
    "1",
    "...",
    "   ",
];

/// A small deterministic generator (the same cases on every run).
struct Lcg(u64);

impl Lcg {
    fn unit(&mut self) -> f64 {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn points(data: &Dataset, pack: &Value) -> Vec<(f64, f64, &'static str)> {
    let mut points = Vec::new();
    // Anywhere in and around Huế.
    let [x0, y0, x1, y1] = data.bounds();
    let (mx, my) = ((x1 - x0) * 0.05, (y1 - y0) * 0.05);
    let mut random = Lcg(20_250_701);
    for _ in 0..2_000 {
        points.push((
            x0 - mx + random.unit() * (x1 - x0 + 2.0 * mx),
            y0 - my + random.unit() * (y1 - y0 + 2.0 * my),
            "anywhere",
        ));
    }
    // On the true borders, and about 11 m and 55 m off them.
    for commune in data.communes.iter() {
        for polygon in &commune.geometry.0 {
            let ring = &polygon.exterior().0;
            for c in ring.iter().step_by((ring.len() / 12).max(1)) {
                points.push((c.x, c.y, "true border"));
                points.push((c.x + 1e-4, c.y, "near a border"));
                points.push((c.x, c.y - 5e-4, "near a border"));
            }
        }
    }
    // On the pack's borders: its vertices, and the middle of its edges.
    for commune in pack["communes"].as_array().unwrap() {
        for polygon in commune["coordinates"].as_array().unwrap() {
            let ring = polygon[0].as_array().unwrap();
            let xy = |v: &Value| (v[0].as_f64().unwrap(), v[1].as_f64().unwrap());
            for i in (1..ring.len()).step_by((ring.len() / 10).max(1)) {
                let (a, b) = (xy(&ring[i - 1]), xy(&ring[i]));
                points.push((b.0, b.1, "pack border"));
                points.push(((a.0 + b.0) / 2.0, (a.1 + b.1) / 2.0, "pack border"));
            }
        }
    }
    points
}

/// Metres from the point to the commune's border (any of its rings).
fn border_distance_m(commune: &data_boundaries::Commune, lon: f64, lat: f64) -> f64 {
    use data_boundaries::geodesy::EdgeChunks;
    commune.geometry.0.iter().map(|p| EdgeChunks::new(p).distance_m(lon, lat, p)).fold(f64::INFINITY, f64::min)
}

#[test]
fn the_pack_keeps_shared_borders_and_writes_the_golden_cases_offline_js_is_checked_against() {
    let server = Server::shared();
    let data = Dataset::load(&testkit::reference_data_dir()).expect("the reference dataset loads");
    let pack = server.get("/api/v1/offline-pack").json;
    let tolerance = pack["border_tolerance_m"].as_f64().unwrap();

    // Neighbours' borders meet: every pack edge is used by one commune (the city's edge) or
    // two (a shared border), never more, and every pair of true neighbours shares edges.
    let mut users: HashMap<[u64; 4], BTreeSet<String>> = HashMap::new();
    for commune in pack["communes"].as_array().unwrap() {
        let code = commune["code"].as_str().unwrap().to_string();
        for ring in commune["coordinates"].as_array().unwrap().iter().flat_map(|p| p.as_array().unwrap()) {
            let ring = ring.as_array().unwrap();
            for pair in ring.windows(2) {
                let bits = |v: &Value| [v[0].as_f64().unwrap().to_bits(), v[1].as_f64().unwrap().to_bits()];
                let (a, b) = (bits(&pair[0]), bits(&pair[1]));
                let edge = if a < b { [a[0], a[1], b[0], b[1]] } else { [b[0], b[1], a[0], a[1]] };
                users.entry(edge).or_default().insert(code.clone());
            }
        }
    }
    assert!(users.values().all(|communes| communes.len() <= 2), "an edge of three communes");
    let shared: BTreeSet<(String, String)> = users
        .values()
        .filter(|c| c.len() == 2)
        .map(|c| (c.first().unwrap().clone(), c.last().unwrap().clone()))
        .collect();

    let points = points(&data, &pack);
    let body = json!({"points": points.iter().map(|&(lon, lat, _)| [lon, lat]).collect::<Vec<_>>()});
    let answers = server.post_json("/api/v1/locate", &body);
    assert_eq!(answers.status, 200, "{}", answers.text);
    let answers = answers.json["results"].as_array().unwrap().clone();
    let mut neighbours = BTreeSet::new();
    let cases: Vec<Value> = points
        .iter()
        .zip(&answers)
        .map(|(&(lon, lat, why), answer)| {
            let here = answer["commune"]["code"].as_str().map(str::to_string);
            for other in answer["boundary_with"].as_array().unwrap() {
                let (a, b) = (here.clone().unwrap(), other.as_str().unwrap().to_string());
                neighbours.insert(if a < b { (a, b) } else { (b, a) });
            }
            // How far the nearest real border is: within the pack's tolerance, offline may
            // answer either side.
            let border_m = data.nearest_commune(lon, lat).map(|(_, m)| m).unwrap_or(f64::INFINITY);
            // There, the answers offline may give: the communes whose border is that close.
            let either: Vec<&str> = if border_m <= tolerance {
                data.communes
                    .iter()
                    .filter(|c| border_distance_m(c, lon, lat) <= tolerance)
                    .map(|c| c.code.as_str())
                    .collect()
            } else {
                Vec::new()
            };
            json!({"lon": lon, "lat": lat, "why": why, "border_m": border_m, "either": either, "answer": answer})
        })
        .collect();
    assert!(neighbours.len() > 40, "the true borders found {} pairs of neighbours", neighbours.len());
    let apart: Vec<_> = neighbours.difference(&shared).collect();
    assert!(apart.is_empty(), "neighbours whose pack borders do not meet: {apart:?}");

    let mut queries: Vec<String> = QUERIES.iter().map(|q| q.to_string()).collect();
    for commune in pack["communes"].as_array().unwrap() {
        queries.push(commune["name"].as_str().unwrap().to_string());
        queries.push(data_boundaries::text::fold(commune["full_name"].as_str().unwrap()));
    }
    for unit in pack["former_units"].as_array().unwrap().iter().step_by(5) {
        queries.push(unit["name"].as_str().unwrap().to_string());
    }
    let searches: Vec<Value> = queries
        .iter()
        .map(|q| {
            let reply =
                server.client.get(server.url("/api/v1/search")).query(&[("q", q.as_str()), ("limit", "50")]).send();
            let answer: Value = reply.expect("the server answers").json().expect("JSON");
            json!({"query": q, "limit": 50, "answer": answer})
        })
        .collect();

    let golden = json!({
        "note": "written by tests/tests/offline_golden.rs from the server's answers; read by web-viewer/test/offline.golden.test.js",
        "border_tolerance_m": tolerance,
        "pack": pack,
        "locate": cases,
        "search": searches,
    });
    let path = golden_path();
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, serde_json::to_vec(&golden).unwrap()).unwrap();
}
