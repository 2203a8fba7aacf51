//! Stage 1: read a spec file into [`Spec`], reporting every shape error at once.
//!
//! serde stops at the first error in a value, so each list element is read on
//! its own: a spec with a typo in three tools gets three errors, not one.

use serde::de::DeserializeOwned;
use serde_yaml::{Mapping, Value};

use crate::{
    diagnostic::{Diagnostic, Path, did_you_mean},
    source_map::Span,
    spec::{FORMAT_VERSION, ServerSpec, Spec},
};

pub const TOP_LEVEL_KEYS: &[&str] = &[
    "mcpgen",
    "server",
    "handlers",
    "dependencies",
    "settings",
    "enums",
    "types",
    "tools",
    "resources",
    "resource_templates",
    "prompts",
    "auth",
    "upstream",
];

/// Top-level keys that start with this are the user's, and ignored: a
/// place for anchors (`x-units: &units [m, km]`) and other notes.
pub const EXTENSION_PREFIX: &str = "x-";

/// The merge key of YAML 1.1, which the YAML library leaves in place.
const MERGE_KEY: &str = "<<";

/// What parsing found: every problem, and as much of the spec as could be
/// read, so that validation can report its own problems in the same run.
pub struct Parsed {
    pub spec: Option<Spec>,
    pub errors: Vec<Diagnostic>,
}

/// Parses a spec file's bytes; text that is not UTF-8 is an invalid spec,
/// with an error at its first byte that is not.
pub fn parse_bytes(bytes: &[u8]) -> Parsed {
    let error = match std::str::from_utf8(bytes) {
        Ok(source) => return parse(source),
        Err(error) => error,
    };
    let valid = &bytes[..error.valid_up_to()];
    let line_start = valid.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    let column = String::from_utf8_lossy(&valid[line_start..])
        .chars()
        .count()
        + 1;
    let span = Span {
        line: valid.iter().filter(|&&b| b == b'\n').count() + 1,
        column,
        len: 1,
    };
    Parsed {
        spec: None,
        errors: vec![
            Diagnostic::error(Path::root(), "the spec is not UTF-8 text")
                .with_span(span)
                .with_help("save it as UTF-8, the encoding of YAML files"),
        ],
    }
}

/// Parses spec source text.
pub fn parse(source: &str) -> Parsed {
    let failed = |errors| Parsed { spec: None, errors };
    if flow_depth_exceeds(source, MAX_FLOW_DEPTH) {
        return failed(vec![
            Diagnostic::error(
                Path::root(),
                format!("the spec nests `[` and `{{` more than {MAX_FLOW_DEPTH} deep"),
            )
            .with_help("a spec nests a few levels deep; check the brackets"),
        ]);
    }
    // Any other error is the YAML's own, which the parse below reports.
    let budget = budget(source);
    if let Err(error) = within_budget(source, budget)
        && error.to_string().contains(OVER_BUDGET)
    {
        return failed(vec![
            Diagnostic::error(
                Path::root(),
                format!(
                    "the spec holds more than {budget} values and bytes of text, \
                     aliases expanded"
                ),
            )
            .with_help(
                "an alias (`*name`) copies the whole value of its anchor (`&name`): copy less",
            ),
        ]);
    }
    let mut document: Value = match serde_yaml::from_str(source) {
        Ok(document) => document,
        Err(error) => return failed(vec![yaml_error(&error)]),
    };
    let mut errors = Vec::new();
    merge_keys(&mut document, &Path::root(), &mut errors);
    let Value::Mapping(top) = document else {
        return failed(vec![
            Diagnostic::error(Path::root(), "a spec must be a YAML mapping")
                .with_help("start from `mcpgen init`, or see specs/notes.yaml"),
        ]);
    };

    for key in top.keys() {
        let name = key_name(key);
        if !TOP_LEVEL_KEYS.contains(&name.as_str()) && !name.starts_with(EXTENSION_PREFIX) {
            errors.push(unknown_key(
                &Path::root().key(&name),
                &name,
                "the spec",
                TOP_LEVEL_KEYS,
            ));
        }
    }

    let version = match top.get("mcpgen") {
        None => {
            errors.push(
                Diagnostic::error(Path::root(), "missing the spec format version").with_help(
                    format!("add `mcpgen: {FORMAT_VERSION}` at the top of the file"),
                ),
            );
            None
        }
        Some(value) => match value.as_u64() {
            Some(FORMAT_VERSION) => Some(FORMAT_VERSION),
            _ => {
                errors.push(
                    Diagnostic::error(
                        Path::root().key("mcpgen"),
                        format!("unsupported spec format version `{}`", scalar_text(value)),
                    )
                    .with_help(format!("this mcpgen reads format version {FORMAT_VERSION}")),
                );
                None
            }
        },
    };

    let server = match top.get("server") {
        None => {
            errors.push(
                Diagnostic::error(Path::root(), "missing the `server` section")
                    .with_help("add `server:` with at least `name` and `version`"),
            );
            None
        }
        Some(value) => one::<ServerSpec>(value, &Path::root().key("server"), &mut errors),
    };
    let handlers = optional(&top, "handlers", &mut errors);
    let dependencies = optional(&top, "dependencies", &mut errors).unwrap_or_default();
    let settings = list(&top, "settings", &mut errors);
    let types = list(&top, "types", &mut errors);
    let enums = list(&top, "enums", &mut errors);
    let tools = list(&top, "tools", &mut errors);
    let resources = list(&top, "resources", &mut errors);
    let resource_templates = list(&top, "resource_templates", &mut errors);
    let prompts = list(&top, "prompts", &mut errors);
    let auth = optional(&top, "auth", &mut errors);
    let upstream = optional(&top, "upstream", &mut errors);

    let spec = server.map(|server| Spec {
        server,
        handlers,
        dependencies,
        settings,
        types,
        enums,
        tools,
        resources,
        resource_templates,
        prompts,
        auth,
        upstream,
    });
    if version.is_none() {
        return failed(errors);
    }
    Parsed { spec, errors }
}

