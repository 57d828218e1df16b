//! Allocation-free spelling of numbers and dates as bytes for the sample writer: the
//! zero-padded and plain decimal numbers of IDs and codes, and the date spellings that
//! real exports mix in (`20210305`, `2021/3/5`, `2021年3月5日`, `05/03/2021`). The ISO
//! spelling and all date arithmetic are [`crate::dates`]'s.

use crate::dates::{Days, ymd};

/// Decimal digits of `v`, no padding.
pub fn push_uint(out: &mut Vec<u8>, v: u64) {
    push_padded(out, v, 1);
}

/// Decimal digits of `v`, zero-padded to at least `width`.
pub fn push_padded(out: &mut Vec<u8>, v: u64, width: usize) {
    let mut buf = [b'0'; 24];
    let mut i = buf.len();
    let mut v = v;
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    let start = i.min(buf.len() - width.min(buf.len()));
    out.extend_from_slice(&buf[start..]);
}

/// `20210305`
pub fn push_compact(out: &mut Vec<u8>, day: Days) {
    let (y, m, d) = ymd(day);
    push_padded(out, y as u64, 4);
    push_padded(out, m.into(), 2);
    push_padded(out, d.into(), 2);
}

/// `2021{sep}3{sep}5` without zero padding (`/`, `.` or `-`).
pub fn push_unpadded(out: &mut Vec<u8>, day: Days, sep: u8) {
    let (y, m, d) = ymd(day);
    push_padded(out, y as u64, 4);
    out.push(sep);
    push_uint(out, m.into());
    out.push(sep);
    push_uint(out, d.into());
}

/// `2021年3月5日`
pub fn push_chinese(out: &mut Vec<u8>, day: Days) {
    let (y, m, d) = ymd(day);
    push_padded(out, y as u64, 4);
    out.extend_from_slice("年".as_bytes());
    push_uint(out, m.into());
    out.extend_from_slice("月".as_bytes());
    push_uint(out, d.into());
    out.extend_from_slice("日".as_bytes());
}

/// `05/03/2021` (day first: the importer must quarantine it).
pub fn push_day_first(out: &mut Vec<u8>, day: Days) {
    let (y, m, d) = ymd(day);
    push_padded(out, d.into(), 2);
    out.push(b'/');
    push_padded(out, m.into(), 2);
    out.push(b'/');
    push_padded(out, y as u64, 4);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dates::{from_ymd, push_iso};

    #[test]
    fn spellings() {
        let d = from_ymd(2021, 3, 5);
        let mut v = Vec::new();
        push_iso(&mut v, d);
        v.push(b' ');
        push_unpadded(&mut v, d, b'/');
        v.push(b' ');
        push_chinese(&mut v, d);
        v.push(b' ');
        push_compact(&mut v, d);
        v.push(b' ');
        push_day_first(&mut v, d);
        v.push(b' ');
        push_padded(&mut v, 123, 7);
        v.push(b' ');
        push_uint(&mut v, 0);
        v.push(b' ');
        push_uint(&mut v, 640324);
        v.push(b' ');
        push_padded(&mut v, 12345, 3);
        assert_eq!(
            String::from_utf8(v).unwrap(),
            "2021-03-05 2021/3/5 2021年3月5日 20210305 05/03/2021 0000123 0 640324 12345"
        );
    }
}
