//! Regenerating a crate from its spec, as the spec changes over months:
//! `mcpgen generate`, `mcpgen stubs` and `mcpgen check --frozen`.
//!
//! A crate that mcpgen created has a [`LOCK_FILE`] at its root, which
//! names its spec relative to the crate. [`crate::write`] decides what may be
//! written; this module finds the crate, runs the pipeline on its spec, and
//! tells the user what changed and what their `src/handlers.rs` now lacks.

use std::{
    collections::BTreeSet,
    fs,
    path::{Component, Path, PathBuf},
};

use crate::{
    Failure, Loaded, Report, load,
    lock::{self, Items, KINDS, LOCK_FILE, Lock},
    render::Owner,
    stubs::{self, HANDLERS_FILE},
    write::{self, Change, Outcome, Plan, Refusal},
};

/// A crate that mcpgen generated, or is asked to.
struct Crate {
    root: PathBuf,
    /// The directory as the user gave it, to repeat in suggested commands:
    /// empty, or ` DIR`.
    arg: String,
    lock: Option<Lock>,
}

impl Crate {
    /// Finds the crate at `dir` (a directory, or its Cargo.toml or lock), or
    /// else the one around the current directory: the closest ancestor
    /// with a lock, or failing that, with a Cargo.toml.
    fn locate(dir: Option<&Path>) -> Result<Self, Failure> {
        if let Some(dir) = dir {
            let named_file = dir
                .file_name()
                .is_some_and(|name| name == LOCK_FILE || name == "Cargo.toml");
            let root = match dir.parent() {
                Some(parent) if named_file && dir.is_file() => parent,
                _ => dir,
            };
            let root = if root.as_os_str().is_empty() {
                Path::new(".")
            } else {
                root
            };
            if !root.is_dir() {
                return Err(Failure::Io(format!(
                    "`{}` is not a directory\n  = help: give the directory of a crate that mcpgen created",
                    root.display()
                )));
            }
            return Ok(Self {
                lock: read_lock(root)?,
                root: root.to_owned(),
                arg: format!(" {}", dir.display()),
            });
        }
        let here = std::env::current_dir()
            .map_err(|error| Failure::Io(format!("cannot read the current directory: {error}")))?;
        let with = |file: &str| here.ancestors().find(|dir| dir.join(file).is_file());
        let root = with(LOCK_FILE)
            .or_else(|| with("Cargo.toml"))
            .map_or_else(|| PathBuf::from("."), Path::to_owned);
        let root = if root == here {
            PathBuf::from(".")
        } else {
            root
        };
        Ok(Self {
            lock: read_lock(&root)?,
            root,
            arg: String::new(),
        })
    }

    /// The lock, or an error that says how to get one.
    fn lock(&self) -> Result<&Lock, Failure> {
        self.lock.as_ref().ok_or_else(|| {
            let missing = if self.arg.is_empty() {
                format!("there is no {LOCK_FILE} in the current directory or any parent")
            } else {
                format!("`{}` has no {LOCK_FILE}", self.root.display())
            };
            Failure::Io(format!(
                "{missing}, so mcpgen does not know which spec the crate comes from\n  \
                 = help: give the directory of a crate that `mcpgen new` created\n  \
                 = help: for a crate without {LOCK_FILE}, run `mcpgen generate{} --spec PATH` once to record its spec",
                self.arg
            ))
        })
    }

    /// The spec that `record` (relative to the crate) names.
    fn spec_path(&self, record: &str) -> PathBuf {
        let joined = self.root.join(record);
        let tidy = normalize(&joined);
        // A tidier path, unless a symbolic link makes `..` mean another place.
        match (fs::canonicalize(&joined), fs::canonicalize(&tidy)) {
            (Ok(a), Ok(b)) if a == b => tidy,
            _ => joined,
        }
    }

