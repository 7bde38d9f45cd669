//! Applying by link: the application form a programme publishes, what an
//! applicant sends, and the marks the programme keeps of what came in.
//!
//! A programme recruits with a public link (`/bewerben#inbox=…&key=…`).
//! The applicant's device seals an [`IntakeMessage`] to the programme's
//! intake key (`tandem_sync::intake`); the relay keeps it in the
//! programme's inbox, and only coordinators' devices open it. The form the
//! applicant fills in is the [`PublicIntakeForm`]: the programme's
//! [`IntakeForm`] without its secrets, which the relay shows.
//!
//! The programme document keeps the form with the link's secrets (the
//! document is sealed end to end like everything in it), the link's
//! renewals, and one [`ReceiptNote`] per receipt it dealt with: taken in,
//! declined or withdrawn, and nothing personal. A person taken in keeps
//! their receipt ([`Person::receipt`](crate::model::person::Person)), so
//! the rule "one receipt, one person" is an invariant a merge can check.
//!
//! How values from the network are read and cleaned is in
//! `rules::intake`; this file only names things.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use autosurgeon::{Hydrate, HydrateError, Reconcile, Reconciler};
use serde::{Deserialize, Serialize};

use crate::model::day::Day;
use crate::model::ids::{PartnerId, PersonId};
use crate::model::person::{MeetingFormat, Role};
use crate::model::programme::{ContactPoint, Programme};

/// Length of an inbox id on the relay, in bytes.
pub const INBOX_ID_BYTES: usize = 16;
/// Length of the intake key's secret and of the relay reader token.
pub const INTAKE_SECRET_BYTES: usize = 32;
/// The largest public form a relay hands out (and an applicant's device
/// reads).
pub const MAX_PUBLIC_FORM_BYTES: usize = 16 * 1024;
/// The largest message an applicant's device sends (before sealing).
pub const MAX_INTAKE_MESSAGE_BYTES: usize = 48 * 1024;
/// The version of the public form's and the messages' encoding.
pub const INTAKE_FORMAT: u32 = 1;

/// A person field an application form can ask for.
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
    Serialize,
    Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum AskedField {
    Name,
    Salutation,
    Organisation,
    Department,
    Position,
    Email,
    Phone,
    Topics,
    Goal,
    Motivation,
    Availability,
    Format,
    Languages,
    Location,
}

coded_enum! {
    AskedField {
        Name => "name",
        Salutation => "salutation",
        Organisation => "organisation",
        Department => "department",
        Position => "position",
        Email => "email",
        Phone => "phone",
        Topics => "topics",
        Goal => "goal",
        Motivation => "motivation",
        Availability => "availability",
        Format => "format",
        Languages => "languages",
        Location => "location",
    }
}

impl AskedField {
    /// The fields every form asks: without a name and an address nobody
    /// can be told about their application.
    pub const REQUIRED: [AskedField; 2] = [AskedField::Name, AskedField::Email];
}

/// A text in the two languages of the app.
#[derive(Debug, Clone, PartialEq, Eq, Default, Reconcile, Hydrate, Serialize, Deserialize)]
pub struct LocalText {
    pub de: String,
    pub en: String,
}

impl LocalText {
    fn of(de: &str, en: &str) -> Self {
        Self {
            de: de.into(),
            en: en.into(),
        }
    }

    /// The text in `language`, or in German where it has none.
    pub fn get(&self, language: FormLanguage) -> &str {
        match language {
            FormLanguage::En if !self.en.trim().is_empty() => &self.en,
            _ => &self.de,
        }
    }
}

/// The consent texts an applicant reads and ticks.
#[derive(Debug, Clone, PartialEq, Eq, Reconcile, Hydrate, Serialize, Deserialize)]
pub struct ConsentTexts {
    /// Processing their data for the programme (needed to apply).
    pub processing: LocalText,
    /// Sharing their contact details with their tandem partner.
    pub share_contact: LocalText,
    /// Being named in reports and published lists.
    pub named_in_reports: LocalText,
}

