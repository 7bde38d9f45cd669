//! The `.tandem` exchange file: how coordinators pass a programme, or the
//! changes a partner has not seen, from one browser to another.
//!
//! A file is a short text line naming the format, a JSON header on the next
//! line, then the Automerge bytes:
//!
//! ```text
//! TANDEM-EXCHANGE
//! {"format":"tandem-exchange","version":1,"programme":"…","contains":"changes",…,"sha256":"…"}
//! <Automerge bytes>
//! ```
//!
//! The header says what the file carries; the SHA-256 checksum of the bytes
//! finds a damaged or truncated file before anything is merged.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::model::ids::ProgrammeId;

const MAGIC: &[u8] = b"TANDEM-EXCHANGE\n";
const FORMAT: &str = "tandem-exchange";

/// The exchange format version this Tandem writes and reads.
pub const EXCHANGE_VERSION: u32 = 1;

/// Longest header a file may have; anything longer is not ours.
const MAX_HEADER_BYTES: usize = 64 * 1024;

/// What an exchange file carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Contents {
    /// The whole programme, to join it: a partner's invitation.
    Invite,
    /// The whole programme, as a backup or for a partner.
    Whole,
    /// Only the changes a partner has not seen yet.
    Changes,
}

/// The header at the start of an exchange file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExchangeHeader {
    pub format: String,
    pub version: u32,
    /// The programme's id.
    pub programme: String,
    /// The programme's name, so that a refused file can say which it is.
    pub programme_name: String,
    pub contains: Contents,
    /// The coordinator who made the file.
    pub exported_by: String,
    /// Seconds since 1970.
    pub created_at: i64,
    /// The heads of the document the file was made from: what the receiver
    /// has seen once it merged the file.
    pub heads: Vec<String>,
    pub body_length: u64,
    pub sha256: String,
    /// The generation of the programme the file was made from (none in
    /// files from before generations).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generation: Option<String>,
    /// The generations that generation retired.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub retires: Vec<String>,
}

/// Why an exchange file is refused. Nothing local has changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExchangeError {
    #[error("this is not a Tandem exchange file")]
    NotAnExchangeFile,
    #[error("the file was made by a newer version of Tandem (exchange format {0})")]
    TooNew(u32),
    #[error("the file is damaged or incomplete")]
    Damaged,
    #[error("the file belongs to another programme („{0}“)")]
    OtherProgramme(String),
    #[error("the file's programme shares no history with this one")]
    NoCommonHistory,
    #[error("the file builds on changes this browser has not received yet")]
    MissingEarlierChanges,
    #[error("this programme is already in this browser")]
    AlreadyHere,
    #[error(
        "the file belongs to a version of the programme that was replaced when a person was erased"
    )]
    RetiredGeneration,
    #[error("the file carries a newer version of the programme that replaces this one")]
    NewerGeneration,
    #[error("the changes are refused, nothing here has changed: {0}")]
    Refused(String),
    #[error("the file holds changes in this device's name that this device never made")]
    ClaimsThisDevice,
}

impl ExchangeError {
    /// A stable name for translations.
    pub fn code(&self) -> &'static str {
        match self {
            ExchangeError::NotAnExchangeFile => "exchange-not-a-file",
            ExchangeError::TooNew(_) => "exchange-too-new",
            ExchangeError::Damaged => "exchange-damaged",
            ExchangeError::OtherProgramme(_) => "exchange-other-programme",
            ExchangeError::NoCommonHistory => "exchange-no-common-history",
            ExchangeError::MissingEarlierChanges => "exchange-missing-earlier",
            ExchangeError::AlreadyHere => "exchange-already-here",
            ExchangeError::RetiredGeneration => "exchange-retired-generation",
            ExchangeError::NewerGeneration => "exchange-newer-generation",
            ExchangeError::Refused(_) => "exchange-refused",
            ExchangeError::ClaimsThisDevice => "exchange-claims-this-device",
        }
    }

    /// The names and values a translated message fills in.
    pub fn args(&self) -> Vec<(&'static str, String)> {
        match self {
            ExchangeError::OtherProgramme(name) => vec![("name", name.clone())],
            ExchangeError::TooNew(version) => vec![("version", version.to_string())],
            ExchangeError::Refused(reason) => vec![("reason", reason.clone())],
            _ => Vec::new(),
        }
    }
}

/// A decoded exchange file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExchangeFile {
    pub header: ExchangeHeader,
    pub body: Vec<u8>,
}

