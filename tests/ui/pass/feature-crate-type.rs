// The advice of tests/ui/feature-crate-type.stderr, followed: with the feature on (the test build
// turns every pool-core feature on), a type it covers resets, whether the field names it by its
// path or by the name a `use` brought in; a type of that crate it does not cover takes
// `#[poolable(default)]`. A module of the user's own that happens to share a crate's name is
// reset through its own `Poolable` impl, as any type is.
use pool_core::{LocalPool, Poolable};
use smallvec::SmallVec;
use uuid::Uuid;

mod http {
    /// Not the `http` crate: a type of this crate, with its own impl.
    #[derive(Default)]
    pub struct Route(pub String);

    impl pool_core::Poolable for Route {
        fn reset(&mut self) {
            self.0.clear();
        }
    }
}

#[derive(Poolable, Default)]
struct Proxy {
    #[poolable(default)]
    upstream: ::http::Request<Vec<u8>>,
    headers: ::http::HeaderMap,
    id: uuid::Uuid,
    parent: Uuid,
    hops: SmallVec<[u16; 4]>,
    route: http::Route,
}

fn main() {
    let pool: LocalPool<Proxy> = LocalPool::new();
    {
        let mut proxy = pool.get();
        *proxy.upstream.uri_mut() = "/upload".parse().unwrap();
        proxy.upstream.body_mut().push(1);
        proxy.headers.insert("host", "example.com".parse().unwrap());
        proxy.id = Uuid::from_u128(7);
        proxy.parent = Uuid::from_u128(8);
        proxy.hops.push(3);
        proxy.route.0.push_str("/a");
    }
    let proxy = pool.get();
    assert_eq!(pool.stats().creations, 1, "the same value, reused");
    assert_eq!(proxy.upstream.uri(), "/");
    assert!(proxy.upstream.body().is_empty());
    assert!(proxy.headers.is_empty());
    assert!(proxy.id.is_nil() && proxy.parent.is_nil());
    assert!(proxy.hops.is_empty());
    assert!(proxy.route.0.is_empty());
}
