//! Every endpoint of the real binary, on the reference data, including the landmarks.

use e2e::{json, Server};

fn commune_code(reply: &serde_json::Value) -> &str {
    reply["commune"]["code"].as_str().unwrap_or("null")
}

#[test]
fn healthz() {
    let server = Server::shared();
    let reply = server.get("/healthz");
    assert_eq!(reply.status, 200);
    assert_eq!(reply.json["status"], "ok");
}

#[test]
fn landmarks_locate_to_the_right_communes() {
    let server = Server::shared();
    let cases = [
        ((107.5794, 16.4668), "19753", "Phường Phú Xuân"),
        ((107.5774, 16.4565), "19789", "Phường Thuận Hoá"),
        ((107.7026, 16.4015), "19960", "Phường Phú Bài"),
    ];
    for ((lon, lat), code, full_name) in cases {
        let reply = server.get(&format!("/api/v1/locate?lon={lon}&lat={lat}"));
        assert_eq!(reply.status, 200);
        assert_eq!(commune_code(&reply.json), code);
        assert_eq!(reply.json["commune"]["full_name"], full_name);
        assert_eq!(reply.json["on_boundary"], false);
        let seat = &reply.json["seat"];
        assert_eq!(seat["commune_code"], code);
        assert_eq!(seat["position_precision"], "commune_label_point");
        assert_eq!(seat["position_is_exact"], false, "an approximate seat is never presented as exact");
        assert!(seat["distance_m"].as_f64().unwrap() >= 0.0);
        assert!(!reply.json["former_units"].as_array().unwrap().is_empty());
        assert!(reply.json.get("nearest_commune").is_none());
    }
    // Thuận Hoá was formed from, among others, Vĩnh Ninh.
    let reply = server.get("/api/v1/locate?lon=107.5774&lat=16.4565");
    let names: Vec<&str> =
        reply.json["former_units"].as_array().unwrap().iter().map(|u| u["name"].as_str().unwrap()).collect();
    assert!(names.contains(&"Phường Vĩnh Ninh"), "{names:?}");
}

#[test]
fn a_point_in_da_nang_is_outside_with_the_nearest_commune() {
    let server = Server::shared();
    let reply = server.get("/api/v1/locate?lon=108.2022&lat=16.0544");
    assert_eq!(reply.status, 200);
    assert!(reply.json["commune"].is_null());
    assert!(reply.json["seat"].is_null());
    let nearest = &reply.json["nearest_commune"];
    assert_eq!(nearest["code"], "20137");
    assert!(nearest["distance_m"].as_f64().unwrap() > 1000.0);
}

#[test]
fn batch_locate_keeps_order() {
    let server = Server::shared();
    let points = json!({"points": [[107.7026, 16.4015], [108.2022, 16.0544], [107.5794, 16.4668]]});
    let reply = server.post_json("/api/v1/locate", &points);
    assert_eq!(reply.status, 200, "{}", reply.text);
    let results = reply.json["results"].as_array().unwrap();
    assert_eq!(results.len(), 3);
    assert_eq!(commune_code(&results[0]), "19960");
    assert!(results[1]["commune"].is_null());
    assert_eq!(commune_code(&results[2]), "19753");
    // Exactly the limit is accepted.
    let many: Vec<[f64; 2]> =
        (0..10_000).map(|i| [107.5 + (i % 100) as f64 * 0.001, 16.4 + (i / 100) as f64 * 0.001]).collect();
    let reply = server.post_json("/api/v1/locate", &json!({ "points": many }));
    assert_eq!(reply.status, 200);
    assert_eq!(reply.json["results"].as_array().unwrap().len(), 10_000);
}

#[test]
fn nearest_offices_sorted_filtered_and_honest_about_precision() {
    let server = Server::shared();
    let reply = server.get("/api/v1/nearest?lon=107.5794&lat=16.4668&k=5&kind=commune_seat");
    assert_eq!(reply.status, 200);
    let offices = reply.json["offices"].as_array().unwrap();
    assert_eq!(offices.len(), 5);
    let distances: Vec<f64> = offices.iter().map(|o| o["distance_m"].as_f64().unwrap()).collect();
    assert!(distances.windows(2).all(|w| w[0] <= w[1]), "{distances:?}");
    for o in offices {
        assert_eq!(o["kind"], "commune_seat");
        assert!(o["position_precision"].is_string());
        assert_eq!(o["position_is_exact"], false);
    }
    // Default k is 5; other kinds exist in the schema but have no rows yet.
    assert_eq!(server.get("/api/v1/nearest?lon=107.58&lat=16.46").json["offices"].as_array().unwrap().len(), 5);
    let none = server.get("/api/v1/nearest?lon=107.58&lat=16.46&kind=post_office&kind=city_centre");
    assert_eq!(none.status, 200);
    assert!(none.json["offices"].as_array().unwrap().is_empty());
    assert_eq!(server.get("/api/v1/nearest?lon=107.58&lat=16.46&k=100").json["offices"].as_array().unwrap().len(), 40);
}

