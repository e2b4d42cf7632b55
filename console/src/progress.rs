//! A one-line progress display on stderr, shown only when stderr is a terminal:
//! `Resolving: 12 projects, 40 versions read (1.3s)`, redrawn in place and cleared when
//! done, so that what follows on the terminal (the summary, a lock written to stdout)
//! starts on a clean line. Nothing is ever written to stdout.

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Counts what the resolver asked the index for and redraws one status line.
pub struct Progress {
    /// `None` when nothing is to be drawn (not wanted, or stderr is not a terminal).
    line: Option<Mutex<Line>>,
    projects: AtomicUsize,
    metadata: AtomicUsize,
    /// Set once the resolver looks for a fix after a conflict; then `tried` changes so far.
    searching: AtomicBool,
    tried: AtomicUsize,
    /// Set by [`Progress::downloaded`] (`lockit sync`): files done and to do.
    downloads: AtomicUsize,
    download_total: AtomicUsize,
    started: Instant,
}

/// The terminal line and what is on it.
struct Line {
    out: Box<dyn Write + Send>,
    last_draw: Option<Instant>,
    /// True while the line shows something that must be cleared.
    shown: bool,
    /// Set by [`Progress::finish`]: nothing is drawn after it.
    finished: bool,
}

/// Redraw at most this often: a terminal cannot show more, and writes cost time.
const REDRAW: Duration = Duration::from_millis(80);

/// Back to the start of the line and erase it.
const CLEAR: &str = "\r\x1b[2K";

impl Progress {
    /// A display that draws on stderr only when `wanted` and stderr is a terminal.
    pub fn new(wanted: bool) -> Self {
        let out: Option<Box<dyn Write + Send>> =
            (wanted && std::io::stderr().is_terminal()).then(|| Box::new(std::io::stderr()) as _);
        Progress::to(out)
    }

