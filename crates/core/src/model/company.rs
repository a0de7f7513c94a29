//! Our side of every agreement: the company record in `dpa.toml`.

use serde::{Deserialize, Serialize};

use super::schema::{self, Describe, Field, Kind, ListItem, Record, Role, Spans};
use super::vendor::Subprocessor;
use super::{Authorisation, Contact, Party, Signatory};
use crate::diag::Diagnostics;
use crate::{choices, record};

choices! {
    /// Whether we act as controller (our own data) or as processor (our customers' data).
    pub enum CompanyRole {
        /// We decide why and how the data is processed.
        Controller = "controller",
        /// We process the data on behalf of our own customers (GDPR processor).
        Processor = "processor",
        /// We process the data on behalf of our own customers (CCPA service provider); the same side as `processor`.
        ServiceProvider = "service_provider",
    }
}

impl CompanyRole {
    /// Whether we act for others: `processor` or `service_provider`.
    pub fn acts_for_others(self) -> bool {
        matches!(self, CompanyRole::Processor | CompanyRole::ServiceProvider)
    }
}

choices! {
    /// On the processor side, how a customer's terms are issued.
    pub enum Documents {
        /// One agreement holds every framework the customer needs.
        Combined = "combined",
        /// A customer needing both gets a CCPA addendum and a GDPR DPA, each issued, versioned and tracked on its own.
        Separate = "separate",
    }
}

/// One of our own sub-processors (processor side): Annex III of every customer's agreement.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OurSubprocessor {
    /// The sub-processor as Annex III lists it, with the keys of a vendor record's
    /// `[[subprocessors]]`.
    #[serde(flatten)]
    pub listed: Subprocessor,
    /// For an intended addition, the date it is to start (see [`OurSubprocessor::FIELDS`]).
    #[serde(default, deserialize_with = "super::vendor::schema_date::optional")]
    pub effective: Option<chrono::NaiveDate>,
    /// For a replacement, the sub-processor it replaces: that one leaves a customer's Annex III
    /// when this one joins it.
    #[serde(default)]
    pub replaces: Option<String>,
}

impl Record for OurSubprocessor {
    const FIELDS: &'static [Field] = &schema::extend::<9>(
        Subprocessor::FIELDS,
        &[
            (
                "address",
                "Postal address; needed for customers on specific authorisation.",
            ),
            (
                "contact",
                "Contact person's name, position and contact details; needed for customers on specific authorisation.",
            ),
        ],
        &[
            Field {
                name: "effective",
                doc: "For an intended addition (`dpa subprocessors add`): the date it is to start; it joins a customer's Annex III from then, once that customer's objection period has passed without objection.",
                kind: <Option<chrono::NaiveDate> as Describe>::kind,
                optional: true,
                default: None,
                example: None,
                role: Role::Written,
                format: None,
            },
            Field {
                name: "replaces",
                doc: "For a replacement (`dpa subprocessors replace`): the name of the sub-processor it replaces, which leaves each customer's Annex III when this one joins it.",
                kind: <Option<String> as Describe>::kind,
                optional: true,
                default: None,
                example: Some("Postwise, Inc."),
                role: Role::Written,
                format: None,
            },
        ],
    );
}

impl Describe for OurSubprocessor {
    fn kind() -> Kind {
        Kind::Table(|| Self::FIELDS)
    }
}

impl ListItem for OurSubprocessor {
    fn list_kind() -> Kind {
        Kind::Tables(|| Self::FIELDS)
    }
}

choices! {
    /// Paper size of rendered agreements.
    pub enum Paper {
        /// 8.5 x 11 inches.
        UsLetter = "us-letter",
        /// ISO A4.
        A4 = "a4",
    }
}

impl Paper {
    /// Typst's name for the paper size.
    pub fn typst_name(self) -> &'static str {
        self.as_str()
    }
}

