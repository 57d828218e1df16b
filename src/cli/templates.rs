//! `jindu templates`: the shipped report templates as files to start one's own from.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context as _, Result, bail};
use clap::{Args, Subcommand};

use crate::report::TemplateSource;

#[derive(Debug, Args)]
pub struct TemplatesArgs {
    #[command(subcommand)]
    pub command: TemplatesCommand,
}

#[derive(Debug, Subcommand)]
pub enum TemplatesCommand {
    /// Write the shipped templates (annual-bulletin.typ, county-brief.typ, …), the
    /// library lib.typ and an example settings.txt into DIR; render one with
    /// `jindu report DATA --template DIR/annual-bulletin.typ`.
    Init {
        /// The folder to write into (created if missing).
        dir: PathBuf,
        /// Overwrite files that exist.
        #[arg(long)]
        force: bool,
    },
}

/// The example settings file written by `templates init` (every line commented out, so
/// the shipped templates render as `jindu report` does).
const EXAMPLE_SETTINGS: &str = "\
# Office settings of the templates in this folder, read as `meta.KEY` (docs/templates.md).
# One `key = value` per line; `--set key=value` on the command line overrides a line.
# issuer = 某某市禁毒委员会办公室
# doc_number = 某禁毒办〔2026〕1号
# signed = 2026年1月15日
# contact = 联系人：张某　电话：0951-0000000
# cover = on
";

pub fn run(a: TemplatesArgs) -> Result<ExitCode> {
    match a.command {
        TemplatesCommand::Init { dir, force } => {
            std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
            let mut files: Vec<(&str, &str)> = TemplateSource::embedded_names()
                .filter_map(|n| TemplateSource::embedded(n).map(|t| (n, t)))
                .collect();
            files.push((super::report::SETTINGS_FILE, EXAMPLE_SETTINGS));
            if !force {
                let existing: Vec<String> = files
                    .iter()
                    .map(|(n, _)| dir.join(n))
                    .filter(|p| p.exists())
                    .map(|p| p.display().to_string())
                    .collect();
                if !existing.is_empty() {
                    bail!(
                        "{} exist already; pass --force to overwrite them",
                        existing.join(", ")
                    );
                }
            }
            for (name, text) in &files {
                super::write_atomically(&dir.join(name), text.as_bytes())?;
            }
            eprintln!(
                "wrote {} files to {}; render with `jindu report DATA --template {}`",
                files.len(),
                dir.display(),
                dir.join("annual-bulletin.typ").display()
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}
