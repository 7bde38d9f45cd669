//! The programme's report ("Bericht"): key figures, outcomes, participants,
//! tandems, events and surveys, each as a chart drawn here in SVG with the
//! table of its numbers beneath it, for one partner organisation or all,
//! optionally beside an earlier run stored in this browser. Prints as an A4
//! report for a council committee (style/print-report.css); every table
//! downloads as CSV. The figures come from the core crate's
//! [`Report`]; this page only draws them.

use std::collections::BTreeMap;

use fluent_bundle::FluentValue;
use leptos::prelude::*;
use leptos_router::components::A;
use tandem_core::{
    report_csv, table_csv, MeetingLog, NumberStyle, Programme, ProgrammeDocument, ProgrammeId,
    Rate, Report, ReportFilter, ReportTable, TandemId, TandemPageDocument,
};

use crate::clock::today;
use crate::components::field::ChoiceOptions;
use crate::download::offer_download;
use crate::i18n::{use_i18n, I18n};
use crate::language::Language;
use crate::routes::Page;
use crate::session::use_session;
use crate::storage::ProgrammeStore;

/// How numbers are written in the language shown.
pub(crate) fn number_style(i18n: I18n) -> NumberStyle {
    match i18n.language() {
        Language::English => NumberStyle::english(),
        Language::German => NumberStyle::german(),
    }
}

/// The meeting logs of the stored tandem pages of these tandems.
async fn meeting_logs(tandems: Vec<TandemId>) -> BTreeMap<TandemId, MeetingLog> {
    let mut logs = BTreeMap::new();
    let Ok(store) = ProgrammeStore::open().await else {
        return logs;
    };
    for id in tandems {
        let Ok(Some(bytes)) = store.load_page(id).await else {
            continue;
        };
        if let Ok(page) = TandemPageDocument::load(&bytes) {
            logs.insert(id, MeetingLog::of(&page));
        }
    }
    logs
}

/// The other programmes stored in this browser: id and name.
async fn other_programmes(except: ProgrammeId) -> Vec<(ProgrammeId, String)> {
    let Ok(store) = ProgrammeStore::open().await else {
        return Vec::new();
    };
    let Ok(ids) = store.programme_ids().await else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for id in ids.into_iter().filter(|id| *id != except) {
        if let Ok(Some(bytes)) = store.load(id).await {
            if let Ok(document) = ProgrammeDocument::load(&bytes) {
                found.push((id, document.programme().name.clone()));
            }
        }
    }
    found.sort_by_key(|a| a.1.to_lowercase());
    found
}

/// An earlier run chosen for comparison, with its meeting logs.
#[derive(Clone)]
struct Earlier {
    programme: Programme,
    logs: BTreeMap<TandemId, MeetingLog>,
}

async fn load_earlier(id: ProgrammeId) -> Option<Earlier> {
    let store = ProgrammeStore::open().await.ok()?;
    let bytes = store.load(id).await.ok()??;
    let programme = ProgrammeDocument::load(&bytes).ok()?.programme().clone();
    let logs = meeting_logs(programme.tandems.keys().copied().collect()).await;
    Some(Earlier { programme, logs })
}

fn file_name(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_alphanumeric() { c } else { '-' })
        .collect::<String>()
        .split('-')
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

/// The earlier run chosen for comparison, read as it is chosen; a run
/// chosen while another is still being read takes its place (the slower
/// read's result is dropped, whichever finishes first).
fn earlier_run(compared: RwSignal<Option<ProgrammeId>>) -> LocalResource<Option<Earlier>> {
    LocalResource::new(move || {
        let chosen = compared.get();
        async move {
            match chosen {
                Some(id) => load_earlier(id).await,
                None => None,
            }
        }
    })
}

