//! A seeded generator of random, valid specs, for tests/generality.rs.
//!
//! Every spec it makes must pass `mcpgen check`: a spec the validator
//! refuses is a bug here or in the validator. Names, descriptions, enum
//! values and texts come from pools of hostile strings (quotes, raw-string
//! fences, comment ends, template syntax, control, bidi and emoji
//! characters, Rust keywords), and each feature of the format is drawn
//! from a shuffled deck shared by all the specs of a run, so that a run of
//! a few specs holds every feature.
//!
//! The generator mirrors the rules of src/validate.rs that it must follow,
//! and the identifier mapping of src/model/ident.rs, to keep the names of
//! the Rust items it leads to distinct.

#![allow(dead_code)] // Each test binary uses a different subset.

use std::collections::{BTreeSet, HashMap, HashSet};

use serde_json::{Map, Value, json};

/// splitmix64: small, fast, and the same on every platform.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// A number in `low..=high`.
    pub fn between(&mut self, low: usize, high: usize) -> usize {
        low + self.below(high - low + 1)
    }

    pub fn chance(&mut self, percent: u64) -> bool {
        self.next_u64() % 100 < percent
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            items.swap(i, self.below(i + 1));
        }
    }
}

/// Draws each item once, in a random order, then starts over: over enough
/// draws, every item comes up.
struct Deck<T: Copy + 'static> {
    items: &'static [T],
    left: Vec<T>,
}

impl<T: Copy + 'static> Deck<T> {
    fn new(items: &'static [T]) -> Self {
        Self {
            items,
            left: Vec::new(),
        }
    }

    fn draw(&mut self, rng: &mut Rng) -> T {
        if self.left.is_empty() {
            self.left = self.items.to_vec();
            rng.shuffle(&mut self.left);
        }
        self.left.pop().expect("a deck is never empty")
    }
}

// Pools. Tool names allow only A-Za-z0-9_-. and settings names only
// A-Za-z0-9_- (starting with a letter); template variables only
// A-Za-z0-9_; every other name may be any non-empty string.

/// Free text for descriptions, titles, instructions and fixed contents.
pub const HOSTILE: &[&str] = &[
    "q\"uote",
    "back\\slash\\",
    "raw \"# fence",
    "raw \"## fence",
    "*/ comment end /*",
    "{{ tera }}",
    "{% if x %}",
    "{# note #}",
    "line\nbreak",
    "tab\there",
    "🦀 crab",
    "\u{202E}rtl override\u{202C}",
    "שלום עולם",
    "${x} `tick` 'single'",
    "crlf\r\nline",
    "- a list\n- item\ncontinued",
    "1. one\n2. two",
    "#[attr] \")] injected",
    "r#\"raw\"#",
    "\u{1b}[31mansi",
    "  indented",
    "trailing  ",
    "<tag>&amp;",
    "null",
    "~",
    "key: value",
    "zero\u{200B}width",
    "\\n not a newline",
];

/// The text that samples of unconstrained strings start from.
pub const SAMPLE_TEXT: &str = "q\"uote \\ \"# {x} */ 🦀 \u{202E}rtl";

const TOOL_NAMES: &[&str] = &[
    "type",
    "match",
    "self",
    "crate",
    "async",
    "files.read",
    "my-tool.v2",
    "get",
    "get_note",
    "summarize",
    "handler",
    "tool_router",
    "2fa",
    "A",
    "list-ALL.items_v2",
    "search",
];

const PARAM_NAMES: &[&str] = &[
    "self",
    "type",
    "crate",
    "async",
    "match",
    "my-param.v2",
    "2fa",
    "camelCase",
    "note_id",
    "id",
    "b",
    "b_item",
    "with space",
    "q\"uote",
    "value",
    "🦀x",
];

const TYPE_NAMES: &[&str] = &[
    "Address",
    "geo.point",
    "line-item",
    "Match",
    "type",
    "self",
    "Note2",
    "a",
    "Get",
];

const PROMPT_NAMES: &[&str] = &[
    "summarize",
    "type",
    "self",
    "q\"uote \\ \"# */ {{ x }} 🦀",
    "line\nbreak",
    "\u{202E}rtl",
    "review-code.v2",
    "match",
    "handler",
    "new",
    "prompt_router",
    "🦀",
];

const ARG_NAMES: &[&str] = &[
    "topic",
    "type",
    "self",
    "my-arg",
    "2fa",
    "camelCase",
    "with space",
    "q\"uote",
    "async",
];

const RESOURCE_NAMES: &[&str] = &[
    "readme",
    "type",
    "self",
    "crate",
    "async",
    "🦀",
    "q\"uote",
    "my-res.v2",
    "backup",
    "handler",
];

const TEMPLATE_NAMES: &[&str] = &["note", "type", "self", "1x", "x", "file-by.id", "🦀"];

const VAR_NAMES: &[&str] = &[
    "type", "self", "id", "folder", "x_1", "2fa", "crate", "async", "match", "name",
];

const SETTING_NAMES: &[&str] = &[
    "mode",
    "type",
    "match",
    "self",
    "crate",
    "db-path",
    "max_items",
    "verbose",
    "level2",
    "async",
];

/// Enum values: each becomes a Rust variant, so their PascalCase forms
/// must differ within one enum.
const ENUM_VALUES: &[&str] = &[
    "a\"b",
    "{{x}}",
    "{x}",
    "🦀",
    "",
    "match",
    "self",
    "type",
    "with space",
    "back\\slash",
    "\"#",
    "*/",
    "line\nbreak",
    "UPPER",
    "kebab-case",
    "dot.ted",
    "1st",
    "none",
    "some",
    "ok",
    "err",
    "\u{202E}rtl",
];

const MIME_TYPES: &[&str] = &[
    "text/plain",
    "text/markdown",
    "application/json",
    "text/html; charset=\"utf-8\"",
];

/// Patterns, each with a value that matches it, and whether that value
/// can go into a URI template variable.
pub const PATTERNS: &[(&str, &str, bool)] = &[
    ("^[a-z]+$", "example", true),
    ("^\\d{3}-\\d{4}$", "555-1234", true),
    ("^[A-Z][a-z]*$", "Example", true),
    ("(?i)^hello", "HeLLo world", true),
    ("^\"#\\{x\\}\\\\$", "\"#{x}\\", false),
    ("^\\p{L}+ 🦀$", "héllo 🦀", false),
    ("x|y", "xyz", true),
];

/// The rule of a string `format`.
fn format(format: &str) -> Map<String, Value> {
    Map::from_iter([("format".to_owned(), json!(format))])
}

/// A value of each string format.
pub fn format_sample(format: &str) -> &'static str {
    match format {
        "date-time" => "2025-06-18T09:30:00Z",
        "date" => "2025-06-18",
        "email" => "someone@example.com",
        "uri" => "https://example.com/a?b=c",
        other => panic!("unknown format {other}"),
    }
}

const INTEGERS: &[i64] = &[i64::MIN, -100, 0, 1, 2, 5, 1000, i64::MAX];
const NUMBERS: &[f64] = &[-1.0e9, -1.5, 0.0, 0.25, 2.5, 1.0e15];

