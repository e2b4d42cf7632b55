//! PEP 508 markers decided as `packaging` (the reference implementation pip uses) decides
//! them, on top of pep508_rs's marker algebra.
//!
//! pep508_rs reads some comparisons its own way (issue 12 lists them): `<`/`>` on strings
//! lexicographically (packaging: `<`/`>` are false, `<=`/`>=` equality), version markers by
//! release segments only (`python_full_version >= '3.11.0.post1'` admits 3.11.0), `in` on
//! versions as version equality (packaging: a substring test), `platform_release` as a
//! string (packaging: a version, when it parses); it refuses `===` and ignores (takes as
//! true) `'3.12.*' == python_version`, `extra` with any operator but `==`/`!=`, `~=` on
//! strings and comparisons of two variables. [`rewrite`] runs on the marker text before
//! pep508_rs parses it and turns each such comparison ("atom") into one of:
//!
//! - an ordinary atom both read alike (`sys_platform <= 'linux'` becomes
//!   `sys_platform == 'linux'`, `python_full_version >= '3.11.0.post1'` becomes
//!   `python_full_version > '3.11.0'`), or a constant (`'3.12.*' == python_version` is
//!   always false), so the text lockit prints means the same to pip;
//! - a placeholder, for the atoms whose answer depends on the environment in a way no
//!   pep508_rs atom can express (`platform_release >= '6'` compares versions when the
//!   release is one, strings when it is not; `'1' in python_version` is a substring test;
//!   `extra == ''` holds when no extra is requested): the placeholder
//!   `platform_release in '⟪platform_release >= "6"⟫'` is one opaque yes/no variable to
//!   pep508_rs's algebra, and [`MarkerEval::holds`], the one way lockit evaluates
//!   markers, decides it from the environment as packaging would;
//! - an error naming the atom, when packaging raises on evaluating it (`~=` or `===` on a
//!   string, `extra < 'x'`, a quoted string compared with a string that names no
//!   environment value), in all environments or in some (lockit refuses rather than
//!   guesses).
//!
//! Markers with none of these atoms pass through byte-identical. The algebra (`and`, `or`,
//! simplification) stays pep508_rs's.
//!
//! Version markers rely on what lockit's environments ([`crate::Target`]) hold: final
//! releases spelled `major.minor` (`python_version`) and `major.minor.patch`
//! (`python_full_version`, `implementation_version`) without leading zeros. pep508_rs
//! compares release segments only, which is exact for final releases; `===` and `in`
//! compare spellings, which these fixed spellings make expressible.

use std::borrow::Cow;
use std::str::FromStr;

use pep440_rs::{Operator, Version, VersionSpecifier};
use pep508_rs::{
    ExtraName, MarkerEnvironment, MarkerExpression, MarkerTree, MarkerTreeKind, MarkerValueExtra,
    MarkerValueString,
};

use crate::quiet_panic::catch_quietly;
use crate::specifiers::specifier_contains;

/// Marker evaluation as `packaging` decides it.
pub trait MarkerEval {
    /// Whether the marker holds in `env` with `extras` requested. Use this, not
    /// pep508_rs's `MarkerTree::evaluate`, which decides the placeholders of
    /// `lockit_types::parse_requirement` as substring tests.
    fn holds(&self, env: &MarkerEnvironment, extras: &[ExtraName]) -> bool;
}

impl MarkerEval for MarkerTree {
    fn holds(&self, env: &MarkerEnvironment, extras: &[ExtraName]) -> bool {
        // pep508_rs's own evaluation walk, with placeholders decided by `packaging`'s rules.
        match self.kind() {
            MarkerTreeKind::True => true,
            MarkerTreeKind::False => false,
            MarkerTreeKind::Version(node) => {
                let value = env.get_version(node.key());
                node.edges()
                    .find(|(range, _)| range.contains(value))
                    .is_some_and(|(_, child)| child.holds(env, extras))
            }
            MarkerTreeKind::String(node) => {
                let value = env.get_string(node.key()).to_string();
                node.children()
                    .find(|(range, _)| range.contains(&value))
                    .is_some_and(|(_, child)| child.holds(env, extras))
            }
            MarkerTreeKind::In(node) => {
                let yes = match placeholder(node.key(), node.value()) {
                    Some(atom) => atom.holds(env, extras),
                    None => node.value().contains(env.get_string(node.key())),
                };
                node.edge(yes).holds(env, extras)
            }
            MarkerTreeKind::Contains(node) => node
                .edge(env.get_string(node.key()).contains(node.value()))
                .holds(env, extras),
            MarkerTreeKind::Extra(node) => node
                .edge(match node.name() {
                    MarkerValueExtra::Extra(extra) => extras.contains(extra),
                    MarkerValueExtra::Arbitrary(_) => false,
                })
                .holds(env, extras),
        }
    }
}

/// What [`rewrite`] did to a marker.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Rewrite {
    /// Every atom means the same to pep508_rs and packaging: use the text as it is.
    Unchanged,
    /// The marker with its atoms rewritten.
    Changed(String),
    /// The marker does not follow pep508_rs's grammar (pep508_rs will say where).
    Unreadable,
}

/// A refused atom: byte span in the marker and why.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Refusal {
    pub start: usize,
    pub len: usize,
    pub message: String,
}

/// Rewrites the atoms of `marker` (the text after `;`) that pep508_rs would read
/// differently from packaging; see the module documentation.
pub(crate) fn rewrite(marker: &str) -> Result<Rewrite, Refusal> {
    let Some(atoms) = scan(marker) else {
        return Ok(Rewrite::Unreadable);
    };
    let mut out = String::new();
    let mut copied = 0;
    let mut changed = false;
    for atom in &atoms {
        let text = &marker[atom.start..atom.end];
        let replacement = match classify(atom, text) {
            Fix::Keep => continue,
            Fix::Replace(r) => r,
            Fix::Refuse(why) => {
                return Err(Refusal {
                    start: atom.start,
                    len: atom.end - atom.start,
                    message: format!("`{text}`: {why}"),
                })
            }
        };
        out.push_str(&marker[copied..atom.start]);
        out.push_str(&replacement);
        copied = atom.end;
        changed = true;
    }
    if !changed {
        return Ok(Rewrite::Unchanged);
    }
    out.push_str(&marker[copied..]);
    Ok(Rewrite::Changed(out))
}

// ---------------------------------------------------------------------------------------
// Reading atoms

/// A marker variable; deprecated spellings (`os.name`) are read as the current name.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Var {
    PythonVersion,
    PythonFullVersion,
    ImplementationVersion,
    PlatformRelease,
    /// A string variable, by its current name.
    Text(&'static str),
    Extra,
}

