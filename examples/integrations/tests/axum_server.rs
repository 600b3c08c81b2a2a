//! Runs `axum_server.rs` (included as a module) on 127.0.0.1:0 and drives it with a hyper 1
//! client: 8 keep-alive connections × 100 batches, each with its own id, lines and labels, every
//! summary checked against what was sent (pooled contexts never carry data across requests);
//! a malformed batch and an oversized `content-length` get their errors. Then `/metrics` is
//! scraped and every field of `Stats`, of the context pool and of each buffer class, is compared
//! with its series: a field of `Stats` without a series fails the test. A counting allocator
//! checks that decoding a batch into a warm pooled `Batch` allocates nothing.

mod client;

#[path = "../axum_server.rs"]
#[allow(dead_code, reason = "the example's `main` is not called here")]
mod server;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;
use hyper::client::conn::http1::SendRequest;
use hyper::{Request, StatusCode};
use pool_core::Stats;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Counts this thread's allocating calls: the examples' allocator (`examples/counting.rs`).
#[path = "../../counting.rs"]
mod counting;

#[global_allocator]
static GLOBAL: counting::CountingAllocator = counting::CountingAllocator;

const CONNECTIONS: usize = 8;
const BATCHES_PER_CONNECTION: usize = 100;

/// Sends `req`; returns the status and the body.
async fn send(
    sender: &mut SendRequest<Full<Bytes>>,
    req: Request<Full<Bytes>>,
) -> (StatusCode, Bytes) {
    let (status, _, body) = client::send(sender, req).await;
    (status, body)
}

fn post(addr: SocketAddr, id: &str, body: Vec<u8>) -> Request<Full<Bytes>> {
    Request::post("/ingest")
        .header("host", addr.to_string())
        .header("x-request-id", id)
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from(body)))
        .expect("a valid request")
}

/// One client connection: its batches, each summary checked.
async fn client(addr: SocketAddr, conn: usize) {
    let mut sender = client::connect(addr).await;
    for i in 0..BATCHES_PER_CONNECTION {
        let id = format!("conn-{conn}-batch-{i:03}");
        // Of varying length (so a stale longer batch would show), some lines with a 5xx.
        let lines: Vec<String> = (0..(conn + i) % 7)
            .map(|l| format!("GET /{id}/{l} {}", if l % 3 == 2 { 503 } else { 200 }))
            .collect();
        let labels = if i % 2 == 0 {
            json!({ "env": format!("env-{conn}"), "batch": id })
        } else {
            json!({ "batch": id }) // no `env`: a stale one must not show
        };
        let batch = json!({ "source": format!("source-{conn}"), "lines": lines, "labels": labels });
        let (status, body) =
            send(&mut sender, post(addr, &id, batch.to_string().into_bytes())).await;
        assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
        let summary: Value = serde_json::from_slice(&body).expect("a JSON summary");
        let expected = json!({
            "request_id": id,
            "source": format!("source-{conn}"),
            "lines": lines.len(),
            "bytes": lines.iter().map(String::len).sum::<usize>(),
            "errors": lines.iter().filter(|l| l.ends_with("503")).count(),
            "env": if i % 2 == 0 { json!(format!("env-{conn}")) } else { Value::Null },
        });
        assert_eq!(summary, expected);
    }
}

/// `series{labels} value` lines of a Prometheus text scrape, by `series{labels}`.
fn samples(scrape: &str) -> BTreeMap<String, f64> {
    scrape
        .lines()
        .filter(|line| !line.starts_with('#') && !line.is_empty())
        .map(|line| {
            let (series, value) = line.rsplit_once(' ').expect("`series value`");
            let value = value.parse().unwrap_or_else(|e| panic!("{line:?}: {e}"));
            (series.to_owned(), value)
        })
        .collect()
}

