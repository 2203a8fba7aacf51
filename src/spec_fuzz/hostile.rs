//! Hostile specs for fuzzing mcpgen: mutated real specs, random well-formed
//! specs, random text, deep nesting, alias bombs, huge numbers and huge
//! strings. Plain std, no mcpgen types, so that both the in-crate fuzz test
//! (`src/spec_fuzz.rs`) and the command-line sample (`tests/spec_fuzz.rs`)
//! include it.
//!
//! Every case is a pure function of `(seed, case)`, so a failure reproduces
//! from the two numbers the tests print.

#![allow(dead_code)] // Each includer uses a different subset.

/// The seed used unless `MCPGEN_FUZZ_SEED` says otherwise: CI runs the same
/// cases every time; set the variable to explore others.
pub const DEFAULT_SEED: u64 = 0x6d63_7067_656e_0007;

/// `MCPGEN_FUZZ_SEED` (decimal or 0x-hex), else [`DEFAULT_SEED`].
pub fn seed_from_env() -> u64 {
    std::env::var("MCPGEN_FUZZ_SEED")
        .ok()
        .and_then(|text| {
            let text = text.trim();
            match text.strip_prefix("0x") {
                Some(hex) => u64::from_str_radix(hex, 16).ok(),
                None => text.parse().ok(),
            }
        })
        .unwrap_or(DEFAULT_SEED)
}

/// `MCPGEN_FUZZ_CASES`, else `default`.
pub fn cases_from_env(default: u64) -> u64 {
    std::env::var("MCPGEN_FUZZ_CASES")
        .ok()
        .and_then(|text| text.trim().parse().ok())
        .unwrap_or(default)
}

