//! Recording what mentees reached: at the end of the programme and at the
//! follow-ups 6 and 12 months later. One form for one mentee and one point
//! in time, filled from what is recorded; a table of every mentee's records
//! beneath. The report counts from these.

use fluent_bundle::FluentValue;
use leptos::prelude::*;
use leptos_router::components::A;
use tandem_core::{
    Command, Day, GoalReached, LeadershipPost, Outcome, OutcomeWhen, PersonId, Programme, Role,
};

use crate::clock::today;
use crate::components::field::{ChoiceOptions, InlineCheck};
use crate::components::notice::MessageNotice;
use crate::components::table::{Column, DataTable};
use crate::i18n::{use_i18n, I18n};
use crate::routes::Page;
use crate::session::use_session;

/// The mentees an outcome can be recorded for: everyone who was accepted
/// or is in a tandem, sorted by name.
fn mentees(programme: &Programme) -> Vec<(PersonId, String)> {
    let mut list: Vec<(PersonId, String)> = programme
        .people
        .iter()
        .filter(|(id, person)| {
            person.details.role == Role::Mentee
                && (person.is_accepted() || programme.tandems_of(**id).next().is_some())
        })
        .map(|(id, person)| (*id, person.details.name.clone()))
        .collect();
    list.sort_by_key(|(_, name)| name.to_lowercase());
    list
}

fn yes_no(value: Option<bool>) -> &'static str {
    match value {
        Some(true) => "yes",
        Some(false) => "no",
        None => "",
    }
}

fn read_yes_no(value: &str) -> Option<bool> {
    match value {
        "yes" => Some(true),
        "no" => Some(false),
        _ => None,
    }
}

/// What the form holds.
#[derive(Clone, Copy)]
struct Form {
    aimed: RwSignal<String>,
    reached: RwSignal<bool>,
    post_on: RwSignal<String>,
    position: RwSignal<String>,
    goal: RwSignal<String>,
    recommend: RwSignal<String>,
    other_steps: RwSignal<String>,
}

impl Form {
    fn new() -> Self {
        Self {
            aimed: RwSignal::new(String::new()),
            reached: RwSignal::new(false),
            post_on: RwSignal::new(String::new()),
            position: RwSignal::new(String::new()),
            goal: RwSignal::new(String::new()),
            recommend: RwSignal::new(String::new()),
            other_steps: RwSignal::new(String::new()),
        }
    }

    /// Shows what is recorded (or nothing).
    fn fill(&self, outcome: Option<&Outcome>) {
        let empty = Outcome::default();
        let outcome = outcome.unwrap_or(&empty);
        self.aimed.set(yes_no(outcome.aimed_for_leadership).into());
        self.reached.set(outcome.leadership_post.is_some());
        self.post_on.set(
            outcome
                .leadership_post
                .as_ref()
                .map(|post| post.on.iso())
                .unwrap_or_default(),
        );
        self.position.set(
            outcome
                .leadership_post
                .as_ref()
                .map(|post| post.position.clone())
                .unwrap_or_default(),
        );
        self.goal.set(
            outcome
                .goal
                .map(|g| g.code().to_string())
                .unwrap_or_default(),
        );
        self.recommend.set(yes_no(outcome.would_recommend).into());
        self.other_steps.set(outcome.other_steps.clone());
    }

    /// The outcome the form describes, or the key of what is missing.
    fn outcome(&self) -> Result<Outcome, &'static str> {
        let leadership_post = if self.reached.get_untracked() {
            let on = Day::parse(&self.post_on.get_untracked())
                .map_err(|_| "outcome-post-date-missing")?;
            Some(LeadershipPost {
                on,
                position: self.position.get_untracked(),
            })
        } else {
            None
        };
        Ok(Outcome {
            aimed_for_leadership: read_yes_no(&self.aimed.get_untracked()),
            leadership_post,
            other_steps: self.other_steps.get_untracked(),
            goal: GoalReached::from_code(&self.goal.get_untracked()),
            would_recommend: read_yes_no(&self.recommend.get_untracked()),
            recorded_on: Some(today()),
        })
    }
}

