//! Names that do not exist, and hostile paths: each gets the right 4xx with the reason
//! in the access log, never a 200 with an empty body (nginx-vod answers one past the
//! last segment with an empty `moof`) and never a byte from outside the root.

use super::{media_playlist, server, text};
use crate::support::server::Spec;
use crate::support::{get, media, Server, TempDir};

/// Sends `target` and checks the status and that the log line holds `why`.
fn refused(server: &Server, target: &str, status: u16, why: &str) {
    let (r, line) = server.send_logged(&get(target));
    r.expect(status);
    assert!(line.contains(&format!("\" {status} ")), "{target}: {line}");
    assert!(line.contains(why), "{target}: want {why:?} in {line}");
}

#[test]
fn names_that_do_not_exist_are_404_with_a_reason() {
    let dir = TempDir::new("hls-names");
    let server = server(&dir, "");
    let n = media_playlist(&text(&server, "/h264-aac.mp4/index-v1.m3u8"))
        .segments
        .len();
    let past = format!("/h264-aac.mp4/seg-{}-v1.m4s", n + 1);
    let cases: &[(&str, &str)] = &[
        ("/h264-aac.mp4/seg-0-v1.m4s", "no such name"),
        (&past, "segment"),
        ("/h264-aac.mp4/seg-4294967295-v1.m4s", "segment"),
        ("/h264-aac.mp4/seg-4294967296-v1.m4s", "no such name"),
        (
            "/h264-aac.mp4/seg-99999999999999999999999-v1.m4s",
            "no such name",
        ),
        ("/h264-aac.mp4/seg-1-a2.m4s", "a2"),
        ("/h264-aac.mp4/index-v2.m3u8", "v2"),
        ("/h264-aac.mp4/init-a9.mp4", "a9"),
        ("/h264-aac.mp4/seg-x-v1.m4s", "no such name"),
        ("/h264-aac.mp4/seg-01-v1.m4s", "no such name"),
        ("/h264-aac.mp4/seg-1-v1.mp4", "no such name"),
        ("/h264-aac.mp4/Master.m3u8", "no such name"),
        ("/h264-aac.mp4/master.m3u8.bak", "no such name"),
        ("/missing.mp4/master.m3u8", ""),
    ];
    for (target, why) in cases {
        refused(&server, target, 404, why);
    }
    // The last segment itself exists.
    let last = format!("/h264-aac.mp4/seg-{n}-v1.m4s");
    server.send(&get(&last)).expect(200).complete();
}

#[test]
fn films_that_cannot_be_segmented_get_a_clear_4xx() {
    let dir = TempDir::new("hls-bad-films");
    dir.write("root/notes.mp4", "plain text, not a film\n");
    dir.write("root/empty.mp4", "");
    dir.write(
        "root/fragmented.mp4",
        std::fs::read(media("fragmented.mp4")).unwrap(),
    );
    let config = dir.config("stream.conf", Some(&dir.join("root")), "");
    let server = Server::stream(&dir, &config);
    refused(&server, "/notes.mp4/master.m3u8", 404, "not an MP4 film");
    refused(&server, "/empty.mp4/master.m3u8", 400, "empty file");
    refused(&server, "/fragmented.mp4/master.m3u8", 400, "fragmented");
    refused(&server, "/fragmented.mp4/seg-1-v1.m4s", 400, "fragmented");
}

/// Traversal inside the film part of the path, encoded or not, never leaves the root.
#[test]
fn traversal_inside_the_film_part_is_refused() {
    let dir = TempDir::new("hls-traversal");
    dir.write("secret.mp4", std::fs::read(media("h264-aac.mp4")).unwrap());
    let config = dir.config("stream.conf", Some(&dir.join("root")), "");
    dir.write("root/keep", "");
    let server = Server::stream(&dir, &config);
    for target in [
        "/../secret.mp4/master.m3u8",
        "/%2e%2e/secret.mp4/master.m3u8",
        "/a/..%2f..%2fsecret.mp4/master.m3u8",
        "/x.mp4/../../secret.mp4/master.m3u8",
    ] {
        refused(&server, target, 403, "traversal");
    }
    refused(&server, "/.secret.mp4/master.m3u8", 404, "dot-file");
}

/// Run directly by a supervisor, `loomiere-hls` answers the names inside films the
/// configuration gives it, and 404 for the rest (as the other streamers do).
#[test]
fn direct_loomiere_hls_answers_only_names_inside_films() {
    let dir = TempDir::new("hls-direct");
    let config = dir.config("stream.conf", Some(crate::support::media_dir()), "");
    let server = Spec::new("loomiere-hls")
        .args(["--config".into(), config.into()])
        .start(&dir);
    server
        .send(&get("/h264-aac.mp4/master.m3u8"))
        .expect(200)
        .complete();
    refused(&server, "/h264-aac.mp4", 404, "routed to loomiere-mp4");
    refused(&server, "/poster.png", 404, "routed to loomiere-file");
}
