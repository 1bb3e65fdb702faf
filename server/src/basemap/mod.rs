//! What the map draws under our layers: a street basemap archive we serve (`archive`,
//! `--basemap`), or a hosted style the page merges (`hosted_style`, `--basemap-style`).

pub mod archive;
pub mod hosted_style;
