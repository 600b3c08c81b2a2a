//! A real HTTP/1.1 server (hyper 1 on tokio) whose request handler works in pooled memory:
//!
//! - each request takes a `RequestCtx` with `Arc<Pool<_>>::get_owned()`, a `'static`, `Send`
//!   guard that the handler holds across every `.await` while it copies the headers in and
//!   collects the body into the context's pooled `Vec<u8>`;
//! - the JSON response is written with `serde_json::to_writer` straight into a buffer from a
//!   `BufferPool` (`get_owned`), and handed to hyper without a copy (`Bytes::from_owner`): the
//!   buffer goes back to the pool when hyper has written it.
//!
//! The response echoes the request: its `x-request-id`, method, path, body length, an FNV-1a
//! checksum of the body, and the body itself when it is UTF-8. `GET /stats` returns the pools'
//! statistics as JSON; `GET /metrics` returns them in the Prometheus text format (pool-core's
//! `metrics` feature: both pools are built with a name, the handler publishes their figures
//! and renders `metrics-exporter-prometheus`'s recorder into a pooled buffer); `POST /shutdown`
//! stops the server (in-flight requests finish).
//!
//! ```sh
//! cargo run --release -p pool-examples-integrations --example http_server -- --port 8080
//! curl -H 'x-request-id: 42' -d 'hello' http://127.0.0.1:8080/echo
//! curl http://127.0.0.1:8080/stats
//! curl http://127.0.0.1:8080/metrics
//! ```
//!
//! Options: `--port P` (default 0: any free port; the bound address is printed on the first line
//! of stdout), `--requests N` and `--seconds S` (stop by itself after N echoed requests or S
//! seconds), `--workers W` (tokio worker threads; default: one per core). It binds to 127.0.0.1
//! only. `tests/http_server.rs` runs it and fires 10,000 requests at it.

use std::convert::Infallible;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::header::{CONTENT_TYPE, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use pool_core::{BufferOwned, BufferPool, Pool, Poolable, StringMap};
use serde::Serialize;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinSet;

/// Bodies above this are refused (413): the pooled body keeps at most 64 KiB anyway
/// (`#[poolable(max_capacity = 65536)]` on `RequestCtx::body`).
const MAX_BODY: usize = 1 << 20;

/// The state of one request: its reset keeps every allocation, the headers' keys and values
/// included (a `StringMap` keeps its cleared strings as spares), so a warm context copies a
/// request in without allocating.
#[derive(Poolable, Default)]
struct RequestCtx {
    /// The `x-request-id` header.
    trace_id: String,
    /// Every UTF-8 header.
    headers: StringMap,
    /// The request body; shrunk after reset if a huge request grew it past 64 KiB.
    #[poolable(max_capacity = 65536)]
    body: Vec<u8>,
}

/// What every connection shares.
struct State {
    /// Request contexts; `get_owned` needs the `Arc`.
    contexts: Arc<Pool<RequestCtx>>,
    /// Response buffers (4 KiB, 64 KiB and 1 MiB classes).
    buffers: Arc<BufferPool>,
    /// The recorder the pools publish to, rendered by `GET /metrics`.
    prometheus: PrometheusHandle,
    /// Echoed requests so far.
    served: AtomicU64,
    /// Stop after this many echoed requests.
    limit: Option<u64>,
    /// `true` once the server should stop.
    shutdown: watch::Sender<bool>,
}

/// The echo response, serialized from borrowed fields: no allocation of its own.
#[derive(Serialize)]
struct Echo<'a> {
    request_id: &'a str,
    method: &'a str,
    path: &'a str,
    headers: usize,
    body_len: usize,
    body_fnv1a: u64,
    /// The body when it is UTF-8, else `null`.
    body: Option<&'a str>,
}

type Body = Full<Bytes>;

