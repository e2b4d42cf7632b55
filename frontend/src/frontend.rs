//! The frontend: from a source tree (or an sdist) to its core metadata, through an
//! isolated build environment and the PEP 517 hooks.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use lockit_index_client::{IndexClient, MetadataBuildError, MetadataBuilder};
use lockit_interpreter::Interpreter;
use lockit_types::{MarkerEval, PackageName, Requirement, Target, Version};
use pep508_rs::VersionOrUrl;

use crate::env::{BuildEnv, BuildPython, EnvError, Environments, LockedWheel};
use crate::error::{BuildError, HookFailure};
use crate::hooks::{plain_name, Hook, HookRunner};
use crate::pyproject::BuildSystem;
use crate::slots::Slots;

/// Largest `METADATA` read back from a build.
const MAX_METADATA: u64 = 16 * 1024 * 1024;

/// How a [`BuildFrontend`] builds.
#[derive(Debug, Clone)]
pub struct FrontendOptions {
    /// The interpreter to build with (`--python`); `None`: `python3.X` on `PATH` for the
    /// target's `python_version`, else `python3`.
    pub python: Option<PathBuf>,
    /// The target's `major.minor` (`3.12`), which the build interpreter should match.
    pub python_version: Option<String>,
    /// Where build environments are cached; `None`: a scratch folder for this run.
    pub cache_dir: Option<PathBuf>,
    /// How long one hook, `venv` or `pip install` may run before it is killed.
    pub timeout: Duration,
    /// At most this many builds at once (`-j`); at least 1.
    pub concurrent_builds: usize,
}

impl Default for FrontendOptions {
    fn default() -> Self {
        FrontendOptions {
            python: None,
            python_version: None,
            cache_dir: None,
            timeout: Duration::from_secs(600),
            concurrent_builds: std::thread::available_parallelism().map_or(1, usize::from),
        }
    }
}

/// What a frontend did so far: the metadata it built (cache hits never reach it) and
/// the builds that failed.
#[derive(Debug, Default)]
pub struct BuildReport {
    /// What was built, in the order builds finished, as the "Built metadata for …" line
    /// names it: `python-nvd3 0.16.0 (sdist)`, `the local project /src/app`.
    pub built: Vec<String>,
    /// Builds that failed, with their output.
    pub failed: Vec<BuildError>,
}

/// A PEP 517 frontend for metadata. As a [`MetadataBuilder`] it is what the index client
/// calls for an sdist whose metadata is dynamic.
#[derive(Debug)]
pub struct BuildFrontend {
    options: FrontendOptions,
    python: OnceLock<Result<BuildPython, String>>,
    envs: OnceLock<Result<Environments, String>>,
    report: Mutex<BuildReport>,
    /// Hook processes running at once, at most `-j`.
    slots: Slots,
}

impl BuildFrontend {
    /// A frontend; it finds its interpreter only when it first builds.
    pub fn new(options: FrontendOptions) -> Self {
        BuildFrontend {
            python: OnceLock::new(),
            envs: OnceLock::new(),
            report: Mutex::default(),
            slots: Slots::new(options.concurrent_builds),
            options,
        }
    }

    /// Takes what was built and what failed since the last call.
    pub fn take_report(&self) -> BuildReport {
        std::mem::take(&mut *lock(&self.report))
    }

    /// The interpreter builds use, once one was looked for.
    pub fn interpreter(&self) -> Option<&Interpreter> {
        self.python.get()?.as_ref().ok().map(|p| &p.interpreter)
    }

    fn build_python(&self) -> Result<&BuildPython, String> {
        self.python
            .get_or_init(|| {
                let o = &self.options;
                let found = Interpreter::find_for(
                    o.python.as_deref(),
                    o.python_version.as_deref(),
                    o.cache_dir.as_deref(),
                )
                .ok_or_else(|| match &o.python {
                    Some(p) => format!("`{}` does not answer as a Python interpreter", p.display()),
                    None => "no `python3` on PATH answers; pass --python PATH".to_string(),
                })?;
                match &o.python_version {
                    Some(want) if !found.version.starts_with(&format!("{want}.")) => {
                        tracing::debug!(
                            "no Python {want} found; building with {} (Python {})",
                            found.executable.display(),
                            found.version
                        )
                    }
                    _ => tracing::debug!(
                        "building with {} (Python {})",
                        found.executable.display(),
                        found.version
                    ),
                }
                BuildPython::new(found)
            })
            .as_ref()
            .map_err(Clone::clone)
    }

