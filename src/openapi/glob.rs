//! Path globs for the import's filters: `*` matches within one path
//! segment, `**` across segments, anything else itself.

/// Whether `path` matches `glob`.
pub fn matches(glob: &str, path: &str) -> bool {
    let glob = glob.as_bytes();
    let path = path.as_bytes();
    // Dynamic programming over (glob position, path position): no
    // backtracking, so no hostile glob takes long.
    let mut reach = vec![false; path.len() + 1];
    reach[0] = true;
    let mut i = 0;
    while i < glob.len() {
        let mut next = vec![false; path.len() + 1];
        if glob[i] == b'*' {
            let any = glob.get(i + 1) == Some(&b'*');
            let mut on = false;
            for j in 0..=path.len() {
                on = on || reach[j];
                next[j] = on;
                if j < path.len() && !any && path[j] == b'/' {
                    on = false;
                }
            }
            i += if any { 2 } else { 1 };
        } else {
            for j in 0..path.len() {
                next[j + 1] = reach[j] && path[j] == glob[i];
            }
            i += 1;
        }
        reach = next;
    }
    reach[path.len()]
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn stars_match_within_a_segment_and_double_stars_across() {
        assert!(matches("/pets", "/pets"));
        assert!(!matches("/pets", "/pets/1"));
        assert!(matches("/pets/*", "/pets/{petId}"));
        assert!(!matches("/pets/*", "/pets/1/photos"));
        assert!(matches("/pets/**", "/pets/1/photos"));
        assert!(matches("/repos/*/*/issues", "/repos/{owner}/{repo}/issues"));
        assert!(matches("**", "/anything/at/all"));
        assert!(!matches("/a*", "/b"));
        assert!(matches(&"*".repeat(200), "/x"));
    }
}
