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

use serde_json::{Number, Value};
use std::borrow::Cow;
use std::fmt;
use std::ops::Range;

/// Deepest nesting of parentheses, lists and `not` that a condition may use.
pub const MAX_DEPTH: usize = 64;

/// Words that are operators or literals and so can never start a path.
const KEYWORDS: [&str; 6] = ["and", "or", "not", "in", "true", "false"];

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
    fn new(span: Range<usize>, message: impl Into<String>) -> Self {
        WhenError {
            span,
            message: message.into(),
            hint: None,
        }
    }

    fn hint(mut self, hint: impl Into<String>) -> Self {
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
struct Node {
    kind: Kind,
    span: Range<usize>,
}

#[derive(Debug, Clone, PartialEq)]
enum Kind {
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
enum CmpOp {
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

    /// Evaluates against a JSON object of facts; missing paths read as null.
    pub fn eval(&self, facts: &Value) -> bool {
        truth(&self.root, facts)
    }
}

/// The candidate closest to `word` by edit distance (ignoring case), if close enough to be a plausible typo.
pub fn suggest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let word: Vec<char> = word.to_lowercase().chars().collect();
    // A third of the word may be wrong, but at least one edit is allowed so
    // that short words ("uk", "sc") still get a suggestion.
    let max = (word.len() / 3).max(1);
    let mut best: Option<(usize, &'a str)> = None;
    for &cand in candidates {
        let cand_chars: Vec<char> = cand.to_lowercase().chars().collect();
        // The length difference is a lower bound on the distance; skipping
        // early keeps a long garbage word from costing len * len per candidate.
        if word.len().abs_diff(cand_chars.len()) > max {
            continue;
        }
        let d = distance(&word, &cand_chars);
        if d <= max && best.is_none_or(|(b, _)| d < b) {
            best = Some((d, cand));
        }
    }
    best.map(|(_, cand)| cand)
}

/// Optimal-string-alignment distance: Levenshtein plus adjacent transpositions,
/// since swapped letters are the commonest typo in field names.
fn distance(a: &[char], b: &[char]) -> usize {
    let mut prev2: Vec<usize> = vec![0; b.len() + 1];
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur: Vec<usize> = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(prev2[j - 2] + 1);
            }
            cur[j] = d;
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
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
    // Templates say `vendor.processing...`; conditions read the vendor's
    // fields directly, so a redundant first segment is a likely mistake.
    if let Some((_, rest)) = path.split_once('.')
        && is_known_path(rest, known)
    {
        return Some(format!("did you mean `{rest}`?"));
    }
    suggest(path, known).map(|s| format!("did you mean `{s}`?"))
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

// ---------------------------------------------------------------- evaluation

fn truth(node: &Node, facts: &Value) -> bool {
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

fn value<'a>(node: &'a Node, facts: &'a Value) -> Cow<'a, Value> {
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
fn lookup<'a>(facts: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.')
        .try_fold(facts, |cur, seg| cur.as_object()?.get(seg))
}

fn truthy(v: &Value) -> bool {
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
fn json_eq(a: &Value, b: &Value) -> bool {
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

fn num_eq(x: &Number, y: &Number) -> bool {
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
fn contains(haystack: &Value, needle: &Value) -> bool {
    match (haystack, needle) {
        (Value::Array(items), _) => items.iter().any(|v| json_eq(v, needle)),
        (Value::String(h), Value::String(n)) => h.contains(n.as_str()),
        (Value::Object(o), Value::String(k)) => o.contains_key(k),
        _ => false,
    }
}

// ---------------------------------------------------------------- lexer

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Path(String),
    Str(String),
    Num(Value),
    True,
    False,
    And,
    Or,
    Not,
    In,
    EqEq,
    NotEq,
    LParen,
    RParen,
    LBracket,
    RBracket,
    Comma,
    Eof,
}

#[derive(Debug, Clone)]
struct Token {
    tok: Tok,
    span: Range<usize>,
}

struct Lexer<'a> {
    src: &'a str,
    pos: usize,
}

fn is_ident_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_'
}

fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

impl Lexer<'_> {
    fn peek(&self) -> Option<char> {
        self.src[self.pos..].chars().next()
    }

    fn peek2(&self) -> Option<char> {
        self.src[self.pos..].chars().nth(1)
    }

    fn run(mut self) -> Result<Vec<Token>, WhenError> {
        let mut out = Vec::new();
        loop {
            while self.peek().is_some_and(char::is_whitespace) {
                self.pos += self.peek().map_or(0, char::len_utf8);
            }
            let start = self.pos;
            let Some(c) = self.peek() else {
                out.push(Token {
                    tok: Tok::Eof,
                    span: start..start,
                });
                return Ok(out);
            };
            let tok = match c {
                '(' | ')' | '[' | ']' | ',' => {
                    self.pos += 1;
                    match c {
                        '(' => Tok::LParen,
                        ')' => Tok::RParen,
                        '[' => Tok::LBracket,
                        ']' => Tok::RBracket,
                        _ => Tok::Comma,
                    }
                }
                '=' | '!' => {
                    if self.peek2() == Some('=') {
                        self.pos += 2;
                        if c == '=' { Tok::EqEq } else { Tok::NotEq }
                    } else if c == '=' {
                        return Err(WhenError::new(start..start + 1, "`=` is not an operator")
                            .hint("did you mean `==`?"));
                    } else {
                        return Err(WhenError::new(start..start + 1, "`!` is not an operator")
                            .hint("write `not` to negate, or `!=` to compare"));
                    }
                }
                '&' | '|' => {
                    let len = if self.peek2() == Some(c) { 2 } else { 1 };
                    let word = if c == '&' { "and" } else { "or" };
                    return Err(WhenError::new(
                        start..start + len,
                        format!("`{}` is not an operator", &self.src[start..start + len]),
                    )
                    .hint(format!("did you mean `{word}`?")));
                }
                '<' | '>' => {
                    let len = if self.peek2() == Some('=') { 2 } else { 1 };
                    return Err(WhenError::new(
                        start..start + len,
                        format!("`{}` is not supported", &self.src[start..start + len]),
                    )
                    .hint("conditions compare with `==`, `!=`, `in` and `not in`"));
                }
                '\'' | '"' => self.string(c)?,
                c if c.is_ascii_digit() => self.number()?,
                '-' if self.peek2().is_some_and(|d| d.is_ascii_digit()) => self.number()?,
                c if is_ident_start(c) => self.path()?,
                c => {
                    return Err(WhenError::new(
                        start..start + c.len_utf8(),
                        format!("unexpected character `{}`", c.escape_debug()),
                    ));
                }
            };
            out.push(Token {
                tok,
                span: start..self.pos,
            });
        }
    }

    fn ident(&mut self) -> &str {
        let start = self.pos;
        while self.peek().is_some_and(is_ident_char) {
            self.pos += 1;
        }
        &self.src[start..self.pos]
    }

    fn path(&mut self) -> Result<Tok, WhenError> {
        let start = self.pos;
        let first = self.ident();
        // A keyword is never the start of a path; a '.' after it is then
        // reported by the parser as an unexpected character.
        match first {
            "and" => return Ok(Tok::And),
            "or" => return Ok(Tok::Or),
            "not" => return Ok(Tok::Not),
            "in" => return Ok(Tok::In),
            "true" => return Ok(Tok::True),
            "false" => return Ok(Tok::False),
            _ => {}
        }
        while self.peek() == Some('.') {
            if !self.peek2().is_some_and(is_ident_start) {
                return Err(WhenError::new(
                    self.pos..self.pos + 1,
                    "expected a field name after `.`",
                )
                .hint("field names start with a letter or `_`"));
            }
            self.pos += 1;
            self.ident();
        }
        Ok(Tok::Path(self.src[start..self.pos].to_string()))
    }

    fn number(&mut self) -> Result<Tok, WhenError> {
        let start = self.pos;
        if self.peek() == Some('-') {
            self.pos += 1;
        }
        let digits = |lx: &mut Self| {
            while lx.peek().is_some_and(|c| c.is_ascii_digit()) {
                lx.pos += 1;
            }
        };
        digits(self);
        let mut decimal = false;
        if self.peek() == Some('.') {
            if !self.peek2().is_some_and(|c| c.is_ascii_digit()) {
                return Err(WhenError::new(
                    self.pos..self.pos + 1,
                    "expected digits after the decimal point",
                ));
            }
            decimal = true;
            self.pos += 1;
            digits(self);
        }
        if self.peek().is_some_and(is_ident_char) {
            // `12abc`: take the whole word so the error names what was written.
            while self.peek().is_some_and(is_ident_char) {
                self.pos += 1;
            }
            let text = &self.src[start..self.pos];
            return Err(
                WhenError::new(start..self.pos, format!("invalid number `{text}`"))
                    .hint("field names start with a letter or `_`; text goes in quotes"),
            );
        }
        let text = &self.src[start..self.pos];
        let int = if decimal {
            None
        } else {
            text.parse::<i64>().ok()
        };
        let num = match int {
            Some(i) => Some(Number::from(i)),
            // Integers beyond i64 and decimals are kept as f64.
            None => text.parse::<f64>().ok().and_then(Number::from_f64),
        };
        match num {
            Some(n) => Ok(Tok::Num(Value::Number(n))),
            None => Err(WhenError::new(
                start..self.pos,
                format!("number `{}` is too large", snippet(text)),
            )),
        }
    }

    fn string(&mut self, quote: char) -> Result<Tok, WhenError> {
        let start = self.pos;
        self.pos += 1;
        let mut out = String::new();
        loop {
            let Some(c) = self.peek() else {
                return Err(WhenError::new(start..start + 1, "unclosed string")
                    .hint(format!("add a closing `{quote}`")));
            };
            let at = self.pos;
            self.pos += c.len_utf8();
            if c == quote {
                return Ok(Tok::Str(out));
            }
            if c != '\\' {
                out.push(c);
                continue;
            }
            match self.peek() {
                Some(e @ ('\\' | '\'' | '"')) => {
                    self.pos += 1;
                    out.push(e);
                }
                Some(e) => {
                    return Err(WhenError::new(
                        at..self.pos + e.len_utf8(),
                        format!("unknown escape `\\{}`", e.escape_debug()),
                    )
                    .hint(
                        "only `\\\\`, `\\'` and `\\\"` are escapes; write `\\\\` for a backslash",
                    ));
                }
                None => {
                    return Err(WhenError::new(start..start + 1, "unclosed string")
                        .hint(format!("add a closing `{quote}`")));
                }
            }
        }
    }
}

/// Source text for a message, cut short so that a long string literal does
/// not swamp the error.
fn snippet(text: &str) -> String {
    const MAX: usize = 40;
    match text.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}...", &text[..cut]),
        None => text.to_string(),
    }
}

