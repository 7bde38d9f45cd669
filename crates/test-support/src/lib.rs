//! What the tests of several Tandem crates share, as a crate of its own
//! (a dev-dependency only) rather than a file each test includes by path:
//! the seeded fuzzer that runs on stable Rust inside `cargo test`.

pub mod fuzz;