/// The series of the `Stats` field at `path` (dotted, as serde names it), with `labels` (the
/// pool's, e.g. `pool="contexts"`); `None` for `creations`, the sum over the creation reasons.
fn series_of(path: &str, labels: &str) -> Option<String> {
    let reason = |name: &str, reason: &str| format!("{name}{{{labels},reason=\"{reason}\"}}");
    let plain = |name: &str| format!("{name}{{{labels}}}");
    Some(match path {
        "gets" => plain("pool_gets_total"),
        "reuses" => plain("pool_reuses_total"),
        "creations" => return None,
        "creation_reasons.empty" => reason("pool_creations_total", "empty"),
        "creation_reasons.out_of_reach" => reason("pool_creations_total", "out_of_reach"),
        "prefilled" => reason("pool_creations_total", "prefill"),
        "factory_panicked" => plain("pool_factory_panics_total"),
        "returns" => plain("pool_returns_total"),
        "puts" => plain("pool_puts_total"),
        "in_use" => plain("pool_in_use_objects"),
        "discards.over_idle_bound" => reason("pool_discards_total", "over_idle_bound"),
        "discards.oversized" => reason("pool_discards_total", "oversized"),
        "discards.reset_panicked" => reason("pool_discards_total", "reset_panicked"),
        "discards.over_idle_bytes" => reason("pool_discards_total", "over_idle_bytes"),
        "detached" => plain("pool_detached_total"),
        "trimmed" => reason("pool_releases_total", "trimmed"),
        "aged" => reason("pool_releases_total", "aged"),
        "idle" => plain("pool_idle_objects"),
        "thread_caches" => plain("pool_thread_caches"),
        "retained_bytes" => plain("pool_retained_bytes"),
        "max_retained_bytes" => plain("pool_max_retained_bytes"),
        other => panic!(
            "`Stats::{other}` has no series: publish it in pool-core/src/metrics.rs and map it here"
        ),
    })
}

/// Every numeric leaf of `value`, by dotted path.
fn leaves(value: &Value, prefix: &str, out: &mut Vec<(String, u64)>) {
    match value {
        Value::Object(map) => {
            for (key, value) in map {
                let path = if prefix.is_empty() {
                    key.clone()
                } else {
                    format!("{prefix}.{key}")
                };
                leaves(value, &path, out);
            }
        }
        Value::Number(n) => out.push((prefix.to_owned(), n.as_u64().expect("a counter or gauge"))),
        other => panic!("unexpected {other} at {prefix}"),
    }
}

/// Compares every field of `stats` (found through its `Serialize`, so a field added later is
/// included) with its series in `scraped`; returns how many fields were compared.
fn assert_series_equal_stats(
    scraped: &BTreeMap<String, f64>,
    labels: &str,
    stats: &Stats,
) -> usize {
    let mut fields = Vec::new();
    leaves(
        &serde_json::to_value(stats).expect("Stats serializes"),
        "",
        &mut fields,
    );
    for (path, value) in &fields {
        match series_of(path, labels) {
            Some(series) => {
                let got = scraped
                    .get(&series)
                    .unwrap_or_else(|| panic!("no series {series} (for `{path}`) in the scrape"));
                assert_eq!(*got, *value as f64, "{series} vs `Stats::{path}`");
            }
            None => {
                let sum: f64 = ["empty", "out_of_reach", "prefill"]
                    .iter()
                    .map(|r| scraped[&format!("pool_creations_total{{{labels},reason=\"{r}\"}}")])
                    .sum();
                assert_eq!(
                    sum, *value as f64,
                    "creations vs the sum of pool_creations_total"
                );
            }
        }
    }
    fields.len()
}

