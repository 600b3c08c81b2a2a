//! Behaviour of `#[derive(Poolable)]` on enums: after `reset` a value equals
//! `Default::default()`; a value already in the default variant keeps its fields' allocations;
//! `retained_bytes` counts the current variant's fields that a reset may keep.

use std::collections::HashMap;
use std::fs::File;
use std::mem::size_of;

use pool_core::{Pool, Poolable};

/// A fieldless enum with std's `#[derive(Default)]`.
#[derive(Poolable, Default, Clone, Copy, PartialEq, Eq, Debug)]
enum Protocol {
    #[default]
    Http1,
    Http2,
    Http3,
}

#[test]
fn fieldless_enum_resets_to_its_default_variant() {
    for mut protocol in [Protocol::Http1, Protocol::Http2, Protocol::Http3] {
        protocol.reset();
        assert_eq!(protocol, Protocol::Http1);
        assert_eq!(protocol.retained_bytes(), 0);
    }
}

/// Tuple and struct variants, with a unit `#[default]`: a reset replaces any other variant,
/// so their fields need no `Poolable` (a `File`) and count nothing (they never survive a reset).
#[derive(Poolable, Default, Debug)]
enum Body {
    #[default]
    Empty,
    Bytes(Vec<u8>),
    Form {
        fields: HashMap<String, String>,
        raw: String,
    },
    File(File),
}

impl Body {
    /// Bytes held, before a reset.
    fn len(&self) -> usize {
        match self {
            Body::Empty => 0,
            Body::Bytes(bytes) => bytes.len(),
            Body::Form { fields, raw } => fields.len() + raw.len(),
            Body::File(file) => file.metadata().map_or(0, |m| m.len() as usize),
        }
    }
}

#[test]
fn tuple_and_struct_variants_reset_to_a_unit_default() {
    let mut values = vec![
        Body::Bytes(vec![7; 100]),
        Body::Form {
            fields: HashMap::from([("a".into(), "b".into())]),
            raw: "a=b".into(),
        },
        Body::Empty,
    ];
    if let Ok(file) = File::open("Cargo.toml") {
        values.push(Body::File(file));
    }
    for mut body in values {
        let full = body.len() > 0;
        assert_eq!(full, !matches!(body, Body::Empty));
        body.reset();
        assert!(matches!(body, Body::Empty), "{body:?}");
        assert_eq!(body.retained_bytes(), 0);
    }
    assert_eq!(Body::Bytes(Vec::with_capacity(64)).retained_bytes(), 0);
}

/// A hand-written `Default` whose variant has fields: a value in that variant is reset in
/// place, keeping its buffers; any other variant is replaced by `Default::default()`.
#[derive(Poolable, PartialEq, Debug)]
enum Frame {
    Data { payload: Vec<u8>, tag: String },
    Batch(Vec<u32>),
    Ping(u64),
    Close,
}

impl Default for Frame {
    fn default() -> Self {
        Frame::Data {
            payload: Vec::new(),
            tag: String::new(),
        }
    }
}

fn data(payload: usize, tag: &str) -> Frame {
    let mut bytes = Vec::with_capacity(payload);
    bytes.resize(payload, 0xAB);
    Frame::Data {
        payload: bytes,
        tag: tag.into(),
    }
}

#[test]
fn the_default_variant_is_reset_in_place_keeping_capacity() {
    let mut frame = data(4096, "trace-0af7651916cd43dd8448");
    let Frame::Data { payload, tag } = &frame else {
        unreachable!()
    };
    let (payload_ptr, payload_cap, tag_cap) =
        (payload.as_ptr(), payload.capacity(), tag.capacity());
    frame.reset();
    assert_eq!(frame, Frame::default());
    let Frame::Data { payload, tag } = &frame else {
        panic!("{frame:?}")
    };
    assert_eq!(payload.as_ptr(), payload_ptr, "the same buffer, kept");
    assert_eq!(payload.capacity(), payload_cap);
    assert_eq!(tag.capacity(), tag_cap);
    assert_eq!(frame.retained_bytes(), payload_cap + tag_cap);
}

#[test]
fn another_variant_is_replaced_by_the_default() {
    for mut frame in [Frame::Batch(vec![1, 2, 3]), Frame::Ping(42), Frame::Close] {
        frame.reset();
        assert_eq!(frame, Frame::default());
        assert_eq!(frame.retained_bytes(), 0);
    }
}

