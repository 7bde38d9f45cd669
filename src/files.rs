//! Reading files the coordinator chooses or drops onto the page.

use wasm_bindgen::JsCast;

/// The first file of a file input's change event, or of a drop.
pub(crate) fn chosen_file(event: &web_sys::Event) -> Option<web_sys::File> {
    if let Some(drop) = event.dyn_ref::<web_sys::DragEvent>() {
        return drop.data_transfer()?.files()?.get(0);
    }
    let input = event
        .target()?
        .dyn_into::<web_sys::HtmlInputElement>()
        .ok()?;
    let file = input.files()?.get(0);
    // Choosing the same file again must fire a new change.
    input.set_value("");
    file
}

/// The bytes of a file.
pub(crate) async fn file_bytes(file: &web_sys::File) -> Result<Vec<u8>, ()> {
    let buffer = wasm_bindgen_futures::JsFuture::from(file.array_buffer())
        .await
        .map_err(|_| ())?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}
