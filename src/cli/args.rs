//! Argument helpers shared by several commands.

use chrono::NaiveDate;

use crate::diag::Diagnostics;
use crate::workspace::Workspace;

/// Parses a YYYY-MM-DD date argument.
pub fn parse_date(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| format!("`{s}` is not a date: write YYYY-MM-DD"))
}

/// Which counterparties a command applies to: the ones named, or all with `--all`.
pub fn vendor_ids(
    ws: &Workspace,
    named: &[String],
    all: bool,
    diags: &mut Diagnostics,
) -> Vec<String> {
    if all {
        ws.vendor_ids(diags)
    } else {
        named.to_vec()
    }
}
