//! Finds where a path into a YAML document sits in its source text.
//!
//! [`SourceMap::new`] runs a small indexer over the text: one linear pass
//! that records, for every mapping entry and sequence element, where its key
//! and its value start. It understands what specs use: block and flow
//! collections, plain, quoted and block (`|`, `>`) scalars, comments,
//! anchors, aliases and merge keys (`<<`), tags, directives, a leading `---`
//! and a byte order mark. Only the first document of a stream is indexed.
//!
//! It is not a validating parser, and it never panics: text that it cannot
//! make sense of (invalid YAML, or nesting deeper than `MAX_DEPTH`) gives an
//! empty map, whose lookups all return `None`. Keys that are not scalars
//! (collections, aliases, multi-line `?` keys) are indexed but cannot be
//! named by a path.

use std::{borrow::Cow, collections::HashMap};

use crate::diagnostic::{Path, Segment};

/// A place in the source: 1-based line and column, and a length in characters.
///
/// A span never runs past the end of its line: for a scalar that spans
/// several lines it covers the scalar's first line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub line: usize,
    pub column: usize,
    pub len: usize,
}

/// How deeply collections may nest before the indexer gives up.
const MAX_DEPTH: usize = 128;
/// How many aliases a lookup follows in a row, and how many merged
/// mappings (`<<`) it looks into for one key.
const MAX_HOPS: usize = 64;

/// Where each node of a YAML document sits in its source text.
#[derive(Debug, Clone, Default)]
pub struct SourceMap {
    nodes: Vec<Node>,
    root: Option<NodeId>,
}

type NodeId = usize;

#[derive(Debug, Clone)]
struct Node {
    /// The node's first token: a scalar's text, an alias, the first key of a
    /// block mapping, the first `-` of a block sequence, a whole flow
    /// collection (or its opening bracket when it spans several lines). An
    /// empty value has the span of its key or of its `-`.
    span: Span,
    kind: Kind,
}

#[derive(Debug, Clone)]
enum Kind {
    Scalar,
    /// An alias, with the node its anchor names (if that anchor came first).
    Alias(Option<NodeId>),
    Mapping(Vec<Entry>),
    Sequence(Vec<NodeId>),
}

#[derive(Debug, Clone)]
struct Entry {
    /// The key's text, or `None` for a key that is not a scalar.
    key: Option<String>,
    key_span: Span,
    value: NodeId,
}

/// The last step of a path that could be followed.
#[derive(Debug, Clone, Copy)]
enum Step {
    Root(NodeId),
    Entry { key_span: Span, value: NodeId },
    Element(NodeId),
}

impl SourceMap {
    /// Indexes `source`; never fails, but an unreadable document gives an
    /// empty map.
    pub fn new(source: &str) -> Self {
        Parser::new(source).parse().unwrap_or_default()
    }

    /// Where the value at `path` sits: a scalar value itself, or the key of
    /// a mapping or sequence value, or a sequence element's first token. A
    /// path that does not exist falls back to its longest existing prefix.
    pub fn locate(&self, path: &Path) -> Option<Span> {
        let (step, _) = self.walk(path)?;
        self.step_span(step)
    }

    /// Where the key that ends `path` sits, e.g. an unknown key. Falls back
    /// like [`SourceMap::locate`] when `path` does not exist or ends in an
    /// index.
    pub fn locate_key(&self, path: &Path) -> Option<Span> {
        match self.walk(path)? {
            (Step::Entry { key_span, .. }, true) => Some(key_span),
            (step, _) => self.step_span(step),
        }
    }

    fn step_span(&self, step: Step) -> Option<Span> {
        match step {
            Step::Root(id) | Step::Element(id) => Some(self.nodes.get(id)?.span),
            Step::Entry { key_span, value } => {
                let node = self.nodes.get(value)?;
                Some(match node.kind {
                    Kind::Scalar | Kind::Alias(_) => node.span,
                    Kind::Mapping(_) | Kind::Sequence(_) => key_span,
                })
            }
        }
    }

    /// Follows `path` as far as it goes: the last step taken, and whether
    /// that was the whole path.
    fn walk(&self, path: &Path) -> Option<(Step, bool)> {
        let mut step = Step::Root(self.root?);
        for segment in &path.0 {
            let node = match step {
                Step::Root(id) | Step::Element(id) | Step::Entry { value: id, .. } => id,
            };
            let next = self
                .deref(node)
                .and_then(|id| match (segment, &self.nodes[id].kind) {
                    (Segment::Key(key), Kind::Mapping(_)) => self
                        .find_entry(id, key, &mut { MAX_HOPS })
                        .map(|entry| Step::Entry {
                            key_span: entry.key_span,
                            value: entry.value,
                        }),
                    (Segment::Index(index), Kind::Sequence(items)) => {
                        items.get(*index).map(|&id| Step::Element(id))
                    }
                    _ => None,
                });
            match next {
                Some(next) => step = next,
                None => return Some((step, false)),
            }
        }
        Some((step, true))
    }

    /// The node an alias stands for, or the node itself; `None` for an
    /// alias whose anchor is unknown.
    fn deref(&self, mut id: NodeId) -> Option<NodeId> {
        for _ in 0..MAX_HOPS {
            match self.nodes.get(id)?.kind {
                Kind::Alias(Some(target)) => id = target,
                Kind::Alias(None) => return None,
                _ => return Some(id),
            }
        }
        None
    }

    /// The entry for `key` in the mapping `id`, looking into merged
    /// mappings (`<<: *base`) when the mapping has no such key itself, as
    /// long as `budget` lasts.
    fn find_entry(&self, id: NodeId, key: &str, budget: &mut usize) -> Option<&Entry> {
        let Kind::Mapping(entries) = &self.nodes.get(id)?.kind else {
            return None;
        };
        if let Some(entry) = entries.iter().find(|e| e.key.as_deref() == Some(key)) {
            return Some(entry);
        }
        for merge in entries.iter().filter(|e| e.key.as_deref() == Some("<<")) {
            let Some(source) = self.deref(merge.value) else {
                continue;
            };
            let sources = match &self.nodes[source].kind {
                Kind::Sequence(items) => items.clone(),
                _ => vec![source],
            };
            for source in sources.into_iter().filter_map(|item| self.deref(item)) {
                *budget = budget.checked_sub(1)?;
                if let Some(entry) = self.find_entry(source, key, budget) {
                    return Some(entry);
                }
            }
        }
        None
    }
}

/// The text is not YAML that the indexer understands.
#[derive(Debug)]
struct Invalid;

type Parsed<T> = Result<T, Invalid>;

/// A position in the source: byte offset, 1-based line, 0-based column in
/// characters.
#[derive(Debug, Clone, Copy)]
struct Mark {
    pos: usize,
    line: usize,
    col: usize,
}

/// What introduced a block node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ctx {
    /// The start of the document, or `---`.
    Document,
    /// `key:`
    MapValue,
    /// `-`
    SeqEntry,
    /// `?` or the `:` after it.
    Explicit,
}

/// A scalar, alias or flow collection, before it is known whether it is a
/// key or a value.
struct Token<'a> {
    kind: TokenKind<'a>,
    span: Span,
    /// The scalar's value, for use as a key.
    text: Option<Cow<'a, str>>,
}