impl Var {
    /// The names pep508_rs (and packaging) accept in a marker.
    fn parse(name: &str) -> Option<Var> {
        Some(match name {
            "python_version" => Var::PythonVersion,
            "python_full_version" => Var::PythonFullVersion,
            "implementation_version" => Var::ImplementationVersion,
            "platform_release" => Var::PlatformRelease,
            "extra" => Var::Extra,
            "os_name" | "os.name" => Var::Text("os_name"),
            "sys_platform" | "sys.platform" => Var::Text("sys_platform"),
            "platform_machine" | "platform.machine" => Var::Text("platform_machine"),
            "platform_python_implementation"
            | "platform.python_implementation"
            | "python_implementation" => Var::Text("platform_python_implementation"),
            "platform_system" => Var::Text("platform_system"),
            "platform_version" | "platform.version" => Var::Text("platform_version"),
            "implementation_name" => Var::Text("implementation_name"),
            _ => return None,
        })
    }

    /// The keys of packaging's environment: what `'x' == 'sys_platform'` looks up.
    fn env_key(name: &str) -> Option<Var> {
        Var::parse(name).filter(|var| var.name() == name)
    }

    fn name(self) -> &'static str {
        match self {
            Var::PythonVersion => "python_version",
            Var::PythonFullVersion => "python_full_version",
            Var::ImplementationVersion => "implementation_version",
            Var::PlatformRelease => "platform_release",
            Var::Extra => "extra",
            Var::Text(name) => name,
        }
    }

    /// Release segments of the value a lockit environment holds, for version markers.
    fn parts(self) -> Option<usize> {
        match self {
            Var::PythonVersion => Some(2),
            Var::PythonFullVersion | Var::ImplementationVersion => Some(3),
            _ => None,
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Tilde,
    Arbitrary,
    In,
    NotIn,
}

impl Op {
    fn text(self) -> &'static str {
        match self {
            Op::Eq => "==",
            Op::Ne => "!=",
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Gt => ">",
            Op::Ge => ">=",
            Op::Tilde => "~=",
            Op::Arbitrary => "===",
            Op::In => "in",
            Op::NotIn => "not in",
        }
    }

    fn pep440(self) -> Option<Operator> {
        Some(match self {
            Op::Eq => Operator::Equal,
            Op::Ne => Operator::NotEqual,
            Op::Lt => Operator::LessThan,
            Op::Le => Operator::LessThanEqual,
            Op::Gt => Operator::GreaterThan,
            Op::Ge => Operator::GreaterThanEqual,
            Op::Tilde => Operator::TildeEqual,
            Op::Arbitrary | Op::In | Op::NotIn => return None,
        })
    }
}

#[derive(Clone, Copy, Debug)]
enum Operand<'a> {
    Var(Var),
    Str(&'a str),
}

/// One comparison and its byte span in the marker.
#[derive(Debug)]
struct Atom<'a> {
    lhs: Operand<'a>,
    op: Op,
    rhs: Operand<'a>,
    start: usize,
    end: usize,
}

/// The atoms of a marker, read with pep508_rs's grammar (and `===`, which packaging
/// accepts); `None` where pep508_rs would report a syntax error.
fn scan(marker: &str) -> Option<Vec<Atom<'_>>> {
    let mut s = Scanner {
        text: marker,
        pos: 0,
        atoms: Vec::new(),
    };
    s.or()?;
    s.eat_ws();
    (s.pos == marker.len()).then_some(s.atoms)
}

/// Mirrors pep508_rs's marker parser (`marker/parse.rs`) step by step.
struct Scanner<'a> {
    text: &'a str,
    pos: usize,
    atoms: Vec<Atom<'a>>,
}

impl<'a> Scanner<'a> {
    fn peek(&self) -> Option<char> {
        self.text[self.pos..].chars().next()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    fn eat_ws(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.bump();
        }
    }

    fn take_while(&mut self, keep: impl Fn(char) -> bool) -> &'a str {
        let start = self.pos;
        while self.peek().is_some_and(&keep) {
            self.bump();
        }
        &self.text[start..self.pos]
    }

    /// `marker_or = marker_and ('or' marker_and)*`
    fn or(&mut self) -> Option<()> {
        self.sequence("or", Self::and)
    }

    /// `marker_and = marker_expr ('and' marker_expr)*`
    fn and(&mut self) -> Option<()> {
        self.sequence("and", Self::expr)
    }

    fn sequence(&mut self, word: &str, inner: fn(&mut Self) -> Option<()>) -> Option<()> {
        inner(self)?;
        loop {
            self.eat_ws();
            let rest = &self.text[self.pos..];
            let next = &rest[..rest.find(char::is_whitespace).unwrap_or(rest.len())];
            if next != word {
                return Some(());
            }
            self.pos += word.len();
            inner(self)?;
        }
    }

    /// `marker_expr = '(' marker_or ')' | atom`
    fn expr(&mut self) -> Option<()> {
        self.eat_ws();
        if self.peek() == Some('(') {
            self.bump();
            self.or()?;
            return (self.bump()? == ')').then_some(());
        }
        self.eat_ws();
        let start = self.pos;
        let lhs = self.operand()?;
        self.eat_ws();
        let op = self.op()?;
        self.eat_ws();
        let rhs = self.operand()?;
        self.atoms.push(Atom {
            lhs,
            op,
            rhs,
            start,
            end: self.pos,
        });
        Some(())
    }

    fn operand(&mut self) -> Option<Operand<'a>> {
        match self.peek()? {
            quote @ ('\'' | '"') => {
                self.bump();
                let value = self.take_while(|c| c != quote);
                self.bump()?;
                Some(Operand::Str(value))
            }
            _ => {
                let name = self.take_while(|c| {
                    !c.is_whitespace() && !matches!(c, '>' | '=' | '<' | '!' | '~' | ')')
                });
                Var::parse(name).map(Operand::Var)
            }
        }
    }

    fn op(&mut self) -> Option<Op> {
        if self.peek()?.is_alphabetic() {
            match self.take_while(|c| !c.is_whitespace() && c != '\'' && c != '"') {
                "in" => Some(Op::In),
                "not" => {
                    if !self.bump()?.is_whitespace() {
                        return None;
                    }
                    self.eat_ws();
                    (self.bump()? == 'i' && self.bump()? == 'n').then_some(Op::NotIn)
                }
                _ => None,
            }
        } else {
            Some(
                match self.take_while(|c| matches!(c, '<' | '=' | '>' | '~' | '!')) {
                    "==" => Op::Eq,
                    "!=" => Op::Ne,
                    "<" => Op::Lt,
                    "<=" => Op::Le,
                    ">" => Op::Gt,
                    ">=" => Op::Ge,
                    "~=" => Op::Tilde,
                    "===" => Op::Arbitrary,
                    _ => return None,
                },
            )
        }
    }
}

// ---------------------------------------------------------------------------------------
// Deciding what each atom becomes

/// An atom as `variable op 'literal'` (`inverted`: `'literal' op variable`).
#[derive(Debug, Clone)]
struct Norm<'a> {
    var: Var,
    op: Op,
    lit: Cow<'a, str>,
    inverted: bool,
}

