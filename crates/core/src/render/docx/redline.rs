//! A clause diff as a Word redline: the new document with every change of wording as a tracked
//! change (`w:ins`/`w:del`, with author and date), so the counterparty reviews it in Word's or
//! LibreOffice's review mode. Accepting every change gives the new text; rejecting every change
//! gives the old.
//!
//! Each clause is a heading paragraph (`Heading 1` for a top-level number, `Heading 2` below it)
//! followed by its body paragraphs, as in the documents compared. A clause that moved is deleted
//! where it was and inserted where it is now; a renumbered clause shows its number changed.
//! Revision dates come from the caller, so the same inputs and date give the same bytes.
//! Formatting-only differences (quotes, dashes, spacing) follow the new document: they are not
//! changes of wording, as in every other diff format.

use std::fmt::Write as _;

use super::writer::package;
use crate::diff::{Change, Clause, Op, Report, Status, word_changes};
use crate::escape::xml;

/// Who and when a redline's changes are attributed to.
#[derive(Debug, Clone)]
pub struct RedlineMeta<'a> {
    /// The document title, shown as the first paragraph and in the document properties.
    pub title: &'a str,
    /// The author of every tracked change.
    pub author: &'a str,
    /// The date of every tracked change, ISO 8601 in UTC (`2026-12-02T10:00:00Z`).
    pub date: &'a str,
}

const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

/// Writes the redline of `report`, whose clause indices point into `old` and `new`, as DOCX bytes.
pub fn write(
    report: &Report,
    old: &[Clause],
    new: &[Clause],
    meta: &RedlineMeta<'_>,
) -> Result<Vec<u8>, String> {
    let mut doc = Body::new(meta);
    doc.para_style = Some("Title");
    doc.runs(Op::Equal, meta.title);
    doc.end_para(Op::Equal);
    let (items, displaced) = order(report);
    for item in items {
        match item {
            Item::Clause(idx) => {
                let c = &report.clauses[idx];
                let old_clause = c.old_index.and_then(|i| old.get(i));
                let new_clause = c.new_index.and_then(|j| new.get(j));
                match (old_clause, new_clause) {
                    (_, Some(n)) if displaced[idx] => doc.clause_whole(n, Op::Insert),
                    (Some(o), Some(n)) => doc.clause_changed(o, n, c.status),
                    (None, Some(n)) => doc.clause_whole(n, Op::Insert),
                    (Some(o), None) => doc.clause_whole(o, Op::Delete),
                    (None, None) => {}
                }
            }
            Item::MovedFrom(idx) => {
                if let Some(o) = report.clauses[idx].old_index.and_then(|i| old.get(i)) {
                    doc.clause_whole(o, Op::Delete);
                }
            }
        }
    }
    if doc.last_mark != Op::Equal {
        // The last paragraph mark of a document cannot be a tracked change.
        doc.end_para(Op::Equal);
    }
    let document = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:document xmlns:w=\"{W}\"><w:body>{}\
         <w:sectPr><w:pgSz w:w=\"11906\" w:h=\"16838\"/><w:pgMar w:top=\"1417\" w:right=\"1417\" w:bottom=\"1417\" w:left=\"1417\" w:header=\"708\" w:footer=\"708\" w:gutter=\"0\"/></w:sectPr>\
         </w:body></w:document>",
        doc.out
    );
    package(&[
        ("[Content_Types].xml", CONTENT_TYPES.to_owned()),
        ("_rels/.rels", PACKAGE_RELS.to_owned()),
        ("word/_rels/document.xml.rels", DOCUMENT_RELS.to_owned()),
        ("word/document.xml", document),
        ("word/styles.xml", styles()),
        ("word/settings.xml", SETTINGS.to_owned()),
        ("docProps/core.xml", core(meta)),
    ])
    .map_err(|e| format!("cannot package the redline: {e}"))
}

/// One block of the redline, in reading order.
enum Item {
    /// A report entry, at its place in the new document (removed ones at their old place).
    Clause(usize),
    /// A displaced clause, deleted at its place in the old document.
    MovedFrom(usize),
}

