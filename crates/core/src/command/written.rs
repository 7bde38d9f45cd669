//! What a command wrote, as it was before: the check of a command without
//! a copy of the whole programme.
//!
//! `apply` hydrates what the writer touched straight into the programme.
//! Before that, the touched entries are kept here (a person, a tandem, an
//! event, … — never the programme whole). The check then reads both states
//! from the one programme by swapping the kept entries in and out: the
//! values a partner would receive are checked entity by entity
//! (`rules::received`), and the invariants only for the keys the written
//! entities reach (`rules::scope`). A refused command swaps the kept
//! entries back, and the programme is as it was.

use std::mem;

use crate::command::calendar::CalendarTouched;
use crate::command::privacy::PrivacyTouched;
use crate::command::results::ResultsTouched;
use crate::command::Touched;
use crate::model::completion::{CertificateGrant, CompletionRules};
use crate::model::consent::ConsentRecord;
use crate::model::day::Day;
use crate::model::event::Event;
use crate::model::ids::{EventId, PartnerId, PersonId, ResponseId, SurveyId, TandemId};
use crate::model::intake::{IntakeForm, Receipt, ReceiptNote};
use crate::model::outcome::MenteeOutcomes;
use crate::model::person::Person;
use crate::model::programme::{ContactPoint, Partner, Programme, Rules};
use crate::model::survey::{Survey, SurveyResponse};
use crate::model::tandem::Tandem;
use crate::model::weights::{MatchingWeights, Pair};
use crate::rules::error::CommandError;
use crate::rules::invariants::{first_new_violation, refusal, Invariant, Violation};
use crate::rules::received::{self, ProgrammeFields, Refused};
use crate::rules::scope::Keys;

/// The programme's own fields a command can write.
#[derive(Clone)]
pub(crate) struct KeptFields {
    name: String,
    start: Day,
    end: Day,
    rules: Rules,
    complaints_contact: Option<ContactPoint>,
    contact_rhythm_days: Option<u32>,
}

/// The other state of the entries a command touched: before the command
/// while the programme holds the state it would produce, and the other
/// way round while the check looks at the state before.
pub(crate) enum Written {
    Programme(Box<KeptFields>),
    Partner(PartnerId, Option<Partner>),
    People(Vec<(PersonId, Option<Person>)>),
    Tandems(Vec<(TandemId, Option<Tandem>)>),
    MatchingWeights(MatchingWeights),
    Pair(Pair, Option<PersonId>, Option<bool>),
    Event(EventId, Option<Event>),
    Completion(Box<CompletionRules>),
    Grant(PersonId, Option<CertificateGrant>),
    Survey(SurveyId, Option<Survey>),
    Responses(Vec<(ResponseId, Option<SurveyResponse>)>),
    Outcome(PersonId, Option<MenteeOutcomes>),
    Consent(PersonId, Option<ConsentRecord>),
    Retention(Option<u32>),
    /// The application form published by link.
    IntakeForm(Box<Option<IntakeForm>>),
    /// One receipt's mark.
    Receipt(Receipt, Option<ReceiptNote>),
    /// Several of the above, written by one command (a person taken in
    /// with their consent and the receipt's mark).
    Several(Vec<Written>),
    /// A command that rewrites records across the programme (taking back
    /// everything about a person): kept whole, checked whole.
    Whole(Box<Programme>),
}

