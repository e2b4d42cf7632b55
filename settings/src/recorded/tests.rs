use proptest::prelude::*;

use super::*;
use crate::StyleRequest;

/// The header fields `settings` writes.
fn recorded(settings: &LockSettings) -> Vec<(String, String)> {
    let mut header = Header::new("3.12".into(), Vec::<String>::new());
    settings.record(&mut header);
    header.recorded
}

fn decide(requested: &Requested) -> LockSettings {
    LockSettings::decide(requested, &lockit_lockfile::Inputs::default(), true)
        .expect("valid settings")
}

fn names() -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec("[a-z][a-z0-9]{0,6}", 0..3)
}

prop_compose! {
    fn requests()(
        universal in any::<bool>(),
        minor in 8u8..15,
        inputs in prop::collection::vec("[a-z]{1,5}(/[a-z]{1,5})?\\.(in|txt)", 1..3),
        constraints in prop::collection::vec("[a-z]{1,5}\\.txt", 0..2),
        extras in names(),
        groups in names(),
        all_extras in any::<bool>(),
        extra_index in prop::collection::vec("https://[a-z]{1,6}\\.example/simple/", 0..2),
        only_binary in names(),
        no_build_packages in names(),
        flags in prop::collection::vec(any::<bool>(), 6),
        prerelease in prop::option::of(0usize..6),
        resolution in prop::option::of(0usize..3),
        cutoff in prop::option::of(1_600_000_000i64..1_900_000_000),
    ) -> Requested {
        Requested {
            inputs: inputs.into_iter().map(Into::into).collect(),
            constraints: constraints.into_iter().map(Into::into).collect(),
            extras,
            groups,
            all_extras,
            python_version: Some(format!("3.{minor}")),
            python_platform: (!universal).then(|| "x86_64-manylinux_2_28".to_string()),
            universal,
            environments: if universal && flags[5] { vec!["sys_platform == 'linux'".into()] } else { Vec::new() },
            index_url: Some("https://pypi.example/simple/".into()),
            extra_index_urls: extra_index,
            index_strategy: flags[0].then_some(IndexStrategy::UnsafeBestMatch),
            exclude_newer: cutoff.map(|s| jiff::Timestamp::from_second(s).expect("in range").to_string()),
            prerelease: prerelease.map(|i| [
                PrereleaseMode::Pep440,
                PrereleaseMode::Disallow,
                PrereleaseMode::Allow,
                PrereleaseMode::IfNecessary,
                PrereleaseMode::Explicit,
                PrereleaseMode::IfNecessaryOrExplicit,
            ][i]),
            resolution: resolution.map(|i| [
                lockit_resolver::ResolutionMode::Highest,
                lockit_resolver::ResolutionMode::Lowest,
                lockit_resolver::ResolutionMode::LowestDirect,
            ][i]),
            only_binary,
            no_build: flags[1],
            no_build_packages,
            style: StyleRequest {
                no_annotate: flags[2],
                no_strip_extras: flags[3] && !universal,
                line_annotations: flags[4],
                emit_index_url: flags[1] && flags[2],
            },
            ..Requested::default()
        }
    }
}

proptest! {
    /// What a header records, read back and decided again, records the same fields: a
    /// lock checked from its header is checked with the settings it was made with.
    #[test]
    fn a_recorded_header_reads_back_to_the_same_settings(requested in requests()) {
        let first = recorded(&decide(&requested));
        let again = decide(&Requested::from_recorded(&first));
        prop_assert_eq!(recorded(&again), first);
        prop_assert_eq!(again.prerelease, decide(&requested).prerelease);
        prop_assert_eq!(again.environment.is_universal(), requested.universal);
    }
}

#[test]
fn a_header_records_only_what_differs_from_the_defaults() {
    let requested = Requested {
        inputs: vec!["requirements.in".into()],
        python_version: Some("3.12".into()),
        python_platform: Some("x86_64-manylinux_2_28".into()),
        index_url: Some("https://user:secret@pypi.example/simple/".into()),
        ..Requested::default()
    };
    let lines: Vec<String> = recorded(&decide(&requested))
        .into_iter()
        .map(|(k, v)| format!("{k}: {v}"))
        .collect();
    assert_eq!(
        lines,
        [
            "python: 3.12.0",
            "platform: x86_64-manylinux_2_28",
            "index-url: https://pypi.example/simple/",
            "prerelease: pep440",
            "input: requirements.in",
        ]
    );
}

#[test]
fn headers_before_the_settings_model_are_not_read_in_full() {
    let old = [
        ("python".to_string(), "3.12.0".to_string()),
        ("platform".to_string(), "universal".to_string()),
    ];
    assert!(!Requested::recorded_in_full(&old));
    let read = Requested::from_recorded(&old);
    assert!(read.universal && read.python_platform.is_none());
    assert_eq!(read.python_version.as_deref(), Some("3.12.0"));
}
