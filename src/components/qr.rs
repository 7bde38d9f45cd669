//! Links to hand over at a workshop: shown as a QR code, and selected
//! whole when their field is focused, ready to copy.

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
