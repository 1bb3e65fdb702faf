//! Vector tiles over HTTP from the real binary: encodings, ETag/304, empty tiles, the bad
//! coordinate catalogue, TileJSON against the official schema, the style, and the PMTiles
//! export read back tile for tile.

use std::io::Read;

use e2e::{run, Server, Value};

const NGO_MON_Z10: &str = "/tiles/10/818/464.mvt";

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes).read_to_end(&mut out).expect("gzip");
    out
}

fn fetch(server: &Server, path: &str, accept_encoding: &str) -> reqwest::blocking::Response {
    server.client.get(server.url(path)).header("accept-encoding", accept_encoding).send().expect("request sent")
}

fn layer_names(raw: Vec<u8>) -> Vec<String> {
    mvt_reader::Reader::new(raw).expect("an MVT tile").get_layer_names().unwrap()
}

#[test]
fn a_tile_in_every_encoding_with_etag_and_cache_headers() {
    let server = Server::shared();
    let gz = fetch(server, NGO_MON_Z10, "gzip");
    assert_eq!(gz.status(), 200);
    assert_eq!(gz.headers()["content-type"], "application/vnd.mapbox-vector-tile");
    assert_eq!(gz.headers()["content-encoding"], "gzip");
    assert!(gz.headers()["cache-control"].to_str().unwrap().contains("max-age"));
    let etag = gz.headers()["etag"].to_str().unwrap().to_string();
    assert!(etag.starts_with('"') && etag.ends_with('"'), "a strong ETag: {etag}");
    let raw_from_gzip = gunzip(&gz.bytes().unwrap());
    assert!(layer_names(raw_from_gzip.clone()).contains(&"communes".to_string()));

    let br = fetch(server, NGO_MON_Z10, "gzip, deflate, br");
    assert_eq!(br.headers()["content-encoding"], "br");
    assert_ne!(br.headers()["etag"].to_str().unwrap(), etag, "each encoding has its own strong ETag");
    let mut raw_from_br = Vec::new();
    brotli::Decompressor::new(br.bytes().unwrap().as_ref(), 4096).read_to_end(&mut raw_from_br).unwrap();
    assert_eq!(raw_from_br, raw_from_gzip);

    let identity = fetch(server, NGO_MON_Z10, "identity");
    assert!(identity.headers().get("content-encoding").is_none());
    assert_eq!(identity.bytes().unwrap().to_vec(), raw_from_gzip);

    let revalidated = server
        .client
        .get(server.url(NGO_MON_Z10))
        .header("accept-encoding", "gzip")
        .header("if-none-match", &etag)
        .send()
        .unwrap();
    assert_eq!(revalidated.status(), 304);
    assert_eq!(revalidated.headers()["etag"].to_str().unwrap(), etag);
    let stale = server
        .client
        .get(server.url(NGO_MON_Z10))
        .header("accept-encoding", "gzip")
        .header("if-none-match", "\"old-version-gzip\"")
        .send()
        .unwrap();
    assert_eq!(stale.status(), 200);
}

#[test]
fn hot_answers_carry_cors_and_are_counted_like_the_rest() {
    // /healthz and tiles in memory are answered before the layer stack (http/fast_path.rs);
    // what a client and an operator see must not change.
    let server = Server::shared();
    let tile = fetch(server, NGO_MON_Z10, "gzip");
    assert_eq!(tile.headers()["access-control-allow-origin"], "*");
    let length = tile.headers()["content-length"].to_str().unwrap().to_string();
    let head = server.client.head(server.url(NGO_MON_Z10)).header("accept-encoding", "gzip").send().unwrap();
    assert_eq!(head.status(), 200);
    assert_eq!(head.headers()["content-length"].to_str().unwrap(), length);
    assert_eq!(head.headers()["etag"], tile.headers()["etag"]);
    assert!(head.bytes().unwrap().is_empty());
    let health = server.get("/healthz");
    assert_eq!(health.status, 200);
    assert_eq!(health.headers["access-control-allow-origin"], "*");
    // A malformed address still reaches the route, which names what is wrong.
    assert!(server.get("/tiles/10/817/463.png").expect_problem(400).contains("y"));

    let metrics = server.get("/metrics").text;
    for series in [
        "http_requests_total{route=\"/healthz\",method=\"GET\",status=\"200\"}",
        "http_requests_total{route=\"/tiles/{z}/{x}/{y}\",method=\"GET\",status=\"200\"}",
        "http_requests_total{route=\"/tiles/{z}/{x}/{y}\",method=\"HEAD\",status=\"200\"}",
        "http_requests_total{route=\"/tiles/{z}/{x}/{y}\",method=\"GET\",status=\"400\"}",
        "hue_map_tile_cache_total{result=\"hit\"}",
    ] {
        assert!(metrics.contains(series), "{series} missing from:\n{metrics}");
    }
}

