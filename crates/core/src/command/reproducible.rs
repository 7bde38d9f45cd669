//! Programmes made the same way every time: chosen ids and device (actor)
//! ids instead of random ones, so that a generator started with the same
//! seed writes the same bytes (the state-scale benchmark programme, tests
//! that compare saved documents).
//!
//! A real coordinator never needs this: their programme and device ids are
//! random, as DESIGN.md asks.

use automerge::{ActorId, Automerge};

use crate::command::NewProgramme;
use crate::document::author::Author;
use crate::document::programme::ProgrammeDocument;
use crate::model::ids::{PartnerId, ProgrammeId};
use crate::rules::error::CommandError;

impl ProgrammeDocument {
    /// Like [`create_at`](Self::create_at), with the programme's id, the
    /// partners' ids (in the order of `new.partners`) and the device's
    /// actor id given.
    pub fn create_reproducible(
        author: &Author,
        at: i64,
        new: NewProgramme,
        id: ProgrammeId,
        partner_ids: &[PartnerId],
        actor: &[u8],
    ) -> Result<Self, CommandError> {
        if partner_ids.len() != new.partners.len() {
            return Err(CommandError::Document(
                "one id is needed for each partner".into(),
            ));
        }
        let names = new.partners.clone();
        // The checks and the programme as a random-id genesis makes them.
        let made = Self::create_at(author, at, new)?;
        let mut programme = made.programme;
        programme.id = id;
        let mut partners = std::collections::BTreeMap::new();
        for (name, partner_id) in names.iter().zip(partner_ids) {
            let wanted = name.trim();
            let Some(partner) = programme
                .partners
                .values()
                .find(|partner| partner.name == wanted)
            else {
                return Err(CommandError::Document(format!("no partner {wanted}")));
            };
            partners.insert(*partner_id, partner.clone());
        }
        programme.partners = partners;
        Self::genesis(
            Automerge::new().with_actor(ActorId::from(actor)),
            author,
            at,
            programme,
        )
    }

    /// A copy of this document for another device, writing its changes
    /// under the actor id given (never one another device uses).
    pub fn fork_as(&self, actor: &[u8]) -> Self {
        let mut copy = self.clone();
        copy.doc.set_actor(ActorId::from(actor));
        copy
    }
}