    /// Runs the pipeline on `record`'s spec, and plans writing the result.
    fn plan(&self, record: &str, force: bool, report: Report) -> Result<(Loaded, Plan), Failure> {
        let loaded = load(&self.spec_path(record), report)?;
        let plan = write::plan(
            &self.root,
            &loaded.files,
            self.lock.as_ref(),
            record.to_owned(),
            lock::items(&loaded.spec),
            force,
        )
        .map_err(|error| Failure::Io(error.to_string()))?;
        Ok((loaded, plan))
    }
}

/// The crate at `dir`, or around the current directory, with its spec run
/// through the pipeline: for commands that act on a generated crate.
pub fn load_crate(dir: Option<&Path>, report: Report) -> Result<(PathBuf, Loaded), Failure> {
    let (root, _, loaded) = load_crate_and_spec(dir, report)?;
    Ok((root, loaded))
}

/// Like [`load_crate`], and also returns the path of the spec, against which
/// the files it names (an icon) resolve.
pub fn load_crate_and_spec(
    dir: Option<&Path>,
    report: Report,
) -> Result<(PathBuf, PathBuf, Loaded), Failure> {
    let krate = Crate::locate(dir)?;
    let record = krate.lock()?.spec.clone();
    let spec = krate.spec_path(&record);
    let loaded = load(&spec, report)?;
    Ok((krate.root, spec, loaded))
}

fn read_lock(root: &Path) -> Result<Option<Lock>, Failure> {
    let path = root.join(LOCK_FILE);
    let Some(text) = write::read(&path).map_err(|error| Failure::Io(error.to_string()))? else {
        return Ok(None);
    };
    Lock::parse(&text).map(Some).map_err(|message| {
        Failure::Io(format!(
            "cannot read `{}`: {message}\n  = help: restore it from version control; or delete it, and run `mcpgen generate --spec PATH --force` to write it anew",
            path.display()
        ))
    })
}

/// `mcpgen new`: writes a crate into `dir`, recording `spec` in its lock.
pub fn create(
    spec: &Path,
    dir: &Path,
    loaded: &Loaded,
    force: bool,
) -> Result<Vec<Change>, Failure> {
    let not_empty = fs::read_dir(dir).is_ok_and(|mut entries| entries.next().is_some());
    if not_empty && !force {
        let help = if dir.join(LOCK_FILE).is_file() {
            format!(
                "it is a crate that mcpgen created: run `mcpgen generate {}` to regenerate it from its spec",
                dir.display()
            )
        } else {
            "pass `--force` to write into it anyway; files you own are never overwritten".to_owned()
        };
        return Err(Failure::Io(format!(
            "`{}` exists and is not empty\n  = help: {help}",
            dir.display()
        )));
    }
    let previous = read_lock(dir)?;
    let plan = write::plan(
        dir,
        &loaded.files,
        previous.as_ref(),
        record(spec, dir),
        lock::items(&loaded.spec),
        force,
    )
    .map_err(|error| Failure::Io(error.to_string()))?;
    refuse(
        &plan,
        "mcpgen new",
        &format!(" {} --out {}", spec.display(), dir.display()),
        false,
    )?;
    write::apply(&plan).map_err(|error| Failure::Io(error.to_string()))?;
    Ok(plan.changes)
}

