fn main() {
    tracing_subscriber::fmt().with_env_filter("debug").init();
    let t = std::time::Instant::now();
    let d = data_boundaries::Dataset::load(std::path::Path::new("../../shared/data/hue")).unwrap();
    eprintln!("{} communes in {:?}", d.communes.len(), t.elapsed());
}
