//! The workloads our users run, shared by the benches and the tests so that each measures the
//! same thing: a web request context and an access-log record, with the synthetic inputs that
//! fill them. The examples (`examples/demo.rs`, `examples/log_pipeline.rs`) carry their own copies
//! of these types, so that each one is a single file a user can copy; keep them in step.

use std::collections::HashMap;
use std::fmt::Write as _;

use pool_core::{Poolable, RecycleVec, StringMap};

/// The headers every synthetic request carries: 8, as in a typical API call.
const HEADER_NAMES: [&str; 8] = [
    "host",
    "user-agent",
    "accept",
    "accept-encoding",
    "content-type",
    "authorization",
    "x-request-id",
    "x-forwarded-for",
];

/// One incoming request, as a server would see it before copying it into its context.
#[derive(Clone, Debug)]
pub struct SyntheticRequest {
    /// User, session and trace ids (about 24 bytes each).
    pub ids: [String; 3],
    /// 8 header name/value pairs.
    pub headers: Vec<(String, String)>,
    /// A 1 KiB body.
    pub body: Vec<u8>,
}

/// `n` different requests (ids, header values and body bytes vary with the index).
pub fn synthetic_requests(n: usize) -> Vec<SyntheticRequest> {
    (0..n)
        .map(|i| SyntheticRequest {
            ids: [
                format!("user-{i:019}"),
                format!("session-{i:016}"),
                format!("trace-{i:018}"),
            ],
            headers: HEADER_NAMES
                .iter()
                .enumerate()
                .map(|(h, name)| (name.to_string(), format!("value-{h}-{i:012}")))
                .collect(),
            body: (0..1024).map(|b| (b + i) as u8).collect(),
        })
        .collect()
}

/// The state of one web request, generic over how it stores headers (the derive infers the
/// bound `H: Poolable` from the `headers` field).
#[derive(Poolable, Default, Debug, PartialEq)]
pub struct RequestContext<H> {
    /// Who is calling.
    pub user_id: String,
    /// The caller's session.
    pub session_id: String,
    /// The distributed-tracing id.
    pub trace_id: String,
    /// Request headers.
    pub headers: H,
    /// The request body; shrunk after reset if a huge request grew it past 64 KiB.
    #[poolable(max_capacity = 65536)]
    pub body: Vec<u8>,
}

/// A request context whose reset keeps every allocation, the headers' keys and values included
/// (a [`StringMap`]): 0 allocations per request once warm.
pub type RequestCtx = RequestContext<StringMap>;

/// The same context with a plain `HashMap<String, String>`: its reset keeps the table but frees
/// every key and value, so each request allocates 16 strings again.
pub type PlainRequestCtx = RequestContext<HashMap<String, String>>;

/// A header map a [`RequestContext`] can be filled into.
pub trait Headers {
    /// Sets `name` to `value`.
    fn set(&mut self, name: &str, value: &str);
    /// The value of `name`, if set.
    fn value(&self, name: &str) -> Option<&str>;
    /// How many headers are set.
    fn count(&self) -> usize;
}

/// Copies into spare strings: allocates nothing when warm.
impl Headers for StringMap {
    fn set(&mut self, name: &str, value: &str) {
        self.insert(name, value);
    }
    fn value(&self, name: &str) -> Option<&str> {
        self.get(name).map(String::as_str)
    }
    fn count(&self) -> usize {
        self.len()
    }
}

/// Allocates a new key and value `String` per header.
impl Headers for HashMap<String, String> {
    fn set(&mut self, name: &str, value: &str) {
        self.insert(name.to_owned(), value.to_owned());
    }
    fn value(&self, name: &str) -> Option<&str> {
        self.get(name).map(String::as_str)
    }
    fn count(&self) -> usize {
        self.len()
    }
}

impl<H: Headers> RequestContext<H> {
    /// Copies `req` in.
    pub fn fill(&mut self, req: &SyntheticRequest) {
        self.user_id.push_str(&req.ids[0]);
        self.session_id.push_str(&req.ids[1]);
        self.trace_id.push_str(&req.ids[2]);
        for (name, value) in &req.headers {
            self.headers.set(name, value);
        }
        self.body.extend_from_slice(&req.body);
    }

    /// A value that depends on every field, so the work cannot be optimised away.
    pub fn checksum(&self) -> usize {
        self.user_id.len()
            + self.session_id.len()
            + self.trace_id.len()
            + self.headers.value("host").map_or(0, str::len)
            + self.headers.count()
            + self.body.len()
    }
}

impl PlainRequestCtx {
    /// A context sized for a typical request: body capacity 4096, room for 16 headers.
    pub fn with_capacity() -> Self {
        Self {
            body: Vec::with_capacity(4096),
            headers: HashMap::with_capacity(16),
            ..Self::default()
        }
    }
}

/// One parsed access-log line.
#[derive(Poolable, Default, Debug, PartialEq)]
pub struct LogRecord {
    /// Client address.
    pub ip: String,
    /// HTTP method.
    pub method: String,
    /// Request path, without the query string.
    pub path: String,
    /// Response status.
    pub status: u16,
    /// Response size in bytes.
    pub bytes: u64,
    /// Time taken, in microseconds.
    pub micros: u64,
    /// The `key=value` fields after the fixed part (user agent, region, ...).
    pub fields: StringMap,
    /// The comma-separated `tags=` list.
    pub tags: RecycleVec<String>,
}

/// Why a log line could not be parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParseError {
    /// The 0-based field that was missing or malformed.
    pub field: usize,
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "malformed log line: field {} is missing or invalid",
            self.field
        )
    }
}

