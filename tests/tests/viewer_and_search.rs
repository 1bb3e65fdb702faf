//! The embedded viewer's assets (and that no path escapes them), the search endpoint, and the
//! all-communes GeoJSON export.

use e2e::Server;
use tiles::style::palette;

#[test]
fn the_viewer_and_maplibre_are_served_from_the_binary() {
    let server = Server::shared();
    let index = server.get("/?f=html");
    assert_eq!(index.status, 200);
    assert!(index.content_type.starts_with("text/html"));
    // The page's entry shows the still picture, then loads app.js (and MapLibre with it).
    assert!(index.text.contains("/viewer/still-map.js") && index.text.contains("lang=\"vi\""));
    let entry = server.get("/viewer/still-map.js");
    assert_eq!((entry.status, entry.content_type.as_str()), (200, "text/javascript"));
    assert!(entry.text.contains("import('/viewer/app.js')"));
    assert!(index.headers.get("content-security-policy").is_some());
    assert_eq!(index.headers["x-content-type-options"], "nosniff");
    let module = server.get("/vendor/maplibre-gl/maplibre-gl.mjs");
    assert_eq!(module.status, 200);
    assert_eq!(module.content_type, "text/javascript");
    assert_eq!(server.get("/viewer/app.js").status, 200);
    assert_eq!(server.get("/vendor/maplibre-gl/maplibre-gl-worker.mjs").status, 200);
}

#[test]
fn asset_routes_do_not_traverse_paths() {
    let server = Server::shared();
    for path in [
        "/viewer/..%2F..%2FCargo.toml",
        "/viewer/%2e%2e%2fserver%2fCargo.toml",
        "/vendor/maplibre-gl/..%2Fpackage.json",
        "/vendor/maplibre-gl/maplibre-gl.d.ts",
        "/viewer/../../etc/passwd",
        "/viewer/%2Fetc%2Fpasswd",
    ] {
        let reply = server.get(path);
        assert_eq!(reply.status, 404, "{path}: {}", reply.text);
        assert!(!reply.text.contains("[package]") && !reply.text.contains("root:"), "{path}");
    }
}