impl Default for ConsentTexts {
    fn default() -> Self {
        Self {
            processing: LocalText::of(
                "Ich willige ein, dass meine Angaben für die Auswahl und die Durchführung des \
                 Mentoring-Programms verarbeitet werden. Ich kann die Einwilligung jederzeit \
                 widerrufen.",
                "I agree that my details are processed to select participants for and run the \
                 mentoring programme. I can withdraw my consent at any time.",
            ),
            share_contact: LocalText::of(
                "Meine Kontaktdaten dürfen an meine Tandempartnerin oder meinen Tandempartner \
                 weitergegeben werden.",
                "My contact details may be shared with my tandem partner.",
            ),
            named_in_reports: LocalText::of(
                "Ich darf in Berichten und veröffentlichten Listen des Programms namentlich \
                 genannt werden.",
                "I may be named in the programme's reports and published lists.",
            ),
        }
    }
}

/// The application link's secrets, kept in the (sealed) programme
/// document so that every coordinator's device can read the inbox. Hex
/// text, as the document stores it; never shown, never in the public form.
#[derive(Clone, PartialEq, Eq, Default, Reconcile, Hydrate, Serialize, Deserialize)]
pub struct IntakeSecrets {
    /// The inbox on the relay, 16 bytes as hex.
    pub inbox: String,
    /// The intake key's secret half, 32 bytes as hex.
    pub key_secret: String,
    /// The token with which coordinators read (and close) the inbox on the
    /// relay, 32 bytes as hex.
    pub reader: String,
}

impl fmt::Debug for IntakeSecrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IntakeSecrets {{ inbox: {}, … }}", self.inbox)
    }
}

impl IntakeSecrets {
    /// The secrets from their bytes.
    pub fn new(
        inbox: [u8; INBOX_ID_BYTES],
        key_secret: [u8; INTAKE_SECRET_BYTES],
        reader: [u8; INTAKE_SECRET_BYTES],
    ) -> Self {
        Self {
            inbox: to_hex(&inbox),
            key_secret: to_hex(&key_secret),
            reader: to_hex(&reader),
        }
    }

    /// The inbox id's bytes, if the text is one.
    pub fn inbox_bytes(&self) -> Option<[u8; INBOX_ID_BYTES]> {
        from_hex(&self.inbox)
    }

    /// The intake key's secret bytes, if the text is one.
    pub fn key_secret_bytes(&self) -> Option<[u8; INTAKE_SECRET_BYTES]> {
        from_hex(&self.key_secret)
    }

    /// The reader token's bytes, if the text is one.
    pub fn reader_bytes(&self) -> Option<[u8; INTAKE_SECRET_BYTES]> {
        from_hex(&self.reader)
    }

    /// Whether all three are well formed.
    pub fn are_well_formed(&self) -> bool {
        self.inbox_bytes().is_some()
            && self.key_secret_bytes().is_some()
            && self.reader_bytes().is_some()
    }
}

/// An inbox's intake key and reader token, hex as in [`IntakeSecrets`].
#[derive(Clone, PartialEq, Eq, Default, Reconcile, Hydrate, Serialize, Deserialize)]
pub struct InboxKeys {
    pub key_secret: String,
    pub reader: String,
}

impl fmt::Debug for InboxKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("InboxKeys { … }")
    }
}

/// Bytes as lower-case hex.
pub fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// `N` bytes from their hex text, if it is exactly that.
pub fn from_hex<const N: usize>(text: &str) -> Option<[u8; N]> {
    if text.len() != N * 2 || !text.is_ascii() {
        return None;
    }
    let mut bytes = [0u8; N];
    for (index, byte) in bytes.iter_mut().enumerate() {
        *byte = u8::from_str_radix(text.get(index * 2..index * 2 + 2)?, 16).ok()?;
    }
    Some(bytes)
}

/// The application form a programme publishes, with its link's secrets.
#[derive(Debug, Clone, PartialEq, Eq, Reconcile, Hydrate, Serialize, Deserialize)]
pub struct IntakeForm {
    pub title: String,
    /// The last day applications are taken.
    pub deadline: Day,
    /// The person fields asked, in the order the form shows them; always
    /// with [`AskedField::REQUIRED`].
    pub fields: Vec<AskedField>,
    /// The roles one may apply for.
    pub roles: Vec<Role>,
    pub consent: ConsentTexts,
    pub privacy_notice: LocalText,
    /// Whom applicants can ask.
    pub contact: ContactPoint,
    /// The link's secrets.
    pub secrets: IntakeSecrets,
    /// How often the link was renewed (0 for the first).
    pub generation: u32,
    /// Inboxes of earlier links (hex id → closed on): the app closes them
    /// on the relay and still drains what came in before.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub closed_inboxes: BTreeMap<String, Day>,
    /// The keys of every inbox whose messages may still be read (hex id →
    /// key and reader token), the current one included, until the app has
    /// drained it. Two devices that renew the link while apart each add
    /// theirs, so the merge keeps both: the one that is not current is
    /// closed and drained like any earlier inbox.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub inbox_keys: BTreeMap<String, InboxKeys>,
    /// When the form was closed; none while it takes applications.
    pub closed_on: Option<Day>,
}

