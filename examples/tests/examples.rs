//! Keeps the examples of this package from rotting: runs each one briefly (small inputs) and
//! checks its exit status and the lines that carry its point.

mod support;

use support::{line, run};

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
    let path = std::env::temp_dir().join(format!("pool-examples-log-{}.log", std::process::id()));
    let mut log = String::new();
    for i in 0..100 {
        log.push_str(&format!(
            "10.0.0.{} GET /api/v1/users?page={i} 200 {} 512 ua=curl/8.5 region=eu-west-1 tags=web,v1\n",
            i % 256,
            1000 + i
        ));
    }
    log.push_str("this line is not an access-log line\n");
    std::fs::write(&path, log).expect("write the test log");
    let out = run("log_pipeline", &[path.to_str().expect("a UTF-8 temp path")]);
    let _ = std::fs::remove_file(&path);
    line(&out, "lines: 100 parsed, 1 malformed");
}
