//! Native core of `processors.classify.RuleClassifier`: the per-post loop in Rust.
//!
//! Every rule, lexicon, stem table, catalog alias and constant stays in Python, which
//! compiles them and hands them to [`Engine::new`]; this crate only runs the same
//! algorithm faster. Each function below mirrors one Python function (named in its doc
//! comment) step by step, including the order of floating-point additions, so the two
//! engines give identical output; `tests/processors/test_native.py` checks that on the
//! labeled sets, the bad-input corpus and generated posts.
//!
//! Two rare paths call back into Python instead of re-implementing it: NFKC and case
//! folding of non-ASCII hashtags (`hashtags.normalize_tag`) and the affiliate-code regex
//! (`sponsorship.has_affiliate_code`, only for posts containing a word like "code").

mod counts;
mod learned;
mod post;

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyBytes, PyDict, PyFloat, PyList, PyString, PyTuple};
use rustc_hash::{FxHashMap, FxHashSet};
use std::collections::HashMap;
use std::sync::OnceLock;
use unicode_general_category::{get_general_category, GeneralCategory as GC};

// ---------------------------------------------------------------------------------------
// Character classes of CPython's `re` and `str` methods

/// Code point ranges of `str.isalnum()` and `str.isalpha()` from the running Python's
/// Unicode database (set by the first `Engine`), so that a character the interpreter's
/// Unicode version does not know is no word character here either.
static ALNUM: OnceLock<Vec<(u32, u32)>> = OnceLock::new();
static ALPHA: OnceLock<Vec<(u32, u32)>> = OnceLock::new();

#[inline]
fn in_ranges(ranges: &[(u32, u32)], c: char) -> bool {
    let c = c as u32;
    let i = ranges.partition_point(|r| r.1 < c);
    i < ranges.len() && ranges[i].0 <= c
}

/// A letter (L*) by Rust's Unicode tables: used only until an `Engine` sets the ranges.
fn gc_letter(c: char) -> bool {
    matches!(
        get_general_category(c),
        GC::UppercaseLetter
            | GC::LowercaseLetter
            | GC::TitlecaseLetter
            | GC::ModifierLetter
            | GC::OtherLetter
    )
}

fn gc_alnum(c: char) -> bool {
    gc_letter(c)
        || matches!(get_general_category(c), GC::DecimalNumber | GC::LetterNumber | GC::OtherNumber)
}

/// A non-ASCII character in the interpreter's `table`, or by `fallback` before it is set.
#[inline]
fn in_table(c: char, table: &OnceLock<Vec<(u32, u32)>>, fallback: fn(char) -> bool) -> bool {
    match table.get() {
        Some(ranges) => in_ranges(ranges, c),
        None => fallback(c),
    }
}

/// `str.isalnum()` of one character.
#[inline]
fn is_alnum(c: char) -> bool {
    if c.is_ascii() { c.is_ascii_alphanumeric() } else { in_table(c, &ALNUM, gc_alnum) }
}

/// `str.isalpha()` of one character.
#[inline]
fn is_alpha(c: char) -> bool {
    if c.is_ascii() { c.is_ascii_alphabetic() } else { in_table(c, &ALPHA, gc_letter) }
}

/// `\w` of CPython's `re` on str patterns: `isalnum()` or `_`.
#[inline]
fn is_word(c: char) -> bool {
    c == '_' || is_alnum(c)
}

/// `\s` and `str.isspace()`.
#[inline]
fn is_space(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\x0b' | '\x0c' | '\r' | '\x1c'..='\x1f' | ' ' | '\u{85}' | '\u{a0}'
            | '\u{1680}' | '\u{2000}'..='\u{200a}' | '\u{2028}' | '\u{2029}' | '\u{202f}'
            | '\u{205f}' | '\u{3000}'
    )
}

/// `str.isupper()` of a whole string: all cased characters upper case, at least one.
fn str_isupper(s: &str) -> bool {
    let mut cased = false;
    for c in s.chars() {
        if c.is_lowercase() || get_general_category(c) == GC::TitlecaseLetter {
            return false;
        }
        if c.is_uppercase() {
            cased = true;
        }
    }
    cased
}

/// `str.strip()` without arguments.
fn py_strip(s: &str) -> &str {
    s.trim_matches(is_space)
}

// ---------------------------------------------------------------------------------------
// tokens.py

const QUOTE_OPEN: &str = "qqquoteopenqq";
/// `learned.LEARNED_CUE`: leads the cues of a post the learned fallback decided.
const LEARNED_CUE: &str = "~learned";
const QUOTE_CLOSE: &str = "qqquoteclosegq";
const SENTENCE: u8 = 2;
const CLAUSE: u8 = 1;
const WORD: u8 = 0;

#[inline]
fn is_quote_open(c: char) -> bool {
    matches!(c, '\'' | '\u{2018}' | '"' | '\u{201c}' | '\u{ab}')
}

#[inline]
fn is_quote_close(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '"' | '\u{201d}' | '\u{bb}')
}

/// Close of `_QUOTED` at `i`: `['’"”»](?!\w)`; the end of the match.
#[inline]
fn quote_close_at(n: usize, ch: &impl Fn(usize) -> char, i: usize) -> Option<usize> {
    if i < n && is_quote_close(ch(i)) && (i + 1 >= n || !is_word(ch(i + 1))) {
        Some(i + 1)
    } else {
        None
    }
}

/// One `_QUOTED` match starting at the opening quote `p`, with the backtracking order of
/// `(?<!\w)['‘"“«]\s?([^\n'‘"“«]{1,80}?|[^\n]{1,80}?)\s?['’"”»](?!\w)`:
/// (group start, group end, match end), in characters.
fn quote_match(n: usize, ch: &impl Fn(usize) -> char, p: usize) -> Option<(usize, usize, usize)> {
    let after = p + 1;
    let mut starts = [after, after];
    let options = if after < n && is_space(ch(after)) {
        starts[0] = after + 1;
        2
    } else {
        1
    };
    for &g_start in &starts[..options] {
        for strict in [true, false] {
            let mut k = 0;
            while k < 80 {
                let idx = g_start + k;
                if idx >= n {
                    break;
                }
                let c = ch(idx);
                if c == '\n' || (strict && is_quote_open(c)) {
                    break;
                }
                k += 1;
                let g_end = g_start + k;
                if g_end < n && is_space(ch(g_end)) {
                    if let Some(end) = quote_close_at(n, ch, g_end + 1) {
                        return Some((g_start, g_end, end));
                    }
                }
                if let Some(end) = quote_close_at(n, ch, g_end) {
                    return Some((g_start, g_end, end));
                }
            }
        }
    }
    None
}

/// `_QUOTED.sub(_mark_quote, s)`; `None` when nothing is quoted.
fn mark_quotes(s: &str) -> Option<String> {
    if s.is_ascii() {
        if !s.bytes().any(|b| b == b'\'' || b == b'"') {
            return None;
        }
        let b = s.as_bytes();
        return mark_quotes_in(s, b.len(), |j| b[j] as char, |j| j);
    }
    if !s.chars().any(is_quote_open) {
        return None;
    }
    let cs: Vec<(usize, char)> = s.char_indices().collect();
    let n = cs.len();
    mark_quotes_in(s, n, |j| cs[j].1, |j| if j < n { cs[j].0 } else { s.len() })
}

#[inline(always)]
fn mark_quotes_in(
    s: &str,
    n: usize,
    ch: impl Fn(usize) -> char,
    pos: impl Fn(usize) -> usize,
) -> Option<String> {
    let mut out = String::with_capacity(s.len() + 32);
    let (mut last, mut p, mut changed) = (0usize, 0usize, false);
    while p < n {
        let c = ch(p);
        if is_quote_open(c) && (p == 0 || !is_word(ch(p - 1))) {
            if let Some((gs, ge, end)) = quote_match(n, &ch, p) {
                out.push_str(&s[pos(last)..pos(p)]);
                out.push(' ');
                out.push_str(QUOTE_OPEN);
                out.push(' ');
                out.push_str(&s[pos(gs)..pos(ge)]);
                out.push(' ');
                out.push_str(QUOTE_CLOSE);
                out.push(' ');
                last = end;
                p = end;
                changed = true;
                continue;
            }
        }
        p += 1;
    }
    if !changed {
        return None;
    }
    out.push_str(&s[pos(last)..]);
    Some(out)
}

