//! Importing people from a spreadsheet: choose a CSV file, check the column
//! mapping and every row's problems, then import. Nothing is written before
//! the coordinator confirms; invalid rows only when they say so.

use std::collections::BTreeSet;

use fluent_bundle::FluentValue;
use leptos::prelude::*;
use leptos::task::spawn_local;
use tandem_core::{decode_spreadsheet, ImportField, ImportPlan, PersonId, RowVerdict};
use wasm_bindgen::JsCast;

use crate::components::notice::{Outcome, OutcomeNotice};
use crate::components::table::{Column, DataTable};
use crate::i18n::use_i18n;
use crate::pages::error_text;
use crate::session::use_session;

async fn read_file(
    i18n: crate::i18n::I18n,
    event: &leptos::ev::Event,
) -> Result<Option<String>, String> {
    let Some(input) = event
        .target()
        .and_then(|target| target.dyn_into::<web_sys::HtmlInputElement>().ok())
    else {
        return Ok(None);
    };
    let Some(file) = input.files().and_then(|files| files.get(0)) else {
        return Ok(None);
    };
    let buffer = wasm_bindgen_futures::JsFuture::from(file.array_buffer())
        .await
        .map_err(|_| i18n.error("file-unreadable"))?;
    let bytes = js_sys::Uint8Array::new(&buffer).to_vec();
    Ok(Some(decode_spreadsheet(&bytes)))
}

/// The page at `/programme/:id/import`.
#[component]
pub(crate) fn ImportPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let text = RwSignal::new(None::<String>);
    let mapping = RwSignal::new(None::<Vec<Option<ImportField>>>);
    let include = RwSignal::new(BTreeSet::<usize>::new());
    let outcome = RwSignal::new(Outcome::Idle);

    let plan = Memo::new(move |_| {
        let text = text.get()?;
        let mapping = mapping.get();
        session.with(|programme| {
            ImportPlan::read_with(&text, programme, mapping).map_err(|error| error.code())
        })
    });

    let on_file = move |event: leptos::ev::Event| {
        spawn_local(async move {
            outcome.set(Outcome::Idle);
            include.set(BTreeSet::new());
            mapping.set(None);
            match read_file(i18n, &event).await {
                Ok(read) => text.set(read),
                Err(message) => outcome.set(Outcome::Refused(message)),
            }
        });
    };

    let to_import = move || {
        plan.with(|plan| match plan {
            Some(Ok(plan)) => {
                let included = include.get();
                plan.rows
                    .iter()
                    .filter(|row| {
                        row.verdict == RowVerdict::Ready
                            || (row.verdict == RowVerdict::Invalid && included.contains(&row.line))
                    })
                    .count()
            }
            _ => 0,
        })
    };

    let import = move |_| {
        let Some(Ok(current)) = plan.get_untracked() else {
            return;
        };
        let count = to_import();
        if count == 0 {
            outcome.set(Outcome::Refused(i18n.t("import-nothing")));
            return;
        }
        let command = current.command(&include.get_untracked(), PersonId::random);
        outcome.set(match session.dispatch(command) {
            Ok(()) => {
                include.set(BTreeSet::new());
                Outcome::Done(i18n.t_with("import-done", &[("count", FluentValue::from(count))]))
            }
            Err(message) => Outcome::Refused(message),
        });
    };

    view! {
        <section class="panel" aria-labelledby="import-title">
            <h2 id="import-title">{move || i18n.t("import-title")}</h2>
            <p class="muted">{move || i18n.t("import-intro")}</p>
            <div class="field">
                <label for="import-file">{move || i18n.t("import-file")}</label>
                <input
                    id="import-file"
                    data-testid="import-file"
                    type="file"
                    accept=".csv,text/csv,text/plain"
                    on:change=on_file
                />
            </div>
            <div aria-live="polite">
                <OutcomeNotice outcome=outcome testid="import" />
            </div>
            {move || match plan.get() {
                None => ().into_any(),
                Some(Err(code)) => {
                    view! {
                        <p class="notice notice--error" role="alert" data-testid="import-error">
                            {error_text(code)}
                        </p>
                    }
                        .into_any()
                }
                Some(Ok(current)) => {
                    view! { <ImportPreview plan=current mapping include /> }.into_any()
                }
            }}
            <Show when=move || matches!(plan.get(), Some(Ok(_)))>
                <div class="form__actions sticky-actions">
                    <button
                        type="button"
                        class="button button--primary"
                        data-testid="import-submit"
                        on:click=import
                    >
                        {move || {
                            i18n.t_with(
                                "import-submit",
                                &[("count", FluentValue::from(to_import()))],
                            )
                        }}
                    </button>
                </div>
            </Show>
        </section>
    }
}

