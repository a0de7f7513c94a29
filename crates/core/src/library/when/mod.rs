//! Conditions on a vendor's facts, as written in clause and requirement `when` keys.
//!
//! The grammar, loosest binding first:
//!
//! ```text
//! or      := and ("or" and)*
//! and     := not ("and" not)*
//! not     := "not" not | cmp
//! cmp     := operand (("==" | "!=" | "in" | "not" "in") operand)?
//! operand := path | string | number | "true" | "false"
//!          | "[" (operand ("," operand)* ","?)? "]" | "(" or ")"
//! path    := ident ("." ident)*        ident := [A-Za-z_][A-Za-z0-9_]*
//! ```
//!
//! Comparisons do not chain (`a == b == c` is an error rather than a puzzle).
//! Every span in an error is a byte range into the source on char boundaries,
//! so callers can add the offset of the `when` string in its file and hand
//! the range to a diagnostic renderer.

mod eval;
mod lexer;
mod parser;
#[cfg(test)]
mod tests;

use serde_json::Value;
use std::fmt;
use std::ops::Range;

use crate::diag::suggest;
use eval::truth;
use lexer::{Lexer, Tok};
use parser::Parser;

/// Deepest nesting of parentheses, lists and `not` that a condition may use.
pub const MAX_DEPTH: usize = 64;

/// Words that are operators or literals and so can never start a path.
pub(super) const KEYWORDS: [&str; 6] = ["and", "or", "not", "in", "true", "false"];

/// A parsed condition, ready to check against the known fields and to evaluate.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    root: Node,
}

/// A problem in a condition: where it is, what is wrong, and how to fix it.
#[derive(Debug, Clone, PartialEq)]
pub struct WhenError {
    /// Byte range into the condition's source.
    pub span: Range<usize>,
    /// What is wrong, in one line.
    pub message: String,
    /// How to fix it, when there is a likely fix.
    pub hint: Option<String>,
}

impl WhenError {
    pub(super) fn new(span: Range<usize>, message: impl Into<String>) -> Self {
        WhenError {
            span,
            message: message.into(),
            hint: None,
        }
    }

    pub(super) fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

impl fmt::Display for WhenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, "; {hint}")?;
        }
        Ok(())
    }
}

impl std::error::Error for WhenError {}

#[derive(Debug, Clone, PartialEq)]
pub(super) struct Node {
    pub(super) kind: Kind,
    pub(super) span: Range<usize>,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Kind {
    Path(String),
    Lit(Value),
    List(Vec<Node>),
    Not(Box<Node>),
    // `and`/`or` chains are flat so that a long chain cannot build a deep tree
    // (which would overflow the stack when evaluated or dropped).
    And(Vec<Node>),
    Or(Vec<Node>),
    Cmp(CmpOp, Box<Node>, Box<Node>),
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum CmpOp {
    Eq,
    Ne,
    In,
    NotIn,
}

impl Expr {
    /// Parses a condition; the error span is a byte range into `src`.
    pub fn parse(src: &str) -> Result<Expr, WhenError> {
        let toks = Lexer { src, pos: 0 }.run()?;
        if toks.len() == 1 {
            return Err(WhenError::new(0..src.len(), "empty condition")
                .hint("write a condition such as `has_subprocessors`, or leave `when` out"));
        }
        let mut p = Parser {
            src,
            toks,
            pos: 0,
            depth: 0,
        };
        let root = p.or()?;
        let tok = p.peek();
        if tok.tok != Tok::Eof {
            return Err(p.unexpected_after_condition(None));
        }
        Ok(Expr { root })
    }

    /// Every field path the expression reads, with its span.
    pub fn paths(&self) -> Vec<(String, Range<usize>)> {
        let mut out = Vec::new();
        collect_paths(&self.root, &mut out);
        out
    }

    /// Checks every path against the known field paths (a path is known if it equals a known path or starts with one followed by '.'), returning an error per unknown path with a "did you mean `x`?" hint from the nearest known path.
    pub fn check_paths(&self, known: &[&str]) -> Vec<WhenError> {
        self.paths()
            .into_iter()
            .filter(|(path, _)| !is_known_path(path, known))
            .map(|(path, span)| {
                let err = WhenError::new(span, format!("unknown field `{path}`"));
                match unknown_path_hint(&path, known) {
                    Some(hint) => err.hint(hint),
                    None => err,
                }
            })
            .collect()
    }

    /// Rewrites every path `rename` maps to a new spelling, returning the old spellings with
    /// their spans and the new ones.
    pub fn rename_paths(
        &mut self,
        rename: &dyn Fn(&str) -> Option<String>,
    ) -> Vec<(String, String, Range<usize>)> {
        let mut out = Vec::new();
        rename_in(&mut self.root, rename, &mut out);
        out
    }

    /// Evaluates against a JSON object of facts; missing paths read as null.
    pub fn eval(&self, facts: &Value) -> bool {
        truth(&self.root, facts)
    }
}

fn is_known_path(path: &str, known: &[&str]) -> bool {
    known
        .iter()
        .any(|k| path == *k || (path.starts_with(k) && path.as_bytes().get(k.len()) == Some(&b'.')))
}

fn unknown_path_hint(path: &str, known: &[&str]) -> Option<String> {
    let lower = path.to_lowercase();
    if KEYWORDS.contains(&lower.as_str()) {
        return Some(format!("keywords are lowercase: write `{lower}`"));
    }
    if lower == "null" || lower == "none" {
        return Some(
            "there is no null literal; a missing value is false, so test it with `not field`"
                .into(),
        );
    }
    // Conditions and templates read the vendor's fields under `vendor.`; a path without the
    // first segment is a likely slip.
    let vendor = format!("vendor.{path}");
    suggest(path, known)
        .or_else(|| suggest(&vendor, known))
        .map(|s| format!("did you mean `{s}`?"))
}

fn rename_in(
    node: &mut Node,
    rename: &dyn Fn(&str) -> Option<String>,
    out: &mut Vec<(String, String, Range<usize>)>,
) {
    match &mut node.kind {
        Kind::Path(p) => {
            if let Some(new) = rename(p) {
                out.push((std::mem::replace(p, new.clone()), new, node.span.clone()));
            }
        }
        Kind::Lit(_) => {}
        Kind::List(items) | Kind::And(items) | Kind::Or(items) => {
            items.iter_mut().for_each(|n| rename_in(n, rename, out));
        }
        Kind::Not(inner) => rename_in(inner, rename, out),
        Kind::Cmp(_, l, r) => {
            rename_in(l, rename, out);
            rename_in(r, rename, out);
        }
    }
}

fn collect_paths(node: &Node, out: &mut Vec<(String, Range<usize>)>) {
    match &node.kind {
        Kind::Path(p) => out.push((p.clone(), node.span.clone())),
        Kind::Lit(_) => {}
        Kind::List(items) | Kind::And(items) | Kind::Or(items) => {
            items.iter().for_each(|n| collect_paths(n, out));
        }
        Kind::Not(inner) => collect_paths(inner, out),
        Kind::Cmp(_, l, r) => {
            collect_paths(l, out);
            collect_paths(r, out);
        }
    }
}
