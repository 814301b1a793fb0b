//! A tiny HTTP/1.x client over `std::net::TcpStream`: send raw request bytes, read to
//! EOF (every Loomiere response closes the connection), split status line, header
//! fields and body.

use std::io::{ErrorKind, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::thread::sleep;
use std::time::{Duration, Instant};

/// How long any read or write may block before the test fails.
const IO_TIMEOUT: Duration = Duration::from_secs(30);

/// One parsed response.
#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    /// Header fields in order, names as sent.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    /// The value of the only field named `name` (case-insensitive); `None` when
    /// absent; panics when it is repeated.
    pub fn header(&self, name: &str) -> Option<&str> {
        let mut found = self
            .headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name));
        let first = found.next().map(|(_, v)| v.as_str());
        assert!(
            found.next().is_none(),
            "header {name} repeated in {:?}",
            self.headers
        );
        first
    }

    /// Like [`Response::header`], but panics when the field is absent.
    pub fn must(&self, name: &str) -> &str {
        self.header(name)
            .unwrap_or_else(|| panic!("no {name} header in {:?}", self.headers))
    }

    /// `Content-Length` as a number.
    pub fn content_length(&self) -> u64 {
        let v = self.must("Content-Length");
        v.parse()
            .unwrap_or_else(|e| panic!("Content-Length {v:?}: {e}"))
    }

    /// Asserts the status, showing the head and the start of the body when it differs.
    pub fn expect(&self, status: u16) -> &Self {
        assert_eq!(
            self.status,
            status,
            "unexpected status; response: {}",
            self.summary()
        );
        self
    }

    /// Asserts that the body is exactly `Content-Length` bytes long.
    pub fn complete(&self) -> &Self {
        assert_eq!(
            self.body.len() as u64,
            self.content_length(),
            "body length vs Content-Length: {}",
            self.summary()
        );
        self
    }

    /// Status, fields and up to 200 bytes of body, for failure messages.
    pub fn summary(&self) -> String {
        let body = &self.body[..self.body.len().min(200)];
        format!(
            "{} {:?} body({} bytes) {:?}",
            self.status,
            self.headers,
            self.body.len(),
            String::from_utf8_lossy(body)
        )
    }
}

/// `GET TARGET HTTP/1.0` with no fields: the simplest request that works.
pub fn get(target: &str) -> Vec<u8> {
    format!("GET {target} HTTP/1.0\r\n\r\n").into_bytes()
}

/// `METHOD TARGET HTTP/1.1` with `Host: localhost` and `fields`.
pub fn request(method: &str, target: &str, fields: &[(&str, &str)]) -> Vec<u8> {
    let mut text = format!("{method} {target} HTTP/1.1\r\nHost: localhost\r\n");
    for (name, value) in fields {
        text.push_str(&format!("{name}: {value}\r\n"));
    }
    text.push_str("\r\n");
    text.into_bytes()
}

/// Connects to `127.0.0.1:port`, retrying a refused connection for a few seconds (a
/// supervisor that just said it listens may not have called listen(2) yet).
pub fn connect(port: u16) -> TcpStream {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        match TcpStream::connect_timeout(&addr, IO_TIMEOUT) {
            Ok(s) => {
                s.set_read_timeout(Some(IO_TIMEOUT))
                    .expect("set_read_timeout");
                s.set_write_timeout(Some(IO_TIMEOUT))
                    .expect("set_write_timeout");
                return s;
            }
            Err(e) if e.kind() == ErrorKind::ConnectionRefused && Instant::now() < deadline => {
                sleep(Duration::from_millis(20));
            }
            Err(e) => panic!("connect to {addr}: {e}"),
        }
    }
}

/// Sends `raw` on a new connection and reads the whole response.
pub fn exchange(port: u16, raw: &[u8]) -> Response {
    let mut stream = connect(port);
    stream
        .write_all(raw)
        .unwrap_or_else(|e| panic!("send request: {e}"));
    read_response(&mut stream)
}

/// Reads to EOF and parses.
pub fn read_response(stream: &mut TcpStream) -> Response {
    let mut bytes = Vec::new();
    stream
        .read_to_end(&mut bytes)
        .unwrap_or_else(|e| panic!("read response ({} bytes so far): {e}", bytes.len()));
    parse(&bytes)
}

/// Parses a complete response: status line, fields up to the empty line, body = the
/// rest. Every Loomiere response must carry exactly `Connection: close`.
pub fn parse(bytes: &[u8]) -> Response {
    let end = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| {
            panic!(
                "no end of head in {:?}",
                String::from_utf8_lossy(&bytes[..bytes.len().min(300)])
            )
        });
    let head =
        std::str::from_utf8(&bytes[..end]).unwrap_or_else(|e| panic!("head is not UTF-8: {e}"));
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or_default();
    let mut parts = status_line.splitn(3, ' ');
    let version = parts.next().unwrap_or_default();
    assert_eq!(version, "HTTP/1.1", "status line {status_line:?}");
    let status = parts
        .next()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("bad status line {status_line:?}"));
    let headers = lines
        .map(|line| {
            let (name, value) = line
                .split_once(':')
                .unwrap_or_else(|| panic!("bad field line {line:?}"));
            (name.to_owned(), value.trim().to_owned())
        })
        .collect();
    let response = Response {
        status,
        headers,
        body: bytes[end + 4..].to_vec(),
    };
    assert_eq!(
        response.header("Connection"),
        Some("close"),
        "{}",
        response.summary()
    );
    response
}
