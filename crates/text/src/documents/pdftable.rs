//! A PDF's text read from where its glyphs and ruling lines are drawn: running text exactly as
//! the plain-text reading of `pdf-extract` gives it, and tables drawn with ruling lines as rows
//! of cells.
//!
//! A table is a stack of horizontal rules of one width joined by vertical rules: the horizontal
//! rules bound its rows, the vertical ones its columns. Each glyph inside falls in one cell; a
//! cell's lines are read as one line. A table's rows take the place of its glyphs in the text,
//! one line each, marked so that the Markdown reading turns them into table rows.

use pdf_extract::{ColorSpace, MediaBox, OutputDev, OutputError, Path, PathOp, Transform};

/// Opens a table row in the text a PDF reads as.
pub const ROW: char = '\u{1}';
/// Separates the cells of a table row.
pub const CELL: char = '\u{2}';
/// Ends a line within a table cell (where a word may be hyphenated).
pub const LINE: char = '\u{3}';

/// Distance, in points, within which two rules count as one line or as meeting.
const SNAP: f64 = 1.5;
/// Rules thinner than this (in points) that are drawn as filled rectangles are lines.
const THIN: f64 = 2.0;
/// A rule shorter than this (in points) is no table border (an underline, a bullet).
const MIN_RULE: f64 = 8.0;

/// One glyph as drawn: its origin, where it ends, its size, and whether it opens a word.
struct Glyph {
    x: f64,
    y: f64,
    end: f64,
    size: f64,
    text: String,
    word_start: bool,
}

/// A horizontal rule (`at` is y, `from`..`to` along x) or a vertical one (`at` is x).
#[derive(Clone, Copy, Debug)]
struct Rule {
    at: f64,
    from: f64,
    to: f64,
}

#[derive(Default)]
struct Page {
    glyphs: Vec<Glyph>,
    across: Vec<Rule>,
    down: Vec<Rule>,
}

/// Collects glyphs and rules page by page, in page coordinates with y growing downwards.
#[derive(Default)]
struct Collector {
    pages: Vec<Page>,
    height: f64,
    word_start: bool,
}

