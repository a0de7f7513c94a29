//! The public sub-processor page of a processor: the list customers have authorised, the
//! additions announced with the date they start, and every change with its date, as an HTML page,
//! a JSON list and an Atom feed customers can subscribe to.
//!
//! Pure functions over the versions of `dpa.toml`'s `[[subprocessors]]` (oldest first, each with
//! the date it was committed); reading them from git is [`crate::pipeline::page`].

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use crate::assemble::context::long_date;
use crate::escape::{html, xml};
use crate::model::OurSubprocessor;
use crate::model::country;

/// One committed version of the list.
#[derive(Debug, Clone)]
pub struct Version {
    /// When the commit was made.
    pub time: DateTime<Utc>,
    /// The commit, as printed (ten hex digits).
    pub commit: String,
    /// The sub-processors `dpa.toml` listed in that commit.
    pub list: Vec<OurSubprocessor>,
}

/// A sub-processor as the page lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entry {
    /// Legal name.
    pub name: String,
    /// What it does for us.
    pub purpose: String,
    /// Country codes where it processes, the main one first.
    pub countries: Vec<String>,
    /// For an announced addition: the date it starts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub starts: Option<NaiveDate>,
}

impl Entry {
    fn of(s: &OurSubprocessor) -> Entry {
        let mut countries = vec![s.listed.country.clone()];
        countries.extend(s.listed.also_in.iter().cloned());
        Entry {
            name: s.listed.name.clone(),
            purpose: s.listed.purpose.clone(),
            countries,
            starts: s.effective,
        }
    }

    /// The countries by name, joined for a reader.
    fn country_names(&self) -> String {
        self.countries
            .iter()
            .map(|c| country::name(c).unwrap_or(c.as_str()).to_string())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// What happened to one sub-processor in one commit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// It was announced or added.
    Added,
    /// It was taken off the list.
    Removed,
    /// Its purpose, countries or start date changed.
    Changed,
}

/// One change of the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// When the change was committed.
    pub time: DateTime<Utc>,
    /// The commit that made it.
    pub commit: String,
    /// What happened.
    pub kind: ChangeKind,
    /// The sub-processor after the change (before it, for a removal).
    pub subprocessor: Entry,
    /// For a change: what changed, in words ("purpose", "countries", "start date").
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<&'static str>,
}

impl Change {
    /// The change in one line: "Added: Vectorline AI Ltd (United Kingdom), from 1 March 2027".
    pub fn title(&self) -> String {
        let s = &self.subprocessor;
        let what = match self.kind {
            ChangeKind::Added => "Added",
            ChangeKind::Removed => "Removed",
            ChangeKind::Changed => "Changed",
        };
        let mut line = format!("{what}: {} ({})", s.name, s.country_names());
        if self.kind == ChangeKind::Changed {
            line.push_str(&format!(", {}", self.fields.join(", ")));
        }
        if let Some(d) = s.starts.filter(|_| self.kind != ChangeKind::Removed) {
            line.push_str(&format!(", from {}", long_date(d)));
        }
        line
    }
}

/// The page's content.
#[derive(Debug, Clone, Serialize)]
pub struct Page {
    /// Our legal name.
    pub company: String,
    /// The day the page was generated; additions starting after it are "announced".
    pub as_of: NaiveDate,
    /// The sub-processors in service on `as_of`.
    pub current: Vec<Entry>,
    /// Additions announced with a later start date.
    pub announced: Vec<Entry>,
    /// Every change, newest first.
    pub changes: Vec<Change>,
}

/// The changes between consecutive versions, newest commit first (within a commit: additions and
/// changes, then removals, each by name). Sub-processors are matched by name; the first
/// version's list counts as added in its commit.
pub fn changes(versions: &[Version]) -> Vec<Change> {
    let mut by_commit = Vec::new();
    let mut before: BTreeMap<String, Entry> = BTreeMap::new();
    for v in versions {
        let mut out = Vec::new();
        let after: BTreeMap<String, Entry> = v
            .list
            .iter()
            .map(|s| (s.listed.name.clone(), Entry::of(s)))
            .collect();
        let change = |kind, subprocessor: &Entry, fields| Change {
            time: v.time,
            commit: v.commit.clone(),
            kind,
            subprocessor: subprocessor.clone(),
            fields,
        };
        for (name, entry) in &after {
            match before.get(name) {
                None => out.push(change(ChangeKind::Added, entry, Vec::new())),
                Some(old) if old != entry => {
                    let mut fields = Vec::new();
                    if old.purpose != entry.purpose {
                        fields.push("purpose");
                    }
                    if old.countries != entry.countries {
                        fields.push("countries");
                    }
                    if old.starts != entry.starts {
                        fields.push("start date");
                    }
                    out.push(change(ChangeKind::Changed, entry, fields));
                }
                Some(_) => {}
            }
        }
        for (name, entry) in &before {
            if !after.contains_key(name) {
                out.push(change(ChangeKind::Removed, entry, Vec::new()));
            }
        }
        before = after;
        by_commit.push(out);
    }
    by_commit.into_iter().rev().flatten().collect()
}

