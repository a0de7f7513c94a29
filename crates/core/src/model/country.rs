//! ISO 3166-1 country codes, the EEA, and the adequacy lists used to decide transfer terms.
//!
//! The facts live in `data/countries.toml` and `data/adequacy.toml`, compiled
//! into the binary and parsed once on first use; see those files for sources
//! and the positions taken. Codes are matched exactly (upper case): records
//! are validated strictly, and [`suggest_code`] turns a near miss into a fix.
//!
//! Regions in records are country codes (`DE`), subdivision codes (`US-CA`)
//! or the groups `EEA`, `UK` and `CH`. `UK` is also accepted wherever a
//! country code is, and means `GB`.

use crate::diag::suggest;
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

/// Where personal data comes from, which decides the transfer rules that apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Origin {
    /// The EEA, under the EU GDPR.
    Eea,
    /// The United Kingdom, under the UK GDPR.
    Uk,
    /// Switzerland, under the FADP.
    Ch,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CountriesFile {
    countries: BTreeMap<String, String>,
    aliases: BTreeMap<String, String>,
    alpha3: BTreeMap<String, String>,
    other_names: BTreeMap<String, String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AdequacyFile {
    as_of: toml::value::Datetime,
    eea: BTreeSet<String>,
    eea_territories: BTreeSet<String>,
    // Adequate place -> the decision or regulation that makes it adequate.
    eu_adequate: BTreeMap<String, String>,
    eu_adequate_with_dpf: BTreeMap<String, String>,
    uk_adequate: BTreeMap<String, String>,
    uk_adequate_with_dpf: BTreeMap<String, String>,
    ch_adequate: BTreeMap<String, String>,
    ch_adequate_with_dpf: BTreeMap<String, String>,
}

struct Data {
    countries: CountriesFile,
    adequacy: AdequacyFile,
    as_of: String,
}

fn data() -> &'static Data {
    static DATA: OnceLock<Data> = OnceLock::new();
    DATA.get_or_init(|| {
        // The files are part of the source tree and covered by tests, so a
        // parse failure is a build defect, not a user error.
        let countries: CountriesFile =
            toml::from_str(include_str!("../../../../data/countries.toml"))
                .expect("data/countries.toml is valid");
        let adequacy: AdequacyFile = toml::from_str(include_str!("../../../../data/adequacy.toml"))
            .expect("data/adequacy.toml is valid");
        let as_of = adequacy.as_of.to_string();
        Data {
            countries,
            adequacy,
            as_of,
        }
    })
}

/// Lower-cased English names and other names, each with its code, for
/// matching what people type instead of a code.
fn names() -> &'static [(String, &'static str)] {
    // Built after `data()` so the codes can borrow from the static data.
    static NAMES: OnceLock<Vec<(String, &'static str)>> = OnceLock::new();
    NAMES.get_or_init(|| {
        let d = data();
        let official = d.countries.countries.iter().map(|(c, n)| (n, c.as_str()));
        let other = d.countries.other_names.iter().filter_map(|(n, c)| {
            let code = d.countries.countries.get_key_value(c)?.0.as_str();
            Some((n, code))
        });
        official
            .chain(other)
            .map(|(n, c)| (n.to_lowercase(), c))
            .collect()
    })
}

/// The ISO code for `code`, resolving aliases (`UK` -> `GB`).
fn canonical(code: &str) -> Option<&'static str> {
    let c = &data().countries;
    let code = c.aliases.get(code).map_or(code, String::as_str);
    c.countries.get_key_value(code).map(|(k, _)| k.as_str())
}

/// The English short name of a country code or alias: `DE` -> `Germany`, `UK` -> `United Kingdom`.
pub fn name(code: &str) -> Option<&'static str> {
    canonical(code).and_then(|c| data().countries.countries.get(c).map(String::as_str))
}

