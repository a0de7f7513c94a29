//! Dated CCPA figures (the revenue threshold of Civ. Code 1798.140(d)(1)(A)) from `data/ccpa.toml`.

use serde::Deserialize;
use std::sync::OnceLock;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CcpaFile {
    #[allow(dead_code)]
    as_of: toml::value::Datetime,
    revenue_threshold: Vec<Threshold>,
}

/// One revenue threshold and the date from which it applies.
#[derive(Deserialize, Debug, Clone)]
#[serde(deny_unknown_fields)]
pub struct Threshold {
    /// First day the threshold applies.
    pub from: toml::value::Datetime,
    /// Annual gross revenue in US dollars.
    pub usd: u64,
    /// Where the figure comes from.
    pub source: String,
}

fn data() -> &'static CcpaFile {
    static DATA: OnceLock<CcpaFile> = OnceLock::new();
    DATA.get_or_init(|| {
        // Part of the source tree and covered by tests: a parse failure is a build defect.
        let mut f: CcpaFile = toml::from_str(include_str!("../../../../data/ccpa.toml"))
            .expect("data/ccpa.toml is valid");
        f.revenue_threshold.sort_by_key(|t| t.from.to_string());
        f
    })
}

/// The revenue threshold in force at the latest date the data knows: the figure a company is judged against today.
pub fn revenue_threshold() -> &'static Threshold {
    data()
        .revenue_threshold
        .last()
        .expect("data/ccpa.toml has at least one revenue threshold")
}

/// The revenue threshold in force on `date` (`YYYY-MM-DD`), if any entry had taken effect by then.
pub fn revenue_threshold_on(date: &str) -> Option<&'static Threshold> {
    data()
        .revenue_threshold
        .iter()
        .rev()
        .find(|t| t.from.to_string().as_str() <= date)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_are_dated_with_sources() {
        assert_eq!(revenue_threshold().usd, 26_625_000);
        assert_eq!(revenue_threshold().from.to_string(), "2025-01-01");
        assert_eq!(
            revenue_threshold_on("2024-12-31").map(|t| t.usd),
            Some(25_000_000)
        );
        assert_eq!(
            revenue_threshold_on("2025-01-01").map(|t| t.usd),
            Some(26_625_000)
        );
        assert!(revenue_threshold_on("2019-12-31").is_none());
        for t in &data().revenue_threshold {
            assert!(t.source.contains("1798.140(d)(1)(A)"), "{}", t.source);
        }
    }
}
