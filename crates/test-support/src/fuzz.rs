//! A small seeded fuzzer that runs on stable Rust in `cargo test`: a byte
//! mutator (bit flips, random and "interesting" bytes, inserted, deleted,
//! repeated and spliced ranges, dictionary words), an execution budget, and
//! an allocation counter that measures the peak memory of each execution.
//!
//! `TANDEM_FUZZ_EXECS` sets the executions per target (CI runs a few
//! thousand), `TANDEM_FUZZ_SEED` the seed. An input that panics is written
//! to the temp folder and its seed and execution printed, so it can be
//! replayed.

use std::alloc::{GlobalAlloc, Layout, System};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Instant;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Counts the bytes allocated, to bound each execution's memory.
pub struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let pointer = unsafe { System.alloc(layout) };
        if !pointer.is_null() {
            let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(live, Ordering::Relaxed);
        }
        pointer
    }

    unsafe fn dealloc(&self, pointer: *mut u8, layout: Layout) {
        unsafe { System.dealloc(pointer, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, pointer: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let moved = unsafe { System.realloc(pointer, layout, new_size) };
        if !moved.is_null() {
            if new_size >= layout.size() {
                let live = LIVE.fetch_add(new_size - layout.size(), Ordering::Relaxed) + new_size
                    - layout.size();
                PEAK.fetch_max(live, Ordering::Relaxed);
            } else {
                LIVE.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
            }
        }
        moved
    }
}

/// Fuzz targets in one test binary run one at a time, so that the
/// allocation counter measures one execution.
pub static SERIAL: Mutex<()> = Mutex::new(());

/// Runs `work` and returns its result and the most memory it held at once
/// beyond what was held before.
pub fn peak_memory<T>(work: impl FnOnce() -> T) -> (T, usize) {
    let base = LIVE.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let result = work();
    let peak = PEAK.load(Ordering::Relaxed).saturating_sub(base);
    (result, peak)
}

fn env_number(name: &str) -> Option<u64> {
    let value = std::env::var(name).ok()?;
    value.trim().parse().ok()
}

/// Bytes that often break parsers.
const INTERESTING: [u8; 10] = [0, 1, 0x7f, 0x80, 0xff, 0xfe, b'\n', b'\r', b'"', b';'];

/// Mutates inputs from a corpus, seeded.
pub struct Mutator {
    pub rng: ChaCha8Rng,
    dictionary: Vec<Vec<u8>>,
    max_len: usize,
}

impl Mutator {
    pub fn new(seed: u64, dictionary: &[&[u8]], max_len: usize) -> Self {
        Self {
            rng: ChaCha8Rng::seed_from_u64(seed),
            dictionary: dictionary.iter().map(|word| word.to_vec()).collect(),
            max_len,
        }
    }

    /// A mutated copy of one of `corpus`.
    pub fn next(&mut self, corpus: &[Vec<u8>]) -> Vec<u8> {
        let rng = &mut self.rng;
        let mut data = corpus[rng.random_range(0..corpus.len())].clone();
        for _ in 0..rng.random_range(1..=4) {
            let len = data.len();
            match rng.random_range(0..10) {
                0 if len > 0 => {
                    let at = rng.random_range(0..len);
                    data[at] ^= 1 << rng.random_range(0..8);
                }
                1 if len > 0 => {
                    let at = rng.random_range(0..len);
                    data[at] = rng.random();
                }
                2 => {
                    let at = rng.random_range(0..=len);
                    let count = rng.random_range(1..=16);
                    let bytes: Vec<u8> = (0..count).map(|_| rng.random()).collect();
                    data.splice(at..at, bytes);
                }
                3 if len > 0 => {
                    let from = rng.random_range(0..len);
                    let to = (from + rng.random_range(1..=32)).min(len);
                    data.drain(from..to);
                }
                4 if len > 0 => {
                    let from = rng.random_range(0..len);
                    let to = (from + rng.random_range(1..=64)).min(len);
                    let piece = data[from..to].to_vec();
                    let at = rng.random_range(0..=len);
                    data.splice(at..at, piece);
                }
                5 if len > 0 => data.truncate(rng.random_range(0..len)),
                6 => {
                    let other = &corpus[rng.random_range(0..corpus.len())];
                    if !other.is_empty() {
                        let from = rng.random_range(0..other.len());
                        let to = (from + rng.random_range(1..=128)).min(other.len());
                        let at = rng.random_range(0..=len);
                        data.splice(at..at, other[from..to].iter().copied());
                    }
                }
                7 if len > 0 => {
                    let at = rng.random_range(0..len);
                    data[at] = INTERESTING[rng.random_range(0..INTERESTING.len())];
                }
                8 if !self.dictionary.is_empty() => {
                    let word = &self.dictionary[rng.random_range(0..self.dictionary.len())];
                    let at = rng.random_range(0..=len);
                    data.splice(at..at, word.iter().copied());
                }
                _ => {
                    let at = rng.random_range(0..=len);
                    let value: u64 = match rng.random_range(0..4) {
                        0 => u64::MAX,
                        1 => u32::MAX as u64,
                        2 => 1 << rng.random_range(0..63),
                        _ => rng.random(),
                    };
                    data.splice(at..at, leb128(value));
                }
            }
        }
        data.truncate(self.max_len);
        data
    }
}

/// `value` as unsigned LEB128, the length encoding Automerge and postcard use.
fn leb128(mut value: u64) -> Vec<u8> {
    let mut bytes = Vec::new();
    loop {
        let byte = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            bytes.push(byte);
            return bytes;
        }
        bytes.push(byte | 0x80);
    }
}