/// SplitMix64: tiny, fast, and good enough to pick mutations.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// The generator for one case of a run.
    pub fn for_case(seed: u64, case: u64) -> Self {
        let mut rng = Self(seed ^ case.wrapping_mul(0x9e37_79b9_7f4a_7c15));
        rng.next();
        rng
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n`; `n` must not be 0.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// A number in `low..=high`.
    pub fn between(&mut self, low: usize, high: usize) -> usize {
        low + self.below(high - low + 1)
    }

    pub fn percent(&mut self, p: usize) -> bool {
        self.below(100) < p
    }

    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }

    pub fn pick_ref<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Valid specs to mutate: the bundled ones, and one that uses every feature.
pub const CORPUS: &[&str] = &[
    include_str!("../../specs/notes.yaml"),
    include_str!("../../templates/init/server.yaml"),
    KITCHEN_SINK,
    "mcpgen: 1\nserver: {name: tiny, version: 0.1.0}\n",
];

/// A valid spec with every feature of the format.
pub const KITCHEN_SINK: &str = r#"mcpgen: 1
server:
  name: sink-server
  version: 1.2.3-beta.1
  title: Kitchen "sink"
  description: Every feature at once.
  instructions: |
    Use every tool.
dependencies:
  regex: "1"
  rusqlite: { version: "0.43", features: [bundled] }
settings:
  - name: db
    type: path
    env: SINK_DB
    default: "{data_dir}/sink.db"
    description: Where data goes.
  - name: retries
    type: integer
    default: 3
  - name: verbose
    type: boolean
  - name: mode
    default: fast
types:
  - name: Address
    description: A postal address.
    fields:
      - name: street
        min_length: 1
        max_length: 200
      - name: zip
        pattern: "^[0-9]{5}$"
      - name: country
        enum: [FR, DE, "US"]
        required: false
  - name: Person
    fields:
      - name: name
      - name: email
        format: email
      - name: born
        format: date
        required: false
      - name: address
        type: Address
      - name: tags
        type: array
        items: { type: string, max_length: 20 }
        min_items: 0
        max_items: 10
        required: false
tools:
  - name: add_person
    title: Add a person
    description: Store a person.
    annotations: { read_only: false, destructive: false, idempotent: true, open_world: false }
    params:
      - name: person
        type: Person
      - name: score
        type: number
        minimum: -1.5
        maximum: 100
        default: 0.5
      - name: count
        type: integer
        minimum: 1
        maximum: 9007199254740991
        required: false
      - name: when
        format: date-time
        required: false
      - name: link
        format: uri
        required: false
      - name: flags
        type: array
        items: { type: integer, minimum: 0 }
        required: false
      - name: ok
        type: boolean
        default: true
  - name: get-person.v2
    output: Person
    params:
      - name: id
        type: integer
  - name: ping
resources:
  - uri: sink://about
    name: about
    text: "About {this} server"
  - uri: sink://logo
    name: logo
    mime_type: image/png
    binary: true
  - uri: sink://stats
    name: stats
    mime_type: application/json
resource_templates:
  - uri_template: sink://people/{id}/notes/{name}
    name: person_note
    params:
      - name: id
        type: integer
      - name: name
        complete: true
  - uri_template: sink://colors/{color}.png
    name: color
    binary: true
    params:
      - name: color
        enum: [red, green]
prompts:
  - name: greet
    title: Greet
    description: Say hello.
    arguments:
      - name: who
        description: Whom to greet.
        enum: [world, you]
      - name: mood
        required: false
        complete: true
    messages:
      - role: user
        text: "Hello {who}, in a {mood} mood; {{literal}}."
      - role: assistant
        text: Hi!
  - name: dynamic
    arguments:
      - name: topic
"#;

/// What a case is, for the report.
pub const KINDS: &[&str] = &[
    "mutated",
    "generated",
    "random text",
    "deep nesting",
    "alias bomb",
    "huge value",
    "10 MB string",
];

/// One hostile spec: `(text, kind)`. One case in 2,500 is a 10 MB string,
/// a few percent are deep, huge or alias bombs, the rest are small.
pub fn spec(seed: u64, case: u64) -> (String, &'static str) {
    let mut rng = Rng::for_case(seed, case);
    if case % 2_500 == 1_234 {
        return (ten_megabytes(&mut rng), "10 MB string");
    }
    match rng.below(1_000) {
        0..500 | 995.. => (mutated(&mut rng), "mutated"),
        500..800 => {
            let mut text = generated(&mut rng);
            if rng.percent(40) {
                for _ in 0..rng.between(1, 2) {
                    text = mutate(&mut rng, &text);
                }
            }
            (text, "generated")
        }
        800..965 => (random_text(&mut rng), "random text"),
        965..975 => (deep(&mut rng), "deep nesting"),
        975..985 => (alias_bomb(&mut rng), "alias bomb"),
        _ => (huge(&mut rng), "huge value"),
    }
}

/// A corpus spec with one to four mutations.
pub fn mutated(rng: &mut Rng) -> String {
    let mut text = rng.pick(CORPUS).to_string();
    for _ in 0..rng.between(1, 4) {
        text = mutate(rng, &text);
    }
    text
}

/// Scalars that are wrong somewhere, or everywhere.
pub const SCALARS: &[&str] = &[
    "0",
    "-1",
    "1",
    "2",
    "3.5",
    "-0.0",
    "1e400",
    "-1e400",
    "99999999999999999999999999999999",
    "18446744073709551616",
    "-9223372036854775809",
    "9223372036854775807",
    "0x7fffffffffffffff",
    "0o777",
    "1_000",
    ".nan",
    ".inf",
    "-.inf",
    "true",
    "false",
    "yes",
    "no",
    "~",
    "null",
    "",
    "[]",
    "{}",
    "[1, [2, [3, [4]]]]",
    "{a: {b: {c: d}}}",
    "[a, b, {c: d}]",
    "\"\"",
    "''",
    "\" \"",
    "\"\\0\\x01\\u0007\\t\"",
    "\"\\uFFFF\\U0010FFFF\"",
    "'it''s'",
    "\"unterminated",
    "'unterminated",
    "|",
    "|-\n  block\n  text",
    ">\n  folded\n\n  text",
    "!!binary aGVsbG8=",
    "!!str 5",
    "!!int x",
    "!custom tag",
    "&anchor value",
    "*anchor",
    "*undefined",
    "? complex",
    "- in\n- a\n- list",
    "a: b: c",
    "{",
    "[",
    "}",
    "]",
    ",",
    ":",
    "#comment",
    "@reserved",
    "`backtick",
    "%",
    "string",
    "integer",
    "number",
    "boolean",
    "array",
    "path",
    "object",
    "Address",
    "Person",
    "Self",
    "self",
    "type",
    "crate",
    "fn",
    "r#type",
    "_",
    "__",
    "a-b",
    "a.b",
    "a b",
    "1abc",
    "é",
    "🦀",
    "\u{202e}rtl",
    "\"\\u202E\"",
    "a\tb",
    "notes://{name}",
    "notes://{a}{b}",
    "notes://{+x}",
    "notes://{}",
    "notes://{a}/{a}",
    "{data_dir}/x",
    "{data_dir}",
    "x://{y",
    "x://y}",
    "{{x}}",
    "{x}",
    "{x",
    "x}",
    "(",
    "[a-",
    "^a{99999999}$",
    "(?<n>x)",
    "\\p{Greek}+",
    "date-time",
    "email",
    "uri",
    "date",
    "uuid",
    "0.1.0",
    "01.2.3",
    "1.0",
    "1.2.3-",
    "user",
    "assistant",
    "system",
    "text/markdown",
    "image/png",
    "handlers.rs",
    "../../../../etc/passwd",
    "/dev/zero",
    "/proc/self/mem",
    ".",
    "Cargo.toml",
];

