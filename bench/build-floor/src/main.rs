//! The build floor: an MCP server on rmcp over stdio, with no tools, that
//! opens a SQLite database. It builds every dependency the generated notes
//! server builds and cannot drop, and instantiates rmcp's serving loop once.

use rmcp::{ServerHandler, ServiceExt};

#[derive(Clone)]
struct Empty;

impl ServerHandler for Empty {}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let db = rusqlite::Connection::open_in_memory()?;
    db.execute_batch("PRAGMA journal_mode = WAL")?;
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?
        .block_on(async {
            let service = Empty.serve(rmcp::transport::stdio()).await?;
            service.waiting().await?;
            Ok(())
        })
}
