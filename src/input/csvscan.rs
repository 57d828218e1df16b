//! A streaming CSV record scanner over raw bytes.
//!
//! It owns what the `csv` crate does not give: the physical line on which each record
//! starts, a hard limit on record size (so a truncated quote cannot swallow a
//! gigabyte), and recovery after an unclosed quote — the bad record is reported at its
//! first line and scanning resumes on the next physical line, so later rows are not
//! lost. Fields stay bytes; decoding is the caller's job (GB18030 never puts ASCII
//! delimiter, quote or newline bytes inside a character, so scanning bytes is safe).

use std::collections::VecDeque;
use std::io::{self, BufRead, Read};

use super::issue::Code;

/// One record: its fields' bytes in `data`, field `i` is
/// `data[ends[i-1] + sep..ends[i]]` (`data[..ends[0]]` for the first).
#[derive(Debug, Default, Clone)]
pub struct Record {
    /// Physical line (1-based) where the record starts.
    pub line: u64,
    pub data: Vec<u8>,
    pub ends: Vec<usize>,
    /// Bytes between a field's end and the next field's start: 1 for a line without
    /// quotes, which is kept as it is (its delimiters stay in `data`: no copy per
    /// field), 0 for a record whose quotes were undone (its fields concatenated).
    pub sep: usize,
}

impl Record {
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    pub fn field(&self, i: usize) -> &[u8] {
        let (start, end) = self.bounds(i);
        &self.data[start..end]
    }

    /// Where field `i` lies in `data`.
    pub fn bounds(&self, i: usize) -> (usize, usize) {
        let start = if i == 0 {
            0
        } else {
            self.ends[i - 1] + self.sep
        };
        (start, self.ends[i])
    }

    pub fn fields(&self) -> impl Iterator<Item = &[u8]> {
        (0..self.len()).map(|i| self.field(i))
    }
}

/// What the scanner yields.
#[derive(Debug)]
pub enum Scanned {
    Record(Record),
    /// A record that cannot be read; `raw` is its first physical line.
    Broken {
        line: u64,
        code: Code,
        raw: Vec<u8>,
    },
}

pub struct Scanner<R> {
    reader: R,
    delimiter: u8,
    max_record_bytes: usize,
    /// Next physical line number to be read from `reader`.
    next_line: u64,
    /// Lines handed back after a broken record, read again before `reader`.
    pending: VecDeque<(u64, Vec<u8>)>,
    eof: bool,
    /// Buffers reused from line to line and record to record (see [`Scanner::recycle`]).
    spare_line: Vec<u8>,
    spare_record: Option<Record>,
}

impl<R: BufRead> Scanner<R> {
    /// `first_line` is the physical line number of the first byte `reader` yields.
    pub fn new(reader: R, delimiter: u8, max_record_bytes: usize, first_line: u64) -> Self {
        Scanner {
            reader,
            delimiter,
            max_record_bytes,
            next_line: first_line,
            pending: VecDeque::new(),
            eof: false,
            spare_line: Vec::new(),
            spare_record: None,
        }
    }

    fn read_line(&mut self) -> io::Result<Option<(u64, Vec<u8>)>> {
        if let Some(l) = self.pending.pop_front() {
            return Ok(Some(l));
        }
        if self.eof {
            return Ok(None);
        }
        let mut buf = std::mem::take(&mut self.spare_line);
        buf.clear();
        // Read at most a little over the record limit for a single physical line.
        let limit = (self.max_record_bytes as u64).saturating_add(2);
        let n = Read::take(&mut self.reader, limit).read_until(b'\n', &mut buf)?;
        if n == 0 {
            self.eof = true;
            return Ok(None);
        }
        let line = self.next_line;
        if buf.last() == Some(&b'\n') || (n as u64) < limit {
            self.next_line += 1;
        } else {
            // An overlong physical line: drop the rest of it, keep the head for the
            // quarantine, and count it as one line.
            let mut sink = Vec::new();
            loop {
                sink.clear();
                let m = Read::take(&mut self.reader, 1 << 20).read_until(b'\n', &mut sink)?;
                if m == 0 || sink.last() == Some(&b'\n') {
                    break;
                }
            }
            self.next_line += 1;
            buf.truncate(self.max_record_bytes.saturating_add(1));
        }
        Ok(Some((line, buf)))
    }

