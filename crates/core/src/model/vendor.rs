//! A vendor record, `vendors/<id>.toml`: who the vendor is and what it does with personal data.
//!
//! The types below are the schema: [`load`] checks a record against them (every problem at
//! once), deserialises it with serde, then runs the checks that span several fields.

use std::collections::BTreeMap;
use std::ops::Range;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::framework::Framework;
use super::schema::{self, Describe, Kind, Record, Spans};
use super::{Authorisation, Contact, Party, Signatory, country, security};
use crate::diag::Diagnostics;
use crate::{choices, record};

choices! {
    /// What the counterparty does with the personal data it receives, whatever the law: dpa
    /// derives from it, and from where the data comes from, its role under the GDPR, the UK GDPR,
    /// the FADP, the CCPA and the other US state privacy laws.
    pub enum Role {
        /// Processes the data on behalf of the party that decides why it is processed, on its instructions, to provide it a service: a vendor for us, or we for a customer on the processor side (a processor; a CCPA service provider; a processor under other US state laws).
        OnBehalf = "on_behalf",
        /// Processes the data on that party's behalf for a business purpose other than providing a service, such as an auditor or a consultant (a processor; a CCPA contractor; a processor under other US state laws).
        Contractor = "contractor",
        /// Decides itself why and how the data is processed (a controller in its own right; a third party under the CCPA).
        OwnPurposes = "own_purposes",
        /// Receives the data in exchange for money or other value, or for cross-context behavioural advertising (a sale or sharing under the CCPA; a controller).
        SaleOrSharing = "sale_or_sharing",
        /// Receives no personal data.
        NoPersonalData = "none",
    }
}

impl Role {
    /// Whether the counterparty processes the data on our behalf, whichever law names it.
    pub fn acts_for_us(self) -> bool {
        matches!(self, Role::OnBehalf | Role::Contractor)
    }

    /// The CCPA role it gives with Californian data.
    pub fn ccpa(self) -> CcpaRole {
        match self {
            Role::OnBehalf => CcpaRole::ServiceProvider,
            Role::Contractor => CcpaRole::Contractor,
            Role::OwnPurposes | Role::SaleOrSharing => CcpaRole::ThirdParty,
            Role::NoPersonalData => CcpaRole::None,
        }
    }

    /// The GDPR role it gives with European data.
    pub fn gdpr(self) -> GdprRole {
        match self {
            Role::OnBehalf | Role::Contractor => GdprRole::Processor,
            Role::OwnPurposes | Role::SaleOrSharing => GdprRole::Controller,
            Role::NoPersonalData => GdprRole::None,
        }
    }
}

// `choices!` derives a fixed set of traits, so the default is written out.
#[allow(clippy::derivable_impls)]
impl Default for CcpaRole {
    fn default() -> Self {
        CcpaRole::None
    }
}

#[allow(clippy::derivable_impls)]
impl Default for GdprRole {
    fn default() -> Self {
        GdprRole::None
    }
}

choices! {
    /// The vendor's role under the CCPA.
    pub enum CcpaRole {
        /// Processes personal information on our behalf for a business purpose.
        ServiceProvider = "service_provider",
        /// Receives personal information for a business purpose under a contract, other than a service provider.
        Contractor = "contractor",
        /// Our disclosure to it is a sale or sharing.
        ThirdParty = "third_party",
        /// Receives no personal information of California consumers in a CCPA role.
        None = "none",
    }
}

choices! {
    /// The vendor's role under the GDPR.
    pub enum GdprRole {
        /// Processes on our behalf.
        Processor = "processor",
        /// Processes on behalf of a processor (we are ourselves a processor).
        SubProcessor = "sub_processor",
        /// Decides purposes and means itself.
        Controller = "controller",
        /// No GDPR role.
        None = "none",
    }
}

choices! {
    /// How a restricted transfer is safeguarded.
    pub enum Mechanism {
        /// EU Standard Contractual Clauses.
        Scc = "scc",
        /// EU-US Data Privacy Framework certification.
        Dpf = "dpf",
        /// An adequacy decision covers the importer's country (not for an importer in the EEA, which needs no mechanism).
        Adequacy = "adequacy",
        /// No transfer mechanism.
        None = "none",
    }
}