fn summary(i18n: I18n, outcome: Option<&Outcome>) -> String {
    let Some(outcome) = outcome else {
        return "–".into();
    };
    let mut parts = Vec::new();
    if let Some(aimed) = outcome.aimed_for_leadership {
        parts.push(i18n.t(if aimed {
            "outcome-summary-aimed"
        } else {
            "outcome-summary-not-aimed"
        }));
    }
    if let Some(post) = &outcome.leadership_post {
        parts.push(i18n.t_with(
            "outcome-summary-post",
            &[("date", FluentValue::from(i18n.day(post.on)))],
        ));
    }
    if let Some(goal) = outcome.goal {
        parts.push(i18n.t(&format!("outcome-goal-{}", goal.code())));
    }
    if parts.is_empty() {
        parts.push(i18n.t("outcome-summary-empty"));
    }
    parts.join(" · ")
}

/// The page at `/programme/:id/report/outcomes`.
#[component]
pub(crate) fn OutcomesPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let person = RwSignal::new(None::<PersonId>);
    let when = RwSignal::new(OutcomeWhen::End);
    let form = Form::new();
    let message = RwSignal::new(None::<(bool, String)>);
    let programme_id = session.with_untracked(|p| p.id);

    let list = Memo::new(move |_| session.with(mentees).unwrap_or_default());
    let refill = move || {
        let (Some(id), at) = (person.get_untracked(), when.get_untracked()) else {
            return;
        };
        let recorded = session
            .with_untracked(|p| p.outcomes.get(&id).and_then(|o| o.at(at)).cloned())
            .flatten();
        form.fill(recorded.as_ref());
    };

    let save = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let Some(id) = person.get_untracked() else {
            message.set(Some((false, i18n.t("outcome-choose-mentee"))));
            return;
        };
        let outcome = match form.outcome() {
            Ok(outcome) => outcome,
            Err(key) => return message.set(Some((false, i18n.t(key)))),
        };
        let name = session
            .with_untracked(|p| p.person_name(id).to_string())
            .unwrap_or_default();
        match session.dispatch(Command::RecordOutcome {
            person: id,
            when: when.get_untracked(),
            outcome: Some(outcome),
        }) {
            Ok(()) => message.set(Some((
                true,
                i18n.t_with("outcome-saved", &[("name", FluentValue::from(name))]),
            ))),
            Err(text) => message.set(Some((false, text))),
        }
    };

    view! {
        <section class="panel" aria-labelledby="outcome-form-title">
            {move || {
                programme_id
                    .map(|id| {
                        view! {
                            <p class="back-link">
                                <A href=Page::Report(id).path()>{i18n.t("outcome-back")}</A>
                            </p>
                        }
                    })
            }}
            <h2 id="outcome-form-title">{move || i18n.t("outcome-title")}</h2>
            <p class="muted">{move || i18n.t("outcome-intro")}</p>
            <form class="outcome-form" data-testid="outcome-form" on:submit=save>
                <div class="filters">
                    <div class="field">
                        <label for="outcome-mentee">{move || i18n.t("outcome-mentee")}</label>
                        <select
                            id="outcome-mentee"
                            data-testid="outcome-mentee"
                            on:change=move |event| {
                                person.set(event_target_value(&event).parse().ok());
                                message.set(None);
                                refill();
                            }
                        >
                            <ChoiceOptions
                                none="outcome-choose-mentee"
                                choices=move || list.get()
                            />
                        </select>
                    </div>
                    <div class="field">
                        <label for="outcome-when">{move || i18n.t("outcome-when")}</label>
                        <select
                            id="outcome-when"
                            data-testid="outcome-when"
                            on:change=move |event| {
                                when.set(
                                    OutcomeWhen::from_code(&event_target_value(&event))
                                        .unwrap_or(OutcomeWhen::End),
                                );
                                message.set(None);
                                refill();
                            }
                        >
                            {OutcomeWhen::ALL
                                .into_iter()
                                .map(|at| {
                                    view! {
                                        <option value=at
                                            .code()>
                                            {move || i18n.t(&format!("outcome-when-{}", at.code()))}
                                        </option>
                                    }
                                })
                                .collect_view()}
                        </select>
                    </div>
                </div>
                <div class="filters">
                    <YesNoField id="outcome-aimed" label="outcome-aimed" value=form.aimed />
                    <div class="field">
                        <label for="outcome-goal">{move || i18n.t("outcome-goal")}</label>
                        <select
                            id="outcome-goal"
                            data-testid="outcome-goal"
                            prop:value=move || form.goal.get()
                            on:change=move |event| form.goal.set(event_target_value(&event))
                        >
                            <option value="">{move || i18n.t("outcome-unknown")}</option>
                            {GoalReached::ALL
                                .into_iter()
                                .map(|goal| {
                                    view! {
                                        <option value=goal
                                            .code()>
                                            {move || i18n.t(&format!("outcome-goal-{}", goal.code()))}
                                        </option>
                                    }
                                })
                                .collect_view()}
                        </select>
                    </div>
                    <YesNoField
                        id="outcome-recommend"
                        label="outcome-recommend"
                        value=form.recommend
                    />
                </div>
                <PostFields form />
                <div class="field">
                    <label for="outcome-other">{move || i18n.t("outcome-other-steps")}</label>
                    <textarea
                        id="outcome-other"
                        rows="2"
                        data-testid="outcome-other"
                        prop:value=move || form.other_steps.get()
                        on:input=move |event| form.other_steps.set(event_target_value(&event))
                    ></textarea>
                </div>
                <button type="submit" class="button" data-testid="outcome-save">
                    {move || i18n.t("outcome-save")}
                </button>
                <MessageNotice message testid="outcome-message" />
            </form>
        </section>
        <OutcomeList list />
    }
}

