//! Operating an SQLite registry: backups taken while another connection writes, restores
//! that check what they restore, and a file that becomes read-only and writable again.

mod common;

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::mpsc;

use common::{locate, reason, Store};
use registry::{validate, OfficeDraft, Registry, Role, StoreError, StoreUrl, WriteError};

const SEAT: &str = "seat-19753";

/// Writes a new note on the seat, from whatever version it is at.
fn touch(registry: &Registry, actor: &registry::Actor, note: &str) -> Result<registry::Change, WriteError> {
    let current = registry.office(SEAT)?.expect("the seat exists");
    let mut draft = OfficeDraft::from_record(&current);
    draft.notes = Some(note.to_string());
    registry.update(actor, SEAT, current.version, &validate(&draft, &locate).unwrap(), &reason(note))
}

#[test]
fn the_file_is_in_wal_mode_with_the_schema_version_recorded() {
    let store = Store::sqlite();
    let raw = rusqlite::Connection::open(store.sqlite_path()).unwrap();
    let mode: String = raw.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
    assert_eq!(mode, "wal");
    let version: u32 = raw.query_row("SELECT MAX(version) FROM schema_version", [], |r| r.get(0)).unwrap();
    assert_eq!(version, registry::SCHEMA_VERSION);
}

#[test]
fn a_backup_taken_while_another_connection_writes_is_consistent_and_restores() {
    const WRITES: usize = 30;
    let store = Store::sqlite();
    let admin = store.actor(Role::Admin, &[], "admin");
    let backup = store.dir.path().join("backup.db");

    let (started, wait_for_writes) = mpsc::channel();
    std::thread::scope(|scope| {
        // The command line (another connection) keeps writing while the backup is taken.
        let writer = scope.spawn(|| {
            let cli = store.another();
            for i in 0..WRITES {
                touch(&cli, &admin, &format!("write {i}")).unwrap();
                if i == 4 {
                    started.send(()).unwrap();
                }
            }
        });
        wait_for_writes.recv().unwrap();
        store.registry.backup(&backup).unwrap();
        writer.join().unwrap();
    });
    assert_eq!(store.registry.registry_version().unwrap(), 40 + WRITES as u64);
    assert!(
        matches!(store.registry.backup(&backup), Err(StoreError::Io { .. })),
        "an existing file is not overwritten"
    );

    // The copy is a registry at one consistent point.
    let copy = Registry::open(&StoreUrl::Sqlite(backup.clone()), &[]).unwrap();
    let version = copy.registry_version().unwrap();
    assert!((45..=40 + WRITES as u64).contains(&version), "{version}");
    let feed = copy.changes_since(0, 1000).unwrap();
    assert_eq!(feed.changes.iter().map(|c| c.seq).collect::<Vec<_>>(), (1..=version).collect::<Vec<_>>());
    let seat = copy.office(SEAT).unwrap().unwrap();
    assert_eq!(seat.version, copy.history(SEAT).unwrap().len() as u64);
    let copied = copy.current_offices().unwrap();
    drop(copy);

    // Restored elsewhere, it reads the same.
    let elsewhere = StoreUrl::Sqlite(store.dir.path().join("restored/registry.db"));
    Registry::restore(&backup, &elsewhere, false).unwrap();
    let restored = Registry::open(&elsewhere, &[]).unwrap().current_offices().unwrap();
    assert_eq!((restored.registry_version, &restored.offices), (copied.registry_version, &copied.offices));
    assert_ne!(restored.epoch, copied.epoch, "a restore starts a new epoch");

    // Restored over the live file (servers stopped), the registry goes back to the backup.
    let Store { registry, url, dir, .. } = store;
    drop(registry);
    let report = Registry::restore(&backup, &url, false).unwrap();
    assert_eq!((report.replaced_version, report.restored_version), (40 + WRITES as u64, version));
    let back = Registry::open(&url, &common::dataset().offices).unwrap();
    // The offices go back; the version does not, so no change number is handed out twice.
    assert_eq!(back.registry_version().unwrap(), 40 + WRITES as u64);
    assert_eq!(back.current_offices().unwrap().offices, copied.offices);
    drop(dir);
}