#[test]
fn search_is_diacritics_insensitive_and_ranked() {
    let server = Server::shared();
    for q in ["thuan%20hoa", "Thu%E1%BA%ADn%20H%C3%B3a", "Thu%E1%BA%ADn%20Ho%C3%A1"] {
        let reply = server.get(&format!("/api/v1/search?q={q}"));
        assert_eq!(reply.status, 200);
        let first = &reply.json["results"][0];
        assert_eq!(first["kind"], "commune", "{q}");
        assert_eq!(first["code"], "19789", "{q}");
        assert_eq!(first["match"], "exact", "{q}");
    }
    // A tone typed is a tone meant: "Thuận Hòa" is the former ward of that name, never Thuận Hoá.
    let grave = server.get("/api/v1/search?q=Thu%E1%BA%ADn%20H%C3%B2a").json;
    let found: Vec<(&str, &str)> = grave["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["kind"].as_str().unwrap(), r["code"].as_str().unwrap_or("")))
        .collect();
    assert_eq!(found.first(), Some(&("former_unit", "19762")), "{found:?}");
    assert!(!found.contains(&("commune", "19789")), "{found:?}");
    let former = server.get("/api/v1/search?q=vinh%20ninh").json;
    assert_eq!(former["results"][0]["kind"], "former_unit");
    assert_eq!(former["results"][0]["new_unit"]["full_name"], "Phường Thuận Hoá");
    let office = server.get("/api/v1/search?q=dinh%20tien%20hoang").json;
    assert!(office["results"].as_array().unwrap().iter().any(|r| r["kind"] == "office"));
    assert!(server.get("/api/v1/search").expect_problem(400).starts_with("q: is required"));
    server.get("/api/v1/search?q=hue&limit=0").expect_problem(400);
    server.get(&format!("/api/v1/search?q={}", "a".repeat(300))).expect_problem(400);
}

#[test]
fn all_communes_export_as_an_rfc7946_feature_collection() {
    let server = Server::shared();
    let reply = server.get("/api/v1/export/communes.geojson");
    assert_eq!(reply.status, 200);
    assert_eq!(reply.content_type, "application/geo+json");
    assert_eq!(reply.json["type"], "FeatureCollection");
    assert_eq!(reply.json["features"].as_array().unwrap().len(), 40);
}

#[test]
fn offices_export_as_points_with_their_precision() {
    let server = Server::shared();
    let reply = server.get("/api/v1/export/offices.geojson");
    assert_eq!(reply.status, 200);
    assert_eq!(reply.content_type, "application/geo+json");
    let features = reply.json["features"].as_array().unwrap();
    assert_eq!(features.len(), 40);
    assert_eq!(features[0]["geometry"]["type"], "Point");
    assert_eq!(features[0]["properties"]["position_precision"], "commune_label_point");
}

/// The service with a synthetic street basemap (tests/python/make_basemap.py): two test
/// roads, a river, and points of interest where the citadel's are. The folder holds the archive.
fn with_street_basemap() -> (Server, tempfile::TempDir) {
    let folder = tempfile::tempdir().unwrap();
    let archive = folder.path().join("streets.pmtiles");
    let made = std::process::Command::new(e2e::tool("python"))
        .arg(testkit::workspace_root().join("tests/python/make_basemap.py"))
        .arg(&archive)
        .output()
        .unwrap();
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    let server = Server::start_with(
        &["--data", testkit::reference_data_dir().to_str().unwrap(), "--basemap", archive.to_str().unwrap()],
        &[],
    );
    (server, folder)
}

#[test]
fn with_a_street_basemap_the_print_pages_draw_streets_under_the_commune_and_credit_them() {
    let (server, _folder) = with_street_basemap();
    let plain = Server::shared();
    for path in ["/print/communes/19753", "/print/offices/seat-19753"] {
        let page = server.get(path);
        assert_eq!(page.status, 200, "{}", page.text);
        let streets = page.text.find("<g class=\"streets\">").unwrap_or_else(|| panic!("{path}: no streets drawn"));
        // Land, the river, and each road cased and drawn, under the units (which come after).
        let drawn = &page.text[streets..];
        for colour in
            [palette::streets::EARTH, palette::streets::WATER, palette::streets::ROAD_CASING, palette::streets::ROAD]
        {
            assert!(drawn.contains(colour), "{path}: nothing in {colour}");
        }
        assert!(drawn.find("</g>") < drawn.find(palette::PHUONG), "{path}: streets go under the wards");
        assert!(
            page.text.contains("Synthetic test data, made by the hue-map tests"),
            "{path}: the streets are credited"
        );
        // Without a basemap the same page has no streets, and another ETag.
        let without = plain.get(path);
        assert!(!without.text.contains("class=\"streets\""), "{path}");
        assert_ne!(
            page.headers.get("etag"),
            without.headers.get("etag"),
            "{path}: a page over streets is another page"
        );
    }
}

#[test]
fn with_a_street_basemap_search_finds_its_landmarks_with_their_commune_and_seat() {
    let (server, _folder) = with_street_basemap();
    for query in ["dai noi", "Đại Nội", "Imperial City", "ĐẠI NỘI"] {
        let reply = server.get(&format!("/api/v1/search?q={}", urlencode(query)));
        assert_eq!(reply.status, 200, "{}", reply.text);
        let hit = &reply.json["results"][0];
        assert_eq!(hit["kind"], "landmark", "{query}: {}", reply.text);
        assert_eq!(hit["name"], "Đại Nội");
        assert_eq!(hit["name_en"], "Imperial City");
        // Inside the citadel: Phường Phú Xuân, whose seat is answered with it.
        assert_eq!(hit["commune"]["code"], "19753", "{}", reply.text);
        assert_eq!(hit["seat"]["id"], "seat-19753");
        assert!((hit["lon"].as_f64().unwrap() - 107.5786).abs() < 1e-4, "{hit}");
    }
    // A tone typed is a tone meant; and a name the dataset has comes before a landmark's.
    let ngo = server.get(&format!("/api/v1/search?q={}", urlencode("Ngọ Môn")));
    assert_eq!(ngo.json["results"][0]["name"], "Ngọ Môn");
    let wrong_tone = server.get(&format!("/api/v1/search?q={}", urlencode("Ngõ Môn")));
    assert!(
        wrong_tone.json["results"].as_array().unwrap().iter().all(|h| h["kind"] != "landmark"),
        "{}",
        wrong_tone.text
    );
    let commune = server.get("/api/v1/search?q=phu%20xuan");
    assert_eq!(commune.json["results"][0]["kind"], "commune");

    // Without a basemap, search is as it was: no landmarks.
    let plain = Server::shared().get("/api/v1/search?q=dai%20noi");
    assert!(plain.json["results"].as_array().unwrap().iter().all(|h| h["kind"] != "landmark"), "{}", plain.text);
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect()
}
