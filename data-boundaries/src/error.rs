//! Why a dataset could not be loaded. Every variant names the file and, where there is one,
//! the feature or row, so that whoever maintains the data can go straight to the problem.
//!
//! The messages speak of files and their contents only, never of how a program was told where
//! the data is: a command line adds its own hint (its flag or environment variable).

use std::path::PathBuf;

use crate::validate::Finding;

/// A dataset that could not be read, parsed or accepted. The `Display` text is a complete
/// sentence for a maintainer of the data: it starts with the file (or folder) concerned.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The path given for the dataset is not a dataset: no such folder, not a folder, or a
    /// folder without `communes.geojson`.
    #[error(
        "no dataset at {path}: {reason}; a dataset is a folder holding communes.geojson or communes.geojson.gz (and optionally offices.csv and former_units.csv), or one communes GeoJSON file, gzipped or not"
    )]
    Missing {
        /// The folder that was looked at.
        path: PathBuf,
        /// What is wrong with it, in words ("the folder does not exist").
        reason: String,
    },

    /// The file exists but the operating system would not give us its bytes.
    #[error("{path}: cannot read the file: {source}")]
    Io {
        /// The file that could not be read.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },

    /// The file has no bytes, or only white space.
    #[error("{path}: the file is empty")]
    Empty {
        /// The empty file.
        path: PathBuf,
    },

    /// The file is not UTF-8 text.
    #[error("{path}: not valid UTF-8 (first bad byte at offset {offset})")]
    NotUtf8 {
        /// The file with the bad byte.
        path: PathBuf,
        /// Byte offset (from 0) of the first byte that is not valid UTF-8.
        offset: usize,
    },

    /// The GeoJSON file is not JSON at all (often a truncated download).
    #[error("{path}: not valid JSON at line {line}, column {column}: {message}")]
    Json {
        /// The file.
        path: PathBuf,
        /// 1-based line of the error, as the JSON parser reports it.
        line: usize,
        /// 1-based column of the error.
        column: usize,
        /// The JSON parser's description.
        message: String,
    },

    /// The file is well-formed but not shaped as expected (not a FeatureCollection, no
    /// features, an unreadable gzip stream).
    #[error("{path}: {message}")]
    Structure {
        /// The file.
        path: PathBuf,
        /// What is wrong with its structure.
        message: String,
    },

    /// One feature of the communes GeoJSON is unusable.
    #[error("{path}: feature #{index}{}: {problem}", code.as_ref().map(|c| format!(" (code {c})")).unwrap_or_default())]
    Feature {
        /// The GeoJSON file.
        path: PathBuf,
        /// 0-based position of the feature in the `features` array.
        index: usize,
        /// The feature's `code` property, when it has a readable one.
        code: Option<String>,
        /// What is wrong with the feature.
        problem: String,
    },

    /// One row (or the header) of a CSV file is unusable.
    #[error("{path}: line {line}: {problem}")]
    Row {
        /// The CSV file.
        path: PathBuf,
        /// 1-based line in the file; the header is line 1. 0 when the CSV reader gave none.
        line: u64,
        /// What is wrong with the row.
        problem: String,
    },

    /// Every file parsed, but validation found fatal problems; each is listed on its own line.
    #[error("dataset rejected with {} fatal finding(s):\n{}", findings.len(), findings.iter().map(|f| format!("  - {f}")).collect::<Vec<_>>().join("\n"))]
    Rejected {
        /// The fatal findings only (warnings are in the dataset's report when it loads).
        findings: Vec<Finding>,
    },
}
