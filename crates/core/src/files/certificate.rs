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
}

impl Programme {
    /// The certificate for a person, if they receive one (by the rules or
    /// issued against them).
    pub fn certificate(&self, id: PersonId) -> Option<Certificate> {
        let completion = self.completion_of(id)?;
        if !completion.certificate_due() || !may_be_processed(self, id) {
            return None;
        }
        Some(self.certificate_draft(id, &completion))
    }

    /// Certificates for everyone who receives one, by name: the batch to
    /// print for the closing ceremony.
    pub fn certificates(&self) -> Vec<Certificate> {
        self.completions()
            .iter()
            .filter(|completion| completion.certificate_due())
            .filter(|completion| may_be_processed(self, completion.person))
            .map(|completion| self.certificate_draft(completion.person, completion))
            .collect()
    }

    fn certificate_draft(
        &self,
        id: PersonId,
        completion: &crate::model::completion::Completion,
    ) -> Certificate {
        let person = self.people.get(&id);
        let tandems: Vec<&crate::model::tandem::Tandem> =
            self.tandems_of(id).map(|(_, t)| t).collect();
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
        let events = completion
            .attended
            .iter()
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
            minutes: completion.minutes,
            events,
            tandem_completed: tandems
                .iter()
                .any(|tandem| tandem.status == TandemStatus::Completed),
            issuers: self.partner_names().into_iter().map(String::from).collect(),
            signatories,
            grant: completion.grant.clone(),
        }
    }
}
