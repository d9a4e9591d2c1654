//! Fetch and file-system I/O for every executor (being written).
