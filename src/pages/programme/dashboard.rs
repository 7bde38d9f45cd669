//! A programme's dashboard: who is where per organisation, the tandems, and
//! what needs a coordinator's attention.

use fluent_bundle::FluentValue;
use leptos::prelude::*;
use leptos_router::components::A;
use tandem_core::{Attention, Dashboard, Role, Standing, TandemStatus};

use crate::clock::{now_seconds, today};
use crate::components::history::History;
use crate::components::notice::{Outcome, OutcomeNotice};
use crate::components::table::{Column, DataTable};
use crate::components::violation::ViolationItem;
use crate::download::offer_download;
use crate::i18n::use_i18n;
use crate::routes::Page;
use crate::session::use_session;
use crate::settings::ExchangeRecord;
use tandem_core::Contents;

/// The page at `/programme/:id`.
#[component]
pub(crate) fn DashboardPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let dashboard = Memo::new(move |_| session.with(Dashboard::of).unwrap_or_default());
    let programme_id = move || session.with(|programme| programme.id);

    view! {
        {move || {
            let open = session.conflicts().len();
            let id = programme_id()?;
            (open > 0)
                .then(|| {
                    view! {
                        <p
                            class="notice notice--warning"
                            role="status"
                            data-testid="conflicts-notice"
                        >
                            {i18n.t_with("conflicts-open", &[("count", FluentValue::from(open))])}
                            " "
                            <A href=Page::Exchange(id).path()>{i18n.t("conflicts-show")}</A>
                        </p>
                    }
                })
        }}
        <BackupStatus />
        <crate::pages::tandem_page::QuietTandems />
        <div class="stat-row" data-testid="tandem-counts">
            {TandemStatus::ALL
                .into_iter()
                .map(|status| {
                    view! {
                        <div class="stat">
                            <span class="stat__value">
                                {move || {
                                    dashboard
                                        .with(|d| {
                                            d.tandems.get(status.code()).copied().unwrap_or(0)
                                        })
                                }}
                            </span>
                            <span class="stat__label">
                                {move || {
                                    format!(
                                        "{} – {}",
                                        i18n.t("dashboard-tandems"),
                                        i18n.t(&format!("tandem-status-{}", status.code())),
                                    )
                                }}
                            </span>
                        </div>
                    }
                })
                .collect_view()}
            <div class="stat">
                <span class="stat__value">{move || dashboard.with(|d| d.totals.people())}</span>
                <span class="stat__label">{move || i18n.t("people-title")}</span>
            </div>
        </div>

        <AttentionList dashboard />
        <crate::pages::programme::reminders::Reminders />

        <crate::pages::people::privacy::ErasureDue />

        <PeopleCounts dashboard />
        <History />
    }
}

/// When the last backup file was made, and a reminder after a week of
/// changes without one (three days where Safari deletes unvisited storage).
#[component]
fn BackupStatus() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let refreshed = RwSignal::new(0u32);
    let status = move || {
        refreshed.track();
        let id = session.with(|programme| programme.id)?;
        let record = ExchangeRecord::load(id);
        let (first, latest) = session.with_history(|history| {
            let changes = history.all();
            let first = changes
                .iter()
                .map(|note| note.at)
                .filter(|at| *at > 0)
                .min();
            (first, changes.iter().map(|note| note.at).max().unwrap_or(0))
        });
        let since = record.last_backup_at.or(first).unwrap_or(latest);
        let overdue = latest > record.last_backup_at.unwrap_or(0)
            && now_seconds() - since > crate::browser::backup_interval_seconds();
        Some((record.last_backup_at, overdue))
    };
    // Where Safari deletes unvisited storage, the reminder says why it
    // comes sooner.
    let reminder = if crate::browser::storage_expires_unvisited() {
        "backup-reminder-expiring"
    } else {
        "backup-reminder"
    };
    let back_up = move |_| {
        if let Some((name, bytes)) = session.export(Contents::Whole, None) {
            let file = format!(
                "{}-{}.tandem",
                name.replace(|c: char| !c.is_alphanumeric(), "-"),
                today().iso()
            );
            let _ = offer_download(&file, "application/octet-stream", &bytes);
        }
        refreshed.update(|n| *n += 1);
    };
    move || {
        let (last, overdue) = status()?;
        let text = match last {
            Some(at) => i18n.t_with(
                "backup-last",
                &[("date", FluentValue::from(i18n.date_time(at)))],
            ),
            None => i18n.t("backup-never"),
        };
        Some(view! {
            <div
                class=if overdue { "notice notice--warning backup" } else { "backup muted" }
                data-testid="backup-status"
            >
                <span>{text}</span>
                {overdue
                    .then(|| {
                        view! { <span data-testid="backup-reminder">" "{i18n.t(reminder)}</span> }
                    })}
                <button
                    type="button"
                    class="button button--secondary"
                    data-testid="backup-now"
                    on:click=back_up
                >
                    {i18n.t("backup-now")}
                </button>
            </div>
        })
    }
}