choices! {
    /// How often the vendor processes the data.
    pub enum Frequency {
        /// On a continuous basis for the term of the service.
        Continuous = "continuous",
        /// Once.
        OneOff = "one-off",
    }
}

choices! {
    /// The state of an issued agreement version.
    pub enum AgreementStatus {
        /// Sent to the vendor for signature (`dpa send`); an issued version with no entry reads `issued`.
        Sent = "sent",
        /// Executed by both parties (`dpa sign`).
        Signed = "signed",
        /// No longer in force (written by hand); the version no longer covers any framework.
        Terminated = "terminated",
    }
}

record! {
    /// The services the vendor provides.
    #[derive(Debug, Clone, Serialize, Deserialize)]
    pub struct Service {
        /// What the vendor does for us, in one sentence.
        pub description: String [e.g. "Customer support ticketing and live chat"],
        /// The date the service starts (not the agreement's effective date: see `effective`).
        #[serde(deserialize_with = "schema_date::required")]
        pub starts: NaiveDate,
        /// The date the service ends, when fixed; once past, the tracker shows the vendor `ended` and asks for return or deletion of the data.
        #[serde(default, deserialize_with = "schema_date::optional")]
        pub ends: Option<NaiveDate>,
    }
}

record! {
    /// What personal data the vendor processes, for whom and why.
    #[derive(Debug, Clone, Serialize, Deserialize)]
    pub struct Processing {
        /// Whose data: country codes (`DE`), subdivisions (`US-CA`; `US` means every state), or `EEA`, `UK`, `CH`.
        [region]
        pub regions: Vec<String> [e.g. "US-CA|EEA|UK"],
        /// What the vendor does with the data; its role under each law follows from it and from the regions.
        pub role: Option<Role> = "required unless the older `ccpa_role` and `gdpr_role` are given" [e.g. "on_behalf"],
        /// Deprecated, use `role`: the vendor's role under the CCPA; derived from `role` and the regions when left out.
        #[serde(default)]
        pub ccpa_role: CcpaRole = "derived from `role`",
        /// Deprecated, use `role`: the vendor's role under the GDPR; derived from `role` and the regions when left out.
        #[serde(default)]
        pub gdpr_role: GdprRole = "derived from `role`",
        /// The specified business purposes (at least one).
        pub purposes: Vec<String> [e.g. "Providing customer support to our users"],
        /// Categories of data subjects.
        pub data_subjects: Vec<String> [e.g. "Customers|Prospects"],
        /// Categories of personal data.
        pub data_categories: Vec<String> [e.g. "Names|Email addresses|Support messages"],
        /// Special categories of data, each with its safeguards.
        #[serde(default)]
        pub sensitive_data: Vec<String> [e.g. "Health data in support messages, restricted to trained staff"],
        /// How often the data is processed.
        pub frequency: Frequency,
        /// How long the data is kept while the Services continue.
        pub retention: String [e.g. "For the term of the Services"],
        /// Days after the Services end (or a request) within which the data is returned and deleted, 1 to 180.
        #[serde(default = "default_deletion_days")]
        pub deletion_days: u32 = "30" [e.g. "60"],
        /// Days after `deletion_days` within which copies held in backups are deleted, when backups are kept longer than the data in use.
        pub backup_deletion_days: Option<u32> = "backups are deleted within `deletion_days` like every other copy; on the processor side, `backup_deletion_days` in dpa.toml" [e.g. "35"],
        /// A legal duty of the vendor itself to store some data after the Services end, if any.
        pub kept_by_law: Option<String> [e.g. "Invoices for 10 years under German commercial law"],
    }
}