/// The country's name as it reads in running text, with the article that some names take
/// ("the law of the Netherlands", "the courts of the United Kingdom"); the code itself when it
/// has no name.
pub fn name_in_text(code: &str) -> String {
    let Some(name) = name(code) else {
        return code.to_string();
    };
    const WITH_ARTICLE: [&str; 8] = [
        "Netherlands",
        "Philippines",
        "Bahamas",
        "Gambia",
        "Maldives",
        "Seychelles",
        "Comoros",
        "Holy See",
    ];
    let article = name.starts_with("United ")
        || name.contains("Republic")
        || name.ends_with("Islands")
        || name.starts_with("State of ")
        || WITH_ARTICLE.contains(&name);
    if article {
        format!("the {name}")
    } else {
        name.to_string()
    }
}

/// Whether `code` is an ISO 3166-1 alpha-2 code or an accepted alias such as `UK`.
pub fn is_known(code: &str) -> bool {
    canonical(code).is_some()
}

/// Every officially assigned ISO 3166-1 alpha-2 code, in alphabetical order.
pub fn codes() -> impl Iterator<Item = &'static str> {
    data().countries.countries.keys().map(String::as_str)
}

/// Whether the country is in the EEA: a member state, or a territory with its own code inside one (e.g. `RE`).
pub fn is_eea(code: &str) -> bool {
    let a = &data().adequacy;
    canonical(code).is_some_and(|c| a.eea.contains(c) || a.eea_territories.contains(c))
}

/// Whether the country is an EU Member State (the EEA without Iceland, Liechtenstein and Norway), as SCC clauses 17 and 18 require.
pub fn is_eu(code: &str) -> bool {
    is_eea(code) && !matches!(canonical(code), Some("IS" | "LI" | "NO"))
}

/// The 30 EEA member states (EU 27 plus Iceland, Liechtenstein and Norway), in alphabetical order.
pub fn eea_member_states() -> impl Iterator<Item = &'static str> {
    data().adequacy.eea.iter().map(String::as_str)
}

/// Whether personal data from `origin` may flow to `country` without further safeguards (same area or adequacy), given whether the importer is certified under the relevant DPF.
///
/// `country` may be any valid region: a subdivision counts as its country,
/// and the groups `EEA`, `UK` and `CH` as their members.
pub fn adequate(origin: Origin, country: &str, dpf_certified: bool) -> bool {
    if !region_is_valid(country) {
        return false;
    }
    if country == "EEA" {
        // Every origin treats every EEA state alike, so the group decides as one.
        return true;
    }
    let Some(code) = canonical(region_country(country)) else {
        return false;
    };
    // The EEA is the same area for EEA data, and both the UK and Swiss lists
    // name every EEA state (see data/adequacy.toml).
    if is_eea(code) {
        return true;
    }
    let a = &data().adequacy;
    let (home, list, with_dpf) = match origin {
        Origin::Eea => (None, &a.eu_adequate, &a.eu_adequate_with_dpf),
        Origin::Uk => (Some("GB"), &a.uk_adequate, &a.uk_adequate_with_dpf),
        Origin::Ch => (Some("CH"), &a.ch_adequate, &a.ch_adequate_with_dpf),
    };
    home == Some(code) || list.contains_key(code) || (dpf_certified && with_dpf.contains_key(code))
}

/// The decision (or regulation) that makes `country` adequate for data from `origin`, if one does; `dpf` asks for the decision that covers certified importers.
pub fn adequacy_decision(origin: Origin, country: &str, dpf: bool) -> Option<&'static str> {
    let code = canonical(region_country(country))?;
    let a = &data().adequacy;
    let list = match (origin, dpf) {
        (Origin::Eea, false) => &a.eu_adequate,
        (Origin::Eea, true) => &a.eu_adequate_with_dpf,
        (Origin::Uk, false) => &a.uk_adequate,
        (Origin::Uk, true) => &a.uk_adequate_with_dpf,
        (Origin::Ch, false) => &a.ch_adequate,
        (Origin::Ch, true) => &a.ch_adequate_with_dpf,
    };
    list.get(code).map(String::as_str)
}

