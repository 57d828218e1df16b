//! The `jindu` binary: hands the command line to [`jindu::cli::main`], which chooses
//! the language of the messages, parses the arguments and dispatches.

fn main() -> std::process::ExitCode {
    jindu::cli::main()
}
