//! The app's browser parts, tested with wasm-bindgen-test in headless
//! Chromium, Firefox and WebKitGTK: IndexedDB storage, sealing where the
//! browser can keep a record key, translations, the language switch, which
//! engine the app takes the browser for.
#![cfg(target_arch = "wasm32")]

use tandem::i18n::translation_problems;
use tandem::settings::SyncRecord;
use tandem::storage::{take_early_read, ChunkKind, ProgrammeStore, StorageError};
use tandem_core::{
    Author, Command, Day, NewProgramme, PartnerId, ProgrammeDocument, ProgrammeKind,
};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Where this browser cannot seal records (WebKitGTK), storing waits for
/// the user's choice to store unprotected: tests of storage make it, as a
/// user there would.
fn allow_storing() {
    tandem::storage::choose_unprotected().unwrap();
}

/// Takes back the choice to store unprotected.
fn disallow_storing() {
    web_sys::window()
        .unwrap()
        .local_storage()
        .unwrap()
        .unwrap()
        .remove_item("tandem.store-unprotected")
        .unwrap();
}

fn kassel_region() -> NewProgramme {
    NewProgramme {
        name: "Cross-Mentoring Region Kassel".into(),
        kind: ProgrammeKind::CrossMentoring,
        start: Day::parse("2026-03-01").unwrap(),
        end: Day::parse("2027-02-28").unwrap(),
        partners: vec!["Stadt Baunatal".into(), "Landkreis Kassel".into()],
    }
}

#[wasm_bindgen_test]
async fn a_programme_stored_as_snapshot_and_chunk_reads_back_from_indexeddb() {
    allow_storing();
    let store = ProgrammeStore::open_named("tandem-test-round-trip")
        .await
        .unwrap();
    let author = Author::new("Petra Probe");
    let mut document = ProgrammeDocument::create(&author, kassel_region()).unwrap();
    let id = document.id();
    let snapshot = document.save();
    store
        .put_chunk(id, ChunkKind::Snapshot, &document.heads_key(), &snapshot)
        .await
        .unwrap();

    let stadt_kassel = PartnerId::random();
    document
        .apply(
            &author,
            0,
            Command::AddPartner {
                id: stadt_kassel,
                name: "Stadt Kassel".into(),
            },
        )
        .unwrap();
    let chunk = document.save_incremental();
    store
        .put_chunk(id, ChunkKind::Incremental, &document.heads_key(), &chunk)
        .await
        .unwrap();

    let stored = store
        .load(id)
        .await
        .unwrap()
        .expect("the programme is stored");
    let loaded = ProgrammeDocument::load(&stored).unwrap();
    assert_eq!(loaded.programme(), document.programme());
    assert_eq!(
        loaded.programme().partners[&stadt_kassel].name,
        "Stadt Kassel"
    );
    assert!(store.programme_ids().await.unwrap().contains(&id));

    store.delete(id).await.unwrap();
    assert_eq!(store.load(id).await.unwrap(), None);
    assert!(!store.programme_ids().await.unwrap().contains(&id));
}

#[wasm_bindgen_test]
async fn programmes_are_stored_apart_from_each_other() {
    allow_storing();
    let store = ProgrammeStore::open_named("tandem-test-apart")
        .await
        .unwrap();
    let author = Author::new("Petra Probe");
    let mut first = ProgrammeDocument::create(&author, kassel_region()).unwrap();
    let mut second_programme = kassel_region();
    second_programme.name = "Politisches Mentoring 2026".into();
    let mut second = ProgrammeDocument::create(&author, second_programme).unwrap();
    for document in [&mut first, &mut second] {
        let id = document.id();
        let key = document.heads_key();
        store
            .put_chunk(id, ChunkKind::Snapshot, &key, &document.save())
            .await
            .unwrap();
    }
    let bytes = store.load(second.id()).await.unwrap().unwrap();
    let loaded = ProgrammeDocument::load(&bytes).unwrap();
    assert_eq!(loaded.programme().name, "Politisches Mentoring 2026");
}

