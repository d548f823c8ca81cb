//! Where in-process apps log: every test's logs go, at debug level, to one file per test process
//! that `.ci/log-scan.sh` searches for tokens, codes and secrets after the suite has run.

use std::path::PathBuf;

/// The directory the log scan reads.
pub fn dir() -> PathBuf {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("logs");
    std::fs::create_dir_all(&dir).expect("log directory");
    dir
}

/// This test process's log file (written once [`capture`] has run).
pub fn captured_file() -> PathBuf {
    dir().join(format!("api-{}.log", std::process::id()))
}

/// Installs the JSON subscriber writing to [`captured_file`], once per process. Suites that
/// install their own global subscriber (auth's log test) never call this.
pub fn capture() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let Ok(file) = std::fs::File::create(captured_file()) else {
            return;
        };
        let _ = tracing_subscriber::fmt()
            .json()
            .with_env_filter("debug,hyper=info,hyper_util=info,h2=info,rustls=info,reqwest=info")
            .with_writer(std::sync::Mutex::new(file))
            .try_init();
    });
}
