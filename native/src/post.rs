//! Native fast path of `schemas.post.decode_message` for messages that are plainly valid.
//!
//! The worker parses every `posts.raw` value with orjson and hands the values and their
//! parsed documents to [`PostChecker::check`], which answers per message: the event time of
//! a valid single post, the event times of an envelope whose every post is valid, or `None`.
//! `None` means "let the Python decoder decide": it is the answer for every invalid message
//! and for anything this code does not settle with certainty (a key with an escape, a BOM,
//! an object with very many keys, a timestamp offset outside +-23:59, a count above 2**64,
//! a subclass where orjson makes the exact type). So this code never rejects anything and
//! never needs the decoder's dead-letter reasons: the Python decoder stays the only judge
//! of bad input and the reference for good input.
//! `tests/schemas/test_native_decode.py` checks on the bad-input corpus, the fuzzers' inputs
//! and generated posts that wherever this code answers, it answers exactly what
//! `decode_message` does (same posts, same event times), and that it answers for
//! ordinary posts.

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyFloat, PyInt, PyList, PyString};

/// An object with more keys than this goes to the Python decoder (keeps the raw duplicate
/// scan linear in the message size).
const MAX_SCANNED_KEYS: usize = 64;

/// `_parse`'s checks that need the raw bytes, on a value orjson has already parsed: no
/// object repeats a key, and the nesting is at most `max_depth` deep. `false` also for
/// what this scan leaves to the Python decoder: a key written with an escape (its decoded
/// form could equal another key's) and objects with more than [`MAX_SCANNED_KEYS`] keys.
fn structure_ok(b: &[u8], max_depth: usize) -> bool {
    // one frame per open container: (is an object, index of its first key, expects a key)
    let mut frames: Vec<(bool, usize, bool)> = Vec::with_capacity(8);
    let mut keys: Vec<(usize, usize)> = Vec::with_capacity(16);
    let n = b.len();
    let mut i = 0;
    while i < n {
        match b[i] {
            c @ (b'{' | b'[') => {
                frames.push((c == b'{', keys.len(), c == b'{'));
                if frames.len() > max_depth {
                    return false;
                }
            }
            b'}' | b']' => {
                if let Some((_, first, _)) = frames.pop() {
                    keys.truncate(first);
                }
            }
            b',' => {
                if let Some(f) = frames.last_mut() {
                    f.2 = f.0;
                }
            }
            b':' => {
                if let Some(f) = frames.last_mut() {
                    f.2 = false;
                }
            }
            b'"' => {
                let start = i + 1;
                let mut j = start;
                let mut escaped = false;
                while j < n {
                    match b[j] {
                        b'\\' => {
                            escaped = true;
                            j += 2;
                        }
                        b'"' => break,
                        _ => j += 1,
                    }
                }
                if j >= n {
                    return false; // orjson would not have parsed it; be safe
                }
                if let Some(&(true, first, true)) = frames.last() {
                    if escaped || keys.len() - first >= MAX_SCANNED_KEYS {
                        return false;
                    }
                    let key = &b[start..j];
                    if keys[first..].iter().any(|&(s, e)| &b[s..e] == key) {
                        return false;
                    }
                    keys.push((start, j));
                }
                i = j;
            }
            _ => {}
        }
        i += 1;
    }
    true
}

fn two_digits(b: &[u8], i: usize) -> Option<i64> {
    let (h, l) = (*b.get(i)?, *b.get(i + 1)?);
    if h.is_ascii_digit() && l.is_ascii_digit() {
        Some(i64::from(h - b'0') * 10 + i64::from(l - b'0'))
    } else {
        None
    }
}

/// Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's `days_from_civil`).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// `schemas.post.parse_timestamp_ms` for the forms it accepts without doubt, else `None`.
///
/// Mirrors the regex `\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d{1,6}\d*)?([Zz]|[+-]\d{2}:\d{2})`,
/// the leap second read as :59, `datetime.fromisoformat`'s range checks, and
/// `int(datetime.timestamp() * 1000)`: the microseconds since the epoch divided by 10**6
/// (one correctly rounded division, as CPython's `timedelta.total_seconds` does; exact
/// here only while the microseconds fit a float's 53 bits, so later times are `None`),
/// times 1000 in floating point, truncated.
fn rfc3339_ms(b: &[u8]) -> Option<i64> {
    if b.len() < 20 || b.len() > 64 {
        return None;
    }
    let year = two_digits(b, 0)? * 100 + two_digits(b, 2)?;
    let month = two_digits(b, 5)?;
    let day = two_digits(b, 8)?;
    let hour = two_digits(b, 11)?;
    let minute = two_digits(b, 14)?;
    let second = two_digits(b, 17)?;
    if b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't') || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let mut i = 19;
    let mut micro = 0i64;
    if b[i] == b'.' {
        i += 1;
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            if i - start < 6 {
                micro = micro * 10 + i64::from(b[i] - b'0');
            }
            i += 1;
        }
        let digits = i - start;
        if digits == 0 {
            return None;
        }
        for _ in digits..6 {
            micro *= 10;
        }
    }
    let offset = match &b[i..] {
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), _, _, b':', _, _] => {
            let (h, m) = (two_digits(b, i + 1)?, two_digits(b, i + 4)?);
            if h > 23 || m > 59 {
                return None;
            }
            let secs = h * 3600 + m * 60;
            if *sign == b'-' {
                -secs
            } else {
                secs
            }
        }
        _ => return None,
    };
    let second = if second == 60 { 59 } else { second };
    if year < 1
        || !(1..=12).contains(&month)
        || day < 1
        || day > days_in_month(year, month)
        || hour > 23
        || minute > 59
        || second > 59
    {
        return None;
    }
    let secs = days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second - offset;
    let us = secs * 1_000_000 + micro;
    if us.abs() >= 1 << 53 {
        return None; // not exact as a float (after the year 2255): Python divides exactly
    }
    Some(((us as f64 / 1e6) * 1000.0) as i64)
}