record! {
    /// Transfer choices; fields left out take the company's defaults from `dpa.toml`.
    #[derive(Debug, Clone, Serialize, Deserialize, Default)]
    pub struct Transfers {
        /// How a restricted transfer is safeguarded; when left out, dpa derives it from the regions, the vendor's country and the adequacy data.
        pub mechanism: Option<Mechanism> = "derived from the facts",
        /// SCC clause 7: whether the optional docking clause applies.
        pub docking_clause: Option<bool> = "`scc.docking_clause` in dpa.toml",
        /// SCC clause 9(a): specific or general authorisation of sub-processors.
        pub subprocessor_authorisation: Option<Authorisation> = "`scc.subprocessor_authorisation` in dpa.toml",
        /// SCC clause 9(a): days of notice before a sub-processor is added or replaced.
        pub subprocessor_notice_days: Option<u32> = "`scc.subprocessor_notice_days` in dpa.toml" [e.g. "14"],
        /// SCC clause 17: governing law, a country code.
        [country]
        pub governing_law: Option<String> = "`governing_law` in dpa.toml" [e.g. "NL"],
        /// SCC clause 18: forum, a country code.
        [country]
        pub forum: Option<String> = "`forum` in dpa.toml" [e.g. "NL"],
        /// Whether the UK Addendum is used for UK transfers; `false` is refused while UK data leaves the UK without adequacy.
        pub uk_addendum: Option<bool> = "used whenever the SCCs cover UK data",
        /// Whether the Swiss adaptations are used for Swiss transfers; `false` is refused while Swiss data leaves Switzerland without adequacy.
        pub swiss_adaptations: Option<bool> = "used whenever the SCCs cover Swiss data",
        /// UK Addendum Table 4: which parties may end it when the ICO revises it, `importer` and/or `exporter`; an empty list means neither.
        pub uk_may_end: Option<Vec<Party>> = "`scc.uk_may_end` in dpa.toml" [e.g. "exporter"],
        /// SCC clause 11(a): whether the optional independent dispute resolution applies.
        pub idr: Option<bool> = "`scc.idr` in dpa.toml",
        /// SCC Clause 14(b): the date the parties completed the transfer impact assessment; left out, the agreement binds them to make one before the first transfer instead of reciting that it was made.
        #[serde(default, deserialize_with = "schema_date::optional")]
        pub tia_completed: Option<NaiveDate>,
        /// Module Four only (UK Addendum Table 2): whether the exporter, the processor returning data, combines it with personal data it collected itself; when it does, SCC Clauses 14 and 15 apply.
        pub exporter_combines: Option<bool> = "false: the processor returns only the data it processes for us",
    }
}

record! {
    /// One sub-processor the vendor uses.
    #[derive(Debug, Clone, Serialize, Deserialize)]
    pub struct Subprocessor {
        /// Legal name.
        pub name: String [e.g. "Amazon Web Services, Inc."],
        /// Country code where it processes.
        [country]
        pub country: String [e.g. "US"],
        /// Further countries where it processes the data, when it processes in more than one (Annex III lists them all).
        [country]
        #[serde(default)]
        pub also_in: Vec<String> [e.g. "DE"],
        /// What it does.
        pub purpose: String [e.g. "Hosting"],
        /// Postal address; may be left out (required under specific authorisation).
        #[serde(default)]
        pub address: String [e.g. "410 Terry Avenue North, Seattle, WA 98109, USA"],
        /// Contact person's name, position and contact details; may be left out (required under specific authorisation).
        #[serde(default)]
        pub contact: String [e.g. "Privacy Officer, aws-privacy@example.com"],
        /// Processor side: the date (in words) it joined this customer's list, when that is after the agreement took effect.
        [computed]
        #[serde(skip_deserializing, skip_serializing_if = "Option::is_none")]
        pub from: Option<String>,
    }
}

choices! {
    /// Whose paper an agreement is on.
    pub enum AgreementPaper {
        /// Ours: a version issued by dpa (`dpa record`), identified by `version`.
        Ours = "ours",
        /// The vendor's own document, identified by `file` and `sha256`; it covers a framework in `status` only after a review (`dpa review --save`) that a person confirmed (`dpa confirm`) or whose gaps a person accepted (`dpa accept`).
        Vendor = "vendor",
    }
}

fn ours() -> AgreementPaper {
    AgreementPaper::Ours
}

record! {
    /// A gap in a vendor's document that a person accepted (`dpa accept`): the requirement counts as met.
    #[derive(Debug, Clone, Serialize, Deserialize)]
    pub struct AcceptedGap {
        /// The requirement id accepted as not met by the document (`gdpr.28.4.flowdown`).
        pub requirement: String [e.g. "gdpr.28.4.flowdown"],
        /// Who accepted it.
        pub by: String [e.g. "Priya Natarajan, General Counsel"],
        /// When.
        #[serde(deserialize_with = "schema_date::required")]
        pub on: NaiveDate,
        /// Why the gap is acceptable.
        pub reason: String [e.g. "Flow-down is in the vendor's master agreement, section 9.3"],
    }
}

