//! Builds the Huế pyramid and prints its figures: `cargo run --release -p tiles --example pyramid`.
fn main() {
    tracing_subscriber::fmt().with_env_filter("info").init();
    let started = std::time::Instant::now();
    let data = data_boundaries::Dataset::load(&testkit::reference_data_dir()).expect("reference data");
    let load = started.elapsed();
    let source = tiles::TileSource::new(&data);
    let prepared = started.elapsed() - load;
    let store = tiles::TileStore::build(source, 14, 0);
    println!(
        "load {load:?}, topology and simplification {prepared:?}, pyramid {:.2} s, {} tiles",
        store.stats.seconds, store.stats.tiles
    );
    for (z, n, avg) in &store.stats.per_zoom {
        println!("z{z}: {n} tiles, average {avg} bytes raw");
    }
}
