//! Protective limits: load shedding with 503 and Retry-After, configurable CORS, and the
//! header-read timeout that disconnects slow clients.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Command;
use std::time::{Duration, Instant};

use e2e::{json, Server};
use testkit::reference_data_dir;

/// A 10,000-point batch, as a phone sends it.
fn big_batch() -> Vec<u8> {
    let points: Vec<[f64; 2]> =
        (0..10_000).map(|i| [107.0 + (i % 100) as f64 * 0.012, 15.9 + (i / 100) as f64 * 0.009]).collect();
    serde_json::to_vec(&json!({ "points": points })).unwrap()
}

/// A cheap request that goes through shedding (`/healthz` does not: it answers before the
/// layers, so a load balancer never takes a busy replica for a dead one).
const PROBE: &str = "/tiles.json";

/// Holds the server's only request slot: a POST whose body is never finished until dropped.
/// A probe racing it for the slot can win, and then this request is the one shed (it is
/// answered once its body times out): try again with a new one until it holds the slot.
fn occupy(server: &Server) -> TcpStream {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let mut stream = TcpStream::connect(server.base.trim_start_matches("http://")).unwrap();
        write!(stream, "POST /api/v1/locate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{{").unwrap();
        stream.set_read_timeout(Some(Duration::from_millis(10))).unwrap();
        let mut answer = [0u8; 64];
        loop {
            assert!(Instant::now() < deadline, "the slow request never took the only slot");
            // The slot is ours once the server sheds everything else.
            if server.get(PROBE).status == 503 {
                stream.set_read_timeout(None).unwrap();
                return stream;
            }
            match stream.read(&mut answer) {
                Ok(_) => break, // answered (shed) or closed: this one lost the race
                Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {}
                Err(_) => break,
            }
        }
    }
}

/// Sends `body` in 32 KB pieces, pausing between them like a phone on a slow link, and
/// returns the raw response.
fn slow_post(server: &Server, body: &[u8]) -> String {
    let mut stream = TcpStream::connect(server.base.trim_start_matches("http://")).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    let head = format!(
        "POST /api/v1/locate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).unwrap();
    for piece in body.chunks(32 * 1024) {
        stream.write_all(piece).expect("the server must read the body, not reset the connection");
        std::thread::sleep(Duration::from_millis(20));
    }
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
}

#[test]
fn a_shed_request_reaches_a_client_still_sending_its_body_as_a_503() {
    let server =
        Server::start_with(&["--data", reference_data_dir().to_str().unwrap(), "--max-concurrent-requests", "1"], &[]);
    let body = big_batch();
    let slot = occupy(&server);
    // Liveness is not capacity: the health check still answers while everything else is shed.
    assert_eq!(server.get("/healthz").status, 200);

    // reqwest, writing the whole body at once.
    let reply = server.post_raw("/api/v1/locate", "application/json", body.clone());
    assert!(reply.expect_problem(503).contains("capacity"));
    assert_eq!(reply.headers["retry-after"], "1");

    // curl, from a file.
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), &body).unwrap();
    let curl = Command::new("curl")
        .args(["-sS", "-i", "-H", "content-type: application/json", "--data-binary"])
        .arg(format!("@{}", file.path().display()))
        .arg(server.url("/api/v1/locate"))
        .output()
        .expect("curl runs");
    let curl_out = String::from_utf8_lossy(&curl.stdout).to_lowercase();
    assert!(curl.status.success(), "curl: {}", String::from_utf8_lossy(&curl.stderr));
    assert!(curl_out.starts_with("http/1.1 503"), "{curl_out}");
    assert!(curl_out.contains("retry-after: 1") && curl_out.contains("application/problem+json"), "{curl_out}");

    // A slow client, in pieces.
    let slow = slow_post(&server, &body);
    assert!(slow.starts_with("HTTP/1.1 503"), "{slow}");
    assert!(slow.to_lowercase().contains("retry-after: 1"), "{slow}");

    // Once the slot is free, the same batch is answered.
    drop(slot);
    let deadline = Instant::now() + Duration::from_secs(60);
    while server.get(PROBE).status != 200 {
        assert!(Instant::now() < deadline, "the slot was never released");
    }
    let reply = server.post_raw("/api/v1/locate", "application/json", body);
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.json["results"].as_array().unwrap().len(), 10_000);
}

