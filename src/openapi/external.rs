//! External `$ref`s, read only with `--allow-external-refs`: a reference to
//! another file, relative to the file that holds it, is read and bundled
//! into the document, under [`BUNDLED`], so that the rest of the import
//! sees local `$ref`s only. URLs and absolute paths are refused: nothing is
//! fetched from the network.

use std::{
    collections::HashMap,
    path::{Path, PathBuf},
};

use serde_json::Value;

/// Where the bundled files go in the document: an array, one per file.
pub const BUNDLED: &str = "x-mcpgen-external";
/// The most files one import reads.
const MAX_FILES: usize = 256;
/// The largest file read.
const MAX_FILE: u64 = 64 << 20;

/// The named-type key and name of a schema `reference` into a bundled
/// file: `#/x-mcpgen-external/0/components/schemas/Pet` is `Pet`.
pub fn component(reference: &str) -> Option<&str> {
    let rest = reference.strip_prefix("#/")?.strip_prefix(BUNDLED)?;
    let name = rest.rsplit('/').next()?;
    let plain = !name.is_empty()
        && !name.contains(['~', '%'])
        && name.starts_with(|c: char| c.is_ascii_alphabetic());
    plain.then_some(name)
}

struct Files {
    /// Each read file's index in [`BUNDLED`], by its canonical path.
    index: HashMap<PathBuf, usize>,
    /// The files, as JSON, with the directory their own refs start from.
    read: Vec<(Value, PathBuf)>,
}

/// Reads the files that `document`'s external `$ref`s name, relative to
/// `dir`, and every file those name, and points each `$ref` at its copy.
pub fn bundle(document: &mut Value, dir: &Path) -> Result<(), String> {
    let mut files = Files {
        index: HashMap::new(),
        read: Vec::new(),
    };
    rewrite(document, dir, "", &mut files)?;
    let mut next = 0;
    while next < files.read.len() {
        let (mut value, dir) = std::mem::take(&mut files.read[next]);
        rewrite(&mut value, &dir, &format!("/{BUNDLED}/{next}"), &mut files)?;
        files.read[next] = (value, dir);
        next += 1;
    }
    if !files.read.is_empty()
        && let Value::Object(root) = document
    {
        let bundled = files.read.into_iter().map(|(value, _)| value).collect();
        root.insert(BUNDLED.to_owned(), Value::Array(bundled));
    }
    Ok(())
}

/// Rewrites the `$ref`s in `value`, a file read from `dir` and bundled at
/// `prefix` (empty for the document itself).
fn rewrite(value: &mut Value, dir: &Path, prefix: &str, files: &mut Files) -> Result<(), String> {
    match value {
        Value::Object(object) => {
            if let Some(Value::String(reference)) = object.get_mut("$ref") {
                *reference = resolved(reference, dir, prefix, files)?;
            }
            for (key, child) in object.iter_mut() {
                if key != "$ref" {
                    rewrite(child, dir, prefix, files)?;
                }
            }
        }
        Value::Array(items) => {
            for item in items {
                rewrite(item, dir, prefix, files)?;
            }
        }
        _ => {}
    }
    Ok(())
}

fn resolved(
    reference: &str,
    dir: &Path,
    prefix: &str,
    files: &mut Files,
) -> Result<String, String> {
    let (file, fragment) = reference.split_once('#').unwrap_or((reference, ""));
    if !fragment.is_empty() && !fragment.starts_with('/') {
        return Err(format!(
            "`{}` is not a JSON Pointer",
            reference.escape_debug()
        ));
    }
    if file.is_empty() {
        return Ok(format!("#{prefix}{fragment}"));
    }
    let remote = file.contains("://") || file.starts_with("//");
    let absolute = Path::new(file).is_absolute()
        || file.starts_with(['/', '\\'])
        || file.as_bytes().get(1) == Some(&b':');
    if remote || absolute {
        return Err(format!(
            "the `$ref` `{}` names {}: only files relative to the document are read, and nothing from the network",
            reference.escape_debug(),
            if remote { "a URL" } else { "an absolute path" }
        ));
    }
    let path = dir.join(file);
    let canonical = path.canonicalize().map_err(|error| {
        format!(
            "cannot read `{}`, which the `$ref` `{}` names: {error}",
            path.display(),
            reference.escape_debug()
        )
    })?;
    let index = match files.index.get(&canonical) {
        Some(&index) => index,
        None => {
            if files.read.len() >= MAX_FILES {
                return Err(format!("the `$ref`s name more than {MAX_FILES} files"));
            }
            let value = read(&canonical, reference)?;
            let dir = canonical.parent().unwrap_or(Path::new(".")).to_owned();
            files.read.push((value, dir));
            files.index.insert(canonical, files.read.len() - 1);
            files.read.len() - 1
        }
    };
    Ok(format!("#/{BUNDLED}/{index}{fragment}"))
}

fn read(path: &Path, reference: &str) -> Result<Value, String> {
    let cannot = |why: String| {
        format!(
            "cannot read `{}`, which the `$ref` `{}` names: {why}",
            path.display(),
            reference.escape_debug()
        )
    };
    let size = std::fs::metadata(path)
        .map_err(|e| cannot(e.to_string()))?
        .len();
    if size > MAX_FILE {
        return Err(cannot(format!("it is over {} MiB", MAX_FILE >> 20)));
    }
    let bytes = std::fs::read(path).map_err(|e| cannot(e.to_string()))?;
    let text = String::from_utf8_lossy(&bytes);
    let yaml = serde_yaml::from_str(&text).map_err(|e| cannot(e.to_string()))?;
    super::to_json(yaml).map_err(cannot)
}
