// A pool of a type without `Poolable`, no derive and no field involved: the message is the
// trait's general one (nothing about "this field").
use std::fs::File;

use pool_core::Pool;

fn main() {
    let pool: Pool<File> = Pool::with_factory(|| File::open("/dev/null").unwrap());
    drop(pool);
}
