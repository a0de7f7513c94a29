//! The tracker in plain words: framework and state names a procurement reader understands, and
//! the one-line summary a manager reads first. JSON keeps the ids; every other output uses these.

use std::collections::BTreeMap;

use super::{Overall, Row, State};
use crate::model::facts::Framework;

/// The name of a framework as people say it: `scc` -> `SCCs`.
pub fn framework(f: &str) -> &str {
    match f.parse::<Framework>() {
        Ok(Framework::Ccpa) => "CCPA",
        Ok(Framework::Gdpr) => "GDPR",
        Ok(Framework::Scc) => "SCCs",
        Ok(Framework::Uk) => "UK Addendum",
        Ok(Framework::Ch) => "Swiss adaptations",
        Ok(Framework::Dpf) => "DPF terms",
        Ok(Framework::Usstate) => "US state terms",
        Ok(Framework::General) | Err(_) => f,
    }
}

/// What a vendor needs when nothing covers the framework: `needs a CCPA agreement`.
pub fn needs(f: &str) -> String {
    match f.parse::<Framework>() {
        Ok(Framework::Ccpa | Framework::Gdpr) => format!("needs a {} agreement", framework(f)),
        Ok(Framework::Scc | Framework::Usstate) => format!("needs {}", framework(f)),
        _ => format!("needs the {}", framework(f)),
    }
}

/// A state in words: `awaiting signature` for `sent`.
pub fn state(s: State) -> &'static str {
    match s {
        State::Covered => "covered",
        State::Expiring => "expiring soon",
        State::Outdated => "outdated",
        State::Reviewed => "signed and reviewed, to confirm",
        State::Gaps => "signed, with gaps",
        State::Unreviewed => "signed, not yet reviewed",
        State::Sent => "awaiting signature",
        State::Issued => "ready to send",
        State::Expired => "expired",
        State::Missing => "missing",
        State::Ended => "service ended",
    }
}

/// One framework's cell: `CCPA awaiting signature`, or `needs a CCPA agreement` when missing.
pub fn cell(f: &str, s: State) -> String {
    match s {
        State::Missing => needs(f),
        _ => format!("{} {}", framework(f), state(s)),
    }
}

/// A vendor's standing as a whole, in words.
pub fn overall(o: Overall) -> &'static str {
    match o {
        Overall::Covered => "covered",
        Overall::Gaps => "signed, not everything covered",
        Overall::Unsigned => "not signed",
        Overall::Ended => "service ended",
        Overall::Incomplete => "record incomplete",
        Overall::None => "needs no agreement",
        Overall::Invalid => "record invalid",
    }
}

/// Which group of the summary a row falls in, and the group's order.
fn group(r: &Row) -> (u8, String) {
    match r.overall {
        Overall::Covered => (0, "covered".into()),
        Overall::Incomplete => (6, "incomplete".into()),
        Overall::Invalid => (7, "invalid".into()),
        Overall::None => (8, "none".into()),
        Overall::Ended => (9, "ended".into()),
        Overall::Gaps | Overall::Unsigned => {
            let missing: Vec<&str> = r
                .required
                .iter()
                .filter(|f| r.states.get(*f) == Some(&State::Missing))
                .map(String::as_str)
                .collect();
            let any = |s: State| r.states.values().any(|x| *x == s);
            if !missing.is_empty() {
                (1, missing.join(","))
            } else if any(State::Expired) {
                (2, "expired".into())
            } else if any(State::Sent) {
                (4, "sent".into())
            } else if any(State::Issued) {
                (3, "issued".into())
            } else {
                (5, "review".into())
            }
        }
    }
}

/// The words of a summary group for `n` vendors.
fn group_words(key: &str, n: usize) -> String {
    let one = n == 1;
    let verb = if one { "needs" } else { "need" };
    match key {
        "covered" => format!("{n} covered"),
        "expired" => format!("{n} expired"),
        "sent" => format!("{n} awaiting signature"),
        "issued" => format!("{n} ready to send"),
        "review" => format!("{n} signed, to review or update"),
        "incomplete" => format!("{n} {} incomplete", if one { "record" } else { "records" }),
        "invalid" => format!("{n} {} invalid", if one { "record" } else { "records" }),
        "none" => format!("{n} {verb} no agreement"),
        "ended" => format!("{n} service ended"),
        missing => {
            let fs: Vec<&str> = missing.split(',').collect();
            if let [f] = fs.as_slice() {
                let phrase = needs(f);
                format!("{n} {verb}{}", &phrase["needs".len()..])
            } else {
                let names: Vec<&str> = fs.iter().map(|f| framework(f)).collect();
                format!("{n} {verb} an agreement ({})", names.join(", "))
            }
        }
    }
}

/// The one line a manager reads first: `14 vendors: 5 covered, 6 need a CCPA agreement, 2
/// awaiting signature, 1 record incomplete`. Each vendor is counted once, by what it lacks first.
pub fn summary(rows: &[Row], noun: &str) -> String {
    let mut groups: BTreeMap<(u8, String), usize> = BTreeMap::new();
    groups.insert((0, "covered".into()), 0);
    for r in rows {
        *groups.entry(group(r)).or_default() += 1;
    }
    let parts: Vec<String> = groups
        .iter()
        .filter(|((order, _), n)| **n > 0 || *order == 0)
        .map(|((_, key), n)| group_words(key, *n))
        .collect();
    let nouns = if rows.len() == 1 {
        noun.to_string()
    } else {
        format!("{noun}s")
    };
    format!("{} {nouns}: {}", rows.len(), parts.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: &str, overall: Overall, states: &[(&str, State)]) -> Row {
        let mut r = super::super::invalid_row(id, String::new());
        r.overall = overall;
        r.required = states.iter().map(|(f, _)| f.to_string()).collect();
        r.states = states.iter().map(|(f, s)| (f.to_string(), *s)).collect();
        r
    }

    #[test]
    fn the_summary_counts_each_vendor_once_in_plain_words() {
        let mut rows = Vec::new();
        for i in 0..5 {
            rows.push(row(
                &format!("c{i}"),
                Overall::Covered,
                &[("ccpa", State::Covered)],
            ));
        }
        for i in 0..6 {
            rows.push(row(
                &format!("m{i}"),
                Overall::Unsigned,
                &[("ccpa", State::Missing)],
            ));
        }
        for i in 0..2 {
            rows.push(row(
                &format!("s{i}"),
                Overall::Unsigned,
                &[("gdpr", State::Sent)],
            ));
        }
        rows.push(row("x", Overall::Incomplete, &[("ccpa", State::Missing)]));
        assert_eq!(
            summary(&rows, "vendor"),
            "14 vendors: 5 covered, 6 need a CCPA agreement, 2 awaiting signature, 1 record incomplete"
        );
        rows.truncate(1);
        rows.push(row("n", Overall::None, &[]));
        rows.push(row(
            "u",
            Overall::Unsigned,
            &[("scc", State::Missing), ("uk", State::Missing)],
        ));
        assert_eq!(
            summary(&rows, "vendor"),
            "3 vendors: 1 covered, 1 needs an agreement (SCCs, UK Addendum), 1 needs no agreement"
        );
    }

    #[test]
    fn cells_read_as_words() {
        assert_eq!(cell("ccpa", State::Missing), "needs a CCPA agreement");
        assert_eq!(cell("scc", State::Missing), "needs SCCs");
        assert_eq!(cell("uk", State::Missing), "needs the UK Addendum");
        assert_eq!(cell("gdpr", State::Sent), "GDPR awaiting signature");
    }
}
