//! `floor-sqlite`: the hand-rolled notes server with the notes in SQLite, set
//! up as the generated notes server (`specs/notes.rs`) sets it up: WAL,
//! `synchronous=NORMAL`, the same table, and every statement prepared once
//! and cached. The floor for the shipped, persistent notes server.
//!
//! Usage: `floor-sqlite --db PATH`

use std::time::Duration;

use floor::Store;
use rusqlite::{params, Connection, OptionalExtension};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let db = match (args.next().as_deref(), args.next()) {
        (Some("--db"), Some(path)) => path,
        _ => return Err("usage: floor-sqlite --db PATH".into()),
    };
    let db = Connection::open(db)?;
    db.busy_timeout(Duration::from_secs(10))?;
    db.pragma_update(None, "journal_mode", "WAL")?;
    db.pragma_update(None, "synchronous", "NORMAL")?;
    db.execute_batch(
        "CREATE TABLE IF NOT EXISTS notes (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            content TEXT NOT NULL
        )",
    )?;
    floor::serve(&mut Sqlite(db))?;
    Ok(())
}

struct Sqlite(Connection);

/// The floor answers every request; a failing database is a broken run.
fn ok<T>(result: rusqlite::Result<T>) -> T {
    result.unwrap_or_else(|e| {
        eprintln!("floor-sqlite: {e}");
        std::process::exit(1)
    })
}

impl Store for Sqlite {
    fn add(&mut self, name: &str, content: &str) {
        let mut insert = ok(self.0.prepare_cached(
            "INSERT INTO notes (name, content) VALUES (?1, ?2)
             ON CONFLICT (name) DO UPDATE SET content = excluded.content",
        ));
        ok(insert.execute(params![name, content]));
    }

    fn get(&mut self, name: &str) -> Option<String> {
        let mut select = ok(self
            .0
            .prepare_cached("SELECT content FROM notes WHERE name = ?1"));
        ok(select.query_row([name], |row| row.get(0)).optional())
    }

    fn delete(&mut self, name: &str) -> bool {
        let mut delete = ok(self.0.prepare_cached("DELETE FROM notes WHERE name = ?1"));
        ok(delete.execute([name])) > 0
    }

    fn is_empty(&mut self) -> bool {
        let mut count = ok(self.0.prepare_cached("SELECT COUNT(*) FROM notes"));
        ok(count.query_row([], |row| row.get::<_, i64>(0))) == 0
    }

    fn for_each(&mut self, each: &mut dyn FnMut(&str, &str)) {
        let mut select = ok(self
            .0
            .prepare_cached("SELECT name, content FROM notes ORDER BY id"));
        let mut rows = ok(select.query([]));
        while let Some(row) = ok(rows.next()) {
            each(
                ok(row.get_ref(0)).as_str().unwrap_or(""),
                ok(row.get_ref(1)).as_str().unwrap_or(""),
            );
        }
    }
}
