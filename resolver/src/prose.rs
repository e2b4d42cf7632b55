//! Small pieces of English shared by every report: agreement, lists, clipping.

/// `one` or `many` by number.
pub(crate) fn agree<'a>(plural: bool, one: &'a str, many: &'a str) -> &'a str {
    if plural {
        many
    } else {
        one
    }
}

/// At most `max` items, the last ones (the newest, for sorted tags), after an ellipsis.
pub(crate) fn newest(items: &[String], max: usize) -> String {
    if items.len() <= max {
        return items.join(", ");
    }
    format!("…, {}", items[items.len() - max..].join(", "))
}

/// `a`, `a and b`, `a, b and c`.
pub(crate) fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// At most `max` items joined with "and", the rest counted: `a, b and 3 others`.
pub(crate) fn capped_and_list(items: &[String], max: usize) -> String {
    if items.len() <= max {
        return and_list(items);
    }
    let mut shown: Vec<String> = items[..max].to_vec();
    shown.push(format!("{} others", items.len() - max));
    and_list(&shown)
}

/// `text` cut to at most `max` characters, with an ellipsis when cut.
pub(crate) fn clip(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn and_lists() {
        let items: Vec<String> = ["a", "b", "c", "d"].iter().map(|s| s.to_string()).collect();
        assert_eq!(and_list(&items[..1]), "a");
        assert_eq!(and_list(&items[..2]), "a and b");
        assert_eq!(and_list(&items[..3]), "a, b and c");
        assert_eq!(capped_and_list(&items, 2), "a, b and 2 others");
    }

    #[test]
    fn clips_with_an_ellipsis() {
        assert_eq!(clip("abcdef", 4), "abc…");
        assert_eq!(clip("abc", 4), "abc");
        assert_eq!(newest(&["a".into(), "b".into(), "c".into()], 2), "…, b, c");
        assert_eq!(agree(true, "has", "have"), "have");
    }
}
