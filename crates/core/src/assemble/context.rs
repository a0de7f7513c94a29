//! The values clause and document templates can print, built from the records and the derived facts.

use chrono::NaiveDate;
use serde::Serialize;
use serde_json::{Value, json};

use crate::model::country;
use crate::model::{Authorisation, Company, Party, Vendor};
use crate::select::{Applicability, Framework, covers, module_name};

/// A date in the long form agreements use: `15 January 2025`.
pub fn long_date(d: NaiveDate) -> String {
    d.format("%-d %B %Y").to_string()
}

fn country_name(code: &str) -> String {
    country::name_in_text(code)
}

fn with_country_name(mut v: Value, key: &str) -> Value {
    if let Some(code) = v.get(key).and_then(Value::as_str).map(str::to_string)
        && let Value::Object(map) = &mut v
    {
        map.insert(format!("{key}_name"), json!(country_name(&code)));
    }
    v
}

/// The Effective Date as the agreement prints it: the record's `effective` date, or empty when
/// the agreement takes effect on signature (never the service start, which may be long past).
pub fn effective_date(vendor: &Vendor) -> String {
    vendor.effective.map(long_date).unwrap_or_default()
}

/// The Effective Date for a cover line: the date, or what fixes it when the record gives none.
pub fn effective_text(vendor: &Vendor) -> String {
    vendor.effective.map_or_else(
        || "The date of the last signature below".to_string(),
        long_date,
    )
}

/// Text for UK Addendum Table 4 from the list of parties that may end it.
pub fn uk_may_end_text(list: &[Party]) -> String {
    let importer = list.contains(&Party::Importer);
    let exporter = list.contains(&Party::Exporter);
    match (importer, exporter) {
        (true, true) => "Importer and Exporter",
        (true, false) => "Importer",
        (false, true) => "Exporter",
        (false, false) => "neither Party",
    }
    .to_string()
}

/// The values the SCC clauses print, under `scc`.
#[derive(Serialize)]
struct Transfers {
    scc: SccValues,
}

/// What the SCC clauses print about the SCCs in force.
#[derive(Serialize)]
struct SccValues {
    /// The module, 1-4.
    module: u8,
    /// Its long name.
    module_name: &'static str,
    /// Which party exports under the SCCs: the vendor when it returns data to us.
    vendor_exports: bool,
    /// The law the vendor is bound by where it exports.
    export_law: &'static str,
    /// Where that law applies.
    export_area: &'static str,
    /// Clause 7.
    docking: bool,
    /// Clause 9(a)'s option.
    option_9a: Authorisation,
    /// Clause 9(a)'s option in words.
    option_9a_text: &'static str,
    /// Notice days for sub-processor changes.
    notice_days: u32,
    /// Clause 11(a).
    idr: bool,
    /// The governing law's country, named.
    governing_law_name: String,
    /// The forum's country, named.
    forum_name: String,
    /// The competent supervisory authority (Clause 13).
    supervisory_authority: Value,
    /// The exporter's situation under Clause 13.
    exporter_situation: String,
    /// Whose law makes the transfers restricted: `eea` (the SCCs as such), `uk` (as amended
    /// by the UK Addendum), `ch` (as adapted for the FADP).
    origins: crate::select::Origins,
    /// Module Four: whether the exporter combines the data it receives with its own.
    exporter_combines: bool,
}

