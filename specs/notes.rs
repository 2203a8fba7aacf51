//! The notes server: the FastMCP tutorial's tools and resources, with the
//! notes kept in SQLite so that they survive restarts and can be shared by
//! several server processes.

use std::{
    sync::{Mutex, MutexGuard},
    time::{Duration, Instant},
};

use rusqlite::{Connection, ErrorCode, OptionalExtension, params};

use crate::{Error, Handler, Settings, server::Notifier};

/// Names longer than this are refused; content is limited to a megabyte.
const MAX_NAME: usize = 256;
const MAX_CONTENT: usize = 1 << 20;

pub struct App {
    db: Mutex<Connection>,
    /// Tells subscribed clients, in every session, that notes changed.
    notifier: Notifier,
}

impl App {
    fn db(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave SQLite half-written.
        self.db
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Runs `setup` again while SQLite answers "database is locked" without
/// waiting, for up to ten seconds. The busy timeout covers a lock that
/// another process holds, but not every case: when several processes open
/// a new database at once, each switching it to WAL, SQLite refuses some
/// of them at once rather than risk a deadlock, and they failed to start.
fn retry_while_busy<T>(mut setup: impl FnMut() -> rusqlite::Result<T>) -> rusqlite::Result<T> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        match setup() {
            Err(rusqlite::Error::SqliteFailure(error, _))
                if error.code == ErrorCode::DatabaseBusy && Instant::now() < deadline =>
            {
                std::thread::sleep(Duration::from_millis(5));
            }
            result => return result,
        }
    }
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
    Ok(())
}

impl Handler for App {
    fn new(settings: &Settings) -> Result<Self, Error> {
        if let Some(dir) = settings.db.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let db = Connection::open(&settings.db)?;
        // WAL lets readers and a writer share the file; NORMAL sync keeps every
        // committed note through a process crash. Other processes may hold the
        // write lock briefly, so wait for it rather than fail.
        db.busy_timeout(Duration::from_secs(10))?;
        retry_while_busy(|| db.pragma_update(None, "journal_mode", "WAL"))?;
        db.pragma_update(None, "synchronous", "NORMAL")?;
        retry_while_busy(|| {
            db.execute_batch(
                "CREATE TABLE IF NOT EXISTS notes (
                    id INTEGER PRIMARY KEY,
                    name TEXT NOT NULL UNIQUE,
                    content TEXT NOT NULL
                )",
            )
        })?;
        Ok(Self {
            db: Mutex::new(db),
            notifier: Notifier::new(),
        })
    }

    async fn add_note(&self, name: String, content: String) -> Result<String, Error> {
        if name.trim().is_empty() || content.trim().is_empty() {
            return Err(Error::invalid("Error: Name and content are required."));
        }
        check_name(&name)?;
        if content.len() > MAX_CONTENT {
            return Err(Error::invalid("Error: Content must be at most 1 MiB."));
        }
        self.db()
            .prepare_cached(
                "INSERT INTO notes (name, content) VALUES (?1, ?2)
                 ON CONFLICT (name) DO UPDATE SET content = excluded.content",
            )?
            .execute(params![name, content])?;
        self.changed(&name).await;
        Ok(format!("Note '{name}' added successfully."))
    }

    async fn get_note(&self, name: String) -> Result<String, Error> {
        self.note(name).await
    }

    async fn list_notes(&self) -> Result<String, Error> {
        let names = self.names()?;
        if names.is_empty() {
            return Ok("No notes saved yet.".to_owned());
        }
        Ok(format!("Saved notes: {}", names.join(", ")))
    }

    async fn delete_note(&self, name: String) -> Result<String, Error> {
        check_name(&name)?;
        let deleted = self
            .db()
            .prepare_cached("DELETE FROM notes WHERE name = ?1")?
            .execute([&name])?;
        if deleted == 0 {
            return Ok(format!("Note '{name}' not found."));
        }
        self.changed(&name).await;
        Ok(format!("Note '{name}' deleted."))
    }

    async fn all_notes(&self) -> Result<String, Error> {
        let db = self.db();
        let mut query = db.prepare_cached("SELECT name, content FROM notes ORDER BY id")?;
        // One string, written in place: no string per note.
        let mut notes = String::new();
        let mut rows = query.query([])?;
        while let Some(row) = rows.next()? {
            if !notes.is_empty() {
                notes.push('\n');
            }
            notes.push_str("## ");
            notes.push_str(row.get_ref(0)?.as_str()?);
            notes.push('\n');
            notes.push_str(row.get_ref(1)?.as_str()?);
        }
        if notes.is_empty() {
            return Ok("No notes available.".to_owned());
        }
        Ok(notes)
    }

    async fn notes_count(&self) -> Result<String, Error> {
        let count: i64 = self
            .db()
            .prepare_cached("SELECT COUNT(*) FROM notes")?
            .query_row([], |row| row.get(0))?;
        Ok(format!("{count} notes saved"))
    }

    async fn note(&self, name: String) -> Result<String, Error> {
        check_name(&name)?;
        let content: Option<String> = self
            .db()
            .prepare_cached("SELECT content FROM notes WHERE name = ?1")?
            .query_row([&name], |row| row.get(0))
            .optional()?;
        Ok(content.unwrap_or_else(|| format!("Note '{name}' not found.")))
    }

    async fn complete_note_name(&self, prefix: String) -> Result<Vec<String>, Error> {
        let mut names = self.names()?;
        names.retain(|name| name.starts_with(&prefix));
        Ok(names)
    }
}

impl App {
    /// Tells the clients subscribed to the resources that show the note
    /// `name` that they changed.
    async fn changed(&self, name: &str) {
        // The URI of the note as a client reads it: percent-encoded.
        let mut uri = "notes://".to_owned();
        for byte in name.bytes() {
            match byte {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                    uri.push(char::from(byte));
                }
                _ => uri.push_str(&format!("%{byte:02X}")),
            }
        }
        for uri in ["notes://all", "notes://count", &uri] {
            self.notifier.resource_updated(uri).await;
        }
    }

    fn names(&self) -> Result<Vec<String>, Error> {
        let db = self.db();
        let mut query = db.prepare_cached("SELECT name FROM notes ORDER BY id")?;
        let names = query
            .query_map([], |row| row.get(0))?
            .collect::<Result<_, _>>()?;
        Ok(names)
    }
}
