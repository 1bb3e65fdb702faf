//! `hue-map basemap extract` against a planet-like archive: a sparse PMTiles archive written
//! here with tiles all over the world (every tile to z5, a block around Hà Nội, Huế and the
//! ring of tiles just outside the area asked for), served over HTTP with byte ranges by
//! tower-http's `ServeFile`, behind a layer that fails some requests (a 503, or an answer cut
//! off mid-body) as a CDN and a mobile link sometimes do. The extract must copy exactly the
//! tiles that touch the area, byte for byte, read a small part of the archive to do it, and
//! say clearly when the URL is not an archive or its server does not answer ranges.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use axum::body::Body;
use axum::extract::Request;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::serve::ListenerExt;
use axum::Router;
use e2e::{Server, Value};
use pmtiles::{AsyncPmTilesReader, Compression, PmTilesWriter, TileCoord, TileType};
use tower_http::services::ServeFile;

/// The area asked for: the middle of Huế.
const BBOX: [f64; 4] = [107.55, 16.42, 107.62, 16.49];
const MAX_ZOOM: u8 = 15;

/// A tile's west, south, east and north edges in degrees (the inverse of what the extract
/// computes, so the two are checked against each other).
fn tile_bounds(z: u8, x: u32, y: u32) -> [f64; 4] {
    let n = f64::from(1u32 << z);
    let lon = |x: f64| x / n * 360.0 - 180.0;
    let lat = |y: f64| (std::f64::consts::PI * (1.0 - 2.0 * y / n)).sinh().atan().to_degrees();
    [lon(f64::from(x)), lat(f64::from(y + 1)), lon(f64::from(x + 1)), lat(f64::from(y))]
}

fn touches(tile: [f64; 4], area: [f64; 4]) -> bool {
    tile[0] <= area[2] && area[0] <= tile[2] && tile[1] <= area[3] && area[1] <= tile[3]
}

/// The tiles around (lon, lat) at zoom z, `radius` tiles each way.
fn block(lon: f64, lat: f64, z: u8, radius: i64) -> Vec<(u8, u32, u32)> {
    let n = 1i64 << z;
    let x = ((lon + 180.0) / 360.0 * n as f64) as i64;
    let r = lat.to_radians();
    let y = ((1.0 - (r.tan() + 1.0 / r.cos()).ln() / std::f64::consts::PI) / 2.0 * n as f64) as i64;
    let mut tiles = Vec::new();
    for dx in -radius..=radius {
        for dy in -radius..=radius {
            let (tx, ty) = (x + dx, y + dy);
            if (0..n).contains(&tx) && (0..n).contains(&ty) {
                tiles.push((z, tx as u32, ty as u32));
            }
        }
    }
    tiles
}

