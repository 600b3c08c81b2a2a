//! The generator of `tests/generated_shapes.rs`: struct and enum shapes drawn from a grammar of
//! field types and attributes with a fixed seed, each with the functions that check it at run
//! time. Deterministic (its own PRNG, no dependency), so that `tests/derive_gen.rs` can
//! regenerate the file and compare it byte for byte.
//!
//! For each shape `N` the file holds the type, `fill_N()` (a value with random contents and
//! spare capacity), `expect_N()` (what `reset` must make of it: `Default::default()` for every
//! field, except what `skip` keeps and what nested shapes keep of their own), `retained_N(&v)`
//! (the saturating sum of the fields' counts, by the derive's rules) and `check_N()`, which
//! fills, resets (twice) and compares, and checks kept and bounded capacities.

use std::fmt::Write;

/// splitmix64: small, fast, and the same on every platform.
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn new(seed: u64) -> Self {
        Rng(seed)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n`.
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// True with probability `percent` in 100.
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// A hashable, ordered key type.
#[derive(Clone, Copy)]
enum Key {
    Str,
    U32,
    U64,
}

impl Key {
    fn ty(self) -> &'static str {
        match self {
            Key::Str => "String",
            Key::U32 => "u32",
            Key::U64 => "u64",
        }
    }

    fn value(self, i: usize) -> String {
        match self {
            Key::Str => format!("String::from(\"k{i}\")"),
            Key::U32 => format!("{i}u32"),
            Key::U64 => format!("{}u64", i * 1000 + 7),
        }
    }
}

/// A field type of the grammar.
#[derive(Clone)]
enum Ty {
    /// A type whose reset is "back to `Default`" and that the derive resets by value:
    /// `(printed type, value expression)`.
    Leaf(&'static str, &'static str),
    String,
    Vec(Box<Ty>),
    VecDeque(Box<Ty>),
    HashMap(Key, Box<Ty>),
    HashSet(Key),
    BTreeMap(Key, Box<Ty>),
    BTreeSet(Key),
    LinkedList(Key),
    Option(Box<Ty>),
    Box(Box<Ty>),
    Array(Box<Ty>, usize),
    Tuple(Vec<Ty>),
    Phantom(Box<Ty>),
    RefCell(Box<Ty>),
    Cell,
    /// A type parameter of the shape (`T0`, `T1`), and the concrete type the checks use.
    Param(usize),
    /// An earlier non-generic struct shape.
    Shape(usize),
    /// `&'a str`, only in a shape with a lifetime, always `skip` or `default`.
    Ref,
    /// A type of a pool-core feature: `(printed type, value expression)`; reset to `Default`.
    Foreign(&'static str, &'static str),
}

const LEAVES: &[(&str, &str)] = &[
    ("u8", "7u8"),
    ("u16", "300u16"),
    ("u32", "70_000u32"),
    ("u64", "1u64 << 40"),
    ("i32", "-5i32"),
    ("i64", "-(1i64 << 40)"),
    ("usize", "12usize"),
    ("bool", "true"),
    ("char", "'q'"),
    ("f64", "2.5f64"),
    (
        "std::time::Duration",
        "std::time::Duration::from_millis(1500)",
    ),
    ("()", "()"),
];

const FOREIGN: &[(&str, &str)] = &[
    ("uuid::Uuid", "uuid::Uuid::from_u128(0x1234_5678)"),
    (
        "compact_str::CompactString",
        "compact_str::CompactString::from(\"a compact string longer than inline\")",
    ),
    (
        "smallvec::SmallVec<[u8; 4]>",
        "smallvec::SmallVec::from_vec(vec![1, 2, 3, 4, 5, 6])",
    ),
    (
        "indexmap::IndexMap<String, u32>",
        "{ let mut m = indexmap::IndexMap::with_capacity(8); m.insert(String::from(\"a\"), 1); m }",
    ),
    (
        "indexmap::IndexSet<u32>",
        "{ let mut s = indexmap::IndexSet::with_capacity(8); s.insert(3); s }",
    ),
    (
        "bytes::BytesMut",
        "{ let mut b = bytes::BytesMut::with_capacity(64); b.extend_from_slice(b\"abc\"); b }",
    ),
    (
        "bytes::Bytes",
        "bytes::Bytes::from_static(b\"static bytes\")",
    ),
    (
        "serde_json::Value",
        "serde_json::Value::from(vec![1, 2, 3])",
    ),
    (
        "http::HeaderMap",
        "{ let mut h = http::HeaderMap::new(); h.insert(http::header::HOST, http::HeaderValue::from_static(\"example.com\")); h }",
    ),
    ("http::Method", "http::Method::POST"),
    ("http::StatusCode", "http::StatusCode::NOT_FOUND"),
    (
        "chrono::NaiveDate",
        "chrono::NaiveDate::from_ymd_opt(2024, 2, 29).unwrap_or_default()",
    ),
    ("chrono::TimeDelta", "chrono::TimeDelta::milliseconds(1500)"),
    (
        "arrayvec::ArrayVec<u8, 4>",
        "{ let mut a = arrayvec::ArrayVec::new(); a.push(1u8); a.push(2); a }",
    ),
    (
        "arrayvec::ArrayString<16>",
        "arrayvec::ArrayString::from(\"short\").unwrap_or_default()",
    ),
    (
        "hashbrown::HashMap<u32, u32>",
        "{ let mut m = hashbrown::HashMap::new(); m.insert(1u32, 2u32); m }",
    ),
    (
        "hashbrown::HashSet<u64>",
        "{ let mut s = hashbrown::HashSet::new(); s.insert(9u64); s }",
    ),
];

