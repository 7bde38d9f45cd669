//! A tandem's own page: the small document a mentee, their mentor (and
//! co-mentor) and the coordinators share, and nobody else.
//!
//! The programme document holds everyone; it never goes to a participant.
//! Each tandem instead gets a [`TandemPageDocument`] with its own room and
//! key. The coordinators' app writes the programme's side into it
//! ([`ProgrammeSide::project`]: the pair's names, only the contact fields
//! each person agreed to share, the tandem's dates, the events for them,
//! the contact point for discrimination complaints); the pair write their
//! goals and their meeting log, which the coordinators read back to see
//! which tandems have gone quiet ([`contact_check`]).

use std::collections::BTreeMap;

use automerge::transaction::{CommitOptions, Transactable};
use automerge::{Automerge, ChangeHash, ReadDoc, ROOT};
use autosurgeon::{hydrate_prop, reconcile_prop, Hydrate, Reconcile};

use crate::document::changes::{known_heads, merge_into};
use crate::document::exchange::ExchangeError;
use crate::document::live::Replica;
use crate::document::LoadError;
use crate::model::coded_enum;
use crate::model::day::Day;
use crate::model::ids::{PersonId, TandemId};
use crate::model::person::Role;
use crate::model::programme::{ContactPoint, Programme};
use crate::model::tandem::TandemStatus;

/// The tandem page format this version writes.
pub const PAGE_FORMAT_VERSION: u64 = 1;
pub(crate) const FORMAT: &str = "tandem_page_format";
pub(crate) const SIDE: &str = "programme_side";
pub(crate) const GOALS: &str = "goals";
pub(crate) const MEETINGS: &str = "meetings";
/// Longest free text on a tandem page.
pub const MAX_PAGE_TEXT: usize = 4_000;
/// The contact rhythm when the programme sets none: monthly.
pub const DEFAULT_RHYTHM_DAYS: u32 = 31;

/// One person of the tandem as the page shows them: the name, and only
/// the contact fields they agreed to share with their tandem.
#[derive(Debug, Clone, PartialEq, Eq, Reconcile, Hydrate)]
pub struct PageMember {
    pub person: PersonId,
    pub role: Role,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub organisation: Option<String>,
    pub position: Option<String>,
    pub location: Option<String>,
}

/// One programme event that concerns the pair.
#[derive(Debug, Clone, PartialEq, Eq, Reconcile, Hydrate)]
pub struct PageEvent {
    pub title: String,
    pub kind: String,
    pub day: Day,
    /// `18:30–21:00`.
    pub time: String,
    pub place: String,
    pub online_link: String,
}

/// What the coordinators write into a tandem page.
#[derive(Debug, Clone, PartialEq, Eq, Reconcile, Hydrate)]
pub struct ProgrammeSide {
    pub tandem: TandemId,
    pub programme_name: String,
    /// Mentee first, then mentor, then the co-mentor if there is one.
    pub members: Vec<PageMember>,
    pub start: Day,
    pub planned_end: Day,
    pub status: TandemStatus,
    pub rhythm_days: u32,
    pub contact_point: Option<ContactPoint>,
    pub events: Vec<PageEvent>,
}

impl ProgrammeSide {
    /// The programme's side of one tandem's page, or `None` if there is no
    /// such tandem. Nothing about anyone outside the tandem is in it.
    pub fn project(programme: &Programme, tandem_id: TandemId) -> Option<Self> {
        let tandem = programme.tandems.get(&tandem_id)?;
        let members: Vec<PageMember> = [Some(tandem.mentee), Some(tandem.mentor), tandem.co_mentor]
            .into_iter()
            .flatten()
            .filter_map(|id| {
                let person = programme.people.get(&id)?;
                let details = &person.details;
                let shared = details.shared_with_tandem;
                let field = |agreed: bool, value: &str| {
                    (agreed && !value.trim().is_empty()).then(|| value.trim().to_string())
                };
                let organisation = details
                    .organisation
                    .and_then(|partner| programme.partners.get(&partner))
                    .map(|partner| partner.name.clone())
                    .unwrap_or_default();
                Some(PageMember {
                    person: id,
                    role: details.role,
                    name: details.name.clone(),
                    email: field(shared.email, &details.email),
                    phone: field(shared.phone, &details.phone),
                    organisation: field(shared.organisation, &organisation),
                    position: field(shared.position, &details.position),
                    location: field(shared.location, &details.location),
                })
            })
            .collect();
        let mut events: Vec<PageEvent> = programme
            .events
            .values()
            .filter(|event| !event.cancelled)
            .filter(|event| {
                members.iter().any(|member| {
                    programme
                        .people
                        .get(&member.person)
                        .is_some_and(|person| event.details.audience.includes(person))
                })
            })
            .map(|event| {
                let details = &event.details;
                PageEvent {
                    title: details.title.clone(),
                    kind: details.kind.code().to_string(),
                    day: details.start_day,
                    time: format!("{}–{}", details.start_time, details.end_time),
                    place: details.place.clone(),
                    online_link: details.online_link.clone(),
                }
            })
            .collect();
        events.sort_by(|a, b| (a.day, &a.time, &a.title).cmp(&(b.day, &b.time, &b.title)));
        Some(Self {
            tandem: tandem_id,
            programme_name: programme.name.clone(),
            members,
            start: tandem.start,
            planned_end: tandem.planned_end,
            status: tandem.status,
            rhythm_days: programme.contact_rhythm_days.unwrap_or(DEFAULT_RHYTHM_DAYS),
            contact_point: programme.complaints_contact.clone(),
            events,
        })
    }