#[wasm_bindgen_test]
fn every_text_exists_in_german_and_in_english() {
    assert_eq!(translation_problems(), Vec::<String>::new());
}

/// A relay's refusal, and one the app tells itself, reads as its own
/// message (each has one: see `translation_problems`); a code from a newer
/// relay reads as a refusal in general.
#[wasm_bindgen_test]
fn a_refusal_reads_as_its_own_message_and_an_unknown_one_in_general() {
    use tandem::i18n::refusal_key;
    assert_eq!(refusal_key("relay-full"), "sync-refused-relay-full");
    assert_eq!(
        refusal_key("page-link-empty"),
        "sync-refused-page-link-empty"
    );
    assert_eq!(refusal_key("a-code-of-a-newer-relay"), "sync-refused-other");
}

#[wasm_bindgen_test]
async fn switching_to_english_changes_the_texts_and_the_page_language() {
    let document = web_sys::window().unwrap().document().unwrap();
    let host = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&host).unwrap();
    let host: web_sys::HtmlElement = host.dyn_into().unwrap();
    leptos::mount::mount_to(host.clone(), tandem::App).forget();

    let skip_link = host.query_selector(".skip-link").unwrap().unwrap();
    assert_eq!(skip_link.text_content().unwrap(), "Zum Inhalt springen");
    let english: web_sys::HtmlElement = host
        .query_selector("[data-testid=language-en]")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    english.click();
    // Leptos updates the DOM in a microtask after the signal changes.
    wasm_bindgen_futures::JsFuture::from(js_sys::Promise::resolve(&wasm_bindgen::JsValue::NULL))
        .await
        .unwrap();
    assert_eq!(skip_link.text_content().unwrap(), "Skip to content");
    assert_eq!(
        english.get_attribute("aria-pressed").as_deref(),
        Some("true")
    );
    let html = document.document_element().unwrap();
    assert_eq!(html.get_attribute("lang").as_deref(), Some("en"));
    host.remove();
}

/// The participant's app reads its own translation files only: its texts
/// show, and a text only the coordinators' app shows is not among them.
#[wasm_bindgen_test]
async fn the_participants_app_reads_only_its_own_texts() {
    use tandem::i18n::translate;
    use tandem::language::Language;
    let document = web_sys::window().unwrap().document().unwrap();
    let host = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&host).unwrap();
    let host: web_sys::HtmlElement = host.dyn_into().unwrap();
    leptos::mount::mount_to(host.clone(), tandem::participant::ParticipantApp).forget();

    let german: web_sys::HtmlElement = host
        .query_selector("[data-testid=language-de]")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    german.click();
    wasm_bindgen_futures::JsFuture::from(js_sys::Promise::resolve(&wasm_bindgen::JsValue::NULL))
        .await
        .unwrap();
    let privacy_link = host
        .query_selector("[data-testid=privacy-link]")
        .unwrap()
        .unwrap();
    assert_eq!(privacy_link.text_content().unwrap(), "Datenschutz");
    // The test page's address is none of the app's: the way back to the
    // coordinators' app.
    let elsewhere = host
        .query_selector("[data-testid=not-found]")
        .unwrap()
        .unwrap();
    assert_eq!(elsewhere.text_content().unwrap().trim(), "Zur Startseite");
    assert_eq!(
        translate(Language::German, "page-title", None),
        "Ihre Tandem-Seite"
    );
    assert_eq!(
        translate(Language::English, "page-title", None),
        "Your tandem page"
    );
    // Only in the coordinators' app: the key stands for the missing text.
    assert_eq!(
        translate(Language::German, "skip-to-content", None),
        "skip-to-content"
    );
    host.remove();
}

/// Mounts an event's online link alone and returns the element it is in.
fn mounted_online_link(link: &str) -> web_sys::HtmlElement {
    use leptos::prelude::*;
    let document = web_sys::window().unwrap().document().unwrap();
    let host = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&host).unwrap();
    let host: web_sys::HtmlElement = host.dyn_into().unwrap();
    let link = link.to_string();
    leptos::mount::mount_to(host.clone(), move || view! { <tandem::OnlineLink link /> }).forget();
    host
}

