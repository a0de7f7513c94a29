//! Matches old clauses to new ones by identity, then classifies every clause for the report.
//!
//! Stages, each only over clauses still unmatched: (0) equal keys, when both sides carry keys;
//! (1) equal comparison text (title and words, quotes unified); (2) same number and title with
//! some similarity; (3) a unique title on both sides (unnumbered clauses); (4) a heading with no
//! text of its own and the clause of the same title on the other side; (5) best word similarity
//! above a threshold, candidates found through an inverted index of rare words so large
//! documents never compare every pair. Last, clauses left unmatched next to a matched clause are
//! read with it when their words are in its partner and not in it: a heading whose sub-clauses
//! the other side folds into one clause, or one clause the other side splits into sub-clauses.

use std::collections::{HashMap, VecDeque};

use similar::{Algorithm, get_diff_ratio};

use super::budget::diff_within;

use super::markup::match_form;
use super::words::{clause_changes, for_each_word_key};
use super::{Budgets, Change, Clause, ClauseDiff, Op, Report, Side, Status, Summary};

/// Duplicate groups larger than this pair in document order instead of by predicted position.
const MAX_GROUP_PAIRS: usize = 250_000;
/// Minimum similarity for a pair with the same number and the same title.
const NUMBER_AND_TITLE_MIN: f32 = 0.3;
/// Minimum similarity for a pair with the same number and no titles.
const NUMBER_ONLY_MIN: f32 = 0.45;
/// Minimum similarity for a pair found by text alone.
const SIMILAR_MIN: f32 = 0.5;
/// Candidates per clause that get a full similarity computation.
const MAX_CANDIDATES: usize = 8;
/// Words in more unmatched clauses than this say little about identity and are skipped.
const COMMON_WORD_POSTINGS: usize = 64;
/// Clause pairs with more words than this are compared by word overlap, not by a full diff.
const EXACT_RATIO_MAX_WORDS: usize = 20_000;
/// Share of an unmatched clause's words that must be among the words its neighbour's partner
/// has and its neighbour lacks, for the clause to be read as one with its neighbour.
const FOLD_MIN: f32 = 0.8;
/// Fewest words of a clause read as one with its neighbour by its words.
const FOLD_MIN_WORDS: usize = 4;
/// Safety valve on one similarity computation, in word reads; past it the word-overlap bound
/// stands in. Counted, not timed, so matching never depends on the machine or its load.
pub(crate) const RATIO_BUDGET: u64 = 4_000_000;

/// A clause reduced to what matching compares.
struct Prepared {
    /// Title and text in comparison form.
    key: String,
    /// Title in comparison form.
    title: Option<String>,
    /// Interned word tokens of title and text, in order.
    words: Vec<u32>,
    /// `words` sorted, for the bag-of-words bound and the inverted index.
    bag: Vec<u32>,
    /// The words a reader sees once, sorted: a prose block's title, its own opening words, aside.
    seen: Vec<u32>,
}

/// The matching so far, and which clauses may still take part in text matching.
struct Matcher {
    old_to_new: Vec<Option<usize>>,
    new_to_old: Vec<Option<usize>>,
    old_open: Vec<bool>,
    new_open: Vec<bool>,
    /// Word reads allowed to one similarity computation.
    similarity_budget: u64,
    /// Similarity computations that ran out of their budget.
    similarity_exhausted: std::cell::Cell<usize>,
}

impl Matcher {
    fn pair(&mut self, i: usize, j: usize) {
        self.old_to_new[i] = Some(j);
        self.new_to_old[j] = Some(i);
        self.old_open[i] = false;
        self.new_open[j] = false;
    }
}

/// Builds the full report: match, classify, and order clauses as in the new document.
pub(crate) fn diff_clauses(old: &[Clause], new: &[Clause], budgets: &Budgets) -> Report {
    let mut interner = HashMap::new();
    let po: Vec<Prepared> = old.iter().map(|c| prepare(c, &mut interner)).collect();
    let pn: Vec<Prepared> = new.iter().map(|c| prepare(c, &mut interner)).collect();
    let keyed = old.iter().any(|c| c.key.is_some()) && new.iter().any(|c| c.key.is_some());
    // With keys on both sides a keyed clause is identified by its key alone: a new key is a new clause.
    let mut m = Matcher {
        old_to_new: vec![None; old.len()],
        new_to_old: vec![None; new.len()],
        old_open: old.iter().map(|c| !(keyed && c.key.is_some())).collect(),
        new_open: new.iter().map(|c| !(keyed && c.key.is_some())).collect(),
        similarity_budget: budgets.similarity,
        similarity_exhausted: std::cell::Cell::new(0),
    };
    if keyed {
        match_keys(old, new, &mut m);
    }
    match_exact(old, new, &po, &pn, &mut m);
    match_number(old, new, &po, &pn, &mut m);
    match_title(old, new, &po, &pn, &mut m);
    match_heading(old, new, &po, &pn, &mut m);
    match_similar(&po, &pn, &mut m);
    let spans = fold_spans(old, new, &po, &pn, &m);
    let mut report = if spans.is_empty() {
        build_report(old, new, &po, &pn, &m, budgets.word_diff)
    } else {
        folded_report(old, new, &m, &spans, &mut interner, budgets.word_diff)
    };
    let n = m.similarity_exhausted.get();
    if n > 0 {
        report.limits.insert(
            0,
            format!(
                "clause matching: {n} similarity comparison{} ran past the budget of {} word reads and used the word-overlap estimate instead; a heavily edited clause may be paired differently than a full comparison would pair it",
                if n == 1 { "" } else { "s" },
                budgets.similarity
            ),
        );
    }
    report
}

