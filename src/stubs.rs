//! Your `src/handlers.rs`, read with syn: which methods its
//! `impl Handler for ...` block has, how they compare with the trait that
//! the spec gives, and how to add the missing ones.
//!
//! mcpgen never rewrites the file. It inserts the stubs' text just before
//! the block's closing brace, found from syn's spans, and leaves every
//! other byte as it was.

use proc_macro2::LineColumn;
use syn::{
    FnArg, GenericArgument, ImplItem, ItemImpl, PathArguments, Type, ext::IdentExt,
    spanned::Spanned, visit::Visit,
};

use crate::model::Method;

/// The file that implements `Handler`, relative to the crate root.
pub const HANDLERS_FILE: &str = "src/handlers.rs";

/// Methods of `Handler` that do not come from the spec.
const BUILT_IN: [&str; 3] = ["new", "migrate", "ready"];

/// The `impl Handler for ...` block of a handlers file.
#[derive(Debug)]
pub struct Implementation {
    /// The implementing type, as written: `App`.
    pub self_ty: String,
    pub methods: Vec<ImplMethod>,
    /// The byte offset of the block's closing brace.
    close: usize,
    /// The indentation of the `impl` line.
    indent: String,
    /// The indentation of the block's items.
    item_indent: String,
}

/// A method of the `impl Handler` block.
#[derive(Debug)]
pub struct ImplMethod {
    /// The name, without `r#`.
    pub name: String,
    /// Where its name is: 1-based line and column.
    pub line: usize,
    pub column: usize,
    /// Its parameters after `self`, as written: `name: String`.
    pub params: Vec<String>,
    /// Their types, normalized for comparison.
    shapes: Vec<String>,
}

/// Why a handlers file cannot be read.
#[derive(Debug)]
pub enum Error {
    /// It is not valid Rust.
    Syntax {
        line: usize,
        column: usize,
        message: String,
    },
    /// It has no `impl Handler for ...` block.
    NoImpl,
    /// It has more than one, at these lines.
    Several(Vec<usize>),
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Syntax {
                line,
                column,
                message,
            } => write!(f, "{HANDLERS_FILE}:{line}:{column}: {message}"),
            Self::NoImpl => write!(f, "{HANDLERS_FILE} has no `impl Handler for ...` block"),
            Self::Several(lines) => write!(
                f,
                "{HANDLERS_FILE} has {} `impl Handler for ...` blocks, at lines {}",
                lines.len(),
                lines
                    .iter()
                    .map(usize::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }
}

/// Finds the `impl Handler for ...` block of a handlers file.
pub fn find(source: &str) -> Result<Implementation, Error> {
    // syn would skip a byte-order mark, and count offsets after it.
    let bom = if source.starts_with('\u{feff}') { 3 } else { 0 };
    let syntax = |start: LineColumn, message: String| Error::Syntax {
        line: start.line,
        column: start.column + 1,
        message,
    };
    let tokens: proc_macro2::TokenStream =
        source[bom..]
            .parse()
            .map_err(|error: proc_macro2::LexError| {
                syntax(
                    error.span().start(),
                    "unbalanced delimiters, or an unterminated literal or comment".to_owned(),
                )
            })?;
    let file: syn::File =
        syn::parse2(tokens).map_err(|error| syntax(error.span().start(), error.to_string()))?;
    let mut finder = Finder(Vec::new());
    finder.visit_file(&file);
    let block = match finder.0.as_slice() {
        [] => return Err(Error::NoImpl),
        [block] => *block,
        several => {
            return Err(Error::Several(
                several
                    .iter()
                    .map(|block| block.impl_token.span.start().line)
                    .collect(),
            ));
        }
    };
    let text = |node: &dyn Spanned| source[bom..][node.span().byte_range()].to_owned();
    let methods: Vec<ImplMethod> = block
        .items
        .iter()
        .filter_map(|item| match item {
            ImplItem::Fn(method) => Some(&method.sig),
            _ => None,
        })
        .map(|sig| {
            let typed = sig.inputs.iter().filter_map(|input| match input {
                FnArg::Typed(typed) => Some(typed),
                FnArg::Receiver(_) => None,
            });
            let LineColumn { line, column } = sig.ident.span().start();
            ImplMethod {
                name: sig.ident.unraw().to_string(),
                line,
                column: column + 1,
                params: typed
                    .clone()
                    .map(|typed| format!("{}: {}", text(&typed.pat), text(&typed.ty)))
                    .collect(),
                shapes: typed
                    .map(|typed| shape(&typed.ty, &text(&typed.ty)))
                    .collect(),
            }
        })
        .collect();
    let line_indent = |offset: usize| -> String {
        let line_start = source[..offset].rfind('\n').map_or(0, |i| i + 1);
        source[line_start..]
            .chars()
            .take_while(|c| *c == ' ' || *c == '\t')
            .collect()
    };
    let indent = line_indent(bom + block.impl_token.span.byte_range().start);
    let item_indent = match block.items.first() {
        Some(item) if item.span().start().line != block.brace_token.span.open().start().line => {
            line_indent(bom + item.span().byte_range().start)
        }
        _ => format!("{indent}    "),
    };
    Ok(Implementation {
        self_ty: text(&block.self_ty),
        methods,
        close: bom + block.brace_token.span.close().byte_range().start,
        indent,
        item_indent,
    })
}

/// Collects every `impl Handler for ...` block, in modules too.
struct Finder<'ast>(Vec<&'ast ItemImpl>);

