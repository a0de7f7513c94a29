//! Edits of the records for sub-processor changes, in place (comments and layout kept): a
//! pending sub-processor added to `dpa.toml`, a notice, objection or consent recorded in a
//! customer's `[[notices]]`.

use chrono::NaiveDate;
use toml_edit::{ArrayOfTables, DocumentMut, Item, Table, value};

use crate::model::schema::toml_date;

/// A sub-processor we intend to engage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Intended {
    /// Legal name.
    pub name: String,
    /// Country code where it processes.
    pub country: String,
    /// What it does.
    pub purpose: String,
    /// Postal address; may be empty.
    pub address: String,
    /// Contact person and details; may be empty.
    pub contact: String,
    /// The date it is to start processing customers' data.
    pub effective: NaiveDate,
    /// The sub-processor it replaces, if any.
    pub replaces: Option<String>,
}

/// What is recorded in a customer's `[[notices]]` entry for one sub-processor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// The notice (or request for consent) was sent.
    Sent(NaiveDate),
    /// The customer objected.
    Objected(NaiveDate),
    /// The customer gave its specific authorisation.
    Consented(NaiveDate),
    /// The customer refused its specific authorisation.
    Refused(NaiveDate),
}

impl Event {
    fn key(self) -> &'static str {
        match self {
            Event::Sent(_) => "sent_on",
            Event::Objected(_) => "objected_on",
            Event::Consented(_) => "consented_on",
            Event::Refused(_) => "refused_on",
        }
    }
    fn date(self) -> NaiveDate {
        match self {
            Event::Sent(d) | Event::Objected(d) | Event::Consented(d) | Event::Refused(d) => d,
        }
    }
}

fn array<'d>(doc: &'d mut DocumentMut, key: &str) -> Result<&'d mut ArrayOfTables, String> {
    doc.entry(key)
        .or_insert(Item::ArrayOfTables(ArrayOfTables::new()))
        .as_array_of_tables_mut()
        .ok_or_else(|| format!("`{key}` must be written as [[{key}]] tables for dpa to edit it"))
}

/// Appends an intended sub-processor to `dpa.toml`'s `[[subprocessors]]`; refuses a name already listed.
pub fn add_subprocessor(text: &str, s: &Intended) -> Result<String, String> {
    let mut doc: DocumentMut = text.parse().map_err(|e| format!("{e}"))?;
    let list = array(&mut doc, "subprocessors")?;
    if list
        .iter()
        .any(|t| t.get("name").and_then(|v| v.as_str()) == Some(s.name.as_str()))
    {
        return Err(format!("`{}` is already in [[subprocessors]]", s.name));
    }
    let mut t = Table::new();
    t["name"] = value(s.name.as_str());
    t["country"] = value(s.country.as_str());
    t["purpose"] = value(s.purpose.as_str());
    if !s.address.is_empty() {
        t["address"] = value(s.address.as_str());
    }
    if !s.contact.is_empty() {
        t["contact"] = value(s.contact.as_str());
    }
    t["effective"] = value(toml_date(s.effective));
    if let Some(old) = &s.replaces {
        if !list
            .iter()
            .any(|t| t.get("name").and_then(|v| v.as_str()) == Some(old.as_str()))
        {
            return Err(format!(
                "`{old}` is not in [[subprocessors]]: there is nothing to replace"
            ));
        }
        t["replaces"] = value(old.as_str());
    }
    list.push(t);
    Ok(doc.to_string())
}

/// Removes sub-processor `name` from `dpa.toml`'s `[[subprocessors]]` (and any `replaces` that
/// names it); refuses a name not listed.
pub fn remove_subprocessor(text: &str, name: &str) -> Result<String, String> {
    let mut doc: DocumentMut = text.parse().map_err(|e| format!("{e}"))?;
    let list = array(&mut doc, "subprocessors")?;
    let Some(i) = list
        .iter()
        .position(|t| t.get("name").and_then(|v| v.as_str()) == Some(name))
    else {
        return Err(format!("`{name}` is not in [[subprocessors]]"));
    };
    list.remove(i);
    for t in list.iter_mut() {
        if t.get("replaces").and_then(|v| v.as_str()) == Some(name) {
            t.remove("replaces");
        }
    }
    Ok(doc.to_string())
}

