#![no_main]
//! Arbitrary query strings through every parameter accessor the handlers use.
libfuzzer_sys::fuzz_target!(|data: &[u8]| server::fuzzing::query_string(data));
