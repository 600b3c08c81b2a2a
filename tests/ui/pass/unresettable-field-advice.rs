// The advice of tests/ui/unresettable-field.stderr, followed as written, for fields of types that
// do not implement `Poolable` and that this crate cannot implement it for (std's `File`,
// `Instant`, `DefaultHasher`): each way compiles, and a reused value is fresh.
use std::fs::File;
use std::hash::{DefaultHasher, Hasher};
use std::time::Instant;

use pool_core::{Pool, Poolable};

/// "implement it for a newtype of yours that wraps it": the time a request started.
struct Started(Instant);

impl Default for Started {
    fn default() -> Self {
        Started(Instant::now())
    }
}

impl Poolable for Started {
    fn reset(&mut self) {
        self.0 = Instant::now();
    }
}

/// "`path(&mut field)`": a `reset_with` function.
fn restart(at: &mut Instant) {
    *at = Instant::now();
}

#[derive(Poolable)]
struct Upload {
    /// "make the field an `Option<File>`, which a reset sets to `None`": the file is closed.
    file: Option<File>,
    /// "`#[poolable(default)]` (assigns `Default::default()`)".
    #[poolable(default)]
    checksum: DefaultHasher,
    #[poolable(reset_with = restart)]
    received: Instant,
    started: Started,
    name: String,
}

fn main() {
    let pool = Pool::with_factory(|| Upload {
        file: None,
        checksum: DefaultHasher::new(),
        received: Instant::now(),
        started: Started::default(),
        name: String::new(),
    });
    let before = Instant::now();
    {
        let mut upload = pool.get();
        upload.file = Some(File::open(std::env::current_exe().unwrap()).unwrap());
        upload.checksum.write(b"secret");
        upload.name.push_str("report.pdf");
    }
    let upload = pool.get();
    assert_eq!(pool.stats().creations, 1, "the same value, reused");
    assert!(upload.file.is_none());
    assert_eq!(upload.checksum.finish(), DefaultHasher::new().finish());
    assert!(upload.received >= before && upload.started.0 >= before);
    assert!(upload.name.is_empty());
}
