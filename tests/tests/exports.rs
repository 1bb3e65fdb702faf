//! The downloads: GDAL opens them; FlatGeobuf is read by bbox over HTTP ranges by the
//! FlatGeobuf project's own client; and the FlatGeobuf project's reference files go through
//! our read and write code and match their GeoJSON twin.

use std::collections::BTreeMap;

use e2e::{run_tool, Server, Value};
use flatgeobuf::FeatureProperties;
use geo::BoundingRect;
use server::formats::fgb::{self, Cell};

#[test]
fn gdal_opens_every_export_with_the_right_counts_and_fields() {
    let server = Server::shared();
    let dir = tempfile::tempdir().unwrap();
    let communes = server.get("/api/v1/communes").json["count"].as_u64().unwrap();
    let offices = server.get("/api/v1/offices").json["count"].as_u64().unwrap();
    for (path, layer, count, fields) in [
        (
            "/api/v1/export/communes.fgb",
            "communes",
            communes,
            vec![
                "code: String",
                "full_name: String",
                "area_km2: Real",
                "population: Integer64",
                "seat_position_precision: String",
            ],
        ),
        (
            "/api/v1/export/communes.geojson",
            "hue-communes",
            communes,
            vec!["code: String", "full_name: String", "area_km2_computed: Real"],
        ),
        (
            "/api/v1/export/offices.geojson",
            "hue-offices",
            offices,
            vec!["position_precision: String", "name: String", "kind: String"],
        ),
    ] {
        let bytes = server.client.get(server.url(path)).send().unwrap().bytes().unwrap();
        let file = dir.path().join(format!("{layer}.{}", path.rsplit('.').next().unwrap()));
        std::fs::write(&file, &bytes).unwrap();
        let info = run_tool("ogrinfo", &["-ro", "-so", "-al", file.to_str().unwrap()]);
        assert!(info.contains(&format!("Feature Count: {count}")), "{path}: {info}");
        for field in fields {
            assert!(info.contains(field), "{path} lacks {field}: {info}");
        }
    }
    // GDAL reads the FlatGeobuf by ranges straight from the server (/vsicurl/), using its index.
    let remote = format!("/vsicurl/{}", server.url("/api/v1/export/communes.fgb"));
    let hit = run_tool("ogrinfo", &["-ro", "-al", "-q", "-spat", "107.58", "16.46", "107.59", "16.47", &remote]);
    assert!(hit.contains("19753") || hit.matches("OGRFeature(").count() >= 1, "{hit}");
}

#[test]
fn flatgeobuf_is_served_with_byte_ranges() {
    let server = Server::shared();
    let whole = server.client.get(server.url("/api/v1/export/communes.fgb")).send().unwrap();
    assert_eq!(whole.status(), 200);
    assert_eq!(whole.headers()["accept-ranges"], "bytes");
    assert_eq!(whole.headers()["content-type"], "application/flatgeobuf");
    let etag = whole.headers()["etag"].to_str().unwrap().to_string();
    let bytes = whole.bytes().unwrap();
    assert_eq!(&bytes[..4], b"fgb\x03", "FlatGeobuf magic bytes");
    let part = server
        .client
        .get(server.url("/api/v1/export/communes.fgb"))
        .header("range", "bytes=8-23")
        .header("accept-encoding", "gzip, br")
        .send()
        .unwrap();
    assert_eq!(part.status(), 206);
    assert_eq!(part.headers()["content-range"], format!("bytes 8-23/{}", bytes.len()));
    assert!(part.headers().get("content-encoding").is_none(), "ranges address the file's own bytes");
    assert_eq!(part.bytes().unwrap(), bytes.slice(8..24));
    let tail =
        server.client.get(server.url("/api/v1/export/communes.fgb")).header("range", "bytes=-10").send().unwrap();
    assert_eq!(tail.bytes().unwrap(), bytes.slice(bytes.len() - 10..));
    let stale = server
        .client
        .get(server.url("/api/v1/export/communes.fgb"))
        .header("range", "bytes=0-9")
        .header("if-range", "\"other\"")
        .send()
        .unwrap();
    assert_eq!(stale.status(), 200, "a stale If-Range gets the whole file");
    let fresh = server
        .client
        .get(server.url("/api/v1/export/communes.fgb"))
        .header("range", "bytes=0-9")
        .header("if-range", &etag)
        .send()
        .unwrap();
    assert_eq!(fresh.status(), 206);
    let beyond = e2e::Reply::from(
        server
            .client
            .get(server.url("/api/v1/export/communes.fgb"))
            .header("range", format!("bytes={}-", bytes.len() + 10))
            .send()
            .unwrap(),
    );
    beyond.expect_problem(416);
    assert_eq!(beyond.headers["content-range"], format!("bytes */{}", bytes.len()));
    e2e::Reply::from(
        server.client.get(server.url("/api/v1/export/communes.fgb")).header("range", "pages=1").send().unwrap(),
    )
    .expect_problem(400);
}

/// Brute force: the ids of the features of a GeoJSON FeatureCollection whose bounding box
/// meets `bbox` (the feature's `id` member when `key` is "id", else that property).
fn ids_meeting(collection: &Value, key: &str, bbox: [f64; 4]) -> Vec<String> {
    let mut ids: Vec<String> = collection["features"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| {
            let geometry: geo::Geometry<f64> =
                serde_json::from_value::<geojson::Geometry>(f["geometry"].clone()).unwrap().try_into().unwrap();
            let r = geometry.bounding_rect().unwrap();
            r.min().x <= bbox[2] && r.max().x >= bbox[0] && r.min().y <= bbox[3] && r.max().y >= bbox[1]
        })
        .map(|f| if key == "id" { &f["id"] } else { &f["properties"][key] }.as_str().unwrap().to_string())
        .collect();
    ids.sort();
    ids
}

