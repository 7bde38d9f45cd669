//! One person: the intake form for a new application, and the person's page
//! with their details, their application (interview, decision, withdrawal),
//! their tandems and who changed what.

use fluent_bundle::FluentValue;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;
use tandem_core::{
    Command, Day, Decision, Interview, MeetingFormat, PartnerId, PersonDetails, PersonId, Role,
    SharedFields, Stage,
};

use crate::clock::today;
use crate::components::field::{CheckField, TextField};
use crate::components::history::History;
use crate::components::notice::{Outcome, OutcomeNotice, SubmitWithNotice};
use crate::components::participation::PersonParticipation;
use crate::i18n::use_i18n;
use crate::pages::param;
use crate::routes::Page;
use crate::session::use_session;
use crate::settings::Settings;

fn split_list(text: &str) -> Vec<String> {
    text.split(',')
        .map(|item| item.trim().to_string())
        .collect()
}

/// The form for a person's details, used at intake and to edit them.
#[component]
fn PersonForm(
    initial: PersonDetails,
    applied_on: Option<Day>,
    submit_label: &'static str,
    submit: impl Fn(PersonDetails, Option<Day>) -> Result<String, String> + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let name = RwSignal::new(initial.name.clone());
    let salutation = RwSignal::new(initial.salutation.clone());
    let role = RwSignal::new(initial.role.code().to_string());
    let organisation = RwSignal::new(
        initial
            .organisation
            .map(|id| id.to_string())
            .unwrap_or_default(),
    );
    let department = RwSignal::new(initial.department.clone());
    let position = RwSignal::new(initial.position.clone());
    let email = RwSignal::new(initial.email.clone());
    let phone = RwSignal::new(initial.phone.clone());
    let topics = RwSignal::new(initial.topics.join(", "));
    let goal = RwSignal::new(initial.goal.clone());
    let motivation = RwSignal::new(initial.motivation.clone());
    let availability = RwSignal::new(initial.availability.clone());
    let meeting_format = RwSignal::new(initial.meeting_format.code().to_string());
    let languages = RwSignal::new(initial.languages.join(", "));
    let location = RwSignal::new(initial.location.clone());
    let notes = RwSignal::new(initial.notes.clone());
    let applied = RwSignal::new(applied_on.map(|day| day.iso()).unwrap_or_default());
    let shared = initial.shared_with_tandem;
    let share_email = RwSignal::new(shared.email);
    let share_phone = RwSignal::new(shared.phone);
    let share_organisation = RwSignal::new(shared.organisation);
    let share_position = RwSignal::new(shared.position);
    let share_location = RwSignal::new(shared.location);
    let outcome = RwSignal::new(Outcome::Idle);
    let partners = move || session.partner_choices();

    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let details = PersonDetails {
            role: Role::from_code(&role.get_untracked()).unwrap_or_default(),
            name: name.get_untracked(),
            salutation: salutation.get_untracked(),
            organisation: organisation.get_untracked().parse::<PartnerId>().ok(),
            department: department.get_untracked(),
            position: position.get_untracked(),
            email: email.get_untracked(),
            phone: phone.get_untracked(),
            topics: split_list(&topics.get_untracked()),
            goal: goal.get_untracked(),
            motivation: motivation.get_untracked(),
            availability: availability.get_untracked(),
            meeting_format: MeetingFormat::from_code(&meeting_format.get_untracked())
                .unwrap_or_default(),
            languages: split_list(&languages.get_untracked()),
            location: location.get_untracked(),
            shared_with_tandem: SharedFields {
                email: share_email.get_untracked(),
                phone: share_phone.get_untracked(),
                organisation: share_organisation.get_untracked(),
                position: share_position.get_untracked(),
                location: share_location.get_untracked(),
            },
            notes: notes.get_untracked(),
        };
        let day = if applied_on.is_some() {
            match Day::parse(&applied.get_untracked()) {
                Ok(day) => Some(day),
                Err(_) => {
                    outcome.set(Outcome::Refused(i18n.t_with(
                        "error-date-invalid",
                        &[("value", FluentValue::from(applied.get_untracked()))],
                    )));
                    return;
                }
            }
        } else {
            None
        };
        outcome.set(match submit(details, day) {
            Ok(message) => Outcome::Done(message),
            Err(message) => Outcome::Refused(message),
        });
    };

    view! {
        <form class="form form--wide" on:submit=on_submit novalidate data-testid="person-form">
            <fieldset class="form-section">
                <legend>{move || i18n.t("person-section-person")}</legend>
                <div class="field-row">
                    <TextField id="person-name" label="person-field-name" value=name />
                    <TextField
                        id="person-salutation"
                        label="person-field-salutation"
                        value=salutation
                    />
                </div>
                <div class="field-row">
                    <div class="field">
                        <label for="person-role">{move || i18n.t("person-field-role")}</label>
                        <select id="person-role" data-testid="person-role" bind:value=role>
                            {Role::ALL
                                .into_iter()
                                .map(|option| {
                                    view! {
                                        <option value=option
                                            .code()>
                                            {move || i18n.t(&format!("role-{}", option.code()))}
                                        </option>
                                    }
                                })
                                .collect_view()}
                        </select>
                    </div>
                    {applied_on
                        .map(|_| {
                            view! {
                                <TextField
                                    id="person-applied-on"
                                    label="person-field-applied-on"
                                    value=applied
                                    kind="date"
                                />
                            }
                        })}
                </div>
                <div class="field-row">
                    <TextField
                        id="person-email"
                        label="person-field-email"
                        value=email
                        kind="email"
                    />
                    <TextField
                        id="person-phone"
                        label="person-field-phone"
                        value=phone
                        kind="tel"
                    />
                </div>
                <TextField id="person-location" label="person-field-location" value=location />
            </fieldset>
            <fieldset class="form-section">
                <legend>{move || i18n.t("person-section-work")}</legend>
                <div class="field">
                    <label for="person-organisation">
                        {move || i18n.t("person-field-organisation")}
                    </label>
                    <select
                        id="person-organisation"
                        data-testid="person-organisation"
                        bind:value=organisation
                    >
                        <option value="">{move || i18n.t("organisation-none")}</option>
                        {move || {
                            partners()
                                .into_iter()
                                .map(|(id, partner)| {
                                    view! { <option value=id.to_string()>{partner}</option> }
                                })
                                .collect_view()
                        }}
                    </select>
                </div>
                <div class="field-row">
                    <TextField
                        id="person-department"
                        label="person-field-department"
                        value=department
                    />
                    <TextField id="person-position" label="person-field-position" value=position />
                </div>
            </fieldset>
            <fieldset class="form-section">
                <legend>{move || i18n.t("person-section-matching")}</legend>
                <div class="field">
                    <label for="person-topics">{move || i18n.t("person-field-topics")}</label>
                    <input
                        id="person-topics"
                        data-testid="person-topics"
                        type="text"
                        aria-describedby="person-topics-hint"
                        bind:value=topics
                    />
                    <p id="person-topics-hint" class="field__hint">
                        {move || i18n.t("person-field-topics-hint")}
                    </p>
                </div>
                <div class="field">
                    <label for="person-goal">{move || i18n.t("person-field-goal")}</label>
                    <textarea
                        id="person-goal"
                        data-testid="person-goal"
                        rows="3"
                        bind:value=goal
                    ></textarea>
                </div>
                <div class="field">
                    <label for="person-motivation">
                        {move || i18n.t("person-field-motivation")}
                    </label>
                    <textarea
                        id="person-motivation"
                        data-testid="person-motivation"
                        rows="3"
                        bind:value=motivation
                    ></textarea>
                </div>
                <div class="field-row">
                    <TextField
                        id="person-availability"
                        label="person-field-availability"
                        value=availability
                    />
                    <div class="field">
                        <label for="person-meeting-format">
                            {move || i18n.t("person-field-meeting-format")}
                        </label>
                        <select
                            id="person-meeting-format"
                            data-testid="person-meeting-format"
                            bind:value=meeting_format
                        >
                            {MeetingFormat::ALL
                                .into_iter()
                                .map(|option| {
                                    view! {
                                        <option value=option
                                            .code()>
                                            {move || i18n.t(&format!("format-{}", option.code()))}
                                        </option>
                                    }
                                })
                                .collect_view()}
                        </select>
                    </div>
                </div>
                <TextField id="person-languages" label="person-field-languages" value=languages />
            </fieldset>
            <fieldset class="form-section">
                <legend>{move || i18n.t("person-section-consent")}</legend>
                <p class="field__hint">{move || i18n.t("consent-hint")}</p>
                <div class="check-row">
                    <CheckField id="share-email" label="consent-email" checked=share_email />
                    <CheckField id="share-phone" label="consent-phone" checked=share_phone />
                    <CheckField
                        id="share-organisation"
                        label="consent-organisation"
                        checked=share_organisation
                    />
                    <CheckField
                        id="share-position"
                        label="consent-position"
                        checked=share_position
                    />
                    <CheckField
                        id="share-location"
                        label="consent-location"
                        checked=share_location
                    />
                </div>
            </fieldset>
            <fieldset class="form-section">
                <legend>{move || i18n.t("person-section-notes")}</legend>
                <div class="field">
                    <label for="person-notes">{move || i18n.t("person-field-notes")}</label>
                    <textarea
                        id="person-notes"
                        data-testid="person-notes"
                        rows="3"
                        aria-describedby="person-notes-hint"
                        bind:value=notes
                    ></textarea>
                    <p id="person-notes-hint" class="field__hint">
                        {move || i18n.t("person-field-notes-hint")}
                    </p>
                </div>
            </fieldset>
            <SubmitWithNotice
                testid="person-submit"
                label=submit_label
                outcome=outcome
                notice="person"
            />
        </form>
    }
}

