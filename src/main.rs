//! The `dpa` binary: parses arguments, runs the command, maps the outcome to an exit code.

mod cli;

use std::process::ExitCode;

/// Typst allocates and frees many small objects while laying out a document; mimalloc serves
/// them faster than the system allocator (the benchmark's cold `render --all` figures).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    ExitCode::from(cli::main())
}
