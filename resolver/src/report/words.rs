//! Sets of versions written the way a person says them: "django 5.0 to 6.1.2", "every
//! django release from 5.0", "the 47 releases of tornado before 5.0", never as a union
//! of hundreds of intervals. Only the versions the index publishes count, and of those
//! only the ones the solver could choose (final releases unless pre-releases are
//! allowed, not yanked), so that a range with holes at every pre-release still reads
//! as one span.

use std::collections::{HashMap, HashSet};
use std::ops::Bound;

use lockit_types::{PackageName, Version, Yanked};
use pubgrub::Ranges;

use crate::candidates::VersionMap;
use crate::package::Pkg;
use crate::prose::{agree, and_list};
use crate::ranges::range_text;

/// What the report knows about one project's published versions.
#[derive(Debug, Clone, Default)]
pub(crate) struct Known {
    /// Every version, oldest first.
    pub versions: Vec<Version>,
    /// Yanked versions, with the reason the index gave (possibly empty).
    pub yanked: HashMap<Version, String>,
}

impl Known {
    /// Versions and yanks from a version map.
    pub fn from_map(map: &VersionMap) -> Self {
        let mut versions = Vec::new();
        let mut yanked = HashMap::new();
        for (v, e) in map.newest_first() {
            versions.push(v.clone());
            if e.yanked {
                let reason = e
                    .files
                    .iter()
                    .find_map(|f| match &f.yanked {
                        Yanked::Yes(r) => Some(r.clone()),
                        Yanked::No => None,
                    })
                    .unwrap_or_default();
                yanked.insert(v.clone(), reason);
            }
        }
        versions.reverse();
        Known { versions, yanked }
    }
}

/// What the report knows about each project, by name.
pub(crate) type Maps = HashMap<PackageName, Known>;

/// A noun phrase for some versions of a package, with its grammatical number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Phrase {
    pub text: String,
    pub plural: bool,
}

impl Phrase {
    fn one(text: String) -> Self {
        Phrase {
            text,
            plural: false,
        }
    }

    fn many(text: String) -> Self {
        Phrase { text, plural: true }
    }

    /// `one` or `many`, agreeing with the phrase.
    pub fn verb<'a>(&self, one: &'a str, many: &'a str) -> &'a str {
        agree(self.plural, one, many)
    }
}

/// The longest specifier written as such; longer ranges are described by the versions
/// they hold.
const MAX_SPEC: usize = 80;
/// The most alternatives (`a or b or c`) written as a specifier.
const MAX_ALTERNATIVES: usize = 3;
/// The most runs of consecutive releases listed one by one.
const MAX_RUNS: usize = 3;

/// Words for the versions of the projects in one report.
pub(crate) struct Words<'m> {
    maps: &'m Maps,
    /// Projects whose pre-releases the solver may choose.
    prereleases: HashSet<PackageName>,
}

/// Versions to describe a range with, and which of them (by index) the range holds.
struct Picked<'a> {
    list: Vec<&'a Version>,
    inside: Vec<usize>,
}

impl Picked<'_> {
    /// Runs of consecutive indices, as (first, last).
    fn runs(&self) -> Vec<(usize, usize)> {
        let mut runs: Vec<(usize, usize)> = Vec::new();
        for &i in &self.inside {
            match runs.last_mut() {
                Some((_, last)) if *last + 1 == i => *last = i,
                _ => runs.push((i, i)),
            }
        }
        runs
    }
}

impl<'m> Words<'m> {
    /// Words for `maps`; pre-releases count as choosable for the projects in
    /// `prereleases` (and for projects that publish nothing else).
    pub fn new(maps: &'m Maps, prereleases: HashSet<PackageName>) -> Self {
        Words { maps, prereleases }
    }

