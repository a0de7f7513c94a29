//! Which record field a spreadsheet column fills: the fields an import can set, their kinds, and
//! the column headers procurement tools commonly export for each.

use std::sync::OnceLock;

use crate::model::schema::{self, Choice, Role};
use crate::model::{security, vendor};

/// How a cell's text becomes a TOML value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A string.
    Text,
    /// A list of strings, split on `;`.
    List,
    /// A date (`2025-01-15`); other text is kept as a string for the record's own message.
    Date,
    /// A whole number.
    Integer,
    /// `true`/`false` (also `yes`/`no`).
    Boolean,
    /// One of these values; written loosely (`Service Provider`) it is normalised.
    Choice(&'static [Choice]),
}

/// The vendor id column: not a record field, it names the file.
pub const ID: &str = "id";

/// The fields an import can fill, with their kinds, in the order the record type declares them:
/// every value a person writes in a vendor record, except the lists of tables
/// (`[[subprocessors]]`) and what dpa itself manages (`[[agreements]]`).
pub fn importable() -> &'static [(String, Kind)] {
    static FIELDS: OnceLock<Vec<(String, Kind)>> = OnceLock::new();
    FIELDS.get_or_init(|| {
        fn walk(fields: &'static [schema::Field], prefix: &str, out: &mut Vec<(String, Kind)>) {
            for f in schema::keys(fields) {
                if f.role != Role::Written {
                    continue;
                }
                let path = schema::join(prefix, f.name);
                let kind = match (f.kind)() {
                    schema::Kind::Text => Kind::Text,
                    schema::Kind::Integer => Kind::Integer,
                    schema::Kind::Boolean => Kind::Boolean,
                    schema::Kind::Date => Kind::Date,
                    schema::Kind::Choice(c) => Kind::Choice(c),
                    schema::Kind::List(inner) => match inner() {
                        schema::Kind::Text => Kind::List,
                        _ => continue,
                    },
                    schema::Kind::Table(sub) => {
                        walk(sub(), &path, out);
                        continue;
                    }
                    schema::Kind::Map(keys, inner) => {
                        if matches!(inner(), schema::Kind::Text) {
                            for k in keys {
                                out.push((schema::join(&path, k.name), Kind::Text));
                            }
                        }
                        continue;
                    }
                    schema::Kind::Tables(_) => continue,
                };
                out.push((path, kind));
            }
        }
        let mut out = Vec::new();
        walk(vendor::fields(), "", &mut out);
        out
    })
}

/// The kind of a field path, or `None` when an import cannot set it.
pub fn kind(path: &str) -> Option<Kind> {
    importable()
        .iter()
        .find(|(p, _)| p == path)
        .map(|(_, k)| *k)
}

/// The position of a field in record order, for sorting.
pub fn rank(path: &str) -> usize {
    importable()
        .iter()
        .position(|(p, _)| p == path)
        .unwrap_or(usize::MAX)
}

/// Every path `--map` accepts, for messages and suggestions.
pub fn paths() -> Vec<String> {
    let mut out = vec![ID.to_string()];
    out.extend(importable().iter().map(|(p, _)| p.clone()));
    out
}

/// Column headers recognised without `--map`, normalised (see [`normalise`]), by field.
const HEADERS: &[(&str, &[&str])] = &[
    (ID, &["id", "vendor id", "dpa id", "record id"]),
    (
        "name",
        &[
            "name",
            "vendor",
            "vendor name",
            "supplier",
            "supplier name",
            "legal name",
            "vendor legal name",
            "supplier legal name",
            "legal entity",
            "legal entity name",
            "company",
            "company name",
        ],
    ),
    (
        "short_name",
        &["short name", "trading name", "dba", "display name", "brand"],
    ),
    ("entity", &["entity", "entity type", "legal form"]),
    (
        "address",
        &[
            "address",
            "registered address",
            "vendor address",
            "supplier address",
            "legal address",
        ],
    ),
    (
        "country",
        &[
            "country",
            "country code",
            "vendor country",
            "supplier country",
            "hq country",
            "country of incorporation",
        ],
    ),
    ("effective", &["effective date", "dpa effective date"]),
    (
        "owner",
        &[
            "owner",
            "business owner",
            "vendor owner",
            "relationship owner",
            "contract owner",
        ],
    ),
    ("notes", &["notes", "comments", "remarks"]),
    (
        "contact.name",
        &[
            "privacy contact",
            "privacy contact name",
            "dpo",
            "dpo name",
            "data protection officer",
            "contact name",
        ],
    ),
    (
        "contact.title",
        &["privacy contact title", "contact title", "dpo title"],
    ),
    (
        "contact.email",
        &[
            "privacy email",
            "privacy contact email",
            "dpo email",
            "contact email",
        ],
    ),
    (
        "signatory.name",
        &[
            "signatory",
            "signatory name",
            "authorised signatory",
            "authorized signatory",
        ],
    ),
    (
        "signatory.title",
        &["signatory title", "signatory position", "signatory role"],
    ),
    ("signatory.email", &["signatory email"]),
    (
        "service.description",
        &[
            "service",
            "services",
            "service description",
            "description",
            "description of services",
        ],
    ),
    (
        "service.starts",
        &[
            "start date",
            "service start",
            "service start date",
            "contract start",
            "contract start date",
        ],
    ),
    (
        "service.ends",
        &[
            "end date",
            "service end",
            "service end date",
            "contract end",
            "contract end date",
        ],
    ),
    (
        "processing.regions",
        &[
            "regions",
            "data regions",
            "data subject regions",
            "personal data regions",
            "data subject locations",
        ],
    ),
    ("processing.role", &["role", "what the vendor does"]),
    ("processing.ccpa_role", &["ccpa role"]),
    ("processing.gdpr_role", &["gdpr role"]),
    (
        "processing.purposes",
        &[
            "purposes",
            "purpose",
            "business purposes",
            "business purpose",
            "processing purposes",
        ],
    ),
    (
        "processing.data_subjects",
        &["data subjects", "categories of data subjects"],
    ),
    (
        "processing.data_categories",
        &[
            "data categories",
            "personal data categories",
            "categories of personal data",
            "personal data",
            "data types",
        ],
    ),
    (
        "processing.sensitive_data",
        &[
            "sensitive data",
            "special categories",
            "special category data",
        ],
    ),
    (
        "processing.frequency",
        &["frequency", "processing frequency"],
    ),
    (
        "processing.retention",
        &["retention", "retention period", "data retention"],
    ),
    (
        "processing.deletion_days",
        &["deletion days", "days to delete"],
    ),
    (
        "transfers.mechanism",
        &["transfer mechanism", "mechanism", "transfer safeguard"],
    ),
    (
        "transfers.governing_law",
        &["governing law", "scc governing law"],
    ),
    ("transfers.forum", &["forum", "scc forum"]),
];

