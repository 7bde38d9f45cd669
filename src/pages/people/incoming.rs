//! Applications that came by link: fetched from the programme's inbox on
//! the relay with the reader token, opened on this device with the intake
//! key, checked against the people already here, and taken in or declined
//! by a coordinator.
//!
//! A withdrawal (the applicant's receipt code) is recorded as soon as it is
//! read: it is the applicant's right and needs no decision. Once every
//! message up to a point has been dealt with, the relay deletes them, so
//! the inbox holds only what still waits.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use tandem_core::{
    review_incoming, ApplicationForm, Command, Day, IncomingMessage, IncomingVerdict, IntakeForm,
    IntakeMessage, IntakeSecrets, PersonId, ProgrammeId,
};
use tandem_sync::intake::{InboxId, IntakeKey, ReaderToken, SealedApplication};

use crate::clock::today;
use crate::components::notice::{Outcome, OutcomeNotice};
use crate::i18n::use_i18n;
use crate::inbox::{self, InboxError};
use crate::pages::programme::intake_link::intake_relay;
use crate::routes::Page;
use crate::session::{use_session, ProgrammeSession};

/// What one fetch found, from the current inbox and the earlier ones
/// still being drained.
#[derive(Debug, Clone, PartialEq, Default)]
struct Fetched {
    /// Every message that opened, numbered in the order read (earlier
    /// inboxes first): the number is an index into `places`.
    messages: Vec<IncomingMessage>,
    /// Messages that did not open (damaged, or sealed to another key).
    unreadable: usize,
    /// The inboxes read; the current one last.
    inboxes: Vec<IntakeSecrets>,
    /// Where each numbered message is: its inbox (an index into
    /// `inboxes`) and its number on the relay. Message `n` is at `n - 1`.
    places: Vec<(usize, u64)>,
    /// Earlier inboxes the relay no longer has (drained before).
    gone: Vec<IntakeSecrets>,
}

fn day_of(seconds: u64) -> Day {
    Day::EPOCH.plus_days(i64::try_from(seconds / 86_400).unwrap_or(0))
}

/// The secrets of an inbox as bytes: its id, the intake key and the reader
/// token as the relay wants it.
fn opened_secrets(secrets: &IntakeSecrets) -> Result<(InboxId, IntakeKey, String), InboxError> {
    let malformed = || InboxError::Refused("secrets".into());
    let id = InboxId(secrets.inbox_bytes().ok_or_else(malformed)?);
    let key = IntakeKey::from_secret_bytes(secrets.key_secret_bytes().ok_or_else(malformed)?);
    let reader = ReaderToken(secrets.reader_bytes().ok_or_else(malformed)?).to_hex();
    Ok((id, key, reader))
}

/// Reads every message of one inbox and opens it, numbering them on from
/// what `fetched` holds.
async fn fetch_inbox(
    base: &str,
    secrets: &IntakeSecrets,
    fetched: &mut Fetched,
) -> Result<(), InboxError> {
    let (id, key, reader) = opened_secrets(secrets)?;
    // Read whole before it counts: an inbox the relay no longer has adds
    // nothing.
    let mut stored = Vec::new();
    loop {
        let page = inbox::read_messages(base, &id, &reader, stored_after(&stored)).await?;
        let done = page
            .messages
            .last()
            .is_none_or(|message| message.seq >= page.latest);
        stored.extend(page.messages);
        if done {
            break;
        }
    }
    let index = fetched.inboxes.len();
    fetched.inboxes.push(secrets.clone());
    for stored in stored {
        fetched.places.push((index, stored.seq));
        let opened = SealedApplication::from_bytes(&stored.sealed)
            .ok()
            .and_then(|sealed| key.open(&id, &sealed).ok())
            .and_then(|bytes| IntakeMessage::from_bytes(&bytes).ok());
        match opened {
            Some(message) => fetched.messages.push(IncomingMessage {
                seq: fetched.places.len() as u64,
                received_on: day_of(stored.at),
                message,
            }),
            None => fetched.unreadable += 1,
        }
    }
    Ok(())
}