/// The page at `/programme/:id/people/new`: the intake form.
#[component]
pub(crate) fn IntakePage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let navigate = use_navigate();
    let programme_id = session.with(|programme| programme.id);
    let submit = move |details: PersonDetails, applied_on: Option<Day>| {
        let id = PersonId::random();
        session.dispatch(Command::AddPerson {
            id,
            details,
            applied_on: applied_on.unwrap_or_else(today),
        })?;
        if let Some(programme) = programme_id {
            navigate(&Page::Person(programme, id).path(), Default::default());
        }
        Ok(i18n.t("person-saved"))
    };
    let submit = StoredValue::new_local(submit);
    view! {
        <section class="panel" aria-labelledby="intake-title">
            <h2 id="intake-title">{move || i18n.t("intake-title")}</h2>
            <p class="muted">{move || i18n.t("intake-intro")}</p>
            <PersonForm
                initial=PersonDetails::default()
                applied_on=Some(today())
                submit_label="intake-submit"
                submit=move |details, day| submit.with_value(|submit| submit(details, day))
            />
        </section>
    }
}

/// The page at `/programme/:id/people/:person`.
#[component]
pub(crate) fn PersonPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let person_id = param::<PersonId>("person");
    // The page is built once per person; the parts below follow changes, so
    // an edit does not rebuild the form the coordinator is typing in.
    let found = Memo::new(move |_| {
        person_id().filter(|id| {
            session
                .with(|programme| programme.people.contains_key(id))
                .unwrap_or(false)
        })
    });
    move || match found.get() {
        Some(id) => view! { <PersonView id /> }.into_any(),
        None => view! {
            <p class="notice notice--warning" role="alert">
                {i18n.t("person-not-found")}
            </p>
        }
        .into_any(),
    }
}