/// Whether two matched clauses differ in number only as a section heading is printed with its
/// number in one format and without it in another: a heading with no text of its own, numbered
/// on one side only. The number groups the clauses below it; no reader sees a clause change.
fn section_label(old: &Clause, new: &Clause) -> bool {
    old.text.trim().is_empty()
        && new.text.trim().is_empty()
        && old.title.is_some()
        && (old.number.is_none() || new.number.is_none())
}

fn prepare(clause: &Clause, interner: &mut HashMap<String, u32>) -> Prepared {
    let title = clause.title.as_deref().map(match_form);
    let key = format!(
        "{}\u{1}{}",
        title.as_deref().unwrap_or(""),
        match_form(&clause.text)
    );
    let mut words = Vec::new();
    let mut title_words = 0;
    let mut intern = |w: &str, in_title: bool| {
        let next = u32::try_from(interner.len()).unwrap_or(u32::MAX);
        let id = match interner.get(w) {
            Some(&id) => id,
            None => *interner.entry(w.to_owned()).or_insert(next),
        };
        words.push(id);
        title_words += usize::from(in_title);
    };
    for_each_word_key(clause.title.as_deref().unwrap_or(""), &mut |w: &str| {
        intern(w, true)
    });
    for_each_word_key(&clause.text, &mut |w: &str| intern(w, false));
    let mut bag = words.clone();
    bag.sort_unstable();
    let seen = if clause
        .title
        .as_deref()
        .is_some_and(|t| super::opens(&clause.text, t))
    {
        let mut seen = words[title_words..].to_vec();
        seen.sort_unstable();
        seen
    } else {
        bag.clone()
    };
    Prepared {
        key,
        title,
        words,
        bag,
        seen,
    }
}

fn match_keys(old: &[Clause], new: &[Clause], m: &mut Matcher) {
    let mut by_key: HashMap<&str, VecDeque<usize>> = HashMap::new();
    for (j, c) in new.iter().enumerate() {
        if let Some(k) = &c.key {
            by_key.entry(k).or_default().push_back(j);
        }
    }
    for (i, c) in old.iter().enumerate() {
        if let Some(j) = c
            .key
            .as_deref()
            .and_then(|k| by_key.get_mut(k))
            .and_then(VecDeque::pop_front)
        {
            m.pair(i, j);
        }
    }
}

/// Pairs identical texts: unique ones first, which then anchor the duplicates. Among
/// duplicates, equal numbers pair first, then the clauses closest to where the anchors predict.
fn match_exact(old: &[Clause], new: &[Clause], po: &[Prepared], pn: &[Prepared], m: &mut Matcher) {
    let mut groups: HashMap<&str, (Vec<usize>, Vec<usize>)> = HashMap::new();
    for i in (0..old.len()).filter(|&i| m.old_open[i]) {
        groups.entry(&po[i].key).or_default().0.push(i);
    }
    for j in (0..new.len()).filter(|&j| m.new_open[j]) {
        if let Some(group) = groups.get_mut(pn[j].key.as_str()) {
            group.1.push(j);
        }
    }
    let mut duplicates = Vec::new();
    for (olds, news) in groups.into_values() {
        match (olds.as_slice(), news.as_slice()) {
            (_, []) => {}
            ([i], [j]) => m.pair(*i, *j),
            _ => duplicates.push((olds, news)),
        }
    }
    if duplicates.is_empty() {
        return;
    }
    // Groups are disjoint and the prediction is fixed first, so their order does not matter.
    let predicted = predict(&m.old_to_new, new.len());
    for (olds, news) in duplicates {
        let mut by_number: HashMap<&str, VecDeque<usize>> = HashMap::new();
        for &j in &news {
            if let Some(n) = new[j].number.as_deref() {
                by_number.entry(n).or_default().push_back(j);
            }
        }
        for &i in &olds {
            let n = old[i].number.as_deref();
            if let Some(j) = n
                .and_then(|n| by_number.get_mut(n))
                .and_then(VecDeque::pop_front)
            {
                m.pair(i, j);
            }
        }
        let olds: Vec<usize> = olds.into_iter().filter(|&i| m.old_open[i]).collect();
        let news: Vec<usize> = news.into_iter().filter(|&j| m.new_open[j]).collect();
        if olds.len() * news.len() > MAX_GROUP_PAIRS {
            for (i, j) in olds.into_iter().zip(news) {
                m.pair(i, j);
            }
            continue;
        }
        let mut pairs: Vec<(f32, usize, usize)> = olds
            .iter()
            .flat_map(|&i| news.iter().map(move |&j| (i, j)))
            .map(|(i, j)| (distance(&predicted, i, j), i, j))
            .collect();
        pairs.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
        for (_, i, j) in pairs {
            if m.old_open[i] && m.new_open[j] {
                m.pair(i, j);
            }
        }
    }
}

