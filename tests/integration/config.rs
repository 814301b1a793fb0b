//! The configuration file: read by every process, so an edit applies to the next
//! connection; errors refuse with 500 and name the line; `--config`,
//! `LOOMIERE_CONFIG` and `--root` reach the streamer through the front.

use crate::support::server::Spec;
use crate::support::{get, media_dir, Server, TempDir};

#[test]
fn an_edit_applies_to_the_next_connection_without_restart() {
    let dir = TempDir::new("config-edit");
    let root = media_dir();
    let config = dir.config("stream.conf", Some(root), "");
    let server = Server::stream(&dir, &config);
    let r = server.send(&get("/poster.png"));
    r.expect(200).complete();
    assert_eq!(r.header("Content-Type"), Some("image/png"));

    dir.config("stream.conf", Some(root), "streamer.png = off\n");
    server.send(&get("/poster.png")).expect(404);

    dir.config("stream.conf", Some(root), "type.png = image/x-test\n");
    let r = server.send(&get("/poster.png"));
    r.expect(200).complete();
    assert_eq!(r.header("Content-Type"), Some("image/x-test"));

    dir.config("stream.conf", Some(root), "type.mp4 = video/x-test\n");
    let r = server.send(&get("/h264-aac.mp4?start=10"));
    r.expect(200).complete();
    assert_eq!(r.header("Content-Type"), Some("video/x-test"));
}

#[test]
fn an_unknown_key_is_500_and_the_log_names_the_line() {
    let dir = TempDir::new("config-unknown");
    let config = dir.config(
        "stream.conf",
        Some(media_dir()),
        "# comment\n\nthorttle = 20\n",
    );
    let server = Server::stream(&dir, &config);
    let (r, line) = server.send_logged(&get("/poster.png"));
    r.expect(500);
    let want = format!("{}:4: unknown key 'thorttle'", config.display());
    assert!(
        line.contains(&want),
        "log line {line:?} does not contain {want:?}"
    );
    assert!(line.starts_with("127.0.0.1 \""), "{line}");
    // The streamer reports a broken config the same way when run alone.
    let alone = Spec::new("loomiere-file")
        .args(["--config".into(), config.into()])
        .start(&dir);
    let (r, line) = alone.send_logged(&get("/poster.png"));
    r.expect(500);
    assert!(line.contains(&want), "streamer log line {line:?}");
}

#[test]
fn a_bad_value_is_500_and_the_log_names_the_line() {
    let dir = TempDir::new("config-bad-value");
    let config = dir.config(
        "stream.conf",
        Some(media_dir()),
        "max_header_lines = lots\n",
    );
    let server = Server::stream(&dir, &config);
    let (r, line) = server.send_logged(&get("/poster.png"));
    r.expect(500);
    let want = format!("{}:2:", config.display());
    assert!(
        line.contains(&want),
        "log line {line:?} does not contain {want:?}"
    );
}

#[test]
fn loomiere_config_env_names_the_file() {
    let dir = TempDir::new("config-env");
    let config = dir.config(
        "stream.conf",
        Some(media_dir()),
        "type.png = image/x-from-env\n",
    );
    let server = Spec::new("loomiere-stream")
        .env("LOOMIERE_CONFIG", &config)
        .start(&dir);
    let r = server.send(&get("/poster.png"));
    r.expect(200).complete();
    assert_eq!(r.header("Content-Type"), Some("image/x-from-env"));
    // --config wins over the environment.
    let other = dir.config(
        "other.conf",
        Some(media_dir()),
        "type.png = image/x-from-arg\n",
    );
    let server = Spec::stream(&other)
        .env("LOOMIERE_CONFIG", &config)
        .start(&dir);
    let r = server.send(&get("/poster.png"));
    r.expect(200).complete();
    assert_eq!(r.header("Content-Type"), Some("image/x-from-arg"));
}

#[test]
fn the_front_passes_root_to_the_streamer() {
    let dir = TempDir::new("config-root");
    let config = dir.config("stream.conf", Some(&dir.join("no-such-root")), "");
    let root = media_dir().as_os_str().to_owned();
    let server = Spec::stream(&config)
        .args(["--root".into(), root])
        .start(&dir);
    let r = server.send(&get("/h264-aac.mp4?start=10"));
    r.expect(200).complete();
    let r = server.send(&get("/poster.gif"));
    r.expect(200).complete();
    // Without --root the configured (missing) root is used: not a 200.
    let without = Server::stream(&dir, &config);
    let r = without.send(&get("/poster.gif"));
    assert_ne!(r.status, 200, "{}", r.summary());
}
