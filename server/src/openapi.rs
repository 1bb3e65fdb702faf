//! The API description, generated from the handlers' annotations and the response types'
//! derived schemas, so it cannot drift from the code.
//!
//! Two renderings of the one document: `/openapi.json` is OpenAPI 3.1 as `utoipa` writes it;
//! `/api` is the same document in OpenAPI 3.0 with one path per collection, which is what
//! the OGC API – Features "OpenAPI 3.0" conformance class and its test suites read.

use serde_json::{Map, Value};
use utoipa::OpenApi;

use crate::http::media::PROBLEM_JSON;
use crate::routes::ogc::{self, CollectionId};

/// The document's title, description, licence, tags and the schemas no handler names; the
/// paths come from the route registrations.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "hue-map",
        description = "Map service for Huế's 40 communes and wards after the 1 July 2025 reform: locate a point, find the nearest office, convert an old address, and fetch the layers as GeoJSON, FlatGeobuf, OGC API – Features and vector tiles. Every error is an RFC 9457 problem (application/problem+json).",
        license(name = "MIT", identifier = "MIT"),
    ),
    components(schemas(crate::http::Problem, CollectionId, ogc::LandingFormat, ogc::JsonFormat, ogc::CrsUri)),
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

/// The one API description in its two renderings, serialised once at start-up.
pub struct Documents {
    /// OpenAPI 3.1, for `/openapi.json`.
    pub v31: axum::body::Bytes,
    /// OpenAPI 3.0 with one path per collection, for `/api`.
    pub v30: axum::body::Bytes,
}

impl Documents {
    /// Renders the document that the route registrations built (paths and schemas), over
    /// [`ApiDoc`]'s title, description and tags.
    pub fn new(document: utoipa::openapi::OpenApi) -> Documents {
        let mut v31 = serde_json::to_value(document).unwrap_or_default();
        name_operations(&mut v31);
        list_shedding(&mut v31);
        let mut v30 = v31.clone();
        downgrade_to_30(&mut v30);
        expand_collection_paths(&mut v30);
        name_operations(&mut v30);
        Documents { v31: v31.to_string().into(), v30: v30.to_string().into() }
    }
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

/// Lists on every operation the refusal any request can get, whatever its route: 503 when
/// the service is at capacity or a request runs over its time (`http/refusal.rs`). Where an
/// operation already lists a 503 of its own (the registry's), that one says so too.
fn list_shedding(document: &mut Value) {
    let shed = serde_json::json!({
        "description": "The service is at capacity, or the request ran over its time; retry after `Retry-After`",
        "content": { PROBLEM_JSON: { "schema": { "$ref": "#/components/schemas/Problem" } } },
    });
    let Some(paths) = document.get_mut("paths").and_then(Value::as_object_mut) else { return };
    for item in paths.values_mut() {
        let Some(operations) = item.as_object_mut() else { continue };
        for operation in operations.values_mut() {
            if let Some(responses) = operation.get_mut("responses").and_then(Value::as_object_mut) {
                responses.entry("503").or_insert_with(|| shed.clone());
            }
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