/// The concrete types a shape's type parameters take in its checks.
const PARAM_TYPES: &[&str] = &["u32", "String", "Vec<u8>"];

/// What the generator knows of one struct shape, for nesting it in later ones.
struct ShapeInfo {
    /// Whether `reset` makes it equal to `Default::default()` (no `skip` inside).
    pure: bool,
}

/// The context of a type being printed: the concrete types of the shape's parameters, if any.
struct Ctx<'a> {
    params: &'a [&'static str],
    shapes: &'a [ShapeInfo],
}

impl Ty {
    /// The type as written in the shape's definition (`T0` for a parameter).
    fn def(&self) -> String {
        self.print(None)
    }

    /// The type with the parameters replaced by their concrete types.
    fn concrete(&self, params: &[&str]) -> String {
        self.print(Some(params))
    }

    fn print(&self, params: Option<&[&str]>) -> String {
        let p = |t: &Ty| t.print(params);
        match self {
            Ty::Leaf(ty, _) | Ty::Foreign(ty, _) => (*ty).to_string(),
            Ty::String => "String".into(),
            Ty::Vec(t) => format!("Vec<{}>", p(t)),
            Ty::VecDeque(t) => format!("std::collections::VecDeque<{}>", p(t)),
            Ty::HashMap(k, v) => format!("std::collections::HashMap<{}, {}>", k.ty(), p(v)),
            Ty::HashSet(k) => format!("std::collections::HashSet<{}>", k.ty()),
            Ty::BTreeMap(k, v) => format!("std::collections::BTreeMap<{}, {}>", k.ty(), p(v)),
            Ty::BTreeSet(k) => format!("std::collections::BTreeSet<{}>", k.ty()),
            Ty::LinkedList(k) => format!("std::collections::LinkedList<{}>", k.ty()),
            Ty::Option(t) => format!("Option<{}>", p(t)),
            Ty::Box(t) => format!("Box<{}>", p(t)),
            Ty::Array(t, n) => format!("[{}; {n}]", p(t)),
            Ty::Tuple(ts) => {
                let inner: Vec<String> = ts.iter().map(p).collect();
                if ts.len() == 1 {
                    format!("({},)", inner[0])
                } else {
                    format!("({})", inner.join(", "))
                }
            }
            Ty::Phantom(t) => format!("std::marker::PhantomData<{}>", p(t)),
            Ty::RefCell(t) => format!("std::cell::RefCell<{}>", p(t)),
            Ty::Cell => "std::cell::Cell<u32>".into(),
            Ty::Param(i) => match params {
                Some(params) => params[*i].to_string(),
                None => format!("T{i}"),
            },
            Ty::Shape(k) => format!("S{k}"),
            Ty::Ref => "&'a str".into(),
        }
    }

    /// A value of the type with contents and spare capacity.
    fn fill(&self, rng: &mut Rng, cx: &Ctx<'_>) -> String {
        let elems = |rng: &mut Rng, t: &Ty| -> Vec<String> {
            let n = rng.below(3);
            (0..n).map(|_| t.fill(rng, cx)).collect()
        };
        match self {
            Ty::Leaf(_, value) | Ty::Foreign(_, value) => (*value).to_string(),
            Ty::String => {
                let cap = 8 + rng.below(56);
                let text = *rng.pick(&["", "a", "hello", "a longer string of text"]);
                format!("{{ let mut s = String::with_capacity({cap}); s.push_str({text:?}); s }}")
            }
            Ty::Vec(t) | Ty::VecDeque(t) => {
                let ty = self.concrete(cx.params);
                let ctor = if matches!(self, Ty::Vec(_)) {
                    "Vec"
                } else {
                    "std::collections::VecDeque"
                };
                let cap = 4 + rng.below(60);
                let items = elems(rng, t);
                if items.is_empty() {
                    format!("{{ let v: {ty} = {ctor}::with_capacity({cap}); v }}")
                } else {
                    format!(
                        "{{ let mut v: {ty} = {ctor}::with_capacity({cap}); v.extend([{}]); v }}",
                        items.join(", ")
                    )
                }
            }
            Ty::HashMap(k, v) | Ty::BTreeMap(k, v) => {
                let ty = self.concrete(cx.params);
                let ctor = match self {
                    Ty::HashMap(..) => format!(
                        "std::collections::HashMap::with_capacity({})",
                        4 + rng.below(28)
                    ),
                    _ => "std::collections::BTreeMap::new()".into(),
                };
                let n = rng.below(3);
                let inserts: String = (0..n)
                    .map(|i| format!(" m.insert({}, {});", k.value(i), v.fill(rng, cx)))
                    .collect();
                let m = if n == 0 { "m" } else { "mut m" };
                format!("{{ let {m}: {ty} = {ctor};{inserts} m }}")
            }
            Ty::HashSet(k) | Ty::BTreeSet(k) | Ty::LinkedList(k) => {
                let ty = self.concrete(cx.params);
                let (ctor, add) = match self {
                    Ty::HashSet(_) => (
                        format!(
                            "std::collections::HashSet::with_capacity({})",
                            4 + rng.below(28)
                        ),
                        "insert",
                    ),
                    Ty::BTreeSet(_) => ("std::collections::BTreeSet::new()".into(), "insert"),
                    _ => ("std::collections::LinkedList::new()".into(), "push_back"),
                };
                let n = rng.below(3);
                let adds: String = (0..n)
                    .map(|i| format!(" s.{add}({});", k.value(i)))
                    .collect();
                let s = if n == 0 { "s" } else { "mut s" };
                format!("{{ let {s}: {ty} = {ctor};{adds} s }}")
            }
            Ty::Option(t) => {
                if rng.chance(75) {
                    format!("Some({})", t.fill(rng, cx))
                } else {
                    "None".into()
                }
            }
            Ty::Box(t) => format!("Box::new({})", t.fill(rng, cx)),
            Ty::Array(t, n) => {
                let items: Vec<String> = (0..*n).map(|_| t.fill(rng, cx)).collect();
                format!("[{}]", items.join(", "))
            }
            Ty::Tuple(ts) => {
                let items: Vec<String> = ts.iter().map(|t| t.fill(rng, cx)).collect();
                format!("({},)", items.join(", "))
            }
            Ty::Phantom(_) => "std::marker::PhantomData".into(),
            Ty::RefCell(t) => format!("std::cell::RefCell::new({})", t.fill(rng, cx)),
            Ty::Cell => format!("std::cell::Cell::new({}u32)", 1 + rng.below(1000)),
            Ty::Param(i) => param_fill(cx.params[*i], rng),
            Ty::Shape(k) => format!("fill_s{k}()"),
            Ty::Ref => "\"borrowed\"".into(),
        }
    }

