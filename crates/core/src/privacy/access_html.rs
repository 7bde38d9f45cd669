//! The access report as one printable, self-contained HTML page: the
//! sections in order, each from what `access` gathered, every value
//! escaped. The headings come from the app's translations.

use std::fmt::Write as _;

use super::access::{current_fields, EarlierValue, PageContent};
use crate::document::programme::ProgrammeDocument;
use crate::model::ids::PersonId;
use crate::model::programme::Programme;

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A readable, self-contained HTML file with everything the programme
/// holds about one person: their current data, consent, every earlier
/// value of their fields (who changed it, when), their tandems, attendance,
/// certificate and tandem pages. Headings come from `heading` (the app's
/// translations, keyed `access-…`), so the file speaks the coordinator's
/// language; who changed a value comes from `author` (the name the change
/// gives itself, or where the app can check it, the member list's name for
/// the device that signed it). `None` if the person is not in the
/// programme.
pub fn access_report(
    document: &ProgrammeDocument,
    person: PersonId,
    pages: &[PageContent],
    heading: &dyn Fn(&str) -> String,
    author: &dyn Fn(&EarlierValue) -> String,
) -> Option<String> {
    let programme = document.programme();
    let who = programme.people.get(&person)?;
    let mut html = String::new();
    let title = format!("{} — {}", heading("access-title"), who.details.name);
    let _ = write!(
        html,
        "<!doctype html><html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{}</title>\
         <style>body{{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}}\
         table{{border-collapse:collapse;width:100%}}td,th{{border:1px solid #bbb;padding:.25rem .5rem;text-align:left;vertical-align:top}}</style>\
         </head><body><h1>{}</h1><p>{}: {}</p>",
        escape(&heading("access-lang")),
        escape(&title),
        escape(&title),
        escape(&heading("access-programme")),
        escape(&programme.name),
    );

    section(&mut html, heading, "access-current");
    current_section(&mut html, document, person);
    section(&mut html, heading, "access-consent");
    consent_section(&mut html, programme, person, heading);
    section(&mut html, heading, "access-history");
    history_section(&mut html, document, person, heading, author);
    section(&mut html, heading, "access-tandems");
    tandems_section(&mut html, programme, person, heading);
    section(&mut html, heading, "access-attendance");
    attendance_section(&mut html, programme, person, heading);
    section(&mut html, heading, "access-certificate");
    certificate_section(&mut html, programme, person, heading);
    section(&mut html, heading, "access-reminders");
    reminders_section(&mut html, programme, person, heading);
    section(&mut html, heading, "access-pages");
    pages_section(&mut html, pages, heading);
    html.push_str("</body></html>");
    Some(html)
}

/// Opens one section of the access report with its heading.
fn section(html: &mut String, heading: &dyn Fn(&str) -> String, key: &str) {
    let _ = write!(html, "<h2>{}</h2>", escape(&heading(key)));
}

fn current_section(html: &mut String, document: &ProgrammeDocument, person: PersonId) {
    let fields = current_fields(document, person);
    html.push_str("<table>");
    for (field, value) in &fields {
        let _ = write!(
            html,
            "<tr><th scope=\"row\">{}</th><td>{}</td></tr>",
            escape(field),
            escape(value)
        );
    }
    html.push_str("</table>");
}

fn consent_section(
    html: &mut String,
    programme: &Programme,
    person: PersonId,
    heading: &dyn Fn(&str) -> String,
) {
    match programme.consents.get(&person) {
        Some(consent) => {
            let yes_no = |value: bool| heading(if value { "access-yes" } else { "access-no" });
            let _ = write!(
                html,
                "<table><tr><th scope=\"row\">{}</th><td>{}</td></tr>\
                 <tr><th scope=\"row\">{}</th><td>{}</td></tr>\
                 <tr><th scope=\"row\">{}</th><td>{}</td></tr>\
                 <tr><th scope=\"row\">{}</th><td>{} ({})</td></tr>\
                 <tr><th scope=\"row\">{}</th><td>{}</td></tr></table>",
                escape(&heading("access-consent-processing")),
                escape(&yes_no(consent.processing)),
                escape(&heading("access-consent-photos")),
                escape(&yes_no(consent.photos)),
                escape(&heading("access-consent-named")),
                escape(&yes_no(consent.named_in_reports)),
                escape(&heading("access-consent-given")),
                consent.given_on.german(),
                escape(&heading(&format!("consent-way-{}", consent.way.code()))),
                escape(&heading("access-consent-withdrawn")),
                consent
                    .withdrawn_on
                    .map(|day| day.german())
                    .unwrap_or_else(|| "—".into()),
            );
        }
        None => {
            nothing(html, "p", heading);
        }
    }
}

/// Says in a `<p>` or `<li>` that a section holds nothing about the person.
fn nothing(html: &mut String, element: &str, heading: &dyn Fn(&str) -> String) {
    let _ = write!(
        html,
        "<{element}>{}</{element}>",
        escape(&heading("access-none"))
    );
}

