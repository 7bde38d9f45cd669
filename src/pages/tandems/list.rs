//! Tandems: the list, forming one by hand, and one tandem's page where it
//! can be ended (completed, or early with a reason).

use fluent_bundle::FluentValue;
use leptos::prelude::*;
use leptos_router::components::A;
use tandem_core::{
    tandems_csv, Command, Day, PersonId, ProgrammeSide, Role, TandemEnding, TandemId, TandemStatus,
};

use crate::clock::today;
use crate::components::field::TextField;
use crate::components::history::History;
use crate::components::notice::{Outcome, OutcomeNotice, SubmitWithNotice};
use crate::components::table::{Column, DataTable};
use crate::download::offer_download;
use crate::i18n::use_i18n;
use crate::pages::param;
use crate::routes::Page;
use crate::session::use_session;

/// The page at `/programme/:id/tandems`.
#[component]
pub(crate) fn TandemsPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let rows = move || {
        session.with(|programme| {
            let mut rows: Vec<_> = programme
                .tandems
                .iter()
                .map(|(id, tandem)| {
                    (
                        *id,
                        programme.person_name(tandem.mentee).to_string(),
                        programme.person_name(tandem.mentor).to_string(),
                        tandem
                            .co_mentor
                            .map(|c| programme.person_name(c).to_string())
                            .unwrap_or_default(),
                        tandem.start,
                        tandem.planned_end,
                        tandem.status,
                    )
                })
                .collect();
            rows.sort_by_key(|row| (row.6 != TandemStatus::Active, row.1.to_lowercase()));
            (programme.id, rows)
        })
    };
    let export = move |_| {
        let Some(bytes) = session.with(|programme| {
            tandems_csv(
                programme,
                |column| i18n.t(&format!("csv-tandem-{}", column.code())),
                |term| i18n.t(term),
            )
        }) else {
            return;
        };
        let name = format!("{}-{}.csv", i18n.t("csv-file-tandems"), today().iso());
        let _ = offer_download(&name, "text/csv;charset=utf-8", &bytes);
    };

    view! {
        <section class="panel" aria-labelledby="tandems-title">
            <div class="panel__header">
                <h2 id="tandems-title">{move || i18n.t("tandems-title")}</h2>
                <button
                    type="button"
                    class="button button--secondary"
                    data-testid="export-tandems"
                    on:click=export
                >
                    {move || i18n.t("tandems-export")}
                </button>
            </div>
            {move || {
                let Some((programme, rows)) = rows() else { return ().into_any() };
                if rows.is_empty() {
                    return view! { <p class="empty-state">{i18n.t("tandems-none")}</p> }.into_any();
                }
                let table_rows = rows
                    .into_iter()
                    .map(|(id, mentee, mentor, co_mentor, start, end, status)| {
                        // Rendered here, where the table's reads are tracked, not
                        // inside the table component (which reads untracked).
                        view! {
                            <tr data-testid="tandem-row">
                                <th scope="row">
                                    <A href=Page::Tandem(programme, id).path()>{mentee}</A>
                                </th>
                                <td data-label=i18n.t("column-mentor")>{mentor}</td>
                                <td class="hide-narrow">{co_mentor}</td>
                                <td data-label=i18n
                                    .t(
                                        "column-period",
                                    )>{format!("{} – {}", i18n.day(start), i18n.day(end))}</td>
                                <td data-label=i18n.t("column-status")>
                                    <span class=format!(
                                        "badge badge--{}",
                                        status.code(),
                                    )>{i18n.t(&format!("tandem-status-{}", status.code()))}</span>
                                </td>
                            </tr>
                        }
                    })
                    .collect_view();
                view! {
                    <DataTable
                        testid="tandems-table"
                        head=|| {
                            view! {
                                <Column label="column-mentee" />
                                <Column label="column-mentor" />
                                <Column label="column-co-mentor" class="hide-narrow" />
                                <Column label="column-period" />
                                <Column label="column-status" />
                            }
                        }
                    >
                        {table_rows}
                    </DataTable>
                }
                    .into_any()
            }}
        </section>
        <CreateTandem />
    }
}

