//! The OpenAPI documents: generated from the code, covering every route the router serves,
//! valid enough for `schemathesis` (not written by us) to drive the API from them.

use e2e::{repo_root, run_tool, Server, Value};

/// Every path the router registers under /api/v1, read from the router's source, so that
/// a route added without documentation fails here.
fn routed_api_paths() -> Vec<String> {
    let source = std::fs::read_to_string(repo_root().join("server/src/app.rs")).unwrap();
    let api = &source[source.find("let api = Router::new()").unwrap()..];
    let api = &api[..api.find(';').unwrap()];
    api.match_indices(".route(\"")
        .map(|(at, _)| {
            let rest = &api[at + 8..];
            format!("/api/v1{}", &rest[..rest.find('"').unwrap()])
        })
        .collect()
}

/// `/communes/{code}` and `/communes/{anything}` are the same route.
fn shape(path: &str) -> String {
    path.split('/').map(|part| if part.starts_with('{') { "{}" } else { part }).collect::<Vec<_>>().join("/")
}

#[test]
fn openapi_31_documents_every_api_route_with_problem_responses() {
    let server = Server::start();
    let reply = server.get("/openapi.json");
    assert_eq!(reply.status, 200);
    let document = reply.json;
    assert_eq!(document["openapi"], "3.1.0");
    let paths = document["paths"].as_object().unwrap();
    let documented: Vec<String> = paths.keys().map(|p| shape(p)).collect();
    let routed = routed_api_paths();
    assert!(routed.len() >= 14, "{routed:?}");
    for path in &routed {
        assert!(documented.contains(&shape(path)), "{path} is routed but not in /openapi.json");
    }
    for extra in
        ["/", "/conformance", "/collections", "/collections/{}/items", "/tiles/{}/{}/{}", "/tiles.json", "/healthz"]
    {
        assert!(documented.contains(&extra.to_string()), "{extra} missing");
    }
    // Every operation that takes input documents its 400 as a problem; ids are unique.
    let mut ids = Vec::new();
    for (path, item) in paths {
        for (method, operation) in item.as_object().unwrap() {
            ids.push(operation["operationId"].as_str().unwrap().to_string());
            let takes_input = operation
                .get("parameters")
                .and_then(Value::as_array)
                .is_some_and(|p| p.iter().any(|p| p["in"] == "query"))
                || operation.get("requestBody").is_some();
            if takes_input && path != "/" {
                let bad = &operation["responses"]["400"]["content"]["application/problem+json"];
                assert!(bad.is_object(), "{method} {path} does not document its 400 problem");
            }
        }
    }
    let count = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), count, "operationIds repeat");
    assert!(document.pointer("/components/schemas/Problem/properties/invalid_params").is_some());
}

#[test]
fn the_ogc_definition_is_openapi_30_with_one_path_per_collection() {
    let server = Server::start();
    let reply = server.get("/api");
    assert_eq!(reply.content_type, "application/vnd.oai.openapi+json;version=3.0");
    let document = reply.json;
    assert_eq!(document["openapi"], "3.0.3");
    let text = document.to_string();
    assert!(!text.contains("\"type\":[") && !text.contains("\"null\""), "3.1-only constructs left");
    let bbox = document["paths"]["/collections/communes/items"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "bbox")
        .unwrap()
        .clone();
    assert_eq!((bbox["schema"]["minItems"].as_u64(), bbox["schema"]["maxItems"].as_u64()), (Some(4), Some(6)));
    assert_eq!((bbox["style"].as_str(), bbox["explode"].as_bool()), (Some("form"), Some(false)));
    assert!(document["paths"].get("/collections/{collectionId}/items").is_none());
}

#[test]
fn the_docs_page_and_its_script_are_served_locally() {
    let server = Server::start();
    let page = server.get("/docs");
    assert_eq!(page.status, 200);
    assert!(page.content_type.starts_with("text/html"));
    assert!(page.text.contains("/openapi.json") && page.text.contains("/docs/scalar.js"));
    assert!(!page.text.contains("https://"), "the page must not need the internet");
    let script = server.get("/docs/scalar.js");
    assert_eq!((script.status, script.content_type.as_str()), (200, "text/javascript"));
    assert!(script.text.len() > 100_000);
}

#[test]
fn schemathesis_finds_no_server_errors_and_no_responses_off_the_schema() {
    let server = Server::start();
    let output = run_tool(
        "schemathesis",
        &[
            "--no-color",
            "run",
            &server.url("/openapi.json"),
            "--checks",
            "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,response_headers_conformance,negative_data_rejection",
            "--max-examples",
            "25",
            "--workers",
            "2",
            // A fixed seed: the same cases on every CI run; change it to explore further.
            "--seed",
            "20250701",
        ],
    );
    // run_tool asserted exit status 0, which schemathesis gives only when no check failed.
    assert!(output.contains("generated"), "{output}");
}
