//! Records: the company (`dpa.toml`) and the vendors (`vendors/<id>.toml`), loaded strictly with located errors.

pub mod ccpa;
pub mod company;
pub mod country;
pub mod facts;
pub mod reader;
pub mod security;
pub mod vendor;

use serde::Serialize;
use toml_edit::TableLike;

pub use company::{Company, CompanyRole, Paper};
pub use vendor::{CcpaRole, GdprRole, Mechanism, Vendor};

use reader::Reader;

/// A person named in a record: signatory or contact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct Person {
    /// Full name.
    pub name: String,
    /// Position; may be empty.
    pub title: String,
    /// Email; may be empty.
    pub email: String,
}

/// How sub-processors are authorised (GDPR Art. 28(2), SCC clause 9(a)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Authorisation {
    /// General written authorisation with notice and a right to object.
    General,
    /// Specific prior authorisation of each sub-processor.
    Specific,
}

impl Authorisation {
    /// Parses a validated choice.
    pub fn parse(s: &str) -> Self {
        if s == "specific" {
            Authorisation::Specific
        } else {
            Authorisation::General
        }
    }
}

/// Reads a person table; `required` lists the keys that must be present.
pub(crate) fn person(
    r: &mut Reader<'_>,
    t: &dyn TableLike,
    key: &str,
    table_required: bool,
    allowed: &[&str],
    required: &[&str],
) -> Option<Person> {
    let (pt, span) = r.table(t, "", key, table_required, Some(0..0))?;
    r.check_keys(pt, key, allowed);
    let mut field = |name: &str| r.string(pt, key, name, required.contains(&name), span.clone());
    let name = field("name");
    let title = field("title");
    let email = field("email");
    if required.iter().any(|k| match *k {
        "name" => name.is_none(),
        "title" => title.is_none(),
        _ => email.is_none(),
    }) {
        return None;
    }
    Some(Person {
        name: name.unwrap_or_default(),
        title: title.unwrap_or_default(),
        email: email.unwrap_or_default(),
    })
}

/// What every party record gives: who the party is, where, and its people.
pub(crate) struct Identity {
    pub name: Option<String>,
    pub short_name: Option<String>,
    pub entity: String,
    pub address: Option<String>,
    pub country: Option<String>,
    pub contact: Option<Person>,
    pub signatory: Option<Person>,
}

/// Reads the identity fields shared by `dpa.toml` and vendor records.
pub(crate) fn read_identity(r: &mut Reader<'_>, t: &dyn TableLike) -> Identity {
    let top = Some(0..0);
    let name = r.string(t, "", "name", true, top.clone());
    let short_name = r.string(t, "", "short_name", false, None);
    let entity = r.string(t, "", "entity", false, None).unwrap_or_default();
    let address = r.string(t, "", "address", true, top.clone());
    let country = r.string(t, "", "country", true, top);
    if let Some(c) = &country {
        check_country(r, "country", c);
    }
    let contact = person(
        r,
        t,
        "contact",
        true,
        &["name", "title", "email"],
        &["name", "email"],
    );
    let signatory = person(
        r,
        t,
        "signatory",
        true,
        &["name", "title", "email"],
        &["name", "title"],
    );
    Identity {
        name,
        short_name,
        entity,
        address,
        country,
        contact,
        signatory,
    }
}

/// Reports a country code that is not ISO 3166-1 alpha-2, with a suggestion.
pub(crate) fn check_country(r: &mut Reader<'_>, path: &str, code: &str) {
    if country::is_known(code) {
        return;
    }
    let span = r.span_of(path);
    let d = r.error(
        span,
        format!("`{code}` is not an ISO 3166-1 alpha-2 country code"),
    );
    d.label = Some("unknown country".into());
    if let Some(s) = country::suggest_code(code) {
        d.hints.push(format!("did you mean `{s}`?"));
    }
}

/// Reads UK Addendum Table 4 (`uk_may_end`): a list of `importer`, `exporter`.
pub(crate) fn uk_may_end(
    r: &mut Reader<'_>,
    t: &dyn TableLike,
    prefix: &str,
) -> Option<Vec<String>> {
    let list = r.strings(t, prefix, "uk_may_end", false, None)?;
    for (i, v) in list.iter().enumerate() {
        if v != "importer" && v != "exporter" {
            let span = r.span_of(&format!("{prefix}.uk_may_end[{i}]"));
            r.error(
                span,
                format!(
                    "`{prefix}.uk_may_end` may hold only \"importer\" and \"exporter\", found `{v}`"
                ),
            )
            .hints
            .push("an empty list means neither party may end the Addendum".into());
        }
    }
    Some(list)
}
