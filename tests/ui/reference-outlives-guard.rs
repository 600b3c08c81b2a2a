// Go's rule "don't keep references to pooled objects after Put" is a borrow error here: a
// reference into a pooled object cannot outlive its guard.
use pool_core::Pool;

fn main() {
    let pool: Pool<String> = Pool::new();
    let leaked: &str;
    {
        let mut guard = pool.get();
        guard.push_str("request 1");
        leaked = &guard;
    } // the object is reset and returned here
    println!("{leaked}");
}
