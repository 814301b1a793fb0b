//! The plain-file streamer through the front: images byte for byte with their media
//! types, ranges on them, and unconfigured extensions refused.

use crate::support::{get, media, media_dir, request, Server, TempDir};

#[test]
fn posters_come_back_whole_with_their_media_type() {
    let dir = TempDir::new("posters");
    let config = dir.config("stream.conf", Some(media_dir()), "");
    let server = Server::stream(&dir, &config);
    let types = [
        ("jpg", "image/jpeg"),
        ("png", "image/png"),
        ("gif", "image/gif"),
        ("webp", "image/webp"),
        ("bmp", "image/bmp"),
        ("tiff", "image/tiff"),
    ];
    for (ext, content_type) in types {
        let name = format!("poster.{ext}");
        let r = server.send(&get(&format!("/{name}")));
        r.expect(200).complete();
        assert_eq!(r.header("Content-Type"), Some(content_type), "{name}");
        assert_eq!(r.header("Accept-Ranges"), Some("bytes"), "{name}");
        assert!(
            r.body == std::fs::read(media(&name)).unwrap(),
            "{name}: body is not the file"
        );
    }
}

#[test]
fn a_range_of_an_image() {
    let dir = TempDir::new("poster-range");
    let config = dir.config("stream.conf", Some(media_dir()), "");
    let server = Server::stream(&dir, &config);
    let file = std::fs::read(media("poster.jpg")).unwrap();
    let r = server.send(&request("GET", "/poster.jpg", &[("Range", "bytes=10-19")]));
    r.expect(206).complete();
    let want = format!("bytes 10-19/{}", file.len());
    assert_eq!(r.header("Content-Range"), Some(want.as_str()));
    assert_eq!(r.header("Content-Type"), Some("image/jpeg"));
    assert!(r.body == file[10..20]);
}

#[test]
fn an_unconfigured_extension_is_404() {
    let dir = TempDir::new("txt");
    let root = dir.join("root");
    dir.write("root/notes.txt", "plain text, never served\n");
    let config = dir.config("stream.conf", Some(&root), "");
    let server = Server::stream(&dir, &config);
    let r = server.send(&get("/notes.txt"));
    r.expect(404);
    assert!(!String::from_utf8_lossy(&r.body).contains("never served"));
    // The file streamer itself refuses it too, when run without the front.
    let direct = crate::support::server::Spec::new("loomiere-file")
        .args(["--config".into(), config.into()])
        .start(&dir);
    direct.send(&get("/notes.txt")).expect(404);
}

#[test]
fn the_front_serves_plain_files_itself_and_execs_the_others() {
    // Both streamers named at paths where no program is: the front serves the image
    // with loomiere-file's code linked in (no exec), and has to exec for the MP4.
    let dir = TempDir::new("file-in-front");
    let config = dir.config(
        "stream.conf",
        Some(media_dir()),
        "streamer.jpg = /nonexistent/loomiere-file\nstreamer.mp4 = /nonexistent/loomiere-mp4\n",
    );
    let server = Server::stream(&dir, &config);
    let r = server.send(&get("/poster.jpg"));
    r.expect(200).complete();
    assert_eq!(r.header("Content-Type"), Some("image/jpeg"));
    assert!(r.body == std::fs::read(media("poster.jpg")).unwrap());
    server.send(&get("/h264-aac.mp4")).expect(500);
}
