//! Questionnaires on a tandem page. The participant sees the ones due for
//! them and fills them in; the coordinators put the due ones on the page
//! and carry the answers into the programme (anonymous answers without the
//! person), each by a button, so nothing is written from an effect.

use std::collections::BTreeMap;

use fluent_bundle::FluentValue;
use leptos::prelude::*;
use tandem_core::{carry_survey_answers, PageAnswers, PageSurvey, PersonId, SurveyId, TandemId};

use crate::clock::today;
use crate::components::answers::{typed_answers, QuestionField};
use crate::components::notice::MessageNotice;
use crate::i18n::use_i18n;
use crate::page_session::PageSession;
use crate::session::use_session;

/// For the participant: the questionnaires on the page that ask `me` and
/// that `me` has not answered here yet.
#[component]
pub(crate) fn PageQuestionnaires(page: PageSession, me: Signal<Option<PersonId>>) -> impl IntoView {
    let i18n = use_i18n();
    let open = move || {
        let Some(me) = me.get() else {
            return Vec::new();
        };
        page.with(|p| {
            let answered: Vec<SurveyId> = p
                .survey_answers()
                .into_iter()
                .filter(|a| a.person == me)
                .map(|a| a.survey)
                .collect();
            p.surveys_offered()
                .into_iter()
                .filter(|(id, survey)| survey.asks.contains(&me) && !answered.contains(id))
                .collect::<Vec<_>>()
        })
        .unwrap_or_default()
    };
    move || {
        let open = open();
        if open.is_empty() {
            return ().into_any();
        }
        let me = me.get_untracked();
        view! {
            <section class="panel" aria-labelledby="page-surveys-title" data-testid="page-surveys">
                <h2 id="page-surveys-title">{i18n.t("page-surveys-title")}</h2>
                <p class="notice notice--warning">{i18n.t("page-surveys-shared")}</p>
                {open
                    .into_iter()
                    .map(|(id, survey)| view! { <PageQuestionnaire page id survey me /> })
                    .collect_view()}
            </section>
        }
        .into_any()
    }
}

#[component]
fn PageQuestionnaire(
    page: PageSession,
    id: SurveyId,
    survey: PageSurvey,
    me: Option<PersonId>,
) -> impl IntoView {
    let i18n = use_i18n();
    let answers = RwSignal::new(BTreeMap::<String, String>::new());
    let message = RwSignal::new(None::<String>);
    let questions = survey.questions.clone();
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let Some(person) = me else { return };
        let typed = typed_answers(&questions, &answers.get_untracked());
        if let Err(text) = page.answer_survey(PageAnswers {
            survey: id,
            person,
            on: today(),
            answers: typed,
        }) {
            message.set(Some(text));
        }
    };
    view! {
        <form class="page-survey" data-testid="page-survey" on:submit=submit>
            <h3>{survey.title.clone()}</h3>
            {survey
                .questions
                .into_iter()
                .map(|question| {
                    let field = format!("page-survey-{id}-{}", question.key);
                    view! {
                        <QuestionField question id=field testid="page-survey-answer" answers />
                    }
                })
                .collect_view()}
            <button type="submit" class="button" data-testid="page-survey-send">
                {move || i18n.t("page-survey-send")}
            </button>
            {move || {
                message
                    .get()
                    .map(|text| {
                        view! {
                            <p class="notice notice--error" role="alert">
                                {text}
                            </p>
                        }
                    })
            }}
        </form>
    }
}

/// For the coordinators, on a tandem's view: put the questionnaires due on
/// the pair's page, and carry the answers given there into the programme.
#[component]
pub(crate) fn PageSurveysForCoordinators(id: TandemId, page: PageSession) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let message = RwSignal::new(None::<(bool, String)>);
    let waiting = move || {
        let answers = page.with(|p| p.survey_answers()).unwrap_or_default();
        session
            .with(|programme| {
                answers
                    .iter()
                    .filter(|a| {
                        programme.surveys.contains_key(&a.survey)
                            && !programme.has_answered(a.survey, a.person)
                    })
                    .count()
            })
            .unwrap_or(0)
    };
    let offer = move |_| {
        let Some(offered) = session.with_untracked(|p| PageSurvey::due_for(p, id, today())) else {
            return;
        };
        let count = offered.len();
        page.offer_surveys(offered);
        message.set(Some((
            true,
            i18n.t_with(
                "page-surveys-offered",
                &[("count", FluentValue::from(count))],
            ),
        )));
    };
    let carry = move |_| {
        let commands = page
            .with(|p| session.with_untracked(|programme| carry_survey_answers(programme, p)))
            .flatten()
            .unwrap_or_default();
        let mut carried = 0;
        for command in commands {
            match session.dispatch(command) {
                Ok(()) => carried += 1,
                Err(text) => {
                    message.set(Some((false, text)));
                    return;
                }
            }
        }
        // The page no longer offers what has been answered.
        if let Some(offered) = session.with_untracked(|p| PageSurvey::due_for(p, id, today())) {
            page.offer_surveys(offered);
        }
        message.set(Some((
            true,
            i18n.t_with(
                "page-surveys-carried",
                &[("count", FluentValue::from(carried))],
            ),
        )));
    };
    view! {
        <section
            class="panel"
            aria-labelledby="page-surveys-coordinators"
            data-testid="page-surveys-coordinators"
        >
            <h2 id="page-surveys-coordinators">{move || i18n.t("page-surveys-title")}</h2>
            <div class="button-row">
                <button
                    type="button"
                    class="button button--secondary"
                    data-testid="page-surveys-offer"
                    on:click=offer
                >
                    {move || i18n.t("page-surveys-offer")}
                </button>
                <button
                    type="button"
                    class="button button--secondary"
                    data-testid="page-surveys-carry"
                    on:click=carry
                    disabled=move || { waiting() == 0 }
                >
                    {move || {
                        i18n.t_with(
                            "page-surveys-carry",
                            &[("count", FluentValue::from(waiting()))],
                        )
                    }}
                </button>
            </div>
            <MessageNotice message />
        </section>
    }
}