/// The page at `/programme/:id/report`.
#[component]
pub(crate) fn ReportPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let programme_id = session.with_untracked(|p| p.id);
    let organisation = RwSignal::new(None::<String>);
    let compared = RwSignal::new(None::<ProgrammeId>);
    let earlier = earlier_run(compared);

    // Read once as the page opens; until then the report counts no
    // meetings and says that it is still reading (a result that arrives
    // after the page is gone is dropped with it).
    let tandems: Vec<TandemId> = session
        .with_untracked(|p| p.tandems.keys().copied().collect())
        .unwrap_or_default();
    let logs = LocalResource::new(move || meeting_logs(tandems.clone()));
    let others = LocalResource::new(move || async move {
        match programme_id {
            Some(id) => other_programmes(id).await,
            None => Vec::new(),
        }
    });
    let others = Signal::derive(move || others.get().unwrap_or_default());

    let filter = move || ReportFilter {
        organisation: organisation.get(),
    };
    let report = Memo::new(move |_| {
        let filter = filter();
        logs.with(|logs| {
            let empty = BTreeMap::new();
            let logs = logs.as_ref().unwrap_or(&empty);
            session.with(|programme| Report::of(programme, &filter, logs))
        })
    });
    let earlier_report = Memo::new(move |_| {
        let filter = filter();
        earlier.with(|earlier| {
            earlier
                .as_ref()
                .and_then(Option::as_ref)
                .map(|earlier| Report::of(&earlier.programme, &filter, &earlier.logs))
        })
    });
    let tables = Memo::new(move |_| {
        report
            .with(|report| {
                report.as_ref().map(|report| {
                    earlier_report
                        .with(|earlier| report.tables(earlier.as_ref(), |code| i18n.t(code)))
                })
            })
            .unwrap_or_default()
    });
    let table = move |id: &'static str| {
        tables.with(|tables| tables.iter().find(|table| table.id == id).cloned())
    };

    let title_line = move || {
        session
            .with(|p| report_title_line(i18n, p, organisation.get()))
            .unwrap_or_default()
    };

    view! {
        <article class="report" data-testid="report">
            <header class="report__title">
                <h2 class="report__heading">{move || i18n.t("report-title")}</h2>
                <p data-testid="report-title-line">{title_line}</p>
                {move || {
                    earlier
                        .with(|e| {
                            e.as_ref().and_then(Option::as_ref).map(|e| e.programme.name.clone())
                        })
                        .map(|name| {
                            view! {
                                <p class="muted" data-testid="report-compared">
                                    {i18n
                                        .t_with(
                                            "report-compared-with",
                                            &[("name", FluentValue::from(name))],
                                        )}
                                </p>
                            }
                        })
                }}
            </header>
            <ReportControls organisation others compared tables report programme_id />
            {move || {
                logs.with(|logs| logs.is_none())
                    .then(|| {
                        view! {
                            <p class="muted no-print" role="status">
                                {i18n.t("report-reading-pages")}
                            </p>
                        }
                    })
            }}

            <ReportSection
                id="key-figures"
                table=Signal::derive(move || table("key-figures"))
                chart=None
            />
            <ReportSection
                id="outcomes"
                table=Signal::derive(move || table("outcomes"))
                chart=Some(
                    Signal::derive(move || outcome_bars(i18n, report.get(), earlier_report.get())),
                )
            />
            <ReportSection
                id="participants"
                table=Signal::derive(move || table("participants"))
                chart=Some(Signal::derive(move || participant_bars(i18n, report.get())))
            />
            <ReportSection
                id="tandems"
                table=Signal::derive(move || table("tandems"))
                chart=Some(Signal::derive(move || tandem_bars(i18n, report.get())))
            />
            <ReportSection
                id="early-endings"
                table=Signal::derive(move || table("early-endings"))
                chart=None
            />
            <ReportSection
                id="completed-tandems"
                table=Signal::derive(move || table("completed-tandems"))
                chart=None
            />
            <ReportSection
                id="events"
                table=Signal::derive(move || table("events"))
                chart=Some(Signal::derive(move || event_bars(report.get())))
            />
            // Only once a reminder has been marked sent.
            {move || {
                table("reminders")
                    .is_some()
                    .then(|| {
                        view! {
                            <ReportSection
                                id="reminders"
                                table=Signal::derive(move || table("reminders"))
                                chart=None
                            />
                        }
                    })
            }}
            <SurveySections report tables />
        </article>
    }
}

