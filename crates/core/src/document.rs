//! The programme document: an Automerge document holding one programme.
//!
//! Layout at the root: `format` (the document format version) and
//! `programme` (the [`Programme`]). Every change carries a message naming
//! the coordinator, the command and the entity it concerns, so the history
//! can say who did what.
//!
//! The document keeps the hydrated programme beside the Automerge document.
//! A command writes only the entity it touches and then hydrates only that
//! entity again, so a programme of 2,000 people changes as quickly as one
//! of 20.

use std::collections::BTreeMap;

use automerge::{
    transaction::{CommitOptions, Transactable, Transaction},
    Automerge, ChangeHash, ObjId, ObjType, ReadDoc, ROOT,
};
use autosurgeon::{hydrate_prop, reconcile_prop, Hydrate};
use serde::{Deserialize, Serialize};

use crate::command::{check_dates, clean_name};
use crate::rules::{
    check_decision, check_new_tandem, check_not_present, check_step, clean_details, identities,
};
use crate::{
    Application, Author, Command, CommandError, CoordinatorId, NewProgramme, Partner, PartnerId,
    Person, PersonId, Programme, ProgrammeId, Rules, Stage, Tandem, TandemEnding, TandemId,
    TandemStatus, Withdrawal,
};

/// The document format this version of Tandem writes and reads.
pub const FORMAT_VERSION: u64 = 1;

pub(crate) const FORMAT: &str = "format";
pub(crate) const PROGRAMME: &str = "programme";
pub(crate) const PARTNERS: &str = "partners";
pub(crate) const PEOPLE: &str = "people";
pub(crate) const TANDEMS: &str = "tandems";
const MATCHING_WEIGHTS: &str = "matching_weights";
const FIXED_PAIRS: &str = "fixed_pairs";
const EXCLUDED_PAIRS: &str = "excluded_pairs";

/// Why stored or received bytes are not a programme this version can open.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LoadError {
    #[error("the data is damaged and cannot be read as a programme")]
    Damaged,
    #[error("the data is not a Tandem programme")]
    NotAProgramme,
    #[error("the programme was written by a newer version of Tandem (format {0})")]
    TooNew(u64),
}

impl LoadError {
    /// A stable name for translations.
    pub fn code(&self) -> &'static str {
        match self {
            LoadError::Damaged => "damaged",
            LoadError::NotAProgramme => "not-a-programme",
            LoadError::TooNew(_) => "too-new",
        }
    }
}

/// Who made one change and what it was, read from the change message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeNote {
    /// The coordinator's id, as text so that old or foreign messages still read.
    pub by: String,
    /// The coordinator's name at the time of the change.
    pub name: String,
    /// The command's code.
    pub command: String,
    /// The id of the entity the change concerns, if one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// Seconds since 1970 when the change was made, as the author's clock said.
    #[serde(skip)]
    pub at: i64,
    /// The change's hash, naming it for undo and for looking back.
    #[serde(skip)]
    pub hash: String,
}

impl ChangeNote {
    /// The author's id, if the note carries a valid one.
    pub fn coordinator(&self) -> Option<CoordinatorId> {
        self.by.parse().ok()
    }
}

/// What a command wrote, so that only that is hydrated again.
enum Touched {
    Programme,
    Partner(PartnerId),
    People(Vec<PersonId>),
    Tandem(TandemId),
    TandemGone(TandemId),
    Tandems(Vec<TandemId>),
    MatchingWeights,
    /// A fixing or exclusion of one pair.
    Pair(crate::Pair),
    /// An event, the completion rules or a certificate grant.
    Calendar(crate::event_commands::CalendarTouched),
    /// A questionnaire, answers or a mentee's outcome.
    Results(crate::result_commands::ResultsTouched),
    /// A consent record or the retention period.
    Privacy(crate::privacy::PrivacyTouched),
}

/// One programme's Automerge document and the commands that change it.
#[derive(Debug, Clone)]
pub struct ProgrammeDocument {
    pub(crate) doc: Automerge,
    /// Heads at the last [`save`](Self::save) or
    /// [`save_incremental`](Self::save_incremental).
    pub(crate) saved_heads: Vec<ChangeHash>,
    pub(crate) programme: Programme,
    /// Values set differently at the same time. Only a merge can make
    /// them, so they are found after each merge, not on every read.
    pub(crate) concurrent: Vec<crate::Conflict>,
}