/// What a tool parameter or type field holds.
#[derive(Debug, Clone, Copy)]
enum Kind {
    Text,
    Bounded,
    Pattern,
    DateTime,
    Date,
    Email,
    Uri,
    Integer,
    IntegerRange,
    Number,
    NumberRange,
    Boolean,
    Enum,
    Strings,
    Enums,
    Integers,
    Numbers,
    Object,
    Objects,
}

const KINDS: &[Kind] = &[
    Kind::Text,
    Kind::Bounded,
    Kind::Pattern,
    Kind::DateTime,
    Kind::Date,
    Kind::Email,
    Kind::Uri,
    Kind::Integer,
    Kind::IntegerRange,
    Kind::Number,
    Kind::NumberRange,
    Kind::Boolean,
    Kind::Enum,
    Kind::Strings,
    Kind::Enums,
    Kind::Integers,
    Kind::Numbers,
    Kind::Object,
    Kind::Objects,
];

/// Whether the caller must pass a value.
#[derive(Debug, Clone, Copy)]
enum Presence {
    Required,
    /// `required: true`, written out.
    ExplicitlyRequired,
    Optional,
    Defaulted,
}

const PRESENCES: &[Presence] = &[
    Presence::Required,
    Presence::ExplicitlyRequired,
    Presence::Optional,
    Presence::Defaulted,
];

#[derive(Debug, Clone, Copy)]
enum ResourceKind {
    Text,
    Dynamic,
    Binary,
    TextFile,
    BinaryFile,
}

const RESOURCE_KINDS: &[ResourceKind] = &[
    ResourceKind::Text,
    ResourceKind::Dynamic,
    ResourceKind::Binary,
    ResourceKind::TextFile,
    ResourceKind::BinaryFile,
];

#[derive(Debug, Clone, Copy)]
enum VarKind {
    /// No entry under `params`: a plain string.
    Untyped,
    Pattern,
    Bounded,
    Format,
    Integer,
    Enum,
}

const VAR_KINDS: &[VarKind] = &[
    VarKind::Untyped,
    VarKind::Pattern,
    VarKind::Bounded,
    VarKind::Format,
    VarKind::Integer,
    VarKind::Enum,
];

#[derive(Debug, Clone, Copy)]
enum SettingKind {
    String,
    Path,
    DataDirPath,
    Integer,
    Boolean,
}

const SETTING_KINDS: &[SettingKind] = &[
    SettingKind::String,
    SettingKind::Path,
    SettingKind::DataDirPath,
    SettingKind::Integer,
    SettingKind::Boolean,
];

/// Names a spec cannot take: the lists mcpgen's validator uses.
#[path = "../../src/validate/reserved.rs"]
#[allow(dead_code)]
mod reserved;

use reserved::RESERVED_TYPES;

/// A generated spec: the server's name, the spec as JSON (written out as
/// YAML), and the files it embeds, to put next to it.
#[derive(Clone)]
pub struct GenSpec {
    pub name: String,
    pub spec: Value,
    pub files: Vec<(String, Vec<u8>)>,
}

/// Makes specs; the decks carry over from one spec to the next.
pub struct Generator {
    rng: Rng,
    kinds: Deck<Kind>,
    presences: Deck<Presence>,
    resource_kinds: Deck<ResourceKind>,
    var_kinds: Deck<VarKind>,
    setting_kinds: Deck<SettingKind>,
    /// For each choice, its outcomes still to come.
    coins: HashMap<&'static str, Vec<bool>>,
}

impl Generator {
    pub fn new(seed: u64) -> Self {
        Self {
            rng: Rng::new(seed),
            kinds: Deck::new(KINDS),
            presences: Deck::new(PRESENCES),
            resource_kinds: Deck::new(RESOURCE_KINDS),
            var_kinds: Deck::new(VAR_KINDS),
            setting_kinds: Deck::new(SETTING_KINDS),
            coins: HashMap::new(),
        }
    }

    /// True `hits` times in each `draws` calls for `choice`, in a random
    /// order: a feature that is not always there still always comes up.
    fn odds(&mut self, choice: &'static str, hits: usize, draws: usize) -> bool {
        let outcomes = self.coins.entry(choice).or_default();
        if outcomes.is_empty() {
            *outcomes = (0..draws).map(|i| i < hits).collect();
            self.rng.shuffle(outcomes);
        }
        outcomes.pop().expect("outcomes left")
    }

    /// The `index`th spec of a run; its server (and binary) is named after
    /// the index, so that runs reuse each other's build artifacts.
    pub fn spec(&mut self, index: usize) -> GenSpec {
        let name = if index.is_multiple_of(2) {
            format!("gen-{index}-server")
        } else {
            format!("gen_{index}_server")
        };
        let mut builder = Builder {
            g: self,
            shared: None,
            index,
            rust_types: RESERVED_TYPES.iter().map(|t| (*t).to_owned()).collect(),
            methods: HashSet::from(["new".to_owned()]),
            types: Vec::new(),
            forms: Vec::new(),
            files: Vec::new(),
        };
        let spec = builder.build(&name);
        let files = builder.files;
        GenSpec { name, spec, files }
    }
}

struct Builder<'a> {
    g: &'a mut Generator,
    /// The spec's shared enum, if it has one: its name and values, and
    /// whether anything uses it yet.
    shared: Option<(String, Value, bool)>,
    index: usize,
    /// Rust type names taken so far: structs, enums, and the reserved ones.
    rust_types: HashSet<String>,
    /// Handler method names taken so far.
    methods: HashSet<String>,
    types: Vec<Value>,
    /// The named types that are forms a tool may elicit.
    forms: Vec<String>,
    files: Vec<(String, Vec<u8>)>,
}

