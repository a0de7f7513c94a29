//! The manifest: the machine-readable twin of every rendered agreement, read by diffs, the tracker and `verify`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::files::sha256_hex;
use crate::model::{Company, Vendor};

/// Format version of `manifest.json`: 2 keys list items in `values` by identity and records
/// what each clause read; manifests of format 1 are still read (see [`Manifest::from_json`]).
pub const FORMAT: u32 = 2;

/// One clause of an agreement: as assembled for rendering, and as recorded in the manifest
/// (which keeps every field but the Markdown and the section title).
#[derive(Debug, Clone, Serialize, Deserialize, Eq)]
pub struct ManifestClause {
    /// Clause id.
    pub id: String,
    /// Clause version.
    pub version: u32,
    /// Number in the agreement: `3.2`, or `Annex I.B`.
    pub number: String,
    /// Heading.
    pub title: String,
    /// Plain text of the body.
    pub text: String,
    /// SHA-256 of `text`, hex.
    pub text_hash: String,
    /// Frameworks of the clause.
    pub frameworks: Vec<String>,
    /// Requirement ids it satisfies.
    pub satisfies: Vec<String>,
    /// The fact paths its template and `when` condition read (`vendor.subprocessors`,
    /// `company.short_name`, `scc.module`), which tell what a changed value rewords; empty in
    /// manifests written before format 2.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reads: Vec<String>,
    /// The clause body as Markdown after filling in, record values still encoded (for other
    /// output formats); not recorded.
    #[serde(skip)]
    pub markdown: String,
    /// Title of the section the clause sits in; empty for annexes; not recorded.
    #[serde(skip)]
    pub section: String,
}

/// Clauses are equal when what the manifest records is equal.
impl PartialEq for ManifestClause {
    fn eq(&self, other: &Self) -> bool {
        (
            &self.id,
            self.version,
            &self.number,
            &self.title,
            &self.text,
            &self.text_hash,
            &self.frameworks,
            &self.satisfies,
        ) == (
            &other.id,
            other.version,
            &other.number,
            &other.title,
            &other.text,
            &other.text_hash,
            &other.frameworks,
            &other.satisfies,
        )
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
    /// The values the agreement was rendered from, flattened (see [`values`]), so that the
    /// tracker can later name what changed; empty in manifests written before it was added.
    /// Format 1 keyed list items by position; they are re-keyed by identity when read.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub values: BTreeMap<String, String>,
    /// What the outputs were rendered from and into, so that a later run can tell whether they
    /// are still current; absent in manifests written before incremental rendering.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub render: Option<RenderStamp>,
}

/// The input key of a rendered agreement and the files it was written into.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct RenderStamp {
    /// SHA-256 of every input and option the outputs depend on (see `pipeline::key`).
    pub key: String,
    /// The output files beside the manifest, by file name.
    pub files: BTreeMap<String, FileStamp>,
}

/// Size and hash of one output file.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct FileStamp {
    /// Size in bytes.
    pub bytes: u64,
    /// SHA-256, hex.
    pub sha256: String,
}

impl FileStamp {
    /// The stamp of `contents`.
    pub fn of(contents: &[u8]) -> FileStamp {
        FileStamp {
            bytes: contents.len() as u64,
            sha256: sha256_hex(contents),
        }
    }
}

/// The values an agreement is rendered from, by dotted path: `vendor.*` (the record, without
/// procurement's own fields and the tracker state), `company.*` (dpa.toml) and `legal.*` (the
/// SHA-256 of each legal data file compiled into dpa).
///
/// An item of a list of tables is keyed by its identity, its `name` (or `id`):
/// `vendor.subprocessors[Cloud Host].country`, so that removing one item changes only its own
/// keys; a list of plain values is one value, the JSON list.
pub fn values(company: &Company, vendor: &Vendor) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut v = serde_json::to_value(vendor).unwrap_or_default();
    if let serde_json::Value::Object(map) = &mut v {
        for key in ["id", "agreements", "owner", "notes"] {
            map.remove(key);
        }
    }
    // Annex II measures serialise as `security.<category>`.
    flatten(&v, "vendor", &mut out);
    flatten(
        &serde_json::to_value(company).unwrap_or_default(),
        "company",
        &mut out,
    );
    for (path, text) in crate::builtin::DATA {
        // Only the legal data itself, not the scaffolding `dpa init` copies.
        if path.matches('/').count() == 1 {
            out.insert(format!("legal.{path}"), sha256_hex(text.as_bytes()));
        }
    }
    out
}

fn flatten(v: &serde_json::Value, path: &str, out: &mut BTreeMap<String, String>) {
    match v {
        serde_json::Value::Object(map) => {
            for (k, x) in map {
                flatten(x, &format!("{path}.{k}"), out);
            }
        }
        serde_json::Value::Array(items)
            if items.iter().all(|x| !x.is_object() && !x.is_array()) =>
        {
            if !items.is_empty() {
                out.insert(path.to_string(), v.to_string());
            }
        }
        serde_json::Value::Array(items) => {
            let ids: Vec<Option<&str>> = items.iter().map(identity).collect();
            let unique = ids.iter().all(Option::is_some)
                && ids.iter().collect::<std::collections::BTreeSet<_>>().len() == ids.len();
            for (i, x) in items.iter().enumerate() {
                let key = match ids[i] {
                    Some(id) if unique => id.to_string(),
                    _ => i.to_string(),
                };
                flatten(x, &format!("{path}[{key}]"), out);
            }
        }
        serde_json::Value::Null => {}
        serde_json::Value::String(s) => {
            out.insert(path.to_string(), s.clone());
        }
        other => {
            out.insert(path.to_string(), other.to_string());
        }
    }
}