impl ProgrammeDocument {
    /// Starts a programme: the genesis document every partner will share.
    pub fn create(author: &Author, new: NewProgramme) -> Result<Self, CommandError> {
        Self::create_at(author, 0, new)
    }

    /// Like [`create`](Self::create), with the time of the change in seconds
    /// since 1970.
    pub fn create_at(author: &Author, at: i64, new: NewProgramme) -> Result<Self, CommandError> {
        let name = clean_name(&new.name, CommandError::NameMissing)?;
        check_dates(new.start, new.end)?;
        let mut partners = BTreeMap::new();
        for partner in &new.partners {
            let partner_name = clean_name(partner, CommandError::PartnerNameMissing)?;
            check_partner_is_new(partners.values(), &partner_name)?;
            partners.insert(
                PartnerId::random(),
                Partner {
                    name: partner_name,
                    coordinator: None,
                },
            );
        }
        let programme = Programme {
            id: ProgrammeId::random(),
            name,
            kind: new.kind,
            start: new.start,
            end: new.end,
            partners,
            rules: Rules::for_kind(new.kind),
            complaints_contact: None,
            people: BTreeMap::new(),
            tandems: BTreeMap::new(),
            matching_weights: crate::MatchingWeights::default(),
            fixed_pairs: BTreeMap::new(),
            excluded_pairs: BTreeMap::new(),
            events: BTreeMap::new(),
            completion: crate::CompletionRules::for_kind(new.kind),
            certificate_grants: BTreeMap::new(),
            contact_rhythm_days: None,
            surveys: BTreeMap::new(),
            survey_responses: BTreeMap::new(),
            outcomes: BTreeMap::new(),
            consents: BTreeMap::new(),
            retention_months: None,
        };
        let mut doc = Automerge::new();
        doc.transact_with(
            |_| commit_options(author, at, "create-programme", None),
            |tx| {
                tx.put(ROOT, FORMAT, FORMAT_VERSION)?;
                reconcile_prop(tx, ROOT, PROGRAMME, &programme)?;
                Ok::<_, CommandError>(())
            },
        )
        .map_err(|failure| failure.error)?;
        Ok(Self {
            doc,
            saved_heads: Vec::new(),
            programme,
            concurrent: Vec::new(),
        })
    }

    /// Opens a programme from bytes written by [`save`](Self::save), followed
    /// by any number of [`save_incremental`](Self::save_incremental) chunks.
    pub fn load(bytes: &[u8]) -> Result<Self, LoadError> {
        let doc = Automerge::load(bytes).map_err(|_| LoadError::Damaged)?;
        Self::hydrated(doc)
    }

    /// The programme read whole from a loaded Automerge document, with the
    /// scan for values set twice at once.
    pub(crate) fn hydrated(doc: Automerge) -> Result<Self, LoadError> {
        Self::check_format(&doc)?;
        let programme =
            hydrate_prop(&doc, ROOT, PROGRAMME).map_err(|_| LoadError::NotAProgramme)?;
        let saved_heads = doc.get_heads();
        let mut document = Self {
            doc,
            saved_heads,
            programme,
            concurrent: Vec::new(),
        };
        document.find_concurrent_values();
        Ok(document)
    }

    /// Refuses a document that is not a programme of a format this version
    /// reads.
    pub(crate) fn check_format(doc: &Automerge) -> Result<(), LoadError> {
        let format = match doc.get(ROOT, FORMAT) {
            Ok(Some((value, _))) => value.as_u64().ok_or(LoadError::NotAProgramme)?,
            Ok(None) => return Err(LoadError::NotAProgramme),
            Err(_) => return Err(LoadError::Damaged),
        };
        if format > FORMAT_VERSION {
            return Err(LoadError::TooNew(format));
        }
        Ok(())
    }

    /// The programme as it stands.
    pub fn programme(&self) -> &Programme {
        &self.programme
    }

    /// The programme's id.
    pub fn id(&self) -> ProgrammeId {
        self.programme.id
    }

