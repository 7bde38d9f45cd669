//! The languages Tandem speaks: German (the default) and English, each
//! with its tag, its own name for the switch, its translation files and the
//! way its readers write a day and a moment. Settings store a
//! [`Language`]; the translations in `i18n` read its file. It depends on
//! nothing else of the app, so both can use it without depending on each
//! other.

use std::cell::RefCell;

use serde::{Deserialize, Serialize};
use tandem_core::Day;
use unic_langid::{langid, LanguageIdentifier};

/// A language the app speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Language {
    #[default]
    #[serde(rename = "de")]
    German,
    #[serde(rename = "en")]
    English,
}

impl Language {
    /// Every language, in the order the switch shows them.
    pub const ALL: [Language; 2] = [Language::German, Language::English];

    /// The BCP 47 tag, for `<html lang>` and Fluent.
    pub fn tag(self) -> &'static str {
        match self {
            Language::German => "de",
            Language::English => "en",
        }
    }

    /// The language's name in itself, for the switch.
    pub fn own_name(self) -> &'static str {
        match self {
            Language::German => "Deutsch",
            Language::English => "English",
        }
    }

    pub(crate) fn id(self) -> LanguageIdentifier {
        match self {
            Language::German => langid!("de"),
            Language::English => langid!("en"),
        }
    }

    /// The texts the participant's app can show: its pages, sync, storage
    /// and error messages (`scripts/participant-texts.mjs` checks that none
    /// is missing). That app carries only these.
    pub(crate) fn participant_texts(self) -> &'static str {
        match self {
            Language::German => include_str!("locales/de/participant.ftl"),
            Language::English => include_str!("locales/en/participant.ftl"),
        }
    }

    /// The rest of the coordinators' app's texts, read after
    /// [`Self::participant_texts`].
    pub(crate) fn coordinators_texts(self) -> &'static str {
        match self {
            Language::German => include_str!("locales/de/coordinators.ftl"),
            Language::English => include_str!("locales/en/coordinators.ftl"),
        }
    }

    pub(crate) fn index(self) -> usize {
        match self {
            Language::German => 0,
            Language::English => 1,
        }
    }

    /// A day as people write it in this language: `01.02.2026`, `1 Feb 2026`.
    pub fn day(self, day: Day) -> String {
        match self {
            Language::German => day.german(),
            Language::English => {
                const MONTHS: [&str; 12] = [
                    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
                    "Dec",
                ];
                let (year, month, date) = day.parts();
                let month = MONTHS
                    .get(usize::from(month).saturating_sub(1))
                    .copied()
                    .unwrap_or("");
                format!("{date} {month} {year}")
            }
        }
    }

    /// `seconds` since 1970 as readers of this language write a moment,
    /// in the browser's time zone.
    pub fn moment(self, moment: Moment, seconds: i64) -> String {
        let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(seconds as f64 * 1000.0));
        let format = FORMATS.with_borrow_mut(|formats| {
            if let Some((_, _, format)) = formats
                .iter()
                .find(|(way, language, _)| *way == moment && *language == self)
            {
                return format.clone();
            }
            let options = js_sys::Object::new();
            for (key, value) in moment.options() {
                let _ = js_sys::Reflect::set(&options, &(*key).into(), &(*value).into());
            }
            let locales = js_sys::Array::of1(&self.tag().into());
            let format = js_sys::Intl::DateTimeFormat::new(&locales, &options).format();
            formats.push((moment, self, format.clone()));
            format
        });
        format
            .call1(&wasm_bindgen::JsValue::NULL, &date)
            .ok()
            .and_then(|written| written.as_string())
            .unwrap_or_default()
    }
}

/// How a moment is written: with its date in full, or short.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Moment {
    /// "07.12.2026, 14:05"
    Full,
    /// "7. Dez., 14:05"
    Short,
}

impl Moment {
    /// The options of `Intl.DateTimeFormat` that write it.
    fn options(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Moment::Full => &[("dateStyle", "medium"), ("timeStyle", "short")],
            Moment::Short => &[
                ("day", "numeric"),
                ("month", "short"),
                ("hour", "2-digit"),
                ("minute", "2-digit"),
            ],
        }
    }
}

thread_local! {
    /// One formatter per way and language: the browser builds a formatter
    /// for every date written without one, which costs more than writing
    /// a hundred dates with it (a partner's file lists that many changes).
    static FORMATS: RefCell<Vec<(Moment, Language, js_sys::Function)>> =
        const { RefCell::new(Vec::new()) };
}
