//! Registering documented routes whose path ends in a parameter with a file extension.
//!
//! A tile's documented path is `/tiles/{z}/{x}/{y}.mvt`, but axum's router (matchit 0.8)
//! cannot match a suffix after a parameter. [`add_with_extension`] registers the axum route
//! as `/tiles/{z}/{x}/{y}` and the OpenAPI operation under the documented path, both taken
//! from the one `#[utoipa::path]`, so the path is still written once; the handler checks the
//! extension.

use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouter};

/// Adds `routes` (from `utoipa_axum::routes!`) to `router`, routing `{param}.ext` segments as
/// `{param}`.
pub fn add_with_extension<S: Clone + Send + Sync + 'static>(
    mut router: OpenApiRouter<S>,
    (schemas, paths, method_router): UtoipaMethodRouter<S>,
) -> OpenApiRouter<S> {
    for path in paths.paths.keys() {
        router = router.route(&without_extensions(path), method_router.clone());
    }
    let document = router.get_openapi_mut();
    for (path, item) in paths.paths {
        match document.paths.paths.get_mut(&path) {
            Some(existing) => existing.merge_operations(item),
            None => {
                document.paths.paths.insert(path, item);
            }
        }
    }
    document.components.get_or_insert_with(Default::default).schemas.extend(schemas);
    router
}

/// `/tiles/{z}/{x}/{y}.mvt` → `/tiles/{z}/{x}/{y}`.
fn without_extensions(path: &str) -> String {
    path.split('/')
        .map(|segment| match segment.split_once("}.") {
            Some((parameter, _)) if segment.starts_with('{') => format!("{parameter}}}"),
            _ => segment.to_string(),
        })
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    #[test]
    fn extensions_after_parameters_are_dropped_and_nothing_else() {
        assert_eq!(super::without_extensions("/tiles/{z}/{x}/{y}.mvt"), "/tiles/{z}/{x}/{y}");
        assert_eq!(super::without_extensions("/tiles.json"), "/tiles.json");
        assert_eq!(super::without_extensions("/api/v1/export/communes.fgb"), "/api/v1/export/communes.fgb");
    }
}
