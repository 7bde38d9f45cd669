//! Applying by link: answers sealed on the applicant's device so that only
//! the programme's coordinators can read them.
//!
//! # Design
//!
//! A programme that recruits by link has an **intake key** ([`IntakeKey`]):
//! an X25519 key pair made on a coordinator's device. Its secret half is
//! carried to the other coordinators' devices inside the programme (sealed
//! like everything else there); its public half travels in the application
//! link's fragment ([`IntakeLink`]), with the id of the programme's inbox
//! on the relay. Browsers never send a fragment to a server.
//!
//! The applicant's device seals the answers to the intake key with HPKE
//! (RFC 9180: DHKEM X25519-HKDF-SHA256, HKDF-SHA256, ChaCha20-Poly1305, the
//! `hpke` crate, as for epoch keys), with the inbox in the HPKE info, so a
//! sealed application cannot be moved to another programme's inbox and
//! opened there ([`seal_application`], [`IntakeKey::open`]). The relay
//! stores what it is given in the inbox; the link can append, not read.
//! A withdrawal is sealed the same way and names the receipt the applicant
//! was given, so the relay cannot tell an application from a withdrawal.
//!
//! Against bots that post without a browser, each sealed message carries a
//! small **proof of work** ([`do_work`], [`work_is_done`]): a nonce whose
//! hash with the inbox and the message has [`WORK_BITS`] leading zero
//! bits — a fraction of a second on a phone, and a cost per message for
//! anyone posting thousands. It binds the message, so one proof cannot be
//! reused. It is one of several bounds; the relay also limits size, count
//! per address and total.
//!
//! Renewing the link (a new deadline, a coordinator removed) makes a new
//! key and a new inbox; the relay closes the old one, so old links stop
//! accepting.
//!
//! # Threat model
//!
//! - **Someone with the link** (it is public: a flyer, the city's website)
//!   can append to the inbox, within the bounds, and read nothing in it:
//!   the link holds the public key only
//!   (`a_link_holds_no_secret_and_cannot_open_what_it_sealed`).
//! - **The relay operator** sees the inbox id, sizes, times and addresses
//!   of senders (as any web server does), never an answer
//!   (`sealed_answers_show_no_plaintext`), and cannot forge an application
//!   that opens to anything but noise without the public key from the link
//!   — which it does not see; with the link it could append like anyone.
//! - **Another programme's coordinators** cannot open this programme's
//!   applications, nor make one of theirs count here
//!   (`an_application_sealed_for_one_inbox_does_not_open_in_another`).
//! - **A bot** must pay the work per message
//!   (`work_done_for_one_message_does_not_carry_to_another`).
//! - **A copy of the relay's database** holds the reader token's hash
//!   only, which reads nothing ([`ReaderToken`],
//!   `a_reader_token_is_kept_by_the_relay_only_as_its_hash`; the relay's
//!   own refusals are in `crates/relay/tests/inbox.rs`).
//!
//! - **A coordinator's device removed from the programme** keeps the
//!   intake key and reader token it had. The app renews the link as soon
//!   as it removes a device that could read it: a new inbox and key,
//!   carried in the programme under the epoch the removed device never
//!   receives, and the old inbox closed on the relay, so nothing sent
//!   later is sealed to a key it holds (`e2e/device-access.spec.ts`: the
//!   removed device still shows the old link, which the relay refuses).
//!   What the old link brought before the removal the device could read
//!   anyway; the others still read it with the old keys until it is dealt
//!   with (`an_earlier_inbox_keeps_its_keys_until_it_is_drained_and_forgotten`).
//!   Left to the operator: the renewed link must be handed out again.

use std::fmt;

use hpke::{Deserializable, Kem as _, OpModeR, OpModeS, Serializable};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::key::{random_bytes, RandomError};

type Kem = hpke::kem::X25519HkdfSha256;
type IntakeAead = hpke::aead::ChaCha20Poly1305;
type IntakeKdf = hpke::kdf::HkdfSha256;

