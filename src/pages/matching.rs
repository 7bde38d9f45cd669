//! The matching area: the board that suggests tandems, and the runner
//! that computes them in a web worker.

pub(crate) mod board;
mod runner;