/// Writes the planet-like archive and returns its tiles' gzip bytes by (z, x, y).
fn write_planet(path: &Path) -> Tiles {
    let mut tiles = BTreeMap::new();
    let mut add = |z: u8, x: u32, y: u32| {
        // Some kilobytes each, different per tile, so that reading the whole archive would show.
        let text = format!("tile {z}/{x}/{y} ").repeat(200);
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        std::io::Write::write_all(&mut gz, text.as_bytes()).unwrap();
        tiles.insert((z, x, y), gz.finish().unwrap());
    };
    for z in 0..=5u8 {
        for x in 0..(1u32 << z) {
            for y in 0..(1u32 << z) {
                add(z, x, y);
            }
        }
    }
    for z in 6..=MAX_ZOOM {
        let radius = if z >= 12 { 6 } else { 2 };
        for (z, x, y) in block(105.85, 21.03, z, radius).into_iter().chain(block(107.585, 16.455, z, radius)) {
            add(z, x, y);
        }
    }
    let mut ordered: Vec<_> =
        tiles.iter().map(|(&(z, x, y), bytes)| (TileCoord::new(z, x, y).unwrap(), bytes)).collect();
    ordered.sort_by_key(|(coord, _)| pmtiles::TileId::from(*coord).value());
    let file = std::fs::File::create(path).unwrap();
    let mut writer = PmTilesWriter::new(TileType::Mvt)
        .precompressed(Compression::Gzip)
        .max_zoom(MAX_ZOOM)
        .metadata(r#"{"name":"planet-like test archive","vector_layers":[]}"#)
        .create(file)
        .unwrap();
    for (coord, bytes) in ordered {
        writer.add_tile(coord, bytes).unwrap();
    }
    writer.finalize().unwrap();
    tiles
}

/// What the range server saw: the ranges asked for, to fail each at most once.
#[derive(Default)]
struct Served {
    ranges: std::sync::Mutex<std::collections::HashSet<String>>,
    requests: AtomicU64,
    failed: AtomicU64,
}

/// The first request for every fifth new range is answered 503; for every seventh it is cut
/// off halfway through its body. A range asked for again is answered, so the extract's
/// retries always succeed, however the machine's load interleaves the reads.
async fn unreliable(served: Arc<Served>, request: Request, next: Next) -> Response {
    let range = request.headers().get("range").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    if !served.ranges.lock().unwrap().insert(range) {
        return next.run(request).await;
    }
    let n = served.requests.fetch_add(1, Ordering::Relaxed) + 1;
    if n.is_multiple_of(5) {
        served.failed.fetch_add(1, Ordering::Relaxed);
        return (axum::http::StatusCode::SERVICE_UNAVAILABLE, "busy").into_response();
    }
    let response = next.run(request).await;
    if !n.is_multiple_of(7) {
        return response;
    }
    served.failed.fetch_add(1, Ordering::Relaxed);
    let (parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX).await.unwrap();
    let half = bytes.slice(..bytes.len() / 2);
    let cut = futures_util::stream::iter([Ok(half), Err(std::io::Error::other("connection dropped"))]);
    Response::from_parts(parts, Body::from_stream(cut))
}

/// Serves `file` at `/planet.pmtiles` on loopback until the test ends; `ranges` false answers
/// every request with the whole file, as a server without range support does.
fn serve(file: PathBuf, ranges: bool, served: Arc<Served>) -> SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let address = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async move {
            let app = if ranges {
                Router::new()
                    .route_service("/planet.pmtiles", ServeFile::new(&file))
                    .layer(middleware::from_fn(move |r, n| unreliable(served.clone(), r, n)))
            } else {
                let bytes = std::fs::read(&file).unwrap();
                Router::new().route("/planet.pmtiles", axum::routing::get(move || async move { bytes.clone() }))
            };
            // TCP_NODELAY, as real servers set it (else each kept-alive answer waits 40 ms).
            let listener = tokio::net::TcpListener::from_std(listener).unwrap().tap_io(|tcp| {
                let _ = tcp.set_nodelay(true);
            });
            axum::serve(listener, app).await.unwrap();
        });
    });
    address
}

fn extract(from: &str, out: &Path) -> std::process::Output {
    let bbox = BBOX.map(|v| v.to_string()).join(",");
    e2e::run(&["basemap", "extract", "--from", from, "--bbox", &bbox, "--maxzoom", "15", out.to_str().unwrap()])
}

/// What an archive's header says: tile type, compression, deepest zoom, west, north.
type HeaderFacts = (TileType, Compression, u8, f64, f64);
/// Tiles by (z, x, y), as stored (gzip).
type Tiles = BTreeMap<(u8, u32, u32), Vec<u8>>;

/// The archive's header facts and which of `candidates` (the planet's tiles: no archive cut
/// from it can hold others) it holds, with their bytes.
fn read_archive(path: &Path, candidates: &Tiles) -> (HeaderFacts, Tiles) {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let reader = AsyncPmTilesReader::new_with_path(path).await.unwrap();
        let h = reader.get_header();
        let header = (h.tile_type, h.tile_compression, h.max_zoom, h.min_longitude, h.max_latitude);
        let mut tiles = BTreeMap::new();
        for &(z, x, y) in candidates.keys() {
            if let Some(bytes) = reader.get_tile(TileCoord::new(z, x, y).unwrap()).await.unwrap() {
                tiles.insert((z, x, y), bytes.to_vec());
            }
        }
        (header, tiles)
    })
}