impl Norm<'_> {
    fn text(&self) -> String {
        let q = quoted(&self.lit);
        if self.inverted {
            format!("{q} {} {}", self.op.text(), self.var.name())
        } else {
            format!("{} {} {q}", self.var.name(), self.op.text())
        }
    }
}

/// A literal in quotes pep508_rs reads back (single, unless the literal holds one).
fn quoted(lit: &str) -> String {
    if lit.contains('\'') {
        format!("\"{lit}\"")
    } else {
        format!("'{lit}'")
    }
}

enum Fix {
    Keep,
    Replace(String),
    Refuse(String),
}

/// What an atom means, as far as rewriting goes.
enum Decision {
    /// pep508_rs reads it as packaging does.
    Same,
    /// Equivalent, in lockit's environments, to this condition.
    Cond(Cond),
    /// Only the environment can tell: keep it as a placeholder.
    Placeholder,
    /// packaging raises on evaluating it (in some environments, at least).
    Refuse(String),
}

enum Cond {
    True,
    False,
    /// Ordinary atoms (in parentheses when more than one).
    Text(String),
}

impl Cond {
    fn and(self, other: Cond) -> Cond {
        match (self, other) {
            (Cond::False, _) | (_, Cond::False) => Cond::False,
            (Cond::True, c) | (c, Cond::True) => c,
            (Cond::Text(a), Cond::Text(b)) => Cond::Text(format!("({a} and {b})")),
        }
    }

    fn text(&self) -> String {
        match self {
            // Constants pep508_rs reduces away (it prints false as `python_version < '0'`,
            // which packaging reads as false too).
            Cond::True => "(python_version < '0' or python_version >= '0')".to_string(),
            Cond::False => "(python_version < '0' and python_version >= '0')".to_string(),
            Cond::Text(text) => text.clone(),
        }
    }

    fn tree(&self) -> Option<MarkerTree> {
        match self {
            Cond::True => Some(MarkerTree::TRUE),
            Cond::False => Some(MarkerTree::FALSE),
            Cond::Text(text) => parse_silently(text),
        }
    }
}

/// A marker as pep508_rs alone reads it, without its warnings (an ignored atom reads as
/// true); `None` if it does not parse.
fn parse_silently(text: &str) -> Option<MarkerTree> {
    catch_quietly(|| MarkerTree::parse_reporter(text, &mut |_, _| {}))
        .ok()?
        .ok()
}

/// One atom as pep508_rs alone reads it; `None` if it does not parse or is ignored
/// (which is not the same as true: pep508_rs drops an ignored atom from its `and`/`or`).
fn atom_tree(text: &str) -> Option<MarkerTree> {
    catch_quietly(|| {
        MarkerExpression::parse_reporter(text, &mut |_, _| {})
            .ok()
            .flatten()
            .map(MarkerTree::expression)
    })
    .ok()
    .flatten()
}

fn classify(atom: &Atom<'_>, text: &str) -> Fix {
    let (norm, synthetic) = match normalize(atom) {
        Ok(Normalized::Atom(norm, synthetic)) => (norm, synthetic),
        Ok(Normalized::Const(cond)) => return Fix::Replace(cond.text()),
        Err(why) => return Fix::Refuse(why),
    };
    if !synthetic && !norm.inverted && plain_version_atom(&norm) {
        // The common case (`python_version < '3.8'`), which pep508_rs reads right.
        return Fix::Keep;
    }
    match decide(&norm) {
        Decision::Same if synthetic => Fix::Replace(norm.text()),
        Decision::Same => Fix::Keep,
        Decision::Cond(cond) => {
            if !synthetic && cond.tree().is_some_and(|t| Some(t) == atom_tree(text)) {
                Fix::Keep
            } else {
                Fix::Replace(cond.text())
            }
        }
        Decision::Placeholder => Fix::Replace(placeholder_text(&norm)),
        Decision::Refuse(why) => Fix::Refuse(why),
    }
}

/// `python_version < '3.8'`, `python_full_version != '3.9.*'`: a version marker compared
/// with a plain release, which pep508_rs reads as packaging does.
fn plain_version_atom(n: &Norm<'_>) -> bool {
    if n.var.parts().is_none()
        || !matches!(n.op, Op::Eq | Op::Ne | Op::Lt | Op::Le | Op::Gt | Op::Ge)
    {
        return false;
    }
    let (release, star) = match n.lit.strip_suffix(".*") {
        Some(prefix) if matches!(n.op, Op::Eq | Op::Ne) => (prefix, true),
        Some(_) => return false,
        None => (n.lit.as_ref(), false),
    };
    // pep508_rs reads `python_version == '3.12.0.*'` as false (packaging: 3.12 matches).
    (!star
        || n.var
            .parts()
            .is_some_and(|parts| release.split('.').count() <= parts))
        && release.split('.').all(|part| {
            !part.is_empty()
                && part.bytes().all(|b| b.is_ascii_digit())
                && part.parse::<u64>().is_ok()
        })
}

/// An atom read as packaging reads it.
enum Normalized<'a> {
    /// `variable op 'literal'`; `synthetic` when it was written otherwise (two variables,
    /// two strings), which pep508_rs ignores.
    Atom(Norm<'a>, bool),
    /// A constant.
    Const(Cond),
}

/// The atom as `variable op 'literal'`, if it is one.
fn normalize<'a>(atom: &Atom<'a>) -> Result<Normalized<'a>, String> {
    let (lhs, rhs) = (atom.lhs, atom.rhs);
    for operand in [lhs, rhs] {
        if let Operand::Str(s) = operand {
            if s.contains('\\') {
                return Err(
                    "backslash escapes in marker strings are not supported (packaging reads \
                     them as Python escapes)"
                        .to_string(),
                );
            }
        }
    }
    let norm = |var, lit: Cow<'a, str>, inverted| Norm {
        var,
        op: atom.op,
        lit,
        inverted,
    };
    let (norm, synthetic) = match (lhs, rhs) {
        (Operand::Var(var), Operand::Str(s)) => (norm(var, s.into(), false), false),
        (Operand::Str(s), Operand::Var(var)) => (norm(var, s.into(), true), false),
        // packaging looks the other variable's name up among the requested extras, as it
        // is (not normalized): only `extra` itself can be one.
        (Operand::Var(Var::Extra), Operand::Var(other)) => match (atom.op, other) {
            (Op::Eq | Op::Ne, Var::Extra) => (norm(Var::Extra, "extra".into(), false), true),
            (Op::Eq, _) => return Ok(Normalized::Const(Cond::False)),
            (Op::Ne, _) => return Ok(Normalized::Const(Cond::True)),
            _ => return Err(extra_operator(atom.op)),
        },
        // packaging compares the variable with the other variable's name, as a string.
        (Operand::Var(var), Operand::Var(other)) => (norm(var, other.name().into(), false), true),
        (Operand::Str(s), Operand::Str(key)) => match Var::env_key(key) {
            // packaging compares the literal with the requested extras as it is (not
            // normalized, as in `'Doc' == extra`): a spelling no extra has never matches.
            Some(Var::Extra) if canonicalize_name(s) != s && matches!(atom.op, Op::Eq | Op::Ne) => {
                return Ok(Normalized::Const(if atom.op == Op::Eq {
                    Cond::False
                } else {
                    Cond::True
                }))
            }
            // packaging looks the right-hand string up in the environment.
            Some(var) => (norm(var, s.into(), true), true),
            None => {
                return Err(format!(
                    "compares two strings; packaging looks `{key}` up as an environment \
                     value and raises, as no environment value has that name"
                ))
            }
        },
    };
    Ok(Normalized::Atom(norm, synthetic))
}