/// What needs a coordinator's attention: the programme's broken rules,
/// most urgent first, then interviews not held and accepted people without
/// a tandem.
#[component]
fn AttentionList(dashboard: Memo<Dashboard>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let programme_id = move || session.with(|programme| programme.id);
    let settled = RwSignal::new(Outcome::Idle);
    view! {
        <section class="panel" aria-labelledby="attention-title">
            <h2 id="attention-title">{move || i18n.t("dashboard-attention")}</h2>
            <div aria-live="polite">
                <OutcomeNotice outcome=settled testid="attention-settle" />
            </div>
            {move || {
                let violations = dashboard.with(|d| d.violations.clone());
                (!violations.is_empty())
                    .then(|| {
                        view! {
                            <h3>{i18n.t("attention-violations")}</h3>
                            <ul class="attention-list" data-testid="attention-violations">
                                {violations
                                    .into_iter()
                                    .map(|violation| {
                                        view! {
                                            <li>
                                                <ViolationItem violation outcome=settled />
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ul>
                        }
                    })
            }}
            {move || {
                let items = dashboard.with(|d| d.attention.clone());
                let Some(id) = programme_id() else { return ().into_any() };
                if items.is_empty() && dashboard.with(|d| !d.violations.is_empty()) {
                    return ().into_any();
                }
                if items.is_empty() {
                    return view! { <p class="muted">{i18n.t("attention-none")}</p> }.into_any();
                }
                view! {
                    <ul class="attention-list" data-testid="attention">
                        {items
                            .into_iter()
                            .map(|item| match item {
                                Attention::InterviewNotHeld { person, name, applied_on } => {
                                    view! {
                                        <li>
                                            <A href=Page::Person(id, person)
                                                .path()>
                                                {i18n
                                                    .t_with(
                                                        "attention-interview",
                                                        &[
                                                            ("name", FluentValue::from(name)),
                                                            ("date", FluentValue::from(i18n.day_or_unknown(applied_on))),
                                                        ],
                                                    )}
                                            </A>
                                        </li>
                                    }
                                }
                                Attention::AcceptedWithoutTandem { person, name, role } => {
                                    view! {
                                        <li>
                                            <A href=Page::Person(id, person)
                                                .path()>
                                                {i18n
                                                    .t_with(
                                                        "attention-unmatched",
                                                        &[
                                                            ("name", FluentValue::from(name)),
                                                            (
                                                                "role",
                                                                FluentValue::from(i18n.t(&format!("role-{}", role.code()))),
                                                            ),
                                                        ],
                                                    )}
                                            </A>
                                        </li>
                                    }
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

/// Who is where per organisation: people by role and by standing.
#[component]
fn PeopleCounts(dashboard: Memo<Dashboard>) -> impl IntoView {
    let i18n = use_i18n();
    let standings = [
        Standing::Applied,
        Standing::Interviewed,
        Standing::Accepted,
        Standing::Matched,
        Standing::Waitlisted,
        Standing::Declined,
        Standing::Withdrawn,
    ];

    view! {
        <section class="panel" aria-labelledby="counts-title" data-section="counts">
            <h2 id="counts-title">{move || i18n.t("dashboard-people")}</h2>
            {move || {
                let d = dashboard.get();
                if d.totals.people() == 0 {
                    return view! { <p class="empty-state">{i18n.t("dashboard-empty")}</p> }
                        .into_any();
                }
                let mut rows = d.organisations.clone();
                let mut totals = d.totals.clone();
                totals.name = i18n.t("dashboard-total");
                rows.push(totals);
                let last = rows.len() - 1;
                let main = [
                    Standing::Applied,
                    Standing::Interviewed,
                    Standing::Accepted,
                    Standing::Matched,
                ];
                let roles: Vec<Role> = Role::ALL
                    .into_iter()
                    .filter(|role| *role != Role::CoMentor || d.totals.role(*role) > 0)
                    .collect();
                let standings: Vec<Standing> = standings
                    .into_iter()
                    .filter(|s| main.contains(s) || d.totals.standing(*s) > 0)
                    .collect();
                let (head_roles, head_standings) = (roles.clone(), standings.clone());
                let table_rows = rows
                    .into_iter()
                    .enumerate()
                    .map(|(index, row)| {
                        let name = if row.name.is_empty() {
                            i18n.t("dashboard-without-organisation")
                        } else {
                            row.name.clone()
                        };
                        // Columns that hold only zeros (no co-mentors, nobody
                        // withdrawn yet) make the table wider, not clearer.
                        // Rendered here, where the table's reads are tracked, not
                        // inside the table component (which reads untracked).
                        view! {
                            <tr class:total-row=index == last>
                                <th scope="row">{name}</th>
                                {roles
                                    .iter()
                                    .map(|role| view! { <td class="num">{row.role(*role)}</td> })
                                    .collect_view()}
                                {standings
                                    .iter()
                                    .map(|standing| {
                                        view! { <td class="num">{row.standing(*standing)}</td> }
                                    })
                                    .collect_view()}
                            </tr>
                        }
                    })
                    .collect_view();
                view! {
                    <DataTable
                        testid="dashboard-counts"
                        class="data-table"
                        region="counts-title"
                        head=move || {
                            view! {
                                <Column label="dashboard-organisation" />
                                {head_roles
                                    .iter()
                                    .map(|role| {
                                        view! {
                                            <Column
                                                label=format!("role-{}-plural", role.code())
                                                class="num"
                                            />
                                        }
                                    })
                                    .collect_view()}
                                {head_standings
                                    .iter()
                                    .map(|standing| {
                                        view! {
                                            <Column
                                                label=format!("standing-{}", standing.code())
                                                class="num"
                                            />
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