enum TokenKind<'a> {
    Plain,
    Quoted,
    Alias(&'a str),
    /// A flow collection, already added to the map.
    Node(NodeId),
    /// Nothing: an empty value after properties.
    Empty,
}

fn is_blank(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r')
}

fn is_blank_or_end(b: Option<u8>) -> bool {
    matches!(b, None | Some(b' ' | b'\t' | b'\r' | b'\n'))
}

fn is_flow_indicator(b: u8) -> bool {
    matches!(b, b',' | b'[' | b']' | b'{' | b'}')
}

/// A recursive-descent indexer. Every block-level method leaves the parser
/// at the first token of the next line that has content (or at the end),
/// so that [`Parser::indent`] tells which collection the line belongs to.
struct Parser<'a> {
    text: &'a str,
    src: &'a [u8],
    pos: usize,
    line: usize,
    col: usize,
    depth: usize,
    nodes: Vec<Node>,
    anchors: HashMap<&'a str, NodeId>,
}

impl<'a> Parser<'a> {
    fn new(text: &'a str) -> Self {
        Parser {
            text,
            src: text.as_bytes(),
            pos: if text.starts_with('\u{feff}') { 3 } else { 0 },
            line: 1,
            col: 0,
            depth: 0,
            nodes: Vec::new(),
            anchors: HashMap::new(),
        }
    }

    fn parse(mut self) -> Parsed<SourceMap> {
        loop {
            self.skip_to_content();
            if self.col == 0 && self.peek() == Some(b'%') {
                self.skip_line_rest(); // a directive
            } else {
                break;
            }
        }
        let root = if self.at_document_marker() && self.peek() == Some(b'-') {
            let start = self.mark();
            for _ in 0..3 {
                self.bump();
            }
            let marker = self.span_to(start, self.mark());
            Some(self.block_node(-1, Ctx::Document, marker)?)
        } else if self.indent() < 0 {
            None // no content, or a `...` marker
        } else {
            let here = self.span_to(self.mark(), self.mark());
            Some(self.block_node(-1, Ctx::Document, here)?)
        };
        // Only the end or another document may follow.
        if self.indent() >= 0 {
            return Err(Invalid);
        }
        Ok(SourceMap {
            nodes: self.nodes,
            root,
        })
    }

    // Reading the source.

    fn peek(&self) -> Option<u8> {
        self.src.get(self.pos).copied()
    }

    fn peek_at(&self, ahead: usize) -> Option<u8> {
        self.src.get(self.pos + ahead).copied()
    }

    fn bump(&mut self) {
        if let Some(b) = self.peek() {
            self.pos += 1;
            if b == b'\n' {
                self.line += 1;
                self.col = 0;
            } else if b & 0xC0 != 0x80 {
                // Count characters, not UTF-8 continuation bytes.
                self.col += 1;
            }
        }
    }

    fn mark(&self) -> Mark {
        Mark {
            pos: self.pos,
            line: self.line,
            col: self.col,
        }
    }

    /// The span from `start` to `end`, which must be on the same line.
    fn span_to(&self, start: Mark, end: Mark) -> Span {
        Span {
            line: start.line,
            column: start.col + 1,
            len: if end.line == start.line {
                end.col.saturating_sub(start.col)
            } else {
                0
            },
        }
    }

    /// The mark just after the last non-blank character before the current
    /// position, on the current line.
    fn trimmed_mark(&self) -> Mark {
        let before = self.src.get(..self.pos).unwrap_or_default();
        let trailing = before.iter().rev().take_while(|&&b| is_blank(b)).count();
        Mark {
            pos: self.pos - trailing,
            line: self.line,
            col: self.col.saturating_sub(trailing),
        }
    }

