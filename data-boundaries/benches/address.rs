//! Old-address conversion and locate, Huế's dataset beside the country's, in one run
//! (`cargo bench -p data-boundaries --bench address`).
//!
//! The address set is made from each dataset's own lineage (`written_forms`: every former
//! unit in four written forms, with a street part): 40,140 addresses nationally, 532 for
//! Huế. One iteration converts a batch of 1,000 (what one POST may carry), one core. Locate
//! is timed on the seats' label points, each inside its unit, and on random points inside
//! units (uniform by area), so both datasets answer with a unit every time. Results and the machine are in BENCHMARKS.md.

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use data_boundaries::address::AddressIndex;
use data_boundaries::national_address::written_forms;
use data_boundaries::Dataset;

fn datasets() -> Vec<(&'static str, Dataset)> {
    let shared = testkit::shared_dir().join("data");
    vec![
        ("hue", Dataset::load(&shared.join("hue")).expect("Huế")),
        ("vietnam", Dataset::load(&shared.join("vietnam-2025")).expect("Vietnam")),
    ]
}

fn conversion_and_locate(c: &mut Criterion) {
    for (name, data) in datasets() {
        let index = AddressIndex::new(&data);
        let forms = written_forms(&data);
        // A batch of 1,000 spread over the whole set (Huế's 532 addresses, cycled).
        let step = (forms.len() / 1_000).max(1);
        let batch: Vec<&str> = (0..1_000).map(|i| forms[(i * step) % forms.len()].address.as_str()).collect();
        let mut group = c.benchmark_group(format!("convert/{name}"));
        group.throughput(Throughput::Elements(batch.len() as u64));
        group.measurement_time(Duration::from_secs(8));
        group.bench_function("batch of 1,000", |b| {
            b.iter(|| batch.iter().map(|a| index.convert(&data, black_box(a)).confidence).sum::<f64>())
        });
        group.finish();

        let label_points: Vec<(f64, f64)> = data.offices.iter().map(|o| (o.lon, o.lat)).collect();
        let inside_units = random_points_inside_units(&data, 10_000);
        let mut group = c.benchmark_group(format!("locate/{name}"));
        for (set, points) in [("seats' label points", &label_points), ("random points inside units", &inside_units)] {
            group.throughput(Throughput::Elements(points.len() as u64));
            group.bench_function(set, |b| {
                b.iter(|| {
                    points
                        .iter()
                        .filter(|&&(lon, lat)| data.locate(black_box(lon), black_box(lat)).commune.is_some())
                        .count()
                })
            });
        }
        group.finish();
    }
}

/// `n` points drawn uniformly over the dataset's box, keeping those inside a unit (so by
/// area: mostly rural communes, some on the borders' cells), the same on every run.
fn random_points_inside_units(data: &Dataset, n: usize) -> Vec<(f64, f64)> {
    let [west, south, east, north] = data.bounds();
    let mut state = 7u64;
    let mut next = move || {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    let mut points = Vec::with_capacity(n);
    while points.len() < n {
        let (lon, lat) = (west + next() * (east - west), south + next() * (north - south));
        if data.locate(lon, lat).commune.is_some() {
            points.push((lon, lat));
        }
    }
    points
}

criterion_group!(benches, conversion_and_locate);
criterion_main!(benches);
