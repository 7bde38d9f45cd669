//! People in a programme and their way in (the application).
//!
//! A person has one role in a programme. What the intake form edits is
//! [`PersonDetails`]; where the person stands is their [`Application`]:
//! applied → getting-to-know interview → accepted / waitlisted / declined,
//! withdrawn at any point with a reason. Only accepted people are matched.

use std::collections::BTreeMap;

use autosurgeon::{Hydrate, Reconcile};

use crate::model::day::Day;
use crate::model::ids::PartnerId;

/// A person's one role in a programme.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Default,
    Reconcile,
    Hydrate,
    serde::Serialize,
    serde::Deserialize,
)]
pub enum Role {
    #[default]
    Mentee,
    Mentor,
    CoMentor,
}

coded_enum! {
    Role {
        Mentee => "mentee",
        Mentor => "mentor",
        CoMentor => "co-mentor",
    }
}

/// How a person prefers to meet their tandem partner.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Default,
    Reconcile,
    Hydrate,
    serde::Serialize,
    serde::Deserialize,
)]
pub enum MeetingFormat {
    InPerson,
    Online,
    #[default]
    Either,
}

coded_enum! {
    MeetingFormat {
        InPerson => "in-person",
        Online => "online",
        Either => "either",
    }
}

/// Which contact details a person agreed to share with their tandem
/// partner. Nothing is shared unless the person said so.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Default,
    Reconcile,
    Hydrate,
    serde::Serialize,
    serde::Deserialize,
)]
pub struct SharedFields {
    pub email: bool,
    pub phone: bool,
    pub organisation: bool,
    pub position: bool,
    pub location: bool,
}

/// What a coordinator records about a person, at intake or later.
#[derive(
    Debug, Clone, PartialEq, Eq, Default, Reconcile, Hydrate, serde::Serialize, serde::Deserialize,
)]
pub struct PersonDetails {
    pub role: Role,
    pub name: String,
    /// Pronoun or salutation in the person's own words ("Frau", "they/them").
    pub salutation: String,
    pub organisation: Option<PartnerId>,
    pub department: String,
    pub position: String,
    pub email: String,
    pub phone: String,
    pub topics: Vec<String>,
    /// The development goal in the person's own words.
    pub goal: String,
    pub motivation: String,
    pub availability: String,
    pub meeting_format: MeetingFormat,
    pub languages: Vec<String>,
    pub location: String,
    pub shared_with_tandem: SharedFields,
    /// Free notes for coordinators only; never shown to participants.
    pub notes: String,
}

impl PersonDetails {
    /// What a form's edit means now: the fields the coordinator changed
    /// (`edited` against the `before` the form was filled with) on top of
    /// the person as they are `now`. A field someone else changed meanwhile
    /// (another tab, a partner's live edit) keeps their value unless this
    /// form changed it too.
    pub fn rebase(before: &PersonDetails, edited: PersonDetails, now: &PersonDetails) -> Self {
        fn pick<T: PartialEq + Clone>(before: &T, edited: T, now: &T) -> T {
            if edited == *before {
                now.clone()
            } else {
                edited
            }
        }
        let shared = |f: fn(&SharedFields) -> bool| {
            pick(
                &f(&before.shared_with_tandem),
                f(&edited.shared_with_tandem),
                &f(&now.shared_with_tandem),
            )
        };
        let shared_with_tandem = SharedFields {
            email: shared(|s| s.email),
            phone: shared(|s| s.phone),
            organisation: shared(|s| s.organisation),
            position: shared(|s| s.position),
            location: shared(|s| s.location),
        };
        Self {
            role: pick(&before.role, edited.role, &now.role),
            name: pick(&before.name, edited.name, &now.name),
            salutation: pick(&before.salutation, edited.salutation, &now.salutation),
            organisation: pick(&before.organisation, edited.organisation, &now.organisation),
            department: pick(&before.department, edited.department, &now.department),
            position: pick(&before.position, edited.position, &now.position),
            email: pick(&before.email, edited.email, &now.email),
            phone: pick(&before.phone, edited.phone, &now.phone),
            topics: pick(&before.topics, edited.topics, &now.topics),
            goal: pick(&before.goal, edited.goal, &now.goal),
            motivation: pick(&before.motivation, edited.motivation, &now.motivation),
            availability: pick(&before.availability, edited.availability, &now.availability),
            meeting_format: pick(
                &before.meeting_format,
                edited.meeting_format,
                &now.meeting_format,
            ),
            languages: pick(&before.languages, edited.languages, &now.languages),
            location: pick(&before.location, edited.location, &now.location),
            shared_with_tandem,
            notes: pick(&before.notes, edited.notes, &now.notes),
        }
    }
}

/// Where a person stands on their way into the programme.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Reconcile,
    Hydrate,
    serde::Serialize,
    serde::Deserialize,
)]
pub enum Stage {
    Applied,
    Interviewed,
    Accepted,
    Waitlisted,
    Declined,
    Withdrawn,
}

coded_enum! {
    Stage {
        Applied => "applied",
        Interviewed => "interviewed",
        Accepted => "accepted",
        Waitlisted => "waitlisted",
        Declined => "declined",
        Withdrawn => "withdrawn",
    }
}

