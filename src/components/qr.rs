//! Links to hand over at a workshop: shown as a QR code, and selected
//! whole when their field is focused, ready to copy.

use leptos::prelude::*;

use crate::i18n::use_i18n;

/// A link as a QR code (SVG markup), or nothing if it is too long for one.
pub(crate) fn qr_svg(link: &str) -> Option<String> {
    use qrcode::render::svg;
    let code = qrcode::QrCode::new(link.as_bytes()).ok()?;
    Some(
        code.render::<svg::Color>()
            .min_dimensions(240, 240)
            .quiet_zone(true)
            .build(),
    )
}

/// Selects the whole text of the focused input (a link to copy).
pub(crate) fn select_all(event: &web_sys::FocusEvent) {
    use wasm_bindgen::JsCast;
    if let Some(input) = event
        .target()
        .and_then(|target| target.dyn_into::<web_sys::HtmlInputElement>().ok())
    {
        input.select();
    }
}

/// A QR code (from [`qr_svg`]) folded away under "QR code"; `label`
/// is the translation key of what the image says to a screen reader.
#[component]
pub(crate) fn QrDisclosure(svg: String, label: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <details class="disclosure">
            <summary>{move || i18n.t("share-qr")}</summary>
            <div class="qr-code" role="img" aria-label=move || i18n.t(label) inner_html=svg></div>
        </details>
    }
}
