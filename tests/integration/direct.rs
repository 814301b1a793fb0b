//! Streamers run directly by a supervisor, one format per port (`tcpsvd ... 0 8081
//! loomiere-mp4`): each answers only for the extensions the configuration routes to
//! it (`streamer.<ext>`), as the front would, and refuses the rest with 404 and the
//! reason in the log. Behind the front, the front's choice stands.

use crate::support::server::Spec;
use crate::support::{bin, get, media, Server, TempDir};

/// A root with `notes.txt`, a poster, and one film of each streamed format.
fn root(dir: &TempDir) -> std::path::PathBuf {
    dir.write("root/notes.txt", "plain text, never served as video\n");
    for name in ["poster.png", "h264-aac.mp4", "h264-aac.flv"] {
        let bytes = std::fs::read(media(name)).unwrap();
        dir.write(&format!("root/{name}"), bytes);
    }
    dir.join("root")
}

/// Regression: `loomiere-mp4` and `loomiere-flv` run directly answered any file
/// (`GET /notes.txt` came back 200 as `video/mp4`), where the front and
/// `loomiere-file` answered 404.
#[test]
fn direct_streamers_refuse_extensions_not_routed_to_them() {
    let dir = TempDir::new("direct");
    let config = dir.config("stream.conf", Some(&root(&dir)), "");
    let cases: &[(&str, &str, &str)] = &[
        ("loomiere-mp4", "/h264-aac.mp4", "video/mp4"),
        ("loomiere-flv", "/h264-aac.flv", "video/x-flv"),
        ("loomiere-file", "/poster.png", "image/png"),
    ];
    for &(program, own, media_type) in cases {
        let server = Spec::new(program)
            .args(["--config".into(), config.clone().into()])
            .start(&dir);
        let (r, line) = server.send_logged(&get(own));
        r.expect(200).complete();
        assert_eq!(r.header("Content-Type"), Some(media_type), "{program}");
        assert!(line.contains("\" 200 "), "{program}: {line}");
        let (r, line) = server.send_logged(&get("/notes.txt"));
        r.expect(404);
        assert!(
            !String::from_utf8_lossy(&r.body).contains("never served"),
            "{program}: the file leaked"
        );
        assert!(
            line.contains("\" 404 ") && line.contains("no streamer for extension 'txt'"),
            "{program}: {line}"
        );
        for (other, owner) in [
            ("/poster.png", "loomiere-file"),
            ("/h264-aac.flv", "loomiere-flv"),
        ] {
            if owner == program {
                continue;
            }
            let (r, line) = server.send_logged(&get(other));
            r.expect(404);
            let why = format!("extension routed to {owner}, not {program}");
            assert!(line.contains(&why), "{program} {other}: {line}");
        }
    }
}

/// The configured program is compared by its file name, so an absolute path to the
/// streamer routes an extension to it as well as its bare name does.
#[test]
fn a_direct_streamer_serves_what_an_absolute_streamer_path_routes_to_it() {
    let dir = TempDir::new("direct-path");
    let config = dir.config(
        "stream.conf",
        Some(&root(&dir)),
        "streamer.txt = /usr/lib/loomiere/loomiere-mp4\n",
    );
    let server = Spec::new("loomiere-mp4")
        .args(["--config".into(), config.into()])
        .start(&dir);
    // Routed here, so planned as MP4: not an MP4 file, a 500 naming the defect.
    let (r, line) = server.send_logged(&get("/notes.txt?start=1"));
    r.expect(500);
    assert!(line.contains("mp4 defect"), "{line}");
}

/// Behind the front the check is not made again: the front chose the streamer, which
/// may be a wrapper of another name (here a symbolic link to `loomiere-mp4`).
#[test]
fn behind_the_front_the_fronts_choice_stands() {
    let dir = TempDir::new("direct-front");
    let wrapper = dir.join("mp4-wrapper");
    std::os::unix::fs::symlink(bin("loomiere-mp4"), &wrapper).unwrap();
    let extra = format!("streamer.mp4 = {}\n", wrapper.display());
    let config = dir.config("stream.conf", Some(&root(&dir)), &extra);
    let server = Server::stream(&dir, &config);
    let r = server.send(&get("/h264-aac.mp4"));
    r.expect(200).complete();
    assert_eq!(r.header("Content-Type"), Some("video/mp4"));
}