#[test]
fn communes_list_and_feature() {
    let server = Server::shared();
    let list = server.get("/api/v1/communes");
    assert_eq!(list.status, 200);
    assert_eq!(list.json["count"], 40);
    assert!(list.json["population_caveat"].is_string());
    let feature = server.get("/api/v1/communes/19789");
    assert_eq!(feature.status, 200);
    assert_eq!(feature.content_type, "application/geo+json");
    assert_eq!(feature.json["type"], "Feature");
    assert_eq!(feature.json["properties"]["full_name"], "Phường Thuận Hoá");
    assert_eq!(feature.json["properties"]["seat"]["id"], "seat-19789");
    assert!(feature.json["properties"]["former_units"].as_array().unwrap().len() >= 2);
    // RFC 7946: exterior rings counter-clockwise (positive shoelace area).
    let ring = feature.json["geometry"]["coordinates"][0][0].as_array().unwrap();
    let area2: f64 = ring
        .windows(2)
        .map(|w| {
            w[0][0].as_f64().unwrap() * w[1][1].as_f64().unwrap()
                - w[1][0].as_f64().unwrap() * w[0][1].as_f64().unwrap()
        })
        .sum();
    assert!(area2 > 0.0, "exterior ring must be counter-clockwise");
}

#[test]
fn offices_list_and_one() {
    let server = Server::shared();
    let list = server.get("/api/v1/offices");
    assert_eq!(list.json["count"], 40);
    let one = server.get("/api/v1/offices/seat-19753");
    assert_eq!(one.status, 200);
    assert_eq!(one.json["address"], "394 Đinh Tiên Hoàng, phường Phú Xuân");
    assert_eq!(one.json["position_precision"], "commune_label_point");
}

#[test]
fn quality_report_names_the_five_misplaced_former_units() {
    let server = Server::shared();
    let reply = server.get("/api/v1/quality");
    assert_eq!(reply.status, 200);
    let findings = reply.json["findings"].as_array().unwrap();
    let misplaced: Vec<&str> = findings
        .iter()
        .filter(|f| f["check"] == "former_unit_outside_new_unit")
        .map(|f| f["subject"].as_str().unwrap())
        .collect();
    assert_eq!(misplaced.len(), 5, "{misplaced:?}");
    assert_eq!(reply.json["summary"]["fatal"], 0);
}

#[test]
fn responses_are_compressed_when_asked() {
    let server = Server::shared();
    let response =
        server.client.get(server.url("/api/v1/communes/19819")).header("accept-encoding", "gzip").send().unwrap();
    assert_eq!(response.headers()["content-encoding"], "gzip");
}

#[test]
fn opening_hours_are_checked_and_evaluated_in_hue_time_with_its_holidays() {
    let server = Server::shared();
    let hours = "Mo-Fr%2007:00-11:30,13:30-17:00;%20PH%20off";
    // Monday 30 November 2026, 01:00 UTC is 08:00 in Huế: open, and the time comes back in UTC+7.
    let monday = server.get(&format!("/api/v1/opening-hours?value={hours}&at=2026-11-30T01:00:00Z"));
    assert_eq!(monday.status, 200, "{}", monday.text);
    assert_eq!(monday.json["valid"], true);
    assert_eq!(monday.json["open"], true);
    assert_eq!(monday.json["at"], "2026-11-30T08:00:00+07:00");
    assert_eq!(monday.headers["cache-control"], "public, max-age=60");
    // 12:00 in Huế is the lunch break.
    let lunch = server.get(&format!("/api/v1/opening-hours?value={hours}&at=2026-11-30T12:00:00%2B07:00"));
    assert_eq!(lunch.json["open"], false);
    // Wednesday 2 September 2026 is National Day, a public holiday in Vietnam.
    let national_day = server.get(&format!("/api/v1/opening-hours?value={hours}&at=2026-09-02T09:00:00%2B07:00"));
    assert_eq!(national_day.json["open"], false, "{}", national_day.text);

    let invalid = server.get("/api/v1/opening-hours?value=Mo-Fr%2025:00-26:99%20banana");
    assert_eq!(invalid.status, 200);
    assert_eq!(invalid.json["valid"], false);
    assert!(invalid.json["error"].as_str().unwrap().contains("expected"), "{}", invalid.text);
    assert!(invalid.json.get("open").is_none());

    for (query, param) in [("", "value"), ("?value=24/7&at=yesterday", "at"), ("?value=24/7&when=now", "when")] {
        let reply = server.get(&format!("/api/v1/opening-hours{query}"));
        assert_eq!(reply.status, 400, "{query}");
        assert_eq!(reply.headers["content-type"], "application/problem+json");
        assert!(reply.text.contains(param), "{query}: {}", reply.text);
    }
}