fn decide(n: &Norm<'_>) -> Decision {
    match n.var {
        Var::Extra => decide_extra(n),
        Var::Text(_) => decide_string(n),
        Var::PlatformRelease => decide_release(n),
        Var::PythonVersion | Var::PythonFullVersion | Var::ImplementationVersion => {
            decide_version(n)
        }
    }
}

fn not_a_version(n: &Norm<'_>) -> Decision {
    Decision::Refuse(format!(
        "`{}` compares versions, and `{}` is not a version marker (packaging raises on \
         evaluating it)",
        n.op.text(),
        n.var.name()
    ))
}

/// `sys_platform`, `os_name`, …: packaging compares strings with `==`, `!=`, `in` and
/// `not in`; `<`/`>` are false and `<=`/`>=` are equality; `~=` and `===` raise.
fn decide_string(n: &Norm<'_>) -> Decision {
    match n.op {
        Op::Eq | Op::Ne | Op::In | Op::NotIn => Decision::Same,
        Op::Lt | Op::Gt => Decision::Cond(Cond::False),
        Op::Le | Op::Ge => Decision::Cond(Cond::Text(format!(
            "{} == {}",
            n.var.name(),
            quoted(&n.lit)
        ))),
        Op::Tilde | Op::Arbitrary => not_a_version(n),
    }
}

/// `extra`: packaging tests the requested extras (normalized names) with `==` and `!=`,
/// and raises on any other operator when an extra is requested; with none requested,
/// `extra` is the empty string.
fn decide_extra(n: &Norm<'_>) -> Decision {
    if !matches!(n.op, Op::Eq | Op::Ne) {
        return Decision::Refuse(extra_operator(n.op));
    }
    if n.lit.is_empty() {
        // True exactly when no extra is requested: no pep508_rs atom says that.
        return Decision::Placeholder;
    }
    if is_canonical_name(&n.lit) {
        // The common case, `extra == 'test'`.
        return Decision::Same;
    }
    let canonical = canonicalize_name(&n.lit);
    if ExtraName::from_str(&n.lit).is_ok_and(|name| name.to_string() == canonical) {
        // pep508_rs normalizes the name as packaging does (`extra == 'Test_Extra'`).
        return Decision::Same;
    }
    let name = ExtraName::from_str(&canonical)
        .ok()
        .filter(|e| e.to_string() == canonical);
    Decision::Cond(match (name, n.op) {
        (Some(name), op) => Cond::Text(format!("extra {} '{name}'", op.text())),
        // No requested extra can be spelled so.
        (None, Op::Eq) => Cond::False,
        (None, _) => Cond::True,
    })
}

fn extra_operator(op: Op) -> String {
    format!(
        "`extra` takes only `==` and `!=`; packaging raises on `{}` when an extra is requested",
        op.text()
    )
}

/// A valid name already normalized: `[a-z0-9]` runs joined by single `-`.
fn is_canonical_name(name: &str) -> bool {
    name.split('-').all(|run| {
        !run.is_empty()
            && run
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    })
}

/// packaging's `canonicalize_name`.
fn canonicalize_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.to_lowercase().chars() {
        let c = if c == '_' || c == '.' { '-' } else { c };
        if !(c == '-' && out.ends_with('-')) {
            out.push(c);
        }
    }
    out
}

/// What packaging's `Specifier(f"===...")` accepts after the operator.
fn arbitrary_ok(lit: &str) -> bool {
    let t = lit.trim();
    !t.is_empty() && !t.contains(|c: char| c.is_whitespace() || c == ';' || c == ')')
}

/// `op literal` as a specifier, if packaging would build one.
fn specifier(op: Op, lit: &str) -> Option<VersionSpecifier> {
    op.pep440()?;
    VersionSpecifier::from_str(&format!("{}{lit}", op.text())).ok()
}

/// `platform_release`: packaging compares it as a version when `Specifier(op + other
/// side)` parses (the release must then parse too, or the atom is false), and as a string
/// otherwise.
fn decide_release(n: &Norm<'_>) -> Decision {
    match (n.op, n.inverted) {
        (Op::In | Op::NotIn, _) => Decision::Same,
        (Op::Arbitrary, false) if arbitrary_ok(&n.lit) => Decision::Placeholder,
        (Op::Tilde | Op::Arbitrary, true) => Decision::Refuse(format!(
            "packaging builds the specifier `{}` from the release and raises when that is no \
             version (lockit's targets have an empty release)",
            n.op.text()
        )),
        (_, true) => Decision::Placeholder,
        (op, false) if specifier(op, &n.lit).is_some() => Decision::Placeholder,
        (Op::Tilde | Op::Arbitrary, false) => Decision::Refuse(format!(
            "`{}{}` is no version specifier, and packaging raises on `{}` between strings",
            n.op.text(),
            n.lit,
            n.op.text()
        )),
        // Not a version: compared as strings.
        (Op::Lt | Op::Gt, false) => Decision::Cond(Cond::False),
        (Op::Le | Op::Ge | Op::Eq, false) => Decision::Cond(Cond::Text(format!(
            "platform_release == {}",
            quoted(&n.lit)
        ))),
        (Op::Ne, false) => Decision::Same,
    }
}

/// Whether `s` is how a lockit environment spells a value of a version marker with
/// `parts` release segments (`3.12`, `3.12.4`).
fn env_spelling(s: &str, parts: usize) -> bool {
    let segments: Vec<&str> = s.split('.').collect();
    segments.len() == parts
        && segments.iter().all(|p| {
            !p.is_empty()
                && p.bytes().all(|b| b.is_ascii_digit())
                && (p.len() == 1 || !p.starts_with('0'))
                && p.parse::<u64>().is_ok()
        })
}

