//! `loomiere-stream`: the front that tcpsvd, xinetd or systemd runs per connection.
fn main() -> std::process::ExitCode {
    loomiere::front::run()
}
