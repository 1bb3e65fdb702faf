//! Loaders for the dataset files. Each loader reads raw bytes, refuses empty, truncated or
//! non-UTF-8 input with a message naming the file and the feature or row, and returns plain
//! model values; cross-file checks live in [`crate::validate`].

mod communes;
mod former_units;
mod offices;
mod rows;

pub use communes::parse_communes;
pub use former_units::parse_former_units;
pub use offices::parse_offices;

use std::path::{Path, PathBuf};

use crate::error::LoadError;

/// The files of one dataset, read into memory: each as (the path that error messages name,
/// its text). Build one by hand to load data that is not on disk.
pub struct SourceFiles {
    /// The communes GeoJSON (a FeatureCollection); required.
    pub communes: (PathBuf, String),
    /// `offices.csv`, when the dataset has one.
    pub offices: Option<(PathBuf, String)>,
    /// `former_units.csv` (the lineage), when the dataset has one.
    pub former_units: Option<(PathBuf, String)>,
}

impl SourceFiles {
    /// Reads a dataset: a folder, or a single communes GeoJSON file (gzipped when its name
    /// ends in `.gz`, like the national dataset) with no offices or lineage.
    pub fn read(path: &Path) -> Result<SourceFiles, LoadError> {
        if path.is_file() {
            return SourceFiles::read_single_file(path);
        }
        SourceFiles::read_dir(path)
    }

    fn read_single_file(path: &Path) -> Result<SourceFiles, LoadError> {
        Ok(SourceFiles { communes: (path.to_path_buf(), read_maybe_gzipped(path)?), offices: None, former_units: None })
    }

    /// Reads a dataset folder. `communes.geojson` (or `communes.geojson.gz`, as the national
    /// dataset has it) is required; the two CSV files are optional, and their absence is
    /// reported by validation.
    pub fn read_dir(dir: &Path) -> Result<SourceFiles, LoadError> {
        if !dir.is_dir() {
            let reason = if dir.exists() { "it is not a folder" } else { "the folder does not exist" };
            return Err(LoadError::Missing { path: dir.to_path_buf(), reason: reason.into() });
        }
        let plain = dir.join("communes.geojson");
        let gzipped = dir.join("communes.geojson.gz");
        let communes_path = match (plain.is_file(), gzipped.is_file()) {
            (true, false) => plain,
            (false, true) => gzipped,
            (true, true) => {
                return Err(LoadError::Missing {
                    path: dir.to_path_buf(),
                    reason: "it holds both communes.geojson and communes.geojson.gz; which one is meant cannot be told"
                        .into(),
                })
            }
            (false, false) => {
                return Err(LoadError::Missing {
                    path: dir.to_path_buf(),
                    reason: "it holds no communes.geojson (nor communes.geojson.gz)".into(),
                })
            }
        };
        let optional = |name: &str| -> Result<Option<(PathBuf, String)>, LoadError> {
            let path = dir.join(name);
            if path.exists() {
                Ok(Some((path.clone(), read_text(&path)?)))
            } else {
                Ok(None)
            }
        };
        Ok(SourceFiles {
            communes: (communes_path.clone(), read_maybe_gzipped(&communes_path)?),
            offices: optional("offices.csv")?,
            former_units: optional("former_units.csv")?,
        })
    }

    /// A content hash of every file, so that a changed file gives a new dataset version.
    pub fn version(&self) -> String {
        use sha2::{Digest, Sha256};
        let mut hasher = Sha256::new();
        for (path, text) in std::iter::once(&self.communes).chain(&self.offices).chain(&self.former_units) {
            hasher.update(path.file_name().map(|n| n.as_encoded_bytes()).unwrap_or_default());
            hasher.update((text.len() as u64).to_le_bytes());
            hasher.update(text.as_bytes());
        }
        let digest = hasher.finalize();
        digest[..8].iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// Reads a whole file as UTF-8 text, gunzipping it first when its name ends in `.gz`.
fn read_maybe_gzipped(path: &Path) -> Result<String, LoadError> {
    if path.extension().is_none_or(|e| e != "gz") {
        return read_text(path);
    }
    let bytes = std::fs::read(path).map_err(|source| LoadError::Io { path: path.to_path_buf(), source })?;
    // gzip's trailer holds the decompressed size (mod 4 GiB): reserving it up front spares
    // read_to_end's doubling, which would briefly hold 1.5x the text.
    let size_hint = bytes
        .len()
        .checked_sub(4)
        .map_or(0, |at| u32::from_le_bytes(bytes[at..].try_into().unwrap_or_default()) as usize);
    let mut out = Vec::with_capacity(size_hint.min(1 << 30));
    std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(bytes.as_slice()), &mut out).map_err(|e| {
        LoadError::Structure { path: path.to_path_buf(), message: format!("not a readable gzip file: {e}") }
    })?;
    decode_text(path, out)
}

/// Reads a whole file as UTF-8 text, refusing empty files and invalid UTF-8 by name.
pub fn read_text(path: &Path) -> Result<String, LoadError> {
    let bytes = std::fs::read(path).map_err(|source| LoadError::Io { path: path.to_path_buf(), source })?;
    decode_text(path, bytes)
}

/// Checks raw bytes the way [`read_text`] does; exposed for loaders fed from memory.
pub fn decode_text(path: &Path, bytes: Vec<u8>) -> Result<String, LoadError> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(LoadError::Empty { path: path.to_path_buf() });
    }
    let text = String::from_utf8(bytes)
        .map_err(|e| LoadError::NotUtf8 { path: path.to_path_buf(), offset: e.utf8_error().valid_up_to() })?;
    // A byte-order mark is legal in CSV exports from spreadsheets; it is not part of a header.
    Ok(match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    })
}
