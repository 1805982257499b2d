//! Native `processors.counts.pane_counts`: the combine stage's per-post count vectors,
//! summed per `(key, pane)`.
//!
//! Mirrors `contributions` and `count_vector` for routed posts (the dicts `source.routed_post`
//! makes: `stance`, `targets`, `hashtags`, `reasons`, `sponsored` and an integer `views`).
//! Anything else, or a sum beyond 64 bits, answers `None` and the Python code counts the
//! batch, so the result is always Python's; `tests/processors/test_counts.py` compares the
//! two on generated and hypothesis-built posts, key order included.

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyInt, PyList, PyString, PyTuple};
use rustc_hash::FxHashMap;

/// Sums count vectors for one layout of `processors.counts.COUNT_FIELDS`.
#[pyclass(frozen, module = "deinfluence_native")]
pub struct PaneCounter {
    n_counts: usize,
    stance_cols: Vec<(String, usize)>,
    default_stance_col: usize,
    reason_cols: FxHashMap<String, usize>,
    stance: Py<PyString>,
    targets: Py<PyString>,
    hashtags: Py<PyString>,
    views: Py<PyString>,
    reasons: Py<PyString>,
    sponsored: Py<PyString>,
}

/// One post's contribution to a count vector, given its stance toward the key.
struct Post<'a> {
    views: i64,
    sponsored: bool,
    reason_cols: &'a [usize],
}

/// Calls `f` with each string of `post.get(name) or ()`; `Err(())`: the value is not missing,
/// `None` or a list of exact strings (with UTF-8).
fn each_string(value: Option<Bound<'_, PyAny>>, mut f: impl FnMut(&str)) -> Result<(), ()> {
    let Some(value) = value else { return Ok(()) };
    if value.is_none() {
        return Ok(());
    }
    let list = value.cast_exact::<PyList>().map_err(|_| ())?;
    for item in list.iter() {
        f(item.cast_exact::<PyString>().map_err(|_| ())?.to_str().map_err(|_| ())?);
    }
    Ok(())
}

/// `post.get(name) or default`, as a list of exact strings; `Err(())`: something else.
fn strings(value: Option<Bound<'_, PyAny>>) -> Result<Vec<String>, ()> {
    let mut out = Vec::new();
    each_string(value, |s| out.push(s.to_owned()))?;
    Ok(out)
}

impl PaneCounter {
    fn stance_col(&self, stance: &str) -> usize {
        self.stance_cols.iter().find(|(s, _)| s == stance).map_or(self.default_stance_col, |&(_, c)| c)
    }

    /// `count_vector(post, stance)` added into `acc`; `false` on a 64-bit overflow.
    fn add(&self, acc: &mut [i64], post: &Post<'_>, stance: &str) -> bool {
        acc[0] += 1;
        acc[self.stance_col(stance)] += 1;
        let Some(v) = acc[4].checked_add(post.views) else { return false };
        acc[4] = v;
        if stance == "deinfluencing" {
            let Some(v) = acc[5].checked_add(post.views) else { return false };
            acc[5] = v;
            for &col in post.reason_cols {
                acc[col] += 1;
            }
        }
        if post.sponsored {
            acc[6] += 1;
        }
        true
    }
}

#[pymethods]
impl PaneCounter {
    #[new]
    fn new(
        py: Python<'_>,
        n_counts: usize,
        stance_cols: Vec<(String, usize)>,
        default_stance_col: usize,
        reason_cols: Vec<(String, usize)>,
    ) -> PyResult<Self> {
        let too_big = stance_cols.iter().chain(reason_cols.iter()).any(|&(_, c)| c >= n_counts);
        if n_counts < 7 || default_stance_col >= n_counts || too_big {
            return Err(pyo3::exceptions::PyValueError::new_err("a column outside the count vector"));
        }
        let intern = |s: &str| PyString::intern(py, s).unbind();
        Ok(PaneCounter {
            n_counts,
            stance_cols,
            default_stance_col,
            reason_cols: reason_cols.into_iter().collect(),
            stance: intern("stance"),
            targets: intern("targets"),
            hashtags: intern("hashtags"),
            views: intern("views"),
            reasons: intern("reasons"),
            sponsored: intern("sponsored"),
        })
    }

