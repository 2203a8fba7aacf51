//! Finds where a path into a YAML document sits in its source text.

use crate::diagnostic::Path;

/// A place in the source: 1-based line and column, and a length in characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub line: usize,
    pub column: usize,
    pub len: usize,
}

pub struct SourceMap {}

impl SourceMap {
    pub fn new(_source: &str) -> Self {
        Self {}
    }

    pub fn locate(&self, _path: &Path) -> Option<Span> {
        None
    }
}
