//! Prompt message text: literal text, `{argument}` placeholders, and
//! `{argument? text}` sections, shown only when an optional argument is
//! given. `{{` and `}}` are literal braces, in sections too.

/// A piece of message text, with arguments by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece<'a> {
    Text(String),
    Arg(&'a str),
    Section { arg: &'a str, body: Vec<Piece<'a>> },
}

/// Why text does not parse, and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextError {
    pub message: String,
    pub help: String,
}

fn error(message: impl Into<String>, help: impl Into<String>) -> TextError {
    TextError {
        message: message.into(),
        help: help.into(),
    }
}

const BRACES_HELP: &str = "write `{{` and `}}` for literal braces";

/// Splits message text into pieces.
pub fn parse(text: &str) -> Result<Vec<Piece<'_>>, TextError> {
    let (pieces, _) = read(text, None)?;
    Ok(pieces)
}

/// Reads pieces up to the end of the text, or, inside the section of
/// `section`, up to its closing `}`; returns them and the text after.
fn read<'a>(
    mut rest: &'a str,
    section: Option<&'a str>,
) -> Result<(Vec<Piece<'a>>, &'a str), TextError> {
    let mut pieces = Vec::new();
    let mut literal = String::new();
    let flush = |literal: &mut String, pieces: &mut Vec<Piece<'a>>| {
        if !literal.is_empty() {
            pieces.push(Piece::Text(std::mem::take(literal)));
        }
    };
    loop {
        let Some(i) = rest.find(['{', '}']) else {
            if let Some(arg) = section {
                return Err(error(
                    format!("the section `{{{arg}? ...` is never closed"),
                    format!("end it with `}}`, e.g. `{{{arg}? for {{{arg}}}}}`"),
                ));
            }
            literal.push_str(rest);
            flush(&mut literal, &mut pieces);
            return Ok((pieces, ""));
        };
        literal.push_str(&rest[..i]);
        let brace = &rest[i..];
        if let Some(after) = brace
            .strip_prefix("{{")
            .or_else(|| brace.strip_prefix("}}"))
        {
            literal.push_str(&brace[..1]);
            rest = after;
        } else if let Some(after) = brace.strip_prefix('}') {
            if section.is_none() {
                return Err(error("a `}` has no matching `{`", BRACES_HELP));
            }
            flush(&mut literal, &mut pieces);
            return Ok((pieces, after));
        } else {
            let after = &brace[1..];
            // The name runs to `}`, to a `{`, or to a `?` before a space,
            // which opens a section.
            let end = after
                .char_indices()
                .find(|&(j, c)| {
                    c == '}'
                        || c == '{'
                        || (c == '?' && after[j + 1..].starts_with(char::is_whitespace))
                })
                .map(|(j, _)| j);
            let Some(end) = end else {
                return Err(error("a `{` is never closed", BRACES_HELP));
            };
            let name = &after[..end];
            match after[end..].chars().next() {
                Some('}') if !name.is_empty() => {
                    flush(&mut literal, &mut pieces);
                    pieces.push(Piece::Arg(name));
                    rest = &after[end + 1..];
                }
                Some('?') if !name.is_empty() => {
                    if let Some(outer) = section {
                        return Err(error(
                            format!(
                                "the section `{{{name}? ...}}` is inside the section `{{{outer}? ...}}`"
                            ),
                            "sections cannot nest; close the first one before the next",
                        ));
                    }
                    flush(&mut literal, &mut pieces);
                    let (body, after) = read(&after[end + 1..], Some(name))?;
                    pieces.push(Piece::Section { arg: name, body });
                    rest = after;
                }
                _ => {
                    return Err(error(
                        format!("`{{{name}` is not a placeholder"),
                        "write `{argument}` for an argument, `{argument? text}` for text shown only when an optional argument is given, and `{{` and `}}` for literal braces",
                    ));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_placeholders_sections_and_escapes() {
        assert_eq!(
            parse("About {topic}, {{literally}}.").unwrap(),
            vec![
                Piece::Text("About ".into()),
                Piece::Arg("topic"),
                Piece::Text(", {literally}.".into())
            ]
        );
        assert_eq!(
            parse("Notes{days? from the last {days} days, {{all}}}.").unwrap(),
            vec![
                Piece::Text("Notes".into()),
                Piece::Section {
                    arg: "days",
                    body: vec![
                        Piece::Text(" from the last ".into()),
                        Piece::Arg("days"),
                        Piece::Text(" days, {all}".into()),
                    ]
                },
                Piece::Text(".".into())
            ]
        );
        // `?` not followed by a space is part of a name, as before.
        assert_eq!(parse("{why?}").unwrap(), vec![Piece::Arg("why?")]);
        assert_eq!(
            parse("{{x? y}}").unwrap(),
            vec![Piece::Text("{x? y}".into())]
        );
    }

    #[test]
    fn refuses_broken_text() {
        for (text, message) in [
            ("open { brace", "never closed"),
            ("close } brace", "no matching"),
            ("{a? unclosed", "never closed"),
            ("{a? {b? nested}}", "inside the section"),
            ("{a? text}}", "never closed"),
            ("{}", "not a placeholder"),
            ("{a{b}", "not a placeholder"),
        ] {
            let error = parse(text).unwrap_err();
            assert!(error.message.contains(message), "{text}: {error:?}");
        }
    }
}
