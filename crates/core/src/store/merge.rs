//! Three-way merge of TOML records, field by field: edits to different fields are merged, an
//! edit to the same field on both sides is a conflict that names the field and shows both
//! values. Comments and layout of our side are kept.
//!
//! Tables merge key by key; arrays of tables (`[[agreements]]`, `[[subprocessors]]`) merge
//! entry by entry, an entry known by its `version`, `sha256`, `name`, `requirement`, `id` or
//! `file`; arrays of values merge as lists (additions and removals of both sides).

use std::collections::BTreeMap;

use toml_edit::{Array, ArrayOfTables, DocumentMut, Item, Table, Value};

/// Which side a conflicting field takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Take {
    /// Ours: the local branch.
    Ours,
    /// Theirs: the upstream.
    Theirs,
}

/// A field both sides changed differently.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldConflict {
    /// The field's dotted path, `processing.retention` or `agreements[version=1].status`.
    pub field: String,
    /// Our value, as TOML, or `(removed)`.
    pub ours: String,
    /// Their value, as TOML, or `(removed)`.
    pub theirs: String,
}

/// The result of a merge.
#[derive(Debug, Clone, Default)]
pub struct Merged {
    /// The merged text; `None` while a conflict is left.
    pub text: Option<String>,
    /// Fields taken from their side.
    pub theirs: Vec<String>,
    /// Conflicting fields resolved by a choice.
    pub chosen: Vec<(String, Take)>,
    /// Conflicts left.
    pub conflicts: Vec<FieldConflict>,
}

struct Ctx<'a> {
    take: &'a dyn Fn(&str) -> Option<Take>,
    out: Merged,
}

impl Ctx<'_> {
    /// A conflict on `field`: resolved by a choice, or recorded. True when theirs is taken.
    fn conflict(&mut self, field: &str, ours: Option<&Item>, theirs: Option<&Item>) -> bool {
        match (self.take)(field) {
            Some(t) => {
                self.out.chosen.push((field.to_string(), t));
                t == Take::Theirs
            }
            None => {
                self.out.conflicts.push(FieldConflict {
                    field: field.to_string(),
                    ours: show(ours),
                    theirs: show(theirs),
                });
                false
            }
        }
    }
}

/// A value as TOML for people, `(removed)` when absent.
fn show(item: Option<&Item>) -> String {
    match item.and_then(norm) {
        None => "(removed)".into(),
        Some(toml::Value::Table(t)) => {
            let text = toml::to_string(&t).unwrap_or_default();
            format!("{{ {} }}", text.trim().replace('\n', ", "))
        }
        Some(v) => v.to_string(),
    }
}

/// What an item says, without its formatting.
fn norm(item: &Item) -> Option<toml::Value> {
    if item.is_none() {
        return None;
    }
    let mut doc = DocumentMut::new();
    doc.insert("x", item.clone());
    let mut t: toml::Table = toml::from_str(&doc.to_string()).ok()?;
    t.remove("x")
}

