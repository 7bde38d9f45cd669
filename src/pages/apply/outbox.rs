//! What waits on the applicant's device: the form's questions from the
//! last visit, the draft while they type, and — once they send — only the
//! sealed message, until the relay has taken it.
//!
//! The draft is in the browser's local storage of this site, on this
//! device, and is deleted when the application is sent; the page says so.
//! A sealed message is what the relay will hold anyway: nobody but the
//! programme's coordinators can open it.

use gloo_storage::{LocalStorage, Storage};
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::{Deserialize, Serialize};
use std::time::Duration;
use tandem_core::IntakeMessage;
use tandem_sync::intake::{do_work, seal_application, IntakeLink, WORK_BITS};

use crate::inbox::{self, InboxError};

/// How the last message fared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Sending {
    Nothing,
    /// Sealed and kept here; sent when the network is back.
    Waiting,
    /// The relay has it.
    Sent {
        receipt: String,
        withdrawal: bool,
    },
    /// The relay said no for good (the text's id).
    Refused(&'static str),
}

/// A sealed message waiting to be sent.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Pending {
    nonce: u64,
    /// The sealed bytes, base64.
    sealed: String,
    receipt: String,
    withdrawal: bool,
}

/// The applicant's side of one programme's inbox.
#[derive(Debug, Clone)]
pub(super) struct Outbox {
    pub(super) link: IntakeLink,
    /// The relay's address: the site the form came from.
    pub(super) base: String,
    pub(super) sending: RwSignal<Sending>,
    busy: RwSignal<bool>,
}

impl Outbox {
    pub(super) fn new(link: IntakeLink) -> Self {
        let base = web_sys::window()
            .and_then(|window| window.location().origin().ok())
            .unwrap_or_default();
        let outbox = Self {
            link,
            base,
            sending: RwSignal::new(Sending::Nothing),
            busy: RwSignal::new(false),
        };
        if !outbox.pending().is_empty() {
            outbox.sending.set(Sending::Waiting);
        }
        outbox
    }

    fn key(&self, what: &str) -> String {
        format!("tandem.apply.{what}.{}", self.link.inbox.to_hex())
    }

    /// Keeps the form's public part for a visit without network.
    pub(super) fn keep_form(&self, form: &[u8]) {
        use base64::Engine as _;
        let text = base64::engine::general_purpose::STANDARD.encode(form);
        let _ = LocalStorage::set(self.key("form"), text);
    }

    /// The form's public part from the last visit.
    pub(super) fn kept_form(&self) -> Option<Vec<u8>> {
        use base64::Engine as _;
        let text: String = LocalStorage::get(self.key("form")).ok()?;
        base64::engine::general_purpose::STANDARD.decode(text).ok()
    }

    /// The draft, as the form saved it.
    pub(super) fn draft<T: for<'de> Deserialize<'de>>(&self) -> Option<T> {
        LocalStorage::get(self.key("draft")).ok()
    }

    pub(super) fn save_draft<T: Serialize>(&self, draft: &T) {
        let _ = LocalStorage::set(self.key("draft"), draft);
    }

    fn forget_draft(&self) {
        LocalStorage::delete(self.key("draft"));
    }

    fn pending(&self) -> Vec<Pending> {
        LocalStorage::get(self.key("outbox")).unwrap_or_default()
    }

    fn set_pending(&self, pending: &[Pending]) {
        if pending.is_empty() {
            LocalStorage::delete(self.key("outbox"));
        } else {
            let _ = LocalStorage::set(self.key("outbox"), pending);
        }
    }

    /// Seals `message`, proves the work for it, keeps it here (and, for an
    /// application, drops the draft), then sends what waits.
    pub(super) async fn send(&self, message: IntakeMessage, withdrawal: bool) {
        use base64::Engine as _;
        let receipt = message.receipt().to_string();
        let sealed = message
            .to_bytes()
            .ok()
            .and_then(|bytes| seal_application(&self.link, &bytes).ok());
        let Some(sealed) = sealed else {
            self.sending.set(Sending::Refused("apply-seal-failed"));
            return;
        };
        let sealed = sealed.to_bytes();
        let nonce = do_work(&self.link.inbox, &sealed, WORK_BITS);
        let mut pending = self.pending();
        pending.push(Pending {
            nonce,
            sealed: base64::engine::general_purpose::STANDARD.encode(&sealed),
            receipt,
            withdrawal,
        });
        self.set_pending(&pending);
        if !withdrawal {
            self.forget_draft();
        }
        self.sending.set(Sending::Waiting);
        self.flush().await;
    }

    /// Sends what waits, oldest first; stops at the first that cannot go
    /// now (no network, too many from here this hour, a full inbox).
    pub(super) async fn flush(&self) {
        use base64::Engine as _;
        if self.busy.get_untracked() {
            return;
        }
        self.busy.set(true);
        loop {
            let pending = self.pending();
            let Some(first) = pending.first().cloned() else {
                break;
            };
            let Ok(sealed) = base64::engine::general_purpose::STANDARD.decode(&first.sealed) else {
                self.set_pending(&pending[1..]);
                continue;
            };
            match inbox::append(&self.base, &self.link.inbox, first.nonce, &sealed).await {
                Ok(_) => {
                    self.set_pending(&self.pending()[1..]);
                    self.sending.set(Sending::Sent {
                        receipt: first.receipt,
                        withdrawal: first.withdrawal,
                    });
                }
                Err(InboxError::Offline | InboxError::TooMany | InboxError::Full) => {
                    self.sending.set(Sending::Waiting);
                    break;
                }
                Err(error) => {
                    self.set_pending(&self.pending()[1..]);
                    self.sending.set(Sending::Refused(error.text_id()));
                }
            }
        }
        self.busy.set(false);
    }

    /// Sends what waits now, when the network comes back, and every
    /// 20 seconds while something waits (some browsers never say they are
    /// online again).
    pub(super) fn keep_trying(&self) {
        let outbox = self.clone();
        spawn_local(async move { outbox.flush().await });
        let outbox = self.clone();
        let online = window_event_listener(leptos::ev::online, move |_| {
            let outbox = outbox.clone();
            spawn_local(async move { outbox.flush().await });
        });
        let outbox = self.clone();
        let interval = set_interval_with_handle(
            move || {
                if outbox.sending.get_untracked() == Sending::Waiting {
                    let outbox = outbox.clone();
                    spawn_local(async move { outbox.flush().await });
                }
            },
            Duration::from_secs(20),
        )
        .ok();
        on_cleanup(move || {
            online.remove();
            if let Some(interval) = interval {
                interval.clear();
            }
        });
    }
}