#[component]
fn CreateTandem() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let (default_start, default_end) = session
        .with_untracked(|p| (p.start, p.end))
        .unwrap_or((today(), today()));
    let mentee = RwSignal::new(String::new());
    let mentor = RwSignal::new(String::new());
    let co_mentor = RwSignal::new(String::new());
    let start = RwSignal::new(default_start.iso());
    let end = RwSignal::new(default_end.iso());
    let outcome = RwSignal::new(Outcome::Idle);

    // Who can be chosen: accepted people; mentees not yet in a running tandem.
    let choices = move |role: Role| {
        session
            .with(|programme| {
                programme
                    .accepted(role)
                    .into_iter()
                    .filter(|(id, _)| {
                        role != Role::Mentee || programme.active_tandems_of(*id).next().is_none()
                    })
                    .map(|(id, person)| {
                        let organisation = programme.organisation_name(person.details.organisation);
                        let label = if organisation.is_empty() {
                            person.details.name.clone()
                        } else {
                            format!("{} ({organisation})", person.details.name)
                        };
                        (id, label)
                    })
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    };
    let uses_co_mentors = move || session.with(|p| p.rules.co_mentors).unwrap_or(false);

    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let (Ok(mentee_id), Ok(mentor_id)) = (
            mentee.get_untracked().parse::<PersonId>(),
            mentor.get_untracked().parse::<PersonId>(),
        ) else {
            outcome.set(Outcome::Refused(i18n.t("tandem-choose-both")));
            return;
        };
        let (Ok(start_day), Ok(end_day)) = (
            Day::parse(&start.get_untracked()),
            Day::parse(&end.get_untracked()),
        ) else {
            outcome.set(Outcome::Refused(i18n.t("error-date-missing")));
            return;
        };
        let command = Command::CreateTandem {
            id: TandemId::random(),
            mentee: mentee_id,
            mentor: mentor_id,
            co_mentor: co_mentor.get_untracked().parse::<PersonId>().ok(),
            start: start_day,
            planned_end: end_day,
        };
        outcome.set(match session.dispatch(command) {
            Ok(()) => {
                mentee.set(String::new());
                mentor.set(String::new());
                co_mentor.set(String::new());
                Outcome::Done(i18n.t("tandem-created"))
            }
            Err(message) => Outcome::Refused(message),
        });
    };

    let select = move |id: &'static str,
                       label: &'static str,
                       role: Role,
                       value: RwSignal<String>,
                       empty: &'static str| {
        view! {
            <div class="field">
                <label for=id>{move || i18n.t(label)}</label>
                <select id=id data-testid=id bind:value=value>
                    <option value="">{move || i18n.t(empty)}</option>
                    {move || {
                        choices(role)
                            .into_iter()
                            .map(|(person, label)| {
                                view! { <option value=person.to_string()>{label}</option> }
                            })
                            .collect_view()
                    }}
                </select>
            </div>
        }
    };

    view! {
        <section class="panel" aria-labelledby="create-tandem-title">
            <h2 id="create-tandem-title">{move || i18n.t("tandem-create-title")}</h2>
            <p class="muted">{move || i18n.t("tandem-create-intro")}</p>
            <form class="form" on:submit=submit novalidate>
                <div class="field-row">
                    {select(
                        "tandem-mentee",
                        "tandem-mentee",
                        Role::Mentee,
                        mentee,
                        "tandem-choose",
                    )}
                    {select(
                        "tandem-mentor",
                        "tandem-mentor",
                        Role::Mentor,
                        mentor,
                        "tandem-choose",
                    )}
                </div>
                <Show when=uses_co_mentors>
                    {select(
                        "tandem-co-mentor",
                        "tandem-co-mentor",
                        Role::CoMentor,
                        co_mentor,
                        "tandem-co-mentor-none",
                    )}
                </Show>
                <div class="field-row">
                    <TextField id="tandem-start" label="tandem-start" value=start kind="date" />
                    <TextField
                        id="tandem-planned-end"
                        label="tandem-planned-end"
                        value=end
                        kind="date"
                    />
                </div>
                <SubmitWithNotice
                    testid="tandem-submit"
                    label="tandem-create-submit"
                    outcome=outcome
                    notice="tandem"
                />
            </form>
        </section>
    }
}

/// The page at `/programme/:id/tandems/:tandem`.
#[component]
pub(crate) fn TandemPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let tandem_id = param::<TandemId>("tandem");
    // Built once per tandem, so that ending it keeps the page and its message.
    let found = Memo::new(move |_| {
        tandem_id().filter(|id| {
            session
                .with(|p| p.tandems.contains_key(id))
                .unwrap_or(false)
        })
    });
    move || match found.get() {
        Some(id) => view! { <TandemView id /> }.into_any(),
        None => view! {
            <p class="notice notice--warning" role="alert">
                {i18n.t("tandem-not-found")}
            </p>
        }
        .into_any(),
    }
}

