#![no_main]
//! Arbitrary bytes as a registry import file (CSV or GeoJSON, by the first byte).
libfuzzer_sys::fuzz_target!(|data: &[u8]| registry::fuzzing::import(data));
