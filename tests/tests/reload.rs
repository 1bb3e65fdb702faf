//! Hot reload under load: locate requests run while the dataset is reloaded 20 times,
//! alternating between two valid datasets and a broken one. No request fails, and every answer
//! is exactly one of the two valid versions' answers, never a mix. The broken dataset is
//! refused and the previous one keeps serving.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

use e2e::Server;

const TOKEN: &str = "test-admin-token";
const POINTS: [(f64, f64); 3] = [(107.5794, 16.4668), (107.5774, 16.4565), (107.7026, 16.4015)];

fn copy_dataset(to: &Path, change: impl Fn(&str, String) -> String) {
    std::fs::create_dir_all(to).unwrap();
    for file in ["communes.geojson", "offices.csv", "former_units.csv"] {
        let text = std::fs::read_to_string(testkit::reference_data_dir().join(file)).unwrap();
        std::fs::write(to.join(file), change(file, text)).unwrap();
    }
}

/// Points `link` at `target` atomically (a new link renamed over the old one).
fn point_link(link: &Path, target: &Path) {
    let fresh = link.with_extension("new");
    let _ = std::fs::remove_file(&fresh);
    std::os::unix::fs::symlink(target, &fresh).unwrap();
    std::fs::rename(&fresh, link).unwrap();
}

fn locate(server: &Server, (lon, lat): (f64, f64)) -> Result<String, String> {
    let response = server
        .client
        .get(server.url(&format!("/api/v1/locate?lon={lon}&lat={lat}")))
        .send()
        .map_err(|e| e.to_string())?;
    let status = response.status();
    let text = response.text().map_err(|e| e.to_string())?;
    if status != 200 {
        return Err(format!("{status}: {text}"));
    }
    Ok(text)
}

fn reload(server: &Server) -> (u16, serde_json::Value) {
    let response = server.client.post(server.url("/admin/reload")).bearer_auth(TOKEN).send().unwrap();
    let status = response.status().as_u16();
    (status, response.json().unwrap_or_default())
}