#[wasm_bindgen_test]
fn an_events_https_link_is_a_link_and_a_javascript_link_only_text() {
    let web = mounted_online_link("https://meet.example.org/kassel-auftakt");
    let anchor = web
        .query_selector("a")
        .unwrap()
        .expect("a web link is a link");
    assert_eq!(
        anchor.get_attribute("href").as_deref(),
        Some("https://meet.example.org/kassel-auftakt")
    );
    assert_eq!(
        anchor.get_attribute("rel").as_deref(),
        Some("noopener noreferrer")
    );
    web.remove();

    for sent in [
        "javascript:alert(document.cookie)",
        "JavaScript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "https://meet.example.org/a b",
    ] {
        let host = mounted_online_link(sent);
        assert!(
            host.query_selector("a").unwrap().is_none(),
            "{sent} must not be a link"
        );
        assert_eq!(
            host.text_content().unwrap(),
            sent,
            "{sent} is shown as text"
        );
        host.remove();
    }
}

#[wasm_bindgen_test]
async fn a_chunk_written_by_a_second_tab_survives_the_first_tabs_compaction() {
    allow_storing();
    let store = ProgrammeStore::open_named("tandem-test-two-tabs")
        .await
        .unwrap();
    let author = Author::new("Petra Probe");
    let mut created = ProgrammeDocument::create(&author, kassel_region()).unwrap();
    let id = created.id();
    let snapshot = created.save();
    let first_key = store
        .put_chunk(id, ChunkKind::Snapshot, &created.heads_key(), &snapshot)
        .await
        .unwrap();

    // Two tabs open the same programme.
    let (keys, bytes) = store.load_chunks(id).await.unwrap().unwrap();
    assert_eq!(keys, vec![first_key]);
    let mut first_tab = ProgrammeDocument::load(&bytes).unwrap();
    let mut second_tab = ProgrammeDocument::load(&bytes).unwrap();

    let kassel = PartnerId::random();
    first_tab
        .apply(
            &author,
            0,
            Command::AddPartner {
                id: kassel,
                name: "Stadt Kassel".into(),
            },
        )
        .unwrap();
    let first_chunk = first_tab.save_incremental();
    let first_chunk_key = store
        .put_chunk(
            id,
            ChunkKind::Incremental,
            &first_tab.heads_key(),
            &first_chunk,
        )
        .await
        .unwrap();

    let rp = PartnerId::random();
    second_tab
        .apply(
            &author,
            0,
            Command::AddPartner {
                id: rp,
                name: "Regierungspräsidium Kassel".into(),
            },
        )
        .unwrap();
    let second_chunk = second_tab.save_incremental();
    let second_chunk_key = store
        .put_chunk(
            id,
            ChunkKind::Incremental,
            &second_tab.heads_key(),
            &second_chunk,
        )
        .await
        .unwrap();
    assert_ne!(
        first_chunk_key, second_chunk_key,
        "tabs never overwrite each other's chunks"
    );

    // The first tab compacts what it knows; the second tab's chunk stays.
    let known = vec![keys[0].clone(), first_chunk_key];
    store
        .compact(id, &first_tab.heads_key(), &first_tab.save(), &known)
        .await
        .unwrap();
    let (after, bytes) = store.load_chunks(id).await.unwrap().unwrap();
    assert!(after.contains(&second_chunk_key));
    let reopened = ProgrammeDocument::load(&bytes).unwrap();
    let partners = &reopened.programme().partners;
    assert_eq!(partners[&kassel].name, "Stadt Kassel");
    assert_eq!(partners[&rp].name, "Regierungspräsidium Kassel");

    // The first tab merges the second tab's chunk as the channel delivers it.
    first_tab.merge_bytes(&second_chunk).unwrap();
    assert_eq!(first_tab.programme(), reopened.programme());
    store.delete(id).await.unwrap();
}

