//! The people table: search, filter by role, organisation and stage, sort by
//! any column, a page of 100 rows at a time so that 2,000 people stay quick.

use fluent_bundle::FluentValue;
use leptos::prelude::*;
use leptos_router::components::A;
use tandem_core::{people_csv, Day, PartnerId, PersonId, Programme, Role, Standing};

use crate::clock::today;
use crate::components::field::ChoiceOptions;
use crate::components::pager::Pager;
use crate::components::table::{Column, DataTable};
use crate::download::offer_download;
use crate::i18n::use_i18n;
use crate::routes::Page;
use crate::session::use_session;

const PAGE_SIZE: usize = 100;

/// One row of the table.
#[derive(Debug, Clone, PartialEq)]
struct PersonRow {
    id: PersonId,
    name: String,
    role: Role,
    organisation: String,
    standing: Standing,
    email: String,
    applied_on: Option<Day>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SortBy {
    Name,
    Role,
    Organisation,
    Standing,
    AppliedOn,
}

impl SortBy {
    fn column_key(self) -> &'static str {
        match self {
            SortBy::Name => "column-name",
            SortBy::Role => "column-role",
            SortBy::Organisation => "column-organisation",
            SortBy::Standing => "column-standing",
            SortBy::AppliedOn => "column-applied-on",
        }
    }
}

/// The filters a coordinator sets.
#[derive(Debug, Clone, PartialEq, Default)]
struct Filters {
    search: String,
    role: Option<Role>,
    organisation: Option<PartnerId>,
    standing: Option<Standing>,
}

fn rows(programme: &Programme, filters: &Filters, sort: SortBy, ascending: bool) -> Vec<PersonRow> {
    let needle = filters.search.trim().to_lowercase();
    let standings = programme.standings();
    let rows: Vec<PersonRow> = programme
        .people
        .iter()
        .filter(|(_, person)| filters.role.is_none_or(|role| person.details.role == role))
        .filter(|(_, person)| {
            filters
                .organisation
                .is_none_or(|organisation| person.details.organisation == Some(organisation))
        })
        .filter_map(|(id, person)| {
            let standing = *standings.get(id)?;
            if filters.standing.is_some_and(|wanted| wanted != standing) {
                return None;
            }
            let details = &person.details;
            if !needle.is_empty() {
                let haystack = [
                    details.name.as_str(),
                    details.email.as_str(),
                    details.department.as_str(),
                    details.position.as_str(),
                    details.location.as_str(),
                ]
                .join(" ")
                .to_lowercase();
                if !haystack.contains(&needle) {
                    return None;
                }
            }
            Some(PersonRow {
                id: *id,
                name: details.name.clone(),
                role: details.role,
                organisation: programme
                    .organisation_name(details.organisation)
                    .to_string(),
                standing,
                email: details.email.clone(),
                applied_on: person.application.applied_on,
            })
        })
        .collect();
    // Lower-cased once per row, not once per comparison.
    let mut keyed: Vec<(String, String, PersonRow)> = rows
        .into_iter()
        .map(|row| {
            (
                row.name.to_lowercase(),
                row.organisation.to_lowercase(),
                row,
            )
        })
        .collect();
    keyed.sort_by(|(a_name, a_organisation, a), (b_name, b_organisation, b)| {
        let order = match sort {
            SortBy::Name => a_name.cmp(b_name),
            SortBy::Role => a.role.cmp(&b.role),
            SortBy::Organisation => a_organisation.cmp(b_organisation),
            SortBy::Standing => a.standing.cmp(&b.standing),
            SortBy::AppliedOn => a.applied_on.cmp(&b.applied_on),
        }
        .then_with(|| a_name.cmp(b_name));
        if ascending {
            order
        } else {
            order.reverse()
        }
    });
    keyed.into_iter().map(|(_, _, row)| row).collect()
}

