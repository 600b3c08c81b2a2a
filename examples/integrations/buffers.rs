//! `BufferPool` on both ends of a length-prefixed protocol, as Kafka and most binary protocols
//! frame their messages: each frame is a 4-byte big-endian length, then that many bytes.
//!
//! The server (127.0.0.1, any free port) reads a frame's prefix, takes a buffer of exactly that
//! size with `try_get_owned` (the size comes from the peer, so it must be allowed to fail), reads
//! the frame into it and echoes it back. A prefix above the pool's `max_buffer` (1 MiB here) gets
//! an error frame, and only that connection is closed: one hostile client cannot abort the
//! process nor disturb the others. Clients in the same program send frames of 100 B to 300 KiB
//! over a few connections, before, during and after a hostile client that announces a frame of
//! 2^31 - 1 bytes, and check every echo byte for byte. Then it prints the pool's statistics per
//! size class and stops.
//!
//! Replies are frames too: the length (which counts the kind byte), a kind byte (`0` echo,
//! `1` error), then the echoed bytes or the error's message.
//!
//! ```sh
//! cargo run --release -p pool-examples-integrations --example buffers
//! # 200 frames per connection:
//! cargo run --release -p pool-examples-integrations --example buffers -- --messages 200
//! ```

use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;

use pool_core::BufferPool;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Honest connections before and during the hostile client's (one more connects after it).
const CONNECTIONS: usize = 4;
/// The largest frame the server accepts, and its pool's `max_buffer`.
const MAX_FRAME: usize = 1 << 20;
/// The prefix the hostile client sends: 2^31 - 1 bytes announced.
const HOSTILE_PREFIX: u32 = i32::MAX as u32;

const ECHO: u8 = 0;
const ERROR: u8 = 1;

/// Reads a frame's 4-byte big-endian length; `None` at a clean end of the stream.
async fn read_prefix(stream: &mut (impl AsyncRead + Unpin)) -> io::Result<Option<u32>> {
    let mut prefix = [0; 4];
    match stream.read_exact(&mut prefix).await {
        Ok(_) => Ok(Some(u32::from_be_bytes(prefix))),
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => Ok(None),
        Err(e) => Err(e),
    }
}

/// Reads exactly `len` more bytes into `buf`'s spare capacity: no zeroing, no growth.
async fn read_frame(
    stream: &mut (impl AsyncRead + Unpin),
    buf: &mut Vec<u8>,
    len: usize,
) -> io::Result<()> {
    let mut frame = stream.take(len as u64);
    while buf.len() < len {
        if frame.read_buf(buf).await? == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
    }
    Ok(())
}

/// The server: one task per connection, one pooled buffer per frame, sized by its prefix.
async fn frame_server(listener: TcpListener, pool: Arc<BufferPool>) {
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _peer)) => stream,
            Err(e) => {
                eprintln!("accept failed: {e}");
                continue;
            }
        };
        let pool = Arc::clone(&pool);
        tokio::spawn(async move {
            if let Err(e) = serve(stream, &pool).await {
                eprintln!("connection failed: {e}");
            }
        });
    }
}

/// Serves one connection until the client closes it or sends a frame too large to serve.
async fn serve(mut stream: TcpStream, pool: &Arc<BufferPool>) -> io::Result<()> {
    stream.set_nodelay(true)?;
    while let Some(len) = read_prefix(&mut stream).await? {
        // The size comes from the peer: `try_get_owned`, never `get_owned`. The guard is
        // `'static` and `Send`, so it lives in this task across the `.await`s.
        let mut buf = match pool.try_get_owned(len as usize) {
            Ok(buf) => buf,
            Err(refused) => {
                // Answer, and close this connection only: the frame's bytes are never read.
                let message = refused.to_string();
                let reply_len = u32::try_from(message.len() + 1).expect("a short message");
                stream.write_all(&reply_len.to_be_bytes()).await?;
                stream.write_all(&[ERROR]).await?;
                stream.write_all(message.as_bytes()).await?;
                return stream.shutdown().await;
            }
        };
        read_frame(&mut stream, &mut buf, len as usize).await?;
        stream.write_all(&(len + 1).to_be_bytes()).await?;
        stream.write_all(&[ECHO]).await?;
        stream.write_all(&buf).await?;
    } // the buffer goes back to the pool after each frame
    Ok(())
}

/// The length of frame `i` on connection `conn`: mostly small, some medium, a few large.
fn frame_len(conn: usize, i: usize) -> usize {
    let x = (i * 7919 + conn * 104_729) % 1000;
    match i % 10 {
        0..=5 => 100 + x * 4,    // 100 B .. 4 KiB: the 4 KiB class
        6..=8 => 5_000 + x * 60, // 5 KB .. 65 KB: the 64 KiB class (or 1 MiB)
        _ => 100_000 + x * 200,  // 100 KB .. 300 KB: the 1 MiB class
    }
}

