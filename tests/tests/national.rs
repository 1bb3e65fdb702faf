//! All of Vietnam from one service: the real binary on the national dataset folder (3,321
//! units, their seats, 10,587 lineage links with split units), asked what a resident, an app
//! and a planner would ask: locate anywhere, convert old addresses (split units with and
//! without a position), search within a province, the provinces, and the province filters of
//! the lists, OGC collections and exports.

use std::sync::OnceLock;

use e2e::Server;
use serde_json::{json, Value};

/// One server on the national folder for the suite (no registry: the dataset's seats).
fn national() -> &'static Server {
    static NATIONAL: OnceLock<Server> = OnceLock::new();
    NATIONAL.get_or_init(|| {
        let dir = testkit::shared_dir().join("data/vietnam-2025");
        Server::start_with(&["--data", dir.to_str().unwrap(), "--store", "none", "--pyramid-maxzoom", "0"], &[])
    })
}

/// Held by the tests that make the server allocate most (the country's offline pack) and by
/// the one that measures its memory, so that one does not measure the other.
static MEMORY_HEAVY: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn get(path: &str) -> Value {
    let reply = national().get(path);
    assert_eq!(reply.status, 200, "{path}: {}", reply.text);
    reply.json
}

fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[test]
fn locate_answers_the_unit_its_province_its_seat_and_the_split_units_it_took_part_of() {
    // Hà Nội, by Văn Miếu.
    let here = get("/api/v1/locate?lon=105.8342&lat=21.0278");
    assert_eq!(here["commune"]["full_name"], "Phường Ô Chợ Dừa");
    assert_eq!(here["province"], json!({"code": "01", "name": "Hà Nội"}));
    let seat = &here["seat"];
    assert_eq!(seat["id"], "seat-00190");
    assert_eq!(seat["position_precision"], "commune_label_point");
    assert!(seat["distance_m"].as_f64().unwrap() > 0.0);
    let formers = here["former_units"].as_array().unwrap();
    let split = formers.iter().find(|u| u["share"] == "part").expect("a split former unit");
    assert!(!split["rest_went_to"].as_array().unwrap().is_empty(), "{split}");
    assert_eq!(split["province"], "Thành phố Hà Nội");
    assert!(here["lineage_note"].as_str().unwrap().contains("cannot be told"), "{here}");
    // Hồ Chí Minh City and Huế answer from the same service.
    assert_eq!(get("/api/v1/locate?lon=106.7009&lat=10.7769")["province"]["code"], "79");
    assert_eq!(get("/api/v1/locate?lon=107.5794&lat=16.4668")["commune"]["code"], "19753");
}

#[test]
fn a_split_commune_is_ambiguous_until_a_position_decides() {
    let address = encode("Phường Điện Biên, Quận Ba Đình, Hà Nội");
    let open = get(&format!("/api/v1/convert-address?address={address}"));
    assert_eq!(open["status"], "ambiguous");
    assert_eq!(open["alternatives"].as_array().unwrap().len(), 4, "{open}");
    assert!(open["alternatives"].as_array().unwrap().iter().all(|a| a["old_unit"]["share"] == "part"));
    let decided = get(&format!("/api/v1/convert-address?address={address}&lon=105.8342&lat=21.0278"));
    assert_eq!(decided["status"], "matched");
    assert_eq!(decided["new_unit"]["full_name"], "Phường Ô Chợ Dừa");
    assert_eq!(decided["decided_by_position"], true);
    assert_eq!(decided["new_address"], "Phường Ô Chợ Dừa, Hà Nội");

    // A batch: a position per item, where known.
    let batch = national().post_json(
        "/api/v1/convert-address",
        &json!({"items": [
            {"address": "Phường Điện Biên, Quận Ba Đình, Hà Nội", "lon": 105.8342, "lat": 21.0278},
            {"address": "Số 12, P.12, Q.10, TP.HCM"},
            {"address": "Phường Hồng Hà, Hà Nội"},
            {"address": "Xã Tản Lĩnh, Huyện Ba Vì, Tỉnh Bắc Ninh"}
        ]}),
    );
    assert_eq!(batch.status, 200, "{}", batch.text);
    let statuses: Vec<&str> =
        batch.json["results"].as_array().unwrap().iter().map(|r| r["status"].as_str().unwrap()).collect();
    assert_eq!(statuses, ["matched", "matched", "current", "not_recognised"]);
    assert_eq!(batch.json["results"][1]["new_address"], "Số 12, Phường Hoà Hưng, Hồ Chí Minh");

    // Half a position, or both kinds of batch at once, is a clear 400.
    let half = national().get(&format!("/api/v1/convert-address?address={address}&lon=105.8"));
    assert!(half.expect_problem(400).contains("lat"), "{}", half.text);
    let both =
        national().post_json("/api/v1/convert-address", &json!({"addresses": ["x"], "items": [{"address": "y"}]}));
    both.expect_problem(400);
    let lone = national().post_json("/api/v1/convert-address", &json!({"items": [{"address": "y", "lon": 105.8}]}));
    assert!(lone.expect_problem(400).contains("items[0]"), "{}", lone.text);
}