    fn slice(&self, start: usize, end: usize) -> &'a str {
        self.text.get(start..end).unwrap_or_default()
    }

    fn push(&mut self, span: Span, kind: Kind) -> NodeId {
        self.nodes.push(Node { span, kind });
        self.nodes.len() - 1
    }

    fn set_anchor(&mut self, anchor: Option<&'a str>, id: NodeId) -> NodeId {
        if let Some(anchor) = anchor {
            self.anchors.insert(anchor, id);
        }
        id
    }

    fn enter(&mut self) -> Parsed<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            Err(Invalid)
        } else {
            Ok(())
        }
    }

    // Whitespace, comments and lines.

    fn at_eol(&self) -> bool {
        matches!(self.peek(), None | Some(b'\n'))
    }

    /// `c` followed by a blank or the end of the line.
    fn at_indicator(&self, c: u8) -> bool {
        self.peek() == Some(c) && is_blank_or_end(self.peek_at(1))
    }

    /// A `#` that starts a comment inside a plain scalar: one after a
    /// blank. Between tokens, any `#` starts a comment.
    fn at_comment(&self) -> bool {
        self.peek() == Some(b'#')
            && (self.col == 0
                || matches!(
                    self.pos.checked_sub(1).and_then(|p| self.src.get(p)),
                    Some(b' ' | b'\t' | b'\r' | b'\n')
                ))
    }

    fn at_document_marker(&self) -> bool {
        self.col == 0
            && matches!(self.src.get(self.pos..self.pos + 3), Some(b"---" | b"..."))
            && is_blank_or_end(self.peek_at(3))
    }

    /// The indentation of the line the parser is at the content of; -1 at
    /// the end of the document.
    fn indent(&self) -> i64 {
        if self.peek().is_none() || self.at_document_marker() {
            -1
        } else {
            i64::try_from(self.col).unwrap_or(i64::MAX)
        }
    }

    fn skip_blanks(&mut self) {
        while self.peek().is_some_and(is_blank) {
            self.bump();
        }
    }

    fn skip_line_rest(&mut self) {
        while !self.at_eol() {
            self.bump();
        }
    }

    /// Skips blanks, comments and line breaks.
    fn skip_to_content(&mut self) {
        loop {
            self.skip_blanks();
            if self.peek() == Some(b'#') {
                self.skip_line_rest();
            }
            if self.peek() == Some(b'\n') {
                self.bump();
            } else {
                break;
            }
        }
    }

    /// After a token: the rest of the line must be blank or a comment.
    fn end_line(&mut self) -> Parsed<()> {
        self.skip_blanks();
        if self.peek() == Some(b'#') {
            self.skip_line_rest();
        }
        if self.at_eol() { Ok(()) } else { Err(Invalid) }
    }

    /// Skips anchors (remembering the last) and tags.
    fn properties(&mut self, anchor: &mut Option<&'a str>) -> Parsed<()> {
        loop {
            match self.peek() {
                Some(b'&') => {
                    self.bump();
                    *anchor = Some(self.name()?);
                }
                Some(b'!') => {
                    while !is_blank_or_end(self.peek())
                        && !self.peek().is_some_and(is_flow_indicator)
                    {
                        self.bump();
                    }
                }
                _ => return Ok(()),
            }
            self.skip_blanks();
        }
    }

    /// An anchor or alias name: letters, digits, `-` and `_`, as libyaml
    /// (which serde_yaml uses) reads them.
    fn name(&mut self) -> Parsed<&'a str> {
        let start = self.pos;
        while self
            .peek()
            .is_some_and(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            self.bump();
        }
        if self.pos == start {
            return Err(Invalid);
        }
        Ok(self.slice(start, self.pos))
    }

    // Block context.

    /// The node after `indicator` (`key:`, `-` or `---`), on the same line
    /// or on the lines below that are indented more than `parent`.
    fn block_node(&mut self, parent: i64, ctx: Ctx, indicator: Span) -> Parsed<NodeId> {
        self.enter()?;
        let node = self.block_node_inner(parent, ctx, indicator);
        self.depth -= 1;
        node
    }

    fn block_node_inner(&mut self, parent: i64, ctx: Ctx, indicator: Span) -> Parsed<NodeId> {
        // The node's anchor, from a line of properties alone.
        let mut anchor = None;
        // Only `-`, `?` and `---` may be followed by a collection on the same
        // line.
        let mut compact = ctx != Ctx::MapValue;
        loop {
            self.skip_blanks();
            let start = self.col;
            let mut inline = None;
            self.properties(&mut inline)?;
            if !self.at_eol() && self.peek() != Some(b'#') {
                let (id, keyed) = self.node_here(parent, compact, start)?;
                // Properties just before an implicit key are the key's.
                let anchor = if keyed { anchor } else { inline.or(anchor) };
                return Ok(self.set_anchor(anchor, id));
            }
            anchor = inline.or(anchor);
            self.skip_to_content();
            let indent = self.indent();
            // A mapping's value may be a sequence at the mapping's own indent.
            let same_indent_seq = matches!(ctx, Ctx::MapValue | Ctx::Explicit)
                && indent == parent
                && self.at_indicator(b'-');
            if indent <= parent && !same_indent_seq {
                let id = self.push(indicator, Kind::Scalar);
                return Ok(self.set_anchor(anchor, id));
            }
            compact = true;
        }
    }

    /// The node whose first token is at the current position; `start` is
    /// the column of its properties, if any. Also tells whether the node
    /// is a mapping that starts with an implicit key here.
    fn node_here(&mut self, parent: i64, compact: bool, start: usize) -> Parsed<(NodeId, bool)> {
        let column = i64::try_from(self.col).map_err(|_| Invalid)?;
        match self.peek() {
            Some(b'-') if is_blank_or_end(self.peek_at(1)) && compact => {
                Ok((self.block_sequence(column)?, false))
            }
            Some(b'?') if is_blank_or_end(self.peek_at(1)) && compact => {
                Ok((self.block_mapping(column, None)?, false))
            }
            Some(b'|' | b'>') => Ok((self.block_scalar(parent)?, false)),
            _ if self.at_indicator(b'?') || self.at_indicator(b'-') => Err(Invalid),
            _ => {
                let token = self.block_token()?;
                self.skip_blanks();
                if !self.at_indicator(b':') {
                    return Ok((self.block_value(token, parent)?, false));
                }
                if !compact {
                    return Err(Invalid);
                }
                let indent = i64::try_from(start).map_err(|_| Invalid)?;
                Ok((self.block_mapping(indent, Some(token))?, true))
            }
        }
    }

    /// A scalar (its first line), an alias or a flow collection.
    fn block_token(&mut self) -> Parsed<Token<'a>> {
        match self.peek() {
            Some(b'"') => self.double_quoted(),
            Some(b'\'') => self.single_quoted(),
            Some(b'[' | b'{') => self.flow_collection_token(),
            Some(b'*') => self.alias(),
            _ => {
                let start = self.mark();
                let mut end = start;
                loop {
                    match self.peek() {
                        None | Some(b'\n') => break,
                        Some(b':') if is_blank_or_end(self.peek_at(1)) => break,
                        Some(b'#') if self.at_comment() => break,
                        Some(b) if is_blank(b) => self.bump(),
                        Some(_) => {
                            self.bump();
                            end = self.mark();
                        }
                    }
                }
                Ok(Token {
                    kind: TokenKind::Plain,
                    span: self.span_to(start, end),
                    text: Some(Cow::Borrowed(self.slice(start.pos, end.pos))),
                })
            }
        }
    }

    /// Turns a token into a node, in either context.
    fn token_node(&mut self, token: Token<'a>) -> NodeId {
        let kind = match token.kind {
            TokenKind::Node(id) => return id,
            TokenKind::Alias(name) => Kind::Alias(self.anchors.get(name).copied()),
            TokenKind::Plain | TokenKind::Quoted | TokenKind::Empty => Kind::Scalar,
        };
        self.push(token.span, kind)
    }

    /// Finishes a value token in block context, with the lines a plain
    /// scalar continues on.
    fn block_value(&mut self, token: Token<'a>, parent: i64) -> Parsed<NodeId> {
        if matches!(token.kind, TokenKind::Plain) {
            // Lines indented more than the parent continue the scalar, up to
            // a comment.
            while !self.at_comment() {
                while self.peek() == Some(b'\n') {
                    self.bump();
                    self.skip_blanks();
                }
                if self.at_comment() || self.indent() <= parent {
                    break;
                }
                while !self.at_eol() && !self.at_comment() {
                    self.bump();
                }
            }
        } else {
            self.end_line()?;
        }
        self.skip_to_content();
        Ok(self.token_node(token))
    }

    /// A block mapping at column `indent`; `first` is its first key if
    /// that has been read, and the parser is at the key's `:`.
    fn block_mapping(&mut self, indent: i64, first: Option<Token<'a>>) -> Parsed<NodeId> {
        let mut entries = Vec::new();
        let mut first = first;
        loop {
            let entry = match first.take() {
                Some(key) => self.implicit_entry(indent, key)?,
                None if self.at_indicator(b'?') => self.explicit_entry(indent)?,
                None => {
                    self.properties(&mut None)?;
                    let key = self.block_token()?;
                    self.skip_blanks();
                    if !self.at_indicator(b':') {
                        return Err(Invalid);
                    }
                    self.implicit_entry(indent, key)?
                }
            };
            entries.push(entry);
            let next = self.indent();
            if next < indent {
                break;
            }
            if next > indent || self.at_indicator(b'-') {
                return Err(Invalid);
            }
        }
        let span = entries.first().ok_or(Invalid)?.key_span;
        Ok(self.push(span, Kind::Mapping(entries)))
    }

    /// `key: value`, from the `:`.
    fn implicit_entry(&mut self, indent: i64, key: Token<'a>) -> Parsed<Entry> {
        self.bump(); // the `:`
        let value = self.block_node(indent, Ctx::MapValue, key.span)?;
        Ok(Entry {
            key: key.text.map(Cow::into_owned),
            key_span: key.span,
            value,
        })
    }

    /// `? key`, then maybe `: value` at the start of a later line. The key
    /// may be any node; only a scalar on the `?` line can be named by a path.
    fn explicit_entry(&mut self, indent: i64) -> Parsed<Entry> {
        let start = self.mark();
        self.bump(); // the `?`
        let mut key_span = self.span_to(start, self.mark());
        self.skip_blanks();
        let mut key = None;
        let scalar = !self.at_eol()
            && !matches!(
                self.peek(),
                Some(b'#' | b'[' | b'{' | b'*' | b'&' | b'!' | b'|' | b'>')
            )
            && ![b'-', b'?', b':'].iter().any(|&c| self.at_indicator(c));
        if scalar {
            let column = i64::try_from(self.col).map_err(|_| Invalid)?;
            let token = self.block_token()?;
            self.skip_blanks();
            if self.at_indicator(b':') {
                // A mapping as the key.
                self.block_mapping(column, Some(token))?;
            } else {
                key_span = token.span;
                key = token.text.clone().map(Cow::into_owned);
                self.block_value(token, indent)?;
            }
        } else {
            self.block_node(indent, Ctx::Explicit, key_span)?;
        }
        let value = if self.indent() == indent && self.at_indicator(b':') {
            self.bump();
            self.block_node(indent, Ctx::Explicit, key_span)?
        } else {
            self.push(key_span, Kind::Scalar)
        };
        Ok(Entry {
            key,
            key_span,
            value,
        })
    }

    /// A block sequence whose `-` are at column `indent`.
    fn block_sequence(&mut self, indent: i64) -> Parsed<NodeId> {
        let mut items = Vec::new();
        let mut first = None;
        loop {
            let start = self.mark();
            self.bump(); // the `-`
            let dash = self.span_to(start, self.mark());
            first.get_or_insert(dash);
            items.push(self.block_node(indent, Ctx::SeqEntry, dash)?);
            let next = self.indent();
            if next > indent {
                return Err(Invalid);
            }
            if next < indent || !self.at_indicator(b'-') {
                break;
            }
        }
        let span = first.ok_or(Invalid)?;
        Ok(self.push(span, Kind::Sequence(items)))
    }

    /// A `|` or `>` scalar whose lines are indented more than `parent`.
    fn block_scalar(&mut self, parent: i64) -> Parsed<NodeId> {
        let start = self.mark();
        self.bump();
        let mut explicit = None;
        for _ in 0..2 {
            match self.peek() {
                Some(digit @ b'1'..=b'9') => {
                    explicit = Some(usize::from(digit - b'0'));
                    self.bump();
                }
                Some(b'+' | b'-') => self.bump(),
                _ => break,
            }
        }
        let mut span = self.span_to(start, self.mark());
        self.end_line()?;
        let parent_col = usize::try_from(parent).ok();
        let mut content_indent = explicit.map(|n| parent_col.map_or(n, |p| p + n));
        let mut first_line = true;
        while self.peek() == Some(b'\n') {
            let line = self.src.get(self.pos + 1..).unwrap_or_default();
            let spaces = line.iter().take_while(|&&b| b == b' ').count();
            let rest = &line[spaces..];
            let blank = rest
                .iter()
                .take_while(|&&b| b != b'\n')
                .all(|&b| is_blank(b));
            if !blank {
                let indent = *content_indent.get_or_insert(spaces);
                let marker = spaces == 0
                    && matches!(rest.get(..3), Some(b"---" | b"..."))
                    && matches!(rest.get(3), None | Some(b' ' | b'\t' | b'\r' | b'\n'));
                if spaces < indent || parent_col.is_some_and(|p| spaces <= p) || marker {
                    break;
                }
            }
            self.bump(); // the line break
            if !blank && first_line {
                first_line = false;
                self.skip_blanks();
                let text_start = self.mark();
                self.skip_line_rest();
                span = self.span_to(text_start, self.trimmed_mark());
            } else {
                self.skip_line_rest();
            }
        }
        self.skip_to_content();
        Ok(self.push(span, Kind::Scalar))
    }

    // Scalars and aliases, in either context.

    fn alias(&mut self) -> Parsed<Token<'a>> {
        let start = self.mark();
        self.bump(); // the `*`
        let name = self.name()?;
        Ok(Token {
            kind: TokenKind::Alias(name),
            span: self.span_to(start, self.mark()),
            text: None,
        })
    }

    /// Folds a line break inside a quoted scalar into `text`.
    fn fold_line_break(&mut self, text: &mut String) {
        let kept = text.trim_end_matches([' ', '\t', '\r']).len();
        text.truncate(kept);
        let mut breaks = 0usize;
        while self.peek() == Some(b'\n') {
            self.bump();
            self.skip_blanks();
            breaks += 1;
        }
        if breaks == 1 {
            text.push(' ');
        } else {
            text.extend(std::iter::repeat_n('\n', breaks.saturating_sub(1)));
        }
    }

    fn double_quoted(&mut self) -> Parsed<Token<'a>> {
        let start = self.mark();
        self.bump(); // the `"`
        let mut text = String::new();
        let mut first_line_end = None;
        let mut run = self.pos;
        loop {
            match self.peek() {
                None => return Err(Invalid),
                Some(b'"') => {
                    text.push_str(self.slice(run, self.pos));
                    self.bump();
                    break;
                }
                Some(b'\n') => {
                    text.push_str(self.slice(run, self.pos));
                    first_line_end.get_or_insert(self.trimmed_mark());
                    self.fold_line_break(&mut text);
                    run = self.pos;
                }
                Some(b'\\') => {
                    text.push_str(self.slice(run, self.pos));
                    self.bump();
                    self.escape(&mut text, &mut first_line_end);
                    run = self.pos;
                }
                Some(_) => self.bump(),
            }
        }
        let end = first_line_end.unwrap_or_else(|| self.mark());
        Ok(Token {
            kind: TokenKind::Quoted,
            span: self.span_to(start, end),
            text: Some(Cow::Owned(text)),
        })
    }

    /// Decodes the escape after a `\` in a double-quoted scalar.
    fn escape(&mut self, text: &mut String, first_line_end: &mut Option<Mark>) {
        let Some(c) = self.peek() else { return };
        let decoded = match c {
            b'0' => Some('\0'),
            b'a' => Some('\u{7}'),
            b'b' => Some('\u{8}'),
            b't' | b'\t' => Some('\t'),
            b'n' => Some('\n'),
            b'v' => Some('\u{b}'),
            b'f' => Some('\u{c}'),
            b'r' => Some('\r'),
            b'e' => Some('\u{1b}'),
            b'N' => Some('\u{85}'),
            b'_' => Some('\u{a0}'),
            b'L' => Some('\u{2028}'),
            b'P' => Some('\u{2029}'),
            b' ' | b'"' | b'/' | b'\\' => Some(char::from(c)),
            b'\n' => {
                // An escaped line break joins the lines.
                first_line_end.get_or_insert(self.mark());
                self.bump();
                self.skip_blanks();
                return;
            }
            b'x' | b'u' | b'U' => {
                let digits = match c {
                    b'x' => 2,
                    b'u' => 4,
                    _ => 8,
                };
                self.bump();
                let hex = self
                    .src
                    .get(self.pos..self.pos + digits)
                    .unwrap_or_default();
                let code = std::str::from_utf8(hex)
                    .ok()
                    .filter(|h| h.len() == digits && h.bytes().all(|b| b.is_ascii_hexdigit()))
                    .and_then(|h| u32::from_str_radix(h, 16).ok());
                if let Some(code) = code {
                    text.push(char::from_u32(code).unwrap_or('\u{fffd}'));
                    for _ in 0..digits {
                        self.bump();
                    }
                }
                return;
            }
            _ => None,
        };
        match decoded {
            Some(decoded) => {
                text.push(decoded);
                self.bump();
            }
            // Not an escape YAML knows: keep the backslash.
            None => text.push('\\'),
        }
    }

    fn single_quoted(&mut self) -> Parsed<Token<'a>> {
        let start = self.mark();
        self.bump(); // the `'`
        let mut text = String::new();
        let mut first_line_end = None;
        let mut run = self.pos;
        loop {
            match self.peek() {
                None => return Err(Invalid),
                Some(b'\'') => {
                    text.push_str(self.slice(run, self.pos));
                    self.bump();
                    if self.peek() != Some(b'\'') {
                        break;
                    }
                    run = self.pos; // `''` is a quote
                    self.bump();
                }
                Some(b'\n') => {
                    text.push_str(self.slice(run, self.pos));
                    first_line_end.get_or_insert(self.trimmed_mark());
                    self.fold_line_break(&mut text);
                    run = self.pos;
                }
                Some(_) => self.bump(),
            }
        }
        let end = first_line_end.unwrap_or_else(|| self.mark());
        Ok(Token {
            kind: TokenKind::Quoted,
            span: self.span_to(start, end),
            text: Some(Cow::Owned(text)),
        })
    }

    // Flow context.

    /// Skips blanks, line breaks and comments.
    fn skip_flow_space(&mut self) {
        loop {
            match self.peek() {
                Some(b' ' | b'\t' | b'\r' | b'\n') => self.bump(),
                Some(b'#') => self.skip_line_rest(),
                _ => break,
            }
        }
    }

    /// A flow token with its properties: a collection (added to the map),
    /// a scalar or an alias; and its anchor.
    fn flow_token(&mut self) -> Parsed<(Token<'a>, Option<&'a str>)> {
        let mut anchor = None;
        let start = self.mark();
        self.properties(&mut anchor)?;
        self.skip_flow_space();
        let token = match self.peek() {
            Some(b'[' | b'{') => self.flow_collection_token()?,
            Some(b'"') => self.double_quoted()?,
            Some(b'\'') => self.single_quoted()?,
            Some(b'*') => self.alias()?,
            Some(b',' | b']' | b'}') | None => Token {
                kind: TokenKind::Empty,
                span: self.span_to(start, start),
                text: None,
            },
            _ => self.plain_flow(),
        };
        Ok((token, anchor))
    }

    fn flow_node(&mut self) -> Parsed<NodeId> {
        let (token, anchor) = self.flow_token()?;
        let id = self.token_node(token);
        Ok(self.set_anchor(anchor, id))
    }

    /// A plain scalar in flow context; it may span several lines.
    fn plain_flow(&mut self) -> Token<'a> {
        let start = self.mark();
        let mut first_line_end = None;
        // Each line's text without surrounding blanks: (start, end) bytes.
        let mut lines: Vec<Option<(usize, usize)>> = Vec::new();
        let mut line: Option<(usize, usize)> = None;
        loop {
            match self.peek() {
                None => break,
                Some(b) if is_flow_indicator(b) => break,
                Some(b':')
                    if self
                        .peek_at(1)
                        .is_none_or(|b| is_blank_or_end(Some(b)) || is_flow_indicator(b)) =>
                {
                    break;
                }
                Some(b'#') if self.at_comment() => break,
                Some(b'\n') => {
                    first_line_end.get_or_insert(self.trimmed_mark());
                    lines.push(line.take());
                    self.bump();
                }
                Some(b) if is_blank(b) => self.bump(),
                Some(_) => {
                    let from = line.map_or(self.pos, |(from, _)| from);
                    self.bump();
                    line = Some((from, self.pos));
                }
            }
        }
        lines.push(line);
        while lines.len() > 1 && lines.last() == Some(&None) {
            lines.pop();
        }
        let end = first_line_end.unwrap_or_else(|| self.trimmed_mark());
        let text = match lines.as_slice() {
            [only] => Cow::Borrowed(only.map_or("", |(from, to)| self.slice(from, to))),
            _ => {
                // Fold the lines: one break is a space, more keep all but one.
                let mut text = String::new();
                let mut breaks = 0;
                for line in &lines {
                    match line {
                        None => breaks += 1,
                        Some((from, to)) => {
                            if !text.is_empty() {
                                text.push_str(if breaks == 0 { " " } else { "" });
                                text.extend(std::iter::repeat_n('\n', breaks));
                            }
                            text.push_str(self.slice(*from, *to));
                            breaks = 0;
                        }
                    }
                }
                Cow::Owned(text)
            }
        };
        Token {
            kind: TokenKind::Plain,
            span: self.span_to(start, end),
            text: Some(text),
        }
    }

    fn flow_collection_token(&mut self) -> Parsed<Token<'a>> {
        self.enter()?;
        let id = self.flow_collection();
        self.depth -= 1;
        let id = id?;
        Ok(Token {
            kind: TokenKind::Node(id),
            span: self.nodes[id].span,
            text: None,
        })
    }

    /// A `[...]` or `{...}` collection.
    fn flow_collection(&mut self) -> Parsed<NodeId> {
        let start = self.mark();
        let is_mapping = self.peek() == Some(b'{');
        let close = if is_mapping { b'}' } else { b']' };
        self.bump();
        let mut entries = Vec::new();
        let mut items = Vec::new();
        loop {
            self.skip_flow_space();
            if self.peek() == Some(close) {
                self.bump();
                break;
            }
            // In flow context libyaml reads any `?` as an explicit key.
            let explicit_key = self.peek() == Some(b'?');
            if explicit_key {
                self.bump();
                self.skip_flow_space();
            }
            let (token, anchor) = self.flow_token()?;
            self.skip_flow_space();
            if self.peek() == Some(b':') || is_mapping || explicit_key {
                // A key, with a value unless none follows.
                let key_span = token.span;
                // A collection as a key has no text: no path can name it.
                let key = token.text.map(Cow::into_owned);
                let value = if self.peek() == Some(b':') {
                    self.bump();
                    self.skip_flow_space();
                    if matches!(self.peek(), Some(b',' | b']' | b'}')) {
                        self.push(key_span, Kind::Scalar)
                    } else {
                        self.flow_node()?
                    }
                } else {
                    self.push(key_span, Kind::Scalar)
                };
                let entry = Entry {
                    key,
                    key_span,
                    value,
                };
                if is_mapping {
                    entries.push(entry);
                } else {
                    // `[a: 1]` is a sequence of one-entry mappings.
                    items.push(self.push(key_span, Kind::Mapping(vec![entry])));
                }
            } else {
                let id = self.token_node(token);
                items.push(self.set_anchor(anchor, id));
            }
            self.skip_flow_space();
            match self.peek() {
                Some(b',') => self.bump(),
                Some(c) if c == close => {
                    self.bump();
                    break;
                }
                _ => return Err(Invalid),
            }
        }
        let end = self.mark();
        let mut span = self.span_to(start, end);
        if end.line != start.line {
            span.len = 1; // just the opening bracket
        }
        let kind = if is_mapping {
            Kind::Mapping(entries)
        } else {
            Kind::Sequence(items)
        };
        Ok(self.push(span, kind))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Parses `tools[2].params[0].type` into a path.
    fn path(text: &str) -> Path {
        let mut path = Path::root();
        for part in text.split('.').filter(|p| !p.is_empty()) {
            let (key, indexes) = part.split_once('[').unwrap_or((part, ""));
            if !key.is_empty() {
                path = path.key(key);
            }
            for index in indexes.split('[').filter(|i| !i.is_empty()) {
                path = path.index(index.trim_end_matches(']').parse().unwrap());
            }
        }
        path
    }

    /// The line and the text that `span` underlines.
    fn shown(source: &str, span: Span) -> (usize, String) {
        let source = source.strip_prefix('\u{feff}').unwrap_or(source);
        let line = source.split('\n').nth(span.line - 1).unwrap();
        let text = line.chars().skip(span.column - 1).take(span.len).collect();
        (span.line, text)
    }

    fn at(source: &str, p: &str) -> Option<(usize, String)> {
        SourceMap::new(source)
            .locate(&path(p))
            .map(|span| shown(source, span))
    }

    fn key_at(source: &str, p: &str) -> Option<(usize, String)> {
        SourceMap::new(source)
            .locate_key(&path(p))
            .map(|span| shown(source, span))
    }

    fn found(line: usize, text: &str) -> Option<(usize, String)> {
        Some((line, text.to_string()))
    }

    const SPEC: &str = "\
# A notes server.
name: notes
version: 0.1.0
tools:
  - name: add_note
    description: Add a note
    params:
      - name: text
        type: string
  - name: list_notes
    description: >
      List all the notes,
      newest first.
    params: []
  - name: get_note
    params:
      - name: id
        type: strin   # a typo
        required: true
      - {name: format, type: string, enum: [text, html]}
";

    #[test]
    fn points_at_scalar_values() {
        assert_eq!(at(SPEC, "name"), found(2, "notes"));
        assert_eq!(at(SPEC, "version"), found(3, "0.1.0"));
        assert_eq!(at(SPEC, "tools[2].params[0].type"), found(18, "strin"));
        assert_eq!(at(SPEC, "tools[2].params[0].required"), found(19, "true"));
        assert_eq!(at(SPEC, "tools[0].description"), found(6, "Add a note"));
    }

    #[test]
    fn points_at_keys_of_collections() {
        assert_eq!(at(SPEC, "tools"), found(4, "tools"));
        assert_eq!(at(SPEC, "tools[0].params"), found(7, "params"));
        assert_eq!(at(SPEC, "tools[1].params"), found(14, "params"));
    }

    #[test]
    fn points_at_first_key_of_elements() {
        assert_eq!(at(SPEC, "tools[0]"), found(5, "name"));
        assert_eq!(at(SPEC, "tools[2].params[0]"), found(17, "name"));
        assert_eq!(at(SPEC, "tools[0].params[0]"), found(8, "name"));
    }

    #[test]
    fn points_at_root() {
        assert_eq!(at(SPEC, ""), found(2, "name"));
        assert_eq!(at("- a\n- b\n", ""), found(1, "-"));
        assert_eq!(at("just text\n", ""), found(1, "just text"));
    }

    #[test]
    fn points_into_flow_collections() {
        assert_eq!(
            at(SPEC, "tools[2].params[1]"),
            found(20, "{name: format, type: string, enum: [text, html]}")
        );
        assert_eq!(at(SPEC, "tools[2].params[1].type"), found(20, "string"));
        assert_eq!(at(SPEC, "tools[2].params[1].enum"), found(20, "enum"));
        assert_eq!(at(SPEC, "tools[2].params[1].enum[1]"), found(20, "html"));
        assert_eq!(key_at(SPEC, "tools[2].params[1].type"), found(20, "type"));
    }

    #[test]
    fn points_at_first_line_of_block_scalars() {
        assert_eq!(
            at(SPEC, "tools[1].description"),
            found(12, "List all the notes,")
        );
        let source = "a: |-\n\n    one\n      two\nb: >+2\n   three\nc: |\nd: 1\n";
        assert_eq!(at(source, "a"), found(3, "one"));
        assert_eq!(at(source, "b"), found(6, "three"));
        assert_eq!(at(source, "c"), found(7, "|"));
        assert_eq!(at(source, "d"), found(8, "1"));
        // A `#` inside a block scalar is text, not a comment.
        let source = "a: |\n  # not a comment\n  x: y\nb: 2\n";
        assert_eq!(at(source, "a"), found(2, "# not a comment"));
        assert_eq!(at(source, "b"), found(4, "2"));
        let source = "- |\n  text\n- >\n  more\n";
        assert_eq!(at(source, "[1]"), found(4, "more"));
        let source = "--- |\ntop level\n";
        assert_eq!(at(source, ""), found(2, "top level"));
    }

    #[test]
    fn missing_paths_fall_back_to_longest_prefix() {
        assert_eq!(at(SPEC, "tools[1].input"), found(10, "name"));
        assert_eq!(at(SPEC, "tools[1].params[0].type"), found(14, "params"));
        assert_eq!(at(SPEC, "tools[7].name"), found(4, "tools"));
        assert_eq!(at(SPEC, "tools[0].name.deeper"), found(5, "add_note"));
        assert_eq!(at(SPEC, "tools.name"), found(4, "tools"));
        assert_eq!(at(SPEC, "resources"), found(2, "name"));
        assert_eq!(key_at(SPEC, "tools[1].input"), found(10, "name"));
    }

    #[test]
    fn locate_key_points_at_keys() {
        assert_eq!(key_at(SPEC, "name"), found(2, "name"));
        assert_eq!(key_at(SPEC, "tools[2].params[0].type"), found(18, "type"));
        assert_eq!(key_at(SPEC, "tools[0].params"), found(7, "params"));
        assert_eq!(key_at(SPEC, "tools[0]"), found(5, "name"));
    }

    #[test]
    fn empty_values_point_at_their_key_or_dash() {
        let source = "a:\nb: ~\nc:   # nothing\nlist:\n  -\n  - x\n";
        assert_eq!(at(source, "a"), found(1, "a"));
        assert_eq!(at(source, "b"), found(2, "~"));
        assert_eq!(at(source, "c"), found(3, "c"));
        assert_eq!(at(source, "list[0]"), found(5, "-"));
        assert_eq!(at(source, "list[1]"), found(6, "x"));
    }

    #[test]
    fn flow_style_documents() {
        let source = "{a: 1, b: [x, y], c: {d: \"e\"}}";
        assert_eq!(at(source, "a"), found(1, "1"));
        assert_eq!(at(source, "b"), found(1, "b"));
        assert_eq!(at(source, "b[1]"), found(1, "y"));
        assert_eq!(at(source, "c.d"), found(1, "\"e\""));
        assert_eq!(at(source, ""), found(1, source));

        let json = "{\n  \"tools\": [\n    {\"name\": \"a\", \"params\": []},\n    \
                    {\"name\":\"b\",\"description\":\"B\"}\n  ]\n}\n";
        assert_eq!(at(json, "tools[1].description"), found(4, "\"B\""));
        assert_eq!(at(json, "tools[0].params"), found(3, "\"params\""));
        assert_eq!(
            at(json, "tools[1]"),
            found(4, "{\"name\":\"b\",\"description\":\"B\"}")
        );
        assert_eq!(at(json, "tools"), found(2, "\"tools\""));
        assert_eq!(at(json, ""), found(1, "{"));

        let source = "a: [x,\n  # a comment\n  y, {k: v,\n  w: z}]\nb: [p: q, [r]]\n";
        assert_eq!(at(source, "a[1]"), found(3, "y"));
        assert_eq!(at(source, "a[2].w"), found(4, "z"));
        assert_eq!(at(source, "a[2]"), found(3, "{"));
        assert_eq!(at(source, "b[0].p"), found(5, "q"));
        assert_eq!(at(source, "b[1][0]"), found(5, "r"));
        assert_eq!(at("[a, b, ]", "[1]"), found(1, "b"));
        assert_eq!(at("{a, b: }", "a"), found(1, "a"));
        assert_eq!(at("{a, b: }", "b"), found(1, "b"));
        assert_eq!(at("[a:b, c]", "[0]"), found(1, "a:b"));
        assert_eq!(at("[\"k\":v]", "[0].k"), found(1, "v"));
        assert_eq!(at("k: {? x : y}", "k.x"), found(1, "y"));
        assert_eq!(at("[a\n  b, c]", "[1]"), found(2, "c"));
    }

    #[test]
    fn quoted_keys_and_values() {
        let source = "\"ty\\\"pe\": 'it''s'\n'name': \"a # b\"\n\"x\\u0041\": 1\n\"a:b\": [\"c\\\\\"]\n\"\": empty\n";
        assert_eq!(at(source, "ty\"pe"), found(1, "'it''s'"));
        assert_eq!(at(source, "name"), found(2, "\"a # b\""));
        assert_eq!(at(source, "xA"), found(3, "1"));
        assert_eq!(at(source, "a:b[0]"), found(4, "\"c\\\\\""));
        assert_eq!(key_at(source, "name"), found(2, "'name'"));
        let source = "a: \"multi\n  line\"\nb: 'also\n\n  multi'\nc: 1\n";
        assert_eq!(at(source, "a"), found(1, "\"multi"));
        assert_eq!(at(source, "b"), found(3, "'also"));
        assert_eq!(at(source, "c"), found(6, "1"));
    }

    #[test]
    fn plain_scalars() {
        let source = "a: one two  # comment\nb: x#y:z, [w]\nc: long text\n  that goes on\n\n  and on\nd: -1\ne: ::x\n";
        assert_eq!(at(source, "a"), found(1, "one two"));
        assert_eq!(at(source, "b"), found(2, "x#y:z, [w]"));
        assert_eq!(at(source, "c"), found(3, "long text"));
        assert_eq!(at(source, "d"), found(7, "-1"));
        assert_eq!(at(source, "e"), found(8, "::x"));
        assert_eq!(at("key with spaces : v", "key with spaces"), found(1, "v"));
        assert_eq!(
            key_at("key with spaces : v", "key with spaces"),
            found(1, "key with spaces")
        );
    }

    #[test]
    fn comments_everywhere() {
        let source = "# head\n\n  # indented\nname: x # trailing\n# between\ntools: # after key\n  # before item\n  - a # item\n# end";
        assert_eq!(at(source, "name"), found(4, "x"));
        assert_eq!(at(source, "tools[0]"), found(8, "a"));
        assert_eq!(at(source, "tools"), found(6, "tools"));
    }

    #[test]
    fn sequences_in_all_shapes() {
        let source = "a:\n- x\n- y\nb: 1\nc:\n  - - p\n    - q\n  - - r\n";
        assert_eq!(at(source, "a[1]"), found(3, "y"));
        assert_eq!(at(source, "b"), found(4, "1"));
        assert_eq!(at(source, "c[0]"), found(6, "-"));
        assert_eq!(at(source, "c[0][1]"), found(7, "q"));
        assert_eq!(at(source, "c[1][0]"), found(8, "r"));
        let source = "-\n  name: x\n  type: y\n- name: z\n";
        assert_eq!(at(source, "[0].type"), found(3, "y"));
        assert_eq!(at(source, "[1].name"), found(4, "z"));
        let source = "- name: a\n  params:\n  - name: b\n- name: c\n";
        assert_eq!(at(source, "[0].params[0].name"), found(3, "b"));
        assert_eq!(at(source, "[1].name"), found(4, "c"));
    }

    #[test]
    fn anchors_aliases_and_merges() {
        let source = "\
base: &base
  type: string
  required: true
list: &list [a, b]
tools:
  - <<: *base
    name: x
  - name: y
    params: *list
    other: *base
  - *base
  - &tool {name: z}
  - *unknown
";
        assert_eq!(at(source, "base"), found(1, "base"));
        assert_eq!(at(source, "tools[0].name"), found(7, "x"));
        // A merged key is found where its anchor is defined.
        assert_eq!(at(source, "tools[0].type"), found(2, "string"));
        assert_eq!(at(source, "tools[1].params"), found(9, "*list"));
        assert_eq!(at(source, "tools[1].params[1]"), found(4, "b"));
        assert_eq!(at(source, "tools[1].other.required"), found(3, "true"));
        assert_eq!(at(source, "tools[2]"), found(11, "*base"));
        assert_eq!(at(source, "tools[2].type"), found(2, "string"));
        assert_eq!(at(source, "tools[3].name"), found(12, "z"));
        assert_eq!(at(source, "tools[4].name"), found(13, "*unknown"));
        let source = "a: &x 1\nb: &y\n  k: v\nc: !!str &z [q]\nd: *x\n- e: 1\n";
        assert_eq!(at(source, "a"), None); // invalid: a sequence entry after a mapping
        let source = "a: &x 1\nb: &y\n  k: v\nc: !!str &z [q]\nd: !custom\n  - *z\n";
        assert_eq!(at(source, "a"), found(1, "1"));
        assert_eq!(at(source, "b.k"), found(3, "v"));
        assert_eq!(at(source, "c[0]"), found(4, "q"));
        assert_eq!(at(source, "d[0][0]"), found(4, "q"));
        let merged = "a: &a {x: 1}\nb: &b {y: 2}\nc:\n  <<: [*a, *b]\n  z: 3\n";
        assert_eq!(at(merged, "c.y"), found(2, "2"));
        assert_eq!(at(merged, "c.w"), found(3, "c"));
    }

    #[test]
    fn merge_chains_do_not_explode() {
        let mut source = String::from("a0: &a0 {x: 1}\n");
        for i in 1..100 {
            source.push_str(&format!("a{i}: &a{i}\n  <<: [*a{}, *a{}]\n", i - 1, i - 1));
        }
        assert_eq!(at(&source, "a99.y"), found(198, "a99"));
        assert_eq!(at(&source, "a3.x"), found(1, "1"));
    }

    #[test]
    fn documents_markers_directives_and_bom() {
        let source = "%YAML 1.2\n---\nname: x\n...\n";
        assert_eq!(at(source, "name"), found(3, "x"));
        let source = "--- # the spec\nname: x\n---\nname: second\n";
        assert_eq!(at(source, "name"), found(2, "x"));
        let source = "--- {a: 1}\n";
        assert_eq!(at(source, "a"), found(1, "1"));
        let source = "\u{feff}name: x\n";
        assert_eq!(
            SourceMap::new(source)
                .locate(&path("name"))
                .map(|s| s.column),
            Some(7)
        );
        assert_eq!(at(source, "name"), found(1, "x"));
        let source = "\u{feff}# comment\nname: x\n";
        assert_eq!(at(source, "name"), found(2, "x"));
    }

    #[test]
    fn columns_count_characters() {
        let source = "名前: 値です\nclé: \"é\"\n";
        let map = SourceMap::new(source);
        assert_eq!(
            map.locate(&path("名前")),
            Some(Span {
                line: 1,
                column: 5,
                len: 3
            })
        );
        assert_eq!(
            map.locate(&path("clé")),
            Some(Span {
                line: 2,
                column: 6,
                len: 3
            })
        );
        assert_eq!(at(source, "名前"), found(1, "値です"));
    }

    #[test]
    fn crlf_line_endings() {
        let source = "name: x\r\ntools:\r\n  - a: |\r\n      text\r\n    b: 'c'\r\n";
        assert_eq!(at(source, "name"), found(1, "x"));
        assert_eq!(at(source, "tools[0].a"), found(4, "text"));
        assert_eq!(at(source, "tools[0].b"), found(5, "'c'"));
    }

    #[test]
    fn tags_are_skipped() {
        let source = "a: !!str 1\nb: !<tag:x> {c: !e d}\n!!str f: g\n";
        assert_eq!(at(source, "a"), found(1, "1"));
        assert_eq!(at(source, "b.c"), found(2, "d"));
        assert_eq!(at(source, "f"), found(3, "g"));
    }

    #[test]
    fn empty_documents_have_no_locations() {
        for source in ["", "\n\n", "# only a comment\n", "...\n", "\u{feff}"] {
            assert_eq!(at(source, "name"), None, "{source:?}");
        }
        // An explicitly empty document is at its `---`.
        assert_eq!(at("---\n# nothing\n", "name"), found(1, "---"));
    }

    #[test]
    fn invalid_yaml_gives_no_locations() {
        for source in [
            "a: b: c\n",
            "a: [1, 2\n",
            "a: {b: 1\n",
            "a: \"open\n",
            "a: 'open\n",
            "a:\n  b: 1\n c: 2\n",
            "- a\nb: 1\n",
            "a: - b\n",
            "a: 1\n- b\n",
            "a: *\n",
            "a: |x\n  text\n",
            "[a] b\n",
            "a: 1\n---x\n",
        ] {
            assert_eq!(at(source, "a"), None, "{source:?}");
        }
    }

    /// A small deterministic generator, so tests need no dependency.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    const CORPUS: &[&str] = &[
        SPEC,
        "a: [x,\n  # c\n  y, {k: v,\n  w: z}]\nb: [p: q, [r]]\n",
        "base: &base\n  type: string\nt:\n  - <<: *base\n    name: 'x'\n  - *base\n",
        "--- |\n  text\n...\n",
        "{\"a\": [1, 2, {\"b\": \"c\\u00e9\"}], \"d\": null}",
        "a: >-\n  folded\n  text\nb: \"q\\\"\"\nc: |2\n    x\n",
        "- - a\n  - b\n- c: d\n  e:\n  - f\n",
    ];

    #[test]
    fn never_panics_on_mangled_input() {
        let paths = [
            "",
            "a",
            "tools[2].params[0].type",
            "[0][1]",
            "a[2].w",
            "t[0].name",
        ];
        let alphabet: Vec<char> = " \n\t-:?,[]{}#&*!|>'\"%@`\\.~é\u{feff}\rabc012"
            .chars()
            .collect();
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let check = |source: &str| {
            let map = SourceMap::new(source);
            for p in paths {
                let _ = map.locate(&path(p));
                let _ = map.locate_key(&path(p));
            }
        };
        for source in CORPUS {
            let chars: Vec<char> = source.chars().collect();
            for cut in 0..chars.len() {
                check(&chars[..cut].iter().collect::<String>());
                let mut edited = chars.clone();
                edited.remove(cut);
                check(&edited.iter().collect::<String>());
                for _ in 0..4 {
                    let mut edited = chars.clone();
                    edited.insert(cut, alphabet[rng.below(alphabet.len())]);
                    check(&edited.iter().collect::<String>());
                }
            }
        }
        for _ in 0..20_000 {
            let len = rng.below(40);
            let source: String = (0..len)
                .map(|_| alphabet[rng.below(alphabet.len())])
                .collect();
            check(&source);
        }
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        for source in [
            "[".repeat(100_000),
            "{a: ".repeat(100_000),
            "- ".repeat(100_000),
            (0..1_000)
                .map(|i| format!("{}k:\n", " ".repeat(i)))
                .collect(),
        ] {
            assert_eq!(SourceMap::new(&source).locate(&Path::root()), None);
        }
        // Nesting within the limit is fine.
        let source = format!("{}x{}", "[".repeat(100), "]".repeat(100));
        assert_eq!(at(&source, ""), found(1, &source));
    }

    /// Every path into a document that serde_yaml reads must be found
    /// exactly, at text that matches the value.
    fn check_against_serde_yaml(source: &str) {
        let value: serde_yaml::Value = serde_yaml::from_str(source).unwrap();
        let map = SourceMap::new(source);
        let mut stack = vec![(Path::root(), value)];
        while let Some((at, value)) = stack.pop() {
            let (_, complete) = map.walk(&at).unwrap_or_else(|| panic!("{source:?}"));
            assert!(complete, "{at} not found in {source:?}");
            match value {
                serde_yaml::Value::Mapping(mapping) => {
                    for (key, value) in mapping {
                        if let serde_yaml::Value::String(key) = key {
                            stack.push((at.key(key), value));
                        }
                    }
                }
                serde_yaml::Value::Sequence(items) => {
                    for (i, value) in items.into_iter().enumerate() {
                        stack.push((at.index(i), value));
                    }
                }
                serde_yaml::Value::Tagged(tagged) => stack.push((at, tagged.value)),
                serde_yaml::Value::String(text) if !at.0.is_empty() => {
                    let span = map.locate(&at).unwrap();
                    let (_, shown) = shown(source, span);
                    let shown = shown.trim_matches(['"', '\'']);
                    let plain = !shown.contains(['\\', '\'']) && !shown.starts_with(['|', '>']);
                    assert!(
                        !plain || text.trim_start().starts_with(shown),
                        "{at}: {shown:?} is not {text:?} in {source:?}"
                    );
                }
                _ => {}
            }
        }
    }

    #[test]
    fn agrees_with_serde_yaml() {
        for source in CORPUS {
            check_against_serde_yaml(source);
        }
    }

    #[test]
    /// A 100,000-line document is indexed whole and located correctly at
    /// its end. How fast is for `bench/scaling` (`mcpgen check` on 5,000
    /// tools) to say, not a timed test.
    fn large_documents_are_indexed() {
        let mut source = String::from("name: big\ntools:\n");
        for i in 0..5_000 {
            source.push_str(&format!(
                "  - name: tool_{i}\n    description: >\n      Tool number {i},\n      described.\n    \
                 params:\n      - name: a\n        type: string\n        required: true\n      \
                 - {{name: b, type: integer}}\n    # comment\n    tags: [x, \"y\", 'z']\n    \
                 meta:\n      owner: someone\n      since: 2024-01-01\n      notes: |\n        one\n        \
                 two\n      extra: ~\n      more: &m{i} {{k: v}}\n      again: *m{i}\n"
            ));
        }
        assert!(source.lines().count() >= 100_000);
        let map = SourceMap::new(&source);
        let span = map.locate(&path("tools[4999].params[1].type")).unwrap();
        assert_eq!(shown(&source, span).1, "integer");
        let span = map.locate(&path("tools[4999].meta.again.k")).unwrap();
        assert_eq!(shown(&source, span).1, "v");
    }
}
