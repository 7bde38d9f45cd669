//! The certificate of participation (Teilnahmebescheinigung): everything
//! printed on it, gathered from the programme. The app lays it out on an
//! A4 page; the words around the data come from its translations.

use crate::model::completion::CertificateGrant;
use crate::model::consent::may_be_processed;
use crate::model::day::Day;
use crate::model::event::EventKind;
use crate::model::ids::PersonId;
use crate::model::person::Role;
use crate::model::programme::Programme;
use crate::model::tandem::TandemStatus;
use crate::rules::invariants::{invariants, Severity, Violation};

/// One event listed on a certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateEvent {
    pub kind: EventKind,
    pub title: String,
    pub day: Day,
    /// Course minutes credited to the person for it.
    pub minutes: u32,
}

/// A line to sign under: one per issuing organisation, with its
/// coordinator's name if the programme knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signatory {
    pub name: String,
    pub organisation: String,
}

/// What a certificate of participation says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Certificate {
    pub person: PersonId,
    pub programme: String,
    pub name: String,
    pub role: Role,
    /// The person's organisation, if any.
    pub organisation: String,
    /// When the person took part: their tandem's period, or the programme's.
    pub from: Day,
    pub to: Day,
    /// Course minutes credited.
    pub minutes: u32,
    pub events: Vec<CertificateEvent>,
    /// Whether the person's tandem ran its course.
    pub tandem_completed: bool,
    /// The partner organisations issuing the certificate.
    pub issuers: Vec<String>,
    pub signatories: Vec<Signatory>,
    /// Set when a coordinator issued it against the rules.
    pub grant: Option<CertificateGrant>,
    /// Broken rules whose data was left out of this certificate (a tandem
    /// or an event that cannot be right), so that what it says is never
    /// silently built on them. Empty for nearly every certificate.
    pub left_out: Vec<Violation>,
}

impl Programme {
    /// The certificate for a person, if they receive one (by the rules or
    /// issued against them).
    pub fn certificate(&self, id: PersonId) -> Option<Certificate> {
        let completion = self.completion_of(id)?;
        if !completion.certificate_due() || !may_be_processed(self, id) {
            return None;
        }
        Some(self.certificate_draft(id, &completion, &errors(self)))
    }

    /// Certificates for everyone who receives one, by name: the batch to
    /// print for the closing ceremony.
    pub fn certificates(&self) -> Vec<Certificate> {
        let errors = errors(self);
        self.completions()
            .iter()
            .filter(|completion| completion.certificate_due())
            .filter(|completion| may_be_processed(self, completion.person))
            .map(|completion| self.certificate_draft(completion.person, completion, &errors))
            .collect()
    }

    fn certificate_draft(
        &self,
        id: PersonId,
        completion: &crate::model::completion::Completion,
        errors: &[Violation],
    ) -> Certificate {
        let person = self.people.get(&id);
        let mut left_out: Vec<Violation> = Vec::new();
        let mut leave_out = |violation: &Violation| {
            if !left_out.contains(violation) {
                left_out.push(violation.clone());
            }
        };
        // A tandem or an event in a broken rule of severity "error" (it
        // cannot be right) does not go on a certificate.
        let tandems: Vec<&crate::model::tandem::Tandem> = self
            .tandems_of(id)
            .filter(|(tandem, _)| {
                match errors.iter().find(|error| error.involves_tandem(**tandem)) {
                    Some(error) => {
                        leave_out(error);
                        false
                    }
                    None => true,
                }
            })
            .map(|(_, t)| t)
            .collect();
        let from = tandems
            .iter()
            .map(|tandem| tandem.start)
            .min()
            .unwrap_or(self.start);
        let to = tandems
            .iter()
            .map(|tandem| tandem.ended_on.unwrap_or(tandem.planned_end))
            .max()
            .unwrap_or(self.end);
        let events: Vec<CertificateEvent> = completion
            .attended
            .iter()
            .filter(
                |event| match errors.iter().find(|error| error.involves_event(**event)) {
                    Some(error) => {
                        leave_out(error);
                        false
                    }
                    None => true,
                },
            )
            .filter_map(|event_id| {
                let event = self.events.get(event_id)?;
                Some(CertificateEvent {
                    kind: event.details.kind,
                    title: event.details.title.clone(),
                    day: event.details.start_day,
                    minutes: event.credited_minutes(id),
                })
            })
            .collect();
        let signatories = self
            .partners_sorted()
            .into_iter()
            .map(|(_, partner)| Signatory {
                name: partner
                    .coordinator
                    .as_ref()
                    .map(|contact| contact.name.clone())
                    .unwrap_or_default(),
                organisation: partner.name.clone(),
            })
            .collect();
        Certificate {
            person: id,
            programme: self.name.clone(),
            name: person.map(|p| p.details.name.clone()).unwrap_or_default(),
            role: completion.role,
            organisation: self
                .organisation_name(person.and_then(|p| p.details.organisation))
                .to_string(),
            from,
            to,
            // The minutes of events left out are not credited either.
            minutes: if left_out.is_empty() {
                completion.minutes
            } else {
                events.iter().map(|event| event.minutes).sum()
            },
            events,
            tandem_completed: tandems
                .iter()
                .any(|tandem| tandem.status == TandemStatus::Completed),
            issuers: self.partner_names().into_iter().map(String::from).collect(),
            signatories,
            grant: completion.grant.clone(),
            left_out,
        }
    }
}

/// The programme's broken rules of severity "error": data that cannot be
/// right and stays off certificates.
fn errors(programme: &Programme) -> Vec<Violation> {
    invariants(programme)
        .into_iter()
        .filter(|violation| violation.severity() == Severity::Error)
        .collect()
}