#[test]
fn the_provinces_are_listed_and_filter_lists_search_collections_and_exports() {
    let provinces = get("/api/v1/provinces");
    assert_eq!(provinces["count"], 34);
    let tilejson = get("/tiles.json");
    assert!(tilejson["description"].as_str().unwrap().contains("3321 communes"), "{tilejson}");
    let hcm = provinces["provinces"].as_array().unwrap().iter().find(|p| p["code"] == "79").unwrap();
    assert_eq!((hcm["name"].as_str(), hcm["unit_count"].as_u64()), (Some("Hồ Chí Minh"), Some(168)));
    assert_eq!(hcm["units"].as_array().unwrap().len(), 168);

    // By code or by name, with or without diacritics.
    for province in ["79", "Hồ%20Chí%20Minh", "ho%20chi%20minh"] {
        assert_eq!(get(&format!("/api/v1/communes?province={province}"))["count"], 168, "{province}");
    }
    let unknown = national().get("/api/v1/communes?province=Atlantis");
    assert!(unknown.expect_problem(400).contains("Atlantis"));

    // Search within a province answers its units, former units and seats only.
    let found = get(&format!("/api/v1/search?q={}&province=79&limit=50", encode("Phú Mỹ")));
    let results = found["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for r in results {
        let province_of = |code: &str| get(&format!("/api/v1/communes/{code}"))["properties"]["province_code"].clone();
        match r["kind"].as_str().unwrap() {
            "commune" => assert_eq!(province_of(r["code"].as_str().unwrap()), "79", "{r}"),
            "former_unit" => assert!(
                r["new_units"].as_array().unwrap().iter().any(|u| province_of(u["code"].as_str().unwrap()) == "79"),
                "{r}"
            ),
            "office" => assert_eq!(province_of(r["office"]["commune_code"].as_str().unwrap()), "79", "{r}"),
            other => panic!("{other}: {r}"),
        }
    }
    let everywhere = get(&format!("/api/v1/search?q={}&limit=50", encode("Phú Mỹ")));
    assert!(everywhere["results"].as_array().unwrap().len() > results.len());

    // OGC collections and the exports take the same filter.
    let items = get("/collections/communes/items?province=79&limit=1000");
    assert_eq!(items["numberMatched"], 168);
    let next = get("/collections/offices/items?province=79&limit=100");
    assert_eq!(next["numberMatched"], 168);
    let link = next["links"].as_array().unwrap().iter().find(|l| l["rel"] == "next").unwrap();
    assert!(link["href"].as_str().unwrap().contains("province=79"), "{link}");
    let export = national().get("/api/v1/export/offices.geojson?province=79");
    assert_eq!(export.json["features"].as_array().unwrap().len(), 168);
    assert!(export.headers["content-disposition"].to_str().unwrap().contains("offices-79"));
    // The FlatGeobuf file too: one province's units, its own name and ETag, and byte ranges.
    let whole = national().client.get(national().url("/api/v1/export/communes.fgb?province=79")).send().unwrap();
    assert_eq!(whole.status(), 200);
    assert!(whole.headers()["content-disposition"].to_str().unwrap().contains("communes-79.fgb"));
    let etag = whole.headers()["etag"].to_str().unwrap().to_string();
    assert!(etag.contains("-79-"), "{etag}");
    let bytes = whole.bytes().unwrap();
    let reader = flatgeobuf::FgbReader::open(std::io::Cursor::new(&bytes)).unwrap();
    assert_eq!(reader.header().features_count(), 168);
    assert!(reader.header().title().unwrap().contains("Hồ Chí Minh"));
    let part = national()
        .client
        .get(national().url("/api/v1/export/communes.fgb?province=79"))
        .header("range", "bytes=0-7")
        .send()
        .unwrap();
    assert_eq!(part.status(), 206);
    assert_eq!(&part.bytes().unwrap()[..], &bytes[..8]);
    let unknown = national().get("/api/v1/export/communes.fgb?province=Atlantis");
    assert!(unknown.expect_problem(400).contains("Atlantis"));
}

