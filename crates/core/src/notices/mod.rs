//! Sub-processor change notices on the processor side: who must be told of an intended
//! sub-processor, by when, until when they may object, and from which date the sub-processor
//! joins each customer's Annex III.
//!
//! Pure date arithmetic over plain values; the records and the commands live elsewhere.

use chrono::{Days, NaiveDate};
use serde::Serialize;

use crate::model::Authorisation;

pub mod edit;
pub mod page;

/// The notice period a customer's agreement gives when neither its record nor `dpa.toml` says.
pub const DEFAULT_NOTICE_DAYS: u32 = 30;

/// What a customer's record says about one intended sub-processor.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Recorded {
    /// The date the notice (or the request for consent) was sent.
    pub sent_on: Option<NaiveDate>,
    /// The date the customer objected (general authorisation).
    pub objected_on: Option<NaiveDate>,
    /// The date the customer consented (specific authorisation).
    pub consented_on: Option<NaiveDate>,
    /// The date the customer refused (specific authorisation).
    pub refused_on: Option<NaiveDate>,
}

/// One customer's terms for sub-processor changes, and what its record says of this addition.
#[derive(Debug, Clone)]
pub struct Terms {
    /// General (notice and objection) or specific (prior consent) authorisation.
    pub authorisation: Authorisation,
    /// Days of notice the customer's agreement requires.
    pub notice_days: u32,
    /// Whether the customer's agreement lets it object to a new sub-processor (GDPR Article
    /// 28(2) terms); a CCPA addendum alone requires the notice but grants no objection.
    pub may_object: bool,
    /// What has happened so far.
    pub recorded: Recorded,
}

/// What the company owes one customer for an intended sub-processor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Duty {
    /// General authorisation: a notice, after which the customer may object within the period.
    Notice,
    /// Specific authorisation: the sub-processor may be engaged only with the customer's consent.
    Consent,
}

/// Where a customer stands on an intended sub-processor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    /// Not yet told; the latest date to send has not passed.
    ToSend,
    /// Not yet told, and the latest date to send has passed: the effective date cannot hold for this customer.
    Late,
    /// Told; the objection period is running.
    Notified,
    /// The objection period ended without objection: the sub-processor is authorised.
    Authorised,
    /// The customer objected within the period.
    Objected,
    /// Consent requested, not yet given.
    AwaitingConsent,
    /// The customer consented.
    Consented,
    /// The customer refused its consent: the sub-processor never joins its Annex III.
    Refused,
}

impl Standing {
    /// The word the reports use.
    pub fn as_str(self) -> &'static str {
        match self {
            Standing::ToSend => "to send",
            Standing::Late => "late",
            Standing::Notified => "notified",
            Standing::Authorised => "authorised",
            Standing::Objected => "objected",
            Standing::AwaitingConsent => "awaiting consent",
            Standing::Consented => "consented",
            Standing::Refused => "refused",
        }
    }
}

/// The plan for one customer and one intended sub-processor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Plan {
    /// Notice or consent.
    pub duty: Duty,
    /// The customer's notice period in days.
    pub notice_days: u32,
    /// The latest date to send the notice (or consent request) so that the effective date holds.
    pub send_by: NaiveDate,
    /// The last day the customer may object: the notice period counted from the date the notice
    /// was sent, or from the latest date to send while it has not been sent. `None` under specific
    /// authorisation, where silence is never consent.
    pub objection_deadline: Option<NaiveDate>,
    /// The first date the sub-processor may process this customer's data: the later of the
    /// intended effective date and the end of the objection period.
    pub joins_from: Option<NaiveDate>,
    /// The date the notice was sent, if it was.
    pub sent_on: Option<NaiveDate>,
    /// The date of an objection, if any.
    pub objected_on: Option<NaiveDate>,
    /// The date of consent, if any.
    pub consented_on: Option<NaiveDate>,
    /// The date of a refusal, if any.
    pub refused_on: Option<NaiveDate>,
    /// Where the customer stands on `as_of`.
    pub standing: Standing,
    /// Whether the notice (or request) was sent, or is still unsent, after `send_by`: the
    /// effective date cannot hold for this customer. It stays late once sent.
    pub late: bool,
    /// The first date the customer's notice period allows the sub-processor to start: the
    /// effective date when on time, else the day after the full period counted from the day the
    /// notice was sent (or, unsent, from `as_of`). A late letter proposes it.
    pub first_lawful: NaiveDate,
}

fn add_days(d: NaiveDate, n: u32) -> NaiveDate {
    d.checked_add_days(Days::new(u64::from(n)))
        .unwrap_or(NaiveDate::MAX)
}

fn sub_days(d: NaiveDate, n: u32) -> NaiveDate {
    d.checked_sub_days(Days::new(u64::from(n)))
        .unwrap_or(NaiveDate::MIN)
}