record! {
    /// A person's confirmation that a vendor's document, as reviewed, is acceptable (`dpa confirm`): it binds the document's SHA-256, so a later version is not confirmed.
    #[derive(Debug, Clone, Serialize, Deserialize)]
    pub struct Confirmation {
        /// Who confirmed it (name and role).
        pub by: String [e.g. "Priya Natarajan, General Counsel"],
        /// When.
        #[serde(deserialize_with = "schema_date::required")]
        pub on: NaiveDate,
        /// SHA-256 of the document confirmed, 64 hexadecimal digits.
        pub sha256: String [e.g. "3f1c0a4e9b8d7c6f5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f"],
    }
}

record! {
    /// One agreement: an issued version and its state as recorded by `dpa send` and `dpa sign`, or a vendor's own document signed instead (`paper = "vendor"`).
    #[derive(Debug, Clone, Serialize, Deserialize)]
    pub struct AgreementState {
        /// Whose paper it is on.
        [managed]
        #[serde(default = "ours")]
        pub paper: AgreementPaper = "ours",
        /// The issued version (our paper; required there, absent on the vendor's paper).
        pub version: Option<u32> [e.g. "1"],
        /// The title of the vendor's document (vendor paper).
        pub title: Option<String> [e.g. "Cloud Host GDPR Data Processing Addendum"],
        /// The frameworks the signatory believes the vendor's document covers (vendor paper; `ccpa`, `gdpr`, `scc`, `uk`, `ch`, `dpf`, `usstate`).
        #[serde(default)]
        pub frameworks: Vec<Framework> [e.g. "gdpr|scc"],
        /// Processor side with separate documents: which of the customer's agreements the version belongs to.
        pub document: Option<DocumentKind>,
        /// The state of the version.
        pub status: AgreementStatus,
        /// Date it was sent for signature, as recorded by `dpa send`.
        #[serde(default, deserialize_with = "schema_date::optional")]
        pub sent_on: Option<NaiveDate>,
        /// Date of execution.
        #[serde(default, deserialize_with = "schema_date::optional")]
        pub signed_on: Option<NaiveDate>,
        /// Date the agreement expires.
        #[serde(default, deserialize_with = "schema_date::optional")]
        pub expires_on: Option<NaiveDate>,
        /// SHA-256 of the executed PDF, 64 hexadecimal digits.
        pub sha256: Option<String> [e.g. "3f1c0a4e9b8d7c6f5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f"],
        /// The executed copy kept in the workspace, relative to it (`agreements/<id>/executed/v<N>.pdf`).
        pub file: Option<String> [e.g. "agreements/zendesk/executed/v1.pdf"],
        /// SHA-256 of the issued version's manifest.json when it was signed, to detect a moved tag.
        pub manifest_sha256: Option<String> [e.g. "9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b"],
        /// When the agreement was entered in dpa, for one signed before it was recorded (`dpa sign` writes it).
        #[serde(default, deserialize_with = "schema_date::optional")]
        pub recorded_on: Option<NaiveDate>,
        /// Who entered it (the git author of `dpa sign`).
        pub recorded_by: Option<String> [e.g. "Jo Buyer <jo@example.com>"],
        /// Gaps in the vendor's document that a person accepted (`[[agreements.accepted]]`, written by `dpa accept`).
        #[serde(default)]
        pub accepted: Vec<AcceptedGap>,
        /// A person's confirmation of the vendor's document as reviewed (`[agreements.confirmed]`, written by `dpa confirm`); without it an automated review never makes the document cover a framework.
        pub confirmed: Option<Confirmation>,
    }
}

/// Annex II measures by category key (`encryption`, `access_control`, ...; see `tom.01`..`tom.17`).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Security(pub BTreeMap<String, String>);

impl Describe for Security {
    fn kind() -> Kind {
        Kind::Map(&security::CHOICES, String::kind)
    }
}

choices! {
    /// On the processor side with `documents = "separate"`, which of a customer's two agreements.
    pub enum DocumentKind {
        /// The CCPA addendum (service-provider or contractor terms).
        Ccpa = "ccpa",
        /// The GDPR data processing addendum (Article 28 and transfers).
        Gdpr = "gdpr",
    }
}

