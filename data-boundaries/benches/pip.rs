//! Point-in-polygon and locate benchmarks (`cargo bench -p data-boundaries`).
//!
//! Protocol, after tg's docs/BENCHMARKS.md: for each of tg's five polygons, 10,000 points
//! drawn uniformly in the polygon's bounding box padded by 10% on every side; one iteration
//! tests all 10,000. In the same run we time our y-stripe index, tg itself (through tg-sys,
//! with its natural and y-stripes indexes), and `geo::Contains` with no index. Then a Huế
//! `locate` over random points in the city's bounding box, and a 5-nearest-office query.
//! Results and the machine are recorded in BENCHMARKS.md.
#![allow(unsafe_code)] // tg is C: its FFI calls are the only unsafe code in the workspace

use std::ffi::CString;
use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use data_boundaries::pip::{IndexedPolygon, Position};
use data_boundaries::Dataset;
use geo::{Contains, Point, Polygon};

/// A small deterministic generator so every run draws the same points (no extra crate).
struct SplitMix(u64);
impl SplitMix {
    fn next_f64(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn random_points(bounds: [f64; 4], pad: f64, n: usize, seed: u64) -> Vec<(f64, f64)> {
    let [x0, y0, x1, y1] = bounds;
    let (w, h) = (x1 - x0, y1 - y0);
    let (x0, y0, w, h) = (x0 - w * pad, y0 - h * pad, w * (1.0 + 2.0 * pad), h * (1.0 + 2.0 * pad));
    let mut rng = SplitMix(seed);
    (0..n).map(|_| (x0 + rng.next_f64() * w, y0 + rng.next_f64() * h)).collect()
}

struct TgGeom(*mut tg_sys::tg_geom);
impl TgGeom {
    fn parse(geojson: &str, index: tg_sys::tg_index) -> TgGeom {
        let text = CString::new(geojson).unwrap();
        // SAFETY: tg copies what it needs from the NUL-terminated string.
        let geom = unsafe { tg_sys::GeometryParsing::tg_parse_geojson_ix(text.as_ptr(), index) };
        assert!(!geom.is_null());
        // SAFETY: geom is non-null and was just returned by tg.
        assert!(unsafe { tg_sys::GeometryParsing::tg_geom_error(geom) }.is_null(), "tg could not parse the shape");
        TgGeom(geom)
    }
    fn intersects(&self, x: f64, y: f64) -> bool {
        // SAFETY: self.0 is a valid geometry until drop.
        unsafe { tg_sys::GeometryPredicates::tg_geom_intersects_xy(self.0, x, y) }
    }
}
impl Drop for TgGeom {
    fn drop(&mut self) {
        // SAFETY: freed once, here.
        unsafe { tg_sys::GeometryConstructors::tg_geom_free(self.0) }
    }
}

fn bench_tg_shapes(c: &mut Criterion) {
    for name in ["br", "tx", "az", "bc", "ri"] {
        let path = testkit::shared_dir().join(format!("external/tg-relations/shapes/{name}.geojson"));
        let text = std::fs::read_to_string(&path).unwrap();
        let feature: geojson::Feature = text.parse().unwrap();
        let geometry_json = feature.geometry.as_ref().unwrap().to_string();
        let polygon: Polygon<f64> = Polygon::try_from(feature.geometry.unwrap().value).unwrap();
        let ours = IndexedPolygon::new(&polygon);
        let points = random_points(ours.bounds(), 0.10, 10_000, 20250701);
        let tg_natural = TgGeom::parse(&geometry_json, tg_sys::tg_index::TG_NATURAL);
        let tg_ystripes = TgGeom::parse(&geometry_json, tg_sys::tg_index::TG_YSTRIPES);

        let mut group = c.benchmark_group(format!("pip/{name}"));
        group.throughput(Throughput::Elements(points.len() as u64));
        group.warm_up_time(Duration::from_millis(500)).measurement_time(Duration::from_secs(2)).sample_size(20);
        group.bench_function("ours_ystripes", |b| {
            b.iter(|| points.iter().filter(|&&(x, y)| ours.position(x, y) != Position::Outside).count())
        });
        group.bench_function("tg_natural", |b| {
            b.iter(|| points.iter().filter(|&&(x, y)| tg_natural.intersects(x, y)).count())
        });
        group.bench_function("tg_ystripes", |b| {
            b.iter(|| points.iter().filter(|&&(x, y)| tg_ystripes.intersects(x, y)).count())
        });
        // geo::Contains has no index: O(vertices) per point, so fewer, longer samples.
        group.sample_size(10).measurement_time(Duration::from_secs(3));
        group.bench_function("geo_contains", |b| {
            b.iter(|| points.iter().filter(|&&(x, y)| polygon.contains(&Point::new(x, y))).count())
        });
        group.finish();
        black_box(&ours);
    }
}

fn bench_hue(c: &mut Criterion) {
    let data = Dataset::load(&testkit::reference_data_dir()).expect("reference data");
    let points = random_points(data.bounds(), 0.0, 10_000, 7);
    let mut group = c.benchmark_group("hue");
    group.throughput(Throughput::Elements(points.len() as u64));
    group.warm_up_time(Duration::from_millis(500)).measurement_time(Duration::from_secs(3)).sample_size(20);
    group.bench_function("locate", |b| {
        b.iter(|| points.iter().filter(|&&(x, y)| data.locate(x, y).commune.is_some()).count())
    });
    group.bench_function("nearest_5_offices", |b| {
        b.iter(|| points.iter().map(|&(x, y)| data.nearest_offices(x, y, 5, &[]).len()).sum::<usize>())
    });
    group.finish();
}

criterion_group!(benches, bench_tg_shapes, bench_hue);
criterion_main!(benches);