fn optional<T: DeserializeOwned>(
    top: &Mapping,
    key: &str,
    errors: &mut Vec<Diagnostic>,
) -> Option<T> {
    one(top.get(key)?, &Path::root().key(key), errors)
}

/// Reads a list element by element, so that each bad element is reported.
fn list<T: DeserializeOwned>(top: &Mapping, key: &str, errors: &mut Vec<Diagnostic>) -> Vec<T> {
    let path = Path::root().key(key);
    match top.get(key) {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Sequence(items)) => items
            .iter()
            .enumerate()
            .filter_map(|(index, item)| one(item, &path.index(index), errors))
            .collect(),
        Some(_) => {
            errors.push(
                Diagnostic::error(path, format!("`{key}` must be a list"))
                    .with_help("write each entry on its own line, starting with `- `"),
            );
            Vec::new()
        }
    }
}

/// The most unknown keys reported in one value: each is found by reading
/// the whole value again, so a value with thousands would take minutes.
const MAX_UNKNOWN_KEYS: usize = 20;

/// Reads one value. An unknown key is reported, dropped, and the value read
/// again, so that its other problems are found in the same run.
fn one<T: DeserializeOwned>(value: &Value, path: &Path, errors: &mut Vec<Diagnostic>) -> Option<T> {
    let mut value = value.clone();
    for _ in 0..=MAX_UNKNOWN_KEYS {
        match serde_path_to_error::deserialize(value.clone()) {
            Ok(item) => return Some(item),
            Err(error) => {
                errors.push(shape_error(path, &error));
                let unknown =
                    parse_unknown_field(&error.inner().to_string()).map(|(key, _)| key.to_owned());
                match unknown {
                    Some(key) if remove_key(&mut value, error.path(), &key) => continue,
                    _ => return None,
                }
            }
        }
    }
    None
}

/// The deepest nesting of flow collections (`[`, `{`) read. `serde_yaml`
/// refuses more than 128 levels of any kind, but only after its scanner has
/// read them, which takes time quadratic in the depth: 30,000 levels took
/// half a minute.
const MAX_FLOW_DEPTH: usize = 1_000;

