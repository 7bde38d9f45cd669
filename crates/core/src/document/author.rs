//! Who signs a change: every change message names its coordinator.

use crate::model::ids::CoordinatorId;

/// The coordinator who makes a change. Kept in settings on each device; the
/// same person on two laptops is the same author with two actor ids.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Author {
    pub id: CoordinatorId,
    pub name: String,
}

impl Author {
    /// A coordinator with a new random id.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            id: CoordinatorId::random(),
            name: name.into(),
        }
    }
}
