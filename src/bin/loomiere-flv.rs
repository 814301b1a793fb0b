//! `loomiere-flv`: the FLV streamer (`?start=` byte offsets, or seconds with `units=s`).
fn main() -> std::process::ExitCode {
    loomiere_serve::run_streamer(
        "loomiere-flv",
        loomiere::flv::FORMAT_VERSION,
        loomiere::flv::handle,
    )
}
