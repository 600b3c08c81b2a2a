//! Runs `http_server.rs` (this package's example) as a real process and fires 10,016 requests at it
//! over 32 keep-alive connections (32 tasks × 313 requests, a hyper 1 client on tokio), each with a
//! unique `x-request-id` and a unique body. Every response must echo its own id and body (pooled
//! contexts and buffers never carry data across requests), and `/stats` must show that the pools
//! created a few dozen objects and reused them for everything else. `/metrics`, scraped before and
//! after, must carry the pools' series in the Prometheus text format, labelled with each pool's
//! name (and each buffer class), and show them moved by the requests.
//!
//! The server gets `--workers 4` so that the bound on creations does not depend on the number of
//! cores (each worker thread may keep a few idle objects in its cache), and `--seconds 120` so that
//! it stops by itself even if this test dies; the test stops it with `POST /shutdown`.

#[path = "../../tests/support/mod.rs"]
mod support;

mod client;

use std::io::{BufRead, BufReader, Read};
use std::net::SocketAddr;
use std::process::{Child, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{Empty, Full};
use hyper::body::Body;
use hyper::client::conn::http1::SendRequest;
use hyper::{Request, StatusCode};
use serde_json::Value;

const CONNECTIONS: usize = 32;
const REQUESTS_PER_CONNECTION: usize = 313;

/// Kills the server if the test fails before shutting it down.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        if matches!(self.0.try_wait(), Ok(None)) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
}

/// Sends `req` and returns the status and the body parsed as JSON.
async fn call<B>(sender: &mut SendRequest<B>, req: Request<B>) -> (StatusCode, Value)
where
    B: Body + Send + 'static,
{
    let (status, _, body) = client::send(sender, req).await;
    let json = serde_json::from_slice(&body).unwrap_or_else(|e| {
        panic!(
            "response is not JSON ({e}): {}",
            String::from_utf8_lossy(&body)
        )
    });
    (status, json)
}

/// Sends a `GET path` and returns the status, the content type and the body as text.
async fn get_text(
    sender: &mut SendRequest<Empty<Bytes>>,
    addr: SocketAddr,
    path: &str,
) -> (StatusCode, String, String) {
    let req = Request::get(path)
        .header("host", addr.to_string())
        .body(Empty::new())
        .expect("a valid request");
    let (status, headers, body) = client::send(sender, req).await;
    let content_type = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    (
        status,
        content_type,
        String::from_utf8(body.to_vec()).expect("a UTF-8 body"),
    )
}

/// The value of the series `series` (name and labels, exactly as rendered) in a Prometheus
/// text-format scrape, or `None` if the scrape does not have it.
fn sample(scrape: &str, series: &str) -> Option<f64> {
    scrape.lines().find_map(|line| {
        let value = line.strip_prefix(series)?.strip_prefix(' ')?;
        Some(
            value
                .trim()
                .parse()
                .unwrap_or_else(|e| panic!("bad sample {line:?}: {e}")),
        )
    })
}

/// The value of `series`, which the scrape must have.
fn must(scrape: &str, series: &str) -> f64 {
    sample(scrape, series).unwrap_or_else(|| panic!("no series {series} in:\n{scrape}"))
}

/// One client connection: `REQUESTS_PER_CONNECTION` requests, each checked against its echo.
async fn client(addr: SocketAddr, conn: usize) -> usize {
    let mut sender = client::connect::<Full<Bytes>>(addr).await;
    for i in 0..REQUESTS_PER_CONNECTION {
        let id = format!("conn-{conn:02}-req-{i:03}");
        // Unique per request, and of varying length (so a stale longer body would show).
        let body = format!("body of {id}: {}", "abcdefghij".repeat((conn * 7 + i) % 23));
        let req = Request::post(format!("/echo/{conn}"))
            .header("host", addr.to_string())
            .header("x-request-id", &id)
            .header("content-type", "text/plain")
            .body(Full::new(Bytes::from(body.clone())))
            .expect("a valid request");
        let (status, echo) = call(&mut sender, req).await;
        assert_eq!(status, StatusCode::OK, "{echo}");
        assert_eq!(echo["request_id"], id.as_str(), "{echo}");
        assert_eq!(echo["body"], body.as_str(), "{echo}");
        assert_eq!(echo["body_len"], body.len(), "{echo}");
        assert_eq!(echo["path"], format!("/echo/{conn}"), "{echo}");
    }
    REQUESTS_PER_CONNECTION
}

/// Reads the `listening on http://ADDR` line.
fn read_address(stdout: &mut BufReader<ChildStdout>) -> SocketAddr {
    let mut line = String::new();
    stdout
        .read_line(&mut line)
        .expect("read the server's first line");
    line.trim()
        .strip_prefix("listening on http://")
        .unwrap_or_else(|| panic!("unexpected first line: {line:?}"))
        .parse()
        .expect("a socket address on the first line")
}

