//! Tracker state in vendor records: a version recorded as sent or signed in `[[agreements]]`,
//! edited in place (comments and layout kept) and committed to git with the executed copy.

use chrono::NaiveDate;
use toml_edit::{ArrayOfTables, DocumentMut, Item, Table, value};

use crate::model::DocumentKind;
use crate::model::framework::Framework;
use crate::model::schema::toml_date;
use crate::store::{Change, Committed, Store, StoreError};

/// Which `[[agreements]]` entry an event concerns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    /// The entry of an issued version (our paper).
    Version(u32),
    /// The entry of an issued version of one document of a customer's separate pair (our
    /// paper): each document keeps its own versions and signatures (`document = "ccpa"`).
    Document(u32, DocumentKind),
    /// The entry of a document on the vendor's paper, by its SHA-256.
    Vendor(String),
    /// The entry of a document on our paper that dpa did not issue (signed before dpa), by its SHA-256.
    Existing(String),
}

impl Entry {
    /// The entry of issued version `version`, of `document` when the agreement is one of a
    /// separate pair.
    pub fn issued(version: u32, document: Option<DocumentKind>) -> Entry {
        match document {
            Some(kind) => Entry::Document(version, kind),
            None => Entry::Version(version),
        }
    }

    /// The issued version the entry records, if it is one.
    pub fn version(&self) -> Option<u32> {
        match self {
            Entry::Version(v) | Entry::Document(v, _) => Some(*v),
            Entry::Vendor(_) | Entry::Existing(_) => None,
        }
    }

    fn matches(&self, t: &Table) -> bool {
        let ours_at = |v: u32| {
            t.get("paper").and_then(|p| p.as_str()).unwrap_or("ours") == "ours"
                && t.get("version").and_then(|x| x.as_integer()) == Some(i64::from(v))
        };
        let document = t.get("document").and_then(|d| d.as_str());
        match self {
            Entry::Version(v) => ours_at(*v) && document.is_none(),
            Entry::Document(v, kind) => ours_at(*v) && document == Some(kind.as_str()),
            Entry::Vendor(sha) => {
                t.get("paper").and_then(|p| p.as_str()) == Some("vendor")
                    && t.get("sha256").and_then(|x| x.as_str()) == Some(sha.as_str())
            }
            Entry::Existing(sha) => {
                t.get("paper").and_then(|p| p.as_str()) == Some("ours")
                    && t.get("version").is_none()
                    && t.get("sha256").and_then(|x| x.as_str()) == Some(sha.as_str())
            }
        }
    }
}

/// When and by whom an agreement was entered in dpa.
#[derive(Debug, Clone)]
pub struct Recorded {
    /// The date it was entered.
    pub on: NaiveDate,
    /// Who entered it (the git author).
    pub by: String,
}

impl Recorded {
    fn write(&self, table: &mut Table) {
        table["recorded_on"] = value(toml_date(self.on));
        table["recorded_by"] = value(self.by.as_str());
    }
}

/// What happened to an agreement.
#[derive(Debug, Clone)]
pub enum Event {
    /// It was sent to the vendor for signature.
    Sent {
        /// Date sent.
        on: NaiveDate,
    },
    /// It was signed.
    Signed {
        /// Date of execution.
        on: NaiveDate,
        /// Expiry, if agreed.
        expires: Option<NaiveDate>,
        /// SHA-256 of the executed copy.
        sha256: Option<String>,
        /// Where the executed copy is kept, relative to the workspace.
        file: Option<String>,
        /// SHA-256 of the issued manifest, to notice a moved tag.
        manifest_sha256: Option<String>,
        /// When and by whom it was entered, for a signature dated before dpa issued the version.
        recorded: Option<Recorded>,
    },
    /// A document on the vendor's paper was signed.
    SignedVendorPaper {
        /// Its title.
        title: String,
        /// Where it is kept, relative to the workspace.
        file: String,
        /// Date of execution.
        on: NaiveDate,
        /// Expiry, if agreed.
        expires: Option<NaiveDate>,
        /// The frameworks the signatory believes it covers.
        frameworks: Vec<Framework>,
        /// When and by whom it was entered in dpa.
        recorded: Recorded,
    },
    /// A person confirmed a document on the vendor's paper as reviewed.
    Confirmed {
        /// Who confirmed it.
        by: String,
        /// When.
        on: NaiveDate,
        /// SHA-256 of the document confirmed.
        sha256: String,
    },
    /// A person accepted a gap in a document on the vendor's paper.
    Accepted {
        /// The requirement id.
        requirement: String,
        /// Who accepted it.
        by: String,
        /// When.
        on: NaiveDate,
        /// Why.
        reason: String,
    },
}