/// Whether flow collections nest deeper than `limit`, by a quick scan that
/// skips comments and quoted scalars. Brackets in plain or block scalars
/// count too, but no real spec leaves a thousand of them open.
fn flow_depth_exceeds(source: &str, limit: usize) -> bool {
    let mut depth = 0usize;
    let mut quote = None;
    let mut previous = b'\n';
    let mut bytes = source.bytes();
    while let Some(byte) = bytes.next() {
        match (quote, byte) {
            (Some(b'"'), b'\\') => {
                bytes.next();
            }
            (Some(open), _) if byte == open => quote = None,
            (Some(_), _) => {}
            (None, b'[' | b'{') => {
                depth += 1;
                if depth > limit {
                    return true;
                }
            }
            (None, b']' | b'}') => depth = depth.saturating_sub(1),
            (None, b'"' | b'\'') if b" \t\n[{,:".contains(&previous) => quote = Some(byte),
            (None, b'#') if previous.is_ascii_whitespace() => {
                bytes.by_ref().find(|&b| b == b'\n');
            }
            _ => {}
        }
        previous = byte;
    }
    false
}

/// What a spec may weigh, aliases expanded: one per value, plus the bytes
/// of its strings. Written out without aliases, a spec weighs at most about
/// twice its size, so that is the budget, or [`MIN_BUDGET`] for a small
/// spec. An alias bomb, a few lines long, can weigh billions, which
/// `serde_yaml` would build in memory: its own limit counts alias uses, not
/// what they copy, so 5,000 uses of a 5,000-item list took a minute and
/// 2.5 GB.
fn budget(source: &str) -> usize {
    MIN_BUDGET.max(source.len().saturating_mul(2))
}

/// The budget of a small spec: a hand-written spec with many aliases stays
/// well under it (the notes spec weighs about 2,000, the bookmarks spec
/// 4,000).
const MIN_BUDGET: usize = 1 << 20;

const OVER_BUDGET: &str = "mcpgen: over the value budget";

/// Weighs `source` without building its values, stopping with an error that
/// holds [`OVER_BUDGET`] past `budget`.
fn within_budget(source: &str, budget: usize) -> Result<(), serde_yaml::Error> {
    let weight = std::cell::Cell::new(0);
    serde::de::DeserializeSeed::deserialize(
        Budget {
            weight: &weight,
            budget,
        },
        serde_yaml::Deserializer::from_str(source),
    )
}

#[derive(Clone, Copy)]
struct Budget<'a> {
    weight: &'a std::cell::Cell<usize>,
    budget: usize,
}

impl Budget<'_> {
    /// Adds a value of `bytes` bytes of text.
    fn take<E: serde::de::Error>(self, bytes: usize) -> Result<(), E> {
        let weight = self.weight.get().saturating_add(1).saturating_add(bytes);
        self.weight.set(weight);
        if weight > self.budget {
            return Err(E::custom(OVER_BUDGET));
        }
        Ok(())
    }
}

impl<'de> serde::de::DeserializeSeed<'de> for Budget<'_> {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Budget<'_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<(), E> {
        self.take(0)
    }

    fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<(), E> {
        self.take(0)
    }

    fn visit_i128<E: serde::de::Error>(self, _: i128) -> Result<(), E> {
        self.take(0)
    }

    fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<(), E> {
        self.take(0)
    }

    fn visit_u128<E: serde::de::Error>(self, _: u128) -> Result<(), E> {
        self.take(0)
    }

    fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<(), E> {
        self.take(0)
    }

    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<(), E> {
        self.take(text.len())
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<(), E> {
        self.take(0)
    }

    fn visit_none<E: serde::de::Error>(self) -> Result<(), E> {
        self.take(0)
    }

    fn visit_some<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        serde::de::DeserializeSeed::deserialize(self, deserializer)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        self.take(0)?;
        while seq.next_element_seed(self)?.is_some() {}
        Ok(())
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        self.take(0)?;
        while map.next_key_seed(self)?.is_some() {
            map.next_value_seed(self)?;
        }
        Ok(())
    }

    /// A tagged value, `!tag value`.
    fn visit_enum<A: serde::de::EnumAccess<'de>>(self, data: A) -> Result<(), A::Error> {
        use serde::de::VariantAccess;
        let (serde::de::IgnoredAny, variant) = data.variant()?;
        variant.newtype_variant_seed(self)
    }
}

