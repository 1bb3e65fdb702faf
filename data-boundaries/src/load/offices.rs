//! The offices CSV loader. Every office kind from the data README is accepted, with any
//! position precision; the precision is kept so that approximate points are never shown as
//! exact.

use std::path::Path;

use super::rows::Table;
use crate::error::LoadError;
use crate::model::{Office, OfficeKind};

const COLUMNS: [&str; 9] =
    ["id", "kind", "commune_code", "name", "address", "lon", "lat", "position_precision", "source"];

/// Parses `offices.csv` (columns `id, kind, commune_code, name, address, lon, lat,
/// position_precision, source`, in any order; extra columns are ignored), in file order.
/// `path` is only named in errors. Refuses a missing column, a row with the wrong number of
/// fields, an empty required field, an unknown kind or precision, and a coordinate that is
/// not a finite WGS84 value, naming the line. Whether `commune_code` exists is for validation.
pub fn parse_offices(path: &Path, text: &str) -> Result<Vec<Office>, LoadError> {
    let table = Table::parse(path, text, &COLUMNS)?;
    table
        .rows()
        .map(|row| {
            let kind_text = row.required(path, "kind")?;
            let kind = OfficeKind::parse(&kind_text).ok_or_else(|| {
                let known: Vec<&str> = OfficeKind::ALL.iter().map(|k| k.as_str()).collect();
                row.problem(path, format!("unknown office kind {kind_text:?} (known: {})", known.join(", ")))
            })?;
            Ok(Office {
                id: row.required(path, "id")?,
                kind,
                commune_code: row.required(path, "commune_code")?,
                name: row.required(path, "name")?,
                address: row.text("address"),
                lon: row.coordinate(path, "lon")?,
                lat: row.coordinate(path, "lat")?,
                position_precision: row.precision(path)?,
                source: row.text("source"),
                opening_hours: None,
                phone: None,
                services: Vec::new(),
                notes: None,
                version: 0,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::PositionPrecision;

    const HEADER: &str = "id,kind,commune_code,name,address,lon,lat,position_precision,source\n";

    #[test]
    fn accepts_every_kind_and_precise_positions() {
        let text = format!(
            "{HEADER}a,public_service_agent,19753,Điểm A,\"1 Lê Lợi, Huế\",107.5,16.4,surveyed,x\n\
             b,post_office,19753,Bưu điện,,107.5,16.4,geocoded,x\nc,city_centre,19753,Trung tâm,,107.5,16.4,commune_label_point,x\n"
        );
        let offices = parse_offices(Path::new("o.csv"), &text).unwrap();
        assert_eq!(offices.len(), 3);
        assert_eq!(offices[0].address, "1 Lê Lợi, Huế");
        assert_eq!(offices[1].position_precision, PositionPrecision::Geocoded);
    }

    #[test]
    fn wrong_column_count_and_bad_numbers_name_the_line() {
        let short = format!("{HEADER}a,commune_seat,19753,A,addr,107.5\n");
        let message = parse_offices(Path::new("o.csv"), &short).unwrap_err().to_string();
        assert_eq!(message, "o.csv: line 2: has 6 columns where the header has 9");
        let bad = format!("{HEADER}a,commune_seat,19753,A,addr,east,16.4,surveyed,x\n");
        let message = parse_offices(Path::new("o.csv"), &bad).unwrap_err().to_string();
        assert_eq!(message, "o.csv: line 2: lon \"east\" is not a number");
        // A spreadsheet's CRLF export names the same line.
        let message = parse_offices(Path::new("o.csv"), &bad.replace('\n', "\r\n")).unwrap_err().to_string();
        assert_eq!(message, "o.csv: line 2: lon \"east\" is not a number");
        let unknown = format!("{HEADER}a,bank,19753,A,addr,107.5,16.4,surveyed,x\n");
        assert!(parse_offices(Path::new("o.csv"), &unknown)
            .unwrap_err()
            .to_string()
            .contains("unknown office kind \"bank\""));
    }
}
