//! The API description, generated from the handlers' annotations and the response types'
//! derived schemas, so it cannot drift from the code.
//!
//! Two renderings of the one document: `/openapi.json` is OpenAPI 3.1 as `utoipa` writes it;
//! `/api` is the same document in OpenAPI 3.0 with one path per collection, which is what
//! the OGC API – Features "OpenAPI 3.0" conformance class and its test suites read.

use std::sync::OnceLock;

use axum::http::{header, HeaderValue};
use axum::response::{Html, IntoResponse, Response};
use serde_json::{Map, Value};
use utoipa::OpenApi;

use crate::routes::ogc::{CollectionId, OPENAPI_30, OPENAPI_31};
use crate::routes::{
    communes, convert, export, former_units, health, locate, nearest, offices, ogc, quality, search, tiles,
};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "hue-map",
        description = "Map service for Huế's 40 communes and wards after the 1 July 2025 reform: locate a point, find the nearest office, convert an old address, and fetch the layers as GeoJSON, FlatGeobuf, OGC API – Features and vector tiles. Every error is an RFC 9457 problem (application/problem+json).",
        license(name = "MIT", identifier = "MIT"),
    ),
    paths(
        locate::locate_one, locate::locate_many, nearest::nearest,
        communes::list, communes::one, offices::list, offices::one,
        quality::report, search::search,
        former_units::list, former_units::one, convert::convert_one, convert::convert_many,
        export::communes_geojson, export::offices_geojson, export::communes_fgb,
        ogc::landing, ogc::conformance, ogc::collections, ogc::collection, ogc::items::items, ogc::items::item,
        tiles::tile, tiles::tilejson, tiles::style,
        health::healthz,
    ),
    components(schemas(CollectionId, ogc::LandingFormat, ogc::JsonFormat, ogc::CrsUri)),
    tags(
        (name = "residents", description = "Which commune am I in, and where is its office?"),
        (name = "communes", description = "The 40 new communes and wards"),
        (name = "offices", description = "Public-service points; positions may be approximate"),
        (name = "reform", description = "The 133 former units and old-address conversion"),
        (name = "planners", description = "Data quality"),
        (name = "exports", description = "Whole layers for GIS tools"),
        (name = "ogc", description = "OGC API – Features, Part 1 (and CRS from Part 2)"),
        (name = "tiles", description = "Vector tiles and their metadata"),
        (name = "operations", description = "Health"),
    )
)]
pub struct ApiDoc;

/// The OpenAPI 3.1 document.
pub fn document_31() -> &'static Value {
    static DOCUMENT: OnceLock<Value> = OnceLock::new();
    DOCUMENT.get_or_init(|| {
        let mut document = serde_json::to_value(ApiDoc::openapi()).unwrap_or_default();
        name_operations(&mut document);
        document
    })
}

/// The same document in OpenAPI 3.0, with concrete collection paths.
pub fn document_30() -> &'static Value {
    static DOCUMENT: OnceLock<Value> = OnceLock::new();
    DOCUMENT.get_or_init(|| {
        let mut document = document_31().clone();
        downgrade_to_30(&mut document);
        expand_collection_paths(&mut document);
        name_operations(&mut document);
        document
    })
}

fn with_type(body: String, media_type: &'static str) -> Response {
    let mut response = body.into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(media_type));
    response
}

/// `GET /openapi.json`.
pub async fn openapi_31() -> Response {
    with_type(document_31().to_string(), OPENAPI_31)
}

/// `GET /api`: the OGC API's definition.
pub async fn openapi_30() -> Response {
    with_type(document_30().to_string(), OPENAPI_30)
}

/// `GET /docs`: Scalar's API reference over `/openapi.json`, with its script served by us
/// (the page works offline and under our Content-Security-Policy).
pub async fn docs() -> Response {
    let page = r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>hue-map API</title>
</head>
<body>
<script id="api-reference" data-url="/openapi.json" data-configuration='{"withDefaultFonts": false, "hideClientButton": true}'></script>
<script src="/docs/scalar.js"></script>
</body>
</html>"#;
    let mut response = Html(page).into_response();
    response.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'"),
    );
    response
}

