//! What several test files share: a drop-tracking fixture ([`DropCount`], [`Tracked`]), and the
//! example programs for the tests that run them ([`example`]).
//!
//! Each test file is its own crate and uses a part of this module, so unused items are allowed.
//!
//! [`example`] is needed because Cargo gives integration tests the path of the package's binaries (`CARGO_BIN_EXE_<name>`) but
//! not of its examples, and `cargo test --test examples` builds only the selected test, not the
//! examples. So the first test that needs an example runs `cargo build --examples` itself, with
//! the cargo binary, target directory and profile of the test that is running (found from the
//! test executable's own path, `<target-dir>/<profile>/deps/<test>-<hash>`), and then takes the
//! executable from `<target-dir>/<profile>/examples/`. Under a plain `cargo test` the examples
//! are already built and that build is a no-op; either way the binary is never stale.

#![allow(dead_code, reason = "each test crate uses a part of this module")]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};

use pool_core::Poolable;

/// Numbers the [`Tracked`] values it makes and counts their drops, so that a test can check
/// that a pool drops every object it created exactly once (`created() == dropped()` once the
/// pool is gone) and never hands one out twice (by id).
#[derive(Debug, Default)]
pub(crate) struct DropCount {
    created: AtomicU64,
    dropped: AtomicU64,
}

impl DropCount {
    pub(crate) fn new() -> Arc<Self> {
        Arc::default()
    }

    /// A new value, numbered from 0 in the order made.
    pub(crate) fn track(self: &Arc<Self>) -> Tracked {
        Tracked {
            id: self.created.fetch_add(1, Ordering::Relaxed),
            count: Arc::clone(self),
        }
    }

    /// How many values it made.
    pub(crate) fn created(&self) -> u64 {
        self.created.load(Ordering::Relaxed)
    }

    /// How many of them were dropped.
    pub(crate) fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }
}

/// A value with an id whose drop its [`DropCount`] counts. Its reset keeps the id: it is the
/// identity of the object it is (or is a field of), across reuses.
#[derive(Debug)]
pub(crate) struct Tracked {
    id: u64,
    count: Arc<DropCount>,
}

impl Tracked {
    pub(crate) fn id(&self) -> u64 {
        self.id
    }
}

impl Poolable for Tracked {
    fn reset(&mut self) {}
}

impl Drop for Tracked {
    fn drop(&mut self) {
        self.count.dropped.fetch_add(1, Ordering::Relaxed);
    }
}

/// The path of the example `name`, built and up to date.
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
        .args(["build", "--quiet", "-p", "pool-suite", "--examples"])
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
