//! Test support shared by every integration suite, included by each as
//! `#[path = "support/mod.rs"] mod support;`: the application in-process on an embedded sandbox
//! ([`app`]), the binary as a child process ([`binary`]), Halo's OpenAPI document ([`openapi`])
//! and the sign-in on the sandbox's Halo login page ([`sign_in`]).

// Each suite uses a different part of this module.
#![allow(dead_code)]

pub mod app;
pub mod assert;
pub mod binary;
pub mod logs;
pub mod openapi;
pub mod settings;
pub mod sign_in;
pub mod wait;
