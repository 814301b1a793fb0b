//! `loomiere-hls`: HLS and DASH made from an MP4 film (`/films/a.mp4/master.m3u8`).
fn main() -> std::process::ExitCode {
    loomiere_serve::run_segmenter(
        "loomiere-hls",
        loomiere::hls::FORMAT_VERSION,
        loomiere::hls::handle,
    )
}
