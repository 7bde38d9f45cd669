//! The programme's questionnaires: defining one (questions on a scale of
//! 1 to 5, a choice of options or free text, anonymous or not; when it is
//! due; whom it asks) and typing in answers given on paper. Answers from
//! tandem pages arrive by themselves; the report counts both.

use std::collections::BTreeMap;

use fluent_bundle::FluentValue;
use leptos::prelude::*;
use leptos_router::components::A;
use tandem_core::{
    AnswerSource, Command, PersonId, Question, QuestionKind, ResponseId, Survey, SurveyAudience,
    SurveyDue, SurveyId,
};

use crate::clock::today;
use crate::components::answers::{typed_answers, QuestionField};
use crate::components::field::{ChoiceOptions, InlineCheck};
use crate::components::notice::MessageNotice;
use crate::i18n::{use_i18n, I18n};
use crate::routes::Page;
use crate::session::use_session;

/// One question as the form holds it.
#[derive(Clone, Copy)]
struct QuestionDraft {
    key: usize,
    text: RwSignal<String>,
    kind: RwSignal<String>,
    options: RwSignal<String>,
    anonymous: RwSignal<bool>,
}

impl QuestionDraft {
    fn new(key: usize) -> Self {
        Self {
            key,
            text: RwSignal::new(String::new()),
            kind: RwSignal::new("scale".into()),
            options: RwSignal::new(String::new()),
            anonymous: RwSignal::new(false),
        }
    }

    fn question(&self) -> Question {
        let kind = match self.kind.get_untracked().as_str() {
            "choice" => QuestionKind::Choice {
                options: self
                    .options
                    .get_untracked()
                    .split(';')
                    .map(|option| option.trim().to_string())
                    .collect(),
            },
            "free-text" => QuestionKind::FreeText,
            _ => QuestionKind::Scale,
        };
        Question {
            key: format!("q{}", self.key),
            text: self.text.get_untracked(),
            kind,
            anonymous: self.anonymous.get_untracked(),
        }
    }
}

fn due_text(i18n: I18n, due: &SurveyDue) -> String {
    match due {
        SurveyDue::AfterStart { days } => i18n.t_with(
            "survey-due-after-start-text",
            &[("days", FluentValue::from(*days))],
        ),
        SurveyDue::AfterEnd { months } => i18n.t_with(
            "survey-due-after-end-text",
            &[("months", FluentValue::from(*months))],
        ),
        other => i18n.t(&format!("survey-due-{}", other.code())),
    }
}