    fn environments(&self) -> Result<&Environments, String> {
        self.envs
            .get_or_init(|| {
                Environments::new(self.options.cache_dir.as_deref())
                    .map_err(|e| format!("cannot make a scratch folder: {e}"))
            })
            .as_ref()
            .map_err(Clone::clone)
    }

    /// The `METADATA` of the sdist `sdist` (a `.tar.gz` or `.zip` archive named
    /// `filename`), unpacked into a scratch folder and built there.
    pub fn prepare_sdist_metadata(
        &self,
        client: &IndexClient,
        name: &PackageName,
        version: &Version,
        sdist: File,
        filename: &str,
    ) -> Result<Vec<u8>, BuildError> {
        let (_scratch, tree) = unpack_sdist(name, version, sdist, filename)?;
        self.prepare_metadata(client, name, version, &tree)
    }

    /// The `METADATA` of the source tree at `source`, as pip prepares it: the build
    /// requirements (`[build-system]`, then `get_requires_for_build_wheel`'s) installed in
    /// an isolated venv, then `prepare_metadata_for_build_wheel`, or `build_wheel` and the
    /// wheel's `METADATA` when the backend lacks that hook. Build requirements are resolved
    /// and fetched through `client`, which must run on a tokio runtime this thread may
    /// block on (a `spawn_blocking` thread) unless there are none.
    pub fn prepare_metadata(
        &self,
        client: &IndexClient,
        name: &PackageName,
        version: &Version,
        source: &Path,
    ) -> Result<Vec<u8>, BuildError> {
        let build = Build {
            frontend: self,
            client,
            name: name.to_string(),
            version: version.to_string(),
            editable: false,
        };
        build.run(source)
    }

    /// The `METADATA` of the local project at `tree`, as [`BuildFrontend::prepare_metadata`]
    /// prepares it, through the PEP 660 hooks when `editable`. Errors name the folder.
    pub fn prepare_tree_metadata(
        &self,
        client: &IndexClient,
        tree: &Path,
        editable: bool,
    ) -> Result<Vec<u8>, BuildError> {
        let build = Build {
            frontend: self,
            client,
            name: tree.display().to_string(),
            version: LOCAL_PROJECT.to_string(),
            editable,
        };
        build.run(tree)
    }

    /// Builds the sdist `sdist` (named `filename`) into a wheel in `out_dir` with
    /// `build_wheel`, its build requirements installed as for metadata; the wheel's path.
    /// For `lockit sync`, which installs pins that have only an sdist.
    pub fn build_sdist_wheel(
        &self,
        client: &IndexClient,
        name: &PackageName,
        version: &Version,
        sdist: File,
        filename: &str,
        out_dir: &Path,
    ) -> Result<PathBuf, BuildError> {
        let (_scratch, tree) = unpack_sdist(name, version, sdist, filename)?;
        let build = Build {
            frontend: self,
            client,
            name: name.to_string(),
            version: version.to_string(),
            editable: false,
        };
        build.wheel(&tree, out_dir)
    }

    /// Builds the local project at `tree` into a wheel in `out_dir`: with PEP 660's
    /// `build_editable` when `editable` (where the backend has it), else `build_wheel`.
    pub fn build_tree_wheel(
        &self,
        client: &IndexClient,
        tree: &Path,
        editable: bool,
        out_dir: &Path,
    ) -> Result<PathBuf, BuildError> {
        let build = Build {
            frontend: self,
            client,
            name: tree.display().to_string(),
            version: LOCAL_PROJECT.to_string(),
            editable,
        };
        build.wheel(tree, out_dir)
    }

    /// Records a build's outcome for [`BuildFrontend::take_report`]; the error as the
    /// resolver records it.
    fn record(
        &self,
        built: String,
        result: Result<Vec<u8>, BuildError>,
    ) -> Result<Vec<u8>, MetadataBuildError> {
        let mut report = lock(&self.report);
        match result {
            Ok(bytes) => {
                report.built.push(built);
                Ok(bytes)
            }
            Err(e) => {
                let failure = e.failure();
                report.failed.push(e);
                Err(MetadataBuildError::Failed(failure))
            }
        }
    }
}

