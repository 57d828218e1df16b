//! `jindu serve` over HTTP: the server is started on a free loopback port (`--port 0`)
//! over a workspace holding the basic fixture as a dataset, and every page and
//! download is fetched with a plain HTTP/1.1 client, including bad requests (token,
//! `Host`, CSRF, `..`, oversized and malformed uploads, failing SQL, concurrency).
//! Downloads are compared byte for byte with the matching `jindu` command, and the
//! numbers of the indicators table with `jindu metrics`. The browser test loads the
//! pages in headless Chromium and writes screenshots to `target/serve-screenshots/`.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};

use crate::common::*;

/// A running `jindu serve`, stopped on drop.
struct Served {
    child: Child,
    _stdout: BufReader<std::process::ChildStdout>,
    port: u16,
    token: String,
    ws: tempfile::TempDir,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A workspace with the basic fixture imported as the dataset `basic`.
fn workspace() -> tempfile::TempDir {
    let ws = tempfile::tempdir().unwrap();
    let o = run(&[
        "import",
        BASIC,
        "--out",
        ws.path().join("basic").to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    ws
}

fn serve(extra: &[&str]) -> Served {
    serve_in(workspace(), extra)
}

fn serve_in(ws: tempfile::TempDir, extra: &[&str]) -> Served {
    let mut child = jindu()
        .args([
            "serve",
            ws.path().to_str().unwrap(),
            "--port",
            "0",
            "--no-open",
        ])
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    stdout.read_line(&mut line).unwrap();
    // jindu serve: open http://127.0.0.1:PORT/?token=HEX
    let url = line.trim().rsplit(' ').next().unwrap().to_string();
    assert!(url.starts_with("http://127.0.0.1:"), "{line}");
    let rest = &url["http://127.0.0.1:".len()..];
    let port: u16 = rest[..rest.find('/').unwrap()].parse().unwrap();
    let token = url.rsplit("token=").next().unwrap().to_string();
    assert_eq!(token.len(), 32, "{url}");
    Served {
        child,
        _stdout: stdout,
        port,
        token,
        ws,
    }
}

struct Reply {
    status: u16,
    headers: String,
    body: Vec<u8>,
}

impl Reply {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    fn header(&self, name: &str) -> Option<String> {
        self.headers.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case(name).then(|| v.trim().to_string())
        })
    }
}

/// One HTTP/1.1 exchange (`Connection: close`), the raw request head given.
fn exchange(port: u16, head: &str, body: &[u8]) -> Reply {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.write_all(head.as_bytes()).unwrap();
    let _ = s.write_all(body);
    let mut buf = Vec::new();
    let _ = s.read_to_end(&mut buf);
    let split = buf
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a response head");
    let headers = String::from_utf8_lossy(&buf[..split]).into_owned();
    let status = headers.split(' ').nth(1).unwrap().parse().unwrap();
    Reply {
        status,
        headers,
        body: buf[split + 4..].to_vec(),
    }
}

impl Served {
    fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    fn cookie(&self) -> String {
        format!("jindu_token={}", self.token)
    }

    fn request(&self, method: &str, path: &str, extra: &str, body: &[u8]) -> Reply {
        let head = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nCookie: {}\r\nConnection: close\r\nContent-Length: {}\r\n{extra}\r\n",
            self.host(),
            self.cookie(),
            body.len()
        );
        exchange(self.port, &head, body)
    }

    fn get(&self, path: &str) -> Reply {
        self.request("GET", path, "", b"")
    }

    fn get_ok(&self, path: &str) -> String {
        let r = self.get(path);
        assert_eq!(r.status, 200, "{path}: {}", r.text());
        r.text()
    }

    fn csrf(&self) -> String {
        let page = self.get_ok("/data");
        let i = page.find("name=\"csrf\" value=\"").unwrap() + 19;
        page[i..i + 64].to_string()
    }

    fn post_form(&self, path: &str, form: &str) -> Reply {
        let r = self.request(
            "POST",
            path,
            "Content-Type: application/x-www-form-urlencoded\r\n",
            form.as_bytes(),
        );
        self.follow(r)
    }

