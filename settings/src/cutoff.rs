//! `--exclude-newer`: the instant after which uploads are ignored, given as a timestamp, a
//! date, or an age (`7 days`, `1 week`, `P7D`) counted back from now, as uv reads them. A
//! lock records the instant, so that `verify` and `explain` answer for that lock.

use std::str::FromStr;

use crate::SettingsError;

/// Parses `--exclude-newer`: an RFC 3339 timestamp, a date meaning its midnight UTC, or an
/// age meaning that long before now.
pub fn exclude_newer(arg: Option<&str>) -> Result<Option<jiff::Timestamp>, SettingsError> {
    let Some(s) = arg else { return Ok(None) };
    instant(s, jiff::Timestamp::now())
        .map(Some)
        .ok_or_else(|| SettingsError::ExcludeNewer(s.to_string()))
}

/// `s` as an instant, an age counted back from `now`.
fn instant(s: &str, now: jiff::Timestamp) -> Option<jiff::Timestamp> {
    let s = s.trim();
    if let Ok(ts) = jiff::Timestamp::from_str(s) {
        return Some(ts);
    }
    if let Ok(date) = jiff::civil::Date::from_str(s) {
        return date
            .to_zoned(jiff::tz::TimeZone::UTC)
            .ok()
            .map(|z| z.timestamp());
    }
    let age = jiff::Span::from_str(s).ok()?;
    if age.is_negative() || age.is_zero() {
        return None;
    }
    now.to_zoned(jiff::tz::TimeZone::UTC)
        .checked_sub(age)
        .ok()
        .map(|z| z.timestamp())
}

/// Parses one `--exclude-newer-package NAME=DATE` (any form `--exclude-newer` takes).
pub fn package_cutoff(
    arg: &str,
) -> Result<(lockit_types::PackageName, jiff::Timestamp), SettingsError> {
    let invalid = || SettingsError::ExcludeNewerPackage(arg.to_string());
    let (name, when) = arg
        .split_once('=')
        .filter(|(name, _)| !name.trim().is_empty())
        .ok_or_else(invalid)?;
    let name = lockit_types::PackageName::from_str(name.trim()).map_err(|_| invalid())?;
    let when = instant(when, jiff::Timestamp::now()).ok_or_else(invalid)?;
    Ok((name, when))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_mean_midnight_utc_and_timestamps_stay_as_given() {
        let at = |s| {
            exclude_newer(Some(s))
                .expect("parses")
                .map(|t| t.to_string())
        };
        assert_eq!(at("2026-11-01").as_deref(), Some("2026-11-01T00:00:00Z"));
        assert_eq!(
            at("2026-11-01T12:30:00Z").as_deref(),
            Some("2026-11-01T12:30:00Z")
        );
        assert!(exclude_newer(Some("yesterday")).is_err());
        assert!(exclude_newer(None).expect("nothing").is_none());
    }

    #[test]
    fn ages_count_back_from_now_in_every_spelling() {
        let now: jiff::Timestamp = "2026-12-08T10:00:00Z".parse().expect("a timestamp");
        let week_ago = Some("2026-12-01T10:00:00Z".parse().expect("a timestamp"));
        for age in ["7 days", "1 week", "P7D", "P1W", "7d", "1w"] {
            assert_eq!(instant(age, now), week_ago, "{age}");
        }
        assert_eq!(
            instant("30 days", now),
            Some("2026-11-08T10:00:00Z".parse().expect("a timestamp"))
        );
        for bad in ["0 days", "-7 days", "soon", ""] {
            assert_eq!(instant(bad, now), None, "{bad}");
        }
    }

    #[test]
    fn package_cutoffs_name_a_package_and_an_instant() {
        let (name, when) = package_cutoff("Flask=2024-01-01T00:00:00Z").expect("valid");
        assert_eq!(name.to_string(), "flask");
        assert_eq!(when.to_string(), "2024-01-01T00:00:00Z");
        for bad in ["flask", "=2024-01-01", "flask=someday", "fl ask=2024-01-01"] {
            assert!(package_cutoff(bad).is_err(), "{bad}");
        }
    }
}
