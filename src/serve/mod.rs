//! `jindu serve`: a local web workbench over one workspace folder, for analysts who
//! work in a browser. This module owns the HTTP server (tiny_http, a few worker
//! threads, bound to loopback unless told otherwise) and the security gate every
//! request passes: the `Host` header must be `localhost` or an IP address with our
//! port (a rebound domain name is refused), the random access token must come in the
//! URL once (then as an HttpOnly SameSite=Strict cookie), posts need the CSRF token
//! and a size under the upload limit. The pages in [`pages`] are thin: they validate
//! form fields into the library's requests and call the same functions as the command
//! line ([`crate::metrics`], [`crate::query`], [`crate::chart`], [`crate::output`],
//! [`crate::input`]; reports through the one function [`reports::render_pdfs`]).
//! Disclosure control is on unless the server was started with `--raw`; no page or
//! log line carries a raw ID number or name (the datasets hold pseudonyms only,
//! quarantined rows are shown as line numbers and codes).

pub mod html;
pub mod http;
pub mod pages;
pub mod reports;
pub mod workspace;

use std::io::Read as _;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context as _, Result};
use hmac::{KeyInit, Mac};

use self::html::Lang;
use self::http::{Req, Resp, host_allowed, same_secret};
use self::workspace::Workspace;
use crate::publish::Rule;

/// Validated settings of a server.
#[derive(Debug, Clone)]
pub struct Config {
    /// The workspace folder (datasets and exports in it and below it).
    pub root: PathBuf,
    pub listen: IpAddr,
    /// 0 picks a free port.
    pub port: u16,
    /// Disclosure control off (`--raw`).
    pub raw: bool,
    pub rule: Rule,
    /// Largest request body accepted, in bytes.
    pub max_upload: u64,
    /// Longest time an ad-hoc or saved query may run.
    pub query_timeout: Duration,
    /// Most rows a query result keeps.
    pub max_rows: usize,
    /// Pseudonymisation key for imports (`None`: a random key per import).
    pub key_file: Option<PathBuf>,
    pub threads: usize,
}

/// The shared state of the pages.
pub struct App {
    pub cfg: Config,
    pub ws: Workspace,
    token: String,
    pub csrf: String,
    port: u16,
    pub jobs: pages::Jobs,
}

/// A running server.
pub struct Server {
    app: Arc<App>,
    http: Arc<tiny_http::Server>,
    pub addr: SocketAddr,
}

const TOKEN_COOKIE: &str = "jindu_token";
const LANG_COOKIE: &str = "jindu_lang";

static STYLE: &str = include_str!("assets/style.css");
static APP_JS: &str = include_str!("assets/app.js");

fn random_hex(n: usize) -> Result<String> {
    let mut b = vec![0u8; n];
    getrandom::fill(&mut b).map_err(|e| anyhow::anyhow!("no random numbers: {e}"))?;
    Ok(hex::encode(b))
}

impl Server {
    /// Binds the listening socket and prepares the workspace; [`Server::run`] serves.
    pub fn bind(cfg: Config) -> Result<Server> {
        let ws = Workspace::new(&cfg.root)?;
        let http = tiny_http::Server::http(SocketAddr::new(cfg.listen, cfg.port))
            .map_err(|e| anyhow::anyhow!("cannot listen on {}:{}: {e}", cfg.listen, cfg.port))?;
        let addr = http
            .server_addr()
            .to_ip()
            .context("the server has no IP address")?;
        let token = random_hex(16)?;
        // The CSRF token is derived from the access token: valid for this server only.
        let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(token.as_bytes())
            .expect("HMAC takes any key length");
        mac.update(b"jindu serve csrf");
        let csrf = hex::encode(mac.finalize().into_bytes());
        Ok(Server {
            app: Arc::new(App {
                cfg,
                ws,
                token,
                csrf,
                port: addr.port(),
                jobs: pages::Jobs::default(),
            }),
            http: Arc::new(http),
            addr,
        })
    }

    /// The address to open, with the access token.
    pub fn url(&self) -> String {
        let host = match self.addr.ip() {
            IpAddr::V6(ip) => format!("[{ip}]"),
            IpAddr::V4(ip) if ip.is_unspecified() => "127.0.0.1".into(),
            IpAddr::V4(ip) => ip.to_string(),
        };
        format!(
            "http://{host}:{}/?token={}",
            self.addr.port(),
            self.app.token
        )
    }

    /// Serves requests on `cfg.threads` workers until the process ends.
    pub fn run(self) {
        let mut workers = Vec::new();
        for _ in 0..self.app.cfg.threads.max(1) {
            let app = self.app.clone();
            let http = self.http.clone();
            workers.push(std::thread::spawn(move || {
                while let Ok(rq) = http.recv() {
                    serve_one(&app, rq);
                }
            }));
        }
        for w in workers {
            let _ = w.join();
        }
    }
}

/// Sends a response with the security headers every page carries.
fn send(rq: tiny_http::Request, r: Resp) {
    // Always a Content-Length (no chunked encoding): every body is complete in memory.
    let mut resp = tiny_http::Response::from_data(r.body)
        .with_status_code(r.status)
        .with_chunked_threshold(usize::MAX);
    let mut add = |k: &str, v: &str| {
        if let Ok(h) = tiny_http::Header::from_bytes(k.as_bytes(), v.as_bytes()) {
            resp.add_header(h);
        }
    };
    add("Content-Type", r.content_type);
    add("Cache-Control", "no-store");
    add("X-Content-Type-Options", "nosniff");
    add("Referrer-Policy", "no-referrer");
    add(
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; \
         script-src 'self'; object-src 'self'; frame-src 'self'; frame-ancestors 'self'; \
         form-action 'self'; base-uri 'none'",
    );
    for (k, v) in &r.headers {
        add(k, v);
    }
    let _ = rq.respond(resp);
}