    /// What a reset through `Poolable` makes of a value of the type.
    fn expected(&self, cx: &Ctx<'_>) -> String {
        if self.pure(cx) {
            return "Default::default()".into();
        }
        match self {
            Ty::Box(t) => format!("Box::new({})", t.expected(cx)),
            Ty::Array(t, n) => {
                let items: Vec<String> = (0..*n).map(|_| t.expected(cx)).collect();
                format!("[{}]", items.join(", "))
            }
            Ty::Tuple(ts) => {
                let items: Vec<String> = ts.iter().map(|t| t.expected(cx)).collect();
                format!("({},)", items.join(", "))
            }
            Ty::RefCell(t) => format!("std::cell::RefCell::new({})", t.expected(cx)),
            Ty::Shape(k) => format!("expect_s{k}()"),
            _ => "Default::default()".into(),
        }
    }

    /// Whether a reset makes it equal to `Default::default()`.
    fn pure(&self, cx: &Ctx<'_>) -> bool {
        match self {
            Ty::Box(t) | Ty::Array(t, _) | Ty::RefCell(t) => t.pure(cx),
            Ty::Tuple(ts) => ts.iter().all(|t| t.pure(cx)),
            Ty::Shape(k) => cx.shapes[*k].pure,
            _ => true,
        }
    }

    /// Whether the reset keeps the capacity, which `.capacity()` reads.
    fn keeps_capacity(&self) -> bool {
        matches!(
            self,
            Ty::String | Ty::Vec(_) | Ty::VecDeque(_) | Ty::HashMap(..) | Ty::HashSet(_)
        )
    }

    /// Whether `max_capacity` applies (`Shrink`).
    fn shrinks(&self) -> bool {
        self.keeps_capacity()
    }

    fn zeroizable(&self) -> bool {
        matches!(self, Ty::String) || matches!(self, Ty::Vec(t) if matches!(**t, Ty::Leaf("u8", _)))
    }

    fn mentions_param(&self) -> bool {
        match self {
            Ty::Param(_) => true,
            Ty::Vec(t)
            | Ty::VecDeque(t)
            | Ty::HashMap(_, t)
            | Ty::BTreeMap(_, t)
            | Ty::Option(t)
            | Ty::Box(t)
            | Ty::Array(t, _)
            | Ty::Phantom(t)
            | Ty::RefCell(t) => t.mentions_param(),
            Ty::Tuple(ts) => ts.iter().any(Ty::mentions_param),
            _ => false,
        }
    }
}

fn param_fill(ty: &str, rng: &mut Rng) -> String {
    match ty {
        "u32" => format!("{}u32", 1 + rng.below(1000)),
        "String" => format!("String::from(\"param {}\")", rng.below(100)),
        _ => format!(
            "{{ let mut v: Vec<u8> = Vec::with_capacity({}); v.push(1); v }}",
            4 + rng.below(30)
        ),
    }
}

/// A random type, at most `depth` levels deep. `params`: how many type parameters are in scope;
/// `shapes`: the earlier shapes that may be nested.
fn gen_ty(
    rng: &mut Rng,
    depth: usize,
    params: usize,
    shapes: &[ShapeInfo],
    nestable: &[usize],
) -> Ty {
    let key = |rng: &mut Rng| *rng.pick(&[Key::Str, Key::U32, Key::U64]);
    let leafy = depth == 0 || rng.chance(35);
    if leafy {
        return match rng.below(10) {
            0..=3 => {
                let (ty, value) = *rng.pick(LEAVES);
                Ty::Leaf(ty, value)
            }
            4..=5 => Ty::String,
            6 if params > 0 => Ty::Param(rng.below(params)),
            7 if !nestable.is_empty() && shapes.len() > 1 => Ty::Shape(*rng.pick(nestable)),
            8 => {
                let (ty, value) = *rng.pick(FOREIGN);
                Ty::Foreign(ty, value)
            }
            9 => Ty::Cell,
            _ => Ty::String,
        };
    }
    let inner = |rng: &mut Rng| Box::new(gen_ty(rng, depth - 1, params, shapes, nestable));
    match rng.below(15) {
        0 | 1 => Ty::Vec(inner(rng)),
        2 => Ty::VecDeque(inner(rng)),
        3 => Ty::HashMap(key(rng), inner(rng)),
        4 => Ty::HashSet(key(rng)),
        5 => Ty::BTreeMap(key(rng), inner(rng)),
        6 => Ty::BTreeSet(key(rng)),
        7 => Ty::LinkedList(key(rng)),
        8 | 9 => Ty::Option(inner(rng)),
        10 => Ty::Box(inner(rng)),
        11 => Ty::Array(inner(rng), 1 + rng.below(3)),
        12 => {
            let n = 1 + rng.below(3);
            Ty::Tuple((0..n).map(|_| *inner(rng)).collect())
        }
        13 => Ty::Phantom(inner(rng)),
        _ => Ty::RefCell(inner(rng)),
    }
}

