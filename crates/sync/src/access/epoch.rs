//! Epoch keys: one random content key per key epoch, never used directly.
//!
//! HKDF-SHA256 draws a subkey from the epoch key for each use — sealing
//! changes, sealing member profiles, sealing the previous epoch's key — so
//! that no key is both an AEAD key and an HKDF input. An epoch key reaches
//! a device wrapped to its X25519 key with HPKE (RFC 9180, base mode,
//! DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, ChaCha20-Poly1305); the HPKE
//! info names room and epoch, the associated data the device, so a wrap
//! copied to another room, epoch or device does not open.

use std::fmt;

use chacha20poly1305::aead::{Aead, Payload};
use chacha20poly1305::{KeyInit, XChaCha20Poly1305, XNonce};
use hkdf::Hkdf;
use hpke::{Deserializable, OpModeR, OpModeS, Serializable};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use super::identity::{DeviceIdentity, DeviceKeys, Kem};
use super::DeviceId;
use crate::key::{random_bytes, RandomError};
use crate::seal::{NONCE_BYTES, SEAL_OVERHEAD};
use crate::{OpenError, RoomId, SealError};

/// Length of an epoch key.
pub const EPOCH_KEY_BYTES: usize = 32;

type WrapAead = hpke::aead::ChaCha20Poly1305;
type WrapKdf = hpke::kdf::HkdfSha256;

/// The content key of one key epoch.
#[derive(Clone, PartialEq, Eq)]
pub struct EpochKey {
    pub epoch: u64,
    key: [u8; EPOCH_KEY_BYTES],
}

impl fmt::Debug for EpochKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EpochKey({}, …)", self.epoch)
    }
}

/// An epoch key wrapped to one device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Wrap {
    pub device: DeviceId,
    /// HPKE's encapsulated key.
    pub encapped: [u8; 32],
    #[serde(with = "serde_bytes")]
    pub ciphertext: Vec<u8>,
}

/// What a subkey is for; each gives another key.
#[derive(Clone, Copy)]
pub(crate) enum Purpose {
    Content,
    Profile,
    Previous,
}

impl Purpose {
    fn label(self) -> &'static [u8] {
        match self {
            Purpose::Content => b"tandem content v2",
            Purpose::Profile => b"tandem member profile v2",
            Purpose::Previous => b"tandem previous epoch key v2",
        }
    }
}

impl EpochKey {
    /// A fresh key for `epoch`.
    pub fn random(epoch: u64) -> Result<Self, RandomError> {
        Ok(Self {
            epoch,
            key: random_bytes()?,
        })
    }

    /// The raw key, for the app to keep sealed on the device.
    pub fn to_bytes(&self) -> [u8; EPOCH_KEY_BYTES] {
        self.key
    }

    /// A key kept with [`to_bytes`](Self::to_bytes).
    pub fn from_bytes(epoch: u64, key: [u8; EPOCH_KEY_BYTES]) -> Self {
        Self { epoch, key }
    }

    fn subkey(&self, room: &RoomId, purpose: Purpose) -> XChaCha20Poly1305 {
        let derivation = Hkdf::<Sha256>::new(Some(room.as_bytes()), &self.key);
        let mut info = purpose.label().to_vec();
        info.extend_from_slice(&self.epoch.to_be_bytes());
        let mut subkey = [0u8; 32];
        derivation
            .expand(&info, &mut subkey)
            .expect("HKDF-SHA256 yields up to 8,160 bytes; 32 always fit");
        XChaCha20Poly1305::new(&subkey.into())
    }

    /// Seals `plaintext` with the subkey for `purpose`, bound to `aad`.
    pub(crate) fn seal(
        &self,
        room: &RoomId,
        purpose: Purpose,
        aad: &[u8],
        plaintext: &[u8],
    ) -> Result<Vec<u8>, SealError> {
        seal_with(&self.subkey(room, purpose), aad, plaintext)
    }

    /// Opens what [`seal`](Self::seal) sealed.
    pub(crate) fn open(
        &self,
        room: &RoomId,
        purpose: Purpose,
        aad: &[u8],
        sealed: &[u8],
    ) -> Result<Vec<u8>, OpenError> {
        open_with(&self.subkey(room, purpose), aad, sealed)
    }