impl MetadataBuilder for BuildFrontend {
    fn build(
        &self,
        client: &IndexClient,
        name: &PackageName,
        version: &Version,
        sdist: File,
        filename: &str,
    ) -> Result<Vec<u8>, MetadataBuildError> {
        let result = self.prepare_sdist_metadata(client, name, version, sdist, filename);
        self.record(format!("{name} {version} (sdist)"), result)
    }

    fn build_tree(
        &self,
        client: &IndexClient,
        tree: &Path,
        editable: bool,
    ) -> Result<Vec<u8>, MetadataBuildError> {
        let result = self.prepare_tree_metadata(client, tree, editable);
        self.record(format!("the local project {}", tree.display()), result)
    }
}

/// What a local project's build names as its version (it has none until built).
pub const LOCAL_PROJECT: &str = "(local project)";

/// The sdist `sdist` (named `filename`) unpacked into a scratch folder, which lives as long
/// as the returned guard; and its source tree.
fn unpack_sdist(
    name: &PackageName,
    version: &Version,
    sdist: File,
    filename: &str,
) -> Result<(tempfile::TempDir, PathBuf), BuildError> {
    let unpack_error = |reason: String| BuildError::Unpack {
        name: name.to_string(),
        version: version.to_string(),
        reason,
    };
    let scratch = tempfile::Builder::new()
        .prefix("lockit-sdist-")
        .tempdir()
        .map_err(|e| unpack_error(e.to_string()))?;
    let tree = crate::source::unpack(sdist, filename, scratch.path()).map_err(unpack_error)?;
    Ok((scratch, tree))
}

/// One build: what its errors name.
struct Build<'a> {
    frontend: &'a BuildFrontend,
    client: &'a IndexClient,
    name: String,
    version: String,
    /// Prepare the metadata for an editable install (PEP 660).
    editable: bool,
}

impl<'a> Build<'a> {
    /// The interpreter builds run with, and `source`'s `[build-system]`.
    fn python_and_build_system(
        &self,
        source: &Path,
    ) -> Result<(&'a BuildPython, BuildSystem), BuildError> {
        let python = self
            .frontend
            .build_python()
            .map_err(|reason| BuildError::Interpreter {
                name: self.name.clone(),
                version: self.version.clone(),
                reason,
            })?;
        let system = BuildSystem::read(source).map_err(|reason| BuildError::BuildSystem {
            name: self.name.clone(),
            version: self.version.clone(),
            reason,
        })?;
        Ok((python, system))
    }

    fn run(&self, source: &Path) -> Result<Vec<u8>, BuildError> {
        let (python, system) = self.python_and_build_system(source)?;
        tracing::debug!(
            "{} {}: backend `{}`, build requirements [{}]",
            self.name,
            self.version,
            system.backend,
            joined(&system.requires)
        );
        let base = self.resolve(python, &system.requires)?;
        let env = self.environment(python, &base)?;
        let work = tempfile::Builder::new()
            .prefix("lockit-hooks-")
            .tempdir()
            .map_err(|e| {
                self.hook_error(
                    Hook::GetRequires,
                    HookFailure::Spawn(e.to_string()),
                    Vec::new(),
                )
            })?;
        let timeout = self.frontend.options.timeout;
        // Only hooks hold a build slot (`-j`): resolving build requirements may itself build,
        // and must not wait on itself.
        let call_then = |env: &BuildEnv, hook: Hook, out_dir: &Path, then| {
            let _slot = self.frontend.slots.take();
            hook_runner(env, source, &system, work.path(), timeout, self.editable)
                .call(hook, out_dir, then)
                .map_err(|(hook, f, out)| self.hook_error(hook, f, out))
        };
        let call = |env: &BuildEnv, hook: Hook, out_dir: &Path| {
            call_then(env, hook, out_dir, None).map(|a| a.first)
        };
        let metadata_dir = work.path().join("metadata");
        let wheel_dir = work.path().join("wheel");
        for dir in [&metadata_dir, &wheel_dir] {
            std::fs::create_dir_all(dir).map_err(|e| {
                self.hook_error(
                    Hook::PrepareMetadata,
                    HookFailure::Spawn(e.to_string()),
                    Vec::new(),
                )
            })?;
        }

        // PEP 517: what get_requires_for_build_wheel adds is installed before the next
        // hook; when it adds nothing, prepare_metadata_for_build_wheel runs in the same
        // process.
        let answers = call_then(
            &env,
            Hook::GetRequires,
            work.path(),
            Some((Hook::PrepareMetadata, &metadata_dir)),
        )?;
        let extra = self.extra_requirements(&answers.first)?;
        let missing: Vec<&Requirement> = extra
            .iter()
            .filter(|r| !satisfied(r, &base, &python.target))
            .collect();
        let env = if missing.is_empty() {
            env
        } else {
            tracing::debug!(
                "{} {}: get_requires_for_build_wheel adds [{}]",
                self.name,
                self.version,
                joined(&extra)
            );
            let all: Vec<Requirement> = system.requires.iter().chain(&extra).cloned().collect();
            let lock = self.resolve(python, &all)?;
            self.environment(python, &lock)?
        };

        let answer = match answers.then {
            Some(answer) => answer,
            None => call(&env, Hook::PrepareMetadata, &metadata_dir)?,
        };
        if answer.get("missing").and_then(serde_json::Value::as_bool) != Some(true) {
            let dist_info = plain_name(&answer).ok_or_else(|| {
                self.no_metadata(
                    Hook::PrepareMetadata,
                    "it returned no `.dist-info` folder name",
                )
            })?;
            let path = metadata_dir.join(dist_info).join("METADATA");
            return read_limited(&path).map_err(|e| {
                self.no_metadata(Hook::PrepareMetadata, &format!("`{}`: {e}", path.display()))
            });
        }
        // The backend has no prepare_metadata_for_build_wheel: build the wheel, read its METADATA.
        let answer = call(&env, Hook::BuildWheel, &wheel_dir)?;
        let wheel = plain_name(&answer)
            .ok_or_else(|| self.no_metadata(Hook::BuildWheel, "it returned no wheel file name"))?;
        wheel_metadata(&wheel_dir.join(wheel)).map_err(|e| self.no_metadata(Hook::BuildWheel, &e))
    }

