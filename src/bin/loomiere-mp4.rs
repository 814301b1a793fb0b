//! `loomiere-mp4`: the MP4 streamer (`?start=` / `?end=` in seconds).
fn main() -> std::process::ExitCode {
    loomiere_serve::run_streamer(
        "loomiere-mp4",
        loomiere::mp4::FORMAT_VERSION,
        loomiere::mp4::handle,
    )
}
