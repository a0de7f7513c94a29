//! Transfer terms derived from both parties' places and roles, and the dated adequacy data behind them.

use crate::common::*;

#[test]
fn check_warns_when_the_adequacy_data_is_more_than_a_year_old() {
    let ws = example_workspace();
    let fresh = dpa(ws.path(), &["check", "--as-of", "2027-12-02"]);
    assert_eq!(fresh.status.code(), Some(0), "{}", stderr(&fresh));
    assert!(
        !stderr(&fresh).contains("adequacy lists"),
        "{}",
        stderr(&fresh)
    );
    let stale = dpa(ws.path(), &["check", "--as-of", "2027-12-03"]);
    // A warning, not an error: the agreements are still checked and covered.
    assert_eq!(stale.status.code(), Some(0), "{}", stderr(&stale));
    let err = stderr(&stale);
    assert!(err.contains("data/adequacy.toml"), "{err}");
    assert!(
        err.contains("the adequacy lists were last checked on 2026-12-02"),
        "{err}"
    );
    let bad = dpa(ws.path(), &["check", "--as-of", "2027-13-01"]);
    assert_eq!(bad.status.code(), Some(2), "{}", stderr(&bad));
    assert!(stderr(&bad).contains("is not a date"), "{}", stderr(&bad));
}

#[test]
fn brazil_is_adequate_for_eu_data() {
    let ws = example_workspace();
    let record = std::fs::read_to_string(ws.path().join("vendors/suryadesk.toml"))
        .expect("suryadesk")
        .replace("country = \"IN\"", "country = \"BR\"")
        .replace("mechanism = \"scc\"", "mechanism = \"adequacy\"");
    write(ws.path(), "vendors/suryadesk.toml", &record);
    let out = dpa(
        ws.path(),
        &["check", "suryadesk", "--coverage", "--format", "json"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
    let frameworks = &v["vendors"][0]["frameworks"];
    assert!(
        !frameworks
            .as_array()
            .expect("frameworks")
            .iter()
            .any(|f| f == "scc"),
        "{frameworks}"
    );
}