/// Keys that mcpgen knows somewhere, and some it does not.
pub const KEYS: &[&str] = &[
    "mcpgen",
    "server",
    "handlers",
    "dependencies",
    "settings",
    "types",
    "tools",
    "resources",
    "resource_templates",
    "prompts",
    "name",
    "version",
    "title",
    "description",
    "instructions",
    "type",
    "env",
    "default",
    "fields",
    "params",
    "output",
    "annotations",
    "read_only",
    "destructive",
    "idempotent",
    "open_world",
    "required",
    "enum",
    "items",
    "min_length",
    "max_length",
    "pattern",
    "format",
    "minimum",
    "maximum",
    "min_items",
    "max_items",
    "complete",
    "uri",
    "mime_type",
    "text",
    "file",
    "binary",
    "uri_template",
    "arguments",
    "messages",
    "role",
    "<<",
    "descripton",
    "nmae",
    "Name",
    "",
    "\"\"",
    "? x",
    "1",
    "null",
    "[a]",
    "{a: b}",
    "*anchor",
    "&anchor k",
    "🦀",
];

/// Lines to drop in anywhere.
pub const LINES: &[&str] = &[
    "- name: x",
    "- name: add_note",
    "- name: ''",
    "- {name: y, type: integer}",
    "- uri: notes://all",
    "- uri_template: notes://{name}",
    "- role: user",
    "  text: hi {x}",
    "type: array",
    "items: { type: integer }",
    "items: { type: array }",
    "items: { type: Address }",
    "enum: []",
    "enum: [a, a]",
    "enum: [1, 2]",
    "default: 5",
    "default: [1, 2]",
    "min_length: 18446744073709551615",
    "max_length: 0",
    "minimum: 1e308",
    "maximum: -1e308",
    "min_items: 5",
    "max_items: 1",
    "pattern: '('",
    "pattern: '\\'",
    "format: email",
    "output: Nope",
    "complete: true",
    "required: false",
    "binary: true",
    "file: missing.txt",
    "text: ''",
    "messages: []",
    "arguments: {}",
    "params: null",
    "fields: []",
    "<<: *anchor",
    "<<: [*a, *b]",
    "<<: [*anchor, 3]",
    "anchored: &anchor {name: z}",
    "x-anchor: &anchor {type: E, description: d}",
    "enums: [{name: E, values: [a, b]}]",
    "enums: [{name: string, values: []}]",
    "- {name: E, values: [a, A]}",
    "type: E",
    "items: { type: E }",
    "  text: hi {x? y {x}}",
    "text: '{x? {y? z}}'",
    "text: '{x? unclosed'",
    "? complex key",
    ": value",
    "---",
    "...",
    "--- !tag",
    "%YAML 1.2",
    "%TAG ! tag:x,2000:",
    "!!map",
    "&a",
    "*a",
    "\t- tab",
    "# comment",
    "\u{feff}mcpgen: 1",
    "mcpgen: 1",
    "mcpgen: 2",
    "server: {}",
    "tools: *anchor",
    "key: \"unterminated",
    "key: 'unterminated",
    "key: |",
    "key: >+",
    "key: [",
    "key: {",
    "- - - deep",
    "\r",
    "\0",
];

/// Characters that mean something to YAML, and some that mean trouble.
pub const ALPHABET: &[char] = &[
    ' ', ' ', ' ', '\n', '\n', '\t', '\r', '-', ':', '?', ',', '[', ']', '{', '}', '#', '&', '*',
    '!', '|', '>', '\'', '"', '%', '@', '`', '\\', '.', '~', '<', '=', '/', '0', '1', '9', 'a',
    'e', 'x', 'Z', '_', 'é', 'ß', '🦀', '\u{feff}', '\u{202e}', '\u{85}', '\u{2028}', '\0',
    '\u{7f}', '\u{fffd}',
];

