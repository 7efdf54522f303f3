//! Integration tests: the `tkt` binary driven in temporary git desks.

mod common;

mod catalog;
mod check;
mod convergence;
mod crash;
mod desk;
mod documents;
mod einvoice;
mod fiscal;
mod hardening;
mod intake;
mod output;
mod readme;
mod records;
mod reports;
mod smtp;
mod sync;
mod ticket;
mod upgrade;
