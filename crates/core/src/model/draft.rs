//! Progressive records: what a vendor record must state for the tracker, and what it still
//! lacks before its agreement can be drafted.
//!
//! A record first states the facts that decide what is needed: its name, its country, whose
//! data it handles and what it does with it (`processing.regions`, `processing.role`, or the
//! older `processing.ccpa_role` and `processing.gdpr_role`), or `personal_data = false`. Every other required field (address,
//! contact, signatory, service, purposes, retention, ...) is needed only to generate the
//! agreement: [`load_facts`] reads a record that lacks them and lists them, while
//! [`super::vendor::load`] (used by `check` and `render`) still requires them.

use toml_edit::{DocumentMut, Item, Table, Value};

use super::schema::{self, Kind};
use super::vendor::{self, Vendor};
use crate::diag::Diagnostics;

/// The fields that decide which agreements a vendor needs; the tracker cannot work without them.
pub const DECIDING: [&str; 7] = [
    "name",
    "country",
    "processing",
    "processing.regions",
    "processing.role",
    "processing.ccpa_role",
    "processing.gdpr_role",
];

/// A record read for the tracker: the vendor, and the facts it still lacks to draft an agreement.
#[derive(Debug, Clone)]
pub struct Facts {
    /// The vendor, with neutral values where drafting facts are missing.
    pub vendor: Vendor,
    /// Plain names of the facts missing to draft its agreement (`purposes`, `retention`), in record order.
    pub missing: Vec<String>,
}

/// The text standing in for a missing drafting fact while the record is tracked.
pub const STAND_IN: &str = "-";

/// The plain name of a missing field, as the tracker says it: `processing.data_subjects` ->
/// `data subjects`.
pub fn label(path: &str) -> String {
    match path {
        "service" => "service description and start date".into(),
        "service.starts" => "service start date".into(),
        "service.description" => "service description".into(),
        "contact" => "privacy contact".into(),
        "contact.name" => "privacy contact's name".into(),
        "contact.email" => "privacy contact's email".into(),
        "signatory.name" => "signatory's name".into(),
        "signatory.title" => "signatory's title".into(),
        _ => path.rsplit('.').next().unwrap_or(path).replace('_', " "),
    }
}

/// The path named by a "missing required field `x`" message.
fn missing_path(message: &str) -> Option<&str> {
    message
        .strip_prefix("missing required field `")?
        .split('`')
        .next()
}

/// A neutral value of the field's kind, standing in for a missing drafting fact.
fn stand_in(path: &str) -> Item {
    let kind = schema::field_at(vendor::fields(), path).map(|f| (f.kind)());
    match kind {
        Some(Kind::Text) | None => toml_edit::value(STAND_IN),
        Some(Kind::List(_)) => toml_edit::value(Value::Array(std::iter::once(STAND_IN).collect())),
        Some(Kind::Date) => toml_edit::value(schema::toml_date(
            chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default(),
        )),
        Some(Kind::Integer) => toml_edit::value(1),
        Some(Kind::Boolean) => toml_edit::value(false),
        Some(Kind::Choice(c)) => toml_edit::value(c.first().map_or("none", |c| c.name)),
        Some(Kind::Table(_) | Kind::Tables(_) | Kind::Map(..)) => Item::Table(Table::new()),
    }
}

fn set(doc: &mut DocumentMut, path: &str, item: Item) {
    let mut table = doc.as_table_mut() as &mut dyn toml_edit::TableLike;
    let mut parts: Vec<&str> = path.split('.').collect();
    let Some(key) = parts.pop() else { return };
    for p in parts {
        if !table.contains_key(p) {
            table.insert(p, Item::Table(Table::new()));
        }
        match table.get_mut(p).and_then(Item::as_table_like_mut) {
            Some(t) => table = t,
            None => return,
        }
    }
    table.insert(key, item);
}

