//! The checks every command passes before it is written: clean person
//! details, allowed application steps, and the programme's tandem rules.

use crate::model::ids::{PersonId, TandemId};
use crate::model::person::{Decision, Person, PersonDetails, Role, Stage};
use crate::model::programme::{normalise, Programme};
use crate::rules::error::{CommandError, PeopleError, TandemError};
use crate::rules::text::{clean_name, MAX_NAME_CHARS, MAX_TEXT_CHARS};

/// Person details as they will be stored: names and lists tidied, contact
/// details checked, the organisation one of the programme's partners.
pub(crate) fn clean_details(
    programme: &Programme,
    details: &PersonDetails,
) -> Result<PersonDetails, CommandError> {
    let mut clean = details.clone();
    clean.name = clean_name(
        &details.name,
        CommandError::People(PeopleError::PersonNameMissing),
    )?;
    // One-line fields reach spreadsheets, calendar files and e-mail
    // headers: a line break (from a spreadsheet cell, say) becomes a space.
    let one_line = |text: &str| -> Result<String, CommandError> {
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if text.chars().count() > MAX_NAME_CHARS {
            return Err(CommandError::NameTooLong);
        }
        Ok(text)
    };
    clean.salutation = one_line(&details.salutation)?;
    clean.department = one_line(&details.department)?;
    clean.position = one_line(&details.position)?;
    clean.location = one_line(&details.location)?;
    clean.availability = details.availability.trim().to_string();
    clean.email = details.email.trim().to_string();
    if !clean.email.is_empty()
        && (!is_email(&clean.email) || clean.email.chars().count() > MAX_NAME_CHARS)
    {
        return Err(CommandError::EmailInvalid(
            clean.email.chars().take(80).collect(),
        ));
    }
    clean.phone = details.phone.trim().to_string();
    if !clean.phone.is_empty() && !is_phone(&clean.phone) {
        return Err(CommandError::PhoneInvalid(clean.phone));
    }
    if let Some(organisation) = details.organisation {
        if !programme.partners.contains_key(&organisation) {
            return Err(CommandError::UnknownPartner);
        }
    }
    clean.topics = clean_list(&details.topics);
    clean.languages = clean_list(&details.languages);
    for text in [
        &details.goal,
        &details.motivation,
        &details.notes,
        &details.availability,
    ] {
        if text.chars().count() > MAX_TEXT_CHARS {
            return Err(CommandError::TextTooLong);
        }
    }
    clean.goal = details.goal.trim().to_string();
    clean.motivation = details.motivation.trim().to_string();
    clean.notes = details.notes.trim().to_string();
    Ok(clean)
}

/// An e-mail address as people type them: something, one @, a domain with a dot.
pub(crate) fn is_email(text: &str) -> bool {
    let mut parts = text.split('@');
    let (Some(local), Some(domain), None) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    !local.is_empty()
        && !text.chars().any(char::is_whitespace)
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
}

/// A phone number as people type them: digits with spaces, +, -, /, ( ).
pub(crate) fn is_phone(text: &str) -> bool {
    let digits = text.chars().filter(char::is_ascii_digit).count();
    digits >= 3
        && text
            .chars()
            .all(|c| c.is_ascii_digit() || " +-/().".contains(c))
}

/// A list as entered (topics, languages): trimmed, no empties, no repeats.
pub(crate) fn clean_list(items: &[String]) -> Vec<String> {
    let mut clean: Vec<String> = Vec::new();
    for item in items {
        let item = item.split_whitespace().collect::<Vec<_>>().join(" ");
        if !item.is_empty() && !clean.iter().any(|c| normalise(c) == normalise(&item)) {
            clean.push(item);
        }
    }
    clean
}

/// The keys under which the programme's people are recognised: each
/// person's import key and their key from today's details.
pub(crate) fn identities(programme: &Programme) -> std::collections::HashSet<String> {
    programme
        .people
        .values()
        .flat_map(|person| {
            let current = Person::identity_key(&person.details);
            std::iter::once(current).chain(person.import_key.clone())
        })
        .collect()
}

/// Refuses a new person who is already in the programme (`known` from
/// [`identities`]).
pub(crate) fn check_not_present(
    known: &std::collections::HashSet<String>,
    details: &PersonDetails,
) -> Result<(), CommandError> {
    if known.contains(&Person::identity_key(details)) {
        return Err(CommandError::People(PeopleError::PersonTwice(
            details.name.clone(),
        )));
    }
    Ok(())
}

/// Whether the application may take the step to `to`.
pub(crate) fn check_step(
    programme: &Programme,
    id: PersonId,
    person: &Person,
    to: Stage,
) -> Result<(), CommandError> {
    let from = person.application.stage;
    let allowed = match to {
        Stage::Interviewed => matches!(
            from,
            Stage::Applied | Stage::Interviewed | Stage::Waitlisted
        ),
        Stage::Accepted | Stage::Waitlisted | Stage::Declined => {
            matches!(
                from,
                Stage::Applied | Stage::Interviewed | Stage::Waitlisted | Stage::Declined
            ) || (from == Stage::Accepted && to != Stage::Accepted)
        }
        Stage::Withdrawn => from != Stage::Withdrawn,
        Stage::Applied => false,
    };
    if !allowed {
        return Err(CommandError::People(PeopleError::StageNotAllowed {
            name: person.details.name.clone(),
            from: from.code(),
            to: to.code(),
        }));
    }
    // Taking someone out of the cohort while they are in a running tandem
    // would leave their partner in a tandem with nobody.
    if from == Stage::Accepted
        && to != Stage::Accepted
        && programme.active_tandems_of(id).next().is_some()
    {
        return Err(CommandError::People(PeopleError::InActiveTandem(
            person.details.name.clone(),
        )));
    }
    Ok(())
}

