//! The dashboard's reminders: for what needs attention, the prepared
//! message to each person, handed to the coordinator's own mail program,
//! and the mark that it was sent.
//!
//! Tandem sends no mail itself: there is no server to send it from, and a
//! programme's mail should come from the coordinator's office address. A
//! link opens a prepared mail (`mailto:`) to one person, or one mail per
//! language with everyone in BCC, so nobody sees who else takes part.
//! Which reminders there are is `tandem_core::reminders`.

use std::collections::BTreeMap;

use fluent_bundle::{FluentArgs, FluentValue};
use leptos::prelude::*;
use leptos::task::spawn_local;
use tandem_core::{
    mailto, reminders, Addressee, Command, ContactConcern, MessageLanguage, Reminder, TandemId,
};

use crate::clock::today;
use crate::components::notice::{Outcome, OutcomeNotice};
use crate::i18n::{translate, use_i18n};
use crate::language::Language;
use crate::session::use_session;
use crate::settings::Settings;

fn language(of: MessageLanguage) -> Language {
    match of {
        MessageLanguage::German => Language::German,
        MessageLanguage::English => Language::English,
    }
}

/// The subject and body of a reminder in one language, to one person (or,
/// without a name, to everyone in BCC).
fn message(
    reminder: &Reminder,
    to: Language,
    name: Option<&str>,
    programme: &str,
) -> (String, String) {
    let code = reminder.kind.code();
    let mut args = FluentArgs::new();
    args.set("programme", FluentValue::from(programme.to_string()));
    args.set("title", FluentValue::from(reminder.title.clone()));
    args.set(
        "date",
        FluentValue::from(reminder.day.map(|day| to.day(day)).unwrap_or_default()),
    );
    let coordinator = Settings::load()
        .author()
        .map(|author| author.name)
        .unwrap_or_default();
    args.set("coordinator", FluentValue::from(coordinator));
    let greeting = match name {
        Some(name) => {
            args.set("name", FluentValue::from(name.to_string()));
            translate(to, "reminder-greeting", Some(&args))
        }
        None => translate(to, "reminder-greeting-all", None),
    };
    let subject = translate(to, &format!("reminder-{code}-subject"), Some(&args));
    let body = format!(
        "{greeting}\n\n{}\n\n{}",
        translate(to, &format!("reminder-{code}-body"), Some(&args)),
        translate(to, "reminder-closing", Some(&args))
    );
    (subject, body)
}

/// The reminders panel of the dashboard.
#[component]
pub fn Reminders() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let quiet = RwSignal::new(BTreeMap::<TandemId, ContactConcern>::new());
    let active: Vec<TandemId> = session
        .with_untracked(|p| {
            p.tandems
                .iter()
                .filter(|(_, t)| t.is_active())
                .map(|(id, _)| *id)
                .collect()
        })
        .unwrap_or_default();
    spawn_local(async move {
        let concerns = crate::pages::tandem_page::contact_concerns(active).await;
        if !quiet.is_disposed() {
            quiet.set(concerns);
        }
    });
    let found = Memo::new(move |_| {
        let quiet = quiet.get();
        session
            .with(|programme| {
                (
                    programme.name.clone(),
                    reminders(programme, &quiet, today()),
                )
            })
            .unwrap_or_default()
    });
    let outcome = RwSignal::new(Outcome::Idle);

    view! {
        <section class="panel" aria-labelledby="reminders-title" data-testid="reminders">
            <h2 id="reminders-title">{move || i18n.t("reminders-title")}</h2>
            <p class="muted">{move || i18n.t("reminders-how")}</p>
            <div aria-live="polite">
                <OutcomeNotice outcome testid="reminder-sent" />
            </div>
            {move || {
                let (programme, list) = found.get();
                if list.is_empty() {
                    return view! { <p class="muted">{i18n.t("reminders-none")}</p> }.into_any();
                }
                view! {
                    <ul class="reminder-list">
                        {list
                            .into_iter()
                            .map(|reminder| {
                                view! {
                                    <ReminderItem reminder programme=programme.clone() outcome />
                                }
                            })
                            .collect_view()}
                    </ul>
                }
                    .into_any()
            }}
        </section>
    }
}

