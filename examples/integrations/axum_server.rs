//! An axum 0.8 service that ingests JSON log batches in pooled memory:
//!
//! - the router's `State` holds an `Arc<Pool<Ctx>>` capped at `MAX_IN_FLIGHT` contexts
//!   (`max_live`); each request awaits one with `get_owned_async()`, which waits at the cap
//!   without blocking the runtime's worker (the blocking `get` would stall every task on it),
//!   and gets a `'static`, `Send` guard, so the batch can be handed to `tokio::spawn` (a
//!   borrowed `Pooled<'_, Ctx>` cannot: the task may outlive the borrow);
//! - the request body is read into a buffer from a `BufferPool` (its size comes from the
//!   client's `content-length`, so it goes through `try_get_owned`, which refuses a size above
//!   `max_buffer` instead of aborting), then deserialized *in place* into the context with
//!   `pool_core::deserialize_into`: a warm context keeps its strings, its `RecycleVec<String>` of
//!   lines and its `StringMap` of labels, and borrows from the body, so it allocates nothing;
//! - the JSON response is written into another pooled buffer and handed to axum without a copy
//!   (`Bytes::from_owner`): the buffer goes back to its pool once written;
//! - `GET /metrics` publishes both pools' `Stats` through the `metrics` facade and renders them
//!   in the Prometheus text format (pool-core's `metrics` feature, `metrics-exporter-prometheus`'s
//!   recorder, no listener of its own).
//!
//! ```sh
//! cargo run --release -p pool-examples-integrations --example axum_server -- --port 8080
//! curl -d '{"source":"web-1","lines":["GET / 200","GET /a 404"],"labels":{"env":"prod"}}' \
//!     http://127.0.0.1:8080/ingest
//! curl http://127.0.0.1:8080/metrics
//! ```
//!
//! It binds to 127.0.0.1 only (`--port 0`, the default, takes any free port; the address is the
//! first line of stdout) and stops after `--seconds S` if given. `tests/axum_server.rs` includes
//! this file as a module (hence the `pub(crate)` items), starts it on a free port and drives it
//! with a hyper client.
//!
//! Serde's in-place deserialization of a derived struct needs serde_derive's
//! `deserialize_in_place` feature (see this package's `Cargo.toml`); pool-core's `serde` feature
//! gives `RecycleVec` and `RecycleMap` theirs.

use std::future::Future;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use bytes::Bytes;
use http_body_util::BodyExt;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusRecorder};
use pool_core::{BufferOwned, BufferPool, Pool, Poolable, RecycleVec, StringMap};
use serde::{Deserialize, Serialize};
use tokio::net::TcpListener;

/// The largest body accepted: the body pool's `max_buffer`.
const MAX_BODY: usize = 1 << 20;

/// The most request contexts that exist at once (idle and in use): the cap of `max_live`.
const MAX_IN_FLIGHT: usize = 256;

/// One batch of log lines, as the client sends it. Every field keeps its allocations across
/// reuses: `String` (cleared), `RecycleVec<String>` and `StringMap` (their cleared strings stay
/// as spares that the next batch's elements are written into).
#[derive(Poolable, Default, Deserialize)]
pub(crate) struct Batch {
    /// Who sent it.
    source: String,
    /// The log lines.
    lines: RecycleVec<String>,
    /// `key: value` labels that apply to every line.
    labels: StringMap,
}

/// The state of one request.
#[derive(Poolable, Default)]
pub(crate) struct Ctx {
    /// The `x-request-id` header, or empty.
    request_id: String,
    /// The decoded body.
    batch: Batch,
}

/// What the service answers for one batch: borrowed from the context, no allocation of its own.
#[derive(Serialize)]
struct Summary<'a> {
    request_id: &'a str,
    source: &'a str,
    lines: usize,
    bytes: usize,
    errors: usize,
    env: Option<&'a str>,
}