/// Records `event` for the `entry` in a vendor record's text, editing the document in place.
pub fn edit(text: &str, entry: &Entry, event: &Event) -> Result<String, String> {
    let mut doc: DocumentMut = text.parse().map_err(|e| format!("{e}"))?;
    let item = doc
        .entry("agreements")
        .or_insert(Item::ArrayOfTables(ArrayOfTables::new()));
    let Some(array) = item.as_array_of_tables_mut() else {
        return Err(
            "`agreements` must be written as [[agreements]] tables for dpa to edit it".into(),
        );
    };
    let position = array.iter().position(|t| entry.matches(t));
    let table: &mut Table = match position.and_then(|i| array.get_mut(i)) {
        Some(t) => t,
        None => {
            if matches!(event, Event::Accepted { .. } | Event::Confirmed { .. }) {
                return Err("no agreement on the vendor's paper with that document".into());
            }
            let mut t = Table::new();
            match entry {
                Entry::Version(version) => t["version"] = value(i64::from(*version)),
                Entry::Document(version, kind) => {
                    t["version"] = value(i64::from(*version));
                    t["document"] = value(kind.as_str());
                }
                Entry::Vendor(_) => t["paper"] = value("vendor"),
                Entry::Existing(_) => t["paper"] = value("ours"),
            }
            array.push(t);
            let last = array.len() - 1;
            array
                .get_mut(last)
                .ok_or_else(|| "cannot add an [[agreements]] table".to_string())?
        }
    };
    match event {
        Event::Sent { on } => {
            table["status"] = value("sent");
            table["sent_on"] = value(toml_date(*on));
        }
        Event::Signed {
            on,
            expires,
            sha256,
            file,
            manifest_sha256,
            recorded,
        } => {
            table["status"] = value("signed");
            table["signed_on"] = value(toml_date(*on));
            if let Some(e) = expires {
                table["expires_on"] = value(toml_date(*e));
            }
            if let Some(h) = sha256 {
                table["sha256"] = value(h.as_str());
            }
            if let Some(f) = file {
                table["file"] = value(f.as_str());
            }
            if let Some(h) = manifest_sha256 {
                table["manifest_sha256"] = value(h.as_str());
            }
            if let Some(r) = recorded {
                r.write(table);
            }
        }
        Event::SignedVendorPaper {
            title,
            file,
            on,
            expires,
            frameworks,
            recorded,
        } => {
            table["title"] = value(title.as_str());
            table["frameworks"] = value(
                frameworks
                    .iter()
                    .map(|f| f.as_str())
                    .collect::<toml_edit::Array>(),
            );
            table["status"] = value("signed");
            table["signed_on"] = value(toml_date(*on));
            if let Some(e) = expires {
                table["expires_on"] = value(toml_date(*e));
            }
            if let Entry::Vendor(sha) | Entry::Existing(sha) = entry {
                table["sha256"] = value(sha.as_str());
            }
            table["file"] = value(file.as_str());
            recorded.write(table);
        }
        Event::Confirmed { by, on, sha256 } => {
            let mut t = Table::new();
            t["by"] = value(by.as_str());
            t["on"] = value(toml_date(*on));
            t["sha256"] = value(sha256.as_str());
            table["confirmed"] = Item::Table(t);
        }
        Event::Accepted {
            requirement,
            by,
            on,
            reason,
        } => {
            let list = table
                .entry("accepted")
                .or_insert(Item::ArrayOfTables(ArrayOfTables::new()));
            let Some(list) = list.as_array_of_tables_mut() else {
                return Err("`accepted` must be written as [[agreements.accepted]] tables for dpa to edit it".into());
            };
            let mut t = Table::new();
            t["requirement"] = value(requirement.as_str());
            t["by"] = value(by.as_str());
            t["on"] = value(toml_date(*on));
            t["reason"] = value(reason.as_str());
            list.push(t);
        }
    }
    Ok(doc.to_string())
}