    /// The member with this person id.
    pub fn member(&self, person: PersonId) -> Option<&PageMember> {
        self.members.iter().find(|member| member.person == person)
    }
}

/// Where a development goal stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Reconcile, Hydrate)]
pub enum GoalStatus {
    #[default]
    Open,
    InProgress,
    Reached,
    Dropped,
}

coded_enum! {
    GoalStatus {
        Open => "open",
        InProgress => "in-progress",
        Reached => "reached",
        Dropped => "dropped",
    }
}

/// One of the mentee's development goals.
#[derive(Debug, Clone, PartialEq, Eq, Reconcile, Hydrate)]
pub struct Goal {
    pub text: String,
    pub milestones: Vec<String>,
    pub status: GoalStatus,
    /// Who wrote it last: a member's person id, or none for a coordinator.
    pub by: Option<PersonId>,
}

/// How a tandem met.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Reconcile, Hydrate)]
pub enum MeetingKind {
    #[default]
    InPerson,
    Online,
    Phone,
    /// The mentee accompanies the mentor to a meeting of theirs.
    Shadowing,
}

coded_enum! {
    MeetingKind {
        InPerson => "in-person",
        Online => "online",
        Phone => "phone",
        Shadowing => "shadowing",
    }
}

/// One meeting of the tandem, as one of them logged it.
#[derive(Debug, Clone, PartialEq, Eq, Reconcile, Hydrate)]
pub struct Meeting {
    pub on: Day,
    pub minutes: u32,
    pub kind: MeetingKind,
    pub topics: String,
    pub next_steps: String,
    /// Who logged it: a member's person id, or none for a coordinator.
    pub logged_by: Option<PersonId>,
}

/// What someone does on a tandem page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageCommand {
    /// Logs a meeting, or corrects one (same key).
    LogMeeting {
        key: String,
        meeting: Meeting,
    },
    RemoveMeeting {
        key: String,
    },
    /// Adds a goal, or changes one (same key).
    SetGoal {
        key: String,
        goal: Goal,
    },
}

/// Why a tandem page refused a change.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PageError {
    #[error("the text is longer than {MAX_PAGE_TEXT} characters")]
    TextTooLong,
    #[error("a goal needs a text")]
    GoalMissing,
    #[error("a meeting needs its length")]
    MinutesMissing,
    #[error("the meeting is not on the page")]
    UnknownMeeting,
    #[error("the change could not be written: {0}")]
    Document(String),
}

impl PageError {
    /// A stable code for the message in the user's language.
    pub fn code(&self) -> &'static str {
        match self {
            PageError::TextTooLong => "page-text-too-long",
            PageError::GoalMissing => "page-goal-missing",
            PageError::MinutesMissing => "page-minutes-missing",
            PageError::UnknownMeeting => "page-unknown-meeting",
            PageError::Document(_) => "document",
        }
    }
}

/// A tandem's page as an Automerge document.
#[derive(Debug, Clone)]
pub struct TandemPageDocument {
    pub(crate) doc: Automerge,
    side: ProgrammeSide,
    goals: BTreeMap<String, Goal>,
    meetings: BTreeMap<String, Meeting>,
}

pub(crate) fn options(at: i64, what: &str) -> CommitOptions {
    CommitOptions::default().with_message(what).with_time(at)
}