/// The line under the report's title: programme, period, whom it covers,
/// and the day it was made.
fn report_title_line(
    i18n: crate::i18n::I18n,
    p: &tandem_core::Programme,
    organisation: Option<String>,
) -> String {
    let period = i18n.t_with(
        "programme-dates",
        &[
            ("start", FluentValue::from(i18n.day(p.start))),
            ("end", FluentValue::from(i18n.day(p.end))),
        ],
    );
    let scope = organisation.unwrap_or_else(|| i18n.t("report-all-organisations"));
    i18n.t_with(
        "report-title-line",
        &[
            ("programme", FluentValue::from(p.name.clone())),
            ("period", FluentValue::from(period)),
            ("scope", FluentValue::from(scope)),
            ("date", FluentValue::from(i18n.day(today()))),
        ],
    )
}

/// Which organisation the report covers, which earlier run it is set
/// beside, and the ways to print it, download it and record more.
#[component]
fn ReportControls(
    organisation: RwSignal<Option<String>>,
    others: Signal<Vec<(ProgrammeId, String)>>,
    compared: RwSignal<Option<ProgrammeId>>,
    tables: Memo<Vec<ReportTable>>,
    report: Memo<Option<Report>>,
    programme_id: Option<ProgrammeId>,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let download_all = move |_| {
        let style = number_style(i18n);
        let bytes = tables.with_untracked(|tables| report_csv(tables, &style));
        let name = report
            .with_untracked(|report| report.as_ref().map(|r| r.programme.clone()))
            .unwrap_or_default();
        let file = format!(
            "{}-{}-{}.csv",
            i18n.t("report-file"),
            file_name(&name),
            today().iso()
        );
        let _ = offer_download(&file, "text/csv;charset=utf-8", &bytes);
    };
    let print = move |_| {
        if let Some(window) = web_sys::window() {
            let _ = window.print();
        }
    };
    let partners = move || {
        session
            .with(|p| {
                p.partner_names()
                    .into_iter()
                    .map(String::from)
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    };
    let choose_earlier = move |event: leptos::ev::Event| {
        compared.set(event_target_value(&event).parse::<ProgrammeId>().ok());
    };

    view! {
        <div class="report__controls no-print">
            <div class="field">
                <label for="report-organisation">
                    {move || i18n.t("report-filter-organisation")}
                </label>
                <select
                    id="report-organisation"
                    data-testid="report-organisation"
                    on:change=move |event| {
                        let value = event_target_value(&event);
                        organisation.set((!value.is_empty()).then_some(value));
                    }
                >
                    <option value="">{move || i18n.t("report-all-organisations")}</option>
                    {move || {
                        partners()
                            .into_iter()
                            .map(|name| {
                                view! { <option value=name.clone()>{name.clone()}</option> }
                            })
                            .collect_view()
                    }}
                </select>
            </div>
            <div class="field">
                <label for="report-earlier">{move || i18n.t("report-compare")}</label>
                <select id="report-earlier" data-testid="report-earlier" on:change=choose_earlier>
                    <ChoiceOptions none="report-compare-none" choices=move || others.get() />
                </select>
            </div>
            <div class="report__actions">
                <button
                    type="button"
                    class="button button--primary"
                    data-testid="report-print"
                    on:click=print
                >
                    {move || i18n.t("report-print")}
                </button>
                <button
                    type="button"
                    class="button button--secondary"
                    data-testid="report-csv"
                    on:click=download_all
                >
                    {move || i18n.t("report-csv-all")}
                </button>
                {move || {
                    programme_id
                        .map(|id| {
                            view! {
                                <A
                                    href=Page::Outcomes(id).path()
                                    attr:class="button button--secondary"
                                    attr:data-testid="report-record-outcomes"
                                >
                                    {i18n.t("report-record-outcomes")}
                                </A>
                                <A
                                    href=Page::Surveys(id).path()
                                    attr:class="button button--secondary"
                                    attr:data-testid="report-surveys"
                                >
                                    {i18n.t("report-surveys")}
                                </A>
                            }
                        })
                }}
            </div>
        </div>
    }
}

/// A section for each survey, with a chart of its scale questions.
#[component]
fn SurveySections(report: Memo<Option<Report>>, tables: Memo<Vec<ReportTable>>) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        let surveys = report
            .with(|r| r.as_ref().map(|r| r.surveys.clone()))
            .unwrap_or_default();
        surveys
            .into_iter()
            .map(|survey| {
                let id = format!("survey-{}", survey.survey);
                let table_id = id.clone();
                let bars: Vec<Bar> = survey
                    .questions
                    .iter()
                    .filter(|q| q.kind == "scale")
                    .map(|q| Bar {
                        label: q.text.clone(),
                        series: None,
                        value: q.average.tenths().map(|t| t as f64 / 10.0),
                        max: 5.0,
                        text: q.average.text(&number_style(i18n)),
                    })
                    .collect();
                let chart = (!bars.is_empty()).then(|| Signal::derive(move || bars.clone()));
                view! {
                    <ReportSection
                        id=id
                        table=Signal::derive(move || {
                            tables.with(|t| t.iter().find(|t| t.id == table_id).cloned())
                        })
                        chart=chart
                    />
                }
            })
            .collect_view()
    }
}