impl Builder<'_> {
    fn rng(&mut self) -> &mut Rng {
        &mut self.g.rng
    }

    fn odds(&mut self, choice: &'static str, hits: usize, draws: usize) -> bool {
        self.g.odds(choice, hits, draws)
    }

    fn build(&mut self, name: &str) -> Value {
        let mut spec = Map::new();
        spec.insert("mcpgen".into(), json!(1));
        let mut server = Map::new();
        server.insert("name".into(), json!(name));
        let version = *self
            .rng()
            .pick(&["0.1.0", "1.2.3", "0.0.1-alpha.1", "2.0.0+build.5"]);
        server.insert("version".into(), json!(version));
        for key in ["title", "description", "instructions"] {
            if self.odds(key, 3, 4) {
                let text = self.text();
                server.insert(key.into(), json!(text));
            }
        }
        // Not drawn from the generator, which would change every spec after.
        if self.index % 7 == 5 {
            server.insert("schema_refs".into(), json!(true));
        }
        spec.insert("server".into(), Value::Object(server));
        if self.odds("dependencies", 1, 3) {
            spec.insert("dependencies".into(), json!({ "itoa": "1" }));
        }

        let mut settings = Vec::new();
        let mut idents = HashSet::new();
        for _ in 0..self.rng().between(1, 3) {
            if let Some(setting) = self.setting(&mut idents) {
                settings.push(setting);
            }
        }
        spec.insert("settings".into(), Value::Array(settings));

        if self.odds("shared enum", 2, 3) {
            let name = *self.rng().pick(SHARED_ENUM_NAMES);
            if self.take_type(pascal(name)) {
                // Values that fit a URI segment too, for template variables.
                let values = self.enum_values(&uri_safe_enum_values());
                self.shared = Some((name.to_owned(), values, false));
            }
        }

        for _ in 0..self.rng().between(1, 3) {
            if let Some(ty) = self.named_type() {
                self.types.push(ty);
            }
        }
        if self.odds("form", 1, 2)
            && let Some(form) = self.form()
        {
            self.forms.push(form["name"].as_str().unwrap().to_owned());
            self.types.push(form);
        }
        spec.insert("types".into(), Value::Array(self.types.clone()));

        let mut tools = Vec::new();
        let mut tool_names = HashSet::new();
        for _ in 0..self.rng().between(2, 4) {
            if let Some(tool) = self.tool(&mut tool_names) {
                tools.push(tool);
            }
        }
        spec.insert("tools".into(), Value::Array(tools));

        let mut resources = Vec::new();
        let mut names = HashSet::new();
        let mut uris = HashSet::new();
        for i in 0..self.rng().between(2, 4) {
            if let Some(resource) = self.resource(i, &mut names, &mut uris) {
                resources.push(resource);
            }
        }
        spec.insert("resources".into(), Value::Array(resources));

        let mut templates = Vec::new();
        let mut names = HashSet::new();
        for i in 0..self.rng().between(1, 2) {
            if let Some(template) = self.template(i, &mut names) {
                templates.push(template);
            }
        }
        spec.insert("resource_templates".into(), Value::Array(templates));

        let mut prompts = Vec::new();
        let mut names = HashSet::new();
        for _ in 0..self.rng().between(1, 3) {
            if let Some(prompt) = self.prompt(&mut names) {
                prompts.push(prompt);
            }
        }
        spec.insert("prompts".into(), Value::Array(prompts));
        if let Some((name, values, true)) = self.shared.clone() {
            let mut shared = Map::new();
            shared.insert("name".into(), json!(name));
            if let Some(description) = self.description() {
                shared.insert("description".into(), json!(description));
            }
            shared.insert("values".into(), values);
            spec.insert("enums".into(), json!([shared]));
        }
        Value::Object(spec)
    }

    /// The shared enum's name, for a place that may use it instead of an
    /// enum of its own, half the time.
    fn use_shared(&mut self, choice: &'static str) -> Option<String> {
        self.shared.as_ref()?;
        if !self.odds(choice, 1, 2) {
            return None;
        }
        let (name, _, used) = self.shared.as_mut()?;
        *used = true;
        Some(name.clone())
    }

    /// Hostile text: one to three pieces, sometimes after plain words.
    fn text(&mut self) -> String {
        let mut parts = Vec::new();
        if self.rng().below(2) == 0 {
            parts.push("Does a thing.".to_owned());
        }
        for _ in 0..self.rng().between(1, 3) {
            parts.push((*self.rng().pick(HOSTILE)).to_owned());
        }
        parts.join(" ")
    }

    /// A description: usually text, sometimes none, rarely only blanks.
    fn description(&mut self) -> Option<String> {
        match self.rng().below(10) {
            0 => None,
            1 => Some(" \t".to_owned()),
            _ => Some(self.text()),
        }
    }

    /// A name from `pool` that `fits`, if one does in a few tries.
    fn name(&mut self, pool: &[&str], mut fits: impl FnMut(&str) -> bool) -> Option<String> {
        for _ in 0..12 {
            let name = *self.rng().pick(pool);
            if fits(name) {
                return Some(name.to_owned());
            }
        }
        None
    }

    /// The name of one of the named types so far.
    fn some_type(&mut self) -> Value {
        let i = self.g.rng.below(self.types.len());
        self.types[i]["name"].clone()
    }

    /// Takes a Rust type name; false if it is taken already.
    fn take_type(&mut self, name: String) -> bool {
        self.rust_types.insert(name)
    }

    fn take_method(&mut self, name: String) -> bool {
        self.methods.insert(name)
    }

    /// A setting whose identifier is not in `idents`: settings are the
    /// fields of one struct.
    fn setting(&mut self, idents: &mut HashSet<String>) -> Option<Value> {
        let name = self.name(SETTING_NAMES, |n| !idents.contains(&snake(n)))?;
        idents.insert(snake(&name));
        let mut setting = Map::new();
        setting.insert("name".into(), json!(name));
        let kind = self.g.setting_kinds.draw(&mut self.g.rng);
        let (ty, default) = match kind {
            SettingKind::String => ("string", json!(self.text())),
            SettingKind::Path => ("path", json!("relative/dir/file.txt")),
            SettingKind::DataDirPath => ("path", json!("{data_dir}/state.db")),
            SettingKind::Integer => ("integer", json!(*self.rng().pick(&[-5, 0, 42]))),
            // A boolean setting is a flag: off unless given.
            SettingKind::Boolean => ("boolean", json!(false)),
        };
        setting.insert("type".into(), json!(ty));
        if matches!(kind, SettingKind::DataDirPath) || self.odds("setting default", 2, 3) {
            setting.insert("default".into(), default);
        }
        if self.odds("setting env", 3, 5) {
            let env = format!("GEN{}_{}", self.index, screaming(&name));
            setting.insert("env".into(), json!(env));
        }
        if let Some(description) = self.description() {
            setting.insert("description".into(), json!(description));
        }
        Some(Value::Object(setting))
    }

    /// A name for a new type, unlike the types so far and the Rust types
    /// the crate defines, and taken.
    fn type_name(&mut self) -> Option<String> {
        let existing: Vec<String> = self
            .types
            .iter()
            .map(|t| t["name"].as_str().unwrap().to_owned())
            .collect();
        let rust_types = self.rust_types.clone();
        let name = self.name(TYPE_NAMES, |n| {
            !existing.iter().any(|e| e == n) && !rust_types.contains(&pascal(n))
        })?;
        self.take_type(pascal(&name));
        Some(name)
    }

    fn named_type(&mut self) -> Option<Value> {
        let name = self.type_name()?;
        let mut ty = Map::new();
        ty.insert("name".into(), json!(name));
        if let Some(description) = self.description() {
            ty.insert("description".into(), json!(description));
        }
        let count = self.rng().between(1, 4);
        let mut fields = self.params(count, &name, true);
        if fields.is_empty() {
            fields.push(json!({ "name": "value", "type": "integer" }));
        }
        let has = |fields: &[Value], field: &str| {
            fields
                .iter()
                .any(|f| snake(f["name"].as_str().unwrap()) == field)
        };
        // A type may hold an earlier one, and itself through an array,
        // which may be empty.
        if !self.types.is_empty() && self.odds("type in a type", 1, 2) && !has(&fields, "inner") {
            let inner = self.some_type();
            fields.push(json!({ "name": "inner", "type": inner }));
        }
        if self.odds("type holding itself", 1, 4) && !has(&fields, "children") {
            fields.push(json!({ "name": "children", "type": "array", "items": { "type": name } }));
        }
        ty.insert("fields".into(), Value::Array(fields));
        Some(Value::Object(ty))
    }

    /// A named type that is a form a tool may elicit: flat, of the kinds
    /// of field that elicitation schemas hold, with their constraints,
    /// formats and defaults.
    fn form(&mut self) -> Option<Value> {
        let name = self.type_name()?;
        let mut fields = vec![json!({ "name": "answer", "min_length": 1, "max_length": 40 })];
        let shared = self.use_shared("form enum");
        for (field, odds) in [
            (
                json!({ "name": "email", "format": "email", "required": false }),
                2,
            ),
            (
                json!({ "name": "age", "type": "integer", "minimum": 0, "maximum": 150, "default": 30 }),
                2,
            ),
            (
                json!({ "name": "score", "type": "number", "maximum": 100 }),
                3,
            ),
            (
                json!({ "name": "agree", "type": "boolean", "default": true }),
                2,
            ),
        ] {
            if self.rng().chance(100 / odds) {
                fields.push(field);
            }
        }
        if let Some(shared) = shared {
            fields.push(json!({ "name": "choice", "type": shared }));
            fields.push(json!({ "name": "choices", "type": "array", "items": { "type": shared } }));
        }
        let mut form = Map::new();
        form.insert("name".into(), json!(name));
        if let Some(description) = self.description() {
            form.insert("description".into(), json!(description));
        }
        form.insert("fields".into(), Value::Array(fields));
        Some(Value::Object(form))
    }

    fn tool(&mut self, names: &mut HashSet<String>) -> Option<Value> {
        let methods = self.methods.clone();
        let rust_types = self.rust_types.clone();
        let name = self.name(TOOL_NAMES, |n| {
            !names.contains(n)
                && !methods.contains(&snake(n))
                && !rust_types.contains(&pascal_join(&[n, "Params"]))
        })?;
        names.insert(name.clone());
        self.take_method(snake(&name));
        let mut tool = Map::new();
        tool.insert("name".into(), json!(name));
        if self.odds("tool title", 1, 2) {
            let title = self.text();
            tool.insert("title".into(), json!(title));
        }
        if let Some(description) = self.description() {
            tool.insert("description".into(), json!(description));
        }
        if self.odds("tool annotations", 1, 2) {
            let mut annotations = Map::new();
            for key in ["read_only", "destructive", "idempotent", "open_world"] {
                if self.rng().chance(60) {
                    let flag = self.rng().chance(50);
                    annotations.insert(key.into(), json!(flag));
                }
            }
            tool.insert("annotations".into(), Value::Object(annotations));
        }
        if !self.types.is_empty() && self.odds("tool output", 2, 5) {
            let output = self.some_type();
            tool.insert("output".into(), output);
        } else if self.odds("tool content", 1, 3) {
            tool.insert("content".into(), json!(true));
        }
        if self.odds("tool context", 1, 3) {
            tool.insert("context".into(), json!(true));
        }
        // A tool that asks the user to fill in a form does so through its
        // context.
        if !self.forms.is_empty() && self.odds("tool elicit", 1, 2) {
            tool.insert("context".into(), json!(true));
            tool.insert("elicit".into(), json!(self.forms.clone()));
        }
        let count = if self.odds("tool without params", 1, 4) {
            0
        } else {
            self.rng().between(1, 5)
        };
        let params = self.params(count, &name, false);
        if !params.is_empty() {
            self.take_type(pascal_join(&[&name, "Params"]));
            tool.insert("params".into(), Value::Array(params));
        }
        // Sampling the client's model and listing its roots, through the
        // context too.
        for ask in ["sampling", "roots"] {
            if self.odds(ask, 1, 5) {
                tool.insert("context".into(), json!(true));
                tool.insert(ask.into(), json!(true));
            }
        }
        Some(Value::Object(tool))
    }

    /// Up to `count` parameters of the tool `owner`, or fields of the type
    /// `owner`.
    fn params(&mut self, count: usize, owner: &str, of_type: bool) -> Vec<Value> {
        let mut params: Vec<Value> = Vec::new();
        let mut idents = HashSet::new();
        for _ in 0..count {
            let Some(name) = self.name(PARAM_NAMES, |n| !idents.contains(&snake(n))) else {
                continue;
            };
            idents.insert(snake(&name));
            let enum_name = pascal_join(&[owner, &name]);
            let mut kind = self.g.kinds.draw(&mut self.g.rng);
            let shared = match kind {
                Kind::Enum | Kind::Enums => self.use_shared("shared enum param"),
                _ => None,
            };
            if matches!(kind, Kind::Enum | Kind::Enums)
                && shared.is_none()
                && !self.take_type(enum_name)
            {
                kind = Kind::Text;
            }
            // Named types come before the types that hold them: no cycles.
            let holdable: Vec<String> = self
                .types
                .iter()
                .map(|t| t["name"].as_str().unwrap().to_owned())
                .filter(|t| !of_type || t != owner)
                .collect();
            if matches!(kind, Kind::Object | Kind::Objects) && holdable.is_empty() {
                kind = Kind::Boolean;
            }
            let mut param = self.typed(kind, &holdable);
            if let Some(shared) = shared {
                // The shared enum in place of the values.
                let holder = match kind {
                    Kind::Enums => param.get_mut("items").and_then(Value::as_object_mut),
                    _ => Some(&mut param),
                };
                if let Some(holder) = holder {
                    holder.remove("enum");
                    holder.insert("type".into(), json!(shared));
                }
            }
            param.insert("name".into(), json!(name));
            if let Some(description) = self.description() {
                param.insert("description".into(), json!(description));
            }
            let mut presence = self.g.presences.draw(&mut self.g.rng);
            if matches!(presence, Presence::Defaulted)
                && matches!(kind, Kind::Object | Kind::Objects)
            {
                presence = Presence::Optional;
            }
            match presence {
                Presence::Required => {}
                Presence::ExplicitlyRequired => {
                    param.insert("required".into(), json!(true));
                }
                Presence::Optional => {
                    param.insert("required".into(), json!(false));
                }
                Presence::Defaulted => {
                    // A value of the shared enum is one of its values.
                    let mut value = Value::Object(param.clone());
                    if let Some((name, values, _)) = &self.shared {
                        expand_enums(&mut value, &[(name.clone(), values.clone(), Value::Null)]);
                    }
                    let default = match &value["enum"] {
                        Value::Array(values) => self.rng().pick(values).clone(),
                        _ => sample(&value, &[], 0),
                    };
                    param.insert("default".into(), default);
                }
            }
            params.push(Value::Object(param));
        }
        params
    }

    /// The type and constraints of a parameter of `kind`.
    fn typed(&mut self, kind: Kind, types: &[String]) -> Map<String, Value> {
        let mut param = Map::new();
        match kind {
            Kind::Text => {
                if self.rng().below(2) == 0 {
                    param.insert("type".into(), json!("string"));
                }
            }
            Kind::Bounded => param.extend(self.lengths(None, 0)),
            Kind::Pattern => param.extend(self.pattern(false)),
            Kind::DateTime => param.extend(format("date-time")),
            Kind::Date => param.extend(format("date")),
            Kind::Email => param.extend(format("email")),
            Kind::Uri => param.extend(format("uri")),
            Kind::Integer | Kind::IntegerRange => {
                param.insert("type".into(), json!("integer"));
                param.extend(self.integer_bounds(matches!(kind, Kind::IntegerRange)));
            }
            Kind::Number | Kind::NumberRange => {
                param.insert("type".into(), json!("number"));
                param.extend(self.number_bounds(matches!(kind, Kind::NumberRange)));
            }
            Kind::Boolean => {
                param.insert("type".into(), json!("boolean"));
            }
            Kind::Enum => {
                param.insert("enum".into(), self.enum_values(ENUM_VALUES));
            }
            Kind::Strings | Kind::Enums | Kind::Integers | Kind::Numbers | Kind::Objects => {
                param.insert("type".into(), json!("array"));
                let mut items = Map::new();
                match kind {
                    Kind::Strings => match self.rng().below(3) {
                        0 => items.extend(self.pattern(false)),
                        1 => {
                            let format = *self.rng().pick(&["date-time", "date", "email", "uri"]);
                            items.insert("format".into(), json!(format));
                        }
                        _ => {
                            items.insert("type".into(), json!("string"));
                            items.extend(self.lengths(None, 0));
                        }
                    },
                    Kind::Enums => {
                        items.insert("enum".into(), self.enum_values(ENUM_VALUES));
                    }
                    Kind::Integers => {
                        items.insert("type".into(), json!("integer"));
                        items.extend(self.integer_bounds(true));
                    }
                    Kind::Numbers => {
                        items.insert("type".into(), json!("number"));
                        items.extend(self.number_bounds(false));
                    }
                    _ => {
                        items.insert("type".into(), json!(self.rng().pick(types)));
                    }
                }
                param.insert("items".into(), Value::Object(items));
                if self.odds("min_items", 3, 5) {
                    param.insert("min_items".into(), json!(self.rng().between(0, 2)));
                }
                if self.odds("max_items", 3, 5) {
                    param.insert("max_items".into(), json!(self.rng().between(2, 5)));
                }
            }
            Kind::Object => {
                param.insert("type".into(), json!(self.rng().pick(types)));
            }
        }
        param
    }

    /// A `pattern` (one that a URI segment can match, if `in_uri`), and
    /// lengths that its sample fits.
    fn pattern(&mut self, in_uri: bool) -> Map<String, Value> {
        let patterns: Vec<_> = PATTERNS.iter().filter(|p| p.2 || !in_uri).collect();
        let (pattern, value, _) = **self.rng().pick(&patterns);
        let mut rules = self.lengths(Some(value), 0);
        rules.insert("pattern".into(), json!(pattern));
        rules
    }

    /// `min_length` or `max_length` or both, at least `floor`, that `value`
    /// (if given) fits.
    fn lengths(&mut self, value: Option<&str>, floor: usize) -> Map<String, Value> {
        let length = value.map(|v| v.chars().count());
        let min = match length {
            Some(length) => self.rng().between(floor.min(length), length),
            None => self.rng().between(floor, 40),
        };
        let max = min.max(length.unwrap_or(floor)) + self.rng().between(0, 12);
        let mut rules = Map::new();
        match self.rng().below(3) {
            0 => rules.insert("min_length".into(), json!(min)),
            1 => rules.insert("max_length".into(), json!(max)),
            _ => {
                rules.insert("min_length".into(), json!(min));
                rules.insert("max_length".into(), json!(max))
            }
        };
        rules
    }

    fn integer_bounds(&mut self, both: bool) -> Map<String, Value> {
        let mut bounds = [*self.rng().pick(INTEGERS), *self.rng().pick(INTEGERS)];
        bounds.sort_unstable();
        self.bounds(json!(bounds[0]), json!(bounds[1]), both)
    }

    fn number_bounds(&mut self, both: bool) -> Map<String, Value> {
        let mut bounds = [*self.rng().pick(NUMBERS), *self.rng().pick(NUMBERS)];
        bounds.sort_unstable_by(f64::total_cmp);
        self.bounds(json!(bounds[0]), json!(bounds[1]), both)
    }

    /// `minimum` or `maximum`, or both if `both`.
    fn bounds(&mut self, minimum: Value, maximum: Value, both: bool) -> Map<String, Value> {
        let mut rules = Map::new();
        let which = if both { 2 } else { self.rng().below(3) };
        if which != 1 {
            rules.insert("minimum".into(), minimum);
        }
        if which != 0 {
            rules.insert("maximum".into(), maximum);
        }
        rules
    }

    /// One to four enum values whose Rust variants differ.
    fn enum_values(&mut self, pool: &[&str]) -> Value {
        let mut values = Vec::new();
        let mut variants = HashSet::new();
        for _ in 0..self.rng().between(1, 4) {
            let value = *self.rng().pick(pool);
            if variants.insert(pascal(value)) {
                values.push(json!(value));
            }
        }
        Value::Array(values)
    }

    fn resource(
        &mut self,
        i: usize,
        names: &mut HashSet<String>,
        uris: &mut HashSet<String>,
    ) -> Option<Value> {
        let kind = self.g.resource_kinds.draw(&mut self.g.rng);
        let dynamic = matches!(kind, ResourceKind::Dynamic | ResourceKind::Binary);
        let methods = self.methods.clone();
        let name = self.name(RESOURCE_NAMES, |n| {
            !names.contains(n) && (!dynamic || !methods.contains(&snake(n)))
        })?;
        names.insert(name.clone());
        if dynamic {
            self.take_method(snake(&name));
        }
        let hostile = *self
            .rng()
            .pick(&["q\"uote", "🦀", "%22", "a b", "*/", "\"#", "}"]);
        let uri = format!("gen{}://res/{i}/{hostile}?x=1#frag", self.index);
        if !uris.insert(uri.clone()) {
            return None;
        }
        let mut resource = Map::new();
        resource.insert("uri".into(), json!(uri));
        resource.insert("name".into(), json!(name));
        if self.odds("resource title", 1, 2) {
            let title = self.text();
            resource.insert("title".into(), json!(title));
        }
        if let Some(description) = self.description() {
            resource.insert("description".into(), json!(description));
        }
        let file = format!("gen{}-{i}", self.index);
        match kind {
            ResourceKind::Text => {
                let text = self.text();
                resource.insert("text".into(), json!(text));
                if self.rng().chance(70) {
                    resource.insert("mime_type".into(), json!(self.rng().pick(MIME_TYPES)));
                }
            }
            ResourceKind::Dynamic => {
                if self.rng().chance(70) {
                    resource.insert("mime_type".into(), json!(self.rng().pick(MIME_TYPES)));
                }
                if self.odds("resource context", 1, 2) {
                    resource.insert("context".into(), json!(true));
                }
                if self.odds("resource subscribe", 1, 2) {
                    resource.insert("subscribe".into(), json!(true));
                }
            }
            ResourceKind::Binary => {
                resource.insert("binary".into(), json!(true));
                resource.insert("mime_type".into(), json!("application/octet-stream"));
            }
            ResourceKind::TextFile => {
                let file = format!("{file}.md");
                let text = format!("# {}\n\n{}\n", self.text(), self.text());
                self.files.push((file.clone(), text.into_bytes()));
                resource.insert("file".into(), json!(file));
                resource.insert("mime_type".into(), json!("text/markdown"));
            }
            ResourceKind::BinaryFile => {
                let file = format!("{file}.png");
                let bytes: Vec<u8> = (0..=255u8)
                    .rev()
                    .chain([0, 0x89, b'P', b'N', b'G'])
                    .collect();
                self.files.push((file.clone(), bytes));
                resource.insert("file".into(), json!(file));
                resource.insert("mime_type".into(), json!("image/png"));
            }
        }
        Some(Value::Object(resource))
    }

    fn template(&mut self, i: usize, names: &mut HashSet<String>) -> Option<Value> {
        let methods = self.methods.clone();
        let name = self.name(TEMPLATE_NAMES, |n| {
            !names.contains(n) && !methods.contains(&snake(n))
        })?;
        names.insert(name.clone());
        self.take_method(snake(&name));
        let prefix = *self.rng().pick(&["", "q\"uote/", "🦀/", "a%22b/", "*/"]);
        let mut uri = format!("gen{}://t{i}/{prefix}", self.index);
        let mut pool = VAR_NAMES.to_vec();
        self.rng().shuffle(&mut pool);
        let count = if self.odds("several variables", 1, 2) {
            self.rng().between(2, 3)
        } else {
            1
        };
        let mut vars: Vec<String> = Vec::new();
        let mut params = Vec::new();
        for var in pool.into_iter().take(count) {
            if !vars.is_empty() {
                let separator = *self.rng().pick(&["/", "/x-"]);
                uri.push_str(separator);
            }
            uri.push_str(&format!("{{{var}}}"));
            vars.push(var.to_owned());
            let kind = self.g.var_kinds.draw(&mut self.g.rng);
            let mut param = Map::new();
            param.insert("name".into(), json!(var));
            match kind {
                VarKind::Untyped => continue,
                // A value fills one URI segment: it is never empty.
                VarKind::Pattern => param.extend(self.pattern(true)),
                VarKind::Bounded => {
                    param.insert("type".into(), json!("string"));
                    param.extend(self.lengths(None, 1));
                }
                VarKind::Format => {
                    let format = *self.rng().pick(&["date-time", "date", "email"]);
                    param.insert("format".into(), json!(format));
                }
                VarKind::Integer => {
                    param.insert("type".into(), json!("integer"));
                    param.extend(self.integer_bounds(false));
                }
                VarKind::Enum => match self.use_shared("shared enum variable") {
                    Some(shared) => {
                        param.insert("type".into(), json!(shared));
                    }
                    None => {
                        let values = self.enum_values(&uri_safe_enum_values());
                        param.insert("enum".into(), values);
                    }
                },
            }
            if let Some(description) = self.description() {
                param.insert("description".into(), json!(description));
            }
            let method = completion_method(&name, var);
            if self.odds("template complete", 2, 5) && !self.methods.contains(&method) {
                self.take_method(method);
                param.insert("complete".into(), json!(true));
            }
            params.push(Value::Object(param));
        }
        if self.rng().chance(50) {
            let suffix = *self.rng().pick(&[".txt", "/raw"]);
            uri.push_str(suffix);
        }
        let mut template = Map::new();
        template.insert("uri_template".into(), json!(uri));
        template.insert("name".into(), json!(name));
        if self.odds("template title", 1, 2) {
            let title = self.text();
            template.insert("title".into(), json!(title));
        }
        if let Some(description) = self.description() {
            template.insert("description".into(), json!(description));
        }
        if self.odds("template context", 1, 3) {
            template.insert("context".into(), json!(true));
        }
        if self.odds("template subscribe", 1, 3) {
            template.insert("subscribe".into(), json!(true));
        }
        if self.odds("template binary", 1, 3) {
            template.insert("binary".into(), json!(true));
            template.insert("mime_type".into(), json!("application/octet-stream"));
        } else if self.rng().chance(60) {
            template.insert("mime_type".into(), json!(self.rng().pick(MIME_TYPES)));
        }
        if !params.is_empty() {
            template.insert("params".into(), Value::Array(params));
        }
        Some(Value::Object(template))
    }

    fn prompt(&mut self, names: &mut HashSet<String>) -> Option<Value> {
        let dynamic = self.odds("dynamic prompt", 1, 3);
        let methods = self.methods.clone();
        let rust_types = self.rust_types.clone();
        let name = self.name(PROMPT_NAMES, |n| {
            !names.contains(n)
                && (!dynamic || !methods.contains(&snake(n)))
                && !rust_types.contains(&pascal_join(&[n, "Args"]))
        })?;
        names.insert(name.clone());
        if dynamic {
            self.take_method(snake(&name));
        }
        let mut prompt = Map::new();
        prompt.insert("name".into(), json!(name));
        if dynamic && self.odds("prompt context", 1, 2) {
            prompt.insert("context".into(), json!(true));
        }
        if self.odds("prompt title", 1, 2) {
            let title = self.text();
            prompt.insert("title".into(), json!(title));
        }
        if let Some(description) = self.description() {
            prompt.insert("description".into(), json!(description));
        }
        let mut arguments = Vec::new();
        let mut idents = HashSet::new();
        for _ in 0..self.rng().between(0, 4) {
            let Some(arg) = self.name(ARG_NAMES, |n| !idents.contains(&snake(n))) else {
                continue;
            };
            idents.insert(snake(&arg));
            let mut argument = Map::new();
            argument.insert("name".into(), json!(arg));
            if let Some(description) = self.description() {
                argument.insert("description".into(), json!(description));
            }
            match self.rng().below(3) {
                0 => {
                    argument.insert("required".into(), json!(false));
                }
                1 => {
                    argument.insert("required".into(), json!(true));
                }
                _ => {}
            }
            let method = completion_method(&name, &arg);
            let enumerated = self.odds("prompt enum argument", 1, 3);
            let completed = !enumerated && self.odds("prompt complete", 1, 2);
            match (enumerated, completed) {
                (true, _) => match self.use_shared("shared enum argument") {
                    Some(shared) => {
                        argument.insert("type".into(), json!(shared));
                    }
                    None => {
                        argument.insert("enum".into(), self.enum_values(ENUM_VALUES));
                    }
                },
                (_, true) if self.take_method(method) => {
                    argument.insert("complete".into(), json!(true));
                }
                _ => {}
            }
            arguments.push(Value::Object(argument));
        }
        if !arguments.is_empty() {
            self.take_type(pascal_join(&[&name, "Args"]));
        }
        if !dynamic {
            let mut messages = Vec::new();
            for _ in 0..self.rng().between(1, 3) {
                let role = if self.odds("assistant", 1, 2) {
                    "assistant"
                } else {
                    "user"
                };
                let mut text = self.text().replace('{', "{{").replace('}', "}}");
                for _ in 0..self.rng().between(0, 2) {
                    if let Some(argument) = arguments.get(self.rng().below(arguments.len().max(1)))
                    {
                        text.push_str(&format!(" {{{}}}", argument["name"].as_str().unwrap()));
                    }
                }
                // Text shown only when an optional argument is given.
                let optional: Vec<String> = arguments
                    .iter()
                    .filter(|a| a["required"] == json!(false))
                    .map(|a| a["name"].as_str().unwrap().to_owned())
                    .collect();
                if !optional.is_empty() && self.odds("optional prompt text", 1, 2) {
                    let arg = optional[self.rng().below(optional.len())].clone();
                    let body = self.text().replace('{', "{{").replace('}', "}}");
                    let other = arguments[self.rng().below(arguments.len())]["name"]
                        .as_str()
                        .unwrap()
                        .to_owned();
                    text.push_str(&format!("{{{arg}? {body} {{{arg}}} {{{other}}}}}"));
                }
                let mut message = Map::new();
                if role == "assistant" || self.rng().chance(50) {
                    message.insert("role".into(), json!(role));
                }
                message.insert("text".into(), json!(text));
                messages.push(Value::Object(message));
            }
            prompt.insert("messages".into(), Value::Array(messages));
        }
        if !arguments.is_empty() {
            prompt.insert("arguments".into(), Value::Array(arguments));
        }
        Some(Value::Object(prompt))
    }
}

