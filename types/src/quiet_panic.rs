//! Running third-party parsers that may panic on hostile input, without the panic
//! reaching the user: the panic becomes an error value and prints nothing.

use std::cell::Cell;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Once;

thread_local! {
    static QUIET: Cell<bool> = const { Cell::new(false) };
}

static HOOK: Once = Once::new();

/// Runs `f`; a panic inside it is returned as `Err(())` and not printed.
/// Panics elsewhere still reach the previous panic hook.
pub(crate) fn catch_quietly<T>(f: impl FnOnce() -> T) -> Result<T, ()> {
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !QUIET.with(Cell::get) {
                previous(info);
            }
        }));
    });
    let was = QUIET.with(|q| q.replace(true));
    let result = catch_unwind(AssertUnwindSafe(f));
    QUIET.with(|q| q.set(was));
    result.map_err(|_| ())
}

#[cfg(test)]
mod tests {
    use super::catch_quietly;

    #[test]
    fn panics_become_errors() {
        assert_eq!(catch_quietly(|| 1), Ok(1));
        assert_eq!(
            catch_quietly(|| -> i32 { panic!("hostile input") }),
            Err(())
        );
        // The flag is restored: a later call still works.
        assert_eq!(catch_quietly(|| 2), Ok(2));
    }
}
