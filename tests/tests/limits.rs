//! Protective limits: load shedding with 503 and Retry-After, configurable CORS, and the
//! header-read timeout that disconnects slow clients.

use std::sync::Arc;

use e2e::{hue_data, json, Server};

#[test]
fn overload_is_shed_with_503_and_retry_after() {
    let server =
        Arc::new(Server::start_with(&["--data", hue_data().to_str().unwrap(), "--max-concurrent-requests", "1"], &[]));
    let points: Vec<[f64; 2]> =
        (0..10_000).map(|i| [107.0 + (i % 100) as f64 * 0.012, 15.9 + (i / 100) as f64 * 0.009]).collect();
    let body = Arc::new(json!({ "points": points }));
    let threads: Vec<_> = (0..12)
        .map(|_| {
            let (server, body) = (server.clone(), body.clone());
            std::thread::spawn(move || {
                let response = server.client.post(server.url("/api/v1/locate")).json(&*body).send().unwrap();
                let retry_after = response.headers().get("retry-after").map(|v| v.to_str().unwrap().to_string());
                let content_type = response.headers()["content-type"].to_str().unwrap().to_string();
                (response.status().as_u16(), retry_after, content_type)
            })
        })
        .collect();
    let results: Vec<_> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    assert!(results.iter().all(|(s, _, _)| *s == 200 || *s == 503), "{results:?}");
    assert!(results.iter().any(|(s, _, _)| *s == 200));
    let shed: Vec<_> = results.iter().filter(|(s, _, _)| *s == 503).collect();
    assert!(!shed.is_empty(), "12 concurrent 10,000-point batches against a limit of 1: {results:?}");
    for (_, retry_after, content_type) in shed {
        assert_eq!(retry_after.as_deref(), Some("1"));
        assert_eq!(content_type, "application/problem+json");
    }
}

#[test]
fn cors_is_open_by_default_and_configurable() {
    let open = Server::start();
    let reply = open.client.get(open.url("/api/v1/communes")).header("origin", "https://bank.example").send().unwrap();
    assert_eq!(reply.headers()["access-control-allow-origin"], "*");
    let closed =
        Server::start_with(&["--data", hue_data().to_str().unwrap(), "--cors-origins", "https://city.example"], &[]);
    let allowed =
        closed.client.get(closed.url("/api/v1/communes")).header("origin", "https://city.example").send().unwrap();
    assert_eq!(allowed.headers()["access-control-allow-origin"], "https://city.example");
    let other =
        closed.client.get(closed.url("/api/v1/communes")).header("origin", "https://other.example").send().unwrap();
    assert!(other.headers().get("access-control-allow-origin").is_none());
}

#[test]
fn a_client_that_never_finishes_its_headers_is_disconnected() {
    use std::io::{Read, Write};
    let server = Server::start_with(&["--data", e2e::hue_data().to_str().unwrap(), "--header-read-timeout", "1"], &[]);
    let address = server.base.trim_start_matches("http://").to_string();
    let mut slow = std::net::TcpStream::connect(&address).unwrap();
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