/// Enum values that fit one URI segment: no `/` or `\\`, and not empty.
fn uri_safe_enum_values() -> Vec<&'static str> {
    ENUM_VALUES
        .iter()
        .copied()
        .filter(|v| !v.is_empty() && !v.contains(['/', '\\']))
        .collect()
}

/// Names for the shared enum; each is its own Rust name.
const SHARED_ENUM_NAMES: &[&str] = &["Shade", "Level", "Mode", "Tier"];

/// `spec` with its shared enum written out at each use, as an `enum` of
/// values, for checks that read a parameter's values from the spec.
pub fn expanded(spec: &Value) -> Value {
    let mut spec = spec.clone();
    let Some(shared) = spec.as_object_mut().and_then(|spec| spec.remove("enums")) else {
        return spec;
    };
    let enums: Vec<(String, Value, Value)> = shared
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| {
            let name = e["name"].as_str().unwrap().to_owned();
            (name, e["values"].clone(), e["description"].clone())
        })
        .collect();
    expand_enums(&mut spec, &enums);
    spec
}

/// Replaces each `type` that names one of `enums` (name, values,
/// description) with an `enum` of its values, anywhere in `value`. Where it
/// stood, `x-shared-description` keeps the shared enum's description (or
/// null), which is what an array's inlined `items` are described by.
fn expand_enums(value: &mut Value, enums: &[(String, Value, Value)]) {
    {
        match value {
            Value::Object(map) => {
                let values = map
                    .get("type")
                    .and_then(Value::as_str)
                    .and_then(|ty| enums.iter().find(|(name, ..)| name == ty));
                if let Some((_, values, description)) = values {
                    let (values, description) = (values.clone(), description.clone());
                    map.remove("type");
                    map.insert("enum".into(), values);
                    map.insert("x-shared-description".into(), description);
                }
                for item in map.values_mut() {
                    expand_enums(item, enums);
                }
            }
            Value::Array(items) => {
                for item in items {
                    expand_enums(item, enums);
                }
            }
            _ => {}
        }
    }
}

