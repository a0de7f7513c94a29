//! The recursive-descent parser of `when` conditions, with a depth limit.

use serde_json::Value;

use super::lexer::{Tok, Token, snippet};
use super::{CmpOp, KEYWORDS, Kind, MAX_DEPTH, Node, WhenError};

pub(super) struct Parser<'a> {
    pub(super) src: &'a str,
    /// Always ends with `Tok::Eof`.
    pub(super) toks: Vec<Token>,
    pub(super) pos: usize,
    pub(super) depth: usize,
}

impl Parser<'_> {
    pub(super) fn peek(&self) -> &Token {
        &self.toks[self.pos.min(self.toks.len() - 1)]
    }

    pub(super) fn peek_at(&self, ahead: usize) -> &Token {
        &self.toks[(self.pos + ahead).min(self.toks.len() - 1)]
    }

    pub(super) fn bump(&mut self) -> Token {
        let t = self.peek().clone();
        if t.tok != Tok::Eof {
            self.pos += 1;
        }
        t
    }

    pub(super) fn text(&self, t: &Token) -> String {
        snippet(&self.src[t.span.clone()])
    }

    pub(super) fn enter(&mut self, at: &Token) -> Result<(), WhenError> {
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

    pub(super) fn or(&mut self) -> Result<Node, WhenError> {
        let mut items = vec![self.and()?];
        while self.peek().tok == Tok::Or {
            self.bump();
            items.push(self.and()?);
        }
        Ok(join(items, Kind::Or))
    }

    pub(super) fn and(&mut self) -> Result<Node, WhenError> {
        let mut items = vec![self.not()?];
        while self.peek().tok == Tok::And {
            self.bump();
            items.push(self.not()?);
        }
        Ok(join(items, Kind::And))
    }

    pub(super) fn not(&mut self) -> Result<Node, WhenError> {
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

    pub(super) fn cmp(&mut self) -> Result<Node, WhenError> {
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

    pub(super) fn peek_is_cmp_op(&self) -> bool {
        matches!(self.peek().tok, Tok::EqEq | Tok::NotEq | Tok::In | Tok::Not)
    }

    /// Consumes a comparison operator if one comes next.
    pub(super) fn cmp_op(&mut self) -> Result<Option<CmpOp>, WhenError> {
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

    pub(super) fn operand(&mut self) -> Result<Node, WhenError> {
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

    pub(super) fn paren(&mut self) -> Result<Node, WhenError> {
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

    pub(super) fn list(&mut self) -> Result<Node, WhenError> {
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
    pub(super) fn expected_value(&self, found: &Token) -> WhenError {
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
    pub(super) fn unexpected_after_condition(&self, open: Option<&Token>) -> WhenError {
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
pub(super) fn join(mut items: Vec<Node>, make: fn(Vec<Node>) -> Kind) -> Node {
    if items.len() == 1 {
        return items.remove(0);
    }
    let span = items[0].span.start..items[items.len() - 1].span.end;
    Node {
        kind: make(items),
        span,
    }
}