#[test]
fn a_lineage_without_points_serves_every_feature_that_used_them() {
    // Huế's dataset with the former units' points dropped, as a deployer may choose (their
    // source's licence is unclear): the columns lon, lat and position_precision removed.
    let hue = testkit::reference_data_dir();
    let dir = tempfile::tempdir().unwrap();
    for file in ["communes.geojson", "offices.csv"] {
        std::fs::copy(hue.join(file), dir.path().join(file)).unwrap();
    }
    let mut reader = csv::Reader::from_path(hue.join("former_units.csv")).unwrap();
    let headers = reader.headers().unwrap().clone();
    let keep: Vec<usize> =
        (0..headers.len()).filter(|&i| !["lon", "lat", "position_precision"].contains(&&headers[i])).collect();
    let mut writer = csv::Writer::from_path(dir.path().join("former_units.csv")).unwrap();
    writer.write_record(keep.iter().map(|&i| &headers[i])).unwrap();
    for record in reader.records() {
        let record = record.unwrap();
        writer.write_record(keep.iter().map(|&i| &record[i])).unwrap();
    }
    writer.flush().unwrap();

    let server = Server::start_with(&["--data", dir.path().to_str().unwrap(), "--store", "none"], &[]);
    let ok = |path: &str| {
        let reply = server.get(path);
        assert_eq!(reply.status, 200, "{path}: {}", reply.text);
        reply.json
    };
    let unit = ok("/api/v1/former-units/19750");
    assert_eq!((unit["lon"].clone(), unit["name"].clone()), (Value::Null, json!("Phường Tây Lộc")), "{unit}");
    let items = ok("/collections/former_units/items?limit=5");
    assert!(items["features"].as_array().unwrap().iter().all(|f| f["geometry"].is_null()), "{items}");
    assert_eq!(ok("/collections/former_units/items?bbox=107.5,16.4,107.7,16.6")["numberMatched"], 0);
    let found = ok("/api/v1/search?q=tay%20loc");
    assert_eq!(found["results"][0]["kind"], "former_unit");
    assert!(found["results"][0]["lon"].is_null());
    let here = ok("/api/v1/locate?lon=107.5794&lat=16.4668");
    assert!(!here["former_units"].as_array().unwrap().is_empty());
    let converted = ok(&format!("/api/v1/convert-address?address={}", encode("12 Lê Lợi, P. Vĩnh Ninh, Huế")));
    assert_eq!(converted["status"], "matched");
    assert_eq!(server.get("/tiles/12/3272/1858.mvt").status, 200, "Huế's middle at z12");
    assert_eq!(server.get("/api/v1/offline-pack").status, 200);
    assert_eq!(server.get("/api/v1/map.svg?bbox=107.5,16.4,107.7,16.6&width=400&height=300").status, 200);
}