/// `mcpgen generate`: regenerates a crate from its spec.
pub fn generate(
    dir: Option<&Path>,
    spec: Option<&Path>,
    force: bool,
    dry_run: bool,
    report: Report,
) -> Result<(), Failure> {
    let krate = Crate::locate(dir)?;
    let record = match spec {
        Some(spec) => record(spec, &krate.root),
        None => krate.lock()?.spec.clone(),
    };
    if krate.lock.is_none() && !krate.root.join("Cargo.toml").is_file() {
        return Err(Failure::Io(format!(
            "`{}` is not a crate: it has no Cargo.toml\n  = help: to create one, run `mcpgen new SPEC --out DIR`",
            krate.root.display()
        )));
    }
    let (loaded, plan) = krate.plan(&record, force, report)?;
    let name = &loaded.spec.server.name;
    let root = krate.root.display();
    if dry_run {
        println!("Dry run, so nothing is written. Regenerating `{name}` in {root} from {record}:");
        print_changes(&plan.changes, true);
        print_diffs(
            plan.changes
                .iter()
                .filter(|c| c.writes() && c.path != LOCK_FILE),
        );
    } else {
        refuse(&plan, "mcpgen generate", &krate.arg, false)?;
        write::apply(&plan).map_err(|error| Failure::Io(error.to_string()))?;
        println!("Regenerated `{name}` in {root} from {record}");
        print_changes(&plan.changes, false);
    }
    for released in &plan.released {
        println!(
            "  {released} is yours now: mcpgen no longer generates it, and you had edited it, so it stays"
        );
    }
    if let Some(previous) = &krate.lock {
        print_item_changes(&previous.items, &lock::items(&loaded.spec));
    }
    review_handlers(&krate, &loaded);
    if dry_run {
        refuse(&plan, "mcpgen generate", &krate.arg, true)?;
    }
    Ok(())
}

/// `mcpgen stubs`: appends the methods that `src/handlers.rs` lacks.
pub fn stubs(dir: Option<&Path>, dry_run: bool, report: Report) -> Result<(), Failure> {
    let krate = Crate::locate(dir)?;
    let record = krate.lock()?.spec.clone();
    let (loaded, plan) = krate.plan(&record, false, report)?;
    let stale: Vec<&str> = plan
        .changes
        .iter()
        .filter(|c| c.owner == Owner::Mcpgen && c.path != LOCK_FILE && c.writes())
        .map(|c| c.path.as_str())
        .collect();
    if !stale.is_empty() || !plan.refusals.is_empty() {
        return Err(Failure::Io(format!(
            "the generated files are not what {record} gives now ({}), so stubs would not match the crate's `Handler` trait\n  \
             = help: run `mcpgen generate{}` first",
            if stale.is_empty() {
                "they were edited".to_owned()
            } else {
                stale.join(", ")
            },
            krate.arg
        )));
    }
    let path = krate.root.join(HANDLERS_FILE);
    let source = fs::read_to_string(&path)
        .map_err(|error| Failure::Io(format!("cannot read `{}`: {error}", path.display())))?;
    let found = stubs::find(&source).map_err(|error| {
        Failure::Io(format!(
            "cannot add stubs: {error}\n  = help: fix it, then run `mcpgen stubs{}` again",
            krate.arg
        ))
    })?;
    let review = stubs::review(&found, &loaded.model.methods);
    warn_orphaned_and_mismatched(&review);
    if review.missing.is_empty() {
        println!("{HANDLERS_FILE} has every method that `Handler` declares: nothing to add");
        return Ok(());
    }
    let text = stubs::stubs(&review.missing, &enum_names(&loaded));
    let updated = stubs::insert(&source, &found, &text);
    let names = method_list(&review.missing);
    if dry_run {
        println!("Dry run, so nothing is written. `mcpgen stubs` would add {names}:");
        print_diffs([&Change {
            path: HANDLERS_FILE.to_owned(),
            owner: Owner::User,
            outcome: Outcome::Updated,
            before: Some(source),
            after: updated,
        }]);
        return Ok(());
    }
    write::write_atomically(&path, &updated)
        .map_err(|error| Failure::Io(format!("cannot write `{}`: {error}", path.display())))?;
    println!(
        "Added {} to `impl Handler for {}` in {HANDLERS_FILE}: {names}",
        count(review.missing.len(), "stub"),
        found.self_ty
    );
    println!("Each returns an error until you implement it.");
    Ok(())
}

