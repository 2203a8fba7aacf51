//! The notes server with its notes in PostgreSQL: the tools, resources,
//! result strings and limits of `notes.rs` (SQLite), for stateless replicas
//! that share one database.
//!
//! Every query goes through a pool of async connections, so none blocks the
//! runtime and requests do not queue behind one connection. Each tool is a
//! single statement, so it applies entirely or not at all, and each may be
//! retried: adding upserts, deleting a deleted note finds nothing.
//!
//! The schema is created by `notes-postgres migrate`, once per deployment,
//! not by each replica at start; a replica is ready once it can reach the
//! database and the schema is there.

use std::time::Duration;

use deadpool_postgres::{
    Manager, ManagerConfig, Pool, RecyclingMethod, Runtime,
    tokio_postgres::{Config, NoTls},
};

use crate::{Error, Handler, Settings};

/// Names longer than this are refused; content is limited to a megabyte.
const MAX_NAME: usize = 256;
const MAX_CONTENT: usize = 1 << 20;

/// How long a request waits for a free connection, and for a new one.
const POOL_TIMEOUT: Duration = Duration::from_secs(10);

/// The schema, one step per entry; `migrate` applies the steps that the
/// table `notes_schema` does not list yet. Append steps, never edit them.
const MIGRATIONS: &[&str] = &["CREATE TABLE notes (
        id BIGSERIAL PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        content TEXT NOT NULL
    )"];

/// The advisory lock that keeps two `migrate` runs from interleaving.
const MIGRATION_LOCK: i64 = 0x6e6f_7465_735f_6462; // "notes_db"

pub struct App {
    pool: Pool,
}

/// A pool of at most `size` connections to the database of `settings`.
/// Connections open on first use: a server starts while the database is
/// down, and is not ready until it is up.
fn pool(settings: &Settings, size: usize) -> Result<Pool, Error> {
    let url = settings.database_url.as_deref().ok_or_else(|| {
        Error::invalid(
            "set NOTES_DATABASE_URL to the PostgreSQL connection URL, \
             e.g. postgres://notes@localhost/notes",
        )
    })?;
    let config: Config = url
        .parse()
        .map_err(|error| Error::invalid(format!("NOTES_DATABASE_URL is not valid: {error}")))?;
    let manager = Manager::from_config(
        config,
        NoTls,
        ManagerConfig {
            recycling_method: RecyclingMethod::Fast,
        },
    );
    Ok(Pool::builder(manager)
        .max_size(size)
        .runtime(Runtime::Tokio1)
        .wait_timeout(Some(POOL_TIMEOUT))
        .create_timeout(Some(POOL_TIMEOUT))
        .build()?)
}

fn check_name(name: &str) -> Result<(), Error> {
    if name.trim().is_empty() {
        return Err(Error::invalid("Error: Name is required."));
    }
    if name.chars().count() > MAX_NAME {
        return Err(Error::invalid(format!(
            "Error: Name must be at most {MAX_NAME} characters."
        )));
    }
    // PostgreSQL's text cannot hold NUL, which SQLite's can.
    if name.contains('\0') {
        return Err(Error::invalid(
            "Error: Name must not contain NUL characters.",
        ));
    }
    Ok(())
}

impl Handler for App {
    fn new(settings: &Settings) -> Result<Self, Error> {
        let size = usize::try_from(settings.pool_size)
            .ok()
            .filter(|&size| size > 0)
            .ok_or_else(|| Error::invalid("the pool size must be at least 1"))?;
        Ok(Self {
            pool: pool(settings, size)?,
        })
    }