fn same(a: Option<&Item>, b: Option<&Item>) -> bool {
    a.and_then(norm) == b.and_then(norm)
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// Merges `ours` and `theirs`, both changed from `base` (`None`: both added the file).
/// `take` chooses a side for a conflicting field (by its dotted path), or leaves it a conflict.
pub fn merge(
    base: Option<&str>,
    ours: &str,
    theirs: &str,
    take: &dyn Fn(&str) -> Option<Take>,
) -> Result<Merged, String> {
    let parse = |side: &str, text: &str| -> Result<DocumentMut, String> {
        text.parse::<DocumentMut>()
            .map_err(|e| format!("{side} side is not valid TOML: {e}"))
    };
    let base = base.map(|b| parse("the common", b)).transpose()?;
    let mut doc = parse("our", ours)?;
    let theirs = parse("their", theirs)?;
    let mut ctx = Ctx {
        take,
        out: Merged::default(),
    };
    merge_table(
        base.as_ref().map(|d| d.as_table()),
        doc.as_table_mut(),
        theirs.as_table(),
        "",
        &mut ctx,
    );
    let mut out = ctx.out;
    if out.conflicts.is_empty() {
        let text = doc.to_string();
        toml::from_str::<toml::Table>(&text)
            .map_err(|e| format!("the merged record is not valid TOML: {e}"))?;
        out.text = Some(text);
    }
    Ok(out)
}

fn merge_table(base: Option<&Table>, ours: &mut Table, theirs: &Table, path: &str, ctx: &mut Ctx) {
    let mut keys: Vec<String> = ours.iter().map(|(k, _)| k.to_string()).collect();
    for (k, _) in theirs.iter() {
        if !keys.iter().any(|x| x == k) {
            keys.push(k.to_string());
        }
    }
    for key in keys {
        let b = base.and_then(|t| t.get(&key)).cloned();
        let o = ours.get(&key).cloned();
        let t = theirs.get(&key).cloned();
        if same(o.as_ref(), t.as_ref()) || same(b.as_ref(), t.as_ref()) {
            continue;
        }
        let field = join(path, &key);
        if same(b.as_ref(), o.as_ref()) {
            // Only they changed it: a table takes their changes key by key (keeping our layout
            // and naming the fields), anything else whole.
            if let (Some(Item::Table(bt)), Some(Item::Table(tt))) = (&b, &t)
                && let Some(Item::Table(ot)) = ours.get_mut(&key)
            {
                merge_table(Some(bt), ot, tt, &field, ctx);
            } else {
                set(ours, &key, t.as_ref());
                ctx.out.theirs.push(field);
            }
            continue;
        }
        match (&o, &t) {
            (Some(Item::Table(_)), Some(Item::Table(tt))) => {
                let bt = b.as_ref().and_then(|i| i.as_table());
                if let Some(Item::Table(ot)) = ours.get_mut(&key) {
                    merge_table(bt, ot, tt, &field, ctx);
                }
            }
            (Some(Item::ArrayOfTables(oa)), Some(Item::ArrayOfTables(ta))) => {
                let ba = b.as_ref().and_then(|i| i.as_array_of_tables());
                match merge_tables(ba, oa, ta, &field, ctx) {
                    Some(merged) => {
                        ours.insert(&key, Item::ArrayOfTables(merged));
                    }
                    None => {
                        if ctx.conflict(&field, o.as_ref(), t.as_ref()) {
                            set(ours, &key, t.as_ref());
                        }
                    }
                }
            }
            (Some(Item::Value(Value::Array(oa))), Some(Item::Value(Value::Array(ta))))
                if b.as_ref().and_then(|i| i.as_array()).is_some() =>
            {
                let ba = b
                    .as_ref()
                    .and_then(|i| i.as_array())
                    .cloned()
                    .unwrap_or_default();
                match merge_list(&ba, oa, ta) {
                    Some(list) => {
                        if let Some(Item::Value(v)) = ours.get_mut(&key) {
                            *v = Value::Array(list);
                        }
                        ctx.out.theirs.push(field);
                    }
                    None => {
                        if ctx.conflict(&field, o.as_ref(), t.as_ref()) {
                            set(ours, &key, t.as_ref());
                        }
                    }
                }
            }
            _ => {
                if ctx.conflict(&field, o.as_ref(), t.as_ref()) {
                    set(ours, &key, t.as_ref());
                }
            }
        }
    }
}

fn set(table: &mut Table, key: &str, item: Option<&Item>) {
    match item {
        Some(i) => {
            table.insert(key, i.clone());
        }
        None => {
            table.remove(key);
        }
    }
}

/// The key that identifies an entry of an array of tables.
fn identity(t: &Table) -> Option<String> {
    let paper = t.get("paper").and_then(|p| p.as_str());
    for k in ["version", "sha256", "name", "requirement", "id", "file"] {
        if let Some(v) = t.get(k).and_then(norm) {
            let v = match v {
                toml::Value::String(s) => s,
                other => other.to_string(),
            };
            return Some(match paper {
                Some(p) if k != "version" || p != "ours" => format!("paper={p},{k}={v}"),
                _ => format!("{k}={v}"),
            });
        }
    }
    None
}

fn keyed(a: &ArrayOfTables) -> Option<Vec<(String, Table)>> {
    let mut out: Vec<(String, Table)> = Vec::new();
    for t in a.iter() {
        let k = identity(t)?;
        if out.iter().any(|(x, _)| *x == k) {
            return None;
        }
        out.push((k, t.clone()));
    }
    Some(out)
}

fn table_item(t: &Table) -> Item {
    Item::Table(t.clone())
}

/// Merges arrays of tables entry by entry; `None` when entries cannot be told apart.
fn merge_tables(
    base: Option<&ArrayOfTables>,
    ours: &ArrayOfTables,
    theirs: &ArrayOfTables,
    path: &str,
    ctx: &mut Ctx,
) -> Option<ArrayOfTables> {
    let b: BTreeMap<String, Table> = match base {
        Some(a) => keyed(a)?.into_iter().collect(),
        None => BTreeMap::new(),
    };
    let o = keyed(ours)?;
    let t = keyed(theirs)?;
    let tmap: BTreeMap<&str, &Table> = t.iter().map(|(k, v)| (k.as_str(), v)).collect();
    let mut result = ArrayOfTables::new();
    for (k, ot) in &o {
        let field = format!("{path}[{k}]");
        let bt = b.get(k);
        match (bt, tmap.get(k.as_str())) {
            (_, Some(tt)) => {
                let mut merged = ot.clone();
                merge_table(bt, &mut merged, tt, &field, ctx);
                result.push(merged);
            }
            (Some(bt), None) => {
                // Removed on their side.
                if same(Some(&table_item(bt)), Some(&table_item(ot))) {
                    ctx.out.theirs.push(field);
                } else if !ctx.conflict(&field, Some(&table_item(ot)), None) {
                    result.push(ot.clone());
                }
            }
            (None, None) => result.push(ot.clone()),
        }
    }
    for (k, tt) in &t {
        if o.iter().any(|(x, _)| x == k) {
            continue;
        }
        let field = format!("{path}[{k}]");
        match b.get(k) {
            None => {
                result.push(tt.clone());
                ctx.out.theirs.push(field);
            }
            Some(bt) => {
                // Removed on our side: it stays removed unless they changed it.
                if !same(Some(&table_item(bt)), Some(&table_item(tt)))
                    && ctx.conflict(&field, None, Some(&table_item(tt)))
                {
                    result.push(tt.clone());
                }
            }
        }
    }
    Some(result)
}

/// Merges lists of values: ours, less what they removed, plus what they added; `None` when a
/// list holds one value twice.
fn merge_list(base: &Array, ours: &Array, theirs: &Array) -> Option<Array> {
    let key = |v: &Value| norm(&Item::Value(v.clone())).map(|x| x.to_string());
    let keys = |a: &Array| -> Option<Vec<String>> {
        let ks: Vec<String> = a.iter().map(key).collect::<Option<_>>()?;
        let mut sorted = ks.clone();
        sorted.sort();
        sorted.dedup();
        (sorted.len() == ks.len()).then_some(ks)
    };
    let (bk, ok, tk) = (keys(base)?, keys(ours)?, keys(theirs)?);
    let mut out = ours.clone();
    for i in (0..ok.len()).rev() {
        if bk.contains(&ok[i]) && !tk.contains(&ok[i]) {
            out.remove(i);
        }
    }
    for (i, k) in tk.iter().enumerate() {
        if !bk.contains(k)
            && !ok.contains(k)
            && let Some(v) = theirs.get(i)
        {
            out.push_formatted(v.clone());
        }
    }
    out.fmt();
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn none(_: &str) -> Option<Take> {
        None
    }

    const BASE: &str = "# Acme\nname = \"Acme\"\n\n[processing]\nretention = \"One year\" # agreed 2025\npurposes = [\"Analytics\"]\n\n[service]\ndescription = \"Widgets\"\n";

    #[test]
    fn different_fields_merge_and_keep_our_comments() {
        let ours = BASE.replace("\"Widgets\"", "\"Hosted widgets\"");
        let theirs = BASE.replace("\"One year\"", "\"Six months\"");
        let m = merge(Some(BASE), &ours, &theirs, &none).expect("merge");
        assert!(m.conflicts.is_empty(), "{:?}", m.conflicts);
        let text = m.text.expect("text");
        assert!(text.contains("description = \"Hosted widgets\""), "{text}");
        assert!(text.contains("retention = \"Six months\""), "{text}");
        assert!(text.starts_with("# Acme\n"), "{text}");
        assert_eq!(m.theirs, ["processing.retention"]);
    }

    #[test]
    fn the_same_field_is_a_conflict_with_both_values_until_chosen() {
        let ours = BASE.replace("\"One year\"", "\"Two years\"");
        let theirs = BASE.replace("\"One year\"", "\"Six months\"");
        let m = merge(Some(BASE), &ours, &theirs, &none).expect("merge");
        assert!(m.text.is_none());
        assert_eq!(
            m.conflicts,
            [FieldConflict {
                field: "processing.retention".into(),
                ours: "\"Two years\"".into(),
                theirs: "\"Six months\"".into(),
            }]
        );
        let take = |f: &str| (f == "processing.retention").then_some(Take::Theirs);
        let m = merge(Some(BASE), &ours, &theirs, &take).expect("merge");
        assert!(m.text.expect("text").contains("\"Six months\""));
        let take = |_: &str| Some(Take::Ours);
        let m = merge(Some(BASE), &ours, &theirs, &take).expect("merge");
        assert!(m.text.expect("text").contains("\"Two years\""));
    }

    #[test]
    fn agreements_merge_entry_by_entry_and_lists_as_lists() {
        let base = "name = \"A\"\npurposes = [\"a\", \"b\"]\n\n[[agreements]]\nversion = 1\nstatus = \"sent\"\n";
        let ours = "name = \"A\"\npurposes = [\"a\", \"b\", \"c\"]\n\n[[agreements]]\nversion = 1\nstatus = \"signed\"\nsigned_on = 2026-01-09\n";
        let theirs = "name = \"A\"\npurposes = [\"b\"]\n\n[[agreements]]\nversion = 1\nstatus = \"sent\"\n\n[[agreements]]\nversion = 2\nstatus = \"sent\"\n";
        let m = merge(Some(base), ours, theirs, &none).expect("merge");
        assert!(m.conflicts.is_empty(), "{:?}", m.conflicts);
        let text = m.text.expect("text");
        let v: toml::Table = toml::from_str(&text).expect("toml");
        assert_eq!(v["purposes"].as_array().expect("list").len(), 2, "{text}");
        let a = v["agreements"].as_array().expect("agreements");
        assert_eq!(a.len(), 2, "{text}");
        assert_eq!(a[0]["status"].as_str(), Some("signed"));
        assert_eq!(a[1]["version"].as_integer(), Some(2));
    }
}