#[test]
fn retained_bytes_counts_the_current_variant() {
    assert_eq!(data(0, "").retained_bytes(), 0);
    let frame = data(100, "abc");
    let Frame::Data { payload, tag } = &frame else {
        unreachable!()
    };
    assert_eq!(frame.retained_bytes(), payload.capacity() + tag.capacity());
    let batch = Frame::Batch(Vec::with_capacity(10));
    assert_eq!(batch.retained_bytes(), 10 * size_of::<u32>());
    assert_eq!(Frame::Ping(1).retained_bytes(), 0);
    assert_eq!(Frame::Close.retained_bytes(), 0);
}

/// A hand-written `Default` with a non-default field value: `#[poolable(default)]` on a
/// variant's field takes the value `Default::default()` gives, the other fields are reset in
/// place; without it a field is reset field-wise (`0`), as documented.
#[derive(Poolable, PartialEq, Debug)]
enum Limit {
    Max {
        #[poolable(default)]
        bytes: u32,
        retries: u32,
        seen: Vec<u8>,
    },
    Off,
}

impl Default for Limit {
    fn default() -> Self {
        Limit::Max {
            bytes: 4096,
            retries: 3,
            seen: Vec::new(),
        }
    }
}

#[test]
fn default_on_a_variant_field_takes_the_value_of_default() {
    let mut limit = Limit::Max {
        bytes: 1,
        retries: 9,
        seen: Vec::with_capacity(32),
    };
    limit.reset();
    let Limit::Max {
        bytes,
        retries,
        seen,
    } = &limit
    else {
        panic!("{limit:?}")
    };
    assert_eq!(*bytes, 4096, "taken from `Default::default()`");
    assert_eq!(*retries, 0, "reset field-wise: the documented caveat");
    assert!(seen.is_empty() && seen.capacity() >= 32);
    let mut off = Limit::Off;
    off.reset();
    assert_eq!(off, Limit::default(), "another variant: the whole default");
}

/// Generic enums: bounds are inferred per field type (`Vec<T>: Poolable` needs nothing of `T`).
#[derive(Poolable, Debug)]
enum Slot<T> {
    Empty,
    Full(Vec<T>),
}

impl<T> Default for Slot<T> {
    fn default() -> Self {
        Slot::Full(Vec::new())
    }
}

