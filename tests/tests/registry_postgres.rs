//! Two `hue-map` replicas sharing one PostgreSQL registry, as behind a load balancer: an edit
//! through one is in the other's answers within two seconds, a replica killed while the other
//! writes catches up when it restarts, and when the database goes away reads keep answering
//! while writes get 503, until it returns. PostgreSQL is a real throwaway cluster on
//! loopback (`testkit::PgCluster`), started and stopped by the test.

use std::time::{Duration, Instant};

use e2e::{create_token, json, Reply, Server, Value};
use testkit::PgCluster;

const SEAT: &str = "/api/v1/offices/seat-19774";

fn replica(store: &str) -> Server {
    let data = testkit::reference_data_dir();
    Server::start_with(&["--data", data.to_str().unwrap(), "--store", store, "--pyramid-maxzoom", "10"], &[])
}

fn edit(server: &Server, token: &str, body: &Value) -> Reply {
    let version = server.get(SEAT).headers["etag"].to_str().unwrap().to_string();
    server.send("PATCH", SEAT, &[("authorization", &format!("Bearer {token}")), ("if-match", &version)], Some(body))
}

/// Waits for a condition another process brings about, and says how long it took (the
/// follower polls four times a second; no test asserts a time); fails after a minute.
fn eventually(what: &str, mut check: impl FnMut() -> bool) -> Duration {
    let started = Instant::now();
    while !check() {
        assert!(started.elapsed() < Duration::from_secs(60), "never happened: {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
    started.elapsed()
}

#[test]
fn replicas_share_one_registry_and_survive_its_outage() {
    let mut cluster = PgCluster::start().expect("PostgreSQL (scripts/test.sh installs it)");
    let store = cluster.create_database("hue_map").expect("a database");
    let (a, b) = (replica(&store), replica(&store));
    let token = create_token(&store, "editor", &["19774"], "Kim Long");

    // An edit through A reaches B's answers.
    let reply = edit(
        &a,
        &token,
        &json!({"lon": 107.56, "lat": 16.461, "position_precision": "surveyed", "reason": "surveyed"}),
    );
    assert_eq!(reply.status, 200, "{}", reply.text);
    let took = eventually("B serves A's edit", || {
        b.get("/api/v1/locate?lon=107.5605&lat=16.461").json["seat"]["position_precision"] == "surveyed"
    });
    eprintln!("replica B followed in {took:?}");

    // B is killed while A keeps writing; restarted, it catches up.
    drop(b);
    for note in ["first", "second", "third"] {
        assert_eq!(edit(&a, &token, &json!({"notes": note, "reason": "while B is down"})).status, 200);
    }
    let b = replica(&store);
    assert_eq!(b.get(SEAT).json["notes"], "third");
    assert_eq!(b.get("/healthz").json["registry_version"], a.get("/healthz").json["registry_version"]);

    // The database goes away: reads answer from memory, writes are refused with 503.
    cluster.stop().expect("PostgreSQL stops");
    let refused = edit(&a, &token, &json!({"notes": "lost?", "reason": "during the outage"}));
    refused.expect_problem(503);
    assert!(refused.headers.contains_key("retry-after"));
    eventually("A reports the store degraded", || a.get("/healthz").json["store"] == "degraded");
    assert_eq!(a.get("/api/v1/locate?lon=107.5605&lat=16.461").json["seat"]["notes"], "third", "reads still answer");

    // It comes back: writes resume without a restart, and nothing acknowledged was lost.
    cluster.start_again().expect("PostgreSQL restarts");
    eventually("writes resume", || {
        edit(&a, &token, &json!({"notes": "after", "reason": "the database is back"})).status == 200
    });
    eventually("B sees the write made after the outage", || b.get(SEAT).json["notes"] == "after");
    let history = b.get("/api/v1/offices/seat-19774/history");
    let notes: Vec<&Value> =
        history.json["versions"].as_array().unwrap().iter().map(|v| &v["after"]["notes"]).collect();
    assert_eq!(notes[1..], [&json!(null), &json!("first"), &json!("second"), &json!("third"), &json!("after")]);
}
