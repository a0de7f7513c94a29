//! Why a signed agreement is outdated: which clause, record field or legal data changed since.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;

use serde::Serialize;

use crate::manifest::{Manifest, ManifestClause};

/// One reason why a framework's signed text differs from what would be issued today.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Cause {
    /// The library's wording of a clause changed: the versions signed and today.
    Clause {
        /// Clause id.
        id: String,
        /// Version in the signed agreement.
        signed: u32,
        /// Version today.
        current: u32,
    },
    /// Today's agreement has a clause the signed one lacks.
    ClauseAdded {
        /// Clause id.
        id: String,
    },
    /// The signed agreement has a clause today's agreement no longer includes.
    ClauseRemoved {
        /// Clause id.
        id: String,
    },
    /// The vendor record changed: the fields, as dotted paths.
    Vendor {
        /// Changed fields.
        fields: Vec<String>,
        /// The clauses whose text changed because they read one of the fields.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        clauses: Vec<String>,
    },
    /// The company record (dpa.toml) changed: the fields, as dotted paths.
    Company {
        /// Changed fields.
        fields: Vec<String>,
        /// The clauses whose text changed because they read one of the fields.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        clauses: Vec<String>,
    },
    /// Processor side: our sub-processor list (dpa.toml's `[[subprocessors]]`, Annex III) changed.
    SubprocessorList {
        /// The clauses whose text changed because they read it.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        clauses: Vec<String>,
    },
    /// Processor side: the customer's record changed: the fields, as dotted paths.
    Customer {
        /// Changed fields.
        fields: Vec<String>,
        /// The clauses whose text changed because they read one of the fields.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        clauses: Vec<String>,
    },
    /// The legal data compiled into dpa (adequacy lists, thresholds) changed: the files.
    LegalData {
        /// Changed data files.
        files: Vec<String>,
    },
    /// The same inputs render differently in this dpa version.
    Tool {
        /// dpa version that rendered the signed agreement.
        signed: String,
        /// This dpa version.
        current: String,
    },
}

impl fmt::Display for Cause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let list = |fields: &[String]| {
            if fields.is_empty() {
                String::new()
            } else {
                format!(": {}", fields.join(", "))
            }
        };
        match self {
            Cause::Clause {
                id,
                signed,
                current,
            } if signed == current => write!(
                f,
                "library clause {id} (v{current}) was reworded without a new version"
            ),
            Cause::Clause {
                id,
                signed,
                current,
            } => {
                write!(f, "library clause {id} changed (v{signed} -> v{current})")
            }
            Cause::ClauseAdded { id } => write!(f, "clause {id} is now included"),
            Cause::ClauseRemoved { id } => write!(f, "clause {id} is no longer included"),
            Cause::Vendor { fields, clauses } => write!(
                f,
                "vendor record changed{}{}",
                list(fields),
                rewording(clauses)
            ),
            Cause::Company { fields, clauses } => write!(
                f,
                "company record (dpa.toml) changed{}{}",
                list(fields),
                rewording(clauses)
            ),
            Cause::SubprocessorList { clauses } => write!(
                f,
                "sub-processor list changed (dpa.toml){}",
                rewording(clauses)
            ),
            Cause::Customer { fields, clauses } => write!(
                f,
                "customer record changed{}{}",
                list(fields),
                rewording(clauses)
            ),
            Cause::LegalData { files } => write!(f, "legal data changed{}", list(files)),
            Cause::Tool { signed, current } => write!(
                f,
                "dpa {current} words the same inputs differently than dpa {signed}"
            ),
        }
    }
}

/// ` (rewords clause a, b)` after a changed field, naming the clauses that read it.
fn rewording(clauses: &[String]) -> String {
    match clauses {
        [] => String::new(),
        [one] => format!(" (rewords clause {one})"),
        many => format!(" (rewords clauses {})", many.join(", ")),
    }
}

/// Today's agreement for a vendor, as the tracker compares it with the signed one.
#[derive(Debug, Clone, Copy)]
pub struct Current<'a> {
    /// The clauses today's library selects, assembled.
    pub clauses: &'a [ManifestClause],
    /// The values they are rendered from ([`crate::manifest::values`]).
    pub values: &'a BTreeMap<String, String>,
    /// The input files' hashes.
    pub inputs: &'a BTreeMap<String, String>,
    /// Processor side: the processor's particulars, Annex II and Annex III (the `vendor.` values)
    /// are ours, from dpa.toml; the rest is the customer's record.
    pub processor_side: bool,
}

