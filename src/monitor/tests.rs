//! The monitor's pages from a made-up view: every metric family has its HELP and
//! TYPE, texts a client or a film name brings are escaped in JSON and HTML.

use super::view::View;
use super::{html, json, metrics, Page};
use loomiere_scoreboard::{Counters, State, Stream};

fn view() -> View {
    let mut counters = Counters::default();
    counters.requests[1][0] = 7;
    counters.sent_bytes = 1000;
    counters.saved_bytes = 250;
    counters.ends = [3, 1, 0];
    View {
        counters,
        streams: vec![Stream {
            slot: 0,
            pid: 4242,
            started_ms: 1_700_000_000_123,
            streamer: 1,
            state: State::Throttled,
            status: 200,
            planned: 400,
            sent: 100,
            remote: "192.0.2.1".into(),
            vhost: "example.com".into(),
            target: "/a\"<b>&\u{1}.mp4".into(),
        }],
        slots: 8,
        now_ms: 1_700_000_010_000,
    }
}

#[test]
fn every_metric_family_has_help_and_type_and_its_samples_follow() {
    let text = metrics::render(&view());
    let families: Vec<&str> = text
        .lines()
        .filter_map(|l| l.strip_prefix("# TYPE "))
        .collect();
    for want in [
        "loomiere_requests_total counter",
        "loomiere_sent_bytes_total counter",
        "loomiere_saved_bytes_total counter",
        "loomiere_streams gauge",
        "loomiere_stream_ends_total counter",
        "loomiere_scoreboard_slots gauge",
        "loomiere_build_info gauge",
    ] {
        assert!(families.contains(&want), "no TYPE {want}");
        let name = want.split(' ').next().unwrap();
        assert!(text.contains(&format!("# HELP {name} ")), "no HELP {name}");
    }
    for line in [
        "loomiere_requests_total{streamer=\"mp4\",code=\"200\"} 7",
        "loomiere_requests_total{streamer=\"other\",code=\"other\"} 0",
        "loomiere_saved_bytes_total 250",
        "loomiere_streams{streamer=\"mp4\",state=\"throttled\"} 1",
        "loomiere_stream_ends_total{reason=\"client-closed\"} 3",
        "loomiere_scoreboard_slots{state=\"free\"} 7",
    ] {
        assert!(text.lines().any(|l| l == line), "no line {line}");
    }
}

#[test]
fn json_escapes_what_clients_send() {
    let text = json::render(&view());
    assert!(text.contains(r#""request":"/a\"<b>&\u0001.mp4""#), "{text}");
    assert!(text.contains(r#""started":1700000000.123"#), "{text}");
    assert!(text.contains(r#""requests":{"mp4":{"200":7}}"#), "{text}");
    assert!(text.contains(r#""ends":{"client-closed":3,"send-timeout":1,"request-timeout":0}"#));
}

#[test]
fn html_escapes_and_draws_the_progress() {
    let page = html::render(&view());
    assert!(page.contains("/a&quot;&lt;b&gt;&amp;"), "{page}");
    assert!(!page.contains("<b>&"));
    assert!(page.contains("style=\"width:25.0%\""), "{page}");
    assert!(page.contains("250 B</b> (20.0 %"), "{page}");
}

#[test]
fn targets_pick_their_page_and_only_those() {
    assert_eq!(Page::for_target("/metrics"), Some(Page::Metrics));
    assert_eq!(Page::for_target("/status.json?x=1"), Some(Page::StatusJson));
    assert_eq!(Page::for_target("/status"), Some(Page::StatusHtml));
    assert_eq!(Page::for_target("/metrics/x"), None);
    assert_eq!(Page::for_target("/../metrics"), None);
}