fn serve_one(app: &App, mut rq: tiny_http::Request) {
    let method = rq.method().as_str().to_ascii_uppercase();
    let url = rq.url().to_string();
    let mut headers = std::collections::BTreeMap::new();
    for h in rq.headers() {
        headers.insert(
            h.field.as_str().as_str().to_ascii_lowercase(),
            h.value.as_str().to_string(),
        );
    }
    let (path, query) = match url.split_once('?') {
        Some((p, q)) => (p.to_string(), q.to_string()),
        None => (url.clone(), String::new()),
    };
    let mut req = Req {
        method,
        path,
        query: http::parse_form(&query),
        headers,
        files: Vec::new(),
    };
    let resp = gate(app, &mut req, &mut rq).unwrap_or_else(|| {
        let lang = lang_of(&req);
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            pages::route(app, &req, lang)
        }))
        .unwrap_or_else(|_| Resp::text(500, "internal error (see the server's terminal)"))
    });
    // The log names the method, the path and the status: never a query string (it
    // may hold SQL text) nor a body.
    eprintln!("{} {} {}", req.method, req.path, resp.status);
    send(rq, resp);
}

fn lang_of(req: &Req) -> Lang {
    match req.cookie(LANG_COOKIE).as_deref() {
        Some("en") => Lang::En,
        _ => Lang::Zh,
    }
}

/// The security gate: `Some(response)` stops the request here.
fn gate(app: &App, req: &mut Req, rq: &mut tiny_http::Request) -> Option<Resp> {
    if !host_allowed(req.header("host"), app.port) {
        return Some(Resp::text(
            403,
            "403: this server answers only to its own address (Host header refused)",
        ));
    }
    if let Some(t) = req.get("token") {
        if !same_secret(t, &app.token) {
            return Some(Resp::text(401, "401: wrong access token"));
        }
        // Trade the token in the URL for a cookie, and drop it from the address bar.
        let cookie = format!(
            "{TOKEN_COOKIE}={}; HttpOnly; SameSite=Strict; Path=/",
            app.token
        );
        let path = if req.path == "/" { "/data" } else { &req.path };
        let rest: Vec<(&str, &str)> = req
            .query
            .iter()
            .filter(|(k, _)| k != "token")
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let to = if rest.is_empty() {
            path.to_string()
        } else {
            format!("{path}?{}", http::to_query(&rest))
        };
        return Some(Resp::redirect(&to).with("Set-Cookie", &cookie));
    }
    match req.cookie(TOKEN_COOKIE) {
        Some(c) if same_secret(&c, &app.token) => {}
        _ => {
            return Some(Resp::text(
                401,
                "401: open the address printed by `jindu serve` (it carries the access token)",
            ));
        }
    }
    if req.method == "GET" || req.method == "HEAD" {
        return match req.path.as_str() {
            "/assets/style.css" => Some(Resp::bytes(
                "text/css; charset=utf-8",
                STYLE.as_bytes().to_vec(),
            )),
            "/assets/app.js" => Some(Resp::bytes(
                "text/javascript; charset=utf-8",
                APP_JS.as_bytes().to_vec(),
            )),
            "/lang" => {
                let to = if req.get("to") == Some("en") {
                    "en"
                } else {
                    "zh"
                };
                let back = req
                    .get("back")
                    .filter(|b| b.starts_with('/') && !b.starts_with("//") && !b.contains('\\'))
                    .unwrap_or("/data");
                let cookie = format!("{LANG_COOKIE}={to}; SameSite=Strict; Path=/");
                Some(Resp::redirect(back).with("Set-Cookie", &cookie))
            }
            _ => None,
        };
    }
    if req.method != "POST" {
        return Some(Resp::text(405, "405: method not allowed"));
    }
    // A post comes from our own pages only.
    if let Some(origin) = req.header("origin") {
        let host = req.header("host").unwrap_or("");
        if origin != format!("http://{host}") {
            return Some(Resp::text(403, "403: cross-site request refused"));
        }
    }
    let limit = app.cfg.max_upload;
    if rq.body_length().is_some_and(|n| n as u64 > limit) {
        return Some(too_large(limit));
    }
    let mut body = Vec::new();
    if rq
        .as_reader()
        .take(limit + 1)
        .read_to_end(&mut body)
        .is_err()
    {
        return Some(Resp::text(400, "400: the request body could not be read"));
    }
    if body.len() as u64 > limit {
        return Some(too_large(limit));
    }
    let ct = req.header("content-type").unwrap_or("").to_string();
    if let Some(b) = http::boundary(&ct) {
        let Some(parts) = http::multipart(&body, &b) else {
            return Some(Resp::text(400, "400: malformed multipart body"));
        };
        for p in parts {
            if p.file_name.is_some() {
                req.files.push(p);
            } else {
                req.query
                    .push((p.name, String::from_utf8_lossy(&p.data).into_owned()));
            }
        }
    } else {
        req.query
            .extend(http::parse_form(&String::from_utf8_lossy(&body)));
    }
    match req.get("csrf") {
        Some(t) if same_secret(t, &app.csrf) => None,
        _ => Some(Resp::text(
            403,
            "403: missing or wrong CSRF token (reload the page and try again)",
        )),
    }
}

fn too_large(limit: u64) -> Resp {
    Resp::text(
        413,
        &format!(
            "413: the upload is larger than the limit of {} MB (start jindu serve with a larger --max-upload-mb)",
            limit / (1024 * 1024)
        ),
    )
}
