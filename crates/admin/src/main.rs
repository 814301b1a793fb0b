//! `loomiere`: see the crate documentation of `loomiere_admin`.
fn main() -> std::process::ExitCode {
    loomiere_admin::main()
}
