//! Memory pressure for [`PoolBuilder::pressure`](crate::PoolBuilder::pressure): functions that
//! say which fraction of the memory limit is in use.

use std::fs;
use std::path::{Path, PathBuf};

/// The fraction of this process's cgroup v2 memory limit in use: `memory.current` divided by
/// `memory.max`, from 0.0 up (above 1.0 is possible while the kernel reclaims). 0.0 where there
/// is no limit (`max`), no cgroup v2, or the files cannot be read (any OS but Linux): a pool then
/// ages on its timeout alone. It reads two small files, so the pool calls it once per aging pass,
/// not per operation.
///
/// ```
/// use pool_core::Pool;
///
/// let share = pool_core::pressure::cgroup();
/// assert!(share >= 0.0);
/// let pool: Pool<Vec<u8>> = Pool::builder().pressure(pool_core::pressure::cgroup).build();
/// drop(pool.get());
/// ```
pub fn cgroup() -> f32 {
    cgroup_dir().and_then(|dir| share(&dir)).unwrap_or(0.0)
}

/// This process's cgroup v2 directory: the `0::/path` line of `/proc/self/cgroup`.
fn cgroup_dir() -> Option<PathBuf> {
    let own = fs::read_to_string("/proc/self/cgroup").ok()?;
    let path = own.lines().find_map(|line| line.strip_prefix("0::"))?;
    Some(Path::new("/sys/fs/cgroup").join(path.trim().trim_start_matches('/')))
}

/// `memory.current / memory.max` in `dir`; `None` without a limit or a readable file.
fn share(dir: &Path) -> Option<f32> {
    let read = |name: &str| fs::read_to_string(dir.join(name)).ok();
    let max = read("memory.max")?;
    let max: u64 = max.trim().parse().ok()?; // "max": no limit
    let current: u64 = read("memory.current")?.trim().parse().ok()?;
    (max > 0).then(|| current as f32 / max as f32)
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    #[cfg_attr(
        miri,
        ignore = "miri's isolation refuses the mkdir of the fake cgroup directory"
    )]
    fn reads_a_limit_and_treats_max_as_none() {
        let dir = std::env::temp_dir().join(format!("pool-core-cgroup-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join("memory.current"), "750\n").unwrap();
        fs::write(dir.join("memory.max"), "1000\n").unwrap();
        assert_eq!(share(&dir), Some(0.75));
        fs::write(dir.join("memory.max"), "max\n").unwrap();
        assert_eq!(share(&dir), None);
        fs::remove_dir_all(&dir).unwrap();
        assert!(cgroup() >= 0.0);
    }
}