#[test]
fn empty_and_deep_tiles() {
    let server = Server::shared();
    assert_eq!(fetch(server, "/tiles/5/0/0.mvt", "gzip").status(), 204, "valid tile, no data");
    assert_eq!(fetch(server, "/tiles/14/0/0.mvt", "gzip").status(), 204);
    // z15 and z16 are rendered on demand.
    for (z, x, y) in [(15, 26178, 14853), (16, 52357, 29707)] {
        let tile = fetch(server, &format!("/tiles/{z}/{x}/{y}.mvt"), "gzip");
        assert_eq!(tile.status(), 200, "z{z}");
        assert!(layer_names(gunzip(&tile.bytes().unwrap())).contains(&"communes".to_string()));
    }
}

#[test]
fn bad_tile_coordinates_are_400_problems() {
    let server = Server::shared();
    for path in [
        "/tiles/17/0/0.mvt",
        "/tiles/99/0/0.mvt",
        "/tiles/3/8/0.mvt",
        "/tiles/3/0/8.mvt",
        "/tiles/a/0/0.mvt",
        "/tiles/3/-1/0.mvt",
        "/tiles/3/0/x.mvt",
        "/tiles/3/0/0.png",
        "/tiles/3/0/0",
        "/tiles/3/1.5/0.mvt",
        "/tiles/0/0/4294967296.mvt",
    ] {
        server.get(path).expect_problem(400);
    }
}

