//! Project names in their PEP 503 normal form, the one rule for package names, extras and
//! PEP 735 dependency groups alike.

use std::str::FromStr;

use crate::PackageName;

/// The PEP 503 normal form of `name`: lowercase, each run of `-`, `_` and `.` one `-`.
/// A valid name goes through [`PackageName`]; text that is not one (a dependency group
/// named with a space, a page a test index serves) is normalized by the same rule, with
/// separators at either end dropped, rather than refused.
pub fn normalize_name(name: &str) -> String {
    match PackageName::from_str(name) {
        Ok(valid) => valid.to_string(),
        Err(_) => name
            .split(['-', '_', '.'])
            .filter(|part| !part.is_empty())
            .collect::<Vec<_>>()
            .join("-")
            .to_ascii_lowercase(),
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn names_normalize_as_pep_503_says() {
        for (raw, norm) in [
            ("Foo.Bar", "foo-bar"),
            ("foo__bar", "foo-bar"),
            ("a-_.b", "a-b"),
            ("numpy", "numpy"),
            ("Dev", "dev"),
            ("-lint-", "lint"),
            ("My Group", "my group"),
            ("", ""),
        ] {
            assert_eq!(normalize_name(raw), norm, "{raw}");
        }
    }

    /// The hand-written loop lockit had three copies of, kept as the oracle.
    fn by_hand(name: &str) -> String {
        let mut out = String::with_capacity(name.len());
        let mut sep = false;
        for c in name.chars() {
            if matches!(c, '-' | '_' | '.') {
                sep = true;
            } else {
                if sep && !out.is_empty() {
                    out.push('-');
                }
                sep = false;
                out.push(c.to_ascii_lowercase());
            }
        }
        out
    }

    proptest! {
        #[test]
        fn same_as_the_hand_written_rule(name in "[a-zA-Zé0-9 _.-]{0,12}") {
            prop_assert_eq!(normalize_name(&name), by_hand(&name));
        }

        #[test]
        fn valid_names_normalize_as_package_names(name in "[a-zA-Z0-9]([a-zA-Z0-9_.-]{0,10}[a-zA-Z0-9])?") {
            let package = PackageName::from_str(&name).expect("valid");
            prop_assert_eq!(normalize_name(&name), package.to_string());
        }
    }
}