/// Where each old clause is expected in the new document: after its nearest matched
/// predecessor, at the same offset (before the first match, counted back from it).
fn predict(old_to_new: &[Option<usize>], new_len: usize) -> Vec<f32> {
    let first = old_to_new
        .iter()
        .enumerate()
        .find_map(|(i, j)| j.map(|j| (i, j)));
    let mut last = None;
    let mut out = Vec::with_capacity(old_to_new.len());
    for (i, j) in old_to_new.iter().enumerate() {
        if let Some(j) = *j {
            last = Some((i, j));
        }
        let guess = match (last, first) {
            (Some((p, jp)), _) => jp as f32 + (i - p) as f32,
            (None, Some((f, jf))) => jf as f32 - (f - i) as f32,
            (None, None) => i as f32 * new_len as f32 / old_to_new.len().max(1) as f32,
        };
        out.push(guess);
    }
    out
}

/// How far a new position is from where the old clause was expected.
fn distance(predicted: &[f32], i: usize, j: usize) -> f32 {
    predicted.get(i).map_or(f32::MAX, |p| (p - j as f32).abs())
}

/// Pairs clauses that kept their number and title even when their words changed a lot.
fn match_number(old: &[Clause], new: &[Clause], po: &[Prepared], pn: &[Prepared], m: &mut Matcher) {
    let mut by_number: HashMap<&str, Vec<usize>> = HashMap::new();
    for j in (0..new.len()).filter(|&j| m.new_open[j]) {
        if let Some(n) = &new[j].number {
            by_number.entry(n).or_default().push(j);
        }
    }
    let mut candidates = Vec::new();
    for i in (0..old.len()).filter(|&i| m.old_open[i]) {
        let Some(same) = old[i].number.as_deref().and_then(|n| by_number.get(n)) else {
            continue;
        };
        for &j in same.iter().take(MAX_CANDIDATES) {
            if po[i].title != pn[j].title {
                continue;
            }
            let min = if po[i].title.is_some() {
                NUMBER_AND_TITLE_MIN
            } else {
                NUMBER_ONLY_MIN
            };
            if let Some(r) = ratio_at_least(&po[i], &pn[j], min, m) {
                candidates.push((r, i, j));
            }
        }
    }
    assign_greedy(candidates, m);
}

/// Pairs unnumbered clauses by a title that is unique on both sides: a table row by its first
/// cell (a sub-processor by its name), a section by its heading, whatever its words became.
fn match_title(old: &[Clause], new: &[Clause], po: &[Prepared], pn: &[Prepared], m: &mut Matcher) {
    fn unique<'a>(
        clauses: &[Clause],
        prepared: &'a [Prepared],
        open: &[bool],
    ) -> HashMap<&'a str, Option<usize>> {
        let mut by_title: HashMap<&str, Option<usize>> = HashMap::new();
        for (i, c) in clauses.iter().enumerate() {
            let Some(title) = prepared[i].title.as_deref().filter(|t| !t.is_empty()) else {
                continue;
            };
            if c.number.is_some() {
                continue;
            }
            by_title
                .entry(title)
                .and_modify(|seen| *seen = None)
                .or_insert(open[i].then_some(i));
        }
        by_title
    }
    let olds = unique(old, po, &m.old_open);
    let news = unique(new, pn, &m.new_open);
    let mut pairs: Vec<(usize, usize)> = olds
        .iter()
        .filter_map(|(title, i)| Some(((*i)?, (*news.get(title)?)?)))
        .collect();
    pairs.sort_unstable();
    for (i, j) in pairs {
        m.pair(i, j);
    }
}

