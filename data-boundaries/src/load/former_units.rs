//! The former-units CSV loader: the units before 1 July 2025 and the new units each one
//! joined, whole or in part (the lineage).

use std::path::Path;

use super::rows::Table;
use crate::error::LoadError;
use crate::model::{FormerUnit, Share};

/// The columns a lineage file must have. `lon`, `lat` and `position_precision` may be
/// dropped altogether (the points' source licence is unclear: see the national README), and
/// `old_province` and `share` are the national file's.
const COLUMNS: [&str; 6] = ["old_code", "old_name", "old_district", "new_code", "new_name", "resolution"];

/// Parses `former_units.csv` (columns `old_code, old_name, old_district, new_code,
/// new_name, resolution`, and optionally `lon, lat, position_precision`, `old_province` and
/// `share`, in any order), in file order, with the row checks of [`super::parse_offices`].
/// `old_district`, `old_province`, `new_name` and `resolution` may be empty; `share` is
/// `whole` or `part` (`whole` when the column is absent, as in Huế's file). A row may have no
/// point: `lon`, `lat` and `position_precision` all empty. Whether `new_code` exists, and
/// whether a split unit's links agree, is for validation.
pub fn parse_former_units(path: &Path, text: &str) -> Result<Vec<FormerUnit>, LoadError> {
    let table = Table::parse(path, text, &COLUMNS)?;
    table
        .rows()
        .map(|row| {
            let share = match row.text("share").as_str() {
                "" => Share::Whole,
                text => Share::parse(text)
                    .ok_or_else(|| row.problem(path, format!("share {text:?} is neither whole nor part")))?,
            };
            let no_point = ["lon", "lat", "position_precision"].iter().all(|c| row.text(c).is_empty());
            let (point, position_precision) = if no_point {
                (None, None)
            } else {
                (Some([row.coordinate(path, "lon")?, row.coordinate(path, "lat")?]), Some(row.precision(path)?))
            };
            Ok(FormerUnit {
                old_code: row.required(path, "old_code")?,
                old_name: row.required(path, "old_name")?,
                old_district: row.text("old_district"),
                old_province: row.text("old_province"),
                share,
                new_code: row.required(path, "new_code")?,
                new_name: row.text("new_name"),
                point,
                position_precision,
                resolution: row.text("resolution"),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_links_provinces_and_rows_without_a_point_are_read() {
        let text = "old_code,old_name,old_district,old_province,new_code,new_name,share,lon,lat,position_precision,resolution\n\
                    1,Xã A,Huyện B,Tỉnh C,10,Xã D,part,105.1,21.2,approximate_geocoded,r\n\
                    1,Xã A,Huyện B,Tỉnh C,11,Xã E,part,,,,r\n";
        let units = parse_former_units(Path::new("f.csv"), text).unwrap();
        assert_eq!((units[0].share, units[0].old_province.as_str()), (Share::Part, "Tỉnh C"));
        assert_eq!(units[0].point, Some([105.1, 21.2]));
        assert_eq!((units[1].point, units[1].position_precision), (None, None));
        let half = text.replace(",,,,r", ",105.1,,,r");
        assert!(parse_former_units(Path::new("f.csv"), &half).unwrap_err().to_string().contains("line 3"));
        let bad = text.replace("part,,", "half,,");
        assert!(parse_former_units(Path::new("f.csv"), &bad).unwrap_err().to_string().contains("\"half\""));
    }

    #[test]
    fn a_file_without_the_points_columns_loads_without_points() {
        let text = "old_code,old_name,old_district,new_code,new_name,resolution\n1,Xã A,Huyện B,10,Xã D,r\n";
        let units = parse_former_units(Path::new("f.csv"), text).unwrap();
        assert_eq!((units[0].point, units[0].position_precision, units[0].share), (None, None, Share::Whole));
    }
}
