//! The app's pages and their addresses.

use leptos::prelude::*;
use leptos_router::components::A;
use tandem_core::{EventId, PersonId, ProgrammeId, TandemId};

use crate::i18n::use_i18n;

pub mod calendar;
pub mod certificates;
pub mod dashboard;
pub mod event;
pub mod exchange;
pub mod history;
pub mod import;
pub mod matching;
pub mod outcomes;
mod page_survey;
mod pager;
pub mod people;
pub mod person;
pub mod privacy;
pub mod programme;
pub mod programmes;
pub mod report;
pub mod settings;
pub mod share;
pub mod surveys;
pub mod tandem_page;
pub mod tandems;

/// Every page of the app, so that links are typed, not strings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    /// The list of programmes and the form to create one.
    Programmes,
    /// A programme's dashboard.
    Programme(ProgrammeId),
    People(ProgrammeId),
    NewPerson(ProgrammeId),
    Person(ProgrammeId, PersonId),
    Tandems(ProgrammeId),
    Tandem(ProgrammeId, TandemId),
    Import(ProgrammeId),
    Exchange(ProgrammeId),
    History(ProgrammeId),
    Settings(ProgrammeId),
    /// The matching board: suggested tandems for the whole cohort.
    Matching(ProgrammeId),
    /// The programme's events, as a list or a month.
    Calendar(ProgrammeId),
    /// One event with its attendance list.
    Event(ProgrammeId, EventId),
    /// Completion rules, who meets them, and the certificates to print.
    Certificates(ProgrammeId),
    /// The report: figures, charts and tables, for print and CSV.
    Report(ProgrammeId),
    /// Recording mentees' outcomes.
    Outcomes(ProgrammeId),
    /// The questionnaires and answers from paper.
    Surveys(ProgrammeId),
}

impl Page {
    /// The page's address in the app.
    pub fn path(&self) -> String {
        match self {
            Page::Programmes => "/".to_string(),
            Page::Programme(id) => format!("/programme/{id}"),
            Page::People(id) => format!("/programme/{id}/people"),
            Page::NewPerson(id) => format!("/programme/{id}/people/new"),
            Page::Person(id, person) => format!("/programme/{id}/people/{person}"),
            Page::Tandems(id) => format!("/programme/{id}/tandems"),
            Page::Tandem(id, tandem) => format!("/programme/{id}/tandems/{tandem}"),
            Page::Import(id) => format!("/programme/{id}/import"),
            Page::Exchange(id) => format!("/programme/{id}/exchange"),
            Page::History(id) => format!("/programme/{id}/history"),
            Page::Settings(id) => format!("/programme/{id}/settings"),
            Page::Matching(id) => format!("/programme/{id}/matching"),
            Page::Calendar(id) => format!("/programme/{id}/calendar"),
            Page::Event(id, event) => format!("/programme/{id}/calendar/{event}"),
            Page::Certificates(id) => format!("/programme/{id}/certificates"),
            Page::Report(id) => format!("/programme/{id}/report"),
            Page::Outcomes(id) => format!("/programme/{id}/report/outcomes"),
            Page::Surveys(id) => format!("/programme/{id}/report/surveys"),
        }
    }
}

/// Shown for an address the app does not know.
#[component]
pub fn NotFound() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="page">
            <p class="notice notice--warning">{move || i18n.t("programme-not-found")}</p>
            <A href=Page::Programmes.path()>{move || i18n.t("programme-back")}</A>
        </section>
    }
}

/// The message for an error code, in the current language.
pub(crate) fn error_text(code: &str) -> String {
    use_i18n().t(&format!("error-{code}"))
}

/// A route parameter read as an id, if it is one.
pub(crate) fn param<T: std::str::FromStr>(name: &'static str) -> impl Fn() -> Option<T> + Copy {
    let params = leptos_router::hooks::use_params_map();
    move || params.read().get(name).and_then(|value| value.parse().ok())
}
