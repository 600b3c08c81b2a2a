//! Generated invalid inputs: structs of valid fields with one to three mistakes among them, at
//! random places, from a fixed seed. Each mistake must give exactly one error, whose span
//! starts on the offending token (the field type, the key, the value), and every mistake of an
//! input must be reported in one expansion, beside the stub impl.

use std::fmt::Write;

use crate::expand;

/// splitmix64, as tests/derive_gen/grammar.rs.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n as u64).unwrap_or(0)
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Valid fields, the attribute part and the type.
const VALID: &[(&str, &str)] = &[
    ("", "Vec<u8>"),
    ("", "String"),
    ("", "Option<Box<[u32; 4]>>"),
    ("#[poolable(skip)] ", "std::sync::Arc<String>"),
    ("#[poolable(default)] ", "u64"),
    ("#[poolable(max_capacity = 64)] ", "Vec<String>"),
    ("#[poolable(reset_with = Vec::clear)] ", "Vec<u8>"),
    ("#[poolable(retained_bytes = count, skip)] ", "Vec<u8>"),
    ("#[cfg(all())] ", "std::collections::HashMap<String, u32>"),
];

/// A mistake: the text before the offending token, the token and what follows it, on one
/// field line; the error must start at the token.
const MISTAKES: &[(&str, &str, &str)] = &[
    ("", "&'a str", ""),
    ("", "&'a mut Vec<u8>", ""),
    ("", "Rc<u8>", ""),
    ("", "std::rc::Rc<String>", ""),
    ("", "Arc<Vec<u8>>", ""),
    ("", "std::sync::Weak<u8>", ""),
    ("", "*const u8", ""),
    ("", "*mut String", ""),
    ("#[poolable(", "clearr", ")] Vec<u8>"),
    ("#[poolable(", "max_capcity", " = 4)] Vec<u8>"),
    ("#[poolable(skip, ", "default", ")] Vec<u8>"),
    ("#[poolable(skip, ", "skip", ")] Vec<u8>"),
    ("#[poolable(default, ", "max_capacity", " = 4)] Vec<u8>"),
    ("#[poolable(default, ", "reset_with", " = f)] Vec<u8>"),
    ("#[poolable(max_capacity = ", "-", "1)] Vec<u8>"),
    ("#[poolable(max_capacity = ", "4u8", ")] Vec<u8>"),
    ("#[poolable(max_capacity = ", "\"big\"", ")] Vec<u8>"),
    ("#[poolable(reset_with = ", "\"clear\"", ")] Vec<u8>"),
    ("#[poolable(", "bound", " = \"T: Clone\")] Vec<u8>"),
    ("#[poolable(", "crate", " = pool_core)] Vec<u8>"),
    ("#[poolable(", "skip", " = true)] u8"),
    ("", "#[poolable]", " u8"),
];

/// One generated input and the `(line, column)` of each error it must give.
fn input(rng: &mut Rng) -> (String, Vec<(usize, usize)>) {
    let mut src = String::from("struct Generated<'a> {\n");
    let mut expected = Vec::new();
    let fields = 1 + rng.below(6);
    let bad = 1 + rng.below(3);
    let mut bad_at: Vec<usize> = (0..bad).map(|_| rng.below(fields + bad)).collect();
    bad_at.sort_unstable();
    for i in 0..fields + bad {
        // The struct's line is line 1.
        let line = i + 2;
        let name = format!("    f{i}: ");
        if bad_at.contains(&i) {
            let (before, token, after) = *rng.pick(MISTAKES);
            let (text, column) = if before.starts_with('#') || token.starts_with('#') {
                // `#[poolable(...)] Type`: the attribute goes before the field's name.
                let full = format!("{before}{token}{after}");
                let split = full.find("] ").map_or(full.len(), |at| at + 2);
                (
                    format!("    {}f{i}: {}", &full[..split], &full[split..]),
                    4 + before.len(),
                )
            } else {
                (
                    format!("{name}{before}{token}{after}"),
                    name.len() + before.len(),
                )
            };
            let _ = writeln!(src, "{text},");
            expected.push((line, column));
        } else {
            let (attr, ty) = *rng.pick(VALID);
            let _ = writeln!(src, "    {attr}f{i}: {ty},");
        }
    }
    src.push_str("}\n");
    (src, expected)
}

/// The `(line, column)` where each `compile_error!` of `output` starts.
fn errors(output: &proc_macro2::TokenStream) -> Vec<(usize, usize)> {
    output
        .clone()
        .into_iter()
        .filter_map(|tt| match tt {
            proc_macro2::TokenTree::Ident(ident) if ident == "compile_error" => {
                let start = ident.span().start();
                Some((start.line, start.column))
            }
            _ => None,
        })
        .collect()
}

#[test]
fn every_generated_mistake_is_reported_on_its_token() {
    let mut rng = Rng(0x00ba_d1b9_u64);
    for case in 0..500 {
        let (src, mut expected) = input(&mut rng);
        let node: syn::DeriveInput = syn::parse_str(&src).unwrap_or_else(|err| {
            panic!("case {case}: the generator wrote an unparsable input ({err}):\n{src}")
        });
        let output = expand::derive(&node);
        let mut actual = errors(&output);
        actual.sort_unstable();
        expected.sort_unstable();
        assert_eq!(actual, expected, "case {case}:\n{src}\n{output}");
        assert!(
            output.to_string().contains("unreachable"),
            "case {case}: no stub impl"
        );
    }
}