/// The attributes of one field.
#[derive(Default)]
struct Attrs {
    skip: bool,
    default: bool,
    reset_with: bool,
    /// `retained_bytes = rb_seven` or `rb_huge`.
    retained: Option<&'static str>,
    max_capacity: Option<usize>,
    zeroize: bool,
    /// `#[cfg(all())]`: present, but summed statement by statement.
    cfg: bool,
}

impl Attrs {
    fn draw(rng: &mut Rng, ty: &Ty, in_variant: bool) -> Self {
        let mut a = Attrs::default();
        if matches!(ty, Ty::Ref) {
            if rng.chance(50) {
                a.skip = true;
            } else {
                a.default = true;
            }
            return a;
        }
        match rng.below(100) {
            0..=5 if !in_variant => a.skip = true,
            6..=11 => a.default = true,
            12..=16 => a.reset_with = true,
            17..=24 if ty.shrinks() => a.max_capacity = Some(*rng.pick(&[0, 1, 4, 16])),
            25..=30 if ty.zeroizable() => {
                a.zeroize = true;
                if rng.chance(30) {
                    a.max_capacity = Some(8);
                }
            }
            _ => {}
        }
        if rng.chance(10) {
            a.retained = Some(*rng.pick(&["rb_seven", "rb_huge"]));
        }
        a.cfg = rng.chance(6);
        a
    }

    fn print(&self) -> String {
        let mut keys = Vec::new();
        if self.skip {
            keys.push("skip".to_string());
        }
        if self.default {
            keys.push("default".into());
        }
        if self.reset_with {
            keys.push("reset_with = reset_default".into());
        }
        if let Some(path) = self.retained {
            keys.push(format!("retained_bytes = {path}"));
        }
        if let Some(max) = self.max_capacity {
            keys.push(format!("max_capacity = {max}"));
        }
        if self.zeroize {
            keys.push("zeroize".into());
        }
        let mut out = String::new();
        if self.cfg {
            out.push_str("#[cfg(all())] ");
        }
        if !keys.is_empty() {
            // Sometimes one attribute per key.
            if keys.len() > 1 && keys.len() % 2 == 0 {
                for key in &keys {
                    let _ = write!(out, "#[poolable({key})] ");
                }
            } else {
                let _ = write!(out, "#[poolable({})] ", keys.join(", "));
            }
        }
        out
    }

    /// Reset through `Poolable` (so counted by it and kept in capacity)?
    fn through_poolable(&self) -> bool {
        !self.skip && !self.default && !self.reset_with
    }
}

struct Field {
    name: Option<String>,
    ty: Ty,
    attrs: Attrs,
}

impl Field {
    fn access(&self, i: usize) -> String {
        match &self.name {
            Some(name) => name.clone(),
            None => i.to_string(),
        }
    }

    /// This field's term of `retained_bytes`, given an expression for a reference to it.
    fn retained_term(&self, place: &str) -> Option<String> {
        match (self.attrs.retained, self.attrs.through_poolable()) {
            (Some(path), _) => Some(format!("{path}({place})")),
            (None, true) => Some(format!("Poolable::retained_bytes({place})")),
            (None, false) => None,
        }
    }
}

const NAMES: &[&str] = &[
    "id", "name", "body", "headers", "items", "scratch", "r#type", "r#match", "cache", "meta",
    "buf", "parts", "extra", "state", "log", "tags", "when", "queue",
];

/// One generated file: `count` shapes from `seed`.
pub(crate) fn generate(seed: u64, structs: usize, enums: usize) -> String {
    let mut rng = Rng::new(seed);
    let mut out = String::new();
    out.push_str(HEADER);
    let mut shapes: Vec<ShapeInfo> = Vec::new();
    // Non-generic, lifetime-free struct shapes that later ones may nest.
    let mut nestable: Vec<usize> = Vec::new();
    let mut checks = Vec::new();
    for k in 0..structs {
        let (text, info, can_nest) = gen_struct(&mut rng, k, &shapes, &nestable);
        out.push_str(&text);
        shapes.push(info);
        if can_nest {
            nestable.push(k);
        }
        checks.push(format!("check_s{k}"));
    }
    for k in 0..enums {
        let cx = Ctx {
            params: &[],
            shapes: &shapes,
        };
        out.push_str(&gen_enum(&mut rng, k, &cx, &nestable));
        checks.push(format!("check_e{k}"));
    }
    let _ = writeln!(
        out,
        "/// Every shape's check, in order.\npub const CHECKS: &[(&str, fn())] = &["
    );
    for check in &checks {
        let _ = writeln!(out, "    (\"{check}\", {check}),");
    }
    out.push_str("];\n");
    out
}

