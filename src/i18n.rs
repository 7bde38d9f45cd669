//! Every visible text, in German (the default) and English, from the Fluent
//! files in `locales/`: per language, `participant.ftl` holds what the
//! participant's app can show and `coordinators.ftl` the rest, so that a
//! phone opening a tandem page loads only the first. Fluent handles plural
//! forms and placeholders, so translators edit plain text files, not code.

use std::cell::{Cell, RefCell};

use fluent_bundle::{FluentArgs, FluentBundle, FluentResource, FluentValue};
use leptos::prelude::*;
use tandem_core::Day;
use tandem_sync::ErrorCode;

use crate::language::{Language, Moment};
use crate::settings::Settings;

/// A translation file, in the language asked for.
type TextFile = fn(Language) -> &'static str;

/// The translation files a program reads, in this order, in each language.
/// Each program names its own, so a file it does not name is not in its
/// build: the participant's app carries only the texts its pages can show.
#[derive(Debug, Clone, Copy)]
pub struct Texts(&'static [TextFile]);

impl Texts {
    /// The participant's app: its pages, sync, storage and error messages.
    pub const PARTICIPANT: Texts = Texts(&[Language::participant_texts]);
    /// The coordinators' app: every text.
    pub const ALL: Texts = Texts(&[Language::participant_texts, Language::coordinators_texts]);
}

thread_local! {
    /// The files this program reads (set by [`I18n::from_settings`]).
    static TEXTS: Cell<Texts> = const { Cell::new(Texts::PARTICIPANT) };
    /// Each language's texts, read the first time that language is asked
    /// for: opening the app reads only the language it is shown in.
    static BUNDLES: RefCell<Vec<Option<FluentBundle<FluentResource>>>> =
        RefCell::new(Language::ALL.iter().map(|_| None).collect());
}

fn bundle(language: Language, texts: Texts) -> FluentBundle<FluentResource> {
    let mut bundle = FluentBundle::new(vec![language.id()]);
    bundle.set_use_isolating(false);
    for file in texts.0 {
        // A syntax error in a translation file loses that entry, not the app.
        let resource = FluentResource::try_new(file(language).to_owned())
            .unwrap_or_else(|(partial, _)| partial);
        bundle.add_resource_overriding(resource);
    }
    bundle
}

/// The text for `key` in `language`; the key itself if it is missing, so a
/// gap shows up in the UI instead of an empty space.
pub fn translate(language: Language, key: &str, args: Option<&FluentArgs>) -> String {
    BUNDLES.with(|bundles| {
        let mut bundles = bundles.borrow_mut();
        let Some(slot) = bundles.get_mut(language.index()) else {
            return key.to_string();
        };
        let bundle = slot.get_or_insert_with(|| bundle(language, TEXTS.get()));
        let Some(pattern) = bundle.get_message(key).and_then(|message| message.value()) else {
            return key.to_string();
        };
        let mut errors = Vec::new();
        bundle
            .format_pattern(pattern, args, &mut errors)
            .into_owned()
    })
}

/// The message keys of a translation file, in their order, or how many
/// syntax errors it has.
fn message_keys(source: &str) -> Result<Vec<String>, usize> {
    let resource =
        FluentResource::try_new(source.to_owned()).map_err(|(_, errors)| errors.len())?;
    Ok(resource
        .entries()
        .filter_map(|entry| match entry {
            fluent_syntax::ast::Entry::Message(message) => Some(message.id.name.to_string()),
            _ => None,
        })
        .collect())
}

/// Problems with the translation files: syntax errors, keys that one
/// language has and another lacks or holds in another order, and keys in
/// both the participant's and the coordinators' file. Empty when all is
/// well.
pub fn translation_problems() -> Vec<String> {
    let files: [(&str, TextFile); 2] = [
        ("participant", Language::participant_texts),
        ("coordinators", Language::coordinators_texts),
    ];
    let mut problems = Vec::new();
    for language in Language::ALL {
        let mut seen: Vec<(String, &str)> = Vec::new();
        for (name, file) in files {
            for key in message_keys(file(language)).unwrap_or_default() {
                if let Some((_, first)) = seen.iter().find(|(other, _)| *other == key) {
                    problems.push(format!(
                        "{}: {key} in {first}.ftl and {name}.ftl",
                        language.tag()
                    ));
                }
                seen.push((key, name));
            }
        }
    }
    for (name, file) in files {
        let mut keys = Vec::new();
        for language in Language::ALL {
            match message_keys(file(language)) {
                Ok(names) => keys.push((language, names)),
                Err(errors) => problems.push(format!(
                    "{}/{name}.ftl: {errors} syntax errors",
                    language.tag()
                )),
            }
        }
        let Some((first, first_keys)) = keys.first() else {
            continue;
        };
        for (other, other_keys) in &keys[1..] {
            for key in first_keys.iter().filter(|key| !other_keys.contains(key)) {
                problems.push(format!(
                    "{}/{name}.ftl lacks {key} (in {})",
                    other.tag(),
                    first.tag()
                ));
            }
            for key in other_keys.iter().filter(|key| !first_keys.contains(key)) {
                problems.push(format!(
                    "{}/{name}.ftl lacks {key} (in {})",
                    first.tag(),
                    other.tag()
                ));
            }
            let common = |keys: &[String], others: &[String]| -> Vec<String> {
                keys.iter()
                    .filter(|key| others.contains(key))
                    .cloned()
                    .collect()
            };
            if common(first_keys, other_keys) != common(other_keys, first_keys) {
                problems.push(format!(
                    "{}/{name}.ftl and {}/{name}.ftl hold their keys in another order",
                    first.tag(),
                    other.tag()
                ));
            }
        }
    }
    let codes = ErrorCode::KNOWN
        .iter()
        .map(|code| code.as_str())
        .chain(APP_REFUSALS);
    for code in codes {
        let key = refusal_key(code);
        for language in Language::ALL {
            let keys = message_keys(Language::participant_texts(language)).unwrap_or_default();
            if key == "sync-refused-other" || !keys.contains(&key) {
                problems.push(format!(
                    "{}: no message of its own for {code}",
                    language.tag()
                ));
            }
        }
    }
    problems
}

/// Why a link stopped that the app itself tells (not the relay): each
/// has a message `sync-refused-{code}` like the relay's codes.
pub const APP_REFUSALS: [&str; 11] = [
    "invite-damaged",
    "retired",
    "retired-unreadable",
    "retired-unreachable",
    "retired-asking",
    "retired-foreign",
    "page-link-revoked",
    "page-link-empty",
    "share-no-randomness",
    "access-failed",
    "awaiting-admission",
];

/// The refusal's message key for a relay error code, or for one of
/// [`APP_REFUSALS`]; a code from a newer relay reads as a refusal in
/// general.
pub fn refusal_key(code: &str) -> String {
    let known = !matches!(ErrorCode::from(code.to_string()), ErrorCode::Other(_))
        || APP_REFUSALS.contains(&code);
    if known {
        format!("sync-refused-{code}")
    } else {
        "sync-refused-other".to_string()
    }
}

/// The app's language, carried in context. Reading a text tracks the
/// language, so every text changes when the coordinator switches.
#[derive(Debug, Clone, Copy)]
pub struct I18n {
    language: RwSignal<Language>,
}

impl I18n {
    /// The language from settings, or German, with the texts of `texts`.
    pub fn from_settings(settings: &Settings, texts: Texts) -> Self {
        let before = TEXTS.replace(texts);
        if !std::ptr::eq(before.0, texts.0) {
            BUNDLES.with(|bundles| {
                bundles
                    .borrow_mut()
                    .iter_mut()
                    .for_each(|slot| *slot = None)
            });
        }
        let i18n = Self {
            language: RwSignal::new(settings.language.unwrap_or_default()),
        };
        i18n.mark_document();
        i18n
    }

    /// The language now shown.
    pub fn language(&self) -> Language {
        self.language.get()
    }

    /// Switches the language and remembers the choice.
    pub fn set_language(&self, language: Language) {
        self.language.set(language);
        self.mark_document();
        Settings::update(|settings| settings.language = Some(language));
    }

    /// The text for `key`.
    pub fn t(&self, key: &str) -> String {
        translate(self.language.get(), key, None)
    }

    /// The text for `key` with its placeholders filled.
    pub fn t_with<'a>(&self, key: &str, args: &[(&'a str, FluentValue<'a>)]) -> String {
        let mut fluent_args = FluentArgs::new();
        for (name, value) in args {
            fluent_args.set(*name, value.clone());
        }
        translate(self.language.get(), key, Some(&fluent_args))
    }

    /// The message for an error code.
    pub fn error(&self, code: &str) -> String {
        self.t(&format!("error-{code}"))
    }

    /// A day in the current language.
    pub fn day(&self, day: Day) -> String {
        self.language.get().day(day)
    }

    /// A day that may be unknown (an application date no spreadsheet
    /// gave), said as unknown rather than guessed.
    pub fn day_or_unknown(&self, day: Option<Day>) -> String {
        match day {
            Some(day) => self.day(day),
            None => self.t("date-unknown"),
        }
    }

    /// A moment (seconds since 1970) as people of this language write it,
    /// in the browser's time zone.
    pub fn date_time(&self, seconds: i64) -> String {
        self.language.get().moment(Moment::Full, seconds)
    }

    /// A moment in the coming days, short: "8. Dez., 14:05" (an
    /// invitation's expiry).
    pub fn short_date_time(&self, seconds: i64) -> String {
        self.language.get().moment(Moment::Short, seconds)
    }

    /// Screen readers and hyphenation follow `<html lang>`.
    fn mark_document(&self) {
        let tag = self.language.get_untracked().tag();
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("lang", tag);
        }
    }
}

/// The [`I18n`] handle from context.
pub fn use_i18n() -> I18n {
    expect_context::<I18n>()
}