/// Removes `key` from the mapping at `path` inside `value`.
fn remove_key(value: &mut Value, path: &serde_path_to_error::Path, key: &str) -> bool {
    let mut node = value;
    let segments: Vec<_> = path.iter().collect();
    // The path ends with the unknown key itself.
    for segment in &segments[..segments.len().saturating_sub(1)] {
        node = match (segment, node) {
            (serde_path_to_error::Segment::Seq { index }, Value::Sequence(items)) => {
                match items.get_mut(*index) {
                    Some(item) => item,
                    None => return false,
                }
            }
            (serde_path_to_error::Segment::Map { key }, Value::Mapping(map)) => {
                match map.get_mut(key.as_str()) {
                    Some(item) => item,
                    None => return false,
                }
            }
            _ => return false,
        };
    }
    match node {
        Value::Mapping(map) => map.remove(key).is_some(),
        _ => false,
    }
}

/// Applies YAML merge keys in place, anywhere in `value`: `<<: *base`
/// copies in the entries of the mapping `base` that the mapping does not
/// set itself, and `<<: [*a, *b]` those of each mapping in turn, the first
/// one winning. A merged mapping's own merge keys are applied first. A merge
/// of anything but mappings is an error at the `<<` key, and dropped.
fn merge_keys(value: &mut Value, path: &Path, errors: &mut Vec<Diagnostic>) {
    match value {
        Value::Mapping(map) => {
            if let Some(merged) = map.remove(MERGE_KEY) {
                let at = path.key(MERGE_KEY);
                let sources = match merged {
                    Value::Sequence(items) => items
                        .into_iter()
                        .enumerate()
                        .map(|(i, item)| (at.index(i), item))
                        .collect(),
                    single => vec![(at.clone(), single)],
                };
                for (at, mut source) in sources {
                    merge_keys(&mut source, &at, errors);
                    match source {
                        Value::Mapping(source) => {
                            for (key, value) in source {
                                if !map.contains_key(&key) {
                                    map.insert(key, value);
                                }
                            }
                        }
                        other => {
                            errors.push(
                                Diagnostic::error(
                                    at,
                                    format!(
                                        "a merge key (`<<`) takes a mapping or a list of mappings, not {}",
                                        kind_of(&other)
                                    ),
                                )
                                .with_help("point it at an anchored mapping, e.g. `<<: *defaults` after `x-defaults: &defaults { type: string }`"),
                            );
                            // One error for a list that is not of mappings.
                            break;
                        }
                    }
                }
            }
            for (key, value) in map.iter_mut() {
                merge_keys(value, &path.key(key_name(key)), errors);
            }
        }
        Value::Sequence(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                merge_keys(item, &path.index(i), errors);
            }
        }
        Value::Tagged(tagged) => merge_keys(&mut tagged.value, path, errors),
        _ => {}
    }
}

/// "a list", "the text `x`", ... for a YAML value in a message.
fn kind_of(value: &Value) -> String {
    match value {
        Value::Sequence(_) => "a list".to_owned(),
        Value::Mapping(_) => "a mapping".to_owned(),
        Value::Tagged(_) => "a tagged value".to_owned(),
        Value::Null => "an empty value".to_owned(),
        scalar => format!("the value `{}`", scalar_text(scalar)),
    }
}

/// Turns a serde error at `base` + the error's own path into a diagnostic.
fn shape_error(base: &Path, error: &serde_path_to_error::Error<serde_yaml::Error>) -> Diagnostic {
    let mut path = base.clone();
    for segment in error.path().iter() {
        path = match segment {
            serde_path_to_error::Segment::Seq { index } => path.index(*index),
            serde_path_to_error::Segment::Map { key } => path.key(key.as_str()),
            serde_path_to_error::Segment::Enum { variant } => path.key(variant.as_str()),
            serde_path_to_error::Segment::Unknown => path,
        };
    }
    let message = error.inner().to_string();
    if let Some((unknown, expected)) = parse_unknown_field(&message) {
        // The path ends with the unknown key; what holds it comes before.
        let holder = Path(path.0[..path.0.len().saturating_sub(1)].to_vec());
        let what = describe(&holder);
        return unknown_key(&path, unknown, &what, &expected);
    }
    if let Some(field) = message
        .strip_prefix("missing field `")
        .and_then(|rest| rest.split('`').next())
    {
        let what = describe(&path);
        return Diagnostic::error(path.clone(), format!("{what} is missing `{field}`"))
            .with_help(format!("add `{field}:` to {what}"));
    }
    let message = message
        .split(" at line ")
        .next()
        .unwrap_or(&message)
        .to_owned();
    Diagnostic::error(path, message.replace("invalid type: ", "wrong type: "))
}

