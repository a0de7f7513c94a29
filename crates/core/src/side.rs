//! Which side of the table a workspace is on, and how a counterparty record maps onto the roles
//! the clause library names.
//!
//! The clause library, the selection rules and the templates speak of `company` (the business
//! and controller) and `vendor` (the service provider and processor). On the processor side the
//! customer is the business and controller and we are the service provider and processor, so a
//! customer record is mapped onto those roles before selection: the customer becomes `company`,
//! we become `vendor` with the customer's processing facts and transfer choices, our Annex II and
//! our sub-processors as they stand for that customer on the agreement's date. One library then
//! drafts both sides, and every requirement it proves holds on either.

use std::path::Path;

use chrono::NaiveDate;

use crate::model::company::Positions;
use crate::model::facts::Framework;
use crate::model::vendor::Subprocessor;
use crate::model::{Authorisation, Company, CompanyRole, DocumentKind, Vendor};
use crate::notices::{self, Recorded, Terms};

/// Which side of the table the workspace is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// We are the business/controller; counterparties are vendors (`vendors/`).
    Vendors,
    /// We are the service provider/processor; counterparties are customers (`customers/`).
    Customers,
}

impl Side {
    /// The side of a workspace: the customers' side when `role` is `processor` or
    /// `service_provider`, unless the workspace keeps `vendors/` and no `customers/` (a processor
    /// papering its own sub-processors, as before customers were supported).
    pub fn of(root: &Path, company: &Company) -> Side {
        let vendors_only = root.join("vendors").is_dir() && !root.join("customers").is_dir();
        if company.role.acts_for_others() && !vendors_only {
            Side::Customers
        } else {
            Side::Vendors
        }
    }

    /// The word for a counterparty: `vendor` or `customer`.
    pub fn noun(self) -> &'static str {
        match self {
            Side::Vendors => "vendor",
            Side::Customers => "customer",
        }
    }

    /// The folder of counterparty records: `vendors` or `customers`.
    pub fn dir(self) -> &'static str {
        match self {
            Side::Vendors => "vendors",
            Side::Customers => "customers",
        }
    }
}

/// The notice terms of one customer for sub-processor `name`, with what its record says.
pub fn terms(company: &Company, customer: &Vendor, name: &str) -> Terms {
    let t = &customer.transfers;
    let recorded = customer
        .notices
        .iter()
        .find(|n| n.subprocessor == name)
        .map(|n| Recorded {
            sent_on: n.sent_on,
            objected_on: n.objected_on,
            consented_on: n.consented_on,
            refused_on: n.refused_on,
        })
        .unwrap_or_default();
    Terms {
        authorisation: t
            .subprocessor_authorisation
            .unwrap_or(company.scc.subprocessor_authorisation),
        notice_days: t
            .subprocessor_notice_days
            .unwrap_or(company.scc.subprocessor_notice_days),
        // The objection right is in the GDPR terms (Article 28(2)) and in the other US states'
        // processor terms; a customer with only Californian data has a CCPA addendum, which
        // requires notice alone.
        may_object: crate::model::vendor::european(&customer.processing.regions)
            || customer.processing.regions.iter().any(|r| {
                r == "US" || crate::select::US_STATES_WITH_PROCESSOR_RULES.contains(&r.as_str())
            }),
        recorded,
    }
}

/// Our sub-processors as they stand for one customer on `date`: every listed one without an
/// effective date, and each intended one from the date it joins this customer's Annex III.
pub fn subprocessors_on(
    company: &Company,
    customer: &Vendor,
    date: NaiveDate,
) -> Vec<Subprocessor> {
    // The agreement took effect on its own date, else when the service started.
    let took_effect = customer.effective.unwrap_or(customer.service.starts);
    let joined = |name: &str| {
        company
            .subprocessors
            .iter()
            .find(|s| s.listed.name == name)
            .and_then(|s| s.effective.map(|e| (s, e)))
            .is_some_and(|(s, e)| {
                notices::in_annex(e, &terms(company, customer, &s.listed.name), date)
            })
    };
    // A replaced sub-processor leaves the list when its replacement joins it.
    let replaced: Vec<&str> = company
        .subprocessors
        .iter()
        .filter(|s| joined(&s.listed.name))
        .filter_map(|s| s.replaces.as_deref())
        .collect();
    company
        .subprocessors
        .iter()
        .filter(|s| !replaced.contains(&s.listed.name.as_str()))
        .filter_map(|s| {
            let Some(effective) = s.effective else {
                return Some(s.listed.clone());
            };
            let plan = notices::plan(effective, &terms(company, customer, &s.listed.name), date);
            let joins = plan.joins_from.filter(|from| date >= *from)?;
            let mut listed = s.listed.clone();
            // Authorised after the agreement took effect: Annex III says from when.
            if joins > took_effect {
                listed.from = Some(crate::assemble::context::long_date(joins));
            }
            Some(listed)
        })
        .collect()
}