impl IntakeForm {
    /// A form with the default consent texts, asking for name and e-mail
    /// only, for mentees and mentors.
    pub fn new(title: &str, deadline: Day, secrets: IntakeSecrets) -> Self {
        Self {
            title: title.into(),
            deadline,
            fields: AskedField::REQUIRED.to_vec(),
            roles: vec![Role::Mentee, Role::Mentor],
            consent: ConsentTexts::default(),
            privacy_notice: LocalText::default(),
            contact: ContactPoint::default(),
            secrets,
            generation: 0,
            closed_inboxes: BTreeMap::new(),
            inbox_keys: BTreeMap::new(),
            closed_on: None,
        }
    }

    /// The inboxes besides the current one that may still hold messages,
    /// with the secrets to read and open them: to close on the relay, read
    /// until empty and then forget.
    pub fn draining(&self) -> Vec<IntakeSecrets> {
        self.inbox_keys
            .iter()
            .filter(|(inbox, _)| **inbox != self.secrets.inbox)
            .map(|(inbox, keys)| IntakeSecrets {
                inbox: inbox.clone(),
                key_secret: keys.key_secret.clone(),
                reader: keys.reader.clone(),
            })
            .collect()
    }

    /// Keeps the current inbox's keys among those still to be read.
    pub(crate) fn keep_current_keys(&mut self) {
        self.keep_keys_of(&self.secrets.clone());
    }

    /// Keeps an inbox's keys among those still to be read.
    pub(crate) fn keep_keys_of(&mut self, secrets: &IntakeSecrets) {
        self.inbox_keys.insert(
            secrets.inbox.clone(),
            InboxKeys {
                key_secret: secrets.key_secret.clone(),
                reader: secrets.reader.clone(),
            },
        );
    }

    /// Whether the form asks for `field`.
    pub fn asks(&self, field: AskedField) -> bool {
        self.fields.contains(&field)
    }

    /// Whether it takes applications on `today`.
    pub fn is_open(&self, today: Day) -> bool {
        self.closed_on.is_none() && today <= self.deadline
    }

    /// When the relay stops taking applications: the end of the deadline
    /// (midnight UTC after it), in seconds since 1970.
    pub fn closes_at(&self) -> u64 {
        u64::try_from(self.deadline.plus_days(1).days_since(Day::EPOCH) * 86_400).unwrap_or(0)
    }
}

/// A partner organisation an applicant can choose.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublicOrganisation {
    pub id: PartnerId,
    pub name: String,
}

/// What the relay shows applicants: the form without its secrets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublicIntakeForm {
    pub format: u32,
    /// The programme's name.
    pub programme: String,
    pub title: String,
    #[serde(with = "iso_day")]
    pub deadline: Day,
    pub fields: Vec<AskedField>,
    pub roles: Vec<Role>,
    /// The partner organisations, where the form asks for one.
    pub organisations: Vec<PublicOrganisation>,
    pub consent: ConsentTexts,
    pub privacy_notice: LocalText,
    pub contact: ContactPoint,
    pub generation: u32,
}

impl PublicIntakeForm {
    /// The public part of the programme's form, if it has one.
    pub fn of(programme: &Programme) -> Option<Self> {
        let form = programme.intake.as_ref()?;
        let organisations = if form.asks(AskedField::Organisation) {
            programme
                .partners_sorted()
                .into_iter()
                .map(|(id, partner)| PublicOrganisation {
                    id,
                    name: partner.name.clone(),
                })
                .collect()
        } else {
            Vec::new()
        };
        Some(Self {
            format: INTAKE_FORMAT,
            programme: programme.name.clone(),
            title: form.title.clone(),
            deadline: form.deadline,
            fields: form.fields.clone(),
            roles: form.roles.clone(),
            organisations,
            consent: form.consent.clone(),
            privacy_notice: form.privacy_notice.clone(),
            contact: form.contact.clone(),
            generation: form.generation,
        })
    }

    /// Whether the form asks for `field`.
    pub fn asks(&self, field: AskedField) -> bool {
        self.fields.contains(&field)
    }
}