/// Reads a vendor record for the tracker: the deciding facts must be there and every value
/// given must be valid; drafting facts may be missing and are listed. Problems are reported to
/// `diags` with the record's own locations.
pub fn load_facts(id: &str, file: &str, text: &str, diags: &mut Diagnostics) -> Option<Facts> {
    let mut strict = Diagnostics::new();
    if let Some(vendor) = vendor::load(id, file, text, &mut strict) {
        diags.extend(strict);
        return Some(Facts {
            vendor,
            missing: Vec::new(),
        });
    }
    let Ok(mut doc) = text.parse::<DocumentMut>() else {
        diags.extend(strict);
        return None;
    };
    let no_personal_data = doc
        .get("personal_data")
        .and_then(Item::as_bool)
        .is_some_and(|b| !b);
    // Which missing fields may stand in: drafting facts, and every fact when there is no personal data.
    let fillable = |p: &str| no_personal_data || !DECIDING.contains(&p);
    let mut filled: Vec<String> = Vec::new();
    for _ in 0..6 {
        let mut trial = Diagnostics::new();
        let loaded = vendor::load(id, file, &doc.to_string(), &mut trial);
        if let Some(vendor) = loaded {
            // Warnings belong to the record as written.
            diags.extend(strict.into_iter().filter(|d| !d.is_error()));
            let missing = if no_personal_data {
                Vec::new()
            } else {
                filled.iter().map(|p| label(p)).collect()
            };
            return Some(Facts { vendor, missing });
        }
        let newly: Vec<String> = trial
            .iter()
            .filter_map(|d| missing_path(&d.message))
            .filter(|p| fillable(p) && !filled.iter().any(|f| f == p))
            .map(str::to_string)
            .collect();
        if newly.is_empty() {
            break;
        }
        for p in newly {
            if no_personal_data && p == "processing.regions" {
                set(
                    &mut doc,
                    &p,
                    toml_edit::value(Value::Array(toml_edit::Array::new())),
                );
            } else if no_personal_data && p == "processing" {
                set(
                    &mut doc,
                    "processing.regions",
                    toml_edit::value(Value::Array(toml_edit::Array::new())),
                );
                set(&mut doc, "processing.role", toml_edit::value("none"));
            } else {
                set(&mut doc, &p, stand_in(&p));
            }
            // A missing table is named once, not field by field.
            if !filled.iter().any(|f| p.starts_with(&format!("{f}."))) {
                filled.push(p);
            }
        }
    }
    // The record's own problems, at its own locations, without the drafting facts it may lack.
    let own: Vec<_> = strict
        .into_iter()
        .filter(|d| missing_path(&d.message).is_none_or(|p| !fillable(p)))
        .collect();
    diags.extend(own);
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deciding_facts_are_enough() {
        let text = "name = \"Acme\"\ncountry = \"US\"\n[processing]\nregions = [\"US-CA\"]\nccpa_role = \"service_provider\"\ngdpr_role = \"none\"\n";
        let mut d = Diagnostics::new();
        let f = load_facts("acme", "vendors/acme.toml", text, &mut d);
        let messages: Vec<&String> = d.iter().map(|x| &x.message).collect();
        let f = f.unwrap_or_else(|| panic!("tracked: {messages:?}"));
        assert!(!d.has_errors());
        assert_eq!(f.vendor.processing.regions, ["US-CA"]);
        for fact in [
            "address",
            "privacy contact",
            "signatory",
            "purposes",
            "retention",
        ] {
            assert!(
                f.missing.iter().any(|m| m == fact),
                "{fact} in {:?}",
                f.missing
            );
        }
    }

    #[test]
    fn no_personal_data_needs_nothing_more() {
        let text = "name = \"Paper Co\"\ncountry = \"US\"\npersonal_data = false\n";
        let mut d = Diagnostics::new();
        let f = load_facts("paper", "vendors/paper.toml", text, &mut d).expect("tracked");
        assert!(f.missing.is_empty(), "{:?}", f.missing);
        assert!(f.vendor.processing.regions.is_empty());
    }

    #[test]
    fn a_missing_deciding_fact_or_bad_value_is_an_error() {
        let mut d = Diagnostics::new();
        let text = "name = \"Acme\"\ncountry = \"US\"\n";
        assert!(load_facts("acme", "vendors/acme.toml", text, &mut d).is_none());
        assert!(
            d.iter().any(|x| x.message.contains("`processing`")),
            "{:?}",
            d.iter().map(|x| &x.message).collect::<Vec<_>>()
        );
        let mut d = Diagnostics::new();
        let text = "name = \"Acme\"\ncountry = \"XX\"\n[processing]\nregions = [\"US-CA\"]\nccpa_role = \"service_provider\"\ngdpr_role = \"none\"\n";
        assert!(load_facts("acme", "vendors/acme.toml", text, &mut d).is_none());
        assert!(d.has_errors());
        assert!(
            !d.iter()
                .any(|x| x.message.contains("missing required field"))
        );
    }
}
