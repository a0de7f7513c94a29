//! Executed copies checked by their content: the words of a signed PDF or DOCX compared with
//! the words of the PDF dpa issued, each difference placed in the clause it falls in.
//!
//! Both texts come from the same extraction, so page furniture (the footer's document id,
//! version and page numbers) is the same on both sides and is left out; the signature blocks
//! (names, dates, signatures written in) and pages added after the issued text (a signing
//! service's certificate) may differ. Everything else must read as issued.

use std::path::Path;

use serde::Serialize;
use similar::{Algorithm, DiffOp, capture_diff_slices};

use crate::manifest::ManifestClause;
use crate::store::{Store, StoreError};

/// One difference between the issued text and the executed copy, inside one part of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Difference {
    /// Where: a clause's number and title (`5.1 Retention`), `the title and parties`, or an annex.
    pub place: String,
    /// Issued words missing from the executed copy (shortened).
    pub removed: String,
    /// Words in the executed copy that were not issued (shortened).
    pub added: String,
}

/// What the comparison found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "verdict", rename_all = "lowercase")]
pub enum Verdict {
    /// The executed copy reads as issued, outside the signature blocks.
    Same {
        /// Things worth saying that do not make it differ (words added after the issued text).
        notes: Vec<String>,
    },
    /// The same agreement with some clauses altered.
    Altered {
        /// The differences, in document order.
        differences: Vec<Difference>,
    },
    /// Another document altogether (another vendor's agreement, another title or parties).
    Different {
        /// Why it is taken for another document.
        reason: String,
        /// The differences in the title and parties block, if that is what differs.
        differences: Vec<Difference>,
    },
}

impl Verdict {
    /// Whether the executed copy reads as issued.
    pub fn is_same(&self) -> bool {
        matches!(self, Verdict::Same { .. })
    }

    /// The places that differ, for a one-line message.
    pub fn places(&self) -> Vec<String> {
        let diffs = match self {
            Verdict::Same { .. } => return Vec::new(),
            Verdict::Altered { differences } | Verdict::Different { differences, .. } => {
                differences
            }
        };
        let mut out: Vec<String> = Vec::new();
        for d in diffs {
            if !out.contains(&d.place) {
                out.push(d.place.clone());
            }
        }
        out
    }
}

/// A word of the text: its comparison key (lower case, letters and digits) and as written.
#[derive(Debug, Clone)]
struct Word {
    key: String,
    text: String,
}

fn words(text: &str) -> Vec<Word> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| Word {
            key: w.to_lowercase(),
            text: w.to_string(),
        })
        .collect()
}

fn keys(s: &str) -> Vec<String> {
    words(s).into_iter().map(|w| w.key).collect()
}

/// Leaves out page furniture: `Page 3 of 9` and `Document <id> · Version <v>` (also the
/// preamble's `Document <id>, version <v>`).
fn without_furniture(ws: Vec<Word>, id: &str) -> Vec<Word> {
    let id_keys = keys(id);
    let mut out = Vec::with_capacity(ws.len());
    let mut i = 0;
    let is_num = |w: Option<&Word>| w.is_some_and(|w| w.key.chars().all(|c| c.is_ascii_digit()));
    while i < ws.len() {
        if ws[i].key == "page"
            && is_num(ws.get(i + 1))
            && ws.get(i + 2).is_some_and(|w| w.key == "of")
            && is_num(ws.get(i + 3))
        {
            i += 4;
            continue;
        }
        // The document id is the vendor id with a prefix of a word or two (`DPA-acme`).
        let furniture = (0..=2).find(|skip| {
            let start = i + 1 + skip;
            ws[i].key == "document"
                && !id_keys.is_empty()
                && ws.len() > start + id_keys.len() + 1
                && ws[start..start + id_keys.len()]
                    .iter()
                    .zip(&id_keys)
                    .all(|(w, k)| w.key == *k)
                && ws[start + id_keys.len()].key == "version"
        });
        if let Some(skip) = furniture {
            i += 1 + skip + id_keys.len() + 2;
            continue;
        }
        out.push(ws[i].clone());
        i += 1;
    }
    out
}

