//! `BufferPool` on both ends of a TCP echo: a server on 127.0.0.1 (any free port) that reads
//! into a 64 KiB buffer from the pool (`get_owned`, held across the `.await`s of one read and
//! its echo) and writes it back; and clients in the same program that send messages of 100 B to
//! 300 KiB over a few connections, each message built in a pooled buffer of the class that fits
//! (`get(n)`), and check every echo byte for byte. Then it prints the pool's statistics per size
//! class and stops.
//!
//! ```sh
//! cargo run --release --example buffers
//! cargo run --release --example buffers -- --messages 200   # messages per connection
//! ```

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;

use pool_core::BufferPool;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const CONNECTIONS: usize = 4;
const READ_BUFFER: usize = 64 << 10;

/// The echo server: one task per connection, one pooled 64 KiB buffer per read.
async fn echo_server(listener: TcpListener, pool: Arc<BufferPool>) {
    loop {
        let mut stream = match listener.accept().await {
            Ok((stream, _peer)) => stream,
            Err(e) => {
                eprintln!("accept failed: {e}");
                continue;
            }
        };
        let pool = Arc::clone(&pool);
        tokio::spawn(async move {
            loop {
                // `'static` and `Send`: it can live in this spawned task across the `.await`s.
                let mut buf = pool.get_owned(READ_BUFFER);
                // `read_buf` fills the spare capacity: no zeroing, no growth.
                match stream.read_buf(&mut *buf).await {
                    Ok(0) => return, // the client closed the connection
                    Ok(_) => {
                        if let Err(e) = stream.write_all(&buf).await {
                            eprintln!("echo write failed: {e}");
                            return;
                        }
                    }
                    Err(e) => {
                        eprintln!("echo read failed: {e}");
                        return;
                    }
                }
            } // the buffer goes back to the pool at the end of each iteration
        });
    }
}

/// The length of message `i` on connection `conn`: mostly small, some medium, a few large.
fn message_len(conn: usize, i: usize) -> usize {
    let x = (i * 7919 + conn * 104_729) % 1000;
    match i % 10 {
        0..=5 => 100 + x * 4,    // 100 B .. 4 KiB: the 4 KiB class
        6..=8 => 5_000 + x * 60, // 5 KB .. 65 KB: the 64 KiB class (or 1 MiB)
        _ => 100_000 + x * 200,  // 100 KB .. 300 KB: the 1 MiB class
    }
}

/// Sends `messages` messages and checks their echoes; returns the bytes sent.
async fn client(addr: SocketAddr, conn: usize, messages: usize, pool: Arc<BufferPool>) -> usize {
    let mut stream = TcpStream::connect(addr)
        .await
        .expect("connect to the echo server");
    let (mut rd, mut wr) = stream.split();
    let mut sent = 0;
    for i in 0..messages {
        let len = message_len(conn, i);
        let mut msg = pool.get(len);
        msg.extend((0..len).map(|b| (b * 31 + i * 7 + conn) as u8));
        let mut echo = pool.get(len);
        // Write and read at once: a large message's echo must be drained while it is sent.
        let send = wr.write_all(&msg);
        let receive = async {
            while echo.len() < len {
                let n = rd.read_buf(&mut *echo).await.expect("read the echo");
                assert!(n > 0, "the server closed connection {conn} early");
            }
        };
        let (sent_result, ()) = tokio::join!(send, receive);
        sent_result.expect("send a message to the echo server");
        assert!(
            echo[..] == msg[..],
            "the echo of message {i} on connection {conn} differs"
        );
        sent += len;
    }
    sent
}

fn main() {
    let mut per_connection = 250;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match (arg.as_str(), args.next().map(|v| v.parse::<usize>())) {
            ("--messages", Some(Ok(v))) => per_connection = v,
            _ => {
                eprintln!("usage: buffers [--messages N]   (per connection, default 250)");
                std::process::exit(2);
            }
        }
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("start the tokio runtime");
    let pool = Arc::new(BufferPool::new());
    let sent = runtime.block_on(async {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .await
            .expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("the listener's address");
        println!("echo server on {addr}, {CONNECTIONS} client connections");
        let server = tokio::spawn(echo_server(listener, Arc::clone(&pool)));
        let clients: Vec<_> = (0..CONNECTIONS)
            .map(|conn| tokio::spawn(client(addr, conn, per_connection, Arc::clone(&pool))))
            .collect();
        let mut sent = 0;
        for client in clients {
            sent += client.await.expect("a client task panicked");
        }
        server.abort();
        sent
    });
    drop(runtime); // ends the connection tasks, which return their buffers

    println!(
        "echoed {} messages ({:.1} MiB) over {CONNECTIONS} connections: every echo matched",
        per_connection * CONNECTIONS,
        sent as f64 / f64::from(1 << 20)
    );
    println!("per class:");
    for (size, stats) in pool.class_stats() {
        println!("{:>5} KiB: {stats}", size >> 10);
    }
    println!(
        "above the largest class (served fresh): {}",
        pool.unpooled_gets()
    );
}
