//! A one-line progress display on stderr, shown only when stderr is a terminal.

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Counts what the resolver asked the index for and redraws one status line.
pub struct Progress {
    enabled: bool,
    projects: AtomicUsize,
    metadata: AtomicUsize,
    last_draw: Mutex<Option<Instant>>,
}

/// Redraw at most this often: a terminal cannot show more, and writes cost time.
const REDRAW: Duration = Duration::from_millis(80);

impl Progress {
    /// A display that draws only when `wanted` and stderr is a terminal.
    pub fn new(wanted: bool) -> Self {
        Progress {
            enabled: wanted && std::io::stderr().is_terminal(),
            projects: AtomicUsize::new(0),
            metadata: AtomicUsize::new(0),
            last_draw: Mutex::new(None),
        }
    }
}

impl lockit_index_client::FetchObserver for Progress {
    fn project(&self) {
        self.projects.fetch_add(1, Ordering::Relaxed);
        self.draw();
    }

    fn metadata(&self) {
        self.metadata.fetch_add(1, Ordering::Relaxed);
        self.draw();
    }
}

impl Progress {
    fn draw(&self) {
        if !self.enabled {
            return;
        }
        let Ok(mut last) = self.last_draw.lock() else {
            return;
        };
        let now = Instant::now();
        if last.is_some_and(|t| now.duration_since(t) < REDRAW) {
            return;
        }
        *last = Some(now);
        let mut err = std::io::stderr().lock();
        let _ = write!(
            err,
            "\r\x1b[2KResolving: {} projects, {} versions read",
            self.projects.load(Ordering::Relaxed),
            self.metadata.load(Ordering::Relaxed)
        );
        let _ = err.flush();
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        if self.enabled && self.last_draw.lock().is_ok_and(|l| l.is_some()) {
            let _ = write!(std::io::stderr(), "\r\x1b[2K");
        }
    }
}