/// The report's entries in new-document order, with each displaced clause also placed where it
/// was: after the nearest earlier old clause that kept its relative order, or first. A clause is
/// displaced when it is outside the longest run of matched clauses in the same order on both
/// sides; the report calls it moved, or renumbered or modified when that also happened to it.
fn order(report: &Report) -> (Vec<Item>, Vec<bool>) {
    let displaced = displaced(report);
    // Old index -> report entry, for clauses present in the old document.
    let mut by_old: Vec<(usize, usize)> = report
        .clauses
        .iter()
        .enumerate()
        .filter_map(|(idx, c)| c.old_index.map(|i| (i, idx)))
        .collect();
    by_old.sort_unstable();
    let mut after: Vec<Vec<usize>> = vec![Vec::new(); report.clauses.len()];
    let mut first = Vec::new();
    let mut anchor: Option<usize> = None;
    for &(_, idx) in &by_old {
        if displaced[idx] {
            match anchor {
                Some(a) => after[a].push(idx),
                None => first.push(idx),
            }
        } else {
            anchor = Some(idx);
        }
    }
    let mut out: Vec<Item> = first.into_iter().map(Item::MovedFrom).collect();
    for (idx, displaced_here) in after.iter().enumerate() {
        out.push(Item::Clause(idx));
        out.extend(displaced_here.iter().map(|&m| Item::MovedFrom(m)));
    }
    (out, displaced)
}

/// Per report entry: whether it is a matched clause outside the longest increasing run of old
/// positions taken in new order (patience-sorting LIS, O(n log n)).
fn displaced(report: &Report) -> Vec<bool> {
    let matched: Vec<(usize, usize)> = report
        .clauses
        .iter()
        .enumerate()
        .filter(|(_, c)| c.new_index.is_some())
        .filter_map(|(idx, c)| c.old_index.map(|i| (idx, i)))
        .collect();
    let mut tails: Vec<usize> = Vec::new();
    let mut prev: Vec<Option<usize>> = vec![None; matched.len()];
    for k in 0..matched.len() {
        let v = matched[k].1;
        let pos = tails.partition_point(|&t| matched[t].1 < v);
        if pos > 0 {
            prev[k] = Some(tails[pos - 1]);
        }
        if pos == tails.len() {
            tails.push(k);
        } else {
            tails[pos] = k;
        }
    }
    let mut out: Vec<bool> = report
        .clauses
        .iter()
        .map(|c| c.old_index.is_some() && c.new_index.is_some())
        .collect();
    let mut cur = tails.last().copied();
    while let Some(k) = cur {
        out[matched[k].0] = false;
        cur = prev[k];
    }
    out
}

/// `document.xml`'s body as it is written, paragraph by paragraph.
struct Body<'a> {
    meta: &'a RedlineMeta<'a>,
    out: String,
    /// Runs of the paragraph being written.
    para: String,
    /// Style of the paragraph being written.
    para_style: Option<&'static str>,
    /// Next revision id.
    id: u32,
    /// How the last paragraph mark was written.
    last_mark: Op,
}

