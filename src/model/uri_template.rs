//! URI templates: the RFC 6570 level-1 subset, `{var}` expressions between
//! literal text, e.g. `notes://{name}` or `files://{dir}/{name}`.

/// One piece of a parsed template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    Literal(String),
    Var(String),
}

/// Why a template does not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplateError {
    Unclosed,
    UnopenedBrace,
    EmptyExpression,
    Operator(char),
    InvalidName(String),
    AdjacentVars(String, String),
    Repeated(String),
}

impl std::fmt::Display for TemplateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Unclosed => write!(f, "a `{{` is never closed"),
            Self::UnopenedBrace => write!(f, "a `}}` has no matching `{{`"),
            Self::EmptyExpression => write!(f, "an expression `{{}}` is empty"),
            Self::Operator(op) => write!(
                f,
                "the operator `{op}` is not supported; only simple `{{var}}` expressions are"
            ),
            Self::InvalidName(name) => write!(
                f,
                "`{name}` is not a valid variable name (use letters, digits and `_`)"
            ),
            Self::AdjacentVars(a, b) => write!(
                f,
                "`{{{a}}}` and `{{{b}}}` touch, so a URI cannot say where one ends; put literal text between them"
            ),
            Self::Repeated(name) => write!(f, "the variable `{name}` appears twice"),
        }
    }
}

/// Parses a template into literal and variable parts.
pub fn parse(template: &str) -> Result<Vec<Part>, TemplateError> {
    let mut parts = Vec::new();
    let mut rest = template;
    while !rest.is_empty() {
        match (rest.find('{'), rest.find('}')) {
            (_, Some(close)) if rest.find('{').is_none_or(|open| close < open) => {
                return Err(TemplateError::UnopenedBrace);
            }
            (Some(open), _) => {
                if open > 0 {
                    parts.push(Part::Literal(rest[..open].to_owned()));
                }
                let after = &rest[open + 1..];
                let close = after.find('}').ok_or(TemplateError::Unclosed)?;
                let name = &after[..close];
                if name.contains('{') {
                    return Err(TemplateError::Unclosed);
                }
                let first = name.chars().next().ok_or(TemplateError::EmptyExpression)?;
                if "+#./;?&=,!@|".contains(first) {
                    return Err(TemplateError::Operator(first));
                }
                if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                    return Err(TemplateError::InvalidName(name.to_owned()));
                }
                if let Some(Part::Var(previous)) = parts.last() {
                    return Err(TemplateError::AdjacentVars(
                        previous.clone(),
                        name.to_owned(),
                    ));
                }
                if parts.iter().any(|part| *part == Part::Var(name.to_owned())) {
                    return Err(TemplateError::Repeated(name.to_owned()));
                }
                parts.push(Part::Var(name.to_owned()));
                rest = &after[close + 1..];
            }
            (None, None) => {
                parts.push(Part::Literal(rest.to_owned()));
                rest = "";
            }
            (None, Some(_)) => unreachable!("handled by the first arm"),
        }
    }
    Ok(parts)
}

/// The variable names of a parsed template, in order.
pub fn vars(parts: &[Part]) -> Vec<&str> {
    parts
        .iter()
        .filter_map(|part| match part {
            Part::Var(name) => Some(name.as_str()),
            Part::Literal(_) => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_simple_templates() {
        assert_eq!(
            parse("notes://{name}").unwrap(),
            vec![Part::Literal("notes://".into()), Part::Var("name".into())]
        );
        assert_eq!(
            vars(&parse("files://{dir}/{name}.txt").unwrap()),
            vec!["dir", "name"]
        );
        assert_eq!(
            parse("plain://x").unwrap(),
            vec![Part::Literal("plain://x".into())]
        );
    }

    #[test]
    fn rejects_what_it_cannot_match() {
        assert_eq!(parse("a://{x"), Err(TemplateError::Unclosed));
        assert_eq!(parse("a://x}"), Err(TemplateError::UnopenedBrace));
        assert_eq!(parse("a://{}"), Err(TemplateError::EmptyExpression));
        assert_eq!(parse("a://{+x}"), Err(TemplateError::Operator('+')));
        assert_eq!(
            parse("a://{x-y}"),
            Err(TemplateError::InvalidName("x-y".into()))
        );
        assert!(matches!(
            parse("a://{x}{y}"),
            Err(TemplateError::AdjacentVars(..))
        ));
        assert_eq!(
            parse("a://{x}/{x}"),
            Err(TemplateError::Repeated("x".into()))
        );
    }
}