/// Pairs a heading that has no text of its own (its sub-clauses follow it) with the clause of the
/// same title on the other side that has text, or the other way round, whatever their numbers
/// became: a section keeps its heading when its words move under it or out of it. Among clauses
/// of one title the one nearest its predicted position pairs first.
fn match_heading(
    old: &[Clause],
    new: &[Clause],
    po: &[Prepared],
    pn: &[Prepared],
    m: &mut Matcher,
) {
    let mut by_title: HashMap<&str, Vec<usize>> = HashMap::new();
    for j in (0..new.len()).filter(|&j| m.new_open[j]) {
        if let Some(t) = pn[j].title.as_deref().filter(|t| !t.is_empty()) {
            by_title.entry(t).or_default().push(j);
        }
    }
    let mut candidates = Vec::new();
    for i in (0..old.len()).filter(|&i| m.old_open[i]) {
        let Some(same) = po[i].title.as_deref().and_then(|t| by_title.get(t)) else {
            continue;
        };
        let empty = old[i].text.trim().is_empty();
        for &j in same {
            if empty != new[j].text.trim().is_empty() {
                candidates.push((1.0, i, j));
            }
        }
    }
    assign_greedy(candidates, m);
}

/// Runs of consecutive clauses read as one pair: (old first, old last, new first, new last).
type Span = (usize, usize, usize, usize);

/// For each matched pair, the unmatched clauses next to either of its clauses whose words are
/// among those the partner has and the clause lacks: sub-clauses folded into their heading's
/// clause on the other side (or split out of it). Keyed clauses are known by their keys only.
fn fold_spans(
    old: &[Clause],
    new: &[Clause],
    po: &[Prepared],
    pn: &[Prepared],
    m: &Matcher,
) -> Vec<Span> {
    let mut old_taken: Vec<bool> = m.old_to_new.iter().map(Option::is_some).collect();
    let mut new_taken: Vec<bool> = m.new_to_old.iter().map(Option::is_some).collect();
    let old_free = |k: usize, taken: &[bool]| !taken[k] && old[k].key.is_none();
    let new_free = |k: usize, taken: &[bool]| !taken[k] && new[k].key.is_none();
    let mut spans = Vec::new();
    for (i, j) in m.old_to_new.iter().enumerate() {
        let Some(j) = *j else { continue };
        let mut for_old = bag_minus(&pn[j].seen, &po[i].seen);
        let mut for_new = bag_minus(&po[i].seen, &pn[j].seen);
        let (mut oa, mut ob, mut na, mut nb) = (i, i, j, j);
        while ob + 1 < old.len()
            && old_free(ob + 1, &old_taken)
            && fits(&po[ob + 1].seen, &mut for_old)
        {
            ob += 1;
            old_taken[ob] = true;
        }
        while oa > 0 && old_free(oa - 1, &old_taken) && fits(&po[oa - 1].seen, &mut for_old) {
            oa -= 1;
            old_taken[oa] = true;
        }
        while nb + 1 < new.len()
            && new_free(nb + 1, &new_taken)
            && fits(&pn[nb + 1].seen, &mut for_new)
        {
            nb += 1;
            new_taken[nb] = true;
        }
        while na > 0 && new_free(na - 1, &new_taken) && fits(&pn[na - 1].seen, &mut for_new) {
            na -= 1;
            new_taken[na] = true;
        }
        if (oa, ob, na, nb) != (i, i, j, j) {
            spans.push((oa, ob, na, nb));
        }
    }
    spans
}

/// Whether most of `bag`'s words are in `pool`; if so they are taken out of it.
fn fits(bag: &[u32], pool: &mut Vec<u32>) -> bool {
    if bag.len() < FOLD_MIN_WORDS || (bag_overlap(bag, pool) as f32) < FOLD_MIN * bag.len() as f32 {
        return false;
    }
    *pool = bag_minus(pool, bag);
    true
}

/// The sorted multiset `a` without the words of `b`.
fn bag_minus(a: &[u32], b: &[u32]) -> Vec<u32> {
    let (mut x, mut y) = (0, 0);
    let mut out = Vec::with_capacity(a.len());
    while x < a.len() {
        match b.get(y).map(|w| a[x].cmp(w)) {
            Some(std::cmp::Ordering::Greater) => y += 1,
            Some(std::cmp::Ordering::Equal) => {
                x += 1;
                y += 1;
            }
            _ => {
                out.push(a[x]);
                x += 1;
            }
        }
    }
    out
}