// ---------------------------------------------------------------- parser

struct Parser<'a> {
    src: &'a str,
    /// Always ends with `Tok::Eof`.
    toks: Vec<Token>,
    pos: usize,
    depth: usize,
}

impl Parser<'_> {
    fn peek(&self) -> &Token {
        &self.toks[self.pos.min(self.toks.len() - 1)]
    }

    fn peek_at(&self, ahead: usize) -> &Token {
        &self.toks[(self.pos + ahead).min(self.toks.len() - 1)]
    }

    fn bump(&mut self) -> Token {
        let t = self.peek().clone();
        if t.tok != Tok::Eof {
            self.pos += 1;
        }
        t
    }

    fn text(&self, t: &Token) -> String {
        snippet(&self.src[t.span.clone()])
    }

    fn enter(&mut self, at: &Token) -> Result<(), WhenError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(
                WhenError::new(at.span.clone(), "condition is nested too deeply").hint(format!(
                    "at most {MAX_DEPTH} levels of parentheses, lists and `not` are allowed"
                )),
            );
        }
        Ok(())
    }

    fn or(&mut self) -> Result<Node, WhenError> {
        let mut items = vec![self.and()?];
        while self.peek().tok == Tok::Or {
            self.bump();
            items.push(self.and()?);
        }
        Ok(join(items, Kind::Or))
    }

    fn and(&mut self) -> Result<Node, WhenError> {
        let mut items = vec![self.not()?];
        while self.peek().tok == Tok::And {
            self.bump();
            items.push(self.not()?);
        }
        Ok(join(items, Kind::And))
    }

    fn not(&mut self) -> Result<Node, WhenError> {
        if self.peek().tok != Tok::Not {
            return self.cmp();
        }
        let tok = self.bump();
        self.enter(&tok)?;
        let inner = self.not()?;
        self.depth -= 1;
        Ok(Node {
            span: tok.span.start..inner.span.end,
            kind: Kind::Not(Box::new(inner)),
        })
    }

    fn cmp(&mut self) -> Result<Node, WhenError> {
        let left = self.operand()?;
        let op = match self.cmp_op()? {
            Some(op) => op,
            None => return Ok(left),
        };
        let right = self.operand()?;
        if self.peek_is_cmp_op() {
            let t = self.peek();
            return Err(WhenError::new(
                t.span.clone(),
                format!(
                    "comparisons cannot be chained: unexpected `{}`",
                    self.text(t)
                ),
            )
            .hint("join comparisons with `and`, e.g. `a == b and b == c`"));
        }
        Ok(Node {
            span: left.span.start..right.span.end,
            kind: Kind::Cmp(op, Box::new(left), Box::new(right)),
        })
    }

    fn peek_is_cmp_op(&self) -> bool {
        matches!(self.peek().tok, Tok::EqEq | Tok::NotEq | Tok::In | Tok::Not)
    }

    /// Consumes a comparison operator if one comes next.
    fn cmp_op(&mut self) -> Result<Option<CmpOp>, WhenError> {
        let op = match self.peek().tok {
            Tok::EqEq => CmpOp::Eq,
            Tok::NotEq => CmpOp::Ne,
            Tok::In => CmpOp::In,
            Tok::Not => {
                let next = self.peek_at(1);
                if next.tok != Tok::In {
                    let mut err = WhenError::new(next.span.clone(), "expected `in` after `not`");
                    if next.tok != Tok::Eof {
                        err.message =
                            format!("expected `in` after `not`, found `{}`", self.text(next));
                    }
                    return Err(err.hint("to negate a condition, put `not` before it"));
                }
                self.bump();
                CmpOp::NotIn
            }
            _ => return Ok(None),
        };
        self.bump();
        Ok(Some(op))
    }

    fn operand(&mut self) -> Result<Node, WhenError> {
        let t = self.peek().clone();
        let kind = match t.tok {
            Tok::Path(ref p) => Kind::Path(p.clone()),
            Tok::Str(ref s) => Kind::Lit(Value::String(s.clone())),
            Tok::Num(ref n) => Kind::Lit(n.clone()),
            Tok::True => Kind::Lit(Value::Bool(true)),
            Tok::False => Kind::Lit(Value::Bool(false)),
            Tok::LParen => return self.paren(),
            Tok::LBracket => return self.list(),
            _ => return Err(self.expected_value(&t)),
        };
        self.bump();
        Ok(Node { kind, span: t.span })
    }

    fn paren(&mut self) -> Result<Node, WhenError> {
        let open = self.bump();
        self.enter(&open)?;
        let inner = self.or()?;
        let close = self.peek().clone();
        match close.tok {
            Tok::RParen => {
                self.bump();
            }
            Tok::Eof => {
                return Err(WhenError::new(open.span, "unclosed `(`").hint("add a `)` to close it"));
            }
            _ => return Err(self.unexpected_after_condition(Some(&open))),
        }
        self.depth -= 1;
        // The inner node keeps its own span: for a path, `paths()` must report
        // the path itself, not the parentheses around it.
        Ok(inner)
    }

    fn list(&mut self) -> Result<Node, WhenError> {
        let open = self.bump();
        self.enter(&open)?;
        let mut items = Vec::new();
        let end = loop {
            let t = self.peek().clone();
            match t.tok {
                Tok::RBracket => {
                    self.bump();
                    break t.span.end;
                }
                Tok::Eof => {
                    return Err(
                        WhenError::new(open.span, "unclosed `[`").hint("add a `]` to close it")
                    );
                }
                _ => {}
            }
            items.push(self.operand()?);
            let t = self.peek().clone();
            match t.tok {
                Tok::Comma => {
                    self.bump();
                }
                Tok::RBracket => {}
                Tok::Eof => {
                    return Err(
                        WhenError::new(open.span, "unclosed `[`").hint("add a `]` to close it")
                    );
                }
                _ => {
                    return Err(WhenError::new(
                        t.span.clone(),
                        format!("expected `,` or `]`, found `{}`", self.text(&t)),
                    )
                    .hint("list items are values separated by commas, e.g. `['a', 'b']`"));
                }
            }
        };
        self.depth -= 1;
        Ok(Node {
            kind: Kind::List(items),
            span: open.span.start..end,
        })
    }

    /// The error for a token where a value should be.
    fn expected_value(&self, found: &Token) -> WhenError {
        let prev = self.pos.checked_sub(1).map(|i| &self.toks[i]);
        let mut base = match prev {
            Some(p) => {
                // Name `not in` whole rather than just its `in`.
                let before = self.pos.checked_sub(2).map(|i| &self.toks[i].tok);
                if p.tok == Tok::In && before == Some(&Tok::Not) {
                    "expected a value after `not in`".to_string()
                } else {
                    format!("expected a value after `{}`", self.text(p))
                }
            }
            None => "expected a value".to_string(),
        };
        if found.tok != Tok::Eof {
            base = format!("{base}, found `{}`", self.text(found));
        }
        let err = WhenError::new(found.span.clone(), base);
        let after_cmp = prev.is_some_and(|p| matches!(p.tok, Tok::EqEq | Tok::NotEq | Tok::In));
        match found.tok {
            Tok::Not if after_cmp => {
                err.hint("put a negated condition in parentheses: `(not ...)`")
            }
            Tok::RBracket | Tok::Comma if prev.is_some_and(|p| p.tok == Tok::Comma) => {
                err.hint("remove the extra `,`")
            }
            _ => err,
        }
    }

    /// The error for a token after a complete condition, at the top level
    /// (`open` is `None`) or inside the parenthesis `open`.
    fn unexpected_after_condition(&self, open: Option<&Token>) -> WhenError {
        let t = self.peek();
        let text = self.text(t);
        let hint = match &t.tok {
            Tok::Path(p) if KEYWORDS.contains(&p.to_lowercase().as_str()) => Some(format!(
                "keywords are lowercase: write `{}`",
                p.to_lowercase()
            )),
            Tok::Comma => Some("lists are written in brackets, e.g. `['a', 'b']`".to_string()),
            Tok::RParen | Tok::RBracket => None,
            _ => Some("join conditions with `and` or `or`".to_string()),
        };
        let message = match (open, &t.tok) {
            (None, Tok::RParen) => "unmatched `)`".to_string(),
            (None, Tok::RBracket) => "unmatched `]`".to_string(),
            (None, _) => format!("unexpected `{text}` after the end of the condition"),
            (Some(_), _) => format!("expected `)`, found `{text}`"),
        };
        let err = WhenError::new(t.span.clone(), message);
        match hint {
            Some(h) => err.hint(h),
            None => err,
        }
    }
}

