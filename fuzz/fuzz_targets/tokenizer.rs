//! Any text, valid UTF-8 or not, must analyse without panicking (`Engine::analyze_customer` promises never
//! to panic). Debug assertions and overflow checks are on in fuzz builds, so arithmetic overflow and
//! out-of-bounds slicing on a non-char boundary show up as crashes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rapport_analysis::Engine;

thread_local! {
    // Built once per process: building the lexicon on every input would dominate the run.
    static ENGINE: Engine = Engine::new();
}

fuzz_target!(|data: &[u8]| {
    ENGINE.with(|engine| {
        if let Ok(s) = std::str::from_utf8(data) {
            let _ = engine.analyze_customer(s);
        }
        let lossy = String::from_utf8_lossy(data);
        let _ = engine.analyze_customer(&lossy);
    });
});
