//! A vendor record, `vendors/<id>.toml`: who the vendor is and what it does with personal data.

use std::ops::Range;

use chrono::NaiveDate;
use serde::Serialize;
use toml_edit::TableLike;

use super::reader::{Reader, parse_document};
use super::{Authorisation, Person, check_country, country, security};
use crate::diag::Diagnostics;

/// The vendor's role under the CCPA.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CcpaRole {
    /// Processes personal information on our behalf for a business purpose.
    ServiceProvider,
    /// Receives personal information for a business purpose under a contract, other than a service provider.
    Contractor,
    /// Our disclosure to it is a sale or sharing.
    ThirdParty,
    /// Receives no personal information of California consumers in a CCPA role.
    None,
}

/// The vendor's role under the GDPR.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GdprRole {
    /// Processes on our behalf.
    Processor,
    /// Processes on behalf of a processor (we are ourselves a processor).
    SubProcessor,
    /// Decides purposes and means itself.
    Controller,
    /// No GDPR role.
    None,
}

/// How a restricted transfer is safeguarded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Mechanism {
    /// EU Standard Contractual Clauses.
    Scc,
    /// EU-US Data Privacy Framework certification.
    Dpf,
    /// An adequacy decision covers the importer's country.
    Adequacy,
    /// No transfer mechanism.
    None,
}

/// The services the vendor provides.
#[derive(Debug, Clone, Serialize)]
pub struct Service {
    /// What the vendor does for us.
    pub description: String,
    /// Start date.
    pub starts: NaiveDate,
    /// End date, when fixed.
    pub ends: Option<NaiveDate>,
}

/// What personal data the vendor processes, for whom and why.
#[derive(Debug, Clone, Serialize)]
pub struct Processing {
    /// Whose data: country codes, subdivisions like `US-CA`, or `EEA`, `UK`, `CH`.
    pub regions: Vec<String>,
    /// CCPA role.
    pub ccpa_role: CcpaRole,
    /// GDPR role.
    pub gdpr_role: GdprRole,
    /// Specified business purposes.
    pub purposes: Vec<String>,
    /// Categories of data subjects.
    pub data_subjects: Vec<String>,
    /// Categories of personal data.
    pub data_categories: Vec<String>,
    /// Special categories of data, with safeguards.
    pub sensitive_data: Vec<String>,
    /// `continuous` or `one-off`.
    pub frequency: String,
    /// How long the data is kept while the Services continue.
    pub retention: String,
    /// Days after the Services end (or a request) within which the data is returned and deleted.
    pub deletion_days: u32,
    /// A legal duty of the vendor itself to store some data after the Services end, if any.
    pub kept_by_law: Option<String>,
}

/// Days to return and delete the data when the record does not say.
pub const DEFAULT_DELETION_DAYS: u32 = 30;
/// The longest return-and-deletion period a record may set.
pub const MAX_DELETION_DAYS: u32 = 180;

/// Transfer choices; unset fields take the company's defaults.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Transfers {
    /// The mechanism chosen, if stated.
    pub mechanism: Option<Mechanism>,
    /// SCC clause 7.
    pub docking_clause: Option<bool>,
    /// Sub-processor authorisation.
    pub subprocessor_authorisation: Option<Authorisation>,
    /// Notice period for sub-processor changes.
    pub subprocessor_notice_days: Option<u32>,
    /// SCC clause 17 governing law, a country code.
    pub governing_law: Option<String>,
    /// SCC clause 18 forum, a country code.
    pub forum: Option<String>,
    /// Whether the UK Addendum is used for UK transfers.
    pub uk_addendum: Option<bool>,
    /// Whether the Swiss adaptations are used for Swiss transfers.
    pub swiss_adaptations: Option<bool>,
    /// UK Addendum Table 4.
    pub uk_may_end: Option<Vec<String>>,
    /// SCC clause 11(a) optional independent dispute resolution.
    pub idr: Option<bool>,
}

/// One sub-processor the vendor uses.
#[derive(Debug, Clone, Serialize)]
pub struct Subprocessor {
    /// Legal name.
    pub name: String,
    /// Country code where it processes.
    pub country: String,
    /// What it does.
    pub purpose: String,
    /// Postal address; may be empty (required under specific authorisation).
    pub address: String,
    /// Contact person's name, position and contact details; may be empty (required under specific authorisation).
    pub contact: String,
}

