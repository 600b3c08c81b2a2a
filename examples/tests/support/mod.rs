//! Runs this package's examples from its tests (shared with `integrations/tests/` by `#[path]`).
//!
//! Cargo gives integration tests the path of the package's binaries (`CARGO_BIN_EXE_<name>`) but
//! not of its examples, and `cargo test --test examples` builds only the selected test, not the
//! examples. So the first test that needs an example runs `cargo build -p <this package>
//! --examples` itself, with the cargo binary, target directory and profile of the test that is
//! running (found from the test executable's own path, `<target-dir>/<profile>/deps/<test>-<hash>`),
//! and then takes the executable from `<target-dir>/<profile>/examples/`. Under a plain
//! `cargo test` the examples are already built and that build is a no-op; either way the binary
//! is never stale.

#![allow(dead_code, reason = "each test crate uses a part of this module")]

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// The path of the example `name` of this package, built and up to date.
pub(crate) fn example(name: &str) -> PathBuf {
    static PROFILE_DIR: OnceLock<PathBuf> = OnceLock::new();
    let profile_dir = PROFILE_DIR.get_or_init(build_examples);
    let path = profile_dir
        .join("examples")
        .join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    assert!(
        path.is_file(),
        "example {name} not found at {}",
        path.display()
    );
    path
}

/// Builds every example of this package; returns `<target-dir>/<profile>`.
fn build_examples() -> PathBuf {
    let exe = std::env::current_exe().expect("the test executable's path");
    let deps = exe.parent().expect("the test executable's directory");
    let profile_dir = deps
        .parent()
        .expect("the test executable lives in <target-dir>/<profile>/deps")
        .to_path_buf();
    let target_dir = profile_dir.parent().expect("the target directory");
    let profile = match profile_dir.file_name().and_then(|n| n.to_str()) {
        Some("debug") => "dev",
        Some(other) => other,
        None => panic!("unexpected test path {}", exe.display()),
    };
    // `CARGO` is set by cargo for the tests it runs; the compile-time value is the fallback.
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| env!("CARGO").into());
    let output = Command::new(&cargo)
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")))
        .args([
            "build",
            "--quiet",
            "-p",
            env!("CARGO_PKG_NAME"),
            "--examples",
        ])
        .arg("--profile")
        .arg(profile)
        .arg("--target-dir")
        .arg(target_dir)
        .output()
        .expect("run cargo to build the examples");
    assert!(
        output.status.success(),
        "cargo build --examples failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    profile_dir
}

/// Runs example `name` with `args`, kills it after 60 s, asserts that it succeeded and returns
/// its stdout.
pub(crate) fn run(name: &str, args: &[&str]) -> String {
    let mut child = Command::new(example(name))
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
pub(crate) fn line<'a>(output: &'a str, prefix: &str) -> &'a str {
    output
        .lines()
        .find(|l| l.starts_with(prefix))
        .unwrap_or_else(|| panic!("no line starting with {prefix:?} in:\n{output}"))
}
