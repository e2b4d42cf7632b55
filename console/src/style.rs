//! Terminal styling: colour only on a terminal, never with `NO_COLOR`.

/// Terminal styling: on only for a terminal without `NO_COLOR`.
#[derive(Clone, Copy)]
pub struct Style {
    on: bool,
}

impl Style {
    /// Styling for a stream that is (or is not) a terminal: `std::io::stdout().is_terminal()`.
    pub fn new(terminal: bool) -> Style {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Style {
            on: !no_color && terminal,
        }
    }

    fn paint(&self, code: &str, text: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
}

impl lockit_resolver::Paint for Style {
    fn bold(&self, t: &str) -> String {
        self.paint("1", t)
    }

    fn green(&self, t: &str) -> String {
        self.paint("32", t)
    }

    fn yellow(&self, t: &str) -> String {
        self.paint("33", t)
    }

    fn red(&self, t: &str) -> String {
        self.paint("31;1", t)
    }
}
