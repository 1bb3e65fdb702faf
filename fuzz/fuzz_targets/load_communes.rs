#![no_main]
//! Arbitrary bytes as communes.geojson: loader, validation and index must never panic.
libfuzzer_sys::fuzz_target!(|data: &[u8]| data_boundaries::fuzzing::load_communes(data));
