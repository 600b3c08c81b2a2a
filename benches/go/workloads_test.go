// The seed's workloads in Go, with and without sync.Pool, beside ours in BENCHMARKS.md's
// "Go beside us" table (scripts/bench-report runs them with -count <rounds>, one sample per
// round; benches/report.rs pairs each with our contender on the same work). Standard library only.
//
//	cd benches/go && go test -bench . -benchmem -benchtime 200ms -count 9 -cpu 1
//
// What each one does, and how it differs from ours where Go's idiom differs:
//   - JSONEncode*: encoding/json of the same 82-byte object into a bytes.Buffer (the seed's
//     sync.Pool example) against json_encode's pool_core_Pool (serde_json into a pooled Vec<u8>).
//   - RequestCtx*: a request context filled from one of 64 synthetic requests (3 ids, 8 headers,
//     1 KiB body), read, released, against request_ctx's pool_core_Pool_RequestCtx. Go's strings
//     are immutable and shared, so filling stores pointers where ours copies the bytes into
//     strings the context keeps: Go does less work per request here.
//   - ReadBuffers*: a 64 KiB buffer, 16 KiB read into it from memory, checksummed, released,
//     against read_buffers_1thread's pool_core_BufferPool. Go's fresh make zeroes the 64 KiB.
//   - SizeClasses*: one sync.Pool per class (4 KiB, 64 KiB, 1 MiB; larger requests fresh), sizes
//     cycling through 1 KiB, 16 KiB, 64 KiB, 200 KiB, 1 MiB, 64 bytes written, against
//     size_classes' pool_core_BufferPool.
package local

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"sync"
	"testing"
)

// ---- JSON encode ------------------------------------------------------------------------------

type payload struct {
	ID     uint64   `json:"id"`
	Name   string   `json:"name"`
	Tags   []string `json:"tags"`
	Active bool     `json:"active"`
}

var thePayload = payload{ID: 42, Name: "sync-pool-test", Tags: []string{"golang", "performance", "optimization"}, Active: true}

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// sendSink is where encoded bytes go (a socket, in a server): it keeps the work observable.
var sendSink int

func BenchmarkJSONEncodeSyncPool(b *testing.B) {
	for i := 0; i < b.N; i++ {
		buf := bufPool.Get().(*bytes.Buffer)
		buf.Reset()
		if err := json.NewEncoder(buf).Encode(&thePayload); err != nil {
			b.Fatal(err)
		}
		sendSink += buf.Len()
		bufPool.Put(buf)
	}
}

var bufSink *bytes.Buffer

func BenchmarkJSONEncodeFresh(b *testing.B) {
	for i := 0; i < b.N; i++ {
		buf := new(bytes.Buffer)
		if err := json.NewEncoder(buf).Encode(&thePayload); err != nil {
			b.Fatal(err)
		}
		sendSink += buf.Len()
		bufSink = buf
	}
}

// ---- request context ----------------------------------------------------------------------------

var headerNames = [8]string{"host", "user-agent", "accept", "accept-encoding", "content-type", "content-length", "x-request-id", "authorization"}

type syntheticRequest struct {
	ids     [3]string
	headers [8][2]string
	body    []byte
}

var requests = func() (r [64]syntheticRequest) {
	for i := range r {
		r[i].ids = [3]string{fmt.Sprintf("user-%019d", i), fmt.Sprintf("session-%016d", i), fmt.Sprintf("trace-%018d", i)}
		for h, name := range headerNames {
			r[i].headers[h] = [2]string{name, fmt.Sprintf("value-%d-%012d", h, i)}
		}
		r[i].body = make([]byte, 1024)
		for j := range r[i].body {
			r[i].body[j] = byte(j + i)
		}
	}
	return
}()

type requestCtx struct {
	userID, sessionID, traceID string
	headers                    map[string]string
	body                       []byte
}

func newCtx() *requestCtx {
	return &requestCtx{headers: make(map[string]string, 16), body: make([]byte, 0, 4096)}
}

