//! `#[derive(Poolable)]` on realistic structs made of third-party types, with no attribute on
//! any field: each is round-tripped through a `Pool` (get, fill, drop, get again) and must come
//! back fresh, on the same allocations, reporting what it keeps.

use std::fmt::Debug;

use bytes::{Bytes, BytesMut};
use compact_str::CompactString;
use http::header::{CONTENT_TYPE, HOST, USER_AGENT};
use http::{Extensions, HeaderMap, HeaderValue, Method, Uri, Version};
use indexmap::IndexMap;
use pool_core::{Pool, Poolable};
use serde_json::{Map, Value, json};
use smallvec::SmallVec;
use uuid::Uuid;

/// Gets an object, checks it is fresh, fills it, returns it, gets it again and checks that it is
/// the same object (a reuse), fresh again, with every capacity `capacities` reads unchanged and
/// the same non-zero `retained_bytes` it reported when it went back.
fn round_trip<T, C>(
    fill: impl Fn(&mut T),
    is_fresh: impl Fn(&T) -> bool,
    capacities: impl Fn(&T) -> C,
) where
    T: Poolable + Default + Send + 'static,
    C: PartialEq + Debug,
{
    let pool: Pool<T> = Pool::new();
    let (kept, retained) = {
        let mut obj = pool.get();
        assert!(is_fresh(&obj), "a new object is fresh");
        fill(&mut obj);
        assert!(!is_fresh(&obj), "the fill must change the object");
        let mut reset = T::default();
        fill(&mut reset);
        reset.reset();
        (capacities(&obj), reset.retained_bytes())
    };
    assert!(retained > 0, "the object keeps memory and says so");
    let obj = pool.get();
    let stats = pool.stats();
    assert_eq!((stats.gets, stats.reuses, stats.creations), (2, 1, 1));
    assert!(is_fresh(&obj), "the reused object is fresh");
    assert_eq!(
        capacities(&obj),
        kept,
        "the reused object kept its allocations"
    );
    assert_eq!(obj.retained_bytes(), retained);
}

/// An HTTP request head as a server parses it.
#[derive(Poolable, Default, Debug)]
struct RequestHead {
    method: Method,
    uri: Uri,
    version: Version,
    headers: HeaderMap,
    extensions: Extensions,
}

#[test]
fn http_request_head() {
    #[derive(Clone)]
    struct PeerAddr(String);

    round_trip(
        |head: &mut RequestHead| {
            head.method = Method::POST;
            head.uri = "/api/v1/orders?expand=items".parse().unwrap();
            head.version = Version::HTTP_2;
            for i in 0..40 {
                head.headers.append(
                    format!("x-custom-{i}").parse::<http::HeaderName>().unwrap(),
                    HeaderValue::from(i),
                );
            }
            head.headers
                .insert(HOST, HeaderValue::from_static("shop.example"));
            head.extensions.insert(PeerAddr("10.0.0.7:51234".into()));
            let peer = head.extensions.get::<PeerAddr>().map(|p| p.0.as_str());
            assert_eq!(peer, Some("10.0.0.7:51234"));
        },
        |head| {
            head.method == Method::GET
                && head.uri == "/"
                && head.version == Version::HTTP_11
                && head.headers.is_empty()
                && head.extensions.is_empty()
                && head.extensions.get::<PeerAddr>().is_none()
        },
        |head| head.headers.capacity(),
    );
}

/// The axum-style handler context.
#[derive(Poolable, Default, Debug, PartialEq)]
struct HandlerCtx {
    method: Method,
    headers: HeaderMap,
    query: IndexMap<String, String>,
    tags: SmallVec<[u32; 4]>,
    id: Uuid,
    extra: Value,
}

