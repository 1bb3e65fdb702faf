//! Entry points for the cargo-fuzz targets in `fuzz/` that exercise this crate's parsers,
//! shared with the corpus replay on stable, so a crash the fuzzer finds is replayed by
//! `cargo test` from the committed corpus. Each function feeds arbitrary bytes to one parser
//! and panics only when an invariant of ours is broken, which is what the fuzzer looks for.
//! Compiled only with the `fuzzing` feature: nothing here belongs in a production build.

use std::path::Path;

use crate::address::{AddressIndex, Status};
use crate::load::{decode_text, SourceFiles};
use crate::{Dataset, LoadError, Severity};

/// A tiny, valid communes file of our own making (two 0.1° squares sharing an edge, codes
/// "1" and "2"), so the CSV targets get past the communes and reach the row checks.
pub const SYNTHETIC_COMMUNES: &str = r#"{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"code":"1","name":"Một","full_name":"Phường Một","type":"phuong"},
 "geometry":{"type":"Polygon","coordinates":[[[107.0,16.0],[107.1,16.0],[107.1,16.1],[107.0,16.1],[107.0,16.0]]]}},
{"type":"Feature","properties":{"code":"2","name":"Hai","full_name":"Xã Hai","type":"xa"},
 "geometry":{"type":"Polygon","coordinates":[[[107.1,16.0],[107.2,16.0],[107.2,16.1],[107.1,16.1],[107.1,16.0]]]}}]}"#;

/// A load error must name the file it came from; a loaded dataset must answer locate
/// inside its own bounds without panicking.
fn check_loaded(result: Result<Dataset, LoadError>, file: &str) {
    match result {
        Err(error) => {
            let message = error.to_string();
            assert!(message.contains(file), "error does not name {file}: {message}");
        }
        Ok(data) => {
            let [west, south, east, north] = data.bounds();
            for (fx, fy) in [(0.5, 0.5), (0.0, 0.0), (1.0, 1.0), (0.25, 0.75)] {
                let (lon, lat) = (west + (east - west) * fx, south + (north - south) * fy);
                if lon.is_finite() && lat.is_finite() {
                    let location = data.locate(lon, lat);
                    if let Some(found) = location.commune {
                        assert!(found < data.communes.len());
                    }
                    let _ = data.nearest_commune(lon, lat);
                }
            }
            let _ = data.report.count(Severity::Fatal);
        }
    }
}

/// Arbitrary bytes as `communes.geojson`: either refused with a message naming the file, or
/// loaded into a dataset that can locate points inside its own bounds.
pub fn load_communes(bytes: &[u8]) {
    let path = Path::new("fuzz/communes.geojson");
    let text = match decode_text(path, bytes.to_vec()) {
        Ok(text) => text,
        Err(error) => return assert!(error.to_string().contains("communes.geojson")),
    };
    let sources = SourceFiles { communes: (path.to_path_buf(), text), offices: None, former_units: None };
    check_loaded(Dataset::from_sources(sources), "communes.geojson");
}

/// Arbitrary bytes as `offices.csv` (first byte even) or `former_units.csv` (odd), beside
/// [`SYNTHETIC_COMMUNES`], with the invariants of [`load_communes`]. Empty input is skipped.
pub fn load_csv(bytes: &[u8]) {
    let Some((&selector, rest)) = bytes.split_first() else { return };
    let name = if selector % 2 == 0 { "offices.csv" } else { "former_units.csv" };
    let path = Path::new("fuzz").join(name);
    let text = match decode_text(&path, rest.to_vec()) {
        Ok(text) => text,
        Err(error) => return assert!(error.to_string().contains(name)),
    };
    let csv = Some((path, text));
    let (offices, former_units) = if selector % 2 == 0 { (csv, None) } else { (None, csv) };
    let sources = SourceFiles {
        communes: ("fuzz/communes.geojson".into(), SYNTHETIC_COMMUNES.to_string()),
        offices,
        former_units,
    };
    check_loaded(Dataset::from_sources(sources), name);
}

/// Arbitrary text (bytes that are not UTF-8 are skipped) through the old-address parser of
/// `index`, built from `data`: a match has a new unit and an address that ends in the new
/// city; an ambiguous answer lists at least two units; "not recognised" never guesses.
pub fn address(data: &Dataset, index: &AddressIndex, bytes: &[u8]) {
    let Ok(text) = std::str::from_utf8(bytes) else { return };
    let conversion = index.convert(data, text);
    assert!((0.0..=1.0).contains(&conversion.confidence), "confidence {}", conversion.confidence);
    match conversion.status {
        Status::Matched => {
            let best = conversion.best.expect("a match has a best candidate");
            assert!(best.new_address.ends_with("Thành phố Huế"), "{}", best.new_address);
            assert!(best.new_commune < data.communes.len());
        }
        Status::Ambiguous => assert!(conversion.alternatives.len() >= 2),
        Status::NotRecognised => assert!(conversion.best.is_none()),
        Status::Current => assert!(conversion.best.is_some_and(|b| b.former_unit.is_none())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_entry_points_accept_good_and_bad_input() {
        load_communes(SYNTHETIC_COMMUNES.as_bytes());
        load_communes(&SYNTHETIC_COMMUNES.as_bytes()[..100]);
        load_communes(b"\xff\xfe");
        load_communes(b"");
        load_csv(b"");
        load_csv(b"\x00id,kind,commune_code,name,address,lon,lat,position_precision,source\nseat-1,commune_seat,1,A,,107.05,16.05,geocoded,t\n");
        load_csv(b"\x01old_code,old_name\n1,x\n");
        load_csv(b"\x01\xff");
    }

    #[test]
    fn address_holds_on_a_synthetic_lineage() {
        let former = "old_code,old_name,old_district,new_code,new_name,lon,lat,position_precision,resolution\n\
                      10,Phường Vĩnh Ninh,Quận Thuận Hóa,1,Phường Một,107.05,16.05,approximate_geocoded,r\n\
                      11,Xã Vĩnh Ninh,Huyện A Lưới,2,Xã Hai,107.15,16.05,approximate_geocoded,r\n";
        let sources = SourceFiles {
            communes: ("communes.geojson".into(), SYNTHETIC_COMMUNES.to_string()),
            offices: None,
            former_units: Some(("former_units.csv".into(), former.to_string())),
        };
        let data = Dataset::from_sources(sources).unwrap();
        let index = AddressIndex::new(&data);
        for text in ["12 Lê Lợi, P. Vĩnh Ninh", "Vĩnh Ninh", "Hà Nội", "", "\u{0}"] {
            address(&data, &index, text.as_bytes());
        }
        address(&data, &index, b"\xff");
    }
}