    /// A display that draws on `out` (`None`: draws nothing).
    fn to(out: Option<Box<dyn Write + Send>>) -> Self {
        Progress {
            line: out.map(|out| {
                Mutex::new(Line {
                    out,
                    last_draw: None,
                    shown: false,
                    finished: false,
                })
            }),
            projects: AtomicUsize::new(0),
            metadata: AtomicUsize::new(0),
            searching: AtomicBool::new(false),
            tried: AtomicUsize::new(0),
            downloads: AtomicUsize::new(0),
            download_total: AtomicUsize::new(0),
            started: Instant::now(),
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

    fn searching_fix(&self, tried: usize) {
        self.tried.store(tried, Ordering::Relaxed);
        self.searching.store(true, Ordering::Relaxed);
        self.draw();
    }
}

impl Progress {
    /// `done` of `total` files are downloaded and checked: the line becomes a bar,
    /// `Downloading [#####     ] 12/38 (1.3s)`.
    pub fn downloaded(&self, done: usize, total: usize) {
        self.download_total.store(total, Ordering::Relaxed);
        self.downloads.store(done, Ordering::Relaxed);
        self.draw();
    }

    /// Clears the line for good: call before anything else is written to the terminal
    /// (a summary on stderr, a lock on stdout). Dropping the display does the same.
    pub fn finish(&self) {
        let Some(line) = &self.line else {
            return;
        };
        let mut line = line
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if line.shown {
            let _ = line.out.write_all(CLEAR.as_bytes());
            let _ = line.out.flush();
            line.shown = false;
        }
        line.finished = true;
    }

    /// The status text: `Resolving: 1 project, 3 versions read (0.4s)`; after a
    /// conflict, `Looking for a fix: 4 changes tried (1.2s)`.
    fn text(&self, elapsed: Duration) -> String {
        let total = self.download_total.load(Ordering::Relaxed);
        if total > 0 {
            const WIDTH: usize = 20;
            let done = self.downloads.load(Ordering::Relaxed).min(total);
            let filled = done * WIDTH / total;
            return format!(
                "Downloading [{}{}] {done}/{total} ({})",
                "#".repeat(filled),
                " ".repeat(WIDTH - filled),
                seconds(elapsed)
            );
        }
        if self.searching.load(Ordering::Relaxed) {
            // The read counts would only grow with solves re-reading what is known.
            let tried = self.tried.load(Ordering::Relaxed);
            return format!(
                "Looking for a fix: {} tried ({})",
                count(tried, "change", "changes"),
                seconds(elapsed)
            );
        }
        let projects = self.projects.load(Ordering::Relaxed);
        let versions = self.metadata.load(Ordering::Relaxed);
        format!(
            "Resolving: {}, {} read ({})",
            count(projects, "project", "projects"),
            count(versions, "version", "versions"),
            seconds(elapsed)
        )
    }

    fn draw(&self) {
        let Some(line) = &self.line else {
            return;
        };
        let Ok(mut line) = line.try_lock() else {
            // Another thread is drawing; its line is as good as ours.
            return;
        };
        let now = Instant::now();
        if line.finished
            || line
                .last_draw
                .is_some_and(|t| now.duration_since(t) < REDRAW)
        {
            return;
        }
        line.last_draw = Some(now);
        let text = format!("{CLEAR}{}", self.text(now.duration_since(self.started)));
        let _ = line.out.write_all(text.as_bytes());
        let _ = line.out.flush();
        line.shown = true;
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.finish();
    }
}

/// `1 project`, `2 projects`.
fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `0.4s`, `12s`, `2m05s`.
fn seconds(d: Duration) -> String {
    let s = d.as_secs();
    if s < 10 {
        format!("{:.1}s", d.as_secs_f64())
    } else if s < 60 {
        format!("{s}s")
    } else {
        format!("{}m{:02}s", s / 60, s % 60)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use lockit_index_client::FetchObserver;

    /// A terminal that keeps what was written to it.
    #[derive(Clone, Default)]
    struct Screen(Arc<Mutex<Vec<u8>>>);

    impl Write for Screen {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl Screen {
        fn text(&self) -> String {
            String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
        }
    }

    fn on(screen: &Screen) -> Progress {
        Progress::to(Some(Box::new(screen.clone())))
    }

    #[test]
    fn the_line_is_cleared_on_drop_even_when_the_last_draw_was_throttled() {
        let screen = Screen::default();
        let p = on(&screen);
        p.project();
        // Within the redraw interval: counted, not drawn.
        p.metadata();
        p.metadata();
        let drawn = screen.text();
        assert_eq!(drawn.matches("Resolving").count(), 1, "{drawn:?}");
        assert!(drawn.starts_with(CLEAR), "{drawn:?}");
        drop(p);
        let all = screen.text();
        assert!(all.ends_with(CLEAR), "{all:?}");
        // One line: no newline ever, only carriage returns.
        assert!(!all.contains('\n'), "{all:?}");
    }

    #[test]
    fn downloads_draw_a_bar_of_done_over_total() {
        let screen = Screen::default();
        let p = on(&screen);
        p.downloaded(5, 20);
        let drawn = screen.text();
        assert!(
            drawn.contains("Downloading [#####               ] 5/20 ("),
            "{drawn:?}"
        );
    }

    #[test]
    fn finish_clears_once_and_stops_drawing() {
        let screen = Screen::default();
        let p = on(&screen);
        p.project();
        p.finish();
        let after_finish = screen.text();
        assert!(after_finish.ends_with(CLEAR));
        std::thread::sleep(REDRAW + Duration::from_millis(10));
        p.project();
        drop(p);
        assert_eq!(screen.text(), after_finish, "nothing after finish");
    }

    #[test]
    fn nothing_is_written_when_nothing_was_drawn_or_nothing_is_wanted() {
        let screen = Screen::default();
        drop(on(&screen));
        assert_eq!(screen.text(), "");
        let quiet = Progress::to(None);
        quiet.project();
        drop(quiet);
    }

    /// Regression (issue 15): a cold conflict's fix search was seconds of a line whose
    /// read counts climbed with every re-solve, saying nothing of the search.
    #[test]
    fn the_fix_search_shows_on_the_line() {
        let screen = Screen::default();
        let p = on(&screen);
        p.project();
        assert!(screen.text().contains("Resolving: 1 project"));
        std::thread::sleep(REDRAW + Duration::from_millis(10));
        p.searching_fix(0);
        let shown = screen.text();
        assert!(
            shown.contains("Looking for a fix: 0 changes tried ("),
            "{shown:?}"
        );
        p.searching_fix(1);
        p.metadata();
        assert_eq!(
            p.text(Duration::from_millis(1500)),
            "Looking for a fix: 1 change tried (1.5s)"
        );
        drop(p);
        assert!(screen.text().ends_with(CLEAR));
    }

    #[test]
    fn counts_agree_in_number_and_time_is_shown() {
        let p = Progress::to(None);
        p.project();
        p.metadata();
        assert_eq!(
            p.text(Duration::from_millis(420)),
            "Resolving: 1 project, 1 version read (0.4s)"
        );
        p.project();
        p.metadata();
        p.metadata();
        assert_eq!(
            p.text(Duration::from_secs(125)),
            "Resolving: 2 projects, 3 versions read (2m05s)"
        );
        assert_eq!(seconds(Duration::from_secs(42)), "42s");
        assert_eq!(count(0, "project", "projects"), "0 projects");
    }
}
