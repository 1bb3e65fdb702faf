//! The office registry over HTTP with a real SQLite file (and, in `registry_postgres.rs`,
//! PostgreSQL): staff tokens from the command line, conditional merge-patch edits that every
//! answer follows, history, the change feed, residents' reports, imports, the audit log, and
//! the faults: concurrent writers, `kill -9`, a store that goes read-only.
//!
//! The rules of requests run on the service in this process (`InProcess`, built by
//! `server::boot::build` as `hue-map serve` builds it); what needs a process, a socket or a
//! file of its own (tiles over HTTP, fifty writers at once, `kill -9`, a read-only file, a
//! report's per-address limit) runs against the real binary.

use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use e2e::{create_token, json, Api, InProcess, Reply, Server, Value};

const KIM_LONG_SEAT: &str = "/api/v1/offices/seat-19774";
/// Beside the Perfume River in Kim Long, well inside the ward.
const KIM_LONG_RIVERSIDE: (f64, f64) = (107.5600, 16.4610);

fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

fn patch(server: &impl Api, path: &str, token: &str, if_match: Option<&str>, body: &Value) -> Reply {
    let auth = bearer(token);
    let mut headers = vec![("authorization", auth.as_str())];
    if let Some(tag) = if_match {
        headers.push(("if-match", tag));
    }
    server.send("PATCH", path, &headers, Some(body))
}

fn etag(reply: &Reply) -> String {
    reply.headers["etag"].to_str().unwrap().to_string()
}