impl Written {
    /// Keeps the entries `touched` names, as the programme holds them now.
    pub(crate) fn keep(programme: &Programme, touched: &Touched) -> Self {
        let p = programme;
        match touched {
            Touched::Programme => Written::Programme(Box::new(KeptFields {
                name: p.name.clone(),
                start: p.start,
                end: p.end,
                rules: p.rules,
                complaints_contact: p.complaints_contact.clone(),
                contact_rhythm_days: p.contact_rhythm_days,
            })),
            Touched::Partner(id) => Written::Partner(*id, p.partners.get(id).cloned()),
            Touched::People(ids) => Written::People(
                ids.iter()
                    .map(|id| (*id, p.people.get(id).cloned()))
                    .collect(),
            ),
            Touched::Tandem(id) | Touched::TandemGone(id) => {
                Written::Tandems(vec![(*id, p.tandems.get(id).cloned())])
            }
            Touched::Tandems(ids) => Written::Tandems(
                ids.iter()
                    .map(|id| (*id, p.tandems.get(id).cloned()))
                    .collect(),
            ),
            Touched::MatchingWeights => Written::MatchingWeights(p.matching_weights),
            Touched::Pair(pair) => Written::Pair(
                *pair,
                p.fixed_pairs.get(&pair.mentee).copied(),
                p.excluded_pairs.get(pair).copied(),
            ),
            Touched::Calendar(CalendarTouched::Event(id))
            | Touched::Calendar(CalendarTouched::Attendance(id, _)) => {
                Written::Event(*id, p.events.get(id).cloned())
            }
            Touched::Calendar(CalendarTouched::Completion) => {
                Written::Completion(Box::new(p.completion.clone()))
            }
            Touched::Calendar(CalendarTouched::Grant(person)) => {
                Written::Grant(*person, p.certificate_grants.get(person).cloned())
            }
            Touched::Results(ResultsTouched::Survey(id)) => {
                Written::Survey(*id, p.surveys.get(id).cloned())
            }
            Touched::Results(ResultsTouched::Responses(ids)) => Written::Responses(
                ids.iter()
                    .map(|id| (*id, p.survey_responses.get(id).cloned()))
                    .collect(),
            ),
            Touched::Results(ResultsTouched::Outcome(person)) => {
                Written::Outcome(*person, p.outcomes.get(person).cloned())
            }
            Touched::Privacy(PrivacyTouched::Consent(person)) => {
                Written::Consent(*person, p.consents.get(person).cloned())
            }
            Touched::Privacy(PrivacyTouched::Retention) => Written::Retention(p.retention_months),
            Touched::Privacy(PrivacyTouched::RecordsOf) => Written::Whole(Box::new(p.clone())),
            Touched::Intake(touched) => {
                let mut several = Vec::new();
                if touched.form {
                    several.push(Written::IntakeForm(Box::new(p.intake.clone())));
                }
                if let Some(receipt) = touched.receipt {
                    let note = p.intake_receipts.get(&receipt).copied();
                    several.push(Written::Receipt(receipt, note));
                }
                if let Some(person) = touched.person {
                    several.push(Written::People(vec![(
                        person,
                        p.people.get(&person).cloned(),
                    )]));
                    several.push(Written::Consent(person, p.consents.get(&person).cloned()));
                }
                Written::Several(several)
            }
        }
    }

    /// Exchanges the kept entries with the programme's.
    pub(crate) fn swap(&mut self, programme: &mut Programme) {
        let p = programme;
        match self {
            Written::Programme(fields) => {
                mem::swap(&mut fields.name, &mut p.name);
                mem::swap(&mut fields.start, &mut p.start);
                mem::swap(&mut fields.end, &mut p.end);
                mem::swap(&mut fields.rules, &mut p.rules);
                mem::swap(&mut fields.complaints_contact, &mut p.complaints_contact);
                mem::swap(&mut fields.contact_rhythm_days, &mut p.contact_rhythm_days);
            }
            Written::Partner(id, partner) => swap_entry(&mut p.partners, *id, partner),
            Written::People(people) => {
                for (id, person) in people {
                    swap_entry(&mut p.people, *id, person);
                }
            }
            Written::Tandems(tandems) => {
                for (id, tandem) in tandems {
                    swap_entry(&mut p.tandems, *id, tandem);
                }
            }
            Written::MatchingWeights(weights) => mem::swap(weights, &mut p.matching_weights),
            Written::Pair(pair, fixed, excluded) => {
                swap_entry(&mut p.fixed_pairs, pair.mentee, fixed);
                swap_entry(&mut p.excluded_pairs, *pair, excluded);
            }
            Written::Event(id, event) => swap_entry(&mut p.events, *id, event),
            Written::Completion(completion) => mem::swap(completion.as_mut(), &mut p.completion),
            Written::Grant(person, grant) => swap_entry(&mut p.certificate_grants, *person, grant),
            Written::Survey(id, survey) => swap_entry(&mut p.surveys, *id, survey),
            Written::Responses(responses) => {
                for (id, response) in responses {
                    swap_entry(&mut p.survey_responses, *id, response);
                }
            }
            Written::Outcome(person, outcome) => swap_entry(&mut p.outcomes, *person, outcome),
            Written::Consent(person, consent) => swap_entry(&mut p.consents, *person, consent),
            Written::Retention(months) => mem::swap(months, &mut p.retention_months),
            Written::IntakeForm(form) => mem::swap(form.as_mut(), &mut p.intake),
            Written::Receipt(receipt, note) => swap_entry(&mut p.intake_receipts, *receipt, note),
            Written::Several(several) => {
                for written in several {
                    written.swap(p);
                }
            }
            Written::Whole(whole) => mem::swap(whole.as_mut(), p),
        }
    }

