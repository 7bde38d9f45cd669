//! What the relay's tests share: temporary databases, a relay in this
//! process or as its own binary, the wire (frames over a real WebSocket),
//! and devices that run the real sync client against it.
//!
//! Each test file uses a part of it.
#![allow(dead_code)]

pub(crate) mod commands;
pub(crate) mod device;
pub(crate) mod files;
pub(crate) mod outage;
pub(crate) mod process;
pub(crate) mod relay;
pub(crate) mod wire;
