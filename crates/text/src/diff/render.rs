//! Renders a clause diff report as terminal text, JSON, Markdown for a pull-request comment, or a
//! self-contained HTML redline. Text from the documents is data in every format: escaped, with
//! control and bidirectional-override characters made visible, so it can never break the markup.

use std::fmt::Write as _;

use serde_json::Value;

use super::{Change, ClauseDiff, Op, Report, Side, Status, Summary};

/// Words of unchanged context kept on each side of a change in text output.
const CONTEXT_WORDS: usize = 8;

const RESET: &str = "\x1b[0m";
const DELETE_STYLE: &str = "\x1b[31;9m";
const INSERT_STYLE: &str = "\x1b[32m";

/// Renders the report for a terminal: one block per changed clause, then a summary line.
///
/// With `color`, deletions are red and struck through and insertions green; without it they are
/// marked `[-old-]` and `{+new+}`. Unchanged context in modified clauses is trimmed.
pub fn to_text(report: &Report, color: bool, show_unchanged: bool) -> String {
    let mut out = String::new();
    for (idx, c) in report.clauses.iter().enumerate() {
        if c.status == Status::Unchanged && !show_unchanged {
            continue;
        }
        let name = c.status.as_str();
        let name = if color {
            format!("{}{name:<10}{RESET}", status_style(c.status))
        } else {
            format!("{name:<10}")
        };
        let _ = writeln!(out, "{name} {}", clean(&header(report, idx)));
        let body = match c.status {
            Status::Modified => body_text(&c.changes, color, true),
            Status::Added | Status::Removed => body_text(&c.changes, color, false),
            _ => String::new(),
        };
        for line in body.lines() {
            let _ = writeln!(out, "    {line}");
        }
        if !body.is_empty() {
            out.push('\n');
        }
    }
    for n in &report.formatting {
        let _ = writeln!(
            out,
            "formatting {} ({}): {}",
            clean(&n.clause),
            n.kind.as_str(),
            clean(&n.detail)
        );
    }
    if !report.formatting.is_empty() {
        out.push('\n');
    }
    out.push_str(&summary_line(&report.summary));
    out.push('\n');
    for l in &report.limits {
        let _ = writeln!(out, "limit: {}", clean(l));
    }
    out
}

/// Renders the report as GitHub-flavoured Markdown for a pull-request comment: a summary table,
/// then one section per changed clause with `~~old~~ **new**` word changes.
///
/// Every character taken from the documents is escaped (ASCII punctuation by backslash, line
/// starts trimmed so nothing becomes a code block, bidi controls made visible), so clause text
/// can never open a link, a table cell, a heading or an HTML tag.
pub fn to_markdown(report: &Report, title: &str) -> String {
    let mut out = String::with_capacity(4096);
    let _ = writeln!(out, "### {}\n", md_escape(title));
    out.push_str("| Status | Clauses |\n|:--|--:|\n");
    for (status, n) in counts(&report.summary) {
        let _ = writeln!(out, "| {} | {n} |", status.as_str());
    }
    if !report.summary.has_changes() {
        out.push_str("\nNo clause changed.\n");
    }
    for (idx, c) in report.clauses.iter().enumerate() {
        if c.status == Status::Unchanged {
            continue;
        }
        let _ = write!(
            out,
            "\n#### {}: {}\n",
            capitalised(c.status.as_str()),
            md_escape(&header(report, idx))
        );
        let body = match c.status {
            Status::Modified | Status::Added | Status::Removed => md_body(&c.changes),
            _ => String::new(),
        };
        if !body.is_empty() {
            out.push('\n');
            out.push_str(&body);
            out.push('\n');
        }
    }
    if !report.formatting.is_empty() {
        out.push_str("\n#### Formatting only (not counted as changes)\n\n");
        for n in &report.formatting {
            let _ = writeln!(
                out,
                "- {} ({}): {}",
                md_escape(&n.clause),
                n.kind.as_str(),
                md_escape(&n.detail)
            );
        }
    }
    if !report.limits.is_empty() {
        out.push_str("\n#### Limits reached\n\n");
        for l in &report.limits {
            let _ = writeln!(out, "- {}", md_escape(l));
        }
    }
    out
}