/// A question answered yes, no or not known.
#[component]
fn YesNoField(id: &'static str, label: &'static str, value: RwSignal<String>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="field">
            <label for=id>{move || i18n.t(label)}</label>
            <select
                id=id
                data-testid=id
                prop:value=move || value.get()
                on:change=move |event| value.set(event_target_value(&event))
            >
                <option value="">{move || i18n.t("outcome-unknown")}</option>
                <option value="yes">{move || i18n.t("outcome-yes")}</option>
                <option value="no">{move || i18n.t("outcome-no")}</option>
            </select>
        </div>
    }
}

/// Every mentee with what is recorded for them at each point in time.
#[component]
fn OutcomeList(list: Memo<Vec<(PersonId, String)>>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    view! {
        <section class="panel" aria-labelledby="outcome-list-title">
            <h2 id="outcome-list-title">{move || i18n.t("outcome-list-title")}</h2>
            {move || {
                let rows = list.get();
                if rows.is_empty() {
                    return view! { <p class="empty-state">{i18n.t("outcome-no-mentees")}</p> }
                        .into_any();
                }
                let table_rows = rows
                    .into_iter()
                    .map(|(id, name)| {
                        let records = session
                            .with(|p| p.outcomes.get(&id).cloned())
                            .flatten()
                            .unwrap_or_default();
                        // Rendered here, where the table's reads are tracked, not
                        // inside the table component (which reads untracked).
                        view! {
                            <tr>
                                <th scope="row">{name}</th>
                                {OutcomeWhen::ALL
                                    .into_iter()
                                    .map(|at| view! { <td>{summary(i18n, records.at(at))}</td> })
                                    .collect_view()}
                            </tr>
                        }
                    })
                    .collect_view();
                view! {
                    <DataTable
                        testid="outcome-table"
                        class="data-table"
                        region="outcome-list-title"
                        head=|| {
                            view! {
                                <Column label="outcome-mentee" />
                                {OutcomeWhen::ALL
                                    .into_iter()
                                    .map(|at| {
                                        view! {
                                            <Column label=format!("outcome-when-{}", at.code()) />
                                        }
                                    })
                                    .collect_view()}
                            }
                        }
                    >
                        {table_rows}
                    </DataTable>
                }
                    .into_any()
            }}
        </section>
    }
}

/// The step after the programme: a leadership post, when, and which.
#[component]
fn PostFields(form: Form) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <fieldset class="outcome-form__post">
            <legend>{move || i18n.t("outcome-post")}</legend>
            <InlineCheck testid="outcome-reached" label="outcome-reached" checked=form.reached />
            <div class="filters">
                <div class="field">
                    <label for="outcome-post-on">{move || i18n.t("outcome-post-on")}</label>
                    <input
                        id="outcome-post-on"
                        type="date"
                        data-testid="outcome-post-on"
                        disabled=move || !form.reached.get()
                        prop:value=move || form.post_on.get()
                        on:input=move |event| form.post_on.set(event_target_value(&event))
                    />
                </div>
                <div class="field">
                    <label for="outcome-position">{move || i18n.t("outcome-position")}</label>
                    <input
                        id="outcome-position"
                        type="text"
                        data-testid="outcome-position"
                        disabled=move || !form.reached.get()
                        prop:value=move || form.position.get()
                        on:input=move |event| form.position.set(event_target_value(&event))
                    />
                </div>
            </div>
        </fieldset>
    }
}