record! {
    /// A postal address with a name, such as an EU representative or a supervisory authority.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct Organisation {
        /// Name.
        pub name: String [e.g. "EU Rep Ltd"],
        /// Postal address.
        pub address: String [e.g. "1 Dame Street, Dublin 2, Ireland"],
        /// Email address.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub email: Option<String> [e.g. "rep@example.com"],
    }
}

fn yes() -> bool {
    true
}
fn general() -> Authorisation {
    Authorisation::General
}
fn thirty() -> u32 {
    30
}
fn both_parties() -> Vec<Party> {
    vec![Party::Importer, Party::Exporter]
}
fn ireland() -> String {
    "IE".into()
}

record! {
    /// Default choices for the EU Standard Contractual Clauses and the UK Addendum.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct SccDefaults {
        /// Clause 7: whether the optional docking clause applies.
        #[serde(default = "yes")]
        pub docking_clause: bool = "true",
        /// Clause 9(a): specific or general authorisation of sub-processors.
        #[serde(default = "general")]
        pub subprocessor_authorisation: Authorisation = "general",
        /// Clause 9(a): days of notice before a sub-processor is added or replaced.
        #[serde(default = "thirty")]
        pub subprocessor_notice_days: u32 = "30" [e.g. "14"],
        /// Clause 11(a): whether the optional independent dispute resolution applies.
        #[serde(default)]
        pub idr: bool = "false",
        /// UK Addendum Table 4: which parties may end it when the ICO revises it, `importer` and/or `exporter`; an empty list means neither.
        #[serde(default = "both_parties")]
        pub uk_may_end: Vec<Party> = "[\"importer\", \"exporter\"]" [e.g. "importer"],
    }
}

impl Default for SccDefaults {
    fn default() -> Self {
        SccDefaults {
            docking_clause: yes(),
            subprocessor_authorisation: general(),
            subprocessor_notice_days: thirty(),
            idr: false,
            uk_may_end: both_parties(),
        }
    }
}

record! {
    /// Our standard positions on negotiated terms; each left out takes the market position of our side of the table (as the customer, the terms that protect the customer; as the vendor, balanced terms a processor can sign), and a customer record's `[positions]` overrides them.
    #[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
    pub struct Positions {
        /// Hours within which the processor notifies a Personal Data Breach, at the latest (and always without undue delay).
        pub breach_notice_hours: Option<u32> = "48 as the customer, 72 as the vendor" [e.g. "48"],
        /// Whether each party's liability under the Addendum is subject to the limitations and exclusions of liability in the Agreement.
        pub liability_under_agreement: Option<bool> = "false as the customer, true as the vendor",
        /// Whether the processor may create aggregated or deidentified data from the personal data and use it to operate and improve its services.
        pub deidentified_use: Option<bool> = "false as the customer, true as the vendor",
        /// Whether the processor refunds fees paid in advance for services not performed when the customer terminates under the Addendum.
        pub refund_on_termination: Option<bool> = "true as the customer, false as the vendor",
    }
}

impl Positions {
    /// These positions, with each one left out taken from `defaults`.
    pub fn or(&self, defaults: &Positions) -> Positions {
        Positions {
            breach_notice_hours: self.breach_notice_hours.or(defaults.breach_notice_hours),
            liability_under_agreement: self
                .liability_under_agreement
                .or(defaults.liability_under_agreement),
            deidentified_use: self.deidentified_use.or(defaults.deidentified_use),
            refund_on_termination: self
                .refund_on_termination
                .or(defaults.refund_on_termination),
        }
    }

    /// The market positions of the customer (`true`) or of the vendor (`false`), every one given.
    pub fn market(customer: bool) -> Positions {
        Positions {
            breach_notice_hours: Some(if customer { 48 } else { 72 }),
            liability_under_agreement: Some(!customer),
            deidentified_use: Some(!customer),
            refund_on_termination: Some(customer),
        }
    }
}