/// One item stands for itself; several become an `and`/`or` node over them.
fn join(mut items: Vec<Node>, make: fn(Vec<Node>) -> Kind) -> Node {
    if items.len() == 1 {
        return items.remove(0);
    }
    let span = items[0].span.start..items[items.len() - 1].span.end;
    Node {
        kind: make(items),
        span,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn facts() -> Value {
        json!({
            "processing": {
                "ccpa_role": "service_provider",
                "gdpr_role": "processor",
                "regions": ["US-CA", "EEA"],
                "sensitive_data": [],
                "purposes": "hosting and support",
            },
            "transfers": { "mechanism": "scc", "docking_clause": false, "subprocessor_notice_days": 30 },
            "scc": { "module": 2 },
            "company": { "role": "controller" },
            "frameworks": ["ccpa", "gdpr", "scc"],
            "has_subprocessors": true,
            "has_sensitive_data": false,
            "empty_text": "",
            "zero": 0,
            "half": 0.5,
            "empty_obj": {},
            "obj": { "k": 1 },
            "nothing": null,
        })
    }

    fn ev(src: &str) -> bool {
        match Expr::parse(src) {
            Ok(e) => e.eval(&facts()),
            Err(e) => panic!("{src:?} failed to parse: {e}"),
        }
    }

    fn err(src: &str) -> WhenError {
        match Expr::parse(src) {
            Ok(e) => panic!("{src:?} parsed as {e:?}"),
            Err(e) => e,
        }
    }

    const KNOWN: &[&str] = &[
        "processing.ccpa_role",
        "processing.gdpr_role",
        "processing.regions",
        "processing.sensitive_data",
        "transfers",
        "scc.module",
        "company.role",
        "frameworks",
        "has_subprocessors",
        "has_sensitive_data",
        "subprocessors",
    ];

    #[test]
    fn equality() {
        assert!(ev("processing.ccpa_role == 'service_provider'"));
        assert!(ev("processing.ccpa_role == \"service_provider\""));
        assert!(!ev("processing.ccpa_role == 'contractor'"));
        assert!(ev("processing.ccpa_role != 'contractor'"));
        assert!(!ev("processing.ccpa_role != 'service_provider'"));
        assert!(ev("transfers.mechanism != 'none'"));
        assert!(ev("'scc' == transfers.mechanism"));
    }

    #[test]
    fn numbers_compare_by_value() {
        assert!(ev("scc.module == 2"));
        assert!(ev("scc.module == 2.0"));
        assert!(ev("2 == 2.0"));
        assert!(!ev("scc.module == 3"));
        assert!(ev("scc.module != '2'"));
        assert!(ev("half == 0.5"));
        assert!(ev("-1 == -1.0"));
        assert!(ev("scc.module in [1, 2.0]"));
        assert!(ev("99999999999999999999 == 99999999999999999999"));
        assert!(ev("9007199254740993 != 9007199254740992"));
    }

    #[test]
    fn booleans_lists_and_missing() {
        assert!(ev("has_subprocessors == true"));
        assert!(ev("has_sensitive_data == false"));
        assert!(ev("transfers.docking_clause != true"));
        assert!(ev("frameworks == ['ccpa', 'gdpr', 'scc']"));
        assert!(!ev("frameworks == ['gdpr', 'ccpa', 'scc']"));
        assert!(ev("processing.sensitive_data == []"));
        assert!(ev("obj == obj"));
        assert!(!ev("obj == empty_obj"));
        // Missing paths read as null: equal to each other, to nothing else.
        assert!(ev("no.such.path == nothing"));
        assert!(!ev("no.such.path == false"));
        assert!(!ev("no.such.path == ''"));
        assert!(ev("no.such.path != 'x'"));
        // A path through a non-object is missing too.
        assert!(ev("processing.ccpa_role.deeper == nothing"));
        assert!(ev("frameworks.first == nothing"));
    }

    #[test]
    fn membership() {
        assert!(ev("'US-CA' in processing.regions"));
        assert!(!ev("'US-NY' in processing.regions"));
        assert!(ev("'US-NY' not in processing.regions"));
        assert!(!ev("'EEA' not in processing.regions"));
        assert!(ev(
            "processing.ccpa_role in ['service_provider', 'contractor']"
        ));
        assert!(ev("processing.ccpa_role not in ['third_party']"));
        assert!(ev("'gdpr' in frameworks"));
        assert!(ev("2 in [1, 2, 3]"));
        assert!(ev("[1] in [[1], [2]]"));
        assert!(!ev("'x' in []"));
    }

    #[test]
    fn substring_and_other_containers() {
        assert!(ev("'support' in processing.purposes"));
        assert!(!ev("'marketing' in processing.purposes"));
        assert!(ev("'' in processing.purposes"));
        assert!(ev("'marketing' not in processing.purposes"));
        // Only strings are found in strings.
        assert!(!ev("2 in '123'"));
        // Keys of an object.
        assert!(ev("'ccpa_role' in processing"));
        assert!(!ev("'nope' in processing"));
        // `in` against null (missing) or a scalar is false.
        assert!(!ev("'x' in no.such.path"));
        assert!(ev("'x' not in no.such.path"));
        assert!(!ev("'x' in nothing"));
        assert!(!ev("1 in 1"));
        assert!(!ev("true in true"));
    }

    #[test]
    fn truthiness() {
        assert!(ev("has_subprocessors"));
        assert!(!ev("has_sensitive_data"));
        assert!(ev("processing.ccpa_role"));
        assert!(!ev("empty_text"));
        assert!(ev("frameworks"));
        assert!(!ev("processing.sensitive_data"));
        assert!(ev("scc.module"));
        assert!(!ev("zero"));
        assert!(ev("half"));
        assert!(!ev("nothing"));
        assert!(!ev("missing"));
        assert!(!ev("empty_obj"));
        assert!(ev("obj"));
        assert!(ev("true"));
        assert!(!ev("false"));
        assert!(ev("'x'"));
        assert!(!ev("''"));
        assert!(ev("[0]"));
        assert!(!ev("[]"));
        assert!(ev("1"));
        assert!(!ev("0.0"));
        // A parenthesised condition is a boolean value.
        assert!(ev("(scc.module == 2) == true"));
        assert!(ev("(scc.module == 3) == false"));
        assert!(ev("false in [(1 == 2)]"));
    }

    #[test]
    fn logic_and_precedence() {
        assert!(ev("has_subprocessors and scc.module == 2"));
        assert!(!ev("has_subprocessors and has_sensitive_data"));
        assert!(ev("has_sensitive_data or has_subprocessors"));
        assert!(!ev("has_sensitive_data or missing"));
        assert!(ev("not has_sensitive_data"));
        assert!(ev("not not has_subprocessors"));
        // `and` binds tighter than `or`: true or (false and false).
        assert!(ev("true or false and false"));
        // ... and so: (false and false) or true.
        assert!(ev("false and false or true"));
        assert!(!ev("(true or false) and false"));
        // `not` binds looser than comparison: not (module == 3).
        assert!(ev("not scc.module == 3"));
        assert!(ev("not 'US-NY' in processing.regions"));
        // `not` binds tighter than `and`/`or`: (not true) or true.
        assert!(ev("not true or true"));
        assert!(!ev("not (true or true)"));
        assert!(!ev("not true and true"));
        assert!(ev(
            "has_subprocessors and (processing.ccpa_role == 'x' or 'EEA' in processing.regions)"
        ));
    }

    #[test]
    fn literals_and_escapes() {
        assert!(ev(r#"'it\'s' == "it's""#));
        assert!(ev(r#""say \"hi\"" == 'say "hi"'"#));
        assert!(ev(r"'a\\b' == 'a\\b'"));
        assert!(ev(r"'\\' in 'x\\y'"));
        assert!(ev("'héllo wörld ✓' == \"héllo wörld ✓\""));
        assert!(ev("['a', 'b',] == ['a', 'b']"));
        assert!(ev("[ ] == []"));
        assert!(ev("007 == 7"));
        assert!(ev("\t has_subprocessors\n"));
        assert!(ev("true==true"));
        assert!(ev("(has_subprocessors)"));
        assert!(ev("_x_1 == nothing"));
    }

    #[test]
    fn paths_in_source_order_with_spans() {
        let src =
            "has_subprocessors and processing.ccpa_role in ['a', scc.module] or not (frameworks)";
        let e = Expr::parse(src).unwrap();
        let got = e.paths();
        let want: Vec<(String, Range<usize>)> = vec![
            ("has_subprocessors".into(), 0..17),
            ("processing.ccpa_role".into(), 22..42),
            ("scc.module".into(), 52..62),
            ("frameworks".into(), 72..82),
        ];
        assert_eq!(got, want);
        for (p, span) in &got {
            assert_eq!(&src[span.clone()], p);
        }
        assert!(
            Expr::parse("true and 'x' in [1]")
                .unwrap()
                .paths()
                .is_empty()
        );
    }

    #[test]
    fn check_paths_accepts_known_and_prefixed() {
        let e = Expr::parse(
            "processing.ccpa_role == 'x' and transfers.mechanism and transfers.anything.deeper and frameworks",
        )
        .unwrap();
        assert_eq!(e.check_paths(KNOWN), vec![]);
    }

    #[test]
    fn check_paths_reports_unknown_with_suggestions() {
        let src = "procesing.ccpa_role == 'x' or has_subprocesors or transfersx or zzzzzz";
        let errs = Expr::parse(src).unwrap().check_paths(KNOWN);
        assert_eq!(
            errs,
            vec![
                WhenError {
                    span: 0..19,
                    message: "unknown field `procesing.ccpa_role`".into(),
                    hint: Some("did you mean `processing.ccpa_role`?".into()),
                },
                WhenError {
                    span: 30..46,
                    message: "unknown field `has_subprocesors`".into(),
                    hint: Some("did you mean `has_subprocessors`?".into()),
                },
                WhenError {
                    span: 50..60,
                    message: "unknown field `transfersx`".into(),
                    hint: Some("did you mean `transfers`?".into()),
                },
                WhenError {
                    span: 64..70,
                    message: "unknown field `zzzzzz`".into(),
                    hint: None,
                },
            ]
        );
    }

    #[test]
    fn check_paths_special_hints() {
        let hint = |src: &str| {
            let errs = Expr::parse(src).unwrap().check_paths(KNOWN);
            assert_eq!(errs.len(), 1, "{src}: {errs:?}");
            errs[0].hint.clone()
        };
        assert_eq!(
            hint("vendor.processing.ccpa_role == 'x'"),
            Some("did you mean `processing.ccpa_role`?".into())
        );
        assert_eq!(
            hint("has_subprocessors == TRUE"),
            Some("keywords are lowercase: write `true`".into())
        );
        assert!(
            hint("transfers.mechanism == null")
                .unwrap()
                .contains("no null literal")
        );
        // Transposed letters count as one edit.
        assert_eq!(
            hint("scc.mdoule"),
            Some("did you mean `scc.module`?".into())
        );
        // A prefix that is only a string prefix, not a path prefix, is unknown.
        assert_eq!(
            hint("frameworksx"),
            Some("did you mean `frameworks`?".into())
        );
    }

    #[test]
    fn suggest_picks_nearest_within_reach() {
        let c = &["processing.ccpa_role", "processing.gdpr_role", "frameworks"];
        assert_eq!(
            suggest("processing.ccpa_rol", c),
            Some("processing.ccpa_role")
        );
        assert_eq!(
            suggest("processing.gdpr_rloe", c),
            Some("processing.gdpr_role")
        );
        assert_eq!(suggest("FRAMEWORKS", c), Some("frameworks"));
        assert_eq!(suggest("framework", c), Some("frameworks"));
        assert_eq!(suggest("something", c), None);
        assert_eq!(suggest("", c), None);
        assert_eq!(suggest("x", &[]), None);
        assert_eq!(suggest("uk", &["GB", "UK", "US"]), Some("UK"));
        // Ties go to the first candidate.
        assert_eq!(suggest("ab", &["ax", "ay"]), Some("ax"));
        assert_eq!(suggest("żółw", &["zółw", "x"]), Some("zółw"));
    }

    #[test]
    fn distance_is_osa() {
        let d = |a: &str, b: &str| {
            distance(
                &a.chars().collect::<Vec<_>>(),
                &b.chars().collect::<Vec<_>>(),
            )
        };
        assert_eq!(d("", ""), 0);
        assert_eq!(d("abc", ""), 3);
        assert_eq!(d("", "abc"), 3);
        assert_eq!(d("kitten", "sitting"), 3);
        assert_eq!(d("ab", "ba"), 1);
        assert_eq!(d("ca", "abc"), 3);
        assert_eq!(d("módule", "module"), 1);
    }

    fn check_err(src: &str, span: Range<usize>, message: &str, hint: Option<&str>) {
        let e = err(src);
        assert_eq!(
            e,
            WhenError {
                span,
                message: message.into(),
                hint: hint.map(Into::into),
            },
            "for {src:?}"
        );
    }

    #[test]
    fn errors_value_expected() {
        check_err("scc.module ==", 13..13, "expected a value after `==`", None);
        check_err(
            "scc.module == )",
            14..15,
            "expected a value after `==`, found `)`",
            None,
        );
        check_err(
            "x != and y",
            5..8,
            "expected a value after `!=`, found `and`",
            None,
        );
        check_err("x in", 4..4, "expected a value after `in`", None);
        check_err(
            "x not in ]",
            9..10,
            "expected a value after `not in`, found `]`",
            None,
        );
        check_err("a and", 5..5, "expected a value after `and`", None);
        check_err("or a", 0..2, "expected a value, found `or`", None);
        check_err("not", 3..3, "expected a value after `not`", None);
        check_err("()", 1..2, "expected a value after `(`, found `)`", None);
        check_err(
            "x == not y",
            5..8,
            "expected a value after `==`, found `not`",
            Some("put a negated condition in parentheses: `(not ...)`"),
        );
        check_err(
            "[1,,2]",
            3..4,
            "expected a value after `,`, found `,`",
            Some("remove the extra `,`"),
        );
    }

    #[test]
    fn errors_operators() {
        check_err(
            "a = 'x'",
            2..3,
            "`=` is not an operator",
            Some("did you mean `==`?"),
        );
        assert_eq!(
            err("a = 'x'").to_string(),
            "`=` is not an operator; did you mean `==`?"
        );
        check_err(
            "!a",
            0..1,
            "`!` is not an operator",
            Some("write `not` to negate, or `!=` to compare"),
        );
        check_err(
            "a && b",
            2..4,
            "`&&` is not an operator",
            Some("did you mean `and`?"),
        );
        check_err(
            "a | b",
            2..3,
            "`|` is not an operator",
            Some("did you mean `or`?"),
        );
        check_err(
            "a >= 2",
            2..4,
            "`>=` is not supported",
            Some("conditions compare with `==`, `!=`, `in` and `not in`"),
        );
        check_err(
            "a not b",
            6..7,
            "expected `in` after `not`, found `b`",
            Some("to negate a condition, put `not` before it"),
        );
        check_err(
            "a not",
            5..5,
            "expected `in` after `not`",
            Some("to negate a condition, put `not` before it"),
        );
        check_err(
            "a == b == c",
            7..9,
            "comparisons cannot be chained: unexpected `==`",
            Some("join comparisons with `and`, e.g. `a == b and b == c`"),
        );
        check_err(
            "a in b not in c",
            7..10,
            "comparisons cannot be chained: unexpected `not`",
            Some("join comparisons with `and`, e.g. `a == b and b == c`"),
        );
    }

    #[test]
    fn errors_strings_and_numbers() {
        check_err(
            "a == 'abc",
            5..6,
            "unclosed string",
            Some("add a closing `'`"),
        );
        check_err(
            "a == \"abc'",
            5..6,
            "unclosed string",
            Some("add a closing `\"`"),
        );
        check_err(
            "a == 'abc\\",
            5..6,
            "unclosed string",
            Some("add a closing `'`"),
        );
        check_err(
            r"a == 'x\ny'",
            7..9,
            r"unknown escape `\n`",
            Some(r#"only `\\`, `\'` and `\"` are escapes; write `\\` for a backslash"#),
        );
        check_err(
            "a == 'x\\é'",
            7..10,
            r"unknown escape `\é`",
            Some(r#"only `\\`, `\'` and `\"` are escapes; write `\\` for a backslash"#),
        );
        check_err("1.", 1..2, "expected digits after the decimal point", None);
        check_err(
            "a == 1.x",
            6..7,
            "expected digits after the decimal point",
            None,
        );
        check_err(
            "a == 12abc",
            5..10,
            "invalid number `12abc`",
            Some("field names start with a letter or `_`; text goes in quotes"),
        );
        let huge = format!("a == {}", "9".repeat(400));
        let e = err(&huge);
        assert_eq!(e.span, 5..405);
        assert!(e.message.starts_with("number `9999"), "{}", e.message);
        assert!(e.message.ends_with("...` is too large"), "{}", e.message);
        check_err("-x", 0..1, "unexpected character `-`", None);
    }

    #[test]
    fn errors_structure() {
        check_err(
            "",
            0..0,
            "empty condition",
            Some("write a condition such as `has_subprocessors`, or leave `when` out"),
        );
        check_err(
            "  \n\t",
            0..4,
            "empty condition",
            Some("write a condition such as `has_subprocessors`, or leave `when` out"),
        );
        check_err(
            "(a == 'x'",
            0..1,
            "unclosed `(`",
            Some("add a `)` to close it"),
        );
        check_err(
            "a and ((b)",
            6..7,
            "unclosed `(`",
            Some("add a `)` to close it"),
        );
        check_err(
            "x in ['a', 'b'",
            5..6,
            "unclosed `[`",
            Some("add a `]` to close it"),
        );
        check_err(
            "x in [",
            5..6,
            "unclosed `[`",
            Some("add a `]` to close it"),
        );
        check_err(
            "x in ['a',",
            5..6,
            "unclosed `[`",
            Some("add a `]` to close it"),
        );
        check_err(
            "x in ['a' 'b']",
            10..13,
            "expected `,` or `]`, found `'b'`",
            Some("list items are values separated by commas, e.g. `['a', 'b']`"),
        );
        check_err(
            "(a b)",
            3..4,
            "expected `)`, found `b`",
            Some("join conditions with `and` or `or`"),
        );
        check_err(
            "a b",
            2..3,
            "unexpected `b` after the end of the condition",
            Some("join conditions with `and` or `or`"),
        );
        check_err(
            "a == 'x' 'y'",
            9..12,
            "unexpected `'y'` after the end of the condition",
            Some("join conditions with `and` or `or`"),
        );
        check_err(
            "a AND b",
            2..5,
            "unexpected `AND` after the end of the condition",
            Some("keywords are lowercase: write `and`"),
        );
        check_err("a)", 1..2, "unmatched `)`", None);
        check_err("a]", 1..2, "unmatched `]`", None);
        check_err(
            "a, b",
            1..2,
            "unexpected `,` after the end of the condition",
            Some("lists are written in brackets, e.g. `['a', 'b']`"),
        );
        check_err(
            "processing.",
            10..11,
            "expected a field name after `.`",
            Some("field names start with a letter or `_`"),
        );
        check_err(
            "processing.1x",
            10..11,
            "expected a field name after `.`",
            Some("field names start with a letter or `_`"),
        );
        check_err("true.x", 4..5, "unexpected character `.`", None);
        check_err("a == #", 5..6, "unexpected character `#`", None);
        check_err("ä", 0..2, "unexpected character `ä`", None);
        check_err("a == 'x' ✓", 9..12, "unexpected character `✓`", None);
        check_err("a\u{0}", 1..2, "unexpected character `\\0`", None);
    }

    #[test]
    fn long_literals_are_shortened_in_messages() {
        let long = "x".repeat(100);
        let e = err(&format!("a == '{long}' b"));
        assert_eq!(e.message, "unexpected `b` after the end of the condition");
        let e = err(&format!("a '{long}'"));
        assert!(e.message.contains("...`"), "{}", e.message);
        assert!(e.message.len() < 100, "{}", e.message);
    }

    #[test]
    fn depth_limit() {
        let ok = format!("{}a{}", "(".repeat(MAX_DEPTH), ")".repeat(MAX_DEPTH));
        assert!(Expr::parse(&ok).is_ok());
        let too_deep = format!(
            "{}a{}",
            "(".repeat(MAX_DEPTH + 1),
            ")".repeat(MAX_DEPTH + 1)
        );
        check_err(
            &too_deep,
            MAX_DEPTH..MAX_DEPTH + 1,
            "condition is nested too deeply",
            Some("at most 64 levels of parentheses, lists and `not` are allowed"),
        );
        // Far past the limit, in every nesting form, must error, not overflow.
        for src in [
            "(".repeat(100_000),
            "[".repeat(100_000),
            "not ".repeat(100_000) + "a",
            "(not [".repeat(30_000),
        ] {
            assert_eq!(err(&src).message, "condition is nested too deeply");
        }
        // Sequences are not nesting: long chains stay flat.
        let chain = vec!["has_subprocessors"; 100_000].join(" and ");
        assert!(ev(&chain));
        let chain = vec!["missing"; 100_000].join(" or ");
        assert!(!ev(&chain));
        let list = format!("[{}]", vec!["1"; 100_000].join(","));
        assert!(ev(&format!("1 in {list}")));
    }

    #[test]
    fn spans_are_char_boundaries_for_multibyte_input() {
        for src in [
            "é == 'x'",
            "a == 'é",
            "a ==",
            "ß",
            "a == 'x' ✓ b",
            "(日本",
            "'日本' ==",
            "a.é",
            "a 🎉",
            "🎉",
            "a == '\\🎉'",
        ] {
            let e = err(src);
            assert!(src.get(e.span.clone()).is_some(), "{src:?}: {e:?}");
        }
    }

    /// A tiny deterministic generator, so the garbage test needs no crate.
    struct Lcg(u64);
    impl Lcg {
        fn next(&mut self) -> u64 {
            self.0 = self
                .0
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            self.0 >> 33
        }
    }

    fn exercise(src: &str) {
        match Expr::parse(src) {
            Ok(e) => {
                e.eval(&facts());
                e.eval(&Value::Null);
                e.eval(&json!([1, 2]));
                for (p, span) in e.paths() {
                    assert_eq!(src.get(span), Some(p.as_str()), "{src:?}");
                }
                for err in e.check_paths(KNOWN) {
                    assert!(src.get(err.span).is_some(), "{src:?}");
                }
            }
            Err(e) => {
                assert!(src.get(e.span.clone()).is_some(), "{src:?}: {e:?}");
                assert!(e.span.start <= e.span.end);
                assert!(!e.message.is_empty());
            }
        }
    }

    #[test]
    fn garbage_never_panics() {
        let fixed = [
            "",
            " ",
            "(",
            ")",
            "[",
            "]",
            ",",
            ".",
            "'",
            "\"",
            "\\",
            "=",
            "==",
            "!=",
            "!",
            "not",
            "in",
            "not in",
            "and",
            "or",
            "a.",
            ".a",
            "a..b",
            "a.b.",
            "1.2.3",
            "--1",
            "-",
            "-1",
            "1e5",
            "'\\",
            "'\\'",
            "\"\\\"",
            "[,]",
            "[1,]",
            "(,)",
            "((a)",
            "a))",
            "a in in b",
            "a not not in b",
            "not not",
            "a == == b",
            "[[[]]]",
            "([)]",
            "'a' in",
            "\u{feff}a",
            "a\u{200b}b",
            "\r\n",
            "a\0b",
            "é",
            "🎉🎉",
            "a == '\u{10FFFF}'",
            "true false",
            "0.",
            ".5",
            "a.b.c.d.e.f",
        ];
        for src in fixed {
            exercise(src);
        }
        let alphabet: Vec<char> = "ab._ 019'\"\\()[],=!<>&|-#é🎉\tnotinandortruefalse"
            .chars()
            .collect();
        let mut rng = Lcg(0x5eed);
        for _ in 0..5_000 {
            let len = (rng.next() % 24) as usize;
            let src: String = (0..len)
                .map(|_| alphabet[(rng.next() % alphabet.len() as u64) as usize])
                .collect();
            exercise(&src);
        }
        let tokens = [
            "a", "b.c", "'s'", "1", "2.5", "true", "false", "==", "!=", "in", "not", "and", "or",
            "(", ")", "[", "]", ",",
        ];
        for _ in 0..5_000 {
            let len = (rng.next() % 12) as usize;
            let src: Vec<&str> = (0..len)
                .map(|_| tokens[(rng.next() % tokens.len() as u64) as usize])
                .collect();
            exercise(&src.join(" "));
        }
        for _ in 0..5_000 {
            let len = (rng.next() % 32) as usize;
            let bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
            exercise(&String::from_utf8_lossy(&bytes));
        }
    }
}
