//! The texts an applicant reads on the application form — the three
//! consents and the privacy notice, in German and English — edited by the
//! coordinators before publishing and whenever they need correcting.

use leptos::prelude::*;
use tandem_core::{ConsentTexts, IntakeForm, LocalText};

use crate::i18n::use_i18n;

/// Which text of the form a field edits.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Which {
    Processing,
    ShareContact,
    NamedInReports,
    PrivacyNotice,
}

impl Which {
    const ALL: [Which; 4] = [
        Which::Processing,
        Which::ShareContact,
        Which::NamedInReports,
        Which::PrivacyNotice,
    ];

    fn code(self) -> &'static str {
        match self {
            Which::Processing => "processing",
            Which::ShareContact => "share-contact",
            Which::NamedInReports => "named-in-reports",
            Which::PrivacyNotice => "privacy-notice",
        }
    }

    fn of(self, texts: &FormTexts) -> &LocalText {
        match self {
            Which::Processing => &texts.consent.processing,
            Which::ShareContact => &texts.consent.share_contact,
            Which::NamedInReports => &texts.consent.named_in_reports,
            Which::PrivacyNotice => &texts.privacy_notice,
        }
    }

    fn of_mut(self, texts: &mut FormTexts) -> &mut LocalText {
        match self {
            Which::Processing => &mut texts.consent.processing,
            Which::ShareContact => &mut texts.consent.share_contact,
            Which::NamedInReports => &mut texts.consent.named_in_reports,
            Which::PrivacyNotice => &mut texts.privacy_notice,
        }
    }
}

/// The form's texts as the coordinator edits them.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct FormTexts {
    pub consent: ConsentTexts,
    pub privacy_notice: LocalText,
}

impl FormTexts {
    /// The texts of a published form.
    pub(crate) fn of(form: &IntakeForm) -> Self {
        Self {
            consent: form.consent.clone(),
            privacy_notice: form.privacy_notice.clone(),
        }
    }

    /// Puts the texts into `form`.
    pub(crate) fn put_into(&self, form: &mut IntakeForm) {
        form.consent = self.consent.clone();
        form.privacy_notice = self.privacy_notice.clone();
    }
}

/// The consent texts and the privacy notice, each in German and English,
/// folded away until a coordinator opens them.
#[component]
pub(crate) fn IntakeTexts(
    texts: RwSignal<FormTexts>,
    /// What follows the texts inside the fold (a save button).
    #[prop(optional)]
    children: Option<Children>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <details class="intake-texts" data-testid="intake-texts">
            <summary>{move || i18n.t("intake-texts-edit")}</summary>
            <p class="muted">{move || i18n.t("intake-texts-how")}</p>
            {Which::ALL.into_iter().map(|which| view! { <TextPair texts which /> }).collect_view()}
            {children.map(|children| children())}
        </details>
    }
}

/// One text in both languages.
#[component]
fn TextPair(texts: RwSignal<FormTexts>, which: Which) -> impl IntoView {
    let i18n = use_i18n();
    let legend = format!("intake-texts-{}", which.code());
    let language = |english: bool| {
        let id = format!(
            "intake-text-{}-{}",
            which.code(),
            if english { "en" } else { "de" }
        );
        let label = if english {
            "language-name-en"
        } else {
            "language-name-de"
        };
        let value = move || {
            texts.with(|texts| {
                let text = which.of(texts);
                if english {
                    text.en.clone()
                } else {
                    text.de.clone()
                }
            })
        };
        view! {
            <div class="field">
                <label for=id.clone()>{move || i18n.t(label)}</label>
                <textarea
                    id=id.clone()
                    data-testid=id.clone()
                    rows="3"
                    prop:value=value
                    on:input=move |event| {
                        let typed = event_target_value(&event);
                        texts
                            .update(|texts| {
                                let text = which.of_mut(texts);
                                if english { text.en = typed } else { text.de = typed }
                            });
                    }
                ></textarea>
            </div>
        }
    };
    view! {
        <fieldset class="intake-texts__pair">
            <legend>{move || i18n.t(&legend)}</legend>
            {language(false)}
            {language(true)}
        </fieldset>
    }
}