/// One mutation of `text`.
pub fn mutate(rng: &mut Rng, text: &str) -> String {
    let mut lines: Vec<String> = text.split('\n').map(str::to_owned).collect();
    let line = rng.below(lines.len());
    match rng.below(14) {
        // Truncate at a character boundary.
        0 => {
            let chars: Vec<char> = text.chars().collect();
            let cut = rng.below(chars.len() + 1);
            return chars[..cut].iter().collect();
        }
        1 => {
            lines.remove(line);
        }
        2 => {
            let copy = lines[line].clone();
            lines.insert(line, copy);
        }
        3 => {
            let other = rng.below(lines.len());
            lines.swap(line, other);
        }
        // Re-indent.
        4 => {
            let content = lines[line].trim_start().to_owned();
            let indent = match rng.below(4) {
                0 => String::new(),
                1 => "\t".repeat(rng.between(1, 2)),
                _ => " ".repeat(rng.below(12)),
            };
            lines[line] = indent + &content;
        }
        // Replace a value.
        5..=7 => {
            let scalar = rng.pick(SCALARS);
            lines[line] = match lines[line].split_once(": ") {
                Some((key, _)) => format!("{key}: {scalar}"),
                None => match lines[line].split_once("- ") {
                    Some((indent, _)) => format!("{indent}- {scalar}"),
                    None => format!("{}{scalar}", lines[line]),
                },
            };
        }
        // Replace a key.
        8 => {
            let key = rng.pick(KEYS);
            if let Some((head, value)) = lines[line].split_once(':') {
                let indent: String = head
                    .chars()
                    .take_while(|c| *c == ' ' || *c == '-')
                    .collect();
                lines[line] = format!("{indent}{key}:{value}");
            }
        }
        // Insert a line, indented like its neighbour or not.
        9 | 10 => {
            let indent: String = lines[line].chars().take_while(|c| *c == ' ').collect();
            let indent = if rng.percent(70) {
                indent
            } else {
                " ".repeat(rng.below(10))
            };
            lines.insert(line, format!("{indent}{}", rng.pick(LINES)));
        }
        // Insert or replace characters.
        11 => {
            let mut chars: Vec<char> = text.chars().collect();
            for _ in 0..rng.between(1, 8) {
                let at = rng.below(chars.len() + 1);
                let c = rng.pick(ALPHABET);
                if at < chars.len() && rng.percent(50) {
                    chars[at] = c;
                } else {
                    chars.insert(at, c);
                }
            }
            return chars.into_iter().collect();
        }
        // Splice in lines of another spec.
        12 => {
            let other: Vec<&str> = rng.pick(CORPUS).split('\n').collect();
            let start = rng.below(other.len());
            let end = (start + rng.between(1, 12)).min(other.len());
            for (offset, spliced) in other[start..end].iter().enumerate() {
                lines.insert(line + offset, (*spliced).to_owned());
            }
        }
        // Line endings and whitespace.
        _ => {
            return match rng.below(3) {
                0 => text.replace('\n', "\r\n"),
                1 => text.replace("  ", "\t"),
                _ => format!("\u{feff}{text}"),
            };
        }
    }
    lines.join("\n")
}

/// A name from a bank of awkward ones.
fn awkward_name(rng: &mut Rng) -> String {
    const NAMES: &[&str] = &[
        "a", "b", "name", "add_note", "type", "self", "Self", "crate", "super", "fn", "match",
        "async", "r#type", "_", "__", "x1", "1x", "my-tool", "my.tool", "my tool", "", "é", "🦀",
        "a/b", "{x}", "Error", "Handler", "Server", "String", "Option", "Result", "Vec", "test",
        "std", "help", "version", "http", "data", "Data", "DATA", "a_b", "a-b", "A-B", "aB", "Ab",
        "ab_", "_ab", "text", "uri", "id", "Address", "Person",
    ];
    const WORDS: &[&str] = &[
        "note", "item", "user", "query", "limit", "tag", "path", "size", "color", "mode",
    ];
    match rng.below(20) {
        0 => "n".repeat(rng.between(60, 300)),
        1 | 2 => format!("{}{}", rng.pick(NAMES), rng.below(4)),
        3..=7 => (rng.pick(NAMES)).to_owned(),
        _ => format!("{}_{}", rng.pick(WORDS), rng.below(1_000)),
    }
}

