// Thousands of small records are decoded per command, on every core: glibc's allocator
// grows each thread's heap a page range at a time (an `mprotect` per step), mimalloc does not.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    tkt::git::tune_object_cache();
    tkt::cli::run()
}