#[component]
fn PersonView(id: PersonId) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let initial = session
        .with_untracked(|programme| {
            programme
                .people
                .get(&id)
                .map(|person| person.details.clone())
        })
        .flatten()
        .unwrap_or_default();
    let name = move || {
        session
            .with(|p| p.person_name(id).to_string())
            .unwrap_or_default()
    };
    // Only what this form changed is written: a field another tab or a
    // partner changed since the form was filled keeps their value.
    let before = StoredValue::new(initial.clone());
    let submit = move |edited: PersonDetails, _: Option<Day>| {
        let now = session
            .with_untracked(|p| p.people.get(&id).map(|person| person.details.clone()))
            .flatten()
            .unwrap_or_default();
        let details = PersonDetails::rebase(&before.get_value(), edited, &now);
        session.dispatch(Command::UpdatePerson {
            id,
            details: details.clone(),
        })?;
        before.set_value(details);
        Ok(i18n.t("person-saved"))
    };
    view! {
        <h2 class="person-heading" data-testid="person-heading">
            {name}
        </h2>
        <div class="grid-2">
            <div class="stack">
                <ApplicationPanel id />
                <PersonTandems id />
                <PersonParticipation id />
                <History subject=id.to_string() />
                <super::privacy::PersonPrivacy id />
            </div>
            <section class="panel" aria-labelledby="details-title">
                <h2 id="details-title">{move || i18n.t("person-details")}</h2>
                <PersonForm initial applied_on=None submit_label="person-save" submit />
            </section>
        </div>
    }
}

