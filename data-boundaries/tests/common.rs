//! Paths to the shared data beside the repository (never copied into it).
#![allow(dead_code)]

use std::path::PathBuf;

pub fn shared() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared")
}

pub fn hue() -> PathBuf {
    shared().join("data/hue")
}