#[test]
fn hostile_batches_and_province_names_are_refused_or_answered_in_bounded_memory() {
    let _alone = MEMORY_HEAVY.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let server = national();
    // The most work one address can ask of the reader: 500 characters of unit, district and
    // province words that many places share, so every word finds candidates.
    let address: String = "Xã An Bình, H. Châu Thành, T. Long An, ".chars().cycle().take(500).collect();
    let items: Vec<Value> =
        (0..1_000).map(|i| json!({"address": address, "lon": 105.0 + f64::from(i) * 0.005, "lat": 10.5})).collect();

    // One more than the limit, counted over both kinds of batch, is refused by name.
    let mut over = items.clone();
    over.push(json!({"address": "x"}));
    let refused = server.post_json("/api/v1/convert-address", &json!({ "items": over }));
    assert!(refused.expect_problem(413).contains("1001 addresses"), "{}", refused.text);
    let too_long: String = address.chars().chain("x".chars()).collect();
    let refused = server.post_json("/api/v1/convert-address", &json!({"items": [{"address": too_long}]}));
    assert!(refused.expect_problem(400).contains("addresses[0]"), "{}", refused.text);

    // Province names that are long, strange or repeated are a 400 naming the parameter.
    for bad in ["%00", "Atlantis", "01&province=79", &"H%C3%A0 ".repeat(300)] {
        for path in ["/api/v1/communes", "/api/v1/search?q=an&", "/api/v1/export/offices.geojson"] {
            let glue = if path.ends_with('&') { "" } else { "?" };
            let reply = server.get(&format!("{path}{glue}province={bad}"));
            assert!(reply.status == 400 || reply.status == 414, "{path} province={bad}: {}", reply.text);
            if reply.status == 400 {
                assert!(reply.text.contains("province"), "{path}: {}", reply.text);
            }
        }
    }

    // Eight clients send the heaviest allowed batch again and again, and ask for the
    // provinces, while another keeps locating: it is answered throughout, and memory stays
    // bounded (the batches run on the CPU pool, a few at a time).
    // The start-up's own peak (the tiles) may be above what the flood needs, so the bound
    // is on the growth over the resident set, unless the flood stays under that peak.
    let (before, peak_before) = (server.memory_kib("VmRSS"), server.memory_kib("VmHWM"));
    let batch = json!({ "items": items });
    let (statuses, probes) = std::thread::scope(|scope| {
        let flood: Vec<_> = (0..8)
            .map(|_| {
                let batch = &batch;
                scope.spawn(move || {
                    let mut statuses = Vec::new();
                    for _ in 0..3 {
                        statuses.push(server.post_json("/api/v1/convert-address", batch).status);
                        statuses.push(server.get("/api/v1/provinces").status);
                    }
                    statuses
                })
            })
            .collect();
        let mut probes = 0;
        loop {
            let located = server.get("/api/v1/locate?lon=105.8342&lat=21.0278");
            assert_eq!(located.status, 200, "{}", located.text);
            probes += 1;
            if flood.iter().all(|worker| worker.is_finished()) {
                break;
            }
        }
        (flood.into_iter().flat_map(|w| w.join().unwrap()).collect::<Vec<u16>>(), probes)
    });
    // Each is answered, or shed as busy (503) or over the client's share (429); never an error.
    assert!(statuses.iter().all(|s| matches!(s, 200 | 429 | 503)), "{statuses:?}");
    assert!(statuses.contains(&200) && probes >= 1);
    let peak = server.memory_kib("VmHWM");
    assert!(
        peak <= peak_before.max(before + 256 * 1024),
        "RSS went from {before} KiB to a peak of {peak} KiB (the start-up's peak: {peak_before} KiB)"
    );
}

#[test]
fn a_phone_can_keep_one_provinces_offline_pack() {
    let _alone = MEMORY_HEAVY.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let pack = national().get("/api/v1/offline-pack?province=79");
    assert_eq!(pack.status, 200, "{}", pack.text);
    assert!(pack.headers["etag"].to_str().unwrap().ends_with("-79\""), "{:?}", pack.headers["etag"]);
    let pack = pack.json;
    let communes = pack["communes"].as_array().unwrap();
    assert_eq!(communes.len(), 168);
    let codes: Vec<&str> = communes.iter().map(|c| c["code"].as_str().unwrap()).collect();
    assert_eq!(pack["offices"].as_array().unwrap().len(), 168);
    let former = pack["former_units"].as_array().unwrap();
    assert!(!former.is_empty());
    assert!(
        former.iter().all(|u| codes.contains(&u["new_code"].as_str().unwrap())),
        "every link goes into the province"
    );
    // Every former unit the pack holds can be searched for offline, a split one too (whose
    // first link may go into another province).
    let searched: std::collections::HashSet<&str> = pack["search"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "former_unit")
        .map(|e| former[e["at"].as_u64().unwrap() as usize]["code"].as_str().unwrap())
        .collect();
    let held: std::collections::HashSet<&str> = former.iter().map(|u| u["code"].as_str().unwrap()).collect();
    assert_eq!(searched, held);
    // Search entries point into the pack's own lists.
    for entry in pack["search"].as_array().unwrap() {
        let list = match entry["kind"].as_str().unwrap() {
            "commune" => "communes",
            "office" => "offices",
            _ => "former_units",
        };
        assert!(entry["at"].as_u64().unwrap() < pack[list].as_array().unwrap().len() as u64, "{entry}");
    }
    let whole = get("/api/v1/offline-pack");
    assert_eq!(whole["communes"].as_array().unwrap().len(), 3_321);
    assert!(
        pack.to_string().len() * 10 < whole.to_string().len(),
        "a province's pack is a small part of the country's"
    );
    let unknown = national().get("/api/v1/offline-pack?province=Atlantis");
    assert!(unknown.expect_problem(400).contains("Atlantis"));
}