#[test]
fn tilejson_is_valid_against_the_official_schema() {
    let server = Server::shared();
    let reply = server.get("/tiles.json");
    assert_eq!(reply.status, 200);
    let schema_text =
        std::fs::read_to_string(testkit::shared_dir().join("external/tilejson-spec/3.0.0/schema.json")).unwrap();
    let schema: Value = serde_json::from_str(&schema_text).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("the schema compiles");
    let errors: Vec<String> = validator.iter_errors(&reply.json).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:?}");
    let tj = &reply.json;
    assert_eq!(tj["tilejson"], "3.0.0");
    assert!(tj["tiles"][0].as_str().unwrap().starts_with(&server.base));
    let ids: Vec<&str> = tj["vector_layers"].as_array().unwrap().iter().map(|l| l["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["communes", "boundaries", "labels", "offices", "former_units"]);
    assert!(tj["attribution"].as_str().unwrap().contains("sapnhap.bando.com.vn"));
    let bounds: Vec<f64> = tj["bounds"].as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect();
    assert!(bounds[0] > 107.0 && bounds[2] < 108.3 && bounds[1] > 15.9 && bounds[3] < 16.9, "{bounds:?}");
    // The schema rejects a broken document, so the check above can fail.
    let mut broken = tj.clone();
    broken["tilejson"] = "3.0.0-beta".into();
    broken["minzoom"] = (-1).into();
    assert!(!validator.is_valid(&broken));
}

#[test]
fn style_references_our_source_and_layers() {
    let server = Server::shared();
    let style = server.get("/style.json").json;
    assert_eq!(style["version"], 8);
    assert_eq!(style["sources"]["hue"]["url"], format!("{}/tiles.json", server.base));
    assert!(style["glyphs"].as_str().unwrap().starts_with(&server.base));
    let layer_ids = ["communes", "boundaries", "labels", "offices", "former_units"];
    for layer in style["layers"].as_array().unwrap() {
        if let Some(source_layer) = layer["source-layer"].as_str() {
            assert!(layer_ids.contains(&source_layer), "{source_layer}");
        }
    }
    let labels = style["layers"].as_array().unwrap().iter().find(|l| l["id"] == "commune-labels").unwrap();
    assert_eq!(labels["layout"]["text-field"], serde_json::json!(["get", "name"]));
}

#[test]
fn pmtiles_export_matches_the_served_tiles() {
    let dir = std::env::temp_dir().join(format!("hue-map-pmtiles-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let archive = dir.join("hue.pmtiles");
    let output = run(&[
        "export-pmtiles",
        archive.to_str().unwrap(),
        "--maxzoom",
        "12",
        "--data",
        testkit::reference_data_dir().to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    // Read the whole archive first (the async reader), then compare over HTTP (blocking).
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let (max_zoom, layer_count, archived) = runtime.block_on(async {
        let backend = pmtiles::MmapBackend::try_from(&archive).await.unwrap();
        let reader = pmtiles::AsyncPmTilesReader::try_from_source(backend).await.unwrap();
        let metadata: Value = serde_json::from_str(&reader.get_metadata().await.unwrap()).unwrap();
        let mut archived = std::collections::HashMap::new();
        for z in 0..=12u8 {
            let (x0, x1, y0, y1) = tile_range(z);
            for x in x0..=x1 {
                for y in y0..=y1 {
                    let tile = reader.get_tile_decompressed(pmtiles::TileCoord::new(z, x, y).unwrap()).await.unwrap();
                    archived.insert((z, x, y), tile.map(|b| b.to_vec()));
                }
            }
        }
        (reader.get_header().max_zoom, metadata["vector_layers"].as_array().map_or(0, Vec::len), archived)
    });
    drop(runtime);
    assert_eq!(max_zoom, 12);
    assert_eq!(layer_count, 5);
    let server = Server::shared();
    let mut compared = 0;
    let mut keys: Vec<_> = archived.keys().copied().collect();
    keys.sort();
    for (z, x, y) in keys {
        let served = fetch(server, &format!("/tiles/{z}/{x}/{y}.mvt"), "identity");
        match (served.status().as_u16(), &archived[&(z, x, y)]) {
            (204, None) => {}
            (200, Some(bytes)) => {
                assert_eq!(served.bytes().unwrap().as_ref(), bytes.as_slice(), "z{z}/{x}/{y}");
                compared += 1;
            }
            (status, archived) => {
                panic!("z{z}/{x}/{y}: served {status}, archived {:?}", archived.as_ref().map(Vec::len))
            }
        }
    }
    assert!(compared > 100, "{compared}");
    std::fs::remove_dir_all(&dir).ok();
}

/// Tiles over Huế's extent (107.0–108.3 E, 15.9–16.9 N) at zoom z.
fn tile_range(z: u8) -> (u32, u32, u32, u32) {
    let n = (1u64 << z) as f64;
    let x = |lon: f64| ((lon + 180.0) / 360.0 * n) as u32;
    let y = |lat: f64| {
        let r = lat.to_radians();
        ((1.0 - (r.tan() + 1.0 / r.cos()).ln() / std::f64::consts::PI) / 2.0 * n) as u32
    };
    (x(107.0), x(108.3), y(16.9), y(15.9))
}

#[test]
fn glyphs_for_vietnamese_labels_are_served() {
    let server = Server::shared();
    let style = server.get("/style.json").json;
    let font = style["layers"].as_array().unwrap().iter().find(|l| l["id"] == "commune-labels").unwrap()["layout"]
        ["text-font"][0]
        .as_str()
        .unwrap()
        .to_string();
    let template = style["glyphs"].as_str().unwrap().to_string();
    // Latin Extended Additional holds most Vietnamese letters with tone marks.
    let url = template.replace("{fontstack}", &font.replace(' ', "%20")).replace("{range}", "7680-7935");
    let reply = server.client.get(&url).send().unwrap();
    assert_eq!(reply.status(), 200, "{url}");
    assert_eq!(reply.headers()["content-type"], "application/x-protobuf");
    let bytes = reply.bytes().unwrap();
    assert!(bytes.len() > 10_000, "{} bytes", bytes.len());
    server.get("/fonts/Comic%20Sans/0-255.pbf").expect_problem(404);
    server.get(&format!("/fonts/{}/0-254.pbf", font.replace(' ', "%20"))).expect_problem(400);
}

/// The still map of central Huế at a phone's size: the same layers as the tiles, as SVG.
const CENTRAL_HUE_SVG: &str = "/api/v1/map.svg?bbox=107.52,16.40,107.64,16.52&width=360&height=512";

#[test]
fn the_still_map_is_an_svg_of_the_tiles_with_etag_and_attribution() {
    let server = Server::shared();
    let response = fetch(server, CENTRAL_HUE_SVG, "identity");
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "image/svg+xml");
    let etag = response.headers()["etag"].to_str().unwrap().to_string();
    let text = response.text().unwrap();
    let svg = roxmltree::Document::parse(&text).expect("well-formed XML");
    let root = svg.root_element();
    assert_eq!(
        (root.tag_name().name(), root.attribute("width"), root.attribute("height")),
        ("svg", Some("360"), Some("512"))
    );
    let descendants = || root.descendants().filter(|n| n.is_element());
    let desc = descendants().find(|n| n.has_tag_name("desc")).and_then(|n| n.text()).unwrap_or_default();
    assert!(desc.contains("thanglequoc/vietnamese-provinces-database"), "the attribution travels with it: {desc}");
    // Both kinds of unit are filled in the style's colours, and borders are drawn.
    let fills: Vec<&str> =
        descendants().filter(|n| n.has_tag_name("path")).filter_map(|n| n.attribute("fill")).collect();
    assert!(fills.contains(&"#f3d9b1") && fills.contains(&"#cfe6c3"), "ward and commune fills: {fills:?}");
    assert!(descendants().any(|n| n.has_tag_name("path") && n.attribute("stroke") == Some("#7d6b57")));
    // Names keep their diacritics; offices are drawn.
    let labels: Vec<&str> = descendants().filter(|n| n.has_tag_name("text")).filter_map(|n| n.text()).collect();
    assert!(labels.contains(&"Thuận Hoá") && labels.contains(&"Phú Xuân"), "{labels:?}");
    assert!(descendants().any(|n| n.has_tag_name("circle") && n.attribute("stroke") == Some("#c0392b")));

    let again = server.client.get(server.url(CENTRAL_HUE_SVG)).header("if-none-match", &etag).send().unwrap();
    assert_eq!(again.status(), 304);
    let other = fetch(server, &CENTRAL_HUE_SVG.replace("width=360", "width=361"), "identity");
    assert_ne!(other.headers()["etag"].to_str().unwrap(), etag, "another view, another ETag");

    // The open sea holds no unit: a picture of the background only.
    let sea = fetch(server, "/api/v1/map.svg?bbox=110,14,111,15&width=200&height=200", "identity").text().unwrap();
    let sea = roxmltree::Document::parse(&sea).unwrap();
    assert!(!sea.descendants().any(|n| n.has_tag_name("path") || n.has_tag_name("text")));
}

#[test]
fn a_bad_still_map_request_is_a_400_problem_naming_the_parameter() {
    let server = Server::shared();
    for (query, parameter) in [
        ("bbox=108,16,107,17&width=100&height=100", "bbox"),
        ("bbox=107,17,108,16&width=100&height=100", "bbox"),
        ("bbox=107,16,108,89&width=100&height=100", "bbox"),
        ("bbox=107,16,108&width=100&height=100", "bbox"),
        ("width=100&height=100", "bbox"),
        ("bbox=107,16,108,17&width=0&height=100", "width"),
        ("bbox=107,16,108,17&width=100&height=5000", "height"),
        ("bbox=107,16,108,17&width=4096&height=4096", "width"),
        ("bbox=107,16,107.0000000001,16.0000000001&width=100&height=100", "bbox"),
        ("bbox=107,16,108,17&width=100", "height"),
        ("bbox=107,16,108,17&width=100&height=100&zoom=3", "zoom"),
    ] {
        let response = fetch(server, &format!("/api/v1/map.svg?{query}"), "identity");
        assert_eq!(response.status(), 400, "{query}");
        assert_eq!(response.headers()["content-type"], "application/problem+json", "{query}");
        let problem: Value = response.json().unwrap();
        assert_eq!(problem["invalid_params"][0]["name"], parameter, "{query}: {problem}");
    }
}