/// The getting-to-know interview (programmes use about 30 minutes).
#[derive(Debug, Clone, PartialEq, Eq, Reconcile, Hydrate, serde::Serialize, serde::Deserialize)]
pub struct Interview {
    pub on: Day,
    /// Who held it.
    pub by: String,
    pub minutes: u32,
    pub notes: String,
}

/// The coordinators' decision after applying (and usually the interview).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Decision {
    Accept,
    Waitlist,
    Decline,
}

impl Decision {
    pub const ALL: [Decision; 3] = [Decision::Accept, Decision::Waitlist, Decision::Decline];

    /// The stage the decision leads to.
    pub fn stage(self) -> Stage {
        match self {
            Decision::Accept => Stage::Accepted,
            Decision::Waitlist => Stage::Waitlisted,
            Decision::Decline => Stage::Declined,
        }
    }

    /// A stable name for forms and translations.
    pub fn code(self) -> &'static str {
        self.stage().code()
    }
}

/// A withdrawal, with the stage it ended.
#[derive(Debug, Clone, PartialEq, Eq, Reconcile, Hydrate, serde::Serialize, serde::Deserialize)]
pub struct Withdrawal {
    pub on: Day,
    pub reason: String,
    pub from: Stage,
}

/// A person's application.
#[derive(Debug, Clone, PartialEq, Eq, Reconcile, Hydrate, serde::Serialize, serde::Deserialize)]
pub struct Application {
    pub stage: Stage,
    /// When the application came in; none when nobody knows (a
    /// spreadsheet without the date), never a day guessed for it.
    pub applied_on: Option<Day>,
    pub interview: Option<Interview>,
    pub decided_on: Option<Day>,
    pub withdrawal: Option<Withdrawal>,
}

impl Application {
    /// A fresh application.
    pub fn new(applied_on: Day) -> Self {
        Self {
            stage: Stage::Applied,
            applied_on: Some(applied_on),
            interview: None,
            decided_on: None,
            withdrawal: None,
        }
    }
}

/// A person in the programme.
#[derive(Debug, Clone, PartialEq, Eq, Reconcile, Hydrate, serde::Serialize, serde::Deserialize)]
pub struct Person {
    pub details: PersonDetails,
    pub application: Application,
    /// What identifies the person in imported spreadsheets, so that importing
    /// the same file again adds nobody twice.
    pub import_key: Option<String>,
    /// Reminders a coordinator marked as sent to this person, by reminder
    /// key (`model::reminder`): kept with the person, so they go with the
    /// person's erasure.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub reminders: BTreeMap<String, crate::model::reminder::SentReminder>,
    /// The receipt of the application by link the person came in with.
    #[autosurgeon(missing = "Option::default")]
    #[serde(default)]
    pub receipt: Option<crate::model::intake::Receipt>,
}

impl Person {
    /// Whether the person may be put in a tandem.
    pub fn is_accepted(&self) -> bool {
        self.application.stage == Stage::Accepted
    }

    /// The key under which the same person is recognised in a spreadsheet:
    /// the e-mail address if there is one, otherwise the name.
    pub fn identity_key(details: &PersonDetails) -> String {
        let email = details.email.trim().to_lowercase();
        if !email.is_empty() {
            return format!("email:{email}");
        }
        let name = details
            .name
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase();
        format!("name:{name}")
    }

    /// Whether the person's [`identity_key`](Self::identity_key) is `key`,
    /// without writing it out: a command's check compares one or two keys
    /// with every person's.
    pub fn has_identity_key(details: &PersonDetails, key: &str) -> bool {
        // `str::to_lowercase` writes a word's final sigma apart, which a
        // character at a time cannot: such details are compared as the key
        // is made.
        if details.email.contains('Σ') || details.name.contains('Σ') {
            return Self::identity_key(details) == key;
        }
        let email = details.email.trim();
        if !email.is_empty() {
            return key
                .strip_prefix("email:")
                .is_some_and(|rest| email.chars().flat_map(char::to_lowercase).eq(rest.chars()));
        }
        key.strip_prefix("name:").is_some_and(|rest| {
            let spaced = details
                .name
                .split_whitespace()
                .enumerate()
                .flat_map(|(n, word)| (n > 0).then_some(' ').into_iter().chain(word.chars()));
            spaced.flat_map(char::to_lowercase).eq(rest.chars())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn a_persons_identity_is_recognised_exactly_as_its_key_is_written(
            name in "[ aAäÄİıΣσςß\\t]{0,8}",
            email in "[ aAÄİΣ@.]{0,6}",
            other_name in "[ aAäÄİıΣσςß]{0,8}",
            other_email in "[ aAÄİΣ@.]{0,6}",
        ) {
            let details = PersonDetails { name, email, ..PersonDetails::default() };
            let other = PersonDetails {
                name: other_name,
                email: other_email,
                ..PersonDetails::default()
            };
            let key = Person::identity_key(&details);
            prop_assert!(Person::has_identity_key(&details, &key));
            prop_assert_eq!(
                Person::has_identity_key(&other, &key),
                Person::identity_key(&other) == key
            );
        }
    }
}
