//! Starts the participant's app (the tandem page from a personal link, and
//! the privacy notice) in the browser: see `tandem::participant`.

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(tandem::participant::ParticipantApp);
}