/// What one target's run found.
#[derive(Debug, Default)]
pub struct Report {
    pub executions: u64,
    pub refused: u64,
    pub accepted: u64,
    pub peak_bytes: usize,
}

/// Runs `target` on `executions` inputs from `input` (default
/// `default_executions`, or `TANDEM_FUZZ_EXECS`). `target` answers whether
/// the input was accepted; it panics on any broken promise. Each
/// execution may hold at most `memory_limit(input length)` bytes.
pub fn fuzz(
    name: &str,
    default_executions: u64,
    mut input: impl FnMut(&mut Mutator) -> Vec<u8>,
    mutator: &mut Mutator,
    memory_limit: impl Fn(usize) -> usize,
    mut target: impl FnMut(&[u8]) -> bool,
) -> Report {
    let _serial = SERIAL
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let executions = env_number("TANDEM_FUZZ_EXECS").unwrap_or(default_executions);
    let started = Instant::now();
    let mut report = Report::default();
    for execution in 0..executions {
        let data = input(mutator);
        let (outcome, peak) = peak_memory(|| catch_unwind(AssertUnwindSafe(|| target(&data))));
        match outcome {
            Ok(true) => report.accepted += 1,
            Ok(false) => report.refused += 1,
            Err(panic) => {
                let path = std::env::temp_dir().join(format!("tandem-fuzz-{name}-{execution}.bin"));
                std::fs::write(&path, &data).ok();
                eprintln!(
                    "fuzz {name}: execution {execution} (seed {}) panicked; input ({} bytes) written to {}",
                    seed(),
                    data.len(),
                    path.display()
                );
                std::panic::resume_unwind(panic);
            }
        }
        let limit = memory_limit(data.len());
        assert!(
            peak <= limit,
            "fuzz {name}: execution {execution} (seed {}) held {peak} bytes for an input of {} bytes (limit {limit})",
            seed(),
            data.len()
        );
        report.peak_bytes = report.peak_bytes.max(peak);
        report.executions += 1;
    }
    eprintln!(
        "fuzz {name}: {} executions in {:.1} s, {} accepted, {} refused, peak {} KiB",
        report.executions,
        started.elapsed().as_secs_f64(),
        report.accepted,
        report.refused,
        report.peak_bytes / 1024
    );
    report
}

/// The fuzzing seed: `TANDEM_FUZZ_SEED`, or a fixed one.
pub fn seed() -> u64 {
    env_number("TANDEM_FUZZ_SEED").unwrap_or(12)
}
