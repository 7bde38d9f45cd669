//! The browser's clock, for the dates a coordinator does not type.

use tandem_core::Day;

/// Seconds since 1970, as change messages record them.
pub(crate) fn now_seconds() -> i64 {
    (js_sys::Date::now() / 1000.0) as i64
}

/// Today in the browser's time zone.
pub(crate) fn today() -> Day {
    let now = js_sys::Date::new_0();
    let text = format!(
        "{:04}-{:02}-{:02}",
        now.get_full_year(),
        now.get_month() + 1,
        now.get_date()
    );
    // The browser's own date always parses; a fixed day keeps the type total.
    Day::parse(&text).unwrap_or(Day::EPOCH)
}

/// Lets the browser draw and answer input before the work goes on: a task
/// queued behind what is waiting. (A message to itself: timers in a row
/// are held back to 4 ms each.)
pub(crate) async fn next_task() {
    let promise = js_sys::Promise::new(&mut |resolve, _| match web_sys::MessageChannel::new() {
        Ok(channel) => {
            channel.port1().set_onmessage(Some(&resolve));
            if channel
                .port2()
                .post_message(&wasm_bindgen::JsValue::NULL)
                .is_err()
            {
                let _ = resolve.call0(&wasm_bindgen::JsValue::NULL);
            }
        }
        Err(_) => {
            let _ = resolve.call0(&wasm_bindgen::JsValue::NULL);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// How long work in slices goes on before the browser may draw and answer.
const SLICE_MS: f64 = 12.0;

/// Runs `step` until it says it is done (`Ok(true)`) or fails, in slices
/// of about 12 ms with a [`next_task`] between them, so that the page is
/// never blocked for longer than a step and a slice.
pub(crate) async fn in_slices<E>(mut step: impl FnMut() -> Result<bool, E>) -> Result<(), E> {
    loop {
        let slice = js_sys::Date::now();
        loop {
            if step()? {
                return Ok(());
            }
            if js_sys::Date::now() - slice >= SLICE_MS {
                break;
            }
        }
        next_task().await;
    }
}