/// `mcpgen check` on a crate: validates its spec, and with `frozen`, fails
/// if the generated files are not what the spec gives. `spec`, if given,
/// replaces the spec that the crate records.
pub fn check(
    dir: Option<&Path>,
    spec: Option<&Path>,
    frozen: bool,
    report: Report,
) -> Result<(), Failure> {
    let krate = Crate::locate(dir)?;
    let record = match spec {
        Some(spec) => record(spec, &krate.root),
        None => krate.lock()?.spec.clone(),
    };
    if !frozen {
        return crate::check(&krate.spec_path(&record), report);
    }
    let (loaded, plan) = krate.plan(&record, false, report)?;
    let name = &loaded.spec.server.name;
    let root = krate.root.display();
    let drifted: Vec<&Change> = plan
        .changes
        .iter()
        .filter(|c| c.owner != Owner::User && c.path != LOCK_FILE && c.writes())
        .collect();
    if drifted.is_empty() && plan.refusals.is_empty() {
        println!("`{name}` in {root} is up to date with {record}");
        return Ok(());
    }
    print_diffs(drifted.iter().copied());
    let mut message = format!("error: `{name}` in {root} is not what {record} gives");
    for change in &drifted {
        if !plan.refusals.iter().any(|r| r.path() == change.path) {
            let how = match change.outcome {
                Outcome::Created => "is missing",
                Outcome::Removed => "is no longer generated",
                _ => "differs",
            };
            message.push_str(&format!("\n  {}: {how}", change.path));
        }
    }
    for refusal in &plan.refusals {
        message.push_str(&format!("\n  {refusal}"));
    }
    message.push_str(&format!(
        "\n  = help: run `mcpgen generate{}`, and commit the result",
        krate.arg
    ));
    if plan
        .refusals
        .iter()
        .any(|r| matches!(r, Refusal::Edited(_) | Refusal::Unrecorded(_)))
    {
        message.push_str(&format!(
            "\n  = help: move hand edits of generated files into {HANDLERS_FILE}, which is yours"
        ));
    }
    eprintln!("{message}");
    Err(Failure::Drift)
}

/// Fails, naming each file, if the plan cannot go ahead.
fn refuse(plan: &Plan, command: &str, args: &str, dry_run: bool) -> Result<(), Failure> {
    if plan.refusals.is_empty() {
        return Ok(());
    }
    let mut message = format!(
        "`{command}` {} overwrite what you changed in files that mcpgen owns; nothing was written",
        if dry_run {
            "would refuse to"
        } else {
            "refuses to"
        }
    );
    for refusal in &plan.refusals {
        message.push_str(&format!("\n  {refusal}"));
    }
    let any = |matches: fn(&Refusal) -> bool| plan.refusals.iter().any(matches);
    if any(|r| matches!(r, Refusal::Edited(_) | Refusal::Unrecorded(_))) {
        message.push_str(&format!(
            "\n  = help: mcpgen rewrites generated files from the spec: move your change into {HANDLERS_FILE}, which is yours, or into the spec"
        ));
    }
    if any(|r| matches!(r, Refusal::Manifest(_))) {
        message.push_str(
            "\n  = help: settle each Cargo.toml conflict: give the entry the spec's value, or make the spec give yours",
        );
    }
    if any(Refusal::is_forceable) {
        message.push_str(&format!(
            "\n  = help: `{command}{args} --force` overwrites with what the spec gives{}",
            if dry_run {
                ""
            } else {
                "; `--dry-run` shows the difference first"
            }
        ));
    }
    if any(|r| matches!(r, Refusal::NotGenerated(_))) {
        message.push_str("\n  = help: move such a file away, then run mcpgen again");
    }
    Err(Failure::Io(message))
}

