//! Terminal styling: colour only on a terminal, never with `NO_COLOR`.

/// Terminal styling: on only for a terminal without `NO_COLOR`.
#[derive(Clone, Copy)]
pub struct Style {
    on: bool,
}

/// `--color`: colour on a terminal without `NO_COLOR` (`Auto`), always, or never.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ColorChoice {
    /// On a terminal, unless `NO_COLOR` is set.
    #[default]
    Auto,
    /// Always, even into a pipe.
    Always,
    /// Never.
    Never,
}

/// The run's `--color`, set once by the CLI.
static CHOICE: std::sync::OnceLock<ColorChoice> = std::sync::OnceLock::new();

impl ColorChoice {
    /// Makes `self` the run's choice (the first call wins).
    pub fn set(self) {
        let _ = CHOICE.set(self);
    }
}

impl Style {
    /// Styling for a stream that is (or is not) a terminal: `std::io::stdout().is_terminal()`,
    /// as the run's [`ColorChoice`] says.
    pub fn new(terminal: bool) -> Style {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let on = match CHOICE.get().copied().unwrap_or_default() {
            ColorChoice::Auto => !no_color && terminal,
            ColorChoice::Always => true,
            ColorChoice::Never => false,
        };
        Style { on }
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