    /// The previous epoch's key sealed under this one, for devices approved
    /// later to read the history.
    pub fn seal_previous(&self, room: &RoomId, previous: &EpochKey) -> Result<Vec<u8>, SealError> {
        self.seal(
            room,
            Purpose::Previous,
            &previous.epoch.to_be_bytes(),
            &previous.key,
        )
    }

    /// Opens the previous epoch's key sealed by [`seal_previous`](Self::seal_previous).
    pub fn open_previous(&self, room: &RoomId, sealed: &[u8]) -> Result<EpochKey, OpenError> {
        let epoch = self.epoch.checked_sub(1).ok_or(OpenError::NotAuthentic)?;
        let key = self.open(room, Purpose::Previous, &epoch.to_be_bytes(), sealed)?;
        let key = key.try_into().map_err(|_| OpenError::NotAuthentic)?;
        Ok(EpochKey { epoch, key })
    }

    /// Seals a member's profile (coordinator's name, organisation, device)
    /// for every member of this epoch and later.
    pub fn seal_profile(
        &self,
        room: &RoomId,
        device: &DeviceId,
        profile: &[u8],
    ) -> Result<Vec<u8>, SealError> {
        self.seal(room, Purpose::Profile, &device.0, profile)
    }

    /// Opens a profile sealed by [`seal_profile`](Self::seal_profile).
    pub fn open_profile(
        &self,
        room: &RoomId,
        device: &DeviceId,
        sealed: &[u8],
    ) -> Result<Vec<u8>, OpenError> {
        self.open(room, Purpose::Profile, &device.0, sealed)
    }

    fn wrap_info(room: &RoomId, epoch: u64) -> Vec<u8> {
        let mut info = b"tandem epoch key v2".to_vec();
        info.extend_from_slice(room.as_bytes());
        info.extend_from_slice(&epoch.to_be_bytes());
        info
    }

    /// This key wrapped to `device`. `None` when the device's published
    /// key-agreement key is not a valid X25519 key.
    pub fn wrap_for(&self, room: &RoomId, device: &DeviceKeys) -> Option<Wrap> {
        let recipient = device.agreement_key()?;
        let (encapped, ciphertext) = hpke::single_shot_seal::<WrapAead, WrapKdf, Kem>(
            &OpModeS::Base,
            &recipient,
            &Self::wrap_info(room, self.epoch),
            &self.key,
            &device.signing.0,
        )
        .ok()?;
        let mut bytes = [0u8; 32];
        bytes.copy_from_slice(&encapped.to_bytes());
        Some(Wrap {
            device: device.signing,
            encapped: bytes,
            ciphertext,
        })
    }

    /// Opens a wrap made for `identity`.
    pub fn unwrap(
        room: &RoomId,
        epoch: u64,
        identity: &DeviceIdentity,
        wrap: &Wrap,
    ) -> Result<Self, OpenError> {
        if wrap.device != identity.id() {
            return Err(OpenError::NotAuthentic);
        }
        let encapped = <Kem as hpke::Kem>::EncappedKey::from_bytes(&wrap.encapped)
            .map_err(|_| OpenError::NotAuthentic)?;
        let key = hpke::single_shot_open::<WrapAead, WrapKdf, Kem>(
            &OpModeR::Base,
            &identity.agreement_secret(),
            &encapped,
            &Self::wrap_info(room, epoch),
            &wrap.ciphertext,
            &wrap.device.0,
        )
        .map_err(|_| OpenError::NotAuthentic)?;
        let key = key.try_into().map_err(|_| OpenError::NotAuthentic)?;
        Ok(Self { epoch, key })
    }
}