// Samples: values that fit a parameter's type and constraints.

/// A value for a parameter (or type field, or array item) that fits its
/// type and constraints. Objects hold their optional fields only near the
/// top, and arrays of them shrink to their `min_items` further down, so
/// that a type that holds itself ends.
pub fn sample(param: &Value, types: &[Value], depth: usize) -> Value {
    if let Some(values) = param["enum"].as_array() {
        return values[0].clone();
    }
    match param["type"].as_str().unwrap_or("string") {
        "string" => json!(string_sample(param, SAMPLE_TEXT)),
        "integer" => json!(clamp(param, 1.0) as i64),
        "number" => json!(clamp(param, 1.0)),
        "boolean" => json!(true),
        "array" => {
            let min = param["min_items"].as_u64().unwrap_or(0) as usize;
            let max = param["max_items"]
                .as_u64()
                .map_or(usize::MAX, |m| m as usize);
            let count = if depth >= 2 { min } else { 2.clamp(min, max) };
            let items = &param["items"];
            Value::Array(
                (0..count)
                    .map(|_| sample(items, types, depth + 1))
                    .collect(),
            )
        }
        name => {
            let ty = types
                .iter()
                .find(|t| t["name"] == name)
                .unwrap_or_else(|| panic!("no type {name}"));
            let mut object = Map::new();
            for field in ty["fields"].as_array().unwrap() {
                if is_optional(field) && depth >= 1 {
                    continue;
                }
                let name = field["name"].as_str().unwrap().to_owned();
                object.insert(name, sample(field, types, depth + 1));
            }
            Value::Object(object)
        }
    }
}