/// Length of an inbox id.
pub const INBOX_ID_BYTES: usize = 16;
/// Leading zero bits a message's proof of work needs: about 260,000
/// hashes, a fraction of a second even on an older phone.
pub const WORK_BITS: u32 = 18;
/// The largest sealed message an inbox takes (an application with long
/// free texts fits many times over).
pub const MAX_SEALED_BYTES: usize = 64 * 1024;

/// Why an application link could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IntakeLinkError {
    #[error("the application link has no inbox")]
    NoInbox,
    #[error("the application link has no key")]
    NoKey,
    #[error("the application link is damaged")]
    Damaged,
}

/// Why a sealed application could not be made or opened.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IntakeError {
    #[error("this device has no source of randomness: {0}")]
    Random(#[from] RandomError),
    #[error("the application could not be sealed")]
    Seal,
    #[error("the application does not open with this programme's key")]
    NotForThisKey,
    #[error("the application is larger than an inbox takes")]
    TooLarge,
    #[error("the sealed application is damaged")]
    Damaged,
}

/// A programme's inbox on the relay.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct InboxId(pub [u8; INBOX_ID_BYTES]);

impl InboxId {
    /// A new, random inbox id.
    pub fn random() -> Result<Self, RandomError> {
        Ok(Self(random_bytes()?))
    }

    /// The id as 32 hexadecimal digits (in links and the relay's paths).
    pub fn to_hex(&self) -> String {
        hex(&self.0)
    }

    /// The id from its hexadecimal form.
    pub fn from_hex(text: &str) -> Option<Self> {
        from_hex(text).map(Self)
    }
}

impl fmt::Debug for InboxId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "InboxId({}…)", &self.to_hex()[..8])
    }
}

/// The public half of an intake key: what an application link carries.
#[derive(Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct IntakePublic(pub [u8; 32]);

impl fmt::Debug for IntakePublic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("IntakePublic(…)")
    }
}

/// A programme's intake key, secret half included. Made on a
/// coordinator's device; kept, sealed, with the programme.
#[derive(Clone)]
pub struct IntakeKey {
    seed: [u8; 32],
}

impl fmt::Debug for IntakeKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("IntakeKey(…)")
    }
}

impl IntakeKey {
    /// A new key.
    pub fn generate() -> Result<Self, RandomError> {
        Ok(Self {
            seed: random_bytes()?,
        })
    }

    /// The key from its secret bytes (as [`to_secret_bytes`](Self::to_secret_bytes) gave them).
    pub fn from_secret_bytes(seed: [u8; 32]) -> Self {
        Self { seed }
    }

    /// The secret, for the programme to keep sealed.
    pub fn to_secret_bytes(&self) -> [u8; 32] {
        self.seed
    }

    /// The public half, for the link.
    pub fn public(&self) -> IntakePublic {
        let (_, public) = Kem::derive_keypair(&self.seed);
        let mut bytes = [0u8; 32];
        bytes.copy_from_slice(&public.to_bytes());
        IntakePublic(bytes)
    }

    /// Opens a message sealed to this key for `inbox`.
    pub fn open(
        &self,
        inbox: &InboxId,
        sealed: &SealedApplication,
    ) -> Result<Vec<u8>, IntakeError> {
        let (secret, _) = Kem::derive_keypair(&self.seed);
        let encapped = <Kem as hpke::Kem>::EncappedKey::from_bytes(&sealed.encapped)
            .map_err(|_| IntakeError::NotForThisKey)?;
        hpke::single_shot_open::<IntakeAead, IntakeKdf, Kem>(
            &OpModeR::Base,
            &secret,
            &encapped,
            &info(inbox),
            &sealed.ciphertext,
            &inbox.0,
        )
        .map_err(|_| IntakeError::NotForThisKey)
    }
}

fn info(inbox: &InboxId) -> Vec<u8> {
    let mut info = b"tandem intake v1".to_vec();
    info.extend_from_slice(&inbox.0);
    info
}

