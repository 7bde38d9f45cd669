//! Tandem pages: what a mentee and mentor see (their partner, goals,
//! meetings, the next events, the contact point), the coordinators' view
//! of the same page with the personal link to send, and the list of quiet
//! tandems on the dashboard.

use std::collections::BTreeMap;

use fluent_bundle::FluentValue;
use gloo_storage::{LocalStorage, SessionStorage, Storage};
use leptos::prelude::*;
use leptos::task::spawn_local;
use tandem_core::{
    contact_check, ContactConcern, Goal, GoalStatus, Meeting, MeetingKind, PageCommand, PersonId,
    ProgrammeSide, Replica, TandemId, TandemPageDocument,
};
use tandem_sync::page_link::PageForwarding;
use uuid::Uuid;

use crate::clock::today;
use crate::components::field::TextField;
use crate::components::notice::{Outcome, OutcomeNotice, SubmitWithNotice};
use crate::components::sync::SyncState;
use crate::i18n::use_i18n;
use crate::live::fetch::fetch_room;
use crate::live::invite::{on_link_opened, take_from_address, Arrived, InAddress};
use crate::page_session::{create_page, page_from, store_received, PageSession};
use crate::routes::Page;
use crate::session::{use_session, Opening};
use crate::settings::{PageLinks, PageRecord};
use crate::storage::ProgrammeStore;

/// Rooms of the tandem pages this browser has opened from links (room ids
/// only: the keys are kept sealed with each page's sync record).
const PAGE_ROOMS: &str = "tandem.page-rooms";

/// The tandem page this tab shows, for a reload: the link's fragment left
/// the address when it was read. Kept for the tab only.
const PAGE_OPEN: &str = "tandem.page-open";

fn me_key(tandem: TandemId) -> String {
    format!("tandem.page-me.{tandem}")
}

#[component]
fn PageSyncIndicator(page: PageSession) -> impl IntoView {
    view! { <SyncState status=Signal::derive(move || page.sync_status()) testid="page-sync-status" /> }
}

