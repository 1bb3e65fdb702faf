//! One module per endpoint family; a URL's code is found from its first path segment.

pub mod communes;
pub mod health;
pub mod locate;
pub mod nearest;
pub mod offices;
pub mod quality;
pub mod tiles;
pub mod search;
pub mod export;
pub mod admin;
pub mod assets;
pub mod convert;
pub mod former_units;
pub mod ogc;
