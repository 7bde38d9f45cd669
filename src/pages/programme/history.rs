//! The programme's history: every change with its author and time, filtered
//! by person or tandem; the programme as it was after any change (read
//! only); and taking back a change by a new, inverse change.

use fluent_bundle::FluentValue;
use leptos::prelude::*;
use tandem_core::{ChangeNote, Command, Dashboard, Programme, Standing};

use crate::components::history::{shows_unchecked, subject_name, ChangeLine, UncheckedExplained};
use crate::components::notice::{Outcome, OutcomeNotice};
use crate::i18n::use_i18n;
use crate::session::use_session;

const SHOWN_AT_ONCE: usize = 100;

/// The page at `/programme/:id/history`.
#[component]
pub(crate) fn HistoryPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let subject = RwSignal::new(String::new());
    let shown = RwSignal::new(SHOWN_AT_ONCE);
    let looking_at = RwSignal::new(None::<(ChangeNote, Programme)>);
    let outcome = RwSignal::new(Outcome::Idle);

    let changes = Memo::new(move |_| {
        let wanted = subject.get();
        let mut notes = if wanted.is_empty() {
            session.with_history(|history| history.all().to_vec())
        } else {
            session.history_of(&wanted)
        };
        notes.reverse();
        notes
    });
    let look = move |note: ChangeNote| {
        let past = session
            .with_document(|d| d.programme_at(&note.hash))
            .and_then(Result::ok);
        looking_at.set(past.map(|programme| (note, programme)));
    };
    let undo = move |note: ChangeNote| {
        outcome.set(
            match session.dispatch(Command::UndoChange { hash: note.hash }) {
                Ok(()) => Outcome::Done(i18n.t("history-undone")),
                Err(message) => Outcome::Refused(message),
            },
        );
    };

    view! {
        <section class="panel" aria-labelledby="history-page-title">
            <h2 id="history-page-title">{move || i18n.t("history-title")}</h2>
            <HistoryFilter subject shown />
            <div aria-live="polite">
                <OutcomeNotice outcome=outcome testid="history" />
            </div>
            // Opened from its stored view, the programme shows before its
            // document (and so its history) is loaded.
            {move || {
                session
                    .with_document(|_| ())
                    .is_none()
                    .then(|| {
                        view! {
                            <p class="muted" role="status" data-testid="history-loading">
                                {i18n.t("history-loading")}
                            </p>
                        }
                    })
            }}
            <ul class="history history--page" data-testid="history-list">
                {move || {
                    let notes = changes.get();
                    let last = notes.len().saturating_sub(1);
                    notes
                        .into_iter()
                        .take(shown.get())
                        .enumerate()
                        .map(|(index, note)| {
                            let genesis = index == last && subject.with(String::is_empty);
                            let for_look = note.clone();
                            let for_undo = note.clone();
                            view! {
                                <li class="history__entry" data-testid="history-entry">
                                    <div>
                                        <ChangeLine note=note.clone() />
                                    </div>
                                    <div class="button-row">
                                        <button
                                            type="button"
                                            class="button button--quiet-text"
                                            data-testid="history-look"
                                            on:click=move |_| look(for_look.clone())
                                        >
                                            {i18n.t("history-look")}
                                        </button>
                                        {(!genesis)
                                            .then(|| {
                                                view! {
                                                    <button
                                                        type="button"
                                                        class="button button--quiet-text"
                                                        data-testid="history-undo"
                                                        on:click=move |_| undo(for_undo.clone())
                                                    >
                                                        {i18n.t("history-undo")}
                                                    </button>
                                                }
                                            })}
                                    </div>
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
            <UncheckedExplained shown=Signal::derive(move || {
                changes
                    .with(|notes| shows_unchecked(session, &notes[..notes.len().min(shown.get())]))
            }) />
            <Show when=move || { changes.with(|c| c.len()) > shown.get() }>
                <button
                    type="button"
                    class="button button--secondary"
                    on:click=move |_| shown.update(|n| *n += SHOWN_AT_ONCE)
                >
                    {move || i18n.t("history-more")}
                </button>
            </Show>
        </section>
        {move || {
            looking_at.get().map(|(note, programme)| view! { <PastProgramme note programme /> })
        }}
    }
}

/// The programme as it was after one change, read only.
#[component]
fn PastProgramme(note: ChangeNote, programme: Programme) -> impl IntoView {
    let i18n = use_i18n();
    let dashboard = Dashboard::of(&programme);
    let standings = programme.standings();
    let mut people: Vec<(String, Standing)> = programme
        .people
        .iter()
        .filter_map(|(id, person)| Some((person.details.name.clone(), *standings.get(id)?)))
        .collect();
    people.sort_by_key(|(name, _)| name.to_lowercase());
    view! {
        <section class="panel past" aria-labelledby="past-title" data-testid="past-programme">
            <h2 id="past-title">
                {i18n
                    .t_with(
                        "history-past-title",
                        &[("time", FluentValue::from(i18n.date_time(note.at)))],
                    )}
            </h2>
            <p class="muted">{i18n.t("history-past-read-only")}</p>
            <p>
                {i18n
                    .t_with(
                        "history-past-summary",
                        &[
                            ("people", FluentValue::from(dashboard.totals.people())),
                            ("tandems", FluentValue::from(programme.tandems.len())),
                        ],
                    )}
            </p>
            <ul class="plain-list">
                {people
                    .into_iter()
                    .map(|(name, standing)| {
                        view! {
                            <li>{name}" · "{i18n.t(&format!("standing-{}", standing.code()))}</li>
                        }
                    })
                    .collect_view()}
            </ul>
        </section>
    }
}

/// The choice of whose changes to show: everyone's, one person's or one
/// tandem's. A new choice starts again with the latest changes.
#[component]
fn HistoryFilter(subject: RwSignal<String>, shown: RwSignal<usize>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let subjects = move || {
        session
            .with(|p| {
                let mut people: Vec<(String, String)> = p
                    .people
                    .iter()
                    .map(|(id, person)| (id.to_string(), person.details.name.clone()))
                    .collect();
                people.sort_by_key(|(_, name)| name.to_lowercase());
                let tandems: Vec<(String, String)> = p
                    .tandems
                    .keys()
                    .map(|id| {
                        (
                            id.to_string(),
                            subject_name(session, &id.to_string()).unwrap_or_default(),
                        )
                    })
                    .collect();
                (people, tandems)
            })
            .unwrap_or_default()
    };
    view! {
        <div class="field">
            <label for="history-filter">{move || i18n.t("history-filter")}</label>
            <select
                id="history-filter"
                data-testid="history-filter"
                on:change=move |event| {
                    subject.set(event_target_value(&event));
                    shown.set(SHOWN_AT_ONCE);
                }
            >
                <option value="">{move || i18n.t("history-filter-all")}</option>
                {move || {
                    let (people, tandems) = subjects();
                    view! {
                        <optgroup label=i18n
                            .t(
                                "people-title",
                            )>
                            {people
                                .into_iter()
                                .map(|(id, name)| view! { <option value=id>{name}</option> })
                                .collect_view()}
                        </optgroup>
                        <optgroup label=i18n
                            .t(
                                "tandems-title",
                            )>
                            {tandems
                                .into_iter()
                                .map(|(id, name)| view! { <option value=id>{name}</option> })
                                .collect_view()}
                        </optgroup>
                    }
                }}
            </select>
        </div>
    }
}