#[test]
fn an_extract_over_http_copies_exactly_the_area_and_reads_little_of_the_planet() {
    let folder = tempfile::tempdir().unwrap();
    let planet = folder.path().join("planet.pmtiles");
    let tiles = write_planet(&planet);
    let planet_size = std::fs::metadata(&planet).unwrap().len();
    let served = Arc::new(Served::default());
    let address = serve(planet.clone(), true, served.clone());
    let out = folder.path().join("basemap.pmtiles");

    let run = extract(&format!("http://{address}/planet.pmtiles"), &out);
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(run.status.success(), "{stdout}{}", String::from_utf8_lossy(&run.stderr));
    assert!(!folder.path().join("basemap.pmtiles.part").exists(), "the partial file is renamed into place");

    // Exactly the planet's tiles that touch the area, byte for byte.
    let expected: BTreeMap<_, _> = tiles
        .iter()
        .filter(|(&(z, x, y), _)| touches(tile_bounds(z, x, y), BBOX))
        .map(|(k, v)| (*k, v.clone()))
        .collect();
    let outside = tiles.len() - expected.len();
    assert!(
        outside > 1000 && expected.len() > 100,
        "the planet has {outside} tiles outside the area, {} in it",
        expected.len()
    );
    let (header, copied) = read_archive(&out, &tiles);
    assert_eq!(copied.len(), expected.len(), "tiles copied");
    assert!(copied == expected, "the copied tiles are the area's, byte for byte");
    let (tile_type, compression, max_zoom, west, north) = header;
    assert_eq!((tile_type, compression, max_zoom), (TileType::Mvt, Compression::Gzip, MAX_ZOOM));
    assert!((west - BBOX[0]).abs() < 1e-6 && (north - BBOX[3]).abs() < 1e-6, "bounds {west}, {north}");

    // It read a small part of the planet, retried what failed, and says what it fetched.
    let fetched: u64 = stdout
        .lines()
        .find_map(|l| l.strip_prefix("fetched ")?.split(' ').next()?.parse().ok())
        .unwrap_or_else(|| panic!("no 'fetched' line in {stdout}"));
    let served_bytes: u64 = expected.values().map(|t| t.len() as u64).sum();
    assert!(fetched >= served_bytes && fetched < planet_size / 4, "fetched {fetched} of {planet_size} bytes");
    assert!(served.failed.load(Ordering::Relaxed) > 0, "the server failed some requests, which were retried");
    assert!(stdout.contains(&format!("wrote {} tiles", expected.len())), "{stdout}");

    // A local file gives the same archive's tiles.
    let from_file = folder.path().join("from-file.pmtiles");
    let run = extract(planet.to_str().unwrap(), &from_file);
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    assert!(read_archive(&from_file, &tiles).1 == expected);

    // And the server serves it as the basemap.
    let server = Server::start_with(
        &["--data", testkit::reference_data_dir().to_str().unwrap(), "--basemap", out.to_str().unwrap()],
        &[],
    );
    let tilejson: Value = server.get("/basemap.json").json;
    assert_eq!(tilejson["maxzoom"], 15, "{tilejson}");
    let (&(z, x, y), bytes) = expected.iter().last().unwrap();
    let tile = server
        .client
        .get(server.url(&format!("/basemap/{z}/{x}/{y}.mvt")))
        .header("accept-encoding", "gzip")
        .send()
        .unwrap();
    assert_eq!(tile.status(), 200);
    assert_eq!(tile.bytes().unwrap().to_vec(), *bytes);
}

#[test]
fn a_url_that_is_no_archive_or_ignores_ranges_is_refused_clearly() {
    let folder = tempfile::tempdir().unwrap();
    let out = folder.path().join("basemap.pmtiles");

    let not_an_archive = folder.path().join("page.html");
    std::fs::write(&not_an_archive, "<!doctype html><title>Not found</title>".repeat(500)).unwrap();
    let address = serve(not_an_archive, true, Arc::new(Served::default()));
    let run = extract(&format!("http://{address}/planet.pmtiles"), &out);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(!run.status.success());
    assert!(stderr.contains("not a PMTiles v3 archive"), "{stderr}");
    assert!(!out.exists() && !folder.path().join("basemap.pmtiles.part").exists());

    let planet = folder.path().join("planet.pmtiles");
    write_planet(&planet);
    let address = serve(planet, false, Arc::new(Served::default()));
    let run = extract(&format!("http://{address}/planet.pmtiles"), &out);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(!run.status.success());
    assert!(stderr.contains("does not answer byte ranges"), "{stderr}");

    let nowhere = extract("http://127.0.0.1:9/planet.pmtiles", &out);
    assert!(!nowhere.status.success());
    let bad_bbox = e2e::run(&["basemap", "extract", "--from", "x.pmtiles", "--bbox", "108,16,107,17", "out.pmtiles"]);
    assert!(String::from_utf8_lossy(&bad_bbox.stderr).contains("--bbox must be west,south,east,north"));
    // West of Greenwich the bbox starts with a minus, and is still a bbox, not a flag.
    let west = e2e::run(&["basemap", "extract", "--from", "missing.pmtiles", "--bbox", "-80,10,-70,20", "out.pmtiles"]);
    let stderr = String::from_utf8_lossy(&west.stderr);
    assert!(
        !west.status.success() && stderr.contains("missing.pmtiles") && !stderr.contains("unexpected argument"),
        "{stderr}"
    );

    // The whole world to z15 is no extract: refused before anything is read or held.
    let planet_path = folder.path().join("planet.pmtiles");
    let world = e2e::run(&[
        "basemap",
        "extract",
        "--from",
        planet_path.to_str().unwrap(),
        "--bbox=-180,-85,180,85",
        "--maxzoom",
        "15",
        out.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&world.stderr);
    assert!(!world.status.success() && stderr.contains("tile positions, more than"), "{stderr}");
    assert!(!out.exists() && !folder.path().join("basemap.pmtiles.part").exists(), "nothing is left behind");
}