    async fn migrate(settings: &Settings) -> Result<String, Error> {
        let mut client = pool(settings, 1)?.get().await?;
        let transaction = client.transaction().await?;
        transaction
            .execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
            .await?;
        transaction
            .batch_execute(
                "CREATE TABLE IF NOT EXISTS notes_schema (
                    version INTEGER PRIMARY KEY,
                    applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
                )",
            )
            .await?;
        let applied: i32 = transaction
            .query_one("SELECT COALESCE(MAX(version), 0) FROM notes_schema", &[])
            .await?
            .get(0);
        let applied = usize::try_from(applied).unwrap_or(0);
        for (version, step) in MIGRATIONS.iter().enumerate().skip(applied) {
            transaction.batch_execute(step).await?;
            let version = i32::try_from(version + 1).unwrap_or(i32::MAX);
            transaction
                .execute(
                    "INSERT INTO notes_schema (version) VALUES ($1)",
                    &[&version],
                )
                .await?;
        }
        transaction.commit().await?;
        Ok(match MIGRATIONS.len().saturating_sub(applied) {
            0 => format!("The schema is up to date (version {}).", MIGRATIONS.len()),
            new => format!(
                "Applied {new} migration(s): the schema is at version {}.",
                MIGRATIONS.len()
            ),
        })
    }

    async fn ready(&self) -> Result<(), Error> {
        // Reaches the database, and finds the schema that `migrate` creates.
        let client = self.pool.get().await?;
        client.execute("SELECT 1 FROM notes LIMIT 0", &[]).await?;
        Ok(())
    }

    async fn add_note(&self, name: String, content: String) -> Result<String, Error> {
        if name.trim().is_empty() || content.trim().is_empty() {
            return Err(Error::invalid("Error: Name and content are required."));
        }
        check_name(&name)?;
        if content.len() > MAX_CONTENT {
            return Err(Error::invalid("Error: Content must be at most 1 MiB."));
        }
        if content.contains('\0') {
            return Err(Error::invalid(
                "Error: Content must not contain NUL characters.",
            ));
        }
        let client = self.pool.get().await?;
        let query = client
            .prepare_cached(
                "INSERT INTO notes (name, content) VALUES ($1, $2)
                 ON CONFLICT (name) DO UPDATE SET content = excluded.content",
            )
            .await?;
        client.execute(&query, &[&name, &content]).await?;
        Ok(format!("Note '{name}' added successfully."))
    }

    async fn get_note(&self, name: String) -> Result<String, Error> {
        self.note(name).await
    }

    async fn list_notes(&self) -> Result<String, Error> {
        let names = self.names().await?;
        if names.is_empty() {
            return Ok("No notes saved yet.".to_owned());
        }
        Ok(format!("Saved notes: {}", names.join(", ")))
    }

    async fn delete_note(&self, name: String) -> Result<String, Error> {
        check_name(&name)?;
        let client = self.pool.get().await?;
        let query = client
            .prepare_cached("DELETE FROM notes WHERE name = $1")
            .await?;
        match client.execute(&query, &[&name]).await? {
            0 => Ok(format!("Note '{name}' not found.")),
            _ => Ok(format!("Note '{name}' deleted.")),
        }
    }

    async fn all_notes(&self) -> Result<String, Error> {
        let client = self.pool.get().await?;
        let query = client
            .prepare_cached("SELECT name, content FROM notes ORDER BY id")
            .await?;
        let notes: Vec<String> = client
            .query(&query, &[])
            .await?
            .iter()
            .map(|row| format!("## {}\n{}", row.get::<_, &str>(0), row.get::<_, &str>(1)))
            .collect();
        if notes.is_empty() {
            return Ok("No notes available.".to_owned());
        }
        Ok(notes.join("\n"))
    }

    async fn notes_count(&self) -> Result<String, Error> {
        let client = self.pool.get().await?;
        let count: i64 = client
            .query_one("SELECT COUNT(*) FROM notes", &[])
            .await?
            .get(0);
        Ok(format!("{count} notes saved"))
    }

    async fn note(&self, name: String) -> Result<String, Error> {
        check_name(&name)?;
        let client = self.pool.get().await?;
        let query = client
            .prepare_cached("SELECT content FROM notes WHERE name = $1")
            .await?;
        let content: Option<String> = client
            .query_opt(&query, &[&name])
            .await?
            .map(|row| row.get(0));
        Ok(content.unwrap_or_else(|| format!("Note '{name}' not found.")))
    }

    async fn complete_note_name(&self, prefix: String) -> Result<Vec<String>, Error> {
        let mut names = self.names().await?;
        names.retain(|name| name.starts_with(&prefix));
        Ok(names)
    }
}

impl App {
    async fn names(&self) -> Result<Vec<String>, Error> {
        let client = self.pool.get().await?;
        let query = client
            .prepare_cached("SELECT name FROM notes ORDER BY id")
            .await?;
        Ok(client
            .query(&query, &[])
            .await?
            .iter()
            .map(|row| row.get(0))
            .collect())
    }
}
