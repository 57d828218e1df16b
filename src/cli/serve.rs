//! `jindu serve`: starts the local web workbench ([`crate::serve`]) over a workspace
//! folder, prints its address with the access token and opens the browser.

use std::io::Write as _;
use std::net::IpAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context as _, Result, bail};
use clap::Args;

use crate::publish::Rule;
use crate::serve::{Config, Server};
use crate::tr;

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The workspace folder: datasets written by `jindu import` and export folders in
    /// it (or the folder itself), and new imports (default: the current folder).
    #[arg(value_name = "DATA_OR_WORKSPACE")]
    pub workspace: Option<PathBuf>,
    /// Port to listen on (0: any free port; the address is printed).
    #[arg(long, default_value_t = 8765)]
    pub port: u16,
    /// Do not open the browser.
    #[arg(long)]
    pub no_open: bool,
    /// Listen on this address instead of 127.0.0.1 (other machines can then reach
    /// the workbench: they still need the token).
    #[arg(long, value_name = "ADDR")]
    pub listen: Option<IpAddr>,
    /// Show figures without disclosure control (small counts visible). Not for
    /// publication.
    #[arg(long)]
    pub raw: bool,
    /// Publication threshold: counts below it (and above 0) are hidden.
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub threshold: u64,
    /// Largest upload, in MiB.
    #[arg(long, value_name = "MB", default_value_t = 200)]
    pub max_upload_mb: u64,
    /// Time limit of a query, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 60)]
    pub query_timeout: u64,
    /// Most rows a query result keeps.
    #[arg(long, value_name = "N", default_value_t = 100_000)]
    pub max_rows: usize,
    /// Pseudonymisation key file for imports (from `jindu keygen`).
    #[arg(long, value_name = "FILE", env = "JINDU_KEY_FILE")]
    pub key_file: Option<PathBuf>,
}

/// Opens `url` in the desktop's browser; failure only means the user opens it.
fn open_browser(url: &str) {
    let cmd: &[&str] = if cfg!(target_os = "windows") {
        &["cmd", "/C", "start", ""]
    } else if cfg!(target_os = "macos") {
        &["open"]
    } else {
        &["xdg-open"]
    };
    let _ = std::process::Command::new(cmd[0])
        .args(&cmd[1..])
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
}

pub fn run(a: ServeArgs) -> Result<ExitCode> {
    if a.threshold == 0 {
        bail!("{}", tr!(ServeBadThreshold));
    }
    if a.max_upload_mb == 0 || a.query_timeout == 0 || a.max_rows == 0 {
        bail!("{}", tr!(ServeBadLimits));
    }
    let root = match a.workspace {
        Some(p) => p,
        None => std::env::current_dir().context("the current folder")?,
    };
    let listen = a.listen.unwrap_or(IpAddr::from([127, 0, 0, 1]));
    if a.key_file.is_some() {
        // Fail now rather than at the first import.
        crate::input::pseudo::Key::load(a.key_file.as_deref().expect("checked"))?;
    }
    let server = Server::bind(Config {
        root,
        listen,
        port: a.port,
        raw: a.raw,
        rule: Rule {
            threshold: a.threshold,
        },
        max_upload: a.max_upload_mb * 1024 * 1024,
        query_timeout: Duration::from_secs(a.query_timeout),
        max_rows: a.max_rows,
        key_file: a.key_file,
        threads: 4,
    })?;
    let url = server.url();
    // The address goes to stdout in one write; a closed stdout (a launcher that read
    // the first line and went away) must not stop the server.
    let mut banner = tr!(ServeBanner, url = url, addr = server.addr);
    if a.raw {
        banner = format!("{banner}; {}", tr!(ServeRawMode));
    }
    banner.push('\n');
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(banner.as_bytes()).and_then(|()| out.flush());
    drop(out);
    if !listen.is_loopback() {
        eprintln!(
            "{}",
            tr!(CliWarning, warning = tr!(ServeWarnListen, addr = listen))
        );
    }
    if !a.no_open {
        open_browser(&url);
    }
    server.run();
    Ok(ExitCode::SUCCESS)
}