#[test]
fn an_early_error_reaches_a_client_still_sending_its_body() {
    let server = Server::shared();
    // 415 is decided from the headers alone, before a byte of the 10,000 points is read.
    let mut stream = TcpStream::connect(server.base.trim_start_matches("http://")).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    let body = big_batch();
    write!(stream, "POST /api/v1/locate HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len()).unwrap();
    for piece in body.chunks(32 * 1024) {
        stream.write_all(piece).expect("the server must read the body, not reset the connection");
        std::thread::sleep(Duration::from_millis(5));
    }
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    assert!(response.starts_with("HTTP/1.1 415"), "{response}");
}

#[test]
fn cors_is_open_by_default_and_configurable() {
    let open = Server::shared();
    let reply = open.client.get(open.url("/api/v1/communes")).header("origin", "https://bank.example").send().unwrap();
    assert_eq!(reply.headers()["access-control-allow-origin"], "*");
    let closed = Server::start_with(
        &["--data", reference_data_dir().to_str().unwrap(), "--cors-origins", "https://city.example"],
        &[],
    );
    let allowed =
        closed.client.get(closed.url("/api/v1/communes")).header("origin", "https://city.example").send().unwrap();
    assert_eq!(allowed.headers()["access-control-allow-origin"], "https://city.example");
    let other =
        closed.client.get(closed.url("/api/v1/communes")).header("origin", "https://other.example").send().unwrap();
    assert!(other.headers().get("access-control-allow-origin").is_none());
    // The hot answers (http/fast_path.rs) follow the same rules: a listed origin is echoed,
    // another gets nothing, and a probe with no Origin is simply answered.
    for path in ["/healthz", "/tiles/10/817/463.mvt"] {
        let allowed = closed.client.get(closed.url(path)).header("origin", "https://city.example").send().unwrap();
        assert_eq!(allowed.status(), 200, "{path}");
        assert_eq!(allowed.headers()["access-control-allow-origin"], "https://city.example", "{path}");
        let other = closed.client.get(closed.url(path)).header("origin", "https://other.example").send().unwrap();
        assert!(other.headers().get("access-control-allow-origin").is_none(), "{path}");
    }
    let probe = closed.get("/healthz");
    assert_eq!(probe.status, 200);
    assert!(!probe.headers.contains_key("access-control-allow-origin"));
}

#[test]
fn a_client_that_never_finishes_its_headers_is_disconnected() {
    let server =
        Server::start_with(&["--data", reference_data_dir().to_str().unwrap(), "--header-read-timeout", "1"], &[]);
    let address = server.base.trim_start_matches("http://").to_string();
    let mut slow = TcpStream::connect(&address).unwrap();
    slow.set_read_timeout(Some(std::time::Duration::from_secs(30))).unwrap();
    slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n").unwrap();
    // Never send the blank line: the server must give up on us, not wait for ever.
    let mut buffer = Vec::new();
    let closed = slow.read_to_end(&mut buffer);
    assert!(
        closed.is_ok() || closed.as_ref().is_err_and(|e| e.kind() == std::io::ErrorKind::ConnectionReset),
        "{closed:?}"
    );
    assert!(
        closed.is_err() || buffer.is_empty() || String::from_utf8_lossy(&buffer).starts_with("HTTP/1.1 408"),
        "{:?}",
        String::from_utf8_lossy(&buffer)
    );
    // A well-behaved client on another connection is served as usual.
    assert_eq!(server.get("/healthz").status, 200);
}