struct Keys {
    post_id: Py<PyString>,
    platform: Py<PyString>,
    created_at: Py<PyString>,
    text: Py<PyString>,
    lang: Py<PyString>,
    url: Py<PyString>,
    author: Py<PyString>,
    id: Py<PyString>,
    followers: Py<PyString>,
    hashtags: Py<PyString>,
    metrics: Py<PyString>,
}

/// The fast path of the post decoder for one set of `schemas.post.Limits`.
#[pyclass(frozen, module = "deinfluence_native")]
pub struct PostChecker {
    max_message_bytes: usize,
    max_envelope_posts: usize,
    max_text_chars: usize,
    max_json_depth: usize,
    max_post_id_chars: usize,
    min_event_ms: i64,
    future_slack_ms: i64,
    platforms: Vec<String>,
    metric_fields: Vec<Py<PyString>>,
    keys: Keys,
}

/// `schemas.post._is_count` where it is certain: an exact int >= 0 (up to 2**64 - 1) or
/// an exact, finite, integral float >= 0. `None`: not certain (left to Python).
fn is_count(v: &Bound<'_, PyAny>) -> Option<bool> {
    if v.is_exact_instance_of::<PyInt>() {
        if let Ok(n) = v.extract::<i64>() {
            return Some(n >= 0);
        }
        return v.extract::<u64>().ok().map(|_| true);
    }
    if v.is_exact_instance_of::<PyFloat>() {
        let f: f64 = v.extract().ok()?;
        return Some(f.is_finite() && f >= 0.0 && f.fract() == 0.0);
    }
    Some(false)
}