#[test]
fn a_restore_waits_for_its_users_keeps_revocations_and_never_reuses_a_change_number() {
    let store = Store::sqlite();
    let admin = store.actor(Role::Admin, &[], "admin");
    let (leaver, secret) = store.registry.create_token(Role::Editor, vec!["19753".into()], "leaver").unwrap();
    let backup = store.dir.path().join("backup.db");
    store.registry.backup(&backup).unwrap();
    let backed_up = store.registry.registry_version().unwrap();
    // After the backup: the leaver's token is revoked, and an edit is made.
    store.registry.revoke_token(&leaver.id).unwrap();
    touch(&store.registry, &admin, "after the backup").unwrap();
    let old = store.registry.changes_since(0, 1000).unwrap();
    assert_eq!(old.registry_version, backed_up + 1);

    // While the registry is open (a server, a command), restore is refused.
    let url = store.url.clone();
    let refused = Registry::restore(&backup, &url, false);
    assert!(matches!(refused, Err(StoreError::InUse { .. })), "{refused:?}");

    let Store { registry, dir, .. } = store;
    drop(registry);
    let report = Registry::restore(&backup, &url, false).unwrap();
    assert_eq!(report.revocations_reapplied, 1);
    assert_eq!((report.restored_version, report.replaced_version), (backed_up, backed_up + 1));
    assert_eq!(report.next_seq, backed_up + 2);

    let back = Registry::open(&url, &[]).unwrap();
    assert_eq!(back.authenticate(secret.expose()).unwrap(), None, "revoked after the backup, still revoked");
    let feed = back.changes_since(0, 1000).unwrap();
    assert_ne!(feed.epoch, old.epoch, "a mirror can tell the registry was restored");
    assert_eq!(feed.undone, Some((backed_up, backed_up + 1)), "the numbers whose changes the restore undid");
    assert!(!feed.epoch.is_empty());
    let next = touch(&back, &admin, "after the restore").unwrap();
    assert_eq!(next.seq, backed_up + 2, "number {} meant another change before the restore", backed_up + 1);
    drop(dir);
}

