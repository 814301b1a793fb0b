//! A real supervisor on a free loopback port running one of our binaries per
//! connection, with its output (its own messages and our access log) in a file.

use super::client::{self, Response};
use super::{bin, tool, TempDir};
use std::cell::Cell;
use std::ffi::OsString;
use std::fs::OpenOptions;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::thread::sleep;
use std::time::{Duration, Instant};

/// Which supervisor accepts the connections.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Supervisor {
    /// `tcpsvd -v 127.0.0.1 PORT PROG ARGS...` (ipsvd).
    Tcpsvd,
    /// `systemd-socket-activate -a --inetd -l 127.0.0.1:PORT PROG ARGS...`.
    SocketActivate,
}

/// A running supervisor; killed on drop.
pub struct Server {
    child: Child,
    /// Connections made so far: each one ends in exactly one access-log line.
    sent: Cell<usize>,
    pub port: u16,
    /// Its stdout and stderr: supervisor messages and our access-log lines.
    pub log: PathBuf,
}

/// How to start a server.
pub struct Spec {
    pub supervisor: Supervisor,
    /// One of our binaries, by name.
    pub program: &'static str,
    pub args: Vec<OsString>,
    pub env: Vec<(&'static str, OsString)>,
    /// Options for the supervisor itself, before its address (`-C 1:msg`, `-i DIR`).
    pub options: Vec<OsString>,
}

impl Spec {
    /// `loomiere-stream --config CONFIG` under tcpsvd.
    pub fn stream(config: &Path) -> Spec {
        Spec::new("loomiere-stream").args(["--config".into(), config.into()])
    }

    pub fn new(program: &'static str) -> Spec {
        Spec {
            supervisor: Supervisor::Tcpsvd,
            program,
            args: vec![],
            env: vec![],
            options: vec![],
        }
    }

    pub fn args(mut self, args: impl IntoIterator<Item = OsString>) -> Spec {
        self.args.extend(args);
        self
    }

    pub fn env(mut self, name: &'static str, value: impl Into<OsString>) -> Spec {
        self.env.push((name, value.into()));
        self
    }

    /// Adds options for the supervisor (see [`Spec::options`]).
    pub fn options(mut self, options: impl IntoIterator<Item = OsString>) -> Spec {
        self.options.extend(options);
        self
    }

    pub fn under(mut self, supervisor: Supervisor) -> Spec {
        self.supervisor = supervisor;
        self
    }

    /// Starts it on a free port, retrying when another process took the port first.
    pub fn start(&self, dir: &TempDir) -> Server {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let mut last = String::new();
        for _ in 0..10 {
            let n = NEXT.fetch_add(1, Ordering::Relaxed);
            let log = dir.join(&format!("server-{n}-{}.log", self.program));
            let port = free_port();
            let child = self
                .command(port, &log)
                .spawn()
                .unwrap_or_else(|e| panic!("spawn supervisor: {e}"));
            // From here on, Drop kills the supervisor, even when waiting panics.
            let mut server = Server {
                child,
                sent: Cell::new(0),
                port,
                log,
            };
            if wait_listening(&mut server.child, &server.log, self.supervisor) {
                return server;
            }
            last = server.log_text();
        }
        panic!(
            "could not start {:?} for {} in 10 attempts; last output:\n{last}",
            self.supervisor, self.program
        );
    }

    fn command(&self, port: u16, log: &Path) -> Command {
        let mut cmd = match self.supervisor {
            Supervisor::Tcpsvd => {
                let mut c = Command::new(tool("tcpsvd"));
                c.arg("-v")
                    .args(&self.options)
                    .args(["127.0.0.1", &port.to_string()]);
                c
            }
            Supervisor::SocketActivate => {
                let mut c = Command::new(tool("systemd-socket-activate"));
                c.args(["-a", "--inetd"])
                    .args(&self.options)
                    .args(["-l", &format!("127.0.0.1:{port}")]);
                c
            }
        };
        cmd.arg(bin(self.program)).args(&self.args);
        // Nothing from the environment of `cargo test` may change what the servers do.
        cmd.env_remove("LOOMIERE_CONFIG")
            .env_remove("REMOTE_HOST")
            .env_remove("LOOMIERE_REQUEST")
            .env_remove("LOOMIERE_REQUEST_FD");
        for (name, value) in &self.env {
            cmd.env(name, value);
        }
        // tcpsvd -v writes its own messages to stdout, our programs write theirs to the
        // stderr they inherit: both go to one file, opened for appending so that whole
        // lines from different processes never overwrite each other.
        let out = OpenOptions::new().create(true).append(true).open(log);
        let out = out.unwrap_or_else(|e| panic!("create {}: {e}", log.display()));
        let err = out.try_clone().expect("dup log file");
        cmd.stdin(Stdio::null()).stdout(out).stderr(err);
        cmd
    }
}

/// A port that was free a moment ago (bound to port 0, then released).
pub fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    listener.local_addr().expect("local_addr").port()
}