#[wasm_bindgen_test]
fn days_are_written_as_each_language_writes_them() {
    use tandem::language::Language;
    let day = Day::parse("2026-02-01").unwrap();
    assert_eq!(Language::German.day(day), "01.02.2026");
    assert_eq!(Language::English.day(day), "1 Feb 2026");
}

/// A moment is written as the browser writes it for the language, with
/// the formatter kept for each language and way: switching back and forth
/// never writes one language's moment in the other.
#[wasm_bindgen_test]
fn moments_are_written_as_the_browser_writes_them_in_each_language() {
    use tandem::language::{Language, Moment};
    let seconds: i64 = 1_796_652_300; // 7 December 2026, 14:05 UTC
    let written = |tag: &str, options: &[(&str, &str)]| -> String {
        let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(seconds as f64 * 1000.0));
        let object = js_sys::Object::new();
        for (key, value) in options {
            js_sys::Reflect::set(&object, &(*key).into(), &(*value).into()).unwrap();
        }
        date.to_locale_string(tag, &object).into()
    };
    let full = [("dateStyle", "medium"), ("timeStyle", "short")];
    let short = [
        ("day", "numeric"),
        ("month", "short"),
        ("hour", "2-digit"),
        ("minute", "2-digit"),
    ];
    for _ in 0..2 {
        for language in Language::ALL {
            assert_eq!(
                language.moment(Moment::Full, seconds),
                written(language.tag(), &full)
            );
            assert_eq!(
                language.moment(Moment::Short, seconds),
                written(language.tag(), &short)
            );
        }
    }
    assert_ne!(
        Language::German.moment(Moment::Full, seconds),
        Language::English.moment(Moment::Full, seconds)
    );
    assert!(Language::German
        .moment(Moment::Full, seconds)
        .contains("2026"));
}

#[wasm_bindgen_test]
async fn a_tandem_page_is_stored_beside_the_programmes_and_never_listed_as_one() {
    use tandem_core::{
        Decision, PersonDetails, PersonId, ProgrammeSide, Role, TandemId, TandemPageDocument,
    };
    allow_storing();
    let store = ProgrammeStore::open_named("tandem-test-pages")
        .await
        .unwrap();
    let author = Author::new("Petra Probe");
    let mut document = ProgrammeDocument::create(&author, kassel_region()).unwrap();
    let partners: Vec<PartnerId> = document.programme().partners.keys().copied().collect();
    let mut people = Vec::new();
    for (name, role, partner) in [
        ("Mia Mentee", Role::Mentee, partners[0]),
        ("Max Mentor", Role::Mentor, partners[1]),
    ] {
        let id = PersonId::random();
        let details = PersonDetails {
            role,
            name: name.into(),
            organisation: Some(partner),
            ..Default::default()
        };
        let on = Day::parse("2026-02-01").unwrap();
        document
            .apply(
                &author,
                0,
                Command::AddPerson {
                    id,
                    details,
                    applied_on: on,
                },
            )
            .unwrap();
        document
            .apply(
                &author,
                0,
                Command::Decide {
                    person: id,
                    decision: Decision::Accept,
                    on,
                },
            )
            .unwrap();
        people.push(id);
    }
    let tandem = TandemId::random();
    document
        .apply(
            &author,
            0,
            Command::CreateTandem {
                id: tandem,
                mentee: people[0],
                mentor: people[1],
                co_mentor: None,
                start: Day::parse("2026-03-01").unwrap(),
                planned_end: Day::parse("2027-02-28").unwrap(),
            },
        )
        .unwrap();
    let id = document.id();
    store
        .put_chunk(
            id,
            ChunkKind::Snapshot,
            &document.heads_key(),
            &document.save(),
        )
        .await
        .unwrap();
    let side = ProgrammeSide::project(document.programme(), tandem).unwrap();
    let mut page = TandemPageDocument::create(side, 0).unwrap();
    store.put_page(tandem, &page.save()).await.unwrap();

    let stored = store
        .load_page(tandem)
        .await
        .unwrap()
        .expect("the page is stored");
    let loaded = TandemPageDocument::load(&stored).unwrap();
    assert_eq!(loaded.side().members.len(), 2);
    assert_eq!(store.load_page(TandemId::random()).await.unwrap(), None);
    // The programme list shows the programme and not the page.
    assert_eq!(store.programme_ids().await.unwrap(), vec![id]);
    // Deleting the programme leaves the pair's page alone.
    store.delete(id).await.unwrap();
    assert!(store.load_page(tandem).await.unwrap().is_some());
}