/// A string that fits a string parameter's constraints, from `base` when
/// it has no pattern or format.
pub fn string_sample(param: &Value, base: &str) -> String {
    let mut text = if let Some(pattern) = param["pattern"].as_str() {
        let (_, value, _) = PATTERNS
            .iter()
            .find(|(p, _, _)| *p == pattern)
            .unwrap_or_else(|| panic!("no sample for the pattern {pattern}"));
        (*value).to_owned()
    } else if let Some(format) = param["format"].as_str() {
        format_sample(format).to_owned()
    } else {
        base.to_owned()
    };
    let min = param["min_length"].as_u64().unwrap_or(0) as usize;
    while text.chars().count() < min {
        text.push('x');
    }
    if let Some(max) = param["max_length"].as_u64() {
        text = text.chars().take(max as usize).collect();
    }
    text
}

/// `value` moved into the parameter's `[minimum, maximum]`.
fn clamp(param: &Value, value: f64) -> f64 {
    let mut value = value;
    if let Some(min) = param["minimum"].as_f64() {
        value = value.max(min);
    }
    if let Some(max) = param["maximum"].as_f64() {
        value = value.min(max);
    }
    value
}

/// `required: false` without a default: an `Option`.
pub fn is_optional(param: &Value) -> bool {
    param["required"] == json!(false) && param.get("default").is_none()
}