/// The template context for one vendor's agreement.
pub fn build(company: &Company, vendor: &Vendor, app: &Applicability) -> Value {
    let mut c = with_country_name(
        serde_json::to_value(company).unwrap_or(Value::Null),
        "country",
    );
    if let Value::Object(map) = &mut c {
        map.insert(
            "governing_law_name".into(),
            json!(country_name(&company.governing_law)),
        );
        map.insert("forum_name".into(), json!(country_name(&company.forum)));
    }

    let mut v = with_country_name(
        serde_json::to_value(vendor).unwrap_or(Value::Null),
        "country",
    );
    let t = &app.transfers;
    let mut transfers = serde_json::to_value(t).unwrap_or(Value::Null);
    if let Value::Object(map) = &mut transfers {
        map.insert(
            "governing_law_name".into(),
            json!(country_name(&t.governing_law)),
        );
        map.insert("forum_name".into(), json!(country_name(&t.forum)));
        map.insert(
            "tia_completed_long".into(),
            json!(t.tia_completed.map(long_date).unwrap_or_default()),
        );
    }
    let subprocessors: Vec<Value> = vendor
        .subprocessors
        .iter()
        .map(|s| json!({"name": s.name, "country": s.country, "country_name": std::iter::once(&s.country).chain(&s.also_in).map(|c| country::name(c).unwrap_or(c)).collect::<Vec<_>>().join(", "), "purpose": s.purpose, "address": s.address, "contact": s.contact, "from": s.from}))
        .collect();
    let measures: Vec<Value> = vendor
        .measures()
        .into_iter()
        .map(|(cat, text)| json!({"id": cat.id, "key": cat.key, "category": cat.title, "measure": text}))
        .collect();
    if let Value::Object(map) = &mut v {
        map.insert("transfers".into(), transfers);
        map.insert("subprocessors".into(), Value::Array(subprocessors));
        map.insert("security_measures".into(), Value::Array(measures));
        if let Some(Value::Object(service)) = map.get_mut("service") {
            service.insert("starts".into(), json!(vendor.service.starts.to_string()));
            service.insert(
                "ends".into(),
                json!(
                    vendor
                        .service
                        .ends
                        .map(|d| d.to_string())
                        .unwrap_or_default()
                ),
            );
        }
    }

    let (european, us) = covers(vendor, app);
    let mut ctx = json!({
        "company": c,
        "vendor": v,
        "frameworks": app.frameworks,
        // Which agreement this is: `combined`, or one document of a separate pair (`ccpa`,
        // `gdpr`), for what concerns the pair (its name, its scope, the other document);
        // `covers` decides which side's terms it defines and states.
        "document": vendor.document.map_or("combined", |k| k.as_str()),
        "companion": app.companion.as_ref().map(|c| json!({
            "id": format!("DPA-{}", c.id),
            "frameworks": c.frameworks,
        })),
        "covers": {
            "european": european,
            "us": us,
        },
        "origins": app.origins,
        "dates": {
            "effective": effective_date(vendor),
            "ends": vendor.service.ends.map(long_date).unwrap_or_default(),
        },
    });
    if let (Some(module), Value::Object(map)) = (app.scc_module, &mut ctx) {
        let authority = company.supervisory_authority.as_ref().map_or_else(
            || json!({"name": "", "address": ""}),
            |a| json!({"name": a.name, "address": a.address}),
        );
        // The law the vendor is bound by where it exports (transfers back to us).
        let (export_law, export_area) = match country::region_origin(&vendor.country) {
            Some(country::Origin::Uk) => ("the UK GDPR", "the United Kingdom"),
            Some(country::Origin::Ch) => ("the FADP", "Switzerland"),
            _ => ("the GDPR", "the EEA"),
        };
        // Clause 13 under the EU GDPR follows the exporter's establishment or representative;
        // UK and Swiss transfers have their own authority whatever the exporter's situation,
        // so a UK-only or Swiss-only exporter is never described in EU GDPR terms.
        let situation = if !app.scc_origins.eea {
            String::new()
        } else if country::is_eea(&company.country) {
            format!(
                "{} is established in {}, an EU or EEA Member State",
                company.short_name,
                country_name(&company.country)
            )
        } else if let Some(rep) = &company.eu_representative {
            format!(
                "{} is not established in the EU or EEA and has appointed {} as its representative under Article 27(1) GDPR",
                company.short_name, rep.name
            )
        } else {
            format!(
                "{} is not established in the EU or EEA, falls within Article 3(2) GDPR and is not required to appoint a representative under Article 27(2) GDPR; under Clause 13(a) of the SCCs the competent supervisory authority is that of a Member State in which the data subjects whose personal data is transferred are located",
                company.short_name
            )
        };
        let scc = SccValues {
            module,
            module_name: module_name(module),
            vendor_exports: app.scc_vendor_exports,
            export_law,
            export_area,
            docking: t.docking_clause,
            option_9a: t.subprocessor_authorisation,
            option_9a_text: match t.subprocessor_authorisation {
                Authorisation::General => "Option 2 (general written authorisation)",
                Authorisation::Specific => "Option 1 (specific prior authorisation)",
            },
            notice_days: t.subprocessor_notice_days,
            idr: t.idr,
            governing_law_name: country_name(&t.governing_law),
            forum_name: country_name(&t.forum),
            supervisory_authority: authority,
            exporter_situation: situation,
            origins: app.scc_origins,
            exporter_combines: t.exporter_combines,
        };
        if let Ok(Value::Object(values)) = serde_json::to_value(Transfers { scc }) {
            map.extend(values);
        }
    }
    // The UK Addendum's Table 4 is needed where it applies, and in the DPF's fallback.
    if (app.has(Framework::Uk) || (app.has(Framework::Dpf) && app.origins.uk))
        && let Value::Object(map) = &mut ctx
    {
        map.insert(
            "uk".into(),
            json!({"may_end": uk_may_end_text(&t.uk_may_end)}),
        );
    }
    ctx
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_table4() {
        assert_eq!(
            long_date(NaiveDate::from_ymd_opt(2025, 1, 5).expect("valid")),
            "5 January 2025"
        );
        assert_eq!(uk_may_end_text(&[Party::Exporter]), "Exporter");
        assert_eq!(uk_may_end_text(&[]), "neither Party");
    }
}
