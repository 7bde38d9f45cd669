//! The rule on matching weights: none above [`MAX_WEIGHT`].

use crate::model::weights::{Criterion, MatchingWeights, MAX_WEIGHT};
use crate::rules::error::{CommandError, MatchingError};

impl MatchingWeights {
    /// No criterion weighs more than [`MAX_WEIGHT`].
    pub(crate) fn check(&self) -> Result<(), CommandError> {
        if Criterion::ALL.iter().any(|c| self.of(*c) > MAX_WEIGHT) {
            return Err(CommandError::Matching(MatchingError::WeightTooHigh));
        }
        Ok(())
    }
}
