//! Answering a questionnaire: one field per question (a scale of 1 to 5,
//! a choice or free text) and the typed answers from what was entered.
//! Coordinators enter paper answers with it; the same questions are asked
//! on a tandem's own page.

use std::collections::BTreeMap;

use leptos::prelude::*;
use tandem_core::{Answer, Question, QuestionKind};

use crate::i18n::use_i18n;

/// What was entered, by question key, as typed answers; questions left
/// empty are not answered.
pub(crate) fn typed_answers(
    questions: &[Question],
    given: &BTreeMap<String, String>,
) -> BTreeMap<String, Answer> {
    let mut typed = BTreeMap::new();
    for question in questions {
        let Some(value) = given.get(&question.key).filter(|v| !v.trim().is_empty()) else {
            continue;
        };
        let answer = match &question.kind {
            QuestionKind::Scale => Answer::Scale {
                value: value.trim().parse().unwrap_or(0),
            },
            QuestionKind::Choice { .. } => Answer::Choice {
                option: value.clone(),
            },
            QuestionKind::FreeText => Answer::Text {
                text: value.clone(),
            },
        };
        typed.insert(question.key.clone(), answer);
    }
    typed
}

/// The field for one question, labelled with its text (and whether it is
/// answered anonymously), showing and keeping what is entered in
/// `answers` under the question's key. `id` is the field's id, `testid`
/// names every answer field of the form.
#[component]
pub(crate) fn QuestionField(
    question: Question,
    id: String,
    testid: &'static str,
    answers: RwSignal<BTreeMap<String, String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let key = question.key.clone();
    let value = {
        let key = key.clone();
        move || answers.with(|a| a.get(&key).cloned().unwrap_or_default())
    };
    let set = move |event: leptos::ev::Event| {
        let text = event_target_value(&event);
        answers.update(|a| {
            a.insert(key.clone(), text);
        });
    };
    let label = if question.anonymous {
        format!("{} ({})", question.text, i18n.t("survey-anonymous"))
    } else {
        question.text.clone()
    };
    let input = match question.kind {
        QuestionKind::Scale => view! {
            <select id=id.clone() data-testid=testid prop:value=value on:change=set>
                <option value="">"–"</option>
                {(1..=5).map(|n| view! { <option value=n.to_string()>{n}</option> }).collect_view()}
            </select>
        }
        .into_any(),
        QuestionKind::Choice { options } => view! {
            <select id=id.clone() data-testid=testid prop:value=value on:change=set>
                <option value="">"–"</option>
                {options
                    .into_iter()
                    .map(|o| view! { <option value=o.clone()>{o.clone()}</option> })
                    .collect_view()}
            </select>
        }
        .into_any(),
        QuestionKind::FreeText => view! {
            <textarea
                id=id.clone()
                rows="2"
                data-testid=testid
                prop:value=value
                on:input=set
            ></textarea>
        }
        .into_any(),
    };
    view! {
        <div class="field">
            <label for=id>{label}</label>
            {input}
        </div>
    }
}