/// The raw bytes stored under `key` in the test database `database`.
async fn raw_record(database: &str, key: &str) -> Vec<u8> {
    let factory = idb::Factory::new().unwrap();
    let db = factory.open(database, None).unwrap().await.unwrap();
    let transaction = db
        .transaction(&["chunks"], idb::TransactionMode::ReadOnly)
        .unwrap();
    let value = transaction
        .object_store("chunks")
        .unwrap()
        .get(idb::Query::Key(key.into()))
        .unwrap()
        .await
        .unwrap()
        .expect("the record is stored");
    db.close();
    value.dyn_into::<js_sys::Uint8Array>().unwrap().to_vec()
}

#[wasm_bindgen_test]
async fn records_are_stored_sealed_and_records_stored_plain_before_still_load() {
    const DATABASE: &str = "tandem-test-sealed";
    let store = ProgrammeStore::open_named(DATABASE).await.unwrap();
    let author = Author::new("Petra Probe");
    let mut document = ProgrammeDocument::create(&author, kassel_region()).unwrap();
    let id = document.id();
    let snapshot = document.save();
    let sealed = tandem::storage::records_sealed().await.unwrap();
    assert_eq!(
        sealed,
        key_file_writable().await,
        "records are sealed exactly where a key file can be written"
    );
    if !sealed {
        // Sealing fails closed: without the user's choice nothing is
        // stored plain.
        disallow_storing();
        assert_eq!(
            store
                .put_chunk(id, ChunkKind::Snapshot, &document.heads_key(), &snapshot)
                .await,
            Err(StorageError::Unprotected)
        );
        assert_eq!(store.load(id).await.unwrap(), None, "nothing was stored");
        allow_storing();
    }
    let key = store
        .put_chunk(id, ChunkKind::Snapshot, &document.heads_key(), &snapshot)
        .await
        .unwrap();

    // At rest the partner's name is not readable: the record is sealed,
    // wherever the browser has a private file system to keep the key in;
    // only where it has none, and the user chose so, is the record plain.
    let stored = raw_record(DATABASE, &key).await;
    let name = b"Stadt Baunatal";
    assert!(snapshot.windows(name.len()).any(|window| window == name));
    if sealed {
        assert!(stored.starts_with(b"TSL1"), "the record is sealed");
        assert!(!stored.windows(name.len()).any(|window| window == name));
    } else {
        assert_eq!(stored, snapshot, "stored plain, as the user chose");
    }

    // A chunk an earlier version stored plain is read as it is.
    document
        .apply(
            &author,
            0,
            Command::AddPartner {
                id: PartnerId::random(),
                name: "Stadt Vellmar".into(),
            },
        )
        .unwrap();
    let plain = document.save_incremental();
    let factory = idb::Factory::new().unwrap();
    let db = factory.open(DATABASE, None).unwrap().await.unwrap();
    let transaction = db
        .transaction(&["chunks"], idb::TransactionMode::ReadWrite)
        .unwrap();
    transaction
        .object_store("chunks")
        .unwrap()
        .put(
            &js_sys::Uint8Array::from(plain.as_slice()).into(),
            Some(&format!("{id}/1-incremental/plain").into()),
        )
        .unwrap()
        .await
        .unwrap();
    transaction.commit().unwrap().await.unwrap();
    db.close();

    let loaded = ProgrammeDocument::load(&store.load(id).await.unwrap().unwrap()).unwrap();
    assert_eq!(loaded.programme(), document.programme());
    store.delete(id).await.unwrap();
}

