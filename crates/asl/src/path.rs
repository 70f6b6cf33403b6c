//! ASL JSONPath: parsing and pure evaluation of paths, reference paths and context paths.