/// A YAML double-quoted string.
fn quote(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A string value: usually quoted, sometimes bare.
fn string(rng: &mut Rng) -> String {
    if rng.percent(3) {
        (rng.pick(SCALARS)).to_owned()
    } else {
        quote(&match rng.below(6) {
            0 => awkward_name(rng),
            1 => rng.pick(SCALARS).to_string(),
            2 => "x".repeat(rng.between(1_000, 5_000)),
            _ => format!("Some text {}.", awkward_name(rng)),
        })
    }
}

fn param_type(rng: &mut Rng, types: &[String]) -> String {
    const TYPES: &[&str] = &["string", "integer", "number", "boolean", "array"];
    const ODD: &[&str] = &["path", "object", "String", "int", "\"\""];
    if !types.is_empty() && rng.percent(25) {
        quote(rng.pick_ref(types).as_str())
    } else if rng.percent(90) {
        (rng.pick(TYPES)).to_owned()
    } else {
        (rng.pick(ODD)).to_owned()
    }
}

/// Defaults of every type, and of none.
const DEFAULTS: &[&str] = &[
    "0",
    "-1",
    "7",
    "2.5",
    "1e400",
    "18446744073709551616",
    "true",
    "false",
    "~",
    "\"\"",
    "text",
    "\"{data_dir}/x.db\"",
    "[]",
    "[1, 2]",
    "{}",
    "\"🦀\"",
];

/// One param, field or template variable, as the lines of a list item.
/// `wild` is the percentage of choices that may be wrong.
fn param(rng: &mut Rng, indent: &str, types: &[String], wild: usize) -> String {
    let name = if rng.percent(wild) {
        awkward_name(rng)
    } else {
        format!("p{}", rng.below(1_000))
    };
    let mut out = format!("{indent}- name: {}\n", quote(&name));
    let indent = format!("{indent}  ");
    let ty = if rng.percent(wild) {
        param_type(rng, types)
    } else if !types.is_empty() && rng.percent(15) {
        quote(rng.pick_ref(types).as_str())
    } else {
        (rng.pick(&["string", "string", "integer", "number", "boolean", "array"])).to_owned()
    };
    if ty != "string" || rng.percent(30) {
        out += &format!("{indent}type: {ty}\n");
    }
    if rng.percent(60) {
        out += &format!("{indent}description: {}\n", string(rng));
    }
    let required = rng.percent(50);
    if !required || rng.percent(wild) {
        out += &format!(
            "{indent}required: {}\n",
            if rng.percent(wild) {
                rng.pick(&["true", "1", "~"])
            } else {
                "false"
            }
        );
    }
    if rng.percent(wild) {
        out += &format!("{indent}default: {}\n", rng.pick(DEFAULTS));
    } else if !required && rng.percent(30) {
        let default = match ty.as_str() {
            "integer" => "7",
            "number" => "2.5",
            "boolean" => "true",
            "array" => "[]",
            _ => "\"text\"",
        };
        out += &format!("{indent}default: {default}\n");
    }
    let numeric = ty == "integer" || ty == "number";
    let keys: &[&str] = match ty.as_str() {
        _ if rng.percent(wild) => &[
            "min_length",
            "max_length",
            "minimum",
            "maximum",
            "min_items",
            "max_items",
            "pattern",
            "format",
            "enum",
            "items",
        ],
        "string" => &["min_length", "max_length", "pattern", "format", "enum"],
        "integer" | "number" => &["minimum", "maximum"],
        "array" => &["min_items", "max_items", "items", "items", "items"],
        _ => &[],
    };
    for key in keys {
        if !rng.percent(if *key == "items" { 50 } else { 15 }) {
            continue;
        }
        let value = match *key {
            _ if rng.percent(wild) => (rng.pick(&[
                "0",
                "1",
                "5",
                "-3",
                "2.5",
                "1e300",
                "18446744073709551615",
                "x",
                "[]",
                "\"(\"",
            ]))
            .to_owned(),
            "min_length" | "min_items" => "1".to_owned(),
            "max_length" | "max_items" => "64".to_owned(),
            "minimum" if numeric => "-10".to_owned(),
            "maximum" if numeric => "1e6".to_owned(),
            "pattern" => quote(rng.pick(&["^[a-z]+$", "\\d", "(?i)x", "é+", "[[:alpha:]]"])),
            "format" => (rng.pick(&["email", "uri", "date", "date-time"])).to_owned(),
            "enum" => {
                let values: Vec<String> = (0..rng.between(1, 4))
                    .map(|i| quote(&format!("v{i}{}", rng.pick(&["", "-x", ".y", " z", "é"]))))
                    .collect();
                format!("[{}]", values.join(", "))
            }
            "items" => format!(
                "{{ type: {} }}",
                if types.is_empty() || rng.percent(70) {
                    (rng.pick(&["string", "integer", "number", "boolean"])).to_owned()
                } else {
                    quote(rng.pick_ref(types).as_str())
                }
            ),
            _ => "1".to_owned(),
        };
        out += &format!("{indent}{key}: {value}\n");
    }
    if rng.percent(wild) {
        out += &format!("{indent}complete: {}\n", rng.pick(&["true", "false"]));
    }
    out
}

/// A random spec that is well-formed YAML and mostly well-typed, to get
/// past parsing into validation, the model and rendering. A share of the
/// choices, different for each spec, is wrong on purpose.
pub fn generated(rng: &mut Rng) -> String {
    let wild = rng.pick(&[0, 0, 0, 2, 5, 10, 30]);
    // A good choice, or any choice when this one goes wild.
    let choose = |rng: &mut Rng, good: &[&'static str], bad: &[&'static str]| -> &'static str {
        if rng.percent(wild) {
            rng.pick(bad)
        } else {
            rng.pick(good)
        }
    };
    let mut out = String::from("mcpgen: 1\nserver:\n");
    out += &format!(
        "  name: {}\n  version: {}\n",
        quote(choose(
            rng,
            &["gen-server", "gen_server", "g", "x-1"],
            &["1bad", "self", "test", "", "a b"]
        )),
        choose(rng, &["0.1.0", "1.2.3-rc.1"], &["1", "01.0.0", "x", "\"\""])
    );
    for key in ["title", "description", "instructions"] {
        if rng.percent(40) {
            out += &format!("  {key}: {}\n", string(rng));
        }
    }
    if rng.percent(wild) {
        out += &format!("handlers: {}\n", string(rng));
    }
    if rng.percent(20) {
        out += "dependencies:\n";
        for i in 0..rng.below(3) {
            out += &format!(
                "  {}: {}\n",
                if rng.percent(wild) {
                    quote(&awkward_name(rng))
                } else {
                    format!("dep{i}")
                },
                choose(
                    rng,
                    &["\"1\"", "{ version: \"0.1\" }"],
                    &["5", "[]", "{ path: \"../x\" }", "~"]
                )
            );
        }
    }
    if rng.percent(40) {
        out += "settings:\n";
        for i in 0..rng.below(4) {
            let name = if rng.percent(wild) {
                awkward_name(rng)
            } else {
                format!("setting-{i}")
            };
            out += &format!("  - name: {}\n", quote(&name));
            let ty = choose(
                rng,
                &["string", "path", "integer", "boolean"],
                &["number", "array", "\"\""],
            );
            out += &format!("    type: {ty}\n");
            if rng.percent(50) {
                let default = match ty {
                    _ if rng.percent(wild) => rng.pick(DEFAULTS),
                    "string" => "\"text\"",
                    "path" => "\"{data_dir}/x.db\"",
                    "integer" => "7",
                    _ => "false",
                };
                out += &format!("    default: {default}\n");
            }
            if rng.percent(40) {
                out += &format!(
                    "    env: {}\n",
                    quote(choose(
                        rng,
                        &["GEN_X", "_X", "GEN_Y2"],
                        &["gen_x", "", "1X", "X-Y"]
                    ))
                );
            }
        }
    }
    let type_names: Vec<String> = (0..rng.below(4))
        .map(|i| {
            if rng.percent(wild) {
                awkward_name(rng)
            } else {
                format!("T{i}")
            }
        })
        .collect();
    if rng.percent(30) {
        out += "enums:\n  - name: E\n    values: [a, b, \"c d\"]\n";
    }
    if !type_names.is_empty() {
        out += "types:\n";
        for (i, ty) in type_names.iter().enumerate() {
            out += &format!("  - name: {}\n    fields:\n", quote(ty));
            // Fields refer only to earlier types, unless wild: no cycles.
            let earlier = &type_names[..if rng.percent(wild) {
                type_names.len()
            } else {
                i
            }];
            let least = usize::from(!rng.percent(wild));
            for _ in 0..rng.between(least, 4) {
                out += &param(rng, "      ", earlier, wild);
            }
        }
    }
    if rng.percent(85) {
        out += "tools:\n";
        for i in 0..rng.below(5) {
            let name = if rng.percent(wild) {
                awkward_name(rng)
            } else {
                format!("tool_{i}")
            };
            out += &format!("  - name: {}\n", quote(&name));
            if rng.percent(50) {
                out += &format!("    description: {}\n", string(rng));
            }
            if rng.percent(15) && !type_names.is_empty() {
                out += &format!(
                    "    output: {}\n",
                    quote(rng.pick_ref(&type_names).as_str())
                );
            }
            if rng.percent(20) {
                out += "    annotations: { read_only: true, open_world: false }\n";
            }
            if rng.percent(70) {
                out += "    params:\n";
                for _ in 0..rng.below(5) {
                    out += &param(rng, "      ", &type_names, wild);
                }
            }
        }
    }
    if rng.percent(50) {
        out += "resources:\n";
        for i in 0..rng.below(4) {
            let uri = if rng.percent(wild) {
                (rng.pick(&["gen://{x}", "no-scheme", "", "gen://a b", "x:", "gen://r0"]))
                    .to_owned()
            } else {
                format!("gen://r{i}")
            };
            let name = if rng.percent(wild) {
                awkward_name(rng)
            } else {
                format!("resource_{i}")
            };
            out += &format!("  - uri: {}\n    name: {}\n", quote(&uri), quote(&name));
            match rng.below(4) {
                0 => out += &format!("    text: {}\n", string(rng)),
                1 => out += "    binary: true\n",
                2 => {
                    out += &format!(
                        "    mime_type: {}\n",
                        quote(choose(
                            rng,
                            &["text/plain", "application/json"],
                            &["", "x", "a/b/c"]
                        ))
                    )
                }
                _ => {}
            }
        }
    }
    if rng.percent(50) {
        out += "resource_templates:\n";
        for i in 0..rng.below(3) {
            let vars: Vec<String> = (0..rng.below(4))
                .map(|v| {
                    if rng.percent(wild) {
                        awkward_name(rng)
                    } else {
                        format!("v{v}")
                    }
                })
                .collect();
            let mut template = format!("gen://t{i}");
            for var in &vars {
                let separator = choose(rng, &["/", "-", ".", "/x/"], &["", "{", "}"]);
                template += &format!("{separator}{{{var}}}");
            }
            let name = if rng.percent(wild) {
                awkward_name(rng)
            } else {
                format!("template_{i}")
            };
            out += &format!(
                "  - uri_template: {}\n    name: {}\n",
                quote(&template),
                quote(&name)
            );
            if !vars.is_empty() && rng.percent(60) {
                out += "    params:\n";
                for var in &vars {
                    if rng.percent(wild) {
                        out += &param(rng, "      ", &type_names, wild);
                    } else {
                        out += &format!(
                            "      - name: {}\n        type: {}\n",
                            quote(var),
                            rng.pick(&["string", "integer"])
                        );
                        if rng.percent(20) {
                            out += "        complete: true\n";
                        }
                    }
                }
            }
            if rng.percent(15) {
                out += "    binary: true\n";
            }
        }
    }
    if rng.percent(50) {
        out += "prompts:\n";
        for i in 0..rng.below(3) {
            let name = if rng.percent(wild) {
                awkward_name(rng)
            } else {
                format!("prompt-{i}")
            };
            out += &format!("  - name: {}\n", quote(&name));
            let args: Vec<String> = (0..rng.below(3))
                .map(|a| {
                    if rng.percent(wild) {
                        awkward_name(rng)
                    } else {
                        format!("arg{a}")
                    }
                })
                .collect();
            if !args.is_empty() {
                out += "    arguments:\n";
                for arg in &args {
                    out += &format!(
                        "      - name: {}\n        required: {}\n",
                        quote(arg),
                        rng.pick(&["true", "false"])
                    );
                    if rng.percent(20) {
                        out += "        complete: true\n";
                    }
                    if rng.percent(10) {
                        out += "        enum: [a, b]\n";
                    } else if rng.percent(10) {
                        out += &format!("        type: {}\n", rng.pick(&["E", "Nope", "string"]));
                    }
                }
            }
            if rng.percent(70) {
                out += "    messages:\n";
                for _ in 0..rng.between(1, 3) {
                    let mut text = String::from("Hello ");
                    for _ in 0..rng.below(3) {
                        text += &match rng.below(5) {
                            _ if rng.percent(wild) => (rng.pick(&[
                                "{",
                                "}",
                                "{}",
                                "{nope}",
                                "{nope? x}",
                                "{arg0? x",
                                "{arg0?}",
                                "{arg0? {arg1? x}}",
                            ]))
                            .to_owned(),
                            _ if !args.is_empty() && rng.percent(10) => {
                                let arg = rng.pick_ref(&args);
                                format!("{{{arg}? for {{{arg}}}}} ")
                            }
                            0 => "{{".to_owned(),
                            1 => "}} and ".to_owned(),
                            _ if args.is_empty() => "text ".to_owned(),
                            _ => format!("{{{}}} ", rng.pick_ref(&args)),
                        };
                    }
                    out += &format!(
                        "      - role: {}\n        text: {}\n",
                        choose(rng, &["user", "assistant"], &["system", "\"\""]),
                        quote(&text)
                    );
                }
            }
        }
    }
    out
}