/// What an application link carries after `#`: the inbox and the public
/// key. `/bewerben#inbox=…&key=…`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IntakeLink {
    pub inbox: InboxId,
    pub public: IntakePublic,
}

impl IntakeLink {
    /// The fragment (without `#`).
    pub fn to_fragment(&self) -> String {
        use base64::Engine as _;
        format!(
            "inbox={}&key={}",
            self.inbox.to_hex(),
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(self.public.0)
        )
    }

    /// The link from a fragment (with or without `#`).
    pub fn parse(fragment: &str) -> Result<Self, IntakeLinkError> {
        use base64::Engine as _;
        let fragment = fragment.strip_prefix('#').unwrap_or(fragment);
        let field = |name: &str| {
            fragment
                .split('&')
                .filter_map(|pair| pair.split_once('='))
                .find(|(key, _)| *key == name)
                .map(|(_, value)| value)
        };
        let inbox = field("inbox").ok_or(IntakeLinkError::NoInbox)?;
        let key = field("key").ok_or(IntakeLinkError::NoKey)?;
        let inbox = InboxId::from_hex(inbox).ok_or(IntakeLinkError::Damaged)?;
        let key = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(key)
            .map_err(|_| IntakeLinkError::Damaged)?;
        let public: [u8; 32] = key.try_into().map_err(|_| IntakeLinkError::Damaged)?;
        <Kem as hpke::Kem>::PublicKey::from_bytes(&public).map_err(|_| IntakeLinkError::Damaged)?;
        Ok(Self {
            inbox,
            public: IntakePublic(public),
        })
    }
}

/// A message sealed to a programme's intake key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SealedApplication {
    #[serde(with = "serde_bytes")]
    pub encapped: [u8; 32],
    #[serde(with = "serde_bytes")]
    pub ciphertext: Vec<u8>,
}

impl SealedApplication {
    /// The bytes the relay stores.
    pub fn to_bytes(&self) -> Vec<u8> {
        postcard::to_allocvec(self).unwrap_or_default()
    }

    /// A sealed message from the bytes the relay stored.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, IntakeError> {
        if bytes.len() > MAX_SEALED_BYTES {
            return Err(IntakeError::TooLarge);
        }
        postcard::from_bytes(bytes).map_err(|_| IntakeError::Damaged)
    }
}

/// Seals `plaintext` (an application or a withdrawal, as the app encodes
/// them) to the link's key, for its inbox.
pub fn seal_application(
    link: &IntakeLink,
    plaintext: &[u8],
) -> Result<SealedApplication, IntakeError> {
    let recipient =
        <Kem as hpke::Kem>::PublicKey::from_bytes(&link.public.0).map_err(|_| IntakeError::Seal)?;
    let (encapped, ciphertext) = hpke::single_shot_seal::<IntakeAead, IntakeKdf, Kem>(
        &OpModeS::Base,
        &recipient,
        &info(&link.inbox),
        plaintext,
        &link.inbox.0,
    )
    .map_err(|_| IntakeError::Seal)?;
    let mut bytes = [0u8; 32];
    bytes.copy_from_slice(&encapped.to_bytes());
    let sealed = SealedApplication {
        encapped: bytes,
        ciphertext,
    };
    if sealed.to_bytes().len() > MAX_SEALED_BYTES {
        return Err(IntakeError::TooLarge);
    }
    Ok(sealed)
}

fn work_hash(inbox: &InboxId, message: &[u8], nonce: u64) -> [u8; 32] {
    let mut hash = Sha256::new();
    hash.update(b"tandem intake work v1");
    hash.update(inbox.0);
    hash.update(Sha256::digest(message));
    hash.update(nonce.to_le_bytes());
    hash.finalize().into()
}

fn leading_zero_bits(hash: &[u8; 32]) -> u32 {
    let mut bits = 0;
    for byte in hash {
        if *byte == 0 {
            bits += 8;
        } else {
            return bits + byte.leading_zeros();
        }
    }
    bits
}

