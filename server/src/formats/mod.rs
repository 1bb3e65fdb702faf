//! The files the service writes besides JSON: FlatGeobuf exports (`fgb`), byte ranges of
//! them (`ranges`), and CSV cells a spreadsheet cannot mistake for formulas (`csv_cell`).

pub mod csv_cell;
pub mod fgb;
pub mod ranges;
