//! Scale figures for BENCHMARKS.md: load-and-validate time, memory, and locate cost per query
//! for a dataset. `cargo run --release -p data-boundaries --example scale -- PATH [PATH...]`
//! (a dataset folder, or the national communes.geojson.gz).

use std::hint::black_box;
use std::time::Instant;

fn peak_rss_mib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
        })
        .map_or(0, |kib| kib / 1024)
}

fn main() {
    println!("| dataset | units | parts | load + validate | peak RSS | locate, random point in bbox | locate, point inside a unit |");
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for path in std::env::args().skip(1) {
        let started = Instant::now();
        let data = data_boundaries::Dataset::load(std::path::Path::new(&path)).expect("dataset loads");
        let load = started.elapsed();
        let [x0, y0, x1, y1] = data.bounds();
        // A fixed linear congruential sequence: the same points every run.
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        let mut next = || {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        let random: Vec<(f64, f64)> =
            (0..200_000).map(|_| (x0 + next() * (x1 - x0), y0 + next() * (y1 - y0))).collect();
        let inside: Vec<(f64, f64)> =
            random.iter().copied().filter(|&(x, y)| data.locate(x, y).commune.is_some()).take(100_000).collect();
        let time = |points: &[(f64, f64)]| {
            let started = Instant::now();
            for &(x, y) in points {
                black_box(data.locate(x, y));
            }
            started.elapsed().as_nanos() as f64 / points.len() as f64
        };
        let (random_ns, inside_ns) = (time(&random), time(&inside));
        println!(
            "| {path} | {} | {} | {:.1} s | {} MiB | {random_ns:.0} ns | {inside_ns:.0} ns |",
            data.communes.len(),
            data.part_count(),
            load.as_secs_f64(),
            peak_rss_mib()
        );
    }
}
