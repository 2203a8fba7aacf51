//! Tools that declare their whole input schema (`input_schema`).

use super::Validator;
use crate::{diagnostic::Path, spec::Spec};

impl Validator {
    pub(super) fn declared_schemas(&mut self, spec: &Spec) {
        for (i, tool) in spec.tools.iter().enumerate() {
            let Some(schema) = &tool.input_schema else {
                continue;
            };
            let path = Path::root().key("tools").index(i);
            let object = schema.as_object();
            if object.and_then(|o| o.get("type")).and_then(|t| t.as_str()) != Some("object") {
                self.error(
                    path.key("input_schema"),
                    format!(
                        "the input schema of the tool `{}` is not an object schema",
                        tool.name
                    ),
                    "MCP tools take an object: give it `type: object`",
                );
            }
            if !tool.params.is_empty() {
                self.error(
                    path.key("params"),
                    format!(
                        "the tool `{}` declares its whole `input_schema`, and `params` too",
                        tool.name
                    ),
                    "describe the arguments in `input_schema` only, or remove it",
                );
            }
            if tool.http.is_some() && !tool.handler {
                self.error(
                    path.key("input_schema"),
                    format!(
                        "the tool `{}` calls the upstream API with its `params`, and has none",
                        tool.name
                    ),
                    "remove `input_schema`, or add `handler: true` and call the API yourself",
                );
            }
        }
    }
}
