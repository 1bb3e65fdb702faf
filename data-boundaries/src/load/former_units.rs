//! The former-units CSV loader: the 133 units before 1 July 2025 and the new unit each one
//! joined (the lineage).

use std::path::Path;

use super::rows::Table;
use crate::error::LoadError;
use crate::model::FormerUnit;

const COLUMNS: [&str; 9] =
    ["old_code", "old_name", "old_district", "new_code", "new_name", "lon", "lat", "position_precision", "resolution"];

/// Parses `former_units.csv` (columns `old_code, old_name, old_district, new_code,
/// new_name, lon, lat, position_precision, resolution`, in any order), in file order, with the
/// row checks of [`super::parse_offices`]. `old_district`, `new_name` and `resolution` may be
/// empty. Whether `new_code` exists is for validation.
pub fn parse_former_units(path: &Path, text: &str) -> Result<Vec<FormerUnit>, LoadError> {
    let table = Table::parse(path, text, &COLUMNS)?;
    table
        .rows()
        .map(|row| {
            Ok(FormerUnit {
                old_code: row.required(path, "old_code")?,
                old_name: row.required(path, "old_name")?,
                old_district: row.text("old_district"),
                new_code: row.required(path, "new_code")?,
                new_name: row.text("new_name"),
                lon: row.coordinate(path, "lon")?,
                lat: row.coordinate(path, "lat")?,
                position_precision: row.precision(path)?,
                resolution: row.text("resolution"),
            })
        })
        .collect()
}
