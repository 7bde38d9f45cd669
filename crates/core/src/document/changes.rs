//! Small facts about an Automerge document's changes that both the
//! programme document and the tandem page need: which changes a document
//! holds, which of a partner's heads it knows, who made each change, and
//! merging received bytes into a copy first.

use automerge::{Automerge, ChangeHash, PatchLog, ReadDoc};

use crate::document::exchange::ExchangeError;
use crate::document::ChangeNote;

/// Who made the changes and what they were, from the changes' metadata
/// (reading their operations is not needed, and costs as much as the
/// whole document).
pub(crate) fn notes_of(changes: &[automerge::ChangeMetadata<'_>]) -> Vec<ChangeNote> {
    changes
        .iter()
        .filter_map(|change| {
            note_of(
                change.message.as_deref(),
                change.timestamp,
                &change.hash,
                &change.actor,
                change.seq,
            )
        })
        .collect()
}

/// The note of one change, from its message and where it stands; none if
/// its message is not a note (a change made outside a command).
pub(crate) fn note_of(
    message: Option<&str>,
    at: i64,
    hash: &ChangeHash,
    actor: &automerge::ActorId,
    seq: u64,
) -> Option<ChangeNote> {
    let mut note: ChangeNote = serde_json::from_str(message?).ok()?;
    note.at = at;
    note.hash = hash.to_string();
    note.actor = actor.to_hex_string();
    note.seq = seq;
    Some(note)
}

/// Whether a change's message is a note (as a command's change has): the
/// changes [`note_of`] reads, a preview lists and a merge counts.
pub(crate) fn carries_note(message: Option<&str>) -> bool {
    message.is_some_and(|message| serde_json::from_str::<ChangeNote>(message).is_ok())
}

/// Whether the document holds the change (without reading its operations).
pub(crate) fn holds(doc: &Automerge, hash: &ChangeHash) -> bool {
    doc.get_change_meta_by_hash(hash).is_some()
}

/// The heads among `heads` that `doc` knows (a partner may name changes
/// this browser never had).
pub(crate) fn known_heads(doc: &Automerge, heads: &[ChangeHash]) -> Vec<ChangeHash> {
    heads
        .iter()
        .filter(|hash| holds(doc, hash))
        .copied()
        .collect()
}

/// Loads changes into a copy of a document, refusing what does not fit:
/// damaged bytes, changes whose ancestors are missing, and changes of a
/// document grown from another genesis.
pub(crate) fn merge_into(candidate: &mut Automerge, bytes: &[u8]) -> Result<(), ExchangeError> {
    merge_into_logged(candidate, bytes, &mut PatchLog::inactive())
}

/// Like [`merge_into`], noting in `log` what the changes did to the
/// document's state (the patches of what was merged, without comparing
/// the whole document before and after).
pub(crate) fn merge_into_logged(
    candidate: &mut Automerge,
    bytes: &[u8],
    log: &mut PatchLog,
) -> Result<(), ExchangeError> {
    let before = candidate.get_heads();
    candidate
        .load_incremental_log_patches(bytes, log)
        .map_err(|_| ExchangeError::Damaged)?;
    if !candidate.get_missing_deps(&[]).is_empty() {
        return Err(ExchangeError::MissingEarlierChanges);
    }
    // One document grows from one genesis change. A second change without
    // ancestors means a separately made one. Only the new changes are
    // looked at: the document had its genesis before (reading every
    // change of a long history costs more than the merge).
    let roots = candidate
        .get_changes_meta(&before)
        .iter()
        .filter(|change| change.deps.is_empty())
        .count()
        + usize::from(!before.is_empty());
    if roots > 1 {
        return Err(ExchangeError::NoCommonHistory);
    }
    Ok(())
}
