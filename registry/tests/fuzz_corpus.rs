//! Replays the committed fuzz corpora of the registry's targets (`fuzz/corpus/office_json`,
//! `fuzz/corpus/import`) through the same entry points, on stable Rust, so every seed and
//! every crash ever found stays a regression test of `cargo test`.

fn corpus(target: &str) -> Vec<Vec<u8>> {
    let dir = testkit::workspace_root().join("fuzz/corpus").join(target);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("a corpus entry").path())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no seeds in {}", dir.display());
    files.iter().map(|path| std::fs::read(path).expect("a readable seed")).collect()
}

#[test]
fn office_json_corpus_replays() {
    for bytes in corpus("office_json") {
        registry::fuzzing::office_json(&bytes);
    }
}

#[test]
fn import_corpus_replays() {
    for bytes in corpus("import") {
        registry::fuzzing::import(&bytes);
    }
}
