//! Runs the matching in the matching worker (see `src/workers/matching.rs`),
//! so the board stays usable while a large cohort is scored.
//!
//! A run gathers the cohort on the page ([`MatchingPlan::new`], quick),
//! sends the plan's input to the worker as JSON, and turns the worker's
//! answer back into suggestions with the plan
//! ([`MatchingPlan::finish`]). Every run has a number; only the answer to
//! the newest run is shown, answers to older runs are dropped.
//!
//! If the worker cannot start (a browser without workers, a file that
//! failed to load), runs are computed on the page instead, and the board
//! says so: the page is then busy for the length of a run.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use leptos::prelude::*;
use serde::Serialize;
use tandem_core::{solve, Matching, MatchingInput, MatchingOutput, MatchingPlan, SolveReply};
use wasm_bindgen::prelude::*;
use web_sys::{MessageEvent, Worker};

use crate::session::ProgrammeSession;

/// Where Trunk puts the worker's start script (see `index.html`).
const WORKER_SCRIPT: &str = "/matching-worker_loader.js";

/// What the board shows of the runs.
#[derive(Clone, Copy)]
pub(crate) struct RunSignals {
    /// The suggestions of the newest finished run.
    pub result: RwSignal<Matching>,
    /// A run is under way.
    pub computing: RwSignal<bool>,
    /// The number of the run whose suggestions are shown (0: none yet).
    pub shown_run: RwSignal<u64>,
    /// Runs are computed on the page because the worker could not start.
    pub on_page: RwSignal<bool>,
}

/// The matching worker of one board, and the runs sent to it.
#[derive(Clone)]
pub(crate) struct MatchingRunner {
    state: Rc<RefCell<State>>,
    session: ProgrammeSession,
    signals: RunSignals,
}

struct State {
    worker: Option<Worker>,
    /// The worker said it takes requests.
    ready: bool,
    /// A request waiting for the worker to be ready.
    waiting: Option<String>,
    /// The newest run's number.
    run: u64,
    /// The newest run's plan, until its answer arrives.
    plan: Option<MatchingPlan>,
    /// Kept alive as long as the worker.
    handlers: Vec<Closure<dyn Fn(web_sys::Event)>>,
}

/// A [`tandem_core::SolveRequest`] without copying the input.
#[derive(Serialize)]
struct Request<'a> {
    run: u64,
    input: &'a MatchingInput,
}

impl MatchingRunner {
    /// Starts the worker (or notes that runs happen on the page).
    pub(crate) fn new(session: ProgrammeSession, signals: RunSignals) -> Self {
        let runner = Self {
            state: Rc::new(RefCell::new(State {
                worker: None,
                ready: false,
                waiting: None,
                run: 0,
                plan: None,
                handlers: Vec::new(),
            })),
            session,
            signals,
        };
        runner.start_worker();
        runner
    }

    fn start_worker(&self) {
        let Ok(worker) = Worker::new(WORKER_SCRIPT) else {
            self.signals.on_page.set(true);
            return;
        };
        let on_message = {
            let runner = self.clone();
            Closure::<dyn Fn(web_sys::Event)>::new(move |event: web_sys::Event| {
                let Some(text) = event
                    .dyn_ref::<MessageEvent>()
                    .and_then(|message| message.data().as_string())
                else {
                    return;
                };
                match serde_json::from_str::<SolveReply>(&text) {
                    Ok(SolveReply::Ready) => runner.worker_ready(),
                    Ok(SolveReply::Solved { run, output }) => runner.deliver(run, &output),
                    // The worker could not read what the page sent: a
                    // fault of this page, so compute here instead.
                    Ok(SolveReply::Unreadable { .. }) | Err(_) => runner.fall_back(),
                }
            })
        };
        let on_error = {
            let runner = self.clone();
            Closure::<dyn Fn(web_sys::Event)>::new(move |event: web_sys::Event| {
                event.prevent_default();
                runner.fall_back();
            })
        };
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        let mut state = self.state.borrow_mut();
        state.worker = Some(worker);
        state.handlers = vec![on_message, on_error];
    }

    /// Starts a new run; the answers to earlier runs will be dropped.
    pub(crate) fn run(&self) {
        let Some(plan) = self.session.with_untracked(MatchingPlan::new) else {
            return;
        };
        self.signals.computing.set(true);
        let mut state = self.state.borrow_mut();
        state.run += 1;
        let run = state.run;
        let request = serde_json::to_string(&Request {
            run,
            input: plan.input(),
        })
        .unwrap_or_default();
        state.plan = Some(plan);
        let posted = match (&state.worker, state.ready) {
            (Some(worker), true) => Some(worker.post_message(&JsValue::from_str(&request)).is_ok()),
            (Some(_), false) => {
                state.waiting = Some(request);
                return;
            }
            (None, _) => None,
        };
        drop(state);
        match posted {
            Some(true) => {}
            Some(false) => self.fall_back(),
            None => self.on_page(run),
        }
    }

    fn worker_ready(&self) {
        let mut state = self.state.borrow_mut();
        state.ready = true;
        let waiting = state.waiting.take();
        if let (Some(worker), Some(request)) = (&state.worker, waiting) {
            if worker.post_message(&JsValue::from_str(&request)).is_err() {
                drop(state);
                self.fall_back();
            }
        }
    }

    /// The worker failed: from now on runs are computed on the page,
    /// starting with the one under way.
    fn fall_back(&self) {
        let mut state = self.state.borrow_mut();
        if let Some(worker) = state.worker.take() {
            worker.terminate();
        }
        state.waiting = None;
        let pending = state.plan.is_some().then_some(state.run);
        drop(state);
        self.signals.on_page.set(true);
        if let Some(run) = pending {
            self.on_page(run);
        }
    }

    /// Computes a run on the page, after the board has shown that it is
    /// computing.
    fn on_page(&self, run: u64) {
        let runner = self.clone();
        set_timeout(
            move || {
                let output = {
                    let state = runner.state.borrow();
                    match (&state.plan, state.run == run) {
                        (Some(plan), true) => solve(plan.input()),
                        _ => return,
                    }
                };
                runner.deliver(run, &output);
            },
            Duration::ZERO,
        );
    }

    /// Shows a run's answer, if it is the newest run.
    fn deliver(&self, run: u64, output: &MatchingOutput) {
        let plan = {
            let mut state = self.state.borrow_mut();
            if run != state.run {
                return;
            }
            state.plan.take()
        };
        let Some(plan) = plan else {
            return;
        };
        let matching = self
            .session
            .with_untracked(|programme| plan.finish(programme, output))
            .unwrap_or_default();
        self.signals.result.set(matching);
        self.signals.shown_run.set(run);
        self.signals.computing.set(false);
    }

    /// Stops the worker when the board closes.
    pub(crate) fn stop(&self) {
        let mut state = self.state.borrow_mut();
        if let Some(worker) = state.worker.take() {
            worker.terminate();
        }
        state.plan = None;
        state.handlers.clear();
    }
}