/// The parties of one agreement in the roles the clause library names: `(controller,
/// processor)`. On the vendors' side that is our company and the vendor record as they are; on
/// the customers' side the customer is the controller and we are the processor (see the module
/// documentation). `date` fixes which intended sub-processors are in Annex III.
pub fn roles(side: Side, company: &Company, record: &Vendor, date: NaiveDate) -> (Company, Vendor) {
    if side == Side::Vendors {
        let mut c = company.clone();
        if c.role == CompanyRole::ServiceProvider {
            c.role = CompanyRole::Processor;
        }
        // We are the customer: our positions, else the customer's market positions.
        c.positions = company.positions.or(&Positions::market(true));
        return (c, record.clone());
    }
    let controller = Company {
        name: record.name.clone(),
        short_name: record.short_name.clone(),
        entity: record.entity.clone(),
        address: record.address.clone(),
        country: record.country.clone(),
        role: CompanyRole::Controller,
        documents: record.documents.unwrap_or(company.documents),
        security: Default::default(),
        subprocessors: Vec::new(),
        signatory: record.signatory.clone(),
        contact: record.contact.clone(),
        eu_representative: record.eu_representative.clone(),
        uk_representative: record.uk_representative.clone(),
        backup_deletion_days: None,
        supervisory_authority: record.supervisory_authority.clone(),
        paper: company.paper,
        governing_law: company.governing_law.clone(),
        forum: company.forum.clone(),
        scc: company.scc.clone(),
        // Our paper as the vendor: what we agreed with this customer, else our standard
        // positions, else a processor's market positions.
        positions: record
            .positions
            .or(&company.positions)
            .or(&Positions::market(false)),
        // The customer is the business; its own thresholds are its affair, not ours to state.
        ccpa: Default::default(),
        spans: record.spans.clone(),
    };
    let mut processor = record.clone();
    processor.name = company.name.clone();
    processor.short_name = company.short_name.clone();
    processor.entity = company.entity.clone();
    processor.address = company.address.clone();
    processor.country = company.country.clone();
    processor.contact = company.contact.clone();
    processor.signatory = company.signatory.clone();
    processor.security = company.security.clone();
    processor.subprocessors = subprocessors_on(company, record, date);
    if processor.processing.backup_deletion_days.is_none() {
        processor.processing.backup_deletion_days = company.backup_deletion_days;
    }
    processor.supervisory_authority = None;
    // Our representatives are the processor's particulars in Annex I.A.
    processor.eu_representative = company.eu_representative.clone();
    processor.uk_representative = company.uk_representative.clone();
    (controller, processor)
}

/// The frameworks a document of a separate pair holds: the CCPA addendum the US state terms,
/// the GDPR DPA the Article 28 and transfer terms.
pub fn in_document(kind: DocumentKind, framework: Framework) -> bool {
    match framework {
        Framework::General => true,
        f if f.is_us_state() => kind == DocumentKind::Ccpa,
        _ => kind == DocumentKind::Gdpr,
    }
}

/// The other document of a separate pair.
pub fn other(kind: DocumentKind) -> DocumentKind {
    match kind {
        DocumentKind::Ccpa => DocumentKind::Gdpr,
        DocumentKind::Gdpr => DocumentKind::Ccpa,
    }
}

/// The suffix of a document's id: `-ccpa` or `-gdpr`.
pub fn suffix(kind: DocumentKind) -> &'static str {
    match kind {
        DocumentKind::Ccpa => "-ccpa",
        DocumentKind::Gdpr => "-gdpr",
    }
}

/// Splits a document id into the customer id and the document, when it names one.
pub fn split_id(id: &str) -> Option<(&str, DocumentKind)> {
    [DocumentKind::Ccpa, DocumentKind::Gdpr]
        .into_iter()
        .find_map(|k| id.strip_suffix(suffix(k)).map(|stem| (stem, k)))
}

/// Whether a customer is on specific authorisation.
pub fn specific(company: &Company, customer: &Vendor) -> bool {
    customer
        .transfers
        .subprocessor_authorisation
        .unwrap_or(company.scc.subprocessor_authorisation)
        == Authorisation::Specific
}
