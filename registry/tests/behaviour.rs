//! The registry's behaviour, run against both stores: every scenario below is one test on a
//! temporary SQLite file and one on a throwaway PostgreSQL cluster (called, as the server
//! will call it, from `spawn_blocking` on a multi-thread tokio runtime).

mod common;

use std::sync::Barrier;

use chrono::{DateTime, SubsecRound, Utc};
use common::{locate, point_in, reason, Kind, Store};
use data_boundaries::PositionPrecision;
use registry::{
    parse_csv, validate, AuditFilter, ChangeAction, ImportMode, NewReport, OfficeDraft, Outcome, ReportFilter,
    ReportKind, ReportStatus, Resolution, Role, StoreError, WriteError, SCHEMA_VERSION, SEED_ACTOR_NAME, SEED_REASON,
};
use serde_json::json;

/// Each scenario as a test per store.
macro_rules! on_both_stores {
    ($($scenario:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[test]
                fn $scenario() {
                    super::$scenario(super::Kind::Sqlite);
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread")]
                async fn $scenario() {
                    tokio::task::spawn_blocking(|| super::$scenario(super::Kind::Postgres))
                        .await
                        .expect("the scenario passes");
                }
            )*
        }
    };
}

on_both_stores!(
    the_dataset_seeds_the_registry_once,
    a_future_schema_version_is_refused,
    offices_are_created_updated_and_closed_with_history,
    a_stale_expected_version_is_refused,
    a_moved_office_names_who_set_its_position,
    of_fifty_concurrent_updates_exactly_one_wins,
    editors_change_only_their_own_communes,
    opening_hours_are_validated_and_evaluated,
    tokens_authenticate_until_revoked,
    reports_are_filed_listed_accepted_and_rejected,
    the_change_feed_is_ordered_without_gaps,
    imports_are_dry_run_or_all_or_nothing,
    a_partial_sheet_keeps_what_it_lacks_and_a_stale_row_fails,
    the_audit_filters_by_office_token_and_time,
    replicas_opening_a_new_store_at_once_seed_it_once,
    an_import_cannot_turn_an_office_into_a_second_seat,
    two_new_seats_for_one_commune_in_one_file_are_refused,
    accepting_a_report_cannot_move_a_seat_into_a_seated_commune,
    the_database_itself_refuses_a_second_open_seat,
    a_legacy_argon2_token_works_once_and_is_stored_as_a_digest,
    a_merge_patch_is_checked_and_written_in_one_call,
    an_office_is_created_from_a_clients_body_in_one_call,
);

const SEAT: &str = "seat-19753";
const SEAT_COMMUNE: &str = "19753";
const OTHER_COMMUNE: &str = "19789";

fn post_office(id: &str, commune: &str) -> OfficeDraft {
    let (lon, lat) = point_in(commune);
    OfficeDraft {
        id: Some(id.into()),
        kind: Some("post_office".into()),
        name: Some("Bưu cục thử".into()),
        address: Some("1 Lê Lợi".into()),
        lon: Some(lon),
        lat: Some(lat),
        position_precision: Some("geocoded".into()),
        ..Default::default()
    }
}

/// A JSON object, as a handler receives a body.
fn object(value: serde_json::Value) -> serde_json::Map<String, serde_json::Value> {
    value.as_object().expect("an object").clone()
}

fn a_merge_patch_is_checked_and_written_in_one_call(kind: Kind) {
    let store = Store::new(kind);
    let r = &store.registry;
    let data = common::dataset();
    let admin = store.actor(Role::Admin, &[], "admin");
    let other = store.actor(Role::Editor, &[OTHER_COMMUNE], "Another ward");

    // Fields it does not name are kept; `null` clears one; the commune follows the position.
    let patched = r
        .patch(&admin, SEAT, 1, object(json!({"phone": "0234 3822 123", "reason": "the notice board"})), data)
        .unwrap();
    assert_eq!((patched.after.version, patched.after.phone.as_deref()), (2, Some("0234 3822 123")));
    assert_eq!(patched.after.name, r.office(SEAT).unwrap().unwrap().name);
    let cleared = r.patch(&admin, SEAT, 2, object(json!({"phone": null, "reason": "wrong number"})), data).unwrap();
    assert_eq!(cleared.after.phone, None);

    // Refusals, in order: unknown office, permission, version; then every bad field at once.
    let no_office = r.patch(&admin, "no-such-office", 1, object(json!({"reason": "x"})), data);
    assert!(matches!(no_office, Err(WriteError::NotFound { .. })));
    let forbidden = r.patch(&other, SEAT, 3, object(json!({"notes": "x", "reason": "x"})), data);
    assert!(matches!(forbidden, Err(WriteError::Forbidden { .. })));
    let stale = r.patch(&admin, SEAT, 2, object(json!({"notes": "x"})), data);
    assert!(matches!(stale, Err(WriteError::VersionMismatch { current }) if current.version == 3));
    let bad = json!({"id": "another-id", "lon": "east", "phone": "call me", "position_precision": "exactish"});
    match r.patch(&admin, SEAT, 3, object(bad), data) {
        Err(WriteError::Invalid(errors)) => {
            let mut fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
            fields.sort();
            assert_eq!(fields, ["id", "lon", "phone", "position_precision", "reason"], "{errors:?}");
        }
        other => panic!("expected every bad field, got {other:?}"),
    }
    // Outside its commune only with a reason, and only into a commune that exists.
    let (lon, lat) = point_in(OTHER_COMMUNE);
    let nowhere = json!({"lon": lon, "lat": lat, "position_precision": "surveyed", "commune_code": "99999",
        "allow_outside_commune": true, "outside_commune_reason": "housed next door", "reason": "moved"});
    match r.patch(&admin, SEAT, 3, object(nowhere), data) {
        Err(WriteError::Invalid(errors)) => {
            assert_eq!(errors.len(), 1, "{errors:?}");
            assert_eq!(errors[0].field, "commune_code");
            assert!(errors[0].reason.contains("99999"), "{errors:?}");
        }
        other => panic!("expected an unknown commune code, got {other:?}"),
    }
    // Nothing refused was written.
    assert_eq!(r.history(SEAT).unwrap().len(), 3);

    // A closed office is gone for patches too.
    r.close(&admin, SEAT, 3, &reason("the ward moved its office")).unwrap();
    let closed = r.patch(&admin, SEAT, 4, object(json!({"notes": "x", "reason": "x"})), data);
    assert!(matches!(closed, Err(WriteError::Closed { .. })));
}