#[inline]
fn is_sentence_char(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | ';' | '\u{2026}' | '\n')
}

#[inline]
fn is_single_char(c: char) -> bool {
    matches!(
        c,
        ',' | ':' | '\u{2013}' | '\u{2014}' | '(' | '$' | '\u{20ac}' | '\u{a3}' | '%'
            | '\u{1f300}'..='\u{1faff}' | '\u{2600}'..='\u{27bf}'
    )
}

/// `_TOKEN.findall(s)`: `#?\w+(?:[.,]\w+)*|[.!?;…\n]+|[,:–—($€£%<emoji>]`.
fn find_tokens<'a>(s: &'a str, out: &mut Vec<&'a str>) {
    if s.is_ascii() {
        let b = s.as_bytes();
        scan_tokens(s, b.len(), |j| b[j] as char, |j| j, out);
    } else {
        let cs: Vec<(usize, char)> = s.char_indices().collect();
        let m = cs.len();
        scan_tokens(s, m, |j| cs[j].1, |j| if j < m { cs[j].0 } else { s.len() }, out);
    }
}

/// The tokenizer over `m` characters: `ch(j)` is the j-th, `pos(j)` its byte offset.
#[inline(always)]
fn scan_tokens<'a>(
    s: &'a str,
    m: usize,
    ch: impl Fn(usize) -> char,
    pos: impl Fn(usize) -> usize,
    out: &mut Vec<&'a str>,
) {
    let word_run = |mut j: usize| {
        while j < m && is_word(ch(j)) {
            j += 1;
        }
        while j + 1 < m && (ch(j) == '.' || ch(j) == ',') && is_word(ch(j + 1)) {
            j += 1;
            while j < m && is_word(ch(j)) {
                j += 1;
            }
        }
        j
    };
    let mut i = 0;
    while i < m {
        let c = ch(i);
        let j = if c == '#' && i + 1 < m && is_word(ch(i + 1)) {
            word_run(i + 1)
        } else if is_word(c) {
            word_run(i)
        } else if is_sentence_char(c) {
            let mut j = i + 1;
            while j < m && is_sentence_char(ch(j)) {
                j += 1;
            }
            j
        } else if is_single_char(c) {
            i + 1
        } else {
            i += 1;
            continue;
        };
        out.push(&s[pos(i)..pos(j)]);
        i = j;
    }
}

/// `token_kind`: SENTENCE (sentence end or emoji), CLAUSE (clause break) or WORD.
#[inline]
fn token_kind(tok: &str) -> u8 {
    let first = tok.chars().next().unwrap_or(' ');
    if is_alnum(first) || matches!(first, '#' | '_' | '$' | '\u{20ac}' | '\u{a3}' | '%') {
        WORD
    } else if matches!(first, ',' | ':' | '\u{2013}' | '\u{2014}' | '(') {
        CLAUSE
    } else {
        SENTENCE
    }
}

// ---------------------------------------------------------------------------------------
// Cues, aliases and the phrase index (lexicon.py, stems.py, brands.py)

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
enum Kind {
    Stop,
    Rhet,
    Bad,
    Flaw,
    Sarcasm,
    NotSaying,
    Go,
    Good,
    Alt,
    AltRev,
    Topic,
    Meta,
    News,
    Mixed,
    Reversal,
    Spons,
    SponsWeak,
    NoSpons,
    Code,
    Other,
}

impl Kind {
    /// `stance._NEUTRAL_EVIDENCE`: kinds that make a neutral verdict the rules' own.
    fn is_neutral_evidence(self) -> bool {
        matches!(self, Kind::Meta | Kind::News | Kind::Mixed)
    }

    fn parse(s: &str) -> Kind {
        match s {
            "stop" => Kind::Stop,
            "rhet" => Kind::Rhet,
            "bad" => Kind::Bad,
            "flaw" => Kind::Flaw,
            "sarcasm" => Kind::Sarcasm,
            "notsaying" => Kind::NotSaying,
            "go" => Kind::Go,
            "good" => Kind::Good,
            "alt" => Kind::Alt,
            "altrev" => Kind::AltRev,
            "topic" => Kind::Topic,
            "meta" => Kind::Meta,
            "news" => Kind::News,
            "mixed" => Kind::Mixed,
            "reversal" => Kind::Reversal,
            "spons" => Kind::Spons,
            "sponsweak" => Kind::SponsWeak,
            "nospons" => Kind::NoSpons,
            "code" => Kind::Code,
            _ => Kind::Other,
        }
    }
}

struct CueData {
    kind: Kind,
    polarity: i64,
    weight: f64,
    direction: i64,
    /// indexes into the engine's reason list (unknown reasons dropped, as `reasons_for` does)
    reasons: Vec<usize>,
    has_reasons: bool,
    price: bool,
    phrase: String,
    phrase_py: Py<PyString>,
    /// `cue.phrase[:1].isalnum()`
    first_alnum: bool,
    /// `targets._local`: the phrase starts with a letter, a digit, `'` or a currency sign
    local: bool,
    question_proof: bool,
}

#[derive(Clone, Copy)]
enum Payload {
    Cue(u32),
    Alias(u32),
}

struct AliasData {
    brand: u32,
    weak: bool,
}

type Rest = Vec<(Vec<String>, Payload)>;

struct Entry {
    single_cue: Option<u32>,
    single_alias: Option<u32>,
    by_next: Option<FxHashMap<String, Rest>>,
    wild: Option<Rest>,
}

/// `lexicon.PhraseIndex` (its table lives in [`LangEngine::words`]).
struct PhraseIndex;

/// Everything one language knows about a token, found with one hash probe.
#[derive(Default)]
struct Word {
    entry: Option<Entry>,
    stem_exact: Option<u32>,
    flags: u8,
}

#[derive(Clone, Copy)]
struct Hit {
    start: usize,
    end: usize,
    payload: Payload,
}

impl PhraseIndex {
    fn build(entries: Vec<(Vec<String>, Payload)>) -> FxHashMap<String, Entry> {
        let mut single: FxHashMap<String, Vec<Payload>> = FxHashMap::default();
        let mut pairs: FxHashMap<String, FxHashMap<String, Rest>> = FxHashMap::default();
        let mut wild: FxHashMap<String, Rest> = FxHashMap::default();
        let mut firsts: Vec<String> = Vec::new();
        for (toks, payload) in entries {
            if toks.is_empty() || toks[0] == "*" {
                continue;
            }
            firsts.push(toks[0].clone());
            if toks.len() == 1 {
                single.entry(toks[0].clone()).or_default().push(payload);
            } else if toks[1] == "*" || toks[2..].iter().any(|t| t == "*") {
                wild.entry(toks[0].clone()).or_default().push((toks[1..].to_vec(), payload));
            } else {
                pairs
                    .entry(toks[0].clone())
                    .or_default()
                    .entry(toks[1].clone())
                    .or_default()
                    .push((toks[2..].to_vec(), payload));
            }
        }
        for by_next in pairs.values_mut() {
            for candidates in by_next.values_mut() {
                candidates.sort_by_key(|e| std::cmp::Reverse(e.0.len())); // stable, as in Python
            }
        }
        for candidates in wild.values_mut() {
            candidates.sort_by_key(|e| std::cmp::Reverse(e.0.len()));
        }
        let mut table = FxHashMap::default();
        for first in firsts {
            if table.contains_key(&first) {
                continue;
            }
            let payloads = single.remove(&first).unwrap_or_default();
            let single_cue = payloads.iter().find_map(|p| match p {
                Payload::Cue(c) => Some(*c),
                _ => None,
            });
            let single_alias = payloads.iter().find_map(|p| match p {
                Payload::Alias(a) => Some(*a),
                _ => None,
            });
            let entry = Entry {
                single_cue,
                single_alias,
                by_next: pairs.remove(&first),
                wild: wild.remove(&first),
            };
            table.insert(first, entry);
        }
        table
    }

