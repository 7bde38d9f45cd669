//! Identifiers of the things in a programme.
//!
//! Entities live in maps keyed by random UUIDs, so two coordinators who add
//! people at the same time on different laptops never pick the same key.

use std::fmt;
use std::str::FromStr;

use autosurgeon::{Hydrate, HydrateError, Reconcile, Reconciler};
use uuid::Uuid;

/// An identifier that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("„{0}“ is not a valid identifier")]
pub struct IdError(pub String);

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
        )]
        pub struct $name(Uuid);

        impl $name {
            /// A new random identifier.
            pub fn random() -> Self {
                Self(Uuid::new_v4())
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.as_hyphenated().fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = IdError;
            fn from_str(text: &str) -> Result<Self, IdError> {
                Uuid::parse_str(text)
                    .map(Self)
                    .map_err(|_| IdError(text.chars().take(64).collect()))
            }
        }

        impl Reconcile for $name {
            type Key<'a> = autosurgeon::reconcile::NoKey;
            fn reconcile<R: Reconciler>(&self, reconciler: R) -> Result<(), R::Error> {
                self.to_string().reconcile(reconciler)
            }
        }

        impl Hydrate for $name {
            fn hydrate_string(text: &str) -> Result<Self, HydrateError> {
                text.parse()
                    .map_err(|_| HydrateError::unexpected("an identifier", text.to_string()))
            }
        }
    };
}

id_type!(
    /// One programme: one run (Durchlauf) of a mentoring scheme, one document.
    ProgrammeId
);
id_type!(
    /// A partner organisation taking part in a programme.
    PartnerId
);
id_type!(
    /// A person taking part (mentee, mentor or co-mentor).
    PersonId
);
id_type!(
    /// A tandem of mentee and mentor.
    TandemId
);
id_type!(
    /// An event of the programme (seminar, network meeting, …).
    EventId
);
id_type!(
    /// A coordinator, the human author of changes (not the device's actor id).
    CoordinatorId
);
id_type!(
    /// A questionnaire of the programme (match quality, mid-term, final).
    SurveyId
);
id_type!(
    /// One filled-in questionnaire (or its anonymous part).
    ResponseId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_identifier_reads_back_what_it_wrote() {
        let id = PartnerId::random();
        assert_eq!(id.to_string().parse::<PartnerId>(), Ok(id));
    }

    #[test]
    fn a_mangled_identifier_is_refused_not_guessed() {
        assert!("d0c5-not-a-uuid".parse::<ProgrammeId>().is_err());
        assert!("".parse::<ProgrammeId>().is_err());
    }
}
