//! The chunks of saved Automerge bytes, read one by one without applying
//! them: what a delivery or a partner's file holds can be told from each
//! change's metadata (actor, number, dependencies, message) in a few
//! milliseconds per thousand changes, where merging them into a copy of
//! the whole programme takes seconds.

use automerge::Change;

/// The bytes that begin every Automerge chunk.
const MAGIC: [u8; 4] = [0x85, 0x6f, 0x4a, 0x83];
/// Chunk type of a whole document; the others are changes (plain or
/// compressed) or bundles.
const DOCUMENT_CHUNK: u8 = 0;

/// One chunk of saved bytes.
pub(crate) enum Chunk {
    /// A whole document (not read here).
    Document,
    Change(Box<Change>),
}

/// Bytes that do not read as a chunk: damaged, cut short, or of a kind
/// read only by merging.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Unreadable;

/// The chunks of concatenated bytes (`save`, `save_after`, or both one
/// after another), in order. A change whose checksum does not fit its
/// bytes does not read; after the first chunk that does not read, nothing
/// more is read.
pub(crate) fn chunks(bytes: &[u8]) -> Chunks<'_> {
    Chunks { rest: bytes }
}

pub(crate) struct Chunks<'a> {
    rest: &'a [u8],
}

impl Chunks<'_> {
    /// How many bytes are not read yet.
    pub(crate) fn left(&self) -> usize {
        self.rest.len()
    }
}

impl Iterator for Chunks<'_> {
    type Item = Result<Chunk, Unreadable>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.rest.is_empty() {
            return None;
        }
        let read = read_chunk(self.rest);
        match read {
            Ok((chunk, length)) => {
                self.rest = &self.rest[length..];
                Some(Ok(chunk))
            }
            Err(unreadable) => {
                self.rest = &[];
                Some(Err(unreadable))
            }
        }
    }
}

/// The chunk at the start of `bytes` and its whole length.
fn read_chunk(bytes: &[u8]) -> Result<(Chunk, usize), Unreadable> {
    let (kind, length) = header(bytes).ok_or(Unreadable)?;
    let chunk = bytes.get(..length).ok_or(Unreadable)?;
    if kind == DOCUMENT_CHUNK {
        return Ok((Chunk::Document, length));
    }
    let change = Change::try_from(chunk).map_err(|_| Unreadable)?;
    // The checksum is the start of the change's hash (of a compressed
    // change, of its bytes uncompressed): reading a change does not check
    // it, merging does.
    if chunk.get(4..8) != Some(&change.hash().0[..4]) {
        return Err(Unreadable);
    }
    Ok((Chunk::Change(Box::new(change)), length))
}

/// A chunk's type and whole length (header included): magic bytes, a
/// checksum, the type, then the data's length as unsigned LEB128.
fn header(bytes: &[u8]) -> Option<(u8, usize)> {
    if bytes.get(..4)? != MAGIC {
        return None;
    }
    let kind = *bytes.get(8)?;
    let mut rest = bytes.get(9..)?;
    let before = rest.len();
    let data = leb128::read::unsigned(&mut rest).ok()?;
    let header = 9 + (before - rest.len());
    header
        .checked_add(usize::try_from(data).ok()?)
        .map(|length| (kind, length))
}