/// The page at `/programme/:id/people`.
#[component]
pub(crate) fn PeoplePage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let filters = RwSignal::new(Filters::default());
    let sort = RwSignal::new((SortBy::Name, true));
    let page = RwSignal::new(0usize);
    let programme_id = session.with(|programme| programme.id);

    let matching = Memo::new(move |_| {
        let filters = filters.get();
        let (by, ascending) = sort.get();
        session
            .with(|programme| rows(programme, &filters, by, ascending))
            .unwrap_or_default()
    });
    let total = move || {
        session
            .with(|programme| programme.people.len())
            .unwrap_or(0)
    };
    let pages = move || matching.with(|rows| rows.len().div_ceil(PAGE_SIZE).max(1));
    let shown = move || {
        let start = page.get() * PAGE_SIZE;
        matching.with(|rows| {
            rows.iter()
                .skip(start)
                .take(PAGE_SIZE)
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    let export = move |_| {
        let Some(bytes) = session.with(|programme| {
            people_csv(
                programme,
                |column| i18n.t(&format!("csv-people-{}", column.code())),
                |term| i18n.t(term),
            )
        }) else {
            return;
        };
        let name = format!("{}-{}.csv", i18n.t("csv-file-people"), today().iso());
        let _ = offer_download(&name, "text/csv;charset=utf-8", &bytes);
    };

    view! {
        {programme_id
            .map(|programme| {
                view! { <crate::pages::people::incoming::IncomingApplications programme /> }
            })}
        <section class="panel" aria-labelledby="people-title">
            <div class="panel__header">
                <h2 id="people-title">{move || i18n.t("people-title")}</h2>
                <div class="button-row">
                    {programme_id
                        .map(|id| {
                            view! {
                                <A
                                    href=Page::NewPerson(id).path()
                                    attr:class="button button--primary"
                                    attr:data-testid="new-person"
                                >
                                    {move || i18n.t("people-new")}
                                </A>
                                <A
                                    href=Page::Import(id).path()
                                    attr:class="button button--secondary"
                                >
                                    {move || i18n.t("people-import")}
                                </A>
                            }
                        })}
                    <button
                        type="button"
                        class="button button--secondary"
                        data-testid="export-people"
                        on:click=export
                    >
                        {move || i18n.t("people-export")}
                    </button>
                </div>
            </div>
            <PeopleFilters filters page />
            <p class="muted" role="status" data-testid="people-count">
                {move || {
                    i18n.t_with(
                        "people-count",
                        &[
                            ("shown", FluentValue::from(matching.with(|rows| rows.len()))),
                            ("total", FluentValue::from(total())),
                        ],
                    )
                }}
            </p>
            <Show
                when=move || matching.with(|rows| !rows.is_empty())
                fallback=move || {
                    view! { <p class="empty-state">{move || i18n.t("people-none-match")}</p> }
                }
            >
                <DataTable
                    testid="people-table"
                    head=move || {
                        view! {
                            <SortHeader by=SortBy::Name sort />
                            <SortHeader by=SortBy::Role sort />
                            <SortHeader by=SortBy::Organisation sort />
                            <SortHeader by=SortBy::Standing sort />
                            <Column label="column-email" class="hide-narrow" />
                            <SortHeader by=SortBy::AppliedOn sort />
                        }
                    }
                >
                    <For
                        each=shown
                        key=|row| row.id
                        children=move |row| {
                            let href = programme_id
                                .map(|id| Page::Person(id, row.id).path())
                                .unwrap_or_default();
                            let role = row.role;
                            let standing = row.standing;
                            let applied_on = row.applied_on;
                            view! {
                                <tr data-testid="person-row">
                                    <th scope="row">
                                        <A href=href>{row.name.clone()}</A>
                                    </th>
                                    <td data-label=move || {
                                        i18n.t("column-role")
                                    }>{move || i18n.t(&format!("role-{}", role.code()))}</td>
                                    <td data-label=move || {
                                        i18n.t("column-organisation")
                                    }>{row.organisation.clone()}</td>
                                    <td data-label=move || i18n.t("column-standing")>
                                        <span class=format!(
                                            "badge badge--{}",
                                            standing.code(),
                                        )>
                                            {move || i18n.t(&format!("standing-{}", standing.code()))}
                                        </span>
                                    </td>
                                    <td class="hide-narrow">{row.email.clone()}</td>
                                    <td data-label=move || {
                                        i18n.t("column-applied-on")
                                    }>{move || i18n.day_or_unknown(applied_on)}</td>
                                </tr>
                            }
                        }
                    />
                </DataTable>
            </Show>
            <Pager page pages=Signal::derive(pages) label="people-title" />
        </section>
    }
}

/// The search and the filters by role, organisation and standing; a
/// change goes back to the first page.
#[component]
fn PeopleFilters(filters: RwSignal<Filters>, page: RwSignal<usize>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let organisations = move || session.partner_choices();
    let set_filter = move |change: Box<dyn FnOnce(&mut Filters)>| {
        filters.update(|filters| change(filters));
        page.set(0);
    };
    view! {
        <div class="filters">
            <div class="field">
                <label for="people-search">{move || i18n.t("people-search")}</label>
                // Searches name participants: the browser should keep
                // them neither for suggestions nor in its session restore.
                <input
                    id="people-search"
                    type="search"
                    autocomplete="off"
                    data-testid="people-search"
                    placeholder=move || i18n.t("people-search-placeholder")
                    prop:value=move || filters.with(|f| f.search.clone())
                    on:input=move |event| {
                        let value = event_target_value(&event);
                        set_filter(Box::new(move |f| f.search = value));
                    }
                />
            </div>
            <div class="field">
                <label for="filter-role">{move || i18n.t("filter-role")}</label>
                <select
                    id="filter-role"
                    data-testid="filter-role"
                    on:change=move |event| {
                        let role = Role::from_code(&event_target_value(&event));
                        set_filter(Box::new(move |f| f.role = role));
                    }
                >
                    <option value="">{move || i18n.t("filter-all")}</option>
                    {Role::ALL
                        .into_iter()
                        .map(|role| {
                            view! {
                                <option value=role
                                    .code()>
                                    {move || i18n.t(&format!("role-{}", role.code()))}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="filter-organisation">{move || i18n.t("filter-organisation")}</label>
                <select
                    id="filter-organisation"
                    data-testid="filter-organisation"
                    on:change=move |event| {
                        let organisation = event_target_value(&event).parse::<PartnerId>().ok();
                        set_filter(Box::new(move |f| f.organisation = organisation));
                    }
                >
                    <ChoiceOptions none="filter-all" choices=organisations />
                </select>
            </div>
            <div class="field">
                <label for="filter-standing">{move || i18n.t("filter-standing")}</label>
                <select
                    id="filter-standing"
                    data-testid="filter-standing"
                    on:change=move |event| {
                        let standing = Standing::from_code(&event_target_value(&event));
                        set_filter(Box::new(move |f| f.standing = standing));
                    }
                >
                    <option value="">{move || i18n.t("filter-all")}</option>
                    {Standing::ALL
                        .into_iter()
                        .map(|standing| {
                            view! {
                                <option value=standing
                                    .code()>
                                    {move || i18n.t(&format!("standing-{}", standing.code()))}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </div>
        </div>
    }
}

/// A column header that sorts the table by its column; pressed again, it
/// turns the order round.
#[component]
fn SortHeader(by: SortBy, sort: RwSignal<(SortBy, bool)>) -> impl IntoView {
    let i18n = use_i18n();
    let label = move || i18n.t(by.column_key());
    let aria_sort = move || match sort.get() {
        (current, true) if current == by => "ascending",
        (current, false) if current == by => "descending",
        _ => "none",
    };
    view! {
        <th scope="col" aria-sort=aria_sort>
            <button
                type="button"
                class="sort-button"
                data-testid=format!("sort-{}", by.column_key())
                on:click=move |_| {
                    sort.update(|(current, ascending)| {
                        if *current == by {
                            *ascending = !*ascending;
                        } else {
                            *current = by;
                            *ascending = true;
                        }
                    })
                }
            >
                {label}
                <span aria-hidden="true" class="sort-button__mark">
                    {move || match aria_sort() {
                        "ascending" => "▲",
                        "descending" => "▼",
                        _ => "",
                    }}
                </span>
            </button>
        </th>
    }
}