impl TandemPageDocument {
    /// A new page for a tandem, with the programme's side written in.
    pub fn create(side: ProgrammeSide, at: i64) -> Result<Self, PageError> {
        let mut doc = Automerge::new();
        doc.transact_with(
            |_| options(at, "create-page"),
            |tx| {
                tx.put(ROOT, FORMAT, PAGE_FORMAT_VERSION)?;
                reconcile_prop(tx, ROOT, SIDE, &side)?;
                tx.put_object(ROOT, GOALS, automerge::ObjType::Map)?;
                tx.put_object(ROOT, MEETINGS, automerge::ObjType::Map)?;
                Ok::<_, PageError>(())
            },
        )
        .map_err(|failure| failure.error)?;
        Ok(Self {
            doc,
            side,
            goals: BTreeMap::new(),
            meetings: BTreeMap::new(),
        })
    }

    /// Opens a page from its saved bytes.
    pub fn load(bytes: &[u8]) -> Result<Self, LoadError> {
        let doc = Automerge::load(bytes).map_err(|_| LoadError::Damaged)?;
        Self::from_doc(doc)
    }

    pub(crate) fn from_doc(doc: Automerge) -> Result<Self, LoadError> {
        let format = match doc.get(ROOT, FORMAT) {
            Ok(Some((value, _))) => value.as_u64().ok_or(LoadError::NotAProgramme)?,
            Ok(None) => return Err(LoadError::NotAProgramme),
            Err(_) => return Err(LoadError::Damaged),
        };
        if format > PAGE_FORMAT_VERSION {
            return Err(LoadError::TooNew(format));
        }
        let side = hydrate_prop(&doc, ROOT, SIDE).map_err(|_| LoadError::NotAProgramme)?;
        let goals = hydrate_prop(&doc, ROOT, GOALS).map_err(|_| LoadError::NotAProgramme)?;
        let meetings = hydrate_prop(&doc, ROOT, MEETINGS).map_err(|_| LoadError::NotAProgramme)?;
        Ok(Self {
            doc,
            side,
            goals,
            meetings,
        })
    }

    /// The programme's side: names, shared contacts, dates, events.
    pub fn side(&self) -> &ProgrammeSide {
        &self.side
    }

    pub fn tandem(&self) -> TandemId {
        self.side.tandem
    }

    pub fn goals(&self) -> &BTreeMap<String, Goal> {
        &self.goals
    }

    /// The meeting log, newest first.
    pub fn meetings(&self) -> Vec<(&String, &Meeting)> {
        let mut meetings: Vec<_> = self.meetings.iter().collect();
        meetings.sort_by(|a, b| b.1.on.cmp(&a.1.on).then_with(|| b.0.cmp(a.0)));
        meetings
    }

    /// Writes the programme's side again; only what differs is changed.
    /// Returns whether anything did.
    pub fn write_side(&mut self, side: ProgrammeSide, at: i64) -> Result<bool, PageError> {
        if side == self.side {
            return Ok(false);
        }
        self.doc
            .transact_with(
                |_| options(at, "programme-side"),
                |tx| reconcile_prop(tx, ROOT, SIDE, &side),
            )
            .map_err(|failure| PageError::Document(failure.error.to_string()))?;
        self.side = side;
        Ok(true)
    }

    /// Applies what a participant or coordinator did.
    pub fn apply(&mut self, command: PageCommand, at: i64) -> Result<(), PageError> {
        match command {
            PageCommand::LogMeeting { key, mut meeting } => {
                meeting.topics = checked(&meeting.topics)?;
                meeting.next_steps = checked(&meeting.next_steps)?;
                if meeting.minutes == 0 {
                    return Err(PageError::MinutesMissing);
                }
                self.write_entry(MEETINGS, &key, &meeting, at, "log-meeting")?;
                self.meetings.insert(key, meeting);
            }
            PageCommand::RemoveMeeting { key } => {
                if !self.meetings.contains_key(&key) {
                    return Err(PageError::UnknownMeeting);
                }
                let meetings = self.map(MEETINGS)?;
                self.doc
                    .transact_with(
                        |_| options(at, "remove-meeting"),
                        |tx| tx.delete(&meetings, key.as_str()),
                    )
                    .map_err(|failure| PageError::Document(failure.error.to_string()))?;
                self.meetings.remove(&key);
            }
            PageCommand::SetGoal { key, mut goal } => {
                goal.text = checked(&goal.text)?;
                if goal.text.is_empty() {
                    return Err(PageError::GoalMissing);
                }
                goal.milestones = goal
                    .milestones
                    .iter()
                    .map(|milestone| checked(milestone))
                    .collect::<Result<Vec<_>, _>>()?
                    .into_iter()
                    .filter(|milestone| !milestone.is_empty())
                    .collect();
                self.write_entry(GOALS, &key, &goal, at, "set-goal")?;
                self.goals.insert(key, goal);
            }
        }
        Ok(())
    }