    /// `PhraseIndex.scan`: leftmost-longest matches, for cues and brands separately.
    fn scan(toks: &[&str], words: &[Option<&Word>], out: &mut Vec<Hit>) {
        let (mut cue_until, mut brand_until) = (0usize, 0usize);
        let n = toks.len();
        for i in 0..n {
            let Some(entry) = words[i].and_then(|w| w.entry.as_ref()) else { continue };
            let mut cue: Option<Hit> = None;
            let mut brand: Option<Hit> = None;
            if let Some(by_next) = &entry.by_next {
                if i + 1 < n {
                    if let Some(cands) = by_next.get(toks[i + 1]) {
                        for (rest, payload) in cands {
                            if !rest.is_empty() {
                                let from = i + 2;
                                if from + rest.len() > n
                                    || !rest.iter().zip(&toks[from..]).all(|(w, g)| w == g)
                                {
                                    continue;
                                }
                            }
                            let hit = Hit { start: i, end: i + 2 + rest.len(), payload: *payload };
                            match payload {
                                Payload::Cue(_) => {
                                    if cue.is_none() {
                                        cue = Some(hit)
                                    }
                                }
                                Payload::Alias(_) => {
                                    if brand.is_none() {
                                        brand = Some(hit)
                                    }
                                }
                            }
                        }
                    }
                }
            }
            if let Some(wild) = &entry.wild {
                for (rest, payload) in wild {
                    let at = i + 1;
                    if at + rest.len() > n
                        || !rest.iter().zip(&toks[at..]).all(|(w, g)| w == "*" || w == g)
                    {
                        continue;
                    }
                    let found = Hit { start: i, end: i + 1 + rest.len(), payload: *payload };
                    match payload {
                        Payload::Cue(_) => {
                            if cue.map_or(true, |c| found.end > c.end) {
                                cue = Some(found)
                            }
                        }
                        Payload::Alias(_) => {
                            if brand.map_or(true, |b| found.end > b.end) {
                                brand = Some(found)
                            }
                        }
                    }
                }
            }
            if cue.is_none() {
                if let Some(c) = entry.single_cue {
                    cue = Some(Hit { start: i, end: i + 1, payload: Payload::Cue(c) });
                }
            }
            if brand.is_none() {
                if let Some(a) = entry.single_alias {
                    brand = Some(Hit { start: i, end: i + 1, payload: Payload::Alias(a) });
                }
            }
            if let Some(c) = cue {
                if i >= cue_until {
                    out.push(c);
                    cue_until = c.end;
                }
            }
            if let Some(b) = brand {
                if i >= brand_until {
                    out.push(b);
                    brand_until = b.end;
                }
            }
        }
    }
}

/// Everything that depends on the language key (`en` ... `fr`, or `und`).
struct LangEngine {
    /// phrase-index entries, whole-word stems and flags, by token
    words: FxHashMap<String, Word>,
    negators: FxHashSet<String>,
    /// `lexicon.post_negators`
    post_negators: FxHashSet<String>,
    stems: StemTrie,
}

/// Stem prefixes as a character trie: the deepest stem on a token's path is the longest
/// prefix of the token in the table, which is what `StemIndex.lookup` returns (it tries
/// the stem lengths longest first).
#[derive(Default)]
struct StemTrie {
    children: FxHashMap<(u32, char), u32>,
    cue: Vec<Option<u32>>,
}

impl StemTrie {
    fn new(prefixes: HashMap<String, u32>) -> Self {
        let mut trie = StemTrie { children: FxHashMap::default(), cue: vec![None] };
        for (stem, cue) in prefixes {
            let mut node = 0u32;
            for c in stem.chars() {
                let next = trie.cue.len() as u32;
                node = *trie.children.entry((node, c)).or_insert_with(|| next);
                if node == next {
                    trie.cue.push(None);
                }
            }
            trie.cue[node as usize] = Some(cue);
        }
        trie
    }

    fn longest(&self, tok: &str) -> Option<u32> {
        let (mut node, mut best) = (0u32, None);
        for c in tok.chars() {
            match self.children.get(&(node, c)) {
                Some(&next) => node = next,
                None => break,
            }
            if let Some(cue) = self.cue[node as usize] {
                best = Some(cue);
            }
        }
        best
    }
}

impl LangEngine {
    /// `StemIndex.lookup`.
    fn stem(&self, tok: &str, word: Option<&Word>) -> Option<u32> {
        if let Some(c) = word.and_then(|w| w.stem_exact) {
            return Some(c);
        }
        let first = tok.chars().next()?;
        if !is_alpha(first) || tok.chars().nth(3).is_none() {
            return None; // `_MIN_PREFIX`: four characters at least
        }
        self.stems.longest(tok)
    }
}

// ---------------------------------------------------------------------------------------
// stance.py and targets.py

struct Layout {
    sentence: Vec<usize>,
    clause: Vec<usize>,
    /// sentences that are questions (few: a vector beats a hash set)
    questions: Vec<usize>,
    /// per token: inside a quotation (empty when the post quotes nothing)
    quoted: Vec<bool>,
    contrast_at: usize,
}

#[derive(Clone, Copy)]
struct Found {
    start: usize,
    cue: u32,
    weight: f64,
    sentence: usize,
}

#[derive(Default)]
struct Totals {
    neg: f64,
    pos: f64,
    stop: f64,
    meta: f64,
    news: f64,
    mixed: f64,
    reversal_at: f64,
    alt: f64,
    flaw: f64,
    price: f64,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Stance {
    De,
    Pro,
    Neutral,
}

// ---------------------------------------------------------------------------------------
// The engine

#[pyclass(frozen, module = "deinfluence_native")]
struct Engine {
    cues: Vec<CueData>,
    aliases: Vec<AliasData>,
    brands: Vec<String>,
    brands_py: Vec<Py<PyString>>,
    langs: FxHashMap<String, LangEngine>,
    commerce: FxHashSet<String>,
    object_pronouns: FxHashSet<String>,
    store_prepositions: FxHashSet<String>,
    /// `lexicon.POST_NEGATION_TAIL`
    post_tail: FxHashSet<String>,
    votes: FxHashMap<String, Vec<usize>>,
    letters: Vec<(String, usize)>,
    lang_order: Vec<String>,
    nl: usize,
    reasons_py: Vec<Py<PyString>>,
    flipped: u32,
    affiliate: u32,
    max_cues: usize,
    lone_flaw: f64,
    experience: f64,
    normalize_tag: Py<PyAny>,
    has_affiliate_code: Py<PyAny>,
    learned: Option<learned::Learned>,
    keys: Keys,
}

const FIRST_PERSON: u8 = 1;
const CODE_WORD: u8 = 2;
const CONTRAST: u8 = 4;

struct Keys {
    text: Py<PyString>,
    hashtags: Py<PyString>,
    lang: Py<PyString>,
    stance: Py<PyString>,
    targets: Py<PyString>,
    sponsored: Py<PyString>,
    reasons: Py<PyString>,
    brands: Py<PyString>,
    confidence: Py<PyString>,
    cues: Py<PyString>,
    deinfluencing: Py<PyString>,
    promoting: Py<PyString>,
    neutral: Py<PyString>,
    question: Py<PyString>,
    learned: Py<PyString>,
}

/// (kind, polarity, weight, direction, reasons, phrase, first_alnum, local)
type CueSpec = (String, i64, f64, i64, Vec<String>, String, bool, bool);
/// (key, [(tokens, is_cue, id)], negators, stem prefixes, stem exact, stem lengths,
/// post-verbal negators)
type LangSpec = (
    String,
    Vec<(Vec<String>, bool, u32)>,
    Vec<String>,
    HashMap<String, u32>,
    HashMap<String, u32>,
    Vec<usize>,
    Vec<String>,
);

/// `Fallback.native_arrays`: bits, ids, weights, bias, threshold, and the reason head's ids,
/// weights, bias and threshold (or `None`).
type Fallback<'py> = (
    u32,
    Bound<'py, PyBytes>,
    Bound<'py, PyBytes>,
    (f64, f64, f64),
    f64,
    Option<(Bound<'py, PyBytes>, Bound<'py, PyBytes>, Vec<f64>, f64)>,
);

