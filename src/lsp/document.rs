//! One open plan: its text, what the compile pipeline found in it, the name index, and the
//! conversion between byte offsets and LSP positions (lines and UTF-16 code units).

use std::ops::Range;

use lsp_types::{Position, Uri};

use super::index::Index;
use crate::compile::{Compilation, compilation_inspecting};
use crate::source::{FileId, SourceFile};

pub struct Document {
    pub(super) uri: Uri,
    pub(super) source: SourceFile,
    pub(super) compilation: Compilation,
    pub(super) index: Index,
    line_starts: Vec<usize>,
}

impl Document {
    /// Compiles `text` through the one pipeline, indexing what parsed on the way.
    pub fn new(uri: Uri, text: String) -> Document {
        let name = uri.path().as_str().to_owned();
        let source = SourceFile::new(FileId(0), name, text);
        let text = std::sync::Arc::clone(&source.text);
        let (compilation, index) =
            compilation_inspecting(&source, |file| Index::build(file, &text));
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Document {
            uri,
            source,
            compilation,
            index,
            line_starts,
        }
    }

    pub fn text(&self) -> &str {
        &self.source.text
    }

    /// The LSP position of a byte offset: its line, and UTF-16 units from the line's start.
    pub fn position(&self, offset: usize) -> Position {
        let offset = offset.min(self.text().len());
        let line = self.line_starts.partition_point(|&s| s <= offset) - 1;
        let start = self.line_starts[line];
        let column = self
            .text()
            .get(start..offset)
            .map_or(0, |s| s.encode_utf16().count());
        Position::new(to_u32(line), to_u32(column))
    }

    pub fn range(&self, range: Range<usize>) -> lsp_types::Range {
        lsp_types::Range::new(self.position(range.start), self.position(range.end))
    }

    /// The byte offset of an LSP position; a position past the end of its line (or of the text)
    /// is clamped to it, and one inside a character to that character's start.
    pub fn offset(&self, position: Position) -> usize {
        let text = self.text();
        let Some(&start) = self.line_starts.get(position.line as usize) else {
            return text.len();
        };
        let mut units = 0;
        for (i, c) in text[start..].char_indices() {
            if c == '\n' || units >= position.character as usize {
                return start + i;
            }
            units += c.len_utf16();
            if units > position.character as usize {
                return start + i;
            }
        }
        text.len()
    }

    /// The whole text, as a range.
    pub fn full_range(&self) -> lsp_types::Range {
        self.range(0..self.text().len())
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(text: &str) -> Document {
        let uri: Uri = "file:///t.roll".parse().expect("a URI");
        Document::new(uri, text.to_owned())
    }

    /// `é` is one UTF-16 unit and two bytes; `𝄞` is two units and four bytes.
    #[test]
    fn positions_count_utf16_units() {
        let d = doc("# é𝄞x\nflag");
        let x = d.text().find('x').expect("x");
        assert_eq!(d.position(x), Position::new(0, 5));
        assert_eq!(d.offset(Position::new(0, 5)), x);
        assert_eq!(d.offset(Position::new(1, 2)), d.text().len() - 2);
        // Past the end of a line: its end; inside a surrogate pair: the character's start.
        assert_eq!(d.offset(Position::new(0, 99)), x + 1);
        assert_eq!(d.offset(Position::new(0, 4)), x - 4);
        assert_eq!(d.offset(Position::new(9, 0)), d.text().len());
    }
}
