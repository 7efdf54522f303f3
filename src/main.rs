fn main() -> std::process::ExitCode {
    tkt::git::tune_object_cache();
    tkt::cli::run()
}
