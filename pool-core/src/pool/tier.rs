//! The shared tier: idle objects any thread can take, aged by `trim` (Go's victim cache).

use core::mem;

use crate::idle::{Idle, add_idle};
use crate::lifecycle::Measure;
use crate::stats::Gathered;

/// The shared tier, behind the pool's `tier` mutex.
pub(crate) struct Tier<T> {
    /// Objects that arrived since the last `trim`.
    primary: Vec<Idle<T>>,
    /// Objects that were already here at the last `trim`; the next `trim` releases them.
    victim: Vec<Idle<T>>,
}

impl<T> Tier<T> {
    /// An empty tier.
    pub(crate) const fn new() -> Self {
        Self {
            primary: Vec::new(),
            victim: Vec::new(),
        }
    }

    /// Idle objects in the tier.
    pub(crate) fn len(&self) -> usize {
        self.primary.len() + self.victim.len()
    }

    /// Adds the tier's idle objects and the bytes they retain to `into`.
    pub(crate) fn add_to(&self, into: &mut Gathered, measure: Measure<T>) {
        add_idle(into, &self.primary, measure);
        add_idle(into, &self.victim, measure);
    }

    /// Takes the most recently returned object, from `primary` first.
    pub(crate) fn pop(&mut self) -> Option<Idle<T>> {
        self.primary.pop().or_else(|| self.victim.pop())
    }

    /// Adds an object (the caller checked the idle bound); `stale`: it has been idle since the
    /// last `trim` already (spilled from below a cache's low-water mark), so it joins the victims.
    pub(crate) fn push(&mut self, idle: Idle<T>, stale: bool) {
        if stale {
            self.victim.push(idle);
        } else {
            self.primary.push(idle);
        }
    }

    /// Ages the tier: returns what was already idle at the previous trim (for the caller to drop
    /// outside the lock), and makes everything else the new victims.
    pub(crate) fn trim(&mut self) -> Vec<Idle<T>> {
        let aged = mem::take(&mut self.primary);
        mem::replace(&mut self.victim, aged)
    }

    /// Empties the tier (the pool is being dropped).
    pub(crate) fn take_all(&mut self) -> Vec<Idle<T>> {
        let mut all = mem::take(&mut self.victim);
        all.append(&mut self.primary);
        all
    }
}