/// The language an applicant filled the form in (and wants to be written
/// to in).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FormLanguage {
    #[default]
    De,
    En,
}

coded_enum! {
    FormLanguage {
        De => "de",
        En => "en",
    }
}

/// The code an applicant is given when they send an application, such as
/// `K7QF-9M2D`: eight characters of Crockford's base 32 (no I, L, O, U),
/// 40 random bits. With it they can withdraw, and coordinators recognise
/// the same application sent twice.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Receipt([u8; RECEIPT_CHARS]);

const RECEIPT_CHARS: usize = 8;
const RECEIPT_ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

impl Receipt {
    /// A receipt from random bytes the caller made (the browser's
    /// randomness; this crate has none of its own for secrets). The low
    /// 40 bits are used.
    pub fn from_random(bytes: [u8; 8]) -> Self {
        let mut value = u64::from_le_bytes(bytes);
        let mut code = [0u8; RECEIPT_CHARS];
        for slot in code.iter_mut().rev() {
            *slot = RECEIPT_ALPHABET[(value & 31) as usize];
            value >>= 5;
        }
        Self(code)
    }

    /// A receipt as someone types it: case, spaces and the dash do not
    /// matter, and O, I and L are read as 0, 1 and 1.
    pub fn parse(text: &str) -> Option<Self> {
        if text.len() > 32 {
            return None;
        }
        let mut code = [0u8; RECEIPT_CHARS];
        let mut count = 0;
        for c in text.chars() {
            if c == '-' || c == ' ' {
                continue;
            }
            let c = match c.to_ascii_uppercase() {
                'O' => '0',
                'I' | 'L' => '1',
                c => c,
            };
            if !c.is_ascii() || !RECEIPT_ALPHABET.contains(&(c as u8)) || count == RECEIPT_CHARS {
                return None;
            }
            code[count] = c as u8;
            count += 1;
        }
        (count == RECEIPT_CHARS).then_some(Self(code))
    }
}

impl fmt::Display for Receipt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = |part: &[u8]| part.iter().map(|b| char::from(*b)).collect::<String>();
        write!(f, "{}-{}", text(&self.0[..4]), text(&self.0[4..]))
    }
}

impl fmt::Debug for Receipt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Receipt({self})")
    }
}

/// A text that is no receipt.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("„{0}“ is not a receipt code")]
pub struct ReceiptError(pub String);

impl FromStr for Receipt {
    type Err = ReceiptError;
    fn from_str(text: &str) -> Result<Self, ReceiptError> {
        Receipt::parse(text).ok_or_else(|| ReceiptError(text.chars().take(32).collect()))
    }
}

impl Serialize for Receipt {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.to_string().serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Receipt {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = std::borrow::Cow::<'de, str>::deserialize(deserializer)?;
        Receipt::parse(&text).ok_or_else(|| serde::de::Error::custom("not a receipt code"))
    }
}

impl Reconcile for Receipt {
    type Key<'a> = autosurgeon::reconcile::NoKey;
    fn reconcile<R: Reconciler>(&self, reconciler: R) -> Result<(), R::Error> {
        self.to_string().reconcile(reconciler)
    }
}

impl Hydrate for Receipt {
    fn hydrate_string(text: &str) -> Result<Self, HydrateError> {
        Receipt::parse(text).ok_or_else(|| HydrateError::unexpected("a receipt", text.to_string()))
    }
}

/// What became of an application that came in by link.
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
    Serialize,
    Deserialize,
)]
pub enum ReceiptOutcome {
    /// The applicant is in the programme (the person carries the receipt).
    TakenIn,
    /// Not taken in; nothing of it is kept but this mark.
    Declined,
    /// The applicant withdrew it.
    Withdrawn,
}

coded_enum! {
    ReceiptOutcome {
        TakenIn => "taken-in",
        Declined => "declined",
        Withdrawn => "withdrawn",
    }
}

/// The programme's mark for one receipt: what became of it, and when.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Reconcile, Hydrate, Serialize, Deserialize)]
pub struct ReceiptNote {
    pub outcome: ReceiptOutcome,
    pub on: Day,
}

/// What an applicant answered, field by field: only the fields the form
/// asks (`rules::intake` refuses others).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApplicationAnswers {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub salutation: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisation: Option<PartnerId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topics: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub goal: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub motivation: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub availability: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<MeetingFormat>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub languages: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
}