impl<'ast> Visit<'ast> for Finder<'ast> {
    fn visit_item_impl(&mut self, block: &'ast ItemImpl) {
        let is_handler = block.trait_.as_ref().is_some_and(|(path, _)| {
            path.segments
                .last()
                .is_some_and(|segment| segment.ident == "Handler")
        });
        if is_handler {
            self.0.push(block);
        }
        syn::visit::visit_item_impl(self, block);
    }
}

/// A type as text to compare: paths shortened to their last segment
/// (`crate::server::Kind` is `Kind`), without spaces. `text` is the type's
/// source, the fallback for types that handlers do not take.
fn shape(ty: &Type, text: &str) -> String {
    match ty {
        Type::Path(path) if path.qself.is_none() => {
            let Some(last) = path.path.segments.last() else {
                return text.to_owned();
            };
            let name = last.ident.unraw().to_string();
            match &last.arguments {
                PathArguments::AngleBracketed(arguments) => {
                    let arguments: Vec<String> = arguments
                        .args
                        .iter()
                        .map(|argument| match argument {
                            GenericArgument::Type(ty) => shape(ty, ""),
                            _ => String::from("?"),
                        })
                        .collect();
                    format!("{name}<{}>", arguments.join(","))
                }
                _ => name,
            }
        }
        Type::Paren(inner) => shape(&inner.elem, text),
        Type::Group(inner) => shape(&inner.elem, text),
        _ => text.split_whitespace().collect(),
    }
}

/// How a handlers file compares with the methods that the trait declares.
#[derive(Debug, Default)]
pub struct Review<'a> {
    /// Trait methods the block lacks: the build fails until it has them.
    pub missing: Vec<&'a Method>,
    /// Methods of the block that the trait no longer has.
    pub orphaned: Vec<&'a ImplMethod>,
    /// Methods whose parameters differ from the trait's, with the trait's.
    pub mismatched: Vec<(&'a ImplMethod, &'a Method)>,
}

pub fn review<'a>(found: &'a Implementation, methods: &'a [Method]) -> Review<'a> {
    let mut review = Review::default();
    for method in methods {
        let name = method.ident.trim_start_matches("r#");
        match found.methods.iter().find(|m| m.name == name) {
            None => review.missing.push(method),
            Some(ours) if !same_params(ours, method) => review.mismatched.push((ours, method)),
            Some(_) => {}
        }
    }
    review.orphaned = found
        .methods
        .iter()
        .filter(|ours| !BUILT_IN.contains(&ours.name.as_str()))
        .filter(|ours| {
            !methods
                .iter()
                .any(|m| m.ident.trim_start_matches("r#") == ours.name)
        })
        .collect();
    review
}

/// Whether a method takes the parameter types that the trait declares.
/// Names do not matter: the compiler does not compare them either.
fn same_params(ours: &ImplMethod, method: &Method) -> bool {
    let theirs: Vec<String> = method
        .params
        .iter()
        .map(|param| {
            let ty = param.split_once(": ").map_or(param.as_str(), |(_, ty)| ty);
            match syn::parse_str::<Type>(ty) {
                Ok(parsed) => shape(&parsed, ty),
                Err(_) => ty.split_whitespace().collect(),
            }
        })
        .collect();
    ours.shapes == theirs
}

/// The parameters of a trait method, as a signature: `(name: String)`.
pub fn signature(params: &[String]) -> String {
    format!("({})", params.join(", "))
}