    /// The keys of the invariants the kept entries reach in `programme`
    /// (called once for each state).
    fn reach(&self, programme: &Programme, keys: &mut Keys) {
        match self {
            Written::Programme(_) => keys.programme = true,
            Written::Partner(..) => keys.partners = true,
            Written::People(people) => {
                let ids: Vec<PersonId> = people.iter().map(|(id, _)| *id).collect();
                keys.add_people(programme, &ids);
            }
            Written::Tandems(tandems) => {
                let ids: Vec<TandemId> = tandems.iter().map(|(id, _)| *id).collect();
                keys.add_tandems(programme, &ids);
            }
            Written::MatchingWeights(_) | Written::Completion(_) => {}
            Written::Pair(pair, ..) => {
                let fixed = programme.fixed_pairs.get(&pair.mentee).copied();
                keys.add_records_of(
                    programme,
                    [pair.mentee, pair.mentor].into_iter().chain(fixed),
                );
            }
            Written::Event(id, _) => keys.add_event(programme, *id),
            Written::Grant(person, _)
            | Written::Outcome(person, _)
            | Written::Consent(person, _) => keys.add_records_of(programme, [*person]),
            Written::Survey(id, _) => keys.add_survey(*id),
            Written::Responses(responses) => {
                for (id, _) in responses {
                    if let Some(response) = programme.survey_responses.get(id) {
                        keys.add_survey(response.survey);
                        keys.add_records_of(programme, response.person);
                    }
                }
            }
            Written::Retention(_) => keys.retention = true,
            Written::IntakeForm(_) | Written::Receipt(..) => {}
            Written::Several(several) => {
                for written in several {
                    written.reach(programme, keys);
                }
            }
            Written::Whole(_) => *keys = Keys::everything(),
        }
    }