#[test]
fn batches_come_back_summarised_and_metrics_equal_stats() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .enable_all()
        .build()
        .expect("a tokio runtime");
    runtime.block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let addr = listener.local_addr().expect("the bound address");
        // Fewer contexts than connections: requests wait at the cap (without blocking a worker).
        let state = server::AppState::with_max_in_flight(2);
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let served = tokio::spawn(server::serve(listener, Arc::clone(&state), async {
            let _ = stopped.await;
        }));

        tokio::time::timeout(Duration::from_secs(60), async {
            let clients: Vec<_> = (0..CONNECTIONS)
                .map(|c| tokio::spawn(client(addr, c)))
                .collect();
            for client in clients {
                client.await.expect("a client task panicked");
            }

            let mut sender = client::connect(addr).await;
            // A body that is not a batch: 400, and the context it was partly decoded into goes
            // back reset.
            let (status, body) =
                send(&mut sender, post(addr, "bad", br#"{"source": 1}"#.to_vec())).await;
            assert_eq!(
                status,
                StatusCode::BAD_REQUEST,
                "{}",
                String::from_utf8_lossy(&body)
            );
            // An announced size above `max_buffer`: refused before any byte of it is read (written
            // by hand: a client would insist on sending the 2 GiB it announced).
            let mut raw = TcpStream::connect(addr).await.expect("connect");
            raw.write_all(
                b"POST /ingest HTTP/1.1\r\nhost: test\r\ncontent-length: 2147483648\r\n\r\n",
            )
            .await
            .expect("send the request head");
            let mut head = [0u8; 12];
            raw.read_exact(&mut head).await.expect("the status line");
            assert_eq!(&head, b"HTTP/1.1 413", "{}", String::from_utf8_lossy(&head));
            drop(raw);
            drop(sender);

            // Response buffers go back to their pool once hyper has written them, which may be
            // just after the client read them: wait until nothing is in use.
            for _ in 0..500 {
                if state.contexts.stats().in_use == 0 && state.buffers.stats().in_use == 0 {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            let mut sender = client::connect(addr).await;
            let scrape = Request::get("/metrics")
                .header("host", addr.to_string())
                .body(Full::new(Bytes::new()))
                .expect("a valid request");
            let (status, text) = send(&mut sender, scrape).await;
            assert_eq!(status, StatusCode::OK);
            let text = String::from_utf8(text.to_vec()).expect("a UTF-8 scrape");
            let scraped = samples(&text);

            let contexts = state.contexts.stats();
            let batches = (CONNECTIONS * BATCHES_PER_CONNECTION) as u64;
            assert_eq!(
                contexts.gets,
                batches + 1,
                "the malformed batch took one too"
            );
            assert_eq!(contexts.in_use, 0);
            assert!(contexts.creations <= 2, "the cap of 2 held: {contexts}");
            assert!(contexts.reuses > batches * 9 / 10, "{contexts}");
            let fields = assert_series_equal_stats(&scraped, "pool=\"contexts\"", &contexts);
            assert!(fields >= 21, "only {fields} fields of Stats compared");
            for class in state.buffers.class_stats() {
                let labels = format!("pool=\"buffers\",class=\"{}\"", class.size);
                assert_series_equal_stats(&scraped, &labels, &class.stats);
            }
            assert_eq!(
                scraped.get("pool_buffer_refused_gets_total{pool=\"buffers\"}"),
                Some(&1.0),
                "{text}"
            );
            assert!(text.contains("# TYPE pool_in_use_objects gauge"), "{text}");
        })
        .await
        .expect("the requests and the scrape within 60 s");

        let _ = stop.send(());
        served.await.expect("the server task").expect("serve");
    });
}

/// What the example's docs promise: a warm pooled `Batch` decodes a batch of the same shape
/// (no string longer than the ones it kept: a longer one grows its buffer once) without a single
/// allocation (serde_derive's `deserialize_in_place`, and the recycling
/// collections' own in-place impls).
#[test]
fn decoding_into_a_warm_batch_allocates_nothing() {
    use pool_core::{Pool, deserialize_into};

    let pool: Pool<server::Batch> = Pool::new();
    let body = |i: usize| {
        format!(
            r#"{{"source": "web-{i:03}", "lines": ["GET /{i:03} 200", "GET /{i:03}/a 503", "POST /b 201"],
                "labels": {{"env": "prod-{i:03}", "region": "eu-{i:03}"}}}}"#
        )
    };
    let bodies: Vec<String> = (0..100).map(body).collect();
    let decode = |text: &str| {
        let mut batch = pool.get();
        deserialize_into(&mut *batch, &mut serde_json::Deserializer::from_str(text))
            .expect("a valid batch");
    };
    decode(&bodies[0]);
    let per_decode: Vec<u64> = bodies[1..]
        .iter()
        .map(|text| {
            let before = counting::allocations();
            decode(text);
            counting::allocations() - before
        })
        .collect();
    assert!(per_decode.iter().all(|&n| n == 0), "{per_decode:?}");
}
