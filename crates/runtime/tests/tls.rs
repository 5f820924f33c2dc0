//! HTTPS through the runtime's HTTP client, against a TLS server on loopback with a
//! self-signed certificate: the TLS feature the crate is built with really connects. Under
//! the default `rustls` feature this also proves the ring provider is installed before the
//! client is built (reqwest without aws-lc-rs panics otherwise).
#![cfg(any(
    feature = "rustls",
    feature = "rustls-aws-lc-rs",
    feature = "native-tls"
))]

use std::sync::Arc;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::{self, pki_types::PrivateKeyDer};

/// Serves one HTTPS request on 127.0.0.1 with a certificate for `localhost` and `127.0.0.1`;
/// answers the port and the certificate in PEM for the client to trust.
async fn https_server() -> (u16, String) {
    let certified =
        rcgen::generate_simple_self_signed(vec!["localhost".to_owned(), "127.0.0.1".to_owned()])
            .expect("a self-signed certificate");
    let key = PrivateKeyDer::try_from(certified.signing_key.serialize_der()).expect("a key");
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("TLS versions")
    .with_no_client_auth()
    .with_single_cert(vec![certified.cert.der().clone()], key)
    .expect("a server config");
    let acceptor = TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("a port");
    let port = listener.local_addr().expect("an address").port();
    tokio::spawn(async move {
        let (tcp, _) = listener.accept().await.expect("a connection");
        let mut tls = acceptor.accept(tcp).await.expect("a TLS handshake");
        let mut request = Vec::new();
        let mut buffer = [0u8; 1024];
        while !request.windows(4).any(|w| w == b"\r\n\r\n") {
            let read = tls.read(&mut buffer).await.expect("the request");
            if read == 0 {
                return;
            }
            request.extend_from_slice(&buffer[..read]);
        }
        tls.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 7\r\nconnection: close\r\n\r\nsecured")
            .await
            .expect("the answer");
        tls.shutdown().await.ok();
    });
    (port, certified.cert.pem())
}

#[tokio::test]
async fn https_is_served_through_the_tls_feature_the_crate_is_built_with() {
    let (port, pem) = https_server().await;
    let certificate = reqwest::Certificate::from_pem(pem.as_bytes()).expect("a PEM certificate");
    let http = vmware_cpn_runtime::http_client_builder()
        .add_root_certificate(certificate)
        .build()
        .expect("a client");
    let answer = http
        .get(format!("https://127.0.0.1:{port}/"))
        .send()
        .await
        .expect("an HTTPS answer");
    assert_eq!(answer.status(), 200);
    assert_eq!(answer.text().await.expect("a body"), "secured");
}
