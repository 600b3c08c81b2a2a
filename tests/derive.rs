//! Behaviour of `#[derive(Poolable)]` on realistic structs: after `reset` a value equals
//! `Default::default()`, keeps its allocations where expected, and reports them in
//! `retained_bytes`.

use std::collections::HashMap;
use std::mem::size_of;
use std::sync::Arc;

use pool_core::Poolable;
use proptest::prelude::*;

/// The per-request state of a web service, pooled across requests.
#[derive(Poolable, Default, PartialEq, Debug)]
struct RequestContext {
    user_id: String,
    session_id: String,
    trace_id: String,
    body: Vec<u8>,
    headers: HashMap<String, String>,
}

fn filled_request() -> RequestContext {
    let mut req = RequestContext {
        user_id: "user-0000000000000000042".into(),
        session_id: "sess-7f3a9c0e5b1d2f4a6c8e".into(),
        trace_id: "trace-0af7651916cd43dd8448".into(),
        body: Vec::with_capacity(4096),
        headers: HashMap::with_capacity(16),
    };
    req.body.extend_from_slice(&[b'x'; 1024]);
    for i in 0..8 {
        req.headers
            .insert(format!("x-header-{i}"), format!("value-{i}"));
    }
    req
}

fn map_bytes<K, V>(map: &HashMap<K, V>) -> usize {
    map.capacity() * (size_of::<(K, V)>() + 1)
}

#[test]
fn request_context_is_fresh_and_keeps_capacity() {
    let mut req = filled_request();
    let caps = (
        req.user_id.capacity(),
        req.body.capacity(),
        req.headers.capacity(),
    );
    assert!(caps.1 >= 4096 && caps.2 >= 16);
    req.reset();
    assert_eq!(req, RequestContext::default());
    assert_eq!(req.user_id.capacity(), caps.0);
    assert_eq!(req.body.capacity(), caps.1);
    assert_eq!(req.headers.capacity(), caps.2);
    let expected = req.user_id.capacity()
        + req.session_id.capacity()
        + req.trace_id.capacity()
        + req.body.capacity()
        + map_bytes(&req.headers);
    assert_eq!(req.retained_bytes(), expected);
    assert_eq!(RequestContext::default().retained_bytes(), 0);
}

/// A tracing span, nested in [`LogRecord`].
#[derive(Poolable, Default, PartialEq, Debug)]
struct SpanInfo {
    name: String,
    start_ns: u64,
    fields: Vec<(String, String)>,
}

/// A log record: nested derived structs, `Option`, `Box`, arrays and tuples.
#[derive(Poolable, Default, PartialEq, Debug)]
struct LogRecord {
    level: u8,
    message: String,
    span: SpanInfo,
    parent: Option<SpanInfo>,
    context: Box<SpanInfo>,
    tags: [String; 3],
    location: (String, u32),
}

#[test]
fn log_record_resets_nested_values_in_place() {
    let mut rec = LogRecord {
        level: 3,
        message: "request served in 12 ms".into(),
        span: SpanInfo {
            name: "http".into(),
            start_ns: 17,
            fields: vec![("method".into(), "GET".into())],
        },
        parent: Some(SpanInfo::default()),
        context: Box::new(SpanInfo {
            name: "conn".into(),
            start_ns: 3,
            fields: Vec::with_capacity(8),
        }),
        tags: ["a".into(), "bb".into(), String::with_capacity(64)],
        location: ("src/main.rs".into(), 42),
    };
    let box_ptr: *const SpanInfo = &*rec.context;
    let caps = (
        rec.message.capacity(),
        rec.span.fields.capacity(),
        rec.tags[2].capacity(),
    );
    rec.reset();
    assert_eq!(rec, LogRecord::default());
    assert_eq!(rec.message.capacity(), caps.0);
    assert_eq!(rec.span.fields.capacity(), caps.1);
    assert_eq!(rec.tags[2].capacity(), caps.2);
    assert!(std::ptr::eq(box_ptr, &*rec.context), "the box is reused");
    assert!(rec.context.fields.capacity() >= 8);
    let span_bytes =
        |s: &SpanInfo| s.name.capacity() + s.fields.capacity() * size_of::<(String, String)>();
    let expected = rec.message.capacity()
        + span_bytes(&rec.span)
        + size_of::<SpanInfo>()
        + span_bytes(&rec.context)
        + rec.tags.iter().map(String::capacity).sum::<usize>()
        + rec.location.0.capacity();
    assert_eq!(rec.retained_bytes(), expected);
}

