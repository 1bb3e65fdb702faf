//! A planet-like PMTiles archive served by HTTP byte ranges, for timing
//! `hue-map basemap extract` (`scripts/extract-bench.sh`): every tile of the world to z8,
//! and z9-z15 over central Vietnam around Huế, each tile 2-30 KB of incompressible bytes (as
//! gzip MVT tiles are), about 1.2 GB in all. Written once (kept between runs), then served by
//! tower-http's `ServeFile` until killed.
//!
//! Usage: cargo run --release -p e2e --example planet_like -- FOLDER PORT

use std::path::Path;

use axum::serve::ListenerExt;
use axum::Router;
use pmtiles::{Compression, PmTilesWriter, TileCoord, TileId, TileType};
use tower_http::services::ServeFile;

/// Central Vietnam, wider than Huế and its margin.
const REGION: [f64; 4] = [106.5, 15.5, 108.8, 17.3];
const REGION_ZOOMS: std::ops::RangeInclusive<u8> = 9..=15;
const WORLD_MAX_ZOOM: u8 = 8;

fn tile_of(lon: f64, lat: f64, z: u8) -> (u32, u32) {
    let n = f64::from(1u32 << z);
    let r = lat.to_radians();
    let x = (lon + 180.0) / 360.0 * n;
    let y = (1.0 - (r.tan() + 1.0 / r.cos()).ln() / std::f64::consts::PI) / 2.0 * n;
    (x as u32, y as u32)
}

/// xorshift64*: the same bytes every run, and no two tiles alike.
fn tile_bytes(id: u64) -> Vec<u8> {
    let mut state = id.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut next = || {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        state.wrapping_mul(0x2545_F491_4F6C_DD1D)
    };
    let length = 2_000 + (next() % 28_000) as usize;
    (0..length.div_ceil(8)).flat_map(|_| next().to_le_bytes()).take(length).collect()
}

fn write(path: &Path) {
    let mut ids: Vec<u64> = Vec::new();
    for z in 0..=WORLD_MAX_ZOOM {
        for x in 0..(1u32 << z) {
            for y in 0..(1u32 << z) {
                ids.push(TileId::from(TileCoord::new(z, x, y).unwrap()).value());
            }
        }
    }
    for z in REGION_ZOOMS {
        let (x0, y0) = tile_of(REGION[0], REGION[3], z);
        let (x1, y1) = tile_of(REGION[2], REGION[1], z);
        for x in x0..=x1 {
            for y in y0..=y1 {
                ids.push(TileId::from(TileCoord::new(z, x, y).unwrap()).value());
            }
        }
    }
    ids.sort_unstable();
    let part = path.with_extension("part");
    let file = std::io::BufWriter::new(std::fs::File::create(&part).unwrap());
    let mut writer = PmTilesWriter::new(TileType::Mvt)
        .precompressed(Compression::Gzip)
        .max_zoom(*REGION_ZOOMS.end())
        .metadata(r#"{"name":"planet-like benchmark archive","vector_layers":[]}"#)
        .create(file)
        .unwrap();
    for id in &ids {
        writer.add_tile(TileCoord::from(TileId::new(*id).unwrap()), &tile_bytes(*id)).unwrap();
    }
    writer.finalize().unwrap();
    std::fs::rename(&part, path).unwrap();
    eprintln!("wrote {} tiles to {}", ids.len(), path.display());
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (folder, port) = match args.as_slice() {
        [_, folder, port] => (Path::new(folder).to_path_buf(), port.parse::<u16>().expect("a port")),
        _ => panic!("usage: planet_like FOLDER PORT"),
    };
    let path = folder.join("planet-like.pmtiles");
    if !path.exists() {
        write(&path);
    }
    let app = Router::new().route_service("/planet.pmtiles", ServeFile::new(&path));
    // TCP_NODELAY, as a CDN sets it: without it, Nagle's algorithm and delayed ACKs hold each
    // answer on a kept-alive connection for 40 ms, and the benchmark would time that.
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await.unwrap().tap_io(|tcp| {
        let _ = tcp.set_nodelay(true);
    });
    println!(
        "serving {} ({} bytes) at http://127.0.0.1:{port}/planet.pmtiles",
        path.display(),
        path.metadata().unwrap().len()
    );
    axum::serve(listener, app).await.unwrap();
}