#[test]
fn the_flatgeobuf_http_client_reads_a_bbox_by_ranges() {
    let server = Server::shared();
    let geojson = server.get("/api/v1/export/communes.geojson").json;
    let url = server.url("/api/v1/export/communes.fgb");
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    for bbox in [
        [107.55, 16.42, 107.62, 16.48],
        [107.0, 16.0, 107.2, 16.2],
        [108.0, 16.0, 108.3, 16.3],
        [100.0, 10.0, 101.0, 11.0],
    ] {
        let expected = ids_meeting(&geojson, "code", bbox);
        let got = runtime.block_on(async {
            let reader = flatgeobuf::HttpFgbReader::open(&url).await.unwrap();
            let mut features = reader.select_bbox(bbox[0], bbox[1], bbox[2], bbox[3]).await.unwrap();
            let mut codes = Vec::new();
            while let Some(feature) = features.next().await.unwrap() {
                codes.push(feature.property::<String>("code").unwrap());
            }
            codes.sort();
            codes
        });
        assert_eq!(got, expected, "bbox {bbox:?}");
    }
}

fn countries_geojson() -> Value {
    serde_json::from_str(
        &std::fs::read_to_string(
            testkit::shared_dir().join("external/flatgeobuf-testdata/test/data/countries.geojson"),
        )
        .unwrap(),
    )
    .unwrap()
}

fn countries_fgb() -> Vec<u8> {
    std::fs::read(testkit::shared_dir().join("external/flatgeobuf-testdata/test/data/countries.fgb")).unwrap()
}

/// id → (name, bounding box) from a layer read by our code.
fn by_id(layer: &fgb::Layer) -> BTreeMap<String, (String, [f64; 4])> {
    let column = |name: &str| layer.columns.iter().position(|c| c.name == name).unwrap();
    let (id, name) = (column("id"), column("name"));
    layer
        .features
        .iter()
        .map(|(geometry, cells)| {
            let text = |i: usize| match &cells[i] {
                Cell::Text(t) => t.clone(),
                other => panic!("{other:?}"),
            };
            let r = geometry.bounding_rect().unwrap();
            (text(id), (text(name), [r.min().x, r.min().y, r.max().x, r.max().y]))
        })
        .collect()
}

#[test]
fn the_reference_flatgeobuf_files_read_and_round_trip_through_our_code() {
    let twin = countries_geojson();
    let expected: BTreeMap<String, (String, [f64; 4])> = twin["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let geometry: geo::Geometry<f64> =
                serde_json::from_value::<geojson::Geometry>(f["geometry"].clone()).unwrap().try_into().unwrap();
            let r = geometry.bounding_rect().unwrap();
            (
                f["id"].as_str().unwrap().to_string(),
                (f["properties"]["name"].as_str().unwrap().to_string(), [r.min().x, r.min().y, r.max().x, r.max().y]),
            )
        })
        .collect();
    let read = fgb::read(&countries_fgb(), None).unwrap();
    assert_eq!(read.features.len(), 179);
    let close = |a: &BTreeMap<String, (String, [f64; 4])>| {
        assert_eq!(a.len(), expected.len());
        for (id, (name, bbox)) in &expected {
            let (got_name, got_bbox) = &a[id];
            assert_eq!(got_name, name);
            assert!(bbox.iter().zip(got_bbox).all(|(x, y)| (x - y).abs() < 1e-9), "{id}: {bbox:?} vs {got_bbox:?}");
        }
    };
    close(&by_id(&read));
    // Through our writer (the export's code path) and back: the same layer, Hilbert-sorted.
    let written = fgb::write(&read, flatgeobuf::GeometryType::MultiPolygon).unwrap();
    let again = fgb::read(&written, None).unwrap();
    close(&by_id(&again));
    assert_eq!(again.columns, read.columns);
    // A bbox read through the index matches brute force on the GeoJSON twin, for both files.
    for bbox in [[5.0, 45.0, 15.0, 55.0], [-80.0, -10.0, -60.0, 10.0], [100.0, 5.0, 110.0, 25.0]] {
        let brute = ids_meeting(&twin, "id", bbox);
        for bytes in [&countries_fgb(), &written] {
            let mut ids: Vec<String> = by_id(&fgb::read(bytes, Some(bbox)).unwrap()).into_keys().collect();
            ids.sort();
            assert_eq!(ids, brute, "bbox {bbox:?}");
        }
    }
}

#[test]
fn every_reference_flatgeobuf_file_reads_or_fails_cleanly() {
    let dir = testkit::shared_dir().join("external/flatgeobuf-testdata/test/data");
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "fgb") {
            continue;
        }
        let bytes = std::fs::read(&path).unwrap();
        match fgb::read(&bytes, None) {
            Ok(layer) => {
                if let Some(count) = flatgeobuf::FgbReader::open(std::io::Cursor::new(&bytes))
                    .unwrap()
                    .header()
                    .features_count()
                    .checked_sub(0)
                    .filter(|c| *c > 0)
                {
                    assert_eq!(layer.features.len() as u64, count, "{}", path.display());
                }
            }
            // Files without geometry or with WKB columns may be refused, but with a reason.
            Err(error) => assert!(!error.to_string().is_empty(), "{}", path.display()),
        }
    }
}