fn fnv1a(data: &[u8]) -> u64 {
    data.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn json_response(status: StatusCode, buf: BufferOwned) -> Response<Body> {
    // The pooled buffer owns the bytes: hyper writes straight from it, and dropping the last
    // `Bytes` handle returns it to its pool.
    let mut response = Response::new(Full::new(Bytes::from_owner(buf)));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

async fn handle(req: Request<Incoming>, state: Arc<State>) -> Result<Response<Body>, Infallible> {
    match (req.method(), req.uri().path()) {
        (&Method::GET, "/stats") => Ok(stats(&state)),
        (&Method::GET, "/metrics") => Ok(metrics(&state)),
        (&Method::POST, "/shutdown") => {
            state.shutdown.send_replace(true);
            let mut buf = state.buffers.get_owned(64);
            buf.extend_from_slice(b"{\"shutting_down\":true}");
            Ok(json_response(StatusCode::OK, buf))
        }
        _ => Ok(echo(req, &state).await),
    }
}

async fn echo(req: Request<Incoming>, state: &State) -> Response<Body> {
    // A `'static` guard: it lives in this future, across the body's `.await`s, on whatever
    // worker thread tokio polls it, and goes back to the pool when the future completes.
    let mut ctx = state.contexts.get_owned();
    let (parts, mut body) = req.into_parts();
    for (name, value) in &parts.headers {
        // Non-UTF-8 header values are left out; warm contexts store the rest without allocating.
        if let Ok(value) = value.to_str() {
            ctx.headers.insert(name.as_str(), value);
        }
    }
    if let Some(id) = parts
        .headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
    {
        ctx.trace_id.push_str(id);
    }
    // Collect the body frame by frame into the pooled `Vec` (no intermediate buffer).
    while let Some(frame) = body.frame().await {
        let Ok(frame) = frame else {
            return error(state, StatusCode::BAD_REQUEST, "could not read the body");
        };
        if let Ok(data) = frame.into_data() {
            if ctx.body.len() + data.len() > MAX_BODY {
                return error(state, StatusCode::PAYLOAD_TOO_LARGE, "body over 1 MiB");
            }
            ctx.body.extend_from_slice(&data);
        }
    }

    let echo = Echo {
        request_id: &ctx.trace_id,
        method: parts.method.as_str(),
        path: parts.uri.path(),
        headers: ctx.headers.len(),
        body_len: ctx.body.len(),
        body_fnv1a: fnv1a(&ctx.body),
        body: std::str::from_utf8(&ctx.body).ok(),
    };
    let mut buf = state.buffers.get_owned(256 + 2 * ctx.body.len());
    // `&mut *buf`: into the `Vec<u8>` itself; through the guard (`&mut buf`) also works, with
    // one load more on each of the serializer's small writes.
    serde_json::to_writer(&mut *buf, &echo).expect("serializing into a Vec<u8> cannot fail");
    drop(ctx); // the context is free for the next request before the response is even written

    let served = state.served.fetch_add(1, Ordering::Relaxed) + 1;
    if state.limit == Some(served) {
        state.shutdown.send_replace(true);
    }
    json_response(StatusCode::OK, buf)
}

fn error(state: &State, status: StatusCode, message: &str) -> Response<Body> {
    let mut buf = state.buffers.get_owned(128);
    serde_json::to_writer(&mut *buf, &serde_json::json!({ "error": message }))
        .expect("serializing into a Vec<u8> cannot fail");
    json_response(status, buf)
}

fn stats(state: &State) -> Response<Body> {
    let body = serde_json::json!({
        "served": state.served.load(Ordering::Relaxed),
        // `Stats` is `Serialize` with pool-core's `serde` feature.
        "contexts": state.contexts.stats(),
        "buffers": state.buffers.stats(),
    });
    let mut buf = state.buffers.get_owned(1024);
    serde_json::to_writer(&mut *buf, &body).expect("serializing into a Vec<u8> cannot fail");
    json_response(StatusCode::OK, buf)
}

/// The pools' series in the Prometheus text format. The figures refresh here: each pool sums
/// its per-thread counters into a `Stats` and publishes it (their `trim()` would too), so the
/// request path itself never writes a metric.
fn metrics(state: &State) -> Response<Body> {
    state.contexts.publish_metrics();
    state.buffers.publish_metrics();
    // Histogram upkeep; the pools publish counters and gauges only, so this is cheap.
    state.prometheus.run_upkeep();
    let mut buf = state.buffers.get_owned(16 << 10);
    state
        .prometheus
        .render_to_write(&mut *buf)
        .expect("rendering into a Vec<u8> cannot fail");
    let mut response = Response::new(Full::new(Bytes::from_owner(buf)));
    response.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
    );
    response
}

/// Resolves once the server is told to stop (or the sender is gone). Drops the watch guard
/// before returning, so no lock is held while the caller goes on.
async fn stopped(mut rx: watch::Receiver<bool>) {
    let _ = rx.wait_for(|stop| *stop).await;
}

/// Accepts connections until told to stop, then lets each connection finish its in-flight
/// request (hyper's graceful shutdown), for at most 5 seconds.
async fn serve(listener: TcpListener, state: Arc<State>) {
    let mut connections = JoinSet::new();
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            () = stopped(state.shutdown.subscribe()) => break,
        };
        let stream = match accepted {
            Ok((stream, _peer)) => stream,
            Err(e) => {
                eprintln!("accept failed: {e}");
                continue;
            }
        };
        let state = Arc::clone(&state);
        connections.spawn(async move {
            let stop = stopped(state.shutdown.subscribe());
            let service = service_fn({
                let state = Arc::clone(&state);
                move |req| handle(req, Arc::clone(&state))
            });
            let conn = http1::Builder::new().serve_connection(TokioIo::new(stream), service);
            let mut conn = std::pin::pin!(conn);
            let result = tokio::select! {
                result = conn.as_mut() => result,
                () = stop => {
                    conn.as_mut().graceful_shutdown();
                    conn.await
                }
            };
            if let Err(e) = result
                && !e.is_incomplete_message()
            {
                eprintln!("connection error: {e}");
            }
        });
        while connections.try_join_next().is_some() {} // reap the finished ones
    }
    drop(listener);
    let drain = async { while connections.join_next().await.is_some() {} };
    if tokio::time::timeout(Duration::from_secs(5), drain)
        .await
        .is_err()
    {
        eprintln!("some connections did not finish within 5 s; closing them");
    }
}