/// Random characters, mostly YAML punctuation.
pub fn random_text(rng: &mut Rng) -> String {
    let len = rng.below(400);
    let mut text: String = (0..len).map(|_| rng.pick(ALPHABET)).collect();
    if rng.percent(50) {
        text = format!("mcpgen: 1\nserver: {{name: r, version: 0.1.0}}\n{text}");
    }
    text
}

/// Nesting deeper than any parser's stack should allow.
pub fn deep(rng: &mut Rng) -> String {
    let depth = match rng.below(4) {
        0 => rng.between(100, 200),
        1 => rng.between(1_000, 5_000),
        _ => rng.between(10_000, 100_000),
    };
    let head = "mcpgen: 1\nserver: {name: deep, version: 0.1.0}\n";
    match rng.below(7) {
        0 => format!("{head}tools: {}{}", "[".repeat(depth), "]".repeat(depth)),
        1 => format!(
            "{head}tools: {}x{}",
            "{a: ".repeat(depth),
            "}".repeat(depth)
        ),
        2 => format!("{head}tools: {}", "[".repeat(depth)),
        3 => format!("{head}tools:\n{}x\n", "- ".repeat(depth)),
        4 => {
            let mut text = format!("{head}tools:\n");
            for level in 0..depth.min(2_000) {
                text += &format!("{}k{level}:\n", " ".repeat(level + 2));
            }
            text
        }
        5 => format!(
            "{head}tools:\n  - name: t\n    params: {}{}",
            "[{name: p, items: ".repeat(depth),
            "}]".repeat(depth)
        ),
        _ => format!(
            "{head}types:\n  - name: T\n    fields:\n{}",
            (0..depth.min(500))
                .map(|level| format!(
                    "{}- name: f{level}\n{}  fields:\n",
                    " ".repeat(level * 2 + 6),
                    " ".repeat(level * 2 + 6)
                ))
                .collect::<String>()
        ),
    }
}