    /// The next non-blank physical line, raw (used for the header).
    pub fn next_nonblank_line(&mut self) -> io::Result<Option<(u64, Vec<u8>)>> {
        while let Some((line, bytes)) = self.read_line()? {
            if !bytes.iter().all(|b| b.is_ascii_whitespace()) {
                return Ok(Some((line, strip_eol(&bytes).to_vec())));
            }
        }
        Ok(None)
    }

    pub fn set_delimiter(&mut self, delimiter: u8) {
        self.delimiter = delimiter;
    }

    /// The next record, skipping blank lines; `None` at the end of input.
    pub fn next_record(&mut self) -> io::Result<Option<Scanned>> {
        loop {
            let Some((line, first)) = self.read_line()? else {
                return Ok(None);
            };
            if first.iter().all(|b| b.is_ascii_whitespace()) {
                continue; // blank line: not a row
            }
            return self.parse_from(line, first).map(Some);
        }
    }

    /// Gives a record back once read, so that its buffers serve the next one.
    pub fn recycle(&mut self, rec: Record) {
        self.spare_record = Some(rec);
    }

    fn parse_from(&mut self, line: u64, first: Vec<u8>) -> io::Result<Scanned> {
        // A line without quotes (most of them) is its own record, kept as it is: the
        // fields are the pieces between delimiters.
        if first.len() <= self.max_record_bytes && !first.contains(&b'"') {
            let mut rec = self.spare_record.take().unwrap_or_default();
            rec.line = line;
            rec.sep = 1;
            rec.ends.clear();
            let len = strip_eol(&first).len();
            let mut data = first;
            data.truncate(len);
            unquoted_ends(self.delimiter, &data, &mut rec.ends);
            self.spare_line = std::mem::replace(&mut rec.data, data);
            return Ok(Scanned::Record(rec));
        }
        let mut rec = Record {
            line,
            data: Vec::with_capacity(first.len()),
            ends: Vec::new(),
            sep: 0,
        };
        // Lines consumed after the first, returned to `pending` if the record breaks.
        let mut extra: Vec<(u64, Vec<u8>)> = Vec::new();
        let mut in_quotes = false;
        let mut at_field_start = true;
        let mut total = 0usize;
        let mut current = first.clone();
        loop {
            total += current.len();
            if total > self.max_record_bytes {
                return Ok(self.broken(line, Code::RecordTooLong, first, extra));
            }
            let content = strip_eol(&current);
            let mut i = 0;
            while i < content.len() {
                let b = content[i];
                if in_quotes {
                    if b == b'"' {
                        if content.get(i + 1) == Some(&b'"') {
                            rec.data.push(b'"');
                            i += 1;
                        } else {
                            in_quotes = false;
                        }
                    } else {
                        rec.data.push(b);
                    }
                } else if b == self.delimiter {
                    rec.ends.push(rec.data.len());
                    at_field_start = true;
                    i += 1;
                    continue;
                } else if b == b'"' && at_field_start {
                    in_quotes = true;
                } else {
                    rec.data.push(b);
                }
                at_field_start = false;
                i += 1;
            }
            if !in_quotes {
                rec.ends.push(rec.data.len());
                return Ok(Scanned::Record(rec));
            }
            // The quoted field goes on: the line break is part of it.
            rec.data.push(b'\n');
            match self.read_line()? {
                Some((l, next)) => {
                    extra.push((l, next.clone()));
                    current = next;
                }
                None => return Ok(self.broken(line, Code::UnclosedQuote, first, extra)),
            }
        }
    }

    fn broken(
        &mut self,
        line: u64,
        code: Code,
        first: Vec<u8>,
        extra: Vec<(u64, Vec<u8>)>,
    ) -> Scanned {
        for l in extra.into_iter().rev() {
            self.pending.push_front(l);
        }
        let mut raw = strip_eol(&first).to_vec();
        raw.truncate(self.max_record_bytes);
        Scanned::Broken { line, code, raw }
    }
}

