"""The fleet: one module per bounded task, each small, versioned and traced."""
