//! Merging a previewed file a few changes at a time, so that a page can
//! draw and answer between steps.
//!
//! A partner's file of 10,000 changes takes seconds to apply to a large
//! programme, read and check. Automerge applies changes in batches of any
//! size, and the entities they touched can be read one by one, so the
//! work is cut into steps of a few milliseconds each: apply a few changes
//! to a copy of the programme, noting where their patches reach; read
//! again a few of the entities reached; look at a few of them for values
//! set at the same time. The programme here is untouched until
//! [`finish_merge`](ProgrammeDocument::finish_merge) takes the copy in,
//! after the same checks a merge in one go makes
//! ([`merge`](ProgrammeDocument::merge) is this, run to the end).

use automerge::{Change, ChangeHash, PatchLog, ReadDoc};

use crate::document::changes::{carries_note, holds};
use crate::document::conflicts::ConcurrentScan;
use crate::document::exchange::ExchangeError;
use crate::document::merge::{
    check_merged_format, not_a_programme, MergePreview, Reach, Touch, Touched,
};
use crate::document::programme::ProgrammeDocument;
use crate::rules::error::CommandError;
use crate::rules::received::check_received;

/// Changes applied in one step.
const CHANGES_PER_STEP: usize = 10;
/// Changes whose patches are read at once. Each reading costs about a
/// millisecond of its own (after every step, the merge takes twice as
/// long); reading all of a file of 10,000 at once blocks for too long.
const CHANGES_PER_PATCHES: usize = 250;
/// Entities (or attendance lines) read again in one step.
const READS_PER_STEP: usize = 4;
/// Entities looked at for values set at the same time in one step.
const SCANS_PER_STEP: usize = 16;

/// A previewed file being merged into a copy of the programme, step by
/// step ([`step`](Self::step)).
#[derive(Debug)]
pub struct MergeSteps {
    /// The copy the changes go into, with the programme read from it.
    trial: ProgrammeDocument,
    stage: Stage,
    /// The heads of the programme here when the merge started.
    base: Vec<ChangeHash>,
    /// The heads of the document the file was made from.
    file_heads: Vec<ChangeHash>,
    /// How many of the file's changes (with a note) the programme lacked.
    count: usize,
    /// The changes applied, one after the other, as stored.
    applied: Vec<u8>,
}

#[derive(Debug)]
enum Stage {
    /// Changes still to apply, in the order they apply.
    Apply {
        changes: std::vec::IntoIter<Change>,
        /// What the changes applied since the patches were last read did.
        log: PatchLog,
        unread: usize,
        /// Where the patches read so far reached.
        touched: Touched,
    },
    /// Entities still to read again.
    Read {
        reach: Reach,
        programme: automerge::ObjId,
        touches: Vec<Touch>,
        next: usize,
    },
    /// Entities still to look at for values set at the same time.
    Scan {
        touches: Vec<Touch>,
        next: usize,
        scan: ConcurrentScan,
    },
    Done,
}

impl ProgrammeDocument {
    /// Starts merging a previewed file in steps. A preview that is not
    /// only changes (a whole programme, merged into a copy already) is
    /// given back: [`merge`](Self::merge) takes it in one go.
    pub fn merge_in_steps(&self, preview: MergePreview) -> Result<MergeSteps, MergePreview> {
        let (changes, file_heads) = preview.into_changes()?;
        // Only the copy is made here: one call that cannot be cut, and
        // everything else waits for the steps.
        Ok(MergeSteps {
            trial: ProgrammeDocument {
                doc: self.doc.clone(),
                saved_heads: Vec::new(),
                programme: self.programme.clone(),
                concurrent: self.concurrent.clone(),
                merged_chunk: None,
            },
            stage: Stage::Apply {
                changes: changes.into_iter(),
                log: PatchLog::active(),
                unread: 0,
                touched: Touched::default(),
            },
            base: self.doc.get_heads(),
            file_heads,
            count: 0,
            applied: Vec::new(),
        })
    }

    /// Takes in a merge whose steps are done (any left are done first).
    /// Returns how many changes it brought. Refused, it changes nothing.
    /// If the programme moved on since the merge started (a command, a
    /// live delivery), those changes are merged into the copy first.
    pub fn finish_merge(&mut self, mut steps: MergeSteps) -> Result<usize, CommandError> {
        while !steps.step().map_err(received)? {}
        let MergeSteps {
            mut trial,
            base,
            count,
            applied,
            ..
        } = steps;
        if trial.doc.get_heads() == base {
            return Ok(0);
        }
        let moved_on = self.doc.get_heads() != base;
        if moved_on {
            // What happened here meanwhile (an edit, a live delivery) is
            // a few changes: merged into the copy, rather than the file's
            // thousands into the programme again.
            let meanwhile = self.doc.save_after(&base);
            trial.merge_bytes(&meanwhile).map_err(received)?;
        }
        check_received(&self.programme, &trial.programme)
            .map_err(|refused| received(ExchangeError::Refused(refused.to_string())))?;
        // Everything before the merge was stored: what it brought is the
        // next chunk to store, as it came.
        if self.saved_heads == base && !moved_on {
            self.merged_chunk = Some((trial.doc.get_heads(), applied));
        }
        self.doc = trial.doc;
        self.programme = trial.programme;
        self.concurrent = trial.concurrent;
        Ok(count)
    }
}