/// Whether this browser lets a page write a file of the origin private file
/// system (where the record key is kept), asked of the browser directly.
async fn key_file_writable() -> bool {
    let probe = js_sys::Function::new_no_args(
        "return (async () => {
            try {
                const directory = await navigator.storage.getDirectory();
                const handle = await directory.getFileHandle('tandem-probe', { create: true });
                const writable = typeof handle.createWritable === 'function';
                await directory.removeEntry('tandem-probe');
                return writable;
            } catch (error) {
                return false;
            }
        })()",
    );
    let promise: js_sys::Promise = probe
        .call0(&wasm_bindgen::JsValue::NULL)
        .unwrap()
        .unchecked_into();
    wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .ok()
        .and_then(|writable| writable.as_bool())
        .unwrap_or(false)
}

#[wasm_bindgen_test]
fn the_engine_is_told_from_the_user_agent_safari_on_an_iphone_included() {
    use tandem::browser::Engine;
    let safari = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";
    let chrome_on_iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/126.0.6478.54 Mobile/15E148 Safari/604.1";
    let webkitgtk = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/60.5 Safari/605.1.15";
    let chromium = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36";
    let firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:153.0) Gecko/20100101 Firefox/153.0";
    assert_eq!(Engine::from_user_agent(safari), Engine::WebKit);
    assert_eq!(Engine::from_user_agent(chrome_on_iphone), Engine::WebKit);
    assert_eq!(Engine::from_user_agent(webkitgtk), Engine::WebKit);
    assert_eq!(Engine::from_user_agent(chromium), Engine::Chromium);
    assert_eq!(Engine::from_user_agent(firefox), Engine::Gecko);
    // Only WebKit not started from the home screen loses unvisited storage.
    assert_eq!(
        tandem::browser::storage_expires_unvisited(),
        Engine::current() == Engine::WebKit && !tandem::browser::installed()
    );
}

/// Leaves `read` where `index.html` leaves its early read.
fn leave_early_read(read: &wasm_bindgen::JsValue) {
    let promise = js_sys::Promise::resolve(read);
    js_sys::Reflect::set(&js_sys::global(), &"tandemEarlyRead".into(), &promise).unwrap();
}

#[wasm_bindgen_test]
async fn the_read_made_before_the_app_started_is_taken_once_and_only_for_its_programme() {
    const DATABASE: &str = "tandem-test-early";
    allow_storing();
    let store = ProgrammeStore::open_named(DATABASE).await.unwrap();
    let author = Author::new("Petra Probe");
    let mut document = ProgrammeDocument::create(&author, kassel_region()).unwrap();
    let id = document.id();
    let snapshot = document.save();
    let key = store
        .put_chunk(id, ChunkKind::Snapshot, &document.heads_key(), &snapshot)
        .await
        .unwrap();
    store.put_view(id, b"the view's bytes").await.unwrap();

    // What index.html reads: the sealed records as they are stored.
    let read = js_sys::Object::new();
    let set = |name: &str, value: wasm_bindgen::JsValue| {
        js_sys::Reflect::set(&read, &name.into(), &value).unwrap();
    };
    set("id", id.to_string().into());
    let keys = js_sys::Array::of1(&key.clone().into());
    set("keys", keys.into());
    let sealed = raw_record(DATABASE, &key).await;
    let values = js_sys::Array::of1(&js_sys::Uint8Array::from(sealed.as_slice()).into());
    set("values", values.into());
    let view = raw_record(DATABASE, &format!("view:{id}")).await;
    set("view", js_sys::Uint8Array::from(view.as_slice()).into());

    // Another programme's address: not used, and gone.
    leave_early_read(&read);
    let other = ProgrammeDocument::create(&author, kassel_region()).unwrap();
    assert!(take_early_read(other.id()).await.is_none());
    assert!(take_early_read(id).await.is_none());

    // A key file read while it was being written is no key: passed by.
    let record_key = js_sys::Object::new();
    js_sys::Reflect::set(&record_key, &"number".into(), &1.into()).unwrap();
    let short = js_sys::Uint8Array::from(&[1u8, 2, 3][..]);
    js_sys::Reflect::set(&record_key, &"bytes".into(), &short.into()).unwrap();
    set("recordKey", record_key.into());
    leave_early_read(&read);
    let early = take_early_read(id).await.expect("the early read is used");
    let (chunk_keys, bytes) = early.chunks.expect("the chunks were read");
    assert_eq!(chunk_keys, vec![key]);
    assert_eq!(bytes, snapshot, "the chunk is opened");
    assert_eq!(early.view.as_deref(), Some(&b"the view's bytes"[..]));
    // Taken once: a later opening reads the store itself.
    assert!(take_early_read(id).await.is_none());

    // Nothing stored for the programme: read as such, not as a failure.
    set("keys", js_sys::Array::new().into());
    set("values", js_sys::Array::new().into());
    set("view", wasm_bindgen::JsValue::UNDEFINED);
    leave_early_read(&read);
    let early = take_early_read(id).await.expect("the early read is used");
    assert!(early.chunks.is_none() && early.view.is_none());
    store.delete(id).await.unwrap();
}