fn an_office_is_created_from_a_clients_body_in_one_call(kind: Kind) {
    let store = Store::new(kind);
    let r = &store.registry;
    let data = common::dataset();
    let staff = store.actor(Role::Editor, &[SEAT_COMMUNE], "Phú Xuân ward office");
    let (lon, lat) = point_in(SEAT_COMMUNE);
    let body = json!({"id": "po-body", "kind": "post_office", "name": "Bưu cục thử", "address": "1 Lê Lợi",
        "lon": lon, "lat": lat, "position_precision": "geocoded", "reason": "new post office"});
    let created = r.create_from_body(&staff, object(body.clone()), data, None).unwrap().into_inner();
    assert_eq!((created.after.id.as_str(), created.after.commune_code.as_str()), ("po-body", SEAT_COMMUNE));
    assert_eq!(created.reason, "new post office");

    let mut without_reason = object(body);
    without_reason.remove("reason");
    without_reason.insert("id".into(), json!("po-body-2"));
    without_reason.insert("kind".into(), json!("tavern"));
    match r.create_from_body(&staff, without_reason, data, None) {
        Err(WriteError::Invalid(errors)) => {
            let mut fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
            fields.sort();
            assert_eq!(fields, ["kind", "reason"], "{errors:?}");
        }
        other => panic!("expected the kind and the reason, got {other:?}"),
    }
    assert!(r.office("po-body-2").unwrap().is_none());
}

fn the_dataset_seeds_the_registry_once(kind: Kind) {
    let store = Store::new(kind);
    let snapshot = store.registry.current_offices().unwrap();
    assert_eq!(snapshot.offices.len(), 40);
    assert_eq!(snapshot.registry_version, 40);
    assert!(snapshot.offices.iter().all(|o| o.position_precision == PositionPrecision::CommuneLabelPoint));
    assert!(snapshot.offices.iter().all(|o| o.version == 1 && o.is_current()));
    let ids: Vec<&str> = snapshot.offices.iter().map(|o| o.id.as_str()).collect();
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted, "the snapshot is ordered by id");

    let seat = store.registry.office(SEAT).unwrap().unwrap();
    assert_eq!(seat.address, "394 Đinh Tiên Hoàng, phường Phú Xuân");
    assert_eq!(seat.commune_code, SEAT_COMMUNE);
    assert!(seat.source.contains("sapnhap.bando.com.vn"));
    let history = store.registry.history(SEAT).unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].action, ChangeAction::Seed);
    assert_eq!(history[0].actor.name, SEED_ACTOR_NAME);
    assert_eq!(history[0].reason, SEED_REASON);
    assert_eq!(history[0].after, seat);
    assert!(history[0].before.is_none());

    // Opening again (a restart, another replica) imports nothing more, and keeps edits.
    let admin = store.actor(Role::Admin, &[], "admin");
    let mut draft = OfficeDraft::from_record(&seat);
    draft.phone = Some("0234 3822 123".into());
    let edited = validate(&draft, &locate).unwrap();
    store.registry.update(&admin, SEAT, 1, &edited, &reason("phone from the ward's notice board")).unwrap();
    drop(store.another());
    let again = store.another();
    assert_eq!(again.registry_version().unwrap(), 41);
    assert_eq!(again.current_offices().unwrap().offices.len(), 40);
    assert_eq!(again.office(SEAT).unwrap().unwrap().phone.as_deref(), Some("0234 3822 123"));
}

fn a_future_schema_version_is_refused(kind: Kind) {
    let store = Store::new(kind);
    let applied_at = if kind == Kind::Sqlite { "'2030-01-01T00:00:00Z'" } else { "now()" };
    store.execute_raw(&format!("INSERT INTO schema_version (version, applied_at) VALUES (99, {applied_at})"));
    match store.reopen() {
        Err(StoreError::FutureSchema { found: 99, supported }) => {
            assert_eq!(supported, SCHEMA_VERSION);
            let message = StoreError::FutureSchema { found: 99, supported }.to_string();
            assert!(message.contains("99") && message.contains(&SCHEMA_VERSION.to_string()), "{message}");
        }
        other => panic!("expected FutureSchema, got {other:?}"),
    }
}

fn offices_are_created_updated_and_closed_with_history(kind: Kind) {
    let store = Store::new(kind);
    let r = &store.registry;
    let staff = store.actor(Role::Editor, &[SEAT_COMMUNE], "Phú Xuân ward office");

    let office = validate(&post_office("po-test", SEAT_COMMUNE), &locate).unwrap();
    let created = r.create(&staff, &office, &reason("new post office")).unwrap();
    assert_eq!((created.seq, created.office_version, created.action), (41, 1, ChangeAction::Create));
    assert_eq!(created.actor.token_id, staff.token_id);
    assert_eq!(created.fields["name"].before, json!(null));
    assert_eq!(created.after.commune_code, SEAT_COMMUNE);
    assert!(matches!(r.create(&staff, &office, &reason("again")), Err(WriteError::AlreadyExists { .. })));

    let mut draft = OfficeDraft::from_record(&created.after);
    draft.phone = Some("0234 3500 000".into());
    draft.services = vec!["bưu chính".into(), "chi trả lương hưu".into()];
    let updated =
        r.update(&staff, "po-test", 1, &validate(&draft, &locate).unwrap(), &reason("phone and services")).unwrap();
    assert_eq!((updated.seq, updated.office_version, updated.action), (42, 2, ChangeAction::Update));
    assert_eq!(updated.fields.keys().collect::<Vec<_>>(), ["phone", "services"]);
    assert_eq!(updated.fields["phone"].before, json!(null));
    assert_eq!(updated.fields["phone"].after, json!("0234 3500 000"));
    assert_eq!(updated.before.as_ref().map(|b| b.version), Some(1));
    assert_eq!(updated.after.source, created.after.source, "the source is kept when none is given");

    // The same values again make no version.
    let same = validate(&draft, &locate).unwrap();
    assert!(matches!(r.update(&staff, "po-test", 2, &same, &reason("again")), Err(WriteError::NoChange { .. })));

    // A moved office cannot claim to be at the commune's label point.
    let mut moved = draft.clone();
    let seat = store.registry.office(SEAT).unwrap().unwrap();
    moved.lon = Some(seat.lon);
    moved.lat = Some(seat.lat);
    moved.position_precision = Some("commune_label_point".into());
    let moved = validate(&moved, &locate).unwrap();
    match r.update(&staff, "po-test", 2, &moved, &reason("moved")) {
        Err(WriteError::Invalid(errors)) => assert_eq!(errors[0].field, "position_precision"),
        other => panic!("expected Invalid, got {other:?}"),
    }

    let closed = r.close(&staff, "po-test", 2, &reason("moved into the ward's seat")).unwrap();
    assert_eq!((closed.seq, closed.office_version, closed.action), (43, 3, ChangeAction::Close));
    assert_eq!(closed.fields.keys().collect::<Vec<_>>(), ["valid_to"]);
    let snapshot = r.current_offices().unwrap();
    assert_eq!(snapshot.registry_version, 43);
    assert!(snapshot.offices.iter().all(|o| o.id != "po-test"));
    let kept = r.office("po-test").unwrap().unwrap();
    assert!(!kept.is_current());
    assert_eq!(kept.version, 3);
    assert!(matches!(r.close(&staff, "po-test", 3, &reason("twice")), Err(WriteError::Closed { .. })));
    assert!(matches!(r.update(&staff, "po-test", 3, &same, &reason("reopen")), Err(WriteError::Closed { .. })));

    let history = r.history("po-test").unwrap();
    let versions: Vec<(u64, ChangeAction)> = history.iter().map(|c| (c.office_version, c.action)).collect();
    assert_eq!(versions, [(1, ChangeAction::Create), (2, ChangeAction::Update), (3, ChangeAction::Close)]);
    assert_eq!(history[1].reason, "phone and services");
    assert_eq!(history[2].after, kept);
    assert!(matches!(
        r.close(&staff, "no-such-office", 1, &reason("x")),
        Err(WriteError::NotFound { what: "office", .. })
    ));
}