/// The offline pack holds every commune, simplified to within about 5 m of the source, the
/// offices and the former units, and lists URLs that all answer; its ETag revalidates.
#[test]
fn the_offline_pack_is_complete_within_five_metres_and_revalidates() {
    use geo::{Distance, Euclidean, MultiPolygon};
    let server = Server::shared();
    let pack = server.get("/api/v1/offline-pack");
    assert_eq!(pack.status, 200);
    let etag = pack.headers["etag"].to_str().unwrap().to_string();
    assert_eq!(etag, format!("\"{}\"", pack.json["version"].as_str().unwrap()));
    let again = server.send("GET", "/api/v1/offline-pack", &[("if-none-match", etag.as_str())], None);
    assert_eq!(again.status, 304);

    assert_eq!(pack.json["offices"].as_array().unwrap().len(), 40);
    assert_eq!(pack.json["former_units"].as_array().unwrap().len(), 133);
    let source: geojson::FeatureCollection =
        std::fs::read_to_string(testkit::reference_data_dir().join("communes.geojson")).unwrap().parse().unwrap();
    let communes = pack.json["communes"].as_array().unwrap();
    assert_eq!(communes.len(), 40);
    // Metres per degree north–south (the longer of the two at Huế's latitude, 110.6 km against
    // 107.0 km east–west), so a distance is never under-reported.
    let metres_per_degree = 110_574.0;
    for commune in communes {
        let code = commune["code"].as_str().unwrap();
        let original = source.features.iter().find(|f| f.property("code").and_then(|c| c.as_str()) == Some(code));
        let original: MultiPolygon<f64> = original.unwrap().geometry.clone().unwrap().try_into().unwrap();
        let rings: Vec<Vec<Vec<(f64, f64)>>> = serde_json::from_value(commune["coordinates"].clone()).unwrap();
        let simplified: MultiPolygon<f64> = rings
            .into_iter()
            .map(|mut polygon| {
                let exterior = polygon.remove(0);
                geo::Polygon::new(exterior.into(), polygon.into_iter().map(Into::into).collect())
            })
            .collect();
        // Every source vertex lies within 5 m of the simplified outline (0.8 m of it is rounding).
        let boundary: Vec<geo::LineString<f64>> = simplified
            .iter()
            .flat_map(|p| std::iter::once(p.exterior().clone()).chain(p.interiors().iter().cloned()))
            .collect();
        let worst = original
            .iter()
            .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
            .flat_map(|ring| ring.points())
            .map(|point| boundary.iter().map(|line| Euclidean.distance(&point, line)).fold(f64::INFINITY, f64::min))
            .fold(0.0, f64::max);
        assert!(worst * metres_per_degree <= 5.0, "{code}: a source vertex is {:.1} m away", worst * metres_per_degree);
    }

    let urls: Vec<&str> = pack.json["urls"].as_array().unwrap().iter().map(|u| u.as_str().unwrap()).collect();
    assert!(urls.iter().filter(|u| u.starts_with("/tiles/")).count() > 1000, "the Huế tiles to z14");
    assert!(urls.contains(&"/fonts/DejaVu%20Sans%20Book/7680-7935.pbf"), "the range of Vietnamese tone marks");
    for url in urls.iter().step_by(97).chain(urls.iter().filter(|u| u.starts_with("/fonts/"))) {
        assert_eq!(server.get(url).status, 200, "{url}");
    }
}

#[test]
fn without_a_basemap_its_urls_say_how_to_add_one() {
    let server = Server::shared();
    for path in ["/basemap.json", "/basemap/14/13087/7433.mvt"] {
        let reply = server.get(path);
        assert_eq!(reply.status, 404, "{path}");
        assert_eq!(reply.headers["content-type"], "application/problem+json");
        assert!(reply.text.contains("--basemap"), "{}", reply.text);
    }
    let style = server.get("/style.json");
    assert!(style.json["metadata"]["hue-map:basemap"].is_null());
    assert!(style.json["sources"].get("basemap").is_none());
}