/// Records `event` in the vendor record `record` (workspace-relative) and commits that change,
/// with `extra` files (the executed copy), in one commit. Only the `[[agreements]]` edit is
/// committed: other uncommitted edits of the record stay uncommitted in the work tree.
pub fn commit(
    store: &Store,
    record: &str,
    entry: &Entry,
    event: &Event,
    extra: Vec<Change>,
    message: &str,
) -> Result<Committed, StoreError> {
    let edited = store.edited(record, |text| edit(text, entry, event))?;
    store.commit_edited(vec![edited], extra, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sent_then_signed_edits_one_table_and_keeps_comments() {
        let text = "# our notes\nname = \"A\" # legal name\n";
        let sent = edit(
            text,
            &Entry::Version(2),
            &Event::Sent {
                on: NaiveDate::from_ymd_opt(2026, 1, 5).expect("date"),
            },
        )
        .expect("edit");
        assert!(sent.starts_with(text), "{sent}");
        assert!(
            sent.contains("[[agreements]]\nversion = 2\nstatus = \"sent\"\nsent_on = 2026-01-05")
        );
        let signed = edit(
            &sent,
            &Entry::Version(2),
            &Event::Signed {
                on: NaiveDate::from_ymd_opt(2026, 1, 9).expect("date"),
                expires: None,
                sha256: None,
                file: Some("agreements/a/executed/v2.pdf".into()),
                manifest_sha256: None,
                recorded: None,
            },
        )
        .expect("edit");
        assert_eq!(signed.matches("[[agreements]]").count(), 1, "{signed}");
        assert!(signed.contains("status = \"signed\"\nsent_on = 2026-01-05\nsigned_on = 2026-01-09\nfile = \"agreements/a/executed/v2.pdf\""), "{signed}");
    }

    #[test]
    fn each_document_of_a_pair_keeps_its_own_entry() {
        let on = |d| NaiveDate::from_ymd_opt(2026, 12, d).expect("date");
        let signed = |d| Event::Signed {
            on: on(d),
            expires: None,
            sha256: None,
            file: None,
            manifest_sha256: None,
            recorded: None,
        };
        let ccpa = edit(
            "name = \"C\"\n",
            &Entry::issued(1, Some(DocumentKind::Ccpa)),
            &signed(1),
        )
        .expect("edit");
        let both = edit(
            &ccpa,
            &Entry::issued(1, Some(DocumentKind::Gdpr)),
            &signed(2),
        )
        .expect("edit");
        assert_eq!(both.matches("[[agreements]]").count(), 2, "{both}");
        assert!(
            both.contains(
                "version = 1\ndocument = \"ccpa\"\nstatus = \"signed\"\nsigned_on = 2026-12-01"
            ),
            "{both}"
        );
        assert!(
            both.contains(
                "version = 1\ndocument = \"gdpr\"\nstatus = \"signed\"\nsigned_on = 2026-12-02"
            ),
            "{both}"
        );
        // A combined agreement's entry is not one of the pair's.
        let combined = edit(&both, &Entry::Version(1), &Event::Sent { on: on(3) }).expect("edit");
        assert_eq!(combined.matches("[[agreements]]").count(), 3, "{combined}");
    }

    #[test]
    fn an_inline_agreements_array_is_refused() {
        assert!(
            edit(
                "agreements = []\n",
                &Entry::Version(1),
                &Event::Sent {
                    on: NaiveDate::from_ymd_opt(2026, 1, 5).expect("date")
                }
            )
            .is_err()
        );
    }
}