/// The date the adequacy lists were last checked, as `YYYY-MM-DD`.
pub fn adequacy_as_of() -> &'static str {
    &data().as_of
}

/// The date the adequacy lists were last checked.
pub fn adequacy_as_of_date() -> Option<chrono::NaiveDate> {
    chrono::NaiveDate::parse_from_str(adequacy_as_of(), "%Y-%m-%d").ok()
}

/// Whether the adequacy lists are more than 12 months older than `today`, and so may miss decisions adopted, renewed or struck down since.
pub fn adequacy_is_stale(today: chrono::NaiveDate) -> bool {
    adequacy_as_of_date()
        .and_then(|d| d.checked_add_months(chrono::Months::new(12)))
        .is_none_or(|limit| today > limit)
}

/// The code someone probably meant by `bad`: `USA` -> `US`, `Germany` -> `DE`, `uk` -> `UK`, `eea` -> `EEA`.
pub fn suggest_code(bad: &str) -> Option<&'static str> {
    let c = &data().countries;
    let bad = bad.trim();
    if bad.is_empty() {
        return None;
    }
    let upper = bad.to_uppercase();
    // Right code, wrong case. Aliases come back as written (`UK`), not as the
    // ISO code, because they are valid in records too.
    if let Some((k, _)) = c
        .countries
        .get_key_value(&upper)
        .or_else(|| c.aliases.get_key_value(&upper))
    {
        return Some(k.as_str());
    }
    if upper == "EEA" {
        return Some("EEA");
    }
    if let Some(code) = c.alpha3.get(&upper) {
        return canonical(code);
    }
    let lower = bad.to_lowercase();
    if let Some((_, code)) = names().iter().find(|(n, _)| *n == lower) {
        return Some(code);
    }
    if bad.chars().count() <= 3 {
        // Nearly every string of two or three letters is one edit from some
        // code (`DEX` is as near `DEU` as `MEX`), so a fuzzy match there would
        // be a guess, not a suggestion.
        return None;
    }
    let keys: Vec<&str> = names().iter().map(|(n, _)| n.as_str()).collect();
    let hit = suggest(&lower, &keys)?;
    names()
        .iter()
        .find(|(n, _)| n == hit)
        .map(|(_, code)| *code)
}

/// US states and territories by name, for records that name a state instead of its code.
const US_STATES: [(&str, &str); 56] = [
    ("alabama", "US-AL"),
    ("alaska", "US-AK"),
    ("arizona", "US-AZ"),
    ("arkansas", "US-AR"),
    ("california", "US-CA"),
    ("colorado", "US-CO"),
    ("connecticut", "US-CT"),
    ("delaware", "US-DE"),
    ("district of columbia", "US-DC"),
    ("florida", "US-FL"),
    ("georgia", "US-GA"),
    ("hawaii", "US-HI"),
    ("idaho", "US-ID"),
    ("illinois", "US-IL"),
    ("indiana", "US-IN"),
    ("iowa", "US-IA"),
    ("kansas", "US-KS"),
    ("kentucky", "US-KY"),
    ("louisiana", "US-LA"),
    ("maine", "US-ME"),
    ("maryland", "US-MD"),
    ("massachusetts", "US-MA"),
    ("michigan", "US-MI"),
    ("minnesota", "US-MN"),
    ("mississippi", "US-MS"),
    ("missouri", "US-MO"),
    ("montana", "US-MT"),
    ("nebraska", "US-NE"),
    ("nevada", "US-NV"),
    ("new hampshire", "US-NH"),
    ("new jersey", "US-NJ"),
    ("new mexico", "US-NM"),
    ("new york", "US-NY"),
    ("north carolina", "US-NC"),
    ("north dakota", "US-ND"),
    ("ohio", "US-OH"),
    ("oklahoma", "US-OK"),
    ("oregon", "US-OR"),
    ("pennsylvania", "US-PA"),
    ("rhode island", "US-RI"),
    ("south carolina", "US-SC"),
    ("south dakota", "US-SD"),
    ("tennessee", "US-TN"),
    ("texas", "US-TX"),
    ("utah", "US-UT"),
    ("vermont", "US-VT"),
    ("virginia", "US-VA"),
    ("washington", "US-WA"),
    ("west virginia", "US-WV"),
    ("wisconsin", "US-WI"),
    ("wyoming", "US-WY"),
    ("puerto rico", "US-PR"),
    ("guam", "US-GU"),
    ("american samoa", "US-AS"),
    ("u.s. virgin islands", "US-VI"),
    ("northern mariana islands", "US-MP"),
];