    /// An import answers with the page of its job (303), which refreshes itself (202)
    /// while the import runs and then shows the report: wait for that.
    fn follow(&self, r: Reply) -> Reply {
        let Some(job) = r
            .header("Location")
            .filter(|l| r.status == 303 && l.starts_with("/data/job?id="))
        else {
            return r;
        };
        for _ in 0..600 {
            let r = self.get(&job);
            if r.status != 202 {
                return r;
            }
            assert!(r.text().contains("http-equiv=\"refresh\""));
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        panic!("the import job {job} did not end");
    }

    fn post_files(&self, fields: &[(&str, &str)], files: &[(&str, Vec<u8>)]) -> Reply {
        let b = "----jinduTestBoundary7MA4YWxk";
        let mut body = Vec::new();
        for (k, v) in fields {
            body.extend_from_slice(
                format!("--{b}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                    .as_bytes(),
            );
        }
        for (name, data) in files {
            body.extend_from_slice(
                format!("--{b}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{name}\"\r\nContent-Type: text/csv\r\n\r\n").as_bytes(),
            );
            body.extend_from_slice(data);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{b}--\r\n").as_bytes());
        let r = self.request(
            "POST",
            "/data/upload",
            &format!("Content-Type: multipart/form-data; boundary={b}\r\n"),
            &body,
        );
        self.follow(r)
    }
}

/// The parts of a workbook but its properties (which carry the time of writing).
fn xlsx_parts(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut out = Vec::new();
    for i in 0..z.len() {
        let mut f = z.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        if name == "docProps/core.xml" {
            continue;
        }
        let mut v = Vec::new();
        f.read_to_end(&mut v).unwrap();
        out.push((name, v));
    }
    assert!(out.iter().any(|(n, _)| n.starts_with("xl/worksheets/")));
    out
}

fn cli_stdout(args: &[&str]) -> Vec<u8> {
    let o = run(args);
    assert!(o.status.success(), "{args:?}: {}", stderr(&o));
    o.stdout
}

fn basic_files() -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = std::fs::read_dir(BASIC)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    v.sort();
    v
}

/// The raw ID numbers and names of the fixture: none may reach a page.
fn fixture_secrets() -> Vec<String> {
    let text = std::fs::read_to_string(Path::new(BASIC).join("persons.csv")).unwrap();
    text.lines()
        .skip(1)
        .flat_map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            [f[1].to_string(), f[2].to_string()]
        })
        .filter(|s| !s.is_empty())
        .collect()
}

fn assert_private(page: &str) {
    for s in fixture_secrets() {
        assert!(!page.contains(&s), "a page shows the raw value {s:?}");
    }
}