record! {
    /// Facts that decide whether we are a CCPA "business" (Cal. Civ. Code 1798.140(d)).
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
    pub struct CcpaFacts {
        /// Annual gross revenue in US dollars; above the CCPA threshold (USD 26,625,000 from 2025-01-01, kept in data/ccpa.toml) we are a business.
        pub annual_gross_revenue_usd: Option<u64> [e.g. "30000000"],
        /// Consumers or households whose personal information we buy, sell or share per year; 100,000 or more makes us a business.
        pub consumers_or_households: Option<u64> [e.g. "120000"],
        /// Percentage (0 to 100) of annual revenue that comes from selling or sharing personal information; 50 or more makes us a business.
        pub revenue_percent_from_selling_or_sharing: Option<u32> [e.g. "10"],
    }
}

impl CcpaFacts {
    /// Whether any threshold of 1798.140(d)(1) is met; `None` when no fact is given.
    pub fn is_business(&self) -> Option<bool> {
        if self.annual_gross_revenue_usd.is_none()
            && self.consumers_or_households.is_none()
            && self.revenue_percent_from_selling_or_sharing.is_none()
        {
            return None;
        }
        Some(
            self.annual_gross_revenue_usd
                // The threshold is dated data (data/ccpa.toml), adjusted every other year.
                .is_some_and(|r| r > super::ccpa::revenue_threshold().usd)
                || self.consumers_or_households.is_some_and(|c| c >= 100_000)
                || self
                    .revenue_percent_from_selling_or_sharing
                    .is_some_and(|p| p >= 50),
        )
    }
}

record! {
    /// The company record: our legal identity, people and defaults.
    #[derive(Debug, Clone, Serialize, Deserialize)]
    pub struct Company {
        /// Legal name.
        pub name: String [e.g. "Acme Analytics, Inc."],
        /// The defined term used in the agreement's text.
        #[serde(default)]
        pub short_name: String = "the legal name" [e.g. "Acme"],
        /// Kind of entity, such as "a Delaware corporation".
        #[serde(default)]
        pub entity: String [e.g. "a Delaware corporation"],
        /// Registered address.
        pub address: String [e.g. "1 Main Street, Springfield, CA 90000, USA"],
        /// Country of establishment (ISO 3166-1 alpha-2).
        [country]
        pub country: String [e.g. "US"],
        /// Whether we act as controller (our counterparties are vendors, `vendors/<id>.toml`) or for others as processor or service provider (our counterparties are customers, `customers/<id>.toml`; a processor papering its own sub-processors keeps `vendors/` instead).
        #[serde(default = "controller")]
        pub role: CompanyRole = "controller",
        /// Processor side: whether a customer needing CCPA and GDPR terms gets one agreement or two.
        #[serde(default = "combined")]
        pub documents: Documents = "combined",
        /// Processor side: Annex II of every customer's agreement, by category (the keys are Annex II's `tom.01` to `tom.17`).
        #[serde(default)]
        pub security: super::vendor::Security [e.g. "storage=Data at rest is encrypted with AES-256"],
        /// Processor side: our sub-processors (`[[subprocessors]]`), Annex III of every customer's agreement.
        #[serde(default)]
        pub subprocessors: Vec<OurSubprocessor>,
        /// Who signs for us.
        pub signatory: Signatory,
        /// Privacy contact or data protection officer.
        pub contact: Contact,
        /// EU representative under GDPR Art. 27.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub eu_representative: Option<Organisation>,
        /// Processor side: days after a customer's deletion period within which copies held in our backups are deleted, unless the customer's record says otherwise.
        pub backup_deletion_days: Option<u32> = "backups are deleted within the deletion period" [e.g. "35"],
        /// UK representative under UK GDPR Art. 27, for a company outside the United Kingdom.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub uk_representative: Option<Organisation>,
        /// Competent supervisory authority for SCC clause 13 and Annex I.C.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub supervisory_authority: Option<Organisation>,
        /// Paper size of rendered agreements.
        #[serde(default = "us_letter")]
        pub paper: Paper = "us-letter",
        /// Default governing law (country code) for the SCCs and the Addendum.
        [country]
        #[serde(default = "ireland")]
        pub governing_law: String = "IE" [e.g. "NL"],
        /// Default forum (country code).
        [country]
        #[serde(default = "ireland")]
        pub forum: String = "IE" [e.g. "NL"],
        /// Default SCC choices.
        #[serde(default)]
        pub scc: SccDefaults,
        /// Our standard positions on negotiated terms (`[positions]`); in the agreement, the positions that apply to it.
        #[serde(default)]
        pub positions: Positions,
        /// Facts that decide whether the CCPA applies to us as a business (Civ. Code 1798.140(d)); left out, CCPA terms follow the vendors' `ccpa_role`.
        #[serde(default)]
        pub ccpa: CcpaFacts,
        /// Spans of the record's values by dotted path, for later checks.
        [computed]
        #[serde(skip)]
        pub spans: Spans,
    }
}