/// Waits until Leptos has drawn what a change or a new address asks for.
async fn next_frame() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let _ = web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 20);
    });
    wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
}

#[wasm_bindgen_test]
async fn every_page_has_a_route_and_its_address_reads_back_as_the_same_page() {
    use tandem::Page;
    use tandem_core::{EventId, PersonId, ProgrammeId, TandemId};

    let window = web_sys::window().unwrap();
    let document = window.document().unwrap();
    let history = window.history().unwrap();
    let pages = Page::one_of_each(
        ProgrammeId::random(),
        PersonId::random(),
        TandemId::random(),
        EventId::random(),
    );
    assert_eq!(Page::from_path("/programme/not-an-id"), None);
    assert_eq!(Page::from_path("/nowhere"), None);

    // An unknown address is the control: the table shows "not found" there.
    let mut addresses: Vec<(String, bool)> = vec![("/nowhere".to_string(), false)];
    for page in pages {
        assert_eq!(Page::from_path(&page.path()), Some(page), "{page:?}");
        addresses.push((page.path(), true));
    }
    for (address, known) in addresses {
        history
            .replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&address))
            .unwrap();
        let host = document.create_element("div").unwrap();
        document.body().unwrap().append_child(&host).unwrap();
        let host: web_sys::HtmlElement = host.dyn_into().unwrap();
        let mounted = leptos::mount::mount_to(host.clone(), tandem::App);
        next_frame().await;
        let not_found = host
            .query_selector("[data-testid=not-found]")
            .unwrap()
            .is_some();
        assert_eq!(not_found, !known, "{address}");
        drop(mounted);
        host.remove();
    }
    history
        .replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some("/"))
        .unwrap();
}

