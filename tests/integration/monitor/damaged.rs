//! A scoreboard that is not what it should be (truncated, oversized, garbage): the
//! streamers still serve, with a note in the log; the monitor answers 503 with the
//! reason; nothing crashes.

use super::{board_path, Site};
use crate::support::get;

#[test]
fn a_damaged_scoreboard_leaves_streaming_alone_and_the_monitor_says_why() {
    let site = Site::new("monitor-damaged", "");
    site.stream.send(&get("/poster.jpg")).expect(200);
    let path = board_path(&site).to_owned();
    let good = std::fs::read(&path).unwrap();
    let mut oversized = good.clone();
    oversized.extend_from_slice(&[0u8; 4096]);
    let cases: [(&str, Vec<u8>, &str); 4] = [
        ("truncated", good[..good.len() / 2].to_vec(), "truncated"),
        ("oversized", oversized, "oversized"),
        ("garbage", vec![0x5a; good.len()], "not a scoreboard"),
        ("empty", Vec::new(), "truncated"),
    ];
    for (name, bytes, reason) in cases {
        // A new file renamed into place: a process still finishing keeps the old one
        // (a truncation in place could cost it a SIGBUS, see the README).
        let tmp = site.dir.write("damaged.new", &bytes);
        std::fs::rename(&tmp, &path).unwrap();
        let (status, body) = site.page("/metrics");
        assert_eq!(status, 503, "{name}: {body}");
        assert!(body.contains(reason), "{name}: {body}");
        let (status, _) = site.page("/status.json");
        assert_eq!(status, 503, "{name}");
        let (r, line) = site.stream.send_logged(&get("/poster.jpg"));
        r.expect(200).complete();
        assert!(line.ends_with(" complete"), "{name}: {line}");
        let log = site.stream.log_text();
        assert!(
            log.contains(&format!(
                "note: scoreboard {}: damaged: {reason}",
                path.display()
            )),
            "{name}: no note in\n{log}"
        );
        // The streamers leave the file as it is: only a person removes it.
        assert!(std::fs::read(&path).unwrap() == bytes, "{name}: changed");
    }
    // Removed, the next streamer makes it anew and the monitor reads it again.
    std::fs::remove_file(&path).unwrap();
    site.stream.send(&get("/poster.jpg")).expect(200);
    let (status, body) = site.page("/metrics");
    assert_eq!(status, 200, "{body}");
    let (status, body) = site.page("/status.json");
    assert_eq!(
        (status, body.contains("\"streams\":[]")),
        (200, true),
        "{body}"
    );
}

#[test]
fn scoreboard_off_is_a_503_that_says_so() {
    let site = Site::new("monitor-off", "");
    // The same site, another config: the monitor reads `scoreboard = off`.
    let off = site.dir.config("off.conf", None, "scoreboard = off\n");
    let monitor = crate::support::server::Spec::new("loomiere-monitor")
        .args(["--config".into(), off.into()])
        .start(&site.dir);
    let r = monitor.send(&get("/metrics"));
    r.expect(503);
    assert!(String::from_utf8_lossy(&r.body).contains("scoreboard = off"));
}
