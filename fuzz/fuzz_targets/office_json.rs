#![no_main]
//! Arbitrary bytes as the JSON body of a registry write (create or merge patch).
libfuzzer_sys::fuzz_target!(|data: &[u8]| registry::fuzzing::office_json(data));