    fn map(&self, name: &str) -> Result<automerge::ObjId, PageError> {
        match self.doc.get(ROOT, name) {
            Ok(Some((_, id))) => Ok(id),
            _ => Err(PageError::Document(format!("no {name} on the page"))),
        }
    }

    fn write_entry<T: Reconcile>(
        &mut self,
        map: &str,
        key: &str,
        value: &T,
        at: i64,
        what: &str,
    ) -> Result<(), PageError> {
        let map = self.map(map)?;
        self.doc
            .transact_with(
                |_| options(at, what),
                |tx| reconcile_prop(tx, &map, key, value),
            )
            .map_err(|failure| PageError::Document(failure.error.to_string()))?;
        Ok(())
    }

    /// The whole page, without DEFLATE over its columns: a page is small,
    /// its changes travel uncompressed anyway, and the participant's app
    /// then carries no compressor (35 KB of code). Pages saved compressed
    /// by earlier versions still load.
    pub fn save(&mut self) -> Vec<u8> {
        self.doc.save_nocompress()
    }

    /// The whole page without compression: every text in it is readable
    /// in these bytes (to check what a page holds).
    pub fn save_uncompressed(&mut self) -> Vec<u8> {
        self.doc.save_nocompress()
    }

    fn merge_checked(&mut self, bytes: &[u8]) -> Result<usize, ExchangeError> {
        let mut candidate = self.doc.clone();
        let before = candidate.get_heads();
        merge_into(&mut candidate, bytes)?;
        let count = candidate.get_changes(&before).len();
        if count == 0 {
            return Ok(0);
        }
        let merged = Self::from_doc(candidate).map_err(|_| ExchangeError::Damaged)?;
        *self = merged;
        Ok(count)
    }
}

fn checked(text: &str) -> Result<String, PageError> {
    let text = text.trim();
    if text.chars().count() > MAX_PAGE_TEXT {
        return Err(PageError::TextTooLong);
    }
    Ok(text.to_string())
}

impl From<automerge::AutomergeError> for PageError {
    fn from(error: automerge::AutomergeError) -> Self {
        PageError::Document(error.to_string())
    }
}

impl From<autosurgeon::ReconcileError> for PageError {
    fn from(error: autosurgeon::ReconcileError) -> Self {
        PageError::Document(error.to_string())
    }
}

impl Replica for TandemPageDocument {
    fn heads(&self) -> Vec<ChangeHash> {
        self.doc.get_heads()
    }

    fn changes_after(&self, heads: &[ChangeHash]) -> Vec<u8> {
        self.doc.save_after(&known_heads(&self.doc, heads))
    }

    fn count_after(&self, heads: &[ChangeHash]) -> usize {
        self.doc.get_changes(&known_heads(&self.doc, heads)).len()
    }

    fn save_whole(&mut self) -> Vec<u8> {
        self.save()
    }

    fn merge_changes(&mut self, bytes: &[u8]) -> Result<usize, ExchangeError> {
        self.merge_checked(bytes)
    }
}

/// Why a tandem needs a coordinator's look.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContactConcern {
    /// No meeting logged since the tandem started, longer than the rhythm.
    NoMeetingYet { days: i64 },
    /// The last meeting is longer ago than the rhythm.
    Quiet { last: Day, days: i64 },
    /// Several meetings, all logged by the same person.
    OneSided { logged_by: PersonId },
}

/// Whether a running tandem keeps the programme's contact rhythm, from
/// its page's meeting log. Ended tandems raise no concern.
pub fn contact_check(page: &TandemPageDocument, today: Day) -> Option<ContactConcern> {
    let side = page.side();
    if side.status != TandemStatus::Active || today < side.start {
        return None;
    }
    let rhythm = i64::from(side.rhythm_days.max(1));
    let meetings = page.meetings();
    let Some((_, last)) = meetings.first() else {
        let days = today.days_since(side.start);
        return (days > rhythm).then_some(ContactConcern::NoMeetingYet { days });
    };
    let days = today.days_since(last.on);
    if days > rhythm {
        return Some(ContactConcern::Quiet {
            last: last.on,
            days,
        });
    }
    let loggers: std::collections::BTreeSet<Option<PersonId>> = meetings
        .iter()
        .map(|(_, meeting)| meeting.logged_by)
        .filter(|by| by.is_some())
        .collect();
    if meetings.len() >= 3 && loggers.len() == 1 {
        if let Some(Some(logged_by)) = loggers.into_iter().next() {
            return Some(ContactConcern::OneSided { logged_by });
        }
    }
    None
}
