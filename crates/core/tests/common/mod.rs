//! A cross-mentoring programme between two cities to test against.
#![allow(dead_code)]

use tandem_core::{
    Author, Command, Day, Decision, NewProgramme, PartnerId, PersonDetails, PersonId,
    ProgrammeDocument, ProgrammeKind, Role,
};

pub(crate) fn day(text: &str) -> Day {
    Day::parse(text).expect("test dates are valid")
}

pub(crate) struct Cohort {
    pub document: ProgrammeDocument,
    pub coordinator: Author,
    pub duesseldorf: PartnerId,
    pub koeln: PartnerId,
}

impl Cohort {
    /// Düsseldorf and Köln, 15 months, mentee and mentor from different cities.
    pub(crate) fn new() -> Self {
        let coordinator = Author::new("Petra Probe");
        let document = ProgrammeDocument::create(
            &coordinator,
            NewProgramme {
                name: "Cross-Mentoring Düsseldorf–Köln".into(),
                kind: ProgrammeKind::CrossMentoring,
                start: day("2026-02-01"),
                end: day("2027-04-30"),
                partners: vec!["Landeshauptstadt Düsseldorf".into(), "Stadt Köln".into()],
            },
        )
        .expect("the programme is valid");
        let programme = document.programme();
        let duesseldorf = programme
            .partner_named("Landeshauptstadt Düsseldorf")
            .unwrap();
        let koeln = programme.partner_named("Stadt Köln").unwrap();
        Self {
            document,
            coordinator,
            duesseldorf,
            koeln,
        }
    }

    pub(crate) fn apply(&mut self, command: Command) -> Result<(), tandem_core::CommandError> {
        self.document
            .apply(&self.coordinator, 1_770_000_000, command)
    }

    pub(crate) fn details(name: &str, role: Role, organisation: PartnerId) -> PersonDetails {
        PersonDetails {
            role,
            name: name.into(),
            organisation: Some(organisation),
            ..Default::default()
        }
    }

    /// A new applicant.
    pub(crate) fn applicant(
        &mut self,
        name: &str,
        role: Role,
        organisation: PartnerId,
    ) -> PersonId {
        let id = PersonId::random();
        self.apply(Command::AddPerson {
            id,
            details: Self::details(name, role, organisation),
            applied_on: day("2026-01-10"),
        })
        .expect("the applicant is valid");
        id
    }

    /// An accepted participant.
    pub(crate) fn accepted(&mut self, name: &str, role: Role, organisation: PartnerId) -> PersonId {
        let id = self.applicant(name, role, organisation);
        self.apply(Command::Decide {
            person: id,
            decision: Decision::Accept,
            on: day("2026-01-20"),
        })
        .expect("an applicant can be accepted");
        id
    }
}
