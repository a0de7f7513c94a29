//! Records: the company (`dpa.toml`) and the vendors (`vendors/<id>.toml`), loaded strictly with located errors.
//!
//! The record types are the schema ([`schema`]): their fields, key lists, "did you mean"
//! suggestions, the paths `when` conditions may read and the field reference all come from them.

pub mod ccpa;
pub mod company;
pub mod country;
pub mod draft;
pub mod facts;
pub mod framework;
pub mod schema;
pub mod security;
pub mod vendor;

use serde::{Deserialize, Serialize};

pub use company::{Company, CompanyRole, Documents, OurSubprocessor, Paper};
pub use vendor::{
    AgreementStatus, CcpaRole, DocumentKind, Frequency, GdprRole, Mechanism, Notice, Vendor,
};

use crate::{choices, record};

record! {
    /// A privacy contact: who to write to about the data.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
    pub struct Contact {
        /// Full name.
        pub name: String [e.g. "Dana Privacy"],
        /// Position.
        #[serde(default)]
        pub title: String [e.g. "Data Protection Officer"],
        /// Email address.
        pub email: String [e.g. "privacy@example.com"],
    }
}

record! {
    /// Who signs the agreement for a party.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
    pub struct Signatory {
        /// Full name.
        pub name: String [e.g. "Sam Signer"],
        /// Position, printed under the signature.
        pub title: String [e.g. "Chief Executive Officer"],
        /// Email address.
        #[serde(default)]
        pub email: String [e.g. "sam@example.com"],
    }
}

choices! {
    /// How sub-processors are authorised (GDPR Art. 28(2), SCC clause 9(a)).
    pub enum Authorisation {
        /// General written authorisation with notice and a right to object.
        General = "general",
        /// Specific prior authorisation of each sub-processor.
        Specific = "specific",
    }
}

choices! {
    /// A party to the UK Addendum that may end it when the ICO revises it (Table 4).
    pub enum Party {
        /// The data importer (the vendor, or we when the vendor returns data to us).
        Importer = "importer",
        /// The data exporter.
        Exporter = "exporter",
    }
}

/// The records of a workspace, for the field reference: title, file, what it is, fields.
pub const RECORDS: [(&str, &str, &str, &[schema::Field]); 2] = [
    (
        "Vendor record",
        "vendors/<id>.toml",
        "One file per vendor. The file name without `.toml` is the vendor id, used on the command \
         line and in tags: lower-case letters, digits and hyphens, starting with a letter or digit, \
         at most 64 characters (`zendesk.toml`, not `Zendesk.toml`).",
        <Vendor as schema::Record>::FIELDS,
    ),
    (
        "Company record",
        "dpa.toml",
        "Our side of every agreement, at the top of the workspace. Its `scc` table and \
         `governing_law` and `forum` are the defaults a vendor's `[transfers]` table may override.",
        <Company as schema::Record>::FIELDS,
    ),
];

/// The fields a path names, in any record: `transfers.mechanism`, `vendor.transfers.mechanism`
/// or `company.scc.idr`; with the record's file and the path within it.
pub fn find_field(path: &str) -> Vec<(&'static str, String, schema::Field)> {
    let (only, rest) = match path.split_once('.') {
        Some(("vendor", rest)) => (Some("vendors/<id>.toml"), rest),
        Some(("company", rest)) => (Some("dpa.toml"), rest),
        _ => (None, path),
    };
    RECORDS
        .iter()
        .filter(|(_, file, _, _)| only.is_none_or(|o| o == *file))
        .filter_map(|(_, file, _, fields)| {
            schema::field_at(fields, rest).map(|f| (*file, rest.to_string(), f))
        })
        .collect()
}