/// The ends of the fields of an unquoted record (after `ends`' contents): where each
/// delimiter is, then the record's length. Field `i` is `line[ends[i-1] + 1..ends[i]]`.
pub fn unquoted_ends(delimiter: u8, line: &[u8], ends: &mut Vec<usize>) {
    ends.extend(memchr::memchr_iter(delimiter, line));
    ends.push(line.len());
}

fn strip_eol(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// Picks the delimiter of a header line: the most frequent of comma, tab and semicolon
/// outside quotes (comma on a tie or when none occurs).
pub fn sniff_delimiter(header: &[u8]) -> u8 {
    let mut counts = [0usize; 3];
    let mut in_quotes = false;
    for &b in header {
        match b {
            b'"' => in_quotes = !in_quotes,
            b',' if !in_quotes => counts[0] += 1,
            b'\t' if !in_quotes => counts[1] += 1,
            b';' if !in_quotes => counts[2] += 1,
            _ => {}
        }
    }
    let cands = [b',', b'\t', b';'];
    let mut best = 0;
    for i in 1..3 {
        if counts[i] > counts[best] {
            best = i;
        }
    }
    cands[best]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan_all(input: &str, limit: usize) -> Vec<Scanned> {
        let mut s = Scanner::new(input.as_bytes(), b',', limit, 1);
        let mut out = Vec::new();
        while let Some(r) = s.next_record().unwrap() {
            out.push(r);
        }
        out
    }

    fn fields(s: &Scanned) -> (u64, Vec<String>) {
        match s {
            Scanned::Record(r) => (
                r.line,
                r.fields()
                    .map(|f| String::from_utf8(f.to_vec()).unwrap())
                    .collect(),
            ),
            Scanned::Broken { line, code, .. } => (*line, vec![format!("BROKEN {code}")]),
        }
    }

    #[test]
    fn quoted_fields_with_newlines_keep_their_start_line() {
        let out = scan_all("a,b\n\"x\ny\",2\r\n\n3,\"q\"\"q\"\n", 1000);
        let got: Vec<_> = out.iter().map(fields).collect();
        assert_eq!(
            got,
            vec![
                (1, vec!["a".into(), "b".into()]),
                (2, vec!["x\ny".into(), "2".into()]),
                (5, vec!["3".into(), "q\"q".into()]),
            ]
        );
    }

    #[test]
    fn unclosed_quote_is_reported_and_later_lines_survive() {
        let out = scan_all("a,b\n1,\"oops\n2,x\n3,y\n", 1000);
        let got: Vec<_> = out.iter().map(fields).collect();
        assert_eq!(got[1], (2, vec!["BROKEN E_UNCLOSED_QUOTE".into()]));
        assert_eq!(got[2], (3, vec!["2".into(), "x".into()]));
        assert_eq!(got[3], (4, vec!["3".into(), "y".into()]));
        assert_eq!(got.len(), 4);
    }

    #[test]
    fn records_over_the_limit_are_broken_not_buffered() {
        let long = "z".repeat(100);
        let input = format!("a,b\n1,{long}\n2,ok\n");
        let out = scan_all(&input, 50);
        let got: Vec<_> = out.iter().map(fields).collect();
        assert_eq!(got[1], (2, vec!["BROKEN E_RECORD_TOO_LONG".into()]));
        assert_eq!(got[2], (3, vec!["2".into(), "ok".into()]));
    }

    #[test]
    fn blank_lines_are_not_rows() {
        let out = scan_all("a\n\n   \n\r\nb\n", 100);
        assert_eq!(out.len(), 2);
        assert_eq!(fields(&out[1]).0, 5);
    }

    #[test]
    fn sniffing() {
        assert_eq!(sniff_delimiter(b"a,b,c"), b',');
        assert_eq!(sniff_delimiter(b"a\tb\tc"), b'\t');
        assert_eq!(sniff_delimiter(b"a;b;\"c,d,e\""), b';');
        assert_eq!(sniff_delimiter(b"abc"), b',');
    }
}
