//! Why a dataset could not be loaded. Every variant names the file and, where there is one,
//! the feature or row, so that whoever maintains the data can go straight to the problem.

use std::path::PathBuf;

use crate::validate::Finding;

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error(
        "no dataset at {path}: {reason}. Point --data (or HUE_MAP_DATA) at a folder holding communes.geojson, offices.csv and former_units.csv, such as ../shared/data/hue"
    )]
    Missing { path: PathBuf, reason: String },

    #[error("{path}: cannot read the file: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("{path}: the file is empty")]
    Empty { path: PathBuf },

    #[error("{path}: not valid UTF-8 (first bad byte at offset {offset})")]
    NotUtf8 { path: PathBuf, offset: usize },

    #[error("{path}: not valid JSON at line {line}, column {column}: {message}")]
    Json { path: PathBuf, line: usize, column: usize, message: String },

    #[error("{path}: {message}")]
    Structure { path: PathBuf, message: String },

    #[error("{path}: feature #{index}{}: {problem}", code.as_ref().map(|c| format!(" (code {c})")).unwrap_or_default())]
    Feature { path: PathBuf, index: usize, code: Option<String>, problem: String },

    #[error("{path}: line {line}: {problem}")]
    Row { path: PathBuf, line: u64, problem: String },

    #[error("dataset rejected with {} fatal finding(s):\n{}", findings.len(), findings.iter().map(|f| format!("  - {f}")).collect::<Vec<_>>().join("\n"))]
    Rejected { findings: Vec<Finding> },
}