fn a_moved_office_names_who_set_its_position(kind: Kind) {
    let store = Store::new(kind);
    let admin = store.actor(Role::Admin, &[], "admin");
    let seat = store.registry.office(SEAT).unwrap().unwrap();
    let mut draft = OfficeDraft::from_record(&seat);
    draft.lon = Some(seat.lon + 0.0005);
    draft.position_precision = Some("surveyed".into());
    let moved =
        store.registry.update(&admin, SEAT, 1, &validate(&draft, &locate).unwrap(), &reason("the door")).unwrap();
    // The dataset's source described the label point; the position is now this person's.
    assert_eq!(moved.after.source, format!("position set by {}", admin.name));
    assert!(moved.fields.contains_key("source"));
    // A change that names its own source keeps it.
    let mut again = OfficeDraft::from_record(&moved.after);
    again.lat = Some(seat.lat + 0.0005);
    again.source = Some("khảo sát thực địa 2026".into());
    let sourced =
        store.registry.update(&admin, SEAT, 2, &validate(&again, &locate).unwrap(), &reason("survey")).unwrap();
    assert_eq!(sourced.after.source, "khảo sát thực địa 2026");
}

fn a_stale_expected_version_is_refused(kind: Kind) {
    let store = Store::new(kind);
    let admin = store.actor(Role::Admin, &[], "admin");
    let seat = store.registry.office(SEAT).unwrap().unwrap();
    let mut draft = OfficeDraft::from_record(&seat);
    draft.notes = Some("first".into());
    store.registry.update(&admin, SEAT, 1, &validate(&draft, &locate).unwrap(), &reason("first")).unwrap();
    draft.notes = Some("second, from a stale form".into());
    match store.registry.update(&admin, SEAT, 1, &validate(&draft, &locate).unwrap(), &reason("second")) {
        Err(WriteError::VersionMismatch { current }) => {
            assert_eq!(current.version, 2);
            assert_eq!(current.notes.as_deref(), Some("first"));
        }
        other => panic!("expected VersionMismatch, got {other:?}"),
    }
    assert!(matches!(store.registry.close(&admin, SEAT, 1, &reason("stale")), Err(WriteError::VersionMismatch { .. })));
    assert_eq!(store.registry.history(SEAT).unwrap().len(), 2);
}

