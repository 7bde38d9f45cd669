//! Every address of the app: the typed [`Page`] a link points to, and the
//! route table that turns an address back into a page. Both are written
//! here, side by side, and a browser test walks every page through the
//! table (`tests/web.rs`), so a page without a route, or a route that
//! shows another page, fails there.

use leptos::prelude::*;
use leptos_router::components::{ParentRoute, Route, Routes};
use leptos_router::path;
use tandem_core::{EventId, PersonId, ProgrammeId, TandemId};

use crate::pages::calendar::{
    certificates::CertificatesPage, event::EventPage, list::CalendarPage,
};
use crate::pages::matching::board::MatchingPage;
use crate::pages::people::{
    import::ImportPage, list::PeoplePage, person::IntakePage, person::PersonPage,
};
use crate::pages::programme::{
    dashboard::DashboardPage, exchange::ExchangePage, history::HistoryPage, list::ProgrammesPage,
    settings::SettingsPage, share::JoinByLinkPage, shell::ProgrammeShell,
};
use crate::pages::report::{page::ReportPage, surveys::SurveysPage};
use crate::pages::tandems::{list::TandemPage, list::TandemsPage, outcomes::OutcomesPage};
use crate::pages::{
    apply::ApplyPage, privacy_notice::PrivacyNoticePage, tandem_page::ParticipantPage, NotFound,
};

/// Every page of the app, so that links are typed, not strings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    /// The list of programmes and the form to create one.
    Programmes,
    /// Joining a programme shared live, from an invite link.
    Join,
    /// A participant's own tandem page, from their link.
    Participant,
    /// The public privacy notice.
    Privacy,
    /// A programme's application form, from its public link.
    Apply,
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
            Page::Join => "/join".to_string(),
            Page::Participant => "/tandem".to_string(),
            Page::Privacy => "/datenschutz".to_string(),
            Page::Apply => "/bewerben".to_string(),
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

    /// The page at an address of the app (the path, without query or
    /// fragment), if there is one.
    pub fn from_path(path: &str) -> Option<Page> {
        let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
        let page = match parts.as_slice() {
            [""] => Page::Programmes,
            ["join"] => Page::Join,
            ["tandem"] => Page::Participant,
            ["datenschutz"] => Page::Privacy,
            ["bewerben"] => Page::Apply,
            ["programme", id, rest @ ..] => {
                let id: ProgrammeId = id.parse().ok()?;
                match rest {
                    [] => Page::Programme(id),
                    ["people"] => Page::People(id),
                    ["people", "new"] => Page::NewPerson(id),
                    ["people", person] => Page::Person(id, person.parse().ok()?),
                    ["tandems"] => Page::Tandems(id),
                    ["tandems", tandem] => Page::Tandem(id, tandem.parse().ok()?),
                    ["import"] => Page::Import(id),
                    ["exchange"] => Page::Exchange(id),
                    ["history"] => Page::History(id),
                    ["settings"] => Page::Settings(id),
                    ["matching"] => Page::Matching(id),
                    ["calendar"] => Page::Calendar(id),
                    ["calendar", event] => Page::Event(id, event.parse().ok()?),
                    ["certificates"] => Page::Certificates(id),
                    ["report"] => Page::Report(id),
                    ["report", "outcomes"] => Page::Outcomes(id),
                    ["report", "surveys"] => Page::Surveys(id),
                    _ => return None,
                }
            }
            _ => return None,
        };
        Some(page)
    }

    /// One page of every kind, for the given ids: what the route table must
    /// cover. Adding a page means adding it here, or this stops compiling.
    pub fn one_of_each(
        programme: ProgrammeId,
        person: PersonId,
        tandem: TandemId,
        event: EventId,
    ) -> Vec<Page> {
        let pages = vec![
            Page::Programmes,
            Page::Join,
            Page::Participant,
            Page::Privacy,
            Page::Apply,
            Page::Programme(programme),
            Page::People(programme),
            Page::NewPerson(programme),
            Page::Person(programme, person),
            Page::Tandems(programme),
            Page::Tandem(programme, tandem),
            Page::Import(programme),
            Page::Exchange(programme),
            Page::History(programme),
            Page::Settings(programme),
            Page::Matching(programme),
            Page::Calendar(programme),
            Page::Event(programme, event),
            Page::Certificates(programme),
            Page::Report(programme),
            Page::Outcomes(programme),
            Page::Surveys(programme),
        ];
        // Every kind of page is in the list above; a new one fails here.
        for page in &pages {
            match page {
                Page::Programmes
                | Page::Join
                | Page::Participant
                | Page::Privacy
                | Page::Apply
                | Page::Programme(_)
                | Page::People(_)
                | Page::NewPerson(_)
                | Page::Person(_, _)
                | Page::Tandems(_)
                | Page::Tandem(_, _)
                | Page::Import(_)
                | Page::Exchange(_)
                | Page::History(_)
                | Page::Settings(_)
                | Page::Matching(_)
                | Page::Calendar(_)
                | Page::Event(_, _)
                | Page::Certificates(_)
                | Page::Report(_)
                | Page::Outcomes(_)
                | Page::Surveys(_) => {}
            }
        }
        pages
    }
}

/// The route table: which page shows at which address. Unknown addresses
/// show [`NotFound`].
#[component]
pub fn AppRoutes() -> impl IntoView {
    view! {
        <Routes fallback=NotFound>
            <Route path=path!("/") view=ProgrammesPage />
            <Route path=path!("/join") view=JoinByLinkPage />
            <Route path=path!("/tandem") view=ParticipantPage />
            <Route path=path!("/datenschutz") view=PrivacyNoticePage />
            <Route path=path!("/bewerben") view=ApplyPage />
            <ParentRoute path=path!("/programme/:id") view=ProgrammeShell>
                <Route path=path!("") view=DashboardPage />
                <Route path=path!("people") view=PeoplePage />
                <Route path=path!("people/new") view=IntakePage />
                <Route path=path!("people/:person") view=PersonPage />
                <Route path=path!("tandems") view=TandemsPage />
                <Route path=path!("tandems/:tandem") view=TandemPage />
                <Route path=path!("import") view=ImportPage />
                <Route path=path!("exchange") view=ExchangePage />
                <Route path=path!("history") view=HistoryPage />
                <Route path=path!("settings") view=SettingsPage />
                <Route path=path!("matching") view=MatchingPage />
                <Route path=path!("calendar") view=CalendarPage />
                <Route path=path!("calendar/:event") view=EventPage />
                <Route path=path!("certificates") view=CertificatesPage />
                <Route path=path!("report") view=ReportPage />
                <Route path=path!("report/outcomes") view=OutcomesPage />
                <Route path=path!("report/surveys") view=SurveysPage />
            </ParentRoute>
        </Routes>
    }
}
