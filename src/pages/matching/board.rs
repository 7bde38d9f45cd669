//! The matching board: the best tandems for the whole cohort with the
//! reasons for each, everyone left without a partner and why, and the
//! coordinator's decisions (weights, fixed and excluded pairs).
//!
//! The suggestions are computed by the core crate when the board opens and
//! when the coordinator asks for a new run, in a web worker (see
//! [`runner`]), so the board stays usable while a large cohort is scored;
//! it says "computing" meanwhile. Fixing or excluding a pair changes the
//! programme at once, and the board says the suggestions are out of date
//! until the next run. Where the programme uses co-mentors, each suggested
//! tandem shows its suggested co-mentor too. Suggestions are drafts: only
//! "confirm" forms tandems (with their co-mentors), in one change.

use fluent_bundle::FluentValue;
use leptos::prelude::*;
use tandem_core::{
    next_best, Command, Criterion, Explanation, Matching, MatchingWeights, NewTandem, Pair,
    PersonId, Programme, Suggestion, TandemId, MAX_WEIGHT,
};

use super::runner::{MatchingRunner, RunSignals};

use crate::components::notice::{Outcome, OutcomeNotice};
use crate::components::pager::Pager;
use crate::components::table::{Column, DataTable};
use crate::i18n::{use_i18n, I18n};
use crate::session::messages::command_error_text;
use crate::session::{use_session, ProgrammeSession};

/// Suggestions shown per page, so a cohort of 1,000 stays quick to scroll.
const PAGE_SIZE: usize = 50;

/// The page at `/programme/:id/matching`.
#[component]
pub(crate) fn MatchingPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let signals = RunSignals {
        result: RwSignal::new(Matching::default()),
        computing: RwSignal::new(false),
        shown_run: RwSignal::new(0),
        on_page: RwSignal::new(false),
    };
    let RunSignals {
        result,
        computing,
        shown_run,
        on_page,
    } = signals;
    let runner = StoredValue::new_local(MatchingRunner::new(session, signals));
    on_cleanup(move || {
        runner.try_with_value(MatchingRunner::stop);
    });
    let stale = RwSignal::new(false);
    let outcome = RwSignal::new(Outcome::Idle);
    let page = RwSignal::new(0usize);
    let alternative_for = RwSignal::new(None::<PersonId>);

    let run = move || {
        runner.with_value(MatchingRunner::run);
        stale.set(false);
        alternative_for.set(None);
        page.set(0);
    };
    run();
    let act = move |command: Command| {
        match session.dispatch(command) {
            Ok(()) => {
                stale.set(true);
                outcome.set(Outcome::Idle);
            }
            Err(message) => outcome.set(Outcome::Refused(message)),
        };
    };
    let confirm = move |_| {
        let Some(tandems) = session.with_untracked(|programme| {
            result.with_untracked(|matching| suggested_tandems(programme, matching))
        }) else {
            return;
        };
        let count = tandems.len();
        let command = Command::CreateTandems { tandems };
        confirm_all(
            i18n,
            session,
            command,
            "matching-confirmed",
            count,
            outcome,
            run,
        );
    };

    let summary = move || {
        if shown_run.get() == 0 {
            return i18n.t("matching-computing");
        }
        result.with(|matching| summary_text(i18n, matching, co_mentors_used(session)))
    };
    let pages = move || result.with(|m| m.suggestions.len().div_ceil(PAGE_SIZE).max(1));

    view! {
        <section
            class="panel"
            aria-labelledby="matching-title"
            aria-busy=move || computing.get().to_string()
        >
            <div class="panel__header">
                <h2 id="matching-title">{move || i18n.t("matching-title")}</h2>
                <div class="matching-actions">
                    <button
                        type="button"
                        class="button button--secondary"
                        data-testid="matching-run"
                        on:click=move |_| run()
                    >
                        {move || i18n.t("matching-run")}
                    </button>
                    <button
                        type="button"
                        class="button button--primary"
                        data-testid="matching-confirm"
                        disabled=move || {
                            stale.get() || computing.get()
                                || result.with(|m| m.suggestions.is_empty())
                        }
                        on:click=confirm
                    >
                        {move || i18n.t("matching-confirm")}
                    </button>
                </div>
            </div>
            <p class="muted">{move || i18n.t("matching-intro")}</p>
            <p
                data-testid="matching-summary"
                role="status"
                data-result-run=move || shown_run.get().to_string()
            >
                {summary}
            </p>
            <Show when=move || computing.get()>
                <p class="notice matching-computing" role="status" data-testid="matching-computing">
                    <span class="matching-computing__spinner" aria-hidden="true"></span>
                    {move || i18n.t("matching-computing")}
                </p>
            </Show>
            <Show when=move || on_page.get()>
                <p class="notice notice--warning" data-testid="matching-on-page">
                    {move || i18n.t("matching-on-page")}
                </p>
            </Show>
            <Show when=move || stale.get()>
                <p class="notice notice--warning" data-testid="matching-stale">
                    {move || i18n.t("matching-stale")}
                </p>
            </Show>
            <div aria-live="polite">
                <OutcomeNotice outcome=outcome testid="matching" />
            </div>
            <BrokenFixedPairs result act />
            {move || {
                alternative_for
                    .get()
                    .map(|mentee| {
                        view! {
                            <AlternativeView
                                mentee
                                result
                                act
                                close=move || alternative_for.set(None)
                            />
                        }
                    })
            }}
            <SuggestionsTable result page act alternative_for />
            <Pager page pages=Signal::derive(pages) label="matching-suggestions" />
        </section>
        <RunningCoMentors result stale computing rerun=run />
        <div class="grid-2">
            <UnmatchedPeople result />
            <Weights act />
        </div>
        <ExcludedPairs act />
    }
}