/// Anchors and aliases that expand to far more than the text holds.
pub fn alias_bomb(rng: &mut Rng) -> String {
    let head = "mcpgen: 1\nserver: {name: bomb, version: 0.1.0}\n";
    match rng.below(6) {
        // Billion laughs: each level refers to the one below many times.
        0 => {
            let levels = rng.between(3, 12);
            let width = rng.between(4, 12);
            let mut text = format!("{head}l0: &l0 [{}]\n", vec!["\"lol\""; width].join(", "));
            for level in 1..=levels {
                let refs = vec![format!("*l{}", level - 1); width].join(", ");
                text += &format!("l{level}: &l{level} [{refs}]\n");
            }
            text + &format!("tools: *l{levels}\n")
        }
        // Quadratic: one wide node, referred to many times.
        1 => {
            let wide = rng.between(1_000, 20_000);
            let refs = rng.between(1_000, 20_000);
            let mut text = format!("{head}a: &a [");
            text += &vec!["x"; wide].join(",");
            text += "]\nb: [";
            text += &vec!["*a"; refs].join(",");
            text + "]\n"
        }
        // Merge keys that merge merges.
        2 => {
            let levels = rng.between(3, 20);
            let mut text = format!("{head}m0: &m0 {{name: t, description: d}}\n");
            for level in 1..=levels {
                let merges = vec![format!("*m{}", level - 1); rng.between(2, 8)].join(", ");
                text += &format!("m{level}: &m{level}\n  <<: [{merges}]\n  k{level}: v\n");
            }
            text + &format!("tools:\n  - <<: *m{levels}\n")
        }
        // A valid tool copied many times through an alias.
        3 => {
            let copies = rng.between(2, 300);
            let mut text = format!(
                "{head}tools:\n  - &t\n    name: t\n    params: &p\n      - name: p\n        type: integer\n"
            );
            for _ in 0..copies {
                text += "  - *t\n";
            }
            text
        }
        // Aliases in odd places: keys, self-reference, undefined.
        4 => format!(
            "{head}{}",
            rng.pick(&[
                "a: &a [*a]\n",
                "tools: *nope\n",
                "&k key: v\n*k : w\n",
                "a: &a x\nb: &a y\ntools: [*a]\n",
                "tools: &t\n  - name: x\n    params: *t\n",
                "? &a [k]\n: v\n? *a\n: w\n",
            ])
        ),
        // Wide and deep at once.
        _ => {
            let mut text = format!("{head}d0: &d0 {{}}\n");
            let levels = rng.between(10, 60);
            for level in 1..=levels {
                text += &format!(
                    "d{level}: &d{level} {{a: *d{p}, b: *d{p}}}\n",
                    p = level - 1
                );
            }
            text + &format!("tools: [*d{levels}]\n")
        }
    }
}