/// Goals and meetings, read and written by whoever has the page open;
/// `me` is the participant (none for a coordinator).
#[component]
fn PageLog(page: PageSession, me: Signal<Option<PersonId>>) -> impl IntoView {
    let i18n = use_i18n();
    let name_of = move |person: Option<PersonId>| -> String {
        match person {
            None => i18n.t("page-by-coordinator"),
            // Someone who left the tandem (a forgotten co-mentor) has no
            // name on the page any more.
            Some(person) => page
                .with(|p| p.side().member(person).map(|m| m.name.clone()))
                .flatten()
                .unwrap_or_else(|| i18n.t("page-by-former-member")),
        }
    };

    let goal_text = RwSignal::new(String::new());
    let goal_milestones = RwSignal::new(String::new());
    let goal_outcome = RwSignal::new(Outcome::Idle);
    let add_goal = move |event: web_sys::SubmitEvent| {
        event.prevent_default();
        let goal = Goal {
            text: goal_text.get_untracked(),
            milestones: goal_milestones
                .get_untracked()
                .split(',')
                .map(|m| m.trim().to_string())
                .collect(),
            status: GoalStatus::Open,
            by: me.get_untracked(),
        };
        let key = Uuid::new_v4().to_string();
        goal_outcome.set(match page.apply(PageCommand::SetGoal { key, goal }) {
            Ok(()) => {
                goal_text.set(String::new());
                goal_milestones.set(String::new());
                Outcome::Done(i18n.t("page-goal-saved"))
            }
            Err(message) => Outcome::Refused(message),
        });
    };
    let set_status = move |key: String, mut goal: Goal, code: String| {
        if let Some(status) = GoalStatus::from_code(&code) {
            goal.status = status;
            goal.by = me.get_untracked();
            let _ = page.apply(PageCommand::SetGoal { key, goal });
        }
    };

    let meeting_on = RwSignal::new(today().iso());
    let meeting_minutes = RwSignal::new("60".to_string());
    let meeting_kind = RwSignal::new(MeetingKind::InPerson.code().to_string());
    let meeting_topics = RwSignal::new(String::new());
    let meeting_next = RwSignal::new(String::new());
    let meeting_outcome = RwSignal::new(Outcome::Idle);
    let log_meeting = move |event: web_sys::SubmitEvent| {
        event.prevent_default();
        let Ok(on) = tandem_core::Day::parse(&meeting_on.get_untracked()) else {
            meeting_outcome.set(Outcome::Refused(i18n.t("page-date-missing")));
            return;
        };
        let minutes = meeting_minutes.get_untracked().trim().parse().unwrap_or(0);
        let meeting = Meeting {
            on,
            minutes,
            kind: MeetingKind::from_code(&meeting_kind.get_untracked()).unwrap_or_default(),
            topics: meeting_topics.get_untracked(),
            next_steps: meeting_next.get_untracked(),
            logged_by: me.get_untracked(),
        };
        let key = Uuid::new_v4().to_string();
        meeting_outcome.set(match page.apply(PageCommand::LogMeeting { key, meeting }) {
            Ok(()) => {
                meeting_topics.set(String::new());
                meeting_next.set(String::new());
                Outcome::Done(i18n.t("page-meeting-saved"))
            }
            Err(message) => Outcome::Refused(message),
        });
    };

    let goals = move || {
        page.with(|p| {
            p.goals()
                .iter()
                .map(|(key, goal)| (key.clone(), goal.clone()))
                .collect::<Vec<_>>()
        })
        .unwrap_or_default()
    };
    let meetings = move || {
        page.with(|p| {
            p.meetings()
                .into_iter()
                .map(|(key, meeting)| (key.clone(), meeting.clone()))
                .collect::<Vec<_>>()
        })
        .unwrap_or_default()
    };

    view! {
        {move || {
            page.unsaved()
                .map(|code| {
                    view! {
                        <p class="notice notice--error" role="alert" data-testid="page-unsaved">
                            {i18n.error(code)}
                        </p>
                    }
                })
        }}
        <section class="panel" aria-labelledby="page-goals-title">
            <h2 id="page-goals-title">{move || i18n.t("page-goals")}</h2>
            <ul class="page-list" data-testid="page-goals">
                {move || {
                    let goals = goals();
                    if goals.is_empty() {
                        return view! { <li class="muted">{i18n.t("page-goals-none")}</li> }
                            .into_any();
                    }
                    goals
                        .into_iter()
                        .map(|(key, goal)| {
                            let select_id = format!("goal-status-{key}");
                            let milestones = goal.milestones.join(" · ");
                            let changed = goal.clone();
                            view! {
                                <li class="page-item" data-testid="page-goal">
                                    <p class="page-item__title">{goal.text.clone()}</p>
                                    {(!milestones.is_empty())
                                        .then(|| {
                                            view! {
                                                <p class="muted">
                                                    {i18n
                                                        .t_with(
                                                            "page-milestones",
                                                            &[("list", FluentValue::from(milestones))],
                                                        )}
                                                </p>
                                            }
                                        })}
                                    <div class="field field--inline">
                                        <label for=select_id
                                            .clone()>{i18n.t("page-goal-status")}</label>
                                        <select
                                            id=select_id
                                            data-testid="page-goal-status"
                                            on:change=move |event| set_status(
                                                key.clone(),
                                                changed.clone(),
                                                event_target_value(&event),
                                            )
                                        >
                                            {GoalStatus::ALL
                                                .into_iter()
                                                .map(|status| {
                                                    view! {
                                                        <option
                                                            value=status.code()
                                                            selected={status == goal.status}
                                                        >
                                                            {i18n.t(&format!("goal-status-{}", status.code()))}
                                                        </option>
                                                    }
                                                })
                                                .collect_view()}
                                        </select>
                                    </div>
                                </li>
                            }
                        })
                        .collect_view()
                        .into_any()
                }}
            </ul>
            <form class="form" on:submit=add_goal novalidate>
                <h3>{move || i18n.t("page-goal-add")}</h3>
                <TextField id="page-goal-text" label="page-goal-text" value=goal_text />
                <TextField
                    id="page-goal-milestones"
                    label="page-goal-milestones"
                    value=goal_milestones
                />
                <SubmitWithNotice
                    testid="page-goal-submit"
                    label="page-goal-submit"
                    outcome=goal_outcome
                    notice="page-goal"
                    class="button button--secondary"
                />
            </form>
        </section>
        <section class="panel" aria-labelledby="page-meetings-title">
            <h2 id="page-meetings-title">{move || i18n.t("page-meetings")}</h2>
            <ul class="page-list" data-testid="page-meetings">
                {move || {
                    let meetings = meetings();
                    if meetings.is_empty() {
                        return view! { <li class="muted">{i18n.t("page-meetings-none")}</li> }
                            .into_any();
                    }
                    meetings
                        .into_iter()
                        .map(|(_, meeting)| {
                            view! {
                                <li class="page-item" data-testid="page-meeting">
                                    <p class="page-item__title">
                                        {format!(
                                            "{} · {} · {}",
                                            i18n.day(meeting.on),
                                            i18n
                                                .t_with(
                                                    "page-minutes",
                                                    &[("count", FluentValue::from(meeting.minutes))],
                                                ),
                                            i18n.t(&format!("meeting-kind-{}", meeting.kind.code())),
                                        )}
                                    </p>
                                    {(!meeting.topics.is_empty())
                                        .then(|| view! { <p>{meeting.topics.clone()}</p> })}
                                    {(!meeting.next_steps.is_empty())
                                        .then(|| {
                                            view! {
                                                <p class="muted">
                                                    {i18n
                                                        .t_with(
                                                            "page-next-steps-were",
                                                            &[("steps", FluentValue::from(meeting.next_steps.clone()))],
                                                        )}
                                                </p>
                                            }
                                        })}
                                    <p class="muted">
                                        {i18n
                                            .t_with(
                                                "page-logged-by",
                                                &[("name", FluentValue::from(name_of(meeting.logged_by)))],
                                            )}
                                    </p>
                                </li>
                            }
                        })
                        .collect_view()
                        .into_any()
                }}
            </ul>
            <form class="form" on:submit=log_meeting novalidate>
                <h3>{move || i18n.t("page-meeting-add")}</h3>
                <div class="field-row">
                    <TextField
                        id="page-meeting-on"
                        label="page-meeting-on"
                        value=meeting_on
                        kind="date"
                    />
                    <TextField
                        id="page-meeting-minutes"
                        label="page-meeting-minutes"
                        value=meeting_minutes
                        kind="number"
                    />
                </div>
                <div class="field">
                    <label for="page-meeting-kind">{move || i18n.t("page-meeting-kind")}</label>
                    <select
                        id="page-meeting-kind"
                        data-testid="page-meeting-kind"
                        bind:value=meeting_kind
                    >
                        {MeetingKind::ALL
                            .into_iter()
                            .map(|kind| {
                                view! {
                                    <option value=kind
                                        .code()>
                                        {move || i18n.t(&format!("meeting-kind-{}", kind.code()))}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </div>
                <TextField
                    id="page-meeting-topics"
                    label="page-meeting-topics"
                    value=meeting_topics
                />
                <TextField id="page-meeting-next" label="page-meeting-next" value=meeting_next />
                <SubmitWithNotice
                    testid="page-meeting-submit"
                    label="page-meeting-submit"
                    outcome=meeting_outcome
                    notice="page-meeting"
                />
            </form>
        </section>
    }
}

/// The tandem page as the coordinators see it, on the tandem's view:
/// set it up, send the personal link, read goals and meetings.
#[component]
pub(crate) fn TandemPagePanel(id: TandemId, page: RwSignal<Option<PageSession>>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let outcome = RwSignal::new(Outcome::Idle);
    // The page opens after an await: under this component's owner (not
    // the button's, which goes when the panel redraws), so that it finds
    // its context and closes with the component.
    let owner = StoredValue::new_local(Owner::current());
    let set_up = move |_| {
        let Some(side) = session
            .with_untracked(|p| ProgrammeSide::project(p, id))
            .flatten()
        else {
            return;
        };
        let owner = owner.get_value();
        spawn_local(async move {
            match create_page(side).await {
                Ok(tandem) => {
                    let opened = match &owner {
                        Some(owner) => owner.with(|| PageSession::open(tandem)),
                        None => return,
                    };
                    page.set(Some(opened));
                    outcome.set(Outcome::Done(i18n.t("page-set-up-done")));
                }
                Err(code) => outcome.set(Outcome::Refused(i18n.error(code))),
            }
        });
    };
    let renew = move |_| {
        if let Some(page) = page.get_untracked() {
            outcome.set(match page.new_room() {
                Ok(()) => Outcome::Done(i18n.t("page-renewed")),
                Err(message) => Outcome::Refused(message),
            });
        }
    };
    view! {
        <section class="panel" aria-labelledby="page-panel-title" data-testid="page-panel">
            <h2 id="page-panel-title">{move || i18n.t("page-panel-title")}</h2>
            <p class="muted">{move || i18n.t("page-panel-intro")}</p>
            {move || match page.get() {
                None => {
                    view! {
                        <div class="button-row">
                            <button
                                type="button"
                                class="button button--primary"
                                data-testid="page-set-up"
                                on:click=set_up
                            >
                                {move || i18n.t("page-set-up")}
                            </button>
                        </div>
                    }
                        .into_any()
                }
                Some(page) => {
                    view! {
                        <PageSyncIndicator page />
                        <p class="notice notice--warning">{move || i18n.t("page-link-warning")}</p>
                        <crate::pages::tandems::page_links::PersonalLinks id page outcome />
                        <div class="button-row">
                            <button
                                type="button"
                                class="button button--secondary"
                                data-testid="page-renew"
                                on:click=renew
                            >
                                {move || i18n.t("page-renew")}
                            </button>
                        </div>
                    }
                        .into_any()
                }
            }}
            <div aria-live="polite">
                <OutcomeNotice outcome=outcome testid="page-panel" />
            </div>
        </section>
        {move || {
            page.get()
                .map(|page| {
                    view! {
                        <PageLog page me=Signal::derive(|| None) />
                        <super::page_survey::PageSurveysForCoordinators id page />
                    }
                })
        }}
    }
}

/// Opens the coordinators' copy of a tandem's page into `page`, if it was
/// set up here, with the programme's side written in afresh. The page
/// opens under the caller's owner, once its sealed record is read.
pub(crate) fn open_for_coordinators(
    id: TandemId,
    side: Option<ProgrammeSide>,
    page: RwSignal<Option<PageSession>>,
) {
    let owner = Owner::current();
    spawn_local(async move {
        if PageRecord::load_at(&PageRecord::page_key(id))
            .await
            .is_none()
        {
            return;
        }
        let (Some(owner), false) = (owner, page.is_disposed()) else {
            return;
        };
        if page.get_untracked().is_none() {
            page.set(Some(owner.with(|| PageSession::open_with_side(id, side))));
        }
    });
}

fn known_rooms() -> BTreeMap<String, String> {
    LocalStorage::get(PAGE_ROOMS).unwrap_or_default()
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Arriving {
    Fetching,
    Ready(TandemId),
    Failed(String),
}

/// The page a participant's personal link opens: `/tandem#room=…&key=…`.
/// The fragment leaves the address at once; a reload opens the page this
/// tab showed (or the only one this browser keeps) from what is stored.
#[component]
pub(crate) fn ParticipantPage() -> impl IntoView {
    let i18n = use_i18n();
    let arriving = RwSignal::new(Arriving::Fetching);
    // The link as it arrived, in memory only: tried again if the page could
    // not be stored before the user chose to store unprotected.
    let last = StoredValue::new_local(None::<Arrived>);
    let arrive = move |taken: InAddress| match taken {
        InAddress::Invite(arrived) => {
            last.set_value(Some(arrived.clone()));
            let Arrived {
                invite,
                relay,
                holder,
            } = arrived;
            let room = invite.room.to_string();
            let known: Option<TandemId> = known_rooms().get(&room).and_then(|t| t.parse().ok());
            arriving.set(Arriving::Fetching);
            let fragment = invite.to_fragment();
            spawn_local(async move {
                // The page is opened from this browser's storage when it is
                // there. Safari deletes a site's storage after seven days
                // without a visit (and a user may clear it): then the link,
                // which holds the room and its key, fetches the page again
                // from the relay.
                if let Some(tandem) = known {
                    if stored(tandem).await {
                        keep_own_link(tandem, holder).await;
                        show(arriving, tandem);
                        return;
                    }
                }
                fetch_page(i18n, invite, fragment, relay, holder, room, arriving);
            });
        }
        InAddress::Damaged | InAddress::Invitation(..) => {
            arriving.set(Arriving::Failed(i18n.t("page-link-damaged")))
        }
        InAddress::Nothing => {
            let shown = SessionStorage::get::<String>(PAGE_OPEN)
                .ok()
                .and_then(|tandem| tandem.parse::<TandemId>().ok());
            let rooms = known_rooms();
            let only = (rooms.len() == 1)
                .then(|| {
                    rooms
                        .values()
                        .next()
                        .and_then(|t| t.parse::<TandemId>().ok())
                })
                .flatten();
            spawn_local(async move {
                match shown.or(only) {
                    Some(tandem) if stored(tandem).await => show(arriving, tandem),
                    _ => arriving.set(Arriving::Failed(i18n.t("page-link-gone"))),
                }
            });
        }
    };
    arrive(take_from_address());
    on_link_opened(arrive);
    let chosen = crate::browser::unprotected_chosen();
    Effect::new(move |before: Option<bool>| {
        let now = chosen.get();
        let failed = matches!(arriving.get_untracked(), Arriving::Failed(_));
        if before == Some(false) && now && failed {
            if let Some(arrived) = last.get_value() {
                arrive(InAddress::Invite(arrived));
            }
        }
        now
    });

    view! {
        <section class="page page--participant">
            {move || match arriving.get() {
                Arriving::Fetching => {
                    view! {
                        <p class="muted" role="status" data-testid="page-loading">
                            {i18n.t("page-loading")}
                        </p>
                    }
                        .into_any()
                }
                Arriving::Failed(message) => {
                    view! {
                        <h1>{i18n.t("page-title")}</h1>
                        <p class="notice notice--error" role="alert" data-testid="page-error">
                            {message}
                        </p>
                    }
                        .into_any()
                }
                Arriving::Ready(tandem) => view! { <ParticipantView tandem /> }.into_any(),
            }}
        </section>
    }
}

/// Shows a tandem's page, and remembers for a reload of this tab which one.
fn show(arriving: RwSignal<Arriving>, tandem: TandemId) {
    let _ = SessionStorage::set(PAGE_OPEN, tandem.to_string());
    if !arriving.is_disposed() {
        arriving.set(Arriving::Ready(tandem));
    }
}

/// Whether this browser still stores the tandem's page.
async fn stored(tandem: TandemId) -> bool {
    match ProgrammeStore::open().await {
        Ok(store) => matches!(store.load_page(tandem).await, Ok(Some(_))),
        Err(_) => false,
    }
}

/// How many retired rooms a link follows to find where its page went.
const MOST_FORWARDS: usize = 16;

/// A link on its way to its page: the relay, the link's own secret and
/// the rooms it came through.
struct Following {
    relay: Option<String>,
    holder: Option<String>,
    rooms: Vec<String>,
}

/// Fetches a tandem's page from its room, stores it, and remembers the room.
/// A room the page has left is followed, with the link's own secret, to
/// where the page went; a link that was revoked learns so.
fn fetch_page(
    i18n: crate::i18n::I18n,
    invite: tandem_sync::Invite,
    fragment: String,
    relay: Option<String>,
    holder: Option<String>,
    room: String,
    arriving: RwSignal<Arriving>,
) {
    let following = Following {
        relay,
        holder,
        rooms: vec![room],
    };
    fetch_following(i18n, invite, fragment, following, arriving);
}

fn fetch_following(
    i18n: crate::i18n::I18n,
    invite: tandem_sync::Invite,
    fragment: String,
    following: Following,
    arriving: RwSignal<Arriving>,
) {
    let here = invite.room;
    fetch_room(i18n, invite, following.relay.clone(), move |fetched| {
        let fetched = match fetched {
            Ok(fetched) => fetched,
            Err(message) => return arriving.set(Arriving::Failed(message)),
        };
        let Following {
            relay,
            holder,
            mut rooms,
        } = following;
        if let Some(notice) = fetched.retired {
            let next = PageForwarding::next_for_link(&here, holder.as_deref(), &notice);
            return match next {
                Some(next) if rooms.len() <= MOST_FORWARDS => {
                    rooms.push(next.room.to_string());
                    let fragment = next.to_fragment();
                    let following = Following {
                        relay,
                        holder,
                        rooms,
                    };
                    fetch_following(i18n, next, fragment, following, arriving)
                }
                Some(_) => arriving.set(Arriving::Failed(i18n.t("page-link-lost"))),
                None => arriving.set(Arriving::Failed(i18n.t("page-link-revoked"))),
            };
        }
        spawn_local(async move {
            match page_from(fetched.blobs) {
                Some(mut page) => {
                    if let Err(code) = store_received(&mut page).await {
                        return arriving.set(Arriving::Failed(i18n.error(code)));
                    }
                    let tandem = page.tandem();
                    let record = PageRecord {
                        invite: fragment,
                        relay,
                        last_seen: fetched.last_seen,
                        acknowledged: page.heads().iter().map(|h| h.to_string()).collect(),
                        snapshot_at: 0,
                        device: None,
                        owner: None,
                    };
                    if let Err(error) = record.save_at(&PageRecord::page_key(tandem)).await {
                        return arriving.set(Arriving::Failed(i18n.error(error.code())));
                    }
                    keep_own_link(tandem, holder).await;
                    // The link's own room and each it was forwarded through
                    // open this page from now on.
                    let mut known = known_rooms();
                    for room in rooms {
                        known.insert(room, tandem.to_string());
                    }
                    let _ = LocalStorage::set(PAGE_ROOMS, &known);
                    show(arriving, tandem);
                }
                None => arriving.set(Arriving::Failed(i18n.t("page-link-empty"))),
            }
        });
    });
}

/// Keeps the secret of the personal link a participant opened: it finds
/// where the page went when the coordinator revokes someone else's link.
async fn keep_own_link(tandem: TandemId, holder: Option<String>) {
    let Some(holder) = holder else {
        return;
    };
    let mut links = PageLinks::load(tandem).await;
    if links.own.as_deref() != Some(holder.as_str()) {
        links.own = Some(holder);
        let _ = links.save(tandem).await;
    }
}

/// The page from what its room held, in order.
#[component]
fn ParticipantView(tandem: TandemId) -> impl IntoView {
    let i18n = use_i18n();
    let page = PageSession::open(tandem);
    let me = RwSignal::new(
        LocalStorage::get::<String>(me_key(tandem))
            .ok()
            .and_then(|id| id.parse::<PersonId>().ok()),
    );
    let choose = move |event: web_sys::Event| {
        let chosen = event_target_value(&event).parse::<PersonId>().ok();
        if let Some(person) = chosen {
            let _ = LocalStorage::set(me_key(tandem), person.to_string());
        }
        me.set(chosen);
    };
    let members = move || page.with(|p| p.side().members.clone()).unwrap_or_default();
    view! {
        {move || match page.opening() {
            Opening::Loading => {
                view! {
                    <p class="muted" role="status">
                        {i18n.t("page-loading")}
                    </p>
                }
                    .into_any()
            }
            Opening::Missing | Opening::Failed(_) => {
                view! {
                    <p class="notice notice--error" role="alert" data-testid="page-error">
                        {i18n.t("page-link-empty")}
                    </p>
                }
                    .into_any()
            }
            Opening::Ready => {
                view! {
                    <header class="page-header">
                        <p class="page-header__intro">
                            {move || page.with(|p| p.side().programme_name.clone())}
                        </p>
                        <h1 data-testid="page-title">{move || i18n.t("page-title")}</h1>
                        <PageSyncIndicator page />
                    </header>
                    <div class="field who-am-i">
                        <label for="page-me">{move || i18n.t("page-who-am-i")}</label>
                        <select id="page-me" data-testid="page-me" on:change=choose>
                            <option value="" selected=move || me.get().is_none()>
                                {move || i18n.t("page-choose")}
                            </option>
                            {move || {
                                members()
                                    .into_iter()
                                    .map(|member| {
                                        let id = member.person;
                                        view! {
                                            <option
                                                value=id.to_string()
                                                selected=move || me.get() == Some(id)
                                            >
                                                {member.name.clone()}
                                            </option>
                                        }
                                    })
                                    .collect_view()
                            }}
                        </select>
                    </div>
                    <section class="panel" aria-labelledby="page-pair-title">
                        <h2 id="page-pair-title">{move || i18n.t("page-pair")}</h2>
                        <ul class="member-cards" data-testid="page-members">
                            {move || {
                                members()
                                    .into_iter()
                                    .map(|member| {
                                        view! {
                                            <li class="member-card" data-testid="page-member">
                                                <p class="member-card__role">
                                                    {i18n.t(&format!("role-{}", member.role.code()))}
                                                </p>
                                                <p class="member-card__name">{member.name.clone()}</p>
                                                {member.organisation.clone().map(|o| view! { <p>{o}</p> })}
                                                {member.position.clone().map(|o| view! { <p>{o}</p> })}
                                                {member.location.clone().map(|o| view! { <p>{o}</p> })}
                                                {member
                                                    .email
                                                    .clone()
                                                    .map(|email| {
                                                        view! {
                                                            <p>
                                                                <a href=format!("mailto:{email}")>{email.clone()}</a>
                                                            </p>
                                                        }
                                                    })}
                                                {member
                                                    .phone
                                                    .clone()
                                                    .map(|phone| {
                                                        view! {
                                                            <p>
                                                                <a href=format!(
                                                                    "tel:{}",
                                                                    phone.replace(' ', ""),
                                                                )>{phone.clone()}</a>
                                                            </p>
                                                        }
                                                    })}
                                            </li>
                                        }
                                    })
                                    .collect_view()
                            }}
                        </ul>
                        {move || {
                            page.with(|p| {
                                let side = p.side();
                                let status = i18n
                                    .t(&format!("tandem-status-{}", side.status.code()));
                                view! {
                                    <p data-testid="page-period">
                                        {format!(
                                            "{} – {} · {}",
                                            i18n.day(side.start),
                                            i18n.day(side.planned_end),
                                            status,
                                        )}
                                    </p>
                                }
                            })
                        }}
                    </section>
                    <PageLog page me=Signal::derive(move || me.get()) />
                    <super::page_survey::PageQuestionnaires
                        page
                        me=Signal::derive(move || me.get())
                    />
                    <PageReminders page />
                    <section class="panel" aria-labelledby="page-events-title">
                        <h2 id="page-events-title">{move || i18n.t("page-events")}</h2>
                        {move || {
                            let today = today();
                            let events: Vec<_> = page
                                .with(|p| {
                                    p.side()
                                        .events
                                        .iter()
                                        .filter(|e| e.day >= today)
                                        .take(5)
                                        .cloned()
                                        .collect()
                                })
                                .unwrap_or_default();
                            if events.is_empty() {
                                return view! { <p class="muted">{i18n.t("page-events-none")}</p> }
                                    .into_any();
                            }
                            view! {
                                <ul class="page-list" data-testid="page-events">
                                    {events
                                        .into_iter()
                                        .map(|event| {
                                            view! {
                                                <li class="page-item">
                                                    <p class="page-item__title">{event.title.clone()}</p>
                                                    <p class="muted">
                                                        {format!(
                                                            "{} · {}{}",
                                                            i18n.day(event.day),
                                                            event.time,
                                                            if event.place.is_empty() {
                                                                String::new()
                                                            } else {
                                                                format!(" · {}", event.place)
                                                            },
                                                        )}
                                                    </p>
                                                </li>
                                            }
                                        })
                                        .collect_view()}
                                </ul>
                            }
                                .into_any()
                        }}
                    </section>
                    <section class="panel" aria-labelledby="page-contact-title">
                        <h2 id="page-contact-title">{move || i18n.t("page-contact-point")}</h2>
                        <p class="muted">{move || i18n.t("page-contact-point-intro")}</p>
                        {move || {
                            page.with(|p| p.side().contact_point.clone())
                                .flatten()
                                .map(|contact| {
                                    view! {
                                        <p data-testid="page-contact">
                                            {contact.name.clone()}
                                            {(!contact.email.is_empty())
                                                .then(|| {
                                                    view! {
                                                        <br />
                                                        <a href=format!(
                                                            "mailto:{}",
                                                            contact.email,
                                                        )>{contact.email.clone()}</a>
                                                    }
                                                })}
                                            {(!contact.phone.is_empty())
                                                .then(|| {
                                                    view! {
                                                        <br />
                                                        {contact.phone.clone()}
                                                    }
                                                })}
                                        </p>
                                    }
                                })
                        }}
                    </section>
                    <p class="muted page-privacy">
                        {move || i18n.t("page-privacy")} " "
                        <a href=Page::Privacy.path() data-testid="page-privacy-link">
                            {move || i18n.t("privacy-link")}
                        </a>
                    </p>
                }
                    .into_any()
            }
        }}
    }
}

/// When the pair's next meeting is due, and a calendar file that reminds
/// them of it and of the programme's next events: their own calendar
/// raises the alarms, no push service is involved.
#[component]
fn PageReminders(page: PageSession) -> impl IntoView {
    let i18n = use_i18n();
    let download = move |_| {
        let texts = tandem_core::CalendarTexts {
            meeting_due: i18n.t("page-calendar-meeting"),
            meeting_due_details: i18n.t("page-calendar-meeting-details"),
            event_tomorrow: i18n.t("page-calendar-tomorrow"),
        };
        if let Some(ics) = page.with(|p| tandem_core::tandem_ics(p, today(), &texts)) {
            let _ = crate::download::offer_download("tandem.ics", "text/calendar", ics.as_bytes());
        }
    };
    view! {
        <section class="panel" aria-labelledby="page-reminders-title">
            <h2 id="page-reminders-title">{move || i18n.t("page-reminders")}</h2>
            <p data-testid="page-next-meeting">
                {move || match page.with(tandem_core::next_meeting_due).flatten() {
                    Some(due) if due < today() => {
                        i18n.t_with(
                            "page-next-meeting-overdue",
                            &[("date", FluentValue::from(i18n.day(due)))],
                        )
                    }
                    Some(due) => {
                        i18n.t_with(
                            "page-next-meeting",
                            &[("date", FluentValue::from(i18n.day(due)))],
                        )
                    }
                    None => i18n.t("page-next-meeting-none"),
                }}
            </p>
            <p class="muted">{move || i18n.t("page-calendar-how")}</p>
            <button
                type="button"
                class="button button--secondary"
                data-testid="page-calendar"
                on:click=download
            >
                {move || i18n.t("page-calendar")}
            </button>
        </section>
    }
}

/// What the pages stored here say about these tandems' contact: a concern
/// for each that has one (a page not stored here says nothing).
pub(crate) async fn contact_concerns(
    tandems: impl IntoIterator<Item = TandemId>,
) -> BTreeMap<TandemId, ContactConcern> {
    let mut concerns = BTreeMap::new();
    let Ok(store) = ProgrammeStore::open().await else {
        return concerns;
    };
    let today = today();
    for id in tandems {
        let Ok(Some(bytes)) = store.load_page(id).await else {
            continue;
        };
        let Ok(page) = TandemPageDocument::load(&bytes) else {
            continue;
        };
        if let Some(concern) = contact_check(&page, today) {
            concerns.insert(id, concern);
        }
    }
    concerns
}

/// Tandems whose page shows no meeting for longer than the programme's
/// rhythm, or meetings logged by one side only.
#[component]
pub(crate) fn QuietTandems() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let found = RwSignal::new(None::<Vec<(TandemId, String, ContactConcern)>>);
    let active: Vec<(TandemId, String)> = session
        .with_untracked(|p| {
            p.tandems
                .iter()
                .filter(|(_, t)| t.is_active())
                .map(|(id, t)| {
                    (
                        *id,
                        format!("{} – {}", p.person_name(t.mentee), p.person_name(t.mentor)),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    spawn_local(async move {
        let mut concerns = contact_concerns(active.iter().map(|(id, _)| *id)).await;
        let concerns = active
            .into_iter()
            .filter_map(|(id, names)| Some((id, names, concerns.remove(&id)?)))
            .collect();
        if !found.is_disposed() {
            found.set(Some(concerns));
        }
    });
    let programme = session.with_untracked(|p| p.id);
    view! {
        <section class="panel" aria-labelledby="quiet-title" data-testid="quiet-tandems">
            <h2 id="quiet-title">{move || i18n.t("quiet-title")}</h2>
            {move || match found.get() {
                None => {
                    view! {
                        <p class="muted" role="status">
                            {i18n.t("page-loading")}
                        </p>
                    }
                        .into_any()
                }
                Some(list) if list.is_empty() => {
                    view! { <p class="muted">{i18n.t("quiet-none")}</p> }.into_any()
                }
                Some(list) => {
                    view! {
                        <ul class="attention-list">
                            {list
                                .into_iter()
                                .map(|(id, names, concern)| {
                                    let reason = match concern {
                                        ContactConcern::NoMeetingYet { days } => {
                                            i18n.t_with(
                                                "quiet-no-meeting",
                                                &[("days", FluentValue::from(days))],
                                            )
                                        }
                                        ContactConcern::Quiet { last, days } => {
                                            i18n.t_with(
                                                "quiet-since",
                                                &[
                                                    ("date", FluentValue::from(i18n.day(last))),
                                                    ("days", FluentValue::from(days)),
                                                ],
                                            )
                                        }
                                        ContactConcern::OneSided { .. } => i18n.t("quiet-one-sided"),
                                    };
                                    let href = programme
                                        .map(|p| Page::Tandem(p, id).path())
                                        .unwrap_or_default();
                                    view! {
                                        <li data-testid="quiet-tandem">
                                            <a href=href>{names}</a>
                                            " – "
                                            {reason}
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                    }
                        .into_any()
                }
            }}
        </section>
    }
}