func (c *requestCtx) fill(r *syntheticRequest) {
	c.userID, c.sessionID, c.traceID = r.ids[0], r.ids[1], r.ids[2]
	for _, h := range r.headers {
		c.headers[h[0]] = h[1]
	}
	c.body = append(c.body, r.body...)
}

func (c *requestCtx) checksum() int {
	return len(c.userID) + len(c.sessionID) + len(c.traceID) + len(c.headers["host"]) + len(c.headers) + len(c.body)
}

func (c *requestCtx) reset() {
	c.userID, c.sessionID, c.traceID = "", "", ""
	for k := range c.headers { // compiled to a map clear
		delete(c.headers, k)
	}
	c.body = c.body[:0]
}

var ctxPool = sync.Pool{New: func() any { return newCtx() }}
var ctxSink *requestCtx

func BenchmarkRequestCtxSyncPool(b *testing.B) {
	for i := 0; i < b.N; i++ {
		c := ctxPool.Get().(*requestCtx)
		c.fill(&requests[i%64])
		sendSink += c.checksum()
		c.reset()
		ctxPool.Put(c)
	}
}

func BenchmarkRequestCtxFresh(b *testing.B) {
	for i := 0; i < b.N; i++ {
		c := newCtx()
		c.fill(&requests[i%64])
		sendSink += c.checksum()
		ctxSink = c
	}
}

// ---- 64 KiB read buffers ---------------------------------------------------------------------

const readBuf = 64 << 10
const msg = 16 << 10

var source = func() []byte {
	s := make([]byte, msg)
	for i := range s {
		s[i] = byte(i*31 + 7)
	}
	return s
}()

var readPool = sync.Pool{New: func() any { b := make([]byte, readBuf); return &b }}

// reader is reset per read: a package-level value, so that no reader is allocated per read.
var reader bytes.Reader

func serveRead(buf []byte) {
	reader.Reset(source)
	n, err := io.ReadFull(&reader, buf[:msg])
	if err != nil {
		panic(err)
	}
	var sum uint32
	for _, c := range buf[:n] {
		sum += uint32(c)
	}
	sendSink += int(sum)
}

func BenchmarkReadBuffersSyncPool(b *testing.B) {
	for i := 0; i < b.N; i++ {
		buf := readPool.Get().(*[]byte)
		serveRead(*buf)
		readPool.Put(buf)
	}
}

var readSink []byte

func BenchmarkReadBuffersFresh(b *testing.B) {
	for i := 0; i < b.N; i++ {
		buf := make([]byte, readBuf)
		serveRead(buf)
		readSink = buf
	}
}

// ---- size classes -----------------------------------------------------------------------------

var sizes = [5]int{1 << 10, 16 << 10, 64 << 10, 200 << 10, 1 << 20}
var classes = [3]int{4 << 10, 64 << 10, 1 << 20}

var classPools = func() (p [3]sync.Pool) {
	for i := range p {
		size := classes[i]
		p[i].New = func() any { b := make([]byte, 0, size); return &b }
	}
	return
}()

// getSized returns a buffer of capacity >= n from the smallest class that fits, and its class.
func getSized(n int) (*[]byte, int) {
	for i, c := range classes {
		if n <= c {
			return classPools[i].Get().(*[]byte), i
		}
	}
	b := make([]byte, 0, n)
	return &b, -1
}

func BenchmarkSizeClassesSyncPool(b *testing.B) {
	for i := 0; i < b.N; i++ {
		buf, class := getSized(sizes[i%len(sizes)])
		*buf = append(*buf, data[:]...)
		sendSink += len(*buf)
		*buf = (*buf)[:0]
		if class >= 0 {
			classPools[class].Put(buf)
		}
	}
}

func BenchmarkSizeClassesFresh(b *testing.B) {
	for i := 0; i < b.N; i++ {
		buf := make([]byte, 0, sizes[i%len(sizes)])
		buf = append(buf, data[:]...)
		sendSink += len(buf)
		readSink = buf
	}
}
