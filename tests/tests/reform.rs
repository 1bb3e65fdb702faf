//! The reform itself over HTTP: former units with their new unit and legal basis, and
//! old-address conversion, single and batch.

use e2e::{json, Server};

#[test]
fn former_units_list_search_and_one() {
    let server = Server::shared();
    let all = server.get("/api/v1/former-units");
    assert_eq!(all.json["count"], 133);
    let found = server.get("/api/v1/former-units?q=vinh%20ninh").json;
    assert_eq!(found["count"], 1);
    assert_eq!(found["former_units"][0]["new_unit"]["full_name"], "Phường Thuận Hoá");
    let one = server.get("/api/v1/former-units/20080").json;
    assert_eq!(one["name"], "Xã Hương Phong");
    assert_eq!(one["new_unit"]["code"], "20101");
    assert_eq!(one["resolution"], "1675/NQ-UBTVQH15");
    server.get("/api/v1/former-units/00000").expect_problem(404);
}

#[test]
fn convert_address_single_and_batch() {
    let server = Server::shared();
    let reply = server
        .client
        .get(server.url("/api/v1/convert-address"))
        .query(&[("address", "12 Lê Lợi, Phường Vĩnh Ninh, TP Huế, Thừa Thiên Huế")])
        .send()
        .unwrap();
    let c: serde_json::Value = reply.json().unwrap();
    assert_eq!(c["status"], "matched");
    assert_eq!(c["new_address"], "12 Lê Lợi, Phường Thuận Hoá, Thành phố Huế");
    assert_eq!(c["old_unit"]["code"], "19783");
    assert!(c["confidence"].as_f64().unwrap() >= 0.95);

    let batch = server.post_json(
        "/api/v1/convert-address",
        &json!({"addresses": ["Hương Phong, Huế", "Phường Hương Phong", "nowhere at all"]}),
    );
    assert_eq!(batch.status, 200, "{}", batch.text);
    let results = batch.json["results"].as_array().unwrap();
    assert_eq!(results[0]["status"], "ambiguous");
    assert_eq!(results[0]["alternatives"].as_array().unwrap().len(), 2);
    assert!(results[0]["new_address"].is_null(), "no guess when ambiguous");
    assert_eq!(results[1]["new_unit"]["full_name"], "Phường Hoá Châu");
    assert_eq!(results[2]["status"], "not_recognised");

    server.get("/api/v1/convert-address").expect_problem(400);
    let too_many: Vec<&str> = vec!["Phường Vĩnh Ninh"; 1001];
    server.post_json("/api/v1/convert-address", &json!({ "addresses": too_many })).expect_problem(413);
    server.post_raw("/api/v1/convert-address", "text/plain", "x").expect_problem(415);
    server.post_raw("/api/v1/convert-address", "application/json", "{\"addresses\": [1]}").expect_problem(400);
}
