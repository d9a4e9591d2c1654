//! Results -> SVG charts (being written).