/// Whether the programme uses co-mentors.
fn co_mentors_used(session: ProgrammeSession) -> bool {
    session
        .with(|programme| programme.rules.co_mentors)
        .unwrap_or(false)
}

/// The suggested tandems as they are formed on "confirm": for the whole
/// programme period, with their co-mentors.
fn suggested_tandems(programme: &Programme, matching: &Matching) -> Vec<NewTandem> {
    matching
        .suggestions
        .iter()
        .map(|s| NewTandem {
            id: TandemId::random(),
            mentee: s.mentee,
            mentor: s.mentor,
            co_mentor: s.co_mentor.as_ref().map(|c| c.co_mentor),
            start: programme.start,
            planned_end: programme.end,
        })
        .collect()
}

/// Takes all of a run's suggestions in one change: on success the board
/// runs again and says how many were taken (`done_key` with `count`).
fn confirm_all(
    i18n: I18n,
    session: ProgrammeSession,
    command: Command,
    done_key: &'static str,
    count: usize,
    outcome: RwSignal<Outcome>,
    rerun: impl Fn(),
) {
    match session.dispatch(command) {
        Ok(()) => {
            rerun();
            outcome.set(Outcome::Done(
                i18n.t_with(done_key, &[("count", FluentValue::from(count))]),
            ));
        }
        Err(message) => outcome.set(Outcome::Refused(message)),
    }
}

/// The line above the suggestions: how many tandems, how many left
/// without a partner, the total score, and the co-mentors where used.
fn summary_text(i18n: I18n, matching: &Matching, co_mentors: bool) -> String {
    let pairs = i18n.t_with(
        "matching-summary",
        &[
            ("count", FluentValue::from(matching.suggestions.len())),
            ("unmatched", FluentValue::from(matching.unmatched.len())),
            ("total", FluentValue::from(matching.total_score())),
        ],
    );
    if !co_mentors {
        return pairs;
    }
    let with_co_mentor = matching
        .suggestions
        .iter()
        .filter(|s| s.co_mentor.is_some())
        .count();
    let co = i18n.t_with(
        "matching-co-mentor-summary",
        &[
            ("count", FluentValue::from(with_co_mentor)),
            ("tandems", FluentValue::from(matching.suggestions.len())),
            ("total", FluentValue::from(matching.co_mentor_score())),
        ],
    );
    format!("{pairs} {co}")
}