/// The stubs of `methods`, as they would sit in an impl block: indented by
/// four spaces, formatted by rustfmt, and separated by blank lines.
/// `enums` are the generated types (enums, structs), which live in
/// `crate::server`.
pub fn stubs(methods: &[&Method], enums: &[String]) -> String {
    let stubs: Vec<String> = methods
        .iter()
        .map(|method| {
            let name = method.ident.trim_start_matches("r#");
            let params: String = method
                .params
                .iter()
                .map(|param| format!(", _{}", qualify(param.trim_start_matches("r#"), enums)))
                .collect();
            format!(
                "    async fn {}(&self{params}) -> Result<{}, Error> {{\n        \
                 Err(Error::internal(\"`{name}` is not implemented yet\"))\n    }}",
                method.ident,
                qualify(&method.returns, enums)
            )
        })
        .collect();
    let block = format!("impl Handler for App {{\n{}\n}}\n", stubs.join("\n\n"));
    let formatted = crate::render::rustfmt(block);
    let lines: Vec<&str> = formatted.lines().collect();
    match lines.as_slice() {
        [_, body @ .., _] => body.join("\n"),
        _ => stubs.join("\n\n"),
    }
}

/// Names the spec's enum types by their full path in `param`: handlers.rs
/// does not import them.
fn qualify(param: &str, enums: &[String]) -> String {
    let mut qualified = String::with_capacity(param.len());
    let mut word = String::new();
    let flush = |word: &mut String, qualified: &mut String| {
        if enums.contains(word) {
            qualified.push_str("crate::server::");
        }
        qualified.push_str(word);
        word.clear();
    };
    for c in param.chars() {
        if c.is_alphanumeric() || c == '_' {
            word.push(c);
        } else {
            flush(&mut word, &mut qualified);
            qualified.push(c);
        }
    }
    flush(&mut word, &mut qualified);
    qualified
}

