"""The activity service: one feed per organization, built from the other services' events."""