    /// `{(key, pane): counts}` of routed posts (`panes[i]` is the pane of `posts[i]`), in
    /// the order Python's row-by-row sum first meets each key; `None`: let Python count.
    fn counts<'py>(
        &self,
        py: Python<'py>,
        posts: &Bound<'py, PyList>,
        panes: &Bound<'py, PyList>,
    ) -> PyResult<Option<Bound<'py, PyDict>>> {
        if posts.len() != panes.len() {
            return Err(pyo3::exceptions::PyValueError::new_err("posts and panes differ in length"));
        }
        let mut index: FxHashMap<i64, FxHashMap<String, usize>> = FxHashMap::default();
        let mut order: Vec<(String, i64, Vec<i64>)> = Vec::new();
        let mut key = String::new();
        let mut cols: Vec<usize> = Vec::new();
        for (post, pane) in posts.iter().zip(panes.iter()) {
            let Ok(post) = post.cast_exact::<PyDict>() else { return Ok(None) };
            if !pane.is_exact_instance_of::<PyInt>() {
                return Ok(None);
            }
            let Ok(pane) = pane.extract::<i64>() else { return Ok(None) };
            let Some(stance) = post.get_item(self.stance.bind(py))? else { return Ok(None) };
            let Ok(stance) = stance.cast_exact::<PyString>() else { return Ok(None) };
            let stance = stance.to_str()?;
            let mut targets: Vec<(String, String)> = Vec::new();
            if let Some(t) = post.get_item(self.targets.bind(py))? {
                if !t.is_none() {
                    let Ok(t) = t.cast_exact::<PyDict>() else { return Ok(None) };
                    for (b, s) in t.iter() {
                        let (Ok(b), Ok(s)) = (b.cast_exact::<PyString>(), s.cast_exact::<PyString>()) else {
                            return Ok(None);
                        };
                        targets.push((b.to_str()?.to_owned(), s.to_str()?.to_owned()));
                    }
                }
            }
            let Ok(mut tags) = strings(post.get_item(self.hashtags.bind(py))?) else { return Ok(None) };
            let Ok(reasons) = strings(post.get_item(self.reasons.bind(py))?) else { return Ok(None) };
            let Some(views) = post.get_item(self.views.bind(py))? else { return Ok(None) };
            if !views.is_exact_instance_of::<PyInt>() {
                return Ok(None);
            }
            let Ok(views) = views.extract::<i64>() else { return Ok(None) };
            let sponsored = match post.get_item(self.sponsored.bind(py))? {
                Some(s) => s.is_truthy()?,
                None => false,
            };
            cols.clear();
            for r in &reasons {
                if let Some(&c) = self.reason_cols.get(r) {
                    if !cols.contains(&c) {
                        cols.push(c);
                    }
                }
            }
            let one = Post { views, sponsored, reason_cols: &cols };
            targets.sort();
            tags.sort();
            tags.dedup();
            let mut contributions: Vec<(&str, &str, &str)> = Vec::with_capacity(2 + targets.len() + tags.len());
            contributions.push(("all|", "all", stance));
            for (b, s) in &targets {
                contributions.push(("brand|", b, s));
            }
            for h in &tags {
                contributions.push(("hashtag|", h, stance));
            }
            let mut away: Vec<&str> = targets.iter().filter(|(_, s)| s == "deinfluencing").map(|(b, _)| b.as_str()).collect();
            let mut toward: Vec<&str> = targets.iter().filter(|(_, s)| s == "promoting").map(|(b, _)| b.as_str()).collect();
            away.sort_unstable();
            toward.sort_unstable();
            let mut redirects: Vec<String> = Vec::with_capacity(away.len() * toward.len());
            for x in &away {
                for y in &toward {
                    redirects.push(format!("{x}>{y}"));
                }
            }
            for r in &redirects {
                contributions.push(("redirect|", r, stance));
            }
            let by_key = index.entry(pane).or_default();
            for (kind, name, st) in contributions {
                key.clear();
                key.push_str(kind);
                key.push_str(name);
                let at = match by_key.get(key.as_str()) {
                    Some(&at) => at,
                    None => {
                        order.push((key.clone(), pane, vec![0; self.n_counts]));
                        by_key.insert(key.clone(), order.len() - 1);
                        order.len() - 1
                    }
                };
                if !self.add(&mut order[at].2, &one, st) {
                    return Ok(None);
                }
            }
        }
        let out = PyDict::new(py);
        for (k, pane, counts) in order {
            out.set_item(PyTuple::new(py, [k.into_pyobject(py)?.into_any(), pane.into_pyobject(py)?.into_any()])?, counts)?;
        }
        Ok(Some(out))
    }
}

/// Counts of `(first, second)` label pairs in the order they are first met (a Python
/// `Counter`'s order); the lookup key is length-prefixed, so no pair can pass for another.
#[derive(Default)]
struct OrderedTally {
    index: FxHashMap<Vec<u8>, usize>,
    order: Vec<(String, Option<String>, i64)>,
    key: Vec<u8>,
}