/// `source` with `stubs` (from [`stubs`]) inserted just before the closing
/// brace of the `impl Handler` block. Every other byte stays as it was.
pub fn insert(source: &str, found: &Implementation, stubs: &str) -> String {
    let newline = if source.contains("\r\n") {
        "\r\n"
    } else {
        "\n"
    };
    let body: Vec<String> = stubs
        .lines()
        .map(|line| match line.strip_prefix("    ") {
            Some(rest) => format!("{}{rest}", found.item_indent),
            None => line.to_owned(),
        })
        .collect();
    let body = body.join(newline);
    let line_start = source[..found.close].rfind('\n').map_or(0, |i| i + 1);
    let brace_on_own_line = source[line_start..found.close].trim().is_empty();
    let (at, text) = if brace_on_own_line {
        let gap = if found.methods.is_empty() && source[..line_start].trim_end().ends_with('{') {
            ""
        } else {
            newline
        };
        (line_start, format!("{gap}{body}{newline}"))
    } else {
        (
            found.close,
            format!("{newline}{body}{newline}{}", found.indent),
        )
    };
    let mut result = String::with_capacity(source.len() + text.len());
    result.push_str(&source[..at]);
    result.push_str(&text);
    result.push_str(&source[at..]);
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    fn method(ident: &str, params: &[&str]) -> Method {
        Method {
            ident: ident.to_owned(),
            doc: Vec::new(),
            params: params.iter().map(|p| p.to_string()).collect(),
            returns: "String".to_owned(),
            kind: "tool",
            too_many_arguments: false,
        }
    }

    const HANDLERS: &str = "use crate::{Error, Handler, Settings};

pub struct App {}

fn helper() -> u8 {
    1
}

impl Handler for App {
    fn new(_settings: &Settings) -> Result<Self, Error> {
        Ok(Self {})
    }

    async fn echo(&self, text: String) -> Result<String, Error> {
        Ok(text) // mine
    }

    async fn shout(&self, text: String) -> Result<String, Error> {
        Ok(text.to_uppercase())
    }
}

impl App {}
";

    #[test]
    fn finds_the_methods_and_where_they_are() {
        let found = find(HANDLERS).unwrap();
        assert_eq!(found.self_ty, "App");
        let names: Vec<&str> = found.methods.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(names, ["new", "echo", "shout"]);
        assert_eq!((found.methods[2].line, found.methods[2].column), (18, 14));
        assert_eq!(found.methods[1].params, ["text: String"]);
        assert_eq!(&HANDLERS[found.close..found.close + 2], "}\n");
    }

    #[test]
    fn reviews_against_the_trait() {
        let found = find(HANDLERS).unwrap();
        let methods = [
            method("echo", &["text: i64"]),
            method("r#count", &["n: i64"]),
        ];
        let review = review(&found, &methods);
        assert_eq!(review.missing.len(), 1);
        assert_eq!(review.missing[0].ident, "r#count");
        let orphaned: Vec<&str> = review.orphaned.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(orphaned, ["shout"]);
        assert_eq!(review.mismatched.len(), 1);
        assert_eq!(review.mismatched[0].0.name, "echo");
    }

    #[test]
    fn types_compare_by_shape() {
        let source = "impl Handler for App {
    async fn a(&self, kind: Option< crate::server::Kind >, r#type: String) {}
}";
        let found = find(source).unwrap();
        let methods = [method("a", &["kind: Option<Kind>", "r#type: String"])];
        assert!(review(&found, &methods).mismatched.is_empty());
        let methods = [method("a", &["kind: Option<Kind>", "r#type: i64"])];
        assert_eq!(review(&found, &methods).mismatched.len(), 1);
    }

    #[test]
    fn inserts_stubs_before_the_closing_brace_and_nothing_else() {
        let found = find(HANDLERS).unwrap();
        let methods = [method("count", &["text: String", "r#type: Kind"])];
        let stubs = stubs(&methods.iter().collect::<Vec<_>>(), &["Kind".to_owned()]);
        let updated = insert(HANDLERS, &found, &stubs);
        let stub = "
    async fn count(&self, _text: String, _type: crate::server::Kind) -> Result<String, Error> {
        Err(Error::internal(\"`count` is not implemented yet\"))
    }
";
        let at = HANDLERS.find("}\n\nimpl App").unwrap();
        assert_eq!(
            updated,
            format!("{}{stub}{}", &HANDLERS[..at], &HANDLERS[at..])
        );
        // The result parses, and has the method.
        let again = find(&updated).unwrap();
        assert!(again.methods.iter().any(|m| m.name == "count"));
    }

    #[test]
    fn insertion_follows_the_file_layout() {
        let methods = [method("a", &[])];
        let stubs = stubs(&methods.iter().collect::<Vec<_>>(), &[]);
        let stub = "async fn a(&self) -> Result<String, Error> {";

        let empty = "mod inner {\n\timpl Handler for App {\n\t}\n}\n";
        let updated = insert(empty, &find(empty).unwrap(), &stubs);
        assert!(
            updated.starts_with(&format!(
                "mod inner {{\n\timpl Handler for App {{\n\t    {stub}\n"
            )),
            "{updated}"
        );
        assert!(updated.ends_with("\t    }\n\t}\n}\n"), "{updated}");

        let crlf = "impl Handler for App {\r\n    fn new() {}\r\n}\r\n";
        let updated = insert(crlf, &find(crlf).unwrap(), &stubs);
        assert!(!updated.replace("\r\n", "").contains('\n'), "{updated:?}");
        assert!(
            updated.starts_with("impl Handler for App {\r\n    fn new() {}\r\n\r\n    async fn a")
        );

        let one_line = "impl Handler for App { fn new() {} }";
        let updated = insert(one_line, &find(one_line).unwrap(), &stubs);
        assert!(updated.starts_with("impl Handler for App { fn new() {} \n    async fn a"));
        assert!(updated.ends_with("    }\n}"), "{updated}");
        find(&updated).unwrap();

        let bom = "\u{feff}impl Handler for App {\n}\n";
        let updated = insert(bom, &find(bom).unwrap(), &stubs);
        assert!(updated.starts_with(&format!("\u{feff}impl Handler for App {{\n    {stub}")));
    }

    #[test]
    fn unreadable_files_say_why() {
        let error = find("impl Handler for App {\n    fn x(&self) -> {}\n}").unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("src/handlers.rs:2:20: expected one of"),
            "{error}"
        );
        let error = find("impl Handler for App {\n    fn x( {}\n}").unwrap_err();
        assert!(
            error.to_string().contains("unbalanced delimiters"),
            "{error}"
        );
        assert!(matches!(find("struct App;"), Err(Error::NoImpl)));
        assert!(matches!(
            find("impl Handler for A {}\nmod m { impl Handler for B {} }"),
            Err(Error::Several(lines)) if lines == [1, 2]
        ));
    }
}