record! {
    /// Processor side: what happened to the notice of one intended sub-processor, as recorded by `dpa subprocessors`.
    #[derive(Debug, Clone, Serialize, Deserialize)]
    pub struct Notice {
        /// The sub-processor's name, as in `dpa.toml`.
        pub subprocessor: String [e.g. "Vectorline AI Ltd"],
        /// The date the notice (or the request for consent) was sent.
        #[serde(default, deserialize_with = "schema_date::optional")]
        pub sent_on: Option<NaiveDate>,
        /// The date the customer objected.
        #[serde(default, deserialize_with = "schema_date::optional")]
        pub objected_on: Option<NaiveDate>,
        /// The date the customer gave its specific authorisation.
        #[serde(default, deserialize_with = "schema_date::optional")]
        pub consented_on: Option<NaiveDate>,
        /// The date the customer refused its specific authorisation.
        #[serde(default, deserialize_with = "schema_date::optional")]
        pub refused_on: Option<NaiveDate>,
    }
}

record! {
    /// A vendor record.
    #[derive(Debug, Clone, Serialize, Deserialize)]
    pub struct Vendor {
        /// Legal name.
        pub name: String [e.g. "Zendesk, Inc."],
        /// The defined term used in the agreement's text.
        #[serde(default)]
        pub short_name: String = "the legal name" [e.g. "Zendesk"],
        /// Kind of entity, such as "a Delaware corporation".
        #[serde(default)]
        pub entity: String [e.g. "a Delaware corporation"],
        /// Postal address.
        pub address: String [e.g. "989 Market Street, San Francisco, CA 94103, USA"],
        /// Country of establishment (ISO 3166-1 alpha-2), also where it processes unless stated otherwise.
        [country]
        pub country: String [e.g. "US"],
        /// `false` when the vendor receives no personal data: it then needs no agreement and no `[processing]`.
        pub personal_data: Option<bool> = "true",
        /// Privacy contact.
        pub contact: Contact,
        /// Who signs for the vendor.
        pub signatory: Signatory,
        /// The services.
        pub service: Service,
        /// The date the agreement takes effect, when the parties fix one; left out, it takes effect on signature.
        #[serde(default, deserialize_with = "schema_date::optional")]
        pub effective: Option<NaiveDate>,
        /// The processing.
        pub processing: Processing,
        /// Transfer choices.
        #[serde(default)]
        pub transfers: Transfers,
        /// Annex II technical and organisational measures, by category: the keys below are Annex II's `tom.01` to `tom.17`, in order.
        #[serde(default)]
        pub security: Security [e.g. "storage=Data at rest is encrypted with AES-256"],
        /// Sub-processors (`[[subprocessors]]`).
        #[serde(default)]
        pub subprocessors: Vec<Subprocessor>,
        /// Customer records only: the customer's competent supervisory authority, for SCC Clause 13 and Annex I.C when it exports.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub supervisory_authority: Option<super::company::Organisation>,
        /// Customer records only: the customer's representative under GDPR Art. 27, if any.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub eu_representative: Option<super::company::Organisation>,
        /// Customer records only: the customer's representative under UK GDPR Art. 27, if any.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub uk_representative: Option<super::company::Organisation>,
        /// Customer records only: one agreement (`"combined"`) or a CCPA addendum and a GDPR DPA (`"separate"`) for this customer; left out, dpa.toml's `documents`.
        pub documents: Option<super::company::Documents>,
        /// Customer records only: positions negotiated with this customer, over those of dpa.toml.
        #[serde(default)]
        pub positions: super::company::Positions,
        /// Customer records only: sub-processor change notices (`[[notices]]`).
        [managed]
        #[serde(default)]
        pub notices: Vec<Notice>,
        /// Issued versions and their state (`[[agreements]]`).
        [managed]
        #[serde(default)]
        pub agreements: Vec<AgreementState>,
        /// Who in our company looks after this vendor (procurement's own data; never printed in agreements).
        pub owner: Option<String> [e.g. "Jo Buyer"],
        /// Procurement's free-text notes (never printed in agreements).
        pub notes: Option<String> [e.g. "Renewal under negotiation"],
        /// Processor side with separate documents: which of the customer's agreements this is (the id then ends in `-ccpa` or `-gdpr`).
        [computed]
        #[serde(skip)]
        pub document: Option<DocumentKind>,
        /// The file stem, `[a-z0-9][a-z0-9-]{0,63}`.
        [computed]
        #[serde(skip_deserializing)]
        pub id: String,
        /// Spans of the record's values by dotted path, for later checks.
        [computed]
        #[serde(skip)]
        pub spans: Spans,
        /// The record's file, as diagnostics name it.
        [computed]
        #[serde(skip)]
        pub file: String,
    }
}