#[test]
fn reloading_under_load_loses_nothing_and_never_mixes_versions() {
    let root: PathBuf = std::env::temp_dir().join(format!("hue-map-reload-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let (a, b, broken, current) = (root.join("a"), root.join("b"), root.join("broken"), root.join("current"));
    copy_dataset(&a, |_, text| text);
    // B moves every seat address: every locate answer differs between A and B.
    copy_dataset(
        &b,
        |file, text| if file == "offices.csv" { text.replace(", phường ", ", (B) phường ") } else { text },
    );
    copy_dataset(
        &broken,
        |file, text| if file == "communes.geojson" { text[..text.len() / 3].to_string() } else { text },
    );
    point_link(&current, &a);

    let server = Arc::new(Server::start_with(
        // The dataset file's offices, not a registry's: this test changes them by reloading.
        &["--data", current.to_str().unwrap(), "--pyramid-maxzoom", "8", "--store", "none"],
        &[("HUE_MAP_ADMIN_TOKEN", TOKEN)],
    ));
    // Without or with a wrong token, no reload.
    assert_eq!(server.client.post(server.url("/admin/reload")).send().unwrap().status(), 401);
    assert_eq!(server.client.post(server.url("/admin/reload")).bearer_auth("wrong").send().unwrap().status(), 403);

    let version_of =
        |server: &Server| server.get("/api/v1/quality").json["dataset_version"].as_str().unwrap().to_string();
    let version_a = version_of(&server);
    let answers_a: Vec<String> = POINTS.iter().map(|p| locate(&server, *p).unwrap()).collect();
    let etag_a = server.client.get(server.url("/tiles/8/204/115.mvt")).send().unwrap().headers()["etag"].clone();
    point_link(&current, &b);
    let (status, body) = reload(&server);
    assert_eq!(status, 200, "{body}");
    let version_b = body["dataset_version"].as_str().unwrap().to_string();
    assert_ne!(version_a, version_b);
    assert_eq!(version_of(&server), version_b, "/api/v1/quality follows the dataset version");
    let etag_b = server.client.get(server.url("/tiles/8/204/115.mvt")).send().unwrap().headers()["etag"].clone();
    // Tile ETags follow the tile's content: B changes only addresses, which tiles do not
    // carry, so this tile (and its cached copies) stay valid across the reload.
    assert_eq!(etag_a, etag_b, "tile ETags follow content, not the dataset version");
    let answers_b: Vec<String> = POINTS.iter().map(|p| locate(&server, *p).unwrap()).collect();
    assert!(answers_a.iter().zip(&answers_b).all(|(x, y)| x != y));

    let stop = Arc::new(AtomicBool::new(false));
    let (done, failed, mixed) =
        (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let workers: Vec<_> = (0..4)
        .map(|w| {
            let (server, stop, done, failed, mixed) =
                (server.clone(), stop.clone(), done.clone(), failed.clone(), mixed.clone());
            let (answers_a, answers_b) = (answers_a.clone(), answers_b.clone());
            std::thread::spawn(move || {
                let mut i = w;
                while !stop.load(Ordering::Relaxed) {
                    let point = i % POINTS.len();
                    match locate(&server, POINTS[point]) {
                        Ok(text) if text == answers_a[point] || text == answers_b[point] => {}
                        Ok(text) => {
                            eprintln!("mixed answer: {text}");
                            mixed.fetch_add(1, Ordering::Relaxed);
                        }
                        Err(error) => {
                            eprintln!("failed: {error}");
                            failed.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                    done.fetch_add(1, Ordering::Relaxed);
                    i += 1;
                }
            })
        })
        .collect();

    let mut refused = 0;
    for round in 0..20 {
        let (target, valid) = match round % 3 {
            0 => (&a, true),
            1 => (&broken, false),
            _ => (&b, true),
        };
        point_link(&current, target);
        let (status, body) = reload(&server);
        if valid {
            assert_eq!(status, 200, "round {round}: {body}");
        } else {
            assert_eq!(status, 422, "round {round}: {body}");
            assert!(body["detail"].as_str().unwrap().contains("communes.geojson"), "{body}");
            refused += 1;
            // The previous dataset is still served.
            assert!([version_a.as_str(), version_b.as_str()].contains(&version_of(&server).as_str()));
        }
    }
    stop.store(true, Ordering::Relaxed);
    for worker in workers {
        worker.join().unwrap();
    }
    let (done, failed, mixed) =
        (done.load(Ordering::Relaxed), failed.load(Ordering::Relaxed), mixed.load(Ordering::Relaxed));
    eprintln!("{done} requests during 20 reloads ({refused} refused): {failed} failed, {mixed} mixed");
    assert!(done > 100, "{done}");
    assert_eq!(failed, 0);
    assert_eq!(mixed, 0);
    let metrics = server.get("/metrics").text;
    assert!(metrics.contains("hue_map_last_reload_timestamp_seconds"));
    assert!(metrics.contains("http_requests_total{route=\"/api/v1/locate\""));
    drop(server);
    std::fs::remove_dir_all(&root).ok();
}

#[test]
fn sighup_reloads_too() {
    let server = Server::start();
    let before = server.get("/metrics").text;
    let stamp =
        |text: &str| text.lines().find(|l| l.starts_with("hue_map_last_reload_timestamp_seconds")).map(String::from);
    std::process::Command::new("kill").args(["-HUP", &server.pid().to_string()]).status().unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    loop {
        let now = server.get("/metrics").text;
        if stamp(&now) != stamp(&before) {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "no reload after SIGHUP");
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    assert_eq!(server.get("/healthz").status, 200);
}

#[test]
fn the_admin_endpoint_is_absent_without_a_token() {
    let server = Server::start();
    server
        .client
        .post(server.url("/admin/reload"))
        .bearer_auth("anything")
        .send()
        .map(|r| assert_eq!(r.status(), 404))
        .unwrap();
}