/// What every request shares: the router's `State`.
pub(crate) struct AppState {
    /// Request contexts; `get_owned` needs the `Arc`.
    pub(crate) contexts: Arc<Pool<Ctx>>,
    /// Request and response bodies (4 KiB, 64 KiB and 1 MiB classes).
    pub(crate) buffers: Arc<BufferPool>,
    /// This service's own recorder (not a global one, so that two services in one process, as
    /// in the tests, keep their series apart). `/metrics` publishes the pools into it.
    recorder: PrometheusRecorder,
    /// Batches ingested so far.
    pub(crate) served: AtomicU64,
}

impl AppState {
    pub(crate) fn new() -> Arc<Self> {
        Self::with_max_in_flight(MAX_IN_FLIGHT)
    }

    /// A service whose context pool is capped at `max_in_flight` (the tests use a small cap,
    /// so that requests wait at it).
    pub(crate) fn with_max_in_flight(max_in_flight: usize) -> Arc<Self> {
        let state = Self {
            // At most `max_in_flight` contexts exist; a request beyond them awaits a return.
            contexts: Arc::new(
                Pool::builder()
                    .max_live(max_in_flight)
                    .metrics("contexts")
                    .build(),
            ),
            buffers: Arc::new(
                BufferPool::builder()
                    .max_buffer(MAX_BODY)
                    .metrics("buffers")
                    .build(),
            ),
            recorder: PrometheusBuilder::new().build_recorder(),
            served: AtomicU64::new(0),
        };
        // A pool takes its series' handles from the recorder in force at its first publish.
        state.publish();
        Arc::new(state)
    }

    /// Publishes both pools' figures into this service's recorder.
    fn publish(&self) {
        metrics::with_local_recorder(&self.recorder, || {
            self.contexts.publish_metrics();
            self.buffers.publish_metrics();
        });
    }
}

/// The service's routes.
pub(crate) fn app(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/ingest", post(ingest))
        .route("/metrics", get(metrics))
        .with_state(state)
}

/// `POST /ingest`: a JSON batch in, a JSON summary out.
async fn ingest(State(state): State<Arc<AppState>>, req: Request) -> Response {
    let (parts, mut body) = req.into_parts();
    // The body, in a pooled buffer of the size the client announced (at least 4 KiB when it
    // does not say), refused above `max_buffer`.
    let announced = parts
        .headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<usize>().ok())
        .unwrap_or(4096);
    let Ok(mut buf) = state.buffers.try_get_owned(announced) else {
        return error(&state, StatusCode::PAYLOAD_TOO_LARGE, "body over 1 MiB");
    };
    while let Some(frame) = body.frame().await {
        let Ok(frame) = frame else {
            return error(&state, StatusCode::BAD_REQUEST, "could not read the body");
        };
        if let Ok(data) = frame.into_data() {
            if buf.len() + data.len() > MAX_BODY {
                return error(&state, StatusCode::PAYLOAD_TOO_LARGE, "body over 1 MiB");
            }
            buf.extend_from_slice(&data);
        }
    }

    // A `'static` guard: it moves into the spawned task below and goes back to the pool when
    // that task drops it, on whichever worker thread that is. At the cap this awaits a return
    // without blocking the worker.
    let mut ctx = state.contexts.get_owned_async().await;
    if let Some(id) = parts
        .headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
    {
        ctx.request_id.push_str(id);
    }
    let mut json = serde_json::Deserializer::from_slice(&buf);
    if let Err(e) = pool_core::deserialize_into(&mut ctx.batch, &mut json).and_then(|()| json.end())
    {
        // The context may hold part of the batch: its reset on drop clears it.
        let message = if e.is_data() || e.is_syntax() || e.is_eof() {
            "not a batch: {\"source\": str, \"lines\": [str], \"labels\": {str: str}}"
        } else {
            "could not read the batch"
        };
        return error(&state, StatusCode::BAD_REQUEST, message);
    }
    drop(buf); // the request body goes back to its pool; the context borrows nothing from it

    // The work on the batch runs in a task of its own (as it would when it fans out to
    // storage); the guard moves into it, which `Pooled<'_, Ctx>` could not do.
    let buffers = Arc::clone(&state.buffers);
    let work = tokio::spawn(async move {
        let summary = Summary {
            request_id: &ctx.request_id,
            source: &ctx.batch.source,
            lines: ctx.batch.lines.len(),
            bytes: ctx.batch.lines.iter().map(String::len).sum(),
            errors: ctx
                .batch
                .lines
                .iter()
                .filter(|line| line.contains(" 5"))
                .count(),
            env: ctx.batch.labels.get("env").map(String::as_str),
        };
        let mut out = buffers.get_owned(256 + summary.request_id.len() + summary.source.len());
        // `&mut *out`: into the `Vec<u8>` itself; through the guard (`&mut out`) also works,
        // with one load more on each of the serializer's small writes.
        serde_json::to_writer(&mut *out, &summary).expect("serializing into a Vec<u8> cannot fail");
        out // `ctx` is dropped here: reset, and back in the pool
    });
    let Ok(out) = work.await else {
        return error(
            &state,
            StatusCode::INTERNAL_SERVER_ERROR,
            "the batch's task failed",
        );
    };
    state.served.fetch_add(1, Ordering::Relaxed);
    pooled(StatusCode::OK, out)
}