fn controller() -> CompanyRole {
    CompanyRole::Controller
}
fn combined() -> Documents {
    Documents::Combined
}
fn us_letter() -> Paper {
    Paper::UsLetter
}

impl schema::HasSpans for Company {
    fn spans_mut(&mut self) -> &mut Spans {
        &mut self.spans
    }
}

/// The fields `dpa.toml` may hold.
pub fn fields() -> &'static [schema::Field] {
    Company::FIELDS
}

/// Loads `dpa.toml`, reporting every problem to `diags`.
pub fn load(file: &str, text: &str, diags: &mut Diagnostics) -> Option<Company> {
    let mut company: Company = schema::load(file, text, diags)?;
    if company.short_name.is_empty() {
        company.short_name = company.name.clone();
    }
    let before = diags.error_count();
    let c = &company;
    let mut checks = schema::Checks {
        file,
        spans: &c.spans,
        diags,
    };
    if let Some(p) = c.ccpa.revenue_percent_from_selling_or_sharing
        && p > 100
    {
        checks.error(
            "ccpa.revenue_percent_from_selling_or_sharing",
            "`ccpa.revenue_percent_from_selling_or_sharing` is a percentage and must be 100 or less".into(),
        );
    }
    (diags.error_count() == before).then_some(company)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn our_subprocessors_have_a_vendor_records_keys_in_its_order_then_their_start() {
        let listed = Subprocessor::FIELDS;
        let ours = OurSubprocessor::FIELDS;
        let names = |f: &[Field]| f.iter().map(|f| f.name).collect::<Vec<_>>();
        assert_eq!(names(&ours[..listed.len()]), names(listed));
        assert_eq!(names(&ours[listed.len()..]), ["effective", "replaces"]);
        for (o, l) in ours.iter().zip(listed) {
            let restated = matches!(o.name, "address" | "contact");
            assert_eq!(o.doc != l.doc, restated, "{}", o.name);
            assert_eq!(
                (o.optional, o.example, o.format),
                (l.optional, l.example, l.format)
            );
        }
        let address = ours.iter().find(|f| f.name == "address").expect("address");
        assert!(
            address
                .doc
                .ends_with("needed for customers on specific authorisation.")
        );
    }

    #[test]
    fn ccpa_business_thresholds() {
        let mut f = CcpaFacts::default();
        assert_eq!(f.is_business(), None);
        f.annual_gross_revenue_usd = Some(10_000_000);
        assert_eq!(f.is_business(), Some(false));
        f.consumers_or_households = Some(100_000);
        assert_eq!(f.is_business(), Some(true));
        let f = CcpaFacts {
            revenue_percent_from_selling_or_sharing: Some(50),
            ..Default::default()
        };
        assert_eq!(f.is_business(), Some(true));
        let f = CcpaFacts {
            annual_gross_revenue_usd: Some(30_000_000),
            ..Default::default()
        };
        assert_eq!(f.is_business(), Some(true));
    }
}