struct Options {
    port: u16,
    requests: Option<u64>,
    seconds: Option<u64>,
    workers: Option<usize>,
}

fn parse_args() -> Result<Options, String> {
    let mut opts = Options {
        port: 0,
        requests: None,
        seconds: None,
        workers: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args.next().ok_or(format!("{flag} needs a value"))?;
        let bad = |_| format!("bad value for {flag}: {value}");
        match flag.as_str() {
            "--port" => opts.port = value.parse().map_err(bad)?,
            "--requests" => opts.requests = Some(value.parse().map_err(bad)?),
            "--seconds" => opts.seconds = Some(value.parse().map_err(bad)?),
            "--workers" => opts.workers = Some(value.parse().map_err(bad)?),
            _ => return Err(format!("unknown option {flag}")),
        }
    }
    Ok(opts)
}

fn main() {
    let opts = parse_args().unwrap_or_else(|e| {
        eprintln!("{e}\nusage: http_server [--port P] [--requests N] [--seconds S] [--workers W]");
        std::process::exit(2);
    });
    let mut runtime = tokio::runtime::Builder::new_multi_thread();
    if let Some(n) = opts.workers {
        runtime.worker_threads(n.max(1));
    }
    let runtime = runtime
        .enable_all()
        .build()
        .expect("start the tokio runtime");
    // Before the first publish: the pools take their series' handles from this recorder.
    let prometheus = PrometheusBuilder::new()
        .install_recorder()
        .expect("install the Prometheus recorder");
    runtime.block_on(async {
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, opts.port));
        let listener = TcpListener::bind(addr)
            .await
            .unwrap_or_else(|e| panic!("bind {addr}: {e}"));
        let local = listener.local_addr().expect("the listener's bound address");
        // The first line of stdout: tests and scripts read the address from it.
        println!("listening on http://{local}");
        let state = Arc::new(State {
            contexts: Arc::new(Pool::builder().metrics("contexts").build()),
            buffers: Arc::new(BufferPool::builder().metrics("buffers").build()),
            prometheus,
            served: AtomicU64::new(0),
            limit: opts.requests,
            shutdown: watch::channel(false).0,
        });
        if opts.requests == Some(0) {
            state.shutdown.send_replace(true);
        }
        if let Some(seconds) = opts.seconds {
            let state = Arc::clone(&state);
            tokio::spawn(async move {
                tokio::time::sleep(Duration::from_secs(seconds)).await;
                state.shutdown.send_replace(true);
            });
        }
        serve(listener, Arc::clone(&state)).await;
        println!("served {} requests", state.served.load(Ordering::Relaxed));
        println!("contexts: {}", state.contexts.stats());
        println!("buffers:  {}", state.buffers.stats());
    });
}