fn history_section(
    html: &mut String,
    document: &ProgrammeDocument,
    person: PersonId,
    heading: &dyn Fn(&str) -> String,
    author: &dyn Fn(&EarlierValue) -> String,
) {
    html.push_str("<table>");
    let _ = write!(
        html,
        "<tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr>",
        escape(&heading("access-when")),
        escape(&heading("access-field")),
        escape(&heading("access-value")),
        escape(&heading("access-by")),
    );
    for earlier in document.field_history(person) {
        let when = time::OffsetDateTime::from_unix_timestamp(earlier.at)
            .map(|at| {
                format!(
                    "{:02}.{:02}.{} {:02}:{:02} UTC",
                    at.day(),
                    u8::from(at.month()),
                    at.year(),
                    at.hour(),
                    at.minute()
                )
            })
            .unwrap_or_default();
        let _ = write!(
            html,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&when),
            escape(&earlier.field),
            escape(&earlier.value),
            escape(&author(&earlier))
        );
    }
    html.push_str("</table>");
}

fn tandems_section(
    html: &mut String,
    programme: &Programme,
    person: PersonId,
    heading: &dyn Fn(&str) -> String,
) {
    html.push_str("<ul>");
    let mut any = false;
    for (_, tandem) in programme.tandems_of(person) {
        any = true;
        let others: Vec<&str> = [Some(tandem.mentee), Some(tandem.mentor), tandem.co_mentor]
            .into_iter()
            .flatten()
            .filter(|other| *other != person)
            .map(|other| programme.person_name(other))
            .collect();
        let _ = write!(
            html,
            "<li>{} – {}: {}</li>",
            tandem.start.german(),
            tandem.ended_on.unwrap_or(tandem.planned_end).german(),
            escape(&others.join(", "))
        );
    }
    if !any {
        nothing(html, "li", heading);
    }
    html.push_str("</ul>");
}

fn attendance_section(
    html: &mut String,
    programme: &Programme,
    person: PersonId,
    heading: &dyn Fn(&str) -> String,
) {
    html.push_str("<ul>");
    let mut any = false;
    for event in programme.events.values() {
        if let Some(attendance) = event.attendance.get(&person) {
            any = true;
            let _ = write!(
                html,
                "<li>{} · {} · {}</li>",
                event.details.start_day.german(),
                escape(&event.details.title),
                escape(&heading(&format!(
                    "attendance-{}",
                    attendance.status.code()
                )))
            );
        }
    }
    if !any {
        nothing(html, "li", heading);
    }
    html.push_str("</ul>");
}

fn certificate_section(
    html: &mut String,
    programme: &Programme,
    person: PersonId,
    heading: &dyn Fn(&str) -> String,
) {
    match programme.certificate_grants.get(&person) {
        Some(grant) => {
            let _ = write!(
                html,
                "<p>{} · {} · {}</p>",
                grant.on.german(),
                escape(&grant.by_name),
                escape(&grant.reason)
            );
        }
        None => {
            nothing(html, "p", heading);
        }
    }
}

/// The reminders a coordinator marked as sent: which kind, about what
/// (the questionnaire's or event's title where it is still there), when.
fn reminders_section(
    html: &mut String,
    programme: &Programme,
    person: PersonId,
    heading: &dyn Fn(&str) -> String,
) {
    use crate::model::reminder::ReminderKind;
    let sent = programme
        .people
        .get(&person)
        .map(|who| &who.reminders)
        .filter(|sent| !sent.is_empty());
    let Some(sent) = sent else {
        nothing(html, "p", heading);
        return;
    };
    html.push_str("<ul>");
    for (key, mark) in sent {
        let Some(kind) = ReminderKind::of_key(key) else {
            continue;
        };
        let about = key
            .split_once(':')
            .map(|(_, id)| id)
            .and_then(|id| match kind {
                ReminderKind::Survey => id
                    .parse()
                    .ok()
                    .and_then(|id| programme.surveys.get(&id))
                    .map(|survey| survey.title.clone()),
                ReminderKind::Event => id
                    .parse()
                    .ok()
                    .and_then(|id| programme.events.get(&id))
                    .map(|event| event.details.title.clone()),
                _ => None,
            });
        let what = heading(&format!("reminder-kind-{}", kind.code()));
        let _ = match about {
            Some(about) => write!(
                html,
                "<li>{} · {}: {}</li>",
                mark.on.german(),
                escape(&what),
                escape(&about)
            ),
            None => write!(html, "<li>{} · {}</li>", mark.on.german(), escape(&what)),
        };
    }
    html.push_str("</ul>");
}

fn pages_section(html: &mut String, pages: &[PageContent], heading: &dyn Fn(&str) -> String) {
    if pages.is_empty() {
        nothing(html, "p", heading);
    }
    for page in pages {
        let _ = write!(html, "<h3>{}</h3><ul>", escape(&heading("access-goals")));
        for goal in &page.goals {
            let _ = write!(html, "<li>{}</li>", escape(goal));
        }
        let _ = write!(
            html,
            "</ul><h3>{}</h3><ul>",
            escape(&heading("access-meetings"))
        );
        for meeting in &page.meetings {
            let _ = write!(html, "<li>{}</li>", escape(meeting));
        }
        html.push_str("</ul>");
    }
}