/// Finds `needle` in `hay` at or after `from`.
fn find(hay: &[Word], needle: &[String], from: usize) -> Option<usize> {
    if needle.is_empty() || needle.len() > hay.len() {
        return None;
    }
    (from..=hay.len() - needle.len()).find(|&i| {
        hay[i..i + needle.len()]
            .iter()
            .zip(needle)
            .all(|(w, k)| w.key == *k)
    })
}

/// A part of the issued text: where it starts (in words) and what it is called.
#[derive(Debug, Clone)]
struct Part {
    start: usize,
    name: String,
    signatures: bool,
}

/// The parts of the issued text, located by the clause headings of its manifest.
fn parts(issued: &[Word], clauses: &[ManifestClause]) -> Vec<Part> {
    let mut out = vec![Part {
        start: 0,
        name: "the title and parties".into(),
        signatures: false,
    }];
    let mut cursor = 0;
    let mut signatures_placed = false;
    for c in clauses {
        let title = keys(&c.title);
        let numbered: Vec<String> = keys(&c.number).into_iter().chain(title.clone()).collect();
        let at = find(issued, &numbered, cursor).or_else(|| find(issued, &title, cursor));
        let Some(at) = at else { continue };
        // The signature blocks sit between the last clause and the first annex.
        if !signatures_placed && c.number.starts_with("Annex") {
            let sig = keys("Signatures Each Party has caused");
            if let Some(s) = find(issued, &sig, cursor).filter(|s| *s < at) {
                out.push(Part {
                    start: s,
                    name: "the signature blocks".into(),
                    signatures: true,
                });
            }
            signatures_placed = true;
        }
        let name = if c.number.starts_with("Annex") {
            format!("{}: {}", c.number, c.title)
        } else {
            format!("{} {}", c.number, c.title)
        };
        out.push(Part {
            start: at,
            name,
            signatures: false,
        });
        cursor = at + 1;
    }
    if !signatures_placed {
        let sig = keys("Signatures Each Party has caused");
        if let Some(s) = find(issued, &sig, cursor) {
            out.push(Part {
                start: s,
                name: "the signature blocks".into(),
                signatures: true,
            });
        }
    }
    out.sort_by_key(|p| p.start);
    out
}

fn part_at(parts: &[Part], i: usize) -> usize {
    parts.iter().rposition(|p| p.start <= i).unwrap_or(0)
}

fn shorten(ws: &[Word]) -> String {
    const MAX: usize = 14;
    let shown: Vec<&str> = ws.iter().take(MAX).map(|w| w.text.as_str()).collect();
    let mut s = shown.join(" ");
    if ws.len() > MAX {
        s.push_str(" …");
    }
    s
}