/// Sends `frames` frames and checks their echoes; returns the payload bytes sent.
async fn client(addr: SocketAddr, conn: usize, frames: usize, pool: Arc<BufferPool>) -> usize {
    let mut stream = TcpStream::connect(addr)
        .await
        .expect("connect to the server");
    stream.set_nodelay(true).expect("set TCP_NODELAY");
    let (mut rd, mut wr) = stream.split();
    let mut sent = 0;
    for i in 0..frames {
        let len = frame_len(conn, i);
        // Prefix and payload in one pooled buffer, sent with one write.
        let mut frame = pool.get(4 + len);
        frame.extend_from_slice(&u32::try_from(len).expect("a small frame").to_be_bytes());
        frame.extend((0..len).map(|b| (b * 31 + i * 7 + conn) as u8));
        let mut echo = pool.get(len);
        // Write and read at once: a large frame's echo must be drained while it is sent.
        let send = wr.write_all(&frame);
        let receive = async {
            let reply = read_prefix(&mut rd).await.expect("read a reply's length");
            let reply = reply.unwrap_or_else(|| panic!("the server closed connection {conn}"));
            assert_eq!(reply as usize, len + 1, "reply length on connection {conn}");
            let kind = rd.read_u8().await.expect("read the reply's kind");
            assert_eq!(kind, ECHO, "an error frame on connection {conn}, frame {i}");
            read_frame(&mut rd, &mut echo, len)
                .await
                .expect("read the echo");
        };
        let (sent_result, ()) = tokio::join!(send, receive);
        sent_result.expect("send a frame to the server");
        assert!(
            echo[..] == frame[4..],
            "the echo of frame {i} on connection {conn} differs"
        );
        sent += len;
    }
    sent
}

/// Announces a frame of 2^31 - 1 bytes; returns the server's error message once it has also
/// closed the connection.
async fn hostile_client(addr: SocketAddr) -> String {
    let mut stream = TcpStream::connect(addr)
        .await
        .expect("connect to the server");
    stream
        .write_all(&HOSTILE_PREFIX.to_be_bytes())
        .await
        .expect("send the prefix");
    let len = read_prefix(&mut stream)
        .await
        .expect("read the reply's length")
        .expect("a reply before the close");
    assert_eq!(stream.read_u8().await.expect("read its kind"), ERROR);
    let mut message = vec![0; len as usize - 1];
    stream
        .read_exact(&mut message)
        .await
        .expect("read the error message");
    let mut rest = Vec::new();
    let n = stream
        .read_to_end(&mut rest)
        .await
        .expect("read to the end");
    assert_eq!(
        n, 0,
        "the server closed the connection after the error frame"
    );
    String::from_utf8(message).expect("a UTF-8 error message")
}

fn main() {
    let mut per_connection = 250;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match (arg.as_str(), args.next().map(|v| v.parse::<usize>())) {
            ("--messages", Some(Ok(v))) => per_connection = v,
            _ => {
                eprintln!("usage: buffers [--messages N]   (frames per connection, default 250)");
                std::process::exit(2);
            }
        }
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("start the tokio runtime");
    // The server's `max_buffer` is its protocol's frame limit; the clients share the pool.
    let pool = Arc::new(BufferPool::builder().max_buffer(MAX_FRAME).build());
    let (sent, refusal) = runtime.block_on(async {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .await
            .expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("the listener's address");
        println!("frame server on {addr}, frames up to {MAX_FRAME} bytes");
        let server = tokio::spawn(frame_server(listener, Arc::clone(&pool)));
        // One client served before the hostile one, the others while it connects...
        let mut sent = client(addr, 0, per_connection, Arc::clone(&pool)).await;
        let clients: Vec<_> = (1..CONNECTIONS)
            .map(|conn| tokio::spawn(client(addr, conn, per_connection, Arc::clone(&pool))))
            .collect();
        let refusal = hostile_client(addr).await;
        for client in clients {
            sent += client.await.expect("a client task panicked");
        }
        // ... and one after it.
        sent += client(addr, CONNECTIONS, per_connection, Arc::clone(&pool)).await;
        server.abort();
        (sent, refusal)
    });
    drop(runtime); // ends the connection tasks, which return their buffers

    println!("prefix {HOSTILE_PREFIX}: error frame \"{refusal}\", that connection closed");
    println!(
        "echoed {} frames ({:.1} MiB) over {} connections: every echo matched",
        per_connection * (CONNECTIONS + 1),
        sent as f64 / f64::from(1 << 20),
        CONNECTIONS + 1
    );
    println!("per class:");
    for class in pool.class_stats() {
        println!("{class}");
    }
    println!(
        "above the largest class (served fresh): {}, refused: {}",
        pool.unpooled_gets(),
        pool.refused_gets()
    );
}
