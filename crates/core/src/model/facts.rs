//! The names conditions and reports use: frameworks (re-exported) and the fact paths a `when` condition may
//! read, derived from the record types.

use std::sync::OnceLock;

pub use super::framework::{Framework, UnknownFramework};
use super::schema::{self, Record};
use super::{Company, Vendor};

/// Facts derived from the records rather than written in them, beside `vendor` and `company`.
pub const DERIVED: [&str; 9] = [
    "vendor.id",
    "frameworks",
    "origins.eea",
    "origins.uk",
    "origins.ch",
    "scc.vendor_exports",
    "scc.module",
    "has_subprocessors",
    "has_sensitive_data",
];

/// The paths of a record's fields, but not of its tables: with a table's fields listed, a
/// misspelt field under it (`processing.ccpa_rol`) must not pass as a path into the table.
fn leaves(fields: &'static [schema::Field]) -> impl Iterator<Item = String> {
    schema::paths(fields).into_iter().filter(move |p| {
        !matches!(
            schema::field_at(fields, p).map(|f| (f.kind)()),
            Some(schema::Kind::Table(_))
        )
    })
}

/// Field paths a `when` condition may read: every field of the vendor record under `vendor.`,
/// every field of the company record under `company.`, and the derived facts: the same root
/// templates read (see [`template_paths`]).
pub fn known_paths() -> &'static [&'static str] {
    static PATHS: OnceLock<Vec<&'static str>> = OnceLock::new();
    PATHS.get_or_init(|| record_paths(&DERIVED))
}

/// Every field of the vendor record under `vendor.` and of the company record under `company.`,
/// then `extra`; built once per list, so the strings live as long as the program.
fn record_paths(extra: &[&str]) -> Vec<&'static str> {
    let mut out: Vec<String> = leaves(Vendor::FIELDS)
        .map(|p| format!("vendor.{p}"))
        .collect();
    out.extend(leaves(Company::FIELDS).map(|p| format!("company.{p}")));
    out.extend(extra.iter().map(|s| s.to_string()));
    out.into_iter()
        .map(|s| &*Box::leak(s.into_boxed_str()))
        .collect()
}

/// Whether `path` is one of `known` or a path into one.
pub fn is_known(path: &str, known: &[&str]) -> bool {
    known
        .iter()
        .any(|k| path == *k || (path.starts_with(k) && path.as_bytes().get(k.len()) == Some(&b'.')))
}

/// Values templates print that are computed from the record fields beside them: country names,
/// long dates, the effective transfer choices and the Annex II measures.
pub const TEMPLATE_EXTRAS: [&str; 15] = [
    "vendor.country_name",
    "vendor.subprocessors.country_name",
    "vendor.security_measures.id",
    "vendor.security_measures.key",
    "vendor.security_measures.category",
    "vendor.security_measures.measure",
    "vendor.transfers.governing_law_name",
    "vendor.transfers.forum_name",
    "vendor.transfers.tia_completed_long",
    "vendor.transfers.uk_addendum",
    "vendor.transfers.swiss_adaptations",
    "vendor.transfers.exporter_combines",
    "company.country_name",
    "company.governing_law_name",
    "company.forum_name",
];

/// Record paths a template may print: every field of the vendor record under `vendor.`, of the
/// company record under `company.`, and [`TEMPLATE_EXTRAS`].
pub fn template_paths() -> &'static [&'static str] {
    static PATHS: OnceLock<Vec<&'static str>> = OnceLock::new();
    PATHS.get_or_init(|| record_paths(&TEMPLATE_EXTRAS))
}

/// Whether a template may read `path`: a record path (or a table or list above one) when it
/// starts with `vendor.` or `company.`; other roots are derived values, loop variables or
/// functions, which these lists do not hold.
pub fn is_template_path(path: &str) -> bool {
    let root = path.split('.').next().unwrap_or_default();
    if root != "vendor" && root != "company" {
        return true;
    }
    let under = |long: &str, short: &str| {
        long.len() > short.len() && long.starts_with(short) && long.as_bytes()[short.len()] == b'.'
    };
    path == root
        || template_paths()
            .iter()
            .any(|k| path == *k || under(path, k) || under(k, path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_come_from_the_types() {
        let known = known_paths();
        for p in [
            "vendor.processing.ccpa_role",
            "vendor.transfers.mechanism",
            "company.role",
            "company.scc.idr",
            "vendor.subprocessors.country",
            "vendor.owner",
            "vendor.id",
            "frameworks",
            "has_subprocessors",
        ] {
            assert!(known.contains(&p), "{p}");
        }
        assert!(!known.contains(&"spans"), "computed fields are not facts");
        assert!(
            !known.contains(&"vendor.processing"),
            "tables are known by their fields"
        );
    }

    #[test]
    fn template_paths_are_record_paths() {
        for p in [
            "vendor.name",
            "vendor.processing",
            "vendor.subprocessors",
            "vendor.subprocessors.country_name",
            "company.short_name",
            "s.name",
            "scc.module",
        ] {
            assert!(is_template_path(p), "{p}");
        }
        for p in ["vendor.nmae", "company.short", "vendor.processing.x"] {
            assert!(!is_template_path(p), "{p}");
        }
    }
}
