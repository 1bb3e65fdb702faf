//! One module per endpoint family; a URL's code is found from its first path segment.

pub mod admin;
pub mod assets;
pub mod communes;
pub mod convert;
pub mod export;
pub mod former_units;
pub mod health;
pub mod locate;
pub mod nearest;
pub mod offices;
pub mod ogc;
pub mod quality;
pub mod search;
pub mod tiles;