/// The report when some clauses are read as one with their neighbours: each run is compared as
/// one clause (see [`super::joined`]), and reported under the indices of its first and last clause.
fn folded_report(
    old: &[Clause],
    new: &[Clause],
    m: &Matcher,
    spans: &[Span],
    interner: &mut HashMap<String, u32>,
    word_budget: u64,
) -> Report {
    // Each side as runs: (first, last) of the original clauses, and the run of each clause.
    let runs = |len: usize, spans: Vec<(usize, usize)>| {
        let mut starts: HashMap<usize, usize> = spans.into_iter().collect();
        let mut out: Vec<(usize, usize)> = Vec::new();
        let mut of = vec![0; len];
        let mut k = 0;
        while k < len {
            let last = starts.remove(&k).unwrap_or(k);
            of[k..=last].fill(out.len());
            out.push((k, last));
            k = last + 1;
        }
        (out, of)
    };
    let (old_runs, old_of) = runs(old.len(), spans.iter().map(|s| (s.0, s.1)).collect());
    let (new_runs, new_of) = runs(new.len(), spans.iter().map(|s| (s.2, s.3)).collect());
    let fo: Vec<Clause> = old_runs
        .iter()
        .map(|&(a, b)| super::joined(&old[a..=b]))
        .collect();
    let fnew: Vec<Clause> = new_runs
        .iter()
        .map(|&(a, b)| super::joined(&new[a..=b]))
        .collect();
    let po: Vec<Prepared> = fo.iter().map(|c| prepare(c, interner)).collect();
    let pn: Vec<Prepared> = fnew.iter().map(|c| prepare(c, interner)).collect();
    let mut fm = Matcher {
        old_to_new: vec![None; fo.len()],
        new_to_old: vec![None; fnew.len()],
        old_open: vec![true; fo.len()],
        new_open: vec![true; fnew.len()],
        similarity_budget: m.similarity_budget,
        similarity_exhausted: std::cell::Cell::new(0),
    };
    for (i, j) in m.old_to_new.iter().enumerate() {
        if let Some(j) = *j {
            fm.pair(old_of[i], new_of[j]);
        }
    }
    let mut report = build_report(&fo, &fnew, &po, &pn, &fm, word_budget);
    for c in &mut report.clauses {
        if let Some(i) = c.old_index {
            (c.old_index, c.old_last) = (Some(old_runs[i].0), Some(old_runs[i].1));
        }
        if let Some(j) = c.new_index {
            (c.new_index, c.new_last) = (Some(new_runs[j].0), Some(new_runs[j].1));
        }
    }
    report
}

/// Pairs the remaining clauses by word similarity, candidates taken from shared uncommon words.
///
/// Identical new clauses form one posting, so that many copies of a clause do not make its
/// words look common; the copy nearest the predicted position is preferred.
fn match_similar(po: &[Prepared], pn: &[Prepared], m: &mut Matcher) {
    let mut group_of: HashMap<&str, usize> = HashMap::new();
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for j in (0..pn.len()).filter(|&j| m.new_open[j]) {
        let g = *group_of.entry(&pn[j].key).or_insert_with(|| {
            groups.push(Vec::new());
            groups.len() - 1
        });
        groups[g].push(j);
    }
    if groups.is_empty() {
        return;
    }
    let predicted = predict(&m.old_to_new, pn.len());
    let mut postings: HashMap<u32, Vec<usize>> = HashMap::new();
    for (g, members) in groups.iter().enumerate() {
        for w in distinct(&pn[members[0]].bag) {
            postings.entry(w).or_default().push(g);
        }
    }
    let mut counts = vec![0u32; groups.len()];
    let mut touched: Vec<usize> = Vec::new();
    let mut candidates = Vec::new();
    for i in (0..po.len()).filter(|&i| m.old_open[i]) {
        let mut lists: Vec<&Vec<usize>> = distinct(&po[i].bag)
            .filter_map(|w| postings.get(&w))
            .collect();
        // A clause made only of common words still deserves its rarest words as evidence.
        let rare = lists
            .iter()
            .filter(|l| l.len() <= COMMON_WORD_POSTINGS)
            .count();
        lists.sort_by_key(|l| l.len());
        let take = if rare > 0 { rare } else { lists.len().min(3) };
        for list in lists.into_iter().take(take) {
            for &g in list.iter().take(COMMON_WORD_POSTINGS * 4) {
                if counts[g] == 0 {
                    touched.push(g);
                }
                counts[g] += 1;
            }
        }
        touched.sort_by(|&a, &b| counts[b].cmp(&counts[a]).then(a.cmp(&b)));
        for &g in touched.iter().take(MAX_CANDIDATES) {
            let Some(r) = ratio_at_least(&po[i], &pn[groups[g][0]], SIMILAR_MIN, m) else {
                continue;
            };
            let mut members = groups[g].clone();
            members.sort_by(|&a, &b| {
                distance(&predicted, i, a).total_cmp(&distance(&predicted, i, b))
            });
            candidates.extend(members.into_iter().take(MAX_CANDIDATES).map(|j| (r, i, j)));
        }
        for &g in &touched {
            counts[g] = 0;
        }
        touched.clear();
    }
    assign_greedy(candidates, m);
}

fn distinct(sorted: &[u32]) -> impl Iterator<Item = u32> + '_ {
    sorted
        .iter()
        .enumerate()
        .filter(|(k, w)| *k == 0 || sorted[k - 1] != **w)
        .map(|(_, w)| *w)
}

