//! The notes server with its notes in memory, in insertion order: the same
//! semantics and data structure as the floor, so that the two compare
//! protocol work alone.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

use crate::{Error, Handler, Settings};

#[derive(Default)]
struct Notes {
    /// Insertion order; a deleted note leaves a hole.
    slots: Vec<Option<(String, String)>>,
    index: HashMap<String, usize>,
}

impl Notes {
    fn iter(&self) -> impl Iterator<Item = &(String, String)> {
        self.slots.iter().flatten()
    }
}

pub struct App {
    notes: Mutex<Notes>,
}

impl App {
    fn notes(&self) -> MutexGuard<'_, Notes> {
        self.notes
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Handler for App {
    fn new(_settings: &Settings) -> Result<Self, Error> {
        Ok(Self {
            notes: Mutex::default(),
        })
    }

    async fn add_note(&self, name: String, content: String) -> Result<String, Error> {
        if name.trim().is_empty() || content.trim().is_empty() {
            return Err(Error::invalid("Error: Name and content are required."));
        }
        let reply = format!("Note '{name}' added successfully.");
        let mut notes = self.notes();
        match notes.index.get(&name) {
            Some(&slot) => notes.slots[slot] = Some((name, content)),
            None => {
                let slot = notes.slots.len();
                notes.index.insert(name.clone(), slot);
                notes.slots.push(Some((name, content)));
            }
        }
        Ok(reply)
    }

    async fn get_note(&self, name: String) -> Result<String, Error> {
        self.note(name).await
    }

    async fn list_notes(&self) -> Result<String, Error> {
        let notes = self.notes();
        let names: Vec<&str> = notes.iter().map(|(name, _)| name.as_str()).collect();
        if names.is_empty() {
            return Ok("No notes saved yet.".to_owned());
        }
        Ok(format!("Saved notes: {}", names.join(", ")))
    }

    async fn delete_note(&self, name: String) -> Result<String, Error> {
        let mut notes = self.notes();
        match notes.index.remove(&name) {
            Some(slot) => {
                notes.slots[slot] = None;
                Ok(format!("Note '{name}' deleted."))
            }
            None => Ok(format!("Note '{name}' not found.")),
        }
    }

    async fn all_notes(&self) -> Result<String, Error> {
        let notes = self.notes();
        let entries: Vec<String> = notes
            .iter()
            .map(|(name, content)| format!("## {name}\n{content}"))
            .collect();
        if entries.is_empty() {
            return Ok("No notes available.".to_owned());
        }
        Ok(entries.join("\n"))
    }

    async fn notes_count(&self) -> Result<String, Error> {
        Ok(format!("{} notes saved", self.notes().index.len()))
    }

    async fn note(&self, name: String) -> Result<String, Error> {
        let notes = self.notes();
        Ok(match notes.index.get(&name) {
            Some(&slot) => notes.slots[slot]
                .as_ref()
                .map_or_else(String::new, |(_, c)| c.clone()),
            None => format!("Note '{name}' not found."),
        })
    }

    async fn complete_note_name(&self, prefix: String) -> Result<Vec<String>, Error> {
        Ok(self
            .notes()
            .iter()
            .map(|(name, _)| name.clone())
            .filter(|name| name.starts_with(&prefix))
            .collect())
    }
}