/// `GET /metrics`: the pools' series in the Prometheus text format. The figures refresh here:
/// each pool sums its per-thread counters into a `Stats` and publishes it, so the request path
/// itself never writes a metric. The text is a plain `String`, not a pooled buffer: a scrape
/// comes every few seconds, and so the pools' figures describe the traffic, not the scrape.
async fn metrics(State(state): State<Arc<AppState>>) -> Response {
    state.publish();
    let handle = state.recorder.handle();
    handle.run_upkeep();
    let text = handle.render();
    respond(
        StatusCode::OK,
        "text/plain; version=0.0.4; charset=utf-8",
        Body::from(text),
    )
}

/// A response whose body is a pooled buffer: axum writes straight from it, and dropping the last
/// `Bytes` handle returns it to its pool.
fn pooled(status: StatusCode, buf: BufferOwned) -> Response {
    respond(
        status,
        "application/json",
        Body::from(Bytes::from_owner(buf)),
    )
}

fn respond(status: StatusCode, content_type: &'static str, body: Body) -> Response {
    let mut response = Response::new(body);
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

fn error(state: &AppState, status: StatusCode, message: &str) -> Response {
    let mut out = state.buffers.get_owned(128 + message.len());
    serde_json::to_writer(&mut *out, &serde_json::json!({ "error": message }))
        .expect("serializing into a Vec<u8> cannot fail");
    pooled(status, out)
}

/// Serves `state` on `listener` until `shutdown` resolves, then lets in-flight requests finish.
pub(crate) async fn serve(
    listener: TcpListener,
    state: Arc<AppState>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, app(state))
        .with_graceful_shutdown(shutdown)
        .await
}

fn main() {
    let mut port = 0u16;
    let mut seconds = None;
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args.next().and_then(|v| v.parse::<u64>().ok());
        match (flag.as_str(), value) {
            ("--port", Some(p)) if p <= u64::from(u16::MAX) => port = p as u16,
            ("--seconds", Some(s)) => seconds = Some(Duration::from_secs(s)),
            _ => {
                eprintln!("usage: axum_server [--port P] [--seconds S]");
                std::process::exit(2);
            }
        }
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("start the tokio runtime");
    runtime.block_on(async {
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
        let listener = TcpListener::bind(addr)
            .await
            .unwrap_or_else(|e| panic!("bind {addr}: {e}"));
        let local = listener.local_addr().expect("the listener's bound address");
        println!("listening on http://{local}");
        let state = AppState::new();
        let shutdown = async move {
            match seconds {
                Some(s) => tokio::time::sleep(s).await,
                None => std::future::pending().await,
            }
        };
        serve(listener, Arc::clone(&state), shutdown)
            .await
            .expect("serve");
        println!("served {} batches", state.served.load(Ordering::Relaxed));
        println!("contexts: {}", state.contexts.stats());
        println!("buffers:  {}", state.buffers.stats());
    });
}