#[test]
fn token_host_and_csrf_are_enforced() {
    let s = serve(&["--max-upload-mb", "1"]);
    let host = s.host();
    // No cookie, no token.
    let r = exchange(
        s.port,
        &format!("GET /data HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"),
        b"",
    );
    assert_eq!(r.status, 401);
    assert!(!r.text().contains("数据集"));
    // A wrong token, in the URL or as the cookie.
    let r = exchange(
        s.port,
        &format!(
            "GET /data?token=00112233445566778899aabbccddeeff HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
        ),
        b"",
    );
    assert_eq!(r.status, 401);
    let r = exchange(
        s.port,
        &format!(
            "GET /metrics.csv HTTP/1.1\r\nHost: {host}\r\nCookie: jindu_token=00112233445566778899aabbccddeeff\r\nConnection: close\r\n\r\n"
        ),
        b"",
    );
    assert_eq!(r.status, 401);
    // The right token: a cookie (HttpOnly, SameSite=Strict) and the address without it.
    let r = exchange(
        s.port,
        &format!(
            "GET /metrics?token={}&level=city HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n",
            s.token
        ),
        b"",
    );
    assert_eq!(r.status, 303);
    assert_eq!(r.header("Location").as_deref(), Some("/metrics?level=city"));
    let cookie = r.header("Set-Cookie").unwrap();
    assert!(
        cookie.contains(&s.token)
            && cookie.contains("HttpOnly")
            && cookie.contains("SameSite=Strict")
    );
    // DNS rebinding: a foreign Host is refused even with the token.
    for h in [
        "evil.example",
        "evil.example:80",
        &format!("attacker.test:{}", s.port),
    ] {
        let r = exchange(
            s.port,
            &format!(
                "GET /data HTTP/1.1\r\nHost: {h}\r\nCookie: {}\r\nConnection: close\r\n\r\n",
                s.cookie()
            ),
            b"",
        );
        assert_eq!(r.status, 403, "{h}");
    }
    // Posts need the CSRF token, and no foreign Origin.
    let r = s.post_form("/data/import", "path=x&action=check");
    assert_eq!(r.status, 403);
    let r = s.post_form("/data/import", "path=x&action=check&csrf=0000");
    assert_eq!(r.status, 403);
    let csrf = s.csrf();
    let r = s.request(
        "POST",
        "/data/import",
        "Content-Type: application/x-www-form-urlencoded\r\nOrigin: http://evil.example\r\n",
        format!("path=basic&action=check&csrf={csrf}").as_bytes(),
    );
    assert_eq!(r.status, 403);
    // Paths stay inside the workspace.
    for bad in ["..", "../", "basic/../..", "%2Fetc", "/tmp"] {
        let r = s.post_form(
            "/data/import",
            &format!("path={bad}&action=check&csrf={csrf}"),
        );
        assert_eq!(r.status, 400, "{bad}");
        assert!(r.text().contains("class=\"error\""), "{bad}");
    }
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink("/tmp", s.ws.path().join("out")).unwrap();
        let r = s.post_form(
            "/data/import",
            &format!("path=out&action=check&csrf={csrf}"),
        );
        assert_eq!(r.status, 400);
        assert!(r.text().contains("outside the workspace"));
    }
    // An upload over the limit (1 MiB here) is refused from its Content-Length.
    let head = format!(
        "POST /data/upload HTTP/1.1\r\nHost: {host}\r\nCookie: {}\r\nContent-Type: multipart/form-data; boundary=x\r\nContent-Length: 2000000\r\nConnection: close\r\n\r\n",
        s.cookie()
    );
    let r = exchange(s.port, &head, b"");
    assert_eq!(r.status, 413);
    // ... and by its size when it arrives in chunks without a length.
    let mut big = Vec::new();
    let chunk = vec![b'a'; 64 * 1024];
    for _ in 0..20 {
        big.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
        big.extend_from_slice(&chunk);
        big.extend_from_slice(b"\r\n");
    }
    big.extend_from_slice(b"0\r\n\r\n");
    let head = format!(
        "POST /data/upload HTTP/1.1\r\nHost: {host}\r\nCookie: {}\r\nContent-Type: multipart/form-data; boundary=x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
        s.cookie()
    );
    let r = exchange(s.port, &head, &big);
    assert_eq!(r.status, 413);
    // The server still serves.
    s.get_ok("/data");
    // Other methods are refused.
    assert_eq!(s.request("DELETE", "/data", "", b"").status, 405);
}