/// What identifies a table in a list: its `name`, else its `id`.
fn identity(item: &serde_json::Value) -> Option<&str> {
    ["name", "id"]
        .iter()
        .find_map(|k| item.get(*k).and_then(serde_json::Value::as_str))
}

/// Re-keys values written by format 1 (list items by position, plain lists item by item) as
/// format 2 keys them: the flattened values are rebuilt into a tree and flattened again.
fn rekey_v1(values: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    use serde_json::Value;
    let mut root = Value::Object(Default::default());
    let mut out = BTreeMap::new();
    for (key, value) in values {
        if !key.contains('[') {
            out.insert(key.clone(), value.clone());
            continue;
        }
        let mut node = &mut root;
        let mut segments = Vec::new();
        for part in key.split('.') {
            let mut rest = part;
            if let Some(at) = rest.find('[') {
                segments.push((rest[..at].to_string(), None));
                rest = &rest[at..];
                while let Some(end) = rest.find(']') {
                    let index = rest[1..end].parse::<usize>().ok();
                    segments.push((String::new(), index));
                    rest = &rest[end + 1..];
                }
            } else {
                segments.push((rest.to_string(), None));
            }
        }
        for (name, index) in segments {
            node = match index {
                None => {
                    if !node.is_object() {
                        *node = Value::Object(Default::default());
                    }
                    node.as_object_mut()
                        .expect("an object")
                        .entry(name)
                        .or_insert(Value::Null)
                }
                Some(i) => {
                    if !node.is_array() {
                        *node = Value::Array(Vec::new());
                    }
                    let items = node.as_array_mut().expect("an array");
                    if items.len() <= i {
                        items.resize(i + 1, Value::Null);
                    }
                    &mut items[i]
                }
            };
        }
        *node = Value::String(value.clone());
    }
    if let Value::Object(map) = &root {
        for (k, v) in map {
            flatten(v, k, &mut out);
        }
    }
    out
}

/// What the content hash covers besides clauses: the parties block and the templates.
#[cfg(test)]
mod tests {
    use super::*;

    fn v1(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn list_items_are_keyed_by_name() {
        let value = serde_json::json!({"subprocessors": [
            {"name": "A", "country": "DE"},
            {"name": "B", "country": "US", "also_in": ["CA", "MX"]},
        ], "regions": ["EEA", "US"], "retention_days": 30});
        let mut out = BTreeMap::new();
        flatten(&value, "vendor", &mut out);
        assert_eq!(
            out,
            v1(&[
                ("vendor.regions", r#"["EEA","US"]"#),
                ("vendor.retention_days", "30"),
                ("vendor.subprocessors[A].country", "DE"),
                ("vendor.subprocessors[A].name", "A"),
                ("vendor.subprocessors[B].also_in", r#"["CA","MX"]"#),
                ("vendor.subprocessors[B].country", "US"),
                ("vendor.subprocessors[B].name", "B"),
            ])
        );
    }

    #[test]
    fn format_1_values_are_rekeyed_by_identity() {
        let old = v1(&[
            ("legal.eu/adequacy.toml", "abc"),
            ("vendor.processing.regions[0]", "EEA"),
            ("vendor.processing.regions[1]", "US"),
            ("vendor.subprocessors[0].name", "A"),
            ("vendor.subprocessors[0].country", "DE"),
            ("vendor.subprocessors[1].name", "B"),
            ("vendor.subprocessors[1].also_in[0]", "CA"),
        ]);
        assert_eq!(
            rekey_v1(&old),
            v1(&[
                ("legal.eu/adequacy.toml", "abc"),
                ("vendor.processing.regions", r#"["EEA","US"]"#),
                ("vendor.subprocessors[A].country", "DE"),
                ("vendor.subprocessors[A].name", "A"),
                ("vendor.subprocessors[B].also_in", r#"["CA"]"#),
                ("vendor.subprocessors[B].name", "B"),
            ])
        );
    }
}

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

    /// Parses a manifest, refusing one whose framework list does not begin with `general`
    /// (every agreement has the general terms).
    pub fn from_json(text: &str) -> Result<Manifest, String> {
        let mut m: Manifest = serde_json::from_str(text).map_err(|e| e.to_string())?;
        if m.frameworks.first().map(String::as_str) != Some("general") {
            return Err("`frameworks` must begin with \"general\"".into());
        }
        if m.format < 2 {
            m.values = rekey_v1(&m.values);
        }
        Ok(m)
    }

    /// The frameworks the agreement covers besides the general terms, such as `ccpa`, `gdpr`.
    pub fn regulated_frameworks(&self) -> &[String] {
        self.frameworks.get(1..).unwrap_or(&[])
    }
}
