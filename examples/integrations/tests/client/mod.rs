//! The HTTP/1.1 client both server tests drive their example with (hyper 1 on tokio, loopback
//! only).

use std::net::SocketAddr;

use bytes::Bytes;
use http_body_util::BodyExt;
use hyper::body::Body;
use hyper::client::conn::http1::{self, SendRequest};
use hyper::{HeaderMap, Request, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

/// A connection to the server at `addr`, its driver spawned on the runtime.
pub(crate) async fn connect<B>(addr: SocketAddr) -> SendRequest<B>
where
    B: Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let stream = TcpStream::connect(addr)
        .await
        .expect("connect to the example server");
    let (sender, conn) = http1::handshake(TokioIo::new(stream))
        .await
        .expect("HTTP/1.1 handshake with the example server");
    tokio::spawn(async move {
        if let Err(e) = conn.await {
            panic!("client connection failed: {e}");
        }
    });
    sender
}

/// Sends `req` once the connection is ready; returns the status, the headers and the whole
/// body.
pub(crate) async fn send<B>(
    sender: &mut SendRequest<B>,
    req: Request<B>,
) -> (StatusCode, HeaderMap, Bytes)
where
    B: Body + Send + 'static,
{
    sender
        .ready()
        .await
        .expect("connection ready for a request");
    let response = sender
        .send_request(req)
        .await
        .expect("a response from the example server");
    let (parts, body) = response.into_parts();
    let body = body.collect().await.expect("the response body").to_bytes();
    (parts.status, parts.headers, body)
}