/// Waits until the supervisor says it listens (true) or exits, e.g. because the port
/// was taken (false).
fn wait_listening(child: &mut Child, log: &Path, supervisor: Supervisor) -> bool {
    let marker = match supervisor {
        Supervisor::Tcpsvd => "listening on",
        Supervisor::SocketActivate => "Listening on",
    };
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if std::fs::read_to_string(log)
            .unwrap_or_default()
            .contains(marker)
        {
            return true;
        }
        if child.try_wait().ok().flatten().is_some() {
            return false;
        }
        sleep(Duration::from_millis(10));
    }
    panic!(
        "{supervisor:?} did not start listening within 10 s: {}",
        std::fs::read_to_string(log).unwrap_or_default()
    );
}

impl Server {
    /// Starts `loomiere-stream --config CONFIG` under tcpsvd.
    pub fn stream(dir: &TempDir, config: &Path) -> Server {
        Spec::stream(config).start(dir)
    }

    /// Sends `raw` on a new connection and returns the response.
    pub fn send(&self, raw: &[u8]) -> Response {
        self.sent.set(self.sent.get() + 1);
        client::exchange(self.port, raw)
    }

    /// Like [`Server::send`], and also returns the access-log line of that request.
    /// It first waits for the lines of all earlier requests (a streamer logs after it
    /// closed the connection), so the next line is this request's.
    pub fn send_logged(&self, raw: &[u8]) -> (Response, String) {
        let before = self.sent.get();
        if let Some(last) = before.checked_sub(1) {
            self.access_line(last);
        }
        let response = self.send(raw);
        (response, self.access_line(before))
    }

    /// The whole stderr of the supervisor so far.
    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// The access-log lines so far: `REMOTE "METHOD TARGET" STATUS ...`; the
    /// supervisor's own lines are left out.
    pub fn access_lines(&self) -> Vec<String> {
        access_lines_in(&self.log)
    }

    /// Waits (up to 10 s) for access-log line number `index` (0-based) and returns it:
    /// the streamer writes it after it closed the connection.
    pub fn access_line(&self, index: usize) -> String {
        access_line_in(&self.log, index)
    }
}

/// The access-log lines in the file `log` so far (other lines left out).
pub fn access_lines_in(log: &Path) -> Vec<String> {
    std::fs::read_to_string(log)
        .unwrap_or_default()
        .lines()
        .filter(|l| is_access_line(l))
        .map(str::to_owned)
        .collect()
}

/// Waits (up to 10 s) for access-log line number `index` (0-based) in `log`.
pub fn access_line_in(log: &Path, index: usize) -> String {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(line) = access_lines_in(log).get(index) {
            return line.clone();
        }
        assert!(
            Instant::now() < deadline,
            "no access-log line #{index} within 10 s; log:\n{}",
            std::fs::read_to_string(log).unwrap_or_default()
        );
        sleep(Duration::from_millis(10));
    }
}

/// Waits up to `seconds` until 127.0.0.1:`port` accepts connections (a daemon that
/// says nothing when it listens); panics with `what` and `log` when `child` exits
/// first or time runs out.
pub fn wait_accepting(port: u16, child: &mut Child, seconds: u64, what: &str, log: &Path) {
    let addr = std::net::SocketAddr::from((std::net::Ipv4Addr::LOCALHOST, port));
    let deadline = Instant::now() + Duration::from_secs(seconds);
    while std::net::TcpStream::connect_timeout(&addr, Duration::from_secs(1)).is_err() {
        let exited = child.try_wait().ok().flatten().is_some();
        assert!(
            !exited && Instant::now() < deadline,
            "{what} did not start: {}",
            std::fs::read_to_string(log).unwrap_or_default()
        );
        sleep(Duration::from_millis(20));
    }
}

/// True for our access-log lines (see `crates/log/src/lib.rs`): the remote
/// address, a space, then the quoted request.
pub fn is_access_line(line: &str) -> bool {
    line.split_once(' ')
        .is_some_and(|(remote, rest)| !remote.is_empty() && rest.starts_with('"'))
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
