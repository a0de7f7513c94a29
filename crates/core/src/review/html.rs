//! The review as one self-contained HTML page: the findings table, then the document with each
//! requirement's evidence highlighted and labelled. Every piece of text is escaped.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::escape;

use super::{Bearing, Review, Status, sentences};

const STYLE: &str = "body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}
table{border-collapse:collapse;width:100%;margin:1rem 0}td,th{border-bottom:1px solid #ddd;padding:.3rem .5rem;text-align:left;vertical-align:top}
.st{font-weight:600;white-space:nowrap}.satisfied{color:#116329}.partial,.to-read{color:#9a6700}.missing,.unchecked{color:#b3261e}
section.undermining{border:1px solid #f0b6b0;background:#fff7f6;padding:.2rem 1rem;margin:1rem 0}.id{color:#555;font-size:.8rem}
mark{padding:0 .1rem;border-radius:2px}mark.supports{background:#d8f5dd}mark.partial{background:#fff1c2}mark.against{background:#ffd6d2}
sup.req{font-size:.7rem;color:#555;margin-left:.2rem}section.clause{border-top:1px solid #eee;padding-top:.4rem}
h3{font-size:1rem;margin:.8rem 0 .3rem}.num{color:#555;margin-right:.4rem}blockquote{margin:.2rem 0 .2rem 1rem;color:#333}";

/// The CSS class of a status (one word).
fn status_class(s: Status) -> &'static str {
    match s {
        Status::ToRead => "to-read",
        s => s.as_str(),
    }
}

fn bearing_class(b: Bearing) -> &'static str {
    match b {
        Bearing::Supports => "supports",
        Bearing::Partial => "partial",
        Bearing::Against => "against",
    }
}

/// Whether a (possibly truncated) quote is this text.
fn quotes(quote: &str, text: &str) -> bool {
    match quote.strip_suffix('\u{2026}') {
        Some(prefix) => text.starts_with(prefix),
        None => quote == text,
    }
}

/// Renders the review as a self-contained HTML page.
pub fn to_html(review: &Review) -> String {
    let mut h = String::new();
    let title = format!("Review of {}", review.document);
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{}</title><style>{STYLE}</style></head><body>\n<h1>{}</h1>\n",
        escape::html(&title),
        escape::html(&title)
    );
    let c = &review.counts;
    let _ = writeln!(
        h,
        "<p>SHA-256 <code>{}</code>. Frameworks: {}. <span class=\"satisfied\">{} satisfied</span>, <span class=\"partial\">{} partial</span>, <span class=\"missing\">{} missing</span>, <span class=\"to-read\">{} to read</span>{}.</p>",
        escape::html(&review.sha256),
        escape::html(&review.frameworks.join(", ")),
        c.satisfied,
        c.partial,
        c.missing,
        c.to_read,
        if c.unchecked > 0 {
            format!(
                ", <span class=\"unchecked\">{} unchecked</span>",
                c.unchecked
            )
        } else {
            String::new()
        }
    );
    // What a lawyer reads first: clauses that limit several requirements at once.
    if !review.undermining.is_empty() {
        h.push_str("<section class=\"undermining\" id=\"undermining\"><h2>Clauses that limit several requirements</h2>\n<ul>\n");
        for u in &review.undermining {
            let place = match (&u.number, &u.heading) {
                (Some(n), Some(t)) => format!("{n} {t}"),
                (Some(n), None) => n.clone(),
                (None, Some(t)) => t.clone(),
                (None, None) => "Preamble".into(),
            };
            let _ = write!(
                h,
                "<li><a href=\"#clause-{}\">{}</a><blockquote><mark class=\"against\">{}</mark></blockquote><div><em>{}</em></div><div>Limits: ",
                u.clause,
                escape::html(&place),
                escape::html(&u.quote),
                escape::html(&u.because)
            );
            for (k, (id, name)) in u.requirements.iter().zip(&u.names).enumerate() {
                if k > 0 {
                    h.push_str("; ");
                }
                let _ = write!(
                    h,
                    "<a href=\"#req-{id}\">{name}</a> <span class=\"id\">({id})</span>",
                    id = escape::html(id),
                    name = escape::html(name)
                );
            }
            h.push_str("</div></li>\n");
        }
        h.push_str("</ul></section>\n");
    }
    // Which units carry which requirement's evidence, for the highlighted document.
    let mut marks: BTreeMap<usize, Vec<(&str, &str, Bearing)>> = BTreeMap::new();
    for f in &review.findings {
        for e in &f.evidence {
            marks.entry(e.clause).or_default().push((
                f.requirement.as_str(),
                e.quote.as_str(),
                e.bearing,
            ));
        }
    }
    h.push_str("<table><thead><tr><th>Requirement</th><th>Status</th><th>Evidence</th></tr></thead><tbody>\n");
    for f in &review.findings {
        let _ = write!(
            h,
            "<tr id=\"req-{id}\"><td><strong>{name}</strong><br><small>{cit}: {sum} <span class=\"id\">({id})</span></small></td><td class=\"st {cls}\">{st}</td><td>",
            id = escape::html(&f.requirement),
            name = escape::html(&f.name),
            cit = escape::html(&f.citation),
            sum = escape::html(&f.summary),
            cls = status_class(f.status),
            st = f.status.as_str()
        );
        for r in &f.reasons {
            let _ = write!(h, "<div><em>{}</em></div>", escape::html(r));
        }
        for e in &f.evidence {
            let place = match (&e.number, &e.heading) {
                (Some(n), Some(t)) => format!("{n} {t}"),
                (Some(n), None) => n.clone(),
                (None, Some(t)) => t.clone(),
                (None, None) => "Preamble".into(),
            };
            let _ = write!(
                h,
                "<div><a href=\"#clause-{}\">{}</a><blockquote><mark class=\"{}\">{}</mark></blockquote></div>",
                e.clause,
                escape::html(&place),
                bearing_class(e.bearing),
                escape::html(&e.quote)
            );
        }
        if f.evidence.is_empty() && f.status != Status::Unchecked {
            h.push_str("<div>nothing in the document</div>");
        }
        h.push_str("</td></tr>\n");
    }
    h.push_str("</tbody></table>\n<h2>The document</h2>\n");
    for (i, clause) in review.clauses.iter().enumerate() {
        let here = marks.get(&i).map(Vec::as_slice).unwrap_or(&[]);
        let _ = write!(h, "<section class=\"clause\" id=\"clause-{i}\"><h3>");
        if let Some(n) = &clause.number {
            let _ = write!(h, "<span class=\"num\">{}</span>", escape::html(n));
        }
        h.push_str(&escape::html(
            clause
                .title
                .as_deref()
                .unwrap_or(if i == 0 { "Preamble" } else { "" }),
        ));
        // Evidence scoped to the whole clause is labelled at its heading.
        let whole = match &clause.title {
            Some(t) => format!("{t}. {}", clause.text),
            None => clause.text.clone(),
        };
        label(&mut h, here, |q| quotes(q, &whole));
        h.push_str("</h3>\n");
        for para in clause.text.split('\n').filter(|p| !p.trim().is_empty()) {
            let para = para.trim();
            h.push_str("<p>");
            let para_marks: Vec<_> = here.iter().filter(|(_, q, _)| quotes(q, para)).collect();
            if let Some((_, _, b)) = para_marks.first() {
                let _ = write!(
                    h,
                    "<mark class=\"{}\">{}</mark>",
                    bearing_class(*b),
                    escape::html(para)
                );
                label(&mut h, here, |q| quotes(q, para));
            } else {
                for (k, s) in sentences(para).into_iter().enumerate() {
                    if k > 0 {
                        h.push(' ');
                    }
                    match here.iter().find(|(_, q, _)| quotes(q, s)) {
                        Some((_, _, b)) => {
                            let _ = write!(
                                h,
                                "<mark class=\"{}\">{}</mark>",
                                bearing_class(*b),
                                escape::html(s)
                            );
                            label(&mut h, here, |q| quotes(q, s));
                        }
                        None => h.push_str(&escape::html(s)),
                    }
                }
            }
            h.push_str("</p>\n");
        }
        h.push_str("</section>\n");
    }
    h.push_str("</body></html>\n");
    h
}

/// Appends the requirement ids whose evidence `is_it` accepts, each linking to its finding.
fn label(h: &mut String, marks: &[(&str, &str, Bearing)], is_it: impl Fn(&str) -> bool) {
    let mut ids: Vec<&str> = marks
        .iter()
        .filter(|(_, q, _)| is_it(q))
        .map(|(id, _, _)| *id)
        .collect();
    ids.dedup();
    for id in ids {
        let _ = write!(
            h,
            "<sup class=\"req\"><a href=\"#req-{id}\">{id}</a></sup>",
            id = escape::html(id)
        );
    }
}
