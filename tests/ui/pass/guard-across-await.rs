// A task that owns its `Arc<Pool<T>>` can hold `get()`'s guard across `.await`: the guard borrows
// the task's own handle, and the future stays `Send` (what `tokio::spawn` asks). `get_owned()` is
// for a guard that must outlive that borrow (moved into another task, or stored).
use std::sync::Arc;

use pool_core::Pool;

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .unwrap();
    let pool: Arc<Pool<Vec<u8>>> = Arc::new(Pool::new());
    runtime.block_on(async {
        let tasks: Vec<_> = (0..8u8)
            .map(|i| {
                let pool = Arc::clone(&pool);
                tokio::spawn(async move {
                    let mut buf = pool.get();
                    assert!(buf.is_empty());
                    buf.push(i);
                    tokio::task::yield_now().await;
                    buf.push(i);
                    assert_eq!(*buf, [i, i]);
                })
            })
            .collect();
        for task in tasks {
            task.await.unwrap();
        }
    });
    assert_eq!(pool.stats().returns, 8);
}