/// The relay's number of the last message read, 0 before the first.
fn stored_after(stored: &[inbox::StoredMessage]) -> u64 {
    stored.last().map_or(0, |message| message.seq)
}

/// Reads the earlier inboxes still being drained (closing each on the
/// relay first, so that nothing arrives after it was read), then the
/// current one.
async fn fetch(form: &IntakeForm) -> Result<Fetched, InboxError> {
    let base = intake_relay().ok_or(InboxError::Offline)?;
    let mut fetched = Fetched::default();
    for earlier in form.draining() {
        let (id, _, reader) = opened_secrets(&earlier)?;
        let read = match inbox::close(&base, &id, &reader).await {
            Ok(()) => fetch_inbox(&base, &earlier, &mut fetched).await,
            Err(error) => Err(error),
        };
        match read {
            Ok(()) => {}
            Err(InboxError::NoSuchInbox) => fetched.gone.push(earlier),
            Err(error) => return Err(error),
        }
    }
    fetch_inbox(&base, &form.secrets, &mut fetched).await?;
    Ok(fetched)
}

/// Records every withdrawal the programme has not recorded yet.
fn record_withdrawals(session: ProgrammeSession, fetched: &Fetched) {
    for incoming in &fetched.messages {
        if let IntakeMessage::Withdrawal { receipt } = &incoming.message {
            let known = session
                .with_untracked(|p| p.intake_receipts.contains_key(receipt))
                .unwrap_or(true);
            if !known {
                let _ = session.dispatch(Command::RecordApplicationWithdrawn {
                    receipt: *receipt,
                    on: incoming.received_on,
                });
            }
        }
    }
}

/// Lets the relay delete what has been dealt with: in each inbox, every
/// message before the first one still waiting for a decision. An earlier
/// inbox with nothing left waiting is then closed for good (the relay
/// keeps only its id) and the programme forgets its keys.
async fn forget_dealt_with(session: ProgrammeSession, fetched: Fetched) {
    let reviews = session
        .with_untracked(|p| review_incoming(p, &fetched.messages))
        .unwrap_or_default();
    let waiting = reviews
        .iter()
        .filter(|review| review.verdict.awaits_decision())
        .map(|review| review.seq)
        .min()
        .unwrap_or(u64::MAX);
    let Some(base) = intake_relay() else {
        return;
    };
    let current = fetched.inboxes.len().saturating_sub(1);
    for (index, secrets) in fetched.inboxes.iter().enumerate() {
        let Ok((id, _, reader)) = opened_secrets(secrets) else {
            continue;
        };
        let dealt_with = fetched
            .places
            .iter()
            .zip(1u64..)
            .filter(|((inbox, _), _)| *inbox == index);
        let through = dealt_with
            .clone()
            .take_while(|(_, number)| *number < waiting)
            .map(|((_, seq), _)| *seq)
            .last();
        let drained = dealt_with.clone().all(|(_, number)| number < waiting);
        if let Some(through) = through {
            if inbox::delete_through(&base, &id, &reader, through)
                .await
                .is_err()
            {
                continue;
            }
        }
        if index != current && drained {
            forget_inbox(session, &base, secrets).await;
        }
    }
    for gone in &fetched.gone {
        forget_inbox(session, &base, gone).await;
    }
}

/// Closes an emptied earlier inbox for good and forgets its keys.
async fn forget_inbox(session: ProgrammeSession, base: &str, secrets: &IntakeSecrets) {
    let (Ok((id, _, reader)), Some(bytes)) = (opened_secrets(secrets), secrets.inbox_bytes())
    else {
        return;
    };
    match inbox::close(base, &id, &reader).await {
        Ok(()) | Err(InboxError::NoSuchInbox) => {
            let _ = session.dispatch(Command::ForgetDrainedInbox {
                inbox: bytes,
                on: today(),
            });
        }
        Err(_) => {}
    }
}