/// One bar of a chart.
#[derive(Debug, Clone, PartialEq)]
struct Bar {
    label: String,
    /// Which series the bar belongs to (this run, earlier run, mentees…).
    series: Option<usize>,
    /// None: nothing to count; drawn as "–" without a bar.
    value: Option<f64>,
    max: f64,
    text: String,
}

fn rate_bar(label: String, rate: Rate, series: Option<usize>, style: &NumberStyle) -> Bar {
    Bar {
        label,
        series,
        value: rate.percent().map(|p| p as f64),
        max: 100.0,
        text: rate.text(style),
    }
}

fn outcome_bars(i18n: I18n, report: Option<Report>, earlier: Option<Report>) -> Vec<Bar> {
    let style = number_style(i18n);
    let Some(report) = report else {
        return Vec::new();
    };
    let earlier_rows: BTreeMap<&str, Rate> = earlier
        .as_ref()
        .map(|e| e.outcome_rows().into_iter().collect())
        .unwrap_or_default();
    let mut bars = Vec::new();
    for (code, rate) in report.outcome_rows() {
        let label = i18n.t(&format!("report-outcome-{code}"));
        bars.push(rate_bar(
            label.clone(),
            rate,
            earlier.as_ref().map(|_| 0),
            &style,
        ));
        if let Some(rate) = earlier_rows.get(code) {
            let name = earlier
                .as_ref()
                .map(|e| e.programme.clone())
                .unwrap_or_default();
            bars.push(rate_bar(format!("↳ {name}"), *rate, Some(1), &style));
        }
    }
    bars
}

fn participant_bars(i18n: I18n, report: Option<Report>) -> Vec<Bar> {
    let Some(report) = report else {
        return Vec::new();
    };
    let max = report
        .participants
        .iter()
        .map(|row| row.mentees.max(row.mentors).max(row.co_mentors))
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let mut bars = Vec::new();
    for row in &report.participants {
        let name = if row.organisation.is_empty() {
            i18n.t("report-no-organisation")
        } else {
            row.organisation.clone()
        };
        for (series, (code, count)) in [
            ("mentees", row.mentees),
            ("mentors", row.mentors),
            ("co-mentors", row.co_mentors),
        ]
        .into_iter()
        .enumerate()
        {
            if code == "co-mentors" && count == 0 {
                continue;
            }
            bars.push(Bar {
                label: format!("{name} – {}", i18n.t(&format!("report-column-{code}"))),
                series: Some(series),
                value: Some(count as f64),
                max,
                text: count.to_string(),
            });
        }
    }
    bars
}

fn tandem_bars(i18n: I18n, report: Option<Report>) -> Vec<Bar> {
    let Some(report) = report else {
        return Vec::new();
    };
    let t = &report.tandems;
    let max = t.active.max(t.completed).max(t.ended_early).max(1) as f64;
    [
        ("active", t.active),
        ("completed", t.completed),
        ("ended-early", t.ended_early),
    ]
    .into_iter()
    .map(|(code, count)| Bar {
        label: i18n.t(&format!("report-tandems-{code}")),
        series: None,
        value: Some(count as f64),
        max,
        text: count.to_string(),
    })
    .collect()
}

fn event_bars(report: Option<Report>) -> Vec<Bar> {
    let Some(report) = report else {
        return Vec::new();
    };
    let style = NumberStyle::german();
    report
        .events
        .iter()
        .map(|event| {
            let rate = event.attendance();
            Bar {
                label: format!("{} ({})", event.title, event.day.german()),
                series: None,
                value: rate.percent().map(|p| p as f64),
                max: 100.0,
                text: rate
                    .percent()
                    .map(|p| format!("{}/{} · {p} %", rate.count, rate.of))
                    .unwrap_or_else(|| rate.text(&style)),
            }
        })
        .collect()
}