/// Not `Poolable`: `Batch<Opaque>` must still derive, since `Vec<T>` needs nothing of `T`.
#[derive(Default, PartialEq, Debug)]
struct Opaque(u32);

#[derive(Poolable, Default, PartialEq, Debug)]
struct Batch<T> {
    items: Vec<T>,
}

#[test]
fn generic_struct_needs_no_bound_on_its_parameter() {
    let mut batch = Batch {
        items: (0..100).map(Opaque).collect(),
    };
    let cap = batch.items.capacity();
    batch.reset();
    assert_eq!(batch, Batch::default());
    assert_eq!(batch.items.capacity(), cap);
    assert_eq!(batch.retained_bytes(), cap * size_of::<Opaque>());
}

/// `bound = "..."` replaces the inferred `T: Poolable` (and adds `Default` for the test).
#[derive(Poolable, Default, PartialEq, Debug)]
#[poolable(bound = "T: Poolable + Default")]
struct Holder<T> {
    value: T,
}

/// `bound = ""`: no predicate at all, since `Vec<T>` is `Poolable` for every `T`.
#[derive(Poolable)]
#[poolable(bound = "")]
struct Unbounded<T> {
    items: Vec<T>,
}

#[test]
fn bound_replaces_inferred_predicates() {
    let mut holder = Holder {
        value: String::from("kept allocation"),
    };
    holder.reset();
    assert_eq!(holder, Holder::default());
    assert!(holder.value.capacity() >= 15);
    let mut unbounded = Unbounded {
        items: vec![Opaque(1)],
    };
    unbounded.reset();
    assert!(unbounded.items.is_empty());
}

#[derive(Poolable, Default, PartialEq, Debug)]
struct Frame(Vec<u8>, u16, String);

#[derive(Poolable, Default, PartialEq, Debug)]
struct Tick;

#[test]
fn tuple_and_unit_structs() {
    let mut frame = Frame(vec![1; 300], 7, "payload".into());
    let cap = frame.0.capacity();
    frame.reset();
    assert_eq!(frame, Frame::default());
    assert_eq!(frame.0.capacity(), cap);
    assert_eq!(frame.retained_bytes(), cap + frame.2.capacity());

    let mut tick = Tick;
    tick.reset();
    assert_eq!(tick, Tick);
    assert_eq!(tick.retained_bytes(), 0);
}

/// A parsed line that borrows its source: the `&'a str` is kept, the token list is reset.
#[derive(Poolable, Default, PartialEq, Debug)]
struct Parsed<'a> {
    #[poolable(skip)]
    source: &'a str,
    tokens: Vec<&'a str>,
}

#[test]
fn lifetimes_with_a_skipped_reference() {
    let line = String::from("GET /index.html HTTP/1.1");
    let mut parsed = Parsed {
        source: &line,
        tokens: line.split(' ').collect(),
    };
    parsed.reset();
    assert!(std::ptr::eq(parsed.source, line.as_str()));
    assert!(parsed.tokens.is_empty() && parsed.tokens.capacity() >= 3);
    assert_eq!(
        parsed.retained_bytes(),
        parsed.tokens.capacity() * size_of::<&str>()
    );
}

#[derive(Poolable, Default, PartialEq, Debug)]
struct Token {
    r#type: String,
    r#match: Vec<u8>,
}