fn checksum(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(digest: &[u8]) -> String {
    digest.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// A file whose header is read and whose checksum is checked a slice at a
/// time ([`ExchangeFile::read_in_steps`]), so that a page can draw between
/// the slices: a partner's 3 MB take SHA-256 about 70 ms in the browser.
#[derive(Debug, Clone)]
pub struct FileReading {
    header: ExchangeHeader,
    body: Vec<u8>,
    hasher: Sha256,
    /// How many bytes of the body are hashed.
    hashed: usize,
}

impl FileReading {
    /// Bytes hashed in one step.
    const SLICE: usize = 256 * 1024;

    /// Hashes the next slice of the body. True once all of it is.
    pub fn step(&mut self) -> bool {
        let end = self.body.len().min(self.hashed + Self::SLICE);
        if let Some(slice) = self.body.get(self.hashed..end) {
            self.hasher.update(slice);
        }
        self.hashed = end;
        self.hashed == self.body.len()
    }

    /// The file, hashed to its end first if the steps were not.
    ///
    /// # Errors
    /// [`ExchangeError::Damaged`] if the body does not have the header's
    /// checksum.
    pub fn finish(mut self) -> Result<ExchangeFile, ExchangeError> {
        while !self.step() {}
        if hex(&self.hasher.finalize()) != self.header.sha256 {
            return Err(ExchangeError::Damaged);
        }
        Ok(ExchangeFile {
            header: self.header,
            body: self.body,
        })
    }
}

impl ExchangeFile {
    /// A file carrying `body` for the programme.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        programme: ProgrammeId,
        programme_name: &str,
        contains: Contents,
        exported_by: &str,
        created_at: i64,
        heads: Vec<String>,
        body: Vec<u8>,
    ) -> Self {
        Self {
            header: ExchangeHeader {
                format: FORMAT.to_string(),
                version: EXCHANGE_VERSION,
                programme: programme.to_string(),
                programme_name: programme_name.to_string(),
                contains,
                exported_by: exported_by.to_string(),
                created_at,
                heads,
                body_length: body.len() as u64,
                sha256: checksum(&body),
                generation: None,
                retires: Vec::new(),
            },
            body,
        }
    }

    /// The file's bytes.
    pub fn encode(&self) -> Vec<u8> {
        let mut bytes = MAGIC.to_vec();
        // A header of plain strings and numbers always serialises.
        bytes.extend(serde_json::to_vec(&self.header).unwrap_or_default());
        bytes.push(b'\n');
        bytes.extend(&self.body);
        bytes
    }

    /// Reads a file, checking its format, version and checksum.
    pub fn decode(bytes: &[u8]) -> Result<Self, ExchangeError> {
        Self::read_in_steps(bytes)?.finish()
    }

    /// Reads a file's header, checking its format and version; its
    /// checksum is checked by the [`FileReading`]'s steps.
    ///
    /// # Errors
    /// What [`decode`](Self::decode) tells from the header and the body's
    /// length.
    pub fn read_in_steps(bytes: &[u8]) -> Result<FileReading, ExchangeError> {
        let rest = bytes
            .strip_prefix(MAGIC)
            .ok_or(ExchangeError::NotAnExchangeFile)?;
        let end = rest
            .iter()
            .take(MAX_HEADER_BYTES)
            .position(|byte| *byte == b'\n')
            .ok_or(ExchangeError::Damaged)?;
        let header: serde_json::Value =
            serde_json::from_slice(&rest[..end]).map_err(|_| ExchangeError::Damaged)?;
        if header.get("format").and_then(|f| f.as_str()) != Some(FORMAT) {
            return Err(ExchangeError::NotAnExchangeFile);
        }
        let version = header
            .get("version")
            .and_then(|v| v.as_u64())
            .ok_or(ExchangeError::Damaged)?;
        if version > u64::from(EXCHANGE_VERSION) {
            return Err(ExchangeError::TooNew(
                u32::try_from(version).unwrap_or(u32::MAX),
            ));
        }
        let header: ExchangeHeader =
            serde_json::from_value(header).map_err(|_| ExchangeError::Damaged)?;
        let body = rest[end + 1..].to_vec();
        if body.len() as u64 != header.body_length {
            return Err(ExchangeError::Damaged);
        }
        Ok(FileReading {
            header,
            body,
            hasher: Sha256::new(),
            hashed: 0,
        })
    }

    /// The programme the file belongs to.
    pub fn programme(&self) -> Result<ProgrammeId, ExchangeError> {
        self.header
            .programme
            .parse()
            .map_err(|_| ExchangeError::Damaged)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file() -> ExchangeFile {
        ExchangeFile::new(
            ProgrammeId::random(),
            "Cross-Mentoring",
            Contents::Whole,
            "Petra Probe",
            1_770_000_000,
            vec![],
            b"automerge bytes".to_vec(),
        )
    }

    #[test]
    fn a_file_reads_back_what_was_written() {
        let file = file();
        assert_eq!(ExchangeFile::decode(&file.encode()), Ok(file));
    }

    #[test]
    fn a_truncated_or_altered_file_is_damaged() {
        let bytes = file().encode();
        assert_eq!(
            ExchangeFile::decode(&bytes[..bytes.len() - 3]),
            Err(ExchangeError::Damaged)
        );
        let mut altered = bytes.clone();
        let last = altered.len() - 1;
        altered[last] ^= 1;
        assert_eq!(ExchangeFile::decode(&altered), Err(ExchangeError::Damaged));
        assert_eq!(
            ExchangeFile::decode(&bytes[..20]),
            Err(ExchangeError::Damaged)
        );
    }

    #[test]
    fn other_files_are_not_exchange_files() {
        assert_eq!(
            ExchangeFile::decode(b"%PDF-1.7"),
            Err(ExchangeError::NotAnExchangeFile)
        );
        assert_eq!(
            ExchangeFile::decode(b""),
            Err(ExchangeError::NotAnExchangeFile)
        );
    }

    #[test]
    fn a_file_from_a_newer_tandem_is_refused_as_too_new() {
        let mut file = file();
        file.header.version = 7;
        assert_eq!(
            ExchangeFile::decode(&file.encode()),
            Err(ExchangeError::TooNew(7))
        );
    }
}