impl std::error::Error for ParseError {}

impl LogRecord {
    /// Parses one line of the synthetic access-log format into `self` (which should be fresh):
    /// `IP METHOD PATH STATUS BYTES MICROS key=value... tags=a,b,c`. Allocates nothing when
    /// `self` is a warm pooled record.
    ///
    /// # Errors
    /// [`ParseError`] names the first missing or malformed field.
    pub fn parse_into(&mut self, line: &str) -> Result<(), ParseError> {
        let mut parts = line.split_ascii_whitespace();
        let mut next = |field: usize| parts.next().ok_or(ParseError { field });
        self.ip.push_str(next(0)?);
        self.method.push_str(next(1)?);
        let path = next(2)?;
        self.path.push_str(path.split('?').next().unwrap_or(path));
        self.status = next(3)?.parse().map_err(|_| ParseError { field: 3 })?;
        self.bytes = next(4)?.parse().map_err(|_| ParseError { field: 4 })?;
        self.micros = next(5)?.parse().map_err(|_| ParseError { field: 5 })?;
        for (i, kv) in parts.enumerate() {
            let (key, value) = kv.split_once('=').ok_or(ParseError { field: 6 + i })?;
            if key == "tags" {
                for tag in value.split(',').filter(|t| !t.is_empty()) {
                    self.tags.push_with(|slot| slot.push_str(tag));
                }
            } else {
                self.fields.insert(key, value);
            }
        }
        Ok(())
    }
}

/// `lines` lines of a synthetic access log (deterministic for a given `seed`), newline-separated.
pub fn synthetic_log(lines: usize, seed: u64) -> String {
    const PATHS: [&str; 6] = [
        "/",
        "/api/v1/users",
        "/api/v1/orders",
        "/static/app.js",
        "/healthz",
        "/api/v1/search",
    ];
    const METHODS: [&str; 4] = ["GET", "GET", "POST", "PUT"];
    const STATUS: [u16; 6] = [200, 200, 200, 304, 404, 500];
    const AGENTS: [&str; 3] = ["curl/8.5", "Mozilla/5.0", "okhttp/4.12"];
    const REGIONS: [&str; 3] = ["eu-west-1", "us-east-1", "ap-south-1"];
    let mut state = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    let mut rand = move |n: usize| {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((state >> 33) as usize) % n
    };
    let mut out = String::with_capacity(lines * 160);
    for i in 0..lines {
        let _ = writeln!(
            out,
            "10.{}.{}.{} {} {}?page={} {} {} {} ua={} region={} request_id=req-{:012} tags=web,{},v{}",
            rand(256),
            rand(256),
            rand(256),
            METHODS[rand(METHODS.len())],
            PATHS[rand(PATHS.len())],
            rand(10),
            STATUS[rand(STATUS.len())],
            rand(1 << 20),
            rand(100_000),
            AGENTS[rand(AGENTS.len())],
            REGIONS[rand(REGIONS.len())],
            i,
            REGIONS[rand(REGIONS.len())],
            rand(3),
        );
    }
    out
}

/// Requests and bytes per status class and per path: what a log pipeline reports.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Aggregate {
    /// Lines per status class: index 1 = 1xx ... 5 = 5xx, 0 = anything else.
    pub by_status_class: [u64; 6],
    /// `(lines, bytes)` per path. A path seen before costs no allocation.
    pub by_path: HashMap<String, (u64, u64)>,
    /// Lines that did not parse.
    pub malformed: u64,
}

impl Aggregate {
    /// Counts one record.
    pub fn add(&mut self, rec: &LogRecord) {
        let class = usize::from(rec.status / 100);
        self.by_status_class[if class < 6 { class } else { 0 }] += 1;
        match self.by_path.get_mut(rec.path.as_str()) {
            Some((lines, bytes)) => {
                *lines += 1;
                *bytes += rec.bytes;
            }
            None => {
                self.by_path.insert(rec.path.clone(), (1, rec.bytes));
            }
        }
    }

    /// Total lines counted (parsed or not).
    pub fn lines(&self) -> u64 {
        self.by_status_class.iter().sum::<u64>() + self.malformed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contexts_fill_and_reset_to_default() {
        let reqs = synthetic_requests(2);
        let mut ctx = RequestCtx::default();
        ctx.fill(&reqs[0]);
        assert_eq!(ctx.headers.len(), 8);
        assert_eq!(ctx.body.len(), 1024);
        ctx.reset();
        assert_eq!(ctx, RequestCtx::default());
        let mut plain = PlainRequestCtx::with_capacity();
        plain.fill(&reqs[1]);
        assert_eq!(
            plain.checksum(),
            ctx.checksum()
                + reqs[1].ids.iter().map(String::len).sum::<usize>()
                + plain.headers["host"].len()
                + 8
                + 1024
        );
    }

    #[test]
    fn every_synthetic_line_parses() {
        let log = synthetic_log(500, 7);
        let mut agg = Aggregate::default();
        let mut rec = LogRecord::default();
        for line in log.lines() {
            rec.parse_into(line).unwrap();
            assert!(rec.path.starts_with('/') && !rec.path.contains('?'));
            assert_eq!(rec.tags.len(), 3);
            assert!(rec.fields.get("region").is_some());
            agg.add(&rec);
            rec.reset();
        }
        assert_eq!(agg.lines(), 500);
        assert!(agg.by_path.len() <= 6);
        assert_eq!(
            LogRecord::default().parse_into("1.2.3.4 GET / notanumber 1 1"),
            Err(ParseError { field: 3 })
        );
    }
}