/// The stage a decision leads to, checked.
pub(crate) fn check_decision(
    programme: &Programme,
    id: PersonId,
    person: &Person,
    decision: Decision,
) -> Result<Stage, CommandError> {
    let to = decision.stage();
    check_step(programme, id, person, to)?;
    Ok(to)
}

/// The programme's rules for a new tandem.
pub(crate) fn check_new_tandem(
    programme: &Programme,
    id: TandemId,
    mentee: PersonId,
    mentor: PersonId,
    co_mentor: Option<PersonId>,
) -> Result<(), CommandError> {
    if programme.tandems.contains_key(&id) {
        return Err(CommandError::Document("tandem id already used".into()));
    }
    if mentee == mentor || co_mentor == Some(mentee) || co_mentor == Some(mentor) {
        return Err(CommandError::Tandem(TandemError::SamePerson));
    }
    let mentee_person = member(programme, mentee, Role::Mentee)?;
    let mentor_person = member(programme, mentor, Role::Mentor)?;
    if programme.active_tandems_of(mentee).next().is_some() {
        return Err(CommandError::Tandem(TandemError::AlreadyMatched(
            mentee_person.details.name.clone(),
        )));
    }
    let capacity = programme.rules.mentor_capacity.max(1);
    let load = programme
        .active_tandems()
        .filter(|(_, tandem)| tandem.mentor == mentor)
        .count();
    if load >= capacity as usize {
        return Err(CommandError::Tandem(TandemError::MentorFull {
            name: mentor_person.details.name.clone(),
            capacity,
        }));
    }
    if programme.rules.different_organisations {
        let mentee_org = mentee_person.details.organisation.ok_or_else(|| {
            CommandError::Tandem(TandemError::OrganisationMissing(
                mentee_person.details.name.clone(),
            ))
        })?;
        let mentor_org = mentor_person.details.organisation.ok_or_else(|| {
            CommandError::Tandem(TandemError::OrganisationMissing(
                mentor_person.details.name.clone(),
            ))
        })?;
        if mentee_org == mentor_org {
            return Err(CommandError::Tandem(TandemError::SameOrganisation {
                mentee: mentee_person.details.name.clone(),
                mentor: mentor_person.details.name.clone(),
                organisation: programme.organisation_name(Some(mentee_org)).to_string(),
            }));
        }
    }
    if let Some(co_mentor) = co_mentor {
        if !programme.rules.co_mentors {
            return Err(CommandError::Tandem(TandemError::CoMentorsNotUsed));
        }
        let co = member(programme, co_mentor, Role::CoMentor)?;
        let co_load = programme.active_tandems_of(co_mentor).count();
        if co_load >= capacity as usize {
            return Err(CommandError::Tandem(TandemError::MentorFull {
                name: co.details.name.clone(),
                capacity,
            }));
        }
    }
    Ok(())
}

/// A person of the given role, accepted or not.
pub(crate) fn of_role(
    programme: &Programme,
    id: PersonId,
    role: Role,
) -> Result<&Person, CommandError> {
    let person = programme
        .people
        .get(&id)
        .ok_or(CommandError::UnknownPerson)?;
    if person.details.role != role {
        return Err(CommandError::Tandem(TandemError::WrongRole {
            name: person.details.name.clone(),
            role: role.code(),
        }));
    }
    Ok(person)
}

/// An accepted person of the given role.
fn member(programme: &Programme, id: PersonId, role: Role) -> Result<&Person, CommandError> {
    let person = of_role(programme, id, role)?;
    if !person.is_accepted() {
        return Err(CommandError::Tandem(TandemError::NotAccepted(
            person.details.name.clone(),
        )));
    }
    Ok(person)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn e_mail_addresses_as_people_type_them() {
        assert!(is_email("petra.probe@stadt-beispiel.de"));
        assert!(!is_email("petra.probe@stadt"));
        assert!(!is_email("petra probe@stadt.de"));
        assert!(!is_email("@stadt.de"));
        assert!(!is_email("a@b@c.de"));
    }

    #[test]
    fn phone_numbers_as_people_type_them() {
        assert!(is_phone("+49 211 123-456"));
        assert!(is_phone("(0221) 12 34 56"));
        assert!(!is_phone("ruft zurück"));
        assert!(!is_phone("12"));
    }

    #[test]
    fn lists_lose_blanks_and_repeats() {
        let topics = vec![
            " Führung ".into(),
            "".into(),
            "führung".into(),
            "Verwaltung  digital".into(),
        ];
        assert_eq!(clean_list(&topics), vec!["Führung", "Verwaltung digital"]);
    }
}
