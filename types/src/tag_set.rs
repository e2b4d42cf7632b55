//! [`TagSet`]: the `python-abi-platform` part of a wheel's filename, split in one place.

/// A compressed tag set as a wheel's filename writes it, `python-abi-platform`, each part
/// one or more `.`-separated tags (`py2.py3-none-any`): the one place such text is split.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TagSet<'a> {
    python: &'a str,
    abi: &'a str,
    platform: &'a str,
}

impl<'a> TagSet<'a> {
    /// Splits `python-abi-platform`; `None` unless the text has exactly three parts.
    pub fn parse(text: &'a str) -> Option<Self> {
        let mut parts = text.split('-');
        match (parts.next(), parts.next(), parts.next(), parts.next()) {
            (Some(python), Some(abi), Some(platform), None) => Some(TagSet {
                python,
                abi,
                platform,
            }),
            _ => None,
        }
    }

    /// The three parts as written, each possibly holding several tags.
    pub fn parts(&self) -> [&'a str; 3] {
        [self.python, self.abi, self.platform]
    }

    /// Python tags (`cp312`, `py3`).
    pub fn python(&self) -> impl Iterator<Item = &'a str> + Clone {
        self.python.split('.')
    }

    /// ABI tags (`cp312`, `abi3`, `none`).
    pub fn abi(&self) -> impl Iterator<Item = &'a str> + Clone {
        self.abi.split('.')
    }

    /// Platform tags (`manylinux_2_17_x86_64`, `any`).
    pub fn platform(&self) -> impl Iterator<Item = &'a str> + Clone {
        self.platform.split('.')
    }
}
