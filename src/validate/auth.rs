//! The `auth` section and the `scopes` that items require.

use super::Validator;
use crate::{
    diagnostic::{Path, did_you_mean},
    spec::Spec,
};

/// Whether `scope` is an RFC 6749 scope token: printable ASCII without
/// spaces, `"` or `\`.
fn is_scope_token(scope: &str) -> bool {
    !scope.is_empty()
        && scope
            .bytes()
            .all(|b| b == 0x21 || (0x23..=0x5b).contains(&b) || (0x5d..=0x7e).contains(&b))
}

/// Why `url` cannot name an issuer or a resource, if it cannot: it must be
/// an absolute `https://` URL (`http://` only on loopback, for trying
/// things out) without a fragment, and, for an issuer, without a query.
pub(super) fn url_problem(url: &str, query_allowed: bool) -> Option<&'static str> {
    let rest = if let Some(rest) = url.strip_prefix("https://") {
        rest
    } else if let Some(rest) = url.strip_prefix("http://") {
        let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
        let host = host.rsplit_once(':').map_or(host, |(host, _)| host);
        if !matches!(host, "localhost" | "127.0.0.1" | "[::1]") {
            return Some("it must start with `https://` (`http://` only for localhost)");
        }
        rest
    } else {
        return Some("it must start with `https://`");
    };
    if rest.is_empty() || rest.starts_with(['/', '?', '#']) {
        return Some("it names no host");
    }
    if url.contains('#') {
        return Some("it must not have a fragment (`#...`)");
    }
    if !query_allowed && url.contains('?') {
        return Some("it must not have a query (`?...`)");
    }
    if url
        .bytes()
        .any(|b| b.is_ascii_whitespace() || b.is_ascii_control() || b == b'"')
    {
        return Some("it must not contain spaces, quotes or control characters");
    }
    None
}

impl Validator {
    /// The `auth` section, and the `scopes` of tools, resources, resource
    /// templates and prompts.
    pub(super) fn auth(&mut self, spec: &Spec) {
        let known: Vec<&str> = spec
            .auth
            .iter()
            .flat_map(|auth| auth.scopes.iter().map(String::as_str))
            .collect();
        if let Some(auth) = &spec.auth {
            let path = Path::root().key("auth");
            if !spec.server.http {
                self.error(
                    path.clone(),
                    "`auth` protects the HTTP transport, but `server.http` is false",
                    "remove `auth`, or set `server.http: true`",
                );
            }
            for (i, issuer) in auth.issuers.iter().enumerate() {
                if let Some(problem) = url_problem(issuer, false) {
                    self.error(
                        path.key("issuers").index(i),
                        format!("`{issuer}` is not an issuer URL: {problem}"),
                        "give the authorization server's issuer, as its metadata states it, e.g. `https://login.example.com`",
                    );
                }
                if auth.issuers[..i].contains(issuer) {
                    self.error(
                        path.key("issuers").index(i),
                        format!("the issuer `{issuer}` is listed twice"),
                        "list each issuer once",
                    );
                }
            }
            if let Some(resource) = &auth.resource
                && let Some(problem) = url_problem(resource, true)
            {
                self.error(
                    path.key("resource"),
                    format!("`{resource}` is not a resource URL: {problem}"),
                    "give the URL that clients reach the server at, e.g. `https://notes.example.com/mcp`",
                );
            }
            for (i, scope) in auth.scopes.iter().enumerate() {
                if !is_scope_token(scope) {
                    self.error(
                        path.key("scopes").index(i),
                        format!("`{scope}` is not a valid OAuth scope"),
                        "use printable ASCII without spaces, `\"` or `\\`, e.g. `notes:read`",
                    );
                } else if auth.scopes[..i].contains(scope) {
                    self.error(
                        path.key("scopes").index(i),
                        format!("the scope `{scope}` is listed twice"),
                        "list each scope once",
                    );
                }
            }
        }
        let items = spec
            .tools
            .iter()
            .enumerate()
            .map(|(i, item)| (Path::root().key("tools").index(i), &item.scopes))
            .chain(
                spec.resources
                    .iter()
                    .enumerate()
                    .map(|(i, item)| (Path::root().key("resources").index(i), &item.scopes)),
            )
            .chain(spec.resource_templates.iter().enumerate().map(|(i, item)| {
                (
                    Path::root().key("resource_templates").index(i),
                    &item.scopes,
                )
            }))
            .chain(
                spec.prompts
                    .iter()
                    .enumerate()
                    .map(|(i, item)| (Path::root().key("prompts").index(i), &item.scopes)),
            );
        for (path, scopes) in items {
            if spec.auth.is_none() {
                if !scopes.is_empty() {
                    self.error(
                        path.key("scopes"),
                        "`scopes` needs an `auth` section",
                        "add `auth:` with the issuers and the `scopes` the server knows",
                    );
                }
                continue;
            }
            for (i, scope) in scopes.iter().enumerate() {
                if !known.contains(&scope.as_str()) {
                    let help = match did_you_mean(scope, known.iter().copied()) {
                        Some(near) => format!("did you mean `{near}`?"),
                        None => "add it to `auth.scopes`".to_owned(),
                    };
                    self.error(
                        path.key("scopes").index(i),
                        format!("the scope `{scope}` is not in `auth.scopes`"),
                        help,
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issuer_and_resource_urls() {
        assert_eq!(url_problem("https://login.example.com", false), None);
        assert_eq!(url_problem("http://127.0.0.1:8080/mcp", true), None);
        assert!(url_problem("http://login.example.com", false).is_some());
        assert!(url_problem("https://", false).is_some());
        assert!(url_problem("https://a.example/x#y", true).is_some());
        assert!(url_problem("https://a.example/?q", false).is_some());
        assert_eq!(url_problem("https://a.example/?q", true), None);
        assert!(url_problem("ftp://a.example", true).is_some());
    }

    #[test]
    fn scope_tokens() {
        assert!(is_scope_token("notes:read"));
        assert!(!is_scope_token("notes read"));
        assert!(!is_scope_token(""));
        assert!(!is_scope_token("a\"b"));
    }
}