#[test]
fn ten_thousand_requests_echo_their_own_data_from_pooled_contexts() {
    let started = Instant::now();
    let child = Command::new(support::example("http_server"))
        .args(["--port", "0", "--workers", "4", "--seconds", "120"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("start the http_server example");
    let mut server = Server(child);
    let mut stdout = BufReader::new(server.0.stdout.take().expect("the server's stdout"));
    let addr = read_address(&mut stdout);
    assert!(addr.ip().is_loopback(), "the server must bind to loopback");

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let (stats, before, after) = runtime.block_on(async {
        tokio::time::timeout(Duration::from_secs(60), async {
            let mut sender = client::connect::<Empty<Bytes>>(addr).await;
            let (status, content_type, before) = get_text(&mut sender, addr, "/metrics").await;
            assert_eq!(status, StatusCode::OK, "{before}");
            assert!(
                content_type.starts_with("text/plain; version=0.0.4"),
                "{content_type}"
            );

            let tasks: Vec<_> = (0..CONNECTIONS)
                .map(|conn| tokio::spawn(client(addr, conn)))
                .collect();
            let mut sent = 0;
            for task in tasks {
                sent += task.await.expect("a client task panicked");
            }
            assert_eq!(sent, CONNECTIONS * REQUESTS_PER_CONNECTION);

            let (status, _, after) = get_text(&mut sender, addr, "/metrics").await;
            assert_eq!(status, StatusCode::OK, "{after}");
            let get_stats = Request::get("/stats")
                .header("host", addr.to_string())
                .body(Empty::new())
                .expect("a valid request");
            let (status, stats) = call(&mut sender, get_stats).await;
            assert_eq!(status, StatusCode::OK);
            let shutdown = Request::post("/shutdown")
                .header("host", addr.to_string())
                .body(Empty::new())
                .expect("a valid request");
            let (status, _) = call(&mut sender, shutdown).await;
            assert_eq!(status, StatusCode::OK);
            (stats, before, after)
        })
        .await
        .expect("10,016 requests within 60 s")
    });

    let requests = (CONNECTIONS * REQUESTS_PER_CONNECTION) as u64;
    assert_eq!(stats["served"], requests, "{stats}");
    for pool in ["contexts", "buffers"] {
        let s = &stats[pool];
        let creations = s["creations"].as_u64().expect("creations");
        let reuses = s["reuses"].as_u64().expect("reuses");
        assert!(creations < 200, "{pool}: {creations} creations: {stats}");
        assert!(reuses > 9_000, "{pool}: only {reuses} reuses: {stats}");
    }
    assert_eq!(stats["contexts"]["gets"], requests, "{stats}");

    // The scrapes: each series labelled with its pool (and class), described, and moved by
    // the requests by as much as `/stats` says.
    assert!(after.contains("# TYPE pool_gets_total counter"), "{after}");
    assert!(
        after.contains("# TYPE pool_retained_bytes gauge"),
        "{after}"
    );
    let ctx = |name: &str| format!("{name}{{pool=\"contexts\"}}");
    assert_eq!(must(&before, &ctx("pool_gets_total")), 0.0);
    assert_eq!(must(&after, &ctx("pool_gets_total")), requests as f64);
    let reuses = must(&after, &ctx("pool_reuses_total"));
    assert!(reuses > 9_000.0, "{after}");
    assert_eq!(must(&after, &ctx("pool_returns_total")), requests as f64);
    let created: f64 = ["empty", "out_of_reach"]
        .iter()
        .map(|r| {
            must(
                &after,
                &format!("pool_creations_total{{pool=\"contexts\",reason=\"{r}\"}}"),
            )
        })
        .sum();
    assert_eq!(created + reuses, requests as f64, "{after}");
    assert!(must(&after, &ctx("pool_idle_objects")) >= 1.0, "{after}");
    assert!(must(&after, &ctx("pool_retained_bytes")) > 0.0, "{after}");
    assert!(must(&after, &ctx("pool_thread_caches")) >= 1.0, "{after}");
    let class = "pool=\"buffers\",class=\"4096\"";
    let buffer_gets = |scrape: &str| must(scrape, &format!("pool_gets_total{{{class}}}"));
    assert!(buffer_gets(&after) >= requests as f64, "{after}");
    assert!(buffer_gets(&after) > buffer_gets(&before), "{after}");
    let discards = format!("pool_discards_total{{{class},reason=\"oversized\"}}");
    assert_eq!(must(&after, &discards), 0.0, "{after}");
    assert!(sample(&after, "pool_buffer_refused_gets_total{pool=\"buffers\"}").is_some());

    // The server drains its connections and exits by itself after `/shutdown`.
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        match server.0.try_wait().expect("poll the server process") {
            Some(status) => break status,
            None if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(20)),
            None => panic!("the server did not exit within 10 s of /shutdown"),
        }
    };
    assert!(status.success(), "server exited with {status}");
    let mut rest = String::new();
    stdout
        .read_to_string(&mut rest)
        .expect("read the server's last lines");
    assert!(
        rest.contains(&format!("served {requests} requests")),
        "{rest}"
    );
    eprintln!("{rest}(test took {:?})", started.elapsed());
}
