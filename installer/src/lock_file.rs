//! Turns and repairs: one sync changes an environment at a time (an exclusive lock on a
//! file in the venv; a second sync waits its turn), and a journal names the packages a
//! sync is changing until it is done, so the sync after one that was killed installs those
//! again whatever state they were left in.

use std::collections::HashSet;
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use lockit_types::PackageName;

use crate::SyncError;

const LOCK: &str = ".lockit-sync.lock";
const JOURNAL: &str = ".lockit-sync.journal";

/// Held while a sync reads and changes one environment; released on drop.
#[derive(Debug)]
pub struct EnvironmentLock {
    _file: File,
    journal: PathBuf,
}

impl EnvironmentLock {
    /// Waits for the environment at `prefix` to be free and takes it, saying so on stderr
    /// when another sync holds it.
    pub fn acquire(prefix: &Path) -> Result<EnvironmentLock, SyncError> {
        let path = prefix.join(LOCK);
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| SyncError::io("cannot open the lock", &path, e))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                eprintln!("Waiting for another sync of {} to finish", prefix.display());
                file.lock()
                    .map_err(|e| SyncError::io("cannot lock", &path, e))?;
            }
            Err(std::fs::TryLockError::Error(e)) => {
                return Err(SyncError::io("cannot lock", &path, e));
            }
        }
        Ok(EnvironmentLock {
            _file: file,
            journal: prefix.join(JOURNAL),
        })
    }

    /// The packages an interrupted sync was changing (none after a clean one).
    pub fn dirty(&self) -> HashSet<PackageName> {
        let Ok(text) = std::fs::read_to_string(&self.journal) else {
            return HashSet::new();
        };
        text.lines()
            .filter_map(|l| PackageName::from_str(l.trim()).ok())
            .collect()
    }

    /// Records, durably, that `names` are about to change.
    pub fn begin<'a>(
        &self,
        names: impl IntoIterator<Item = &'a PackageName>,
    ) -> Result<(), SyncError> {
        let mut all = self.dirty();
        all.extend(names.into_iter().cloned());
        let mut sorted: Vec<String> = all.iter().map(ToString::to_string).collect();
        sorted.sort();
        let io = |e| SyncError::io("cannot write the journal", &self.journal, e);
        let mut file = File::create(&self.journal).map_err(io)?;
        file.write_all((sorted.join("\n") + "\n").as_bytes())
            .map_err(io)?;
        file.sync_all().map_err(io)
    }

    /// Records that every change is done.
    pub fn finish(&self) -> Result<(), SyncError> {
        match std::fs::remove_file(&self.journal) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(SyncError::io("cannot remove the journal", &self.journal, e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_journal_left_behind_names_what_to_repair() {
        let tmp = tempfile::tempdir().unwrap();
        let six = PackageName::from_str("six").unwrap();
        {
            let lock = EnvironmentLock::acquire(tmp.path()).unwrap();
            assert!(lock.dirty().is_empty());
            lock.begin([&six]).unwrap();
            // Dropped without finish: as if killed.
        }
        let lock = EnvironmentLock::acquire(tmp.path()).unwrap();
        assert_eq!(lock.dirty(), HashSet::from([six.clone()]));
        lock.finish().unwrap();
        assert!(lock.dirty().is_empty());
    }

    #[test]
    fn a_second_holder_waits_for_the_first() {
        let tmp = tempfile::tempdir().unwrap();
        let first = EnvironmentLock::acquire(tmp.path()).unwrap();
        let path = tmp.path().to_path_buf();
        let (tx, rx) = std::sync::mpsc::channel();
        let waiter = std::thread::spawn(move || {
            let _second = EnvironmentLock::acquire(&path).unwrap();
            tx.send(()).unwrap();
        });
        assert!(rx
            .recv_timeout(std::time::Duration::from_millis(200))
            .is_err());
        drop(first);
        rx.recv_timeout(std::time::Duration::from_secs(5)).unwrap();
        waiter.join().unwrap();
    }
}
