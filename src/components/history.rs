//! Who changed what: one change as a coordinator reads it, and the list
//! of changes to one person or tandem (or the programme's latest).

use fluent_bundle::FluentValue;
use leptos::prelude::*;
use tandem_core::{PersonId, TandemId};

use crate::i18n::{use_i18n, I18n};
use crate::session::{use_session, Authorship, ProgrammeSession};

/// One change as a coordinator reads it: who, what, about whom, when.
#[component]
pub(crate) fn ChangeLine(note: tandem_core::ChangeNote) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let key = format!("command-{}", note.command);
    let mut command = i18n.t(&key);
    if command == key {
        command = i18n.t("command-unknown");
    }
    let concerning = note
        .subject
        .as_deref()
        .and_then(|subject| subject_name(session, subject));
    let (name, mark) = author_of(session, &note.name, &note.actor, note.seq);
    view! {
        <span>
            {i18n
                .t_with(
                    "programme-history-entry",
                    &[("name", FluentValue::from(name)), ("command", FluentValue::from(command))],
                )}
        </span>
        {mark}
        {concerning
            .map(|name| view! { <span class="history__subject">{format!(" · {name}")}</span> })}
        {(note.at > 0)
            .then(|| view! { <time class="history__time">{i18n.date_time(note.at)}</time> })}
    }
}

/// Who made change `seq` of `actor`, as text: the name to show (the
/// member list's when the device's own signed delivery held the change,
/// else the name the change gives itself), and, where the programme has a
/// member list, the mark beside it (` ✓ geprüft` or ` (Name nicht
/// geprüft)`) with whether it was checked.
pub(crate) fn author_label(
    session: ProgrammeSession,
    i18n: I18n,
    given: &str,
    actor: &str,
    seq: u64,
) -> (String, Option<(bool, String)>) {
    match session.authorship(actor, seq) {
        Authorship::Given => (given.to_string(), None),
        Authorship::Checked(profile) => (
            profile.named(),
            Some((true, format!(" ✓ {}", i18n.t("author-checked")))),
        ),
        Authorship::Unchecked => (
            given.to_string(),
            Some((false, format!(" ({})", i18n.t("author-unchecked")))),
        ),
    }
}

/// Whether any of `notes` shows its author as not checked.
pub(crate) fn shows_unchecked(
    session: ProgrammeSession,
    notes: &[tandem_core::ChangeNote],
) -> bool {
    notes
        .iter()
        .any(|note| session.authorship(&note.actor, note.seq) == Authorship::Unchecked)
}

/// Says what "Name nicht geprüft" means, under a list of changes that
/// shows it: the name is the one the change gives itself, and why no
/// member's signature backs it.
#[component]
pub(crate) fn UncheckedExplained(#[prop(into)] shown: Signal<bool>) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        shown.get().then(|| {
            view! {
                <p class="muted author-note" data-testid="author-unchecked-why">
                    {i18n.t("author-unchecked-why")}
                </p>
            }
        })
    }
}

/// [`author_label`] with its mark as a view.
pub(crate) fn author_of(
    session: ProgrammeSession,
    given: &str,
    actor: &str,
    seq: u64,
) -> (String, Option<AnyView>) {
    let (name, mark) = author_label(session, use_i18n(), given, actor, seq);
    let mark = mark.map(|(checked, text)| {
        let (class, testid) = if checked {
            ("author-mark author-mark--checked", "author-checked")
        } else {
            ("author-mark", "author-unchecked")
        };
        view! {
            <span class=class data-testid=testid>
                {text}
            </span>
        }
        .into_any()
    });
    (name, mark)
}

/// The name of what a change concerned: a person, or a tandem's pair.
pub(crate) fn subject_name(session: ProgrammeSession, subject: &str) -> Option<String> {
    session
        .with_untracked(|programme| {
            if let Ok(person) = subject.parse::<PersonId>() {
                if let Some(person) = programme.people.get(&person) {
                    return Some(person.details.name.clone());
                }
            }
            let tandem = programme.tandems.get(&subject.parse::<TandemId>().ok()?)?;
            Some(format!(
                "{} – {}",
                programme.person_name(tandem.mentee),
                programme.person_name(tandem.mentor)
            ))
        })
        .flatten()
}

/// Who changed one entity (or, without a subject, the whole programme
/// lately), newest first.
#[component]
pub(crate) fn History(#[prop(optional)] subject: Option<String>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let notes = move || match &subject {
        Some(subject) => {
            let mut notes = session.history_of(subject);
            notes.reverse();
            notes
        }
        None => session.recent_changes(12),
    };
    view! {
        <section class="panel" aria-labelledby="history-title">
            <h2 id="history-title">{move || i18n.t("person-history")}</h2>
            {move || {
                let notes = notes();
                if notes.is_empty() {
                    return view! { <p class="muted">{i18n.t("history-empty")}</p> }.into_any();
                }
                let unchecked = shows_unchecked(session, &notes);
                view! {
                    <ul class="history" data-testid="history">
                        {notes
                            .into_iter()
                            .map(|note| {
                                view! {
                                    <li>
                                        <ChangeLine note />
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                    <UncheckedExplained shown=unchecked />
                }
                    .into_any()
            }}
        </section>
    }
}
