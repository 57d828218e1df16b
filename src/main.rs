//! The `jindu` binary: parses the command line and hands it to [`jindu::cli`].

use clap::Parser;

fn main() -> std::process::ExitCode {
    jindu::cli::dispatch(jindu::cli::Cli::parse())
}