fn capitalised(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// A clause body as Markdown paragraphs: deletions `~~struck~~`, insertions `**bold**`, each
/// marker closed at every paragraph break and kept clear of surrounding whitespace.
fn md_body(changes: &[Change]) -> String {
    let mut lines: Vec<String> = vec![String::new()];
    for change in changes {
        let marker = match change.op {
            Op::Equal => "",
            Op::Delete => "~~",
            Op::Insert => "**",
        };
        for (k, piece) in change.text.split('\n').enumerate() {
            if k > 0 {
                lines.push(String::new());
            }
            let Some(line) = lines.last_mut() else {
                continue;
            };
            let trimmed = piece.trim();
            if marker.is_empty() || trimmed.is_empty() {
                line.push_str(&md_escape(piece));
                continue;
            }
            let lead = &piece[..piece.len() - piece.trim_start().len()];
            let tail = &piece[piece.trim_end().len()..];
            let _ = write!(
                line,
                "{}{marker}{}{marker}{}",
                md_escape(lead),
                md_escape(trimmed),
                md_escape(tail)
            );
        }
    }
    lines
        .iter()
        .map(|l| l.trim())
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// Escapes document text for Markdown: every ASCII punctuation character gets a backslash, so
/// none can start markup; whitespace runs become one space (no code blocks, no hard breaks).
fn md_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut space = false;
    for c in visible(text).chars() {
        if c.is_whitespace() {
            space = true;
            continue;
        }
        if space {
            out.push(' ');
            space = false;
        }
        if c.is_ascii_punctuation() {
            out.push('\\');
        }
        out.push(c);
    }
    if space {
        out.push(' ');
    }
    out
}

/// Control characters dropped (line breaks and tabs kept) and bidirectional controls shown as
/// `<U+202E>`, so no text can reorder or hide what surrounds it.
fn visible(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\u{202A}'..='\u{202E}'
            | '\u{2066}'..='\u{2069}'
            | '\u{200E}'
            | '\u{200F}'
            | '\u{061C}' => {
                let _ = write!(out, "<U+{:04X}>", c as u32);
            }
            c if c.is_control() && c != '\n' && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

/// The report as JSON: `{"summary": {...}, "clauses": [{"status", "old", "new", "changes"}]}`.
pub fn to_json(report: &Report) -> Value {
    // Serialising plain strings, options and counts cannot fail.
    serde_json::to_value(report).unwrap_or(Value::Null)
}

/// Renders the report as one self-contained HTML5 redline: inline CSS, no scripts, no external assets.
///
/// The header counts every status; each fold of unchanged clauses says how many of those it holds,
/// so the folds add up to the header's count. A modified clause shows its changes with
/// `CONTEXT_WORDS` words of context on each side, and the whole clause in a `<details>` below.
pub fn to_html(report: &Report, title: &str) -> String {
    let title = escape(title);
    let mut out = String::with_capacity(4096);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<header>\n<h1>{title}</h1>\n\
         <p class=\"line\">{}</p>\n</header>\n",
        escape(&summary_line(&report.summary))
    );
    summary_table(&mut out, &report.summary);
    out.push_str("<main>\n");
    let total_unchanged = report.summary.unchanged;
    let mut idx = 0;
    while idx < report.clauses.len() {
        let run = report.clauses[idx..]
            .iter()
            .take_while(|c| c.status == Status::Unchanged)
            .count();
        if run > 0 {
            unchanged_block(&mut out, &report.clauses[idx..idx + run], total_unchanged);
            idx += run;
            continue;
        }
        let c = &report.clauses[idx];
        let name = c.status.as_str();
        let _ = write!(
            out,
            "<section class=\"clause {name}\">\n<h2><span class=\"badge\">{name}</span> {}</h2>\n",
            escape(&header(report, idx))
        );
        if c.status == Status::Modified && !c.changes.is_empty() {
            out.push_str("<div class=\"text context\">");
            redline(&mut out, &c.changes, true);
            out.push_str("</div>\n<details class=\"whole\"><summary>Whole clause</summary>\n<div class=\"text\">");
            redline(&mut out, &c.changes, false);
            out.push_str("</div>\n</details>\n");
        } else if !c.changes.is_empty() {
            out.push_str("<div class=\"text\">");
            redline(&mut out, &c.changes, false);
            out.push_str("</div>\n");
        }
        out.push_str("</section>\n");
        idx += 1;
    }
    if !report.formatting.is_empty() {
        out.push_str("<section class=\"formatting\">\n<h2>Formatting only (not counted as changes)</h2>\n<ul>\n");
        for n in &report.formatting {
            let _ = writeln!(
                out,
                "<li>{} ({}): {}</li>",
                escape(&n.clause),
                n.kind.as_str(),
                escape(&n.detail)
            );
        }
        out.push_str("</ul>\n</section>\n");
    }
    if !report.limits.is_empty() {
        out.push_str("<section class=\"limits\">\n<h2>Limits reached</h2>\n<ul>\n");
        for l in &report.limits {
            let _ = writeln!(out, "<li>{}</li>", escape(l));
        }
        out.push_str("</ul>\n</section>\n");
    }
    out.push_str("</main>\n</body>\n</html>\n");
    out
}

/// Writes word changes as `<del>`/`<ins>`; with `trim`, unchanged runs keep only the words next to a change.
fn redline(out: &mut String, changes: &[Change], trim: bool) {
    let last = changes.len().saturating_sub(1);
    for (k, change) in changes.iter().enumerate() {
        let _ = match change.op {
            Op::Equal if trim => {
                let text = &change.text;
                let words = word_spans(text);
                let (n, ctx) = (words.len(), CONTEXT_WORDS);
                if k > 0 && k < last && n > 2 * ctx {
                    // An elided middle becomes a line break, so distant changes read as separate excerpts.
                    write!(
                        out,
                        "{} …\n… {}",
                        escape(&text[..words[ctx - 1].1]),
                        escape(&text[words[n - ctx].0..])
                    )
                } else {
                    write!(out, "{}", escape(&trim_context(text, k > 0, k < last)))
                }
            }
            Op::Equal => write!(out, "{}", escape(&change.text)),
            Op::Delete => write!(out, "<del>{}</del>", escape(&change.text)),
            Op::Insert => write!(out, "<ins>{}</ins>", escape(&change.text)),
        };
    }
}

const CSS: &str = "\
body{font:16px/1.5 Georgia,'Times New Roman',serif;max-width:50rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b;background:#fff}\
h1{font-size:1.5rem;margin:0 0 .25rem}h2{font-size:1.05rem;margin:0 0 .5rem;font-family:system-ui,sans-serif}\
.line{color:#555;margin:0 0 1rem}\
table.summary{border-collapse:collapse;margin:0 0 1.5rem;font-family:system-ui,sans-serif}\
table.summary th,table.summary td{border:1px solid #ccc;padding:.25rem .75rem;text-align:left}\
table.summary td.n{text-align:right;font-variant-numeric:tabular-nums}\
section.clause{border-left:4px solid #999;padding:.5rem 1rem;margin:0 0 1rem;background:#fafafa}\
section.modified{border-color:#b58900}section.added{border-color:#2e7d32}section.removed{border-color:#c62828}\
section.moved,section.renumbered{border-color:#1565c0}\
.badge{display:inline-block;min-width:6.5em;font-size:.8rem;text-transform:uppercase;letter-spacing:.05em;color:#555}\
.text{white-space:pre-wrap;overflow-wrap:anywhere}\
details.whole{margin:.5rem 0 0;font-size:.95rem}details.whole>summary{cursor:pointer;color:#555;font-family:system-ui,sans-serif}\
del{background:#fde2e2;color:#8b0000;text-decoration:line-through}\
ins{background:#dcf5dc;color:#1b5e20;text-decoration:underline}\
details.unchanged{margin:0 0 1rem;color:#555;font-family:system-ui,sans-serif}\
details.unchanged ul{margin:.25rem 0;columns:2}\
@media print{section.clause{break-inside:avoid}del,ins{-webkit-print-color-adjust:exact;print-color-adjust:exact}}";

fn summary_table(out: &mut String, s: &Summary) {
    out.push_str("<table class=\"summary\">\n<thead><tr><th scope=\"col\">Status</th><th scope=\"col\">Clauses</th></tr></thead>\n<tbody>\n");
    for (status, n) in counts(s) {
        let name = status.as_str();
        let _ = writeln!(
            out,
            "<tr class=\"{name}\"><td>{name}</td><td class=\"n\">{n}</td></tr>"
        );
    }
    out.push_str("</tbody>\n</table>\n");
}

/// One fold of consecutive unchanged clauses: `11 of 73 unchanged clauses: 2.1 Scope – 4.3 Audits`.
fn unchanged_block(out: &mut String, run: &[ClauseDiff], total: usize) {
    let n = run.len();
    let plural = if total == 1 { "" } else { "s" };
    let first = label(run.first().and_then(|c| c.new.as_ref()));
    let span = if n == 1 {
        first
    } else {
        let last = label(run.last().and_then(|c| c.new.as_ref()));
        format!("{first} \u{2013} {last}")
    };
    let count = if n == total {
        format!("{n} unchanged clause{plural}")
    } else {
        format!("{n} of {total} unchanged clause{plural}")
    };
    let _ = write!(
        out,
        "<details class=\"unchanged\" data-count=\"{n}\"><summary>{count}: {}</summary>\n<ul>\n",
        escape(&span)
    );
    for c in run {
        let _ = writeln!(out, "<li>{}</li>", escape(&label(c.new.as_ref())));
    }
    out.push_str("</ul>\n</details>\n");
}

fn counts(s: &Summary) -> [(Status, usize); 6] {
    [
        (Status::Modified, s.modified),
        (Status::Added, s.added),
        (Status::Removed, s.removed),
        (Status::Moved, s.moved),
        (Status::Renumbered, s.renumbered),
        (Status::Unchanged, s.unchanged),
    ]
}

/// `4 modified, 0 added, 0 removed, 0 moved, 0 renumbered, 95 unchanged`.
fn summary_line(s: &Summary) -> String {
    counts(s)
        .iter()
        .map(|(status, n)| format!("{n} {}", status.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Number and title of a clause side, or a stand-in for the untitled preamble.
fn label(side: Option<&Side>) -> String {
    let number = side.and_then(|s| s.number.as_deref());
    let title = side.and_then(|s| s.title.as_deref());
    match (number, title) {
        (Some(n), Some(t)) => format!("{n} {t}"),
        (Some(x), None) | (None, Some(x)) => x.to_owned(),
        (None, None) => "(preamble)".to_owned(),
    }
}

/// The one-line description of a clause: which clause, and for moves and renumberings, where to.
fn header(report: &Report, idx: usize) -> String {
    let Some(c) = report.clauses.get(idx) else {
        return String::new();
    };
    match c.status {
        Status::Removed => label(c.old.as_ref()),
        Status::Renumbered => {
            let old = c
                .old
                .as_ref()
                .and_then(|s| s.number.as_deref())
                .unwrap_or("(none)");
            let new = c
                .new
                .as_ref()
                .and_then(|s| s.number.as_deref())
                .unwrap_or("(none)");
            let title = c.new.as_ref().and_then(|s| s.title.as_deref());
            format!(
                "{old} -> {new}{}",
                title.map(|t| format!(" {t}")).unwrap_or_default()
            )
        }
        Status::Moved => {
            // The nearest earlier clause present in the new document says where it went.
            let before = report.clauses[..idx]
                .iter()
                .rev()
                .find_map(|p| p.new.as_ref());
            let place = before.map_or("to the start".to_owned(), |s| {
                format!("after {}", label(Some(s)))
            });
            format!("{} -> {place}", label(c.new.as_ref()))
        }
        _ => label(c.new.as_ref()),
    }
}

/// The body of a clause block; unchanged runs are trimmed to some context when `trim` is set.
fn body_text(changes: &[Change], color: bool, trim: bool) -> String {
    let mut out = String::new();
    let last = changes.len().saturating_sub(1);
    for (k, change) in changes.iter().enumerate() {
        let text = clean(&change.text);
        match change.op {
            Op::Equal if trim => out.push_str(&trim_context(&text, k > 0, k < last)),
            Op::Equal => out.push_str(&text),
            Op::Delete if color => out.push_str(&styled(&text, DELETE_STYLE)),
            Op::Insert if color => out.push_str(&styled(&text, INSERT_STYLE)),
            Op::Delete => {
                let _ = write!(out, "[-{text}-]");
            }
            Op::Insert => {
                let _ = write!(out, "{{+{text}+}}");
            }
        }
    }
    out
}

/// Styles each line separately so the indentation added later is never coloured.
fn styled(text: &str, style: &str) -> String {
    text.split('\n')
        .map(|l| {
            if l.is_empty() {
                String::new()
            } else {
                format!("{style}{l}{RESET}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Keeps `CONTEXT_WORDS` words next to each neighbouring change and elides the rest.
fn trim_context(text: &str, change_before: bool, change_after: bool) -> String {
    let words: Vec<(usize, usize)> = word_spans(text);
    let n = words.len();
    let k = CONTEXT_WORDS;
    match (change_before, change_after) {
        (true, true) if n > 2 * k => {
            format!("{} … {}", &text[..words[k - 1].1], &text[words[n - k].0..])
        }
        (true, false) if n > k => format!("{} …", &text[..words[k - 1].1]),
        (false, true) if n > k => format!("… {}", &text[words[n - k].0..]),
        _ => text.to_owned(),
    }
}

/// Byte spans of the whitespace-separated words of `text`.
fn word_spans(text: &str) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        match (c.is_whitespace(), start) {
            (true, Some(s)) => {
                spans.push((s, i));
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(s) = start {
        spans.push((s, text.len()));
    }
    spans
}

fn status_style(status: Status) -> &'static str {
    match status {
        Status::Modified => "\x1b[1;33m",
        Status::Added => "\x1b[1;32m",
        Status::Removed => "\x1b[1;31m",
        Status::Moved | Status::Renumbered => "\x1b[1;36m",
        Status::Unchanged => "\x1b[2m",
    }
}

/// Drops control characters (terminal escapes among them) except line breaks and tabs, and
/// shows bidirectional controls as `<U+202E>`.
fn clean(text: &str) -> String {
    visible(text)
}

/// Escapes text for HTML element content and attribute values, shown as [`visible`] shows it.
fn escape(text: &str) -> String {
    crate::escape::html(&visible(text))
}

#[cfg(test)]
mod tests {
    use super::super::{Clause, diff};
    use super::*;

    fn clause(number: &str, title: &str, text: &str) -> Clause {
        Clause {
            key: None,
            number: Some(number.into()),
            title: Some(title.into()),
            text: text.into(),
        }
    }

    fn sample() -> Report {
        let old = [
            clause("1", "Scope", "This addendum applies to all processing."),
            clause(
                "2",
                "Security",
                "The processor keeps data safe <b>always</b>.",
            ),
            clause("3", "Audit", "Audits once a year."),
        ];
        let new = [
            clause("1", "Scope", "This addendum applies to all processing."),
            clause(
                "2",
                "Security",
                "The processor keeps data encrypted <b>always</b>.",
            ),
            clause(
                "3",
                "Audit",
                "Audits once a year. <script>alert(1)</script> & \"quotes\" 'too'",
            ),
        ];
        diff(&old, &new)
    }

    #[test]
    fn html_escapes_every_text_and_is_self_contained() {
        let html = to_html(&sample(), "DPA <v1> & \"v2\"");
        assert!(html.starts_with("<!DOCTYPE html>"));
        assert!(html.contains(
            "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot; &#39;too&#39;"
        ));
        assert!(!html.contains("<script"));
        assert!(html.contains("<title>DPA &lt;v1&gt; &amp; &quot;v2&quot;</title>"));
        assert!(html.contains("<del>safe</del><ins>encrypted</ins>"));
        assert!(html.contains("&lt;b&gt;always&lt;/b&gt;"));
        assert!(html.contains(
            "<details class=\"unchanged\" data-count=\"1\"><summary>1 unchanged clause: 1 Scope</summary>"
        ));
        for external in ["src=", "href=", "<link", "@import", "url("] {
            assert!(!html.contains(external), "{external}");
        }
    }

    #[test]
    fn html_modified_clause_shows_context_and_the_whole_clause_on_demand() {
        let head = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu";
        let middle = "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen";
        let tail = "nu xi omicron pi rho sigma tau upsilon phi chi psi omega";
        let report = diff(
            &[clause(
                "1",
                "T",
                &format!("{head} old {middle} former {tail}"),
            )],
            &[clause(
                "1",
                "T",
                &format!("{head} new {middle} latter {tail}"),
            )],
        );
        let html = to_html(&report, "t");
        let context = html
            .split("<div class=\"text context\">")
            .nth(1)
            .and_then(|s| s.split("</div>").next())
            .unwrap_or_default();
        assert_eq!(
            context,
            "… epsilon zeta eta theta iota kappa lambda mu <del>old</del><ins>new</ins> one two three four five six seven eight …\n\
             … ten eleven twelve thirteen fourteen fifteen sixteen seventeen <del>former</del><ins>latter</ins> nu xi omicron pi rho sigma tau upsilon …"
        );
        let whole = html
            .split("<details class=\"whole\"><summary>Whole clause</summary>\n<div class=\"text\">")
            .nth(1)
            .and_then(|s| s.split("</div>").next())
            .unwrap_or_default();
        assert_eq!(
            whole,
            format!(
                "{head} <del>old</del><ins>new</ins> {middle} <del>former</del><ins>latter</ins> {tail}"
            )
        );
    }

    #[test]
    fn html_folds_add_up_to_the_summary_count() {
        let same: Vec<Clause> = (1..=7)
            .map(|i| {
                clause(
                    &i.to_string(),
                    &format!("T{i}"),
                    &format!("Words of clause {i}."),
                )
            })
            .collect();
        let mut changed = same.clone();
        changed[4].text = "Other words of clause five.".into();
        let html = to_html(&diff(&same, &changed), "t");
        assert!(html.contains("<p class=\"line\">1 modified, 0 added, 0 removed, 0 moved, 0 renumbered, 6 unchanged</p>"));
        assert!(
            html.contains("<summary>4 of 6 unchanged clauses: 1 T1 \u{2013} 4 T4</summary>"),
            "{html}"
        );
        assert!(
            html.contains("<summary>2 of 6 unchanged clauses: 6 T6 \u{2013} 7 T7</summary>"),
            "{html}"
        );
    }

    #[test]
    fn text_output_uses_plain_markers_without_color_and_ansi_with_it() {
        let report = sample();
        let plain = to_text(&report, false, false);
        assert!(plain.contains("modified   2 Security\n"));
        assert!(
            plain.contains("    The processor keeps data [-safe-]{+encrypted+} <b>always</b>.")
        );
        assert!(
            plain.ends_with("2 modified, 0 added, 0 removed, 0 moved, 0 renumbered, 1 unchanged\n")
        );
        assert!(!plain.contains('\x1b'));
        assert!(!plain.contains("Scope"));
        assert!(to_text(&report, false, true).contains("unchanged  1 Scope"));
        let colored = to_text(&report, true, false);
        assert!(colored.contains("\x1b[31;9msafe\x1b[0m\x1b[32mencrypted\x1b[0m"));
    }

    #[test]
    fn long_unchanged_context_is_trimmed_in_text_but_not_in_json() {
        let long = "one two three four five six seven eight nine ten eleven twelve";
        let report = diff(
            &[clause("1", "T", &format!("{long} old {long}"))],
            &[clause("1", "T", &format!("{long} new {long}"))],
        );
        let text = to_text(&report, false, false);
        assert!(text.contains("    … five six seven eight nine ten eleven twelve [-old-]{+new+} one two three four five six seven eight …"));
        let json = to_json(&report);
        assert_eq!(json["clauses"][0]["changes"][0]["text"], format!("{long} "));
    }

    #[test]
    fn json_has_the_documented_shape() {
        let json = to_json(&sample());
        assert_eq!(json["summary"]["modified"], 2);
        assert_eq!(json["summary"].as_object().map(|o| o.len()), Some(6));
        let first = &json["clauses"][0];
        assert_eq!(first["status"], "unchanged");
        assert_eq!(first["old"]["number"], "1");
        assert_eq!(first["changes"], serde_json::json!([]));
        let second = &json["clauses"][1];
        assert_eq!(
            second["changes"][1],
            serde_json::json!({"op": "delete", "text": "safe"})
        );
        let added = to_json(&diff(&[], &[clause("1", "T", "x")]));
        assert_eq!(added["clauses"][0]["old"], Value::Null);
        assert_eq!(added["clauses"][0]["status"], "added");
    }

    #[test]
    fn moved_and_renumbered_headers_say_where_to() {
        let a = clause("1", "A", "Alpha words here.");
        let b = clause("2", "B", "Beta words here.");
        let moved = diff(&[a.clone(), b.clone()], &[b.clone(), a.clone()]);
        let text = to_text(&moved, false, false);
        assert!(
            text.starts_with("moved      2 B -> to the start\n"),
            "{text}"
        );
        let c = clause("3", "C", "Gamma words here.");
        let moved = diff(
            &[a.clone(), b.clone(), c.clone()],
            &[b.clone(), c, a.clone()],
        );
        let text = to_text(&moved, false, false);
        assert!(text.starts_with("moved      1 A -> after 3 C\n"), "{text}");
        let seven = Clause {
            number: Some("7".into()),
            ..a.clone()
        };
        let renumbered = diff(&[a], &[seven]);
        assert!(to_text(&renumbered, false, false).contains("renumbered 1 -> 7 A\n"));
    }
}