/// Takes the best-scoring pairs first; ties go to the pair closest to its predicted position.
fn assign_greedy(mut candidates: Vec<(f32, usize, usize)>, m: &mut Matcher) {
    let predicted = predict(&m.old_to_new, m.new_to_old.len());
    candidates.sort_by(|a, b| {
        b.0.total_cmp(&a.0)
            .then(distance(&predicted, a.1, a.2).total_cmp(&distance(&predicted, b.1, b.2)))
            .then(a.1.cmp(&b.1))
            .then(a.2.cmp(&b.2))
    });
    for (_, i, j) in candidates {
        if m.old_open[i] && m.new_open[j] {
            m.pair(i, j);
        }
    }
}

/// The `similar` word ratio of two clauses, if it reaches `min`; cheap upper bounds go first.
fn ratio_at_least(a: &Prepared, b: &Prepared, min: f32, m: &Matcher) -> Option<f32> {
    let total = a.words.len() + b.words.len();
    if total == 0 {
        return Some(1.0);
    }
    let bound = |matches: usize| 2.0 * matches as f32 / total as f32;
    if bound(a.words.len().min(b.words.len())) < min || bound(bag_overlap(&a.bag, &b.bag)) < min {
        return None;
    }
    if total > EXACT_RATIO_MAX_WORDS {
        // Past this size a timed-out diff would make matching depend on machine speed;
        // the bag-of-words overlap is deterministic and close for long texts.
        let ratio = bound(bag_overlap(&a.bag, &b.bag));
        return (ratio >= min).then_some(ratio);
    }
    let ratio = match diff_within(
        Algorithm::Myers,
        &a.words,
        &b.words,
        &u32::MAX,
        m.similarity_budget,
    ) {
        Some(ops) => get_diff_ratio(&ops, a.words.len(), b.words.len()),
        None => {
            m.similarity_exhausted.set(m.similarity_exhausted.get() + 1);
            bound(bag_overlap(&a.bag, &b.bag))
        }
    };
    (ratio >= min).then_some(ratio)
}

/// Size of the multiset intersection of two sorted bags: an upper bound on matched words.
fn bag_overlap(a: &[u32], b: &[u32]) -> usize {
    let (mut x, mut y, mut n) = (0, 0, 0);
    while x < a.len() && y < b.len() {
        match a[x].cmp(&b[y]) {
            std::cmp::Ordering::Less => x += 1,
            std::cmp::Ordering::Greater => y += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                x += 1;
                y += 1;
            }
        }
    }
    n
}

/// Marks the matched new clauses on a longest increasing run of old positions: these kept
/// their relative order, every other matched clause moved.
fn in_order(new_to_old: &[Option<usize>]) -> Vec<bool> {
    let seq: Vec<(usize, usize)> = new_to_old
        .iter()
        .enumerate()
        .filter_map(|(j, i)| i.map(|i| (j, i)))
        .collect();
    let mut tails: Vec<usize> = Vec::new(); // index into seq of the smallest tail per length
    let mut prev: Vec<Option<usize>> = vec![None; seq.len()];
    for (k, &(_, i)) in seq.iter().enumerate() {
        let len = tails.partition_point(|&t| seq[t].1 < i);
        prev[k] = len.checked_sub(1).map(|l| tails[l]);
        if len == tails.len() {
            tails.push(k);
        } else {
            tails[len] = k;
        }
    }
    let mut keep = vec![false; new_to_old.len()];
    let mut cursor = tails.last().copied();
    while let Some(k) = cursor {
        keep[seq[k].0] = true;
        cursor = prev[k];
    }
    keep
}

fn side(c: &Clause) -> Side {
    Side {
        number: c.number.clone(),
        title: c.title.clone(),
    }
}

fn whole(op: Op, text: &str) -> Vec<Change> {
    if text.is_empty() {
        Vec::new()
    } else {
        vec![Change {
            op,
            text: text.to_owned(),
        }]
    }
}

