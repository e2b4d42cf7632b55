//! Credentials from a `.netrc` file (`$NETRC`, else `~/.netrc`), as curl and pip read them.
//!
//! Only `machine` entries are used, each for its own host: a `default` entry is ignored,
//! so that no password is ever sent to a host the file does not name.

use std::path::PathBuf;

/// One `machine` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Machine {
    pub host: String,
    pub login: String,
    pub password: Option<String>,
}

/// The `machine` entries of a netrc file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Netrc {
    machines: Vec<Machine>,
}

impl Netrc {
    /// Reads `$NETRC` or `~/.netrc`; a missing or unreadable file gives no entries.
    pub fn from_env() -> Netrc {
        let path = match std::env::var_os("NETRC").filter(|v| !v.is_empty()) {
            Some(p) => PathBuf::from(p),
            None => match std::env::var_os("HOME").filter(|v| !v.is_empty()) {
                Some(home) => PathBuf::from(home).join(".netrc"),
                None => return Netrc::default(),
            },
        };
        match std::fs::read_to_string(&path) {
            Ok(text) => Netrc::parse(&text),
            Err(e) => {
                if e.kind() != std::io::ErrorKind::NotFound {
                    tracing::debug!("ignoring {}: {e}", path.display());
                }
                Netrc::default()
            }
        }
    }

    /// Parses netrc text. Unknown tokens are skipped; `macdef` bodies run to a blank line.
    pub fn parse(text: &str) -> Netrc {
        let mut machines = Vec::new();
        let mut current: Option<Machine> = None;
        // Tokens, with `macdef` bodies removed first.
        let mut tokens = Vec::new();
        let mut in_macdef = false;
        let mut expect_macro_name = false;
        for line in text.lines() {
            if in_macdef {
                if line.trim().is_empty() {
                    in_macdef = false;
                }
                continue;
            }
            let line = line.split_once('#').map_or(line, |(before, _)| before);
            for token in line.split_whitespace() {
                if expect_macro_name {
                    expect_macro_name = false;
                    in_macdef = true;
                    continue;
                }
                if token == "macdef" {
                    expect_macro_name = true;
                    continue;
                }
                tokens.push(token.to_string());
            }
        }
        let mut it = tokens.into_iter();
        let mut default = false;
        while let Some(token) = it.next() {
            match token.as_str() {
                "machine" => {
                    machines.extend(current.take().filter(|_| !default));
                    default = false;
                    current = it.next().map(|host| Machine {
                        host: host.to_ascii_lowercase(),
                        login: String::new(),
                        password: None,
                    });
                }
                "default" => {
                    machines.extend(current.take().filter(|_| !default));
                    default = true;
                    current = Some(Machine {
                        host: String::new(),
                        login: String::new(),
                        password: None,
                    });
                }
                "login" => {
                    if let (Some(m), Some(v)) = (current.as_mut(), it.next()) {
                        m.login = v;
                    }
                }
                "password" => {
                    if let (Some(m), Some(v)) = (current.as_mut(), it.next()) {
                        m.password = Some(v);
                    }
                }
                "account" => {
                    it.next();
                }
                _ => {}
            }
        }
        machines.extend(current.take().filter(|_| !default));
        Netrc { machines }
    }

    /// The login and password for `host` (case-insensitive), if the file names it.
    pub fn lookup(&self, host: &str) -> Option<&Machine> {
        let host = host.to_ascii_lowercase();
        self.machines
            .iter()
            .find(|m| m.host == host && (!m.login.is_empty() || m.password.is_some()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn machines_defaults_and_macros() {
        let netrc = Netrc::parse(
            "# a comment\n\
             machine private.example login alice password s3cret\n\
             macdef init\n  cd /pub\n  machine evil.example login x password y\n\n\
             machine Other.Example\n  login bob\n  account acct\n  password hunter2\n\
             default login anonymous password anon@\n",
        );
        let m = netrc.lookup("private.example").unwrap();
        assert_eq!(
            (m.login.as_str(), m.password.as_deref()),
            ("alice", Some("s3cret"))
        );
        let m = netrc.lookup("other.example").unwrap();
        assert_eq!(
            (m.login.as_str(), m.password.as_deref()),
            ("bob", Some("hunter2"))
        );
        // The macro body is not parsed as entries, and `default` never matches.
        assert_eq!(netrc.lookup("evil.example"), None);
        assert_eq!(netrc.lookup("pypi.org"), None);
        assert_eq!(netrc.lookup(""), None);
    }

    #[test]
    fn garbage_is_harmless() {
        for text in [
            "",
            "machine",
            "login x",
            "password",
            "machine a login",
            "macdef",
        ] {
            let _ = Netrc::parse(text);
        }
    }
}