/// `unknown field `x`, expected one of `a`, `b`` → (`x`, [a, b]).
fn parse_unknown_field(message: &str) -> Option<(&str, Vec<&str>)> {
    let rest = message.strip_prefix("unknown field `")?;
    let (unknown, rest) = rest.split_once('`')?;
    let expected = rest.split('`').skip(1).step_by(2).collect();
    Some((unknown, expected))
}

fn unknown_key(path: &Path, key: &str, what: &str, expected: &[&str]) -> Diagnostic {
    let diagnostic =
        Diagnostic::error(path.clone(), format!("unknown key `{key}` in {what}")).at_key();
    match did_you_mean(key, expected.iter().copied()) {
        Some(suggestion) => diagnostic.with_help(format!("did you mean `{suggestion}`?")),
        None => diagnostic.with_help(format!(
            "the keys allowed here are {}",
            expected
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

/// "a tool", "a parameter", ... for the item at `path`: the innermost
/// element of a list, or section, that the path goes through.
fn describe(path: &Path) -> String {
    use crate::diagnostic::Segment;
    let segments = &path.0;
    let mut what = "the spec";
    for (i, segment) in segments.iter().enumerate() {
        let Segment::Key(key) = segment else {
            continue;
        };
        let element = matches!(segments.get(i + 1), Some(Segment::Index(_)));
        let top = match segments.first() {
            Some(Segment::Key(top)) => top.as_str(),
            _ => "",
        };
        what = match (key.as_str(), element, i) {
            ("server", false, 0) => "the `server` section",
            ("settings", true, 0) => "a setting",
            ("enums", true, 0) => "an enum",
            ("types", true, 0) => "a type",
            ("tools", true, 0) => "a tool",
            ("resources", true, 0) => "a resource",
            ("resource_templates", true, 0) => "a resource template",
            ("prompts", true, 0) => "a prompt",
            ("params", true, 2) if top == "resource_templates" => "a template variable",
            ("params", true, 2) => "a parameter",
            ("fields", true, 2) => "a field",
            ("arguments", true, 2) => "a prompt argument",
            ("messages", true, 2) => "a message",
            ("annotations", false, 2) => "the `annotations` of a tool",
            ("items", false, 4) => "the `items` of an array",
            _ => what,
        };
    }
    what.to_owned()
}

fn yaml_error(error: &serde_yaml::Error) -> Diagnostic {
    let message = error.to_string();
    let message = message
        .split(" at line ")
        .next()
        .unwrap_or(&message)
        .to_owned();
    let diagnostic = Diagnostic::error(Path::root(), format!("invalid YAML: {message}"))
        .with_help("check the indentation and quoting near this point");
    match error.location() {
        Some(location) => diagnostic.with_span(Span {
            line: location.line(),
            column: location.column(),
            len: 1,
        }),
        None => diagnostic,
    }
}

fn key_name(key: &Value) -> String {
    scalar_text(key)
}

fn scalar_text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Bool(flag) => flag.to_string(),
        Value::Number(number) => number.to_string(),
        Value::Null => "null".to_owned(),
        _ => serde_yaml::to_string(value)
            .unwrap_or_default()
            .trim()
            .to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use super::*;

    const HEAD: &str = "mcpgen: 1\nserver: {name: s, version: 0.1.0}\n";

    fn messages(source: &str) -> Vec<String> {
        parse(source)
            .errors
            .iter()
            .map(|d| d.render("spec.yaml", source, &Default::default(), false))
            .collect()
    }

    /// Generous: these took seconds to minutes before their fixes.
    fn quickly(what: &str, run: impl FnOnce()) {
        let started = Instant::now();
        run();
        let took = started.elapsed();
        assert!(took < Duration::from_secs(20), "{what} took {took:?}");
    }

    #[test]
    fn alias_bombs_are_refused_without_building_them() {
        // 5,000 uses of a 5,000-item list: 25 million values from 25 KB,
        // under serde_yaml's own limit on alias uses.
        let quadratic = format!(
            "{HEAD}a: &a [{}]\nb: [{}]\n",
            vec!["x"; 5_000].join(","),
            vec!["*a"; 5_000].join(",")
        );
        // Billion laughs.
        let mut laughs = format!("{HEAD}l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for level in 1..10 {
            let refs = vec![format!("*l{}", level - 1); 9].join(", ");
            laughs += &format!("l{level}: &l{level} [{refs}]\n");
        }
        for bomb in [quadratic, laughs] {
            quickly("an alias bomb", || {
                let parsed = parse(&bomb);
                assert!(parsed.spec.is_none());
                let shown = messages(&bomb).join("\n");
                assert!(
                    shown.contains("aliases expanded")
                        || shown.contains("repetition limit exceeded"),
                    "{shown}"
                );
            });
        }
        // A megabyte of text, copied a hundred times.
        let text = format!(
            "{HEAD}a: &a \"{}\"\nb: [{}]\n",
            "x".repeat(1 << 20),
            vec!["*a"; 100].join(",")
        );
        assert!(
            messages(&text).join("\n").contains("aliases expanded"),
            "{:?}",
            messages(&text)
        );
        // Aliases within the budget are fine.
        let source = format!(
            "{HEAD}tools:\n  - &t {{name: a, description: d}}\n  - {{name: b, description: d}}\n"
        );
        assert!(parse(&source).errors.is_empty(), "{:?}", messages(&source));
    }

    #[test]
    fn a_big_spec_written_out_is_within_its_budget() {
        // Well over the budget of a small spec, with no alias at all.
        let tool = |i| {
            format!(
                "  - name: tool_{i}\n    description: {}\n    params:\n      \
                 - {{ name: key, description: The key, max_length: 64 }}\n",
                "Looks things up. ".repeat(20)
            )
        };
        let source = format!("{HEAD}tools:\n{}", (0..2_000).map(tool).collect::<String>());
        assert!(budget(&source) > MIN_BUDGET);
        assert!(parse(&source).errors.is_empty(), "{:?}", messages(&source));
    }

    #[test]
    fn deep_flow_nesting_is_refused_before_the_yaml_scanner_sees_it() {
        for source in [
            format!("{HEAD}tools: {}", "[".repeat(60_000)),
            format!(
                "{HEAD}tools: {}x{}",
                "{a: ".repeat(30_000),
                "}".repeat(30_000)
            ),
        ] {
            quickly("deep nesting", || {
                let shown = messages(&source).join("\n");
                assert!(shown.contains("more than 1000 deep"), "{shown}");
            });
        }
        // Brackets in quoted text and comments are not nesting.
        let text = "[".repeat(2_000);
        let source = format!(
            "{HEAD}tools:\n  - name: t  # {text}\n    description: \"{text}\"\n    title: '{text}'\n"
        );
        assert!(parse(&source).errors.is_empty(), "{:?}", messages(&source));
        assert!(!flow_depth_exceeds("a: [[[\"]]]]]]\"]]]", 3));
        assert!(flow_depth_exceeds("a: [[[['x']]]]", 3));
    }

    #[test]
    fn bytes_that_are_not_utf8_are_an_error_at_their_place() {
        let parsed = parse_bytes(b"mcpgen: 1\nserver: {name: \xc3\xa9\xff}\n");
        assert!(parsed.spec.is_none());
        let source = "mcpgen: 1\nserver: {name: \u{e9}\u{fffd}}\n";
        let shown = parsed.errors[0].render("spec.yaml", source, &Default::default(), false);
        assert!(shown.contains("not UTF-8"), "{shown}");
        assert!(shown.contains("spec.yaml:2:17"), "{shown}");
        assert!(parse_bytes(HEAD.as_bytes()).errors.is_empty());
    }

    #[test]
    fn thousands_of_unknown_keys_are_reported_quickly() {
        let keys: String = (0..20_000)
            .map(|i| format!("    unknown{i}: {i}\n"))
            .collect();
        let source = format!("{HEAD}tools:\n  - name: t\n{keys}");
        quickly("unknown keys", || {
            let parsed = parse(&source);
            assert_eq!(parsed.errors.len(), MAX_UNKNOWN_KEYS + 1);
            assert!(parsed.spec.is_some_and(|spec| spec.tools.is_empty()));
        });
    }
}
