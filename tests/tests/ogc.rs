//! OGC API – Features against the real server: the external `ogctests` suite and GDAL's
//! OGC API client (neither written by us), then paging, bbox, CRS and errors in detail.

use e2e::{run_tool, Server};

#[test]
fn the_ogctests_core_suite_passes() {
    let server = Server::shared();
    let output = run_tool("python", &["-m", "ogctests", "features/core", "-i", &server.base, "-v", "True"]);
    assert!(output.contains(" passed") && !output.contains(" failed"), "{output}");
}

#[test]
fn gdal_lists_the_layers_and_reads_every_feature() {
    let server = Server::shared();
    let source = format!("OAPIF:{}", server.base);
    let layers = run_tool("ogrinfo", &["-ro", &source]);
    for layer in ["1: communes", "2: offices", "3: former_units"] {
        assert!(layers.contains(layer), "{layers}");
    }
    for (layer, api, key) in [
        ("communes", "/api/v1/communes", "communes"),
        ("offices", "/api/v1/offices", "offices"),
        ("former_units", "/api/v1/former-units", "former_units"),
    ] {
        let expected = server.get(api).json[key].as_array().unwrap().len();
        // -al reads every feature through the items pages, following the next links.
        let features = run_tool("ogrinfo", &["-ro", "-al", "-q", &source, layer]);
        let read = features.matches("OGRFeature(").count();
        assert_eq!(read, expected, "{layer}: GDAL read {read} features, the API has {expected}");
        if layer == "communes" {
            assert!(features.contains("Phường Thuận Hoá"), "diacritics survive GDAL");
        }
    }
    let communes = run_tool("ogrinfo", &["-ro", "-so", &source, "communes"]);
    assert!(communes.contains("Geometry: Multi Polygon"), "{communes}");
    assert!(communes.contains("full_name: String"), "{communes}");
}

#[test]
fn items_page_with_links_counts_and_a_clamped_limit() {
    let server = Server::shared();
    let first = server.get("/collections/former_units/items?limit=50");
    assert_eq!(first.status, 200);
    assert_eq!(first.content_type, "application/geo+json");
    assert_eq!(first.headers["content-crs"], "<http://www.opengis.net/def/crs/OGC/1.3/CRS84>");
    let total = first.json["numberMatched"].as_u64().unwrap() as usize;
    assert_eq!(total, server.get("/api/v1/former-units").json["count"].as_u64().unwrap() as usize);
    assert_eq!(first.json["numberReturned"], 50);
    assert!(first.json["timeStamp"].as_str().unwrap().ends_with('Z'));
    let link = |page: &e2e::Value, rel: &str| {
        page["links"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["rel"] == rel)
            .map(|l| l["href"].as_str().unwrap().to_string())
    };
    assert!(link(&first.json, "prev").is_none());
    // Walk the next links: every feature once, in order, and no next link on the last page.
    let mut ids: Vec<String> = Vec::new();
    let mut page = first.json.clone();
    loop {
        ids.extend(page["features"].as_array().unwrap().iter().map(|f| f["id"].as_str().unwrap().to_string()));
        let Some(next) = link(&page, "next") else { break };
        assert!(link(&page, "self").is_some());
        page = server.client.get(&next).send().unwrap().json().unwrap();
        assert!(link(&page, "prev").is_some(), "a later page links back");
    }
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!((ids.len(), unique.len()), (total, total));
    // More than 1,000 is clamped, not refused.
    let clamped = server.get("/collections/former_units/items?limit=5000");
    assert_eq!(clamped.status, 200);
    assert_eq!(clamped.json["numberReturned"].as_u64().unwrap() as usize, total.min(1000));
    assert!(link(&clamped.json, "self").unwrap().contains("limit=1000"));
    let beyond = server.get(&format!("/collections/former_units/items?offset={}", total + 5));
    assert_eq!(beyond.json["numberReturned"], 0);
    assert_eq!(beyond.json["numberMatched"].as_u64().unwrap() as usize, total);
}