/// Whether the caller must pass it.
pub fn is_required(param: &Value) -> bool {
    param["required"] != json!(false) && param.get("default").is_none()
}

/// Every feature that [`features`] finds.
pub const ALL_FEATURES: &[&str] = &[
    "server title",
    "server description",
    "server instructions",
    "dependencies",
    "schema_refs",
    "setting string",
    "setting path",
    "setting integer",
    "setting boolean",
    "setting env",
    "setting {data_dir}",
    "type in a type",
    "type holding itself",
    "tool title",
    "tool annotations",
    "tool output",
    "tool content",
    "tool context",
    "tool elicit",
    "form",
    "form enum",
    "tool without params",
    "min_length",
    "max_length",
    "pattern",
    "minimum",
    "maximum",
    "date-time",
    "date",
    "email",
    "uri",
    "integer",
    "number",
    "boolean",
    "enum",
    "array of enums",
    "array constraints on items",
    "min_items",
    "max_items",
    "named type param",
    "array of a named type",
    "optional",
    "default",
    "required: true",
    "resource text",
    "resource file",
    "resource binary",
    "resource dynamic",
    "resource context",
    "resource subscribe",
    "resource title",
    "template with one variable",
    "template with several variables",
    "template binary",
    "template context",
    "template subscribe",
    "template complete",
    "template integer",
    "template enum",
    "template string constraints",
    "prompt dynamic",
    "prompt context",
    "prompt title",
    "prompt assistant message",
    "prompt user message",
    "prompt placeholder",
    "prompt optional argument",
    "prompt enum argument",
    "prompt complete",
    "shared enum",
    "optional prompt text",
];