impl OrderedTally {
    fn add(&mut self, first: &str, second: Option<&str>) {
        self.key.clear();
        self.key.extend_from_slice(&first.len().to_le_bytes());
        self.key.extend_from_slice(first.as_bytes());
        if let Some(s) = second {
            self.key.extend_from_slice(s.as_bytes());
        }
        if let Some(&at) = self.index.get(self.key.as_slice()) {
            self.order[at].2 += 1;
            return;
        }
        self.index.insert(self.key.clone(), self.order.len());
        self.order.push((first.to_owned(), second.map(str::to_owned), 1));
    }

    fn into_dict<'py>(self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let out = PyDict::new(py);
        for (first, second, n) in self.order {
            match second {
                Some(s) => out.set_item(PyTuple::new(py, [first, s])?, n)?,
                None => out.set_item(first, n)?,
            }
        }
        Ok(out)
    }
}

/// Native `streams.metrics.tally_classified`, the per-post loop of the worker's business
/// metrics: the batch's `(overall, reasons, brands, hashtags, redirects)` counts as that
/// function's `Counter`s hold them, keys in the same first-met order (the cardinality guards
/// meet keys in that order). `None`: a post this does not read exactly as Python does (not a
/// dict, a stance that is not a string, a `targets` that is not a dict of strings, a list
/// field that is not a list of strings, a lone surrogate): Python counts the batch.
/// `tests/streams/test_metrics_tally.py` compares the two.
#[pyfunction]
pub fn tally_classified<'py>(
    py: Python<'py>,
    posts: &Bound<'py, PyList>,
) -> PyResult<Option<Bound<'py, PyTuple>>> {
    let (k_stance, k_sponsored, k_reasons, k_targets, k_hashtags) = (
        PyString::intern(py, "stance"),
        PyString::intern(py, "sponsored"),
        PyString::intern(py, "reasons"),
        PyString::intern(py, "targets"),
        PyString::intern(py, "hashtags"),
    );
    let mut overall = OrderedTally::default();
    let mut reasons = OrderedTally::default();
    let mut brands = OrderedTally::default();
    let mut hashtags = OrderedTally::default();
    let mut redirects = OrderedTally::default();
    let mut targets: Vec<(Bound<'py, PyString>, Bound<'py, PyString>)> = Vec::new();
    for post in posts.iter() {
        let Ok(post) = post.cast_exact::<PyDict>() else { return Ok(None) };
        let Some(stance) = post.get_item(&k_stance)? else { return Ok(None) };
        let Ok(stance) = stance.cast_exact::<PyString>() else { return Ok(None) };
        let Ok(stance) = stance.to_str() else { return Ok(None) };
        let sponsored = match post.get_item(&k_sponsored)? {
            Some(s) => s.is_truthy()?,
            None => false,
        };
        overall.add(stance, Some(if sponsored { "true" } else { "false" }));
        if each_string(post.get_item(&k_reasons)?, |r| reasons.add(r, None)).is_err() {
            return Ok(None);
        }
        targets.clear();
        if let Some(t) = post.get_item(&k_targets)? {
            if t.is_truthy()? {
                let Ok(t) = t.cast_exact::<PyDict>() else { return Ok(None) };
                for (b, s) in t.iter() {
                    let (Ok(b), Ok(s)) = (b.cast_exact::<PyString>(), s.cast_exact::<PyString>()) else {
                        return Ok(None);
                    };
                    let (Ok(bs), Ok(ss)) = (b.to_str(), s.to_str()) else { return Ok(None) };
                    brands.add(bs, Some(ss));
                    targets.push((b.clone(), s.clone()));
                }
            }
        }
        if each_string(post.get_item(&k_hashtags)?, |t| hashtags.add(t, Some(stance))).is_err() {
            return Ok(None);
        }
        if targets.len() > 1 {
            for (away, s) in &targets {
                if s.to_str()? != "deinfluencing" {
                    continue;
                }
                for (toward, s2) in &targets {
                    if s2.to_str()? == "promoting" {
                        redirects.add(away.to_str()?, Some(toward.to_str()?));
                    }
                }
            }
        }
    }
    let parts = [overall, reasons, brands, hashtags, redirects]
        .into_iter()
        .map(|t| t.into_dict(py))
        .collect::<PyResult<Vec<_>>>()?;
    Ok(Some(PyTuple::new(py, parts)?))
}