    /// Applies one coordinator's command in one transaction, or refuses it
    /// and leaves the document untouched.
    pub fn apply(
        &mut self,
        author: &Author,
        at: i64,
        command: Command,
    ) -> Result<(), CommandError> {
        if let Command::UndoChange { hash } = &command {
            self.undo(author, at, hash)?;
            self.find_concurrent_values();
            return Ok(());
        }
        // Any edit may settle a value that was set twice at once; while such
        // values are open, look again after each command.
        let settles_values = !self.concurrent.is_empty();
        let programme_obj = self.programme_obj()?;
        let code = command.code();
        let subject = command.subject();
        let programme = &self.programme;
        let touched = self
            .doc
            .transact_with(
                |_| commit_options(author, at, code, subject),
                |tx| write(tx, &programme_obj, programme, author, command),
            )
            .map_err(|failure| failure.error)?
            .result;
        self.refresh(&programme_obj, touched)?;
        if settles_values {
            self.find_concurrent_values();
        }
        Ok(())
    }

    /// The whole document, compacted.
    pub fn save(&mut self) -> Vec<u8> {
        self.saved_heads = self.doc.get_heads();
        self.doc.save()
    }

    /// The changes since the last save, to append to stored chunks. Empty if
    /// nothing changed.
    pub fn save_incremental(&mut self) -> Vec<u8> {
        let bytes = self.doc.save_after(&self.saved_heads);
        self.saved_heads = self.doc.get_heads();
        bytes
    }

    /// The document's current heads as one short text, naming this exact
    /// state (storage keys use it).
    pub fn heads_key(&self) -> String {
        let mut heads: Vec<String> = self.doc.get_heads().iter().map(|h| h.to_string()).collect();
        heads.sort();
        heads
            .iter()
            .map(|h| &h[..16.min(h.len())])
            .collect::<Vec<_>>()
            .join("-")
    }

    /// Who changed what, oldest first.
    pub fn history(&self) -> Vec<ChangeNote> {
        // The changes' metadata only: reading their operations too would
        // cost as much as the whole document.
        crate::merge::notes_of(&self.doc.get_changes_meta(&[]))
    }

    /// Who changed one entity (a person, a tandem, a partner), oldest first.
    pub fn history_of(&self, subject: &str) -> Vec<ChangeNote> {
        self.history()
            .into_iter()
            .filter(|note| note.subject.as_deref() == Some(subject))
            .collect()
    }

    fn programme_obj(&self) -> Result<ObjId, CommandError> {
        match self.doc.get(ROOT, PROGRAMME)? {
            Some((_, id)) => Ok(id),
            None => Err(CommandError::Document(
                "no programme in the document".into(),
            )),
        }
    }

    /// Hydrates again what a command wrote, and nothing else.
    fn refresh(&mut self, programme_obj: &ObjId, touched: Touched) -> Result<(), CommandError> {
        let doc = &self.doc;
        let programme = &mut self.programme;
        let hydrate_error =
            |error: autosurgeon::HydrateError| CommandError::Document(error.to_string());
        match touched {
            Touched::Programme => {
                programme.name = hydrate_prop(doc, programme_obj, "name").map_err(hydrate_error)?;
                programme.start =
                    hydrate_prop(doc, programme_obj, "start").map_err(hydrate_error)?;
                programme.end = hydrate_prop(doc, programme_obj, "end").map_err(hydrate_error)?;
                programme.rules =
                    hydrate_prop(doc, programme_obj, "rules").map_err(hydrate_error)?;
                programme.complaints_contact =
                    hydrate_prop(doc, programme_obj, "complaints_contact")
                        .map_err(hydrate_error)?;
                programme.contact_rhythm_days =
                    hydrate_prop(doc, programme_obj, "contact_rhythm_days")
                        .map_err(hydrate_error)?;
            }
            Touched::Partner(id) => {
                let partner = hydrate_entity(doc, programme_obj, PARTNERS, &id.to_string())?;
                programme.partners.insert(id, partner);
            }
            Touched::People(ids) => {
                for id in ids {
                    let person = hydrate_entity(doc, programme_obj, PEOPLE, &id.to_string())?;
                    programme.people.insert(id, person);
                }
            }
            Touched::Tandem(id) => {
                let tandem = hydrate_entity(doc, programme_obj, TANDEMS, &id.to_string())?;
                programme.tandems.insert(id, tandem);
            }
            Touched::TandemGone(id) => {
                programme.tandems.remove(&id);
            }
            Touched::Tandems(ids) => {
                for id in ids {
                    let tandem = hydrate_entity(doc, programme_obj, TANDEMS, &id.to_string())?;
                    programme.tandems.insert(id, tandem);
                }
            }
            Touched::MatchingWeights => {
                let weights: autosurgeon::hydrate::MaybeMissing<crate::MatchingWeights> =
                    hydrate_prop(doc, programme_obj, MATCHING_WEIGHTS).map_err(hydrate_error)?;
                programme.matching_weights = match weights {
                    autosurgeon::hydrate::MaybeMissing::Present(weights) => weights,
                    autosurgeon::hydrate::MaybeMissing::Missing => Default::default(),
                };
            }
            Touched::Calendar(touched) => {
                crate::event_commands::refresh(doc, programme_obj, programme, touched)?;
            }
            Touched::Results(touched) => {
                crate::result_commands::refresh(doc, programme_obj, programme, touched)?;
            }
            Touched::Privacy(touched) => {
                crate::privacy::refresh(doc, programme_obj, programme, touched)?;
            }
            Touched::Pair(pair) => {
                let key = pair.mentee.to_string();
                match hydrate_entry(doc, programme_obj, FIXED_PAIRS, &key)? {
                    Some(mentor) => programme.fixed_pairs.insert(pair.mentee, mentor),
                    None => programme.fixed_pairs.remove(&pair.mentee),
                };
                match hydrate_entry(doc, programme_obj, EXCLUDED_PAIRS, &pair.to_string())? {
                    Some(excluded) => programme.excluded_pairs.insert(pair, excluded),
                    None => programme.excluded_pairs.remove(&pair),
                };
            }
        }
        Ok(())
    }
}