/// Rewrites what OpenAPI 3.1 (JSON Schema 2020-12) allows and 3.0 does not: type arrays with
/// `null`, `oneOf` with a null branch, `const`, and the licence `identifier`.
fn downgrade_to_30(document: &mut Value) {
    document["openapi"] = Value::from("3.0.3");
    if let Some(license) = document.pointer_mut("/info/license").and_then(Value::as_object_mut) {
        license.remove("identifier");
    }
    downgrade_schemas(document);
}

fn downgrade_schemas(value: &mut Value) {
    match value {
        Value::Array(items) => items.iter_mut().for_each(downgrade_schemas),
        Value::Object(object) => {
            object.values_mut().for_each(downgrade_schemas);
            downgrade_schema(object);
        }
        _ => {}
    }
}

fn downgrade_schema(object: &mut Map<String, Value>) {
    if let Some(Value::Array(types)) = object.get("type") {
        let concrete: Vec<Value> = types.iter().filter(|t| t.as_str() != Some("null")).cloned().collect();
        let nullable = concrete.len() < types.len();
        match concrete.as_slice() {
            [one] => {
                object.insert("type".into(), one.clone());
            }
            _ => {
                object.remove("type");
            }
        }
        if nullable {
            object.insert("nullable".into(), Value::Bool(true));
        }
    }
    if object.get("type").and_then(Value::as_str) == Some("null") {
        object.remove("type");
        object.insert("nullable".into(), Value::Bool(true));
    }
    for key in ["oneOf", "anyOf"] {
        let Some(Value::Array(branches)) = object.get(key) else { continue };
        let is_null =
            |b: &Value| b.get("nullable") == Some(&Value::Bool(true)) && b.as_object().is_some_and(|o| o.len() == 1);
        if !branches.iter().any(is_null) {
            continue;
        }
        let rest: Vec<Value> = branches.iter().filter(|b| !is_null(b)).cloned().collect();
        object.remove(key);
        object.insert("nullable".into(), Value::Bool(true));
        match rest.as_slice() {
            [one] => {
                object.insert("allOf".into(), Value::Array(vec![one.clone()]));
            }
            _ => {
                object.insert(key.into(), Value::Array(rest));
            }
        }
    }
    if let Some(constant) = object.remove("const") {
        object.insert("enum".into(), Value::Array(vec![constant]));
    }
    object.remove("$schema");
    if let Some(Value::Array(examples)) = object.get("examples") {
        if object.contains_key("type") || object.contains_key("properties") {
            let first = examples.first().cloned();
            object.remove("examples");
            if let Some(first) = first {
                object.insert("example".into(), first);
            }
        }
    }
}

/// Replaces each `/collections/{collectionId}…` path with one path per collection, without
/// the `collectionId` parameter, so clients and test suites find e.g. the `bbox` parameter
/// of `/collections/communes/items` where they look.
fn expand_collection_paths(document: &mut Value) {
    let Some(paths) = document.get_mut("paths").and_then(Value::as_object_mut) else { return };
    let templated: Vec<String> = paths.keys().filter(|p| p.contains("{collectionId}")).cloned().collect();
    for path in templated {
        let Some(item) = paths.remove(&path) else { continue };
        for id in CollectionId::ALL {
            let mut concrete = item.clone();
            if let Some(operations) = concrete.as_object_mut() {
                for operation in operations.values_mut() {
                    if let Some(Value::Array(parameters)) = operation.get_mut("parameters") {
                        parameters.retain(|p| p.get("name").and_then(Value::as_str) != Some("collectionId"));
                    }
                }
            }
            paths.insert(path.replace("{collectionId}", id.id()), concrete);
        }
    }
}

/// Names every operation after its method and path (`getApiV1CommunesCode`): unique, as
/// OpenAPI requires, and stable for generated clients. Handler names alone (`list`, `one`)
/// repeat across modules.
fn name_operations(document: &mut Value) {
    let Some(paths) = document.get_mut("paths").and_then(Value::as_object_mut) else { return };
    for (path, item) in paths.iter_mut() {
        let Some(operations) = item.as_object_mut() else { continue };
        for (method, operation) in operations.iter_mut() {
            let Some(operation) = operation.as_object_mut() else { continue };
            let mut name = method.clone();
            for word in path.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()) {
                let mut chars = word.chars();
                if let Some(first) = chars.next() {
                    name.push(first.to_ascii_uppercase());
                    name.extend(chars);
                }
            }
            if path == "/" {
                name.push_str("Root");
            }
            operation.insert("operationId".into(), Value::String(name));
        }
    }
}
