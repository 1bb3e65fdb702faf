//! Operating a PostgreSQL registry: the server going away and coming back, replicas seeing
//! each other's changes, and calls from inside an async runtime.

mod common;

use common::{locate, reason, Store};
use registry::{validate, OfficeDraft, Registry, Role, StoreError, WriteError};

const SEAT: &str = "seat-19753";

fn touch(registry: &Registry, actor: &registry::Actor, note: &str) -> Result<registry::Change, WriteError> {
    let current = registry.office(SEAT)?.expect("the seat exists");
    let mut draft = OfficeDraft::from_record(&current);
    draft.notes = Some(note.to_string());
    registry.update(actor, SEAT, current.version, &validate(&draft, &locate).unwrap(), &reason(note))
}

/// Runs a scenario as the server does: on a blocking thread of a multi-thread runtime.
async fn blocking(scenario: fn()) {
    tokio::task::spawn_blocking(scenario).await.expect("the scenario passes");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stopped_server_makes_the_registry_unavailable_and_a_restart_recovers() {
    blocking(|| {
        let mut store = Store::postgres();
        let admin = store.actor(Role::Admin, &[], "admin");
        let acknowledged = touch(&store.registry, &admin, "before the outage").unwrap();

        store.pg.as_mut().unwrap().stop().unwrap();
        let seat = validate(&OfficeDraft::from_record(&acknowledged.after), &locate).unwrap();
        assert!(matches!(
            store.registry.update(&admin, SEAT, 2, &seat, &reason("during the outage")),
            Err(WriteError::Unavailable { .. })
        ));
        assert!(matches!(store.registry.registry_version(), Err(StoreError::Unavailable { .. })));
        assert!(matches!(store.registry.current_offices(), Err(e) if e.is_unavailable()));
        // Twice: a failed reconnection is as unavailable as a lost connection.
        assert!(matches!(touch(&store.registry, &admin, "still down"), Err(WriteError::Unavailable { .. })));

        store.pg.as_mut().unwrap().start_again().unwrap();
        // The same registry, not reopened.
        let after = touch(&store.registry, &admin, "after the outage").unwrap();
        assert_eq!((after.seq, after.office_version), (acknowledged.seq + 1, 3));
        let notes: Vec<String> =
            store.registry.history(SEAT).unwrap().iter().filter_map(|c| c.after.notes.clone()).collect();
        assert_eq!(notes, ["before the outage", "after the outage"]);
        assert_eq!(store.another().registry_version().unwrap(), after.seq);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn replicas_see_each_others_changes_at_once() {
    blocking(|| {
        let store = Store::postgres();
        let replica = store.another();
        let admin = store.actor(Role::Admin, &[], "admin");
        assert_eq!(replica.registry_version().unwrap(), 40);
        let change = touch(&replica, &admin, "from the replica").unwrap();
        assert_eq!(store.registry.registry_version().unwrap(), change.seq);
        assert_eq!(store.registry.office(SEAT).unwrap().unwrap().notes.as_deref(), Some("from the replica"));
        // A token issued through one replica works on the other.
        let (_, secret) = replica.create_token(Role::Editor, vec!["19753".into()], "editor").unwrap();
        assert!(store.registry.authenticate(secret.expose()).unwrap().is_some());
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn backups_of_a_postgres_registry_point_to_pg_dump() {
    blocking(|| {
        let store = Store::postgres();
        match store.registry.backup(&store.dir.path().join("x.db")) {
            Err(StoreError::Unsupported { reason }) => assert!(reason.contains("pg_dump"), "{reason}"),
            other => panic!("expected Unsupported, got {other:?}"),
        }
    })
    .await;
}

/// The server should use `spawn_blocking`, but a call made straight from async code, or a
/// registry dropped there, must not panic ("cannot start a runtime from within a runtime").
#[tokio::test(flavor = "current_thread")]
async fn calls_and_drops_on_a_runtime_thread_do_not_panic() {
    let store = Store::postgres();
    assert_eq!(store.registry.registry_version().unwrap(), 40);
    let replica = store.another();
    assert_eq!(replica.current_offices().unwrap().offices.len(), 40);
    drop(replica);
    drop(store);
}