/// The page for the latest version, as of `as_of`.
pub fn page(company: &str, versions: &[Version], as_of: NaiveDate) -> Page {
    let latest: Vec<Entry> = versions
        .last()
        .map(|v| v.list.iter().map(Entry::of).collect())
        .unwrap_or_default();
    let (announced, current) = latest
        .into_iter()
        .partition(|e| e.starts.is_some_and(|d| d > as_of));
    Page {
        company: company.to_string(),
        as_of,
        current,
        announced,
        changes: changes(versions),
    }
}

/// The page as a self-contained HTML document: no script, no resource from elsewhere, every
/// value escaped.
pub fn to_html(page: &Page) -> String {
    let mut out = String::new();
    let company = html(&page.company);
    out.push_str(&format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>Sub-processors of {company}</title>\n\
         <link rel=\"alternate\" type=\"application/atom+xml\" title=\"Changes\" href=\"feed.atom\">\n\
         <link rel=\"alternate\" type=\"application/json\" href=\"subprocessors.json\">\n\
         <style>body{{font-family:sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.4}}\
         table{{border-collapse:collapse;width:100%}}th,td{{text-align:left;vertical-align:top;\
         padding:.4rem;border-bottom:1px solid #ccc;overflow-wrap:anywhere}}</style>\n\
         </head>\n<body>\n<h1>Sub-processors of {company}</h1>\n\
         <p>The third parties that process personal data on our customers' behalf, as of {}. \
         Subscribe to <a href=\"feed.atom\">the feed of changes</a> to be told of each addition \
         before it starts; the list is also available as <a href=\"subprocessors.json\">JSON</a>.</p>\n",
        long_date(page.as_of)
    ));
    let table = |out: &mut String, entries: &[Entry], starts: bool| {
        out.push_str("<table>\n<thead><tr><th>Sub-processor</th><th>Purpose</th><th>Countries of processing</th>");
        if starts {
            out.push_str("<th>Starts</th>");
        }
        out.push_str("</tr></thead>\n<tbody>\n");
        for e in entries {
            out.push_str(&format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td>",
                html(&e.name),
                html(&e.purpose),
                html(&e.country_names())
            ));
            if starts {
                let d = e.starts.map(long_date).unwrap_or_default();
                out.push_str(&format!("<td>{}</td>", html(&d)));
            }
            out.push_str("</tr>\n");
        }
        out.push_str("</tbody>\n</table>\n");
    };
    out.push_str("<h2>In service</h2>\n");
    if page.current.is_empty() {
        out.push_str("<p>None.</p>\n");
    } else {
        table(&mut out, &page.current, false);
    }
    if !page.announced.is_empty() {
        out.push_str("<h2>Announced additions</h2>\n");
        table(&mut out, &page.announced, true);
    }
    out.push_str("<h2>Changes</h2>\n<ul>\n");
    for c in &page.changes {
        out.push_str(&format!(
            "<li><time datetime=\"{}\">{}</time>: {}</li>\n",
            c.time.format("%Y-%m-%d"),
            long_date(c.time.date_naive()),
            html(&c.title())
        ));
    }
    out.push_str("</ul>\n</body>\n</html>\n");
    out
}

/// The page as JSON: the lists and the changes, dates as `YYYY-MM-DD`.
pub fn to_json(page: &Page) -> String {
    serde_json::to_string_pretty(page).expect("the page serialises") + "\n"
}