#[wasm_bindgen_test]
async fn a_room_key_kept_in_localstorage_by_an_earlier_version_moves_into_the_sealed_store_without_loss(
) {
    let programme = tandem_core::ProgrammeId::random();
    let key = SyncRecord::key(programme);
    let room_key = "q1Ww7Lr0YkS2m3v9c8n4b5x6z7a8s9d0f1g2h3j4k5l";
    let record = SyncRecord {
        invite: format!("room={}&key={room_key}", "a1".repeat(16)),
        relay: Some("wss://relay.example.org/sync".into()),
        last_seen: 41,
        acknowledged: vec!["c0ffee".into()],
        snapshot_at: 7,
        device: None,
        owner: None,
    };
    let local = web_sys::window().unwrap().local_storage().unwrap().unwrap();
    local
        .set_item(&key, &serde_json::to_string(&record).unwrap())
        .unwrap();
    let sealed = tandem::storage::records_sealed().await.unwrap();
    if !sealed {
        // Where nothing can be sealed, the record stays where it is until
        // the user chooses: read, never lost.
        disallow_storing();
        assert_eq!(SyncRecord::load(programme).await, Some(record.clone()));
        assert!(local.get_item(&key).unwrap().is_some(), "kept in place");
        allow_storing();
    }

    // Read once: it is the same record, and it has left localStorage.
    assert_eq!(SyncRecord::load(programme).await, Some(record.clone()));
    assert_eq!(
        local.get_item(&key).unwrap(),
        None,
        "no longer in localStorage"
    );
    assert_eq!(SyncRecord::load(programme).await, Some(record.clone()));

    // At rest the room key is sealed wherever the browser can seal.
    let stored = raw_record("tandem", &key).await;
    let holds_key = stored
        .windows(room_key.len())
        .any(|window| window == room_key.as_bytes());
    assert_eq!(
        holds_key, !sealed,
        "the room key is readable only where nothing seals"
    );
    if sealed {
        assert!(stored.starts_with(b"TSL1"), "the record is sealed");
    }

    // Progress is stored sealed too, and stopping forgets it everywhere.
    let later = SyncRecord {
        last_seen: 42,
        ..record
    };
    later.save(programme).await.unwrap();
    assert_eq!(SyncRecord::load(programme).await, Some(later));
    SyncRecord::remove_at(&key).await;
    assert_eq!(SyncRecord::load(programme).await, None);
    assert_eq!(local.get_item(&key).unwrap(), None);
}

/// A tandem page's record is a record of its own that keeps no device;
/// records an earlier version stored for a page (as a programme's record,
/// with `"device": null`) still load, sealed or kept plain in localStorage.
#[wasm_bindgen_test]
async fn a_page_record_stored_by_an_earlier_version_still_loads() {
    use tandem::settings::PageRecord;
    allow_storing();
    let invite = format!(
        "room={}&key=q1Ww7Lr0YkS2m3v9c8n4b5x6z7a8s9d0f1g2h3j4k5l",
        "b2".repeat(16)
    );

    // Sealed, as the earlier version saved it.
    let sealed_key = PageRecord::page_key(tandem_core::TandemId::random());
    let earlier: SyncRecord = SyncRecord {
        invite: invite.clone(),
        relay: Some("wss://relay.example.org/sync".into()),
        last_seen: 12,
        acknowledged: vec!["c0ffee".into()],
        snapshot_at: 3,
        device: None,
        owner: None,
    };
    earlier.save_at(&sealed_key).await.unwrap();
    let page = PageRecord::load_at(&sealed_key).await.unwrap();
    assert_eq!(
        (page.invite.as_str(), page.relay.as_deref(), page.last_seen),
        (invite.as_str(), Some("wss://relay.example.org/sync"), 12)
    );
    assert_eq!(
        (
            page.acknowledged.clone(),
            page.snapshot_at,
            page.device.is_none()
        ),
        (vec!["c0ffee".to_string()], 3, true)
    );
    // Saved again as a page's record, it reads back the same.
    page.save_at(&sealed_key).await.unwrap();
    assert_eq!(PageRecord::load_at(&sealed_key).await, Some(page));
    SyncRecord::remove_at(&sealed_key).await;

    // Plain in localStorage, as the earliest versions kept it: the very
    // text they wrote.
    let plain_key = PageRecord::page_key(tandem_core::TandemId::random());
    let written = format!(
        r#"{{"invite":"{invite}","relay":null,"last_seen":5,"acknowledged":[],"snapshot_at":0,"device":null}}"#
    );
    let local = web_sys::window().unwrap().local_storage().unwrap().unwrap();
    local.set_item(&plain_key, &written).unwrap();
    let page = PageRecord::load_at(&plain_key).await.unwrap();
    assert_eq!(
        (
            page.invite.as_str(),
            page.relay,
            page.last_seen,
            page.device
        ),
        (invite.as_str(), None, 5, None)
    );
    SyncRecord::remove_at(&plain_key).await;
    assert_eq!(PageRecord::load_at(&plain_key).await, None);
}
