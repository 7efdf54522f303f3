//! Work shared among the cores: checking and decoding thousands of records, and
//! rendering them.

/// `work` done on parts of `items` (of at least `least` items each, numbered from 0) on
/// every core, its results in the order of the parts; on the calling thread when there is
/// one part.
pub fn on_cores<I: Sync, O: Send>(items: &[I], least: usize, work: impl Fn(usize, &[I]) -> O + Sync) -> Vec<O> {
    static CORES: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    let cores = *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()).min(8));
    let chunk = items.len().div_ceil(cores).max(least);
    if items.len() <= chunk {
        return vec![work(0, items)];
    }
    std::thread::scope(|s| {
        let work = &work;
        let handles: Vec<_> = items.chunks(chunk).enumerate().map(|(i, part)| s.spawn(move || work(i, part))).collect();
        handles.into_iter().map(|h| h.join().expect("a worker thread panicked")).collect()
    })
}