#[test]
fn a_restore_that_fails_leaves_the_registry_as_it_was() {
    let store = Store::sqlite();
    let backup = store.dir.path().join("backup.db");
    store.registry.backup(&backup).unwrap();
    // A backup the upgrade refuses: schema version 1, with a second open seat for a commune.
    let raw = rusqlite::Connection::open(&backup).unwrap();
    raw.execute_batch(
        "DROP INDEX offices_one_open_seat; DROP TABLE idempotency; DELETE FROM schema_version WHERE version = 2; \
         INSERT INTO offices SELECT 'seat-twin', kind, name, address, lon, lat, position_precision, commune_code, \
         outside_commune_reason, opening_hours, phone, services, notes, source, valid_from, valid_to, version \
         FROM offices WHERE id = 'seat-19753';",
    )
    .unwrap();
    drop(raw);
    let (leaver, secret) = store.registry.create_token(Role::Admin, vec![], "leaver").unwrap();
    store.registry.revoke_token(&leaver.id).unwrap();
    let version = store.registry.registry_version().unwrap();

    let Store { registry, url, dir, .. } = store;
    drop(registry);
    let failed = Registry::restore(&backup, &url, false);
    assert!(failed.is_err(), "the upgrade refuses two open seats: {failed:?}");
    let same = Registry::open(&url, &[]).unwrap();
    assert_eq!(same.registry_version().unwrap(), version);
    assert!(same.office("seat-twin").unwrap().is_none());
    assert_eq!(same.authenticate(secret.expose()).unwrap(), None, "the revoked token stays revoked");
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter(|name| name.contains("restoring"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    drop(dir);
}

#[test]
fn a_restore_refuses_what_is_not_a_known_registry() {
    let store = Store::sqlite();
    let target = StoreUrl::Sqlite(store.dir.path().join("target.db"));
    let not_registry =
        |path: &Path| matches!(Registry::restore(path, &target, false), Err(StoreError::NotARegistry { .. }));

    let text = store.dir.path().join("notes.txt");
    std::fs::write(&text, "not a database").unwrap();
    assert!(not_registry(&text));
    assert!(not_registry(&store.dir.path().join("missing.db")));
    let other = store.dir.path().join("other.db");
    rusqlite::Connection::open(&other).unwrap().execute_batch("CREATE TABLE t (x INTEGER)").unwrap();
    assert!(not_registry(&other));

    let future = store.dir.path().join("future.db");
    store.registry.backup(&future).unwrap();
    rusqlite::Connection::open(&future)
        .unwrap()
        .execute_batch("INSERT INTO schema_version (version, applied_at) VALUES (7, '2030-01-01T00:00:00Z')")
        .unwrap();
    assert!(matches!(
        Registry::restore(&future, &target, false),
        Err(StoreError::FutureSchema { found: 7, supported: registry::SCHEMA_VERSION })
    ));
    assert!(!target_exists(&target), "nothing was written");
    let pg = StoreUrl::parse("postgres://u@127.0.0.1:1/db").unwrap();
    assert!(matches!(Registry::restore(&future, &pg, false), Err(StoreError::Unsupported { .. })));
}

fn target_exists(url: &StoreUrl) -> bool {
    matches!(url, StoreUrl::Sqlite(path) if path.exists())
}

/// Makes a file unwritable for this process, and writable again on drop. Root ignores
/// permission bits, so as root the file is made immutable (`chattr +i`, which also stops
/// writes through descriptors already open).
struct ReadOnly {
    path: PathBuf,
    as_root: bool,
}

impl ReadOnly {
    fn make(path: &Path) -> ReadOnly {
        let as_root = std::fs::metadata("/proc/self").unwrap().uid() == 0;
        if as_root {
            let status = Command::new("chattr").arg("+i").arg(path).status().expect("chattr runs");
            assert!(status.success(), "chattr +i {}", path.display());
        } else {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o444)).unwrap();
        }
        ReadOnly { path: path.to_path_buf(), as_root }
    }
}

impl Drop for ReadOnly {
    fn drop(&mut self) {
        if self.as_root {
            let _ = Command::new("chattr").arg("-i").arg(&self.path).status();
        } else {
            let _ = std::fs::set_permissions(&self.path, std::fs::Permissions::from_mode(0o644));
        }
    }
}

#[test]
fn a_read_only_file_makes_writes_unavailable_until_it_is_writable_again() {
    let store = Store::sqlite();
    let admin = store.actor(Role::Admin, &[], "admin");
    touch(&store.registry, &admin, "before").unwrap();

    let read_only = ReadOnly::make(&store.sqlite_path());
    match touch(&store.registry, &admin, "while read-only") {
        Err(WriteError::Unavailable { reason }) => {
            assert!(reason.contains("read-only") || reason.contains("readonly"), "{reason}")
        }
        other => panic!("expected Unavailable, got {other:?}"),
    }
    assert!(matches!(store.registry.create_token(Role::Admin, vec![], "x"), Err(WriteError::Unavailable { .. })));
    // Reading still works.
    assert_eq!(store.registry.current_offices().unwrap().registry_version, 41);

    drop(read_only);
    // The same registry, not reopened, writes again; nothing acknowledged was lost.
    touch(&store.registry, &admin, "after").unwrap();
    let notes: Vec<String> =
        store.registry.history(SEAT).unwrap().iter().filter_map(|c| c.after.notes.clone()).collect();
    assert_eq!(notes, ["before", "after"]);
}
