//! Our side of every agreement: the company record in `dpa.toml`.

use serde::Serialize;

use super::reader::{Reader, parse_document};
use super::{Authorisation, Person, check_country};
use crate::diag::Diagnostics;

/// Whether we act as controller (our own data) or as processor (our customers' data).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CompanyRole {
    /// We decide why and how the data is processed.
    Controller,
    /// We process the data on behalf of our own customers.
    Processor,
}

/// Paper size of rendered agreements.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Paper {
    /// 8.5 x 11 inches.
    UsLetter,
    /// ISO A4.
    A4,
}

impl Paper {
    /// Typst's name for the paper size.
    pub fn typst_name(self) -> &'static str {
        match self {
            Paper::UsLetter => "us-letter",
            Paper::A4 => "a4",
        }
    }
}

/// A postal address with a name, such as an EU representative or a supervisory authority.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Organisation {
    /// Name.
    pub name: String,
    /// Postal address.
    pub address: String,
    /// Email, if given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

/// Default choices for the EU Standard Contractual Clauses and the UK Addendum.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SccDefaults {
    /// Clause 7: whether the optional docking clause applies.
    pub docking_clause: bool,
    /// Clause 9(a): specific or general authorisation of sub-processors.
    pub subprocessor_authorisation: Authorisation,
    /// Clause 9(a): days of notice before a sub-processor is added or replaced.
    pub subprocessor_notice_days: u32,
    /// Clause 11(a): whether the optional independent dispute resolution applies.
    pub idr: bool,
    /// UK Addendum Table 4: which parties may end the Addendum when the ICO revises it.
    pub uk_may_end: Vec<String>,
}