#[component]
fn TandemView(id: TandemId) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let tandem = move || session.with(|p| p.tandems.get(&id).cloned()).flatten();
    let person = move |person: PersonId| {
        session.with(|p| {
            let organisation = p
                .organisation_name(p.people.get(&person).and_then(|x| x.details.organisation))
                .to_string();
            (p.id, p.person_name(person).to_string(), organisation)
        })
    };
    let heading = move || {
        tandem()
            .and_then(|t| Some((person(t.mentee)?, person(t.mentor)?)))
            .map(|((_, mentee, _), (_, mentor, _))| {
                i18n.t_with(
                    "tandem-heading",
                    &[
                        ("mentee", FluentValue::from(mentee)),
                        ("mentor", FluentValue::from(mentor)),
                    ],
                )
            })
            .unwrap_or_default()
    };
    let page = RwSignal::new(None);
    crate::pages::tandem_page::open_for_coordinators(
        id,
        session
            .with_untracked(|p| ProgrammeSide::project(p, id))
            .flatten(),
        page,
    );
    let how = RwSignal::new("completed".to_string());
    let ended_on = RwSignal::new(today().iso());
    let reason = RwSignal::new(String::new());
    let outcome = RwSignal::new(Outcome::Idle);
    let end = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let Ok(on) = Day::parse(&ended_on.get_untracked()) else {
            outcome.set(Outcome::Refused(i18n.t("error-date-missing")));
            return;
        };
        let ending = if how.get_untracked() == "early" {
            TandemEnding::Early {
                reason: reason.get_untracked(),
            }
        } else {
            TandemEnding::Completed
        };
        outcome.set(
            match session.dispatch(Command::EndTandem { id, ending, on }) {
                Ok(()) => {
                    // The pair's old link stops receiving: the page moves
                    // to a new room before the ending is written into it.
                    if let Some(page) = page.get_untracked() {
                        let _ = page.new_room();
                        if let Some(side) = session
                            .with_untracked(|p| ProgrammeSide::project(p, id))
                            .flatten()
                        {
                            page.write_side(side);
                        }
                    }
                    Outcome::Done(i18n.t("saved-status"))
                }
                Err(message) => Outcome::Refused(message),
            },
        );
    };
    let member = move |role: &'static str, who: Option<PersonId>| {
        who.and_then(person).map(|(programme, name, organisation)| {
            let href = who
                .map(|w| Page::Person(programme, w).path())
                .unwrap_or_default();
            view! {
                <dt>{i18n.t(role)}</dt>
                <dd>
                    <A href=href>{name}</A>
                    {(!organisation.is_empty()).then(|| format!(" · {organisation}"))}
                </dd>
            }
        })
    };

    view! {
        <h2 class="person-heading" data-testid="tandem-heading">
            {heading}
        </h2>
        <div class="grid-2">
            <section class="panel" aria-labelledby="tandem-facts-title">
                <h2 id="tandem-facts-title">{move || i18n.t("person-details")}</h2>
                {move || {
                    tandem()
                        .map(|t| {
                            view! {
                                <dl class="facts">
                                    {member("tandem-mentee", Some(t.mentee))}
                                    {member("tandem-mentor", Some(t.mentor))}
                                    {member("tandem-co-mentor", t.co_mentor)}
                                    <dt>{i18n.t("column-period")}</dt>
                                    <dd>
                                        {format!(
                                            "{} – {}",
                                            i18n.day(t.start),
                                            i18n.day(t.planned_end),
                                        )}
                                    </dd> <dt>{i18n.t("column-status")}</dt>
                                    <dd data-testid="tandem-status">
                                        <span class=format!(
                                            "badge badge--{}",
                                            t.status.code(),
                                        )>
                                            {i18n.t(&format!("tandem-status-{}", t.status.code()))}
                                        </span>
                                        {t
                                            .ended_on
                                            .map(|day| {
                                                format!(
                                                    " · {}",
                                                    i18n
                                                        .t_with(
                                                            "tandem-ended",
                                                            &[("date", FluentValue::from(i18n.day(day)))],
                                                        ),
                                                )
                                            })}
                                        {t
                                            .end_reason
                                            .clone()
                                            .map(|reason| {
                                                view! {
                                                    <br />
                                                    {i18n
                                                        .t_with(
                                                            "tandem-ended-reason",
                                                            &[("reason", FluentValue::from(reason))],
                                                        )}
                                                }
                                            })}
                                    </dd>
                                </dl>
                            }
                        })
                }}
                <div aria-live="polite">
                    <OutcomeNotice outcome=outcome testid="tandem-end" />
                </div>
                <Show when=move || tandem().is_some_and(|t| t.is_active())>
                    <form class="form" on:submit=end novalidate>
                        <h3>{move || i18n.t("tandem-end-title")}</h3>
                        <fieldset class="field-group">
                            <legend>{move || i18n.t("tandem-end-how")}</legend>
                            <label class="check">
                                <input
                                    type="radio"
                                    name="tandem-end-how"
                                    value="completed"
                                    data-testid="tandem-end-completed"
                                    prop:checked=move || how.get() == "completed"
                                    on:change=move |_| how.set("completed".into())
                                />
                                <span>{move || i18n.t("tandem-end-completed")}</span>
                            </label>
                            <label class="check">
                                <input
                                    type="radio"
                                    name="tandem-end-how"
                                    value="early"
                                    data-testid="tandem-end-early"
                                    prop:checked=move || how.get() == "early"
                                    on:change=move |_| how.set("early".into())
                                />
                                <span>{move || i18n.t("tandem-end-early")}</span>
                            </label>
                        </fieldset>
                        <TextField
                            id="tandem-end-on"
                            label="tandem-end-on"
                            value=ended_on
                            kind="date"
                        />
                        <Show when=move || how.get() == "early">
                            <TextField
                                id="tandem-end-reason"
                                label="tandem-end-reason"
                                value=reason
                            />
                        </Show>
                        <div class="form__actions">
                            <button
                                type="submit"
                                class="button button--danger"
                                data-testid="tandem-end-submit"
                            >
                                {move || i18n.t("tandem-end-submit")}
                            </button>
                        </div>
                    </form>
                </Show>
            </section>
            <History subject=id.to_string() />
        </div>
        <crate::pages::tandem_page::TandemPagePanel id page />
    }
}
