//! The bad-input catalogue: every malformed request gets a 4xx problem+json that says what
//! was wrong, never a 5xx, a panic or a hang. These run through the router in-process.

use e2e::{json, InProcess};

#[test]
fn bad_coordinates() {
    let server = InProcess::shared();
    let cases = [
        ("/api/v1/locate", "lon: is required"),
        ("/api/v1/locate?lon=107.5", "lat: is required"),
        ("/api/v1/locate?lon=abc&lat=16", "lon: must be a number"),
        ("/api/v1/locate?lon=107&lat=", "lat: must be a number"),
        ("/api/v1/locate?lon=NaN&lat=16", "lon: must be a finite number"),
        ("/api/v1/locate?lon=107&lat=inf", "lat: must be a finite number"),
        ("/api/v1/locate?lon=-Infinity&lat=16", "lon: must be a finite number"),
        ("/api/v1/locate?lon=180.5&lat=16", "lon: longitude must be within [-180, 180]"),
        ("/api/v1/locate?lon=107&lat=-90.01", "lat: latitude must be within [-90, 90]"),
        ("/api/v1/locate?lon=1&lon=2&lat=16", "lon: given more than once"),
        ("/api/v1/nearest?lat=16", "lon: is required"),
        ("/api/v1/nearest?lon=107&lat=95", "lat: latitude must be within"),
    ];
    for (path, expected) in cases {
        let detail = server.get(path).expect_problem(400);
        assert!(detail.starts_with(expected), "{path}: {detail}");
    }
}

#[test]
fn bad_k_and_kind() {
    let server = InProcess::shared();
    for k in ["0", "101", "-1", "2.5", "five", "99999999999999999999999"] {
        let detail = server.get(&format!("/api/v1/nearest?lon=107.5&lat=16.4&k={k}")).expect_problem(400);
        assert!(detail.starts_with("k: "), "{k}: {detail}");
    }
    let detail = server.get("/api/v1/nearest?lon=107.5&lat=16.4&kind=bank").expect_problem(400);
    assert!(detail.contains("unknown office kind \"bank\"") && detail.contains("commune_seat"), "{detail}");
    server.get("/api/v1/offices?kind=bank").expect_problem(400);
}

#[test]
fn bad_batch_bodies() {
    let server = InProcess::shared();
    let detail =
        server.post_raw("/api/v1/locate", "application/json", "{\"points\": [[107.5, 16.4]").expect_problem(400);
    assert!(detail.contains("EOF"), "{detail}");
    server.post_raw("/api/v1/locate", "application/json", "").expect_problem(400);
    server.post_raw("/api/v1/locate", "application/json", "{\"points\": [[107.5]]}").expect_problem(400);
    server.post_raw("/api/v1/locate", "application/json", "{\"pts\": []}").expect_problem(400);
    server.post_raw("/api/v1/locate", "application/json", "[1,2]").expect_problem(400);
    let detail =
        server.post_json("/api/v1/locate", &json!({"points": [[107.5, 16.4], [200, 16.4]]})).expect_problem(400);
    assert!(detail.starts_with("points[1][0]: longitude must be within"), "{detail}");
    let detail = server.post_raw("/api/v1/locate", "text/plain", "{\"points\": []}").expect_problem(415);
    assert!(detail.contains("application/json"), "{detail}");
    server.post_raw("/api/v1/locate", "application/x-www-form-urlencoded", "lon=1").expect_problem(415);
}

#[test]
fn too_many_points_is_413() {
    let server = InProcess::shared();
    let points: Vec<[f64; 2]> = vec![[107.5, 16.4]; 10_001];
    let detail = server.post_json("/api/v1/locate", &json!({ "points": points })).expect_problem(413);
    assert!(detail.contains("10001 points") && detail.contains("10000"), "{detail}");
    // A body far beyond the byte limit is refused the same way, before it is parsed.
    let huge = format!("{{\"points\": [{}]}}", vec!["[107.5, 16.4]"; 300_000].join(","));
    server.post_raw("/api/v1/locate", "application/json", huge).expect_problem(413);
}

#[test]
fn unknown_codes_paths_and_methods() {
    let server = InProcess::shared();
    assert!(server.get("/api/v1/communes/99999").expect_problem(404).contains("99999"));
    assert!(server.get("/api/v1/offices/nope").expect_problem(404).contains("nope"));
    server.get("/api/v1/nothing-here").expect_problem(404);
    server.get("/../../etc/passwd").expect_problem(404);
    server.send_body("DELETE", "/api/v1/locate", &[], "").expect_problem(405);
    // The print pages: an unknown commune or office, or a language they do not speak.
    assert!(server.get("/print/communes/99999").expect_problem(404).contains("99999"));
    assert!(server.get("/print/offices/nope").expect_problem(404).contains("nope"));
    assert!(server.get("/print/communes/19753?lang=fr").expect_problem(400).contains("vi or en"));
    server.get("/print/communes/19753?colour=red").expect_problem(400);
}

#[test]
fn a_print_page_is_revalidated_by_its_etag_per_language() {
    let server = InProcess::shared();
    let page = server.get("/print/communes/19753");
    assert_eq!(page.status, 200);
    assert!(page.content_type.starts_with("text/html"));
    let etag = page.headers["etag"].to_str().unwrap().to_string();
    let again = server.send_body("GET", "/print/communes/19753", &[("if-none-match", etag.as_str())], "");
    assert_eq!(again.status, 304);
    let english = server.send_body("GET", "/print/communes/19753?lang=en", &[("if-none-match", etag.as_str())], "");
    assert_eq!(english.status, 200, "another language is another page");
}