/// Numbers and strings at and past every limit.
pub fn huge(rng: &mut Rng) -> String {
    let base = rng.pick(CORPUS);
    match rng.below(5) {
        0 => base.replacen(
            "mcpgen: 1",
            &format!("mcpgen: {}", "9".repeat(rng.between(20, 5_000))),
            1,
        ),
        1 => base.replacen(
            "version: ",
            &format!("version: {}.", "1".repeat(rng.between(20, 2_000))),
            1,
        ),
        2 => {
            let long = "é".repeat(rng.between(10_000, 300_000));
            let mut lines: Vec<&str> = base.lines().collect();
            let at = rng.below(lines.len());
            let line = format!("{}{long}", lines[at]);
            lines[at] = &line;
            lines.join("\n")
        }
        3 => format!("{base}\n{}: x\n", "k".repeat(rng.between(1_000, 200_000))),
        // Many unknown keys in one item.
        _ => {
            let keys: String = (0..rng.between(100, 5_000))
                .map(|i| format!("    unknown{i}: {i}\n"))
                .collect();
            format!("mcpgen: 1\nserver: {{name: k, version: 0.1.0}}\ntools:\n  - name: t\n{keys}")
        }
    }
}

/// A spec with a 10 MB string somewhere.
pub fn ten_megabytes(rng: &mut Rng) -> String {
    let size = 10 << 20;
    let head = "mcpgen: 1\nserver:\n  name: big\n  version: 0.1.0\n";
    match rng.below(4) {
        0 => format!("{head}  description: {}\n", "x".repeat(size)),
        1 => format!("{head}  description: \"{}\"\n", "\\u00e9".repeat(size / 6)),
        2 => format!(
            "{head}  description: |\n{}",
            "    a line of text\n".repeat(size / 19)
        ),
        _ => format!("{head}{}\n", "[".repeat(size)),
    }
}
