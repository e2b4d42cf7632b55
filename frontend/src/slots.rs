//! At most N builds at once (`-j`): a counting semaphore whose waiters block their thread
//! (builds run on blocking threads, never on the async runtime's).

use std::sync::{Condvar, Mutex, PoisonError};

/// The free build slots.
#[derive(Debug)]
pub(crate) struct Slots {
    free: Mutex<usize>,
    freed: Condvar,
}

/// A slot held until dropped.
pub(crate) struct Slot<'a>(&'a Slots);

impl Slots {
    /// `n` slots (at least one).
    pub fn new(n: usize) -> Self {
        Slots {
            free: Mutex::new(n.max(1)),
            freed: Condvar::new(),
        }
    }

    /// Waits for a free slot and takes it.
    pub fn take(&self) -> Slot<'_> {
        let mut free = self.free.lock().unwrap_or_else(PoisonError::into_inner);
        while *free == 0 {
            free = self
                .freed
                .wait(free)
                .unwrap_or_else(PoisonError::into_inner);
        }
        *free -= 1;
        Slot(self)
    }
}

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        let mut free = self.0.free.lock().unwrap_or_else(PoisonError::into_inner);
        *free += 1;
        self.0.freed.notify_one();
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    use super::*;

    /// However many threads want one, no more than N slots are ever held at once.
    #[test]
    fn no_more_than_n_are_held_at_once() {
        for n in [1, 2, 3] {
            let slots = Slots::new(n);
            let (now, most) = (AtomicUsize::new(0), AtomicUsize::new(0));
            std::thread::scope(|s| {
                for _ in 0..8 {
                    s.spawn(|| {
                        let _slot = slots.take();
                        let held = now.fetch_add(1, Ordering::SeqCst) + 1;
                        most.fetch_max(held, Ordering::SeqCst);
                        std::thread::sleep(Duration::from_millis(5));
                        now.fetch_sub(1, Ordering::SeqCst);
                    });
                }
            });
            assert_eq!(most.load(Ordering::SeqCst), n);
        }
    }
}