#[component]
fn ApplicationPanel(id: PersonId) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let application = move || {
        session
            .with(|p| p.people.get(&id).map(|person| person.application.clone()))
            .flatten()
    };
    let standing = move || session.with(|p| p.standing(id)).flatten();
    let outcome = RwSignal::new(Outcome::Idle);
    let interviewer = Settings::load()
        .coordinator
        .map(|c| c.name)
        .unwrap_or_default();
    let interview_on = RwSignal::new(today().iso());
    let interview_by = RwSignal::new(interviewer);
    let interview_minutes = RwSignal::new("30".to_string());
    let interview_notes = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());

    let record_interview = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let Ok(on) = Day::parse(&interview_on.get_untracked()) else {
            outcome.set(Outcome::Refused(i18n.t_with(
                "error-date-invalid",
                &[("value", FluentValue::from(interview_on.get_untracked()))],
            )));
            return;
        };
        let minutes = interview_minutes
            .get_untracked()
            .trim()
            .parse::<u32>()
            .unwrap_or(30);
        let interview = Interview {
            on,
            by: interview_by.get_untracked(),
            minutes,
            notes: interview_notes.get_untracked(),
        };
        outcome.set(
            match session.dispatch(Command::RecordInterview {
                person: id,
                interview,
            }) {
                Ok(()) => Outcome::Done(i18n.t("saved-status")),
                Err(message) => Outcome::Refused(message),
            },
        );
    };
    let decide = move |decision: Decision| {
        outcome.set(
            match session.dispatch(Command::Decide {
                person: id,
                decision,
                on: today(),
            }) {
                Ok(()) => Outcome::Done(i18n.t("saved-status")),
                Err(message) => Outcome::Refused(message),
            },
        );
    };
    let withdraw = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        outcome.set(
            match session.dispatch(Command::Withdraw {
                person: id,
                reason: reason.get_untracked(),
                on: today(),
            }) {
                Ok(()) => Outcome::Done(i18n.t("saved-status")),
                Err(message) => Outcome::Refused(message),
            },
        );
    };

    view! {
        <section class="panel" aria-labelledby="application-title">
            <h2 id="application-title">{move || i18n.t("person-application")}</h2>
            <dl class="facts">
                <dt>{move || i18n.t("person-stage")}</dt>
                <dd data-testid="person-stage">
                    {move || {
                        standing()
                            .map(|s| {
                                view! {
                                    <span class=format!(
                                        "badge badge--{}",
                                        s.code(),
                                    )>{i18n.t(&format!("standing-{}", s.code()))}</span>
                                }
                            })
                    }}
                </dd>
                <dt>{move || i18n.t("person-field-applied-on")}</dt>
                <dd>{move || application().map(|a| i18n.day_or_unknown(a.applied_on))}</dd>
                <dt>{move || i18n.t("interview-title")}</dt>
                <dd data-testid="interview-info">
                    {move || match application().and_then(|a| a.interview) {
                        Some(interview) => {
                            i18n.t_with(
                                "interview-held",
                                &[
                                    ("date", FluentValue::from(i18n.day(interview.on))),
                                    ("by", FluentValue::from(interview.by.clone())),
                                    ("minutes", FluentValue::from(interview.minutes)),
                                ],
                            )
                        }
                        None => i18n.t("interview-none"),
                    }}
                </dd>
                {move || {
                    application()
                        .and_then(|a| a.decided_on)
                        .map(|day| {
                            view! {
                                <dt>{i18n.t("decision-title")}</dt>
                                <dd>
                                    {i18n
                                        .t_with(
                                            "decided-on",
                                            &[("date", FluentValue::from(i18n.day(day)))],
                                        )}
                                </dd>
                            }
                        })
                }}
                {move || {
                    application()
                        .and_then(|a| a.withdrawal)
                        .map(|w| {
                            view! {
                                <dt>{i18n.t("withdraw-title")}</dt>
                                <dd>
                                    {i18n
                                        .t_with(
                                            "withdrawn-info",
                                            &[
                                                ("date", FluentValue::from(i18n.day(w.on))),
                                                ("reason", FluentValue::from(w.reason)),
                                            ],
                                        )}
                                </dd>
                            }
                        })
                }}
            </dl>
            <div aria-live="polite">
                <OutcomeNotice outcome=outcome testid="application" />
            </div>
            <Show when=move || application().is_some_and(|a| a.stage != Stage::Withdrawn)>
                <details
                    class="disclosure"
                    open=move || application().is_some_and(|a| a.interview.is_none())
                >
                    <summary>{move || i18n.t("interview-title")}</summary>
                    <form class="form" on:submit=record_interview novalidate>
                        <div class="field-row">
                            <TextField
                                id="interview-on"
                                label="interview-on"
                                value=interview_on
                                kind="date"
                            />
                            <TextField
                                id="interview-minutes"
                                label="interview-minutes"
                                value=interview_minutes
                                kind="number"
                            />
                        </div>
                        <TextField id="interview-by" label="interview-by" value=interview_by />
                        <div class="field">
                            <label for="interview-notes">{move || i18n.t("interview-notes")}</label>
                            <textarea
                                id="interview-notes"
                                data-testid="interview-notes"
                                rows="3"
                                bind:value=interview_notes
                            ></textarea>
                        </div>
                        <div class="form__actions">
                            <button
                                type="submit"
                                class="button button--secondary"
                                data-testid="interview-submit"
                            >
                                {move || i18n.t("interview-submit")}
                            </button>
                        </div>
                    </form>
                </details>
                <div class="decision">
                    <h3>{move || i18n.t("decision-title")}</h3>
                    <div class="button-row">
                        {[
                            (
                                Decision::Accept,
                                "button button--primary",
                                "decide-accept",
                                "decision-accept",
                            ),
                            (
                                Decision::Waitlist,
                                "button button--secondary",
                                "decide-waitlist",
                                "decision-waitlist",
                            ),
                            (
                                Decision::Decline,
                                "button button--secondary",
                                "decide-decline",
                                "decision-decline",
                            ),
                        ]
                            .into_iter()
                            .map(|(decision, class, testid, label)| {
                                view! {
                                    <button
                                        type="button"
                                        class=class
                                        data-testid=testid
                                        on:click=move |_| decide(decision)
                                    >
                                        {move || i18n.t(label)}
                                    </button>
                                }
                            })
                            .collect_view()}
                    </div>
                </div>
                <details class="disclosure">
                    <summary>{move || i18n.t("withdraw-title")}</summary>
                    <form class="form" on:submit=withdraw novalidate>
                        <TextField id="withdraw-reason" label="withdraw-reason" value=reason />
                        <div class="form__actions">
                            <button
                                type="submit"
                                class="button button--danger"
                                data-testid="withdraw-submit"
                            >
                                {move || i18n.t("withdraw-submit")}
                            </button>
                        </div>
                    </form>
                </details>
            </Show>
        </section>
    }
}

#[component]
fn PersonTandems(id: PersonId) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let tandems = move || {
        session
            .with(|programme| {
                programme
                    .tandems_of(id)
                    .map(|(tandem_id, tandem)| {
                        let other = if tandem.mentee == id {
                            tandem.mentor
                        } else {
                            tandem.mentee
                        };
                        (
                            programme.id,
                            *tandem_id,
                            programme.person_name(other).to_string(),
                            tandem.status,
                        )
                    })
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    };
    view! {
        <section class="panel" aria-labelledby="person-tandems-title">
            <h2 id="person-tandems-title">{move || i18n.t("person-tandems")}</h2>
            {move || {
                let tandems = tandems();
                if tandems.is_empty() {
                    return view! { <p class="muted">{i18n.t("person-no-tandem")}</p> }.into_any();
                }
                view! {
                    <ul class="plain-list">
                        {tandems
                            .into_iter()
                            .map(|(programme, tandem, other, status)| {
                                view! {
                                    <li>
                                        <A href=Page::Tandem(programme, tandem).path()>{other}</A>
                                        " · "
                                        {i18n.t(&format!("tandem-status-{}", status.code()))}
                                    </li>
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
