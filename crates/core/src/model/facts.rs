//! The names conditions and reports use: framework ids and the fact paths a `when` condition may
//! read, derived from the record types.

use std::sync::OnceLock;

use super::schema::{self, Record};
use super::{Company, Vendor};

/// Framework ids, in the order agreements and reports list them.
pub const FRAMEWORKS: [&str; 8] = [
    "general", "ccpa", "gdpr", "scc", "uk", "ch", "dpf", "usstate",
];

/// Facts derived from the records rather than written in them.
pub const DERIVED: [&str; 9] = [
    "id",
    "frameworks",
    "origins.eea",
    "origins.uk",
    "origins.ch",
    "scc.vendor_exports",
    "scc.module",
    "has_subprocessors",
    "has_sensitive_data",
];

/// Field paths a `when` condition may read: every field of the vendor record (at the top
/// level), every field of the company record under `company.`, and the derived facts.
pub fn known_paths() -> &'static [&'static str] {
    static PATHS: OnceLock<Vec<&'static str>> = OnceLock::new();
    PATHS.get_or_init(|| {
        // A table's own path is left out: with its fields listed, a misspelt field under it
        // (`processing.ccpa_rol`) must not pass as a path into the table.
        let leaves = |fields: &'static [schema::Field]| {
            schema::paths(fields).into_iter().filter(move |p| {
                !matches!(
                    schema::field_at(fields, p).map(|f| (f.kind)()),
                    Some(schema::Kind::Table(_))
                )
            })
        };
        let mut out: Vec<String> = leaves(Vendor::FIELDS).collect();
        out.extend(leaves(Company::FIELDS).map(|p| format!("company.{p}")));
        out.extend(DERIVED.iter().map(|s| s.to_string()));
        out.into_iter()
            .map(|s| &*Box::leak(s.into_boxed_str()))
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_come_from_the_types() {
        let known = known_paths();
        for p in [
            "processing.ccpa_role",
            "transfers.mechanism",
            "company.role",
            "company.scc.idr",
            "subprocessors.country",
            "owner",
            "frameworks",
        ] {
            assert!(known.contains(&p), "{p}");
        }
        assert!(!known.contains(&"spans"), "computed fields are not facts");
        assert!(
            !known.contains(&"processing"),
            "tables are known by their fields"
        );
    }
}