/// Validates a command against the programme and writes it.
fn write(
    tx: &mut Transaction<'_>,
    programme_obj: &ObjId,
    programme: &Programme,
    author: &Author,
    command: Command,
) -> Result<Touched, CommandError> {
    if crate::privacy::handles(&command) {
        return crate::privacy::write(tx, programme_obj, programme, command).map(Touched::Privacy);
    }
    match command {
        Command::DefineSurvey { .. }
        | Command::RemoveSurvey { .. }
        | Command::RecordSurveyAnswers { .. }
        | Command::RecordOutcome { .. } => {
            crate::result_commands::write(tx, programme_obj, programme, command)
                .map(Touched::Results)
        }
        Command::CreateEvent { .. }
        | Command::UpdateEvent { .. }
        | Command::CancelEvent { .. }
        | Command::MarkAttendance { .. }
        | Command::SetAttendedMinutes { .. }
        | Command::SetCompletionRules { .. }
        | Command::GrantCertificate { .. }
        | Command::WithdrawCertificateGrant { .. } => {
            crate::event_commands::write(tx, programme_obj, programme, author, command)
                .map(Touched::Calendar)
        }
        Command::Rename { name } => {
            let name = clean_name(&name, CommandError::NameMissing)?;
            reconcile_prop(tx, programme_obj, "name", &name)?;
            Ok(Touched::Programme)
        }
        Command::SetDates { start, end } => {
            check_dates(start, end)?;
            reconcile_prop(tx, programme_obj, "start", start)?;
            reconcile_prop(tx, programme_obj, "end", end)?;
            Ok(Touched::Programme)
        }
        Command::SetRules { rules } => {
            if rules.mentor_capacity == 0 {
                return Err(CommandError::CapacityZero);
            }
            reconcile_prop(tx, programme_obj, "rules", rules)?;
            Ok(Touched::Programme)
        }
        Command::SetContactRhythm { days } => {
            let days = days.filter(|days| *days > 0).map(|days| days.min(366));
            reconcile_prop(tx, programme_obj, "contact_rhythm_days", days)?;
            Ok(Touched::Programme)
        }
        Command::SetComplaintsContact { contact } => {
            let contact = contact.map(clean_contact).transpose()?;
            reconcile_prop(tx, programme_obj, "complaints_contact", &contact)?;
            Ok(Touched::Programme)
        }
        Command::AddPartner { id, name } => {
            let name = clean_name(&name, CommandError::PartnerNameMissing)?;
            check_partner_is_new(programme.partners.values(), &name)?;
            let partners = map_at(tx, programme_obj, PARTNERS)?;
            let partner = Partner {
                name,
                coordinator: None,
            };
            reconcile_prop(tx, &partners, id.to_string().as_str(), &partner)?;
            Ok(Touched::Partner(id))
        }
        Command::RenamePartner { id, name } => {
            let name = clean_name(&name, CommandError::PartnerNameMissing)?;
            let mut partner = partner_of(programme, id)?;
            let others = programme
                .partners
                .iter()
                .filter(|(other, _)| **other != id)
                .map(|(_, partner)| partner);
            check_partner_is_new(others, &name)?;
            partner.name = name;
            write_entity(tx, programme_obj, PARTNERS, &id.to_string(), &partner)?;
            Ok(Touched::Partner(id))
        }
        Command::SetPartnerCoordinator { id, contact } => {
            let mut partner = partner_of(programme, id)?;
            partner.coordinator = contact.map(clean_contact).transpose()?;
            write_entity(tx, programme_obj, PARTNERS, &id.to_string(), &partner)?;
            Ok(Touched::Partner(id))
        }
        Command::AddPerson {
            id,
            details,
            applied_on,
        } => {
            let details = clean_details(programme, &details)?;
            check_not_present(&identities(programme), &details)?;
            if programme.people.contains_key(&id) {
                return Err(CommandError::Document("person id already used".into()));
            }
            let person = Person {
                import_key: Some(Person::identity_key(&details)),
                details,
                application: Application::new(applied_on),
            };
            write_entity(tx, programme_obj, PEOPLE, &id.to_string(), &person)?;
            Ok(Touched::People(vec![id]))
        }
        Command::UpdatePerson { id, details } => {
            let mut person = person_of(programme, id)?;
            person.details = clean_details(programme, &details)?;
            // Only the details are compared and written: the application
            // and the rest of the person stay untouched.
            let people = map_at(tx, programme_obj, PEOPLE)?;
            match tx.get(&people, id.to_string().as_str())? {
                Some((automerge::Value::Object(ObjType::Map), person_obj)) => {
                    reconcile_prop(tx, &person_obj, "details", &person.details)?
                }
                _ => write_entity(tx, programme_obj, PEOPLE, &id.to_string(), &person)?,
            }
            Ok(Touched::People(vec![id]))
        }
        Command::ImportPeople { people } => {
            // One look at who is here, not one per imported row.
            let known = identities(programme);
            let mut seen = std::collections::BTreeSet::new();
            let mut written = Vec::new();
            for imported in people {
                let details = clean_details(programme, &imported.details)?;
                check_not_present(&known, &details)?;
                let key = Person::identity_key(&details);
                if !seen.insert(key.clone()) || programme.people.contains_key(&imported.id) {
                    return Err(CommandError::PersonTwice(details.name));
                }
                let mut application = Application::new(imported.applied_on);
                if imported.stage != Stage::Withdrawn {
                    application.stage = imported.stage;
                }
                if matches!(
                    application.stage,
                    Stage::Accepted | Stage::Waitlisted | Stage::Declined
                ) {
                    application.decided_on = Some(imported.applied_on);
                }
                let person = Person {
                    details,
                    application,
                    import_key: Some(key),
                };
                write_entity(tx, programme_obj, PEOPLE, &imported.id.to_string(), &person)?;
                written.push(imported.id);
            }
            Ok(Touched::People(written))
        }
        Command::RecordInterview {
            person: id,
            interview,
        } => {
            let mut person = person_of(programme, id)?;
            let by = clean_name(&interview.by, CommandError::InterviewerMissing)?;
            let notes = interview.notes.trim().to_string();
            if notes.chars().count() > crate::command::MAX_TEXT_CHARS {
                return Err(CommandError::TextTooLong);
            }
            // Recording the interview of someone already decided on keeps
            // the decision; it only adds the interview.
            if matches!(person.application.stage, Stage::Applied) {
                check_step(programme, id, &person, Stage::Interviewed)?;
                person.application.stage = Stage::Interviewed;
            } else if person.application.stage == Stage::Withdrawn {
                check_step(programme, id, &person, Stage::Interviewed)?;
            }
            person.application.interview = Some(crate::Interview {
                by,
                notes,
                ..interview
            });
            write_entity(tx, programme_obj, PEOPLE, &id.to_string(), &person)?;
            Ok(Touched::People(vec![id]))
        }
        Command::Decide {
            person: id,
            decision,
            on,
        } => {
            let mut person = person_of(programme, id)?;
            let stage = check_decision(programme, id, &person, decision)?;
            person.application.stage = stage;
            person.application.decided_on = Some(on);
            write_entity(tx, programme_obj, PEOPLE, &id.to_string(), &person)?;
            Ok(Touched::People(vec![id]))
        }
        Command::Withdraw {
            person: id,
            reason,
            on,
        } => {
            let mut person = person_of(programme, id)?;
            let reason = reason.trim().to_string();
            if reason.is_empty() {
                return Err(CommandError::ReasonMissing);
            }
            check_step(programme, id, &person, Stage::Withdrawn)?;
            if programme.active_tandems_of(id).next().is_some() {
                return Err(CommandError::InActiveTandem(person.details.name.clone()));
            }
            person.application.withdrawal = Some(Withdrawal {
                on,
                reason,
                from: person.application.stage,
            });
            person.application.stage = Stage::Withdrawn;
            write_entity(tx, programme_obj, PEOPLE, &id.to_string(), &person)?;
            Ok(Touched::People(vec![id]))
        }
        Command::CreateTandem {
            id,
            mentee,
            mentor,
            co_mentor,
            start,
            planned_end,
        } => {
            check_dates(start, planned_end)?;
            check_new_tandem(programme, id, mentee, mentor, co_mentor)?;
            let tandem = Tandem {
                mentee,
                mentor,
                co_mentor,
                start,
                planned_end,
                status: TandemStatus::Active,
                ended_on: None,
                end_reason: None,
            };
            write_entity(tx, programme_obj, TANDEMS, &id.to_string(), &tandem)?;
            Ok(Touched::Tandem(id))
        }
        Command::EndTandem { id, ending, on } => {
            let mut tandem = tandem_of(programme, id)?;
            if !tandem.is_active() {
                return Err(CommandError::TandemNotActive);
            }
            check_dates(tandem.start, on)?;
            match ending {
                TandemEnding::Completed => {
                    tandem.status = TandemStatus::Completed;
                    tandem.end_reason = None;
                }
                TandemEnding::Early { reason } => {
                    let reason = reason.trim().to_string();
                    if reason.is_empty() {
                        return Err(CommandError::ReasonMissing);
                    }
                    tandem.status = TandemStatus::EndedEarly;
                    tandem.end_reason = Some(reason);
                }
            }
            tandem.ended_on = Some(on);
            write_entity(tx, programme_obj, TANDEMS, &id.to_string(), &tandem)?;
            Ok(Touched::Tandem(id))
        }
        Command::DissolveTandem { id } => {
            if !programme.tandems.contains_key(&id) {
                return Err(CommandError::UnknownTandem);
            }
            let tandems = map_at(tx, programme_obj, TANDEMS)?;
            tx.delete(&tandems, id.to_string().as_str())?;
            Ok(Touched::TandemGone(id))
        }
        Command::ChooseValue { path, value } => choose_value(tx, programme_obj, &path, &value),
        // Undoing needs the document's history, not one entity: see undo.rs.
        Command::UndoChange { .. } => Err(CommandError::NothingToUndo),
        // Written by privacy.rs, before this match.
        Command::RecordConsent { .. } | Command::SetRetention { .. } => {
            Err(CommandError::Document("not a programme command".into()))
        }
        Command::SetMatchingWeights { weights } => {
            weights.check()?;
            reconcile_prop(tx, programme_obj, MATCHING_WEIGHTS, weights)?;
            Ok(Touched::MatchingWeights)
        }
        Command::FixPair { mentee, mentor } => {
            crate::matching::check_fix(programme, mentee, mentor)?;
            let pair = crate::Pair { mentee, mentor };
            if programme.excluded_pairs.contains_key(&pair) {
                let excluded = map_at(tx, programme_obj, EXCLUDED_PAIRS)?;
                tx.delete(&excluded, pair.to_string().as_str())?;
            }
            let fixed = map_at(tx, programme_obj, FIXED_PAIRS)?;
            tx.put(&fixed, mentee.to_string().as_str(), mentor.to_string())?;
            Ok(Touched::Pair(pair))
        }
        Command::ExcludePair { mentee, mentor } => {
            crate::matching::check_exclude(programme, mentee, mentor)?;
            let pair = crate::Pair { mentee, mentor };
            if programme.fixed_pairs.get(&mentee) == Some(&mentor) {
                let fixed = map_at(tx, programme_obj, FIXED_PAIRS)?;
                tx.delete(&fixed, mentee.to_string().as_str())?;
            }
            let excluded = map_at(tx, programme_obj, EXCLUDED_PAIRS)?;
            tx.put(&excluded, pair.to_string().as_str(), true)?;
            Ok(Touched::Pair(pair))
        }
        Command::ReleasePair { mentee, mentor } => {
            let pair = crate::Pair { mentee, mentor };
            if programme.fixed_pairs.get(&mentee) == Some(&mentor) {
                let fixed = map_at(tx, programme_obj, FIXED_PAIRS)?;
                tx.delete(&fixed, mentee.to_string().as_str())?;
            }
            if programme.excluded_pairs.contains_key(&pair) {
                let excluded = map_at(tx, programme_obj, EXCLUDED_PAIRS)?;
                tx.delete(&excluded, pair.to_string().as_str())?;
            }
            Ok(Touched::Pair(pair))
        }
        Command::CreateTandems { tandems } => {
            // Each tandem is checked against the programme with the ones
            // before it, so a batch keeps every rule a single tandem keeps.
            let mut working = programme.clone();
            let mut ids = Vec::with_capacity(tandems.len());
            for new in tandems {
                check_dates(new.start, new.planned_end)?;
                check_new_tandem(&working, new.id, new.mentee, new.mentor, new.co_mentor)?;
                let tandem = Tandem {
                    mentee: new.mentee,
                    mentor: new.mentor,
                    co_mentor: new.co_mentor,
                    start: new.start,
                    planned_end: new.planned_end,
                    status: TandemStatus::Active,
                    ended_on: None,
                    end_reason: None,
                };
                write_entity(tx, programme_obj, TANDEMS, &new.id.to_string(), &tandem)?;
                working.tandems.insert(new.id, tandem);
                ids.push(new.id);
            }
            Ok(Touched::Tandems(ids))
        }
        Command::AssignCoMentors { assignments } => {
            // Checked against the programme with the ones before, so a
            // co-mentor's places count every assignment of the batch.
            let mut working = programme.clone();
            let mut ids = Vec::with_capacity(assignments.len());
            for (id, co_mentor) in assignments {
                let mut tandem = tandem_of(&working, id)?;
                crate::matching::check_co_mentor(&working, &tandem, co_mentor)?;
                tandem.co_mentor = Some(co_mentor);
                write_entity(tx, programme_obj, TANDEMS, &id.to_string(), &tandem)?;
                working.tandems.insert(id, tandem);
                ids.push(id);
            }
            Ok(Touched::Tandems(ids))
        }
    }
}

