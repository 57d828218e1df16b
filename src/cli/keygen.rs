//! `jindu keygen`: writes a new random 256-bit pseudonymisation key (mode 0600, never
//! overwritten).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::Args;

use crate::input::pseudo;

#[derive(Debug, Args)]
pub struct KeygenArgs {
    /// Where to write the key (never overwritten).
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
}

pub fn run(a: KeygenArgs) -> Result<ExitCode> {
    let key = pseudo::keygen(&a.out)?;
    println!(
        "{}",
        crate::tr!(CliKeyWritten, path = a.out.display(), id = key.id())
    );
    Ok(ExitCode::SUCCESS)
}
