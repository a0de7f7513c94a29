//! Cells as people type them: Yes/No answers, country names and common aliases, dates in the
//! formats spreadsheets export, and sub-processor lists, read into the values a record holds.

use chrono::NaiveDate;

use crate::model::country;

/// A Yes/No answer: `Some(true)` for yes, `Some(false)` for no (an empty cell is no), `None`
/// when the text is neither.
pub fn yes_no(text: &str) -> Option<bool> {
    match text.trim().to_lowercase().as_str() {
        "yes" | "y" | "true" | "x" | "1" | "✓" | "✔" => Some(true),
        "no" | "n" | "false" | "0" | "" | "-" | "n/a" | "na" | "none" => Some(false),
        _ => None,
    }
}

/// Country names and aliases people write for a country code, beyond the names dpa knows.
const COUNTRY_ALIASES: &[(&str, &str)] = &[
    ("usa", "US"),
    ("u s a", "US"),
    ("u s", "US"),
    ("united states", "US"),
    ("united states of america", "US"),
    ("america", "US"),
    ("uk", "GB"),
    ("u k", "GB"),
    ("united kingdom", "GB"),
    ("great britain", "GB"),
    ("britain", "GB"),
    ("england", "GB"),
    ("scotland", "GB"),
    ("wales", "GB"),
    ("northern ireland", "GB"),
    ("holland", "NL"),
    ("the netherlands", "NL"),
    ("czech republic", "CZ"),
    ("south korea", "KR"),
    ("korea", "KR"),
    ("republic of korea", "KR"),
    ("uae", "AE"),
    ("russia", "RU"),
    ("deutschland", "DE"),
    ("schweiz", "CH"),
    ("suisse", "CH"),
];

fn loose(s: &str) -> String {
    s.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The country code a cell means: a code (`de`, `DE`), a name (`Germany`) or an alias (`USA`,
/// `UK`); `None` when it names no country.
pub fn country_code(text: &str) -> Option<&'static str> {
    let t = text.trim();
    if t.len() == 2 {
        let upper = t.to_ascii_uppercase();
        if let Some(c) = country::codes().find(|c| *c == upper) {
            return Some(c);
        }
    }
    let l = loose(t);
    if let Some((_, c)) = COUNTRY_ALIASES.iter().find(|(a, _)| *a == l) {
        return Some(c);
    }
    country::codes().find(|c| country::name(c).is_some_and(|n| loose(n) == l))
}

/// The region code a cell means: `EEA`, `UK`, `CH`, `US-CA`, a subdivision, or a country by
/// name or code; `None` when it names none.
pub fn region_code(text: &str) -> Option<String> {
    let t = text.trim();
    if country::region_is_valid(t) {
        return Some(t.to_string());
    }
    let upper = t.to_ascii_uppercase();
    if country::region_is_valid(&upper) {
        return Some(upper);
    }
    let l = loose(t);
    let named = match l.as_str() {
        "eu" | "european union" | "europe" | "eea" | "european economic area" => Some("EEA"),
        "uk" | "united kingdom" | "great britain" | "britain" | "england" => Some("UK"),
        "switzerland" | "swiss" => Some("CH"),
        "california" | "us ca" => Some("US-CA"),
        _ => None,
    };
    if let Some(n) = named {
        return Some(n.to_string());
    }
    country_code(t)
        .map(str::to_string)
        .filter(|c| country::region_is_valid(c))
}

/// How a date cell was read, for the import's summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateReading {
    /// `2024-03-01`.
    Iso,
    /// `3/1/2024`: month/day/year, as US spreadsheets write it.
    MonthDayYear,
    /// `13/1/2024` or `1.3.2024`: day/month/year.
    DayMonthYear,
    /// `1 March 2024`, `March 1, 2024`.
    Words,
}

impl DateReading {
    /// The reading in words.
    pub fn describe(self) -> &'static str {
        match self {
            DateReading::Iso => "year-month-day",
            DateReading::MonthDayYear => "month/day/year",
            DateReading::DayMonthYear => "day/month/year",
            DateReading::Words => "the date in words",
        }
    }
}

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

fn month(word: &str) -> Option<u32> {
    let w = word.to_lowercase();
    let w = w.trim_end_matches('.');
    if w.len() < 3 {
        return None;
    }
    MONTHS
        .iter()
        .position(|m| m.starts_with(w) || (w == "sept" && *m == "september"))
        .map(|i| i as u32 + 1)
}