impl schema::HasSpans for Vendor {
    fn spans_mut(&mut self) -> &mut Spans {
        &mut self.spans
    }
}

impl Vendor {
    /// The span of a field, by dotted path, if the record gives it.
    pub fn span(&self, path: &str) -> Option<Range<usize>> {
        self.spans.get(path)
    }

    /// Annex II measures in category order, each with its category.
    pub fn measures(&self) -> Vec<(&'static security::TomCategory, &str)> {
        security::CATEGORIES
            .iter()
            .filter_map(|c| self.security.0.get(c.key).map(|t| (c, t.as_str())))
            .collect()
    }
}

/// Days to return and delete the data when the record does not say.
pub const DEFAULT_DELETION_DAYS: u32 = 30;
/// The longest return-and-deletion period a record may set.
pub const MAX_DELETION_DAYS: u32 = 180;

fn default_deletion_days() -> u32 {
    DEFAULT_DELETION_DAYS
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

/// The valid id nearest to a file stem: `Zendesk` -> `zendesk`, `Acme_Inc` -> `acme-inc`.
pub fn suggest_id(stem: &str) -> Option<String> {
    let mut out = String::new();
    for c in stem.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let out: String = out.trim_end_matches('-').chars().take(64).collect();
    let out = out.trim_end_matches('-').to_string();
    valid_id(&out).then_some(out)
}

/// The fields a vendor record may hold.
pub fn fields() -> &'static [schema::Field] {
    Vendor::FIELDS
}

/// Loads one vendor record, reporting every problem to `diags`.
pub fn load(id: &str, file: &str, text: &str, diags: &mut Diagnostics) -> Option<Vendor> {
    let mut vendor: Vendor = schema::load(file, text, diags)?;
    vendor.id = id.to_string();
    vendor.file = file.to_string();
    if vendor.short_name.is_empty() {
        vendor.short_name = vendor.name.clone();
    }
    let before = diags.error_count();
    derive_roles(&mut vendor, diags);
    check(&vendor, diags);
    (diags.error_count() == before).then_some(vendor)
}

/// Whether the regions hold Californian data (`US` counts every state).
pub fn californian(regions: &[String]) -> bool {
    regions.iter().any(|r| r == "US-CA" || r == "US")
}

/// Whether the regions hold data of the EEA, the UK or Switzerland.
pub fn european(regions: &[String]) -> bool {
    regions.iter().any(|r| country::region_origin(r).is_some())
}

