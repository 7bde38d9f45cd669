//! Where sync of a document stands: the indicator in every programme's
//! header, and the same words for a tandem page.

use fluent_bundle::FluentValue;
use leptos::prelude::*;

use crate::i18n::use_i18n;
use crate::live::{refusal_key, SyncStatus};
use crate::session::use_session;

/// The sync indicator: always in the programme's header.
#[component]
pub fn SyncIndicator() -> impl IntoView {
    let session = use_session();
    view! { <SyncState status=Signal::derive(move || session.sync_status()) testid="sync-status" /> }
}

/// Where sync of a document stands, in words and colour.
#[component]
pub fn SyncState(status: Signal<SyncStatus>, testid: &'static str) -> impl IntoView {
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
        SyncStatus::Refused(code) => i18n.t_with(
            "sync-refused",
            &[("reason", FluentValue::from(i18n.t(&refusal_key(&code))))],
        ),
    };
    view! {
        <p class="sync-status" role="status" data-testid=testid data-state=state>
            <span class="sync-status__dot" aria-hidden="true"></span>
            <span>{text}</span>
        </p>
    }
}