fn build_report(
    old: &[Clause],
    new: &[Clause],
    po: &[Prepared],
    pn: &[Prepared],
    m: &Matcher,
    word_budget: u64,
) -> Report {
    let ordered = in_order(&m.new_to_old);
    // A removed clause is shown after the nearest earlier old clause that did not move.
    let mut before: Vec<usize> = Vec::new();
    let mut after: Vec<Vec<usize>> = vec![Vec::new(); new.len()];
    let mut anchor: Option<usize> = None;
    for (i, j) in m.old_to_new.iter().enumerate() {
        match j {
            Some(j) if ordered[*j] => anchor = Some(*j),
            Some(_) => {}
            None => match anchor {
                Some(a) => after[a].push(i),
                None => before.push(i),
            },
        }
    }
    let removed = |i: usize| ClauseDiff {
        status: Status::Removed,
        old: Some(side(&old[i])),
        new: None,
        changes: whole(Op::Delete, &old[i].text),
        old_index: Some(i),
        new_index: None,
        old_last: Some(i),
        new_last: None,
    };
    let mut limits = Vec::new();
    let mut clauses: Vec<ClauseDiff> = before.iter().map(|&i| removed(i)).collect();
    for (j, matched) in m.new_to_old.iter().enumerate() {
        let entry = match *matched {
            None => ClauseDiff {
                status: Status::Added,
                old: None,
                new: Some(side(&new[j])),
                changes: whole(Op::Insert, &new[j].text),
                old_index: None,
                new_index: Some(j),
                old_last: None,
                new_last: Some(j),
            },
            Some(i) => {
                let status = if po[i].key != pn[j].key {
                    Status::Modified
                } else if old[i].number != new[j].number && !section_label(&old[i], &new[j]) {
                    Status::Renumbered
                } else if !ordered[j] {
                    Status::Moved
                } else {
                    Status::Unchanged
                };
                let changes = if status == Status::Modified {
                    let (changes, exhausted) = clause_changes(&old[i], &new[j], word_budget);
                    if exhausted {
                        limits.push(format!(
                            "{}: the word diff ran past its budget of {word_budget} token reads; the changed part is shown as one deletion and one insertion between the common start and end",
                            clause_label(&new[j])
                        ));
                    }
                    changes
                } else {
                    Vec::new()
                };
                ClauseDiff {
                    status,
                    old: Some(side(&old[i])),
                    new: Some(side(&new[j])),
                    changes,
                    old_index: Some(i),
                    new_index: Some(j),
                    old_last: Some(i),
                    new_last: Some(j),
                }
            }
        };
        clauses.push(entry);
        clauses.extend(after[j].iter().map(|&i| removed(i)));
    }
    let mut summary = Summary::default();
    for c in &clauses {
        summary.count(c.status);
    }
    Report {
        summary,
        clauses,
        limits,
        formatting: Vec::new(),
    }
}

