//! Evaluation of a parsed condition against a JSON object of facts.

use serde_json::{Number, Value};
use std::borrow::Cow;

use super::{CmpOp, Kind, Node};

pub(super) fn truth(node: &Node, facts: &Value) -> bool {
    match &node.kind {
        Kind::Not(inner) => !truth(inner, facts),
        Kind::And(items) => items.iter().all(|n| truth(n, facts)),
        Kind::Or(items) => items.iter().any(|n| truth(n, facts)),
        Kind::Cmp(op, l, r) => {
            let (l, r) = (value(l, facts), value(r, facts));
            match op {
                CmpOp::Eq => json_eq(&l, &r),
                CmpOp::Ne => !json_eq(&l, &r),
                CmpOp::In => contains(&r, &l),
                CmpOp::NotIn => !contains(&r, &l),
            }
        }
        Kind::Path(_) | Kind::Lit(_) | Kind::List(_) => truthy(&value(node, facts)),
    }
}

pub(super) fn value<'a>(node: &'a Node, facts: &'a Value) -> Cow<'a, Value> {
    match &node.kind {
        Kind::Path(p) => lookup(facts, p).map_or(Cow::Owned(Value::Null), Cow::Borrowed),
        Kind::Lit(v) => Cow::Borrowed(v),
        Kind::List(items) => Cow::Owned(Value::Array(
            items.iter().map(|n| value(n, facts).into_owned()).collect(),
        )),
        _ => Cow::Owned(Value::Bool(truth(node, facts))),
    }
}

/// Follows a dotted path through nested objects; anything else reads as missing.
pub(super) fn lookup<'a>(facts: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.')
        .try_fold(facts, |cur, seg| cur.as_object()?.get(seg))
}

pub(super) fn truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
    }
}

/// JSON equality, except that numbers compare by value so that `2 == 2.0`.
pub(super) fn json_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => num_eq(x, y),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| json_eq(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, xv)| y.get(k).is_some_and(|yv| json_eq(xv, yv)))
        }
        _ => a == b,
    }
}

pub(super) fn num_eq(x: &Number, y: &Number) -> bool {
    // Compare integers exactly first: going through f64 would make large
    // neighbouring integers equal.
    if let (Some(a), Some(b)) = (x.as_i64(), y.as_i64()) {
        return a == b;
    }
    if let (Some(a), Some(b)) = (x.as_u64(), y.as_u64()) {
        return a == b;
    }
    match (x.as_f64(), y.as_f64()) {
        (Some(a), Some(b)) => a == b,
        _ => false,
    }
}

/// `needle in haystack`: list membership, substring of a string, key of an object.
pub(super) fn contains(haystack: &Value, needle: &Value) -> bool {
    match (haystack, needle) {
        (Value::Array(items), _) => items.iter().any(|v| json_eq(v, needle)),
        (Value::String(h), Value::String(n)) => h.contains(n.as_str()),
        (Value::Object(o), Value::String(k)) => o.contains_key(k),
        _ => false,
    }
}
