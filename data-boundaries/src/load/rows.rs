//! Shared CSV reading: strict column counts, header lookup by name, and typed field parsing
//! with messages that name the file, the line and the column.

use std::collections::HashMap;
use std::path::Path;

use crate::error::LoadError;
use crate::model::PositionPrecision;

/// A CSV file whose header has been checked against the columns a loader needs.
pub struct Table {
    columns: HashMap<String, usize>,
    records: Vec<(u64, csv::StringRecord)>,
}

impl Table {
    pub fn parse(path: &Path, text: &str, required: &[&str]) -> Result<Table, LoadError> {
        // The csv crate starts a record's line count at the `\n` of a `\r\n`, one line early:
        // with Unix endings every row is named by its real line (a spreadsheet's CRLF export too).
        let text = text.replace("\r\n", "\n");
        let mut reader = csv::ReaderBuilder::new().flexible(false).from_reader(text.as_bytes());
        let header = reader.headers().map_err(|e| csv_error(path, e))?.clone();
        let columns: HashMap<String, usize> =
            header.iter().enumerate().map(|(i, name)| (name.trim().to_string(), i)).collect();
        let missing: Vec<&str> = required.iter().copied().filter(|c| !columns.contains_key(*c)).collect();
        if !missing.is_empty() {
            return Err(LoadError::Row {
                path: path.to_path_buf(),
                line: 1,
                problem: format!("the header lacks column(s) {}", missing.join(", ")),
            });
        }
        let mut records = Vec::new();
        for record in reader.records() {
            let record = record.map_err(|e| csv_error(path, e))?;
            let line = record.position().map(|p| p.line()).unwrap_or(0);
            records.push((line, record));
        }
        Ok(Table { columns, records })
    }

    pub fn rows(&self) -> impl Iterator<Item = Row<'_>> {
        self.records.iter().map(move |(line, record)| Row { table: self, line: *line, record })
    }
}

pub struct Row<'a> {
    table: &'a Table,
    pub line: u64,
    record: &'a csv::StringRecord,
}

impl Row<'_> {
    /// The trimmed text of a column; empty when the column is absent.
    pub fn text(&self, column: &str) -> String {
        self.table
            .columns
            .get(column)
            .and_then(|&i| self.record.get(i))
            .map(|s| s.trim().to_string())
            .unwrap_or_default()
    }

    pub fn required(&self, path: &Path, column: &str) -> Result<String, LoadError> {
        let value = self.text(column);
        if value.is_empty() {
            return Err(self.problem(path, format!("column {column} is empty")));
        }
        Ok(value)
    }

    /// A finite coordinate within the WGS84 range for `column` (`lon` or `lat`).
    pub fn coordinate(&self, path: &Path, column: &str) -> Result<f64, LoadError> {
        let raw = self.required(path, column)?;
        let value: f64 = raw.parse().map_err(|_| self.problem(path, format!("{column} {raw:?} is not a number")))?;
        let limit = if column == "lat" { 90.0 } else { 180.0 };
        if !value.is_finite() || value.abs() > limit {
            return Err(self.problem(path, format!("{column} {raw} is outside [-{limit}, {limit}]")));
        }
        Ok(value)
    }

    pub fn precision(&self, path: &Path) -> Result<PositionPrecision, LoadError> {
        let raw = self.required(path, "position_precision")?;
        PositionPrecision::parse(&raw).ok_or_else(|| {
            let known: Vec<&str> = PositionPrecision::ALL.iter().map(|p| p.as_str()).collect();
            self.problem(path, format!("unknown position_precision {raw:?} (known: {})", known.join(", ")))
        })
    }

    pub fn problem(&self, path: &Path, problem: String) -> LoadError {
        LoadError::Row { path: path.to_path_buf(), line: self.line, problem }
    }
}

fn csv_error(path: &Path, error: csv::Error) -> LoadError {
    let line = error.position().map(|p| p.line()).unwrap_or(0);
    let problem = match error.kind() {
        csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
            format!("has {len} columns where the header has {expected_len}")
        }
        _ => error.to_string(),
    };
    LoadError::Row { path: path.to_path_buf(), line, problem }
}
