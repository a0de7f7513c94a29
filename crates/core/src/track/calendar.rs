//! The tracker's dates for a calendar (iCalendar, RFC 5545): each signed agreement's expiry,
//! with a reminder when renewal should start, and each fixed end of a service.

use chrono::NaiveDate;

use super::Row;

/// Escapes text for an iCalendar property value.
fn text(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace(';', "\\;")
        .replace(',', "\\,")
        .replace('\n', "\\n")
}

/// Folds a content line at 75 octets, as RFC 5545 requires, without splitting a character.
fn fold(line: &str) -> String {
    let mut out = String::new();
    let mut width = 0;
    for c in line.chars() {
        if width + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += c.len_utf8();
    }
    out.push_str("\r\n");
    out
}

fn event(
    out: &mut String,
    uid: &str,
    day: NaiveDate,
    stamp: NaiveDate,
    summary: &str,
    alarm_days: Option<i64>,
) {
    let next = day.succ_opt().unwrap_or(day);
    for line in [
        "BEGIN:VEVENT".to_string(),
        format!("UID:{uid}"),
        format!("DTSTAMP:{}T000000Z", stamp.format("%Y%m%d")),
        format!("DTSTART;VALUE=DATE:{}", day.format("%Y%m%d")),
        format!("DTEND;VALUE=DATE:{}", next.format("%Y%m%d")),
        format!("SUMMARY:{}", text(summary)),
    ] {
        out.push_str(&fold(&line));
    }
    if let Some(days) = alarm_days {
        for line in [
            "BEGIN:VALARM".to_string(),
            "ACTION:DISPLAY".to_string(),
            format!(
                "DESCRIPTION:{}",
                text(&format!("Start the renewal: {summary}"))
            ),
            format!("TRIGGER;RELATED=START:-P{days}D"),
            "END:VALARM".to_string(),
        ] {
            out.push_str(&fold(&line));
        }
    }
    out.push_str("END:VEVENT\r\n");
}

/// A calendar of the rows' expiries (with a reminder `renew_days` before) and service ends;
/// `as_of` stamps the events, so the same tracker gives the same bytes.
pub fn ics(rows: &[Row], company: &str, as_of: NaiveDate, renew_days: i64) -> String {
    let mut out = String::new();
    for line in [
        "BEGIN:VCALENDAR".to_string(),
        "VERSION:2.0".to_string(),
        "PRODID:-//dpa//vendor agreements//EN".to_string(),
        "CALSCALE:GREGORIAN".to_string(),
        format!(
            "X-WR-CALNAME:{}",
            text(&format!("Vendor agreements of {company}"))
        ),
    ] {
        out.push_str(&fold(&line));
    }
    for r in rows {
        let who = if r.name.is_empty() {
            &r.vendor
        } else {
            &r.name
        };
        if let Some(e) = r.expires_on {
            event(
                &mut out,
                &format!("{}-expires-{e}@dpa", r.vendor),
                e,
                as_of,
                &format!("Data processing agreement with {who} expires"),
                Some(renew_days),
            );
        }
        if let Some(e) = r.service_ends {
            event(
                &mut out,
                &format!("{}-service-ends-{e}@dpa", r.vendor),
                e,
                as_of,
                &format!("Service of {who} ends: confirm the return or deletion of the data"),
                None,
            );
        }
    }
    out.push_str("END:VCALENDAR\r\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_fold_and_text_is_escaped() {
        let folded = fold(&format!("SUMMARY:{}", "é".repeat(60)));
        assert!(folded.split("\r\n").all(|l| l.len() <= 75), "{folded}");
        assert_eq!(text("a, b; c"), "a\\, b\\; c");
    }
}