#[test]
fn bbox_selects_what_intersects_it() {
    let server = Server::shared();
    // Every office is inside a bbox drawn tightly around it; an office far away is not.
    let offices = server.get("/api/v1/offices").json["offices"].as_array().unwrap().clone();
    for office in offices.iter().take(10) {
        let (lon, lat) = (office["lon"].as_f64().unwrap(), office["lat"].as_f64().unwrap());
        let bbox = format!("{},{},{},{}", lon - 1e-6, lat - 1e-6, lon + 1e-6, lat + 1e-6);
        let page = server.get(&format!("/collections/offices/items?limit=1000&bbox={bbox}")).json;
        let ids: Vec<&str> = page["features"].as_array().unwrap().iter().map(|f| f["id"].as_str().unwrap()).collect();
        assert!(ids.contains(&office["id"].as_str().unwrap()), "{bbox}: {ids:?}");
        // The commune holding the office meets the same box.
        let communes = server.get(&format!("/collections/communes/items?limit=1000&bbox={bbox}")).json;
        let codes: Vec<&str> =
            communes["features"].as_array().unwrap().iter().map(|f| f["id"].as_str().unwrap()).collect();
        let holder = server.get(&format!("/api/v1/locate?lon={lon}&lat={lat}")).json;
        if let Some(code) = holder["commune"]["code"].as_str() {
            assert!(codes.contains(&code), "{bbox}: {codes:?} lacks {code}");
        }
    }
    let nowhere = server.get("/collections/communes/items?bbox=5,48,20,70").json;
    assert_eq!(nowhere["numberMatched"], 0);
    // Six numbers (with heights) are accepted; a box across the antimeridian too.
    assert_eq!(server.get("/collections/communes/items?bbox=107,15,0,109,17,100").json["numberMatched"], 40);
    assert_eq!(server.get("/collections/communes/items?bbox=170,-90,108,90").json["numberMatched"], 40);
}

#[test]
fn crs_parameters_and_bad_requests() {
    let server = Server::shared();
    let crs84 = server.get("/collections/offices/items?limit=1").json;
    let epsg = server.get("/collections/offices/items?limit=1&crs=http://www.opengis.net/def/crs/EPSG/0/4326");
    assert_eq!(epsg.headers["content-crs"], "<http://www.opengis.net/def/crs/EPSG/0/4326>");
    let [lon, lat] = [0, 1].map(|i| crs84["features"][0]["geometry"]["coordinates"][i].as_f64().unwrap());
    assert_eq!(
        epsg.json["features"][0]["geometry"]["coordinates"],
        e2e::json!([lat, lon]),
        "EPSG:4326 is latitude first"
    );
    let one = server.get(&format!("/collections/offices/items/{}", crs84["features"][0]["id"].as_str().unwrap()));
    assert_eq!(one.status, 200);
    assert!(one.json["links"].as_array().unwrap().iter().any(|l| l["rel"] == "collection"));
    let bbox_lat_first = format!(
        "/collections/offices/items?bbox={},{},{},{}&bbox-crs=http://www.opengis.net/def/crs/EPSG/0/4326",
        lat - 1e-6,
        lon - 1e-6,
        lat + 1e-6,
        lon + 1e-6
    );
    assert!(server.get(&bbox_lat_first).json["numberMatched"].as_u64().unwrap() >= 1);
    for bad in [
        "/collections/communes/items?limit=unlimited",
        "/collections/communes/items?limit=0",
        "/collections/communes/items?ooga=booga",
        "/collections/communes/items?bbox=1,2,3",
        "/collections/communes/items?bbox=0,10,1,5",
        "/collections/communes/items?crs=EPSG:3857",
        "/collections/communes/items?datetime=yesterday",
        "/collections/communes/items?f=xml",
        "/conformance?x=1",
    ] {
        server.get(bad).expect_problem(400);
    }
    assert_eq!(server.get("/collections/communes/items?datetime=2015-01-01/2024-01-01").json["numberMatched"], 40);
    server.get("/collections/roads").expect_problem(404);
    server.get("/collections/roads/items").expect_problem(404);
    server.get("/collections/communes/items/99999").expect_problem(404);
}

#[test]
fn the_root_is_the_web_map_for_browsers_and_the_landing_page_for_clients() {
    let server = Server::shared();
    let landing = server.get("/");
    assert_eq!(landing.content_type, "application/json");
    let rels: Vec<&str> =
        landing.json["links"].as_array().unwrap().iter().map(|l| l["rel"].as_str().unwrap()).collect();
    for rel in ["self", "service-desc", "service-doc", "conformance", "data"] {
        assert!(rels.contains(&rel), "{rels:?}");
    }
    let html = server.client.get(server.url("/")).header("accept", "text/html,application/xhtml+xml").send().unwrap();
    assert_eq!(html.headers()["content-type"], "text/html");
    assert!(html.headers()["vary"].to_str().unwrap().contains("Accept"));
    assert_eq!(server.get("/?f=html").content_type, "text/html");
}