/// A header as compared: lower case, punctuation and runs of spaces made one space.
pub fn normalise(header: &str) -> String {
    header
        .to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The field a header names by default, if any.
pub fn default_field(header: &str) -> Option<String> {
    let h = normalise(header);
    if h.is_empty() {
        return None;
    }
    if let Some((field, _)) = HEADERS
        .iter()
        .find(|(_, names)| names.contains(&h.as_str()))
    {
        return Some(field.to_string());
    }
    // Annex II measures: a column named after a category (`Encryption`, `Access control`,
    // `Security: logging`) fills that category.
    let bare = h.strip_prefix("security ").unwrap_or(&h);
    security::CATEGORIES
        .iter()
        .find(|c| {
            normalise(c.key) == bare
                || normalise(c.title) == bare
                || format!("{}s", normalise(c.key)) == bare
        })
        .map(|c| format!("security.{}", c.key))
}

/// A cell written loosely (`Service Provider`, `Sub-processor`, `SCC`) as the choice it means.
pub fn choice(text: &str, choices: &'static [Choice]) -> Option<&'static str> {
    let loose = |s: &str| {
        s.to_lowercase()
            .chars()
            .filter(|c| c.is_alphanumeric())
            .collect::<String>()
    };
    let wanted = loose(text);
    choices
        .iter()
        .find(|c| loose(c.name) == wanted)
        .map(|c| c.name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_headers_map_to_fields() {
        assert_eq!(default_field("Vendor Name").as_deref(), Some("name"));
        assert_eq!(default_field(" Country ").as_deref(), Some("country"));
        assert_eq!(
            default_field("Privacy Contact Email").as_deref(),
            Some("contact.email")
        );
        assert_eq!(
            default_field("Start date").as_deref(),
            Some("service.starts")
        );
        assert_eq!(
            default_field("Access control").as_deref(),
            Some("security.access_control")
        );
        assert_eq!(
            default_field("Certifications").as_deref(),
            Some("security.certification")
        );
        assert_eq!(default_field("Annual spend (USD)"), None);
    }

    #[test]
    fn loose_choices() {
        let Some(Kind::Choice(roles)) = kind("processing.ccpa_role") else {
            panic!("ccpa_role is a closed set");
        };
        assert_eq!(choice("Service Provider", roles), Some("service_provider"));
        assert_eq!(choice("third-party", roles), Some("third_party"));
        assert_eq!(choice("vendor", roles), None);
        let Some(Kind::Choice(freq)) = kind("processing.frequency") else {
            panic!("frequency is a closed set");
        };
        assert_eq!(choice("One-off", freq), Some("one-off"));
    }

    #[test]
    fn the_importable_fields_come_from_the_record_type() {
        assert_eq!(kind("processing.regions"), Some(Kind::List));
        assert_eq!(kind("service.starts"), Some(Kind::Date));
        assert_eq!(kind("security.encryption"), Some(Kind::Text));
        assert_eq!(kind("agreements.version"), None);
        assert_eq!(kind("subprocessors.name"), None);
        assert_eq!(kind("id"), None);
        assert_eq!(importable()[0].0, "name");
    }

    #[test]
    fn every_default_header_names_a_known_field() {
        for (field, _) in HEADERS {
            assert!(*field == ID || kind(field).is_some(), "{field}");
        }
    }
}