impl MergeSteps {
    /// Does one step of a few milliseconds. Returns whether the merge is
    /// ready to be taken in; refused, the programme here stays as it is.
    pub fn step(&mut self) -> Result<bool, ExchangeError> {
        let stage = std::mem::replace(&mut self.stage, Stage::Done);
        self.stage = match stage {
            Stage::Apply {
                mut changes,
                mut log,
                mut unread,
                mut touched,
            } => {
                let batch: Vec<Change> = changes.by_ref().take(CHANGES_PER_STEP).collect();
                if batch.is_empty() || unread >= CHANGES_PER_PATCHES {
                    // A log keeps what it read: a new one for the next.
                    touched.note(self.trial.doc.make_patches(&mut log));
                    log = PatchLog::active();
                    unread = 0;
                }
                if batch.is_empty() {
                    self.applied(touched)?
                } else {
                    unread += batch.len();
                    for change in &batch {
                        if !holds(&self.trial.doc, &change.hash()) && carries_note(change.message())
                        {
                            self.count += 1;
                        }
                        self.applied.extend_from_slice(change.raw_bytes());
                    }
                    self.trial
                        .doc
                        .apply_changes_log_patches(batch, &mut log)
                        .map_err(|_| ExchangeError::Damaged)?;
                    Stage::Apply {
                        changes,
                        log,
                        unread,
                        touched,
                    }
                }
            }
            Stage::Read {
                reach,
                programme,
                touches,
                next,
            } => {
                let end = (next + READS_PER_STEP).min(touches.len());
                for touch in touches.get(next..end).unwrap_or_default() {
                    self.trial
                        .refresh_touch(&programme, touch)
                        .map_err(not_a_programme)?;
                }
                if end < touches.len() {
                    Stage::Read {
                        reach,
                        programme,
                        touches,
                        next: end,
                    }
                } else {
                    match self.trial.begin_concurrent_scan(&reach) {
                        Some(scan) => Stage::Scan {
                            touches,
                            next: 0,
                            scan,
                        },
                        None => {
                            self.trial.find_concurrent_values();
                            Stage::Done
                        }
                    }
                }
            }
            Stage::Scan {
                touches,
                next,
                mut scan,
            } => {
                let end = (next + SCANS_PER_STEP).min(touches.len());
                for touch in touches.get(next..end).unwrap_or_default() {
                    self.trial.scan_touch(&mut scan, touch);
                }
                if end < touches.len() {
                    Stage::Scan {
                        touches,
                        next: end,
                        scan,
                    }
                } else {
                    self.trial.end_concurrent_scan(scan);
                    Stage::Done
                }
            }
            Stage::Done => Stage::Done,
        };
        Ok(matches!(self.stage, Stage::Done))
    }

    /// Every change is applied: checks what they make of the programme
    /// as a merge in one go does, and reads the programme's own fields
    /// again if they were reached.
    fn applied(&mut self, touched: Touched) -> Result<Stage, ExchangeError> {
        let doc = &self.trial.doc;
        if !doc.get_missing_deps(&[]).is_empty() {
            return Err(ExchangeError::MissingEarlierChanges);
        }
        if self.file_heads.iter().any(|hash| !holds(doc, hash)) {
            return Err(ExchangeError::Damaged);
        }
        if doc.get_heads() == self.base {
            return Ok(Stage::Done);
        }
        // Nothing a partner sends may make the programme unopenable.
        check_merged_format(doc)?;
        let reach = touched.reach();
        let Some(programme) = self.trial.refresh_whole(&reach).map_err(not_a_programme)? else {
            self.trial.find_concurrent_values();
            return Ok(Stage::Done);
        };
        let touches = reach.touches();
        Ok(Stage::Read {
            reach,
            programme,
            touches,
            next: 0,
        })
    }
}

/// A refused file as a command's error.
pub(crate) fn received(error: ExchangeError) -> CommandError {
    CommandError::Received {
        code: error.code(),
        args: error.args(),
        message: error.to_string(),
    }
}
