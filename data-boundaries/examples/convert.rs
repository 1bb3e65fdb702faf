//! Converts addresses read from standard input, one per line, with a dataset:
//! `cargo run --release -p data-boundaries --example convert -- ../shared/data/vietnam-2025 < addresses.txt`.
//! A line may end with `|lon,lat`, the position the address is at.

use std::io::BufRead;

use data_boundaries::address::AddressIndex;
use data_boundaries::Dataset;

fn main() {
    let dir = std::env::args().nth(1).expect("usage: convert DATASET < addresses");
    let data = Dataset::load(std::path::Path::new(&dir)).expect("a usable dataset");
    let index = AddressIndex::new(&data);
    for line in std::io::stdin().lock().lines() {
        let line = line.expect("text");
        let (address, position) = match line.rsplit_once('|') {
            Some((address, at)) => {
                let (lon, lat) = at.split_once(',').expect("lon,lat");
                (address, Some([lon.trim().parse().expect("lon"), lat.trim().parse().expect("lat")]))
            }
            None => (line.as_str(), None),
        };
        let c = index.convert_at(&data, address, position);
        let answer = c.best.as_ref().map(|b| b.new_address.as_str()).unwrap_or("-");
        let alternatives: Vec<&str> = c.alternatives.iter().map(|a| a.new_address.as_str()).collect();
        println!("{address}\n  {:?} {answer} {alternatives:?}\n  {}", c.status, c.explanation);
    }
}