/// Compares the text of an executed copy with the text of the issued PDF of agreement `id`,
/// whose manifest lists `clauses`.
pub fn compare(
    issued_text: &str,
    executed_text: &str,
    clauses: &[ManifestClause],
    id: &str,
) -> Verdict {
    let old = without_furniture(words(issued_text), id);
    let new = without_furniture(words(executed_text), id);
    let old_keys: Vec<&str> = old.iter().map(|w| w.key.as_str()).collect();
    let new_keys: Vec<&str> = new.iter().map(|w| w.key.as_str()).collect();
    let ops = capture_diff_slices(Algorithm::Patience, &old_keys, &new_keys);
    let parts = parts(&old, clauses);
    let mut equal = 0usize;
    let mut differences: Vec<Difference> = Vec::new();
    let mut notes = Vec::new();
    for op in &ops {
        let (o, ol, n, nl) = match *op {
            DiffOp::Equal { len, .. } => {
                equal += len;
                continue;
            }
            DiffOp::Delete {
                old_index,
                old_len,
                new_index,
            } => (old_index, old_len, new_index, 0),
            DiffOp::Insert {
                old_index,
                new_index,
                new_len,
            } => (old_index, 0, new_index, new_len),
            DiffOp::Replace {
                old_index,
                old_len,
                new_index,
                new_len,
            } => (old_index, old_len, new_index, new_len),
        };
        if ol == 0 && o >= old.len() {
            notes.push(format!(
                "the executed copy has {nl} words after the issued text (a signing certificate?): {}",
                shorten(&new[n..n + nl])
            ));
            continue;
        }
        // A change spanning parts is reported in each part it touches.
        // Words added between two issued words belong to the part of the word before them.
        let first = if ol == 0 {
            part_at(&parts, o.saturating_sub(1))
        } else {
            part_at(&parts, o)
        };
        let last = part_at(&parts, (o + ol).saturating_sub(1).max(o));
        for (k, part) in parts.iter().enumerate().take(last + 1).skip(first) {
            if part.signatures {
                continue;
            }
            let from = part.start.max(o);
            let to = parts.get(k + 1).map_or(old.len(), |p| p.start).min(o + ol);
            let removed = if to > from {
                shorten(&old[from..to])
            } else {
                String::new()
            };
            let added = if k == first {
                shorten(&new[n..n + nl])
            } else {
                String::new()
            };
            if removed.is_empty() && added.is_empty() {
                continue;
            }
            differences.push(Difference {
                place: part.name.clone(),
                removed,
                added,
            });
        }
    }
    let share = if old.is_empty() {
        0
    } else {
        equal * 100 / old.len()
    };
    if share < 50 {
        return Verdict::Different {
            reason: format!("only {share}% of the issued text is in it"),
            differences: Vec::new(),
        };
    }
    let preamble: Vec<Difference> = differences
        .iter()
        .filter(|d| d.place == parts[0].name)
        .cloned()
        .collect();
    if !preamble.is_empty() {
        return Verdict::Different {
            reason: "its title or parties are not those of the issued agreement".into(),
            differences: preamble,
        };
    }
    if differences.is_empty() {
        Verdict::Same { notes }
    } else {
        Verdict::Altered { differences }
    }
}

/// The words of a document as the one reader reads it (format told from its bytes, parsed in the
/// sandboxed worker), clause after clause.
fn text_of(
    shown: &str,
    path: &Path,
    bytes: &[u8],
    limits: &crate::documents::Limits,
) -> Result<String, String> {
    let doc =
        crate::documents::read_bytes(shown, path, bytes, limits).map_err(|e| e.to_string())?;
    let mut out = String::new();
    for s in &doc.sections {
        for part in [
            s.number.as_deref(),
            s.title.as_deref(),
            Some(s.text.as_str()),
        ]
        .into_iter()
        .flatten()
        {
            out.push_str(part);
            out.push('\n');
        }
    }
    Ok(out)
}

/// Why an executed copy could not be compared: it (or the issued PDF) cannot be read.
#[derive(Debug)]
pub struct Unreadable(pub String);

/// Compares an executed copy with version `version` of agreement `id` as issued (its PDF and
/// manifest in git). Both are read by the one document reader, in its sandboxed worker.
pub fn executed_copy(
    store: &Store,
    id: &str,
    version: u32,
    name: &Path,
    executed: &[u8],
) -> Result<Verdict, Unreadable> {
    let fail = |e: StoreError| {
        Unreadable(format!(
            "the issued v{version} cannot be read from git: {e}"
        ))
    };
    let issued = store.issued(id).map_err(fail)?;
    let Some(this) = issued.iter().find(|i| i.version == version) else {
        return Err(Unreadable(format!("v{version} of `{id}` was never issued")));
    };
    let pdf_path = format!("agreements/{id}/{id}.pdf");
    let Some(pdf) = store.read_at(this.commit, &pdf_path).map_err(fail)? else {
        return Err(Unreadable(format!("tag {} holds no {pdf_path}", this.tag)));
    };
    if pdf == executed {
        return Ok(Verdict::Same { notes: Vec::new() });
    }
    let manifest = store.manifest(id, version).map_err(fail)?;
    let limits = crate::documents::Limits::default();
    let issued_text = text_of(&pdf_path, Path::new(&pdf_path), &pdf, &limits)
        .map_err(|e| Unreadable(format!("the issued {pdf_path} cannot be read: {e}")))?;
    let executed_text = text_of(&name.display().to_string(), name, executed, &limits)
        .map_err(|e| Unreadable(format!("{} cannot be read: {e}", name.display())))?;
    if executed_text.split_whitespace().next().is_none() {
        return Err(Unreadable(format!(
            "{} holds no text to compare (a scanned copy needs OCR first)",
            name.display()
        )));
    }
    Ok(compare(&issued_text, &executed_text, &manifest.clauses, id))
}

