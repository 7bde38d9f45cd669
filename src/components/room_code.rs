//! The relay operator's access code for opening new programmes and
//! application links, on a relay that asks for one. Asked where it is
//! needed (sharing a programme, publishing an application form) and kept
//! in this device's settings.

use leptos::prelude::*;

use crate::components::field::TextField;
use crate::i18n::use_i18n;
use crate::settings::Settings;

/// A folded field for the code; what is typed is kept at once.
#[component]
pub(crate) fn RoomCreationCode() -> impl IntoView {
    let i18n = use_i18n();
    let code = RwSignal::new(Settings::load().room_creation.unwrap_or_default());
    Effect::new(move |_| {
        let typed = code.get().trim().to_string();
        if Settings::load().room_creation_code().unwrap_or_default() != typed {
            Settings::update(|settings| {
                settings.room_creation = Some(typed).filter(|typed| !typed.is_empty());
            });
        }
    });
    view! {
        <details class="room-code" data-testid="room-code">
            <summary>{move || i18n.t("room-code-ask")}</summary>
            <TextField id="room-creation-code" label="room-code" value=code />
            <p class="muted">{move || i18n.t("room-code-how")}</p>
        </details>
    }
}
