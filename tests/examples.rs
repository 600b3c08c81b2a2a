//! Keeps the examples from rotting: runs each one briefly (small inputs) and checks its exit
//! status and the lines that carry its point. `tests/http_server.rs` does the same, at length,
//! for the HTTP server. See `tests/common/mod.rs` for how the example binaries are found.

mod common;

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Runs example `name` with `args`, kills it after 60 s, asserts that it succeeded and returns
/// its stdout.
fn run(name: &str, args: &[&str]) -> String {
    let mut child = Command::new(common::example(name))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("start example {name}: {e}"));
    let deadline = Instant::now() + Duration::from_secs(60);
    // The outputs are a few KiB: they fit in the pipes while we wait.
    let status = loop {
        match child.try_wait().expect("poll the example") {
            Some(status) => break status,
            None if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(10)),
            None => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("example {name} ran for more than 60 s");
            }
        }
    };
    let (mut stdout, mut stderr) = (String::new(), String::new());
    if let Some(mut out) = child.stdout.take() {
        out.read_to_string(&mut stdout).expect("read stdout");
    }
    if let Some(mut err) = child.stderr.take() {
        err.read_to_string(&mut stderr).expect("read stderr");
    }
    assert!(
        status.success(),
        "example {name} {args:?} exited with {status}\nstdout:\n{stdout}\nstderr:\n{stderr}"
    );
    stdout
}

/// The line of `output` that starts with `prefix`.
fn line<'a>(output: &'a str, prefix: &str) -> &'a str {
    output
        .lines()
        .find(|l| l.starts_with(prefix))
        .unwrap_or_else(|| panic!("no line starting with {prefix:?} in:\n{output}"))
}

#[test]
fn demo_pooled_requests_allocate_nothing_once_warm() {
    let out = run("demo", &["--requests", "2000"]);
    // mode, ns/request, allocs/request
    let pooled: Vec<&str> = line(&out, "pooled RequestCtx").split_whitespace().collect();
    assert_eq!(pooled.last(), Some(&"0.00"), "{out}");
    let fresh: Vec<&str> = line(&out, "fresh RequestCtx").split_whitespace().collect();
    let fresh_allocs: f64 = fresh[fresh.len() - 1].parse().expect("a number");
    assert!(fresh_allocs >= 10.0, "{out}");
    assert!(
        line(&out, "  gets=2001 hit=100.0%").contains(" creations=1 "),
        "{out}"
    );
}

#[test]
fn log_pipeline_on_a_synthetic_log() {
    let out = run("log_pipeline", &["--lines", "1000"]);
    line(&out, "lines: 1000 parsed, 0 malformed");
    line(&out, "/api/v1/users");
    assert!(line(&out, "pool: ").contains(" creations=1 "), "{out}");
}

#[test]
fn log_pipeline_on_a_file_counts_malformed_lines() {
    let path = std::env::temp_dir().join(format!("pool-suite-log-{}.log", std::process::id()));
    let mut log = pool_suite::workloads::synthetic_log(100, 3);
    log.push_str("this line is not an access-log line\n");
    std::fs::write(&path, log).expect("write the test log");
    let out = run("log_pipeline", &[path.to_str().expect("a UTF-8 temp path")]);
    let _ = std::fs::remove_file(&path);
    line(&out, "lines: 100 parsed, 1 malformed");
}

#[test]
fn protobuf_pooled_merge_saves_allocations() {
    let out = run("protobuf", &["--messages", "500"]);
    let allocs = |prefix| -> f64 {
        let cols: Vec<&str> = line(&out, prefix).split_whitespace().collect();
        cols[cols.len() - 2].parse().expect("allocs/message")
    };
    let (fresh, pooled) = (
        allocs("fresh Message::decode"),
        allocs("pooled Message::merge"),
    );
    assert!(
        pooled < fresh - 3.0,
        "fresh {fresh}, pooled {pooled}:\n{out}"
    );
    assert!(line(&out, "prost clear():").contains("(kept)"), "{out}");
}

#[test]
fn buffers_refuse_an_oversized_prefix_and_serve_the_other_clients() {
    let out = run("buffers", &["--messages", "20"]);
    // The hostile client's 2^31 - 1 prefix got an error frame naming the size and the limit,
    // and only its connection was closed.
    let refusal = line(&out, "prefix 2147483647: error frame ");
    assert!(
        refusal.contains(
            "a buffer of 2147483647 bytes was requested, above `max_buffer` (1048576 bytes)"
        ),
        "{out}"
    );
    assert!(refusal.ends_with("that connection closed"), "{out}");
    // The clients before, during and after it were all served, byte for byte.
    line(&out, "echoed 100 frames");
    assert!(
        out.contains("over 5 connections: every echo matched"),
        "{out}"
    );
    // Each class served most frames from reused buffers.
    for class in ["4 KiB: gets=", "64 KiB: gets="] {
        let class = line(&out, class);
        let field = |name: &str| -> u64 {
            let rest = &class[class.find(name).expect(name) + name.len()..];
            rest.split(|c: char| !c.is_ascii_digit())
                .next()
                .and_then(|n| n.parse().ok())
                .expect(name)
        };
        assert!(field("creations=") * 2 < field("gets="), "{out}");
    }
    line(
        &out,
        "above the largest class (served fresh): 0, refused: 1",
    );
}