/// Polls until `check` holds (another replica, the follower), failing after a minute.
fn eventually(what: &str, mut check: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !check() {
        assert!(Instant::now() < deadline, "never happened: {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn an_editor_moves_a_seat_and_every_answer_follows() {
    let server = Server::start();
    let token = create_token(&server.store(), "editor", &["19774"], "Kim Long ward office");
    let before = server.get(KIM_LONG_SEAT);
    assert_eq!(before.status, 200);
    assert_eq!(etag(&before), "\"v1\"");
    assert_eq!(before.json["position_precision"], "commune_label_point");
    let (lon, lat) = KIM_LONG_RIVERSIDE;
    let tile_here = "/tiles/14/13087/7432.mvt";
    let far_tile = "/tiles/14/13102/7440.mvt";
    let tag = |path: &str| server.client.get(server.url(path)).header("accept-encoding", "gzip").send().unwrap();
    let (here_before, far_before) = (tag(tile_here), tag(far_tile));
    // The TileJSON's tile URLs carry the data version: a tile asked for by it is immutable.
    let tile_url = |path: &str| {
        let template = server.get("/tiles.json").json["tiles"][0].as_str().unwrap().to_string();
        let version = template.split_once("?v=").expect("a versioned tile URL").1.to_string();
        (format!("{path}?v={version}"), version)
    };
    let cache_control = |path: &str| tag(path).headers()["cache-control"].to_str().unwrap().to_string();
    let (here_versioned, version_before) = tile_url(tile_here);
    assert!(cache_control(&here_versioned).contains("immutable"));
    assert_eq!(cache_control(tile_here), "public, max-age=300", "a tile asked for with no version may change");

    let reply = patch(
        &server,
        KIM_LONG_SEAT,
        &token,
        Some("\"v1\""),
        &json!({"lon": lon, "lat": lat, "position_precision": "surveyed", "reason": "measured at the gate, 87 Phạm Thị Liên"}),
    );
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(etag(&reply), "\"v2\"");
    assert_eq!(reply.json["position_precision"], "surveyed");
    assert_eq!(reply.json["version"], 2);

    // The answer came after this replica swapped in the change: locate sees it at once.
    let here = server.get(&format!("/api/v1/locate?lon={}&lat={}", lon + 0.0005, lat));
    assert_eq!(here.json["seat"]["position_precision"], "surveyed");
    assert!(here.json["seat"]["distance_m"].as_f64().unwrap() < 100.0, "{}", here.json["seat"]);
    let nearest = server.get(&format!("/api/v1/nearest?lon={lon}&lat={lat}&k=1"));
    assert_eq!(nearest.json["offices"][0]["id"], "seat-19774");
    let item = server.get("/collections/offices/items/seat-19774");
    assert_eq!(item.json["geometry"]["coordinates"], json!([lon, lat]));
    let export = server.get("/api/v1/export/offices.geojson");
    let exported = export.json["features"].as_array().unwrap().iter().find(|f| f["id"] == "seat-19774").cloned();
    assert_eq!(exported.unwrap()["properties"]["position_precision"], "surveyed");
    let health = server.get("/healthz");
    assert_eq!(health.json["registry_version"], 41);
    assert_eq!(health.json["store"], "ok");

    // The edit gave new tile URLs; the old one now answers the new content, briefly cached.
    let (here_versioned_after, version_after) = tile_url(tile_here);
    assert_ne!(version_before, version_after, "the data version moved with the edit");
    assert_eq!(cache_control(&here_versioned), "public, max-age=300", "a stale version is no longer immutable");
    assert!(cache_control(&here_versioned_after).contains("immutable"));

    // Only the tiles that show the seat changed.
    let (here_after, far_after) = (tag(tile_here), tag(far_tile));
    assert_ne!(here_before.headers()["etag"], here_after.headers()["etag"], "the seat's tile changed");
    assert_eq!(far_before.status(), far_after.status());
    if far_before.status() == 200 {
        assert_eq!(far_before.headers()["etag"], far_after.headers()["etag"], "a far tile did not");
    }

    let history = server.get("/api/v1/offices/seat-19774/history");
    let versions = history.json["versions"].as_array().unwrap();
    assert_eq!(versions.len(), 2, "{}", history.text);
    let change = &versions[1];
    assert_eq!(change["actor"]["name"], "Kim Long ward office");
    assert_eq!(change["reason"], "measured at the gate, 87 Phạm Thị Liên");
    assert_eq!(change["fields"]["position_precision"]["before"], "commune_label_point");
    assert_eq!(change["fields"]["position_precision"]["after"], "surveyed");
}

#[test]
fn tokens_decide_who_may_write() {
    let server = InProcess::shared_with_registry();
    let kim_long = create_token(&server.store(), "editor", &["19774"], "Kim Long");
    let phu_xuan = create_token(&server.store(), "editor", &["19753"], "Phú Xuân");
    let body = json!({"notes": "open on Saturday mornings", "reason": "phoned the office"});
    let phu_xuan_seat = "/api/v1/offices/seat-19753";
    let version = etag(&server.get(phu_xuan_seat));

    let none = server.send("PATCH", phu_xuan_seat, &[("if-match", &version)], Some(&body));
    none.expect_problem(401);
    assert!(none.headers["www-authenticate"].to_str().unwrap().starts_with("Bearer"));
    let wrong = patch(server, phu_xuan_seat, "hmt_nothere_0000", Some(&version), &body);
    wrong.expect_problem(401);
    assert!(wrong.headers["www-authenticate"].to_str().unwrap().contains("invalid_token"));
    let other = patch(server, phu_xuan_seat, &kim_long, Some(&version), &body);
    assert!(other.expect_problem(403).contains("19753"), "{}", other.text);
    assert_eq!(patch(server, phu_xuan_seat, &phu_xuan, Some(&version), &body).status, 200);

    // Revoked on the command line: refused within a second, with no restart.
    let list = e2e::run(&["token", "list", "--store", &server.store()]);
    let listing = String::from_utf8_lossy(&list.stdout).to_string();
    let id = listing.lines().find(|l| l.contains("Phú Xuân")).and_then(|l| l.split('\t').next()).unwrap().to_string();
    assert!(!listing.contains(&phu_xuan), "secrets are never listed");
    assert!(e2e::run(&["token", "revoke", &id, "--store", &server.store()]).status.success());
    // (a verified token is trusted for up to a second, so wait for the refusal)
    eventually("the revoked token is refused", || {
        let version = etag(&server.get(phu_xuan_seat));
        patch(server, phu_xuan_seat, &phu_xuan, Some(&version), &body).status == 401
    });
    // Editors may not read the audit log; admins may.
    server.send("GET", "/api/v1/audit", &[("authorization", &bearer(&kim_long))], None).expect_problem(403);
    let admin = create_token(&server.store(), "admin", &[], "city admin");
    let audit = server.send("GET", "/api/v1/audit?office=seat-19753", &[("authorization", &bearer(&admin))], None);
    assert_eq!(audit.status, 200, "{}", audit.text);
    assert!(audit.json["changes"].as_array().unwrap().iter().any(|c| c["reason"] == "phoned the office"));
    let csv = server.send("GET", "/api/v1/audit?f=csv", &[("authorization", &bearer(&admin))], None);
    assert!(csv.content_type.starts_with("text/csv") && csv.text.starts_with("seq,at,office_id"), "{}", csv.text);
}

#[test]
fn conditional_requests_protect_every_edit() {
    let server = InProcess::shared_with_registry();
    let token = create_token(&server.store(), "editor", &["19777"], "Vỹ Dạ");
    let path = "/api/v1/offices/seat-19777";
    let current = server.get(path);
    let version = etag(&current);
    let body = json!({"phone": "0234 3822 000", "reason": "from the ward's notice board"});
    patch(server, path, &token, None, &body).expect_problem(428);
    patch(server, path, &token, Some("v1"), &body).expect_problem(400);
    let not_modified = server.send("GET", path, &[("if-none-match", &version)], None);
    assert_eq!(not_modified.status, 304);
    assert_eq!(patch(server, path, &token, Some(&version), &body).status, 200);
    let stale = patch(server, path, &token, Some(&version), &json!({"phone": "0", "reason": "late"}));
    stale.expect_problem(412);
    assert_ne!(etag(&stale), version, "the 412 names the current version");
}

#[test]
fn bad_edits_name_every_field_and_write_nothing() {
    let server = InProcess::shared_with_registry();
    let token = create_token(&server.store(), "editor", &["19789"], "Thuận Hoá");
    let path = "/api/v1/offices/seat-19789";
    let version = etag(&server.get(path));
    let auth = bearer(&token);
    let headers = [("authorization", auth.as_str()), ("if-match", version.as_str())];
    let malformed = server.request("PATCH", path, &headers, Some(("application/json", b"{\"lon\": ".to_vec())));
    malformed.expect_problem(400);
    let cases: [(Value, &[&str]); 6] = [
        (json!({"colour": "red", "reason": "x"}), &["colour"]),
        (json!({"lon": "east", "reason": "x"}), &["lon"]),
        (json!({"lon": 200.0, "lat": 95.0, "position_precision": "surveyed", "reason": "x"}), &["lon", "lat"]),
        (
            json!({"lon": 108.2022, "lat": 16.0544, "position_precision": "surveyed", "reason": "Đà Nẵng"}),
            &["position"],
        ),
        (
            json!({"kind": "bank", "opening_hours": "Mo-Fr 25:00-99:00", "reason": ""}),
            &["kind", "opening_hours", "reason"],
        ),
        (json!({"notes": "no reason given"}), &["reason"]),
    ];
    for (body, fields) in cases {
        let reply = patch(server, path, &token, Some(&version), &body);
        assert!(reply.status == 422 || reply.status == 400, "{body}: {}", reply.text);
        reply.expect_problem(reply.status);
        let named: Vec<&str> =
            reply.json["invalid_params"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
        for field in fields {
            assert!(named.iter().any(|n| n.starts_with(field)), "{body}: {field} not in {named:?}");
        }
    }
    let huge = json!({"notes": "x".repeat(3 * 1024 * 1024), "reason": "too long"});
    patch(server, path, &token, Some(&version), &huge).expect_problem(413);
    assert_eq!(etag(&server.get(path)), version, "nothing was written");
}

#[test]
fn fifty_concurrent_patches_with_one_version_make_one_edit() {
    let server = Arc::new(Server::start());
    let token = Arc::new(create_token(&server.store(), "editor", &["19774"], "racer"));
    let version = etag(&server.get(KIM_LONG_SEAT));
    let threads: Vec<_> = (0..50)
        .map(|i| {
            let (server, token, version) = (server.clone(), token.clone(), version.clone());
            std::thread::spawn(move || {
                patch(
                    &*server,
                    KIM_LONG_SEAT,
                    &token,
                    Some(&version),
                    &json!({"notes": format!("writer {i}"), "reason": "race"}),
                )
                .status
            })
        })
        .collect();
    let statuses: Vec<u16> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 1, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == 412).count(), 49, "{statuses:?}");
    let history = server.get("/api/v1/offices/seat-19774/history");
    assert_eq!(history.json["versions"].as_array().unwrap().len(), 2, "exactly one new version");
}

#[test]
fn an_agent_point_is_created_found_closed_and_fed_to_other_apps() {
    let server = InProcess::shared_with_registry();
    let admin = create_token(&server.store(), "admin", &[], "city admin");
    let since = server.get("/healthz").json["registry_version"].as_u64().unwrap();
    let created = server.send(
        "POST",
        "/api/v1/offices",
        &[("authorization", &bearer(&admin))],
        Some(&json!({"id": "agent-test-1", "kind": "public_service_agent", "name": "Điểm đại lý dịch vụ công thử",
            "address": "1 Lê Lợi, phường Thuận Hoá", "lon": 107.5870, "lat": 16.4620, "position_precision": "geocoded",
            "opening_hours": "Mo-Fr 07:30-11:30,13:30-17:00", "services": ["chứng thực"], "reason": "new agent point"})),
    );
    assert_eq!(created.status, 201, "{}", created.text);
    assert_eq!(created.headers["location"], "/api/v1/offices/agent-test-1");
    let nearest = server.get("/api/v1/nearest?lon=107.587&lat=16.462&k=1&kind=public_service_agent");
    assert_eq!(nearest.json["offices"][0]["id"], "agent-test-1");
    assert_eq!(nearest.json["offices"][0]["opening_hours"], "Mo-Fr 07:30-11:30,13:30-17:00");
    let open = |at: &str| {
        server.get(&format!("/api/v1/nearest?lon=107.587&lat=16.462&k=5&kind=public_service_agent&open_at={at}")).json
            ["offices"]
            .as_array()
            .unwrap()
            .iter()
            .any(|o| o["id"] == "agent-test-1")
    };
    assert!(open("2026-11-30T09:00:00%2B07:00"), "open on a Monday morning");
    assert!(!open("2026-11-29T09:00:00%2B07:00"), "closed on Sunday");
    assert!(!open("2026-11-30T12:30:00%2B07:00"), "closed at lunch");

    let version = etag(&created);
    let closed = server.send(
        "DELETE",
        "/api/v1/offices/agent-test-1?reason=moved%20to%20the%20post%20office",
        &[("authorization", &bearer(&admin)), ("if-match", &version)],
        None,
    );
    assert_eq!(closed.status, 200, "{}", closed.text);
    assert!(closed.json["valid_to"].is_string());
    // The same representation as every other office write: the fields as GET showed them.
    let fields = |answer: &Value| answer.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    let mut expected = fields(&created.json);
    expected.push("valid_to".into());
    expected.sort();
    assert_eq!(fields(&closed.json), expected);
    assert_eq!(closed.json["version"], created.json["version"].as_u64().unwrap() + 1);
    server.get("/api/v1/offices/agent-test-1").expect_problem(410);
    // Gone for writes too, whichever write it is.
    let closed_etag = closed.headers["etag"].to_str().unwrap().to_string();
    let patched = server.send(
        "PATCH",
        "/api/v1/offices/agent-test-1",
        &[
            ("authorization", &bearer(&admin)),
            ("if-match", &closed_etag),
            ("content-type", "application/merge-patch+json"),
        ],
        Some(&serde_json::json!({"notes": "reopened?", "reason": "x"})),
    );
    assert_eq!(patched.status, 410, "{}", patched.text);
    let listed = server.get("/api/v1/offices?kind=public_service_agent");
    assert!(!listed.text.contains("agent-test-1"));
    assert_eq!(server.get("/api/v1/offices/agent-test-1/history").json["versions"].as_array().unwrap().len(), 2);

    let feed = server.get(&format!("/api/v1/offices/changes?since={since}"));
    let ours: Vec<&Value> =
        feed.json["changes"].as_array().unwrap().iter().filter(|c| c["office_id"] == "agent-test-1").collect();
    assert_eq!(ours.iter().map(|c| c["action"].as_str().unwrap()).collect::<Vec<_>>(), ["create", "close"]);
    let seqs: Vec<u64> = feed.json["changes"].as_array().unwrap().iter().map(|c| c["seq"].as_u64().unwrap()).collect();
    assert!(seqs.windows(2).all(|w| w[0] < w[1]) && seqs[0] > since, "{seqs:?}");
    let atom = server.get("/api/v1/offices/changes.atom");
    assert!(atom.content_type.starts_with("application/atom+xml"));
    assert!(atom.text.contains("<feed xmlns=\"http://www.w3.org/2005/Atom\">") && atom.text.contains("agent-test-1"));
}

#[test]
fn a_residents_report_is_accepted_and_moves_the_office() {
    let server = Server::start();
    let token = create_token(&server.store(), "editor", &["19774"], "Kim Long");
    let (lon, lat) = KIM_LONG_RIVERSIDE;
    let report = server.post_json(
        "/api/v1/offices/seat-19774/reports",
        &json!({"kind": "wrong_position", "message": "Trụ sở ở bờ sông, không phải ở đây", "proposed_lon": lon, "proposed_lat": lat}),
    );
    assert_eq!(report.status, 201, "{}", report.text);
    let bad =
        server.post_json("/api/v1/offices/seat-19774/reports", &json!({"kind": "angry", "message": "x".repeat(1001)}));
    let named = bad.expect_problem(422);
    assert!(named.contains("kind") && named.contains("message"), "{named}");

    let open = server.send("GET", "/api/v1/reports?status=open", &[("authorization", &bearer(&token))], None);
    let id = open.json["reports"][0]["id"].as_u64().expect("the open report");
    let accepted = server.send(
        "POST",
        &format!("/api/v1/reports/{id}/resolution"),
        &[("authorization", &bearer(&token)), ("content-type", "application/json")],
        Some(&json!({"decision": "accept", "reason": "checked on the ground", "position_precision": "surveyed"})),
    );
    assert_eq!(accepted.status, 200, "{}", accepted.text);
    let seat = server.get(KIM_LONG_SEAT);
    assert_eq!((seat.json["lon"].as_f64(), seat.json["position_precision"].as_str()), (Some(lon), Some("surveyed")));
    let history = server.get("/api/v1/offices/seat-19774/history");
    assert_eq!(history.json["versions"][1]["report_id"], id);

    // Anonymous reports are limited per address: 10 in ten minutes (one was refused above
    // before counting, one accepted).
    let statuses: Vec<u16> = (0..10)
        .map(|_| {
            server.post_json("/api/v1/offices/seat-19774/reports", &json!({"kind": "other", "message": "again"})).status
        })
        .collect();
    assert_eq!(statuses.iter().filter(|s| **s == 201).count(), 9, "{statuses:?}");
    let limited = server.post_json("/api/v1/offices/seat-19774/reports", &json!({"kind": "other", "message": "again"}));
    limited.expect_problem(429);
    assert!(limited.headers["retry-after"].to_str().unwrap().parse::<u64>().unwrap() > 0);
}

#[test]
fn an_import_is_dry_run_first_then_all_or_nothing() {
    let server = InProcess::shared_with_registry();
    let admin = create_token(&server.store(), "admin", &[], "importer");
    let csv = "id,kind,commune_code,name,address,lon,lat,position_precision,source\n\
        po-test-1,post_office,19789,Bưu cục thử,\"5 Hà Nội, phường Thuận Hoá\",107.5850,16.4640,geocoded,test\n\
        po-test-2,post_office,19789,Bưu cục sai,\"somewhere\",200,16.4,geocoded,test\n";
    let auth = bearer(&admin);
    let import = |dry_run: &str, body: &str| {
        let path = format!("/api/v1/offices/import?dry_run={dry_run}&reason=post%20offices");
        server.request("POST", &path, &[("authorization", &auth)], Some(("text/csv", body.as_bytes().to_vec())))
    };
    let dry = import("true", csv);
    assert_eq!(dry.status, 422, "{}", dry.text);
    assert_eq!(dry.json["applied"], false);
    assert_eq!(dry.json["outcomes"][0]["outcome"], "new");
    assert_eq!(dry.json["outcomes"][1]["outcome"], "error");
    let refused = import("false", csv);
    refused.expect_problem(422);
    assert_eq!(refused.json["applied"], false, "one bad row: nothing written");
    assert_eq!(refused.json["outcomes"].as_array().map(Vec::len), Some(2), "every row's outcome: {}", refused.text);
    server.get("/api/v1/offices/po-test-1").expect_problem(404);
    let good: String = csv.lines().take(2).collect::<Vec<_>>().join("\n");
    let dry = import("true", &good);
    assert_eq!((dry.status, &dry.json["applied"]), (200, &json!(false)), "{}", dry.text);
    server.get("/api/v1/offices/po-test-1").expect_problem(404);
    let applied = import("false", &good);
    assert_eq!(applied.json["applied"], true, "{}", applied.text);
    assert_eq!(server.get("/api/v1/offices/po-test-1").status, 200);
}

#[test]
fn an_acknowledged_edit_survives_kill_9() {
    let store_dir = tempfile::tempdir().unwrap();
    let store = format!("sqlite:{}", store_dir.path().join("registry.db").display());
    let data = testkit::reference_data_dir();
    let args = ["--data", data.to_str().unwrap(), "--store", store.as_str()];
    let token = {
        let server = Server::start_with(&args, &[]);
        let token = create_token(&store, "editor", &["19774"], "Kim Long");
        let version = etag(&server.get(KIM_LONG_SEAT));
        let reply = patch(
            &server,
            KIM_LONG_SEAT,
            &token,
            Some(&version),
            &json!({"notes": "survives", "reason": "durability"}),
        );
        assert_eq!(reply.status, 200);
        // Dropping the server kills it with SIGKILL, straight after the 200.
        token
    };
    let server = Server::start_with(&args, &[]);
    let seat = server.get(KIM_LONG_SEAT);
    assert_eq!(seat.json["notes"], "survives");
    assert_eq!(etag(&seat), "\"v2\"");
    drop(token);

    // A backup taken while it runs restores to a registry with the same edit.
    let copy = store_dir.path().join("backup.db");
    assert!(e2e::run(&["backup", copy.to_str().unwrap(), "--store", &store]).status.success());
    let restored = format!("sqlite:{}", store_dir.path().join("restored.db").display());
    let output = e2e::run(&["restore", copy.to_str().unwrap(), "--store", &restored]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let again = Server::start_with(&["--data", data.to_str().unwrap(), "--store", restored.as_str()], &[]);
    assert_eq!(again.get(KIM_LONG_SEAT).json["notes"], "survives");
}

#[test]
fn a_read_only_store_degrades_writes_and_recovers_without_a_restart() {
    let server = Server::start();
    let token = create_token(&server.store(), "editor", &["19774"], "Kim Long");
    let file = server.store_dir.path().join("registry.db");
    let chattr = |flag: &str| {
        let status = Command::new("chattr").arg(flag).arg(&file).status().expect("chattr (e2fsprogs) runs");
        assert!(status.success(), "chattr {flag}");
    };
    chattr("+i");
    let version = etag(&server.get(KIM_LONG_SEAT));
    let refused = patch(&server, KIM_LONG_SEAT, &token, Some(&version), &json!({"notes": "n", "reason": "r"}));
    chattr("-i");
    refused.expect_problem(503);
    assert!(refused.headers.contains_key("retry-after"));
    assert_eq!(server.get("/healthz").json["store"], "degraded");
    assert_eq!(server.get("/api/v1/locate?lon=107.56&lat=16.46").status, 200, "reads still answer");
    let accepted = patch(&server, KIM_LONG_SEAT, &token, Some(&version), &json!({"notes": "n", "reason": "r"}));
    assert_eq!(accepted.status, 200, "{}", accepted.text);
    eventually("the store is ok again", || server.get("/healthz").json["store"] == "ok");
}

#[test]
fn the_registry_keeps_its_rules_one_seat_per_commune_inside_hue() {
    let server = InProcess::shared_with_registry();
    let admin = create_token(&server.store(), "admin", &[], "rules");
    let post = |body: Value| server.send("POST", "/api/v1/offices", &[("authorization", &bearer(&admin))], Some(&body));
    let office = |extra: Value| {
        let mut body = json!({"kind": "public_service_agent", "name": "Điểm thử", "address": "1 Lê Lợi",
            "lon": 107.5870, "lat": 16.4620, "position_precision": "geocoded", "reason": "rules"});
        body.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        body
    };
    // A second seat for Thuận Hoá would take over locate's answer.
    let second_seat = post(office(json!({"kind": "commune_seat"})));
    assert!(second_seat.expect_problem(422).contains("already has a seat"), "{}", second_seat.text);
    // Even allowed outside its commune, an office stands in Huế.
    let da_nang = post(office(json!({"lon": 108.2022, "lat": 16.0544, "commune_code": "19789",
        "allow_outside_commune": true, "outside_commune_reason": "housed elsewhere"})));
    assert!(da_nang.expect_problem(422).contains("outside every commune"), "{}", da_nang.text);
    let control = post(office(json!({"reason": "bad \u{1} byte"})));
    assert!(control.expect_problem(422).contains("control characters"));
    let reserved = post(office(json!({"id": "changes"})));
    assert!(reserved.expect_problem(422).contains("reserved"));
}

#[test]
fn whoami_names_the_token_and_its_communes_and_refuses_a_bad_one() {
    let server = InProcess::shared_with_registry();
    let token = create_token(&server.store(), "editor", &["19774", "19753"], "Cán bộ Kim Long");
    let auth = bearer(&token);
    let me = server.send("GET", "/api/v1/whoami", &[("authorization", auth.as_str())], None);
    assert_eq!(me.status, 200, "{}", me.text);
    assert_eq!(me.json["name"], "Cán bộ Kim Long");
    assert_eq!(me.json["role"], "editor");
    let mut communes: Vec<String> =
        me.json["communes"].as_array().unwrap().iter().map(|c| c.as_str().unwrap().to_string()).collect();
    communes.sort();
    assert_eq!(communes, ["19753", "19774"]);
    assert!(me.json.get("hash").is_none() && !me.text.contains(&token), "no secret is echoed");

    let anonymous = server.get("/api/v1/whoami");
    assert_eq!(anonymous.status, 401);
    assert!(anonymous.headers["www-authenticate"].to_str().unwrap().starts_with("Bearer"));
    let wrong = server.send("GET", "/api/v1/whoami", &[("authorization", "Bearer hm_not-a-token")], None);
    assert_eq!(wrong.status, 401);
    assert_eq!(wrong.headers["content-type"], "application/problem+json");
}
