//! The OpenAPI documents: generated from the code, covering every route the router serves,
//! valid enough for `schemathesis` (not written by us) to drive the API from them.

use e2e::{run_tool, Server, Value};

/// The operations the service documented when the route table and the OpenAPI document
/// became one registration (`utoipa_axum::routes!`); none may disappear. A route that is
/// registered is documented by construction, so there is nothing to compare with the router.
const OPERATIONS: [&str; 26] = [
    "GET /",
    "GET /api/v1/communes",
    "GET /api/v1/communes/{code}",
    "GET /api/v1/convert-address",
    "POST /api/v1/convert-address",
    "GET /api/v1/export/communes.fgb",
    "GET /api/v1/export/communes.geojson",
    "GET /api/v1/export/offices.geojson",
    "GET /api/v1/former-units",
    "GET /api/v1/former-units/{old_code}",
    "GET /api/v1/locate",
    "POST /api/v1/locate",
    "GET /api/v1/nearest",
    "GET /api/v1/offices",
    "GET /api/v1/offices/{id}",
    "GET /api/v1/quality",
    "GET /api/v1/search",
    "GET /collections",
    "GET /collections/{collectionId}",
    "GET /collections/{collectionId}/items",
    "GET /collections/{collectionId}/items/{featureId}",
    "GET /conformance",
    "GET /healthz",
    "GET /style.json",
    "GET /tiles.json",
    "GET /tiles/{z}/{x}/{y}.mvt",
];

#[test]
fn openapi_31_documents_every_api_route_with_problem_responses() {
    let server = Server::shared();
    let reply = server.get("/openapi.json");
    assert_eq!(reply.status, 200);
    let document = reply.json;
    assert_eq!(document["openapi"], "3.1.0");
    let paths = document["paths"].as_object().unwrap();
    let operations: Vec<String> = paths
        .iter()
        .flat_map(|(path, item)| item.as_object().unwrap().keys().map(move |m| format!("{} {path}", m.to_uppercase())))
        .collect();
    for expected in OPERATIONS {
        assert!(operations.iter().any(|o| o == expected), "{expected} is no longer documented");
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
    let server = Server::shared();
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
    let server = Server::shared();
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
    // Its own server and registry: with an admin token, schemathesis also drives the writes.
    let server = Server::start();
    let admin = e2e::create_token(&server.store(), "admin", &[], "schemathesis");
    let authorization = format!("Authorization: Bearer {admin}");
    let output = run_tool(
        "schemathesis",
        &[
            "--no-color",
            "run",
            "--header",
            &authorization,
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
