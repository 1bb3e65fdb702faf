//! Huế's administrative units after the 1 July 2025 reform: the domain model, loaders,
//! validation and spatial index. No HTTP lives here, so another program can load, validate,
//! index and query the data without the server.
//!
//! ```no_run
//! use data_boundaries::Dataset;
//! let data = Dataset::load(std::path::Path::new("../shared/data/hue")).unwrap();
//! let here = data.locate(107.5794, 16.4668);
//! println!("{}", data.communes[here.commune.unwrap()].full_name); // Phường Phú Xuân
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod address;
mod address_words;
pub mod dataset;
pub mod error;
#[cfg(feature = "fuzzing")]
pub mod fuzzing;
pub mod geodesy;
pub mod grid;
pub mod index;
pub mod load;
pub mod model;
pub mod national_address;
pub mod pip;
pub mod polygon_validity;
pub mod search;
pub mod text;
pub mod validate;

pub use dataset::{Dataset, LoadStep, Location};
pub use error::LoadError;
pub use model::{
    Commune, FormerUnit, Office, OfficeKind, PositionPrecision, Province, Share, UnitType, POPULATION_CAVEAT,
};
pub use validate::{Finding, QualityReport, Severity};