/// XChaCha20-Poly1305 with a random 192-bit nonce in front.
pub(crate) fn seal_with(
    cipher: &XChaCha20Poly1305,
    aad: &[u8],
    plaintext: &[u8],
) -> Result<Vec<u8>, SealError> {
    let nonce: [u8; NONCE_BYTES] = random_bytes()?;
    let ciphertext = cipher
        .encrypt(
            &XNonce::from(nonce),
            Payload {
                msg: plaintext,
                aad,
            },
        )
        .map_err(|_| SealError::Encryption)?;
    let mut sealed = Vec::with_capacity(NONCE_BYTES + ciphertext.len());
    sealed.extend_from_slice(&nonce);
    sealed.extend(ciphertext);
    Ok(sealed)
}

pub(crate) fn open_with(
    cipher: &XChaCha20Poly1305,
    aad: &[u8],
    sealed: &[u8],
) -> Result<Vec<u8>, OpenError> {
    if sealed.len() < SEAL_OVERHEAD {
        return Err(OpenError::TooShort);
    }
    let (nonce, ciphertext) = sealed.split_at(NONCE_BYTES);
    let nonce: [u8; NONCE_BYTES] = nonce.try_into().map_err(|_| OpenError::TooShort)?;
    cipher
        .decrypt(
            &XNonce::from(nonce),
            Payload {
                msg: ciphertext,
                aad,
            },
        )
        .map_err(|_| OpenError::NotAuthentic)
}

/// The key that seals a profile in an introduction, drawn from the
/// invitation's secret (which only the link carries): the admin who made
/// the invitation can read it, the relay cannot.
pub(crate) fn invitation_cipher(secret: &[u8; 32], label: &[u8]) -> [u8; 32] {
    let derivation = Hkdf::<Sha256>::new(None, secret);
    let mut key = [0u8; 32];
    derivation
        .expand(label, &mut key)
        .expect("HKDF-SHA256 yields up to 8,160 bytes; 32 always fit");
    key
}

#[cfg(test)]
mod tests {
    use super::*;

    fn room() -> RoomId {
        RoomId::from_bytes([4; 16])
    }

    #[test]
    fn a_wrapped_key_opens_only_for_its_device_room_and_epoch() {
        let anna = DeviceIdentity::generate().unwrap();
        let ben = DeviceIdentity::generate().unwrap();
        let key = EpochKey::random(3).unwrap();
        let wrap = key.wrap_for(&room(), &anna.keys()).unwrap();
        assert_eq!(EpochKey::unwrap(&room(), 3, &anna, &wrap), Ok(key.clone()));
        assert!(EpochKey::unwrap(&room(), 3, &ben, &wrap).is_err());
        let mut for_ben = wrap.clone();
        for_ben.device = ben.id();
        assert!(EpochKey::unwrap(&room(), 3, &ben, &for_ben).is_err());
        assert!(EpochKey::unwrap(&room(), 4, &anna, &wrap).is_err());
        assert!(EpochKey::unwrap(&RoomId::from_bytes([5; 16]), 3, &anna, &wrap).is_err());
        // The key's bytes are nowhere in the wrap.
        assert!(!wrap.ciphertext.windows(8).any(|w| w == &key.key[..8]));
    }

    #[test]
    fn the_content_subkey_is_not_the_epoch_key() {
        let key = EpochKey::random(0).unwrap();
        let sealed = key
            .seal(&room(), Purpose::Content, b"ad", b"Jolanda")
            .unwrap();
        let direct = XChaCha20Poly1305::new(&key.key.into());
        assert_eq!(
            open_with(&direct, b"ad", &sealed),
            Err(OpenError::NotAuthentic)
        );
        assert_eq!(
            key.open(&room(), Purpose::Profile, b"ad", &sealed),
            Err(OpenError::NotAuthentic)
        );
        assert_eq!(
            key.open(&room(), Purpose::Content, b"ad", &sealed).unwrap(),
            b"Jolanda"
        );
    }

    #[test]
    fn the_next_epoch_carries_the_previous_key_and_not_the_other_way() {
        let old = EpochKey::random(1).unwrap();
        let new = EpochKey::random(2).unwrap();
        let sealed = new.seal_previous(&room(), &old).unwrap();
        assert_eq!(new.open_previous(&room(), &sealed), Ok(old.clone()));
        assert!(old.open_previous(&room(), &sealed).is_err());
    }
}
