//! A refusal in the coordinator's language: the core crate names what
//! went wrong with a code and its values, and the translations say it.

use tandem_core::{CommandError, ExchangeError};

use crate::i18n::I18n;

/// A refused command's message in the coordinator's language.
pub fn command_error_text(i18n: I18n, error: &CommandError) -> String {
    translated(i18n, error.code(), error.args())
}

/// A refused exchange file's message in the coordinator's language.
pub fn exchange_error_text(i18n: I18n, error: &ExchangeError) -> String {
    translated(i18n, error.code(), error.args())
}

fn translated(i18n: I18n, code: &str, args: Vec<(&'static str, String)>) -> String {
    let args: Vec<(&str, fluent_bundle::FluentValue)> = args
        .into_iter()
        .map(|(name, value)| {
            let value = match name {
                "role" => i18n.t(&format!("role-{value}")),
                "from" | "to" => i18n.t(&format!("stage-{value}")),
                "field" => i18n.t(&format!("apply-field-{value}")),
                "outcome" => i18n.t(&format!("receipt-outcome-{value}")),
                _ => value,
            };
            (name, fluent_bundle::FluentValue::from(value))
        })
        .collect();
    i18n.t_with(&format!("error-{code}"), &args)
}
