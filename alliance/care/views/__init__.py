"""Care pages, one module per subject: episodes, frames, sessions, overviews."""
