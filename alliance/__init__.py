"""Alliance: find a therapist you can work well with, and keep the relationship healthy."""
