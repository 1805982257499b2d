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

/// `post.get(name) or default`, as a list of exact strings; `Err(())`: something else.
fn strings(value: Option<Bound<'_, PyAny>>) -> Result<Vec<String>, ()> {
    let Some(value) = value else { return Ok(Vec::new()) };
    if value.is_none() {
        return Ok(Vec::new());
    }
    let list = value.cast_exact::<PyList>().map_err(|_| ())?;
    list.iter()
        .map(|s| s.cast_exact::<PyString>().map_err(|_| ())?.to_str().map(str::to_owned).map_err(|_| ()))
        .collect()
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
