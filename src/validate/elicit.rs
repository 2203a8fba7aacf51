//! Requests a tool handler sends the client: `elicit` forms, `sampling`
//! and `roots`. A form is a named type that the protocol's elicitation
//! schemas can express: a flat object of strings (with lengths and a
//! format), numbers (with bounds), booleans, and single- or multi-select
//! enums, each with an optional default.

use super::Validator;
use crate::{
    diagnostic::{Path, did_you_mean},
    model::{
        ParamType,
        types::{self, Names},
    },
    spec::{ParamSpec, Spec},
};

impl Validator {
    pub(super) fn client_requests(&mut self, spec: &Spec) {
        self.enum_titles(spec);
        let names = Names {
            types: &spec.types,
            enums: &spec.enums,
        };
        let mut forms: Vec<(usize, String)> = Vec::new();
        for (i, tool) in spec.tools.iter().enumerate() {
            let path = Path::root().key("tools").index(i);
            let asks = [
                ("elicit", !tool.elicit.is_empty()),
                ("sampling", tool.sampling),
                ("roots", tool.roots),
            ];
            for (key, _) in asks.iter().filter(|(_, on)| *on) {
                if !tool.context {
                    self.error(
                        path.key(*key),
                        format!(
                            "the tool `{}` asks the client through its context, but takes none",
                            tool.name
                        ),
                        format!(
                            "add `context: true`: the handler calls `context.{}`",
                            method(key)
                        ),
                    );
                }
                if tool.http.is_some() && !tool.handler {
                    self.error(
                        path.key(*key),
                        format!(
                            "the tool `{}` calls the upstream API, with no handler to ask the client",
                            tool.name
                        ),
                        format!("add `handler: true` to write a handler, or remove `{key}`"),
                    );
                }
            }
            for (j, name) in tool.elicit.iter().enumerate() {
                let at = path.key("elicit").index(j);
                if tool.elicit[..j].contains(name) {
                    self.error(
                        at,
                        format!("`{name}` is listed twice"),
                        "list each form once",
                    );
                    continue;
                }
                match spec.types.iter().position(|t| &t.name == name) {
                    Some(k) => {
                        if !forms.iter().any(|(seen, _)| *seen == k) {
                            forms.push((k, tool.name.clone()));
                        }
                    }
                    None => {
                        let help =
                            match did_you_mean(name, spec.types.iter().map(|t| t.name.as_str())) {
                                Some(close) => format!("did you mean `{close}`?"),
                                None => {
                                    "declare it under `types`, with the fields the user fills in"
                                        .to_owned()
                                }
                            };
                        self.error(at, format!("`{name}` is not a type under `types`"), help);
                    }
                }
            }
        }
        for (k, tool) in forms {
            let ty = &spec.types[k];
            let path = Path::root().key("types").index(k);
            for (j, field) in ty.fields.iter().enumerate() {
                let at = path.key("fields").index(j);
                if let Some((key, message, help)) = unfit(field, names) {
                    self.error(
                        at.key(key),
                        format!(
                            "the form `{}`, which the tool `{tool}` elicits, cannot hold `{}`: {message}",
                            ty.name, field.name
                        ),
                        help,
                    );
                }
            }
        }
    }

    /// `titles` name each value of an enum once.
    fn enum_titles(&mut self, spec: &Spec) {
        for (i, shared) in spec.enums.iter().enumerate() {
            let path = Path::root().key("enums").index(i);
            if !shared.titles.is_empty() && shared.titles.len() != shared.values.len() {
                self.error(
                    path.key("titles"),
                    format!(
                        "the enum `{}` has {} values but {} titles",
                        shared.name,
                        shared.values.len(),
                        shared.titles.len()
                    ),
                    "give one title per value, in the same order",
                );
            }
            if shared.legacy_titles && shared.titles.is_empty() {
                self.error(
                    path.key("legacy_titles"),
                    format!("the enum `{}` has no `titles` to send", shared.name),
                    "add `titles`, or remove `legacy_titles`",
                );
            }
        }
    }
}

/// The `Context` method that a request key stands for.
fn method(key: &str) -> &'static str {
    match key {
        "elicit" => "elicit",
        "sampling" => "sample",
        _ => "roots",
    }
}

/// Why a field cannot be part of an elicitation form: the offending key,
/// the reason and a fix; `None` when it fits.
fn unfit(field: &ParamSpec, names: Names) -> Option<(&'static str, String, String)> {
    let flat = "forms are flat: strings, integers, numbers, booleans and enums".to_owned();
    let ty = match types::param_type(field, names) {
        Ok(ty) => ty,
        // The type checks report it.
        Err(_) => return None,
    };
    match &ty {
        ParamType::String | ParamType::Integer | ParamType::Number | ParamType::Boolean => {}
        ParamType::Enum { .. } => {}
        ParamType::Array(item) if matches!(**item, ParamType::Enum { .. }) => {}
        ParamType::Array(_) => {
            return Some((
                "items",
                "a form's arrays are multi-select enums".to_owned(),
                "give the items an `enum`, or an enum's name as their `type`".to_owned(),
            ));
        }
        ParamType::Object(name) => {
            return Some((
                "type",
                format!("`{name}` is an object, and {flat}"),
                format!("move the fields of `{name}` into the form"),
            ));
        }
        ParamType::Json => {
            return Some(("type", format!("`json` is any value, and {flat}"), flat));
        }
    }
    if field.pattern.is_some() {
        return Some((
            "pattern",
            "elicitation schemas have no `pattern`".to_owned(),
            "remove `pattern`; check the answer in the handler".to_owned(),
        ));
    }
    if field.schema.is_some() {
        return Some((
            "schema",
            "elicitation schemas are not free-form JSON Schema".to_owned(),
            "remove `schema`".to_owned(),
        ));
    }
    if let Some(items) = &field.items
        && items.pattern.is_some()
    {
        return Some((
            "items",
            "elicitation schemas have no `pattern`".to_owned(),
            "remove the items' `pattern`".to_owned(),
        ));
    }
    None
}
