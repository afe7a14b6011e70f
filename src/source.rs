//! Source files and locations. One span type serves every stage: a byte range in one file of
//! the [`SourceMap`]. Spans never take part in equality of the things they locate (see
//! [`crate::syntax::ast::Spanned`]), so tests do not break on whitespace.

use std::ops::Range;
use std::sync::{Arc, OnceLock};

/// Index of a file in a [`SourceMap`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct FileId(pub u32);

/// A byte range in one source file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Span {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(file: FileId, range: Range<usize>) -> Self {
        // Files are capped far below 4 GiB by `SourceFile::new`, so the casts cannot truncate.
        let clamp = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        Span {
            file,
            start: clamp(range.start),
            end: clamp(range.end),
        }
    }

    pub fn range(self) -> Range<usize> {
        self.start as usize..self.end as usize
    }

    /// The smallest span covering both (which must be in the same file).
    #[must_use]
    pub fn to(self, other: Span) -> Span {
        Span {
            file: self.file,
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
}

/// A named source text: a plan, or a scenario file.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub id: FileId,
    pub name: String,
    pub text: Arc<str>,
    /// Byte offset of the start of each line, for line/column look-ups: computed at the first
    /// look-up, since a plan that checks clean needs none (the synthetic 10 MB plan has 296,000
    /// lines: 4.2 MB of vector, grown by doubling).
    line_starts: OnceLock<Vec<usize>>,
}

impl SourceFile {
    pub fn new(id: FileId, name: impl Into<String>, text: impl Into<Arc<str>>) -> Self {
        SourceFile {
            id,
            name: name.into(),
            text: text.into(),
            line_starts: OnceLock::new(),
        }
    }

    /// One-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line_starts = self.line_starts.get_or_init(|| {
            std::iter::once(0)
                .chain(self.text.match_indices('\n').map(|(i, _)| i + 1))
                .collect()
        });
        let line = line_starts.partition_point(|&s| s <= offset) - 1;
        let start = line_starts[line];
        let column = self
            .text
            .get(start..offset)
            .map_or(offset - start, |s| s.chars().count());
        (line + 1, column + 1)
    }

    pub fn span(&self, range: Range<usize>) -> Span {
        Span::new(self.id, range)
    }

    pub fn slice(&self, span: Span) -> &str {
        self.text.get(span.range()).unwrap_or("")
    }
}

/// Every file read in one run, so a diagnostic can point into any of them.
#[derive(Debug, Clone, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a file and returns its id.
    pub fn add(&mut self, name: impl Into<String>, text: impl Into<Arc<str>>) -> FileId {
        let id = FileId(u32::try_from(self.files.len()).expect("fewer than 2^32 files"));
        self.files.push(SourceFile::new(id, name, text));
        id
    }

    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }
}

/// Decodes the bytes of a file as text: a UTF-8 byte order mark is dropped, CRLF is kept (the
/// grammar treats `\r` as whitespace). Invalid UTF-8 is an error with the offset of the first
/// bad byte, so the caller can point at it.
pub fn decode(bytes: &[u8]) -> Result<&str, usize> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|e| e.valid_up_to())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters_from_one() {
        let f = SourceFile::new(FileId(0), "p.roll", "ab\ncé d\n");
        assert_eq!(f.line_col(0), (1, 1));
        assert_eq!(f.line_col(3), (2, 1));
        assert_eq!(f.line_col(7), (2, 4));
        assert_eq!(f.line_col(999), (3, 1));
    }

    #[test]
    fn decode_strips_bom_and_reports_bad_byte() {
        assert_eq!(decode(b"\xEF\xBB\xBFplan"), Ok("plan"));
        assert_eq!(decode(b"ab\xFFc"), Err(2));
    }
}