impl PostChecker {
    fn get<'py>(dict: &Bound<'py, PyDict>, key: &Py<PyString>) -> PyResult<Option<Bound<'py, PyAny>>> {
        dict.get_item(key.bind(dict.py()))
    }

    /// `validate_post`'s event time when `item` is a valid post, `None` otherwise or when
    /// not certain.
    fn post_ms(&self, item: &Bound<'_, PyAny>, now_ms: i64) -> PyResult<Option<i64>> {
        let k = &self.keys;
        let Ok(post) = item.cast_exact::<PyDict>() else { return Ok(None) };
        let (Some(post_id), Some(platform), Some(created_at), Some(text)) = (
            Self::get(post, &k.post_id)?,
            Self::get(post, &k.platform)?,
            Self::get(post, &k.created_at)?,
            Self::get(post, &k.text)?,
        ) else {
            return Ok(None);
        };
        let Ok(post_id) = post_id.cast_exact::<PyString>() else { return Ok(None) };
        let id_chars = post_id.len()?;
        if id_chars < 1 || id_chars > self.max_post_id_chars {
            return Ok(None);
        }
        let Ok(platform) = platform.cast_exact::<PyString>() else { return Ok(None) };
        let platform = platform.to_str()?;
        if !self.platforms.iter().any(|p| p == platform) {
            return Ok(None);
        }
        let Ok(text) = text.cast_exact::<PyString>() else { return Ok(None) };
        if text.len()? > self.max_text_chars {
            return Ok(None);
        }
        let Ok(created_at) = created_at.cast_exact::<PyString>() else { return Ok(None) };
        let Some(ms) = rfc3339_ms(created_at.to_str()?.as_bytes()) else { return Ok(None) };
        if ms < self.min_event_ms || ms > now_ms + self.future_slack_ms {
            return Ok(None);
        }
        for key in [&k.lang, &k.url] {
            if let Some(v) = Self::get(post, key)? {
                if !v.is_none() && !v.is_exact_instance_of::<PyString>() {
                    return Ok(None);
                }
            }
        }
        if let Some(author) = Self::get(post, &k.author)? {
            if !author.is_none() {
                let Ok(author) = author.cast_exact::<PyDict>() else { return Ok(None) };
                if let Some(id) = Self::get(author, &k.id)? {
                    if !id.is_exact_instance_of::<PyString>() {
                        return Ok(None);
                    }
                }
                if let Some(followers) = Self::get(author, &k.followers)? {
                    if is_count(&followers) != Some(true) {
                        return Ok(None);
                    }
                }
            }
        }
        if let Some(tags) = Self::get(post, &k.hashtags)? {
            if !tags.is_none() {
                let Ok(tags) = tags.cast_exact::<PyList>() else { return Ok(None) };
                if !tags.iter().all(|t| t.is_exact_instance_of::<PyString>()) {
                    return Ok(None);
                }
            }
        }
        if let Some(metrics) = Self::get(post, &k.metrics)? {
            if !metrics.is_none() {
                let Ok(metrics) = metrics.cast_exact::<PyDict>() else { return Ok(None) };
                for name in &self.metric_fields {
                    if let Some(v) = Self::get(metrics, name)? {
                        if is_count(&v) != Some(true) {
                            return Ok(None);
                        }
                    }
                }
            }
        }
        Ok(Some(ms))
    }

    fn message<'py>(
        &self,
        py: Python<'py>,
        value: &Bound<'py, PyAny>,
        doc: &Bound<'py, PyAny>,
        now_ms: i64,
    ) -> PyResult<Option<Bound<'py, PyAny>>> {
        let Ok(bytes) = value.cast_exact::<PyBytes>() else { return Ok(None) };
        let raw = bytes.as_bytes();
        if raw.len() > self.max_message_bytes || raw.starts_with(b"\xef\xbb\xbf") {
            return Ok(None);
        }
        if doc.is_exact_instance_of::<PyDict>() {
            if !structure_ok(raw, self.max_json_depth) {
                return Ok(None);
            }
            return Ok(self.post_ms(doc, now_ms)?.map(|ms| ms.into_pyobject(py).unwrap().into_any()));
        }
        let Ok(list) = doc.cast_exact::<PyList>() else { return Ok(None) };
        if list.is_empty() || list.len() > self.max_envelope_posts || !structure_ok(raw, self.max_json_depth) {
            return Ok(None);
        }
        let stamps = PyList::empty(py);
        for item in list.iter() {
            match self.post_ms(&item, now_ms)? {
                Some(ms) => stamps.append(ms)?,
                None => return Ok(None),
            }
        }
        Ok(Some(stamps.into_any()))
    }
}

#[pymethods]
impl PostChecker {
    #[new]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        max_message_bytes: usize,
        max_envelope_posts: usize,
        max_text_chars: usize,
        max_json_depth: usize,
        max_post_id_chars: usize,
        min_event_ms: i64,
        future_slack_ms: i64,
        platforms: Vec<String>,
        metric_fields: Vec<String>,
    ) -> Self {
        let intern = |s: &str| PyString::intern(py, s).unbind();
        PostChecker {
            max_message_bytes,
            max_envelope_posts,
            max_text_chars,
            max_json_depth,
            max_post_id_chars,
            min_event_ms,
            future_slack_ms,
            platforms,
            metric_fields: metric_fields.iter().map(|f| intern(f)).collect(),
            keys: Keys {
                post_id: intern("post_id"),
                platform: intern("platform"),
                created_at: intern("created_at"),
                text: intern("text"),
                lang: intern("lang"),
                url: intern("url"),
                author: intern("author"),
                id: intern("id"),
                followers: intern("followers"),
                hashtags: intern("hashtags"),
                metrics: intern("metrics"),
            },
        }
    }

    /// Per message of `values` (raw bytes) and `docs` (their orjson documents, `None` where
    /// orjson failed): the event time in ms of a valid single post, a list of them for an
    /// envelope of valid posts, or `None` where the Python decoder must decide.
    fn check<'py>(
        &self,
        py: Python<'py>,
        values: &Bound<'py, PyList>,
        docs: &Bound<'py, PyList>,
        now_ms: i64,
    ) -> PyResult<Bound<'py, PyList>> {
        if values.len() != docs.len() {
            return Err(pyo3::exceptions::PyValueError::new_err("values and docs differ in length"));
        }
        let out = PyList::empty(py);
        for (value, doc) in values.iter().zip(docs.iter()) {
            match self.message(py, &value, &doc, now_ms)? {
                Some(v) => out.append(v)?,
                None => out.append(py.None())?,
            }
        }
        Ok(out)
    }

    /// `parse_timestamp_ms` where this code is certain, else `None` (for the tests).
    #[staticmethod]
    fn timestamp_ms(value: &str) -> Option<i64> {
        rfc3339_ms(value.as_bytes())
    }
}
