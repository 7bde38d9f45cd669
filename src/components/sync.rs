//! Where sync of a document stands: the indicator in every programme's
//! header, the same words for a tandem page, and the question a partner's
//! new generation waits on.

use fluent_bundle::FluentValue;
use leptos::prelude::*;

use crate::i18n::{refusal_key, use_i18n};
use crate::live::SyncStatus;
use crate::session::use_session;

/// The sync indicator: always in the programme's header.
#[component]
pub(crate) fn SyncIndicator() -> impl IntoView {
    let session = use_session();
    view! { <SyncState status=Signal::derive(move || session.sync_status()) testid="sync-status" /> }
}

/// Where sync of a document stands, in words and colour.
#[component]
pub(crate) fn SyncState(status: Signal<SyncStatus>, testid: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    let state = move || match status.get() {
        SyncStatus::Local => "local",
        SyncStatus::Syncing => "syncing",
        SyncStatus::Synced => "synced",
        SyncStatus::Offline { .. } => "offline",
        SyncStatus::Refused(_) => "refused",
    };
    let text = move || match status.get() {
        SyncStatus::Local => i18n.t("sync-local"),
        SyncStatus::Syncing => i18n.t("sync-syncing"),
        SyncStatus::Synced => i18n.t("sync-synced"),
        SyncStatus::Offline { waiting } => {
            i18n.t_with("sync-offline", &[("count", FluentValue::from(waiting))])
        }
        // Each reason is a sentence of its own, whether the relay or this
        // device stopped the sync.
        SyncStatus::Refused(code) => i18n.t(&refusal_key(&code)),
    };
    view! {
        <p class="sync-status" role="status" data-testid=testid data-state=state>
            <span class="sync-status__dot" aria-hidden="true"></span>
            <span>{text}</span>
        </p>
    }
}

/// A partner made a new generation of the programme (they forgot a
/// person): who and when, and whether to take it over. Nothing moves
/// before the coordinator says yes; until then the old generation stays.
#[component]
pub(crate) fn MoveQuestionNotice() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let refused = RwSignal::new(None::<String>);
    let accept = move |_| {
        refused.set(session.accept_move().err());
    };
    move || {
        session.move_question().map(|question| {
            let by = if question.by.trim().is_empty() {
                i18n.t("move-ask-someone")
            } else {
                question.by.clone()
            };
            let when = if question.at > 0 {
                i18n.date_time(question.at)
            } else {
                String::new()
            };
            view! {
                <section
                    class="notice notice--warning move-question"
                    role="alertdialog"
                    aria-labelledby="move-question-title"
                    aria-describedby="move-question-text"
                    data-testid="move-question"
                >
                    <h2 id="move-question-title" class="browser-notice__title">
                        {i18n
                            .t_with(
                                "move-ask-title",
                                &[
                                    ("name", FluentValue::from(by.clone())),
                                    ("when", FluentValue::from(when)),
                                ],
                            )}
                    </h2>
                    <p id="move-question-text">
                        {i18n.t_with("move-ask-text", &[("name", FluentValue::from(by))])} " "
                        {if question.verified {
                            i18n.t("move-ask-verified")
                        } else {
                            i18n.t("move-ask-unverified")
                        }}
                    </p>
                    <div class="button-row">
                        <button
                            type="button"
                            class="button button--primary"
                            data-testid="move-accept"
                            on:click=accept
                        >
                            {i18n.t("move-ask-accept")}
                        </button>
                    </div>
                    {move || {
                        refused
                            .get()
                            .map(|message| {
                                view! {
                                    <p
                                        class="notice notice--error"
                                        role="alert"
                                        data-testid="move-refused"
                                    >
                                        {message}
                                    </p>
                                }
                            })
                    }}
                </section>
            }
        })
    }
}
