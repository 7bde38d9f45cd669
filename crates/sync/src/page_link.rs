//! One personal link per participant of a tandem page, each revocable on
//! its own, with nothing of the member lists in the participant's app.
//!
//! A tandem page lives in a room of its own, opened by the room key. Each
//! participant's link (`/tandem#room=…&key=…&holder=…`) also holds a
//! [`Holder`] secret of its own. To revoke one link, the coordinator's
//! browser moves the page to a new room with a new key and retires the old
//! room with a [`PageForwarding`] notice: one entry per remaining link,
//! each found by an id derived from that link's secret and sealed under a
//! key derived from it (HKDF-SHA256 salted with the old room, then
//! XChaCha20-Poly1305 with the old room and the entry's id as associated
//! data). Every remaining participant's app finds its entry and follows to
//! the new room by itself; the revoked link finds none and reads nothing
//! new. The relay keeps the notice sealed again under the old room key, as
//! for any retired room, so it reads nothing.
//!
//! What a revoked participant keeps: the page as it was, the old room key,
//! its own secret, and the notice, whose entries it cannot open and whose
//! count says how many links still follow the page.
//!
//! # Threat model
//!
//! - **A revoked link** (a mentor who left, a forwarded e-mail). It opens
//!   the old room and finds it retired: no entry of the notice opens with
//!   its secret, so it never learns the new room or key, and the relay
//!   takes nothing more in the old room. Opened for the first time after
//!   the revocation, it shows nothing of the page
//!   (`each_remaining_link_follows_and_a_revoked_one_finds_nothing`,
//!   `an_entry_opens_only_with_its_own_secret_and_for_its_own_room`;
//!   `e2e/page-links.spec.ts`, also after a reload and on a new phone).
//! - **A link that is still valid, leaked.** Whoever has it reads and adds
//!   to that one page, nothing of the programme or of other tandems
//!   (`e2e/tandem-page.spec.ts`). The coordinator revokes it; the others
//!   follow by themselves.
//! - **A tandem that ended, or every link renewed.** The old room is
//!   retired with an empty notice: no old link finds a way on
//!   (`e2e/tandem-page.spec.ts`). The page goes to the new room started
//!   afresh, with none of its history
//!   (`a_page_started_afresh_holds_today_and_nothing_of_its_history` in
//!   `tandem-core`).
//! - **A forgotten co-mentor.** Her page starts afresh in a new room
//!   without her name, her answers or any history that held them; the
//!   notice opens for the pair's links only, so her link reads nothing
//!   new, and the pair's apps take the fresh page in place of theirs
//!   (`a_forgotten_co_mentor_leaves_no_name_nor_answer_on_the_fresh_page`,
//!   `what_a_participant_had_not_sent_is_written_onto_the_fresh_page`;
//!   `e2e/page-links.spec.ts`). What her phone held before stays there.
//! - **A damaged or forged notice.** Said as an error, never a panic, and
//!   never followed (`a_damaged_notice_is_said_and_never_panics`).
//! - **The relay operator.** Sees room ids, sizes and times; the notice is
//!   sealed again under the old room key, so it sees neither the entries
//!   nor how many there are.
//! - **Not covered.** A participant can forward their own link: the
//!   person it reaches follows as they do, until that link is revoked. A
//!   page keeps what it had before a revocation; nothing takes it back.
//!   A page room has no member list; its id is owned by the coordinator's
//!   browser (see [`owner`](crate::owner)), so a link holder cannot
//!   retire it or replace its log. A room made before rooms had owners
//!   can still be retired by any valid link, until the coordinator moves
//!   the page (the page panel offers it): the others are then told their
//!   link no longer applies (they lose the sync, not their page). A notice
//!   such a participant writes opens for no one else, as they know no
//!   other link's secret.
//!
//! ```
//! use tandem_sync::page_link::{Holder, PageForwarding};
//! use tandem_sync::Invite;
//!
//! let old = Invite::new_room().unwrap();
//! let (mentee, mentor) = (Holder::generate().unwrap(), Holder::generate().unwrap());
//! let next = Invite::new_room().unwrap();
//! // The mentor's link is revoked: only the mentee's follows.
//! let notice = PageForwarding::seal(&old.room, &[(&mentee, &next)]).unwrap();
//! assert_eq!(PageForwarding::open(&old.room, &mentee, &notice).unwrap(), Some(next));
//! assert_eq!(PageForwarding::open(&old.room, &mentor, &notice).unwrap(), None);
//! ```

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use chacha20poly1305::aead::{Aead, Payload};
use chacha20poly1305::{KeyInit, XChaCha20Poly1305, XNonce};
use hkdf::Hkdf;
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use crate::key::{random_bytes, RandomError};
use crate::{Invite, RoomId};

/// Bytes of a link's secret.
pub const HOLDER_BYTES: usize = 32;
const ID_BYTES: usize = 16;
const NONCE_BYTES: usize = 24;
const ID_INFO: &[u8] = b"tandem page link id";
const KEY_INFO: &[u8] = b"tandem page link key";