    /// Builds a wheel of `source` into `out_dir` (get_requires_for_build_wheel, then
    /// build_wheel); its path.
    fn wheel(&self, source: &Path, out_dir: &Path) -> Result<PathBuf, BuildError> {
        let (python, system) = self.python_and_build_system(source)?;
        let base = self.resolve(python, &system.requires)?;
        let env = self.environment(python, &base)?;
        let spawn_error = |e: std::io::Error| {
            self.hook_error(
                Hook::BuildWheel,
                HookFailure::Spawn(e.to_string()),
                Vec::new(),
            )
        };
        let work = tempfile::Builder::new()
            .prefix("lockit-hooks-")
            .tempdir()
            .map_err(spawn_error)?;
        std::fs::create_dir_all(out_dir).map_err(spawn_error)?;
        let timeout = self.frontend.options.timeout;
        let call = |env: &BuildEnv, hook: Hook, out_dir: &Path| {
            let _slot = self.frontend.slots.take();
            hook_runner(env, source, &system, work.path(), timeout, self.editable)
                .call(hook, out_dir, None)
                .map(|a| a.first)
                .map_err(|(hook, f, out)| self.hook_error(hook, f, out))
        };
        let answer = call(&env, Hook::GetRequires, work.path())?;
        let extra = self.extra_requirements(&answer)?;
        let missing = extra.iter().any(|r| !satisfied(r, &base, &python.target));
        let env = if missing {
            let all: Vec<Requirement> = system.requires.iter().chain(&extra).cloned().collect();
            let lock = self.resolve(python, &all)?;
            self.environment(python, &lock)?
        } else {
            env
        };
        let answer = call(&env, Hook::BuildWheel, out_dir)?;
        let wheel = plain_name(&answer)
            .ok_or_else(|| self.no_metadata(Hook::BuildWheel, "it returned no wheel file name"))?;
        Ok(out_dir.join(wheel))
    }

    fn resolve(
        &self,
        python: &BuildPython,
        requirements: &[Requirement],
    ) -> Result<Vec<LockedWheel>, BuildError> {
        let envs = self
            .frontend
            .environments()
            .map_err(|reason| self.requirements_error(requirements, reason))?;
        envs.resolve(self.client, python, requirements)
            .map_err(|reason| self.requirements_error(requirements, reason))
    }

