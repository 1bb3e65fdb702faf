#![no_main]
//! Arbitrary bytes as offices.csv or former_units.csv beside a small valid communes file.
libfuzzer_sys::fuzz_target!(|data: &[u8]| data_boundaries::fuzzing::load_csv(data));
