//! What the relay's tests share: temporary databases, a relay in this
//! process or as its own binary, the wire (frames over a real WebSocket),
//! and devices that run the real sync client against it.
//!
//! Each test file uses a part of it.
#![allow(dead_code)]

pub mod commands;
pub mod device;
pub mod files;
pub mod outage;
pub mod process;
pub mod relay;
pub mod wire;