#[test]
fn raw_identifiers() {
    let mut token = Token {
        r#type: "keyword".into(),
        r#match: b"fn".to_vec(),
    };
    token.reset();
    assert_eq!(token, Token::default());
    assert!(token.r#type.capacity() >= 7);
}

#[derive(Poolable, Default, PartialEq, Debug)]
struct Configured {
    always: String,
    #[cfg(test)]
    in_tests: Vec<u8>,
    // Removed before the derive runs: an `Rc` here would otherwise be refused.
    #[cfg(any())]
    never: std::rc::Rc<u8>,
}

#[test]
fn cfg_fields() {
    let mut value = Configured {
        always: "a".into(),
        in_tests: vec![1, 2, 3],
    };
    value.reset();
    assert_eq!(value, Configured::default());
    assert_eq!(
        value.retained_bytes(),
        value.always.capacity() + value.in_tests.capacity()
    );
}

/// Shared, read-only settings: the same handle is kept across reuses.
#[derive(Default, PartialEq, Debug)]
struct Config {
    max_body: usize,
}

/// Not `Poolable`, reset through `default`.
#[derive(Default, PartialEq, Debug)]
enum Phase {
    #[default]
    Headers,
    Body,
}

fn clear_history(history: &mut Vec<u32>) {
    history.clear();
}

#[derive(Poolable, Default, PartialEq, Debug)]
struct Connection {
    #[poolable(skip)]
    config: Arc<Config>,
    #[poolable(default)]
    phase: Phase,
    #[poolable(default)]
    scratch: Vec<u8>,
    #[poolable(reset_with = clear_history)]
    history: Vec<u32>,
    #[poolable(reset_with = String::clear)]
    peer: String,
    #[poolable(max_capacity = 65536)]
    body: Vec<u8>,
    #[poolable(max_capacity = 65536)]
    small_body: Vec<u8>,
}

#[test]
fn skip_default_reset_with_and_max_capacity() {
    let config = Arc::new(Config { max_body: 1 << 20 });
    let mut conn = Connection {
        config: Arc::clone(&config),
        phase: Phase::Body,
        scratch: vec![0; 100],
        history: vec![1, 2, 3],
        peer: "10.0.0.1:443".into(),
        body: vec![7; 1 << 20],
        small_body: Vec::with_capacity(1024),
    };
    conn.small_body.extend_from_slice(&[1; 1024]);
    let history_cap = conn.history.capacity();
    let small_cap = conn.small_body.capacity();
    conn.reset();

    // skip: the same handle, not a fresh `Arc::default()`.
    assert!(Arc::ptr_eq(&conn.config, &config));
    assert_eq!(conn.config.max_body, 1 << 20);
    // default: assigned, the allocation dropped.
    assert_eq!(conn.phase, Phase::Headers);
    assert_eq!(conn.scratch.capacity(), 0);
    // reset_with: the function ran, keeping the allocation.
    assert!(conn.history.is_empty());
    assert_eq!(conn.history.capacity(), history_cap);
    assert!(conn.peer.is_empty());
    // max_capacity: the 1 MiB body shrinks, the small one keeps its allocation.
    assert!(conn.body.is_empty());
    assert!(conn.body.capacity() <= 65536);
    assert_eq!(conn.small_body.capacity(), small_cap);

    // Only `body` and `small_body` are reset through `Poolable`, so only they count.
    assert_eq!(
        conn.retained_bytes(),
        conn.body.capacity() + conn.small_body.capacity()
    );
    conn.config = Arc::default();
    assert_eq!(conn, Connection::default());
}

fn clear_headers(headers: &mut HashMap<String, String>) {
    headers.clear();
}

fn header_bytes(headers: &HashMap<String, String>) -> usize {
    map_bytes(headers)
}

fn scratch_bytes(scratch: &Vec<u8>) -> usize {
    scratch.capacity()
}

/// A handler whose headers are reset by hand: `retained_bytes = path` still counts them.
#[derive(Poolable, Default, PartialEq, Debug)]
struct CountedHandler {
    #[poolable(reset_with = clear_headers, retained_bytes = header_bytes)]
    headers: HashMap<String, String>,
    /// A buffer the handler manages itself, kept across reuses but still counted.
    #[poolable(skip, retained_bytes = scratch_bytes)]
    scratch: Vec<u8>,
    body: Vec<u8>,
}

/// The same handler without `retained_bytes`: its headers count nothing.
#[derive(Poolable, Default, PartialEq, Debug)]
struct UncountedHandler {
    #[poolable(reset_with = clear_headers)]
    headers: HashMap<String, String>,
    body: Vec<u8>,
}

fn many_headers() -> HashMap<String, String> {
    (0..256)
        .map(|i| (format!("x-header-{i}"), format!("value-{i}")))
        .collect()
}

#[test]
fn retained_bytes_path_counts_a_user_reset_field() {
    let mut handler = CountedHandler {
        headers: many_headers(),
        scratch: Vec::with_capacity(100),
        body: Vec::with_capacity(10),
    };
    handler.reset();
    assert!(handler.headers.is_empty() && handler.headers.capacity() >= 256);
    assert_eq!(handler.scratch.capacity(), 100, "skipped: kept as it is");
    assert_eq!(
        handler.retained_bytes(),
        map_bytes(&handler.headers) + 100 + handler.body.capacity()
    );
    let uncounted = UncountedHandler {
        headers: many_headers(),
        body: Vec::with_capacity(10),
    };
    assert_eq!(uncounted.retained_bytes(), uncounted.body.capacity());
}

#[test]
fn max_retained_bytes_drops_an_object_oversized_through_retained_bytes_path() {
    let limit = 4096;
    assert!(map_bytes(&many_headers()) > limit);
    let counted: pool_core::Pool<CountedHandler> =
        pool_core::Pool::builder().max_retained_bytes(limit).build();
    counted.get().headers = many_headers();
    let stats = counted.stats();
    assert_eq!((stats.discards.oversized, stats.idle), (1, 0), "{stats:?}");
    // A small one is kept.
    counted.get().headers.insert("a".into(), "b".into());
    assert_eq!(counted.stats().idle, 1);

    // Without the attribute, the same headers go unseen and the object is kept.
    let uncounted: pool_core::Pool<UncountedHandler> =
        pool_core::Pool::builder().max_retained_bytes(limit).build();
    uncounted.get().headers = many_headers();
    let stats = uncounted.stats();
    assert_eq!((stats.discards.oversized, stats.idle), (0, 1), "{stats:?}");
}

/// Credentials wiped, spare capacity included, before the buffers go back to the pool.
#[derive(Poolable, Default, PartialEq, Debug)]
struct Credentials {
    #[poolable(zeroize)]
    key: Vec<u8>,
    #[poolable(zeroize)]
    password: String,
    #[poolable(zeroize, max_capacity = 64)]
    token: Vec<u8>,
}

/// The whole allocation of a buffer, spare capacity included.
fn allocation(ptr: *const u8, capacity: usize) -> Vec<u8> {
    // SAFETY: `ptr` is the buffer of a live `Vec<u8>` or `String` with `capacity` bytes
    // allocated, all of them initialised (written by the previous user, then by the wipe), and
    // the buffer is not written while the slice exists (it is copied out at once).
    unsafe { std::slice::from_raw_parts(ptr, capacity) }.to_vec()
}

#[test]
fn zeroize_wipes_spare_capacity() {
    let mut creds = Credentials {
        key: vec![0xAB; 256],
        password: "correct horse battery staple".into(),
        token: vec![0xCD; 32],
    };
    creds.key.truncate(100); // bytes 100..256 are spare capacity, still holding the secret.
    let (key_cap, password_cap) = (creds.key.capacity(), creds.password.capacity());
    creds.reset();
    assert_eq!(creds, Credentials::default());
    assert_eq!(creds.key.capacity(), key_cap, "the allocation is kept");
    assert_eq!(creds.password.capacity(), password_cap);
    let key = allocation(creds.key.as_ptr(), creds.key.capacity());
    assert!(key.iter().all(|&b| b == 0), "key bytes left: {key:?}");
    let password = allocation(creds.password.as_ptr(), creds.password.capacity());
    assert!(password.iter().all(|&b| b == 0));
    let token = allocation(creds.token.as_ptr(), creds.token.capacity());
    assert!(token.iter().all(|&b| b == 0));
}

/// A crate that re-exports `pool_core`, as a framework would.
mod framework {
    pub(crate) use ::pool_core as pool;
}

#[derive(framework::pool::Poolable, Default, PartialEq, Debug)]
#[poolable(crate = framework::pool)]
struct Reexported {
    buf: Vec<u8>,
    #[poolable(max_capacity = 8)]
    small: String,
}

#[test]
fn crate_path_through_a_reexport() {
    let mut value = Reexported {
        buf: vec![1; 10],
        small: "x".repeat(100),
    };
    value.reset();
    assert_eq!(value, Reexported::default());
    assert!(value.buf.capacity() >= 10);
    assert!(value.small.capacity() <= 8);
}

proptest! {
    #[test]
    fn any_request_resets_to_default(
        ids in prop::array::uniform3(".{0,40}"),
        body in prop::collection::vec(any::<u8>(), 0..2048),
        headers in prop::collection::hash_map(".{0,16}", ".{0,32}", 0..20),
    ) {
        let [user_id, session_id, trace_id] = ids;
        let mut req = RequestContext { user_id, session_id, trace_id, body, headers };
        let body_cap = req.body.capacity();
        req.reset();
        prop_assert_eq!(&req, &RequestContext::default());
        prop_assert_eq!(req.body.capacity(), body_cap);
    }
}

/// A generic field marked `#[poolable(default)]`: the impl needs `T: Default` (inferred), not
/// `T: Poolable`, so a parameter that has `Default` but no `Poolable` impl is accepted.
#[derive(Poolable, Default, PartialEq, Debug)]
struct Defaulted<T, U> {
    #[poolable(default)]
    value: T,
    #[poolable(default)]
    pair: (U, u8),
    scratch: Vec<T>,
}

/// Has `Default` and nothing else: no `Poolable`, no `Clone`.
#[derive(Default, PartialEq, Debug)]
struct OnlyDefault(u32);

#[test]
fn a_generic_default_field_gets_a_default_bound() {
    let mut value = Defaulted {
        value: OnlyDefault(7),
        pair: (OnlyDefault(8), 9),
        scratch: Vec::with_capacity(16),
    };
    value.scratch.push(OnlyDefault(1));
    value.reset();
    assert_eq!(value, Defaulted::default());
    assert!(value.scratch.capacity() >= 16);
    let pool: pool_core::Pool<Defaulted<OnlyDefault, OnlyDefault>> = pool_core::Pool::new();
    pool.get().value = OnlyDefault(3);
    assert_eq!(pool.get().value, OnlyDefault(0));
}

/// A struct written by a `macro_rules!` body whose field types come from that body (its own
/// hygiene), while `#[derive(Poolable)]` comes from the invocation: the generated `self` and
/// bindings must resolve at the derive's call site, not at the field type's.
macro_rules! with_buffers {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        struct $name {
            data: Vec<u8>,
            names: (String, Option<String>),
            #[poolable(max_capacity = 8)]
            small: Vec<u32>,
        }
    };
    (enum $(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        enum $name {
            #[default]
            Idle,
            Busy(Vec<u8>, String),
        }
    };
    (tuple $(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        struct $name(Vec<u8>, #[poolable(default)] u8);
    };
}

with_buffers!(
    #[derive(Poolable, Default, PartialEq, Debug)]
    MacroWritten
);
with_buffers!(enum #[derive(Poolable, Default, PartialEq, Debug)] MacroWrittenEnum);
with_buffers!(tuple #[derive(Poolable, Default, PartialEq, Debug)] MacroWrittenTuple);

#[test]
fn macro_written_types_keep_the_derives_hygiene() {
    let mut value = MacroWritten {
        data: Vec::with_capacity(64),
        names: ("a".into(), Some("b".into())),
        small: (0..100).collect(),
    };
    value.data.push(1);
    assert!(value.retained_bytes() >= 64);
    value.reset();
    assert_eq!(value, MacroWritten::default());
    assert!(value.data.capacity() >= 64 && value.small.capacity() <= 8);

    let mut busy = MacroWrittenEnum::Busy(vec![1, 2], "x".into());
    busy.reset();
    assert_eq!(busy, MacroWrittenEnum::Idle);

    let mut tuple = MacroWrittenTuple(vec![1; 32], 5);
    tuple.reset();
    assert_eq!(tuple, MacroWrittenTuple::default());
    assert!(tuple.0.capacity() >= 32);
}

/// Reports `usize::MAX / 2 + 1` bytes whatever it holds: two such fields overflow a `usize`.
fn half_the_address_space(_: &Vec<u8>) -> usize {
    usize::MAX / 2 + 1
}

#[derive(Poolable, Default)]
struct Huge {
    #[poolable(retained_bytes = half_the_address_space)]
    a: Vec<u8>,
    #[poolable(retained_bytes = half_the_address_space)]
    b: Vec<u8>,
    c: String,
}

/// The same with a `#[cfg]`'d field, which the derive sums statement by statement.
#[derive(Poolable, Default)]
struct HugeWithCfg {
    #[poolable(retained_bytes = half_the_address_space)]
    a: Vec<u8>,
    #[cfg(not(any()))]
    #[poolable(retained_bytes = half_the_address_space)]
    b: Vec<u8>,
}

#[derive(Poolable)]
enum HugeEnum {
    Both(
        #[poolable(retained_bytes = half_the_address_space)] Vec<u8>,
        #[poolable(retained_bytes = half_the_address_space)] Vec<u8>,
    ),
}

#[test]
fn derived_retained_bytes_saturates() {
    // Debug builds panicked on `+`, release builds wrapped to 0.
    assert_eq!(Huge::default().retained_bytes(), usize::MAX);
    assert_eq!(HugeWithCfg::default().retained_bytes(), usize::MAX);
    assert_eq!(
        HugeEnum::Both(Vec::new(), Vec::new()).retained_bytes(),
        usize::MAX
    );
}

#[test]
fn a_saturated_object_is_discarded_as_oversized_not_as_a_panicked_reset() {
    let pool: pool_core::Pool<Huge> = pool_core::Pool::builder()
        .max_retained_bytes(1 << 20)
        .build();
    drop(pool.get());
    let stats = pool.stats();
    assert_eq!(stats.discards.oversized, 1, "{stats:?}");
    assert_eq!(stats.discards.reset_panicked, 0, "{stats:?}");
    assert_eq!(stats.idle, 0, "{stats:?}");
}

/// A `#[cfg]`'d field marked `default`: the assignment the derive writes for it must not carry
/// the attribute on an expression statement (unstable, E0658); found by the generator.
#[derive(Poolable, Default, PartialEq, Debug)]
struct CfgDefault {
    #[cfg(test)]
    #[poolable(default)]
    tag: String,
    #[cfg(any())]
    #[poolable(default)]
    gone: String,
    body: Vec<u8>,
}

#[test]
fn a_cfg_field_marked_default() {
    let mut value = CfgDefault {
        tag: "x".repeat(40),
        body: vec![1; 8],
    };
    value.reset();
    assert_eq!(value, CfgDefault::default());
    assert_eq!(value.tag.capacity(), 0);
}