/// Writes the chosen value where two were set at once; the new write
/// supersedes both.
fn choose_value(
    tx: &mut Transaction<'_>,
    programme_obj: &ObjId,
    path: &[String],
    value: &crate::ChosenValue,
) -> Result<Touched, CommandError> {
    let Some((last, parents)) = path.split_last() else {
        return Err(CommandError::UnknownValue);
    };
    let mut obj = programme_obj.clone();
    for key in parents {
        obj = match tx.get(&obj, key.as_str())? {
            Some((automerge::Value::Object(ObjType::Map), child)) => child,
            _ => return Err(CommandError::UnknownValue),
        };
    }
    if tx.get_all(&obj, last.as_str())?.len() < 2 {
        return Err(CommandError::UnknownValue);
    }
    tx.put(&obj, last.as_str(), value.scalar())?;
    let id = path.get(1).map(String::as_str).unwrap_or_default();
    Ok(match path.first().map(String::as_str) {
        Some(PEOPLE) => Touched::People(id.parse().map(|id| vec![id]).unwrap_or_default()),
        Some(TANDEMS) => id
            .parse()
            .map(Touched::Tandem)
            .unwrap_or(Touched::Programme),
        Some(PARTNERS) => id
            .parse()
            .map(Touched::Partner)
            .unwrap_or(Touched::Programme),
        Some(crate::event_commands::EVENTS) => id
            .parse()
            .map(|id| Touched::Calendar(crate::event_commands::CalendarTouched::Event(id)))
            .unwrap_or(Touched::Programme),
        Some(crate::result_commands::OUTCOMES) => id
            .parse()
            .map(|id| Touched::Results(crate::result_commands::ResultsTouched::Outcome(id)))
            .unwrap_or(Touched::Programme),
        Some(crate::result_commands::SURVEYS) => id
            .parse()
            .map(|id| Touched::Results(crate::result_commands::ResultsTouched::Survey(id)))
            .unwrap_or(Touched::Programme),
        Some(crate::result_commands::SURVEY_RESPONSES) => id
            .parse()
            .map(|id| Touched::Results(crate::result_commands::ResultsTouched::Responses(vec![id])))
            .unwrap_or(Touched::Programme),
        _ => Touched::Programme,
    })
}