/// Plans the notice (or consent request) to one customer for a sub-processor intended to start
/// on `effective`, as things stand on `as_of`.
///
/// The customer may object until the notice period ends, `sent_on + notice_days` (that day
/// included); an objection recorded after it does not count. The sub-processor may start for
/// this customer the day after, so the latest date to send for `effective` to hold is
/// `effective - notice_days - 1`. A notice sent late moves this customer's start to the day
/// after its own period ends.
pub fn plan(effective: NaiveDate, terms: &Terms, as_of: NaiveDate) -> Plan {
    let r = &terms.recorded;
    // The whole period ends the day before the sub-processor starts.
    let send_by = sub_days(effective, terms.notice_days.saturating_add(1));
    let told = r.sent_on.unwrap_or(as_of.max(send_by));
    let late = told > send_by;
    let first_lawful = effective.max(add_days(told, terms.notice_days.saturating_add(1)));
    match terms.authorisation {
        Authorisation::General => {
            let deadline = add_days(r.sent_on.unwrap_or(send_by), terms.notice_days);
            let objected = r.objected_on.filter(|o| terms.may_object && *o <= deadline);
            let standing = if objected.is_some() {
                Standing::Objected
            } else if r.sent_on.is_none() {
                if as_of > send_by {
                    Standing::Late
                } else {
                    Standing::ToSend
                }
            } else if as_of > deadline {
                Standing::Authorised
            } else {
                Standing::Notified
            };
            Plan {
                duty: Duty::Notice,
                notice_days: terms.notice_days,
                send_by,
                objection_deadline: terms.may_object.then_some(deadline),
                joins_from: (objected.is_none() && r.sent_on.is_some())
                    .then(|| effective.max(add_days(deadline, 1))),
                sent_on: r.sent_on,
                objected_on: objected,
                consented_on: None,
                refused_on: None,
                standing,
                late,
                first_lawful,
            }
        }
        Authorisation::Specific => {
            // A refusal stands; consent given after it is recorded as a new answer.
            let refused = r
                .refused_on
                .filter(|f| r.consented_on.is_none_or(|c| c < *f));
            let standing = if refused.is_some() {
                Standing::Refused
            } else if r.consented_on.is_some() {
                Standing::Consented
            } else if r.sent_on.is_some() {
                Standing::AwaitingConsent
            } else if as_of > send_by {
                Standing::Late
            } else {
                Standing::ToSend
            };
            Plan {
                duty: Duty::Consent,
                notice_days: terms.notice_days,
                send_by,
                objection_deadline: None,
                // Consent to a late request is consent to the start it proposed.
                joins_from: r
                    .consented_on
                    .filter(|_| refused.is_none())
                    .map(|c| first_lawful.max(c)),
                sent_on: r.sent_on,
                objected_on: None,
                consented_on: r.consented_on,
                refused_on: refused,
                standing,
                late,
                first_lawful,
            }
        }
    }
}

