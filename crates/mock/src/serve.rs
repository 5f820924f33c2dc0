//! The accept loop. It is hand-written rather than `axum::serve` so that a fault can close
//! the very connection a request came on, before any answer: what a client sees when a
//! gateway drops it.

use std::sync::Arc;

use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, watch};
use tower::ServiceExt;

/// Closes the connection of the request it is attached to.
#[derive(Clone)]
pub(crate) struct ConnectionCut(Arc<Notify>);

impl ConnectionCut {
    pub(crate) fn cut(&self) {
        self.0.notify_one();
    }
}

pub(crate) async fn serve(listener: TcpListener, router: Router, mut stop: watch::Receiver<bool>) {
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    tokio::spawn(connection(stream, router.clone(), stop.clone()));
                }
                Err(error) => {
                    // Out of file descriptors, say: wait, rather than spin.
                    tracing::warn!(%error, "accept failed");
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                }
            },
            _ = stop.changed() => return,
        }
    }
}

async fn connection(stream: TcpStream, router: Router, mut stop: watch::Receiver<bool>) {
    let cut = ConnectionCut(Arc::new(Notify::new()));
    let service = {
        let cut = cut.clone();
        hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
            request.extensions_mut().insert(cut.clone());
            router.clone().oneshot(request)
        })
    };
    let connection =
        hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), service);
    tokio::select! {
        result = connection => {
            if let Err(error) = result {
                tracing::debug!(%error, "connection ended with an error");
            }
        }
        // Dropping the connection future closes the socket with no answer.
        _ = cut.0.notified() => {}
        _ = stop.changed() => {}
    }
}