/// The features of the format that `spec` uses, to show that a run
/// covers them all.
pub fn features(spec: &Value) -> BTreeSet<&'static str> {
    let mut found = BTreeSet::new();
    let mut add = |feature: &'static str, present: bool| {
        assert!(
            ALL_FEATURES.contains(&feature),
            "unlisted feature {feature}"
        );
        if present {
            found.insert(feature);
        }
    };
    let list = |key: &str| spec[key].as_array().cloned().unwrap_or_default();
    for key in ["title", "description", "instructions"] {
        add(
            match key {
                "title" => "server title",
                "description" => "server description",
                _ => "server instructions",
            },
            spec["server"].get(key).is_some(),
        );
    }
    add("dependencies", spec.get("dependencies").is_some());
    add("schema_refs", spec["server"]["schema_refs"] == json!(true));
    for setting in list("settings") {
        add(
            match setting["type"].as_str().unwrap() {
                "string" => "setting string",
                "path" => "setting path",
                "integer" => "setting integer",
                _ => "setting boolean",
            },
            true,
        );
        add("setting env", setting.get("env").is_some());
        add(
            "setting {data_dir}",
            setting["default"]
                .as_str()
                .is_some_and(|d| d.starts_with("{data_dir}")),
        );
    }
    let types = list("types");
    let mut params: Vec<Value> = Vec::new();
    for ty in &types {
        params.extend(ty["fields"].as_array().unwrap().iter().cloned());
        let fields = ty["fields"].as_array().unwrap();
        add(
            "type in a type",
            fields
                .iter()
                .any(|f| f["type"] != ty["name"] && types.iter().any(|t| t["name"] == f["type"])),
        );
        add(
            "type holding itself",
            fields.iter().any(|f| f["items"]["type"] == ty["name"]),
        );
    }
    for tool in list("tools") {
        add("tool title", tool.get("title").is_some());
        add("tool annotations", tool.get("annotations").is_some());
        add("tool output", tool.get("output").is_some());
        add("tool content", tool["content"] == json!(true));
        add("tool context", tool["context"] == json!(true));
        add("tool elicit", tool.get("elicit").is_some());
        add("tool without params", tool.get("params").is_none());
        params.extend(tool["params"].as_array().cloned().unwrap_or_default());
    }
    for param in &params {
        let ty = param["type"].as_str().unwrap_or("string");
        for item in [param, &param["items"]] {
            for key in ["min_length", "max_length", "pattern", "minimum", "maximum"] {
                add(key, item.get(key).is_some());
            }
            for format in ["date-time", "date", "email", "uri"] {
                add(format, item["format"] == format);
            }
        }
        add("integer", ty == "integer");
        add("number", ty == "number");
        add("boolean", ty == "boolean");
        add("enum", param.get("enum").is_some());
        add("array of enums", param["items"].get("enum").is_some());
        add("array constraints on items", {
            let items = &param["items"];
            [
                "min_length",
                "max_length",
                "pattern",
                "format",
                "minimum",
                "maximum",
            ]
            .iter()
            .any(|k| items.get(*k).is_some())
        });
        add("min_items", param.get("min_items").is_some());
        add("max_items", param.get("max_items").is_some());
        add(
            "named type param",
            types.iter().any(|t| t["name"] == param["type"]),
        );
        add(
            "array of a named type",
            types.iter().any(|t| t["name"] == param["items"]["type"]),
        );
        add("optional", is_optional(param));
        add("default", param.get("default").is_some());
        add("required: true", param["required"] == json!(true));
    }
    for resource in list("resources") {
        add("resource text", resource.get("text").is_some());
        add("resource file", resource.get("file").is_some());
        add("resource binary", resource["binary"] == json!(true));
        add(
            "resource dynamic",
            resource.get("text").is_none() && resource.get("file").is_none(),
        );
        add("resource title", resource.get("title").is_some());
        add("resource context", resource["context"] == json!(true));
        add("resource subscribe", resource["subscribe"] == json!(true));
    }
    for template in list("resource_templates") {
        let vars = template["uri_template"]
            .as_str()
            .unwrap()
            .matches('{')
            .count();
        add("template with one variable", vars == 1);
        add("template with several variables", vars > 1);
        add("template binary", template["binary"] == json!(true));
        add("template context", template["context"] == json!(true));
        add("template subscribe", template["subscribe"] == json!(true));
        for param in template["params"].as_array().cloned().unwrap_or_default() {
            add("template complete", param["complete"] == json!(true));
            add("template integer", param["type"] == "integer");
            add("template enum", param.get("enum").is_some());
            add(
                "template string constraints",
                ["pattern", "min_length", "max_length", "format"]
                    .iter()
                    .any(|k| param.get(*k).is_some()),
            );
        }
    }
    add("shared enum", spec.get("enums").is_some());
    let shared: Vec<Value> = list("enums").iter().map(|e| e["name"].clone()).collect();
    for ty in list("types") {
        let elicited = list("tools")
            .iter()
            .any(|t| list_of(&t["elicit"]).contains(&ty["name"]));
        add("form", elicited);
        add(
            "form enum",
            elicited
                && list_of(&ty["fields"])
                    .iter()
                    .any(|f| shared.contains(&f["type"])),
        );
    }
    for prompt in list("prompts") {
        add("prompt dynamic", prompt.get("messages").is_none());
        add("prompt context", prompt["context"] == json!(true));
        add("prompt title", prompt.get("title").is_some());
        for message in prompt["messages"].as_array().cloned().unwrap_or_default() {
            add("prompt assistant message", message["role"] == "assistant");
            add("prompt user message", message["role"] != "assistant");
            let text = message["text"].as_str().unwrap();
            add("prompt placeholder", text.replace("{{", "").contains('{'));
            let unescaped = text.replace("{{", "");
            add(
                "optional prompt text",
                prompt["arguments"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|a| unescaped.contains(&format!("{{{}? ", a["name"].as_str().unwrap()))),
            );
        }
        for argument in prompt["arguments"].as_array().cloned().unwrap_or_default() {
            add(
                "prompt optional argument",
                argument["required"] == json!(false),
            );
            add("prompt enum argument", argument.get("enum").is_some());
            add("prompt complete", argument["complete"] == json!(true));
        }
    }
    found
}

// Spec names to Rust names: the mapping mcpgen itself uses.
#[path = "../../src/model/ident.rs"]
#[allow(dead_code)]
mod ident;

pub use ident::{bare, pascal, pascal_join, screaming, snake};

/// The handler method that completes an argument (src/model/mod.rs).
pub fn completion_method(owner: &str, argument: &str) -> String {
    snake(&format!("complete_{}_{}", bare(&snake(owner)), argument))
}

/// The items of a JSON array, none for anything else.
fn list_of(value: &Value) -> Vec<Value> {
    value.as_array().cloned().unwrap_or_default()
}