/// Whether `nonce` is a proof of `bits` of work for this message in this
/// inbox.
pub fn work_is_done(inbox: &InboxId, message: &[u8], nonce: u64, bits: u32) -> bool {
    leading_zero_bits(&work_hash(inbox, message, nonce)) >= bits
}

/// What lets coordinators read and empty a programme's inbox on the relay.
/// Kept, sealed, with the programme; the relay keeps only its hash
/// ([`hash_hex`](Self::hash_hex)), so its database opens nothing.
#[derive(Clone, PartialEq, Eq)]
pub struct ReaderToken(pub [u8; 32]);

impl fmt::Debug for ReaderToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ReaderToken(…)")
    }
}

impl ReaderToken {
    /// A new, random token.
    pub fn random() -> Result<Self, RandomError> {
        Ok(Self(random_bytes()?))
    }

    /// The token as 64 hexadecimal digits (the bearer the relay is shown).
    pub fn to_hex(&self) -> String {
        hex(&self.0)
    }

    /// The token from its hexadecimal form.
    pub fn from_hex(text: &str) -> Option<Self> {
        from_hex(text).map(Self)
    }

    /// The SHA-256 of the token's bytes: what the relay keeps to
    /// recognise it.
    pub fn hash(&self) -> [u8; 32] {
        Sha256::digest(self.0).into()
    }