/// Lists each file and what happens to it.
pub fn print_changes(changes: &[Change], dry_run: bool) {
    for change in changes {
        let note = match (change.outcome, change.owner) {
            (Outcome::Kept, _) => "kept: yours".to_owned(),
            (Outcome::Unchanged, _) => "unchanged".to_owned(),
            (Outcome::Removed, _) => "removed: mcpgen no longer generates it".to_owned(),
            (outcome, _) if change.path == LOCK_FILE && outcome == Outcome::Created => {
                format!("{}: what mcpgen wrote; commit it", verb(outcome))
            }
            (outcome, Owner::User) => format!("{}: yours to edit", verb(outcome)),
            (Outcome::Created, Owner::Shared) => {
                "created: yours, except the entries mcpgen owns".to_owned()
            }
            (outcome, Owner::Shared) => format!("{}: the entries mcpgen owns", verb(outcome)),
            (outcome, Owner::Mcpgen) => verb(outcome).to_owned(),
        };
        let note = if dry_run && change.writes() {
            format!("would be {note}")
        } else {
            note
        };
        println!("  {:<18} {note}", change.path);
    }
}

fn verb(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Created => "created",
        Outcome::Updated => "updated",
        Outcome::Unchanged => "unchanged",
        Outcome::Kept => "kept",
        Outcome::Removed => "removed",
    }
}

/// Prints a unified diff of each change.
fn print_diffs<'a>(changes: impl IntoIterator<Item = &'a Change>) {
    for change in changes {
        let before = change.before.as_deref().unwrap_or_default();
        let old = if change.before.is_some() {
            format!("a/{}", change.path)
        } else {
            "/dev/null".to_owned()
        };
        let new = if change.outcome == Outcome::Removed {
            "/dev/null".to_owned()
        } else {
            format!("b/{}", change.path)
        };
        let diff = similar::TextDiff::from_lines(before, &change.after);
        println!();
        print!(
            "{}",
            diff.unified_diff().context_radius(3).header(&old, &new)
        );
    }
}

/// Reports the items the spec gained and lost since the last generation.
fn print_item_changes(before: &Items, after: &Items) {
    let mut lines = Vec::new();
    for (kind, noun) in KINDS {
        let names = |items: &Items| -> BTreeSet<String> {
            items.get(kind).into_iter().flatten().cloned().collect()
        };
        let (before, after) = (names(before), names(after));
        for name in after.difference(&before) {
            lines.push(format!("  added {noun} `{name}`"));
        }
        for name in before.difference(&after) {
            lines.push(format!("  removed or renamed {noun} `{name}`"));
        }
    }
    if !lines.is_empty() {
        println!();
        println!("Since the last generation, the spec has:");
        for line in lines {
            println!("{line}");
        }
    }
}

/// Warns about methods that `src/handlers.rs` lacks, no longer needs, or
/// declares differently from the trait, and prints the stubs to paste.
fn review_handlers(krate: &Crate, loaded: &Loaded) {
    let Ok(source) = fs::read_to_string(krate.root.join(HANDLERS_FILE)) else {
        return;
    };
    let found = match stubs::find(&source) {
        Ok(found) => found,
        Err(error) => {
            eprintln!("warning: cannot check {HANDLERS_FILE} against the spec: {error}");
            return;
        }
    };
    let review = stubs::review(&found, &loaded.model.methods);
    if !review.missing.is_empty() {
        eprintln!(
            "warning: `impl Handler for {}` in {HANDLERS_FILE} lacks {}, which the spec declares, so the crate does not build",
            found.self_ty,
            method_list(&review.missing)
        );
        eprintln!(
            "  = help: run `mcpgen stubs{}` to append these stubs to it, or paste them in:\n",
            krate.arg
        );
        eprintln!("{}\n", stubs::stubs(&review.missing, &enum_names(loaded)));
    }
    warn_orphaned_and_mismatched(&review);
}

fn warn_orphaned_and_mismatched(review: &stubs::Review<'_>) {
    for method in &review.orphaned {
        eprintln!(
            "warning: {HANDLERS_FILE}:{}:{}: `{}` is not a method of `Handler`: the spec no longer has its tool or resource, or renamed it\n  \
             = help: delete the method, or move its body into the method of the new name\n",
            method.line, method.column, method.name
        );
    }
    for (method, declared) in &review.mismatched {
        eprintln!(
            "warning: {HANDLERS_FILE}:{}:{}: `{}` takes `{}`, but `Handler` now declares `{}`\n  \
             = help: change the parameters to match: the spec changed them\n",
            method.line,
            method.column,
            method.name,
            stubs::signature(&method.params),
            stubs::signature(&declared.params)
        );
    }
}