    /// Checks the kept entries that differ from the programme's as a
    /// partner's values are checked (`rules::received`): the programme
    /// holds the state the command would produce.
    fn received(&self, after: &Programme) -> Result<(), Refused> {
        fn differs<T: PartialEq>(before: &Option<T>, after: Option<&T>) -> bool {
            before.as_ref() != after
        }
        match self {
            Written::Programme(before) => received::received_programme(
                ProgrammeFields {
                    name: &before.name,
                    start: before.start,
                    end: before.end,
                    complaints_contact: before.complaints_contact.as_ref(),
                },
                ProgrammeFields::of(after),
            ),
            Written::Partner(id, before) => match after.partners.get(id) {
                Some(partner) if differs(before, Some(partner)) => {
                    received::received_partner(*id, partner)
                }
                _ => Ok(()),
            },
            Written::People(people) => {
                people
                    .iter()
                    .try_for_each(|(id, before)| match after.people.get(id) {
                        Some(person) if differs(before, Some(person)) => {
                            received::received_person(*id, person)
                        }
                        _ => Ok(()),
                    })
            }
            Written::Tandems(tandems) => {
                tandems
                    .iter()
                    .try_for_each(|(id, before)| match after.tandems.get(id) {
                        Some(tandem) if differs(before, Some(tandem)) => {
                            received::received_tandem(*id, tandem)
                        }
                        _ => Ok(()),
                    })
            }
            Written::Event(id, before) => match after.events.get(id) {
                Some(event) if differs(before, Some(event)) => received::received_event(*id, event),
                _ => Ok(()),
            },
            Written::Grant(person, before) => match after.certificate_grants.get(person) {
                Some(grant) if differs(before, Some(grant)) => {
                    received::received_grant(*person, grant)
                }
                _ => Ok(()),
            },
            Written::Survey(id, before) => match after.surveys.get(id) {
                Some(survey) if differs(before, Some(survey)) => {
                    received::received_survey(*id, survey)
                }
                _ => Ok(()),
            },
            Written::Responses(responses) => {
                responses
                    .iter()
                    .try_for_each(|(id, before)| match after.survey_responses.get(id) {
                        Some(response) if differs(before, Some(response)) => {
                            received::received_response(*id, response)
                        }
                        _ => Ok(()),
                    })
            }
            Written::Consent(person, before) => match after.consents.get(person) {
                Some(consent) if differs(before, Some(consent)) => {
                    received::received_consent(*person, consent)
                }
                _ => Ok(()),
            },
            Written::IntakeForm(before) => match &after.intake {
                Some(form) if before.as_ref().as_ref() != Some(form) => {
                    received::received_intake_form(form)
                }
                _ => Ok(()),
            },
            Written::Receipt(receipt, before) => match after.intake_receipts.get(receipt) {
                Some(note) if differs(before, Some(note)) => {
                    received::received_receipt_note(*receipt, note)
                }
                _ => Ok(()),
            },
            Written::Several(several) => several
                .iter()
                .try_for_each(|written| written.received(after)),
            Written::Whole(before) => received::check_received(before, after),
            Written::MatchingWeights(_)
            | Written::Pair(..)
            | Written::Completion(_)
            | Written::Outcome(..)
            | Written::Retention(_) => Ok(()),
        }
    }

    /// Checks the state the programme holds (what the command would
    /// produce) against the state before it, which the kept entries hold:
    /// the written values as a partner's are checked, and no invariant may
    /// be broken that held before, or be broken further.
    pub(crate) fn check(&mut self, programme: &mut Programme) -> Result<Scoped, CommandError> {
        self.received(programme)
            .map_err(|refused| CommandError::ValueRefused(refused.to_string()))?;
        let mut keys = Keys::default();
        self.reach(programme, &mut keys);
        self.swap(programme);
        self.reach(programme, &mut keys);
        let before = violations_within(programme, &keys);
        self.swap(programme);
        let after = violations_within(programme, &keys);
        match first_new_violation(&before, &after) {
            None => Ok(Scoped { before, after }),
            Some(violation) => Err(refusal(programme, violation)),
        }
    }
}

/// The violations a command's check looked at: those among the keys the
/// command reached, before and after it. Every other violation of the
/// programme is the same before and after.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scoped {
    pub before: Vec<Violation>,
    pub after: Vec<Violation>,
}

/// Every invariant's violations among the keys, in the order of the list.
fn violations_within(programme: &Programme, keys: &Keys) -> Vec<Violation> {
    Invariant::ALL
        .iter()
        .flat_map(|invariant| invariant.check_within(programme, keys))
        .collect()
}

/// Puts `value` into the map under `key` (or takes the key out for
/// `None`), and leaves the map's former entry in `value`.
fn swap_entry<K: Ord, V>(
    map: &mut std::collections::BTreeMap<K, V>,
    key: K,
    value: &mut Option<V>,
) {
    let former = match value.take() {
        Some(new) => map.insert(key, new),
        None => map.remove(&key),
    };
    *value = former;
}