const HEADER: &str = "\
// @generated by tests/derive_gen/grammar.rs; tests/derive_gen.rs checks that it is current.
// Regenerate with `REGENERATE_SHAPES=1 cargo test --test derive_gen`. Included by
// tests/generated_shapes.rs (through `include!`, so that rustfmt leaves it as generated).
use pool_core::Poolable;
use pool_core as pc;

/// `reset_with` target: back to `Default`.
pub fn reset_default<T: Default>(value: &mut T) {
    *value = T::default();
}

/// `retained_bytes` target: a small constant.
pub fn rb_seven<T: ?Sized>(_: &T) -> usize {
    7
}

/// `retained_bytes` target: half the address space, so that two of them saturate.
pub fn rb_huge<T: ?Sized>(_: &T) -> usize {
    usize::MAX / 2 + 1
}

";

fn gen_struct(
    rng: &mut Rng,
    k: usize,
    shapes: &[ShapeInfo],
    nestable: &[usize],
) -> (String, ShapeInfo, bool) {
    let name = format!("S{k}");
    let kind = rng.below(10); // 0..=6 named, 7..=8 tuple, 9 unit
    let generic = kind != 9 && rng.chance(25);
    let nparams = if generic { 1 + rng.below(2) } else { 0 };
    let params: Vec<&'static str> = (0..nparams).map(|_| *rng.pick(PARAM_TYPES)).collect();
    let lifetime = kind != 9 && rng.chance(10);
    let nfields = if kind == 9 { 0 } else { 1 + rng.below(6) };
    let cx = Ctx {
        params: &params,
        shapes,
    };
    let mut fields = Vec::new();
    let mut used = Vec::new();
    for i in 0..nfields {
        let ty = if lifetime && i == 0 {
            Ty::Ref
        } else {
            gen_ty(rng, 3, nparams, shapes, nestable)
        };
        let mut attrs = Attrs::draw(rng, &ty, false);
        if attrs.reset_with && ty.mentions_param() {
            // `reset_default` needs `T: Default`, which the derive does not infer for a
            // user's function (it does for `default`).
            attrs.reset_with = false;
            attrs.default = true;
        }
        let name = (kind <= 6).then(|| {
            let mut name = (*rng.pick(NAMES)).to_string();
            while used.contains(&name) {
                name = format!("{name}_{i}");
            }
            used.push(name.clone());
            name
        });
        fields.push(Field { name, ty, attrs });
    }
    // Every declared parameter is used (a `PhantomData` when no field drew it).
    for p in 0..nparams {
        if !fields.iter().any(|f| uses_param(&f.ty, p)) {
            fields.push(Field {
                name: (kind <= 6).then(|| format!("marker_{p}")),
                ty: Ty::Phantom(Box::new(Ty::Param(p))),
                attrs: Attrs::default(),
            });
        }
    }
    let pure = fields.iter().all(|f| !f.attrs.skip && f.ty.pure(&cx));
    let macro_written = rng.chance(10);
    let crate_attr = match rng.below(20) {
        0 => "#[poolable(crate = ::pool_core)]\n",
        1 => "#[poolable(crate = pc)]\n",
        _ => "",
    };

    // The generics, as declared and as used.
    let mut decl = Vec::new();
    let mut args = Vec::new();
    let mut concrete_args = Vec::new();
    if lifetime {
        decl.push("'a".to_string());
        args.push("'a".to_string());
        concrete_args.push("'static".to_string());
    }
    let mut where_preds = Vec::new();
    for (p, ty) in params.iter().enumerate() {
        match rng.below(3) {
            0 => decl.push(format!("T{p}")),
            1 => decl.push(format!("T{p}: Clone")),
            _ => {
                decl.push(format!("T{p}"));
                where_preds.push(format!("T{p}: Default"));
            }
        }
        args.push(format!("T{p}"));
        concrete_args.push((*ty).to_string());
    }
    let bound_attr = if nparams > 0 && rng.chance(30) {
        let preds: Vec<String> = (0..nparams)
            .map(|p| format!("T{p}: ::pool_core::Poolable + ::core::default::Default"))
            .collect();
        format!("#[poolable(bound = \"{}\")]\n", preds.join(", "))
    } else {
        String::new()
    };
    let generics = if decl.is_empty() {
        String::new()
    } else {
        format!("<{}>", decl.join(", "))
    };
    let where_clause = if where_preds.is_empty() {
        String::new()
    } else {
        format!(" where {}", where_preds.join(", "))
    };
    let concrete = if concrete_args.is_empty() {
        name.clone()
    } else {
        format!("{name}<{}>", concrete_args.join(", "))
    };
    let turbofish = if concrete_args.is_empty() {
        name.clone()
    } else {
        format!("{name}::<{}>", concrete_args.join(", "))
    };
    let _ = args;

    let mut out = String::new();
    let derive = "#[derive(Poolable, Debug, Default, Clone, PartialEq)]";
    let body = match kind {
        0..=6 => {
            let fs: Vec<String> = fields
                .iter()
                .map(|f| {
                    format!(
                        "    {}pub {}: {},\n",
                        f.attrs.print(),
                        f.name.as_deref().unwrap_or(""),
                        f.ty.def()
                    )
                })
                .collect();
            format!(
                "pub struct {name}{generics}{where_clause} {{\n{}}}",
                fs.concat()
            )
        }
        7 | 8 => {
            let fs: Vec<String> = fields
                .iter()
                .map(|f| format!("{}pub {}", f.attrs.print(), f.ty.def()))
                .collect();
            format!(
                "pub struct {name}{generics}({}){where_clause};",
                fs.join(", ")
            )
        }
        _ => format!("pub struct {name};"),
    };
    if macro_written {
        // The field types come from the macro's body, the derive from its invocation.
        let _ = writeln!(
            out,
            "macro_rules! write_s{k} {{\n    ($(#[$m:meta])*) => {{\n        $(#[$m])*\n        {crate_attr_inline}{bound_inline}{body}\n    }};\n}}\nwrite_s{k}!({derive});\n",
            crate_attr_inline = crate_attr.replace('\n', " "),
            bound_inline = bound_attr.replace('\n', " "),
        );
    } else {
        let _ = writeln!(out, "{derive}\n{crate_attr}{bound_attr}{body}\n");
    }

    // fill / expect
    let lit = |exprs: Vec<String>| -> String {
        match kind {
            0..=6 => {
                let parts: Vec<String> = fields
                    .iter()
                    .zip(exprs)
                    .map(|(f, e)| format!("{}: {e}", f.name.as_deref().unwrap_or("")))
                    .collect();
                format!("{turbofish} {{ {} }}", parts.join(", "))
            }
            7 | 8 => format!("{turbofish}({})", exprs.join(", ")),
            _ => name.clone(),
        }
    };
    let fills: Vec<String> = fields.iter().map(|f| f.ty.fill(rng, &cx)).collect();
    let expects: Vec<String> = fields
        .iter()
        .zip(&fills)
        .map(|(f, fill)| {
            if f.attrs.skip {
                fill.clone()
            } else if f.attrs.through_poolable() {
                f.ty.expected(&cx)
            } else {
                "Default::default()".into()
            }
        })
        .collect();
    let _ = writeln!(
        out,
        "pub fn fill_s{k}() -> {concrete} {{\n    {}\n}}\n",
        lit(fills)
    );
    let _ = writeln!(
        out,
        "pub fn expect_s{k}() -> {concrete} {{\n    {}\n}}\n",
        lit(expects)
    );

    // retained
    let terms: Vec<String> = fields
        .iter()
        .enumerate()
        .filter_map(|(i, f)| f.retained_term(&format!("&v.{}", f.access(i))))
        .collect();
    let sum = terms.iter().fold("0usize".to_string(), |acc, t| {
        format!("{acc}.saturating_add({t})")
    });
    let _ = writeln!(
        out,
        "pub fn retained_s{k}(v: &{concrete}) -> usize {{\n    {sum}\n}}\n"
    );

    // check
    let kept: Vec<String> = fields
        .iter()
        .enumerate()
        .filter(|(_, f)| {
            f.attrs.through_poolable()
                && f.attrs.max_capacity.is_none()
                && !f.attrs.zeroize
                && f.ty.keeps_capacity()
        })
        .map(|(i, f)| format!("v.{}.capacity()", f.access(i)))
        .collect();
    let bounded: Vec<String> = fields
        .iter()
        .enumerate()
        .filter_map(|(i, f)| {
            f.attrs.max_capacity.map(|m| {
                let a = f.access(i);
                // A collection of zero-sized elements has capacity `usize::MAX` and holds no
                // memory: nothing to bound.
                format!("(v.{a}.capacity(), {m}, Poolable::retained_bytes(&v.{a}))")
            })
        })
        .collect();
    let mut check = String::new();
    let _ = writeln!(check, "pub fn check_s{k}() {{");
    let _ = writeln!(check, "    let mut v = fill_s{k}();");
    let _ = writeln!(
        check,
        "    assert_eq!(v.retained_bytes(), retained_s{k}(&v), \"S{k}: retained_bytes, filled\");"
    );
    let _ = writeln!(
        check,
        "    let kept_before: [usize; {}] = [{}];",
        kept.len(),
        kept.join(", ")
    );
    let _ = writeln!(check, "    v.reset();");
    let _ = writeln!(check, "    assert_eq!(v, expect_s{k}(), \"S{k}: reset\");");
    if pure {
        let _ = writeln!(
            check,
            "    assert_eq!(v, {turbofish}::default(), \"S{k}: Default\");"
        );
    }
    let _ = writeln!(
        check,
        "    let kept_after: [usize; {}] = [{}];",
        kept.len(),
        kept.join(", ")
    );
    let _ = writeln!(
        check,
        "    for (before, after) in kept_before.iter().zip(kept_after) {{ assert!(after >= *before, \"S{k}: capacity kept\"); }}"
    );
    let _ = writeln!(
        check,
        "    let bounded: [(usize, usize, usize); {}] = [{}];",
        bounded.len(),
        bounded.join(", ")
    );
    let _ = writeln!(
        check,
        "    for (capacity, max, bytes) in bounded {{ assert!(capacity <= max || bytes == 0, \"S{k}: max_capacity\"); }}"
    );
    let _ = writeln!(
        check,
        "    assert_eq!(v.retained_bytes(), retained_s{k}(&v), \"S{k}: retained_bytes, reset\");"
    );
    let _ = writeln!(check, "    v.reset();");
    let _ = writeln!(
        check,
        "    assert_eq!(v, expect_s{k}(), \"S{k}: second reset\");"
    );
    let _ = writeln!(check, "}}\n");
    out.push_str(&check);
    let can_nest = nparams == 0 && !lifetime;
    (out, ShapeInfo { pure }, can_nest)
}