fn set_of(words: Vec<String>) -> FxHashSet<String> {
    words.into_iter().collect()
}

/// Output of the per-post work, turned into Python objects by `Engine::emit`.
struct Post {
    stance: Stance,
    targets: Vec<(u32, Stance)>,
    sponsored: bool,
    reasons: Vec<usize>,
    hashtags: Vec<String>,
    lang: String,
    confidence: f64,
    cues: Vec<u32>,
    question_cue: bool,
    learned_cue: bool,
}

#[pymethods]
impl Engine {
    #[new]
    #[allow(clippy::too_many_arguments)]
    #[pyo3(signature = (cues, aliases, brands, langs, sets, votes, letters, lang_order, reasons,
                        question_proof, flipped, affiliate, max_cues, lone_flaw, experience,
                        normalize_tag, has_affiliate_code, alnum_ranges, alpha_ranges, fallback=None))]
    fn new(
        py: Python<'_>,
        cues: Vec<CueSpec>,
        aliases: Vec<(u32, bool)>,
        brands: Vec<String>,
        langs: Vec<LangSpec>,
        sets: HashMap<String, Vec<String>>,
        votes: Vec<(String, Vec<usize>)>,
        letters: Vec<(String, usize)>,
        lang_order: Vec<String>,
        reasons: Vec<String>,
        question_proof: Vec<String>,
        flipped: u32,
        affiliate: u32,
        max_cues: usize,
        lone_flaw: f64,
        experience: f64,
        normalize_tag: Py<PyAny>,
        has_affiliate_code: Py<PyAny>,
        alnum_ranges: Vec<(u32, u32)>,
        alpha_ranges: Vec<(u32, u32)>,
        fallback: Option<Fallback<'_>>,
    ) -> PyResult<Self> {
        let learned = match fallback {
            None => None,
            Some((bits, ids, weights, bias, threshold, head)) => {
                let head = head.as_ref().map(|(rids, rweights, rbias, rthreshold)| {
                    (rids.as_bytes(), rweights.as_bytes(), rbias.clone(), *rthreshold)
                });
                Some(
                    learned::Learned::new(
                        bits,
                        ids.as_bytes(),
                        weights.as_bytes(),
                        [bias.0, bias.1, bias.2],
                        threshold,
                        head,
                    )
                    .map_err(PyValueError::new_err)?,
                )
            }
        };
        for ranges in [&alnum_ranges, &alpha_ranges] {
            if ranges.windows(2).any(|w| w[0].1 >= w[1].0) || ranges.iter().any(|r| r.0 > r.1) {
                return Err(PyValueError::new_err("character ranges must be sorted and disjoint"));
            }
        }
        let _ = ALNUM.set(alnum_ranges);
        let _ = ALPHA.set(alpha_ranges);
        let proof: FxHashSet<Kind> = question_proof.iter().map(|k| Kind::parse(k)).collect();
        let cues = cues
            .into_iter()
            .map(|(kind, polarity, weight, direction, rs, phrase, first_alnum, local)| {
                let kind = Kind::parse(&kind);
                CueData {
                    kind,
                    polarity,
                    weight,
                    direction,
                    reasons: rs.iter().filter_map(|r| reasons.iter().position(|x| x == r)).collect(),
                    has_reasons: !rs.is_empty(),
                    price: rs.iter().any(|r| r == "price"),
                    phrase_py: PyString::new(py, &phrase).unbind(),
                    phrase,
                    first_alnum,
                    local,
                    question_proof: proof.contains(&kind),
                }
            })
            .collect::<Vec<_>>();
        let n_cues = cues.len() as u32;
        if flipped >= n_cues || affiliate >= n_cues {
            return Err(PyValueError::new_err("special cue id out of range"));
        }
        let aliases: Vec<AliasData> =
            aliases.into_iter().map(|(brand, weak)| AliasData { brand, weak }).collect();
        if aliases.iter().any(|a| a.brand as usize >= brands.len()) {
            return Err(PyValueError::new_err("alias brand id out of range"));
        }
        let mut word_flags: FxHashMap<String, u8> = FxHashMap::default();
        for (name, bit) in [("first_person", FIRST_PERSON), ("code_words", CODE_WORD), ("contrasts", CONTRAST)] {
            for w in sets.get(name).ok_or_else(|| PyValueError::new_err(format!("missing word set {name}")))? {
                *word_flags.entry(w.clone()).or_default() |= bit;
            }
        }
        let mut engines = FxHashMap::default();
        for (key, entries, negators, prefixes, exact, _lengths, post_negators) in langs {
            let mut converted = Vec::with_capacity(entries.len());
            for (toks, is_cue, id) in entries {
                let ok = if is_cue { id < n_cues } else { (id as usize) < aliases.len() };
                if !ok {
                    return Err(PyValueError::new_err(format!("{key}: payload id {id} out of range")));
                }
                converted.push((toks, if is_cue { Payload::Cue(id) } else { Payload::Alias(id) }));
            }
            if prefixes.values().chain(exact.values()).any(|&c| c >= n_cues) {
                return Err(PyValueError::new_err(format!("{key}: stem cue id out of range")));
            }
            let mut words: FxHashMap<String, Word> = FxHashMap::default();
            for (first, entry) in PhraseIndex::build(converted) {
                words.entry(first).or_default().entry = Some(entry);
            }
            for (stem, cue) in exact {
                words.entry(stem).or_default().stem_exact = Some(cue);
            }
            for (w, bits) in &word_flags {
                words.entry(w.clone()).or_default().flags |= bits;
            }
            engines.insert(
                key,
                LangEngine {
                    words,
                    negators: set_of(negators),
                    post_negators: set_of(post_negators),
                    stems: StemTrie::new(prefixes),
                },
            );
        }
        if !engines.contains_key("und") {
            return Err(PyValueError::new_err("langs must include 'und'"));
        }
        let mut sets = sets;
        let mut take = |name: &str| -> PyResult<FxHashSet<String>> {
            sets.remove(name)
                .map(set_of)
                .ok_or_else(|| PyValueError::new_err(format!("missing word set {name}")))
        };
        let nl = lang_order
            .iter()
            .position(|l| l == "nl")
            .ok_or_else(|| PyValueError::new_err("lang_order must include 'nl'"))?;
        if votes.iter().flat_map(|(_, ls)| ls).chain(letters.iter().map(|(_, l)| l)).any(|&l| l >= lang_order.len()) {
            return Err(PyValueError::new_err("language index out of range"));
        }
        let intern = |s: &str| PyString::intern(py, s).unbind();
        Ok(Engine {
            brands_py: brands.iter().map(|b| PyString::intern(py, b).unbind()).collect(),
            brands,
            cues,
            aliases,
            langs: engines,
            commerce: take("commerce")?,
            object_pronouns: take("object_pronouns")?,
            store_prepositions: take("store_prepositions")?,
            post_tail: take("post_negation_tail")?,
            votes: votes.into_iter().collect(),
            letters,
            lang_order,
            nl,
            reasons_py: reasons.iter().map(|r| PyString::intern(py, r).unbind()).collect(),
            flipped,
            affiliate,
            max_cues,
            lone_flaw,
            experience,
            normalize_tag,
            has_affiliate_code,
            learned,
            keys: Keys {
                text: intern("text"),
                hashtags: intern("hashtags"),
                lang: intern("lang"),
                stance: intern("stance"),
                targets: intern("targets"),
                sponsored: intern("sponsored"),
                reasons: intern("reasons"),
                brands: intern("brands"),
                confidence: intern("confidence"),
                cues: intern("cues"),
                deinfluencing: intern("deinfluencing"),
                promoting: intern("promoting"),
                neutral: intern("neutral"),
                question: intern("?"),
                learned: intern(LEARNED_CUE),
            },
        })
    }

    /// Classify a list of dict posts; returns new dicts (input plus the classifier's keys).
    fn classify_batch<'py>(
        &self,
        py: Python<'py>,
        posts: &Bound<'py, PyList>,
    ) -> PyResult<Bound<'py, PyList>> {
        let out = PyList::empty(py);
        for item in posts.iter() {
            let post = item.cast::<PyDict>()?;
            out.append(self.classify_one(py, post)?)?;
        }
        Ok(out)
    }

    /// Tokens of a text as `tokens.tokenize` gives them (lower-cased, quotes marked).
    fn tokenize(&self, py: Python<'_>, text: &Bound<'_, PyString>) -> PyResult<Vec<String>> {
        let low = lower(py, text, text.to_str()?)?;
        let marked = mark_quotes(&low);
        let mut toks = Vec::new();
        find_tokens(marked.as_deref().unwrap_or(&low), &mut toks);
        Ok(toks.into_iter().map(str::to_owned).collect())
    }
}