/// Each law's role from `processing.role` and the data's origin, where the record leaves it to
/// dpa; the older per-law fields still work, with a note that `role` replaces them.
fn derive_roles(v: &mut Vendor, diags: &mut Diagnostics) {
    let given = |path: &str| v.spans.get(path).is_some();
    let (ccpa_given, gdpr_given) = (given("processing.ccpa_role"), given("processing.gdpr_role"));
    let mut c = schema::Checks {
        file: &v.file,
        spans: &v.spans,
        diags,
    };
    let p = &mut v.processing;
    match p.role {
        None if !(ccpa_given || gdpr_given) => {
            let names: Vec<&str> = Role::CHOICES.iter().map(|c| c.name).collect();
            c.error(
                "processing",
                "`processing.role` is missing: what does the vendor do with the personal data?"
                    .into(),
            )
            .hints
            .push(format!("one of {}", names.join(", ")));
        }
        None => {
            c.warning(
                if ccpa_given { "processing.ccpa_role" } else { "processing.gdpr_role" },
                "`ccpa_role` and `gdpr_role` are deprecated: `processing.role` says what the vendor does, and dpa derives each law's role from it and from the regions".into(),
            )
            .hints
            .push("for example `role = \"on_behalf\"` for a service provider and processor".into());
        }
        Some(role) => {
            for (given, path, derived, stated) in [
                (
                    ccpa_given,
                    "processing.ccpa_role",
                    role.ccpa().as_str(),
                    p.ccpa_role.as_str(),
                ),
                (
                    gdpr_given,
                    "processing.gdpr_role",
                    role.gdpr().as_str(),
                    p.gdpr_role.as_str(),
                ),
            ] {
                if given
                    && stated != "none"
                    && stated != derived
                    && !(derived == "processor" && stated == "sub_processor")
                {
                    c.error(
                        path,
                        format!("`{stated}` contradicts `role = \"{}\"`, which makes the vendor `{derived}`", role.as_str()),
                    )
                    .hints
                    .push(format!("remove `{}`: dpa derives it from `role`", path.trim_start_matches("processing.")));
                }
            }
            if !ccpa_given {
                p.ccpa_role = if californian(&p.regions) {
                    role.ccpa()
                } else {
                    CcpaRole::None
                };
            }
            if !gdpr_given {
                p.gdpr_role = if european(&p.regions) {
                    role.gdpr()
                } else {
                    GdprRole::None
                };
            }
        }
    }
}

impl Processing {
    /// Whether the vendor processes the data on our behalf under some law: a US state's processor
    /// terms apply to it whatever its GDPR or CCPA role, which depend on where the data comes from.
    pub fn acts_for_us(&self) -> bool {
        match self.role {
            Some(role) => role.acts_for_us(),
            None => {
                matches!(self.gdpr_role, GdprRole::Processor | GdprRole::SubProcessor)
                    || matches!(
                        self.ccpa_role,
                        CcpaRole::ServiceProvider | CcpaRole::Contractor
                    )
            }
        }
    }
}