    fn environment(
        &self,
        python: &BuildPython,
        wheels: &[LockedWheel],
    ) -> Result<BuildEnv, BuildError> {
        let envs = self
            .frontend
            .environments()
            .map_err(|reason| BuildError::Interpreter {
                name: self.name.clone(),
                version: self.version.clone(),
                reason,
            })?;
        envs.ensure(self.client, python, wheels, self.frontend.options.timeout)
            .map_err(|e| match e {
                EnvError::Fetch(reason) => BuildError::Requirements {
                    name: self.name.clone(),
                    version: self.version.clone(),
                    requirements: wheels
                        .iter()
                        .map(|w| format!("{}=={}", w.name, w.version))
                        .collect::<Vec<_>>()
                        .join(", "),
                    reason,
                },
                EnvError::Step(step, (failure, output)) => BuildError::Environment {
                    name: self.name.clone(),
                    version: self.version.clone(),
                    step,
                    failure,
                    output,
                },
            })
    }

    /// The requirements `get_requires_for_build_wheel` answered.
    fn extra_requirements(
        &self,
        answer: &serde_json::Value,
    ) -> Result<Vec<Requirement>, BuildError> {
        let list = answer.as_array().ok_or_else(|| {
            self.no_metadata(
                Hook::GetRequires,
                "it did not return a list of requirements",
            )
        })?;
        list.iter()
            .map(|v| {
                let text = v.as_str().unwrap_or_default();
                lockit_types::parse_requirement(text).map_err(|e| {
                    self.no_metadata(
                        Hook::GetRequires,
                        &format!(
                            "it returned the invalid requirement `{text}`: {}",
                            e.message
                        ),
                    )
                })
            })
            .collect()
    }

    fn requirements_error(&self, requirements: &[Requirement], reason: String) -> BuildError {
        BuildError::Requirements {
            name: self.name.clone(),
            version: self.version.clone(),
            requirements: joined(requirements),
            reason,
        }
    }

    fn hook_error(&self, hook: Hook, failure: HookFailure, output: Vec<String>) -> BuildError {
        BuildError::Hook {
            name: self.name.clone(),
            version: self.version.clone(),
            hook: hook.name(),
            failure,
            output,
        }
    }

    fn no_metadata(&self, hook: Hook, reason: &str) -> BuildError {
        BuildError::NoMetadata {
            name: self.name.clone(),
            version: self.version.clone(),
            hook: hook.name(),
            reason: reason.to_string(),
        }
    }
}

fn hook_runner<'a>(
    env: &'a BuildEnv,
    source: &'a Path,
    system: &'a BuildSystem,
    work: &'a Path,
    timeout: Duration,
    editable: bool,
) -> HookRunner<'a> {
    HookRunner {
        python: &env.python,
        venv: &env.root,
        source,
        backend: &system.backend,
        backend_path: &system.backend_path,
        work,
        timeout,
        editable,
    }
}

fn joined(requirements: &[Requirement]) -> String {
    requirements
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// True when `wheels` already fulfil `req` on `target` (so no second environment is needed).
fn satisfied(req: &Requirement, wheels: &[LockedWheel], target: &Target) -> bool {
    if !req.marker.holds(&target.markers, &[]) {
        return true;
    }
    if !req.extras.is_empty() {
        return false;
    }
    let Some(wheel) = wheels.iter().find(|w| w.name == req.name) else {
        return false;
    };
    match &req.version_or_url {
        None => true,
        Some(VersionOrUrl::VersionSpecifier(spec)) => {
            lockit_resolver::specifiers_contain(spec, &wheel.version)
        }
        Some(VersionOrUrl::Url(_)) => false,
    }
}

fn read_limited(path: &Path) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::new();
    File::open(path)?.take(MAX_METADATA).read_to_end(&mut out)?;
    Ok(out)
}

/// The `.dist-info/METADATA` of the wheel at `path`.
fn wheel_metadata(path: &Path) -> Result<Vec<u8>, String> {
    let file = File::open(path).map_err(|e| format!("`{}`: {e}", path.display()))?;
    let mut zip = zip::ZipArchive::new(std::io::BufReader::new(file))
        .map_err(|e| format!("the wheel is not a zip: {e}"))?;
    let entry = zip
        .file_names()
        .filter_map(Result::ok)
        .find(|n| {
            n.strip_suffix(".dist-info/METADATA")
                .is_some_and(|dir| !dir.is_empty() && !dir.contains('/'))
        })
        .map(|n| n.into_owned())
        .ok_or("the wheel has no `.dist-info/METADATA`")?;
    let mut out = Vec::new();
    zip.by_name(&entry)
        .map_err(|e| e.to_string())?
        .take(MAX_METADATA)
        .read_to_end(&mut out)
        .map_err(|e| e.to_string())?;
    Ok(out)
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}