/// Facts that decide whether we are a CCPA "business" (Cal. Civ. Code 1798.140(d)).
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct CcpaFacts {
    /// Annual gross revenue in US dollars.
    pub annual_gross_revenue_usd: Option<u64>,
    /// Consumers or households whose personal information we buy, sell or share per year.
    pub consumers_or_households: Option<u64>,
    /// Percentage of annual revenue that comes from selling or sharing personal information.
    pub revenue_percent_from_selling_or_sharing: Option<u32>,
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

/// The company record: our legal identity, people and defaults.
#[derive(Debug, Clone, Serialize)]
pub struct Company {
    /// Legal name.
    pub name: String,
    /// Defined term used in the text; defaults to the legal name.
    pub short_name: String,
    /// Kind of entity, e.g. "a Delaware corporation"; may be empty.
    pub entity: String,
    /// Registered address.
    pub address: String,
    /// ISO 3166-1 alpha-2 country code.
    pub country: String,
    /// Controller or processor.
    pub role: CompanyRole,
    /// Who signs for us.
    pub signatory: Person,
    /// Privacy contact or data protection officer.
    pub contact: Person,
    /// EU representative under GDPR Art. 27, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub eu_representative: Option<Organisation>,
    /// Competent supervisory authority for SCC clause 13 and Annex I.C.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub supervisory_authority: Option<Organisation>,
    /// Paper size.
    pub paper: Paper,
    /// Default governing law (country code) for the SCCs and the Addendum.
    pub governing_law: String,
    /// Default forum (country code).
    pub forum: String,
    /// Default SCC choices.
    pub scc: SccDefaults,
    /// CCPA applicability facts.
    pub ccpa: CcpaFacts,
}

const TOP_KEYS: &[&str] = &[
    "name",
    "short_name",
    "entity",
    "address",
    "country",
    "role",
    "paper",
    "governing_law",
    "forum",
    "signatory",
    "contact",
    "eu_representative",
    "supervisory_authority",
    "scc",
    "ccpa",
];

/// Loads `dpa.toml`, reporting every problem to `diags`.
pub fn load(file: &str, text: &str, diags: &mut Diagnostics) -> Option<Company> {
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
    let role = r.choice(t, "", "role", &["controller", "processor"], false, None);
    let paper = r.choice(t, "", "paper", &["us-letter", "a4"], false, None);
    let governing_law = r.string(t, "", "governing_law", false, None);
    let forum = r.string(t, "", "forum", false, None);
    for (key, value) in [("governing_law", &governing_law), ("forum", &forum)] {
        if let Some(v) = value {
            check_country(&mut r, key, v);
        }
    }
    let eu_representative = organisation(&mut r, t, "eu_representative");
    let supervisory_authority = organisation(&mut r, t, "supervisory_authority");

    let mut scc = SccDefaults {
        docking_clause: true,
        subprocessor_authorisation: Authorisation::General,
        subprocessor_notice_days: 30,
        idr: false,
        uk_may_end: vec!["importer".into(), "exporter".into()],
    };
    if let Some((st, _)) = r.table(t, "", "scc", false, None) {
        r.check_keys(
            st,
            "scc",
            &[
                "docking_clause",
                "subprocessor_authorisation",
                "subprocessor_notice_days",
                "idr",
                "uk_may_end",
            ],
        );
        if let Some(b) = r.boolean(st, "scc", "docking_clause") {
            scc.docking_clause = b;
        }
        if let Some(a) = r.choice(
            st,
            "scc",
            "subprocessor_authorisation",
            &["general", "specific"],
            false,
            None,
        ) {
            scc.subprocessor_authorisation = Authorisation::parse(&a);
        }
        if let Some(n) = r.integer(st, "scc", "subprocessor_notice_days", false, None) {
            scc.subprocessor_notice_days = n;
        }
        if let Some(b) = r.boolean(st, "scc", "idr") {
            scc.idr = b;
        }
        if let Some(list) = super::uk_may_end(&mut r, st, "scc") {
            scc.uk_may_end = list;
        }
    }
    let mut ccpa = CcpaFacts::default();
    if let Some((ct, _)) = r.table(t, "", "ccpa", false, None) {
        let keys = [
            "annual_gross_revenue_usd",
            "consumers_or_households",
            "revenue_percent_from_selling_or_sharing",
        ];
        r.check_keys(ct, "ccpa", &keys);
        ccpa.annual_gross_revenue_usd = r.integer(ct, "ccpa", keys[0], false, None).map(u64::from);
        ccpa.consumers_or_households = r.integer(ct, "ccpa", keys[1], false, None).map(u64::from);
        ccpa.revenue_percent_from_selling_or_sharing = r.integer(ct, "ccpa", keys[2], false, None);
        if let Some(p) = ccpa.revenue_percent_from_selling_or_sharing
            && p > 100
        {
            let span = r.span_of("ccpa.revenue_percent_from_selling_or_sharing");
            r.error(span, "`ccpa.revenue_percent_from_selling_or_sharing` is a percentage and must be 100 or less");
        }
    }
    drop(r);
    if diags.error_count() > before {
        return None;
    }
    let name = name?;
    let country = country?;
    Some(Company {
        short_name: short_name.unwrap_or_else(|| name.clone()),
        name,
        entity,
        address: address?,
        governing_law: governing_law.unwrap_or_else(|| "IE".into()),
        forum: forum.unwrap_or_else(|| "IE".into()),
        country,
        role: match role.as_deref() {
            Some("processor") => CompanyRole::Processor,
            _ => CompanyRole::Controller,
        },
        signatory: signatory?,
        contact: contact?,
        eu_representative,
        supervisory_authority,
        paper: match paper.as_deref() {
            Some("a4") => Paper::A4,
            _ => Paper::UsLetter,
        },
        scc,
        ccpa,
    })
}

fn organisation(
    r: &mut Reader<'_>,
    t: &dyn toml_edit::TableLike,
    key: &str,
) -> Option<Organisation> {
    let (ot, span) = r.table(t, "", key, false, None)?;
    r.check_keys(ot, key, &["name", "address", "email"]);
    let name = r.string(ot, key, "name", true, span.clone());
    let address = r.string(ot, key, "address", true, span);
    let email = r.string(ot, key, "email", false, None);
    Some(Organisation {
        name: name?,
        address: address?,
        email,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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
