//! What the records must give before an agreement can be assembled, beyond what each record checks alone.
//!
//! These rules need both parties and the derived facts: a record that is valid on its own can still
//! leave a selected clause with nothing to say (a Clause 13 authority, a sub-processor's address).

use crate::diag::Diagnostic;
use crate::model::{Authorisation, Company, Vendor, country};
use crate::select::{Applicability, Framework};

/// Every problem that stops this vendor's agreement from being complete; empty when it can be assembled.
///
/// `company_file` names `dpa.toml` as diagnostics show it.
pub fn check(
    company: &Company,
    company_file: &str,
    vendor: &Vendor,
    app: &Applicability,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if let Some(d) = supervisory_authority(company, company_file, vendor, app) {
        out.push(d);
    }
    out.extend(subprocessor_particulars(vendor, app));
    out.extend(contact_positions(company, company_file, vendor, app));
    out
}

/// SCC Annex I.A gives each party's contact person with their position; a contact without a
/// title prints none, which a warning points out (the agreement is still complete).
fn contact_positions(
    company: &Company,
    company_file: &str,
    vendor: &Vendor,
    app: &Applicability,
) -> Vec<Diagnostic> {
    if !app.has(Framework::Scc) {
        return Vec::new();
    }
    let mut out = Vec::new();
    for (file, span, contact, who) in [
        (
            company_file,
            company.spans.get("contact"),
            &company.contact,
            &company.short_name,
        ),
        (
            vendor.file.as_str(),
            vendor.span("contact"),
            &vendor.contact,
            &vendor.short_name,
        ),
    ] {
        if contact.title.trim().is_empty() {
            out.push(
                Diagnostic::warning(
                    file,
                    span,
                    format!(
                        "the SCCs apply to vendor `{}`, and their Annex I.A gives each contact person's position, but {who}'s contact `{}` has no `title`",
                        vendor.id, contact.name
                    ),
                )
                .with_hint("add `title` to `[contact]`, for example \"Data Protection Officer\""),
            );
        }
    }
    out
}

/// SCC Clause 13 and Annex I.C (Modules One to Three) name the competent supervisory authority;
/// so do the SCCs that apply if the Data Privacy Framework ceases to cover the transfer.
///
/// Only transfers under the EU GDPR need an EU authority from the records: for UK data the UK
/// Addendum names the Information Commissioner, and for Swiss data the adaptations name the
/// FDPIC, whatever the exporter's establishment.
fn supervisory_authority(
    company: &Company,
    company_file: &str,
    vendor: &Vendor,
    app: &Applicability,
) -> Option<Diagnostic> {
    let scc = app.scc_module.is_some_and(|m| (1..=3).contains(&m)) && app.scc_origins.eea;
    let dpf = app.has(Framework::Dpf) && app.origins.eea;
    if !(scc || dpf) || company.supervisory_authority.is_some() {
        return None;
    }
    let rule = if country::is_eea(&company.country) {
        "Clause 13(a): the authority responsible for the data exporter's compliance with the GDPR (the lead authority, where there is one)".to_string()
    } else if let Some(rep) = &company.eu_representative {
        format!(
            "Clause 13(a): the authority of the Member State where the representative under Article 27(1) GDPR ({}) is established",
            rep.name
        )
    } else {
        "Clause 13(a), for an exporter under Article 3(2) GDPR without a representative: the authority of one of the Member States where the data subjects whose data is transferred are located".to_string()
    };
    Some(
        Diagnostic::error(
            company_file,
            None,
            format!(
                "the EU SCCs apply{} to vendor `{}` ({}), but `{company_file}` names no `[supervisory_authority]` for Clause 13 and Annex I.C",
                if scc { "" } else { " (if the Data Privacy Framework ceases to cover the transfer)" },
                vendor.id, vendor.file
            ),
        )
        .with_hint(format!(
            "add `[supervisory_authority]` with `name` and `address` to `{company_file}`; under {rule}"
        )),
    )
}

/// SCC Annex III under Clause 9 Option 1 gives each sub-processor's address and contact person.
fn subprocessor_particulars(vendor: &Vendor, app: &Applicability) -> Vec<Diagnostic> {
    if app.transfers.subprocessor_authorisation != Authorisation::Specific {
        return Vec::new();
    }
    let mut out = Vec::new();
    for (i, s) in vendor.subprocessors.iter().enumerate() {
        let missing: Vec<&str> = [("address", &s.address), ("contact", &s.contact)]
            .into_iter()
            .filter(|(_, v)| v.trim().is_empty())
            .map(|(k, _)| k)
            .collect();
        if missing.is_empty() {
            continue;
        }
        let path = format!("subprocessors[{i}]");
        let span = vendor
            .span(&format!("{path}.name"))
            .or_else(|| vendor.span(&path));
        out.push(
            Diagnostic::error(
                &vendor.file,
                span,
                format!(
                    "sub-processor `{}` needs {} under specific authorisation",
                    s.name,
                    missing
                        .iter()
                        .map(|k| format!("`{k}`"))
                        .collect::<Vec<_>>()
                        .join(" and ")
                ),
            )
            .with_hint(
                "Annex III lists each specifically authorised sub-processor's address and contact person (name, position and contact details), as SCC Clause 9(a) Option 1 expects",
            ),
        );
    }
    out
}