fn uses_param(ty: &Ty, p: usize) -> bool {
    match ty {
        Ty::Param(q) => *q == p,
        Ty::Vec(t)
        | Ty::VecDeque(t)
        | Ty::HashMap(_, t)
        | Ty::BTreeMap(_, t)
        | Ty::Option(t)
        | Ty::Box(t)
        | Ty::Array(t, _)
        | Ty::Phantom(t)
        | Ty::RefCell(t) => uses_param(t, p),
        Ty::Tuple(ts) => ts.iter().any(|t| uses_param(t, p)),
        _ => false,
    }
}

/// An enum shape: a unit `#[default]` variant (std's derive), a hand-written `Default` on a
/// variant with fields, or a single variant. Its fields' types are pure (no `skip` inside), so
/// a reset always makes it equal to `Default::default()`.
fn gen_enum(rng: &mut Rng, k: usize, cx: &Ctx<'_>, nestable: &[usize]) -> String {
    let name = format!("E{k}");
    let pure_nestable: Vec<usize> = nestable
        .iter()
        .copied()
        .filter(|s| cx.shapes[*s].pure)
        .collect();
    let style = rng.below(3); // 0: unit #[default], 1: hand-written Default, 2: one variant
    let nvariants = if style == 2 { 1 } else { 2 + rng.below(4) };
    let fresh = rng.below(nvariants);
    // Generic in a quarter of the enums, over the same concrete types as the structs.
    let nparams = if rng.chance(25) { 1 + rng.below(2) } else { 0 };
    let params: Vec<&'static str> = (0..nparams).map(|_| *rng.pick(PARAM_TYPES)).collect();
    let cx = &Ctx {
        params: &params,
        shapes: cx.shapes,
    };
    let decl: Vec<String> = (0..nparams).map(|p| format!("T{p}")).collect();
    let generics = if decl.is_empty() {
        String::new()
    } else {
        format!("<{}>", decl.join(", "))
    };
    let concrete = if params.is_empty() {
        name.clone()
    } else {
        format!("{name}<{}>", params.join(", "))
    };
    struct Variant {
        fields: Vec<Field>,
        named: bool,
    }
    let mut variants = Vec::new();
    for v in 0..nvariants {
        let unit = style == 0 && v == fresh;
        let nfields = if unit {
            0
        } else if style == 0 {
            rng.below(4)
        } else {
            1 + rng.below(4)
        };
        let named = rng.chance(50);
        let fields = (0..nfields)
            .map(|i| {
                let ty = gen_ty(rng, 2, nparams, cx.shapes, &pure_nestable);
                let mut attrs = Attrs::draw(rng, &ty, true);
                if attrs.reset_with && ty.mentions_param() {
                    // As in a struct: the derive does not infer `T: Default` for a user's
                    // function.
                    attrs.reset_with = false;
                    attrs.default = true;
                }
                if style == 0 {
                    // Beside a unit `#[default]`, only `zeroize` means anything.
                    attrs = Attrs {
                        zeroize: attrs.zeroize,
                        max_capacity: None,
                        ..Attrs::default()
                    };
                }
                Field {
                    name: named.then(|| format!("f{i}")),
                    ty,
                    attrs,
                }
            })
            .collect();
        variants.push(Variant { fields, named });
    }
    // Every declared parameter is used: a `PhantomData` in a variant with fields (or that will
    // have one) when no field drew it.
    let holder = if style == 0 {
        (fresh + 1) % nvariants
    } else {
        fresh
    };
    for p in 0..nparams {
        if !variants
            .iter()
            .any(|v| v.fields.iter().any(|f| uses_param(&f.ty, p)))
        {
            let i = variants[holder].fields.len();
            let named = variants[holder].named;
            variants[holder].fields.push(Field {
                name: named.then(|| format!("f{i}")),
                ty: Ty::Phantom(Box::new(Ty::Param(p))),
                attrs: Attrs::default(),
            });
        }
    }
    let mut out = String::new();
    let derive = if style == 0 {
        "#[derive(Poolable, Debug, Default, Clone, PartialEq)]"
    } else {
        "#[derive(Poolable, Debug, Clone, PartialEq)]"
    };
    let _ = writeln!(out, "{derive}\npub enum {name}{generics} {{");
    for (v, variant) in variants.iter().enumerate() {
        let marker = if style == 0 && v == fresh {
            "#[default] "
        } else {
            ""
        };
        if variant.fields.is_empty() {
            let _ = writeln!(out, "    {marker}V{v},");
        } else if variant.named {
            let fs: Vec<String> = variant
                .fields
                .iter()
                .map(|f| {
                    format!(
                        "{}{}: {}",
                        f.attrs.print(),
                        f.name.as_deref().unwrap_or(""),
                        f.ty.def()
                    )
                })
                .collect();
            let _ = writeln!(out, "    V{v} {{ {} }},", fs.join(", "));
        } else {
            let fs: Vec<String> = variant
                .fields
                .iter()
                .map(|f| format!("{}{}", f.attrs.print(), f.ty.def()))
                .collect();
            let _ = writeln!(out, "    V{v}({}),", fs.join(", "));
        }
    }
    out.push_str("}\n\n");
    let value = |v: usize, exprs: Vec<String>| -> String {
        let variant = &variants[v];
        if variant.fields.is_empty() {
            format!("{name}::V{v}")
        } else if variant.named {
            let parts: Vec<String> = variant
                .fields
                .iter()
                .zip(exprs)
                .map(|(f, e)| format!("{}: {e}", f.name.as_deref().unwrap_or("")))
                .collect();
            format!("{name}::V{v} {{ {} }}", parts.join(", "))
        } else {
            format!("{name}::V{v}({})", exprs.join(", "))
        }
    };
    if style != 0 {
        let defaults = vec!["Default::default()".to_string(); variants[fresh].fields.len()];
        let _ = writeln!(
            out,
            "impl{} Default for {name}{generics} {{\n    fn default() -> Self {{\n        {}\n    }}\n}}\n",
            if decl.is_empty() {
                String::new()
            } else {
                let bounded: Vec<String> = decl.iter().map(|p| format!("{p}: Default")).collect();
                format!("<{}>", bounded.join(", "))
            },
            value(fresh, defaults)
        );
    }
    let filled = rng.below(nvariants);
    let fills: Vec<String> = variants[filled]
        .fields
        .iter()
        .map(|f| f.ty.fill(rng, cx))
        .collect();
    let _ = writeln!(
        out,
        "pub fn fill_e{k}() -> {concrete} {{\n    {}\n}}\n",
        value(filled, fills)
    );

    // retained: the counted fields of the current variant (none beside a unit `#[default]`).
    let mut arms = String::new();
    for (v, variant) in variants.iter().enumerate() {
        let terms: Vec<(usize, String)> = if style == 0 {
            Vec::new()
        } else {
            variant
                .fields
                .iter()
                .enumerate()
                .filter_map(|(i, f)| f.retained_term(&format!("b{i}")).map(|t| (i, t)))
                .collect()
        };
        if terms.is_empty() {
            continue;
        }
        let pattern = if variant.named {
            let binds: Vec<String> = terms
                .iter()
                .map(|(i, _)| format!("{}: b{i}", variant.fields[*i].name.as_deref().unwrap_or("")))
                .collect();
            format!("{name}::V{v} {{ {}, .. }}", binds.join(", "))
        } else {
            let binds: Vec<String> = (0..variant.fields.len())
                .map(|i| {
                    if terms.iter().any(|(j, _)| *j == i) {
                        format!("b{i}")
                    } else {
                        "_".into()
                    }
                })
                .collect();
            format!("{name}::V{v}({})", binds.join(", "))
        };
        let sum = terms.iter().fold("0usize".to_string(), |acc, (_, t)| {
            format!("{acc}.saturating_add({t})")
        });
        let _ = writeln!(arms, "        {pattern} => {sum},");
    }
    let _ = writeln!(
        out,
        "pub fn retained_e{k}(v: &{concrete}) -> usize {{\n    #[allow(unreachable_patterns)]\n    match v {{\n{arms}        _ => 0,\n    }}\n}}\n"
    );
    // Capacity kept when the value already is the fresh variant (style 1 and 2).
    let kept: Vec<String> = if style != 0 && filled == fresh {
        variants[fresh]
            .fields
            .iter()
            .enumerate()
            .filter(|(_, f)| {
                f.attrs.through_poolable()
                    && f.attrs.max_capacity.is_none()
                    && !f.attrs.zeroize
                    && f.ty.keeps_capacity()
            })
            .map(|(i, f)| {
                let variant = &variants[fresh];
                let pattern = if variant.named {
                    format!(
                        "{name}::V{fresh} {{ {}: x, .. }}",
                        f.name.as_deref().unwrap_or("")
                    )
                } else {
                    let binds: Vec<&str> = (0..variant.fields.len())
                        .map(|j| if j == i { "x" } else { "_" })
                        .collect();
                    format!("{name}::V{fresh}({})", binds.join(", "))
                };
                format!("match &v {{ {pattern} => x.capacity(), _ => 0 }}")
            })
            .collect()
    } else {
        Vec::new()
    };
    let mut check = String::new();
    let _ = writeln!(check, "pub fn check_e{k}() {{");
    let _ = writeln!(check, "    let mut v = fill_e{k}();");
    let _ = writeln!(
        check,
        "    assert_eq!(v.retained_bytes(), retained_e{k}(&v), \"E{k}: retained_bytes, filled\");"
    );
    let _ = writeln!(
        check,
        "    let kept_before: [usize; {}] = [{}];",
        kept.len(),
        kept.join(", ")
    );
    let _ = writeln!(check, "    v.reset();");
    let _ = writeln!(
        check,
        "    assert_eq!(v, <{concrete}>::default(), \"E{k}: reset\");"
    );
    let _ = writeln!(
        check,
        "    let kept_after: [usize; {}] = [{}];",
        kept.len(),
        kept.join(", ")
    );
    let _ = writeln!(
        check,
        "    for (before, after) in kept_before.iter().zip(kept_after) {{ assert!(after >= *before, \"E{k}: capacity kept\"); }}"
    );
    let _ = writeln!(
        check,
        "    assert_eq!(v.retained_bytes(), retained_e{k}(&v), \"E{k}: retained_bytes, reset\");"
    );
    let _ = writeln!(check, "    v.reset();");
    let _ = writeln!(
        check,
        "    assert_eq!(v, <{concrete}>::default(), \"E{k}: second reset\");"
    );
    let _ = writeln!(check, "}}\n");
    out.push_str(&check);
    out
}
