//! One personal link per participant of a tandem page, each revocable on
//! its own (coordinators only; see `tandem_sync::page_link`).
//!
//! Revoking a link moves the page to a new room with a new key and
//! retires the old room with a notice that only the other links open: the
//! other participants follow by themselves, the revoked link reads nothing
//! new, and the person whose link was revoked gets a new one. A page still
//! in a room made before rooms had owners (which any valid link may
//! retire) is offered the same move, with every link following.

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
    move_on(page, Some(person), i18n)
}

/// Moves a page out of a room made before rooms had owners, which any
/// valid link could retire, into one only this browser may retire. Every
/// personal link follows by itself.
fn protect(page: PageSession, i18n: I18n) -> Result<(), String> {
    move_on(page, None, i18n)
}

/// Moves the page to a new room that only this browser may retire, and
/// retires the old one with a notice every link but `revoked`'s opens to
/// follow; `revoked` gets a new link.
fn move_on(page: PageSession, revoked: Option<PersonId>, i18n: I18n) -> Result<(), String> {
    let old = page.room().ok_or_else(|| i18n.t("page-not-shared"))?;
    let (next, owner) = Invite::new_owned_room().map_err(|_| i18n.t("share-no-randomness"))?;
    let mut links = page.links();
    let revoked = revoked.map(|person| person.to_string());
    let others: Vec<Holder> = links
        .holders
        .iter()
        .filter(|(person, _)| Some(*person) != revoked.as_ref())
        .filter_map(|(_, secret)| Holder::from_text(secret))
        .collect();
    let onward: Vec<(&Holder, &Invite)> = others.iter().map(|holder| (holder, &next)).collect();
    let notice = PageForwarding::seal(&old.invite.room, &onward)
        .map_err(|_| i18n.t("share-no-randomness"))?;
    if let Some(revoked) = revoked {
        let fresh = Holder::generate().map_err(|_| i18n.t("share-no-randomness"))?;
        links.holders.insert(revoked, fresh.to_text());
        page.keep_links(links);
    }
    let relay = old.relay.clone();
    crate::page_session::retire_for_good(old, notice);
    page.move_to(&next, Some(owner), relay, true);
    Ok(())
}

/// A message to `person` with their link, as a `mailto:` address (empty
/// address when the person has no e-mail address here).
fn mail_to(programme: &tandem_core::Programme, person: PersonId, link: &str, i18n: I18n) -> String {
    use fluent_bundle::FluentValue;
    let to = programme
        .people
        .get(&person)
        .map(|person| person.details.email.trim().to_string())
        .unwrap_or_default();
    let subject = i18n.t_with(
        "page-mail-subject",
        &[("programme", FluentValue::from(programme.name.clone()))],
    );
    let body = i18n.t_with(
        "page-mail-body",
        &[
            ("programme", FluentValue::from(programme.name.clone())),
            ("link", FluentValue::from(link.to_string())),
        ],
    );
    let encode = |text: &str| {
        js_sys::encode_uri_component(text)
            .as_string()
            .unwrap_or_default()
    };
    format!(
        "mailto:{}?subject={}&body={}",
        to,
        encode(&subject),
        encode(&body)
    )
}

/// One person of the tandem, as the list of links shows them.
#[derive(Clone)]
struct Holding {
    person: PersonId,
    name: String,
    mail: Option<String>,
}

/// The personal links of a tandem's page, one per person, each with its
/// e-mail, QR code and a button that revokes it.
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
    use crate::components::qr::{qr_svg, select_all};
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
                        .map(|person| Holding {
                            person,
                            name: programme.person_name(person).to_string(),
                            mail: page
                                .link_for(person)
                                .map(|link| mail_to(programme, person, &link, i18n)),
                        })
                        .collect::<Vec<_>>(),
                )
            })
            .flatten()
            .unwrap_or_default()
    };
    let ids: Vec<PersonId> = people().into_iter().map(|holding| holding.person).collect();
    ensure(page, &ids);
    let move_out = move |_| {
        outcome.set(match protect(page, i18n) {
            Ok(()) => Outcome::Done(i18n.t("page-protected")),
            Err(message) => Outcome::Refused(message),
        });
    };
    view! {
        <Show when=move || page.in_unowned_room()>
            <div class="notice notice--warning" data-testid="page-unowned-room">
                <p>{move || i18n.t("page-unowned-room")}</p>
                <div class="button-row">
                    <button
                        type="button"
                        class="button button--primary"
                        data-testid="page-protect"
                        on:click=move_out
                    >
                        {move || i18n.t("page-protect")}
                    </button>
                </div>
            </div>
        </Show>
        <h3>{move || i18n.t("page-personal-links")}</h3>
        <p class="muted">{move || i18n.t("page-personal-links-intro")}</p>
        <ul class="page-links">
            {move || {
                people()
                    .into_iter()
                    .map(|Holding { person, name, mail }| {
                        let link = page.link_for(person).unwrap_or_default();
                        let field = format!("page-link-{person}");
                        let named = |key: &str| {
                            i18n.t_with(key, &[("name", FluentValue::from(name.clone()))])
                        };
                        let label = named("page-personal-link-of");
                        let qr_label = named("page-qr-label");
                        let mail_label = named("page-mail");
                        let revoke_label = named("page-revoke");
                        let qr = qr_svg(&link);
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
                            <li class="page-link" data-testid="page-personal-link">
                                <div class="field">
                                    <label for=field.clone()>{label}</label>
                                    <input
                                        id=field
                                        class="share-link"
                                        data-testid="page-personal-link-url"
                                        type="text"
                                        readonly
                                        prop:value=link
                                        on:focus=move |event| select_all(&event)
                                    />
                                </div>
                                <div class="button-row">
                                    {mail
                                        .map(|href| {
                                            view! {
                                                <a
                                                    class="button button--secondary"
                                                    data-testid="page-mail"
                                                    href=href
                                                    aria-label=mail_label
                                                >
                                                    {i18n.t("page-mail-short")}
                                                </a>
                                            }
                                        })}
                                    <button
                                        type="button"
                                        class="button button--secondary"
                                        data-testid="page-revoke"
                                        aria-label=revoke_label
                                        on:click=revoke_one
                                    >
                                        {i18n.t("page-revoke-short")}
                                    </button>
                                </div>
                                {qr
                                    .map(|svg| {
                                        view! {
                                            <details class="disclosure">
                                                <summary>{i18n.t("share-qr")}</summary>
                                                <div
                                                    class="qr-code"
                                                    role="img"
                                                    aria-label=qr_label
                                                    inner_html=svg
                                                ></div>
                                            </details>
                                        }
                                    })}
                            </li>
                        }
                    })
                    .collect_view()
            }}
        </ul>
    }
}