/// A version marker (`python_version`, `python_full_version`, `implementation_version`)
/// over lockit's environments: final releases with `parts` segments.
fn decide_version(n: &Norm<'_>) -> Decision {
    let Some(parts) = n.var.parts() else {
        return Decision::Same;
    };
    let key = n.var.name();
    match (n.op, n.inverted) {
        (Op::Arbitrary, inverted) => {
            // `===` compares the spellings, case-insensitively.
            if !inverted && !arbitrary_ok(&n.lit) {
                return Decision::Refuse(format!(
                    "`==={}` is no version specifier, and packaging raises on `===` between \
                     strings",
                    n.lit
                ));
            }
            let spelled = if inverted {
                n.lit.to_lowercase()
            } else {
                n.lit.trim().to_lowercase()
            };
            Decision::Cond(if env_spelling(&spelled, parts) {
                Cond::Text(format!("{key} == '{spelled}'"))
            } else {
                Cond::False
            })
        }
        (Op::In | Op::NotIn, false) => substrings_of_literal(n, parts),
        (Op::In | Op::NotIn, true) => {
            // Is the literal a substring of the environment's spelling?
            let yes = n.op == Op::In;
            if n.lit.is_empty() {
                Decision::Cond(if yes { Cond::True } else { Cond::False })
            } else if !n.lit.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
                Decision::Cond(if yes { Cond::False } else { Cond::True })
            } else {
                Decision::Placeholder
            }
        }
        (op, false) => match specifier(op, &n.lit) {
            Some(spec) => Decision::Cond(version_cond(key, parts, &spec)),
            // Not a specifier: compared as strings, and the literal is no spelling of
            // a version lockit's environments hold.
            None => match op {
                Op::Tilde => Decision::Refuse(format!(
                    "`~={}` is no version specifier, and packaging raises on `~=` between \
                     strings",
                    n.lit
                )),
                Op::Ne => Decision::Cond(Cond::True),
                _ => Decision::Cond(Cond::False),
            },
        },
        (op, true) => match Version::from_str(&n.lit) {
            Ok(lit) => Decision::Cond(inverted_version_cond(key, parts, op, &lit)),
            // `Specifier(op + environment).contains(literal)` never holds for a
            // literal that is no version.
            Err(_) => Decision::Cond(Cond::False),
        },
    }
}

/// `key op V` over final releases, with `V`'s pre-, post- and dev-release parts and epoch
/// resolved (pep508_rs drops them).
fn version_cond(key: &str, parts: usize, spec: &VersionSpecifier) -> Cond {
    let v = spec.version();
    let release = Version::new(v.release());
    let at_release = specifier_contains(spec, &release);
    let later_epoch = v.epoch() > 0;
    match spec.operator() {
        Operator::EqualStar if later_epoch => Cond::False,
        Operator::NotEqualStar if later_epoch => Cond::True,
        Operator::EqualStar => prefix_cond(key, parts, v.release(), true),
        Operator::NotEqualStar => prefix_cond(key, parts, v.release(), false),
        // Only the release itself can equal `V`, and only when `V` is that release.
        Operator::Equal | Operator::ExactEqual if at_release => {
            Cond::Text(format!("{key} == '{release}'"))
        }
        Operator::Equal | Operator::ExactEqual => Cond::False,
        Operator::NotEqual if at_release => Cond::True,
        Operator::NotEqual => Cond::Text(format!("{key} != '{release}'")),
        // Every final release (epoch 0) is below a later epoch.
        Operator::LessThan | Operator::LessThanEqual if later_epoch => Cond::True,
        Operator::GreaterThan | Operator::GreaterThanEqual | Operator::TildeEqual
            if later_epoch =>
        {
            Cond::False
        }
        // A half-line of final releases bounded at `V`'s release, which it holds or not.
        Operator::LessThan | Operator::LessThanEqual => Cond::Text(format!(
            "{key} {} '{release}'",
            if at_release { "<=" } else { "<" }
        )),
        Operator::GreaterThan | Operator::GreaterThanEqual => Cond::Text(format!(
            "{key} {} '{release}'",
            if at_release { ">=" } else { ">" }
        )),
        // `~=V` is `>=V` and `==P.*`, `P` being `V`'s release without its last segment.
        Operator::TildeEqual => {
            let lower = if at_release { ">=" } else { ">" };
            Cond::Text(format!("{key} {lower} '{release}'")).and(prefix_cond(
                key,
                parts,
                &v.release()[..v.release().len() - 1],
                true,
            ))
        }
    }
}

/// `key == 'P.*'` (`equal`) or `key != 'P.*'` over final releases of `parts` segments,
/// which are padded with zeros for the comparison: `python_version == '3.12.0.*'` holds
/// for 3.12 (pep508_rs reads it as false), `python_version == '3.12.1.*'` for nothing.
fn prefix_cond(key: &str, parts: usize, prefix: &[u64], equal: bool) -> Cond {
    let op = if equal { "==" } else { "!=" };
    match prefix.get(parts..) {
        Some(beyond) if beyond.iter().any(|&s| s != 0) => {
            if equal {
                Cond::False
            } else {
                Cond::True
            }
        }
        Some(_) => Cond::Text(format!("{key} {op} '{}.*'", Version::new(&prefix[..parts]))),
        None => Cond::Text(format!("{key} {op} '{}.*'", Version::new(prefix))),
    }
}

/// `'V' op key` over final releases `E`: packaging decides
/// `Specifier(op + E).contains(V)`.
fn inverted_version_cond(key: &str, parts: usize, op: Op, lit: &Version) -> Cond {
    let release = Version::new(lit.release());
    let later_epoch = lit.epoch() > 0;
    // Does the environment `E = release` hold?
    let at = |op: Op| {
        op.pep440()
            .and_then(|op| VersionSpecifier::from_version(op, release.clone()).ok())
            .is_some_and(|spec| specifier_contains(&spec, lit))
    };
    match op {
        Op::Eq | Op::Lt | Op::Le if later_epoch => Cond::False,
        Op::Ne | Op::Gt | Op::Ge if later_epoch => Cond::True,
        Op::Tilde if later_epoch => Cond::False,
        Op::Eq if at(Op::Eq) => Cond::Text(format!("{key} == '{release}'")),
        Op::Eq => Cond::False,
        Op::Ne if at(Op::Ne) => Cond::True,
        Op::Ne => Cond::Text(format!("{key} != '{release}'")),
        // `V < E`: the environment above the literal.
        Op::Lt | Op::Le => Cond::Text(format!(
            "{key} {} '{release}'",
            if at(op) { ">=" } else { ">" }
        )),
        Op::Gt | Op::Ge => Cond::Text(format!(
            "{key} {} '{release}'",
            if at(op) { "<=" } else { "<" }
        )),
        // `~=E` is `>=E` and `==Q.*`, `Q` being `E` without its last segment: `V >= E`
        // and `E` starts with `V`'s first `parts - 1` segments.
        Op::Tilde => {
            let upper = if at(Op::Ge) { "<=" } else { "<" };
            let mut prefix: Vec<u64> = lit.release().to_vec();
            prefix.resize(parts - 1, 0);
            Cond::Text(format!("{key} {upper} '{release}'"))
                .and(prefix_cond(key, parts, &prefix, true))
        }
        Op::Arbitrary | Op::In | Op::NotIn => unreachable!("decided before"),
    }
}

