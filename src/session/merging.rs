//! Merging a partner's previewed file without freezing the page.
//!
//! A file of 10,000 changes takes seconds to merge into a large programme.
//! The merge runs in slices of a few milliseconds
//! ([`MergeSteps`](tandem_core::MergeSteps)); between slices the browser
//! draws and answers input. The programme on screen stays as it was, and
//! editable, until the merged one is taken in at the end; an edit made
//! meanwhile is kept with the file's changes.

use leptos::prelude::*;
use tandem_core::MergePreview;

use super::messages::{command_error_text, exchange_error_text};
use super::ProgrammeSession;
use crate::clock::{in_slices, next_task};

impl ProgrammeSession {
    /// Merges a previewed file and stores the result. Returns how many
    /// changes it brought.
    pub async fn merge(&self, preview: MergePreview) -> Result<usize, String> {
        self.attach_now();
        let i18n = self.i18n;
        let started = self.document.with_value(|document| {
            document
                .as_ref()
                .map(|document| (document.id(), document.merge_in_steps(preview)))
        });
        let merged = match started {
            None => None,
            // A whole programme is merged into a copy at the preview
            // already: taken in at once.
            Some((_, Err(preview))) => self
                .document
                .try_update_value(|document| document.as_mut().map(|d| d.merge(preview)))
                .flatten(),
            Some((id, Ok(mut steps))) => {
                // Making the copy took a slice of its own.
                next_task().await;
                in_slices(|| steps.step())
                    .await
                    .map_err(|error| exchange_error_text(i18n, &error))?;
                // Taking the copy in (and sealing what it brought for
                // storage) gets a task of its own too.
                next_task().await;
                // The page may have opened another programme meanwhile.
                self.document
                    .try_update_value(|document| {
                        document
                            .as_mut()
                            .filter(|document| document.id() == id)
                            .map(|document| document.finish_merge(steps))
                    })
                    .flatten()
            }
        };
        match merged {
            Some(Ok(count)) => {
                if count > 0 {
                    self.persist();
                    self.push_to_relay();
                }
                // Drawing the merged programme takes a task of its own.
                next_task().await;
                self.bump();
                Ok(count)
            }
            Some(Err(error)) => Err(command_error_text(i18n, &error)),
            None => Err(i18n.t("error-document")),
        }
    }
}
