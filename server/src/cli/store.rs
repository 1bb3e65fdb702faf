//! The command line's registry commands (`token`, `backup`, `restore`) and opening the store
//! for `serve`. Each opens the store named by `--store` (or `HUE_MAP_STORE`), creating and
//! seeding it from the dataset's offices as `serve` would when it does not exist yet.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use registry::{Registry, Role, StoreUrl};

use crate::boot::open_registry;

/// Which store, and which dataset seeds it when it is new.
pub struct StoreTarget {
    /// `sqlite:PATH` or `postgres://…`.
    pub store: String,
    /// The dataset folder whose `offices.csv` seeds a new store.
    pub data: PathBuf,
}

/// What `hue-map token …` was asked to do.
pub enum TokenAction {
    /// Create a token.
    Create {
        /// The store.
        target: StoreTarget,
        /// `editor` or `admin`.
        role: String,
        /// The communes an editor may edit.
        communes: Vec<String>,
        /// Who holds it.
        name: String,
    },
    /// List the tokens.
    List {
        /// The store.
        target: StoreTarget,
    },
    /// Revoke one.
    Revoke {
        /// The store.
        target: StoreTarget,
        /// The token's id.
        id: String,
    },
}

/// Opens the registry for a command, reading the dataset only when the store must be seeded.
fn open(target: &StoreTarget) -> Result<Registry, String> {
    let url = StoreUrl::parse(&target.store).map_err(|e| format!("--store {:?}: {e}", target.store))?;
    let is_new = matches!(&url, StoreUrl::Sqlite(path) if !path.exists());
    let seed = if is_new || matches!(url, StoreUrl::Postgres(_)) {
        // A PostgreSQL registry may be empty too; the registry seeds only when it is.
        data_boundaries::Dataset::load(&target.data)
            .map_err(|e| format!("{e} (needed to seed a new registry; point --data at the dataset)"))?
            .offices
    } else {
        Vec::new()
    };
    open_registry(&target.store, &seed)
}

fn fail(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(1)
}

/// `hue-map token create|list|revoke`.
pub fn token(action: TokenAction) -> ExitCode {
    match action {
        TokenAction::Create { target, role, communes, name } => {
            let Some(role) = Role::parse(&role) else {
                return fail(format!("--role {role:?}: must be editor or admin"));
            };
            let registry = match open(&target) {
                Ok(registry) => registry,
                Err(message) => return fail(message),
            };
            match registry.create_token(role, communes, &name) {
                Ok((info, secret)) => {
                    println!(
                        "created {} token {} for {:?} (communes: {})",
                        role.as_str(),
                        info.id,
                        info.name,
                        info.communes.join(", ")
                    );
                    println!("it is shown only now; keep it secret:");
                    println!("{}", secret.expose());
                    ExitCode::SUCCESS
                }
                Err(error) => fail(error),
            }
        }
        TokenAction::List { target } => {
            let registry = match open(&target) {
                Ok(registry) => registry,
                Err(message) => return fail(message),
            };
            match registry.list_tokens() {
                Ok(tokens) => {
                    println!("id\trole\tcommunes\tname\tcreated\trevoked");
                    for t in tokens {
                        let revoked = t.revoked_at.map(|at| at.to_rfc3339()).unwrap_or_else(|| "-".into());
                        println!(
                            "{}\t{}\t{}\t{}\t{}\t{revoked}",
                            t.id,
                            t.role.as_str(),
                            t.communes.join(","),
                            t.name,
                            t.created_at.to_rfc3339()
                        );
                    }
                    ExitCode::SUCCESS
                }
                Err(error) => fail(error),
            }
        }
        TokenAction::Revoke { target, id } => {
            let registry = match open(&target) {
                Ok(registry) => registry,
                Err(message) => return fail(message),
            };
            match registry.revoke_token(&id) {
                Ok(info) => {
                    println!("revoked token {} ({})", info.id, info.name);
                    ExitCode::SUCCESS
                }
                Err(error) => fail(error),
            }
        }
    }
}

/// `hue-map backup OUT`.
pub fn backup(target: &StoreTarget, out: &Path) -> ExitCode {
    let registry = match open(target) {
        Ok(registry) => registry,
        Err(message) => return fail(message),
    };
    match registry.backup(out) {
        Ok(()) => {
            println!("backed up the office registry to {}", out.display());
            ExitCode::SUCCESS
        }
        Err(error) => fail(error),
    }
}

/// `hue-map restore FROM [--force]`.
pub fn restore(target: &StoreTarget, from: &Path, force: bool) -> ExitCode {
    let url = match StoreUrl::parse(&target.store) {
        Ok(url) => url,
        Err(error) => return fail(format!("--store {:?}: {error}", target.store)),
    };
    match Registry::restore(from, &url, force) {
        Ok(report) => {
            println!("restored the office registry {url} from {}", from.display());
            println!(
                "registry version {} (the backup's) replaces {}; the next change is number {}",
                report.restored_version, report.replaced_version, report.next_seq
            );
            println!("new epoch {}: mirrors of the change feed must start again from since=0", report.epoch);
            println!("{} token revocation(s) made after the backup re-applied", report.revocations_reapplied);
            ExitCode::SUCCESS
        }
        Err(error) => fail(error),
    }
}