/// "`a` (tool) and `b` (resource)"
fn method_list(methods: &[&crate::model::Method]) -> String {
    let names: Vec<String> = methods
        .iter()
        .map(|m| {
            let kind = if m.kind == "template" {
                "resource template"
            } else {
                m.kind
            };
            format!("`{}` ({kind})", m.ident.trim_start_matches("r#"))
        })
        .collect();
    match names.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// The types that `crate::server` declares, which stubs name by path.
fn enum_names(loaded: &Loaded) -> Vec<String> {
    let model = &loaded.model;
    model
        .enums
        .iter()
        .map(|e| e.name.clone())
        .chain(model.structs.iter().map(|s| s.name.clone()))
        .chain(["PromptMessage".to_owned()])
        .collect()
}

/// `spec` relative to the crate root `root`, with `/` separators: what the
/// lock records. Absolute where no relative path leads there.
pub fn record(spec: &Path, root: &Path) -> String {
    let (spec, root) = (resolve(spec), resolve(root));
    let (spec_parts, root_parts): (Vec<Component>, Vec<Component>) =
        (spec.components().collect(), root.components().collect());
    let common = spec_parts
        .iter()
        .zip(&root_parts)
        .take_while(|(a, b)| a == b)
        .count();
    if common == 0 {
        return spec.to_string_lossy().replace('\\', "/");
    }
    let ups = std::iter::repeat_n("..".to_owned(), root_parts.len() - common);
    let downs = spec_parts[common..]
        .iter()
        .map(|part| part.as_os_str().to_string_lossy().into_owned());
    ups.chain(downs).collect::<Vec<_>>().join("/")
}

/// An absolute path without symbolic links, `.` or `..`, for a path that
/// may not exist yet: its longest existing ancestor is canonicalized.
fn resolve(path: &Path) -> PathBuf {
    let absolute = normalize(&std::path::absolute(path).unwrap_or_else(|_| path.to_owned()));
    let mut missing = Vec::new();
    let mut existing = absolute.as_path();
    loop {
        if let Ok(real) = fs::canonicalize(existing) {
            return missing
                .iter()
                .rev()
                .fold(real, |path, part| path.join(part));
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                missing.push(name.to_owned());
                existing = parent;
            }
            _ => return absolute,
        }
    }
}

/// Removes `.` and resolves `..` by the text of the path alone.
fn normalize(path: &Path) -> PathBuf {
    let mut parts: Vec<Component> = Vec::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => match parts.last() {
                Some(Component::Normal(_)) => {
                    parts.pop();
                }
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => parts.push(part),
            },
            part => parts.push(part),
        }
    }
    if parts.is_empty() {
        PathBuf::from(".")
    } else {
        parts.iter().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_the_spec_relative_to_the_crate() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir_all(root.join("specs")).unwrap();
        fs::write(root.join("specs/a.yaml"), "").unwrap();
        assert_eq!(
            record(&root.join("specs/a.yaml"), &root.join("servers/a")),
            "../../specs/a.yaml"
        );
        assert_eq!(record(&root.join("specs/a.yaml"), root), "specs/a.yaml");
        assert_eq!(
            record(&root.join("x/../specs/./a.yaml"), &root.join("specs")),
            "a.yaml"
        );
    }

    #[test]
    fn normalizes_by_text() {
        assert_eq!(normalize(Path::new("a/./b/../c")), Path::new("a/c"));
        assert_eq!(normalize(Path::new("./../a")), Path::new("../a"));
        assert_eq!(normalize(Path::new("/../a")), Path::new("/a"));
        assert_eq!(normalize(Path::new("a/..")), Path::new("."));
    }
}
