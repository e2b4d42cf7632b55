//! Forks on in-memory indexes.
