//! Query-string parsing with errors that name the parameter and say what was wrong.
//!
//! axum's `Query<T>` rejects with plain text; we parse the pairs ourselves so that every bad
//! value becomes a problem+json naming it, and so that repeated keys (`kind=a&kind=b`) work.

use data_boundaries::OfficeKind;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;

use super::problem::{ApiResult, Problem};

/// The query string's pairs, as an extractor: a malformed query string is a 400 problem.
pub struct QueryParams {
    pairs: Vec<(String, String)>,
}

impl<S: Send + Sync> FromRequestParts<S> for QueryParams {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<QueryParams, Problem> {
        QueryParams::parse(parts.uri.query())
    }
}

impl QueryParams {
    pub fn parse(raw: Option<&str>) -> ApiResult<QueryParams> {
        let pairs = serde_urlencoded::from_str(raw.unwrap_or("")).map_err(|e| {
            Problem::new(axum::http::StatusCode::BAD_REQUEST, format!("the query string is malformed: {e}"))
        })?;
        Ok(QueryParams { pairs })
    }

    /// The single value of `name`; a repeated single-valued parameter is an error.
    pub fn single<'a>(&'a self, name: &'a str) -> ApiResult<Option<&'a str>> {
        let mut values = self.all(name);
        let first = values.next();
        if values.next().is_some() {
            return Err(Problem::invalid_param(name, "given more than once"));
        }
        Ok(first)
    }

    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.pairs.iter().filter(move |(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// Refuses any parameter not in `known`, naming it and the ones this endpoint takes
    /// (OGC API – Features requires 400 for unknown parameters).
    pub fn reject_unknown(&self, known: &[&str]) -> ApiResult<()> {
        match self.pairs.iter().find(|(k, _)| !known.contains(&k.as_str())) {
            None => Ok(()),
            Some((name, _)) if known.is_empty() => {
                Err(Problem::invalid_param(name.clone(), "unknown parameter; this resource takes none"))
            }
            Some((name, _)) => Err(Problem::invalid_param(
                name.clone(),
                format!("unknown parameter; this resource takes {}", known.join(", ")),
            )),
        }
    }

    /// A required, finite number.
    pub fn number(&self, name: &str) -> ApiResult<f64> {
        let raw = self.single(name)?.ok_or_else(|| Problem::invalid_param(name, "is required"))?;
        parse_finite(name, raw)
    }

    /// An optional whole number within `[min, max]`.
    pub fn integer_in(&self, name: &str, default: u64, min: u64, max: u64) -> ApiResult<u64> {
        let Some(raw) = self.single(name)? else { return Ok(default) };
        let value: u64 = raw.trim().parse().map_err(|_| {
            Problem::invalid_param(name, format!("must be a whole number from {min} to {max}, got {raw:?}"))
        })?;
        if !(min..=max).contains(&value) {
            return Err(Problem::invalid_param(name, format!("must be from {min} to {max}, got {value}")));
        }
        Ok(value)
    }

    /// `lon` and `lat`, required, finite and in WGS84 range.
    pub fn lon_lat(&self) -> ApiResult<(f64, f64)> {
        let lon = self.number("lon")?;
        let lat = self.number("lat")?;
        check_lon_lat("lon", "lat", lon, lat)?;
        Ok((lon, lat))
    }

    /// Every `kind=` value, each a known office kind.
    pub fn office_kinds(&self) -> ApiResult<Vec<OfficeKind>> {
        self.all("kind")
            .flat_map(|v| v.split(','))
            .map(|v| {
                OfficeKind::parse(v.trim()).ok_or_else(|| {
                    let known: Vec<&str> = OfficeKind::ALL.iter().map(|k| k.as_str()).collect();
                    Problem::invalid_param(
                        "kind",
                        format!("unknown office kind {v:?}; known kinds: {}", known.join(", ")),
                    )
                })
            })
            .collect()
    }
}

pub fn parse_finite(name: &str, raw: &str) -> ApiResult<f64> {
    let value: f64 =
        raw.trim().parse().map_err(|_| Problem::invalid_param(name, format!("must be a number, got {raw:?}")))?;
    if !value.is_finite() {
        return Err(Problem::invalid_param(name, format!("must be a finite number, got {raw:?}")));
    }
    Ok(value)
}

/// Checks a WGS84 position; the names let batch errors say `points[3][1]`.
pub fn check_lon_lat(lon_name: &str, lat_name: &str, lon: f64, lat: f64) -> ApiResult<()> {
    if !lon.is_finite() || !(-180.0..=180.0).contains(&lon) {
        return Err(Problem::invalid_param(lon_name, format!("longitude must be within [-180, 180], got {lon}")));
    }
    if !lat.is_finite() || !(-90.0..=90.0).contains(&lat) {
        return Err(Problem::invalid_param(lat_name, format!("latitude must be within [-90, 90], got {lat}")));
    }
    Ok(())
}

/// The province a `province` parameter names: its code ("01") or its name ("Hà Nội", with or
/// without diacritics). An unknown one is a 400 naming the codes there are; a dataset whose
/// communes name no province (Huế's) says so.
pub fn province(data: &data_boundaries::Dataset, name: &str, raw: &str) -> ApiResult<usize> {
    if data.provinces().is_empty() {
        return Err(Problem::invalid_param(name, "this dataset's units name no province"));
    }
    data.province_named(raw).ok_or_else(|| {
        let codes: Vec<&str> = data.provinces().iter().map(|p| p.code.as_str()).collect();
        Problem::invalid_param(name, format!("{raw:?} is no province; give a code ({}) or a name", codes.join(", ")))
    })
}

/// A `province` parameter, read once, asked of communes, offices and former units: a unit is
/// in the province it belongs to, an office in its commune's, a former unit in the province
/// of the units it went into. Without the parameter everything is in.
pub struct ProvinceFilter<'a> {
    data: &'a data_boundaries::Dataset,
    /// The province's place in `Dataset::provinces`, and its code.
    province: Option<(usize, &'a str)>,
}

impl<'a> ProvinceFilter<'a> {
    /// Reads `province` from `params` (a 400 for an unknown one).
    pub fn parse(data: &'a data_boundaries::Dataset, params: &QueryParams) -> ApiResult<ProvinceFilter<'a>> {
        let province = match params.single("province")? {
            None => None,
            Some(raw) => {
                let index = province(data, "province", raw)?;
                Some((index, data.provinces()[index].code.as_str()))
            }
        };
        Ok(ProvinceFilter { data, province })
    }

    /// The filter of the province at `index` in `Dataset::provinces` (none: every unit).
    pub fn of_index(data: &'a data_boundaries::Dataset, index: Option<usize>) -> ProvinceFilter<'a> {
        ProvinceFilter { data, province: index.map(|i| (i, data.provinces()[i].code.as_str())) }
    }

    /// The province's code, when one was asked for.
    pub fn code(&self) -> Option<&'a str> {
        self.province.map(|(_, code)| code)
    }

    /// The province's place in `Dataset::provinces`, when one was asked for.
    pub fn index(&self) -> Option<usize> {
        self.province.map(|(index, _)| index)
    }

    /// Whether commune `i` is in the province.
    pub fn commune(&self, i: usize) -> bool {
        self.code().is_none_or(|code| self.data.communes[i].province_code.as_deref() == Some(code))
    }

    /// Whether office `i`'s commune is in the province.
    pub fn office(&self, i: usize) -> bool {
        self.code().is_none()
            || self.data.commune_by_code(&self.data.offices[i].commune_code).is_some_and(|c| self.commune(c))
    }

    /// Whether lineage link `i` went into a unit of the province.
    pub fn former_unit(&self, i: usize) -> bool {
        self.code().is_none()
            || self.data.commune_by_code(&self.data.former_units[i].new_code).is_some_and(|c| self.commune(c))
    }

    /// Whether any link of the former unit that link `i` belongs to went into the province.
    pub fn any_link_of(&self, i: usize) -> bool {
        self.code().is_none()
            || self.data.links_of_former_unit(&self.data.former_units[i].old_code).iter().any(|&l| self.former_unit(l))
    }
}

/// The snapshot being served, and the province a download asks for (`province=`, the only
/// parameter such a download takes) as its place in `Dataset::provinces`; none for the
/// whole dataset. The snapshot is owned, for work on the CPU pool.
pub fn province_download(
    state: &crate::state::AppState,
    params: &QueryParams,
) -> ApiResult<(std::sync::Arc<crate::state::Snapshot>, Option<usize>)> {
    params.reject_unknown(&["province"])?;
    let snapshot = arc_swap::Guard::into_inner(state.current());
    let index = ProvinceFilter::parse(&snapshot.data, params)?.index();
    Ok((snapshot, index))
}