/// The processor's fields that come from dpa.toml on the processor side.
const OURS: [&str; 10] = [
    "name",
    "short_name",
    "entity",
    "address",
    "country",
    "contact",
    "signatory",
    "security",
    "eu_representative",
    "uk_representative",
];

/// A clause's text with generated cross-references (`clause 3.3`) replaced by the clause ids
/// they point at, so that renumbering alone never reads as a change of wording.
pub fn normalize(text: &str, numbers: &HashMap<&str, &str>) -> String {
    const WORD: &str = "clause ";
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(WORD) {
        let (before, after) = rest.split_at(at + WORD.len());
        out.push_str(before);
        let len = after
            .char_indices()
            .take_while(|(_, c)| c.is_ascii_digit() || *c == '.')
            .map(|(i, c)| i + c.len_utf8())
            .last()
            .unwrap_or(0);
        let number = after[..len].trim_end_matches('.');
        match numbers.get(number) {
            Some(id) if !number.is_empty() => {
                out.push('#');
                out.push_str(id);
                rest = &after[number.len()..];
            }
            _ => rest = after,
        }
    }
    out.push_str(rest);
    out
}

/// Whether a clause is part of a framework's text: it belongs to the framework, or it satisfies
/// one of the framework's requirements (an annex that Article 28 or the SCCs require).
pub fn serves(clause: &ManifestClause, framework: &str) -> bool {
    clause.frameworks.iter().any(|f| f == framework)
        || clause
            .satisfies
            .iter()
            .any(|r| r.split('.').next() == Some(framework))
}

struct Side<'a> {
    version: u32,
    text: &'a str,
    normal: String,
    reads: &'a [String],
}

fn side<'a>(clauses: &'a [ManifestClause], framework: &str) -> BTreeMap<&'a str, Side<'a>> {
    let numbers: HashMap<&str, &str> = clauses
        .iter()
        .map(|c| (c.number.as_str(), c.id.as_str()))
        .collect();
    clauses
        .iter()
        .filter(|c| serves(c, framework))
        .map(|c| {
            (
                c.id.as_str(),
                Side {
                    version: c.version,
                    text: &c.text,
                    normal: normalize(&c.text, &numbers),
                    reads: &c.reads,
                },
            )
        })
        .collect()
}

/// One changed field: its name under the prefix, its old and new values, and the fact paths of
/// the changed values (`vendor.subprocessors.country`, list identities left out).
struct Changed {
    field: String,
    values: Vec<String>,
    paths: BTreeSet<String>,
}

/// Changed paths under `prefix`, cut at the first list item (`vendor.subprocessors[Acme].name`
/// names `subprocessors`), without the prefix.
fn changed(
    old: &BTreeMap<String, String>,
    new: &BTreeMap<String, String>,
    prefix: &str,
) -> Vec<Changed> {
    let mut fields: BTreeMap<String, Changed> = BTreeMap::new();
    let keys: BTreeSet<&String> = old
        .keys()
        .chain(new.keys())
        .filter(|k| k.starts_with(prefix))
        .collect();
    for k in keys {
        let (a, b) = (old.get(k), new.get(k));
        if a == b {
            continue;
        }
        let field = k[prefix.len()..].split('[').next().unwrap_or_default();
        let entry = fields.entry(field.to_string()).or_insert_with(|| Changed {
            field: field.to_string(),
            values: Vec::new(),
            paths: BTreeSet::new(),
        });
        entry.values.extend(a.into_iter().chain(b).cloned());
        entry.paths.insert(crate::model::schema::strip_indexes(k));
    }
    fields.into_values().collect()
}

/// Whether a clause that reads `read` depends on the value at `path`: one is the other or
/// lies under it.
fn touches(read: &str, path: &str) -> bool {
    let under = |long: &str, short: &str| {
        long.len() > short.len() && long.starts_with(short) && long.as_bytes()[short.len()] == b'.'
    };
    read == path || under(path, read) || under(read, path)
}

/// Whether one of a field's old or new values appears in one of the changed texts.
fn seen(values: &[String], texts: &[(&str, &str)]) -> bool {
    values.iter().any(|v| {
        v.len() > 1
            && texts
                .iter()
                .any(|(old, new)| old.contains(v.as_str()) || new.contains(v.as_str()))
    })
}

/// The clauses among `reworded` (id and the paths it reads) that read a changed field.
fn readers(field: &Changed, reworded: &[(&str, &[String])]) -> Vec<String> {
    reworded
        .iter()
        .filter(|(_, reads)| {
            reads
                .iter()
                .any(|r| field.paths.iter().any(|p| touches(r, p)))
        })
        .map(|(id, _)| id.to_string())
        .collect()
}