/// `clause 3.2 Security`, or `the preamble`, for messages about one clause.
fn clause_label(c: &Clause) -> String {
    match (c.number.as_deref(), c.title.as_deref()) {
        (Some(n), Some(t)) => format!("clause {n} {t}"),
        (Some(x), None) | (None, Some(x)) => format!("clause {x}"),
        (None, None) => "the preamble".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(number: &str, text: &str) -> Clause {
        Clause {
            number: Some(number.into()),
            text: text.into(),
            ..Clause::default()
        }
    }

    fn statuses(r: &Report) -> Vec<Status> {
        r.clauses.iter().map(|c| c.status).collect()
    }

    #[test]
    fn reorder_is_moved_renumber_is_renumbered() {
        let old = [
            c("1", "Alpha alpha."),
            c("2", "Beta beta."),
            c("3", "Gamma gamma."),
        ];
        let moved = [
            c("1", "Alpha alpha."),
            c("3", "Gamma gamma."),
            c("2", "Beta beta."),
        ];
        let r = diff_clauses(&old, &moved, &Budgets::default());
        assert_eq!(r.summary.moved, 1);
        assert_eq!(r.summary.unchanged, 2);
        let renumbered = [
            c("1", "Alpha alpha."),
            c("3", "Beta beta."),
            c("4", "Gamma gamma."),
        ];
        let r = diff_clauses(&old, &renumbered, &Budgets::default());
        assert_eq!(
            statuses(&r),
            [Status::Unchanged, Status::Renumbered, Status::Renumbered]
        );
    }

    #[test]
    fn edited_clause_is_modified_and_removed_clause_keeps_its_place() {
        let old = [
            c(
                "1",
                "The processor shall notify the controller within 72 hours.",
            ),
            c("2", "Gone."),
            c("3", "Law."),
        ];
        let new = [
            c(
                "1",
                "The processor shall notify the controller within 48 hours.",
            ),
            c("2", "Law."),
        ];
        let r = diff_clauses(&old, &new, &Budgets::default());
        assert_eq!(
            statuses(&r),
            [Status::Modified, Status::Removed, Status::Renumbered]
        );
        let words: Vec<&str> = r.clauses[0]
            .changes
            .iter()
            .filter(|c| c.op != Op::Equal)
            .map(|c| c.text.as_str())
            .collect();
        assert_eq!(words, ["72", "48"]);
    }

    #[test]
    fn duplicates_prefer_equal_numbers_and_unrelated_text_is_not_matched() {
        let old = [c("3.4", "[Reserved]"), c("5.2", "[Reserved]")];
        let new = [c("5.2", "[Reserved]")];
        let r = diff_clauses(&old, &new, &Budgets::default());
        assert_eq!(statuses(&r), [Status::Removed, Status::Unchanged]);
        let r = diff_clauses(
            &[c("1", "Completely different words here.")],
            &[c("2", "Nothing in common at all.")],
            &Budgets::default(),
        );
        assert_eq!((r.summary.added, r.summary.removed), (1, 1));
    }

    fn titled(number: Option<&str>, title: &str, text: &str) -> Clause {
        Clause {
            number: number.map(str::to_owned),
            title: Some(title.into()),
            text: text.into(),
            ..Clause::default()
        }
    }

    const INDEMNITY: &str = "The developer shall defend and indemnify the provider against any claim arising from its products or its breach of these terms.";

    #[test]
    fn a_sub_clause_folded_into_its_heading_is_one_modified_clause() {
        // "9. Indemnification" with its text in 9.1, then the text under the heading itself.
        let old = [
            c("8", "Limits apply to every claim."),
            titled(Some("9"), "Indemnification", ""),
            c("9.1", &INDEMNITY.replace("claim", "claim or demand")),
            c("10", "Either party may terminate."),
        ];
        let new = [
            c("8", "Limits apply to every claim."),
            titled(Some("9"), "Indemnification", INDEMNITY),
            c("10", "Either party may terminate."),
        ];
        let r = diff_clauses(&old, &new, &Budgets::default());
        assert_eq!(
            statuses(&r),
            [Status::Unchanged, Status::Modified, Status::Unchanged]
        );
        let folded = &r.clauses[1];
        assert_eq!((folded.old_index, folded.old_last), (Some(1), Some(2)));
        assert_eq!((folded.new_index, folded.new_last), (Some(1), Some(1)));
        // The words compared are the run's: the sub-clause number and the edit show, nothing else.
        let changed: Vec<&str> = folded
            .changes
            .iter()
            .filter(|c| c.op != Op::Equal)
            .map(|c| c.text.trim())
            .collect();
        assert_eq!(changed, ["9.1", "or demand"], "{:?}", folded.changes);
        let compared = folded.old_clause(&old).expect("old");
        assert!(
            compared.text.starts_with("9.1 The developer"),
            "{compared:?}"
        );
    }

    #[test]
    fn a_clause_split_into_sub_clauses_and_prose_blocks_read_as_one() {
        let old = [
            c("1", "Scope of the terms."),
            titled(
                Some("4.3"),
                "Payment Exclusions",
                "The following amounts are not included in payments.\nExpenses. You bear your own expenses in performing these terms.\nTaxes. Taxes are withheld where the law requires it of us.",
            ),
        ];
        let new = [
            c("1", "Scope of the terms."),
            titled(
                Some("4.2"),
                "Payment Exclusions",
                "The following amounts are not included in payments.",
            ),
            titled(
                Some("4.2.1"),
                "Expenses",
                "You bear your own expenses in performing these terms.",
            ),
            titled(
                Some("4.2.2"),
                "Taxes",
                "Taxes are withheld where the law requires it of us.",
            ),
        ];
        let r = diff_clauses(&old, &new, &Budgets::default());
        assert_eq!(statuses(&r), [Status::Unchanged, Status::Modified]);
        assert_eq!(
            (r.clauses[1].new_index, r.clauses[1].new_last),
            (Some(1), Some(3))
        );
        // A clause that is not in its neighbour's partner stays added.
        let mut more = new.to_vec();
        more.push(titled(
            Some("4.2.3"),
            "Breach",
            "Payment may be withheld on a suspected breach.",
        ));
        let r = diff_clauses(&old, &more, &Budgets::default());
        assert_eq!(
            statuses(&r),
            [Status::Unchanged, Status::Modified, Status::Added]
        );
    }

    #[test]
    fn a_heading_without_text_pairs_with_its_title_whatever_its_letter() {
        // The old page opens each section with a short summary; the new one has none, and its
        // sections are lettered anew.
        let old = [
            titled(
                Some("F"),
                "Copyright Policy",
                "Short version: we handle notices.",
            ),
            titled(
                Some("G"),
                "Intellectual Property Notice",
                "Short version: we own our marks.",
            ),
            c("1", "GitHub's rights to content are its own."),
        ];
        let new = [
            titled(Some("F"), "Intellectual Property Notice", ""),
            c("1", "GitHub's rights to content are its own."),
        ];
        let r = diff_clauses(&old, &new, &Budgets::default());
        let notice = r
            .clauses
            .iter()
            .find(|c| c.new_index == Some(0))
            .expect("notice");
        assert_eq!(
            (notice.status, notice.old_index),
            (Status::Modified, Some(1))
        );
        assert_eq!(r.summary.removed, 1);
        assert_eq!(r.summary.added, 0);
    }

    #[test]
    fn longest_increasing_run_keeps_the_majority_in_place() {
        let keep = in_order(&[Some(0), Some(1), Some(3), Some(2), None, Some(4)]);
        assert_eq!(keep.iter().filter(|k| **k).count(), 4);
        assert!(!keep[4]);
        assert!(in_order(&[]).is_empty());
    }
}
