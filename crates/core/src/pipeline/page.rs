//! The public sub-processor page of a processor workspace (`dpa subprocessors page`): the list in
//! `dpa.toml` as committed, and every change of it read from git history, written as
//! `index.html`, `subprocessors.json` and `feed.atom` for the vendor's website.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use crate::diag::{Diagnostic, Diagnostics};
use crate::error::Error;
use crate::files::write_atomic;
use crate::model::company;
use crate::notices::page::{self, Page, Version};
use crate::store::Store;
use crate::workspace::COMPANY_FILE;

/// What to publish.
#[derive(Debug, Clone)]
pub struct PageOptions {
    /// The day the page describes: additions starting later are "announced".
    pub as_of: NaiveDate,
    /// The URL the page will be published at (a folder); the feed's id and links derive from it.
    /// Without it the feed's id is a `tag:` URI from our contact's e-mail domain.
    pub url: Option<String>,
}

/// The page written.
#[derive(Debug, Clone)]
pub struct Published {
    /// The page's content.
    pub page: Page,
    /// The files written, in the order written.
    pub files: Vec<PathBuf>,
    /// The feed's permanent id.
    pub feed_id: String,
}

/// Builds the page from the committed history of `dpa.toml` and writes it into `out`.
///
/// Only committed versions are published: `dpa.toml` changes not yet committed are reported as a
/// warning and left out. A version in history that no longer reads as a company record is an
/// error naming its commit, since the changes around it could not be stated.
pub fn publish(
    root: &Path,
    out: &Path,
    options: &PageOptions,
    diags: &mut Diagnostics,
) -> Result<Published, Error> {
    let store = Store::open(root)?;
    let history = store.file_versions(COMPANY_FILE)?;
    let mut versions = Vec::new();
    let mut latest = None;
    for v in &history {
        let short: String = v.commit.to_string().chars().take(10).collect();
        let text = String::from_utf8_lossy(&v.bytes);
        let mut read = Diagnostics::new();
        let Some(company) = company::load(COMPANY_FILE, &text, &mut read) else {
            return Err(Error::Usage(format!(
                "{COMPANY_FILE} as committed in {short} does not read as a company record, so the \
                 changes around it cannot be stated; fix the file in a later commit or publish \
                 from a branch without that commit"
            )));
        };
        versions.push(Version {
            time: v.time,
            commit: short,
            list: company.subprocessors.clone(),
        });
        latest = Some(company);
    }
    let Some(company) = latest else {
        return Err(Error::Usage(format!(
            "{COMPANY_FILE} has never been committed; the page publishes committed versions only\n  \
             hint: commit it (`git add {COMPANY_FILE} && git commit`) and run this again"
        )));
    };
    if company.subprocessors.is_empty() {
        return Err(Error::Usage(format!(
            "{COMPANY_FILE} as committed lists no sub-processors (`[[subprocessors]]`, the \
             processor side's Annex III); there is nothing to publish"
        )));
    }
    let committed = store.head_file(COMPANY_FILE)?;
    let on_disk = std::fs::read(root.join(COMPANY_FILE)).ok();
    if on_disk.is_some() && on_disk != committed {
        diags.push(
            Diagnostic::warning(
                COMPANY_FILE,
                None,
                format!("{COMPANY_FILE} has changes that are not committed; the page shows the committed list"),
            )
            .with_hint("commit the change to publish it"),
        );
    }
    let feed_id = match &options.url {
        Some(url) => format!("{}/feed.atom", url.trim_end_matches('/')),
        None => {
            let domain = company
                .contact
                .email
                .rsplit_once('@')
                .map(|(_, d)| d.to_ascii_lowercase())
                .filter(|d| !d.is_empty())
                .unwrap_or_else(|| "invalid".into());
            let year = versions
                .first()
                .map(|v| v.time.format("%Y").to_string())
                .unwrap_or_default();
            format!("tag:{domain},{year}:subprocessors")
        }
    };
    let page = page::page(&company.name, &versions, options.as_of);
    let page_url = options
        .url
        .as_ref()
        .map(|u| format!("{}/", u.trim_end_matches('/')));
    std::fs::create_dir_all(out).map_err(|e| Error::io(out, e))?;
    let mut files = Vec::new();
    for (name, bytes) in [
        ("index.html", page::to_html(&page)),
        ("subprocessors.json", page::to_json(&page)),
        (
            "feed.atom",
            page::to_atom(&page, &feed_id, page_url.as_deref()),
        ),
    ] {
        let path = out.join(name);
        write_atomic(&path, bytes.as_bytes())?;
        files.push(path);
    }
    Ok(Published {
        page,
        files,
        feed_id,
    })
}