/// Most versions `key in '…'` lists before it becomes a placeholder.
const MAX_LISTED: usize = 64;

/// `key in 'literal'`: packaging tests whether the environment's spelling is a substring
/// of the literal. The spellings that are (`3.1` and `3.12` in `'3.12 3.13'`) are listed,
/// which pep508_rs reads as version equality and packaging again as substrings.
fn substrings_of_literal(n: &Norm<'_>, parts: usize) -> Decision {
    let lit = n.lit.as_bytes();
    let mut found: Vec<&str> = Vec::new();
    for start in 0..lit.len() {
        let mut end = start;
        let mut segments = 0;
        // All segments but the last run to a `.`; the last may stop anywhere.
        loop {
            let run = lit[end..].iter().take_while(|b| b.is_ascii_digit()).count();
            if run == 0 {
                break;
            }
            segments += 1;
            if segments == parts {
                for len in 1..=run {
                    let candidate = &n.lit[start..end + len];
                    if env_spelling(candidate, parts) && !found.contains(&candidate) {
                        found.push(candidate);
                        if found.len() > MAX_LISTED {
                            return Decision::Placeholder;
                        }
                    }
                }
                break;
            }
            end += run;
            if lit.get(end) != Some(&b'.') {
                break;
            }
            end += 1;
        }
    }
    let yes = n.op == Op::In;
    if found.is_empty() {
        return Decision::Cond(if yes { Cond::False } else { Cond::True });
    }
    Decision::Cond(Cond::Text(format!(
        "{} {} '{}'",
        n.var.name(),
        n.op.text(),
        found.join(" ")
    )))
}

// ---------------------------------------------------------------------------------------
// Placeholders

const OPEN: char = '⟪';
const CLOSE: char = '⟫';

/// `platform_release in '⟪<atom>⟫'`, the atom spelled with its literal in double quotes
/// and `%`, quotes and the brackets percent-encoded.
fn placeholder_text(n: &Norm<'_>) -> String {
    let mut lit = String::new();
    for c in n.lit.chars() {
        match c {
            '%' | '"' | '\'' | OPEN | CLOSE => {
                let mut buf = [0; 4];
                for b in c.encode_utf8(&mut buf).bytes() {
                    lit.push_str(&format!("%{b:02X}"));
                }
            }
            c => lit.push(c),
        }
    }
    let atom = if n.inverted {
        format!("\"{lit}\" {} {}", n.op.text(), n.var.name())
    } else {
        format!("{} {} \"{lit}\"", n.var.name(), n.op.text())
    };
    format!("platform_release in '{OPEN}{atom}{CLOSE}'")
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The atom a placeholder stands for, if `value` (of `key in 'value'`) is one.
fn placeholder(key: &MarkerValueString, value: &str) -> Option<Norm<'static>> {
    if *key != MarkerValueString::PlatformRelease {
        return None;
    }
    let inner = value.strip_prefix(OPEN)?.strip_suffix(CLOSE)?;
    let atoms = scan(inner)?;
    let [atom] = atoms.as_slice() else {
        return None;
    };
    let Normalized::Atom(norm, synthetic) = normalize(atom).ok()? else {
        return None;
    };
    if synthetic || (atom.start, atom.end) != (0, inner.len()) {
        return None;
    }
    let norm = Norm {
        lit: Cow::Owned(percent_decode(&norm.lit)?),
        ..norm
    };
    matches!(decide(&norm), Decision::Placeholder).then_some(norm)
}

impl Norm<'_> {
    /// packaging's answer for the placeholder atoms.
    fn holds(&self, env: &MarkerEnvironment, extras: &[ExtraName]) -> bool {
        let lit = self.lit.as_ref();
        match self.var {
            Var::Extra => (self.op == Op::Eq) == extras.is_empty(),
            Var::PlatformRelease => {
                release_holds(self.op, lit, env.platform_release(), self.inverted)
            }
            Var::PythonVersion | Var::PythonFullVersion | Var::ImplementationVersion => {
                let value = match self.var {
                    Var::PythonVersion => &env.python_version().string,
                    Var::PythonFullVersion => &env.python_full_version().string,
                    _ => &env.implementation_version().string,
                };
                let inside = if self.inverted {
                    value.contains(lit)
                } else {
                    lit.contains(value.as_str())
                };
                inside == (self.op == Op::In)
            }
            Var::Text(_) => false,
        }
    }
}