/// The secret one participant's link holds.
#[derive(Clone, PartialEq, Eq)]
pub struct Holder([u8; HOLDER_BYTES]);

impl std::fmt::Debug for Holder {
    /// Never prints the secret.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Holder(…)")
    }
}

impl Holder {
    /// A new link's secret.
    pub fn generate() -> Result<Self, RandomError> {
        random_bytes().map(Self)
    }

    /// As the link writes it (`holder=…`).
    pub fn to_text(&self) -> String {
        URL_SAFE_NO_PAD.encode(self.0)
    }

    /// A link's `holder=…` value; `None` for anything that is not one.
    pub fn from_text(text: &str) -> Option<Self> {
        let bytes = URL_SAFE_NO_PAD.decode(text.trim()).ok()?;
        bytes.try_into().ok().map(Self)
    }

    /// The secret of a link's fragment (`room=…&key=…&holder=…`), if it
    /// names one.
    pub fn from_fragment(fragment: &str) -> Option<Self> {
        fragment
            .trim_start_matches('#')
            .split('&')
            .find_map(|part| part.strip_prefix("holder="))
            .and_then(Self::from_text)
    }

    fn derive<const N: usize>(&self, room: &RoomId, info: &[u8]) -> [u8; N] {
        let derivation = Hkdf::<Sha256>::new(Some(room.as_bytes()), &self.0);
        let mut out = [0u8; N];
        // HKDF-SHA256 gives up to 8,160 bytes; 16 and 32 always fit.
        let _ = derivation.expand(info, &mut out);
        out
    }

    fn id(&self, room: &RoomId) -> [u8; ID_BYTES] {
        self.derive(room, ID_INFO)
    }

    fn cipher(&self, room: &RoomId) -> XChaCha20Poly1305 {
        let key: [u8; 32] = self.derive(room, KEY_INFO);
        XChaCha20Poly1305::new(&key.into())
    }
}

/// Why a page's forwarding notice cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PageForwardingError {
    #[error("the notice of the page's old room is damaged")]
    Damaged,
    #[error(transparent)]
    Random(#[from] RandomError),
    #[error("the notice could not be sealed")]
    Sealing,
}

#[derive(Serialize, Deserialize)]
struct Entry {
    #[serde(with = "serde_bytes")]
    id: Vec<u8>,
    #[serde(with = "serde_bytes")]
    nonce: Vec<u8>,
    #[serde(with = "serde_bytes")]
    sealed: Vec<u8>,
}

/// Where a tandem page went, for each link that still follows it.
pub struct PageForwarding;

impl PageForwarding {
    /// The notice for the retired `room`: for each remaining link, the
    /// invite of the page's next room, readable with that link's secret
    /// only.
    pub fn seal(
        room: &RoomId,
        onward: &[(&Holder, &Invite)],
    ) -> Result<Vec<u8>, PageForwardingError> {
        let mut entries = Vec::with_capacity(onward.len());
        for (holder, invite) in onward {
            let id = holder.id(room);
            let nonce: [u8; NONCE_BYTES] = random_bytes()?;
            let sealed = holder
                .cipher(room)
                .encrypt(
                    &XNonce::from(nonce),
                    Payload {
                        msg: invite.to_fragment().as_bytes(),
                        aad: &associated(room, &id),
                    },
                )
                .map_err(|_| PageForwardingError::Sealing)?;
            entries.push(Entry {
                id: id.to_vec(),
                nonce: nonce.to_vec(),
                sealed,
            });
        }
        // In the order of the ids: the order says nothing of who is who.
        entries.sort_by(|a, b| a.id.cmp(&b.id));
        postcard::to_allocvec(&entries).map_err(|_| PageForwardingError::Sealing)
    }

    /// The next room of the page for the link with `holder`, or `None` if
    /// the notice holds no entry for it (that link was revoked).
    pub fn open(
        room: &RoomId,
        holder: &Holder,
        notice: &[u8],
    ) -> Result<Option<Invite>, PageForwardingError> {
        let entries: Vec<Entry> =
            postcard::from_bytes(notice).map_err(|_| PageForwardingError::Damaged)?;
        let id = holder.id(room);
        let Some(entry) = entries.iter().find(|entry| entry.id == id) else {
            return Ok(None);
        };
        let nonce: [u8; NONCE_BYTES] = entry
            .nonce
            .as_slice()
            .try_into()
            .map_err(|_| PageForwardingError::Damaged)?;
        let fragment = holder
            .cipher(room)
            .decrypt(
                &XNonce::from(nonce),
                Payload {
                    msg: &entry.sealed,
                    aad: &associated(room, &id),
                },
            )
            .map_err(|_| PageForwardingError::Damaged)?;
        let fragment = String::from_utf8(fragment).map_err(|_| PageForwardingError::Damaged)?;
        Invite::from_fragment(&fragment)
            .map(Some)
            .map_err(|_| PageForwardingError::Damaged)
    }