/// A date as spreadsheets write it, and how it was read: `2024-03-01`, `3/1/2024` (US
/// month/day/year; day/month/year when the first number exceeds 12), `1.3.2024`, `1 March
/// 2024`, `March 1, 2024`. A time after the date is ignored.
pub fn date(text: &str) -> Option<(NaiveDate, DateReading)> {
    let t = text.trim();
    let t = t
        .split(['T', ' '])
        .next()
        .filter(|d| d.contains('-'))
        .unwrap_or(t);
    if let Ok(d) = NaiveDate::parse_from_str(t, "%Y-%m-%d") {
        return Some((d, DateReading::Iso));
    }
    let nums = |sep: char| -> Option<(u32, u32, i32)> {
        let p: Vec<&str> = t.split(sep).map(str::trim).collect();
        if p.len() != 3 || p[2].len() != 4 {
            return None;
        }
        Some((p[0].parse().ok()?, p[1].parse().ok()?, p[2].parse().ok()?))
    };
    if let Some((a, b, y)) = nums('/') {
        return if a <= 12 {
            NaiveDate::from_ymd_opt(y, a, b).map(|d| (d, DateReading::MonthDayYear))
        } else {
            NaiveDate::from_ymd_opt(y, b, a).map(|d| (d, DateReading::DayMonthYear))
        };
    }
    if let Some((d, m, y)) = nums('.') {
        return NaiveDate::from_ymd_opt(y, m, d).map(|x| (x, DateReading::DayMonthYear));
    }
    let words: Vec<&str> = t
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .collect();
    if let [a, b, y] = words.as_slice() {
        let y: i32 = y.parse().ok()?;
        let day = |s: &str| {
            s.trim_end_matches(|c: char| c.is_ascii_alphabetic())
                .parse::<u32>()
                .ok()
        };
        let (d, m) = match (day(a), month(a)) {
            (Some(d), _) => (d, month(b)?),
            (None, Some(m)) => (day(b)?, m),
            _ => return None,
        };
        return NaiveDate::from_ymd_opt(y, m, d).map(|x| (x, DateReading::Words));
    }
    None
}

/// One sub-processor as a cell lists it: `Name (Country): purpose`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subprocessor {
    /// Legal name.
    pub name: String,
    /// Country code.
    pub country: String,
    /// What it does (empty when the cell does not say).
    pub purpose: String,
}

/// Reads a sub-processor cell: items separated by `;` or new lines, each `Name (Country)` with
/// an optional `: purpose` (or ` - purpose`). The error names the item and says how to write it.
pub fn subprocessors(text: &str) -> Result<Vec<Subprocessor>, String> {
    let mut out = Vec::new();
    for item in text
        .split([';', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        let fix = "write each as `Name (Country): purpose`, separated by `;`, for example `Cloud Host Ltd (Ireland): hosting`";
        let (Some(open), Some(close)) = (item.find('('), item.find(')')) else {
            return Err(format!("`{item}` gives no country; {fix}"));
        };
        if close < open {
            return Err(format!("`{item}` is not `Name (Country)`; {fix}"));
        }
        let name = item[..open].trim().to_string();
        let place = item[open + 1..close].trim();
        let Some(code) = country_code(place) else {
            return Err(format!("`{place}` in `{item}` is not a country; {fix}"));
        };
        let purpose = item[close + 1..]
            .trim()
            .trim_start_matches([':', '-', '–'])
            .trim()
            .to_string();
        if name.is_empty() {
            return Err(format!("`{item}` gives no name; {fix}"));
        }
        out.push(Subprocessor {
            name,
            country: code.to_string(),
            purpose,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_countries_and_regions() {
        assert_eq!(yes_no(" Yes "), Some(true));
        assert_eq!(yes_no("no"), Some(false));
        assert_eq!(yes_no(""), Some(false));
        assert_eq!(yes_no("maybe"), None);
        assert_eq!(country_code("USA"), Some("US"));
        assert_eq!(country_code("Germany"), Some("DE"));
        assert_eq!(country_code("United Kingdom"), Some("GB"));
        assert_eq!(country_code("UK"), Some("GB"));
        assert_eq!(country_code("de"), Some("DE"));
        assert_eq!(country_code("Germny"), None);
        assert_eq!(region_code("EU").as_deref(), Some("EEA"));
        assert_eq!(region_code("United Kingdom").as_deref(), Some("UK"));
        assert_eq!(region_code("us-ca").as_deref(), Some("US-CA"));
        assert_eq!(region_code("Germany").as_deref(), Some("DE"));
    }

    #[test]
    fn dates_in_common_formats() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        assert_eq!(
            date("3/1/2024"),
            Some((d(2024, 3, 1), DateReading::MonthDayYear))
        );
        assert_eq!(
            date("13/1/2024"),
            Some((d(2024, 1, 13), DateReading::DayMonthYear))
        );
        assert_eq!(date("2024-03-01"), Some((d(2024, 3, 1), DateReading::Iso)));
        assert_eq!(
            date("1 March 2024"),
            Some((d(2024, 3, 1), DateReading::Words))
        );
        assert_eq!(
            date("March 1, 2024"),
            Some((d(2024, 3, 1), DateReading::Words))
        );
        assert_eq!(
            date("1.3.2024"),
            Some((d(2024, 3, 1), DateReading::DayMonthYear))
        );
        assert_eq!(date("2/30/2024"), None);
        assert_eq!(date("soon"), None);
    }

    #[test]
    fn subprocessor_cells() {
        let s = subprocessors("AWS (USA): hosting; Mailer GmbH (Germany)").unwrap();
        assert_eq!(s.len(), 2);
        assert_eq!(
            (
                s[0].name.as_str(),
                s[0].country.as_str(),
                s[0].purpose.as_str()
            ),
            ("AWS", "US", "hosting")
        );
        assert_eq!((s[1].country.as_str(), s[1].purpose.as_str()), ("DE", ""));
        assert!(subprocessors("AWS").unwrap_err().contains("Name (Country)"));
    }
}