/// The suggested tandems of the page shown, with the reasons for each
/// and what coordinators can decide about each pair.
#[component]
fn SuggestionsTable(
    result: RwSignal<Matching>,
    page: RwSignal<usize>,
    act: impl Fn(Command) + Copy + Send + Sync + 'static,
    alternative_for: RwSignal<Option<PersonId>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    // The table depends on the run's result and on one setting of the
    // programme; every other command leaves it as it is (the memo stops
    // the programme's revision from redrawing it).
    let with_co = Memo::new(move |_| co_mentors_used(session));
    move || {
        let rows = result.with(|m| {
            m.suggestions
                .iter()
                .skip(page.get() * PAGE_SIZE)
                .take(PAGE_SIZE)
                .cloned()
                .collect::<Vec<_>>()
        });
        if rows.is_empty() {
            return view! { <p class="empty-state">{i18n.t("matching-none")}</p> }.into_any();
        }
        let names = session
            .with_untracked(|programme| {
                rows.iter()
                    .map(|s| (label(programme, s.mentee), label(programme, s.mentor)))
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default();
        let with_co = with_co.get();
        let co_cells = rows
            .iter()
            .map(|s| with_co.then(|| co_mentor_cell(i18n, session, s, act)))
            .collect::<Vec<_>>();
        // Rendered here, where the table's reads are tracked, not
        // inside the table component (which reads untracked).
        let table_rows = rows
            .into_iter()
            .zip(names)
            .zip(co_cells)
            .map(|((suggestion, (mentee_name, mentor_name)), co_cell)| {
                let (mentee, mentor, fixed) =
                    (suggestion.mentee, suggestion.mentor, suggestion.fixed);
                view! {
                    <tr data-testid="suggestion-row" data-fixed=fixed.to_string()>
                        <th scope="row">{mentee_name}</th>
                        <td data-label=i18n.t("column-mentor")>{mentor_name}</td>
                        <td
                            class="num"
                            data-label=i18n.t("matching-column-score")
                            data-testid="suggestion-score"
                        >
                            {suggestion.score()}
                        </td>
                        <td data-label=i18n
                            .t(
                                "matching-column-why",
                            )>{explanation_view(i18n, &suggestion.explanation)}</td>
                        {co_cell}
                        <td data-label=i18n.t("matching-column-actions")>
                            <div class="matching-row-actions">
                                <PairActions mentee mentor act alternative_for />
                            </div>
                        </td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <DataTable
                testid="suggestions-table"
                class="data-table data-table--cards matching-table"
                caption=i18n.t("matching-suggestions")
                head=move || {
                    view! {
                        <Column label="column-mentee" />
                        <Column label="column-mentor" />
                        <Column label="matching-column-score" class="num" />
                        <Column label="matching-column-why" />
                        {with_co.then(|| view! { <Column label="matching-column-co-mentor" /> })}
                        <Column label="matching-column-actions" />
                    }
                }
            >
                {table_rows}
            </DataTable>
        }
        .into_any()
    }
}

/// What coordinators can do with a suggested pair, as the programme says
/// now: release a fixed or excluded pair, or fix, exclude or look for an
/// alternative.
#[component]
fn PairActions(
    mentee: PersonId,
    mentor: PersonId,
    act: impl Fn(Command) + Copy + Send + Sync + 'static,
    alternative_for: RwSignal<Option<PersonId>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    // Redrawn when this pair's state changes, not on every command.
    let state = Memo::new(move |_| pair_state(session, mentee, mentor));
    move || {
        // A fixed or an excluded pair shows what it is and how to release it.
        let (class, testid, badge, release) = match state.get() {
            PairState::Open => {
                return view! {
                    <button
                        type="button"
                        class="button button--secondary"
                        data-testid="fix-pair"
                        on:click=move |_| act(Command::FixPair { mentee, mentor })
                    >
                        {i18n.t("matching-fix")}
                    </button>
                    <button
                        type="button"
                        class="button button--quiet"
                        data-testid="exclude-pair"
                        on:click=move |_| act(Command::ExcludePair {
                            mentee,
                            mentor,
                        })
                    >
                        {i18n.t("matching-exclude")}
                    </button>
                    <button
                        type="button"
                        class="button button--quiet"
                        data-testid="show-alternative"
                        on:click=move |_| alternative_for.set(Some(mentee))
                    >
                        {i18n.t("matching-alternative")}
                    </button>
                }
                .into_any()
            }
            PairState::Fixed => (
                "badge badge--fixed",
                "pair-fixed",
                "matching-fixed",
                "matching-release",
            ),
            PairState::Excluded => (
                "badge badge--excluded",
                "pair-excluded",
                "matching-excluded",
                "matching-exclusion-lift",
            ),
        };
        view! {
            <span class=class data-testid=testid>
                {i18n.t(badge)}
            </span>
            <button
                type="button"
                class="button button--quiet"
                data-testid="release-pair"
                on:click=move |_| act(Command::ReleasePair {
                    mentee,
                    mentor,
                })
            >
                {i18n.t(release)}
            </button>
        }
        .into_any()
    }
}

/// What coordinators decided about a pair, as the programme says now
/// (which may be newer than the last run).
#[derive(Clone, Copy, PartialEq, Eq)]
enum PairState {
    Open,
    Fixed,
    Excluded,
}

fn pair_state(session: ProgrammeSession, mentee: PersonId, mentor: PersonId) -> PairState {
    session
        .with(|programme| {
            if programme.fixed_pairs.get(&mentee) == Some(&mentor) {
                PairState::Fixed
            } else if programme
                .excluded_pairs
                .contains_key(&Pair { mentee, mentor })
            {
                PairState::Excluded
            } else {
                PairState::Open
            }
        })
        .unwrap_or(PairState::Open)
}

/// A person's name with their organisation, as the board shows them.
fn label(programme: &Programme, id: PersonId) -> String {
    let name = programme.person_name(id);
    let organisation = programme.organisation_name(
        programme
            .people
            .get(&id)
            .and_then(|p| p.details.organisation),
    );
    if organisation.is_empty() {
        name.to_string()
    } else {
        format!("{name} ({organisation})")
    }
}

/// The parts of a score in words: what counts, what the pair shares, and
/// the points it adds.
fn explanation_view(i18n: I18n, explanation: &Explanation) -> impl IntoView {
    let items = explanation
        .parts
        .iter()
        .filter(|part| part.weight > 0)
        .map(|part| {
            let criterion = part.criterion.code();
            let shared = if part.criterion == Criterion::Availability {
                part.shared
                    .iter()
                    .map(|slot| slot_text(i18n, slot))
                    .collect::<Vec<_>>()
            } else {
                part.shared.clone()
            };
            let what = if let Some(km) = part.distance_km {
                i18n.t_with(
                    "matching-part-location-distance",
                    &[
                        ("percent", FluentValue::from(part.percent)),
                        ("km", FluentValue::from(km)),
                    ],
                )
            } else if shared.is_empty() {
                i18n.t_with(
                    &format!("matching-part-{criterion}"),
                    &[("percent", FluentValue::from(part.percent))],
                )
            } else {
                i18n.t_with(
                    &format!("matching-part-{criterion}-shared"),
                    &[
                        ("percent", FluentValue::from(part.percent)),
                        ("shared", FluentValue::from(shared.join(", "))),
                    ],
                )
            };
            let points = i18n.t_with(
                "matching-points",
                &[
                    ("points", FluentValue::from(part.points)),
                    ("weight", FluentValue::from(part.weight)),
                ],
            );
            view! {
                <li data-criterion=criterion>
                    <span>{what}</span>
                    <span class="explanation__points">{points}</span>
                </li>
            }
        })
        .collect_view();
    view! { <ul class="explanation">{items}</ul> }
}

/// A slot of the week (`tue-evening`) in the coordinator's language.
fn slot_text(i18n: I18n, slot: &str) -> String {
    match slot.split_once('-') {
        Some((day, part)) => format!(
            "{} {}",
            i18n.t(&format!("matching-day-{day}")),
            i18n.t(&format!("matching-daypart-{part}"))
        ),
        None => slot.to_string(),
    }
}

/// The suggested co-mentor of a tandem: who, how well they fit the
/// mentee and why, and the way to exclude them for this mentee.
fn co_mentor_cell(
    i18n: I18n,
    session: ProgrammeSession,
    suggestion: &Suggestion,
    act: impl Fn(Command) + Copy + Send + Sync + 'static,
) -> AnyView {
    let Some(choice) = suggestion.co_mentor.as_ref() else {
        return view! {
            <td data-label=i18n.t("matching-column-co-mentor") data-testid="suggestion-co-mentor">
                <span class="muted">{i18n.t("matching-co-mentor-none")}</span>
            </td>
        }
        .into_any();
    };
    let (mentee, co_mentor) = (suggestion.mentee, choice.co_mentor);
    let name = session
        .with_untracked(|programme| label(programme, co_mentor))
        .unwrap_or_default();
    let score = i18n.t_with(
        "matching-co-mentor-score",
        &[("score", FluentValue::from(choice.explanation.score))],
    );
    view! {
        <td data-label=i18n.t("matching-column-co-mentor") data-testid="suggestion-co-mentor">
            <span class="matching-co-mentor__name">{name}</span>
            " "
            <span class="muted" data-testid="co-mentor-score">
                {score}
            </span>
            <details class="matching-co-mentor__why">
                <summary>{i18n.t("matching-co-mentor-why")}</summary>
                {explanation_view(i18n, &choice.explanation)}
            </details>
            <div class="matching-row-actions">
                <button
                    type="button"
                    class="button button--quiet"
                    data-testid="exclude-co-mentor"
                    on:click=move |_| act(Command::ExcludePair {
                        mentee,
                        mentor: co_mentor,
                    })
                >
                    {i18n.t("matching-co-mentor-exclude")}
                </button>
            </div>
        </td>
    }
    .into_any()
}

/// Co-mentors suggested for running tandems that have none, and the way
/// to put them on their tandems in one change.
#[component]
fn RunningCoMentors(
    result: RwSignal<Matching>,
    stale: RwSignal<bool>,
    computing: RwSignal<bool>,
    rerun: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let outcome = RwSignal::new(Outcome::Idle);
    let confirm = move |_| {
        let assignments = result.with_untracked(|m| {
            m.running_co_mentors
                .iter()
                .map(|r| (r.tandem, r.choice.co_mentor))
                .collect::<Vec<_>>()
        });
        let count = assignments.len();
        let command = Command::AssignCoMentors { assignments };
        confirm_all(
            i18n,
            session,
            command,
            "matching-running-confirmed",
            count,
            outcome,
            rerun,
        );
    };
    move || {
        let running = result.with(|m| m.running_co_mentors.clone());
        if running.is_empty() {
            return view! {
                <div aria-live="polite">
                    <OutcomeNotice outcome=outcome testid="matching-running" />
                </div>
            }
            .into_any();
        }
        let rows = session
            .with_untracked(|programme| {
                running
                    .iter()
                    .map(|r| {
                        (
                            label(programme, r.mentee),
                            label(programme, r.mentor),
                            label(programme, r.choice.co_mentor),
                            r.choice.explanation.clone(),
                        )
                    })
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default();
        // Rendered here, where the table's reads are tracked, not
        // inside the table component (which reads untracked).
        let table_rows = rows
            .into_iter()
            .map(|(mentee, mentor, co_mentor, explanation)| {
                view! {
                    <tr data-testid="running-co-mentor-row">
                        <th scope="row">{mentee}</th>
                        <td data-label=i18n.t("column-mentor")>{mentor}</td>
                        <td data-label=i18n.t("matching-column-co-mentor")>{co_mentor}</td>
                        <td class="num" data-label=i18n.t("matching-column-score")>
                            {explanation.score}
                        </td>
                        <td data-label=i18n
                            .t("matching-column-why")>{explanation_view(i18n, &explanation)}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <section
                class="panel"
                aria-labelledby="running-co-mentors-title"
                data-testid="running-co-mentors"
            >
                <div class="panel__header">
                    <h2 id="running-co-mentors-title">{i18n.t("matching-running-title")}</h2>
                    <button
                        type="button"
                        class="button button--primary"
                        data-testid="running-co-mentors-confirm"
                        disabled=move || stale.get() || computing.get()
                        on:click=confirm
                    >
                        {i18n.t("matching-running-confirm")}
                    </button>
                </div>
                <p class="muted">{i18n.t("matching-running-intro")}</p>
                <div aria-live="polite">
                    <OutcomeNotice outcome=outcome testid="matching-running" />
                </div>
                <DataTable head=|| {
                    view! {
                        <Column label="column-mentee" />
                        <Column label="column-mentor" />
                        <Column label="matching-column-co-mentor" />
                        <Column label="matching-column-score" class="num" />
                        <Column label="matching-column-why" />
                    }
                }>{table_rows}</DataTable>
            </section>
        }
        .into_any()
    }
}

/// Everyone the suggestions leave without a partner, and why.
#[component]
fn UnmatchedPeople(result: RwSignal<Matching>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let rows = move || {
        let unmatched = result.with(|m| m.unmatched.clone());
        session
            .with_untracked(|programme| {
                unmatched
                    .iter()
                    .map(|u| (label(programme, u.person), u.role, u.reason.code()))
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    };
    view! {
        <section class="panel" aria-labelledby="unmatched-title">
            <h2 id="unmatched-title">{move || i18n.t("matching-unmatched-title")}</h2>
            {move || {
                let rows = rows();
                if rows.is_empty() {
                    return view! {
                        <p class="empty-state" data-testid="unmatched-none">
                            {i18n.t("matching-unmatched-none")}
                        </p>
                    }
                        .into_any();
                }
                let table_rows = rows
                    .into_iter()
                    .map(|(name, role, reason)| {
                        // Rendered here, where the table's reads are tracked, not
                        // inside the table component (which reads untracked).
                        view! {
                            <tr data-testid="unmatched-row">
                                <th scope="row">{name}</th>
                                <td data-label=i18n
                                    .t(
                                        "column-role",
                                    )>{i18n.t(&format!("role-{}", role.code()))}</td>
                                <td data-label=i18n
                                    .t(
                                        "matching-column-reason",
                                    )>{i18n.t(&format!("matching-reason-{reason}"))}</td>
                            </tr>
                        }
                    })
                    .collect_view();
                view! {
                    <DataTable
                        testid="unmatched-table"
                        head=|| {
                            view! {
                                <Column label="column-name" />
                                <Column label="column-role" />
                                <Column label="matching-column-reason" />
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

/// Fixed pairs the rules no longer allow (for example because another
/// coordinator excluded them at the same time).
#[component]
fn BrokenFixedPairs(
    result: RwSignal<Matching>,
    act: impl Fn(Command) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    move || {
        let broken = result.with(|m| m.broken_fixed.clone());
        if broken.is_empty() {
            return ().into_any();
        }
        let items = session.with_untracked(|programme| {
            broken
                .iter()
                .map(|b| {
                    let (mentee, mentor) = (b.mentee, b.mentor);
                    let text = i18n.t_with(
                        "matching-broken-fixed",
                        &[
                            ("mentee", FluentValue::from(label(programme, mentee))),
                            ("mentor", FluentValue::from(label(programme, mentor))),
                            (
                                "problem",
                                FluentValue::from(command_error_text(i18n, &b.problem)),
                            ),
                        ],
                    );
                    view! {
                        <li>
                            {text}" "
                            <button
                                type="button"
                                class="button button--quiet"
                                on:click=move |_| act(Command::ReleasePair {
                                    mentee,
                                    mentor,
                                })
                            >
                                {i18n.t("matching-release")}
                            </button>
                        </li>
                    }
                })
                .collect_view()
        });
        view! {
            <div class="notice notice--warning" role="alert" data-testid="broken-fixed">
                <ul>{items}</ul>
            </div>
        }
        .into_any()
    }
}

/// The next-best mentor for one mentee, offered as fixed pairs to take.
#[component]
fn AlternativeView(
    mentee: PersonId,
    result: RwSignal<Matching>,
    act: impl Fn(Command) + Copy + Send + Sync + 'static,
    close: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let found = session
        .with_untracked(|programme| {
            result.with_untracked(|matching| {
                next_best(programme, matching, mentee).map(|alternative| {
                    let swap = alternative.swap.as_ref().map(|s| {
                        (
                            s.mentee,
                            s.mentor,
                            label(programme, s.mentee),
                            label(programme, s.mentor),
                        )
                    });
                    (
                        alternative.mentor,
                        label(programme, alternative.mentor),
                        alternative.change,
                        swap,
                    )
                })
            })
        })
        .flatten();
    let name = session
        .with_untracked(|programme| label(programme, mentee))
        .unwrap_or_default();
    let body = match found {
        None => view! { <p>{i18n.t_with("matching-alternative-none", &[("mentee", FluentValue::from(name))])}</p> }.into_any(),
        Some((mentor, mentor_name, change, swap)) => {
            let text = i18n.t_with(
                "matching-alternative-offer",
                &[
                    ("mentee", FluentValue::from(name)),
                    ("mentor", FluentValue::from(mentor_name)),
                    ("change", FluentValue::from(change)),
                ],
            );
            let swap_text = swap.as_ref().map(|(_, _, other, old_mentor)| {
                i18n.t_with(
                    "matching-alternative-swap",
                    &[
                        ("mentee", FluentValue::from(other.clone())),
                        ("mentor", FluentValue::from(old_mentor.clone())),
                    ],
                )
            });
            let take = move |_| {
                act(Command::FixPair { mentee, mentor });
                if let Some((other, old_mentor, _, _)) = swap {
                    act(Command::FixPair { mentee: other, mentor: old_mentor });
                }
                close();
            };
            view! {
                <p data-testid="alternative-offer">{text}</p>
                {swap_text.map(|t| view! { <p>{t}</p> })}
                <button
                    type="button"
                    class="button button--secondary"
                    data-testid="take-alternative"
                    on:click=take
                >
                    {i18n.t("matching-alternative-take")}
                </button>
            }
            .into_any()
        }
    };
    view! {
        <div class="notice matching-alternative" data-testid="alternative">
            {body}
            " "
            <button type="button" class="button button--quiet" on:click=move |_| close()>
                {i18n.t("matching-alternative-close")}
            </button>
        </div>
    }
}

/// The programme's weights, editable; saved as one change.
#[component]
fn Weights(act: impl Fn(Command) + Copy + Send + Sync + 'static) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let current = session
        .with_untracked(|programme| programme.matching_weights)
        .unwrap_or_default();
    let fields: Vec<(Criterion, RwSignal<String>)> = Criterion::ALL
        .into_iter()
        .map(|criterion| (criterion, RwSignal::new(current.of(criterion).to_string())))
        .collect();
    let values = fields.clone();
    let save = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let mut weights = MatchingWeights::default();
        for (criterion, value) in &values {
            let weight = value.get_untracked().trim().parse::<u32>().unwrap_or(0);
            weights = weights.with(*criterion, weight);
        }
        act(Command::SetMatchingWeights { weights });
    };
    let reset = {
        let values = fields.clone();
        move |_| {
            let defaults = MatchingWeights::default();
            for (criterion, value) in &values {
                value.set(defaults.of(*criterion).to_string());
            }
        }
    };
    view! {
        <section class="panel" aria-labelledby="weights-title">
            <h2 id="weights-title">{move || i18n.t("matching-weights-title")}</h2>
            <p class="muted">
                {move || {
                    i18n.t_with("matching-weights-intro", &[("max", FluentValue::from(MAX_WEIGHT))])
                }}
            </p>
            <form class="form" on:submit=save novalidate>
                {fields
                    .into_iter()
                    .map(|(criterion, value)| {
                        let id = format!("weight-{}", criterion.code());
                        view! {
                            <div class="field field--inline">
                                <label for=id
                                    .clone()>
                                    {move || {
                                        i18n.t(&format!("matching-criterion-{}", criterion.code()))
                                    }}
                                </label>
                                <input
                                    id=id.clone()
                                    data-testid=id
                                    type="number"
                                    min="0"
                                    max=MAX_WEIGHT.to_string()
                                    step="1"
                                    inputmode="numeric"
                                    bind:value=value
                                />
                            </div>
                        }
                    })
                    .collect_view()}
                <div class="form__actions">
                    <button
                        type="submit"
                        class="button button--primary"
                        data-testid="weights-submit"
                    >
                        {move || i18n.t("matching-weights-save")}
                    </button>
                    <button type="button" class="button button--quiet" on:click=reset>
                        {move || i18n.t("matching-weights-defaults")}
                    </button>
                </div>
            </form>
        </section>
    }
}

/// Pairs coordinators excluded, with the way to lift each exclusion.
#[component]
fn ExcludedPairs(act: impl Fn(Command) + Copy + Send + Sync + 'static) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let rows = move || {
        session
            .with(|programme| {
                programme
                    .excluded_pairs
                    .keys()
                    .map(|pair| {
                        (
                            *pair,
                            label(programme, pair.mentee),
                            label(programme, pair.mentor),
                        )
                    })
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    };
    view! {
        <section class="panel" aria-labelledby="excluded-title">
            <h2 id="excluded-title">{move || i18n.t("matching-excluded-title")}</h2>
            {move || {
                let rows = rows();
                if rows.is_empty() {
                    return view! { <p class="empty-state">{i18n.t("matching-excluded-none")}</p> }
                        .into_any();
                }
                view! {
                    <ul class="excluded-pairs" data-testid="excluded-pairs">
                        {rows
                            .into_iter()
                            .map(|(pair, mentee, mentor)| {
                                view! {
                                    <li data-testid="excluded-pair">
                                        {format!("{mentee} – {mentor}")}" "
                                        <button
                                            type="button"
                                            class="button button--quiet"
                                            on:click=move |_| act(Command::ReleasePair {
                                                mentee: pair.mentee,
                                                mentor: pair.mentor,
                                            })
                                        >
                                            {i18n.t("matching-exclusion-lift")}
                                        </button>
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