/// The verdict in words, one line per finding: what differs and where.
pub fn describe(v: &Verdict, name: &str, version: u32) -> Vec<String> {
    let diff_line = |d: &Difference| {
        let mut s = format!("  {}:", d.place);
        if !d.removed.is_empty() {
            s.push_str(&format!(" [-{}-]", d.removed));
        }
        if !d.added.is_empty() {
            s.push_str(&format!(" {{+{}+}}", d.added));
        }
        s
    };
    match v {
        Verdict::Same { .. } => vec![format!(
            "{name} reads as issued v{version}, clause by clause"
        )],
        Verdict::Altered { differences } => {
            let mut out = vec![format!(
                "{name} is not v{version} as issued: altered in {}",
                v.places().join("; ")
            )];
            out.extend(differences.iter().map(diff_line));
            out
        }
        Verdict::Different {
            reason,
            differences,
        } => {
            let mut out = vec![format!(
                "{name} is a different document, not v{version} as issued: {reason}"
            )];
            out.extend(differences.iter().map(diff_line));
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clause(number: &str, title: &str) -> ManifestClause {
        ManifestClause {
            id: title.to_lowercase(),
            version: 1,
            number: number.into(),
            title: title.into(),
            text: String::new(),
            text_hash: String::new(),
            frameworks: Vec::new(),
            reads: Vec::new(),
            satisfies: Vec::new(),
            markdown: String::new(),
            section: String::new(),
        }
    }

    const ISSUED: &str = "Data Processing Addendum between Us Ltd and Acme Inc\n\
        Document DPA-acme, version 1\n\
        1.1 Scope\nAcme processes data for us.\nDocument DPA-acme · Version 1 Page 1 of 2\n\
        1.2 Retention\nData is kept for 30 days.\n\
        Signatures Each Party has caused this Addendum to be signed.\nName: ______ Date: ______\n\
        Annex I.B Description\nCustomers and users.\nPage 2 of 2";

    fn clauses() -> Vec<ManifestClause> {
        vec![
            clause("1.1", "Scope"),
            clause("1.2", "Retention"),
            clause("Annex I.B", "Description"),
        ]
    }

    #[test]
    fn signatures_and_furniture_may_differ() {
        let executed = ISSUED
            .replace(
                "Name: ______ Date: ______",
                "Name: Sam Roe Date: 1 June 2025",
            )
            .replace("Version 1", "Version 2")
            + "\nCertificate of completion envelope 123";
        let v = compare(ISSUED, &executed, &clauses(), "acme");
        assert!(v.is_same(), "{v:?}");
    }

    #[test]
    fn an_altered_clause_is_named() {
        let executed = ISSUED.replace("30 days", "10 years");
        let v = compare(ISSUED, &executed, &clauses(), "acme");
        assert_eq!(v.places(), ["1.2 Retention"], "{v:?}");
        assert!(matches!(v, Verdict::Altered { .. }));
    }

    #[test]
    fn other_parties_make_another_document() {
        let executed = ISSUED.replace("Acme Inc", "Nordhost GmbH");
        let v = compare(ISSUED, &executed, &clauses(), "acme");
        assert!(matches!(v, Verdict::Different { .. }), "{v:?}");
        let v = compare(ISSUED, "Something else entirely.", &clauses(), "acme");
        assert!(matches!(v, Verdict::Different { .. }), "{v:?}");
    }
}