/// The checks that span several fields or need more than a field's type.
fn check(v: &Vendor, diags: &mut Diagnostics) {
    let mut c = schema::Checks {
        file: &v.file,
        spans: &v.spans,
        diags,
    };
    if v.processing.purposes.is_empty() {
        c.error(
            "processing.purposes",
            "`processing.purposes` must name at least one specific business purpose".into(),
        )
        .hints
        .push(
            "the CCPA (11 CCR 7051(a)(2)) and GDPR Art. 28(3) require the purposes to be specified"
                .into(),
        );
    }
    if let Some(ends) = v.service.ends
        && ends < v.service.starts
    {
        c.error(
            "service.ends",
            format!(
                "`service.ends` ({ends}) is before `service.starts` ({})",
                v.service.starts
            ),
        );
    }
    if v.personal_data == Some(false) && !v.processing.regions.is_empty() {
        c.error(
            "personal_data",
            "`personal_data = false`, but `processing.regions` names whose personal data the vendor handles".into(),
        )
        .hints
        .push("leave `processing` out for a vendor that receives no personal data, or remove `personal_data = false`".into());
    }
    let d = v.processing.deletion_days;
    if !(1..=MAX_DELETION_DAYS).contains(&d) {
        c.error(
            "processing.deletion_days",
            format!("`processing.deletion_days` must be between 1 and {MAX_DELETION_DAYS}, found {d}"),
        )
        .hints
        .push("GDPR Art. 28(3)(g): the data is returned or deleted when the Services end; a legal duty of the vendor to keep some of it belongs in `processing.kept_by_law`".into());
    }
    if v.transfers.mechanism == Some(Mechanism::Adequacy) && country::is_eea(&v.country) {
        let name = country::name(&v.country).unwrap_or(&v.country);
        c.error(
            "transfers.mechanism",
            format!(
                "`transfers.mechanism` is \"adequacy\", but {name} ({}) is in the EEA: data sent there is not a restricted transfer, so no transfer mechanism is needed",
                v.country
            ),
        )
        .hints
        .push("leave `mechanism` out".into());
    }
    let mut versions = Vec::new();
    for (i, a) in v.agreements.iter().enumerate() {
        let p = format!("agreements[{i}]");
        for (key, value) in [
            ("sha256", &a.sha256),
            ("manifest_sha256", &a.manifest_sha256),
        ] {
            if let Some(h) = value
                && (h.len() != 64 || !h.bytes().all(|b| b.is_ascii_hexdigit()))
            {
                c.error(
                    &format!("{p}.{key}"),
                    format!("`{p}.{key}` must be 64 hexadecimal digits"),
                );
            }
        }
        if a.status == AgreementStatus::Signed && a.signed_on.is_none() {
            c.error(
                &p,
                format!("`{p}` has status \"signed\" but no `signed_on` date"),
            );
        }
        match (a.paper, a.version) {
            // Our paper signed before dpa: the executed document stands for the version.
            (AgreementPaper::Ours, None)
                if a.file.is_some() && a.sha256.is_some() && !a.frameworks.is_empty() => {}
            (AgreementPaper::Ours, None) => {
                c.error(
                    &p,
                    format!("`{p}` has no `version`: an agreement on our paper names the issued version it records, or, signed before dpa, its `file`, `sha256` and `frameworks`"),
                )
                .hints
                .push("record an agreement signed before dpa with `dpa sign ID --paper ours --file EXECUTED.pdf --title TITLE --framework F --date D`; for a document the vendor drafted, use `--paper vendor`".into());
            }
            (AgreementPaper::Ours, Some(version)) => {
                // Each document of a separate pair numbers its own versions.
                if versions.contains(&(a.document, version)) {
                    let of = a
                        .document
                        .map(|d| format!(" of the {} document", d.as_str()))
                        .unwrap_or_default();
                    c.error(
                        &p,
                        format!("version {version}{of} appears twice in `[[agreements]]`"),
                    );
                }
                versions.push((a.document, version));
            }
            (AgreementPaper::Vendor, version) => {
                if version.is_some() {
                    c.error(
                        &format!("{p}.version"),
                        format!("`{p}` is on the vendor's paper, which has no issued version: leave `version` out"),
                    );
                }
                if a.file.is_none() || a.sha256.is_none() {
                    c.error(
                        &p,
                        format!("`{p}` is on the vendor's paper but lacks `file` or `sha256`: record it with `dpa sign ID --paper vendor --file DOCUMENT`"),
                    );
                }
                if a.frameworks.is_empty() {
                    c.error(
                        &p,
                        format!("`{p}` is on the vendor's paper but names no `frameworks` it is meant to cover"),
                    );
                }
                for (j, f) in a.frameworks.iter().enumerate() {
                    if *f == Framework::General {
                        c.error(
                            &format!("{p}.frameworks[{j}]"),
                            format!(
                                "`{f}` is not a framework a document is meant to cover: use {}",
                                Framework::join(&Framework::REGULATED)
                            ),
                        );
                    }
                }
            }
        }
    }
}

/// serde helpers for dates written as a TOML date (`2025-01-15`) or a string of that form.
pub(crate) mod schema_date {
    use chrono::NaiveDate;
    use serde::{Deserialize, Deserializer, de::Error};

    fn parse<E: Error>(v: toml::Value) -> Result<NaiveDate, E> {
        let text = match v {
            toml::Value::Datetime(d) => d.to_string(),
            toml::Value::String(s) => s,
            other => {
                return Err(E::custom(format!(
                    "expected a date, found {}",
                    other.type_str()
                )));
            }
        };
        NaiveDate::parse_from_str(&text, "%Y-%m-%d")
            .map_err(|_| E::custom(format!("`{text}` is not a valid date")))
    }

    /// A required date.
    pub fn required<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
        parse(toml::Value::deserialize(d)?)
    }

    /// An optional date.
    pub fn optional<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
        Option::<toml::Value>::deserialize(d)?
            .map(parse)
            .transpose()
    }
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
        assert_eq!(v.agreements[0].status, AgreementStatus::Sent);
        assert_eq!(v.agreements[0].sent_on, NaiveDate::from_ymd_opt(2025, 2, 1));
    }

    #[test]
    fn invalid_stems_suggest_an_id() {
        assert_eq!(suggest_id("Zendesk").as_deref(), Some("zendesk"));
        assert_eq!(suggest_id("Acme_Inc").as_deref(), Some("acme-inc"));
        assert_eq!(suggest_id("-x-").as_deref(), Some("x"));
        assert_eq!(suggest_id("___"), None);
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
