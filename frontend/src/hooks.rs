//! PEP 517 hooks, called through a tiny Python script run by the build environment's
//! interpreter in the source tree, as pip's `pyproject_hooks` and uv do: the backend is
//! imported (from `backend-path` first, when given), the hook is called, and its answer
//! is written as JSON to a file, so that whatever the backend prints is only output.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::error::{tail, HookFailure};

/// The hook runner. Arguments: hook name, backend spec, backend-path (JSON list), the
/// output folder, the answer file, and optionally a second hook and its output folder,
/// called in the same process when the first (`get_requires_…`) asks for nothing (the
/// answer is then `{"requires": [], "then": …}`, and the file `answer.then` marks that the
/// second hook started). Exit 0 with the answer written, or non-zero with a traceback on
/// stderr.
const SCRIPT: &str = r#"
import importlib, json, os, sys

def load(spec, backend_path):
    paths = [os.path.abspath(p) for p in backend_path]
    sys.path[:0] = paths
    module, _, obj = spec.partition(":")
    backend = importlib.import_module(module.strip())
    if paths:
        where = os.path.normcase(os.path.abspath(getattr(backend, "__file__", None) or ""))
        if not any(where.startswith(os.path.normcase(p) + os.sep) for p in paths):
            sys.exit("the backend %r was not loaded from backend-path %r but from %r"
                     % (spec, backend_path, where))
    for attr in filter(None, obj.strip().split(".")):
        backend = getattr(backend, attr)
    return backend

def call(backend, hook, out_dir):
    function = getattr(backend, hook, None)
    if function is None and hook.endswith("_editable"):
        # PEP 660 hooks are optional: the wheel's say the same of metadata.
        hook = hook[: -len("editable")] + "wheel"
        function = getattr(backend, hook, None)
    if hook.startswith("get_requires_for_build_"):
        return [str(r) for r in (function({}) if function else [])]
    if function is None:
        return {"missing": True}
    return {"name": function(out_dir, {})}

def main():
    hook, spec, backend_path, out_dir, answer = sys.argv[1:6]
    backend = load(spec, json.loads(backend_path))
    value = call(backend, hook, out_dir)
    if len(sys.argv) > 7 and value == []:
        open(answer + ".then", "w").close()
        value = {"requires": value, "then": call(backend, sys.argv[6], sys.argv[7])}
    with open(answer, "w") as f:
        json.dump(value, f)

main()
"#;

/// A PEP 517 hook lockit calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Hook {
    /// Extra requirements for building a wheel.
    GetRequires,
    /// The `.dist-info` folder, without building.
    PrepareMetadata,
    /// A whole wheel (when the backend has no `prepare_metadata_for_build_wheel`).
    BuildWheel,
}

impl Hook {
    /// The hook to call: its PEP 660 twin for an editable install (the runner falls back
    /// to the wheel hook when the backend lacks it).
    pub fn called(self, editable: bool) -> &'static str {
        match (self, editable) {
            (_, false) => self.name(),
            (Hook::GetRequires, true) => "get_requires_for_build_editable",
            (Hook::PrepareMetadata, true) => "prepare_metadata_for_build_editable",
            (Hook::BuildWheel, true) => "build_editable",
        }
    }

    /// The hook's name, as backends define it.
    pub fn name(self) -> &'static str {
        match self {
            Hook::GetRequires => "get_requires_for_build_wheel",
            Hook::PrepareMetadata => "prepare_metadata_for_build_wheel",
            Hook::BuildWheel => "build_wheel",
        }
    }
}

/// Where and how hooks run.
pub(crate) struct HookRunner<'a> {
    /// The build environment's interpreter.
    pub python: &'a Path,
    /// The build environment (a venv), whose scripts go first on `PATH`.
    pub venv: &'a Path,
    /// The source tree: the hooks' working folder.
    pub source: &'a Path,
    /// `build-backend` and `backend-path`.
    pub backend: &'a str,
    /// See above.
    pub backend_path: &'a [String],
    /// Scratch space for answers, logs and outputs.
    pub work: &'a Path,
    /// How long one hook may run.
    pub timeout: Duration,
    /// Call the PEP 660 hooks (for an editable install) where the backend has them.
    pub editable: bool,
}

/// A hook that ended without an answer: how, and its last lines of output.
pub(crate) type Failed = (HookFailure, Vec<String>);

/// The answers of a hook and of the one chained after it, when that ran.
pub(crate) struct Answers {
    /// The first hook's answer.
    pub first: serde_json::Value,
    /// The second hook's, when the first asked for nothing and it ran in the same process.
    pub then: Option<serde_json::Value>,
}