impl<'a> Body<'a> {
    fn new(meta: &'a RedlineMeta<'a>) -> Body<'a> {
        Body {
            meta,
            out: String::new(),
            para: String::new(),
            para_style: None,
            id: 1,
            last_mark: Op::Equal,
        }
    }

    /// The attributes of one revision: a fresh id, the author and the date.
    fn revision(&mut self) -> String {
        let id = self.id;
        self.id += 1;
        format!(
            "w:id=\"{id}\" w:author=\"{}\" w:date=\"{}\"",
            xml(self.meta.author),
            xml(self.meta.date)
        )
    }

    /// Appends text as runs of one kind; each `\n` ends the paragraph with a mark of that kind.
    fn runs(&mut self, op: Op, text: &str) {
        for (k, piece) in text.split('\n').enumerate() {
            if k > 0 {
                self.end_para(op);
            }
            let piece: String = piece
                .chars()
                .map(|c| if c == '\t' || c == '\r' { ' ' } else { c })
                .collect();
            if piece.is_empty() {
                continue;
            }
            let t = xml(&piece);
            match op {
                Op::Equal => {
                    let _ = write!(
                        self.para,
                        "<w:r><w:t xml:space=\"preserve\">{t}</w:t></w:r>"
                    );
                }
                Op::Insert => {
                    let rev = self.revision();
                    let _ = write!(
                        self.para,
                        "<w:ins {rev}><w:r><w:t xml:space=\"preserve\">{t}</w:t></w:r></w:ins>"
                    );
                }
                Op::Delete => {
                    let rev = self.revision();
                    let _ = write!(
                        self.para,
                        "<w:del {rev}><w:r><w:delText xml:space=\"preserve\">{t}</w:delText></w:r></w:del>"
                    );
                }
            }
        }
    }

    fn changes(&mut self, changes: &[Change]) {
        for c in changes {
            self.runs(c.op, &c.text);
        }
    }

    /// Closes the paragraph; its mark is inserted or deleted with `mark`, so that accepting or
    /// rejecting joins it to the next paragraph exactly when its text goes too.
    fn end_para(&mut self, mark: Op) {
        let mut ppr = String::new();
        if let Some(style) = self.para_style {
            let _ = write!(ppr, "<w:pStyle w:val=\"{style}\"/>");
        }
        match mark {
            Op::Equal => {}
            Op::Insert => {
                let rev = self.revision();
                let _ = write!(ppr, "<w:rPr><w:ins {rev}/></w:rPr>");
            }
            Op::Delete => {
                let rev = self.revision();
                let _ = write!(ppr, "<w:rPr><w:del {rev}/></w:rPr>");
            }
        }
        let para = std::mem::take(&mut self.para);
        if ppr.is_empty() {
            let _ = write!(self.out, "<w:p>{para}</w:p>");
        } else {
            let _ = write!(self.out, "<w:p><w:pPr>{ppr}</w:pPr>{para}</w:p>");
        }
        self.last_mark = mark;
    }

    /// A clause wholly inserted, deleted or kept.
    fn clause_whole(&mut self, c: &Clause, op: Op) {
        if let Some(heading) = heading(c) {
            self.para_style = Some(heading_style(c));
            self.runs(op, &heading);
            self.end_para(op);
        }
        self.para_style = None;
        if !c.text.is_empty() {
            self.runs(op, &c.text);
            self.end_para(op);
        }
    }

    /// A clause present on both sides: its heading and words diffed, the new text kept.
    fn clause_changed(&mut self, old: &Clause, new: &Clause, status: Status) {
        let (oh, nh) = (heading(old), heading(new));
        if oh.is_some() || nh.is_some() {
            let (oh, nh) = (oh.unwrap_or_default(), nh.unwrap_or_default());
            self.para_style = Some(heading_style(new));
            if oh == nh {
                self.runs(Op::Equal, &nh);
            } else {
                self.changes(&word_changes(&oh, &nh));
            }
            self.end_para(Op::Equal);
        }
        self.para_style = None;
        if status == Status::Modified {
            let body = word_changes(&old.text, &new.text);
            if !body.is_empty() {
                self.changes(&body);
                self.end_para(Op::Equal);
            }
        } else if !new.text.is_empty() {
            self.runs(Op::Equal, &new.text);
            self.end_para(Op::Equal);
        }
    }
}

/// `3.2 Data Processing`, or the number or title alone; `None` for the preamble.
fn heading(c: &Clause) -> Option<String> {
    match (c.number.as_deref(), c.title.as_deref()) {
        (Some(n), Some(t)) => Some(format!("{n} {t}")),
        (Some(x), None) | (None, Some(x)) => Some(x.to_owned()),
        (None, None) => None,
    }
}

/// `Heading 1` for a top-level or unnumbered heading, `Heading 2` for a sub-clause (`3.2`, `(a)`).
fn heading_style(c: &Clause) -> &'static str {
    let last = c
        .number
        .as_deref()
        .and_then(|n| n.rsplit('/').next())
        .unwrap_or("");
    if last.trim_end_matches('.').contains('.') || last.starts_with('(') {
        "Heading2"
    } else {
        "Heading1"
    }
}

const CONTENT_TYPES: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
<Default Extension=\"xml\" ContentType=\"application/xml\"/>\
<Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>\
<Override PartName=\"/word/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml\"/>\
<Override PartName=\"/word/settings.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml\"/>\
<Override PartName=\"/docProps/core.xml\" ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/>\
</Types>";

const PACKAGE_RELS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/>\
<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" Target=\"docProps/core.xml\"/>\
</Relationships>";

const DOCUMENT_RELS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>\
<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings\" Target=\"settings.xml\"/>\
</Relationships>";

/// Track Changes stays on, so the counterparty's own edits are tracked too.
const SETTINGS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<w:settings xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">\
<w:trackRevisions/><w:defaultTabStop w:val=\"708\"/><w:compat/></w:settings>";

