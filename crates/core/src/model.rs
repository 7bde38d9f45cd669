//! The programme's nouns: a programme and its partners, people, tandems,
//! events, questionnaires, outcomes and consent, with their ids and days.
//!
//! May use: nothing else in this crate. Everything above reads and writes
//! these types; they know nothing of Automerge transactions, commands or
//! the rules that refuse a command.

/// `ALL`, `code` and `from_code` for an enum whose values are stored by
/// name: in documents, files and form fields. The variants are listed in
/// the order the app offers them (that order is `ALL`), each with its code.
/// A code, once released, never changes: documents hold it.
macro_rules! coded_enum {
    ($name:ident { $($variant:ident => $code:literal),+ $(,)? }) => {
        impl $name {
            /// Every value, in the order the app offers them.
            pub const ALL: [$name; [$($code),+].len()] = [$($name::$variant),+];

            /// A stable name for documents, files, forms and translations.
            pub fn code(self) -> &'static str {
                match self {
                    $($name::$variant => $code),+
                }
            }

            /// The value with the given [`code`](Self::code).
            pub fn from_code(code: &str) -> Option<Self> {
                Self::ALL.into_iter().find(|value| value.code() == code)
            }
        }
    };
}
pub(crate) use coded_enum;

pub(crate) mod completion;
pub(crate) mod consent;
pub(crate) mod day;
pub(crate) mod event;
pub(crate) mod ids;
pub(crate) mod intake;
pub(crate) mod outcome;
pub(crate) mod person;
pub(crate) mod programme;
pub(crate) mod reminder;
pub(crate) mod survey;
pub(crate) mod tandem;
pub(crate) mod weights;