/// packaging's `_eval_op` for `platform_release op lit` (or `lit op platform_release`).
fn release_holds(op: Op, lit: &str, release: &str, inverted: bool) -> bool {
    let (item, spec_side) = if inverted {
        (lit, release)
    } else {
        (release, lit)
    };
    if op == Op::Arbitrary {
        return item.to_lowercase() == spec_side.trim().to_lowercase();
    }
    match specifier(op, spec_side) {
        Some(spec) => Version::from_str(item).is_ok_and(|v| specifier_contains(&spec, &v)),
        // Strings: `<` and `>` are false, `<=` and `>=` equality.
        None => match op {
            Op::Eq | Op::Le | Op::Ge => item == spec_side,
            Op::Ne => item != spec_side,
            _ => false,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{parse_requirement, Target};

    /// A lockit environment: CPython `python` on Linux, with `release` as
    /// `platform_release` (lockit leaves it empty).
    fn env(python: &str, release: &str) -> MarkerEnvironment {
        Target::new(python, "linux".parse().unwrap())
            .unwrap()
            .markers
            .with_platform_release(release)
    }

    fn marker(text: &str) -> MarkerTree {
        parse_requirement(&format!("a; {text}"))
            .unwrap_or_else(|e| panic!("{text}: {}", e.message))
            .marker
    }

    fn holds(text: &str, python: &str, release: &str, extras: &[&str]) -> bool {
        let extras: Vec<ExtraName> = extras.iter().map(|e| e.parse().unwrap()).collect();
        marker(text).holds(&env(python, release), &extras)
    }

    fn refused(text: &str) -> String {
        parse_requirement(&format!("a; {text}"))
            .map(|r| r.marker.try_to_string())
            .expect_err(text)
            .message
    }

    /// packaging's answers (26.4), checked by hand in Python.
    fn check(cases: &[(&str, &str, &str, bool)]) {
        for &(text, python, release, expected) in cases {
            assert_eq!(
                holds(text, python, release, &[]),
                expected,
                "{text} on Python {python}, release {release:?}"
            );
        }
    }

    #[test]
    fn string_order_on_string_markers_follows_packaging() {
        check(&[
            // pep508_rs compared these lexicographically.
            ("sys_platform < 'zzz'", "3.12", "", false),
            ("sys_platform > 'a'", "3.12", "", false),
            ("'a' < sys_platform", "3.12", "", false),
            ("sys_platform <= 'linux'", "3.12", "", true),
            ("sys_platform <= 'zzz'", "3.12", "", false),
            ("'linux' >= sys_platform", "3.12", "", true),
            ("os_name >= 'nt'", "3.12", "", false),
        ]);
        assert_eq!(
            marker("sys_platform <= 'linux'").try_to_string().unwrap(),
            "sys_platform == 'linux'"
        );
        assert_eq!(
            marker("sys_platform > 'a' or os_name == 'posix'")
                .try_to_string()
                .unwrap(),
            "os_name == 'posix'"
        );
    }

    #[test]
    fn arbitrary_equality_in_markers_compares_spellings() {
        // pep508_rs refused `===`; packaging compares the text, case-insensitively.
        check(&[
            ("python_version === '3.12'", "3.12", "", true),
            ("python_version === '3.12.0'", "3.12", "", false),
            ("python_full_version === '3.12.0'", "3.12", "", true),
            ("python_full_version === '3.12'", "3.12", "", false),
            ("'3.12.4' === python_full_version", "3.12.4", "", true),
            ("implementation_version === 'v3.12.0'", "3.12", "", false),
            ("platform_release === 'ABC'", "3.12", "abc", true),
            ("platform_release === '6.8'", "3.12", "6.8.0", false),
            (
                "platform_release === '5.15.0-91-generic'",
                "3.12",
                "5.15.0-91-generic",
                true,
            ),
        ]);
        assert_eq!(
            marker("python_version === '3.12'").try_to_string().unwrap(),
            "python_full_version == '3.12.*'"
        );
        // packaging raises on `===` between strings.
        for text in [
            "sys_platform === 'linux'",
            "extra === 'doc'",
            "'6' === platform_release",
        ] {
            assert!(refused(text).contains("==="), "{text}");
        }
    }

    #[test]
    fn tilde_equal_on_string_markers_is_refused() {
        // pep508_rs ignored `name ~= 'x'` (true); packaging raises on evaluating it.
        for text in [
            "sys_platform ~= 'linux'",
            "os_name ~= 'nt' or python_version > '3'",
            "extra ~= 'doc'",
            "platform_release ~= '6'",
            "'6.1' ~= platform_release",
            "python_version ~= '3'",
        ] {
            let message = refused(text);
            assert!(message.contains("~="), "{text}: {message}");
        }
        let e = parse_requirement("a; python_version > '3' and os_name ~= 'nt'").unwrap_err();
        assert_eq!((e.start, e.len), (28, 15), "the span is the atom: {e:?}");
        assert!(
            e.message.starts_with("`os_name ~= 'nt'`: "),
            "{}",
            e.message
        );
        // `~=` on a version marker compares versions.
        check(&[
            ("python_full_version ~= '3.12.0'", "3.12.4", "", true),
            ("python_full_version ~= '3.12.0'", "3.13", "", false),
            ("python_version ~= '3.12.0'", "3.12", "", true),
            ("python_version ~= '3.12.0'", "3.13", "", false),
            ("'3.12' ~= python_version", "3.12", "", true),
            ("'3.12.1' ~= python_version", "3.12", "", true),
            ("'3.12' ~= python_version", "3.13", "", false),
            ("'3.12.5' ~= python_full_version", "3.12.4", "", true),
            ("'3.12.3' ~= python_full_version", "3.12.4", "", false),
            ("platform_release ~= '6.1'", "3.12", "6.8", true),
            ("platform_release ~= '6.1'", "3.12", "7", false),
        ]);
    }

    #[test]
    fn version_in_is_a_substring_test() {
        check(&[
            // pep508_rs matched versions: 3.1 is not in '3.12 3.13' to it.
            ("python_version in '3.12 3.13'", "3.1", "", true),
            ("python_version in '3.12 3.13'", "3.13", "", true),
            ("python_version in '3.12 3.13'", "3.11", "", false),
            ("python_version not in '3.12 3.13'", "3.1", "", false),
            ("python_version in '3.12.*'", "3.12", "", true),
            ("python_full_version in '3.12.0'", "3.12", "", true),
            ("python_full_version in '3.12.05'", "3.12", "", true),
            ("python_full_version in '3.12'", "3.12", "", false),
            ("python_version in 'linux'", "3.12", "", false),
            // And the other way round: the literal in the environment's spelling.
            ("'1' in python_version", "3.12", "", true),
            ("'1' in python_version", "3.9", "", false),
            ("'3.1' in python_full_version", "3.12", "", true),
            ("'3.12 3.13' in python_version", "3.12", "", false),
            ("'' in python_version", "3.12", "", true),
        ]);
        // The versions the literal holds, listed, read alike by pep508_rs and packaging.
        assert_eq!(
            marker("python_version in '3.12 3.13'")
                .try_to_string()
                .unwrap(),
            marker("python_version in '3.1 3.12 3.13'")
                .try_to_string()
                .unwrap()
        );
    }

    #[test]
    fn version_suffixes_are_not_dropped() {
        // pep508_rs compared release segments only.
        check(&[
            ("python_full_version >= '3.11.0.post1'", "3.11", "", false),
            ("python_full_version >= '3.11.0.post1'", "3.11.1", "", true),
            ("python_full_version < '3.11.0.post1'", "3.11", "", true),
            ("python_full_version > '3.12.0rc1'", "3.12", "", true),
            ("python_full_version == '3.11.0.post1'", "3.11", "", false),
            ("python_full_version != '3.11.0.post1'", "3.11", "", true),
            ("python_full_version == '3.12.0+local'", "3.12", "", false),
            ("python_full_version <= '3.13.0.dev0'", "3.13", "", false),
            ("python_full_version == '3.10.0rc1.*'", "3.10", "", false),
            ("python_version == '3.12.0.*'", "3.12", "", true),
            ("python_version != '3.12.0.*'", "3.12", "", false),
            ("python_version == '1!3.12'", "3.12", "", false),
            ("python_version < '1!3.12'", "3.14", "", true),
            ("'3.12.0rc1' < python_full_version", "3.12", "", false),
            ("'3.12.0rc1' <= python_full_version", "3.12", "", true),
            ("'3.12.post1' > python_version", "3.12", "", false),
            ("'3.12.post1' >= python_version", "3.12", "", true),
            ("'abc' != python_version", "3.12", "", false),
            ("python_version < '3.12.*'", "3.11", "", false),
        ]);
        assert_eq!(
            marker("python_full_version >= '3.11.0.post1'")
                .try_to_string()
                .unwrap(),
            "python_full_version > '3.11'"
        );
    }

    #[test]
    fn platform_release_compares_as_a_version_when_it_is_one() {
        check(&[
            // A version: compared as one (pep508_rs: "10" < "9" as strings).
            ("platform_release >= '9'", "3.12", "10.0.22631", true),
            ("platform_release >= '6.1'", "3.12", "6.8.0", true),
            ("platform_release == '6.8'", "3.12", "6.8.0", true),
            (
                "platform_release >= '9' and platform_release >= '10'",
                "3.12",
                "9.5",
                false,
            ),
            ("platform_release > '5.10'", "3.12", "5.10.0+rpt", false),
            // Not a version: no version comparison holds, not even `!=`.
            (
                "platform_release >= '5'",
                "3.12",
                "5.15.0-91-generic",
                false,
            ),
            ("platform_release != '6'", "3.12", "", false),
            ("platform_release != '6'", "3.12", "abc", false),
            // A literal that is no version: compared as a string.
            (
                "platform_release == '5.15.0-91-generic'",
                "3.12",
                "5.15.0-91-generic",
                true,
            ),
            ("platform_release <= 'abc'", "3.12", "abc", true),
            ("platform_release < 'zzz'", "3.12", "abc", false),
            ("platform_release in '6.1 6.8'", "3.12", "6.1", true),
            ("'6' < platform_release", "3.12", "6.8", true),
            ("'6' < platform_release", "3.12", "", false),
            ("'' <= platform_release", "3.12", "", true),
        ]);
        // The placeholder prints as what it stands for, and reads back as itself.
        let m = marker("platform_release >= '6' and sys_platform == 'linux'");
        let text = m.try_to_string().unwrap();
        assert!(text.contains("⟪platform_release >= \"6\"⟫"), "{text}");
        let again = marker(&text);
        assert_eq!(again, m);
        assert!(again.holds(&env("3.12", "6.8"), &[]));
        assert!(!again.holds(&env("3.12", ""), &[]));
    }

    #[test]
    fn inverted_wildcard_is_false() {
        // pep508_rs ignored `'3.12.*' == python_version` (true); packaging reads the
        // literal as a version, which `3.12.*` is not.
        check(&[
            ("'3.12.*' == python_version", "3.12", "", false),
            ("'3.12.*' != python_version", "3.12", "", false),
            (
                "'3.12.*' == python_version or os_name == 'posix'",
                "3.12",
                "",
                true,
            ),
            (
                "'3.12.*' == python_version and os_name == 'posix'",
                "3.12",
                "",
                false,
            ),
        ]);
        assert_eq!(marker("'3.12.*' == python_version"), MarkerTree::FALSE);
    }

    #[test]
    fn extra_with_other_operators_is_refused() {
        // pep508_rs ignored them (true); packaging raises when an extra is requested.
        for text in [
            "extra < 'doc'",
            "extra in 'doc test'",
            "'doc' in extra",
            "extra >= 'a'",
        ] {
            let message = refused(text);
            assert!(message.contains("`extra` takes only"), "{text}: {message}");
        }
        let doc = |text: &str, extras: &[&str]| holds(text, "3.12", "", extras);
        assert!(doc("extra == 'Doc'", &["doc"]));
        assert!(doc("'doc' == extra", &["doc"]));
        assert!(!doc("extra == 'doc'", &[]));
        // With no extra requested, `extra` is the empty string.
        assert!(doc("extra == ''", &[]));
        assert!(!doc("extra == ''", &["doc"]));
        assert!(doc("extra != ''", &["doc"]));
        // An extra named in a way no extra can be never matches.
        assert!(!doc("extra == '-doc'", &["doc"]));
        assert!(doc("extra != '-doc'", &["doc"]));
    }

    #[test]
    fn two_variables_and_two_strings_read_as_packaging_reads_them() {
        check(&[
            // The right-hand variable is read as its name.
            ("os_name == os_name", "3.12", "", false),
            ("os_name != os_name", "3.12", "", true),
            ("sys_platform in platform_system", "3.12", "", false),
            // The right-hand string is looked up as an environment value.
            ("'posix' == 'os_name'", "3.12", "", true),
            ("'3.12' <= 'python_version'", "3.12", "", true),
        ]);
        assert!(holds("extra == extra", "3.12", "", &["extra"]));
        assert!(!holds("extra == os_name", "3.12", "", &["os-name"]));
        assert!(refused("'posix' == 'os.name'").contains("no environment value"));
        assert!(refused("os_name == 'a\\x41'").contains("backslash"));
    }

    #[test]
    fn ordinary_markers_pass_through_byte_identical() {
        for text in [
            "python_version < \"3.8\"",
            "python_version >= '3.7' and python_version < '3.11'",
            "python_full_version >= \"3.9.0\"",
            "python_version == \"3.12.*\" or python_version != '3.*'",
            "sys_platform == \"win32\"",
            "platform_machine == 'x86_64' and sys_platform == 'linux'",
            "implementation_name == 'cpython' and platform_python_implementation != 'PyPy'",
            "os_name == \"nt\" or platform_system == \"Windows\"",
            "extra == \"test\"",
            "extra == 'Test_Extra' and python_version < '3.10'",
            "'linux' in sys_platform or platform_machine in 'x86_64 aarch64'",
            "platform_release == '5.15.0-91-generic' or platform_release in '6.1'",
            "python_version in '2.6 2.7'",
            "'3.8' <= python_version",
            "(sys_platform == 'linux' and platform_machine == 'aarch64' or sys_platform == \
             'linux' and platform_machine == 'x86_64' or sys_platform == 'win32' and \
             platform_machine == 'AMD64') and extra == 'sanitizer'",
        ] {
            assert_eq!(rewrite(text), Ok(Rewrite::Unchanged), "{text}");
            let requirement = format!("a>=1; {text}");
            let theirs =
                pep508_rs::Requirement::<pep508_rs::VerbatimUrl>::from_str(&requirement).unwrap();
            let ours = parse_requirement(&requirement).unwrap();
            assert_eq!(ours, theirs, "{text}");
            assert_eq!(ours.to_string(), theirs.to_string(), "{text}");
        }
    }

    #[test]
    fn rewritten_markers_read_back_to_themselves() {
        // lockit prints markers (`explain`, synthesized sdist metadata) and reads the
        // printed text again: the rewrite of a rewrite changes nothing.
        for text in [
            "sys_platform <= 'linux' and python_full_version >= '3.11.0.post1'",
            "python_version in '3.12 3.13' or '1' in python_version",
            "platform_release >= '6' or extra == ''",
            "python_version === '3.12' and 'linux' == 'sys_platform'",
        ] {
            let m = marker(text);
            let printed = m.try_to_string().unwrap();
            assert_eq!(marker(&printed), m, "{text} printed as {printed}");
            for python in ["3.8", "3.12", "3.13.1"] {
                for release in ["", "6.8.0", "abc"] {
                    for extras in [&[][..], &["doc"][..]] {
                        assert_eq!(
                            holds(&printed, python, release, extras),
                            holds(text, python, release, extras),
                            "{text} printed as {printed}"
                        );
                    }
                }
            }
        }
    }
}