fn styles() -> String {
    let heading = |id: &str, name: &str, level: u32, size: u32| {
        format!(
            "<w:style w:type=\"paragraph\" w:styleId=\"{id}\"><w:name w:val=\"{name}\"/><w:basedOn w:val=\"Normal\"/>\
             <w:next w:val=\"Normal\"/><w:qFormat/><w:pPr><w:keepNext/><w:spacing w:before=\"240\" w:after=\"120\"/>\
             <w:outlineLvl w:val=\"{level}\"/></w:pPr><w:rPr><w:b/><w:sz w:val=\"{size}\"/></w:rPr></w:style>"
        )
    };
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:styles xmlns:w=\"{W}\">\
         <w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii=\"Palatino Linotype\" w:hAnsi=\"Palatino Linotype\" w:cs=\"Palatino Linotype\"/>\
         <w:sz w:val=\"21\"/><w:lang w:val=\"en-GB\"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after=\"120\"/></w:pPr></w:pPrDefault></w:docDefaults>\
         <w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name w:val=\"Normal\"/><w:qFormat/></w:style>\
         <w:style w:type=\"paragraph\" w:styleId=\"Title\"><w:name w:val=\"Title\"/><w:basedOn w:val=\"Normal\"/><w:next w:val=\"Normal\"/><w:qFormat/>\
         <w:pPr><w:spacing w:after=\"240\"/></w:pPr><w:rPr><w:b/><w:sz w:val=\"32\"/></w:rPr></w:style>{}{}</w:styles>",
        heading("Heading1", "heading 1", 0, 25),
        heading("Heading2", "heading 2", 1, 22),
    )
}

fn core(meta: &RedlineMeta<'_>) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<cp:coreProperties \
         xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" \
         xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" \
         xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\
         <dc:title>{}</dc:title><dc:creator>{}</dc:creator>\
         <dcterms:created xsi:type=\"dcterms:W3CDTF\">{}</dcterms:created>\
         <dcterms:modified xsi:type=\"dcterms:W3CDTF\">{}</dcterms:modified></cp:coreProperties>",
        xml(meta.title),
        xml(meta.author),
        xml(meta.date),
        xml(meta.date)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::{diff, segment_markdown};

    fn document_xml(bytes: &[u8]) -> String {
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("zip");
        let mut f = zip.by_name("word/document.xml").expect("document.xml");
        let mut s = String::new();
        std::io::Read::read_to_string(&mut f, &mut s).expect("utf-8");
        s
    }

    const META: RedlineMeta<'static> = RedlineMeta {
        title: "A & B <redline>",
        author: "Legal \"Team\"",
        date: "2026-12-02T10:00:00Z",
    };

    #[test]
    fn changes_are_tracked_with_author_and_date_and_text_is_escaped() {
        let old = segment_markdown("## 1. Scope\nThe processor keeps data safe.\n");
        let new = segment_markdown("## 1. Scope\nThe processor keeps data <encrypted> & safe.\n");
        let report = diff(&old, &new);
        let xml = document_xml(&write(&report, &old, &new, &META).expect("writes"));
        assert!(
            xml.contains("w:author=\"Legal &quot;Team&quot;\" w:date=\"2026-12-02T10:00:00Z\"")
        );
        assert!(
            xml.contains("<w:t xml:space=\"preserve\">&lt;encrypted&gt; &amp; </w:t>"),
            "{xml}"
        );
        assert!(xml.contains("A &amp; B &lt;redline&gt;"));
        assert!(xml.contains("<w:pStyle w:val=\"Heading1\"/>"));
    }

    #[test]
    fn a_moved_clause_is_deleted_where_it_was_and_inserted_where_it_is() {
        let old = segment_markdown(
            "## 1. A\nAlpha words.\n\n## 2. B\nBeta words.\n\n## 3. C\nGamma words.\n",
        );
        let new = segment_markdown(
            "## 1. A\nAlpha words.\n\n## 3. C\nGamma words.\n\n## 2. B\nBeta words.\n",
        );
        let report = diff(&old, &new);
        assert_eq!(report.summary.moved, 1, "{report:?}");
        let xml = document_xml(&write(&report, &old, &new, &META).expect("writes"));
        // One of B and C is deleted where it was and inserted after the other.
        let deleted = xml.find("<w:delText xml:space=\"preserve\">Beta words.</w:delText>");
        let inserted = xml.rfind("<w:t xml:space=\"preserve\">Beta words.</w:t>");
        let (Some(d), Some(i)) = (deleted, inserted) else {
            let deleted = xml.find("<w:delText xml:space=\"preserve\">Gamma words.</w:delText>");
            let inserted = xml.find("<w:t xml:space=\"preserve\">Gamma words.</w:t>");
            let beta = xml.find("Beta words.");
            assert!(
                inserted < beta && beta < deleted && inserted.is_some(),
                "{xml}"
            );
            return;
        };
        let gamma = xml.find("Gamma words.").unwrap_or_default();
        assert!(d < gamma && gamma < i, "{xml}");
    }
}
