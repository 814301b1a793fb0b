//! `loomiere-monitor`: the scoreboard as Prometheus metrics, JSON and an HTML page.
fn main() -> std::process::ExitCode {
    loomiere::monitor::run()
}
