//! Opening hours: validation and evaluation of OpenStreetMap `opening_hours` expressions with
//! the `opening-hours` crate, so the registry accepts what OSM tools accept and can answer
//! "is it open at…?".
//!
//! Evaluation uses Huế's local time, UTC+7 all year (Vietnam has no daylight saving), the
//! crate's Vietnamese public-holiday calendar for `PH`, and the office's own coordinates for
//! `sunrise`/`sunset`.

use chrono::{DateTime, FixedOffset, Utc};
use opening_hours::localization::{Coordinates, Country, TzLocation};
use opening_hours::{Context, OpeningHours};

/// Huế's offset from UTC, in seconds (UTC+7, no daylight saving).
pub const HUE_UTC_OFFSET_SECONDS: i32 = 7 * 3600;

/// The longest expression accepted: OpenStreetMap's limit on a tag value.
pub const MAX_OPENING_HOURS_CHARS: usize = 255;

/// Checks an `opening_hours` expression, returning the parser's message when it is invalid.
pub fn check_opening_hours(text: &str) -> Result<(), String> {
    parse(text).map(|_| ())
}

/// Whether an office with these `opening_hours` at (`lon`, `lat`) is open at `at`.
///
/// An "unknown" state counts as not open. Errors carry the parser's message.
pub fn is_open_at(text: &str, lon: f64, lat: f64, at: DateTime<Utc>) -> Result<bool, String> {
    let hours = parse(text)?;
    let mut locale = TzLocation::new(HUE_OFFSET);
    if let Some(coords) = Coordinates::new(lat, lon) {
        locale = locale.with_coords(coords);
    }
    let context = Context::default().with_holidays(Country::VN.holidays()).with_locale(locale);
    Ok(hours.with_context(context).is_open(at.with_timezone(&HUE_OFFSET)))
}

fn parse(text: &str) -> Result<OpeningHours, String> {
    let chars = text.chars().count();
    if chars > MAX_OPENING_HOURS_CHARS {
        return Err(format!("{chars} characters; OpenStreetMap allows at most {MAX_OPENING_HOURS_CHARS}"));
    }
    text.parse::<OpeningHours>().map_err(|e| e.to_string())
}

/// Huế's offset, checked when compiling (7 h is inside `FixedOffset`'s ±24 h range).
pub const HUE_OFFSET: FixedOffset = match FixedOffset::east_opt(HUE_UTC_OFFSET_SECONDS) {
    Some(offset) => offset,
    None => panic!("UTC+7 is a valid offset"),
};

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn valid_and_invalid_expressions() {
        assert!(check_opening_hours("Mo-Fr 07:30-11:30,13:30-17:00; Sa 07:30-11:30; PH off").is_ok());
        assert!(check_opening_hours("24/7").is_ok());
        let message = check_opening_hours("Mo-Fr 25:00-26:99 banana").unwrap_err();
        assert!(!message.is_empty());
        assert!(check_opening_hours(&"Mo 08:00-09:00;".repeat(40)).is_err());
    }

    #[test]
    fn evaluation_uses_hue_local_time() {
        let hours = "Mo-Fr 07:30-17:00";
        // Monday 2025-07-07 08:00 in Huế is 01:00 UTC.
        assert!(is_open_at(hours, 107.58, 16.46, utc("2025-07-07T01:00:00Z")).unwrap());
        // 00:30 UTC is 07:30 local: just open; 00:29 UTC is not.
        assert!(is_open_at(hours, 107.58, 16.46, utc("2025-07-07T00:30:00Z")).unwrap());
        assert!(!is_open_at(hours, 107.58, 16.46, utc("2025-07-07T00:29:00Z")).unwrap());
        // Monday 18:00 local (11:00 UTC) is closed, and so is Saturday.
        assert!(!is_open_at(hours, 107.58, 16.46, utc("2025-07-07T11:00:00Z")).unwrap());
        assert!(!is_open_at(hours, 107.58, 16.46, utc("2025-07-12T03:00:00Z")).unwrap());
    }

    #[test]
    fn public_holidays_are_vietnams() {
        // 2 September (National Day) 2025 is a Tuesday.
        let hours = "Mo-Fr 07:30-17:00; PH off";
        assert!(!is_open_at(hours, 107.58, 16.46, utc("2025-09-02T03:00:00Z")).unwrap());
        assert!(is_open_at(hours, 107.58, 16.46, utc("2025-09-09T03:00:00Z")).unwrap());
    }
}
