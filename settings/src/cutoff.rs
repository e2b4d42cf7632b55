//! `--exclude-newer`: the instant after which uploads are ignored.

use std::str::FromStr;

use crate::SettingsError;

/// Parses `--exclude-newer`: an RFC 3339 timestamp, or a date meaning its midnight UTC.
pub fn exclude_newer(arg: Option<&str>) -> Result<Option<jiff::Timestamp>, SettingsError> {
    let Some(s) = arg else { return Ok(None) };
    if let Ok(ts) = jiff::Timestamp::from_str(s) {
        return Ok(Some(ts));
    }
    if let Ok(date) = jiff::civil::Date::from_str(s) {
        if let Ok(zoned) = date.to_zoned(jiff::tz::TimeZone::UTC) {
            return Ok(Some(zoned.timestamp()));
        }
    }
    Err(SettingsError::ExcludeNewer(s.to_string()))
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
}
