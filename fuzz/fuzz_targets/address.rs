#![no_main]
//! Arbitrary text through the old-address parser, against the real Huế dataset.

use std::sync::OnceLock;

use data_boundaries::address::AddressIndex;
use data_boundaries::Dataset;

fn reference() -> &'static (Dataset, AddressIndex) {
    static DATA: OnceLock<(Dataset, AddressIndex)> = OnceLock::new();
    DATA.get_or_init(|| {
        let dir = std::env::var("HUE_MAP_DATA")
            .unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/data/hue").into());
        let data = Dataset::load(std::path::Path::new(&dir)).expect("the reference dataset loads");
        let index = AddressIndex::new(&data);
        (data, index)
    })
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let (dataset, index) = reference();
    data_boundaries::fuzzing::address(dataset, index, data);
});