/// Whether an intended sub-processor belongs in this customer's Annex III on `date`: only from
/// its effective date, and only once the objection period has passed without objection (or the
/// customer consented, under specific authorisation).
pub fn in_annex(effective: NaiveDate, terms: &Terms, date: NaiveDate) -> bool {
    plan(effective, terms, date)
        .joins_from
        .is_some_and(|from| date >= from)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    fn general(days: u32, recorded: Recorded) -> Terms {
        Terms {
            authorisation: Authorisation::General,
            notice_days: days,
            may_object: true,
            recorded,
        }
    }

    fn sent(on: &str) -> Recorded {
        Recorded {
            sent_on: Some(d(on)),
            ..Default::default()
        }
    }

    #[test]
    fn deadlines_follow_the_notice_period() {
        let eff = d("2027-03-01");
        let p = plan(eff, &general(30, Recorded::default()), d("2027-01-15"));
        // 30 full days of notice, 29 January to 28 February, end the day before the start.
        assert_eq!(p.send_by, d("2027-01-29"));
        assert_eq!(p.objection_deadline, Some(d("2027-02-28")));
        assert_eq!(p.standing, Standing::ToSend);
        assert_eq!(p.joins_from, None);
        let p = plan(eff, &general(60, Recorded::default()), d("2027-01-15"));
        assert_eq!(p.send_by, d("2026-12-30"));
        assert_eq!(p.standing, Standing::Late);
    }

    #[test]
    fn sent_on_time_joins_on_the_effective_date() {
        let eff = d("2027-03-01");
        let t = general(30, sent("2027-01-29"));
        let p = plan(eff, &t, d("2027-02-10"));
        assert_eq!(p.objection_deadline, Some(d("2027-02-28")));
        assert_eq!(p.standing, Standing::Notified);
        assert_eq!(p.joins_from, Some(eff));
        assert!(!in_annex(eff, &t, d("2027-02-28")));
        assert!(in_annex(eff, &t, eff));
        assert_eq!(plan(eff, &t, eff).standing, Standing::Authorised);
        // Sent early: the period ends sooner, the start stays the effective date.
        let early = general(30, sent("2027-01-02"));
        assert_eq!(
            plan(eff, &early, eff).objection_deadline,
            Some(d("2027-02-01"))
        );
        assert!(!in_annex(eff, &early, d("2027-02-15")));
        assert!(in_annex(eff, &early, eff));
    }

    #[test]
    fn a_late_notice_moves_the_start() {
        let eff = d("2027-03-01");
        let t = general(30, sent("2027-02-15"));
        let p = plan(eff, &t, d("2027-02-15"));
        assert_eq!(p.objection_deadline, Some(d("2027-03-17")));
        assert_eq!(p.joins_from, Some(d("2027-03-18")));
        assert!(!in_annex(eff, &t, d("2027-03-17")));
        assert!(in_annex(eff, &t, d("2027-03-18")));
    }

    #[test]
    fn an_objection_within_the_period_keeps_it_out() {
        let eff = d("2027-03-01");
        let t = general(
            30,
            Recorded {
                objected_on: Some(d("2027-02-01")),
                ..sent("2027-01-20")
            },
        );
        assert_eq!(plan(eff, &t, d("2027-04-01")).standing, Standing::Objected);
        assert!(!in_annex(eff, &t, d("2027-04-01")));
        // An objection after the period ended does not count.
        let late = general(
            30,
            Recorded {
                objected_on: Some(d("2027-02-25")),
                ..sent("2027-01-20")
            },
        );
        assert!(in_annex(eff, &late, eff));
    }

    #[test]
    fn a_notice_without_an_objection_right_has_no_objection_deadline() {
        let eff = d("2027-03-01");
        let mut t = general(30, sent("2027-01-10"));
        t.may_object = false;
        t.recorded.objected_on = Some(d("2027-01-20"));
        let p = plan(eff, &t, d("2027-02-20"));
        assert_eq!(p.objection_deadline, None);
        assert_eq!(p.objected_on, None);
        assert_eq!(p.joins_from, Some(eff));
    }

    #[test]
    fn a_late_request_for_consent_proposes_the_first_lawful_date_and_stays_late() {
        let eff = d("2027-03-01");
        // 60 days' notice, asked 40 days before the start.
        let mut t = Terms {
            authorisation: Authorisation::Specific,
            notice_days: 60,
            may_object: false,
            recorded: Recorded::default(),
        };
        let unsent = plan(eff, &t, d("2027-01-20"));
        assert!(unsent.late);
        assert_eq!(unsent.standing, Standing::Late);
        assert_eq!(unsent.first_lawful, d("2027-03-22"));
        t.recorded.sent_on = Some(d("2027-01-20"));
        let asked = plan(eff, &t, d("2027-01-25"));
        assert!(asked.late, "sending does not make a late request timely");
        assert_eq!(asked.standing, Standing::AwaitingConsent);
        assert_eq!(asked.first_lawful, d("2027-03-22"));
        t.recorded.consented_on = Some(d("2027-02-01"));
        assert_eq!(plan(eff, &t, eff).joins_from, Some(d("2027-03-22")));
        assert!(!in_annex(eff, &t, d("2027-03-21")));
        // On time: the effective date stands and nothing is late.
        let on_time = general(30, sent("2027-01-29"));
        let p = plan(eff, &on_time, d("2027-02-01"));
        assert!(!p.late);
        assert_eq!(p.first_lawful, eff);
        let late = general(30, sent("2027-02-15"));
        let p = plan(eff, &late, d("2027-02-16"));
        assert!(p.late);
        assert_eq!(p.standing, Standing::Notified);
        assert_eq!(Some(p.first_lawful), p.joins_from);
    }

    #[test]
    fn specific_authorisation_needs_consent() {
        let eff = d("2027-03-01");
        let mut t = Terms {
            authorisation: Authorisation::Specific,
            notice_days: 45,
            may_object: true,
            recorded: sent("2027-01-10"),
        };
        let p = plan(eff, &t, d("2027-06-01"));
        assert_eq!(p.duty, Duty::Consent);
        assert_eq!(p.send_by, d("2027-01-14"));
        assert_eq!(p.objection_deadline, None);
        assert_eq!(p.standing, Standing::AwaitingConsent);
        assert!(!in_annex(eff, &t, d("2027-06-01")));
        t.recorded.consented_on = Some(d("2027-02-01"));
        assert!(in_annex(eff, &t, eff));
        assert!(!in_annex(eff, &t, d("2027-02-28")));
        // A refusal after the consent withdraws it; a consent after a refusal gives it.
        t.recorded.refused_on = Some(d("2027-02-10"));
        assert_eq!(plan(eff, &t, eff).standing, Standing::Refused);
        assert!(!in_annex(eff, &t, d("2027-06-01")));
        t.recorded.consented_on = Some(d("2027-02-20"));
        assert!(in_annex(eff, &t, eff));
    }
}