fn clean_contact(contact: crate::ContactPoint) -> Result<crate::ContactPoint, CommandError> {
    let name = clean_name(&contact.name, CommandError::PersonNameMissing)?;
    let email = contact.email.trim().to_string();
    if !email.is_empty() && !crate::rules::is_email(&email) {
        return Err(CommandError::EmailInvalid(email));
    }
    let phone = contact.phone.trim().to_string();
    if !phone.is_empty() && !crate::rules::is_phone(&phone) {
        return Err(CommandError::PhoneInvalid(phone));
    }
    Ok(crate::ContactPoint { name, email, phone })
}

/// A copy of the person to change, or why there is none.
fn person_of(programme: &Programme, id: PersonId) -> Result<Person, CommandError> {
    programme
        .people
        .get(&id)
        .cloned()
        .ok_or(CommandError::UnknownPerson)
}

/// A copy of the tandem to change, or why there is none.
fn tandem_of(programme: &Programme, id: TandemId) -> Result<Tandem, CommandError> {
    programme
        .tandems
        .get(&id)
        .cloned()
        .ok_or(CommandError::UnknownTandem)
}

/// A copy of the partner to change, or why there is none.
fn partner_of(programme: &Programme, id: PartnerId) -> Result<Partner, CommandError> {
    programme
        .partners
        .get(&id)
        .cloned()
        .ok_or(CommandError::UnknownPartner)
}