/// One part of the report: heading, chart (if any), the table of its
/// numbers and a CSV download of that table.
#[component]
fn ReportSection(
    #[prop(into)] id: String,
    table: Signal<Option<ReportTable>>,
    chart: Option<Signal<Vec<Bar>>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let heading_id = format!("report-{id}-title");
    let section_id = id.clone();
    let download = move |_| {
        let Some(table) = table.get_untracked() else {
            return;
        };
        let bytes = table_csv(&table, &number_style(i18n));
        let file = format!(
            "{}-{}-{}.csv",
            i18n.t("report-file"),
            file_name(&table.title),
            today().iso()
        );
        let _ = offer_download(&file, "text/csv;charset=utf-8", &bytes);
    };
    let heading = heading_id.clone();
    view! {
        <section
            class="panel report-section"
            aria-labelledby=heading_id.clone()
            data-testid=format!("report-{section_id}")
        >
            <div class="report-section__head">
                <h3 id=heading_id
                    .clone()>
                    {move || {
                        table.with(|t| t.as_ref().map(|t| t.title.clone())).unwrap_or_default()
                    }}
                </h3>
                <button
                    type="button"
                    class="button button--secondary button--small no-print"
                    data-testid=format!("report-csv-{section_id}")
                    on:click=download
                >
                    {move || i18n.t("report-csv-table")}
                </button>
            </div>
            {chart.map(|bars| view! { <BarChart bars=bars labelled_by=heading.clone() /> })}
            {move || table.get().map(|table| report_table(i18n, &table))}
        </section>
    }
}