impl HookRunner<'_> {
    /// Calls `hook` (with `out_dir` as its output folder) and returns its JSON answer;
    /// with `then`, also that hook in the same process when `hook` (a `get_requires_…`
    /// hook) asks for nothing more: one interpreter start and backend import instead of
    /// two. An error names the hook that failed.
    pub fn call(
        &self,
        hook: Hook,
        out_dir: &Path,
        then: Option<(Hook, &Path)>,
    ) -> Result<Answers, (Hook, HookFailure, Vec<String>)> {
        let answer = self.work.join(format!("{}.json", hook.name()));
        let log = self.work.join(format!("{}.log", hook.name()));
        let failed_hook = || match then {
            Some((second, _)) if answer.with_extension("json.then").exists() => second,
            _ => hook,
        };
        let backend_path =
            serde_json::to_string(self.backend_path).unwrap_or_else(|_| "[]".to_string());
        let mut cmd = Command::new(self.python);
        // -I: neither the source tree nor PYTHONPATH nor user site-packages on sys.path,
        // except what backend-path puts there. -u: the output interleaves as printed, and
        // what a killed hook printed last is in the log.
        cmd.arg("-I")
            .arg("-u")
            .arg("-c")
            .arg(SCRIPT)
            .arg(hook.called(self.editable))
            .arg(self.backend)
            .arg(backend_path)
            .arg(out_dir)
            .arg(&answer);
        if let Some((second, second_out)) = then {
            cmd.arg(second.called(self.editable)).arg(second_out);
        }
        cmd.current_dir(self.source);
        isolate(&mut cmd, self.venv);
        run_logged(&mut cmd, &log, self.timeout).map_err(|(f, out)| (failed_hook(), f, out))?;
        let text = std::fs::read_to_string(&answer).map_err(|e| {
            (
                failed_hook(),
                HookFailure::Spawn(format!("the hook left no answer: {e}")),
                read_tail(&log),
            )
        })?;
        let value: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
            (
                failed_hook(),
                HookFailure::Spawn(format!("the hook's answer is not JSON: {e}")),
                read_tail(&log),
            )
        })?;
        Ok(match value {
            serde_json::Value::Object(mut o) if then.is_some() && o.contains_key("then") => {
                Answers {
                    first: o.remove("requires").unwrap_or_default(),
                    then: o.remove("then"),
                }
            }
            first => Answers { first, then: None },
        })
    }
}

/// The environment of a build process: the venv first on `PATH`, and nothing from the
/// caller's Python settings that would reach into the isolated environment.
pub(crate) fn isolate(cmd: &mut Command, venv: &Path) {
    let bin = venv.join(if cfg!(windows) { "Scripts" } else { "bin" });
    let mut paths = vec![bin];
    if let Some(path) = std::env::var_os("PATH") {
        paths.extend(std::env::split_paths(&path));
    }
    if let Ok(joined) = std::env::join_paths(paths) {
        cmd.env("PATH", joined);
    }
    cmd.env("VIRTUAL_ENV", venv)
        .env("PYTHONUNBUFFERED", "1")
        .env_remove("PYTHONPATH")
        .env_remove("PYTHONHOME")
        .env_remove("PYTHONSTARTUP")
        .env_remove("PYTHONUSERBASE")
        .stdin(Stdio::null());
}

/// Runs `cmd` with stdout and stderr both appended to `log`, killing it after `timeout`.
/// A non-zero exit is `Err` with its status and last lines.
pub(crate) fn run_logged(cmd: &mut Command, log: &Path, timeout: Duration) -> Result<(), Failed> {
    let spawn_failed = |e: std::io::Error| (HookFailure::Spawn(e.to_string()), Vec::new());
    let out = File::create(log).map_err(spawn_failed)?;
    let err = out.try_clone().map_err(spawn_failed)?;
    cmd.stdout(out).stderr(err);
    let mut child = cmd.spawn().map_err(spawn_failed)?;
    let started = Instant::now();
    let mut pause = Duration::from_millis(5);
    loop {
        match child.try_wait() {
            Ok(Some(status)) if status.success() => return Ok(()),
            Ok(Some(status)) => return Err((HookFailure::Exit(status.code()), read_tail(log))),
            Ok(None) => {}
            Err(e) => return Err((HookFailure::Spawn(e.to_string()), read_tail(log))),
        }
        if started.elapsed() >= timeout {
            let _ = child.kill();
            let _ = child.wait();
            return Err((HookFailure::Timeout(timeout.as_secs()), read_tail(log)));
        }
        std::thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_millis(50));
    }
}

/// The last lines of a log file (none when it cannot be read).
pub(crate) fn read_tail(log: &Path) -> Vec<String> {
    std::fs::read(log)
        .map(|bytes| tail(&String::from_utf8_lossy(&bytes)))
        .unwrap_or_default()
}

/// A `.dist-info` folder name a hook returned, checked to be one plain name.
pub(crate) fn plain_name(value: &serde_json::Value) -> Option<PathBuf> {
    let name = value.get("name")?.as_str()?;
    let path = Path::new(name);
    let mut parts = path.components();
    match (parts.next(), parts.next()) {
        (Some(std::path::Component::Normal(_)), None) => Some(path.to_path_buf()),
        _ => None,
    }
}
