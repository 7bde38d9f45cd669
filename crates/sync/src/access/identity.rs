//! A device's identity: the keys a browser makes for itself.
//!
//! The signing key (Ed25519) signs the device's member-list entries, hellos
//! and changes; the key-agreement key (X25519, as HPKE's KEM key) receives
//! epoch keys. The secrets stay on the device: [`DeviceIdentity::to_secret_bytes`]
//! is for the app to keep them sealed like every other record.

use std::fmt;

use ed25519_dalek::{Signer, SigningKey, Verifier, VerifyingKey};
use hpke::{Deserializable, Kem as _, Serializable};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::key::{random_bytes, RandomError};

/// HPKE's key encapsulation: DHKEM(X25519, HKDF-SHA256).
pub(crate) type Kem = hpke::kem::X25519HkdfSha256;

/// Length of an Ed25519 signature.
pub const SIGNATURE_BYTES: usize = 64;

/// A device, named by its Ed25519 public key.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct DeviceId(pub [u8; 32]);

impl fmt::Debug for DeviceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DeviceId(")?;
        self.0[..4]
            .iter()
            .try_for_each(|byte| write!(f, "{byte:02x}"))?;
        write!(f, "…)")
    }
}

/// An Ed25519 signature as frames and entries carry it.
#[derive(Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signature(#[serde(with = "serde_bytes")] pub [u8; SIGNATURE_BYTES]);

impl fmt::Debug for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Signature(…)")
    }
}

/// What partners and the relay know of a device: its public keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceKeys {
    /// Ed25519 public key; also the device's id.
    pub signing: DeviceId,
    /// X25519 public key that epoch keys are wrapped to.
    pub agreement: [u8; 32],
}

impl DeviceKeys {
    /// Whether `signature` is this device's over `message`. Strict
    /// verification: no malleable or small-order signatures.
    pub fn verifies(&self, message: &[u8], signature: &Signature) -> bool {
        let Ok(key) = VerifyingKey::from_bytes(&self.signing.0) else {
            return false;
        };
        let signature = ed25519_dalek::Signature::from_bytes(&signature.0);
        key.verify_strict(message, &signature).is_ok() && key.verify(message, &signature).is_ok()
    }

    /// What an admin compares with the new device's screen before approving:
    /// the first 64 bits of SHA-256 over both public keys, as
    /// `4F2A-91C0-77DE-0B13`.
    pub fn fingerprint(&self) -> String {
        let mut hash = Sha256::new();
        hash.update(b"tandem device fingerprint v1");
        hash.update(self.signing.0);
        hash.update(self.agreement);
        let digest = hash.finalize();
        digest[..8]
            .chunks(2)
            .map(|pair| format!("{:02X}{:02X}", pair[0], pair[1]))
            .collect::<Vec<_>>()
            .join("-")
    }

    pub(crate) fn agreement_key(&self) -> Option<<Kem as hpke::Kem>::PublicKey> {
        <Kem as hpke::Kem>::PublicKey::from_bytes(&self.agreement).ok()
    }
}

/// A device's own keys, secret halves included. Made on the device.
#[derive(Clone)]
pub struct DeviceIdentity {
    signing: SigningKey,
    /// The seed of the X25519 key (HPKE's DeriveKeyPair input).
    agreement_seed: [u8; 32],
}

/// Length of [`DeviceIdentity::to_secret_bytes`].
pub(super) const IDENTITY_SECRET_BYTES: usize = 64;

impl DeviceIdentity {
    /// A new identity from the system's random source.
    pub fn generate() -> Result<Self, RandomError> {
        let signing: [u8; 32] = random_bytes()?;
        let agreement_seed: [u8; 32] = random_bytes()?;
        Ok(Self::from_secret_bytes(&concat(signing, agreement_seed)))
    }

    /// The secret halves, for the app to keep sealed.
    pub fn to_secret_bytes(&self) -> [u8; IDENTITY_SECRET_BYTES] {
        concat(self.signing.to_bytes(), self.agreement_seed)
    }

    /// An identity kept with [`to_secret_bytes`](Self::to_secret_bytes).
    pub fn from_secret_bytes(bytes: &[u8; IDENTITY_SECRET_BYTES]) -> Self {
        let mut signing = [0u8; 32];
        let mut agreement_seed = [0u8; 32];
        signing.copy_from_slice(&bytes[..32]);
        agreement_seed.copy_from_slice(&bytes[32..]);
        Self {
            signing: SigningKey::from_bytes(&signing),
            agreement_seed,
        }
    }

    /// The device's id (its signing public key).
    pub fn id(&self) -> DeviceId {
        DeviceId(self.signing.verifying_key().to_bytes())
    }

    /// The public keys, to introduce the device.
    pub fn keys(&self) -> DeviceKeys {
        let (_, public) = Kem::derive_keypair(&self.agreement_seed);
        let mut agreement = [0u8; 32];
        agreement.copy_from_slice(&public.to_bytes());
        DeviceKeys {
            signing: self.id(),
            agreement,
        }
    }

    /// Signs `message`.
    pub fn sign(&self, message: &[u8]) -> Signature {
        Signature(self.signing.sign(message).to_bytes())
    }

    pub(crate) fn agreement_secret(&self) -> <Kem as hpke::Kem>::PrivateKey {
        Kem::derive_keypair(&self.agreement_seed).0
    }
}

fn concat(first: [u8; 32], second: [u8; 32]) -> [u8; 64] {
    let mut bytes = [0u8; 64];
    bytes[..32].copy_from_slice(&first);
    bytes[32..].copy_from_slice(&second);
    bytes
}

impl fmt::Debug for DeviceIdentity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DeviceIdentity")
            .field("id", &self.id())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_identity_signs_and_only_its_keys_verify() {
        let anna = DeviceIdentity::generate().unwrap();
        let ben = DeviceIdentity::generate().unwrap();
        let signature = anna.sign(b"Mentee Jolanda");
        assert!(anna.keys().verifies(b"Mentee Jolanda", &signature));
        assert!(!anna.keys().verifies(b"Mentee Jolanda!", &signature));
        assert!(!ben.keys().verifies(b"Mentee Jolanda", &signature));
        let mut bent = signature;
        bent.0[3] ^= 1;
        assert!(!anna.keys().verifies(b"Mentee Jolanda", &bent));
    }

    #[test]
    fn an_identity_kept_and_read_back_is_the_same_device() {
        let anna = DeviceIdentity::generate().unwrap();
        let again = DeviceIdentity::from_secret_bytes(&anna.to_secret_bytes());
        assert_eq!(again.keys(), anna.keys());
        assert!(anna.keys().verifies(b"x", &again.sign(b"x")));
    }

    #[test]
    fn a_fingerprint_has_four_groups_and_differs_between_devices() {
        let anna = DeviceIdentity::generate().unwrap().keys();
        let ben = DeviceIdentity::generate().unwrap().keys();
        let shown = anna.fingerprint();
        assert_eq!(shown.len(), 19);
        assert_eq!(shown.split('-').count(), 4);
        assert_ne!(shown, ben.fingerprint());
        assert_eq!(shown, anna.fingerprint());
    }

    #[test]
    fn secrets_are_not_printed_in_debug_output() {
        let anna = DeviceIdentity::generate().unwrap();
        let shown = format!("{anna:?}");
        let secret = anna.to_secret_bytes();
        let hex: String = secret[..4].iter().map(|b| format!("{b:02x}")).collect();
        assert!(!shown.contains(&hex), "{shown}");
    }
}
