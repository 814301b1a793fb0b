//! A real Prometheus server on loopback scrapes the monitor every second; its HTTP
//! API must then give the counts of a known set of requests.

use super::Site;
use crate::support::client::exchange;
use crate::support::{get, request, tool};
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

/// A Prometheus process; killed on drop.
struct Prometheus {
    child: Child,
    port: u16,
}

impl Drop for Prometheus {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `prometheus` scraping `127.0.0.1:target/metrics` every second.
fn prometheus(site: &Site, target: u16) -> Prometheus {
    let config = site.dir.write(
        "prometheus.yml",
        format!(
            "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n  - job_name: loomiere\n    static_configs:\n      - targets: ['127.0.0.1:{target}']\n"
        ),
    );
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let log = std::fs::File::create(site.dir.join("prometheus.log")).unwrap();
    let child = Command::new(tool("prometheus"))
        .arg(format!("--config.file={}", config.display()))
        .arg(format!(
            "--storage.tsdb.path={}",
            site.dir.join("tsdb").display()
        ))
        .arg(format!("--web.listen-address=127.0.0.1:{port}"))
        .stdin(Stdio::null())
        .stdout(log.try_clone().unwrap())
        .stderr(log)
        .spawn()
        .expect("run prometheus");
    Prometheus { child, port }
}

/// The value Prometheus's instant query API gives for `query` (URL-encoded), if it
/// has one.
fn query(prom: &Prometheus, encoded: &str) -> Option<String> {
    let target = format!("/api/v1/query?query={encoded}");
    let r = exchange(
        prom.port,
        &request("GET", &target, &[("Connection", "close")]),
    );
    if r.status != 200 {
        return None;
    }
    let body = String::from_utf8_lossy(&r.body).into_owned();
    // {"status":"success","data":{"resultType":"vector","result":[{"metric":{...},"value":[t,"2"]}]}}
    let value = body.split("\"value\":[").nth(1)?;
    Some(value.split('"').nth(1)?.to_owned())
}

#[test]
fn a_real_prometheus_scrapes_the_counts_of_known_requests() {
    let site = Site::new("monitor-prometheus", "");
    for target in ["/missing.jpg", "/missing.jpg", "/missing.jpg"] {
        site.stream.send(&get(target)).expect(404);
    }
    for _ in 0..2 {
        site.stream.send(&get("/poster.jpg")).expect(200);
    }
    let range = request("GET", "/poster.jpg", &[("Range", "bytes=0-99")]);
    site.stream.send(&range).expect(206);
    // No streamer for the extension: the front's own 404.
    site.stream.send(&get("/notes.txt")).expect(404);
    let prom = prometheus(&site, site.monitor.port);
    let sel = |streamer: &str, code: &str| {
        format!("loomiere_requests_total%7Bstreamer%3D%22{streamer}%22%2Ccode%3D%22{code}%22%7D")
    };
    let want = [
        (sel("file", "404"), "3"),
        (sel("file", "200"), "2"),
        (sel("file", "206"), "1"),
        (sel("stream", "404"), "1"),
    ];
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut last = Vec::new();
    loop {
        let got: Vec<Option<String>> = want.iter().map(|(q, _)| query(&prom, q)).collect();
        if got
            .iter()
            .zip(&want)
            .all(|(g, (_, w))| g.as_deref() == Some(*w))
        {
            break;
        }
        last = got;
        assert!(
            Instant::now() < deadline,
            "Prometheus has {last:?}, want {:?}; its log:\n{}",
            want.iter().map(|(_, w)| w).collect::<Vec<_>>(),
            std::fs::read_to_string(site.dir.join("prometheus.log")).unwrap_or_default()
        );
        sleep(Duration::from_millis(200));
    }
    // Its own view of the target: up, scraped without error.
    assert_eq!(
        query(&prom, "up%7Bjob%3D%22loomiere%22%7D").as_deref(),
        Some("1"),
        "{last:?}"
    );
}
