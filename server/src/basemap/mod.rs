//! What the map draws under our layers: a street basemap archive we serve (`archive`,
//! `--basemap`), or a hosted style the page merges (`hosted_style`, `--basemap-style`); and
//! how a deployer gets such an archive, cut out of a larger one (`extract`, read over HTTP
//! by `remote`).

pub mod archive;
pub mod extract;
pub mod hosted_style;
pub mod landmarks;
mod remote;
