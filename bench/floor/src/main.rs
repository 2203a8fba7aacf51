//! `floor`: the hand-rolled notes server with the notes in memory, in
//! insertion order: the protocol work of a notes server and nothing else.

use std::collections::HashMap;
use std::io;

use floor::Store;

fn main() -> io::Result<()> {
    floor::serve(&mut Notes::default())
}

/// Notes in insertion order. Deleting leaves a `None` tombstone in `slots`,
/// so every operation but listing is O(1).
#[derive(Default)]
struct Notes {
    slots: Vec<Option<(String, String)>>,
    index: HashMap<String, usize>,
}

impl Store for Notes {
    fn add(&mut self, name: &str, content: &str) {
        let note = Some((name.to_owned(), content.to_owned()));
        match self.index.get(name) {
            Some(&slot) => self.slots[slot] = note,
            None => {
                self.index.insert(name.to_owned(), self.slots.len());
                self.slots.push(note);
            }
        }
    }

    fn get(&mut self, name: &str) -> Option<String> {
        let slot = self.slots[*self.index.get(name)?].as_ref();
        slot.map(|(_, content)| content.clone())
    }

    fn delete(&mut self, name: &str) -> bool {
        match self.index.remove(name) {
            Some(slot) => {
                self.slots[slot] = None;
                true
            }
            None => false,
        }
    }

    fn is_empty(&mut self) -> bool {
        self.index.is_empty()
    }

    fn for_each(&mut self, each: &mut dyn FnMut(&str, &str)) {
        for (name, content) in self.slots.iter().flatten() {
            each(name, content);
        }
    }
}