    /// Where a link goes on from a retired room, given its `holder=…`
    /// text as kept: `None` for a link without a secret of its own, for
    /// one the notice has no entry for (revoked), and for a damaged
    /// notice. Each is told the link no longer applies.
    pub fn next_for_link(room: &RoomId, holder: Option<&str>, notice: &[u8]) -> Option<Invite> {
        let holder = Holder::from_text(holder?)?;
        Self::open(room, &holder, notice).ok().flatten()
    }
}

fn associated(room: &RoomId, id: &[u8; ID_BYTES]) -> Vec<u8> {
    let mut aad = room.as_bytes().to_vec();
    aad.extend_from_slice(id);
    aad
}

#[cfg(test)]
mod tests {
    use super::*;

    fn window(haystack: &[u8], needle: &[u8]) -> bool {
        haystack.windows(needle.len()).any(|w| w == needle)
    }

    #[test]
    fn each_remaining_link_follows_and_a_revoked_one_finds_nothing() {
        let old = Invite::new_room().unwrap();
        let mentee = Holder::generate().unwrap();
        let mentor = Holder::generate().unwrap();
        let co_mentor = Holder::generate().unwrap();
        let next = Invite::new_room().unwrap();
        let notice =
            PageForwarding::seal(&old.room, &[(&mentee, &next), (&co_mentor, &next)]).unwrap();

        for holder in [&mentee, &co_mentor] {
            assert_eq!(
                PageForwarding::open(&old.room, holder, &notice).unwrap(),
                Some(next.clone())
            );
        }
        assert_eq!(
            PageForwarding::open(&old.room, &mentor, &notice).unwrap(),
            None
        );
        // Nothing of the next room is in the notice in the clear: not its
        // id, not its key.
        assert!(!window(&notice, next.room.to_string().as_bytes()));
        assert!(!window(&notice, next.to_fragment().as_bytes()));
        assert!(!window(&notice, next.room.as_bytes()));
    }

    #[test]
    fn an_entry_opens_only_with_its_own_secret_and_for_its_own_room() {
        let old = Invite::new_room().unwrap();
        let other_room = Invite::new_room().unwrap();
        let mentee = Holder::generate().unwrap();
        let mentor = Holder::generate().unwrap();
        let next = Invite::new_room().unwrap();
        let notice = PageForwarding::seal(&old.room, &[(&mentee, &next)]).unwrap();

        // Copied under another room, the entry is no one's.
        assert_eq!(
            PageForwarding::open(&other_room.room, &mentee, &notice).unwrap(),
            None
        );
        // The mentor, given the mentee's entry id, still cannot open it.
        let mut entries: Vec<Entry> = postcard::from_bytes(&notice).unwrap();
        entries[0].id = mentor.id(&old.room).to_vec();
        let moved = postcard::to_allocvec(&entries).unwrap();
        assert_eq!(
            PageForwarding::open(&old.room, &mentor, &moved),
            Err(PageForwardingError::Damaged)
        );
    }

    #[test]
    fn a_damaged_notice_is_said_and_never_panics() {
        let old = Invite::new_room().unwrap();
        let mentee = Holder::generate().unwrap();
        let next = Invite::new_room().unwrap();
        let notice = PageForwarding::seal(&old.room, &[(&mentee, &next)]).unwrap();
        for cut in 0..notice.len() {
            let _ = PageForwarding::open(&old.room, &mentee, &notice[..cut]);
        }
        let mut flipped = notice.clone();
        let last = flipped.len() - 1;
        flipped[last] ^= 1;
        assert_eq!(
            PageForwarding::open(&old.room, &mentee, &flipped),
            Err(PageForwardingError::Damaged)
        );
        assert_eq!(
            PageForwarding::open(&old.room, &mentee, b"\xff\xff\xff"),
            Err(PageForwardingError::Damaged)
        );
    }

    #[test]
    fn a_link_as_kept_finds_its_way_on_only_with_its_own_remaining_secret() {
        let old = Invite::new_room().unwrap();
        let mentee = Holder::generate().unwrap();
        let mentor = Holder::generate().unwrap();
        let next = Invite::new_room().unwrap();
        let notice = PageForwarding::seal(&old.room, &[(&mentee, &next)]).unwrap();
        let kept = mentee.to_text();
        assert_eq!(
            PageForwarding::next_for_link(&old.room, Some(&kept), &notice),
            Some(next)
        );
        let revoked = mentor.to_text();
        for holder in [None, Some(revoked.as_str()), Some("zu-kurz")] {
            assert_eq!(
                PageForwarding::next_for_link(&old.room, holder, &notice),
                None
            );
        }
        assert_eq!(
            PageForwarding::next_for_link(&old.room, Some(&kept), &notice[1..]),
            None
        );
    }

    #[test]
    fn a_link_carries_its_secret_as_text() {
        let holder = Holder::generate().unwrap();
        let text = holder.to_text();
        assert_eq!(text.len(), 43);
        assert_eq!(Holder::from_text(&text), Some(holder.clone()));
        let fragment = format!("#room=00&key=xx&holder={text}");
        assert_eq!(Holder::from_fragment(&fragment), Some(holder));
        assert_eq!(Holder::from_text("zu-kurz"), None);
        assert_eq!(Holder::from_fragment("room=00&key=xx"), None);
    }
}
