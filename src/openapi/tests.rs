//! Unit tests of the importer.