impl Collector {
    fn page(&mut self) -> &mut Page {
        if self.pages.is_empty() {
            self.pages.push(Page::default());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    /// A point of user space on the page, y downwards.
    fn point(&self, ctm: &Transform, x: f64, y: f64) -> (f64, f64) {
        let px = x * ctm.m11 + y * ctm.m21 + ctm.m31;
        let py = x * ctm.m12 + y * ctm.m22 + ctm.m32;
        (px, self.height - py)
    }

    fn segment(&mut self, a: (f64, f64), b: (f64, f64)) {
        let (dx, dy) = ((a.0 - b.0).abs(), (a.1 - b.1).abs());
        if dy < 0.5 && dx >= MIN_RULE {
            let rule = Rule {
                at: (a.1 + b.1) / 2.0,
                from: a.0.min(b.0),
                to: a.0.max(b.0),
            };
            self.page().across.push(rule);
        } else if dx < 0.5 && dy >= MIN_RULE {
            let rule = Rule {
                at: (a.0 + b.0) / 2.0,
                from: a.1.min(b.1),
                to: a.1.max(b.1),
            };
            self.page().down.push(rule);
        }
    }

    fn rect(&mut self, ctm: &Transform, x: f64, y: f64, w: f64, h: f64, filled: bool) {
        let corners = [
            self.point(ctm, x, y),
            self.point(ctm, x + w, y),
            self.point(ctm, x + w, y + h),
            self.point(ctm, x, y + h),
        ];
        let (xs, ys) = (corners.map(|c| c.0), corners.map(|c| c.1));
        let (x0, x1) = (
            xs.iter().copied().fold(f64::MAX, f64::min),
            xs.iter().copied().fold(f64::MIN, f64::max),
        );
        let (y0, y1) = (
            ys.iter().copied().fold(f64::MAX, f64::min),
            ys.iter().copied().fold(f64::MIN, f64::max),
        );
        if filled {
            // A thin filled rectangle is a rule; a larger one is shading, not a line.
            if y1 - y0 < THIN {
                self.segment(((x0), (y0 + y1) / 2.0), (x1, (y0 + y1) / 2.0));
            } else if x1 - x0 < THIN {
                self.segment(((x0 + x1) / 2.0, y0), ((x0 + x1) / 2.0, y1));
            }
        } else {
            for k in 0..4 {
                self.segment(corners[k], corners[(k + 1) % 4]);
            }
        }
    }

    fn path(&mut self, ctm: &Transform, path: &Path, filled: bool) {
        let mut at: Option<(f64, f64)> = None;
        let mut start: Option<(f64, f64)> = None;
        for op in &path.ops {
            match *op {
                PathOp::MoveTo(x, y) => {
                    at = Some(self.point(ctm, x, y));
                    start = at;
                }
                PathOp::LineTo(x, y) => {
                    let p = self.point(ctm, x, y);
                    if let Some(a) = at
                        && !filled
                    {
                        self.segment(a, p);
                    }
                    at = Some(p);
                }
                PathOp::CurveTo(_, _, _, _, x, y) => at = Some(self.point(ctm, x, y)),
                PathOp::Rect(x, y, w, h) => self.rect(ctm, x, y, w, h, filled),
                PathOp::Close => {
                    if let (Some(a), Some(s)) = (at, start)
                        && !filled
                    {
                        self.segment(a, s);
                    }
                    at = start;
                }
            }
        }
    }
}

impl OutputDev for Collector {
    fn begin_page(
        &mut self,
        _page_num: u32,
        media_box: &MediaBox,
        _art_box: Option<(f64, f64, f64, f64)>,
    ) -> Result<(), OutputError> {
        self.pages.push(Page::default());
        self.height = media_box.ury - media_box.lly;
        self.word_start = false;
        Ok(())
    }

    fn end_page(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn output_character(
        &mut self,
        trm: &Transform,
        width: f64,
        _spacing: f64,
        font_size: f64,
        char: &str,
    ) -> Result<(), OutputError> {
        // As pdf-extract's plain-text output places a glyph.
        let vx = font_size * trm.m11 + font_size * trm.m21;
        let vy = font_size * trm.m12 + font_size * trm.m22;
        let size = (vx * vy).sqrt();
        let (x, y) = (trm.m31, self.height - trm.m32);
        let word_start = std::mem::replace(&mut self.word_start, false);
        self.page().glyphs.push(Glyph {
            x,
            y,
            end: x + advance(width, char) * size,
            size,
            text: char.to_string(),
            word_start,
        });
        Ok(())
    }

    fn begin_word(&mut self) -> Result<(), OutputError> {
        self.word_start = true;
        Ok(())
    }

    fn end_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn end_line(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn stroke(
        &mut self,
        ctm: &Transform,
        _colorspace: &ColorSpace,
        _color: &[f64],
        path: &Path,
    ) -> Result<(), OutputError> {
        self.path(ctm, path, false);
        Ok(())
    }

    fn fill(
        &mut self,
        ctm: &Transform,
        _colorspace: &ColorSpace,
        _color: &[f64],
        path: &Path,
    ) -> Result<(), OutputError> {
        self.path(ctm, path, true);
        Ok(())
    }
}

/// A ruled table: row bounds top to bottom, column bounds left to right.
#[derive(Debug, PartialEq)]
struct Table {
    rows: Vec<f64>,
    cols: Vec<f64>,
}

impl Table {
    fn cell(&self, g: &Glyph) -> Option<(usize, usize)> {
        let x = (g.x + g.end) / 2.0;
        let r = self
            .rows
            .windows(2)
            .position(|w| g.y > w[0] && g.y <= w[1])?;
        let c = self.cols.windows(2).position(|w| x >= w[0] && x < w[1])?;
        Some((r, c))
    }
}

/// Collinear rules that touch or overlap, joined.
fn merged(mut rules: Vec<Rule>) -> Vec<Rule> {
    rules.sort_by(|a, b| a.at.total_cmp(&b.at).then(a.from.total_cmp(&b.from)));
    let mut out: Vec<Rule> = Vec::new();
    for r in rules {
        match out.last_mut() {
            Some(l) if (l.at - r.at).abs() < SNAP / 3.0 && r.from <= l.to + SNAP => {
                l.to = l.to.max(r.to);
            }
            _ => out.push(r),
        }
    }
    out
}

/// Values within `SNAP` of each other, as one (sorted, first of each cluster kept).
fn clustered(mut values: Vec<f64>) -> Vec<f64> {
    values.sort_by(f64::total_cmp);
    let mut out: Vec<f64> = Vec::new();
    for v in values {
        if out.last().is_none_or(|l| v - l > SNAP) {
            out.push(v);
        }
    }
    out
}

/// The ruled tables of a page: horizontal rules of one extent, each joined to the next by a
/// vertical rule, with at least two columns between vertical rules that cross every row.
fn tables(page: &Page) -> Vec<Table> {
    let across = merged(page.across.clone());
    let down = merged(page.down.clone());
    let joins = |a: &Rule, b: &Rule| {
        down.iter().any(|v| {
            v.at >= a.from - SNAP
                && v.at <= a.to + SNAP
                && v.from <= a.at + SNAP
                && v.to >= b.at - SNAP
        })
    };
    let mut out = Vec::new();
    let mut used = vec![false; across.len()];
    for i in 0..across.len() {
        if used[i] {
            continue;
        }
        let first = across[i];
        let mut stack = vec![first];
        for (k, r) in across.iter().enumerate().skip(i + 1) {
            let last = *stack.last().expect("not empty");
            if used[k] || (r.from - first.from).abs() > SNAP || (r.to - first.to).abs() > SNAP {
                continue;
            }
            if r.at - last.at < SNAP {
                used[k] = true;
                continue;
            }
            if !joins(&last, r) {
                break;
            }
            used[k] = true;
            stack.push(*r);
        }
        if stack.len() < 2 {
            continue;
        }
        let (top, bottom) = (stack[0].at, stack[stack.len() - 1].at);
        let xs: Vec<f64> = down
            .iter()
            .filter(|v| v.at >= first.from - SNAP && v.at <= first.to + SNAP)
            .filter(|v| v.from < bottom - SNAP && v.to > top + SNAP)
            .map(|v| v.at)
            .chain([first.from, first.to])
            .collect();
        let cols = clustered(xs);
        if cols.len() < 3 {
            continue;
        }
        out.push(Table {
            rows: stack.iter().map(|r| r.at).collect(),
            cols,
        });
    }
    out
}

/// How far a glyph advances, in ems: its width, or for a letter whose width the font leaves
/// out (some fonts in Google Docs' PDFs give none for "i" and "p") about a letter's, so that no
/// space is read into the word it ends ("Processi ng"); a space glyph keeps its own.
fn advance(width: f64, text: &str) -> f64 {
    if width > 0.0 || text.trim().is_empty() {
        width
    } else {
        0.5
    }
}

/// Appends a glyph to `out` as pdf-extract's plain-text output does: a line break when the glyph
/// opens a word on another line, a space when it opens a word past the end of the last one.
fn place(out: &mut String, g: &Glyph, last: &mut (f64, f64), breaks: &str) {
    let (last_end, last_y) = *last;
    if g.word_start {
        if (g.y - last_y).abs() > g.size * 1.5 {
            out.push_str(breaks);
        }
        if g.x < last_end && (g.y - last_y).abs() > g.size * 0.5 {
            out.push_str(breaks);
        }
        if g.x > last_end + g.size * 0.1 {
            out.push(' ');
        }
    }
    out.push_str(&g.text);
    *last = (g.end, g.y);
}

/// The text of one page: running text as pdf-extract reads it, each ruled table in its place as
/// one line per row ([`ROW`], cells separated by [`CELL`]).
fn page_text(page: &Page) -> String {
    let tables = tables(page);
    let mut out = String::new();
    let mut last = (100_000.0, 0.0);
    let mut written = vec![false; tables.len()];
    for g in &page.glyphs {
        let Some((t, _)) = tables
            .iter()
            .enumerate()
            .find_map(|(t, table)| Some((t, table.cell(g)?)))
        else {
            place(&mut out, g, &mut last, "\n");
            continue;
        };
        last = (g.end, g.y);
        if std::mem::replace(&mut written[t], true) {
            continue;
        }
        out.push('\n');
        for row in rows(&tables[t], page) {
            out.push(ROW);
            out.push_str(&row.join(&CELL.to_string()));
            out.push('\n');
        }
    }
    out
}

/// The cells of a table's rows, each cell's lines read as one line; rows with no text are left out.
fn rows(table: &Table, page: &Page) -> Vec<Vec<String>> {
    let (nr, nc) = (table.rows.len() - 1, table.cols.len() - 1);
    let mut cells: Vec<Vec<(String, (f64, f64))>> =
        vec![vec![(String::new(), (100_000.0, 0.0)); nc]; nr];
    for g in &page.glyphs {
        if let Some((r, c)) = table.cell(g) {
            let (text, last) = &mut cells[r][c];
            place(text, g, last, &LINE.to_string());
        }
    }
    cells
        .into_iter()
        .map(|row| {
            row.into_iter()
                .map(|(t, _)| {
                    t.split(LINE)
                        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
                        .filter(|l| !l.is_empty())
                        .collect::<Vec<_>>()
                        .join(&LINE.to_string())
                })
                .collect::<Vec<String>>()
        })
        .filter(|row| row.iter().any(|c| !c.is_empty()))
        .collect()
}

/// The text of each page, ruled tables as rows.
pub fn pages(bytes: &[u8]) -> Result<Vec<String>, String> {
    let mut doc =
        pdf_extract::Document::load_mem(bytes).map_err(|e| format!("not a readable PDF: {e}"))?;
    // As pdf-extract does: a PDF encrypted with an empty password opens; another does not.
    if doc.is_encrypted() {
        doc.decrypt("")
            .map_err(|e| format!("the PDF is encrypted and cannot be read: {e}"))?;
    }
    // Page by page, up to the first page that cannot be read, as pdf-extract reads by pages.
    let mut collector = Collector::default();
    let mut read = 0;
    while pdf_extract::output_doc_page(&doc, &mut collector, read as u32 + 1).is_ok() {
        read += 1;
    }
    collector.pages.truncate(read);
    Ok(collector.pages.iter().map(page_text).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn glyphs(line: &str, x: f64, y: f64) -> Vec<Glyph> {
        line.chars()
            .enumerate()
            .map(|(k, c)| Glyph {
                x: x + k as f64 * 5.0,
                y,
                end: x + k as f64 * 5.0 + 5.0,
                size: 10.0,
                text: c.to_string(),
                word_start: true,
            })
            .collect()
    }

    fn rule(at: f64, from: f64, to: f64) -> Rule {
        Rule { at, from, to }
    }

    #[test]
    fn a_ruled_grid_reads_as_rows_of_cells_in_place() {
        let mut page = Page::default();
        page.glyphs.extend(glyphs("Before", 10.0, 20.0));
        page.glyphs.extend(glyphs("Name", 12.0, 50.0));
        page.glyphs.extend(glyphs("Country", 112.0, 50.0));
        page.glyphs.extend(glyphs("Acme", 12.0, 70.0));
        page.glyphs.extend(glyphs("Ireland", 112.0, 70.0));
        page.glyphs.extend(glyphs("Dublin", 112.0, 82.0));
        page.glyphs.extend(glyphs("After", 10.0, 120.0));
        // Three horizontal rules, cell by cell, and the vertical rules of each row.
        for y in [40.0, 60.0, 90.0] {
            page.across.push(rule(y, 10.0, 100.0));
            page.across.push(rule(y, 100.0, 200.0));
        }
        for x in [10.0, 100.0, 200.0] {
            page.down.push(rule(x, 40.0, 60.0));
            page.down.push(rule(x, 60.0, 90.0));
        }
        let text = page_text(&page);
        let lines: Vec<&str> = text.lines().filter(|l| !l.is_empty()).collect();
        assert_eq!(
            lines,
            [
                "Before",
                "\u{1}Name\u{2}Country",
                "\u{1}Acme\u{2}Ireland\u{3}Dublin",
                "After"
            ]
        );
    }

    #[test]
    fn a_letter_without_a_width_advances_like_a_letter() {
        assert_eq!(advance(0.0, "i"), 0.5);
        assert_eq!(advance(0.0, " "), 0.0);
        assert_eq!(advance(0.25, "i"), 0.25);
    }

    #[test]
    fn rules_without_columns_are_no_table() {
        let mut page = Page::default();
        page.glyphs.extend(glyphs("Signature", 10.0, 50.0));
        page.across.push(rule(40.0, 10.0, 200.0));
        page.across.push(rule(60.0, 10.0, 200.0));
        assert!(tables(&page).is_empty());
        assert_eq!(page_text(&page).trim(), "Signature");
    }
}
