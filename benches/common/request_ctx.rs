//! `request_ctx`: a web request's context, filled from an incoming request (3 ids, 8 headers, a
//! 1 KiB body), read, and released: once per request.

use std::cell::RefCell;
use std::hint::black_box;
use std::sync::LazyLock;

use pool_core::{LocalPool, Pool, Poolable};
use pool_suite::workloads::{
    Headers, PlainRequestCtx, RequestContext, RequestCtx, SyntheticRequest, synthetic_requests,
};

use super::{Contender, Object, other_pools};

/// How many different requests the operations cycle through.
pub(crate) const REQUESTS: usize = 64;

static INPUT: LazyLock<Vec<SyntheticRequest>> = LazyLock::new(|| synthetic_requests(REQUESTS));

/// The request operation `i` serves.
#[inline(always)]
fn request(i: u64) -> &'static SyntheticRequest {
    &INPUT[i as usize % REQUESTS]
}

/// Both context types, so that one generic operation serves every contender.
pub(crate) trait Ctx: Poolable + Default + Send + Sync + 'static {
    /// Copies the request in.
    fn fill_from(&mut self, req: &SyntheticRequest);
    /// Reads every field.
    fn sum(&self) -> usize;
}

/// Both contexts are one generic `RequestContext<H>`, so one impl serves them.
impl<H> Ctx for RequestContext<H>
where
    H: Headers + Poolable + Default + Send + Sync + 'static,
{
    #[inline(always)]
    fn fill_from(&mut self, req: &SyntheticRequest) {
        self.fill(req);
    }
    #[inline(always)]
    fn sum(&self) -> usize {
        self.checksum()
    }
}

impl Object for RequestCtx {
    fn create() -> Self {
        Self::default()
    }
    fn clean(&mut self) {
        self.reset();
    }
}

impl Object for PlainRequestCtx {
    fn create() -> Self {
        Self::with_capacity()
    }
    fn clean(&mut self) {
        self.reset();
    }
}

/// One request's work on a context, as the other pools call it.
fn serve_other<C: Ctx>(ctx: &mut C, (): &mut (), i: u64) {
    serve(ctx, i);
}

/// One request's work on a context.
#[inline(always)]
fn serve<C: Ctx>(ctx: &mut C, i: u64) {
    ctx.fill_from(black_box(request(i)));
    black_box(ctx.sum());
}

/// Every contender.
pub(crate) fn contenders() -> Vec<Contender> {
    LazyLock::force(&INPUT);
    let pool: Pool<RequestCtx> = Pool::new();
    let plain_pool: Pool<PlainRequestCtx> = Pool::with_factory(PlainRequestCtx::with_capacity);
    let local: LocalPool<RequestCtx> = LocalPool::new();
    let floor = RefCell::new(RequestCtx::default());
    let mut all = vec![
        Contender::shared("pool_core_Pool_RequestCtx", move |n| {
            for i in 0..n {
                serve(&mut *pool.get(), i);
            }
        }),
        Contender::shared("pool_core_Pool_PlainRequestCtx", move |n| {
            for i in 0..n {
                serve(&mut *plain_pool.get(), i);
            }
        }),
        Contender::local("pool_core_LocalPool_RequestCtx", move |n| {
            for i in 0..n {
                serve(&mut *local.get(), i);
            }
        }),
        Contender::shared("fresh_system_PlainRequestCtx_with_capacity", |n| {
            for i in 0..n {
                serve(&mut PlainRequestCtx::with_capacity(), i);
            }
        }),
        Contender::shared("fresh_system_RequestCtx_default", |n| {
            for i in 0..n {
                serve(&mut RequestCtx::default(), i);
            }
        }),
        Contender::local("floor_one_RequestCtx_reset_in_place", move |n| {
            let mut ctx = floor.borrow_mut();
            for i in 0..n {
                serve(&mut *ctx, i);
                ctx.reset();
            }
        }),
    ];
    all.extend(other_pools("_RequestCtx", serve_other::<RequestCtx>));
    all.extend(other_pools(
        "_PlainRequestCtx",
        serve_other::<PlainRequestCtx>,
    ));
    all
}
