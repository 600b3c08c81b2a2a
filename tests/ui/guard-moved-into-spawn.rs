// A `Pooled` guard borrows its pool: it cannot move into a task that must be `'static`
// (`std::thread::spawn`, `tokio::spawn`); `Arc<Pool<T>>::get_owned` is the guard for that.
use pool_core::Pool;

fn spawn<F: FnOnce() + Send + 'static>(f: F) {
    drop(f);
}

fn main() {
    let pool: Pool<Vec<u8>> = Pool::new();
    let mut buf = pool.get();
    spawn(move || buf.push(1));
}
