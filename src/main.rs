//! The `jindu` binary: hands the command line to [`jindu::cli::main`], which chooses
//! the language of the messages, parses the arguments and dispatches.

/// The program's allocator: mimalloc. The import allocates and frees a few small
/// values per row on several threads (tens of millions of rows); glibc's allocator
/// spent about a sixth of the import's CPU time on them. Outputs do not depend on it.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    jindu::cli::main()
}