    /// What is known of `pkg`'s project.
    pub fn known(&self, pkg: &Pkg) -> Option<&'m Known> {
        pkg.name().and_then(|n| self.maps.get(n))
    }

    /// Every version of `pkg` on the index, oldest first.
    pub fn published(&self, pkg: &Pkg) -> Vec<&'m Version> {
        self.known(pkg)
            .map(|k| k.versions.iter().collect())
            .unwrap_or_default()
    }

    /// The versions the solver could choose, oldest first: not yanked, and final
    /// releases unless pre-releases are allowed; every published version when that
    /// leaves none.
    fn choosable(&self, pkg: &Pkg) -> Vec<&'m Version> {
        let Some(known) = self.known(pkg) else {
            return Vec::new();
        };
        let pre_ok = pkg.name().is_some_and(|n| self.prereleases.contains(n))
            || known.versions.iter().all(Version::any_prerelease);
        let list: Vec<&Version> = known
            .versions
            .iter()
            .filter(|v| (pre_ok || !v.any_prerelease()) && !known.yanked.contains_key(*v))
            .collect();
        if list.is_empty() {
            known.versions.iter().collect()
        } else {
            list
        }
    }

    /// The choosable versions and those of them in `range`; when the range holds none,
    /// every published version and those in range; `None` when it holds no version.
    fn pick(&self, pkg: &Pkg, range: &Ranges<Version>) -> Option<Picked<'m>> {
        for list in [self.choosable(pkg), self.published(pkg)] {
            let inside: Vec<usize> = (0..list.len())
                .filter(|&i| range.contains(list[i]))
                .collect();
            if !inside.is_empty() {
                return Some(Picked { list, inside });
            }
        }
        None
    }

    /// True when `range` holds no version of `pkg` the solver could choose (and the
    /// index has the project).
    pub fn holds_none(&self, pkg: &Pkg, range: &Ranges<Version>) -> bool {
        let all = self.choosable(pkg);
        !all.is_empty() && !all.iter().any(|v| range.contains(v))
    }

    /// True when `range` holds no published version of `pkg` at all.
    pub fn holds_nothing(&self, pkg: &Pkg, range: &Ranges<Version>) -> bool {
        let all = self.published(pkg);
        !all.is_empty() && !all.iter().any(|v| range.contains(v))
    }

    /// True when `range` is what is left of a range after releases were taken out of it
    /// (an end of it stops just short of a choosable release), not a range anyone wrote.
    pub fn leftover(&self, pkg: &Pkg, range: &Ranges<Version>) -> bool {
        let choosable = self.choosable(pkg);
        let at_release = |b: Bound<&Version>| match b {
            // Exactly a release: a bound written by a user carries pep440_rs's `min`/`max`
            // markers (`<2` is `< 2.min0`), or a local label (`!=2`).
            Bound::Excluded(v) => choosable.contains(&v),
            _ => false,
        };
        range.iter().count() > 1
            || range
                .iter()
                .any(|(lo, hi)| at_release(lo.as_ref()) || at_release(hi.as_ref()))
    }

    /// The first final release of `pkg` published after `v`, yanked or not: what "the
    /// releases before …" is bounded by, as a user would write the bound.
    fn next_final(&self, pkg: &Pkg, v: &Version) -> Option<&'m Version> {
        self.published(pkg)
            .into_iter()
            .find(|p| *p > v && !p.any_prerelease())
    }

    /// How many versions `range` holds, counted as [`Words::span`] counts them.
    pub fn count(&self, pkg: &Pkg, range: &Ranges<Version>) -> usize {
        self.pick(pkg, range).map_or(0, |p| p.inside.len())
    }

    /// The newest version `range` holds, counted as [`Words::span`] counts them.
    pub fn newest(&self, pkg: &Pkg, range: &Ranges<Version>) -> Option<&'m Version> {
        self.pick(pkg, range)
            .and_then(|p| p.inside.last().map(|&i| p.list[i]))
    }

    /// Some versions of `pkg` as the subject of a sentence: `tensors` (every release),
    /// `tabular 1.0.0`, `every django release from 5.0`, `django 5.0 to 5.0.14`,
    /// `the 47 releases of tornado before 5.0`.
    pub fn span(&self, pkg: &Pkg, range: &Ranges<Version>) -> Phrase {
        if *pkg == Pkg::Root {
            return Phrase::one("your requirements".to_string());
        }
        let Some(picked) = self.pick(pkg, range) else {
            return Phrase::one(self.spec(pkg, range));
        };
        let list = &picked.list;
        let (m, n) = (list.len(), picked.inside.len());
        if n == m {
            return Phrase::one(pkg.to_string());
        }
        let runs = picked.runs();
        match runs.as_slice() {
            [(i, _)] if n == 1 => Phrase::one(format!("{pkg} {}", list[*i])),
            [(i, j)] if n == 2 => Phrase::many(format!("{pkg} {} and {}", list[*i], list[*j])),
            [(0, j)] => Phrase::many(format!(
                "the {n} releases of {pkg} before {}",
                self.next_final(pkg, list[*j]).unwrap_or(list[*j + 1])
            )),
            [(i, j)] if *j == m - 1 => {
                Phrase::one(format!("every {pkg} release from {}", list[*i]))
            }
            [(i, j)] => Phrase::many(format!("{pkg} {} to {}", list[*i], list[*j])),
            // One span but for a release or two that are in another group.
            _ if picked.inside[n - 1] - picked.inside[0] + 1 - n <= 2 => {
                let (first, last) = (picked.inside[0], picked.inside[n - 1]);
                let missing: Vec<String> = (first..=last)
                    .filter(|i| !picked.inside.contains(i))
                    .map(|i| list[i].to_string())
                    .collect();
                Phrase::many(format!(
                    "{pkg} {} to {} except {}",
                    list[first],
                    list[last],
                    and_list(&missing)
                ))
            }
            _ if runs.len() <= MAX_RUNS => {
                let items: Vec<String> = runs
                    .iter()
                    .flat_map(|&(i, j)| match j - i {
                        0 => vec![list[i].to_string()],
                        1 => vec![list[i].to_string(), list[j].to_string()],
                        _ => vec![format!("{} to {}", list[i], list[j])],
                    })
                    .collect();
                Phrase::many(format!("{pkg} {}", and_list(&items)))
            }
            _ => Phrase::many(format!(
                "{n} releases of {pkg} from {} to {}",
                list[picked.inside[0]],
                list[picked.inside[n - 1]]
            )),
        }
    }

    /// A range of `pkg` as the requirement a user would write: `numpy>=2`,
    /// `django (>=5.0,<=5.0.14 or >=5.1)`; a range with many holes is described by the
    /// versions it holds (`django (one of 23 releases from 5.0 to 6.1.2)`).
    pub fn spec(&self, pkg: &Pkg, range: &Ranges<Version>) -> String {
        if *pkg == Pkg::Root {
            return "your requirements".to_string();
        }
        let Some(text) = range_text(range) else {
            return pkg.to_string();
        };
        let alternatives = text.matches(" or ").count() + 1;
        if alternatives <= MAX_ALTERNATIVES && text.len() <= MAX_SPEC {
            return if alternatives > 1 {
                format!("{pkg} ({text})")
            } else {
                format!("{pkg}{text}")
            };
        }
        let Some(picked) = self.pick(pkg, range) else {
            // No published version at all: the outermost bounds say enough.
            let hull = range
                .bounding_range()
                .map(|(lo, hi)| Ranges::from_range_bounds((lo.cloned(), hi.cloned())))
                .and_then(|r| range_text(&r))
                .unwrap_or_default();
            return format!("{pkg}{hull} (no published version)");
        };
        let list = &picked.list;
        let (m, n) = (list.len(), picked.inside.len());
        if n == m {
            return pkg.to_string();
        }
        let piece = |(i, j): (usize, usize)| -> String {
            if i == j {
                format!("=={}", list[i])
            } else if i == 0 {
                format!("<={}", list[j])
            } else if j == m - 1 {
                format!(">={}", list[i])
            } else {
                format!(">={},<={}", list[i], list[j])
            }
        };
        let runs = picked.runs();
        match runs.as_slice() {
            [one] => format!("{pkg}{}", piece(*one)),
            _ if runs.len() <= MAX_RUNS => {
                let pieces: Vec<String> = runs.iter().map(|r| piece(*r)).collect();
                format!("{pkg} ({})", pieces.join(" or "))
            }
            _ => format!(
                "{pkg} (one of {n} releases from {} to {})",
                list[picked.inside[0]],
                list[picked.inside[n - 1]]
            ),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use std::str::FromStr;

    use super::*;
    use crate::ranges::specifiers_range;

    fn v(s: &str) -> Version {
        Version::from_str(s).unwrap()
    }

    fn pkg(n: &str) -> Pkg {
        Pkg::Project(PackageName::from_str(n).unwrap())
    }

    fn spec(s: &str) -> Ranges<Version> {
        specifiers_range(&lockit_types::VersionSpecifiers::from_str(s).unwrap())
    }

    /// `name` with releases `list` (oldest first).
    fn maps(name: &str, list: &[&str]) -> Maps {
        let mut m = Maps::new();
        m.insert(
            PackageName::from_str(name).unwrap(),
            Known {
                versions: list.iter().map(|s| v(s)).collect(),
                yanked: HashMap::new(),
            },
        );
        m
    }

    /// 1.0 … 1.9, 2.0 … 2.9, each with an rc before it.
    fn history() -> Vec<String> {
        let mut out = Vec::new();
        for major in 1..=2 {
            for minor in 0..10 {
                out.push(format!("{major}.{minor}rc1"));
                out.push(format!("{major}.{minor}"));
            }
        }
        out
    }

    fn words_for(list: &[String]) -> Maps {
        let refs: Vec<&str> = list.iter().map(String::as_str).collect();
        maps("lib", &refs)
    }

    /// Every release of a range, taken one by one out of `start`, as the solver leaves it.
    fn without_releases(start: Ranges<Version>, list: &[&str]) -> Ranges<Version> {
        list.iter().fold(start, |r, s| {
            r.intersection(&Ranges::singleton(v(s)).complement())
        })
    }

    #[test]
    fn spans_name_releases_as_a_person_would() {
        let m = words_for(&history());
        let w = Words::new(&m, HashSet::new());
        let p = pkg("lib");
        let say = |r: Ranges<Version>| w.span(&p, &r);
        assert_eq!(say(Ranges::full()).text, "lib");
        assert_eq!(say(spec("==1.3")).text, "lib 1.3");
        assert_eq!(say(spec(">=1.3,<1.5")).text, "lib 1.3 and 1.4");
        assert!(say(spec(">=1.3,<1.5")).plural);
        assert_eq!(say(spec("<1.5")).text, "the 5 releases of lib before 1.5");
        assert_eq!(say(spec(">=1.5")).text, "every lib release from 1.5");
        assert!(!say(spec(">=1.5")).plural);
        assert_eq!(say(spec(">=1.2,<=2.3")).text, "lib 1.2 to 2.3");
        assert_eq!(
            say(spec("<1.2")
                .union(&spec("==1.5"))
                .union(&spec(">=2.7,<2.9")))
            .text,
            "lib 1.0, 1.1, 1.5, 2.7 and 2.8"
        );
        let scattered = ["1.1", "1.3", "1.5", "1.7", "2.1"]
            .iter()
            .fold(Ranges::empty(), |r, s| r.union(&Ranges::singleton(v(s))));
        assert_eq!(say(scattered).text, "5 releases of lib from 1.1 to 2.1");
        let but_one = spec(">=1.2,<=2.3").intersection(&spec("!=1.7"));
        assert_eq!(say(but_one).text, "lib 1.2 to 2.3 except 1.7");
    }

    #[test]
    fn a_range_with_a_hole_at_every_release_is_one_span() {
        let list = history();
        let m = words_for(&list);
        let w = Words::new(&m, HashSet::new());
        let p = pkg("lib");
        let finals: Vec<&str> = list
            .iter()
            .map(String::as_str)
            .filter(|s| !s.contains("rc"))
            .collect();
        // What is left of lib>=1.0 once every final release was ruled out: only the
        // pre-releases, in 20 intervals.
        let left = without_releases(spec(">=1.0"), &finals);
        assert!(w.holds_none(&p, &left));
        assert!(w.leftover(&p, &left));
        assert!(!w.leftover(&p, &spec(">=1.5")));
        assert!(!w.leftover(&p, &spec("<2")));
        // Versions from 1.5 that depend on something: every final one.
        let from = spec(">=1.5").intersection(&left.complement());
        assert_eq!(w.span(&p, &from).text, "every lib release from 1.5");
        assert_eq!(w.spec(&p, &from), "lib>=1.5");
        let spec_text = w.spec(&p, &left);
        assert!(spec_text.len() < 80, "{spec_text}");
    }

    #[test]
    fn specs_stay_short() {
        let m = words_for(&history());
        let w = Words::new(&m, HashSet::new());
        let p = pkg("lib");
        assert_eq!(w.spec(&p, &spec(">=1.2,<2")), "lib>=1.2,<2");
        assert_eq!(w.spec(&p, &Ranges::full()), "lib");
        let odd = ["1.1", "1.3", "1.5", "1.7", "2.1"]
            .iter()
            .fold(Ranges::empty(), |r, s| r.union(&spec(&format!("=={s}"))));
        assert_eq!(w.spec(&p, &odd), "lib (one of 5 releases from 1.1 to 2.1)");
        let two = spec("==1.1").union(&spec(">=2.5,<2.7"));
        assert_eq!(w.spec(&p, &two), "lib (==1.1 or >=2.5,<2.7)");
    }

    #[test]
    fn releases_before_are_bounded_by_the_next_final_release_even_if_yanked() {
        // 1.2 is yanked: the solver never picks it, but a user writes `<1.2`.
        let mut m = maps("lib", &["1.0", "1.1", "1.1.1", "1.2rc1", "1.2", "1.2.1"]);
        m.values_mut().for_each(|k| {
            k.yanked.insert(v("1.2"), String::new());
        });
        let w = Words::new(&m, HashSet::new());
        assert_eq!(
            w.span(&pkg("lib"), &spec("<1.2")).text,
            "the 3 releases of lib before 1.2"
        );
    }

    #[test]
    fn prereleases_count_when_allowed_or_when_there_is_nothing_else() {
        let list = history();
        let m = words_for(&list);
        let allowed: HashSet<PackageName> = [PackageName::from_str("lib").unwrap()].into();
        let w = Words::new(&m, allowed);
        let p = pkg("lib");
        assert_eq!(
            w.span(&p, &spec(">=2.8rc1")).text,
            "every lib release from 2.8rc1"
        );
        let m = maps("beta", &["1.0b1", "1.0b2"]);
        let w = Words::new(&m, HashSet::new());
        assert_eq!(w.span(&pkg("beta"), &spec("==1.0b2")).text, "beta 1.0b2");
    }
}
