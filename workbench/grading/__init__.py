"""Fast, sandboxed, parallel grading on nbgrader's gradebook (see README.md here)."""
