//! `loomiere-file`: images and other configured static files, with ranges and validators.
fn main() -> std::process::ExitCode {
    loomiere_serve::run_streamer(
        "loomiere-file",
        loomiere::file::FORMAT_VERSION,
        loomiere::file::handle,
    )
}