#[component]
fn ImportPreview(
    plan: ImportPlan,
    mapping: RwSignal<Option<Vec<Option<ImportField>>>>,
    include: RwSignal<BTreeSet<usize>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let current_mapping = plan.mapping.clone();
    let summary = i18n.t_with(
        "import-summary",
        &[
            ("ready", FluentValue::from(plan.count(RowVerdict::Ready))),
            (
                "invalid",
                FluentValue::from(plan.count(RowVerdict::Invalid)),
            ),
            (
                "present",
                FluentValue::from(plan.count(RowVerdict::AlreadyPresent)),
            ),
            (
                "unusable",
                FluentValue::from(plan.count(RowVerdict::Unusable)),
            ),
        ],
    );
    let mapping_rows = plan
        .headers
        .iter()
        .enumerate()
        .map(|(index, header)| {
            let selected = current_mapping.get(index).copied().flatten();
            let all = current_mapping.clone();
            let select_id = format!("mapping-{index}");
            view! {
                <tr>
                    <th scope="row">
                        <label for=select_id.clone()>{header.clone()}</label>
                    </th>
                    <td>
                        <select
                            id=select_id
                            on:change=move |event| {
                                let field = ImportField::from_code(&event_target_value(&event));
                                let mut next = all.clone();
                                if let Some(slot) = next.get_mut(index) {
                                    *slot = field;
                                }
                                mapping.set(Some(next));
                            }
                        >
                            <option value="" selected=selected.is_none()>
                                {i18n.t("import-field-ignore")}
                            </option>
                            {ImportField::ALL
                                .into_iter()
                                .map(|field| {
                                    view! {
                                        <option value=field.code() selected=selected == Some(field)>
                                            {i18n.t(&format!("import-field-{}", field.code()))}
                                        </option>
                                    }
                                })
                                .collect_view()}
                        </select>
                    </td>
                </tr>
            }
        })
        .collect_view();
    // Columns recognised and left out on purpose (a birth date): said,
    // not silently dropped.
    let set_aside: Vec<String> = plan
        .set_aside
        .iter()
        .map(|column| {
            i18n.t_with(
                &format!("import-set-aside-{}", column.reason),
                &[("column", FluentValue::from(column.header.clone()))],
            )
        })
        .collect();
    let no_date = !plan.mapping.contains(&Some(ImportField::AppliedOn));
    // Rendered here, where the table's reads are tracked, not
    // inside the table component (which reads untracked).
    let table_rows = plan.rows.into_iter().map(|row| {
        let line = row.line;
        let verdict = row.verdict;
        let problems: Vec<String> = row.problems.iter().map(|problem| {
            i18n.t_with(&format!("problem-{}", problem.code()), &[("value", FluentValue::from(problem.value()))])
        }).collect();
        let role = i18n.t(&format!("role-{}", row.details.role.code()));
        let checkbox_id = format!("include-{line}");
        view! {
            <tr data-testid="import-row" data-verdict=verdict.code() data-line=line>
                <td class="num">{line}</td>
                <td>
                    {row.details.name.clone()}
                    <span class="muted">
                        {(!row.details.name.is_empty()).then(|| format!(" · {role}"))}
                    </span>
                </td>
                <td>
                    <span class=format!(
                        "badge badge--{}",
                        verdict.code(),
                    )>{i18n.t(&format!("verdict-{}", verdict.code()))}</span>
                    {(!problems.is_empty())
                        .then(|| {
                            view! {
                                <ul class="problem-list">
                                    {problems
                                        .into_iter()
                                        .map(|p| view! { <li>{p}</li> })
                                        .collect_view()}
                                </ul>
                            }
                        })}
                    {(verdict == RowVerdict::Invalid)
                        .then(|| {
                            view! {
                                <label class="check" for=checkbox_id.clone()>
                                    <input
                                        id=checkbox_id.clone()
                                        type="checkbox"
                                        data-testid=format!("include-{line}")
                                        prop:checked=move || include.with(|set| set.contains(&line))
                                        on:change=move |event| {
                                            let checked = event_target_checked(&event);
                                            include
                                                .update(|set| {
                                                    if checked {
                                                        set.insert(line);
                                                    } else {
                                                        set.remove(&line);
                                                    }
                                                });
                                        }
                                    />
                                    <span>{i18n.t("import-include")}</span>
                                </label>
                            }
                        })}
                </td>
            </tr>
        }
    }).collect_view();
    view! {
        <h3>{i18n.t("import-mapping")}</h3>
        <DataTable
            testid="import-mapping"
            class="data-table data-table--compact"
            head=|| {
                view! {
                    <Column label="import-column" />
                    <Column label="import-field" />
                }
            }
        >
            {mapping_rows}
        </DataTable>
        {(!set_aside.is_empty() || no_date)
            .then(|| {
                view! {
                    <ul class="plain-list notice" data-testid="import-notes">
                        {set_aside.into_iter().map(|note| view! { <li>{note}</li> }).collect_view()}
                        {no_date.then(|| view! { <li>{i18n.t("import-no-application-date")}</li> })}
                    </ul>
                }
            })}
        <h3>{i18n.t("import-rows")}</h3>
        <p class="muted" data-testid="import-summary">
            {summary}
        </p>
        <DataTable
            testid="import-rows"
            class="data-table"
            head=|| {
                view! {
                    <Column label="import-line" class="num" />
                    <Column label="import-person" />
                    <Column label="import-status" />
                }
            }
        >
            {table_rows}
        </DataTable>
    }
}