/// A lifetime, a where-clause, a reference and a `T` in variants a reset always drops.
#[derive(Poolable, Default, Debug)]
enum Token<'a, T>
where
    T: Clone,
{
    #[default]
    None,
    Borrowed(&'a str),
    Owned(T),
}

/// The only variant is the one a reset returns to: no `Default` needed.
#[derive(Poolable, Debug)]
enum Only<T> {
    Batch {
        items: Vec<T>,
        #[poolable(max_capacity = 8)]
        scratch: Vec<u8>,
    },
}

/// `bound` replaces the inferred bounds on an enum too.
#[derive(Poolable, Debug, PartialEq)]
#[poolable(bound = "T: Poolable")]
enum Cell<T> {
    Value(T),
    Missing,
}

impl<T: Default> Default for Cell<T> {
    fn default() -> Self {
        Cell::Value(T::default())
    }
}

#[test]
fn generic_enums() {
    // `File` is neither `Poolable` nor `Default`: `Vec<File>` is.
    let mut slot: Slot<File> = Slot::Full(Vec::with_capacity(4));
    slot.reset();
    assert!(matches!(&slot, Slot::Full(v) if v.is_empty() && v.capacity() >= 4));
    assert_eq!(slot.retained_bytes(), 4 * size_of::<File>());
    let mut empty: Slot<File> = Slot::Empty;
    empty.reset();
    assert!(matches!(&empty, Slot::Full(v) if v.capacity() == 0));

    let name = String::from("borrowed");
    for mut token in [Token::Borrowed(&name), Token::Owned(vec![1u8]), Token::None] {
        if let Token::Borrowed(s) = token {
            assert_eq!(s, "borrowed");
        }
        token.reset();
        assert!(matches!(token, Token::None));
    }

    let mut only: Only<File> = Only::Batch {
        items: Vec::with_capacity(3),
        scratch: vec![0; 1000],
    };
    only.reset();
    let Only::Batch { items, scratch } = &only;
    assert!(items.is_empty() && items.capacity() >= 3);
    assert!(scratch.is_empty() && scratch.capacity() <= 8);

    let mut cell = Cell::Value(String::with_capacity(16));
    cell.reset();
    assert_eq!(cell, Cell::Value(String::new()));
    assert_eq!(cell.retained_bytes(), 16);
    let mut missing: Cell<String> = Cell::Missing;
    missing.reset();
    assert_eq!(missing, Cell::default());
}

/// A secret in the default variant is wiped, spare capacity included, before the reset in place.
#[derive(Poolable, Debug)]
enum Auth {
    Token(#[poolable(zeroize)] Vec<u8>),
    Anonymous,
}

impl Default for Auth {
    fn default() -> Self {
        Auth::Token(Vec::new())
    }
}

#[test]
fn zeroize_in_a_variant() {
    let mut auth = Auth::Token(vec![0xCD; 64]);
    if let Auth::Token(token) = &mut auth {
        token.truncate(10); // 10..64 is spare capacity still holding the secret
    }
    auth.reset();
    let Auth::Token(token) = &auth else {
        panic!("{auth:?}")
    };
    assert!(token.is_empty() && token.capacity() >= 64);
    // SAFETY: the buffer of a live `Vec<u8>` with `capacity` bytes allocated, all initialised
    // (written by the previous user, then by the wipe), not written while the slice exists.
    let bytes = unsafe { std::slice::from_raw_parts(token.as_ptr(), token.capacity()) };
    assert!(bytes.iter().all(|&b| b == 0), "left: {bytes:?}");
    let mut anonymous = Auth::Anonymous;
    anonymous.reset();
    assert!(matches!(anonymous, Auth::Token(ref t) if t.is_empty()));
}

/// Every variant has fields: a pair of different variants still falls to the replacement.
#[derive(Poolable, Debug, PartialEq)]
enum Message {
    Text(String),
    Binary(Vec<u8>),
}

impl Default for Message {
    fn default() -> Self {
        Message::Binary(Vec::new())
    }
}

#[test]
fn every_variant_with_fields() {
    let mut text = Message::Text("hello".into());
    assert_eq!(text.retained_bytes(), 5);
    text.reset();
    assert_eq!(text, Message::default());
    let mut binary = Message::Binary(Vec::with_capacity(8));
    binary.reset();
    assert!(matches!(&binary, Message::Binary(b) if b.is_empty() && b.capacity() >= 8));
}

/// One variant, a hand-written `Default` and a `default` field: that field takes the value
/// `Default::default()` gives, the others keep their buffers.
#[derive(Poolable, Debug, PartialEq)]
enum Window {
    Open {
        #[poolable(default)]
        size: u32,
        #[poolable(max_capacity = 16)]
        key: Vec<u8>,
        log: String,
    },
}

impl Default for Window {
    fn default() -> Self {
        Window::Open {
            size: 64,
            key: Vec::new(),
            log: String::new(),
        }
    }
}

#[test]
fn one_variant_with_a_default_field() {
    let mut window = Window::Open {
        size: 1,
        key: vec![1; 100],
        log: "opened".repeat(10),
    };
    window.reset();
    assert_eq!(window, Window::default());
    let Window::Open { key, log, .. } = &window;
    assert!(key.capacity() <= 16);
    assert!(log.capacity() >= 60);
    assert_eq!(window.retained_bytes(), key.capacity() + log.capacity());
}

/// A request that holds enums, pooled.
#[derive(Poolable, Default, Debug, PartialEq)]
struct Request {
    protocol: Protocol,
    frame: Frame,
    #[poolable(default)]
    body: Body2,
    headers: Vec<String>,
}

/// `Body` without the `File` variant, so that `Request` can be compared.
#[derive(Poolable, Default, Debug, PartialEq)]
enum Body2 {
    #[default]
    Empty,
    Bytes(Vec<u8>),
}

#[test]
fn an_enum_inside_a_struct_inside_a_pool() {
    let pool: Pool<Request> = Pool::new();
    let payload_ptr = {
        let mut request = pool.get();
        assert_eq!(*request, Request::default());
        request.protocol = Protocol::Http2;
        request.frame = data(2048, "x");
        request.body = Body2::Bytes(vec![1; 10]);
        request.headers.push("accept: */*".into());
        match &request.frame {
            Frame::Data { payload, .. } => payload.as_ptr(),
            other => panic!("{other:?}"),
        }
    };
    let request = pool.get();
    assert_eq!(*request, Request::default(), "fresh after reuse");
    assert_eq!(pool.stats().reuses, 1);
    let Frame::Data { payload, .. } = &request.frame else {
        panic!("{:?}", request.frame)
    };
    assert_eq!(
        payload.as_ptr(),
        payload_ptr,
        "the frame's buffer came back with it"
    );
    assert!(payload.capacity() >= 2048);
    assert!(request.headers.capacity() >= 1);
    drop(request);

    // A frame in another variant is replaced; the pool still hands out a fresh value.
    {
        let mut request = pool.get();
        request.frame = Frame::Batch(vec![1, 2, 3]);
    }
    assert_eq!(*pool.get(), Request::default());
}