/// One reminder: what it is about, its people with a mail link each, the
/// BCC mails, and the button that marks it sent.
#[component]
fn ReminderItem(
    reminder: Reminder,
    programme: String,
    outcome: RwSignal<Outcome>,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let headline = {
        let mut args = vec![
            ("title", FluentValue::from(reminder.title.clone())),
            ("count", FluentValue::from(reminder.people.len())),
        ];
        args.push(("date", FluentValue::from(i18n.day_or_unknown(reminder.day))));
        i18n.t_with(
            &format!("reminder-headline-{}", reminder.kind.code()),
            &args,
        )
    };
    // Said once for all when it is the same for all: the language of the
    // mails, the day they were marked sent.
    let languages: std::collections::BTreeSet<&str> = reminder
        .reachable()
        .map(|addressee| language(addressee.language).tag())
        .collect();
    let one_language = languages.len() <= 1;
    let days: std::collections::BTreeSet<_> = reminder
        .people
        .iter()
        .map(|addressee| addressee.sent_on)
        .collect();
    let sent_to_all_on = match days.into_iter().collect::<Vec<_>>().as_slice() {
        [Some(day)] if reminder.people.len() > 1 => Some(*day),
        _ => None,
    };
    let people = reminder
        .people
        .iter()
        .map(|addressee| {
            let shown = Addressee {
                sent_on: addressee.sent_on.filter(|_| sent_to_all_on.is_none()),
                ..addressee.clone()
            };
            view! {
                <AddresseeLine
                    reminder=reminder.clone()
                    addressee=shown
                    programme=programme.clone()
                    name_language=!one_language
                />
            }
        })
        .collect_view();
    let all_sent_line = sent_to_all_on.map(|day| {
        view! {
            <p class="muted" data-testid="reminder-sent-to-all">
                {i18n.t_with("reminder-sent-to-all", &[("date", FluentValue::from(i18n.day(day)))])}
            </p>
        }
    });
    // One BCC mail per language, for two or more people with an address.
    let mut by_language: BTreeMap<&'static str, (Language, Vec<&str>)> = BTreeMap::new();
    for addressee in reminder.reachable() {
        let to = language(addressee.language);
        by_language
            .entry(to.tag())
            .or_insert_with(|| (to, Vec::new()))
            .1
            .push(addressee.email.as_str());
    }
    let bcc = (reminder.reachable().count() > 1).then(|| {
        by_language
            .into_values()
            .map(|(to, addresses)| {
                let (subject, body) = message(&reminder, to, None, &programme);
                let href = mailto(&addresses, true, &subject, &body);
                let label = i18n.t_with(
                    "reminder-bcc",
                    &[
                        ("count", FluentValue::from(addresses.len())),
                        (
                            "language",
                            FluentValue::from(i18n.t(&format!("language-name-{}", to.tag()))),
                        ),
                    ],
                );
                view! {
                    <a class="button button--secondary" href=href data-testid="reminder-bcc">
                        {label}
                    </a>
                }
            })
            .collect_view()
    });
    let unsent: Vec<_> = reminder
        .people
        .iter()
        .filter(|addressee| addressee.sent_on.is_none())
        .map(|addressee| addressee.person)
        .collect();
    let key = reminder.key.clone();
    let mark = move |_| {
        let command = Command::RecordReminderSent {
            key: key.clone(),
            people: unsent.clone(),
            on: today(),
        };
        outcome.set(match session.dispatch(command) {
            Ok(()) => Outcome::Done(i18n.t("reminder-marked")),
            Err(message) => Outcome::Refused(message),
        });
    };
    let all_sent = reminder.all_sent();
    view! {
        <li class="reminder" data-testid="reminder" data-kind=reminder.kind.code()>
            <h3>{headline}</h3>
            <ul class="reminder__people">{people}</ul>
            {all_sent_line}
            <div class="reminder__actions">
                {bcc}
                {(!all_sent)
                    .then(|| {
                        view! {
                            <button
                                type="button"
                                class="button button--secondary"
                                data-testid="reminder-mark"
                                on:click=mark
                            >
                                {i18n.t("reminder-mark")}
                            </button>
                        }
                    })}
            </div>
        </li>
    }
}

/// One person of a reminder: the mail link, or why there is none, and
/// when it was marked sent.
#[component]
fn AddresseeLine(
    reminder: Reminder,
    addressee: Addressee,
    programme: String,
    /// Whether to say the mail's language (when the people's differ).
    name_language: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let to = language(addressee.language);
    let link = (!addressee.email.is_empty()).then(|| {
        let (subject, body) = message(&reminder, to, Some(&addressee.name), &programme);
        let href = mailto(&[addressee.email.as_str()], false, &subject, &body);
        let name = FluentValue::from(addressee.name.clone());
        let label = if name_language {
            let language = FluentValue::from(i18n.t(&format!("language-name-{}", to.tag())));
            i18n.t_with(
                "reminder-mail-in",
                &[("name", name), ("language", language)],
            )
        } else {
            i18n.t_with("reminder-mail", &[("name", name)])
        };
        view! {
            <a href=href data-testid="reminder-mail">
                {label}
            </a>
        }
    });
    let missing = addressee
        .email
        .is_empty()
        .then(|| view! { <span class="muted">{addressee.name.clone()}" – "{i18n.t("reminder-no-email")}</span> });
    let sent = addressee.sent_on.map(|on| {
        view! {
            <span class="muted" data-testid="reminder-sent-on">
                " · "
                {i18n.t_with("reminder-sent-on", &[("date", FluentValue::from(i18n.day(on)))])}
            </span>
        }
    });
    view! { <li>{link}{missing}{sent}</li> }
}
