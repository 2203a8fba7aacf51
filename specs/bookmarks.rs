//! The bookmark manager: bookmarks in a map by id, behind a mutex, and
//! written to a JSON file after every change when `--store` names one.

use std::{
    collections::BTreeMap,
    fmt::Write as _,
    path::PathBuf,
    sync::{Mutex, MutexGuard},
};

use crate::server::{Bookmark, PromptMessage, Role};
use crate::{Error, Handler, Settings};

pub struct App {
    bookmarks: Mutex<BTreeMap<i64, Bookmark>>,
    store: Option<PathBuf>,
    max: usize,
}

impl App {
    fn bookmarks(&self) -> MutexGuard<'_, BTreeMap<i64, Bookmark>> {
        self.bookmarks
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Writes the store, if there is one: to a temporary file first, so
    /// that a crash never leaves half a file.
    fn save(&self, bookmarks: &BTreeMap<i64, Bookmark>) -> Result<(), Error> {
        if let Some(path) = &self.store {
            let json = serde_json::to_vec_pretty(&bookmarks.values().collect::<Vec<_>>())?;
            let temporary = path.with_extension("json.tmp");
            std::fs::write(&temporary, json)?;
            std::fs::rename(temporary, path)?;
        }
        Ok(())
    }

    /// The folders that start with `prefix`, each once.
    fn folders(&self, prefix: &str) -> Vec<String> {
        let mut folders: Vec<String> = self
            .bookmarks()
            .values()
            .filter(|b| b.folder.starts_with(prefix))
            .map(|b| b.folder.clone())
            .collect();
        folders.sort();
        folders.dedup();
        folders
    }
}

/// One line of a listing: `#3 [inbox] Rust <https://rust-lang.org> #lang`.
fn line(b: &Bookmark) -> String {
    let mut line = format!("#{} [{}] {} <{}>", b.id, b.folder, b.title, b.url);
    for tag in &b.tags {
        let _ = write!(line, " #{tag}");
    }
    line
}

fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Bookmarks grouped by folder, folders in name order.
fn by_folder(bookmarks: &BTreeMap<i64, Bookmark>) -> BTreeMap<&str, Vec<&Bookmark>> {
    let mut folders: BTreeMap<&str, Vec<&Bookmark>> = BTreeMap::new();
    for b in bookmarks.values() {
        folders.entry(&b.folder).or_default().push(b);
    }
    folders
}

/// Every bookmark as a Markdown list, by folder.
fn markdown(bookmarks: &BTreeMap<i64, Bookmark>) -> String {
    if bookmarks.is_empty() {
        return "No bookmarks yet.".to_owned();
    }
    let mut text = String::new();
    for (folder, items) in by_folder(bookmarks) {
        let _ = writeln!(text, "## {folder}");
        for b in items {
            let _ = writeln!(text, "- [{}]({}) (#{})", b.title, b.url, b.id);
        }
    }
    text
}

impl Handler for App {
    fn new(settings: &Settings) -> Result<Self, Error> {
        let mut bookmarks = BTreeMap::new();
        if let Some(path) = &settings.store
            && path.exists()
        {
            let saved: Vec<Bookmark> = serde_json::from_slice(&std::fs::read(path)?)?;
            bookmarks.extend(saved.into_iter().map(|b| (b.id, b)));
        }
        Ok(Self {
            bookmarks: Mutex::new(bookmarks),
            store: settings.store.clone(),
            max: usize::try_from(settings.max_bookmarks).unwrap_or(0),
        })
    }

    async fn add_bookmark(
        &self,
        url: String,
        title: String,
        folder: String,
        tags: Vec<String>,
        added: Option<String>,
        added_by: Option<String>,
    ) -> Result<Bookmark, Error> {
        let mut bookmarks = self.bookmarks();
        if let Some(old) = bookmarks
            .values()
            .find(|b| b.url == url && b.folder == folder)
        {
            return Err(Error::invalid(format!(
                "{url} is already saved in `{folder}` as bookmark {}",
                old.id
            )));
        }
        if bookmarks.len() >= self.max {
            return Err(Error::invalid(format!(
                "the limit of {} bookmarks is reached; delete some first",
                self.max
            )));
        }
        let id = bookmarks.last_key_value().map_or(1, |(id, _)| id + 1);
        let bookmark = Bookmark {
            id,
            url,
            title,
            folder,
            tags,
            added,
            added_by,
        };
        bookmarks.insert(id, bookmark.clone());
        self.save(&bookmarks)?;
        Ok(bookmark)
    }