#[test]
fn every_page_and_download_matches_the_cli() {
    let s = serve(&[]);
    let data = s.ws.path().join("basic");
    let data = data.to_str().unwrap();
    let page = s.get_ok("/data");
    assert!(
        page.contains("<td>basic</td>") && page.contains("2024-12-30"),
        "{page}"
    );
    assert!(page.contains("persons 5"));
    assert!(page.contains("persons.csv"));
    assert_private(&page);

    // Indicators: page, CSV and XLSX equal `jindu metrics --publish`.
    let q = "data=basic&metric=existing&metric=relapse_12m&level=city&from=2019";
    let page = s.get_ok(&format!("/metrics?{q}"));
    assert!(
        page.contains("<table id=\"metrics\">") && page.contains("<svg"),
        "{page}"
    );
    assert_private(&page);
    let csv = s.get(&format!("/metrics.csv?{q}"));
    assert_eq!(csv.status, 200);
    assert!(
        csv.header("Content-Disposition")
            .unwrap()
            .contains("metrics.csv")
    );
    let cli = cli_stdout(&[
        "metrics",
        data,
        "--metric",
        "existing",
        "--metric",
        "relapse_12m",
        "--level",
        "city",
        "--from",
        "2019",
        "--format",
        "csv",
        "--publish",
    ]);
    assert!(csv.body == cli, "the CSV differs from jindu metrics'");
    let xlsx = s.get(&format!("/metrics.xlsx?{q}"));
    assert_eq!(xlsx.status, 200);
    assert!(xlsx.body.starts_with(b"PK"));
    let out = s.ws.path().join("m.xlsx");
    cli_stdout(&[
        "metrics",
        data,
        "--metric",
        "existing",
        "--metric",
        "relapse_12m",
        "--level",
        "city",
        "--from",
        "2019",
        "--format",
        "xlsx",
        "--publish",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(
        xlsx_parts(&xlsx.body),
        xlsx_parts(&std::fs::read(&out).unwrap())
    );
    // A bad request shows its error in the page.
    let page = s.get_ok("/metrics?data=basic&metric=nope");
    assert!(page.contains("&quot;nope&quot; is not a metric"), "{page}");
    let page = s.get_ok("/metrics?data=basic&level=city&region=640324");
    assert!(page.contains("coarser"), "{page}");

    // Cohorts: published, a cohort of one person is not shown.
    let page = s.get_ok("/cohort?data=basic&entry=community&year=2021&window=1095");
    assert!(
        page.contains("id=\"km-chart\"") && page.contains("<table id=\"cohort\">"),
        "{page}"
    );
    assert!(page.contains("少于发布阈值"), "{page}");
    let page = s.get_ok("/cohort?data=basic&year=2021&by=sex");
    assert!(page.contains("log-rank"), "{page}");
    assert_private(&page);
    let csv = s.get("/cohort.csv?data=basic&entry=community&year=2021");
    assert_eq!(csv.status, 200);
    assert_eq!(
        csv.text().lines().count(),
        1,
        "only the header: {}",
        csv.text()
    );

    // Queries: the saved ones as forms; a saved query and ad-hoc SQL; paginated.
    let page = s.get_ok("/query");
    assert!(
        page.contains("id=\"q-new_users\"") && page.contains("name=\"p.year\""),
        "{page}"
    );
    let csv = s.get("/query.csv?data=basic&name=new_users&p.year=2021");
    assert_eq!(csv.status, 200, "{}", csv.text());
    let cli = cli_stdout(&[
        "query",
        data,
        "new_users",
        "--param",
        "year=2021",
        "--format",
        "csv",
        "--publish",
    ]);
    assert!(csv.body == cli, "the CSV differs from jindu query's");
    let sql = "SELECT%20sex%2C%20count(*)%20AS%20n%20FROM%20persons%20GROUP%20BY%20sex%20ORDER%20BY%20sex";
    let page = s.get_ok(&format!("/query?data=basic&sql={sql}"));
    assert!(page.contains("<table id=\"result\">"), "{page}");
    assert!(page.contains("&lt;10"), "published counts: {page}");
    assert_private(&page);
    let xlsx = s.get(&format!("/query.xlsx?data=basic&sql={sql}"));
    assert!(xlsx.body.starts_with(b"PK"));
    // 300 rows → 3 pages of 100.
    let many = "SELECT%20a.*%20FROM%20regions%20a%20CROSS%20JOIN%20regions%20b%20LIMIT%20300";
    let many = format!("/query?data=basic&sql={many}");
    let p1 = s.get_ok(&many);
    assert!(p1.contains("1 / 3"), "{p1}");
    assert!(s.get_ok(&format!("{many}&page=3")).contains("3 / 3"));

    // Reports: the PDF equals `jindu report`; all county briefs of a city in one ZIP.
    let page = s.get_ok("/report?data=basic&template=annual-bulletin&year=2023&region=640000");
    assert!(page.contains("<iframe class=\"pdf\""), "{page}");
    let pdf = s.get("/report.pdf?data=basic&template=county-brief&year=2023&region=640324&lang=zh");
    assert_eq!(pdf.status, 200, "{}", pdf.text());
    assert!(pdf.body.starts_with(b"%PDF"));
    let out = s.ws.path().join("brief.pdf");
    cli_stdout(&[
        "report",
        data,
        "--template",
        "county-brief",
        "--year",
        "2023",
        "--region",
        "640324",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(
        pdf.body,
        std::fs::read(&out).unwrap(),
        "the PDF differs from jindu report's"
    );
    // Office settings from the page equal `jindu report --set`, and reach the PDF.
    let pdf = s.get(
        "/report.pdf?data=basic&template=county-brief&year=2023&region=640324&lang=zh\
         &issuer=%E6%9F%90%E5%8E%BF%E7%A6%81%E6%AF%92%E5%8A%9E&doc_number=%E7%A6%81%E6%AF%92%E3%80%942026%E3%80%953%E5%8F%B7",
    );
    assert_eq!(pdf.status, 200, "{}", pdf.text());
    let out = s.ws.path().join("brief-office.pdf");
    cli_stdout(&[
        "report",
        data,
        "--template",
        "county-brief",
        "--year",
        "2023",
        "--region",
        "640324",
        "--set",
        "issuer=某县禁毒办",
        "--set",
        "doc_number=禁毒〔2026〕3号",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(
        pdf.body,
        std::fs::read(&out).unwrap(),
        "settings differ from --set"
    );
    let text = crate::common::pdf_text(&pdf.body);
    assert!(
        text.contains("某县禁毒办") && text.contains("禁毒〔2026〕3号"),
        "{text}"
    );
    let page =
        s.get_ok("/report?data=basic&template=county-brief&year=2023&region=640324&issuer=X1");
    assert!(
        page.contains("name=\"issuer\"") && page.contains("issuer=X1"),
        "{page}"
    );
    let zip = s.get("/report/briefs.zip?data=basic&year=2023&region=640500&lang=zh");
    assert_eq!(zip.status, 200, "{}", zip.text());
    assert!(zip.body.starts_with(b"PK"));
    let names = String::from_utf8_lossy(&zip.body).into_owned();
    for c in ["640502", "640521", "640522"] {
        assert!(names.contains(&format!("{c}-")), "{c} missing from the ZIP");
    }

    // The English switch.
    let r = s.get("/lang?to=en&back=%2Fmetrics%3Fdata%3Dbasic");
    assert_eq!(r.status, 303);
    assert_eq!(r.header("Location").as_deref(), Some("/metrics?data=basic"));
    let lang = r.header("Set-Cookie").unwrap();
    let r = s.request(
        "GET",
        "/metrics?data=basic",
        &format!(
            "Cookie: {}; {}\r\n",
            s.cookie(),
            lang.split(';').next().unwrap()
        ),
        b"",
    );
    assert_eq!(r.status, 200);
    assert!(r.text().contains("<html lang=\"en\">") && r.text().contains("Indicators"));
    // An open redirect is not possible.
    let r = s.get("/lang?to=en&back=%2F%2Fevil.example");
    assert_eq!(r.header("Location").as_deref(), Some("/data"));
    assert_eq!(s.get("/nope").status, 404);
}

#[test]
fn numbers_on_the_page_equal_jindu_metrics() {
    // Raw server against `jindu metrics` without --publish, row by row.
    let s = serve(&["--raw"]);
    let data = s.ws.path().join("basic");
    let page = s.get_ok("/metrics?data=basic&metric=existing&metric=relapse_12m&metric=timely_report_rate&level=county");
    assert!(page.contains("--raw"), "the raw mode is announced");
    // Cohorts: page and CSV equal `jindu cohort` (no disclosure control there).
    let page = s.get_ok("/cohort?data=basic&entry=community&year=2021&window=1095");
    assert!(page.contains("入组人数： 1"), "{page}");
    let csv = s.get("/cohort.csv?data=basic&entry=community&year=2021&window=1095");
    let cli = cli_stdout(&[
        "cohort",
        data.to_str().unwrap(),
        "--entered",
        "2021",
        "--format",
        "csv",
    ]);
    assert!(csv.body == cli, "the CSV differs from jindu cohort's");
    let page = s.get_ok("/metrics?data=basic&metric=existing&metric=relapse_12m&metric=timely_report_rate&level=county");
    let cli = String::from_utf8(cli_stdout(&[
        "metrics",
        data.to_str().unwrap(),
        "--metric",
        "existing",
        "--metric",
        "relapse_12m",
        "--metric",
        "timely_report_rate",
        "--level",
        "county",
        "--format",
        "csv",
    ]))
    .unwrap();
    let mut want = Vec::new();
    for l in cli.lines().skip(1) {
        let f: Vec<&str> = l.split(',').collect();
        // Total rows (no breakdown): metric, period, region_code, numerator,
        // denominator, value.
        if f[6].is_empty() {
            want.push([f[0], f[1], f[3], f[8], f[9], f[10]].join("|"));
        }
    }
    let mut got = Vec::new();
    for row in page.split("<tr data-metric=\"").skip(1) {
        let row = &row[..row.find("</tr>").unwrap()];
        let metric = &row[..row.find('"').unwrap()];
        let cells: Vec<String> = row
            .split("<td")
            .skip(1)
            .map(|c| {
                let inner = &c[c.find('>').unwrap() + 1..c.find("</td>").unwrap()];
                inner.to_string()
            })
            .collect();
        let v = row.split("data-v=\"").nth(1).unwrap();
        let v = &v[..v.find('"').unwrap()];
        if cells[4].is_empty() {
            got.push([metric, &cells[1], &cells[2], &cells[5], &cells[6], v].join("|"));
        }
    }
    assert!(want.len() > 50, "{}", want.len());
    assert_eq!(got.len(), want.len());
    for w in &want {
        assert!(got.contains(w), "page lacks {w}");
    }
}

#[test]
fn uploads_imports_and_failures() {
    let s = serve(&[]);
    let csrf = s.csrf();
    let files = basic_files();
    let files: Vec<(&str, Vec<u8>)> = files.iter().map(|(n, d)| (n.as_str(), d.clone())).collect();
    // A malformed export: the report, nothing written.
    let mut bad = files.clone();
    for f in &mut bad {
        if f.0 == "persons.csv" {
            f.1 = b"\xef\xbb\xbfno,header,we,know\n1,2,3,4\n".to_vec();
        }
    }
    let r = s.post_files(
        &[("csrf", &csrf), ("name", "broken"), ("action", "import")],
        &bad,
    );
    assert_eq!(r.status, 422, "{}", r.text());
    let page = r.text();
    assert!(
        page.contains("id=\"quality\"") && page.contains("导入未通过"),
        "{page}"
    );
    assert!(!s.ws.path().join("broken").exists());
    assert!(
        std::fs::read_dir(s.ws.path())
            .unwrap()
            .flatten()
            .all(|e| !e.file_name().to_string_lossy().starts_with(".jindu-upload")),
        "the uploaded files are removed"
    );
    // A bad dataset name.
    let r = s.post_files(
        &[("csrf", &csrf), ("name", "../x"), ("action", "import")],
        &files,
    );
    assert_eq!(r.status, 400);
    // A check only: the report, nothing written.
    let r = s.post_files(
        &[("csrf", &csrf), ("name", "checked"), ("action", "check")],
        &files,
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(r.text().contains("检查通过"));
    assert!(!s.ws.path().join("checked").exists());
    // A real import: the dataset appears on the data page and is usable.
    let mut dirty = files.clone();
    for f in &mut dirty {
        if f.0 == "tests.csv" {
            f.1.extend_from_slice("T999,P001,2031-13-45,尿检,阴性,M001\n".as_bytes());
        }
    }
    let r = s.post_files(
        &[("csrf", &csrf), ("name", "uploaded"), ("action", "import")],
        &files,
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let page = r.text();
    assert!(page.contains("已写入数据集"), "{page}");
    assert_private(&page);
    assert!(s.ws.path().join("uploaded/manifest.json").exists());
    assert!(s.get_ok("/data").contains("<td>uploaded</td>"));
    assert!(
        s.get_ok("/metrics?data=uploaded&metric=existing")
            .contains("<table id=\"metrics\">")
    );
    // A quarantined row shows as line number and code only.
    let r = s.post_files(
        &[("csrf", &csrf), ("name", "dirty"), ("action", "check")],
        &dirty,
    );
    let page = r.text();
    assert!(page.contains("class=\"code\""), "{page}");
    assert!(
        !page.contains("2031-13-45"),
        "a quarantined value reached the page"
    );
    // A folder of the workspace.
    let export = s.ws.path().join("exports/2024");
    std::fs::create_dir_all(&export).unwrap();
    for (n, d) in &files {
        std::fs::write(export.join(n), d).unwrap();
    }
    let r = s.post_form(
        "/data/import",
        &format!("path=exports%2F2024&name=from-folder&action=import&csrf={csrf}"),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(s.ws.path().join("from-folder/manifest.json").exists());
    assert_eq!(s.get("/data/job?id=nope").status, 404);
}

#[test]
fn failing_sql_and_concurrent_requests() {
    let s = serve(&["--query-timeout", "30"]);
    let page = s.get_ok("/query?data=basic&sql=SELEC%20nonsense");
    assert!(
        page.contains("class=\"error\"") && page.contains("does not parse"),
        "{page}"
    );
    let page = s.get_ok("/query?data=basic&sql=SELECT%20*%20FROM%20no_such_table");
    assert!(page.contains("class=\"error\""), "{page}");
    let page = s.get_ok("/query?data=basic&name=no_such_query");
    assert!(page.contains("no saved query"), "{page}");
    // Still serving, and many requests at once all answer.
    let s = std::sync::Arc::new(s);
    let paths = [
        "/data",
        "/metrics?data=basic&metric=existing&level=county",
        "/cohort?data=basic&year=2021",
        "/query?data=basic&sql=SELECT%20count(*)%20AS%20n%20FROM%20persons",
        "/metrics.csv?data=basic&metric=registered",
    ];
    let handles: Vec<_> = (0..20)
        .map(|i| {
            let s = s.clone();
            let p = paths[i % paths.len()].to_string();
            std::thread::spawn(move || (p.clone(), s.get(&p).status))
        })
        .collect();
    for h in handles {
        let (p, st) = h.join().unwrap();
        assert_eq!(st, 200, "{p}");
    }
}

/// Headless Chromium, when installed (`.ci/run` installs it; set
/// JINDU_REQUIRE_BROWSER=1 to fail instead of skipping where it is missing).
fn chromium() -> Option<PathBuf> {
    let found = ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .map(|n| Path::new("/usr/bin").join(n))
        .find(|p| p.exists());
    if found.is_none() {
        assert!(
            std::env::var_os("JINDU_REQUIRE_BROWSER").is_none(),
            "JINDU_REQUIRE_BROWSER is set but no chromium is installed"
        );
        eprintln!("SKIPPED: the browser test needs chromium (apt-get install chromium)");
    }
    found
}

fn browser(bin: &Path, profile: &Path, args: &[&str], url: &str) -> std::process::Output {
    std::process::Command::new(bin)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--window-size=1280,900",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .arg(url)
        .output()
        .unwrap()
}

#[test]
fn browser_renders_the_indicators_page() {
    let Some(bin) = chromium() else {
        return;
    };
    let s = serve(&[]);
    let base = format!("http://127.0.0.1:{}", s.port);
    let profile = tempfile::tempdir().unwrap();
    let url = format!(
        "{base}/metrics?token={}&data=basic&metric=existing&level=county&from=2015",
        s.token
    );
    let o = browser(&bin, profile.path(), &["--dump-dom"], &url);
    let dom = String::from_utf8_lossy(&o.stdout);
    assert!(dom.contains("<table id=\"metrics\">"), "{dom}");
    assert!(
        dom.contains("id=\"metrics-chart\"") && dom.contains("<svg"),
        "{dom}"
    );
    // The county rows of `jindu metrics` are in the rendered table.
    let cli = String::from_utf8(cli_stdout(&[
        "metrics",
        s.ws.path().join("basic").to_str().unwrap(),
        "--metric",
        "existing",
        "--level",
        "county",
        "--from",
        "2015",
        "--format",
        "csv",
        "--publish",
    ]))
    .unwrap();
    let first = cli.lines().nth(1).unwrap();
    let f: Vec<&str> = first.split(',').collect();
    assert!(
        dom.contains(&format!("<td>{}</td><td>{}</td>", f[3], f[4])),
        "{first}"
    );
    assert!(dom.contains("现有吸毒人员"));

    // A screenshot of every page, for a person to look at.
    let shots = Path::new(env!("CARGO_BIN_EXE_jindu"))
        .parent()
        .unwrap()
        .parent()
        .unwrap()
        .join("serve-screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    let pages = [
        ("data", "/data?"),
        (
            "metrics",
            "/metrics?data=basic&metric=existing&level=county&from=2015&",
        ),
        ("cohort", "/cohort?data=basic&year=2021&by=sex&"),
        ("query", "/query?data=basic&name=new_users&p.year=2021&"),
        (
            "report",
            "/report?data=basic&template=county-brief&year=2023&region=640324&",
        ),
    ];
    std::thread::scope(|scope| {
        for (name, path) in pages {
            let (bin, shots, base, token) = (&bin, &shots, &base, &s.token);
            scope.spawn(move || {
                let profile = tempfile::tempdir().unwrap();
                let file = shots.join(format!("{name}.png"));
                let _ = std::fs::remove_file(&file);
                browser(
                    bin,
                    profile.path(),
                    &[&format!("--screenshot={}", file.display())],
                    &format!("{base}{path}token={token}"),
                );
                let png = std::fs::read(&file).unwrap_or_default();
                assert!(png.starts_with(b"\x89PNG") && png.len() > 10_000, "{name}");
            });
        }
    });
}