/// The region someone probably meant by `bad`: `California` -> `US-CA`, `us-ca` -> `US-CA`,
/// `Germany` -> `DE`, `eea` -> `EEA`.
pub fn suggest_region(bad: &str) -> Option<&'static str> {
    let lower = bad.trim().to_lowercase();
    if let Some((_, code)) = US_STATES
        .iter()
        .find(|(name, code)| *name == lower || code.to_lowercase() == lower)
    {
        return Some(code);
    }
    // A misspelt state is tried only after the country names and codes.
    if let Some(code) = suggest_code(bad) {
        return Some(code);
    }
    if lower.chars().count() > 3 {
        let names: Vec<&str> = US_STATES.iter().map(|(n, _)| *n).collect();
        let hit = suggest(&lower, &names)?;
        return US_STATES.iter().find(|(n, _)| *n == hit).map(|(_, c)| *c);
    }
    None
}

/// The country part of a region: `US-CA` -> `US`, `DE` -> `DE`, `EEA` -> `EEA`.
fn region_country(r: &str) -> &str {
    r.split_once('-').map_or(r, |(cc, _)| cc)
}

/// Whether `r` is a region a record may name: a country code, `EEA`, `UK`, `CH`, or a subdivision `XX-YYY` of a known country.
pub fn region_is_valid(r: &str) -> bool {
    if matches!(r, "EEA" | "UK" | "CH") || is_known(r) {
        return true;
    }
    let Some((cc, sub)) = r.split_once('-') else {
        return false;
    };
    // ISO 3166-2 subdivision codes are one to three upper-case letters or digits.
    is_known(cc)
        && (1..=3).contains(&sub.len())
        && sub
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

/// The origin whose transfer rules govern data from region `r`, if it is in the EEA, the UK or Switzerland.
pub fn region_origin(r: &str) -> Option<Origin> {
    if !region_is_valid(r) {
        return None;
    }
    if r == "EEA" {
        return Some(Origin::Eea);
    }
    let code = canonical(region_country(r))?;
    if is_eea(code) {
        Some(Origin::Eea)
    } else if code == "GB" {
        Some(Origin::Uk)
    } else if code == "CH" {
        Some(Origin::Ch)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_in_running_text_take_their_article() {
        assert_eq!(name_in_text("NL"), "the Netherlands");
        assert_eq!(name_in_text("GB"), "the United Kingdom");
        assert_eq!(name_in_text("US"), "the United States");
        assert_eq!(name_in_text("DO"), "the Dominican Republic");
        assert_eq!(name_in_text("IE"), "Ireland");
        assert_eq!(name_in_text("DE"), "Germany");
    }

    #[test]
    fn region_names_suggest_codes() {
        assert_eq!(suggest_region("California"), Some("US-CA"));
        assert_eq!(suggest_region("us-ca"), Some("US-CA"));
        assert_eq!(suggest_region("Californa"), Some("US-CA"));
        assert_eq!(suggest_region("Germany"), Some("DE"));
        assert_eq!(suggest_region("eea"), Some("EEA"));
        for (_, code) in US_STATES {
            assert!(region_is_valid(code), "{code}");
        }
    }

    #[test]
    fn all_249_codes() {
        let all: Vec<&str> = codes().collect();
        assert_eq!(all.len(), 249);
        for c in &all {
            assert_eq!(c.len(), 2, "{c}");
            assert!(c.bytes().all(|b| b.is_ascii_uppercase()), "{c}");
            assert!(is_known(c));
            assert!(!name(c).unwrap().is_empty());
        }
        // Codes that are easy to get wrong or leave out.
        for c in ["AX", "BQ", "CW", "SS", "SX", "XK"] {
            assert_eq!(is_known(c), c != "XK", "{c}");
        }
    }

    #[test]
    fn names_and_aliases() {
        assert_eq!(name("DE"), Some("Germany"));
        assert_eq!(name("US"), Some("United States"));
        assert_eq!(name("GB"), Some("United Kingdom"));
        assert_eq!(name("UK"), Some("United Kingdom"));
        assert_eq!(name("KR"), Some("Republic of Korea"));
        assert_eq!(name("CI"), Some("Côte d'Ivoire"));
        assert_eq!(name("de"), None);
        assert_eq!(name("EEA"), None);
        assert_eq!(name(""), None);
        assert!(is_known("UK"));
        assert!(!is_known("EU"));
        assert!(!is_known("USA"));
    }

    #[test]
    fn data_files_are_consistent() {
        let d = data();
        let c = &d.countries;
        for (alias, code) in &c.aliases {
            assert!(
                !c.countries.contains_key(alias),
                "alias {alias} shadows a code"
            );
            assert!(c.countries.contains_key(code), "alias {alias} -> {code}");
        }
        assert_eq!(c.alpha3.len(), 249);
        for (a3, code) in &c.alpha3 {
            assert_eq!(a3.len(), 3);
            assert!(c.countries.contains_key(code), "{a3} -> {code}");
        }
        for (n, code) in &c.other_names {
            assert!(c.countries.contains_key(code), "{n} -> {code}");
        }
        let a = &d.adequacy;
        for list in [&a.eea, &a.eea_territories] {
            for code in list {
                assert!(c.countries.contains_key(code), "{code} in adequacy.toml");
            }
        }
        for list in [
            &a.eu_adequate,
            &a.eu_adequate_with_dpf,
            &a.uk_adequate,
            &a.uk_adequate_with_dpf,
            &a.ch_adequate,
            &a.ch_adequate_with_dpf,
        ] {
            for (code, decision) in list {
                assert!(c.countries.contains_key(code), "{code} in adequacy.toml");
                // The adequacy tables name only places outside the EEA.
                assert!(!is_eea(code), "{code} is in the EEA");
                // Every entry names the decision or regulation it rests on.
                assert!(
                    decision.len() > 20 && decision.contains(char::is_numeric),
                    "{code}: decision reference `{decision}`"
                );
            }
        }
        assert!(a.eea.is_disjoint(&a.eea_territories));
        assert_eq!(adequacy_as_of(), "2026-12-02");
    }

    #[test]
    fn brazil_is_adequate_for_eu_data_only() {
        assert!(adequate(Origin::Eea, "BR", false));
        assert!(adequate(Origin::Eea, "BR-SP", false));
        assert!(!adequate(Origin::Uk, "BR", false));
        assert!(!adequate(Origin::Ch, "BR", false));
        assert_eq!(
            adequacy_decision(Origin::Eea, "BR", false),
            Some("Commission Implementing Decision (EU) 2026/179 of 26 January 2026")
        );
        assert_eq!(adequacy_decision(Origin::Uk, "BR", false), None);
        assert!(
            adequacy_decision(Origin::Eea, "US", true).is_some_and(|d| d.contains("2023/1795"))
        );
        assert!(
            adequacy_decision(Origin::Uk, "KR", false).is_some_and(|d| d.contains("2022/1213"))
        );
    }

    #[test]
    fn adequacy_data_goes_stale_after_twelve_months() {
        let day = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date");
        assert!(!adequacy_is_stale(day("2026-12-02")));
        assert!(!adequacy_is_stale(day("2027-12-02")));
        assert!(adequacy_is_stale(day("2027-12-03")));
        assert!(!adequacy_is_stale(day("2020-01-01")));
    }

    #[test]
    fn eea_has_30() {
        let eea: Vec<&str> = eea_member_states().collect();
        assert_eq!(eea.len(), 30);
        for c in ["DE", "FR", "IE", "IS", "LI", "NO", "HR"] {
            assert!(eea.contains(&c), "{c}");
            assert!(is_eea(c), "{c}");
        }
        for c in [
            "GB", "UK", "CH", "US", "GL", "FO", "SJ", "BL", "GI", "EEA", "de", "",
        ] {
            assert!(!is_eea(c), "{c}");
        }
        // Territories inside the EU count, though they are not member states.
        for c in ["RE", "AX", "GP", "MQ", "GF", "YT", "MF"] {
            assert!(is_eea(c), "{c}");
            assert!(!eea.contains(&c), "{c}");
        }
    }

    #[test]
    fn adequacy_from_the_eea() {
        assert!(!adequate(Origin::Eea, "IN", false));
        assert!(!adequate(Origin::Eea, "IN", true));
        assert!(adequate(Origin::Eea, "JP", false));
        assert!(adequate(Origin::Eea, "DE", false));
        assert!(adequate(Origin::Eea, "NO", false));
        assert!(adequate(Origin::Eea, "RE", false));
        assert!(adequate(Origin::Eea, "GB", false));
        assert!(adequate(Origin::Eea, "UK", false));
        assert!(adequate(Origin::Eea, "CH", false));
        assert!(adequate(Origin::Eea, "KR", false));
        assert!(!adequate(Origin::Eea, "US", false));
        assert!(adequate(Origin::Eea, "US", true));
        assert!(adequate(Origin::Eea, "US-CA", true));
        assert!(!adequate(Origin::Eea, "US-CA", false));
        assert!(!adequate(Origin::Eea, "GI", false));
        assert!(!adequate(Origin::Eea, "MC", false));
        assert!(adequate(Origin::Eea, "EEA", false));
        assert!(!adequate(Origin::Eea, "XX", true));
        assert!(!adequate(Origin::Eea, "jp", false));
        assert!(!adequate(Origin::Eea, "", false));
    }

    #[test]
    fn adequacy_from_the_uk() {
        assert!(adequate(Origin::Uk, "GB", false));
        assert!(adequate(Origin::Uk, "UK", false));
        assert!(adequate(Origin::Uk, "GB-SCT", false));
        assert!(adequate(Origin::Uk, "DE", false));
        assert!(adequate(Origin::Uk, "EEA", false));
        assert!(adequate(Origin::Uk, "GI", false));
        assert!(adequate(Origin::Uk, "KR", false));
        assert!(adequate(Origin::Uk, "JP", false));
        assert!(adequate(Origin::Uk, "CH", false));
        assert!(!adequate(Origin::Uk, "US", false));
        assert!(adequate(Origin::Uk, "US", true));
        assert!(!adequate(Origin::Uk, "IN", true));
        assert!(!adequate(Origin::Uk, "MC", false));
    }

    #[test]
    fn adequacy_from_switzerland() {
        assert!(adequate(Origin::Ch, "GB", false));
        assert!(adequate(Origin::Ch, "UK", false));
        assert!(adequate(Origin::Ch, "CH", false));
        assert!(adequate(Origin::Ch, "CH-ZH", false));
        assert!(adequate(Origin::Ch, "DE", false));
        assert!(adequate(Origin::Ch, "LI", false));
        assert!(adequate(Origin::Ch, "MC", false));
        assert!(adequate(Origin::Ch, "GI", false));
        assert!(adequate(Origin::Ch, "IL", false));
        assert!(!adequate(Origin::Ch, "JP", false));
        assert!(!adequate(Origin::Ch, "KR", false));
        assert!(!adequate(Origin::Ch, "US", false));
        assert!(adequate(Origin::Ch, "US", true));
        assert!(!adequate(Origin::Ch, "CN", true));
    }

    #[test]
    fn suggestions() {
        assert_eq!(suggest_code("USA"), Some("US"));
        assert_eq!(suggest_code("usa"), Some("US"));
        assert_eq!(suggest_code("DEU"), Some("DE"));
        assert_eq!(suggest_code("GBR"), Some("GB"));
        assert_eq!(suggest_code("Germany"), Some("DE"));
        assert_eq!(suggest_code("germany"), Some("DE"));
        assert_eq!(suggest_code(" Germny "), Some("DE"));
        assert_eq!(suggest_code("uk"), Some("UK"));
        assert_eq!(suggest_code("de"), Some("DE"));
        assert_eq!(suggest_code("eea"), Some("EEA"));
        assert_eq!(suggest_code("United States of America"), Some("US"));
        assert_eq!(suggest_code("Untied States"), Some("US"));
        assert_eq!(suggest_code("England"), Some("GB"));
        assert_eq!(suggest_code("Holland"), Some("NL"));
        assert_eq!(suggest_code("South Korea"), Some("KR"));
        assert_eq!(suggest_code("Korea, Republic of"), Some("KR"));
        assert_eq!(suggest_code("Switzerland"), Some("CH"));
        assert_eq!(suggest_code("Schweiz"), Some("CH"));
        assert_eq!(suggest_code("Cote d'Ivoire"), Some("CI"));
        assert_eq!(suggest_code("EL"), Some("GR"));
        assert_eq!(suggest_code("DEX"), None);
        assert_eq!(suggest_code("QQ"), None);
        assert_eq!(suggest_code("Atlantis"), None);
        assert_eq!(suggest_code(""), None);
        assert_eq!(suggest_code("   "), None);
        assert_eq!(suggest_code(&"x".repeat(10_000)), None);
        assert_eq!(suggest_code("日本"), None);
    }

    #[test]
    fn regions() {
        for r in [
            "DE", "US", "GB", "UK", "CH", "EEA", "US-CA", "GB-SCT", "DE-BY", "FR-75", "JP-13",
            "UK-ENG",
        ] {
            assert!(region_is_valid(r), "{r}");
        }
        for r in [
            "", "EU", "eea", "us", "US-", "US-ABCD", "US-ca", "XX-CA", "USA", "US-C-A", "-CA",
            "US_CA", "US-É",
        ] {
            assert!(!region_is_valid(r), "{r}");
        }
        assert_eq!(region_origin("EEA"), Some(Origin::Eea));
        assert_eq!(region_origin("DE"), Some(Origin::Eea));
        assert_eq!(region_origin("NO"), Some(Origin::Eea));
        assert_eq!(region_origin("DE-BY"), Some(Origin::Eea));
        assert_eq!(region_origin("RE"), Some(Origin::Eea));
        assert_eq!(region_origin("UK"), Some(Origin::Uk));
        assert_eq!(region_origin("GB"), Some(Origin::Uk));
        assert_eq!(region_origin("GB-SCT"), Some(Origin::Uk));
        assert_eq!(region_origin("CH"), Some(Origin::Ch));
        assert_eq!(region_origin("CH-ZH"), Some(Origin::Ch));
        assert_eq!(region_origin("US"), None);
        assert_eq!(region_origin("US-CA"), None);
        assert_eq!(region_origin("GI"), None);
        assert_eq!(region_origin("JE"), None);
        assert_eq!(region_origin("de"), None);
        assert_eq!(region_origin("EU"), None);
    }
}