    async fn search_bookmarks(
        &self,
        query: String,
        folder: Option<String>,
        tag: Option<String>,
        limit: i64,
    ) -> Result<String, Error> {
        let query = query.to_lowercase();
        let bookmarks = self.bookmarks();
        let found: Vec<String> = bookmarks
            .values()
            .filter(|b| folder.as_ref().is_none_or(|folder| &b.folder == folder))
            .filter(|b| tag.as_ref().is_none_or(|tag| b.tags.contains(tag)))
            .filter(|b| {
                b.title.to_lowercase().contains(&query) || b.url.to_lowercase().contains(&query)
            })
            .take(usize::try_from(limit).unwrap_or(1))
            .map(line)
            .collect();
        if found.is_empty() {
            return Ok("No bookmarks match.".to_owned());
        }
        Ok(found.join("\n"))
    }

    async fn delete_bookmark(&self, id: i64) -> Result<String, Error> {
        let mut bookmarks = self.bookmarks();
        if bookmarks.remove(&id).is_none() {
            return Ok(format!("There is no bookmark {id}."));
        }
        self.save(&bookmarks)?;
        Ok(format!("Deleted bookmark {id}."))
    }

    async fn all_bookmarks(&self) -> Result<String, Error> {
        Ok(markdown(&self.bookmarks()))
    }

    async fn bookmark(&self, folder: String, id: i64) -> Result<String, Error> {
        let bookmarks = self.bookmarks();
        match bookmarks.get(&id) {
            Some(b) if b.folder == folder => Ok(serde_json::to_string_pretty(b)?),
            _ => Err(Error::not_found(format!(
                "there is no bookmark {id} in `{folder}`"
            ))),
        }
    }

    async fn export(&self, format: String) -> Result<String, Error> {
        let bookmarks = self.bookmarks();
        let mut out = String::new();
        match format.as_str() {
            "csv" => {
                out.push_str("id,folder,title,url,tags\n");
                for b in bookmarks.values() {
                    let fields = [&b.folder, &b.title, &b.url, &b.tags.join(" ")];
                    let fields: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
                    let _ = writeln!(out, "{},{}", b.id, fields.join(","));
                }
            }
            "html" => {
                out.push_str("<!DOCTYPE NETSCAPE-Bookmark-file-1>\n<META HTTP-EQUIV=\"Content-Type\" CONTENT=\"text/html; charset=UTF-8\">\n<TITLE>Bookmarks</TITLE>\n<H1>Bookmarks</H1>\n<DL><p>\n");
                for (folder, items) in by_folder(&bookmarks) {
                    let _ = writeln!(out, "<DT><H3>{}</H3>\n<DL><p>", html_escape(folder));
                    for b in items {
                        let _ = writeln!(
                            out,
                            "<DT><A HREF=\"{}\" TAGS=\"{}\">{}</A>",
                            html_escape(&b.url),
                            html_escape(&b.tags.join(",")),
                            html_escape(&b.title)
                        );
                    }
                    out.push_str("</DL><p>\n");
                }
                out.push_str("</DL><p>\n");
            }
            _ => out = markdown(&bookmarks),
        }
        Ok(out)
    }

    async fn review_folder(
        &self,
        folder: String,
        goal: Option<String>,
    ) -> Result<Vec<PromptMessage>, Error> {
        let listing: Vec<String> = self
            .bookmarks()
            .values()
            .filter(|b| b.folder == folder)
            .map(line)
            .collect();
        if listing.is_empty() {
            return Err(Error::invalid(format!(
                "the folder `{folder}` has no bookmarks"
            )));
        }
        let goal = goal.unwrap_or_else(|| {
            "Point out duplicates, links that look stale, and tags that are missing.".to_owned()
        });
        Ok(vec![
            PromptMessage::new_text(
                Role::User,
                format!(
                    "These are the bookmarks in the folder `{folder}`:\n\n{}",
                    listing.join("\n")
                ),
            ),
            PromptMessage::new_text(
                Role::Assistant,
                "I have read them. What should the review focus on?",
            ),
            PromptMessage::new_text(Role::User, goal),
        ])
    }

    async fn complete_bookmark_folder(&self, prefix: String) -> Result<Vec<String>, Error> {
        Ok(self.folders(&prefix))
    }

    async fn complete_review_folder_folder(&self, prefix: String) -> Result<Vec<String>, Error> {
        Ok(self.folders(&prefix))
    }
}