/// Writes one entity into the map `collection` of the programme.
pub(crate) fn write_entity<V: autosurgeon::Reconcile>(
    tx: &mut Transaction<'_>,
    programme_obj: &ObjId,
    collection: &str,
    key: &str,
    value: &V,
) -> Result<(), CommandError> {
    let map = map_at(tx, programme_obj, collection)?;
    reconcile_prop(tx, &map, key, value)?;
    Ok(())
}

/// Reads one entry of the map `collection`, or `None` if it is not there.
pub(crate) fn hydrate_entry<V: Hydrate>(
    doc: &Automerge,
    programme_obj: &ObjId,
    collection: &str,
    key: &str,
) -> Result<Option<V>, CommandError> {
    let Some((_, map)) = doc.get(programme_obj, collection)? else {
        return Ok(None);
    };
    let entry: autosurgeon::hydrate::MaybeMissing<V> =
        hydrate_prop(doc, &map, key).map_err(|error| CommandError::Document(error.to_string()))?;
    Ok(match entry {
        autosurgeon::hydrate::MaybeMissing::Present(value) => Some(value),
        autosurgeon::hydrate::MaybeMissing::Missing => None,
    })
}

/// Reads one entity from the map `collection` of the programme.
pub(crate) fn hydrate_entity<V: Hydrate>(
    doc: &Automerge,
    programme_obj: &ObjId,
    collection: &str,
    key: &str,
) -> Result<V, CommandError> {
    let map = match doc.get(programme_obj, collection)? {
        Some((_, id)) => id,
        None => {
            return Err(CommandError::Document(format!(
                "no {collection} in the document"
            )))
        }
    };
    hydrate_prop(doc, &map, key).map_err(|error| CommandError::Document(error.to_string()))
}