/// The state of one issued agreement version, as recorded by `dpa sign`.
#[derive(Debug, Clone, Serialize)]
pub struct AgreementState {
    /// The issued version.
    pub version: u32,
    /// `sent`, `signed` or `terminated`.
    pub status: String,
    /// Date it was sent for signature, as recorded by `dpa send`.
    pub sent_on: Option<NaiveDate>,
    /// Date of execution.
    pub signed_on: Option<NaiveDate>,
    /// Expiry.
    pub expires_on: Option<NaiveDate>,
    /// SHA-256 of the executed PDF.
    pub sha256: Option<String>,
    /// The executed copy kept in the workspace, relative to it (`agreements/<id>/executed/v<N>.pdf`).
    pub file: Option<String>,
    /// SHA-256 of the issued version's manifest.json when it was signed, to detect a moved tag.
    pub manifest_sha256: Option<String>,
}

/// A vendor record.
#[derive(Debug, Clone, Serialize)]
pub struct Vendor {
    /// The file stem, `[a-z0-9][a-z0-9-]{0,63}`.
    pub id: String,
    /// Legal name.
    pub name: String,
    /// Defined term used in the text; defaults to the legal name.
    pub short_name: String,
    /// Kind of entity; may be empty.
    pub entity: String,
    /// Address.
    pub address: String,
    /// Country code of establishment, also where it processes unless stated otherwise.
    pub country: String,
    /// Privacy contact.
    pub contact: Person,
    /// Who signs for the vendor.
    pub signatory: Person,
    /// The services.
    pub service: Service,
    /// The date the agreement takes effect, when the parties fix one; otherwise it takes effect on signature.
    pub effective: Option<NaiveDate>,
    /// The processing.
    pub processing: Processing,
    /// Transfer choices.
    pub transfers: Transfers,
    /// Annex II measures: (category, text), in record order.
    #[serde(skip)]
    pub security: Vec<(&'static security::TomCategory, String)>,
    /// Sub-processors.
    pub subprocessors: Vec<Subprocessor>,
    /// Recorded agreement states.
    pub agreements: Vec<AgreementState>,
    /// Who in our company looks after this vendor (procurement's own data; never printed in agreements).
    pub owner: Option<String>,
    /// Procurement's free-text notes (never printed in agreements).
    pub notes: Option<String>,
    /// Spans of the values read, by dotted path, for later checks.
    #[serde(skip)]
    pub spans: Vec<(String, Range<usize>)>,
    /// The record's file, as diagnostics name it.
    #[serde(skip)]
    pub file: String,
}

impl Vendor {
    /// The span of a field, by dotted path, if the record gives it.
    pub fn span(&self, path: &str) -> Option<Range<usize>> {
        self.spans
            .iter()
            .find(|(p, _)| p == path)
            .map(|(_, s)| s.clone())
    }
}

/// Whether `id` is a valid vendor id: `[a-z0-9][a-z0-9-]{0,63}`.
pub fn valid_id(id: &str) -> bool {
    let b = id.as_bytes();
    !b.is_empty()
        && b.len() <= 64
        && (b[0].is_ascii_lowercase() || b[0].is_ascii_digit())
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
}

const TOP_KEYS: &[&str] = &[
    "name",
    "short_name",
    "entity",
    "address",
    "country",
    "contact",
    "signatory",
    "service",
    "effective",
    "processing",
    "transfers",
    "security",
    "subprocessors",
    "agreements",
    "owner",
    "notes",
];
const PROCESSING_KEYS: &[&str] = &[
    "regions",
    "ccpa_role",
    "gdpr_role",
    "purposes",
    "data_subjects",
    "data_categories",
    "sensitive_data",
    "frequency",
    "retention",
    "deletion_days",
    "kept_by_law",
];
const TRANSFER_KEYS: &[&str] = &[
    "mechanism",
    "docking_clause",
    "subprocessor_authorisation",
    "subprocessor_notice_days",
    "governing_law",
    "forum",
    "uk_addendum",
    "swiss_adaptations",
    "uk_may_end",
    "idr",
];

/// Loads one vendor record, reporting every problem to `diags`.
pub fn load(id: &str, file: &str, text: &str, diags: &mut Diagnostics) -> Option<Vendor> {
    let doc = match parse_document(file, text) {
        Ok(doc) => doc,
        Err(d) => {
            diags.push(d);
            return None;
        }
    };
    let before = diags.error_count();
    let mut r = Reader::new(file, diags);
    let t = doc.as_table();
    let top = Some(0..0);
    r.check_keys(t, "", TOP_KEYS);
    let super::Identity {
        name,
        short_name,
        entity,
        address,
        country,
        contact,
        signatory,
    } = super::read_identity(&mut r, t);
    let service = read_service(&mut r, t, top.clone());
    let effective = r.date(t, "", "effective", false, None);
    let processing = read_processing(&mut r, t, top.clone());
    let transfers = read_transfers(&mut r, t);
    let security = read_security(&mut r, t);
    let subprocessors = read_subprocessors(&mut r, t);
    let agreements = read_agreements(&mut r, t);
    let owner = r.string(t, "", "owner", false, None);
    let notes = r.string(t, "", "notes", false, None);
    let spans = std::mem::take(&mut r.spans);
    drop(r);
    if diags.error_count() > before {
        return None;
    }
    let name = name?;
    Some(Vendor {
        id: id.to_string(),
        short_name: short_name.unwrap_or_else(|| name.clone()),
        name,
        entity,
        address: address?,
        country: country?,
        contact: contact?,
        signatory: signatory?,
        service: service?,
        effective,
        processing: processing?,
        transfers,
        security,
        subprocessors,
        agreements,
        owner,
        notes,
        spans,
        file: file.to_string(),
    })
}

fn read_service(
    r: &mut Reader<'_>,
    t: &dyn TableLike,
    top: Option<Range<usize>>,
) -> Option<Service> {
    let (st, span) = r.table(t, "", "service", true, top)?;
    r.check_keys(st, "service", &["description", "starts", "ends"]);
    let description = r.string(st, "service", "description", true, span.clone());
    let starts = r.date(st, "service", "starts", true, span);
    let ends = r.date(st, "service", "ends", false, None);
    if let (Some(s), Some(e)) = (starts, ends)
        && e < s
    {
        let span = r.span_of("service.ends");
        r.error(
            span,
            format!("`service.ends` ({e}) is before `service.starts` ({s})"),
        );
    }
    Some(Service {
        description: description?,
        starts: starts?,
        ends,
    })
}

fn read_processing(
    r: &mut Reader<'_>,
    t: &dyn TableLike,
    top: Option<Range<usize>>,
) -> Option<Processing> {
    let p = "processing";
    let (pt, span) = r.table(t, "", p, true, top)?;
    r.check_keys(pt, p, PROCESSING_KEYS);
    let regions = r.strings(pt, p, "regions", true, span.clone());
    if let Some(regions) = &regions {
        for (i, region) in regions.iter().enumerate() {
            if !country::region_is_valid(region) {
                let s = r.span_of(&format!("processing.regions[{i}]"));
                let d = r.error(s, format!("`{region}` is not a region: use a country code, a subdivision like `US-CA`, or `EEA`, `UK`, `CH`"));
                if let Some(code) = country::suggest_code(region) {
                    d.hints.push(format!("did you mean `{code}`?"));
                }
            }
        }
    }
    let ccpa_role = r.choice(
        pt,
        p,
        "ccpa_role",
        &["service_provider", "contractor", "third_party", "none"],
        true,
        span.clone(),
    );
    let gdpr_role = r.choice(
        pt,
        p,
        "gdpr_role",
        &["processor", "sub_processor", "controller", "none"],
        true,
        span.clone(),
    );
    let purposes = r.strings(pt, p, "purposes", true, span.clone());
    if let Some(list) = &purposes
        && list.is_empty()
    {
        let s = r.span_of("processing.purposes");
        r.error(
            s,
            "`processing.purposes` must name at least one specific business purpose",
        )
        .hints
        .push(
            "the CCPA (11 CCR 7051(a)(2)) and GDPR Art. 28(3) require the purposes to be specified"
                .into(),
        );
    }
    let data_subjects = r.strings(pt, p, "data_subjects", true, span.clone());
    let data_categories = r.strings(pt, p, "data_categories", true, span.clone());
    let sensitive_data = r
        .strings(pt, p, "sensitive_data", false, None)
        .unwrap_or_default();
    let frequency = r.choice(
        pt,
        p,
        "frequency",
        &["continuous", "one-off"],
        true,
        span.clone(),
    );
    let retention = r.string(pt, p, "retention", true, span);
    let deletion_days = r.integer(pt, p, "deletion_days", false, None);
    if let Some(d) = deletion_days
        && !(1..=MAX_DELETION_DAYS).contains(&d)
    {
        let s = r.span_of("processing.deletion_days");
        r.error(
            s,
            format!("`processing.deletion_days` must be between 1 and {MAX_DELETION_DAYS}, found {d}"),
        )
        .hints
        .push("GDPR Art. 28(3)(g): the data is returned or deleted when the Services end; a legal duty of the vendor to keep some of it belongs in `processing.kept_by_law`".into());
    }
    let kept_by_law = r.string(pt, p, "kept_by_law", false, None);
    Some(Processing {
        regions: regions?,
        ccpa_role: match ccpa_role?.as_str() {
            "service_provider" => CcpaRole::ServiceProvider,
            "contractor" => CcpaRole::Contractor,
            "third_party" => CcpaRole::ThirdParty,
            _ => CcpaRole::None,
        },
        gdpr_role: match gdpr_role?.as_str() {
            "processor" => GdprRole::Processor,
            "sub_processor" => GdprRole::SubProcessor,
            "controller" => GdprRole::Controller,
            _ => GdprRole::None,
        },
        purposes: purposes?,
        data_subjects: data_subjects?,
        data_categories: data_categories?,
        sensitive_data,
        frequency: frequency?,
        retention: retention?,
        deletion_days: deletion_days.unwrap_or(DEFAULT_DELETION_DAYS),
        kept_by_law,
    })
}

fn read_transfers(r: &mut Reader<'_>, t: &dyn TableLike) -> Transfers {
    let p = "transfers";
    let Some((tt, _)) = r.table(t, "", p, false, None) else {
        return Transfers::default();
    };
    r.check_keys(tt, p, TRANSFER_KEYS);
    let mechanism = r
        .choice(
            tt,
            p,
            "mechanism",
            &["scc", "dpf", "adequacy", "none"],
            false,
            None,
        )
        .map(|m| match m.as_str() {
            "scc" => Mechanism::Scc,
            "dpf" => Mechanism::Dpf,
            "adequacy" => Mechanism::Adequacy,
            _ => Mechanism::None,
        });
    let governing_law = r.string(tt, p, "governing_law", false, None);
    let forum = r.string(tt, p, "forum", false, None);
    for (key, value) in [
        ("transfers.governing_law", &governing_law),
        ("transfers.forum", &forum),
    ] {
        if let Some(v) = value {
            check_country(r, key, v);
        }
    }
    Transfers {
        mechanism,
        docking_clause: r.boolean(tt, p, "docking_clause"),
        subprocessor_authorisation: r
            .choice(
                tt,
                p,
                "subprocessor_authorisation",
                &["general", "specific"],
                false,
                None,
            )
            .map(|a| Authorisation::parse(&a)),
        subprocessor_notice_days: r.integer(tt, p, "subprocessor_notice_days", false, None),
        governing_law,
        forum,
        uk_addendum: r.boolean(tt, p, "uk_addendum"),
        swiss_adaptations: r.boolean(tt, p, "swiss_adaptations"),
        uk_may_end: super::uk_may_end(r, tt, p),
        idr: r.boolean(tt, p, "idr"),
    }
}

fn read_security(
    r: &mut Reader<'_>,
    t: &dyn TableLike,
) -> Vec<(&'static security::TomCategory, String)> {
    let Some((st, _)) = r.table(t, "", "security", false, None) else {
        return Vec::new();
    };
    let mut allowed = security::keys();
    allowed.extend(security::CATEGORIES.iter().map(|c| c.id));
    r.check_keys(st, "security", &allowed);
    let mut out = Vec::new();
    let keys: Vec<String> = st.iter().map(|(k, _)| k.to_string()).collect();
    for key in keys {
        if let Some(cat) = security::by_key(&key)
            && let Some(text) = r.string(st, "security", &key, false, None)
        {
            if out
                .iter()
                .any(|(c, _): &(&security::TomCategory, String)| c.id == cat.id)
            {
                let span = r.span_of(&format!("security.{key}"));
                r.error(
                    span,
                    format!("security category {} ({}) is given twice", cat.id, cat.key),
                );
                continue;
            }
            out.push((cat, text));
        }
    }
    out.sort_by_key(|(c, _)| c.id);
    out
}

fn read_subprocessors(r: &mut Reader<'_>, t: &dyn TableLike) -> Vec<Subprocessor> {
    let mut out = Vec::new();
    for (i, (st, span)) in r.tables(t, "", "subprocessors").into_iter().enumerate() {
        let p = format!("subprocessors[{i}]");
        r.check_keys(
            st,
            &p,
            &["name", "country", "purpose", "address", "contact"],
        );
        let name = r.string(st, &p, "name", true, span.clone());
        let country = r.string(st, &p, "country", true, span.clone());
        if let Some(c) = &country {
            check_country(r, &format!("{p}.country"), c);
        }
        let purpose = r.string(st, &p, "purpose", true, span);
        let address = r.string(st, &p, "address", false, None).unwrap_or_default();
        let contact = r.string(st, &p, "contact", false, None).unwrap_or_default();
        if let (Some(name), Some(country), Some(purpose)) = (name, country, purpose) {
            out.push(Subprocessor {
                name,
                country,
                purpose,
                address,
                contact,
            });
        }
    }
    out
}

fn read_agreements(r: &mut Reader<'_>, t: &dyn TableLike) -> Vec<AgreementState> {
    let mut out: Vec<AgreementState> = Vec::new();
    for (i, (at, span)) in r.tables(t, "", "agreements").into_iter().enumerate() {
        let p = format!("agreements[{i}]");
        r.check_keys(
            at,
            &p,
            &[
                "version",
                "status",
                "sent_on",
                "signed_on",
                "expires_on",
                "sha256",
                "file",
                "manifest_sha256",
            ],
        );
        let version = r.integer(at, &p, "version", true, span.clone());
        let status = r.choice(
            at,
            &p,
            "status",
            &["sent", "signed", "terminated"],
            true,
            span.clone(),
        );
        let sent_on = r.date(at, &p, "sent_on", false, None);
        let signed_on = r.date(at, &p, "signed_on", false, None);
        let expires_on = r.date(at, &p, "expires_on", false, None);
        let sha256 = r.string(at, &p, "sha256", false, None);
        let file = r.string(at, &p, "file", false, None);
        let manifest_sha256 = r.string(at, &p, "manifest_sha256", false, None);
        for (key, value) in [("sha256", &sha256), ("manifest_sha256", &manifest_sha256)] {
            if let Some(h) = value
                && (h.len() != 64 || !h.bytes().all(|b| b.is_ascii_hexdigit()))
            {
                let s = r.span_of(&format!("{p}.{key}"));
                r.error(s, format!("`{p}.{key}` must be 64 hexadecimal digits"));
            }
        }
        if status.as_deref() == Some("signed") && signed_on.is_none() {
            r.error(
                span.clone(),
                format!("`{p}` has status \"signed\" but no `signed_on` date"),
            );
        }
        if let (Some(version), Some(status)) = (version, status) {
            if out.iter().any(|a| a.version == version) {
                r.error(
                    span,
                    format!("version {version} appears twice in `[[agreements]]`"),
                );
                continue;
            }
            out.push(AgreementState {
                version,
                status,
                sent_on,
                signed_on,
                expires_on,
                sha256,
                file,
                manifest_sha256,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const RECORD: &str = r#"
name = "Acme"
address = "1 Main St"
country = "US"
owner = "Jo Buyer"
notes = "Renewal under negotiation"
[contact]
name = "C"
email = "c@example.com"
[signatory]
name = "S"
title = "CEO"
[service]
description = "Widgets"
starts = 2025-01-15
[processing]
regions = ["US-CA"]
ccpa_role = "service_provider"
gdpr_role = "none"
purposes = ["Widgets"]
data_subjects = ["Users"]
data_categories = ["Email"]
frequency = "continuous"
retention = "One year"
[[agreements]]
version = 1
status = "sent"
sent_on = 2025-02-01
"#;

    #[test]
    fn owner_notes_and_sent_on_are_read() {
        let mut d = Diagnostics::new();
        let v = load("acme", "vendors/acme.toml", RECORD, &mut d).expect("valid record");
        assert!(!d.has_errors());
        assert_eq!(v.owner.as_deref(), Some("Jo Buyer"));
        assert_eq!(v.notes.as_deref(), Some("Renewal under negotiation"));
        assert_eq!(v.agreements[0].status, "sent");
        assert_eq!(v.agreements[0].sent_on, NaiveDate::from_ymd_opt(2025, 2, 1));
    }

    #[test]
    fn vendor_ids() {
        assert!(valid_id("acme"));
        assert!(valid_id("0-acme-2"));
        assert!(valid_id(&"a".repeat(64)));
        assert!(!valid_id(&"a".repeat(65)));
        assert!(!valid_id("-acme"));
        assert!(!valid_id("Acme"));
        assert!(!valid_id("acme_inc"));
        assert!(!valid_id(""));
        assert!(!valid_id("a/b"));
    }
}