/// Of the changed fields of both records, those that a changed clause read, with the clauses
/// that read them; when no changed clause recorded what it read (a manifest before format 2),
/// those whose value appears in a changed text. All of them when neither narrows (a flag that
/// switches wording on or off through a derived fact).
type Blamed = (Vec<String>, Vec<String>);
fn narrowed(
    vendor: Vec<Changed>,
    company: Vec<Changed>,
    texts: &[(&str, &str)],
    reworded: &[(&str, &[String])],
) -> (Blamed, Blamed) {
    let read = |c: &Changed| !readers(c, reworded).is_empty();
    let by_reads = vendor.iter().chain(&company).any(read);
    let by_text = !by_reads
        && vendor
            .iter()
            .chain(&company)
            .any(|c| seen(&c.values, texts));
    let keep = |fields: Vec<Changed>| -> Blamed {
        let mut clauses = BTreeSet::new();
        let mut kept = Vec::new();
        for c in fields {
            let keep = if by_reads {
                read(&c)
            } else {
                !by_text || seen(&c.values, texts)
            };
            if keep {
                clauses.extend(readers(&c, reworded));
                kept.push(c.field);
            }
        }
        (kept, clauses.into_iter().collect())
    };
    (keep(vendor), keep(company))
}

/// Whether `framework`'s text in the signed agreement differs from today's, and if so why;
/// `None` when its clauses read the same (renumbering aside).
pub fn compare(framework: &str, signed: &Manifest, current: &Current<'_>) -> Option<Vec<Cause>> {
    let old = side(&signed.clauses, framework);
    let new = side(current.clauses, framework);
    let mut causes = Vec::new();
    let mut reworded: Vec<(&str, &str, &str, u32)> = Vec::new();
    // Every clause whose text changed, with what it read, for the blame of changed values.
    let mut read: Vec<(&str, &[String])> = Vec::new();
    let mut selection_changed = false;
    let ids: BTreeSet<&str> = old.keys().chain(new.keys()).copied().collect();
    for id in ids {
        match (old.get(id), new.get(id)) {
            (Some(a), None) => {
                selection_changed = true;
                read.push((id, a.reads));
                causes.push(Cause::ClauseRemoved { id: id.into() });
            }
            (None, Some(b)) => {
                selection_changed = true;
                read.push((id, b.reads));
                causes.push(Cause::ClauseAdded { id: id.into() });
            }
            (Some(a), Some(b)) if a.version != b.version => causes.push(Cause::Clause {
                id: id.into(),
                signed: a.version,
                current: b.version,
            }),
            (Some(a), Some(b)) if a.normal != b.normal => {
                read.push((id, if b.reads.is_empty() { a.reads } else { b.reads }));
                reworded.push((id, a.text, b.text, b.version))
            }
            _ => {}
        }
    }
    if causes.is_empty() && reworded.is_empty() {
        return None;
    }
    if reworded.is_empty() && !selection_changed {
        return Some(causes);
    }
    // Text changed under the same clause version, or the selection changed: the inputs did.
    let texts: Vec<(&str, &str)> = reworded.iter().map(|(_, a, b, _)| (*a, *b)).collect();
    let mut inputs = Vec::new();
    if signed.values.is_empty() {
        // A manifest from before values were kept: the input hashes still tell which file.
        let differs = |name: &str| signed.inputs.get(name) != current.inputs.get(name);
        let record = format!("vendors/{}.toml", signed.vendor);
        if differs(&record) {
            inputs.push(Cause::Vendor {
                fields: Vec::new(),
                clauses: Vec::new(),
            });
        }
        if differs(crate::workspace::COMPANY_FILE) {
            inputs.push(Cause::Company {
                fields: Vec::new(),
                clauses: Vec::new(),
            });
        }
    } else {
        let ((vendor, vendor_clauses), (company, company_clauses)) = narrowed(
            changed(&signed.values, current.values, "vendor."),
            changed(&signed.values, current.values, "company."),
            &texts,
            &read,
        );
        let (mut vendor, mut company) = (vendor, company);
        if current.processor_side {
            // Our particulars and annexes are dpa.toml's; the list of sub-processors is named.
            if let Some(i) = vendor.iter().position(|f| f.as_str() == "subprocessors") {
                vendor.remove(i);
                inputs.push(Cause::SubprocessorList {
                    clauses: vendor_clauses.clone(),
                });
            }
            let (ours, theirs): (Vec<String>, Vec<String>) =
                vendor.into_iter().partition(|f| OURS.contains(&f.as_str()));
            company.extend(ours);
            vendor = theirs;
        }
        if !vendor.is_empty() {
            inputs.push(if current.processor_side {
                Cause::Customer {
                    fields: vendor,
                    clauses: vendor_clauses,
                }
            } else {
                Cause::Vendor {
                    fields: vendor,
                    clauses: vendor_clauses,
                }
            });
        }
        if !company.is_empty() {
            inputs.push(Cause::Company {
                fields: company,
                clauses: company_clauses,
            });
        }
        let legal = changed(&signed.values, current.values, "legal.");
        if !legal.is_empty() {
            inputs.push(Cause::LegalData {
                files: legal.into_iter().map(|c| c.field).collect(),
            });
        }
    }
    if inputs.is_empty() && !reworded.is_empty() {
        let tool = env!("CARGO_PKG_VERSION");
        if signed.tool.version != tool {
            inputs.push(Cause::Tool {
                signed: signed.tool.version.clone(),
                current: tool.into(),
            });
        } else {
            inputs.extend(reworded.iter().map(|(id, _, _, v)| Cause::Clause {
                id: (*id).into(),
                signed: *v,
                current: *v,
            }));
        }
    }
    causes.extend(inputs);
    Some(causes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cross_references_compare_by_target() {
        let old: HashMap<&str, &str> = [("3.3", "gdpr.instructions")].into();
        let new: HashMap<&str, &str> = [("2.3", "gdpr.instructions")].into();
        let a = normalize("as set out in clause 3.3.", &old);
        let b = normalize("as set out in clause 2.3.", &new);
        assert_eq!(a, "as set out in clause #gdpr.instructions.");
        assert_eq!(a, b);
        // A number that is no clause of the agreement stays as written.
        assert_eq!(normalize("see clause 17", &old), "see clause 17");
        assert_eq!(normalize("clause ", &old), "clause ");
    }

    #[test]
    fn changed_fields_are_cut_at_list_items() {
        let old: BTreeMap<String, String> = [
            ("vendor.subprocessors[A].name".into(), "A".into()),
            ("vendor.processing.retention".into(), "1 year".into()),
            ("company.name".into(), "Lumen".into()),
        ]
        .into();
        let mut new = old.clone();
        new.insert("vendor.subprocessors[B].name".into(), "B".into());
        let c = changed(&old, &new, "vendor.");
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].field, "subprocessors");
        assert_eq!(c[0].values, ["B"]);
        assert_eq!(
            c[0].paths.iter().collect::<Vec<_>>(),
            ["vendor.subprocessors.name"]
        );
        assert!(changed(&old, &new, "company.").is_empty());
    }

    fn field(name: &str, values: &[&str]) -> Changed {
        Changed {
            field: name.into(),
            values: values.iter().map(|v| v.to_string()).collect(),
            paths: [format!("vendor.{name}")].into(),
        }
    }

    #[test]
    fn a_changed_field_blames_the_changed_clauses_that_read_it() {
        let vendor = || {
            vec![
                field("contact.email", &["a@x", "b@x"]),
                field("subprocessors", &["30", "true"]),
            ]
        };
        let reads = ["vendor.subprocessors".to_string(), "company.name".into()];
        let other = ["vendor.contact".to_string()];
        let ((v, clauses), (c, _)) = narrowed(
            vendor(),
            Vec::new(),
            &[("30 days", "true to 30")],
            &[("annex.subprocessors", &reads), ("gdpr.audits", &[])],
        );
        assert_eq!(v, ["subprocessors"]);
        assert_eq!(clauses, ["annex.subprocessors"]);
        assert!(c.is_empty());
        // A clause that reads a table is blamed for a changed field under it.
        let ((v, clauses), _) = narrowed(
            vendor(),
            Vec::new(),
            &[("a@x", "b@x")],
            &[("gdpr.notices", &other)],
        );
        assert_eq!(v, ["contact.email"]);
        assert_eq!(clauses, ["gdpr.notices"]);
    }

    #[test]
    fn without_recorded_reads_narrowing_keeps_fields_seen_in_the_text() {
        let vendor = || {
            vec![
                field("contact.email", &["a@x", "b@x"]),
                field("processing.retention", &["1 year", "2 years"]),
            ]
        };
        let ((v, clauses), _) = narrowed(
            vendor(),
            Vec::new(),
            &[("kept for 1 year", "kept for 2 years")],
            &[("annex.processing", &[])],
        );
        assert_eq!(v, ["processing.retention"]);
        assert!(clauses.is_empty());
        let ((v, _), _) = narrowed(vendor(), Vec::new(), &[("x", "y")], &[]);
        assert_eq!(v.len(), 2);
    }
}