/// The changes as an Atom 1.0 feed. `feed_id` is the feed's permanent IRI (its URL when the page
/// has one); each entry's id is the feed id with the commit and the sub-processor appended.
pub fn to_atom(page: &Page, feed_id: &str, page_url: Option<&str>) -> String {
    let updated = page
        .changes
        .first()
        .map(|c| c.time)
        .unwrap_or_else(|| page.as_of.and_hms_opt(0, 0, 0).expect("midnight").and_utc());
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    out.push_str("<feed xmlns=\"http://www.w3.org/2005/Atom\">\n");
    out.push_str(&format!(
        "<title>Sub-processors of {}</title>\n<id>{}</id>\n<updated>{}</updated>\n<author><name>{}</name></author>\n",
        xml(&page.company),
        xml(feed_id),
        updated.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        xml(&page.company)
    ));
    if let Some(url) = page_url {
        out.push_str(&format!(
            "<link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
            xml(url)
        ));
    }
    for c in &page.changes {
        let slug: String = c
            .subprocessor
            .name
            .chars()
            .map(|ch| {
                if ch.is_ascii_alphanumeric() {
                    ch.to_ascii_lowercase()
                } else {
                    '-'
                }
            })
            .collect();
        let s = &c.subprocessor;
        let summary = format!(
            "{}. Purpose: {}. Countries of processing: {}.",
            c.title(),
            s.purpose,
            s.country_names()
        );
        out.push_str(&format!(
            "<entry>\n<title>{}</title>\n<id>{}/{}/{}</id>\n<updated>{}</updated>\n<summary>{}</summary>\n</entry>\n",
            xml(&c.title()),
            xml(feed_id),
            xml(&c.commit),
            xml(&slug),
            c.time.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            xml(&summary)
        ));
    }
    out.push_str("</feed>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::vendor::Subprocessor;

    fn sub(name: &str, country: &str, purpose: &str, starts: Option<&str>) -> OurSubprocessor {
        OurSubprocessor {
            listed: Subprocessor {
                name: name.into(),
                country: country.into(),
                also_in: Vec::new(),
                purpose: purpose.into(),
                address: String::new(),
                contact: String::new(),
                from: None,
            },
            effective: starts.map(|d| d.parse().expect("date")),
            replaces: None,
        }
    }

    fn version(day: &str, commit: &str, list: Vec<OurSubprocessor>) -> Version {
        Version {
            time: format!("{day}T09:30:00Z").parse().expect("time"),
            commit: commit.into(),
            list,
        }
    }

    fn history() -> Vec<Version> {
        let host = sub("Host Inc.", "US", "Hosting", None);
        let mail = sub("Mail Ltd", "IE", "Email", None);
        let ai = sub(
            "Vector <AI> & Co",
            "GB",
            "Anomaly detection",
            Some("2027-03-01"),
        );
        vec![
            version("2026-01-10", "aaaaaaaaaa", vec![host.clone(), mail.clone()]),
            version(
                "2026-11-20",
                "bbbbbbbbbb",
                vec![host.clone(), mail.clone(), ai.clone()],
            ),
            version(
                "2026-12-01",
                "cccccccccc",
                vec![sub("Host Inc.", "US", "Hosting and backups", None), ai],
            ),
        ]
    }

    #[test]
    fn changes_are_matched_by_name_and_dated_by_their_commit_newest_first() {
        let changes = changes(&history());
        let lines: Vec<String> = changes
            .iter()
            .map(|c| format!("{} {}", c.time.date_naive(), c.title()))
            .collect();
        assert_eq!(
            lines,
            [
                "2026-12-01 Changed: Host Inc. (United States), purpose",
                "2026-12-01 Removed: Mail Ltd (Ireland)",
                "2026-11-20 Added: Vector <AI> & Co (United Kingdom), from 1 March 2027",
                "2026-01-10 Added: Host Inc. (United States)",
                "2026-01-10 Added: Mail Ltd (Ireland)",
            ]
        );
    }

    #[test]
    fn an_addition_is_announced_until_it_starts_then_in_service() {
        let before = page("Us Inc.", &history(), "2027-02-28".parse().expect("date"));
        assert_eq!(before.current.len(), 1);
        assert_eq!(before.announced[0].name, "Vector <AI> & Co");
        let after = page("Us Inc.", &history(), "2027-03-01".parse().expect("date"));
        assert_eq!(after.current.len(), 2);
        assert!(after.announced.is_empty());
    }

    #[test]
    fn html_json_and_atom_carry_the_changes_with_every_value_escaped() {
        let p = page("Us & Co", &history(), "2026-12-07".parse().expect("date"));
        let page_html = to_html(&p);
        assert!(
            page_html.contains("Vector &lt;AI&gt; &amp; Co"),
            "{page_html}"
        );
        assert!(!page_html.contains("<AI>") && !page_html.contains("<script"));
        assert!(page_html.contains("<h2>Announced additions</h2>"));
        assert!(page_html.contains("1 March 2027"));
        let json = to_json(&p);
        assert!(json.contains("\"starts\": \"2027-03-01\""), "{json}");
        let removed = json.find("\"kind\": \"removed\"").expect("a removal");
        let changed = json.find("\"kind\": \"changed\"").expect("a change");
        assert!(
            changed < removed,
            "newest first, changes before removals: {json}"
        );
        let atom = to_atom(&p, "https://us.example/subprocessors/feed.atom", None);
        assert!(
            atom.contains("<updated>2026-12-01T09:30:00Z</updated>"),
            "{atom}"
        );
        assert_eq!(atom.matches("<entry>").count(), 5);
        assert!(atom.contains(
            "<id>https://us.example/subprocessors/feed.atom/bbbbbbbbbb/vector--ai----co</id>"
        ));
        assert!(atom.contains("Vector &lt;AI&gt; &amp; Co"));
    }
}