fn report_table(i18n: I18n, table: &ReportTable) -> AnyView {
    let style = number_style(i18n);
    if table.rows.is_empty() {
        return view! { <p class="muted">{i18n.t("report-nothing")}</p> }.into_any();
    }
    let rows: Vec<Vec<String>> = table
        .rows
        .iter()
        .map(|row| row.iter().map(|cell| cell.text(&style)).collect())
        .collect();
    view! {
        <div class="table-scroll" role="region" aria-label=table.title.clone() tabindex="0">
            <table class="data-table report-table" data-testid=format!("report-table-{}", table.id)>
                <caption class="visually-hidden">{table.title.clone()}</caption>
                <thead>
                    <tr>
                        {table
                            .columns
                            .iter()
                            .enumerate()
                            .map(|(index, column)| {
                                view! {
                                    <th scope="col" class:num={index > 0}>
                                        {column.clone()}
                                    </th>
                                }
                            })
                            .collect_view()}
                    </tr>
                </thead>
                <tbody>
                    {rows
                        .into_iter()
                        .map(|row| {
                            view! {
                                <tr>
                                    {row
                                        .into_iter()
                                        .enumerate()
                                        .map(|(index, text)| {
                                            if index == 0 {
                                                view! { <th scope="row">{text}</th> }.into_any()
                                            } else {
                                                view! { <td class="num">{text}</td> }.into_any()
                                            }
                                        })
                                        .collect_view()}
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

const CHART_WIDTH: f64 = 640.0;
const LABEL_WIDTH: f64 = 290.0;
const VALUE_WIDTH: f64 = 130.0;
const ROW_HEIGHT: f64 = 26.0;
/// The narrow drawing, for phones: the label above its bar.
const NARROW_WIDTH: f64 = 360.0;
const NARROW_TRACK: f64 = 230.0;
const NARROW_ROW: f64 = 40.0;

/// Shortens a label for the chart; the table beneath has it in full.
fn short(label: &str, chars: usize) -> String {
    if label.chars().count() <= chars {
        return label.to_string();
    }
    let cut: String = label.chars().take(chars - 1).collect();
    format!("{cut}…")
}

fn bar_class(bar: &Bar) -> &'static str {
    match bar.series {
        Some(1) => "report-chart__bar report-chart__bar--second",
        Some(2) => "report-chart__bar report-chart__bar--third",
        _ => "report-chart__bar",
    }
}

fn bar_width(bar: &Bar, track: f64) -> f64 {
    match bar.value {
        Some(value) if bar.max > 0.0 => ((value / bar.max).clamp(0.0, 1.0) * track).max(1.0),
        Some(_) => 1.0,
        None => 0.0,
    }
}

/// Horizontal bars with their label and value written out, drawn in SVG:
/// label beside the bar on wider screens and in print, above it on a
/// phone (CSS shows one of the two). The numbers are in the table beneath,
/// which screen readers read; the drawing is labelled by the section's
/// heading.
#[component]
fn BarChart(bars: Signal<Vec<Bar>>, #[prop(into)] labelled_by: String) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        let bars = bars.get();
        if bars.is_empty() {
            return ().into_any();
        }
        let note = format!("{labelled_by}-note");
        let height = bars.len() as f64 * ROW_HEIGHT + 8.0;
        let track = CHART_WIDTH - LABEL_WIDTH - VALUE_WIDTH;
        let wide = bars
            .iter()
            .enumerate()
            .map(|(index, bar)| {
                let y = index as f64 * ROW_HEIGHT + 4.0;
                let middle = y + ROW_HEIGHT / 2.0 + 1.0;
                view! {
                    <g>
                        <text
                            x=LABEL_WIDTH - 8.0
                            y=middle
                            class="report-chart__label"
                            text-anchor="end"
                            dominant-baseline="middle"
                        >
                            {short(&bar.label, 38)}
                        </text>
                        <rect
                            x=LABEL_WIDTH
                            y=y + 3.0
                            width=track
                            height=ROW_HEIGHT - 8.0
                            class="report-chart__track"
                        />
                        <rect
                            x=LABEL_WIDTH
                            y=y + 3.0
                            width=bar_width(bar, track)
                            height=ROW_HEIGHT - 8.0
                            class=bar_class(bar)
                        />
                        <text
                            x=LABEL_WIDTH + track + 8.0
                            y=middle
                            class="report-chart__value"
                            dominant-baseline="middle"
                        >
                            {bar.text.clone()}
                        </text>
                    </g>
                }
            })
            .collect_view();
        let narrow_height = bars.len() as f64 * NARROW_ROW + 4.0;
        let narrow = bars
            .iter()
            .enumerate()
            .map(|(index, bar)| {
                let y = index as f64 * NARROW_ROW;
                view! {
                    <g>
                        <text x=0.0 y=y + 14.0 class="report-chart__label">
                            {short(&bar.label, 48)}
                        </text>
                        <rect
                            x=0.0
                            y=y + 20.0
                            width=NARROW_TRACK
                            height=14.0
                            class="report-chart__track"
                        />
                        <rect
                            x=0.0
                            y=y + 20.0
                            width=bar_width(bar, NARROW_TRACK)
                            height=14.0
                            class=bar_class(bar)
                        />
                        <text
                            x=NARROW_TRACK + 6.0
                            y=y + 28.0
                            class="report-chart__value"
                            dominant-baseline="middle"
                        >
                            {bar.text.clone()}
                        </text>
                    </g>
                }
            })
            .collect_view();
        view! {
            <figure class="report-chart">
                {chart_svg(
                    "report-chart__svg--wide",
                    CHART_WIDTH,
                    height,
                    &labelled_by,
                    &note,
                    wide,
                )}
                {chart_svg(
                    "report-chart__svg--narrow",
                    NARROW_WIDTH,
                    narrow_height,
                    &labelled_by,
                    &note,
                    narrow,
                )} <figcaption id=note class="visually-hidden">
                    {i18n.t("report-chart-note")}
                </figcaption>
            </figure>
        }
        .into_any()
    }
}

/// One drawing of a chart (wide or narrow), named by the section's
/// heading and described by the note beneath it.
fn chart_svg(
    variant: &'static str,
    width: f64,
    height: f64,
    labelled_by: &str,
    note: &str,
    bars: impl IntoView + 'static,
) -> impl IntoView {
    view! {
        <svg
            class=format!("report-chart__svg {variant}")
            viewBox=format!("0 0 {width} {height}")
            role="img"
            aria-labelledby=labelled_by.to_string()
            aria-describedby=note.to_string()
            preserveAspectRatio="xMinYMin meet"
        >
            {bars}
        </svg>
    }
}
