//! The manifest: the machine-readable twin of every rendered agreement, read by diffs, the tracker and `verify`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::assemble::{AssembledClause, sha256_hex};

/// Format version of `manifest.json`.
pub const FORMAT: u32 = 1;

/// One clause as recorded in a manifest.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ManifestClause {
    /// Clause id.
    pub id: String,
    /// Clause version.
    pub version: u32,
    /// Number in the agreement.
    pub number: String,
    /// Heading.
    pub title: String,
    /// Plain text.
    pub text: String,
    /// SHA-256 of `text`.
    pub text_hash: String,
    /// Frameworks of the clause.
    pub frameworks: Vec<String>,
    /// Requirement ids it satisfies.
    pub satisfies: Vec<String>,
}

impl From<&AssembledClause> for ManifestClause {
    fn from(c: &AssembledClause) -> Self {
        ManifestClause {
            id: c.id.clone(),
            version: c.version,
            number: c.number.clone(),
            title: c.title.clone(),
            text: c.text.clone(),
            text_hash: c.text_hash.clone(),
            frameworks: c.frameworks.clone(),
            satisfies: c.satisfies.clone(),
        }
    }
}

/// The tool that produced a manifest.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Tool {
    /// Always `dpa`.
    pub name: String,
    /// Its version.
    pub version: String,
}

/// The manifest of one rendered agreement.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Manifest {
    /// Manifest format version.
    pub format: u32,
    /// Vendor id.
    pub vendor: String,
    /// Vendor legal name.
    pub vendor_name: String,
    /// Document id, e.g. `DPA-acme`.
    pub document_id: String,
    /// Issued version, or `None` for a draft.
    pub version: Option<u32>,
    /// Whether this is the final (PDF/A) form.
    #[serde(rename = "final")]
    pub final_: bool,
    /// SHA-256 of the PDF.
    pub document_sha256: String,
    /// SHA-256 of what the agreement says (parties, frameworks, clause texts, templates), independent of the version number.
    pub content_sha256: String,
    /// SHA-256 of every input file, by name (`builtin:` for files compiled into dpa).
    pub inputs: BTreeMap<String, String>,
    /// The tool.
    pub tool: Tool,
    /// Frameworks the agreement covers.
    pub frameworks: Vec<String>,
    /// SCC module, when the SCCs are incorporated.
    pub scc_module: Option<u8>,
    /// Requirement ids satisfied by the agreement's clauses.
    pub requirements: Vec<String>,
    /// Clauses in agreement order.
    pub clauses: Vec<ManifestClause>,
}

/// What the content hash covers besides clauses: the parties block and the templates.
#[derive(Serialize)]
struct Content<'a> {
    parties: &'a serde_json::Value,
    frameworks: &'a [String],
    clauses: Vec<(&'a str, u32, &'a str, &'a str, &'a str)>,
    templates: &'a str,
}

/// The content hash of an agreement.
pub fn content_hash(
    parties: &serde_json::Value,
    frameworks: &[String],
    clauses: &[ManifestClause],
    templates_sha: &str,
) -> String {
    let content = Content {
        parties,
        frameworks,
        clauses: clauses
            .iter()
            .map(|c| {
                (
                    c.id.as_str(),
                    c.version,
                    c.number.as_str(),
                    c.title.as_str(),
                    c.text_hash.as_str(),
                )
            })
            .collect(),
        templates: templates_sha,
    };
    sha256_hex(
        serde_json::to_string(&content)
            .unwrap_or_default()
            .as_bytes(),
    )
}

impl Manifest {
    /// Pretty JSON with a trailing newline.
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }

    /// Parses a manifest.
    pub fn from_json(text: &str) -> Result<Manifest, serde_json::Error> {
        serde_json::from_str(text)
    }
}