impl Engine {
    fn classify_one<'py>(
        &self,
        py: Python<'py>,
        post: &Bound<'py, PyDict>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let k = &self.keys;
        let text_obj = post.get_item(k.text.bind(py))?;
        let text_owned: String;
        let text_py: Option<Bound<'py, PyString>> = match &text_obj {
            None => None,
            Some(o) if o.is_none() => None,
            Some(o) => Some(match o.cast::<PyString>() {
                Ok(s) => s.clone(),
                Err(_) => o.str()?,
            }),
        };
        let (text, low): (&str, String) = match &text_py {
            None => ("", String::new()),
            Some(s) => {
                text_owned = s.to_str()?.to_owned();
                let low = lower(py, s, &text_owned)?;
                (&text_owned, low)
            }
        };
        let field = post.get_item(k.hashtags.bind(py))?;
        let field_is_list = field.as_ref().is_some_and(|f| f.is_instance_of::<PyList>());
        let field_tags: Option<Vec<Bound<'py, PyAny>>> = match &field {
            Some(f) if f.is_instance_of::<PyList>() || f.is_instance_of::<PyTuple>() => {
                Some(f.try_iter()?.collect::<PyResult<Vec<_>>>()?)
            }
            _ => None,
        };
        let lang_obj = post.get_item(k.lang.bind(py))?;
        let lang_hint = match &lang_obj {
            Some(o) => match o.cast::<PyString>() {
                Ok(s) => normalize_lang(s.to_str()?),
                Err(_) => None,
            },
            None => None,
        };
        let result = self.classify_text(py, text, low, field_tags, field_is_list, lang_hint)?;
        self.emit(py, post, result)
    }

    fn classify_text<'py>(
        &self,
        py: Python<'py>,
        text: &str,
        low: String,
        field_tags: Option<Vec<Bound<'py, PyAny>>>,
        field_is_list: bool,
        lang_hint: Option<String>,
    ) -> PyResult<Post> {
        // tokenize
        let marked = mark_quotes(&low);
        let mut toks: Vec<&str> = Vec::with_capacity(64);
        find_tokens(marked.as_deref().unwrap_or(&low), &mut toks);
        // hashtags
        let hashtags = self.extract_hashtags(py, field_tags, text)?;
        let mut extra: Vec<String> = Vec::new();
        if !hashtags.is_empty() && field_is_list {
            for t in &hashtags {
                let tag = format!("#{t}");
                if !toks.iter().any(|x| *x == tag) {
                    extra.push(tag);
                }
            }
        }
        if !extra.is_empty() {
            toks.push("\n");
            toks.extend(extra.iter().map(String::as_str));
        }
        let lang = match lang_hint {
            Some(l) => l,
            None => self.detect_lang(&toks, &low),
        };
        let engine = self.langs.get(lang.as_str()).unwrap_or_else(|| &self.langs["und"]);
        // phrase and stem hits
        let words: Vec<Option<&Word>> = toks.iter().map(|t| engine.words.get(*t)).collect();
        let mut hits: Vec<Hit> = Vec::with_capacity(16);
        PhraseIndex::scan(&toks, &words, &mut hits);
        let cue_hits = self.add_stem_hits(engine, &toks, &words, &hits);
        let mentions = self.mentions(&toks, text, &hits);
        let (mut flags, mut contrast_at) = (0u8, toks.len());
        for (i, w) in words.iter().enumerate() {
            if let Some(w) = w {
                if w.flags & CONTRAST != 0 && contrast_at == toks.len() {
                    contrast_at = i;
                }
                flags |= w.flags;
            }
        }
        let lay = self.layout(&toks, contrast_at);
        let affiliate = flags & CODE_WORD != 0
            && self.has_affiliate_code.bind(py).call1((text,))?.is_truthy()?;
        let mut found = self.collect(&toks, &cue_hits, &lay, engine, affiliate);
        let first_person = flags & FIRST_PERSON != 0;
        let mut features: Option<Vec<u32>> = None; // the learned model's, computed at most once
        let (stance, targets, confidence, cues, question_cue, meta, learned_cue) =
            self.decide(&mut found, &mentions, &lay, first_person, &toks, &mut features);
        let sponsored = affiliate || self.is_sponsored(&found, meta);
        let mut reasons = self.reasons_for(stance, &found);
        if let (Stance::De, Some(model)) = (stance, &self.learned) {
            if model.has_reasons() {
                let found = features.get_or_insert_with(|| model.features(&toks, QUOTE_OPEN, QUOTE_CLOSE));
                reasons.extend(model.reasons(found));
                reasons.sort_unstable();
                reasons.dedup();
            }
        }
        Ok(Post { stance, targets, sponsored, reasons, hashtags, lang, confidence, cues, question_cue, learned_cue })
    }

    fn emit<'py>(
        &self,
        py: Python<'py>,
        post: &Bound<'py, PyDict>,
        r: Post,
    ) -> PyResult<Bound<'py, PyDict>> {
        let k = &self.keys;
        let stance_str = |s: Stance| match s {
            Stance::De => k.deinfluencing.bind(py),
            Stance::Pro => k.promoting.bind(py),
            Stance::Neutral => k.neutral.bind(py),
        };
        let out = post.copy()?;
        out.set_item(k.stance.bind(py), stance_str(r.stance))?;
        let targets = PyDict::new(py);
        for (brand, verdict) in &r.targets {
            targets.set_item(self.brands_py[*brand as usize].bind(py), stance_str(*verdict))?;
        }
        out.set_item(k.targets.bind(py), targets)?;
        out.set_item(k.sponsored.bind(py), PyBool::new(py, r.sponsored))?;
        let reasons = PyList::new(py, r.reasons.iter().map(|i| self.reasons_py[*i].bind(py)))?;
        out.set_item(k.reasons.bind(py), reasons)?;
        let mut brand_ids: Vec<u32> = r.targets.iter().map(|(b, _)| *b).collect();
        brand_ids.sort_by(|a, b| self.brands[*a as usize].cmp(&self.brands[*b as usize]));
        let brands = PyList::new(py, brand_ids.iter().map(|b| self.brands_py[*b as usize].bind(py)))?;
        out.set_item(k.brands.bind(py), brands)?;
        out.set_item(k.hashtags.bind(py), PyList::new(py, &r.hashtags)?)?;
        out.set_item(k.lang.bind(py), PyString::new(py, &r.lang))?;
        out.set_item(k.confidence.bind(py), PyFloat::new(py, r.confidence))?;
        let cues = PyList::empty(py);
        if r.learned_cue {
            cues.append(k.learned.bind(py))?;
        }
        for c in &r.cues {
            cues.append(self.cues[*c as usize].phrase_py.bind(py))?;
        }
        if r.question_cue {
            cues.append(k.question.bind(py))?;
        }
        out.set_item(k.cues.bind(py), cues)?;
        Ok(out)
    }

    /// `hashtags.extract_hashtags`.
    fn extract_hashtags<'py>(
        &self,
        py: Python<'py>,
        field: Option<Vec<Bound<'py, PyAny>>>,
        text: &str,
    ) -> PyResult<Vec<String>> {
        let mut out: Vec<String> = Vec::new();
        match field {
            Some(items) => {
                for item in items {
                    if let Ok(s) = item.cast::<PyString>() {
                        out.push(self.normalize_tag(py, s.to_str()?)?);
                    }
                }
            }
            None => {
                if text.contains('#') || text.contains('\u{ff03}') {
                    let cs: Vec<(usize, char)> = text.char_indices().collect();
                    let m = cs.len();
                    let mut i = 0;
                    while i < m {
                        if matches!(cs[i].1, '#' | '\u{ff03}') && i + 1 < m && is_word(cs[i + 1].1) {
                            let mut j = i + 1;
                            while j < m && is_word(cs[j].1) {
                                j += 1;
                            }
                            let end = if j < m { cs[j].0 } else { text.len() };
                            out.push(self.normalize_tag(py, &text[cs[i + 1].0..end])?);
                            i = j;
                        } else {
                            i += 1;
                        }
                    }
                }
            }
        }
        out.retain(|t| !t.is_empty());
        out.sort();
        out.dedup();
        Ok(out)
    }

    /// `hashtags.normalize_tag`; non-ASCII tags go to Python (NFKC and case folding).
    fn normalize_tag(&self, py: Python<'_>, tag: &str) -> PyResult<String> {
        if tag.is_ascii() {
            let low = tag.to_ascii_lowercase();
            return Ok(py_strip(low.trim_start_matches('#')).to_owned());
        }
        self.normalize_tag.bind(py).call1((tag,))?.extract()
    }

    /// `lang.detect_lang(tokens, text.lower())`.
    fn detect_lang(&self, toks: &[&str], low: &str) -> String {
        let mut scores = vec![0.0f64; self.lang_order.len()];
        for tok in toks {
            if let Some(langs) = self.votes.get(*tok) {
                if !langs.is_empty() {
                    let share = 1.0 / langs.len() as f64;
                    for &l in langs {
                        scores[l] += share;
                    }
                }
            }
        }
        for (letter, l) in &self.letters {
            if low.contains(letter.as_str()) {
                scores[*l] += 1.5;
            }
        }
        if low.contains("ij") && scores[self.nl] != 0.0 {
            scores[self.nl] += 1.0;
        }
        let mut best = 0;
        for (i, s) in scores.iter().enumerate() {
            if *s > scores[best] {
                best = i;
            }
        }
        if scores[best] < 1.0 {
            // `_script_fallback`
            let latin = low
                .chars()
                .take(200)
                .filter(|c| {
                    let l: String = c.to_lowercase().collect();
                    "a" <= l.as_str() && l.as_str() <= "z"
                })
                .count();
            return if latin >= 3 { "en".into() } else { "und".into() };
        }
        self.lang_order[best].clone()
    }

    /// `StemIndex.add_hits`: phrase cue hits plus stem cues on tokens nothing covers.
    fn add_stem_hits(
        &self,
        engine: &LangEngine,
        toks: &[&str],
        words: &[Option<&Word>],
        hits: &[Hit],
    ) -> Vec<Hit> {
        let cue_hits: Vec<Hit> =
            hits.iter().copied().filter(|h| matches!(h.payload, Payload::Cue(_))).collect();
        let mut extra: Vec<Hit> = Vec::new();
        for (i, tok) in toks.iter().enumerate() {
            if let Some(c) = engine.stem(tok, words[i]) {
                extra.push(Hit { start: i, end: i + 1, payload: Payload::Cue(c) });
            }
        }
        if extra.is_empty() {
            return cue_hits;
        }
        let covered = |i: usize| hits.iter().any(|h| h.start <= i && i < h.end);
        extra.retain(|h| !covered(h.start));
        if extra.is_empty() {
            return cue_hits;
        }
        let mut all = cue_hits;
        all.extend(extra);
        all.sort_by_key(|h| h.start); // stable
        all
    }

    /// `RuleClassifier._mentions`: strong aliases, and weak ones the context confirms.
    fn mentions(&self, toks: &[&str], text: &str, hits: &[Hit]) -> Vec<(usize, u32)> {
        let mut strong: Vec<(usize, u32)> = Vec::new();
        let mut weak: Vec<(usize, usize, u32)> = Vec::new();
        for h in hits {
            if let Payload::Alias(a) = h.payload {
                let alias = &self.aliases[a as usize];
                if alias.weak {
                    weak.push((h.start, h.end, alias.brand));
                } else {
                    strong.push((h.start, alias.brand));
                }
            }
        }
        if weak.is_empty() {
            return strong;
        }
        let marked = mark_quotes(text);
        let mut orig: Vec<&str> = Vec::new();
        find_tokens(marked.as_deref().unwrap_or(text), &mut orig);
        let strong_at: Vec<usize> = strong.iter().map(|(s, _)| *s).collect();
        for (start, end, brand) in weak {
            if self.weak_mention_is_brand(toks, &orig, start, end, &strong_at) {
                strong.push((start, brand));
            }
        }
        strong.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| self.brands[a.1 as usize].cmp(&self.brands[b.1 as usize])));
        strong
    }

    /// `brands.weak_mention_is_brand`.
    fn weak_mention_is_brand(
        &self,
        toks: &[&str],
        orig: &[&str],
        start: usize,
        end: usize,
        strong_at: &[usize],
    ) -> bool {
        let n = toks.len();
        let nxt = if end < n { toks[end] } else { "" };
        let prv = if start > 0 { toks[start - 1] } else { "" };
        if self.object_pronouns.contains(nxt) {
            return false;
        }
        let initial = start == 0 || token_kind(prv) == SENTENCE || prv.starts_with("qqquote");
        let short = end - start == 1 && toks[start].chars().count() <= 2;
        if initial && short && !nxt.is_empty() && token_kind(nxt) != WORD {
            return false;
        }
        if self.commerce.contains(nxt) || (short && self.store_prepositions.contains(prv)) {
            return true;
        }
        let aligned = orig.len() == n;
        if aligned && !initial && capitalised(&orig[start..end], short) {
            return true;
        }
        if !initial {
            return false;
        }
        if aligned
            && end - start > 1
            && orig[start..end].iter().all(|s| s.chars().next().is_some_and(char::is_uppercase))
        {
            return true;
        }
        let lo = start.saturating_sub(6);
        let hi = (end + 6).min(n);
        if toks[lo..hi].iter().any(|t| self.commerce.contains(*t)) {
            return true;
        }
        strong_at.iter().any(|&p| p.abs_diff(start) <= 3)
    }

    /// `stance.layout`.
    fn layout(&self, toks: &[&str], contrast_at: usize) -> Layout {
        let n = toks.len();
        let mut sentence = Vec::with_capacity(n);
        let mut clause = Vec::with_capacity(n);
        let mut questions: Vec<usize> = Vec::new();
        let (mut s, mut c) = (0usize, 0usize);
        for (i, tok) in toks.iter().enumerate() {
            sentence.push(s);
            clause.push(c);
            let kind = token_kind(tok);
            if kind == WORD {
                continue;
            }
            if kind == CLAUSE {
                c += 1;
            } else if *tok == "." && i > 0 && toks[i - 1].contains('.') {
                continue;
            } else {
                if tok.contains('?') && !questions.contains(&s) {
                    questions.push(s);
                }
                s += 1;
                c += 1;
            }
        }
        let mut quoted = Vec::new();
        if toks.iter().any(|t| *t == QUOTE_OPEN) {
            quoted = vec![false; n];
            let mut inside = false;
            for (i, tok) in toks.iter().enumerate() {
                if *tok == QUOTE_OPEN || *tok == QUOTE_CLOSE {
                    inside = *tok == QUOTE_OPEN;
                } else if inside {
                    quoted[i] = true;
                }
            }
        }
        Layout { sentence, clause, questions, quoted, contrast_at }
    }

    /// `stance.collect`.
    fn collect(
        &self,
        toks: &[&str],
        hits: &[Hit],
        lay: &Layout,
        engine: &LangEngine,
        affiliate: bool,
    ) -> Vec<Found> {
        let negators = &engine.negators;
        let mut out = Vec::with_capacity(hits.len());
        let mut last_end = 0usize;
        for h in hits {
            let Payload::Cue(mut cue_id) = h.payload else { continue };
            let start = h.start;
            let window_from = start.saturating_sub(3).max(last_end);
            last_end = h.end;
            if lay.quoted.get(start).copied().unwrap_or(false) {
                continue;
            }
            if affiliate && self.cues[cue_id as usize].kind == Kind::Code {
                cue_id = self.affiliate;
            }
            let sent = lay.sentence[start];
            let mut cue = &self.cues[cue_id as usize];
            let mut weight = cue.weight;
            if cue.polarity > 0
                && matches!(cue.kind, Kind::Go | Kind::Good)
                && cue.first_alnum
                && !toks[start..h.end].iter().any(|t| negators.contains(*t))
                && ((window_from..start)
                    .any(|j| negators.contains(toks[j]) && lay.sentence[j] == sent)
                    || self.negated_after(toks, h.end, lay, &engine.post_negators))
            {
                cue_id = self.flipped;
                cue = &self.cues[cue_id as usize];
                weight = cue.weight;
            }
            if lay.questions.contains(&sent) && !cue.question_proof {
                weight = 0.0;
            } else if start > lay.contrast_at && cue.polarity != 0 {
                weight *= 1.5;
            }
            out.push(Found { start, cue: cue_id, weight, sentence: sent });
        }
        out
    }

    /// `stance._negated_after`: a post-verbal negator closes the praise's clause within three
    /// tokens after it.
    fn negated_after(&self, toks: &[&str], end: usize, lay: &Layout, after: &FxHashSet<String>) -> bool {
        if after.is_empty() {
            return false;
        }
        let clause = lay.clause[end - 1];
        for j in end..(end + 3).min(toks.len()) {
            if lay.clause[j] != clause {
                return false;
            }
            if after.contains(toks[j]) {
                let nxt = j + 1;
                return nxt == toks.len()
                    || lay.clause[nxt] != clause
                    || !is_alnum(toks[nxt].chars().next().unwrap_or(' '))
                    || self.post_tail.contains(toks[nxt]);
            }
        }
        false
    }

    /// `stance.decide`: (stance, targets, confidence, cues, "?" cue, meta).
    #[allow(clippy::type_complexity)]
    fn decide(
        &self,
        found: &mut [Found],
        mentions: &[(usize, u32)],
        lay: &Layout,
        first_person: bool,
        toks: &[&str],
        features: &mut Option<Vec<u32>>,
    ) -> (Stance, Vec<(u32, Stance)>, f64, Vec<u32>, bool, bool, bool) {
        let reversal = found
            .iter()
            .filter(|f| self.cues[f.cue as usize].kind == Kind::Reversal)
            .map(|f| f.start as i64)
            .max()
            .unwrap_or(-1);
        for f in found.iter_mut() {
            if self.cues[f.cue as usize].polarity < 0 && (f.start as i64) < reversal {
                f.weight = 0.0;
            }
        }
        let mut totals = self.totals(found);
        if first_person && totals.flaw != 0.0 && totals.pos < 1.0 {
            totals.neg += self.experience;
        }
        let scores = self.attribute(found, mentions, lay);
        let mut stance = self.post_stance(&totals, &scores, !mentions.is_empty() || first_person);
        let mut judged: Option<f64> = None;
        if stance == Stance::Neutral {
            if let Some(model) = &self.learned {
                let evidence = found
                    .iter()
                    .any(|f| self.cues[f.cue as usize].kind.is_neutral_evidence());
                if !evidence {
                    let found = features.get_or_insert_with(|| model.features(toks, QUOTE_OPEN, QUOTE_CLOSE));
                    if let Some((class, p)) = model.judge(found) {
                        stance = if class == 0 { Stance::De } else { Stance::Pro };
                        judged = Some(p);
                    }
                }
            }
        }
        let targets = self.brand_targets(stance, &scores, found, mentions, lay);
        if let Some(p) = judged {
            let (mut cues, _) = self.decisive_cues(stance, found, false);
            cues.truncate(self.max_cues.saturating_sub(1));
            let confidence = py_round3(p.max(0.05).min(0.99));
            return (stance, targets, confidence, cues, false, totals.meta > 0.0, true);
        }
        let margin = (totals.neg - totals.pos).abs();
        let confidence = if stance == Stance::Neutral {
            let evidence = totals.meta + totals.news + totals.mixed + lay.questions.len() as f64;
            0.55 + 0.1 * evidence.min(4.0) - 0.05 * (totals.neg + totals.pos).min(4.0)
        } else {
            0.5 + 0.45 * margin.min(6.0) / 6.0 + if margin >= 2.0 { 0.05 } else { 0.0 }
        };
        let confidence = py_round3(confidence.max(0.05).min(0.99));
        let (cues, question_cue) = self.decisive_cues(stance, found, !lay.questions.is_empty());
        (stance, targets, confidence, cues, question_cue, totals.meta > 0.0, false)
    }

    /// `stance._totals`.
    fn totals(&self, found: &[Found]) -> Totals {
        let reversal = found
            .iter()
            .filter(|f| self.cues[f.cue as usize].kind == Kind::Reversal)
            .map(|f| f.start as i64)
            .max()
            .unwrap_or(-1);
        let mut t = Totals { reversal_at: reversal as f64, ..Totals::default() };
        for f in found {
            let cue = &self.cues[f.cue as usize];
            let kind = cue.kind;
            if kind == Kind::Topic && cue.price {
                t.price += 1.0;
            }
            match kind {
                Kind::Meta => t.meta += f.weight,
                Kind::News => t.news += f.weight,
                Kind::Mixed => t.mixed += f.weight,
                Kind::Alt | Kind::AltRev => t.alt += 1.0,
                _ => {
                    if cue.polarity < 0 && (f.start as i64) > reversal {
                        t.neg += f.weight;
                        if kind == Kind::Flaw {
                            t.flaw += f.weight;
                        }
                        if matches!(kind, Kind::Stop | Kind::Rhet | Kind::Sarcasm | Kind::NotSaying) {
                            t.stop += f.weight;
                        }
                    } else if cue.polarity > 0 {
                        t.pos += f.weight;
                    }
                }
            }
        }
        t
    }

    /// `stance._post_stance`.
    fn post_stance(&self, t: &Totals, scores: &[(u32, f64)], about_a_purchase: bool) -> Stance {
        let (neg, pos) = (t.neg, t.pos);
        if t.reversal_at >= 0.0 && pos >= neg {
            return Stance::Pro;
        }
        if t.alt != 0.0 && scores.iter().any(|s| s.1 < 0.0) && scores.iter().any(|s| s.1 > 0.0) {
            return Stance::De;
        }
        if t.alt != 0.0 && t.price != 0.0 && neg == 0.0 && pos < 2.0 && t.mixed == 0.0 {
            return Stance::De;
        }
        if t.meta >= 1.0 && t.stop < 2.0 * t.meta + 1.0 && pos < 2.0 {
            return Stance::Neutral;
        }
        if t.news >= 1.0 && neg < 2.0 && pos < 2.0 {
            return Stance::Neutral;
        }
        if t.mixed >= 1.0 && (neg - pos).abs() < 2.0 {
            return Stance::Neutral;
        }
        if neg >= 1.0 && neg >= 0.8 * pos {
            return Stance::De;
        }
        if neg >= self.lone_flaw && pos == 0.0 && about_a_purchase {
            return Stance::De;
        }
        if pos >= 1.0 {
            return Stance::Pro;
        }
        Stance::Neutral
    }

    /// `targets.attribute`: score per brand, in order of first mention.
    fn attribute(&self, found: &[Found], mentions: &[(usize, u32)], lay: &Layout) -> Vec<(u32, f64)> {
        let mut scores: Vec<(u32, f64)> = Vec::new();
        for (_, b) in mentions {
            if !scores.iter().any(|s| s.0 == *b) {
                scores.push((*b, 0.0));
            }
        }
        let several = scores.len() > 1;
        let mut negative_targets: Vec<u32> = Vec::new();
        let mut ordered: Vec<&Found> = found
            .iter()
            .filter(|f| {
                let c = &self.cues[f.cue as usize];
                c.polarity != 0 && f.weight != 0.0 && c.local
            })
            .collect();
        ordered.sort_by_key(|f| self.cues[f.cue as usize].kind == Kind::Alt); // stable
        for f in ordered {
            let cue = &self.cues[f.cue as usize];
            let alt = cue.kind == Kind::Alt;
            if alt && !several {
                continue;
            }
            let mut best: Option<(f64, u32)> = None;
            for &(p, b) in mentions {
                if lay.sentence[p] != f.sentence {
                    continue;
                }
                // `_reaches`: a verdict reaches a brand after it only inside its clause
                if cue.direction < 0 && p > f.start && lay.clause[p] != lay.clause[f.start] {
                    continue;
                }
                if alt && negative_targets.contains(&b) {
                    continue;
                }
                // `_distance`
                let mut d = p.abs_diff(f.start) as f64;
                if (cue.direction > 0 && p < f.start) || (cue.direction < 0 && p > f.start) {
                    d *= 2.5;
                }
                if lay.clause[p] != lay.clause[f.start] {
                    d += 3.0;
                }
                if best.is_none_or(|(bd, _)| d < bd) {
                    best = Some((d, b));
                }
            }
            let Some((_, brand)) = best else { continue };
            let slot = scores.iter_mut().find(|s| s.0 == brand).expect("mentioned brand");
            slot.1 += cue.polarity as f64 * f.weight * if alt { 1.5 } else { 1.0 };
            if cue.polarity < 0 && !negative_targets.contains(&brand) {
                negative_targets.push(brand);
            }
        }
        scores
    }

    /// `targets.brand_targets`.
    fn brand_targets(
        &self,
        stance: Stance,
        scores: &[(u32, f64)],
        found: &[Found],
        mentions: &[(usize, u32)],
        lay: &Layout,
    ) -> Vec<(u32, Stance)> {
        let mut out: Vec<(u32, Stance)> = Vec::new();
        if stance == Stance::Neutral {
            for (_, b) in mentions {
                if !out.iter().any(|o| o.0 == *b) {
                    out.push((*b, Stance::Neutral));
                }
            }
            return out;
        }
        let mixed: Vec<usize> = found
            .iter()
            .filter(|f| self.cues[f.cue as usize].kind == Kind::Mixed)
            .map(|f| f.sentence)
            .collect();
        for &(pos, brand) in mentions {
            let score = scores.iter().find(|s| s.0 == brand).map_or(0.0, |s| s.1);
            let verdict = if score <= -0.5 {
                Stance::De
            } else if score >= 0.5 {
                Stance::Pro
            } else if mixed.contains(&lay.sentence[pos]) {
                Stance::Neutral
            } else {
                stance
            };
            match out.iter_mut().find(|o| o.0 == brand) {
                Some(slot) => {
                    if slot.1 != verdict && score == 0.0 {
                        continue;
                    }
                    slot.1 = verdict;
                }
                None => out.push((brand, verdict)),
            }
        }
        out
    }

    /// `stance._decisive_cues`: cue ids, and whether "?" closes the list.
    fn decisive_cues(&self, stance: Stance, found: &[Found], questions: bool) -> (Vec<u32>, bool) {
        let mut wanted: Vec<&Found> = found
            .iter()
            .filter(|f| {
                let c = &self.cues[f.cue as usize];
                match stance {
                    Stance::De => c.polarity < 0 && f.weight != 0.0,
                    Stance::Pro => c.polarity > 0 && f.weight != 0.0,
                    Stance::Neutral => c.kind.is_neutral_evidence(),
                }
            })
            .collect();
        wanted.sort_by(|a, b| b.weight.partial_cmp(&a.weight).unwrap_or(std::cmp::Ordering::Equal));
        let mut seen: Vec<u32> = Vec::new();
        for f in wanted {
            let phrase = &self.cues[f.cue as usize].phrase;
            if !seen.iter().any(|s| &self.cues[*s as usize].phrase == phrase) {
                seen.push(f.cue);
            }
        }
        let question = stance == Stance::Neutral && questions;
        if seen.len() >= self.max_cues {
            seen.truncate(self.max_cues);
            return (seen, false);
        }
        (seen, question)
    }

    /// `sponsorship.is_sponsored`.
    fn is_sponsored(&self, found: &[Found], has_meta: bool) -> bool {
        let spons: Vec<i64> = found
            .iter()
            .filter(|f| {
                let k = self.cues[f.cue as usize].kind;
                k == Kind::Spons || (k == Kind::SponsWeak && !has_meta)
            })
            .map(|f| f.start as i64)
            .collect();
        if spons.is_empty() {
            return false;
        }
        let nospons: Vec<i64> = found
            .iter()
            .filter(|f| self.cues[f.cue as usize].kind == Kind::NoSpons)
            .map(|f| f.start as i64)
            .collect();
        spons.iter().any(|s| (-2..=2).all(|d| !nospons.contains(&(s + d))))
    }

    /// `reasons.reasons_for`: reason indexes in the order of the reason list.
    fn reasons_for(&self, stance: Stance, found: &[Found]) -> Vec<usize> {
        if stance != Stance::De {
            return Vec::new();
        }
        let mut out: Vec<usize> = Vec::new();
        for f in found {
            let c = &self.cues[f.cue as usize];
            if c.has_reasons && (c.polarity <= 0 || c.kind == Kind::Alt) {
                out.extend(&c.reasons);
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }
}

/// `capitalised` in brands.py: "Normal" mid-sentence names the store, "DM" does not.
fn capitalised(surface: &[&str], short: bool) -> bool {
    let first = surface[0];
    if !first.chars().next().is_some_and(char::is_uppercase) {
        return false;
    }
    !(short && str_isupper(first))
}

/// `str.lower()`: ASCII here, anything else by the interpreter, whose Unicode version the
/// Python engine uses too.
fn lower(py: Python<'_>, s: &Bound<'_, PyString>, text: &str) -> PyResult<String> {
    if text.is_ascii() {
        return Ok(text.to_ascii_lowercase());
    }
    // Latin up to IPA, general punctuation and emoji: case mappings unchanged for decades
    let stable = |c: char| {
        let c = c as u32;
        c < 0x250 || (0x2000..=0x206f).contains(&c) || (0x1f300..=0x1faff).contains(&c)
    };
    if text.chars().all(stable) {
        return Ok(text.to_lowercase());
    }
    s.call_method0(pyo3::intern!(py, "lower"))?.extract()
}

/// `lang.normalize_lang`.
fn normalize_lang(value: &str) -> Option<String> {
    let stripped = py_strip(value);
    if stripped.is_empty() {
        return None;
    }
    let replaced = stripped.replace('_', "-");
    let primary = replaced.split('-').next().unwrap_or("").to_lowercase();
    let n = primary.chars().count();
    if n >= 2 && n <= 3 && primary.chars().all(is_alpha) {
        Some(primary)
    } else {
        None
    }
}

/// `round(x, 3)`: the decimal rounding of the exact binary value, as Python does it.
fn py_round3(x: f64) -> f64 {
    format!("{x:.3}").parse().unwrap_or(x)
}

#[pymodule]
fn deinfluence_native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Engine>()?;
    m.add_class::<post::PostChecker>()?;
    m.add_class::<counts::PaneCounter>()?;
    m.add_function(wrap_pyfunction!(counts::tally_classified, m)?)?;
    Ok(())
}
