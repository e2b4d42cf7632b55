"""The reference side of resolver/tests/differential.rs: answers every generated case
with `packaging`, in one process per test.

    python oracle.py MODE REQUEST.json ANSWER.json

MODE is `specifiers`, `markers`, `tags` or `filter`; the request and answer formats are described
by each function below.
"""

import json
import sys

import packaging
from packaging import _manylinux, _musllinux, tags
from packaging.markers import InvalidMarker, Marker
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import parse_wheel_filename
from packaging.version import InvalidVersion, Version


def specifiers(request):
    """{"specs": [str], "versions": [str], "pairs": [[spec index, version index]]} ->
    {"specs": [{"valid", "prereleases"}], "versions": [{"valid", "str", "prerelease"}],
     "contains": [bool | null]} (null: spec or version invalid)."""
    sets = []
    spec_out = []
    for text in request["specs"]:
        try:
            s = SpecifierSet(text)
        except InvalidSpecifier:
            sets.append(None)
            spec_out.append({"valid": False, "prereleases": None})
            continue
        sets.append(s)
        # True when a specifier names a pre-release (what opts a project into them).
        spec_out.append({"valid": True, "prereleases": s.prereleases is True})
    versions = []
    version_out = []
    for text in request["versions"]:
        try:
            v = Version(text)
        except InvalidVersion:
            versions.append(None)
            version_out.append({"valid": False, "str": None, "prerelease": None})
            continue
        versions.append(v)
        version_out.append({"valid": True, "str": str(v), "prerelease": v.is_prerelease})
    contains = []
    for si, vi in request["pairs"]:
        s, v = sets[si], versions[vi]
        # A Version object, as a resolver holds it: `===` compares its normalized text.
        contains.append(None if s is None or v is None else s.contains(v, prereleases=True))
    return {"specs": spec_out, "versions": version_out, "contains": contains}


def markers(request):
    """{"markers": [str], "envs": [{name: value, "extra": [str]}], "pairs": [[m, e]]} ->
    {"markers": [{"valid", "error", "raises"}], "results": [bool | str]} (a str: evaluation
    raised). "raises" is the first error evaluating the marker in any of the environments
    (null if it evaluates in all of them): what lockit must refuse."""
    envs = []
    for env in request["envs"]:
        env = dict(env)
        env["extra"] = frozenset(env.get("extra", []))
        envs.append(env)

    def evaluate(marker, env):
        try:
            return marker.evaluate(env)
        except Exception as e:  # UndefinedComparison and friends
            return f"{type(e).__name__}: {e}"

    parsed = []
    marker_out = []
    for text in request["markers"]:
        try:
            marker = Marker(text)
        except InvalidMarker as e:
            parsed.append(None)
            marker_out.append({"valid": False, "error": str(e).splitlines()[0], "raises": None})
            continue
        parsed.append(marker)
        errors = (r for r in (evaluate(marker, env) for env in envs) if isinstance(r, str))
        marker_out.append({"valid": True, "error": None, "raises": next(errors, None)})
    results = []
    for mi, ei in request["pairs"]:
        m = parsed[mi]
        results.append("invalid marker" if m is None else evaluate(m, envs[ei]))
    return {"markers": marker_out, "results": results}


def platforms(platform):
    """The platform tags `packaging` yields on a machine like `platform`, most preferred
    first, the way `tags.platform_tags()` builds them for the running system."""
    kind = platform["kind"]
    arch = platform.get("arch")
    if kind == "manylinux":
        # _manylinux.platform_tags reads the running glibc; answer for the target's.
        _manylinux._get_glibc_version = lambda: _manylinux._GLibCVersion(2, platform["minor"])
        _manylinux._get_manylinux_module = lambda: None
        return [f"linux_{arch}", *_manylinux.platform_tags([arch])]
    if kind == "musllinux":
        _musllinux._get_musl_version = lambda _exe: _musllinux._MuslVersion(1, platform["minor"])
        return [f"linux_{arch}", *_musllinux.platform_tags([arch])]
    if kind == "macos":
        return list(tags.mac_platforms((platform["major"], platform["minor"]), arch))
    if kind == "windows":
        return [platform["tag"]]
    raise ValueError(kind)


def tag_lists(request):
    """{"targets": [{"platform": {...}, "python": [3, minor]}], "wheels": [str]} ->
    {"targets": [{"tags": [str], "compatible": [bool]}]}: the tags of a CPython of that
    version on that platform, in preference order, and which wheel files it accepts."""
    out = []
    parsed = [frozenset(parse_wheel_filename(w)[3]) for w in request["wheels"]]
    for target in request["targets"]:
        major, minor = target["python"]
        plats = platforms(target["platform"])
        interpreter = f"cp{major}{minor}"
        ordered = [
            *tags.cpython_tags((major, minor), abis=[interpreter], platforms=plats),
            *tags.compatible_tags((major, minor), interpreter=interpreter, platforms=plats),
        ]
        accepted = frozenset(ordered)
        out.append(
            {
                "tags": [str(t) for t in ordered],
                "compatible": [not w.isdisjoint(accepted) for w in parsed],
            }
        )
    return {"targets": out}


def newest(request):
    """{"histories": [[str]], "cases": [{"history": int, "spec": str}]} ->
    {"cases": [{"valid": bool, "newest": str | null}]}: the newest version of the history
    that `SpecifierSet(spec).filter` picks, as pip picks a candidate (PEP 440's pre-release
    rule: a pre-release when the set names one or no final release matches)."""
    out = []
    for case in request["cases"]:
        try:
            s = SpecifierSet(case["spec"])
        except InvalidSpecifier:
            out.append({"valid": False, "newest": None})
            continue
        picked = list(s.filter(request["histories"][case["history"]]))
        best = max(picked, key=Version) if picked else None
        out.append({"valid": True, "newest": best})
    return {"cases": out}


def main():
    mode, request_path, answer_path = sys.argv[1:]
    with open(request_path, encoding="utf-8") as f:
        request = json.load(f)
    answer = {
        "specifiers": specifiers,
        "markers": markers,
        "tags": tag_lists,
        "filter": newest,
    }[mode](request)
    answer["packaging"] = packaging.__version__
    with open(answer_path, "w", encoding="utf-8") as f:
        json.dump(answer, f)


if __name__ == "__main__":
    main()