/// The map at `key` inside `parent`, made if a concurrent edit has not yet
/// brought it.
pub(crate) fn map_at(
    tx: &mut Transaction<'_>,
    parent: &ObjId,
    key: &str,
) -> Result<ObjId, CommandError> {
    match tx.get(parent, key)? {
        Some((automerge::Value::Object(ObjType::Map), id)) => Ok(id),
        _ => Ok(tx.put_object(parent, key, ObjType::Map)?),
    }
}

fn check_partner_is_new<'a>(
    existing: impl IntoIterator<Item = &'a Partner>,
    name: &str,
) -> Result<(), CommandError> {
    let wanted = name.to_lowercase();
    if existing
        .into_iter()
        .any(|partner| partner.name.to_lowercase() == wanted)
    {
        return Err(CommandError::PartnerTwice(name.to_string()));
    }
    Ok(())
}

pub(crate) fn commit_options(
    author: &Author,
    at: i64,
    command: &str,
    subject: Option<String>,
) -> CommitOptions {
    let note = ChangeNote {
        by: author.id.to_string(),
        name: author.name.clone(),
        command: command.to_string(),
        subject,
        at,
        hash: String::new(),
    };
    let message = serde_json::to_string(&note).unwrap_or_default();
    CommitOptions::default().with_message(message).with_time(at)
}