    /// [`hash`](Self::hash) in hexadecimal, as the app gives it to the
    /// relay.
    pub fn hash_hex(&self) -> String {
        hex(&self.hash())
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

fn from_hex<const N: usize>(text: &str) -> Option<[u8; N]> {
    if text.len() != N * 2 || !text.is_ascii() {
        return None;
    }
    let mut bytes = [0u8; N];
    for (index, byte) in bytes.iter_mut().enumerate() {
        *byte = u8::from_str_radix(text.get(index * 2..index * 2 + 2)?, 16).ok()?;
    }
    Some(bytes)
}

/// Finds a nonce that proves `bits` of work for this message in this
/// inbox (on average 2^bits hashes).
pub fn do_work(inbox: &InboxId, message: &[u8], bits: u32) -> u64 {
    // The message's digest once, not per nonce.
    let mut prefix = Sha256::new();
    prefix.update(b"tandem intake work v1");
    prefix.update(inbox.0);
    prefix.update(Sha256::digest(message));
    (0..=u64::MAX)
        .find(|nonce| {
            let mut hash = prefix.clone();
            hash.update(nonce.to_le_bytes());
            leading_zero_bits(&hash.finalize().into()) >= bits
        })
        .unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(key: &IntakeKey) -> IntakeLink {
        IntakeLink {
            inbox: InboxId::random().unwrap(),
            public: key.public(),
        }
    }

    #[test]
    fn a_reader_token_is_kept_by_the_relay_only_as_its_hash() {
        let token = ReaderToken::random().unwrap();
        let hash = token.hash_hex();
        assert_eq!(hash.len(), 64);
        assert!(!hash.contains(&token.to_hex()));
        assert_eq!(ReaderToken::from_hex(&token.to_hex()), Some(token.clone()));
        assert_ne!(ReaderToken::random().unwrap().hash_hex(), hash);
        assert_eq!(ReaderToken::from_hex("zz"), None);
    }

    #[test]
    fn an_application_opens_with_the_programmes_key() {
        let key = IntakeKey::generate().unwrap();
        let link = link(&key);
        let sealed = seal_application(&link, "Jana Exempel, Mentee".as_bytes()).unwrap();
        let stored = SealedApplication::from_bytes(&sealed.to_bytes()).unwrap();
        assert_eq!(
            key.open(&link.inbox, &stored).unwrap(),
            b"Jana Exempel, Mentee"
        );
        let kept = IntakeKey::from_secret_bytes(key.to_secret_bytes());
        assert_eq!(
            kept.open(&link.inbox, &stored).unwrap(),
            b"Jana Exempel, Mentee"
        );
    }

    #[test]
    fn a_link_holds_no_secret_and_cannot_open_what_it_sealed() {
        let key = IntakeKey::generate().unwrap();
        let link = link(&key);
        let fragment = link.to_fragment();
        assert_eq!(IntakeLink::parse(&format!("#{fragment}")).unwrap(), link);
        let secret = key.to_secret_bytes();
        assert!(!fragment
            .as_bytes()
            .windows(8)
            .any(|window| secret.windows(8).any(|s| s == window)));
        let sealed = seal_application(&link, b"Jana").unwrap();
        // Everything the link gives, used as a key, opens nothing.
        let guess = IntakeKey::from_secret_bytes(link.public.0);
        assert_eq!(
            guess.open(&link.inbox, &sealed),
            Err(IntakeError::NotForThisKey)
        );
    }

    #[test]
    fn an_application_sealed_for_one_inbox_does_not_open_in_another() {
        let key = IntakeKey::generate().unwrap();
        let ours = link(&key);
        let sealed = seal_application(&ours, b"Jana").unwrap();
        let elsewhere = InboxId::random().unwrap();
        assert_eq!(
            key.open(&elsewhere, &sealed),
            Err(IntakeError::NotForThisKey)
        );
        let theirs = IntakeKey::generate().unwrap();
        assert_eq!(
            theirs.open(&ours.inbox, &sealed),
            Err(IntakeError::NotForThisKey)
        );
    }

    #[test]
    fn sealed_answers_show_no_plaintext() {
        let key = IntakeKey::generate().unwrap();
        let link = link(&key);
        let answers = "jana.exempel@example.org Motivation: Führung";
        let bytes = seal_application(&link, answers.as_bytes())
            .unwrap()
            .to_bytes();
        for word in ["jana", "example", "Motivation", "Führung"] {
            assert!(!bytes.windows(word.len()).any(|w| w == word.as_bytes()));
        }
    }

    #[test]
    fn damaged_links_and_messages_are_refused_with_a_reason() {
        assert_eq!(IntakeLink::parse("key=abc"), Err(IntakeLinkError::NoInbox));
        assert_eq!(
            IntakeLink::parse("inbox=00112233445566778899aabbccddeeff"),
            Err(IntakeLinkError::NoKey)
        );
        assert_eq!(
            IntakeLink::parse("inbox=0011&key=AAAA"),
            Err(IntakeLinkError::Damaged)
        );
        assert_eq!(
            IntakeLink::parse("inbox=00112233445566778899aabbccddeeff&key=%%%"),
            Err(IntakeLinkError::Damaged)
        );
        assert_eq!(
            SealedApplication::from_bytes(&[1, 2, 3]),
            Err(IntakeError::Damaged)
        );
        assert_eq!(
            SealedApplication::from_bytes(&vec![0; MAX_SEALED_BYTES + 1]),
            Err(IntakeError::TooLarge)
        );
        let key = IntakeKey::generate().unwrap();
        assert_eq!(
            seal_application(&link(&key), &vec![b'x'; MAX_SEALED_BYTES]),
            Err(IntakeError::TooLarge)
        );
    }

    #[test]
    fn work_done_for_one_message_does_not_carry_to_another() {
        let inbox = InboxId::random().unwrap();
        // Few bits, so the test is quick; the relay asks for WORK_BITS.
        let bits = 10;
        let nonce = do_work(&inbox, b"first", bits);
        assert!(work_is_done(&inbox, b"first", nonce, bits));
        let other = InboxId::random().unwrap();
        // A proof holds for its message and inbox; elsewhere it holds only
        // by chance (1 in 2^bits), so try a handful of messages.
        let carried = (0..8)
            .filter(|n| work_is_done(&inbox, format!("other {n}").as_bytes(), nonce, bits))
            .count()
            + usize::from(work_is_done(&other, b"first", nonce, bits));
        assert!(carried <= 1, "a proof carried to {carried} other messages");
    }
}
