//! The state-scale programme natively: 2,000 people, 1,000 tandems, 300
//! events with 15,000 attendance marks, made by more than 100,000 commands
//! of 6 coordinators (see `examples/state_scale/generate.rs`; made once
//! and kept under `~/.cache/tandem/state-scale/<seed>`). These are the
//! native figures beside the browser's (`bench/scale.mjs`):
//!
//! - opening: Automerge's own `load` of the saved bytes, and the whole
//!   opening of the programme (load, hydrate, the scan for values set
//!   twice at once);
//! - opening from the stored view (what the app shows first), and loading
//!   the document behind it afterwards (load and the check of its heads,
//!   without hydrating or scanning);
//! - one edit: a field of one person, applied and saved as the chunk the
//!   app stores;
//! - previewing one coordinator's file of 10,000 changes (who changed
//!   what, read from the changes' metadata), and merging it: preview,
//!   merge and the rule check the app shows afterwards.
//!
//! `TANDEM_SCALE_SEED` chooses another seed (default 1).

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use tandem_core::{Author, Command, ExchangeFile, PersonId, ProgrammeDocument, ProgrammeView};

// The generator writes a whole programme step by step; the 100-line limit
// is for the crate\'s code.
#[path = "../examples/state_scale/generate.rs"]
#[allow(clippy::too_many_lines)]
mod generate;

fn seed() -> u64 {
    std::env::var("TANDEM_SCALE_SEED")
        .ok()
        .and_then(|seed| seed.parse().ok())
        .unwrap_or(1)
}

fn state_scale(c: &mut Criterion) {
    let scale = generate::ensure(seed()).expect("the state-scale programme is made");
    let file = ExchangeFile::decode(&scale.file).expect("the generated file reads");
    let document = ProgrammeDocument::load(&scale.programme).expect("the programme opens");
    eprintln!(
        "state-scale programme: {} bytes saved, {} people, {} tandems, {} events, {} changes in the file",
        scale.programme.len(),
        document.programme().people.len(),
        document.programme().tandems.len(),
        document.programme().events.len(),
        document.preview(&file).map(|p| p.changes.len()).unwrap_or(0),
    );

    let mut group = c.benchmark_group("state-scale");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));

    group.bench_function("automerge load", |b| {
        b.iter(|| automerge::Automerge::load(black_box(&scale.programme)).expect("loads"))
    });
    group.bench_function("open (load + hydrate + scan)", |b| {
        b.iter(|| ProgrammeDocument::load(black_box(&scale.programme)).expect("opens"))
    });

    let chunks = vec!["state-scale".to_string()];
    let view = ProgrammeView::of(&document, &chunks).encode();
    eprintln!("the programme's view: {} bytes", view.len());
    group.bench_function("open from view (decode)", |b| {
        b.iter(|| ProgrammeView::decode(black_box(&view)).expect("the view reads"))
    });
    group.bench_function("attach document to view (load + check)", |b| {
        b.iter_batched(
            || ProgrammeView::decode(&view).expect("the view reads"),
            |view| {
                let (document, how) = view.attach(black_box(&scale.programme)).expect("attaches");
                assert_eq!(how, tandem_core::Attached::FromView);
                document
            },
            BatchSize::LargeInput,
        )
    });
    group.bench_function("write view (make + encode)", |b| {
        b.iter(|| ProgrammeView::of(black_box(&document), &chunks).encode())
    });

    let author = Author::new("Bench Koordinatorin");
    let person: PersonId = document
        .programme()
        .people
        .keys()
        .next()
        .copied()
        .expect("there are people");
    let mut edited = document.clone();
    let mut n = 0u64;
    group.bench_function("one edit (apply + incremental save)", |b| {
        b.iter(|| {
            n += 1;
            let mut details = edited.programme().people[&person].details.clone();
            details.phone = format!("0561 {n:06}");
            edited
                .apply(
                    &author,
                    1_900_000_000,
                    Command::UpdatePerson {
                        id: person,
                        details,
                    },
                )
                .expect("the edit applies");
            black_box(edited.save_incremental())
        })
    });

    group.bench_function("preview 10,000-change file", |b| {
        b.iter(|| {
            let preview = document
                .preview(black_box(&file))
                .expect("the file previews");
            assert_eq!(preview.changes.len(), 10_000);
            preview
        })
    });
    group.bench_function("merge 10,000-change file + rule check", |b| {
        b.iter_batched(
            || document.clone(),
            |mut here| {
                let preview = here.preview(&file).expect("the file previews");
                here.merge(preview).expect("the file merges");
                black_box(here.conflicts())
            },
            BatchSize::LargeInput,
        )
    });
    group.finish();
}

criterion_group!(benches, state_scale);
criterion_main!(benches);
