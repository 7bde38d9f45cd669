//! One personal link per participant of a tandem page, each revocable on
//! its own (coordinators only; see `tandem_sync::page_link`).
//!
//! Revoking a link moves the page to a new room with a new key and
//! retires the old room with a notice that only the other links open: the
//! other participants follow by themselves, the revoked link reads nothing
//! new, and the person whose link was revoked gets a new one.

use tandem_core::PersonId;
use tandem_sync::page_link::{Holder, PageForwarding};
use tandem_sync::Invite;

use crate::i18n::I18n;
use crate::page_session::PageSession;

/// Gives each of `people` a link secret of their own, where they have
/// none yet.
pub(crate) fn ensure(page: PageSession, people: &[PersonId]) {
    let mut links = page.links();
    let mut added = false;
    for person in people {
        let key = person.to_string();
        if links.holders.contains_key(&key) {
            continue;
        }
        let Ok(holder) = Holder::generate() else {
            return;
        };
        links.holders.insert(key, holder.to_text());
        added = true;
    }
    if added {
        page.keep_links(links);
    }
}

/// Revokes `person`'s link: the page moves to a new room that the other
/// links follow to, and `person` gets a new link.
pub(crate) fn revoke(page: PageSession, person: PersonId, i18n: I18n) -> Result<(), String> {
    let (old, relay) = page.room().ok_or_else(|| i18n.t("page-not-shared"))?;
    let next = Invite::new_room().map_err(|_| i18n.t("share-no-randomness"))?;
    let fresh = Holder::generate().map_err(|_| i18n.t("share-no-randomness"))?;
    let mut links = page.links();
    let revoked = person.to_string();
    let others: Vec<Holder> = links
        .holders
        .iter()
        .filter(|(owner, _)| **owner != revoked)
        .filter_map(|(_, secret)| Holder::from_text(secret))
        .collect();
    let onward: Vec<(&Holder, &Invite)> = others.iter().map(|holder| (holder, &next)).collect();
    let notice =
        PageForwarding::seal(&old.room, &onward).map_err(|_| i18n.t("share-no-randomness"))?;
    links.holders.insert(revoked, fresh.to_text());
    page.keep_links(links);
    // The old room's own connection must outlive this list, which the new
    // room redraws: it runs under an owner of its own, kept for the rest
    // of the session (one small connection state per revoked link).
    let owner = leptos::prelude::Owner::new_root(None);
    owner.with(|| crate::session::retire_room(old, relay.clone(), notice));
    std::mem::forget(owner);
    page.move_to(&next, relay, true);
    Ok(())
}

/// The personal links of a tandem's page, one per person, each with a
/// button that revokes it.
#[leptos::component]
pub(crate) fn PersonalLinks(
    id: tandem_core::TandemId,
    page: PageSession,
    /// Where the panel says what revoking did (it outlives this list,
    /// which a new room redraws).
    outcome: leptos::prelude::RwSignal<crate::components::notice::Outcome>,
) -> impl leptos::IntoView {
    use fluent_bundle::FluentValue;
    use leptos::prelude::*;

    use crate::components::notice::Outcome;
    use crate::i18n::use_i18n;
    use crate::session::use_session;

    let i18n = use_i18n();
    let session = use_session();
    let people = move || {
        session
            .with(|programme| {
                let tandem = programme.tandems.get(&id)?;
                Some(
                    [Some(tandem.mentee), Some(tandem.mentor), tandem.co_mentor]
                        .into_iter()
                        .flatten()
                        .map(|person| (person, programme.person_name(person).to_string()))
                        .collect::<Vec<_>>(),
                )
            })
            .flatten()
            .unwrap_or_default()
    };
    let ids: Vec<PersonId> = people().into_iter().map(|(person, _)| person).collect();
    ensure(page, &ids);
    view! {
        <h3>{move || i18n.t("page-personal-links")}</h3>
        <p class="muted">{move || i18n.t("page-personal-links-intro")}</p>
        <ul class="plain-list">
            {move || {
                people()
                    .into_iter()
                    .map(|(person, name)| {
                        let link = page.link_for(person).unwrap_or_default();
                        let field = format!("page-link-{person}");
                        let label = i18n
                            .t_with(
                                "page-personal-link-of",
                                &[("name", FluentValue::from(name.clone()))],
                            );
                        let revoke_one = move |_| {
                            outcome
                                .set(
                                    match revoke(page, person, i18n) {
                                        Ok(()) => {
                                            Outcome::Done(
                                                i18n
                                                    .t_with(
                                                        "page-revoked",
                                                        &[("name", FluentValue::from(name.clone()))],
                                                    ),
                                            )
                                        }
                                        Err(message) => Outcome::Refused(message),
                                    },
                                );
                        };
                        view! {
                            <li class="field" data-testid="page-personal-link">
                                <label for=field.clone()>{label}</label>
                                <input
                                    id=field
                                    class="share-link"
                                    data-testid="page-personal-link-url"
                                    type="text"
                                    readonly
                                    prop:value=link
                                />
                                <button
                                    type="button"
                                    class="button button--secondary"
                                    data-testid="page-revoke"
                                    on:click=revoke_one
                                >
                                    {i18n.t("page-revoke")}
                                </button>
                            </li>
                        }
                    })
                    .collect_view()
            }}
        </ul>
    }
}