fn of_fifty_concurrent_updates_exactly_one_wins(kind: Kind) {
    const WRITERS: usize = 50;
    let store = Store::new(kind);
    let admin = store.actor(Role::Admin, &[], "admin");
    let seat = store.registry.office(SEAT).unwrap().unwrap();
    // Five registries on one database, like five replicas (or the CLI beside the server).
    let others: Vec<registry::Registry> = (0..4).map(|_| store.another()).collect();
    let registries: Vec<&registry::Registry> = std::iter::once(&store.registry).chain(others.iter()).collect();
    let barrier = Barrier::new(WRITERS);
    let results: Vec<Result<registry::Change, WriteError>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..WRITERS)
            .map(|i| {
                let (registry, barrier, admin, seat) = (registries[i % registries.len()], &barrier, &admin, &seat);
                scope.spawn(move || {
                    let mut draft = OfficeDraft::from_record(seat);
                    draft.notes = Some(format!("writer {i}"));
                    let office = validate(&draft, &locate).unwrap();
                    barrier.wait();
                    registry.update(admin, SEAT, 1, &office, &reason(&format!("writer {i}")))
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let winners: Vec<&registry::Change> = results.iter().filter_map(|r| r.as_ref().ok()).collect();
    assert_eq!(winners.len(), 1, "{results:?}");
    let losers =
        results.iter().filter(|r| matches!(r, Err(WriteError::VersionMismatch { current }) if current.version == 2));
    assert_eq!(losers.count(), WRITERS - 1);
    let history = store.registry.history(SEAT).unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(history[1].reason, winners[0].reason);
    assert_eq!(store.registry.registry_version().unwrap(), 41);
}

fn editors_change_only_their_own_communes(kind: Kind) {
    let store = Store::new(kind);
    let r = &store.registry;
    let editor = store.actor(Role::Editor, &[SEAT_COMMUNE], "Phú Xuân editor");
    let seat = r.office(SEAT).unwrap().unwrap();

    // Within the commune: allowed (and the position gets a real precision).
    let (lon, lat) = point_in(SEAT_COMMUNE);
    let mut draft = OfficeDraft::from_record(&seat);
    draft.lon = Some(lon);
    draft.lat = Some(lat);
    draft.position_precision = Some("surveyed".into());
    let moved = r.update(&editor, SEAT, 1, &validate(&draft, &locate).unwrap(), &reason("surveyed")).unwrap();
    assert_eq!(moved.after.position_precision, PositionPrecision::Surveyed);

    // Into another commune: the new commune is not theirs.
    let (lon, lat) = point_in(OTHER_COMMUNE);
    let mut away = OfficeDraft::from_record(&moved.after);
    away.lon = Some(lon);
    away.lat = Some(lat);
    let away = validate(&away, &locate).unwrap();
    assert_eq!(away.commune_code(), OTHER_COMMUNE);
    assert!(matches!(r.update(&editor, SEAT, 2, &away, &reason("moved")), Err(WriteError::Forbidden { .. })));

    // Another commune's office, or a new one there: forbidden.
    let other_seat = r.office("seat-19789").unwrap().unwrap();
    let mut other = OfficeDraft::from_record(&other_seat);
    other.notes = Some("not mine".into());
    let other = validate(&other, &locate).unwrap();
    assert!(matches!(r.update(&editor, "seat-19789", 1, &other, &reason("x")), Err(WriteError::Forbidden { .. })));
    assert!(matches!(r.close(&editor, "seat-19789", 1, &reason("x")), Err(WriteError::Forbidden { .. })));
    let new = validate(&post_office("po-elsewhere", OTHER_COMMUNE), &locate).unwrap();
    assert!(matches!(r.create(&editor, &new, &reason("x")), Err(WriteError::Forbidden { .. })));

    // An administrator may do all of it, but a commune keeps one seat: the move waits until
    // the other commune's seat is closed.
    let admin = store.actor(Role::Admin, &[], "admin");
    let two_seats = r.update(&admin, SEAT, 2, &away, &reason("the seat moved"));
    // The refusal says where the new position lies, and whose seat is there.
    assert!(
        matches!(&two_seats, Err(WriteError::Invalid(e)) if e[0].field == "position"
            && e[0].reason.contains(&format!("lies in commune {OTHER_COMMUNE}, not in this seat's commune {SEAT_COMMUNE}"))
            && e[0].reason.contains("seat-19789")),
        "{two_seats:?}"
    );
    r.close(&admin, "seat-19789", 1, &reason("merged into the other seat")).unwrap();
    r.update(&admin, SEAT, 2, &away, &reason("the seat moved")).unwrap();
    assert_eq!(r.office(SEAT).unwrap().unwrap().commune_code, OTHER_COMMUNE);
    assert_eq!(r.registry_version().unwrap(), 43);
}

fn opening_hours_are_validated_and_evaluated(kind: Kind) {
    let store = Store::new(kind);
    let admin = store.actor(Role::Admin, &[], "admin");
    let seat = store.registry.office(SEAT).unwrap().unwrap();
    assert_eq!(seat.is_open_at(Utc::now()), None, "no hours, no answer");

    let mut draft = OfficeDraft::from_record(&seat);
    draft.opening_hours = Some("Mo-Fr 07:00-11:30,13:30-17:00; Sa 07:30-11:00; PH off".into());
    let office = validate(&draft, &locate).unwrap();
    store.registry.update(&admin, SEAT, 1, &office, &reason("hours posted at the door")).unwrap();
    let seat = store.registry.office(SEAT).unwrap().unwrap();
    let at = |t: &str| DateTime::parse_from_rfc3339(t).unwrap().with_timezone(&Utc);
    // Wednesday 2025-07-09, Huế time.
    assert_eq!(seat.is_open_at(at("2025-07-09T08:00:00+07:00")), Some(true));
    assert_eq!(seat.is_open_at(at("2025-07-09T12:00:00+07:00")), Some(false));
    assert_eq!(seat.is_open_at(at("2025-07-09T16:59:00+07:00")), Some(true));
    // 09:00 UTC is 16:00 in Huế: open (a server evaluating in UTC would say closed).
    assert_eq!(seat.is_open_at(at("2025-07-09T09:00:00Z")), Some(true));
    assert_eq!(seat.is_open_at(at("2025-07-12T10:00:00+07:00")), Some(true), "Saturday morning");
    assert_eq!(seat.is_open_at(at("2025-07-13T10:00:00+07:00")), Some(false), "Sunday");
    assert_eq!(seat.is_open_at(at("2025-09-02T08:00:00+07:00")), Some(false), "National Day");

    draft.opening_hours = Some("Mo-Fr 07:00-25:99".into());
    let errors = validate(&draft, &locate).unwrap_err();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].field, "opening_hours");
    assert!(errors[0].reason.len() > "not valid opening_hours syntax: ".len(), "{}", errors[0].reason);
}

fn tokens_authenticate_until_revoked(kind: Kind) {
    let store = Store::new(kind);
    let r = &store.registry;
    let (info, secret) = r.create_token(Role::Editor, vec!["19753".into(), "19789".into()], "Nguyễn Văn A").unwrap();
    assert_eq!(info.role, Role::Editor);
    assert!(secret.expose().starts_with(&format!("hmt_{}_", info.id)));
    assert!(!format!("{secret:?}").contains(secret.expose()));

    let actor = r.authenticate(secret.expose()).unwrap().expect("the secret authenticates");
    assert_eq!(
        (actor.token_id.as_str(), actor.name.as_str(), actor.role),
        (info.id.as_str(), "Nguyễn Văn A", Role::Editor)
    );
    assert_eq!(actor.communes, ["19753", "19789"]);

    let mut wrong = secret.expose().to_string();
    let last = wrong.pop().unwrap();
    wrong.push(if last == 'a' { 'b' } else { 'a' });
    assert_eq!(r.authenticate(&wrong).unwrap(), None);
    assert_eq!(r.authenticate("hmt_nothing").unwrap(), None);
    assert_eq!(r.authenticate("").unwrap(), None);

    let stored = store.raw_token_hashes();
    assert_eq!(stored.len(), 1);
    assert!(stored[0].1.starts_with("sha256$"), "a digest, not a slow hash: {}", stored[0].1);
    assert!(!stored[0].1.contains(secret.expose()) && !stored[0].1.contains(&secret.expose()[21..]));

    let revoked = r.revoke_token(&info.id).unwrap();
    assert!(revoked.revoked_at.is_some());
    assert_eq!(r.authenticate(secret.expose()).unwrap(), None, "a revoked token fails");
    assert!(r.revoke_token(&info.id).is_ok(), "revoking twice is harmless");
    assert!(matches!(r.revoke_token("000000000000"), Err(WriteError::NotFound { what: "token", .. })));
    let listed = r.list_tokens().unwrap();
    assert_eq!(listed.len(), 1);
    assert!(listed[0].revoked_at.is_some());

    match r.create_token(Role::Editor, vec![], " ") {
        Err(WriteError::Invalid(errors)) => {
            let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
            assert_eq!(fields, ["name", "communes"]);
        }
        other => panic!("expected Invalid, got {other:?}"),
    }
}

fn reports_are_filed_listed_accepted_and_rejected(kind: Kind) {
    let store = Store::new(kind);
    let r = &store.registry;
    let (lon, lat) = point_in(SEAT_COMMUNE);
    let moved = r
        .create_report(&NewReport {
            office_id: SEAT.into(),
            kind: ReportKind::WrongPosition,
            message: "Trụ sở ở số 394, phía bắc".into(),
            proposed_position: Some((lon, lat)),
        })
        .unwrap();
    assert_eq!((moved.status, moved.commune_code.as_str()), (ReportStatus::Open, SEAT_COMMUNE));
    let hours = r
        .create_report(&NewReport {
            office_id: "seat-19789".into(),
            kind: ReportKind::WrongHours,
            message: "Closed on Saturdays".into(),
            proposed_position: None,
        })
        .unwrap();
    let unknown = NewReport {
        office_id: "nowhere".into(),
        kind: ReportKind::Closed,
        message: String::new(),
        proposed_position: None,
    };
    assert!(matches!(r.create_report(&unknown), Err(WriteError::NotFound { .. })));
    let long = NewReport {
        office_id: SEAT.into(),
        kind: ReportKind::Other,
        message: "x".repeat(1001),
        proposed_position: None,
    };
    assert!(matches!(r.create_report(&long), Err(WriteError::Invalid(_))));

    let editor = store.actor(Role::Editor, &[SEAT_COMMUNE], "editor");
    let admin = store.actor(Role::Admin, &[], "admin");
    let mine: Vec<u64> =
        r.list_reports(&editor, ReportFilter::Status(ReportStatus::Open)).unwrap().iter().map(|x| x.id).collect();
    assert_eq!(mine, [moved.id]);
    assert_eq!(r.list_reports(&admin, ReportFilter::All).unwrap().len(), 2);

    // The resolver must say how the position was confirmed.
    let no_precision = Resolution::Accept { position_precision: None };
    assert!(matches!(
        r.resolve_report(&editor, moved.id, no_precision, &reason("ok"), &locate),
        Err(WriteError::Invalid(_))
    ));
    assert!(matches!(
        r.resolve_report(&editor, hours.id, Resolution::Reject, &reason("not mine"), &locate),
        Err(WriteError::Forbidden { .. })
    ));

    let accept = Resolution::Accept { position_precision: Some(PositionPrecision::Surveyed) };
    let resolved = r.resolve_report(&editor, moved.id, accept, &reason("checked on site"), &locate).unwrap();
    assert_eq!(resolved.report.status, ReportStatus::Accepted);
    assert_eq!(resolved.report.resolved_by.as_ref().map(|a| a.token_id.as_str()), Some(editor.token_id.as_str()));
    let change = resolved.change.expect("the office moved");
    assert_eq!((change.action, change.report_id), (ChangeAction::ReportAccepted, Some(moved.id)));
    assert!(change.fields.contains_key("position_precision"));
    assert!(change.fields.keys().all(|f| ["lon", "lat", "position_precision", "source"].contains(&f.as_str())));
    let seat = r.office(SEAT).unwrap().unwrap();
    assert_eq!(
        seat.source,
        format!("position from resident report {}, confirmed by editor", moved.id),
        "the source no longer describes the old position"
    );
    assert_eq!((seat.lon, seat.lat, seat.position_precision, seat.version), (lon, lat, PositionPrecision::Surveyed, 2));
    assert_eq!(r.history(SEAT).unwrap().last().unwrap().report_id, Some(moved.id));
    assert!(matches!(
        r.resolve_report(&admin, moved.id, Resolution::Reject, &reason("again"), &locate),
        Err(WriteError::AlreadyResolved { .. })
    ));

    let rejected = r.resolve_report(&admin, hours.id, Resolution::Reject, &reason("hours are right"), &locate).unwrap();
    assert_eq!((rejected.report.status, rejected.change), (ReportStatus::Rejected, None));
    assert_eq!(rejected.report.resolution_reason.as_deref(), Some("hours are right"));
    assert!(r.list_reports(&admin, ReportFilter::Status(ReportStatus::Open)).unwrap().is_empty());
    assert_eq!(r.list_reports(&admin, ReportFilter::Status(ReportStatus::Rejected)).unwrap().len(), 1);
    assert_eq!(r.registry_version().unwrap(), 41, "only the accepted position made a version");
}

fn the_change_feed_is_ordered_without_gaps(kind: Kind) {
    let store = Store::new(kind);
    let admin = store.actor(Role::Admin, &[], "admin");
    for (i, id) in ["seat-19753", "seat-19789", "seat-19753"].iter().enumerate() {
        let current = store.registry.office(id).unwrap().unwrap();
        let mut draft = OfficeDraft::from_record(&current);
        draft.notes = Some(format!("note {i}"));
        store
            .registry
            .update(&admin, id, current.version, &validate(&draft, &locate).unwrap(), &reason("notes"))
            .unwrap();
    }
    let all = store.registry.changes_since(0, 1000).unwrap();
    assert_eq!(all.registry_version, 43);
    let seqs: Vec<u64> = all.changes.iter().map(|c| c.seq).collect();
    assert_eq!(seqs, (1..=43).collect::<Vec<_>>());

    // Paging from the last sequence seen misses nothing.
    let mut seen = Vec::new();
    let mut since = 0;
    loop {
        let page = store.registry.changes_since(since, 7).unwrap();
        if page.changes.is_empty() {
            break;
        }
        assert!(page.changes.len() <= 7);
        since = page.changes.last().unwrap().seq;
        seen.extend(page.changes.into_iter().map(|c| c.seq));
    }
    assert_eq!(seen, seqs);
    let tail = store.registry.changes_since(40, 1000).unwrap();
    let tail: Vec<(u64, &str)> = tail.changes.iter().map(|c| (c.seq, c.office_id.as_str())).collect();
    assert_eq!(tail, [(41, "seat-19753"), (42, "seat-19789"), (43, "seat-19753")]);
    assert!(store.registry.changes_since(43, 10).unwrap().changes.is_empty());
}

fn imports_are_dry_run_or_all_or_nothing(kind: Kind) {
    let store = Store::new(kind);
    let r = &store.registry;
    let admin = store.actor(Role::Admin, &[], "admin");

    // The dataset's own file changes nothing.
    let csv = std::fs::read_to_string(testkit::reference_data_dir().join("offices.csv")).unwrap();
    let same = r.import(&admin, &parse_csv(&csv).unwrap(), &reason("re-import"), ImportMode::DryRun, &locate).unwrap();
    assert_eq!(same.outcomes.len(), 40);
    assert!(same.outcomes.iter().all(|o| o.outcome == Outcome::Unchanged), "{:?}", same.outcomes);

    let (lon, lat) = point_in(OTHER_COMMUNE);
    let good = format!(
        "id,kind,name,address,lon,lat,position_precision,opening_hours,phone\n\
         seat-19753,commune_seat,Trụ sở Phường Phú Xuân,\"394 Đinh Tiên Hoàng, phường Phú Xuân\",107.577,16.4785,commune_label_point,Mo-Fr 07:00-17:00,0234 1234 567\n\
         po-new,post_office,Bưu cục mới,5 Hùng Vương,{lon},{lat},geocoded,,\n"
    );
    let rows = parse_csv(&good).unwrap();
    let dry = r.import(&admin, &rows, &reason("post offices"), ImportMode::DryRun, &locate).unwrap();
    assert!(!dry.applied);
    assert_eq!(dry.registry_version, 40);
    // The row names no source, so the seat keeps the dataset's.
    assert_eq!(dry.outcomes[0].outcome, Outcome::Changed { fields: vec!["opening_hours".into(), "phone".into()] });
    assert_eq!(dry.outcomes[1].outcome, Outcome::New);
    assert_eq!(r.registry_version().unwrap(), 40, "a dry run writes nothing");
    assert!(r.office("po-new").unwrap().is_none());

    // One bad row: nothing is written, and the bad row says why.
    let bad = format!("{good}po-bad,post_office,Bưu cục,1 Lê Lợi,108.2,16.05,geocoded,whenever,\n");
    let refused =
        r.import(&admin, &parse_csv(&bad).unwrap(), &reason("post offices"), ImportMode::Apply, &locate).unwrap();
    assert!(!refused.applied);
    assert_eq!(refused.errors(), 1);
    match &refused.outcomes[2].outcome {
        Outcome::Error { reason } => {
            assert!(reason.contains("position") && reason.contains("opening_hours"), "{reason}")
        }
        other => panic!("expected an error, got {other:?}"),
    }
    assert_eq!(r.registry_version().unwrap(), 40);
    assert!(r.office("po-new").unwrap().is_none());

    let applied = r.import(&admin, &rows, &reason("post offices"), ImportMode::Apply, &locate).unwrap();
    assert!(applied.applied);
    assert_eq!(applied.registry_version, 42);
    let new = r.office("po-new").unwrap().unwrap();
    assert_eq!((new.commune_code.as_str(), new.version), (OTHER_COMMUNE, 1));
    let seat = r.office(SEAT).unwrap().unwrap();
    assert_eq!((seat.phone.as_deref(), seat.version), (Some("0234 1234 567"), 2));
    assert!(r.history("po-new").unwrap().iter().all(|c| c.action == ChangeAction::Import));

    // An editor's rows outside their communes are errors, and nothing is applied.
    let editor = store.actor(Role::Editor, &[SEAT_COMMUNE], "editor");
    let again = r.import(&editor, &rows, &reason("again"), ImportMode::Apply, &locate).unwrap();
    assert!(!again.applied);
    assert_eq!(again.outcomes[0].outcome, Outcome::Unchanged);
    assert!(matches!(&again.outcomes[1].outcome, Outcome::Error { reason } if reason.contains("forbidden")));
}

fn a_partial_sheet_keeps_what_it_lacks_and_a_stale_row_fails(kind: Kind) {
    let store = Store::new(kind);
    let r = &store.registry;
    let admin = store.actor(Role::Admin, &[], "admin");
    let seat = r.office(SEAT).unwrap().unwrap();
    let other_seat = format!("seat-{OTHER_COMMUNE}");
    let (lon, lat) = point_in(SEAT_COMMUNE);

    // A survey sheet: the seat moves and says how; the other row's empty cells keep everything.
    let sheet = format!("id,lon,lat,position_precision,version\n{SEAT},{lon},{lat},surveyed,1\n{other_seat},,,,\n");
    let report = r.import(&admin, &parse_csv(&sheet).unwrap(), &reason("survey"), ImportMode::Apply, &locate).unwrap();
    assert!(report.applied, "{:?}", report.outcomes);
    // The position and its precision change, and (as for any move) the source names who set it.
    let Outcome::Changed { fields } = &report.outcomes[0].outcome else { panic!("{:?}", report.outcomes) };
    assert!(fields.iter().all(|f| ["lon", "lat", "position_precision", "source"].contains(&f.as_str())), "{fields:?}");
    assert_eq!(report.outcomes[0].changes["position_precision"].before, json!("commune_label_point"));
    assert_eq!(report.outcomes[0].changes["position_precision"].after, json!("surveyed"));
    assert_eq!(report.outcomes[1].outcome, Outcome::Unchanged);
    let moved = r.office(SEAT).unwrap().unwrap();
    assert_eq!((moved.lon, moved.lat, moved.version), (lon, lat, 2));
    assert_eq!((&moved.name, &moved.address, &moved.phone), (&seat.name, &seat.address, &seat.phone), "kept");

    // The same sheet again was made from version 1: the office is at 2 now, so the row fails.
    let stale = r.import(&admin, &parse_csv(&sheet).unwrap(), &reason("survey"), ImportMode::DryRun, &locate).unwrap();
    let why = import_error(&stale, 0);
    assert!(why.contains("version 1") && why.contains("version 2"), "{why}");

    // A move must say how the position was found; a partial row cannot create an office.
    let (lon2, lat2) = point_in(OTHER_COMMUNE);
    let sheet = format!("id,lon,lat\n{other_seat},{lon2},{lat2}\npo-unknown,{lon2},{lat2}\n");
    let refused = r.import(&admin, &parse_csv(&sheet).unwrap(), &reason("x"), ImportMode::Apply, &locate).unwrap();
    assert!(!refused.applied);
    assert!(import_error(&refused, 0).starts_with("position_precision:"), "{}", import_error(&refused, 0));
    assert!(import_error(&refused, 1).contains("only updates existing offices"), "{}", import_error(&refused, 1));
    assert_eq!(r.office(&other_seat).unwrap().unwrap().version, 1, "nothing was written");

    // A whole sheet's version column guards it too, and a new office shows its values.
    let whole = format!(
        "id,kind,name,address,lon,lat,position_precision,version\n\
         po-new,post_office,Bưu cục,1 Lê Lợi,{lon2},{lat2},geocoded,\n"
    );
    let dry = r.import(&admin, &parse_csv(&whole).unwrap(), &reason("x"), ImportMode::DryRun, &locate).unwrap();
    assert_eq!(dry.outcomes[0].outcome, Outcome::New);
    assert_eq!(dry.outcomes[0].changes["name"].after, json!("Bưu cục"));
    let versioned = whole.replace("geocoded,\n", "geocoded,4\n");
    let dry = r.import(&admin, &parse_csv(&versioned).unwrap(), &reason("x"), ImportMode::DryRun, &locate).unwrap();
    assert!(import_error(&dry, 0).contains("no office"), "{}", import_error(&dry, 0));
}

/// The import's outcome for row `i`, which must be an error; its reason.
fn import_error(report: &registry::ImportReport, i: usize) -> &str {
    match &report.outcomes[i].outcome {
        Outcome::Error { reason } => reason,
        other => panic!("row {i}: expected an error, got {other:?} ({:?})", report.outcomes),
    }
}

fn an_import_cannot_turn_an_office_into_a_second_seat(kind: Kind) {
    let store = Store::new(kind);
    let r = &store.registry;
    let admin = store.actor(Role::Admin, &[], "admin");
    let (lon, lat) = point_in(SEAT_COMMUNE);
    let header = "id,kind,name,address,lon,lat,position_precision\n";
    let office = format!("{header}po-1,post_office,Bưu cục,1 Lê Lợi,{lon},{lat},geocoded\n");
    let made = r.import(&admin, &parse_csv(&office).unwrap(), &reason("a post office"), ImportMode::Apply, &locate);
    assert!(made.unwrap().applied);

    let seat = format!("{header}po-1,commune_seat,Bưu cục,1 Lê Lợi,{lon},{lat},geocoded\n");
    for mode in [ImportMode::DryRun, ImportMode::Apply] {
        let report = r.import(&admin, &parse_csv(&seat).unwrap(), &reason("promote"), mode, &locate).unwrap();
        assert!(!report.applied);
        let why = import_error(&report, 0);
        assert!(why.contains("already has a seat") && why.contains(SEAT), "{why}");
    }
    assert_eq!(r.office("po-1").unwrap().unwrap().kind, data_boundaries::OfficeKind::PostOffice);
}

fn two_new_seats_for_one_commune_in_one_file_are_refused(kind: Kind) {
    let store = Store::new(kind);
    let r = &store.registry;
    let admin = store.actor(Role::Admin, &[], "admin");
    let seat = r.office(SEAT).unwrap().unwrap();
    r.close(&admin, SEAT, seat.version, &reason("the ward moved its office")).unwrap();

    let (lon, lat) = point_in(SEAT_COMMUNE);
    let file = format!(
        "id,kind,name,address,lon,lat,position_precision\n\
         seat-a,commune_seat,Trụ sở A,1 Lê Lợi,{lon},{lat},geocoded\n\
         seat-b,commune_seat,Trụ sở B,2 Lê Lợi,{lon},{lat},geocoded\n"
    );
    let rows = parse_csv(&file).unwrap();
    let version = r.registry_version().unwrap();
    for mode in [ImportMode::DryRun, ImportMode::Apply] {
        let report = r.import(&admin, &rows, &reason("new seat"), mode, &locate).unwrap();
        assert!(!report.applied);
        assert_eq!(report.outcomes[0].outcome, Outcome::New, "the first seat alone would do");
        let why = import_error(&report, 1);
        assert!(why.contains("already has a seat, seat-a"), "the second sees the first: {why}");
        assert_eq!(report.registry_version, version);
    }
    assert!(r.office("seat-a").unwrap().is_none(), "nothing was written");
    assert_eq!(r.registry_version().unwrap(), version);

    // One new seat is fine.
    let one: Vec<_> = rows.into_iter().take(1).collect();
    assert!(r.import(&admin, &one, &reason("new seat"), ImportMode::Apply, &locate).unwrap().applied);
}

fn accepting_a_report_cannot_move_a_seat_into_a_seated_commune(kind: Kind) {
    let store = Store::new(kind);
    let r = &store.registry;
    let admin = store.actor(Role::Admin, &[], "admin");
    let (lon, lat) = point_in(OTHER_COMMUNE);
    let report = r
        .create_report(&NewReport {
            office_id: SEAT.into(),
            kind: ReportKind::WrongPosition,
            message: "the office is over there".into(),
            proposed_position: Some((lon, lat)),
        })
        .unwrap();
    let accept = Resolution::Accept { position_precision: Some(PositionPrecision::Surveyed) };
    match r.resolve_report(&admin, report.id, accept, &reason("checked"), &locate) {
        Err(WriteError::Invalid(errors)) => {
            assert!(errors.iter().any(|e| e.field == "position" && e.reason.contains("seat-19789")), "{errors:?}")
        }
        other => panic!("expected the seat rule, got {other:?}"),
    }
    let seat = r.office(SEAT).unwrap().unwrap();
    assert_eq!((seat.commune_code.as_str(), seat.version), (SEAT_COMMUNE, 1), "the seat did not move");
    let open = r.list_reports(&admin, ReportFilter::Status(ReportStatus::Open)).unwrap();
    assert_eq!(open.iter().map(|x| x.id).collect::<Vec<_>>(), [report.id], "the report is still open");
}

fn the_database_itself_refuses_a_second_open_seat(kind: Kind) {
    let store = Store::new(kind);
    let services = if kind == Kind::Sqlite { "'[]'" } else { "'[]'::jsonb" };
    let valid_from = if kind == Kind::Sqlite { "'2025-07-01T00:00:00.000000Z'" } else { "now()" };
    let insert = |id: &str, valid_to: &str| {
        format!(
            "INSERT INTO offices (id, kind, name, address, lon, lat, position_precision, commune_code, services, \
             source, valid_from, valid_to, version) VALUES ('{id}', 'commune_seat', 'x', 'x', 107.5, 16.4, \
             'geocoded', '{SEAT_COMMUNE}', {services}, 'x', {valid_from}, {valid_to}, 1)"
        )
    };
    let refused = store.try_execute_raw(&insert("seat-two", "NULL")).unwrap_err();
    assert!(refused.contains("offices_one_open_seat") || refused.contains("UNIQUE"), "{refused}");
    let closed_at = if kind == Kind::Sqlite { "'2025-08-01T00:00:00.000000Z'" } else { "now()" };
    store.try_execute_raw(&insert("seat-old", closed_at)).expect("a closed seat is history, not a second seat");
}

fn a_legacy_argon2_token_works_once_and_is_stored_as_a_digest(kind: Kind) {
    use argon2::password_hash::PasswordHasher;
    let store = Store::new(kind);
    let r = &store.registry;
    let token = format!("hmt_0123456789ab_{}", "5e".repeat(32));
    let legacy = argon2::Argon2::default().hash_password(token.as_bytes()).unwrap().to_string();
    let created = if kind == Kind::Sqlite { "'2025-07-01T00:00:00.000000Z'" } else { "now()" };
    let communes = if kind == Kind::Sqlite { "'[]'" } else { "'[]'::jsonb" };
    store.execute_raw(&format!(
        "INSERT INTO tokens (id, name, role, communes, hash, created_at) \
         VALUES ('0123456789ab', 'old admin', 'admin', {communes}, '{legacy}', {created})"
    ));
    let mut wrong = token.clone();
    wrong.replace_range(wrong.len() - 2.., "00");
    assert_eq!(r.authenticate(&wrong).unwrap(), None);
    assert_eq!(store.raw_token_hashes()[0].1, legacy, "a wrong secret changes nothing");
    let actor = r.authenticate(&token).unwrap().expect("the old token still works");
    assert_eq!(actor.name, "old admin");
    let stored = &store.raw_token_hashes()[0].1;
    assert!(stored.starts_with("sha256$"), "re-stored as a digest on first use: {stored}");
    assert!(r.authenticate(&token).unwrap().is_some(), "and works from the digest");
    assert_eq!(r.authenticate(&wrong).unwrap(), None);
}

fn the_audit_filters_by_office_token_and_time(kind: Kind) {
    let store = Store::new(kind);
    let r = &store.registry;
    let alice = store.actor(Role::Admin, &[], "alice");
    let bob = store.actor(Role::Admin, &[], "bob");
    // Changes are stamped to the microsecond; so is the boundary.
    let before = Utc::now().trunc_subsecs(6);
    for (actor, id) in [(&alice, "seat-19753"), (&bob, "seat-19789"), (&alice, "seat-19789")] {
        let current = r.office(id).unwrap().unwrap();
        let mut draft = OfficeDraft::from_record(&current);
        draft.notes = Some(format!("by {}", actor.name));
        r.update(actor, id, current.version, &validate(&draft, &locate).unwrap(), &reason("audit")).unwrap();
    }
    let by_alice = r.audit(&AuditFilter { token_id: Some(alice.token_id.clone()), ..Default::default() }).unwrap();
    assert_eq!(by_alice.iter().map(|c| c.seq).collect::<Vec<_>>(), [43, 41], "newest first");
    let office = r.audit(&AuditFilter { office_id: Some("seat-19789".into()), ..Default::default() }).unwrap();
    let seeded = r.history("seat-19789").unwrap()[0].seq;
    assert_eq!(office.iter().map(|c| c.seq).collect::<Vec<_>>(), [43, 42, seeded]);
    let recent = r.audit(&AuditFilter { from: Some(before), ..Default::default() }).unwrap();
    assert_eq!(recent.len(), 3);
    let old = r.audit(&AuditFilter { to: Some(before), limit: Some(5), ..Default::default() }).unwrap();
    assert_eq!(old.iter().map(|c| c.seq).collect::<Vec<_>>(), [40, 39, 38, 37, 36]);
    assert!(old.iter().all(|c| c.action == ChangeAction::Seed));
}

fn replicas_opening_a_new_store_at_once_seed_it_once(kind: Kind) {
    let store = Store::new(kind);
    let url = store.fresh_url("fresh");
    let barrier = Barrier::new(4);
    let versions: Vec<u64> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..4)
            .map(|_| {
                let (url, barrier) = (&url, &barrier);
                scope.spawn(move || {
                    barrier.wait();
                    let replica = registry::Registry::open(url, &common::dataset().offices).unwrap();
                    replica.registry_version().unwrap()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(versions, [40, 40, 40, 40]);
    let registry = registry::Registry::open(&url, &[]).unwrap();
    let feed = registry.changes_since(0, 1000).unwrap();
    assert_eq!(feed.changes.len(), 40);
    assert!(feed.changes.iter().all(|c| c.action == ChangeAction::Seed));
}

/// Validation is pure; this checks it against the real geometry.
#[test]
fn validation_lists_every_bad_field_against_the_real_communes() {
    let (lon, lat) = point_in(SEAT_COMMUNE);
    let draft = OfficeDraft {
        id: Some("po 1".into()),
        kind: Some("kiosk".into()),
        name: Some(String::new()),
        address: Some("1 Lê Lợi".into()),
        lon: Some(lon),
        lat: Some(lat),
        position_precision: None,
        commune_code: Some(OTHER_COMMUNE.into()),
        opening_hours: Some("sometimes".into()),
        phone: Some("hotline".into()),
        services: vec!["a".into(), "a".into()],
        ..Default::default()
    };
    let errors = validate(&draft, &locate).unwrap_err();
    let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(
        fields,
        ["id", "kind", "name", "position_precision", "commune_code", "opening_hours", "phone", "services"]
    );
    assert!(errors[4].reason.contains(SEAT_COMMUNE), "{}", errors[4].reason);

    // Đà Nẵng is outside every commune of Huế; swapped coordinates are out of range.
    let outside = OfficeDraft { lon: Some(108.2022), lat: Some(16.0544), ..post_office("x", SEAT_COMMUNE) };
    assert_eq!(validate(&outside, &locate).unwrap_err()[0].field, "position");
    let swapped = OfficeDraft { lon: Some(16.46), lat: Some(107.58), ..post_office("x", SEAT_COMMUNE) };
    assert_eq!(validate(&swapped, &locate).unwrap_err().iter().map(|e| e.field.as_str()).collect::<Vec<_>>(), ["lat"]);
}