/// Records `event` for sub-processor `name` in a customer record's `[[notices]]`.
pub fn record(text: &str, name: &str, event: Event) -> Result<String, String> {
    let mut doc: DocumentMut = text.parse().map_err(|e| format!("{e}"))?;
    let list = array(&mut doc, "notices")?;
    let position = list
        .iter()
        .position(|t| t.get("subprocessor").and_then(|v| v.as_str()) == Some(name));
    let table = match position {
        Some(i) => list.get_mut(i),
        None => {
            let mut t = Table::new();
            t["subprocessor"] = value(name);
            list.push(t);
            let last = list.len() - 1;
            list.get_mut(last)
        }
    }
    .ok_or_else(|| "cannot add a [[notices]] table".to_string())?;
    table[event.key()] = value(toml_date(event.date()));
    Ok(doc.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    #[test]
    fn adds_keeping_comments_and_refuses_duplicates() {
        let text = "# ours\nname = \"X\" # legal name\n\n[[subprocessors]]\nname = \"A\"\ncountry = \"US\"\npurpose = \"Hosting\"\n";
        let s = Intended {
            name: "B \"Quoted\" Ltd".into(),
            country: "GB".into(),
            purpose: "Email".into(),
            address: String::new(),
            contact: String::new(),
            effective: d("2027-03-01"),
            replaces: None,
        };
        let out = add_subprocessor(text, &s).expect("added");
        assert!(
            out.starts_with("# ours\nname = \"X\" # legal name\n"),
            "{out}"
        );
        let doc: toml::Table = toml::from_str(&out).expect("valid TOML");
        let list = doc["subprocessors"].as_array().expect("array");
        assert_eq!(list.len(), 2);
        assert_eq!(list[1]["name"].as_str(), Some("B \"Quoted\" Ltd"));
        assert_eq!(list[1]["effective"].to_string(), "2027-03-01");
        assert!(list[1].get("address").is_none());
        assert!(add_subprocessor(&out, &s).is_err());
    }

    #[test]
    fn a_replacement_names_a_listed_one_and_removal_drops_it() {
        let text =
            "[[subprocessors]]\nname = \"A\"\ncountry = \"US\"\npurpose = \"Hosting\" # ours\n";
        let mut s = Intended {
            name: "B".into(),
            country: "IE".into(),
            purpose: "Hosting".into(),
            address: String::new(),
            contact: String::new(),
            effective: d("2027-03-01"),
            replaces: Some("Z".into()),
        };
        assert!(add_subprocessor(text, &s).is_err());
        s.replaces = Some("A".into());
        let out = add_subprocessor(text, &s).expect("added");
        assert!(out.contains("replaces = \"A\""), "{out}");
        let out = remove_subprocessor(&out, "A").expect("removed");
        let doc: toml::Table = toml::from_str(&out).expect("valid TOML");
        let list = doc["subprocessors"].as_array().expect("array");
        assert_eq!(list.len(), 1);
        assert_eq!(list[0]["name"].as_str(), Some("B"));
        assert!(list[0].get("replaces").is_none());
        assert!(remove_subprocessor(&out, "A").is_err());
    }

    #[test]
    fn records_events_in_one_entry_per_subprocessor() {
        let text = "name = \"C\" # customer\n";
        let once = record(text, "B Ltd", Event::Sent(d("2027-01-20"))).expect("sent");
        let twice = record(&once, "B Ltd", Event::Objected(d("2027-02-01"))).expect("objected");
        assert!(twice.contains("name = \"C\" # customer"));
        let doc: toml::Table = toml::from_str(&twice).expect("valid TOML");
        let list = doc["notices"].as_array().expect("array");
        assert_eq!(list.len(), 1);
        assert_eq!(list[0]["sent_on"].to_string(), "2027-01-20");
        assert_eq!(list[0]["objected_on"].to_string(), "2027-02-01");
        assert!(record("notices = 1\n", "B", Event::Sent(d("2027-01-01"))).is_err());
    }
}