#[test]
fn handler_context() {
    round_trip(
        |ctx: &mut HandlerCtx| {
            ctx.method = Method::DELETE;
            ctx.headers
                .insert(USER_AGENT, HeaderValue::from_static("curl/8.5"));
            for i in 0..30 {
                ctx.query.insert(format!("filter{i}"), format!("value{i}"));
            }
            ctx.tags.extend(0..20); // spills
            ctx.id = Uuid::from_u128(0x1234_5678_9abc_def0_1234_5678_9abc_def0);
            ctx.extra = json!({"trace": "abc", "sampled": true});
        },
        |ctx| *ctx == HandlerCtx::default(),
        |ctx| {
            (
                ctx.headers.capacity(),
                ctx.query.capacity(),
                ctx.tags.capacity(),
                ctx.tags.spilled(),
            )
        },
    );
}

/// A JSON-RPC 2.0 request envelope.
#[derive(Poolable, Default, Debug, PartialEq)]
struct JsonRpcRequest {
    method: CompactString,
    params: Map<String, Value>,
    id: Value,
}

#[test]
fn json_rpc_envelope() {
    round_trip(
        |req: &mut JsonRpcRequest| {
            req.method.push_str("eth_getTransactionReceiptWithLogs");
            req.params.insert("hash".into(), json!("0xabc"));
            req.params.insert("full".into(), json!(true));
            req.id = json!(42);
        },
        |req| *req == JsonRpcRequest::default(),
        |req| (req.method.capacity(), req.method.is_heap_allocated()),
    );
}

/// A codec frame: a decoded header, a payload handed out as `Bytes`, and the read buffer.
#[derive(Poolable, Default, Debug, PartialEq)]
struct Frame {
    stream_id: u32,
    content_type: Option<HeaderValue>,
    payload: Bytes,
    read_buf: BytesMut,
}

#[test]
fn codec_frame() {
    round_trip(
        |frame: &mut Frame| {
            frame.stream_id = 9;
            frame.content_type = Some(HeaderValue::from_static("application/grpc"));
            frame.read_buf.extend_from_slice(&[0xAB; 8192]);
            frame.payload = frame.read_buf.split_to(100).freeze();
            frame.read_buf.clear();
            frame.read_buf.reserve(8192);
        },
        |frame| *frame == Frame::default(),
        |frame| frame.read_buf.capacity(),
    );
}

/// `max_capacity` works on every third-party type with `Shrink`.
#[derive(Poolable, Default)]
struct Bounded {
    #[poolable(max_capacity = 8)]
    headers: HeaderMap,
    #[poolable(max_capacity = 8)]
    query: IndexMap<String, String>,
    #[poolable(max_capacity = 8)]
    tags: SmallVec<[u32; 4]>,
    #[poolable(max_capacity = 8)]
    seen: hashbrown::HashSet<u64>,
    #[poolable(max_capacity = 16)]
    name: CompactString,
}

#[test]
fn max_capacity_on_third_party_fields() {
    let mut b = Bounded::default();
    for i in 0..100u32 {
        b.headers.insert(CONTENT_TYPE, HeaderValue::from(i));
        b.headers.append(
            format!("x-{i}").parse::<http::HeaderName>().unwrap(),
            HeaderValue::from(i),
        );
        b.query.insert(i.to_string(), i.to_string());
        b.tags.push(i);
        b.seen.insert(u64::from(i));
        b.name.push_str("abcdefgh");
    }
    let before = b.retained_bytes();
    b.reset();
    assert!(b.headers.is_empty() && b.query.is_empty() && b.tags.is_empty());
    assert!(b.seen.is_empty() && b.name.is_empty());
    assert!(b.headers.capacity() <= 8, "{}", b.headers.capacity());
    assert!(b.query.capacity() <= 8);
    assert!(b.tags.capacity() <= 8);
    assert!(b.seen.capacity() <= 8);
    assert!(
        !b.name.is_heap_allocated(),
        "an empty string shrunk to 16 bytes moves inline"
    );
    assert!(
        b.retained_bytes() < before / 10,
        "{} of {before}",
        b.retained_bytes()
    );
}
