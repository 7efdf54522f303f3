fn main() -> std::process::ExitCode {
    tkt::cli::run()
}