impl ApplicationAnswers {
    /// The fields that hold an answer.
    pub fn answered(&self) -> Vec<AskedField> {
        let present = [
            (AskedField::Name, self.name.is_some()),
            (AskedField::Salutation, self.salutation.is_some()),
            (AskedField::Organisation, self.organisation.is_some()),
            (AskedField::Department, self.department.is_some()),
            (AskedField::Position, self.position.is_some()),
            (AskedField::Email, self.email.is_some()),
            (AskedField::Phone, self.phone.is_some()),
            (AskedField::Topics, self.topics.is_some()),
            (AskedField::Goal, self.goal.is_some()),
            (AskedField::Motivation, self.motivation.is_some()),
            (AskedField::Availability, self.availability.is_some()),
            (AskedField::Format, self.format.is_some()),
            (AskedField::Languages, self.languages.is_some()),
            (AskedField::Location, self.location.is_some()),
        ];
        present
            .into_iter()
            .filter_map(|(field, given)| given.then_some(field))
            .collect()
    }
}

/// What an applicant agreed to on the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GivenConsents {
    /// Processing their data (an application without it is refused).
    pub processing: bool,
    /// Sharing the contact details they gave with their tandem partner.
    pub share_contact: bool,
    pub named_in_reports: bool,
}

/// One application as the applicant's device sends it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApplicationForm {
    pub receipt: Receipt,
    pub role: Role,
    pub answers: ApplicationAnswers,
    pub consents: GivenConsents,
    pub language: FormLanguage,
    /// The day the applicant's device had when they sent it: the day of
    /// application.
    #[serde(with = "iso_day")]
    pub sent_on: Day,
}

/// What an applicant's device seals to the programme's intake key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub enum IntakeMessage {
    /// Boxed: an application is large, a withdrawal a receipt.
    Application(Box<ApplicationForm>),
    /// The applicant takes their application back, named by its receipt.
    Withdrawal { receipt: Receipt },
}

impl IntakeMessage {
    /// The receipt the message names.
    pub fn receipt(&self) -> Receipt {
        match self {
            IntakeMessage::Application(application) => application.receipt,
            IntakeMessage::Withdrawal { receipt } => *receipt,
        }
    }
}

/// One opened message from the programme's inboxes: its place in the order
/// they were read (earlier inboxes first, then by the relay's sequence),
/// the day it arrived and what it says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncomingMessage {
    pub seq: u64,
    pub received_on: Day,
    pub message: IntakeMessage,
}

/// What a coordinator is told about one incoming application before
/// taking it in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncomingReview {
    /// The application's place in the inbox.
    pub seq: u64,
    pub receipt: Receipt,
    pub verdict: IncomingVerdict,
}

/// Where an incoming application stands, most decisive first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IncomingVerdict {
    /// Nothing like it in the programme or the inbox.
    New,
    /// The programme has dealt with this receipt (taken in, declined,
    /// withdrawn); `person` is who carries it, if taken in.
    AlreadyDealtWith {
        outcome: ReceiptOutcome,
        person: Option<PersonId>,
    },
    /// The applicant withdrew it later (the withdrawal's place in the
    /// inbox).
    Withdrawn { by: u64 },
    /// Someone in the programme has the same e-mail address (case does
    /// not matter), or the same name and organisation.
    SamePersonAs(PersonId),
    /// An earlier application in the inbox has the same e-mail address,
    /// name and organisation, or the same receipt (sent twice).
    SameAsIncoming(u64),
}

impl IncomingVerdict {
    /// Whether a coordinator still has to take it in or decline it (not
    /// dealt with, not withdrawn).
    pub fn awaits_decision(&self) -> bool {
        !matches!(
            self,
            IncomingVerdict::AlreadyDealtWith { .. } | IncomingVerdict::Withdrawn { .. }
        )
    }
}

/// Days as ISO text on the wire (`2026-03-01`): applicants' devices and
/// the relay read JSON, not days since 1970.
mod iso_day {
    use serde::{Deserialize, Deserializer, Serializer};

    use crate::model::day::Day;

    pub(super) fn serialize<S: Serializer>(day: &Day, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&day.iso())
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Day, D::Error> {
        let text = std::borrow::Cow::<'de, str>::deserialize(deserializer)?;
        if text.len() > 10 {
            return Err(serde::de::Error::custom("not a date"));
        }
        Day::parse(&text).map_err(|_| serde::de::Error::custom("not a date"))
    }
}
