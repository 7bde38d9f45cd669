//! Writes the state-scale programme (see `state_scale/generate.rs`) for
//! the benchmarks: the programme's saved bytes, a page per tandem, and the
//! `.tandem` file of one coordinator's last 10,000 changes.
//!
//! ```sh
//! cargo run --release -p tandem-core --example state_scale -- --seed 1
//! cargo run --release -p tandem-core --example state_scale -- --seed 1 --out /tmp/scale --force
//! ```
//!
//! It prints the folder it wrote (kept for later runs unless `--force`).

// The generator writes a whole programme step by step; the 100-line limit
// is for the crate\'s code.
#[path = "state_scale/generate.rs"]
#[allow(clippy::too_many_lines)]
mod generate;

use std::path::PathBuf;

fn main() -> std::io::Result<()> {
    let mut seed = 1u64;
    let mut out: Option<PathBuf> = None;
    let mut force = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--seed" => {
                let value = args.next().unwrap_or_default();
                seed = value.parse().map_err(|_| {
                    std::io::Error::other(format!("--seed needs a number, not „{value}“"))
                })?;
            }
            "--out" => out = args.next().map(PathBuf::from),
            "--force" => force = true,
            other => {
                return Err(std::io::Error::other(format!(
                    "unknown argument „{other}“ (use --seed N, --out DIR, --force)"
                )))
            }
        }
    }
    let dir = out.unwrap_or_else(|| generate::cache_dir(seed));
    if force || !dir.join("manifest.json").exists() {
        generate::generate(seed, &dir)?;
    }
    println!("{}", dir.display());
    Ok(())
}