/// The people page's panel of applications that came by link.
#[component]
pub(crate) fn IncomingApplications(programme: ProgrammeId) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let form = session.with_untracked(|p| p.intake.clone()).flatten();
    let Some(form) = form else {
        return ().into_any();
    };
    let fetched = RwSignal::new(None::<Result<Fetched, InboxError>>);
    let outcome = RwSignal::new(Outcome::Idle);
    let refresh = {
        move || {
            // The form as it is now: a renewal or a drained inbox changes it.
            let form = session
                .with_untracked(|p| p.intake.clone())
                .flatten()
                .unwrap_or_else(|| form.clone());
            spawn_local(async move {
                let result = fetch(&form).await;
                if let Ok(found) = &result {
                    record_withdrawals(session, found);
                }
                if !fetched.is_disposed() {
                    fetched.set(Some(result));
                }
            });
        }
    };
    refresh();
    let reviews = Memo::new(move |_| {
        let Some(Ok(found)) = fetched.get() else {
            return Vec::new();
        };
        session
            .with(|p| {
                review_incoming(p, &found.messages)
                    .into_iter()
                    .filter_map(|review| {
                        let incoming = found
                            .messages
                            .iter()
                            .find(|incoming| incoming.seq == review.seq)?;
                        match &incoming.message {
                            IntakeMessage::Application(application) => Some((
                                review.verdict,
                                (**application).clone(),
                                incoming.received_on,
                            )),
                            IntakeMessage::Withdrawal { .. } => None,
                        }
                    })
                    .filter(|(verdict, ..)| {
                        !matches!(verdict, IncomingVerdict::AlreadyDealtWith { .. })
                    })
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    });
    // How many still wait for a coordinator's decision.
    let waiting = Memo::new(move |_| {
        reviews.with(|reviews| {
            reviews
                .iter()
                .filter(|(verdict, ..)| verdict.awaits_decision())
                .count()
        })
    });
    // When nothing waits any more, the relay may delete what was read.
    Effect::new({
        move |_| {
            let waiting = waiting.get();
            if let Some(Ok(found)) = fetched.get_untracked() {
                let earlier = found.inboxes.len() > 1 || !found.gone.is_empty();
                if waiting == 0 && (earlier || !found.places.is_empty()) {
                    spawn_local(forget_dealt_with(session, found));
                }
            }
        }
    });
    let refresh_click = move |_| refresh();
    view! {
        <section class="panel" aria-labelledby="incoming-title" data-testid="incoming">
            <div class="panel__header">
                <h2 id="incoming-title">
                    {move || {
                        i18n.t_with(
                            "incoming-title",
                            &[("count", fluent_bundle::FluentValue::from(waiting.get()))],
                        )
                    }}
                </h2>
                <button
                    type="button"
                    class="button"
                    on:click=refresh_click
                    data-testid="incoming-refresh"
                >
                    {move || i18n.t("incoming-refresh")}
                </button>
            </div>
            <div aria-live="polite">
                <OutcomeNotice outcome testid="incoming-outcome" />
            </div>
            {move || match fetched.get() {
                None => view! { <p class="muted">{i18n.t("incoming-loading")}</p> }.into_any(),
                Some(Err(error)) => {
                    view! {
                        <p
                            class="notice notice--warning"
                            role="alert"
                            data-testid="incoming-failed"
                        >
                            {i18n.t(error.text_id())}
                        </p>
                    }
                        .into_any()
                }
                Some(Ok(found)) => {
                    view! {
                        {(found.unreadable > 0)
                            .then(|| {
                                view! {
                                    <p
                                        class="notice notice--warning"
                                        data-testid="incoming-unreadable"
                                    >
                                        {i18n
                                            .t_with(
                                                "incoming-unreadable",
                                                &[
                                                    (
                                                        "count",
                                                        fluent_bundle::FluentValue::from(found.unreadable),
                                                    ),
                                                ],
                                            )}
                                    </p>
                                }
                            })}
                        <ul class="incoming-list">
                            {move || {
                                reviews
                                    .get()
                                    .into_iter()
                                    .map(|(verdict, application, received_on)| {
                                        view! {
                                            <IncomingCard
                                                programme
                                                verdict
                                                application
                                                received_on
                                                outcome
                                            />
                                        }
                                    })
                                    .collect_view()
                            }}
                        </ul>
                    }
                        .into_any()
                }
            }}
        </section>
    }
    .into_any()
}

/// One application: who, as what, when, what it resembles; take in or
/// decline.
#[component]
fn IncomingCard(
    programme: ProgrammeId,
    verdict: IncomingVerdict,
    application: ApplicationForm,
    received_on: Day,
    outcome: RwSignal<Outcome>,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let name = application.answers.name.clone().unwrap_or_default();
    let email = application.answers.email.clone().unwrap_or_default();
    let role = application.role;
    let receipt = application.receipt;
    let applied = application.sent_on;
    let withdrawn = matches!(verdict, IncomingVerdict::Withdrawn { .. });
    let flag = match verdict {
        IncomingVerdict::SamePersonAs(person) => {
            let other = session
                .with_untracked(|p| p.people.get(&person).map(|p| p.details.name.clone()))
                .flatten()
                .unwrap_or_default();
            Some(
                view! {
                    <p class="notice notice--warning" data-testid="incoming-duplicate">
                        {i18n
                            .t_with(
                                "incoming-same-person",
                                &[("name", fluent_bundle::FluentValue::from(other))],
                            )}
                        " "
                        <A href=Page::Person(programme, person)
                            .path()>{i18n.t("incoming-open-person")}</A>
                    </p>
                }
                .into_any(),
            )
        }
        IncomingVerdict::SameAsIncoming(_) => Some(
            view! {
                <p class="notice notice--warning" data-testid="incoming-duplicate">
                    {i18n.t("incoming-same-incoming")}
                </p>
            }
            .into_any(),
        ),
        IncomingVerdict::Withdrawn { .. } => Some(
            view! {
                <p class="notice notice--info" data-testid="incoming-withdrawn">
                    {i18n.t("incoming-withdrawn")}
                </p>
            }
            .into_any(),
        ),
        _ => None,
    };
    let take_in = {
        let application = application.clone();
        move |_| {
            let id = PersonId::random();
            match session.dispatch(Command::TakeInApplication {
                id,
                application: application.clone(),
                received_on,
            }) {
                Ok(()) => outcome.set(Outcome::Done(i18n.t("incoming-taken-in"))),
                Err(message) => outcome.set(Outcome::Refused(message)),
            }
        }
    };
    let decline = move |_| match session.dispatch(Command::DeclineApplication {
        receipt,
        on: today(),
    }) {
        Ok(()) => outcome.set(Outcome::Done(i18n.t("incoming-declined"))),
        Err(message) => outcome.set(Outcome::Refused(message)),
    };
    view! {
        <li class="incoming-card" data-testid="incoming-card">
            <p class="incoming-card__who">
                <strong>{name}</strong>
                " · "
                {email}
                " · "
                {move || i18n.t(&format!("role-{}", role.code()))}
            </p>
            <p class="muted">
                {move || {
                    i18n.t_with(
                        "incoming-applied-on",
                        &[("day", fluent_bundle::FluentValue::from(i18n.day(applied)))],
                    )
                }} " · " {move || i18n.t("incoming-receipt")} " " {receipt.to_string()}
            </p>
            {flag}
            {(!withdrawn)
                .then(|| {
                    view! {
                        <div class="button-row">
                            <button
                                type="button"
                                class="button button--primary"
                                on:click=take_in
                                data-testid="incoming-take-in"
                            >
                                {move || i18n.t("incoming-take-in")}
                            </button>
                            <button
                                type="button"
                                class="button"
                                on:click=decline
                                data-testid="incoming-decline"
                            >
                                {move || i18n.t("incoming-decline")}
                            </button>
                        </div>
                    }
                })}
        </li>
    }
}
