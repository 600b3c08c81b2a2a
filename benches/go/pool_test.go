// Go's sync.Pool on the pool_ops benchmark (benches/pool_ops.rs): get a 4096-byte buffer,
// append 64 bytes, reset its length to 0, put it back. The standard library only.
//
//	cd benches/go && go test -bench . -benchmem -benchtime 1s -count 3 -cpu 1,2
//
// The 1-thread figure is BenchmarkSyncPool with -cpu 1. BenchmarkSyncPoolParallel with -cpu 2
// runs one goroutine per P (2) on one pool; its ns/op is the wall time divided by the
// operations of both goroutines, so the time per operation per thread (what the 2-thread group
// of pool_ops reports) is ns/op x 2. The Fresh rows allocate a new buffer per operation
// (kept alive by a sink, so that it is not put on the stack) for reference.
// scripts/bench-report runs these and benches/report.rs reads the output.
package local

import (
	"sync"
	"sync/atomic"
	"testing"
)

// capacity of every buffer, as CAP in pool_ops.rs.
const capacity = 4096

// data is what each operation writes, as DATA in pool_ops.rs.
var data = func() (d [64]byte) {
	for i := range d {
		d[i] = 0xA5
	}
	return
}()

func newBuf() any {
	b := make([]byte, 0, capacity)
	return &b
}

// work is pool_ops.rs's work(): 64 bytes appended. The buffer lives on the heap (the pool
// hands out pointers), so the stores are not removed.
func work(b *[]byte) {
	*b = append(*b, data[:]...)
}

func poolOp(p *sync.Pool) {
	b := p.Get().(*[]byte)
	work(b)
	*b = (*b)[:0]
	p.Put(b)
}

// sinks keep fresh buffers alive past the operation: a buffer stored in a package-level
// variable escapes, so make allocates it on the heap, as Vec::with_capacity does. One padded
// sink per goroutine, so that two goroutines do not write one cache line.
var sinks [64]struct {
	b []byte
	_ [128 - 24]byte
}

var nextSink atomic.Int32

func freshOp(sink *[]byte) {
	b := make([]byte, 0, capacity)
	b = append(b, data[:]...)
	*sink = b
}

func BenchmarkSyncPool(b *testing.B) {
	p := sync.Pool{New: newBuf}
	poolOp(&p)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		poolOp(&p)
	}
}

func BenchmarkSyncPoolParallel(b *testing.B) {
	p := sync.Pool{New: newBuf}
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			poolOp(&p)
		}
	})
}

func BenchmarkFresh(b *testing.B) {
	sink := &sinks[0].b
	for i := 0; i < b.N; i++ {
		freshOp(sink)
	}
}

func BenchmarkFreshParallel(b *testing.B) {
	b.RunParallel(func(pb *testing.PB) {
		sink := &sinks[int(nextSink.Add(1))%len(sinks)].b
		for pb.Next() {
			freshOp(sink)
		}
	})
}