/// The page at `/programme/:id/report/surveys`.
#[component]
pub(crate) fn SurveysPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let programme_id = session.with_untracked(|p| p.id);
    let surveys = Memo::new(move |_| {
        session
            .with(|p| {
                let mut list: Vec<(SurveyId, Survey, usize)> = p
                    .surveys
                    .iter()
                    .map(|(id, survey)| {
                        let answered = p
                            .survey_responses
                            .values()
                            .filter(|r| r.survey == *id && r.person.is_some())
                            .count();
                        (*id, survey.clone(), answered)
                    })
                    .collect();
                list.sort_by_key(|(_, survey, _)| survey.title.to_lowercase());
                list
            })
            .unwrap_or_default()
    });

    view! {
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
        <section class="panel" aria-labelledby="surveys-title">
            <h2 id="surveys-title">{move || i18n.t("survey-title")}</h2>
            {move || {
                let list = surveys.get();
                if list.is_empty() {
                    return view! { <p class="empty-state">{i18n.t("survey-none")}</p> }.into_any();
                }
                view! {
                    <ul class="survey-list" data-testid="survey-list">
                        {list
                            .into_iter()
                            .map(|(_, survey, answered)| {
                                view! {
                                    <li>
                                        <strong>{survey.title.clone()}</strong>
                                        " · "
                                        {due_text(i18n, &survey.due)}
                                        " · "
                                        {i18n
                                            .t(&format!("survey-audience-{}", survey.audience.code()))}
                                        " · "
                                        {i18n
                                            .t_with(
                                                "survey-answered",
                                                &[("count", FluentValue::from(answered))],
                                            )}
                                        <ol>
                                            {survey
                                                .questions
                                                .iter()
                                                .map(|q| {
                                                    view! {
                                                        <li>
                                                            {q.text.clone()}" ("
                                                            {i18n.t(&format!("survey-kind-{}", q.kind.code()))}
                                                            {q
                                                                .anonymous
                                                                .then(|| format!(", {}", i18n.t("survey-anonymous")))}")"
                                                        </li>
                                                    }
                                                })
                                                .collect_view()}
                                        </ol>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                }
                    .into_any()
            }}
        </section>
        <NewSurvey />
        <PaperAnswers surveys />
    }
}

#[component]
fn NewSurvey() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let title = RwSignal::new(String::new());
    let due = RwSignal::new("after-start".to_string());
    let amount = RwSignal::new("30".to_string());
    let audience = RwSignal::new("mentees".to_string());
    let next_key = StoredValue::new(1usize);
    let questions = RwSignal::new(vec![QuestionDraft::new(0)]);
    let message = RwSignal::new(None::<(bool, String)>);

    let add = move |_| {
        let key = next_key.get_value();
        next_key.set_value(key + 1);
        questions.update(|list| list.push(QuestionDraft::new(key)));
    };
    let save = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let amount: u32 = amount.get_untracked().trim().parse().unwrap_or(0);
        let due = match due.get_untracked().as_str() {
            "mid-term" => SurveyDue::MidTerm,
            "final" => SurveyDue::Final,
            "after-end" => SurveyDue::AfterEnd {
                months: amount.min(36),
            },
            _ => SurveyDue::AfterStart {
                days: amount.min(1000),
            },
        };
        let survey = Survey {
            title: title.get_untracked(),
            due,
            audience: SurveyAudience::from_code(&audience.get_untracked())
                .unwrap_or(SurveyAudience::Everyone),
            questions: questions
                .get_untracked()
                .iter()
                .map(QuestionDraft::question)
                .collect(),
        };
        match session.dispatch(Command::DefineSurvey {
            id: SurveyId::random(),
            survey,
        }) {
            Ok(()) => {
                message.set(Some((true, i18n.t("survey-saved"))));
                title.set(String::new());
                questions.set(vec![QuestionDraft::new(next_key.get_value())]);
                next_key.update_value(|key| *key += 1);
            }
            Err(text) => message.set(Some((false, text))),
        }
    };

    view! {
        <section class="panel" aria-labelledby="survey-new-title">
            <h2 id="survey-new-title">{move || i18n.t("survey-new")}</h2>
            <form on:submit=save data-testid="survey-form">
                <div class="field">
                    <label for="survey-name">{move || i18n.t("survey-name")}</label>
                    <input
                        id="survey-name"
                        type="text"
                        data-testid="survey-name"
                        prop:value=move || title.get()
                        on:input=move |event| title.set(event_target_value(&event))
                    />
                </div>
                <div class="filters">
                    <div class="field">
                        <label for="survey-due">{move || i18n.t("survey-due")}</label>
                        <select
                            id="survey-due"
                            data-testid="survey-due"
                            on:change=move |event| due.set(event_target_value(&event))
                        >
                            {["after-start", "mid-term", "final", "after-end"]
                                .into_iter()
                                .map(|code| {
                                    view! {
                                        <option value=code>
                                            {move || i18n.t(&format!("survey-due-{code}"))}
                                        </option>
                                    }
                                })
                                .collect_view()}
                        </select>
                    </div>
                    <div class="field">
                        <label for="survey-amount">{move || i18n.t("survey-amount")}</label>
                        <input
                            id="survey-amount"
                            type="number"
                            min="0"
                            data-testid="survey-amount"
                            prop:value=move || amount.get()
                            on:input=move |event| amount.set(event_target_value(&event))
                        />
                    </div>
                    <div class="field">
                        <label for="survey-audience">{move || i18n.t("survey-audience")}</label>
                        <select
                            id="survey-audience"
                            data-testid="survey-audience"
                            on:change=move |event| audience.set(event_target_value(&event))
                        >
                            {SurveyAudience::ALL
                                .into_iter()
                                .map(|a| {
                                    view! {
                                        <option value=a
                                            .code()>
                                            {move || i18n.t(&format!("survey-audience-{}", a.code()))}
                                        </option>
                                    }
                                })
                                .collect_view()}
                        </select>
                    </div>
                </div>
                <For each=move || questions.get() key=|q| q.key let:q>
                    <fieldset class="survey-question" data-testid="survey-question">
                        <legend>{move || i18n.t("survey-question")}</legend>
                        <div class="field">
                            <label for=format!(
                                "q{}-text",
                                q.key,
                            )>{move || i18n.t("survey-question-text")}</label>
                            <input
                                id=format!("q{}-text", q.key)
                                type="text"
                                data-testid="survey-question-text"
                                prop:value=move || q.text.get()
                                on:input=move |event| q.text.set(event_target_value(&event))
                            />
                        </div>
                        <div class="filters">
                            <div class="field">
                                <label for=format!(
                                    "q{}-kind",
                                    q.key,
                                )>{move || i18n.t("survey-question-kind")}</label>
                                <select
                                    id=format!("q{}-kind", q.key)
                                    data-testid="survey-question-kind"
                                    on:change=move |event| q.kind.set(event_target_value(&event))
                                >
                                    {["scale", "choice", "free-text"]
                                        .into_iter()
                                        .map(|code| {
                                            view! {
                                                <option value=code>
                                                    {move || i18n.t(&format!("survey-kind-{code}"))}
                                                </option>
                                            }
                                        })
                                        .collect_view()}
                                </select>
                            </div>
                            <div class="field">
                                <label for=format!(
                                    "q{}-options",
                                    q.key,
                                )>{move || i18n.t("survey-question-options")}</label>
                                <input
                                    id=format!("q{}-options", q.key)
                                    type="text"
                                    data-testid="survey-question-options"
                                    disabled=move || { q.kind.get() != "choice" }
                                    prop:value=move || q.options.get()
                                    on:input=move |event| q.options.set(event_target_value(&event))
                                />
                            </div>
                        </div>
                        <InlineCheck
                            testid="survey-question-anonymous"
                            label="survey-question-anonymous"
                            checked=q.anonymous
                        />
                    </fieldset>
                </For>
                <div class="report__actions">
                    <button
                        type="button"
                        class="button button--secondary"
                        data-testid="survey-add-question"
                        on:click=add
                    >
                        {move || i18n.t("survey-add-question")}
                    </button>
                    <button type="submit" class="button" data-testid="survey-save">
                        {move || i18n.t("survey-save")}
                    </button>
                </div>
                <MessageNotice message testid="survey-message" />
            </form>
        </section>
    }
}

/// Answers given on paper, typed in by a coordinator.
#[component]
fn PaperAnswers(surveys: Memo<Vec<(SurveyId, Survey, usize)>>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let chosen = RwSignal::new(None::<SurveyId>);
    let person = RwSignal::new(None::<PersonId>);
    let answers = RwSignal::new(BTreeMap::<String, String>::new());
    let message = RwSignal::new(None::<(bool, String)>);
    let survey = move || {
        let id = chosen.get()?;
        surveys.with(|list| {
            list.iter()
                .find(|(s, _, _)| *s == id)
                .map(|(_, s, _)| s.clone())
        })
    };
    let people = move || {
        let Some(survey) = survey() else {
            return Vec::new();
        };
        session
            .with(|p| {
                let mut list: Vec<(PersonId, String)> = p
                    .people
                    .iter()
                    .filter(|(id, person)| {
                        survey.audience.includes(person.details.role)
                            && p.tandems_of(**id).next().is_some()
                    })
                    .map(|(id, person)| (*id, person.details.name.clone()))
                    .collect();
                list.sort_by_key(|(_, name)| name.to_lowercase());
                list
            })
            .unwrap_or_default()
    };
    let save = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let (Some(survey_id), Some(person_id), Some(survey)) =
            (chosen.get_untracked(), person.get_untracked(), survey())
        else {
            message.set(Some((false, i18n.t("survey-choose-both"))));
            return;
        };
        let typed = answers.with_untracked(|given| typed_answers(&survey.questions, given));
        match session.dispatch(Command::RecordSurveyAnswers {
            survey: survey_id,
            person: person_id,
            on: today(),
            source: AnswerSource::Paper,
            answers: typed,
            response: ResponseId::random(),
            anonymous_response: ResponseId::random(),
        }) {
            Ok(()) => {
                message.set(Some((true, i18n.t("survey-answers-saved"))));
                answers.set(BTreeMap::new());
            }
            Err(text) => message.set(Some((false, text))),
        }
    };

    view! {
        <section class="panel" aria-labelledby="survey-paper-title">
            <h2 id="survey-paper-title">{move || i18n.t("survey-paper")}</h2>
            <form on:submit=save data-testid="survey-paper-form">
                <div class="filters">
                    <div class="field">
                        <label for="paper-survey">{move || i18n.t("survey-which")}</label>
                        <select
                            id="paper-survey"
                            data-testid="paper-survey"
                            on:change=move |event| {
                                chosen.set(event_target_value(&event).parse().ok());
                                answers.set(BTreeMap::new());
                            }
                        >
                            <option value="">{move || i18n.t("survey-choose")}</option>
                            {move || {
                                surveys
                                    .get()
                                    .into_iter()
                                    .map(|(id, s, _)| {
                                        view! { <option value=id.to_string()>{s.title}</option> }
                                    })
                                    .collect_view()
                            }}
                        </select>
                    </div>
                    <div class="field">
                        <label for="paper-person">{move || i18n.t("survey-who")}</label>
                        <select
                            id="paper-person"
                            data-testid="paper-person"
                            on:change=move |event| {
                                person.set(event_target_value(&event).parse().ok())
                            }
                        >
                            <ChoiceOptions none="survey-choose" choices=people />
                        </select>
                    </div>
                </div>
                {move || {
                    survey()
                        .map(|survey| {
                            survey
                                .questions
                                .into_iter()
                                .map(|question| {
                                    let id = format!("paper-{}", question.key);
                                    view! {
                                        <QuestionField question id testid="paper-answer" answers />
                                    }
                                })
                                .collect_view()
                        })
                }}
                <button type="submit" class="button" data-testid="paper-save">
                    {move || i18n.t("survey-answers-save")}
                </button>
                <MessageNotice message testid="paper-message" />
            </form>
        </section>
    }
}
